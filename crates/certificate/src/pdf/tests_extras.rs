//! The certificate with everything an instansi adds: its name and signatory, the
//! holder's unit, the training period, the predikat, the annex of modules, the tags and
//! the document information. Checked as a reader sees it, page by page, through
//! poppler's `pdftotext` and `pdfinfo` (skipped without poppler-utils, except under CI,
//! like the tests beside this file).

use std::collections::HashMap;
use std::process::Command;

use chrono::NaiveDate;

use super::annex::{self, LIST_BOTTOM};
use super::front::{
    INNER_BORDER, PAGE_HEIGHT, PAGE_WIDTH, QR_LEFT, QR_SIZE, QR_TOP, SIGNATURE_LEFT,
    SIGNATURE_RIGHT, layout,
};
use super::tests::{certificate, keep_sample, long_certificate, squeeze, tool, write_temp};
use super::text::{Align, Block, Fonts};
use super::{
    Instansi, MAX_MODULE_ENTRIES, MAX_MODULES, MAX_TITLE, ModuleItem, ModuleItemKind,
    ModuleOutline, PdfCertificate, PdfError, PdfExtras, Predikat, PredikatError,
    PredikatThresholds, Signatory, TrainingPeriod, certificate_pdf, certificate_pdf_with,
};

const INSTANSI: &str = "Badan Kepegawaian dan Pengembangan SDM Kabupaten Bungo";
const JABATAN: &str = "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia \
                       Kabupaten Bungo";
const SIGNATORY: &str = "Dr. H. Ahmad Fauzi Ramadhan, S.Sos., M.Si.";
const SIGNATORY_NIP: &str = "197204101998031005";
const UNIT: &str = "Bidang Aplikasi Informatika, Dinas Komunikasi dan Informatika";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is not a date"))
}

fn ok<T, E: std::fmt::Debug>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("unexpected error: {e:?}"))
}

fn modules(count: usize) -> Vec<ModuleOutline> {
    (1..=count)
        .map(|m| ModuleOutline {
            title: format!("Modul {m}: Keamanan Informasi di Lingkungan Pemerintah Daerah"),
            items: vec![
                ModuleItem {
                    title: format!("Materi {m}.a — Ancaman dan Kerentanan"),
                    kind: ModuleItemKind::Lesson,
                },
                ModuleItem {
                    title: format!("Evaluasi Modul {m}"),
                    kind: ModuleItemKind::Quiz,
                },
            ],
        })
        .collect()
}

fn extras() -> PdfExtras {
    PdfExtras {
        instansi: Some(Instansi {
            name: INSTANSI.into(),
            signatory: Some(Signatory {
                name: SIGNATORY.into(),
                jabatan: JABATAN.into(),
                nip: Some(SIGNATORY_NIP.into()),
            }),
        }),
        unit: Some(UNIT.into()),
        period: Some(ok(TrainingPeriod::new(
            date(2026, 11, 3),
            date(2026, 11, 28),
        ))),
        score: Some(92.5),
        thresholds: PredikatThresholds::default(),
        modules: vec![
            ModuleOutline {
                title: "Pengantar Keamanan Siber".into(),
                items: vec![
                    ModuleItem {
                        title: "Mengapa ASN menjadi sasaran".into(),
                        kind: ModuleItemKind::Lesson,
                    },
                    ModuleItem {
                        title: "Kata sandi dan MFA".into(),
                        kind: ModuleItemKind::Lesson,
                    },
                ],
            },
            ModuleOutline {
                title: "Phishing dan Rekayasa Sosial".into(),
                items: vec![ModuleItem {
                    title: "Evaluasi Akhir".into(),
                    kind: ModuleItemKind::Quiz,
                }],
            },
        ],
        statement: None,
        annex_heading: None,
    }
}

