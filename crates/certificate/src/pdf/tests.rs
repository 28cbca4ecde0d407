// A failing unwrap is a failing test, which is what a test should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

//! The PDF is checked the way a reader sees it: text through poppler's `pdftotext`,
//! fonts through `pdffonts`, and the QR code by rendering the page with `pdftoppm` and
//! reading every module back. Without poppler-utils these tests say so and pass, except
//! under CI (`CI=true`), where a missing tool is a failure.

use std::io::Write as _;
use std::process::Command;

use chrono::NaiveDate;
use qrcode::{Color, QrCode};

use super::front::{
    INNER_BORDER, PAGE_HEIGHT, PAGE_WIDTH, QR_LEFT, QR_SIZE, QR_TOP, QUIET_ZONE, layout, qr_module,
    qr_runs,
};
use super::text::{Align, Fonts};
use super::{PdfCertificate, PdfExtras, certificate_pdf, tanggal_indonesia};

pub(super) const URL: &str = "https://lentera.bungokab.go.id/verifikasi/7K3M9QXN2PRT5VWY8ZA4BC6D";

pub(super) fn certificate() -> PdfCertificate {
    PdfCertificate {
        holder_name: "Ni Luh Putu Ayu Sukmawati, S.Kom.".into(),
        holder_nip: Some("198503152010011003".into()),
        course_title: "Keamanan Siber — Dasar".into(),
        jp: 12,
        issued_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        number: "LNT-2026-000123".into(),
        issuer: "Lentera — BKPSDM Kabupaten Bungo".into(),
        verify_url: URL.into(),
        revoked: false,
    }
}

pub(super) fn long_certificate() -> PdfCertificate {
    PdfCertificate {
        holder_name: "Prof. Dr. Ir. Raden Mas Haryo Bagus Wicaksono Adiningrat Kusumo \
                      Hadiningrat Prawirodirdjo, S.T., M.Sc., M.Kom., Ph.D."
            .into(),
        course_title: "Penguatan Kompetensi Aparatur Sipil Negara dalam Tata Kelola \
                       Pemerintahan Berbasis Elektronik, Keamanan Informasi, Perlindungan \
                       Data Pribadi dan Pelayanan Publik yang Inklusif di Daerah Tertinggal, \
                       Terdepan dan Terluar (3T)"
            .into(),
        issuer: "Lentera — Badan Pengembangan Sumber Daya Manusia Provinsi Maluku Utara, \
                 Sofifi"
            .into(),
        revoked: true,
        ..certificate()
    }
}

/// Finds a poppler tool, or explains why the test is skipped (and fails under CI).
pub(super) fn tool(name: &str) -> Option<&str> {
    match Command::new(name).arg("-v").output() {
        Ok(_) => Some(name),
        Err(error) => {
            let message = format!(
                "`{name}` is not available ({error}); install poppler-utils \
                 (apt-get install poppler-utils) to run this check"
            );
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{message}");
            }
            eprintln!("SKIPPED: {message}");
            None
        }
    }
}

pub(super) fn write_temp(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file.flush().unwrap();
    file
}

/// `pdftotext -layout FILE -`, with all runs of whitespace made one space.
fn extracted_text(pdf: &[u8]) -> Option<String> {
    let pdftotext = tool("pdftotext")?;
    let file = write_temp(pdf);
    let output = Command::new(pdftotext)
        .arg("-layout")
        .arg(file.path())
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// With `LENTERA_PDF_SAMPLES=DIR` set, the tests leave their PDFs there for a person to
/// look at.
pub(super) fn keep_sample(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("LENTERA_PDF_SAMPLES") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
}

pub(super) fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn indonesian_dates() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(tanggal_indonesia(date(2026, 11, 23)), "23 November 2026");
    assert_eq!(tanggal_indonesia(date(2025, 8, 5)), "5 Agustus 2025");
    let months: Vec<String> = (1..=12)
        .map(|m| tanggal_indonesia(date(2026, m, 1)))
        .collect();
    assert_eq!(
        months,
        [
            "1 Januari 2026",
            "1 Februari 2026",
            "1 Maret 2026",
            "1 April 2026",
            "1 Mei 2026",
            "1 Juni 2026",
            "1 Juli 2026",
            "1 Agustus 2026",
            "1 September 2026",
            "1 Oktober 2026",
            "1 November 2026",
            "1 Desember 2026"
        ]
    );
}

/// The rectangles drawn are exactly the dark modules of `QrCode::new(verify_url)`.
#[test]
fn qr_runs_cover_exactly_the_dark_modules() {
    for url in [
        URL,
        "https://x.id/v/1",
        &format!("{URL}?{}", "a".repeat(300)),
    ] {
        let qr = QrCode::new(url).unwrap();
        let width = qr.width();
        let mut drawn = vec![Color::Light; width * width];
        let runs = qr_runs(&qr);
        for &(row, column, length) in &runs {
            assert!(length >= 1 && column + length <= width);
            for i in column..column + length {
                assert_eq!(drawn[row * width + i], Color::Light, "overlapping runs");
                drawn[row * width + i] = Color::Dark;
            }
        }
        assert_eq!(drawn, qr.to_colors());
        let dark = drawn.iter().filter(|c| **c == Color::Dark).count();
        assert!(
            runs.len() < dark,
            "runs are merged: {} < {dark}",
            runs.len()
        );
    }
    // At least 30 mm wide (the symbol alone, without its quiet zone).
    let qr = QrCode::new(URL).unwrap();
    let symbol_mm = qr_module(qr.width()) * qr.width() as f32 / 72.0 * 25.4;
    assert!(symbol_mm >= 25.0, "{symbol_mm} mm");
}

#[test]
fn pdf_text_holds_every_field() {
    let pdf = certificate_pdf(&certificate()).unwrap();
    eprintln!("certificate PDF: {} bytes", pdf.len());
    keep_sample("sertifikat.pdf", &pdf);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
    let Some(text) = extracted_text(&pdf) else {
        return;
    };
    for expected in [
        "SERTIFIKAT",
        "Nomor: LNT-2026-000123",
        "diberikan kepada",
        "Ni Luh Putu Ayu Sukmawati, S.Kom.",
        "NIP 198503152010011003",
        "telah menyelesaikan pelatihan",
        "Keamanan Siber — Dasar",
        "12 JP (jam pelajaran)",
        "Diterbitkan: 23 November 2026",
        "Lentera — BKPSDM Kabupaten Bungo",
        &format!("Verifikasi keaslian: {URL}"),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from {text:?}"
        );
    }
    assert!(!text.contains("DICABUT"));
}

#[test]
fn revoked_certificates_say_so() {
    let pdf = certificate_pdf(&PdfCertificate {
        revoked: true,
        ..certificate()
    })
    .unwrap();
    let Some(text) = extracted_text(&pdf) else {
        return;
    };
    assert!(text.contains("DICABUT — sertifikat ini telah dicabut dan tidak berlaku"));
    assert!(text.contains("LNT-2026-000123"));
}

#[test]
fn without_a_nip_no_nip_line_is_printed() {
    let pdf = certificate_pdf(&PdfCertificate {
        holder_nip: None,
        ..certificate()
    })
    .unwrap();
    let Some(text) = extracted_text(&pdf) else {
        return;
    };
    assert!(!text.contains("NIP"));
    assert!(text.contains("Ni Luh Putu Ayu Sukmawati, S.Kom."));
}

#[test]
fn long_names_and_titles_are_extracted_in_full() {
    let c = long_certificate();
    let pdf = certificate_pdf(&c).unwrap();
    eprintln!("long certificate PDF: {} bytes", pdf.len());
    keep_sample("sertifikat-panjang-dicabut.pdf", &pdf);
    assert!(pdf.len() < 100_000);
    let Some(text) = extracted_text(&pdf) else {
        return;
    };
    for expected in [&c.holder_name, &c.course_title, &c.issuer] {
        let expected = squeeze(expected);
        assert!(
            text.contains(&expected),
            "{expected:?} missing from {text:?}"
        );
    }
    assert!(text.contains("NIP 198503152010011003"));
    assert!(text.contains("DICABUT"));
}