/// Everything at its longest: the layout's worst case.
fn longest() -> (PdfCertificate, PdfExtras) {
    let words = |n: usize, word: &str| {
        let mut text = String::new();
        while text.chars().count() + word.len() < n {
            text.push_str(word);
            text.push(' ');
        }
        text.trim_end().to_string()
    };
    let c = PdfCertificate {
        holder_name: words(200, "Wicaksono"),
        holder_nip: Some("1".repeat(40)),
        course_title: words(400, "Pemerintahan"),
        number: "L".repeat(64),
        issuer: words(200, "Pengembangan"),
        verify_url: format!("https://x.id/{}", "v".repeat(287)),
        ..long_certificate()
    };
    let e = PdfExtras {
        instansi: Some(Instansi {
            name: words(200, "Kepegawaian"),
            signatory: Some(Signatory {
                name: words(120, "Prawirodirdjo"),
                jabatan: words(200, "Pengembangan"),
                nip: Some("9".repeat(40)),
            }),
        }),
        unit: Some(words(200, "Informatika")),
        period: Some(ok(TrainingPeriod::new(
            date(2026, 12, 28),
            date(2027, 1, 3),
        ))),
        score: Some(75.0),
        ..extras()
    };
    (c, e)
}

/// The text of one page, in the order it was drawn (`pdftotext -raw`), with all runs
/// of whitespace made one space.
fn page_text(pdf: &[u8], page: usize) -> Option<String> {
    let pdftotext = tool("pdftotext")?;
    let file = write_temp(pdf);
    let page = page.to_string();
    let output = Command::new(pdftotext)
        .args(["-raw", "-f", &page, "-l", &page])
        .arg(file.path())
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext: {e}"));
    assert!(output.status.success(), "{output:?}");
    Some(squeeze(&String::from_utf8_lossy(&output.stdout)))
}