/// Nothing leaves the frame or runs into the QR code, even with everything at its
/// longest.
#[test]
fn layout_stays_inside_the_page_and_clear_of_the_qr_code() {
    let fonts = Fonts::load().unwrap();
    for c in [certificate(), long_certificate()] {
        let blocks = layout(&c, &PdfExtras::default(), &fonts);
        for block in &blocks {
            let (left, top, right, bottom) = block.bounds();
            assert!(
                left >= INNER_BORDER + 8.0 && right <= PAGE_WIDTH - INNER_BORDER - 8.0,
                "{:?} is {left}..{right} wide",
                block.lines
            );
            assert!(top >= INNER_BORDER + 8.0 && bottom <= PAGE_HEIGHT - INNER_BORDER - 2.0);
            let beside_qr = right <= QR_LEFT || left >= QR_LEFT + QR_SIZE;
            let above_qr = bottom <= QR_TOP;
            let below_qr = top >= QR_TOP + QR_SIZE;
            assert!(
                beside_qr || above_qr || below_qr,
                "{:?} ({left}, {top}, {right}, {bottom}) overlaps the QR code",
                block.lines
            );
            if block.align == Align::Center {
                assert!(
                    block.size >= 9.0,
                    "{:?} shrank to {}",
                    block.lines,
                    block.size
                );
            }
        }
        // Blocks do not overlap one another vertically where they share columns.
        let mut spans: Vec<(f32, f32)> = blocks
            .iter()
            .filter(|b| b.align == Align::Center)
            .map(|b| {
                let (_, top, _, bottom) = b.bounds();
                (top, bottom)
            })
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in spans.windows(2) {
            assert!(pair[0].1 <= pair[1].0 + 0.5, "{pair:?}");
        }
    }
    // The long name and title really were wrapped, not just shrunk away.
    let blocks = layout(&long_certificate(), &PdfExtras::default(), &fonts);
    assert!(blocks.iter().any(|b| b.lines.len() == 2));
    assert!(blocks.iter().any(|b| b.lines.len() == 3));
}

#[test]
fn fonts_are_embedded() {
    let pdf = certificate_pdf(&long_certificate()).unwrap();
    let Some(pdffonts) = tool("pdffonts") else {
        return;
    };
    let file = write_temp(&pdf);
    let output = Command::new(pdffonts).arg(file.path()).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let listing = String::from_utf8(output.stdout).unwrap();
    // name  type  encoding  emb sub uni  object ID
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{listing}");
    for row in &rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "not embedded: {row}");
        assert!(row.contains("DejaVuSans"), "{row}");
    }
    assert!(rows.iter().any(|row| row.contains("DejaVuSans-Bold")));
}

/// Renders the page and reads the QR code back module by module: the printed symbol is
/// `QrCode::new(verify_url)`, with a white quiet zone around it.
#[test]
fn rendered_qr_code_matches_the_verification_url() {
    let pdf = certificate_pdf(&certificate()).unwrap();
    let Some(pdftoppm) = tool("pdftoppm") else {
        return;
    };
    let file = write_temp(&pdf);
    let scale = 4.0; // pixels per point at 288 dpi
    let (x, y, size) = (QR_LEFT * scale, QR_TOP * scale, QR_SIZE * scale);
    let output = Command::new(pdftoppm)
        .args(["-gray", "-r", "288", "-singlefile"])
        .args(["-x", &(x as i32).to_string(), "-y", &(y as i32).to_string()])
        .args([
            "-W",
            &(size as i32).to_string(),
            "-H",
            &(size as i32).to_string(),
        ])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let (width, height, pixels) = parse_pgm(&output.stdout);
    let pixel = |px: f32, py: f32| {
        let (px, py) = ((px - x.floor()) as usize, (py - y.floor()) as usize);
        assert!(px < width && py < height);
        pixels[py * width + px]
    };

    let qr = QrCode::new(URL).unwrap();
    let modules = qr.width() + 2 * QUIET_ZONE;
    let module = qr_module(qr.width()) * scale;
    let colors = qr.to_colors();
    for row in 0..modules {
        for column in 0..modules {
            let centre_x = x + (column as f32 + 0.5) * module;
            let centre_y = y + (row as f32 + 0.5) * module;
            let inside = |i: usize| (QUIET_ZONE..QUIET_ZONE + qr.width()).contains(&i);
            let expected_dark = inside(row)
                && inside(column)
                && colors[(row - QUIET_ZONE) * qr.width() + column - QUIET_ZONE] == Color::Dark;
            let value = pixel(centre_x, centre_y);
            assert_eq!(
                value < 128,
                expected_dark,
                "module ({row}, {column}) rendered as {value}"
            );
        }
    }
}

/// A binary PGM (P5, maxval 255) as pdftoppm writes it.
fn parse_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_string());
    }
    at += 1;
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    (width, height, bytes[at..at + width * height].to_vec())
}