/// `pdfinfo FILE` (with extra arguments) as printed.
fn pdfinfo_output(pdf: &[u8], args: &[&str]) -> Option<String> {
    let pdfinfo = tool("pdfinfo")?;
    let file = write_temp(pdf);
    let output = Command::new(pdfinfo)
        .args(args)
        .arg(file.path())
        .output()
        .unwrap_or_else(|e| panic!("pdfinfo: {e}"));
    assert!(output.status.success(), "{output:?}");
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `pdfinfo FILE` as a map from field to value.
fn pdfinfo(pdf: &[u8]) -> Option<HashMap<String, String>> {
    let listing = pdfinfo_output(pdf, &[])?;
    Some(
        listing
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
            .collect(),
    )
}

fn pages(pdf: &[u8]) -> Option<usize> {
    let info = pdfinfo(pdf)?;
    let pages = info.get("Pages").map(String::as_str).unwrap_or_default();
    Some(
        pages
            .parse()
            .unwrap_or_else(|e| panic!("Pages {pages:?}: {e}")),
    )
}

fn assert_contains(text: &str, expected: &[&str]) {
    for expected in expected {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
}

#[test]
fn predikat_boundaries_follow_the_default_thresholds() {
    let t = PredikatThresholds::default();
    for (score, expected) in [
        (100.0, Predikat::SangatMemuaskan),
        (90.01, Predikat::SangatMemuaskan),
        (9001.0 / 100.0, Predikat::SangatMemuaskan),
        (90.0, Predikat::Memuaskan),
        (90.009, Predikat::Memuaskan),
        (80.01, Predikat::Memuaskan),
        (80.0, Predikat::Baik),
        (70.01, Predikat::Baik),
        (70.0, Predikat::Cukup),
        (60.01, Predikat::Cukup),
        (60.0, Predikat::Kurang),
        (0.0, Predikat::Kurang),
    ] {
        assert_eq!(ok(t.predikat(score)), expected, "score {score}");
    }
    assert_eq!(Predikat::SangatMemuaskan.label(), "Sangat Memuaskan");
    assert_eq!(Predikat::Kurang.label(), "Kurang");
}

#[test]
fn custom_thresholds_move_the_bands() {
    let t = ok(PredikatThresholds::new(85.0, 75.0, 65.0, 55.0));
    assert_eq!(ok(t.predikat(85.0)), Predikat::SangatMemuaskan);
    assert_eq!(ok(t.predikat(84.99)), Predikat::Memuaskan);
    assert_eq!(ok(t.predikat(55.0)), Predikat::Cukup);
    assert_eq!(ok(t.predikat(54.99)), Predikat::Kurang);
}

#[test]
fn bad_thresholds_and_scores_are_refused() {
    for (thresholds, field) in [
        ((90.0, 90.0, 70.0, 60.0), "memuaskan"),
        ((90.0, 80.0, 85.0, 60.0), "baik"),
        ((90.0, 80.0, 70.0, 70.0), "cukup"),
        ((60.0, 70.0, 80.0, 90.0), "memuaskan"),
    ] {
        let (a, b, c, d) = thresholds;
        match PredikatThresholds::new(a, b, c, d) {
            Err(PredikatError::NotDecreasing { higher, lower, .. }) => {
                assert!(field == higher || field == lower, "{thresholds:?}");
            }
            other => panic!("{thresholds:?} gave {other:?}"),
        }
    }
    for thresholds in [
        (100.5, 80.0, 70.0, 60.0),
        (90.0, 80.0, 70.0, -1.0),
        (f64::NAN, 80.0, 70.0, 60.0),
        (f64::INFINITY, 80.0, 70.0, 60.0),
    ] {
        let (a, b, c, d) = thresholds;
        assert!(
            matches!(
                PredikatThresholds::new(a, b, c, d),
                Err(PredikatError::ThresholdOutOfRange { .. })
            ),
            "{thresholds:?}"
        );
    }
    let t = PredikatThresholds::default();
    for score in [-0.01, 100.01, f64::NAN, f64::NEG_INFINITY] {
        assert!(
            matches!(t.predikat(score), Err(PredikatError::ScoreOutOfRange(_))),
            "{score}"
        );
    }

    // The renderer refuses them too, rather than printing a wrong predikat.
    let bad = PdfExtras {
        thresholds: PredikatThresholds {
            sangat_memuaskan: 80.0,
            memuaskan: 90.0,
            baik: 70.0,
            cukup: 60.0,
        },
        ..extras()
    };
    assert!(matches!(
        certificate_pdf_with(&certificate(), &bad),
        Err(PdfError::Predikat(PredikatError::NotDecreasing { .. }))
    ));
    let bad = PdfExtras {
        score: Some(120.0),
        ..extras()
    };
    assert!(matches!(
        certificate_pdf_with(&certificate(), &bad),
        Err(PdfError::Predikat(PredikatError::ScoreOutOfRange(_)))
    ));
}

#[test]
fn training_periods_in_indonesian() {
    let period = |a, b| ok(TrainingPeriod::new(a, b)).indonesian();
    assert_eq!(
        period(date(2026, 11, 3), date(2026, 11, 28)),
        "3 – 28 November 2026"
    );
    assert_eq!(
        period(date(2026, 11, 3), date(2026, 11, 3)),
        "3 November 2026"
    );
    assert_eq!(
        TrainingPeriod::single_day(date(2025, 8, 5)).indonesian(),
        "5 Agustus 2025"
    );
    assert_eq!(
        period(date(2026, 10, 28), date(2026, 11, 3)),
        "28 Oktober – 3 November 2026"
    );
    assert_eq!(
        period(date(2026, 12, 28), date(2027, 1, 3)),
        "28 Desember 2026 – 3 Januari 2027"
    );
    assert!(matches!(
        TrainingPeriod::new(date(2026, 11, 28), date(2026, 11, 3)),
        Err(PdfError::PeriodReversed { .. })
    ));
}

#[test]
fn page_one_names_instansi_unit_period_predikat_and_signatory_page_two_the_modules() {
    let pdf = ok(certificate_pdf_with(&certificate(), &extras()));
    keep_sample("sertifikat-instansi.pdf", &pdf);
    assert!(pdf.len() < 150_000, "{} bytes", pdf.len());
    let Some(count) = pages(&pdf) else {
        return;
    };
    assert_eq!(count, 2);
    let Some(first) = page_text(&pdf, 1) else {
        return;
    };
    assert_contains(
        &first,
        &[
            INSTANSI,
            "SERTIFIKAT",
            "Nomor: LNT-2026-000123",
            "Ni Luh Putu Ayu Sukmawati, S.Kom.",
            "NIP 198503152010011003",
            &format!("Unit kerja: {UNIT}"),
            "Keamanan Siber — Dasar",
            "12 JP (jam pelajaran)",
            "Pelaksanaan: 3 – 28 November 2026",
            "dengan predikat SANGAT MEMUASKAN",
            &format!("{},", squeeze(JABATAN)),
            SIGNATORY,
            &format!("NIP. {SIGNATORY_NIP}"),
            "Diterbitkan: 23 November 2026",
            "melalui Lentera — BKPSDM Kabupaten Bungo",
        ],
    );
    // The modules are on the annex, not on the certificate.
    assert!(!first.contains("Pengantar Keamanan Siber"), "{first}");

    let Some(second) = page_text(&pdf, 2) else {
        return;
    };
    assert_contains(
        &second,
        &[
            "LAMPIRAN SERTIFIKAT",
            "Nomor: LNT-2026-000123",
            "Keamanan Siber — Dasar",
            "atas nama Ni Luh Putu Ayu Sukmawati, S.Kom.",
            "Daftar Modul Pelatihan",
            "1. Pengantar Keamanan Siber",
            "1.1 Mengapa ASN menjadi sasaran",
            "1.2 Kata sandi dan MFA",
            "2. Phishing dan Rekayasa Sosial",
            "2.1 Kuis: Evaluasi Akhir",
            "Halaman 2 dari 2",
        ],
    );
    assert!(!second.contains(SIGNATORY));
}

#[test]
fn without_extras_the_certificate_is_one_page_as_before() {
    let pdf = ok(certificate_pdf(&certificate()));
    assert_eq!(
        pdf,
        ok(certificate_pdf_with(&certificate(), &PdfExtras::default()))
    );
    let Some(count) = pages(&pdf) else {
        return;
    };
    assert_eq!(count, 1);
    let Some(text) = page_text(&pdf, 1) else {
        return;
    };
    for absent in ["Unit kerja", "Pelaksanaan", "predikat", "NIP.", "melalui"] {
        assert!(!text.contains(absent), "{absent:?} in {text:?}");
    }
    assert!(
        text.starts_with("Lentera — BKPSDM Kabupaten Bungo"),
        "{text}"
    );
}

#[test]
fn without_a_score_no_predikat_is_printed() {
    let pdf = ok(certificate_pdf_with(
        &certificate(),
        &PdfExtras {
            score: None,
            ..extras()
        },
    ));
    let Some(text) = page_text(&pdf, 1) else {
        return;
    };
    assert!(!text.contains("predikat"), "{text}");
    assert!(text.contains("Pelaksanaan: 3 – 28 November 2026"));

    let pdf = ok(certificate_pdf_with(
        &certificate(),
        &PdfExtras {
            score: Some(55.0),
            ..extras()
        },
    ));
    let Some(text) = page_text(&pdf, 1) else {
        return;
    };
    assert!(text.contains("dengan predikat KURANG"), "{text}");
}

#[test]
fn a_signatory_without_nip_and_an_instansi_without_signatory() {
    let mut e = extras();
    if let Some(signatory) = e.instansi.as_mut().and_then(|i| i.signatory.as_mut()) {
        signatory.nip = None;
    }
    let pdf = ok(certificate_pdf_with(&certificate(), &e));
    if let Some(text) = page_text(&pdf, 1) {
        assert!(text.contains(SIGNATORY));
        assert!(!text.contains("NIP."), "{text}");
    }

    if let Some(instansi) = e.instansi.as_mut() {
        instansi.signatory = None;
    }
    let pdf = ok(certificate_pdf_with(&certificate(), &e));
    if let Some(text) = page_text(&pdf, 1) {
        assert!(text.contains(INSTANSI));
        assert!(!text.contains(SIGNATORY));
        assert!(!text.contains("Kepala Badan"));
    }
}

#[test]
fn the_pdf_is_tagged_and_carries_its_metadata() {
    let pdf = ok(certificate_pdf_with(&certificate(), &extras()));
    // The catalog marks the document as tagged and points at its structure.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/StructTreeRoot"), "no structure tree");
    assert!(raw.contains("/MarkInfo"), "no MarkInfo");
    assert!(raw.contains("/Marked true"), "not marked");
    assert!(raw.contains("/Lang(id)"), "no language");
    assert!(
        raw.contains("/Alt(Kode QR verifikasi sertifikat LNT-2026-000123)"),
        "no alternative text for the QR code"
    );

    let Some(info) = pdfinfo(&pdf) else {
        return;
    };
    let field = |name: &str| info.get(name).map(String::as_str).unwrap_or_default();
    assert_eq!(field("Tagged"), "yes");
    assert_eq!(
        field("Title"),
        "Sertifikat Keamanan Siber — Dasar — Ni Luh Putu Ayu Sukmawati, S.Kom."
    );
    assert_eq!(field("Author"), INSTANSI);
    assert!(field("Subject").contains("LNT-2026-000123"), "{info:?}");
    assert!(field("Keywords").contains("sertifikat"), "{info:?}");
    assert!(field("Keywords").contains("LNT-2026-000123"), "{info:?}");
    assert!(field("CreationDate").contains("2026"), "{info:?}");
    assert_eq!(field("Creator"), "Lentera");

    // The structure: one H1, paragraphs, the QR code as a figure with its alternative
    // text, the modules as a list of lists.
    let Some(structure) = pdfinfo_output(&pdf, &["-struct-text"]) else {
        return;
    };
    assert!(structure.contains("H1"), "{structure}");
    assert!(structure.contains("\"SERTIFIKAT\""), "{structure}");
    assert!(structure.contains("Figure"), "{structure}");
    for tag in ["P", "H2", "L", "LI", "Lbl", "LBody"] {
        assert!(
            structure
                .lines()
                .any(|line| line.trim_start().starts_with(tag)),
            "no {tag} in {structure}"
        );
    }
    assert!(
        structure.contains("Pengantar Keamanan Siber"),
        "{structure}"
    );
    assert!(
        structure.contains("Dr. H. Ahmad Fauzi Ramadhan"),
        "{structure}"
    );

    // Without an instansi the author is the issuing instance.
    let pdf = ok(certificate_pdf(&certificate()));
    if let Some(info) = pdfinfo(&pdf) {
        assert_eq!(
            info.get("Author").map(String::as_str),
            Some("Lentera — BKPSDM Kabupaten Bungo")
        );
        assert_eq!(info.get("Tagged").map(String::as_str), Some("yes"));
    }
}

#[test]
fn the_same_certificate_gives_the_same_bytes() {
    let a = ok(certificate_pdf_with(&certificate(), &extras()));
    let b = ok(certificate_pdf_with(&certificate(), &extras()));
    assert_eq!(a, b);
}

#[test]
fn one_hundred_fifty_modules_continue_on_further_pages() {
    let e = PdfExtras {
        modules: modules(150),
        ..extras()
    };
    let pdf = ok(certificate_pdf_with(&certificate(), &e));
    keep_sample("sertifikat-150-modul.pdf", &pdf);
    eprintln!("150 modules: {} bytes", pdf.len());
    let Some(count) = pages(&pdf) else {
        return;
    };
    assert!(count >= 3, "{count} pages");
    let texts: Vec<String> = (1..=count).filter_map(|p| page_text(&pdf, p)).collect();
    assert_eq!(texts.len(), count);
    // Every module is listed exactly once, in order, and none on the certificate page.
    let all = texts[1..].join(" ");
    let mut at = 0;
    for m in 1..=150 {
        let title = format!("{m}. Modul {m}: Keamanan Informasi di Lingkungan Pemerintah Daerah");
        let Some(found) = all[at..].find(&title) else {
            panic!("{title:?} missing or out of order");
        };
        at += found + title.len();
        assert_eq!(all.matches(&title).count(), 1, "{title}");
        assert!(all.contains(&format!("{m}.2 Kuis: Evaluasi Modul {m}")));
    }
    assert!(!texts[0].contains("Modul 1:"));
    for (i, text) in texts.iter().enumerate().skip(1) {
        assert!(
            text.contains(&format!("Halaman {} dari {count}", i + 1)),
            "page {}: {text}",
            i + 1
        );
        if i > 1 {
            assert!(
                text.contains("Lampiran Sertifikat Nomor: LNT-2026-000123 (lanjutan)"),
                "page {}",
                i + 1
            );
        }
    }
}

fn assert_inside_frame(block: &Block<'_>) {
    let (left, top, right, bottom) = block.bounds();
    assert!(
        left >= INNER_BORDER + 8.0 && right <= PAGE_WIDTH - INNER_BORDER - 8.0,
        "{:?} is {left}..{right} wide",
        block.lines
    );
    assert!(
        top >= INNER_BORDER + 8.0 && bottom <= PAGE_HEIGHT - INNER_BORDER - 2.0,
        "{:?} is {top}..{bottom} high",
        block.lines
    );
}

fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// With every extra at its longest, the first page still keeps every block inside the
/// frame, apart from every other block and clear of the QR code.
#[test]
fn the_longest_certificate_stays_inside_the_page() {
    let fonts = ok(Fonts::load());
    let (c, e) = longest();
    for (name, (c, e)) in [
        ("sertifikat-instansi.pdf", (certificate(), extras())),
        (
            "sertifikat-panjang-instansi.pdf",
            (long_certificate(), extras()),
        ),
        ("sertifikat-terpanjang.pdf", (c, e)),
    ] {
        let blocks = layout(&c, &e, &fonts);
        for block in &blocks {
            assert_inside_frame(block);
            let qr = (QR_LEFT, QR_TOP, QR_LEFT + QR_SIZE, QR_TOP + QR_SIZE);
            assert!(
                !overlap(block.bounds(), qr),
                "{:?} on the QR code",
                block.lines
            );
        }
        for (i, a) in blocks.iter().enumerate() {
            for b in &blocks[i + 1..] {
                assert!(
                    !overlap(a.bounds(), b.bounds()),
                    "{:?} {:?} overlaps {:?} {:?}",
                    a.lines,
                    a.bounds(),
                    b.lines,
                    b.bounds()
                );
            }
        }
        // The signatory stays in its column.
        for block in blocks
            .iter()
            .filter(|b| b.lines.iter().any(|l| l.contains("NIP.")))
        {
            let (left, _, right, _) = block.bounds();
            assert!(left >= SIGNATURE_LEFT && right <= SIGNATURE_RIGHT);
        }
        let pdf = ok(certificate_pdf_with(&c, &e));
        assert!(pdf.starts_with(b"%PDF-"));
        keep_sample(name, &pdf);
    }
    // The realistic certificate keeps readable sizes.
    for block in layout(&long_certificate(), &extras(), &fonts) {
        if block.align == Align::Center {
            assert!(
                block.size >= 9.0,
                "{:?} shrank to {}",
                block.lines,
                block.size
            );
        }
    }
}

/// The annex pages keep their rows inside the frame, above the page number, and apart.
#[test]
fn annex_rows_stay_inside_the_page() {
    let fonts = ok(Fonts::load());
    let mut many = modules(60);
    many[7].title = "Judul modul yang sangat panjang "
        .repeat(9)
        .trim()
        .to_string();
    many[8].items[0].title = "Satu judul materi yang amat panjang "
        .repeat(8)
        .trim()
        .to_string();
    let pages = annex::layout(&certificate(), &many, annex::MODULES_HEADING, &fonts);
    assert!(pages.len() >= 2);
    for page in &pages {
        let blocks: Vec<&Block<'_>> = page.blocks.iter().map(|(_, block)| block).collect();
        for block in &blocks {
            assert_inside_frame(block);
            assert!(block.bounds().3 <= LIST_BOTTOM + 0.5, "{:?}", block.lines);
            assert!(block.size >= 8.0);
        }
        for (i, a) in blocks.iter().enumerate() {
            for b in &blocks[i + 1..] {
                assert!(
                    !overlap(a.bounds(), b.bounds()),
                    "{:?} / {:?}",
                    a.lines,
                    b.lines
                );
            }
        }
    }
    // The long titles were wrapped, not shrunk away.
    assert!(
        pages
            .iter()
            .flat_map(|page| &page.blocks)
            .any(|(_, block)| block.lines.len() >= 2)
    );
}

#[test]
fn limits_are_refused_with_errors() {
    let c = certificate();
    let refused = |e: PdfExtras| match certificate_pdf_with(&c, &e) {
        Err(error) => error,
        Ok(_) => panic!("rendered"),
    };

    let error = refused(PdfExtras {
        modules: modules(MAX_MODULES + 1),
        ..extras()
    });
    assert!(
        matches!(error, PdfError::TooManyModules { count: 501, .. }),
        "{error}"
    );

    let mut crowded = modules(1);
    crowded[0].items = (0..MAX_MODULE_ENTRIES)
        .map(|i| ModuleItem {
            title: format!("Materi {i}"),
            kind: ModuleItemKind::Lesson,
        })
        .collect();
    let error = refused(PdfExtras {
        modules: crowded,
        ..extras()
    });
    assert!(
        matches!(error, PdfError::TooManyModuleEntries { .. }),
        "{error}"
    );

    let mut long_title = modules(3);
    long_title[2].items[1].title = "x".repeat(MAX_TITLE + 1);
    let error = refused(PdfExtras {
        modules: long_title,
        ..extras()
    });
    assert!(
        matches!(&error, PdfError::TooLong { field, .. } if field == "modules[2].items[1].title"),
        "{error}"
    );

    let mut blank = modules(2);
    blank[1].title = "  ".into();
    let error = refused(PdfExtras {
        modules: blank,
        ..extras()
    });
    assert!(
        matches!(&error, PdfError::Empty { field } if field == "modules[1].title"),
        "{error}"
    );

    let mut e = extras();
    if let Some(instansi) = e.instansi.as_mut() {
        instansi.name = String::new();
    }
    assert!(matches!(refused(e), PdfError::Empty { field } if field == "instansi.name"));

    let mut e = extras();
    if let Some(signatory) = e.instansi.as_mut().and_then(|i| i.signatory.as_mut()) {
        signatory.jabatan = " ".into();
    }
    assert!(matches!(
        refused(e),
        PdfError::Empty { field } if field == "instansi.signatory.jabatan"
    ));

    let error = refused(PdfExtras {
        unit: Some("u".repeat(201)),
        ..extras()
    });
    assert!(matches!(&error, PdfError::TooLong { field, max: 200 } if field == "unit"));

    let too_long_name = PdfCertificate {
        holder_name: "n".repeat(201),
        ..certificate()
    };
    assert!(matches!(
        certificate_pdf(&too_long_name),
        Err(PdfError::TooLong { field, .. }) if field == "holder_name"
    ));
}

/// The largest annex allowed still renders, in bounded time and size.
#[test]
fn the_largest_annex_renders() {
    let mut largest = modules(MAX_MODULES);
    for module in largest.iter_mut().take(500) {
        module.items.push(ModuleItem {
            title: "Rangkuman dan refleksi".into(),
            kind: ModuleItemKind::Lesson,
        });
    }
    let entries: usize = largest.iter().map(|m| 1 + m.items.len()).sum();
    assert_eq!(entries, MAX_MODULE_ENTRIES);
    let started = std::time::Instant::now();
    let pdf = ok(certificate_pdf_with(
        &certificate(),
        &PdfExtras {
            modules: largest,
            ..extras()
        },
    ));
    eprintln!(
        "largest annex: {} bytes in {:?}",
        pdf.len(),
        started.elapsed()
    );
    assert!(pdf.len() < 3_000_000, "{} bytes", pdf.len());
    if let Some(count) = pages(&pdf) {
        assert!(count > 30, "{count} pages");
    }
}

/// A learning path's or an event's certificate says what the holder did instead of
/// "telah menyelesaikan pelatihan"; an overlong statement is refused before drawing.
#[test]
fn a_statement_replaces_the_course_wording() {
    let with = PdfExtras {
        statement: Some("telah mengikuti seminar".into()),
        ..extras()
    };
    let pdf = ok(certificate_pdf_with(&certificate(), &with));
    if let Some(first) = page_text(&pdf, 1) {
        assert_contains(
            &first,
            &["telah mengikuti seminar", "Keamanan Siber — Dasar"],
        );
        assert!(!first.contains("menyelesaikan pelatihan"), "{first}");
    }
    let long = PdfExtras {
        statement: Some("x".repeat(101)),
        ..extras()
    };
    assert!(certificate_pdf_with(&certificate(), &long).is_err());
}

/// A learning path's certificate lists its courses under its own annex heading; an
/// overlong heading is refused before drawing.
#[test]
fn an_annex_heading_replaces_the_modules_heading() {
    let with = PdfExtras {
        annex_heading: Some("Daftar Kursus Jalur Belajar".into()),
        ..extras()
    };
    let pdf = ok(certificate_pdf_with(&certificate(), &with));
    if let Some(annex) = page_text(&pdf, 2) {
        assert_contains(&annex, &["Daftar Kursus Jalur Belajar"]);
        assert!(!annex.contains("Daftar Modul Pelatihan"), "{annex}");
    }
    let long = PdfExtras {
        annex_heading: Some("x".repeat(101)),
        ..extras()
    };
    assert!(certificate_pdf_with(&certificate(), &long).is_err());
}
