//! The printable certificate, in Bahasa Indonesia, black on white: an A4 landscape page
//! naming the issuing instansi, the holder and their unit, the training with its period,
//! JP and predikat, the signatory, and a QR code pointing at the public verification
//! page; then, when the course's modules are given, an annex (lampiran) listing them on
//! as many further pages as they need.
//!
//! Fonts (DejaVu Sans, regular and bold) are compiled in and embedded as subsets, so the
//! server needs no system fonts and every PDF reader shows the same thing. Text is shaped
//! here with rustybuzz (the shaper krilla itself uses) so that it can be measured first:
//! long names and titles are shrunk and then wrapped to stay inside the page. The QR
//! code is drawn as vector rectangles, one per run of dark modules in a row.
//!
//! The PDF is tagged (headings, paragraphs, the module list as a list, the QR code as a
//! figure with alternative text; borders and page numbers as artifacts) so screen
//! readers read it in order, and carries its title, author, subject, keywords, language
//! and creation date. Every text has a length limit and the module list a size limit,
//! checked before anything is drawn, so rendering time and size stay bounded.

use chrono::{Datelike, NaiveDate};
use krilla::Document;
use krilla::SerializeSettings;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::tagging::TagTree;
use qrcode::QrCode;

mod annex;
mod front;
mod predikat;
mod text;

pub use predikat::{Predikat, PredikatError, PredikatThresholds};

use front::{PAGE_HEIGHT, PAGE_WIDTH};
use text::Fonts;

/// What the printed certificate says. The NIP is printed in full here (the paper belongs
/// to its holder); public pages show the masked form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfCertificate {
    /// At most 200 characters.
    pub holder_name: String,
    /// At most 40 characters.
    pub holder_nip: Option<String>,
    /// At most 400 characters.
    pub course_title: String,
    pub jp: i32,
    pub issued_on: NaiveDate,
    /// The human-readable number, e.g. `LNT-2026-000123`; at most 64 characters.
    pub number: String,
    /// The issuing instance, e.g. `Lentera — BKPSDM Kabupaten Bungo`; at most 200
    /// characters. Heads the page when no [`Instansi`] is given; otherwise it is named
    /// at the bottom ("melalui ...").
    pub issuer: String,
    /// The public verification page; the QR code encodes exactly this. At most 300
    /// characters.
    pub verify_url: String,
    /// A revoked certificate still prints, with a "DICABUT" line nobody can miss.
    pub revoked: bool,
}

/// What a certificate may say beyond [`PdfCertificate`]; each part is left out when
/// `None` or empty, so `PdfExtras::default()` prints the certificate as before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PdfExtras {
    /// The instansi that issues the certificate (the root unit of the holder's unit):
    /// its name heads the page, its signatory signs at the bottom.
    pub instansi: Option<Instansi>,
    /// The holder's unit kerja, printed under the name ("Unit kerja: ..."); at most 200
    /// characters.
    pub unit: Option<String>,
    /// When the training took place ("Pelaksanaan: 3 – 28 November 2026").
    pub period: Option<TrainingPeriod>,
    /// The counted score, a percentage from 0 to 100. With a score the certificate
    /// prints its predikat ("dengan predikat SANGAT MEMUASKAN"); without, no predikat.
    pub score: Option<f64>,
    /// Which score earns which predikat; the instansi's setting, or the default.
    pub thresholds: PredikatThresholds,
    /// The course's modules, in order, for the annex; no annex when empty. At most
    /// [`MAX_MODULES`] modules and [`MAX_MODULE_ENTRIES`] modules, lessons and quizzes
    /// together.
    pub modules: Vec<ModuleOutline>,
    /// What the holder did, printed above the title; "telah menyelesaikan pelatihan" when
    /// `None` (a course). A learning path's or an event's certificate says its own, e.g.
    /// "telah menyelesaikan jalur belajar", "telah mengikuti seminar". At most 100
    /// characters.
    pub statement: Option<String>,
    /// The annex's heading; "Daftar Modul Pelatihan" when `None` (a course). A learning
    /// path's certificate lists its courses under its own. At most 100 characters.
    pub annex_heading: Option<String>,
}

impl PdfExtras {
    fn signatory(&self) -> Option<&Signatory> {
        self.instansi.as_ref()?.signatory.as_ref()
    }

    /// The predikat to print; `None` without a score (or with one [`check`] refuses).
    fn predikat(&self) -> Option<Predikat> {
        self.thresholds.predikat(self.score?).ok()
    }
}

/// The issuing instansi, as an admin sets it up for a root unit.
///
/// There is no logo yet: drawing a raster image needs krilla's `raster-images` feature,
/// whose decoders (png, zune-jpeg, gif, image-webp) are not among the crates this
/// project builds offline. Enabling it later is a field here and one `draw_image` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instansi {
    /// E.g. `Badan Kepegawaian dan Pengembangan SDM Kabupaten Bungo`; required, at most
    /// 200 characters.
    pub name: String,
    /// Who signs the certificate; without one the signature block is left out.
    pub signatory: Option<Signatory>,
}

/// The official who signs, printed as Indonesian certificates have it: the position
/// followed by a comma, room for the signature, the name in bold and underlined, and
/// "NIP. ..." under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    /// With titles, e.g. `Dr. H. Ahmad Fauzi, S.Sos., M.Si.`; required, at most 120
    /// characters.
    pub name: String,
    /// The position, e.g. `Kepala Badan Kepegawaian dan Pengembangan SDM Kabupaten
    /// Bungo`; required, at most 200 characters. The comma after it is added here.
    pub jabatan: String,
    /// At most 40 characters.
    pub nip: Option<String>,
}

/// When a training took place: one day, or from `start` to `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingPeriod {
    start: NaiveDate,
    end: NaiveDate,
}

impl TrainingPeriod {
    /// # Errors
    ///
    /// [`PdfError::PeriodReversed`] when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<TrainingPeriod, PdfError> {
        if end < start {
            return Err(PdfError::PeriodReversed { start, end });
        }
        Ok(TrainingPeriod { start, end })
    }

    pub fn single_day(date: NaiveDate) -> TrainingPeriod {
        TrainingPeriod {
            start: date,
            end: date,
        }
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The period as Indonesian documents write it, naming the month and year once
    /// where they are shared: `3 November 2026`, `3 – 28 November 2026`,
    /// `28 Oktober – 3 November 2026`, `28 Desember 2026 – 3 Januari 2027`.
    pub fn indonesian(&self) -> String {
        let (start, end) = (self.start, self.end);
        if start == end {
            tanggal_indonesia(start)
        } else if start.year() == end.year() && start.month() == end.month() {
            format!("{} – {}", start.day(), tanggal_indonesia(end))
        } else if start.year() == end.year() {
            format!(
                "{} {} – {}",
                start.day(),
                month_name(start),
                tanggal_indonesia(end)
            )
        } else {
            format!("{} – {}", tanggal_indonesia(start), tanggal_indonesia(end))
        }
    }
}

/// One module of the course, as the annex lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleOutline {
    /// Required, at most [`MAX_TITLE`] characters.
    pub title: String,
    /// Its lessons and quizzes, in order; may be empty.
    pub items: Vec<ModuleItem>,
}

/// A lesson or a quiz of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleItem {
    /// Required, at most [`MAX_TITLE`] characters. A quiz is printed as "Kuis: title".
    pub title: String,
    pub kind: ModuleItemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleItemKind {
    Lesson,
    Quiz,
}

/// The most modules an annex lists.
pub const MAX_MODULES: usize = 500;
/// The most lines (modules, lessons and quizzes together) an annex lists: about 70
/// pages.
pub const MAX_MODULE_ENTRIES: usize = 2000;
/// The longest module, lesson or quiz title, in characters.
pub const MAX_TITLE: usize = 300;

/// Why a certificate PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
    #[error("the verification URL cannot be put in a QR code: {0}")]
    Qr(String),
    #[error("the PDF could not be written: {0}")]
    Write(String),
    #[error("{field} is longer than {max} characters")]
    TooLong { field: String, max: usize },
    #[error("{field} is empty")]
    Empty { field: String },
    #[error("{count} modules are more than the {max} a certificate lists")]
    TooManyModules { count: usize, max: usize },
    #[error("{count} modules, lessons and quizzes are more than the {max} a certificate lists")]
    TooManyModuleEntries { count: usize, max: usize },
    #[error("the training ends ({end}) before it starts ({start})")]
    PeriodReversed { start: NaiveDate, end: NaiveDate },
    #[error(transparent)]
    Predikat(#[from] PredikatError),
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

fn month_name(date: NaiveDate) -> &'static str {
    MONTHS
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default()
}

/// A date as Indonesian documents write it: `23 November 2026`, `5 Agustus 2025`.
pub fn tanggal_indonesia(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_name(date), date.year())
}

/// Renders the certificate as a one-page PDF, as [`certificate_pdf_with`] does with
/// [`PdfExtras::default()`].
///
/// # Errors
///
/// As [`certificate_pdf_with`].
pub fn certificate_pdf(c: &PdfCertificate) -> Result<Vec<u8>, PdfError> {
    certificate_pdf_with(c, &PdfExtras::default())
}

/// Renders the certificate as a tagged PDF: the certificate page, then the annex when
/// `extras.modules` is not empty. The same input always gives the same bytes (the
/// creation date is the issue date).
///
/// # Errors
///
/// Before anything is drawn: [`PdfError::TooLong`] / [`PdfError::Empty`] for a text
/// over its limit or a required one left blank (the field is named),
/// [`PdfError::TooManyModules`] / [`PdfError::TooManyModuleEntries`] for an annex over
/// its limits, [`PdfError::Predikat`] for thresholds that are out of range or not
/// strictly decreasing, or a score outside 0–100; [`PdfError::Qr`] when the
/// verification URL does not fit a QR code. [`PdfError::Font`] / [`PdfError::Write`]
/// only if the embedded fonts or krilla fail, which the tests would show first.
pub fn certificate_pdf_with(c: &PdfCertificate, extras: &PdfExtras) -> Result<Vec<u8>, PdfError> {
    check(c, extras)?;
    let fonts = Fonts::load()?;
    let qr = QrCode::new(c.verify_url.as_bytes()).map_err(|e| PdfError::Qr(e.to_string()))?;
    let front = front::layout(c, extras, &fonts);
    let heading = extras
        .annex_heading
        .as_deref()
        .unwrap_or(annex::MODULES_HEADING);
    let mut annex = annex::layout(c, &extras.modules, heading, &fonts);
    annex::number_pages(&mut annex, &fonts, 2);

    let mut document = Document::new_with(SerializeSettings {
        xmp_metadata: false,
        enable_tagging: true,
        ..SerializeSettings::default()
    });
    document.set_metadata(metadata(c, extras));
    let settings = || {
        PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Write("invalid page size".into()))
    };
    let mut tree = TagTree::new().with_lang(Some("id".to_string()));

    let mut page = document.start_page_with(settings()?);
    let mut surface = page.surface();
    let alt = format!("Kode QR verifikasi sertifikat {}", c.number);
    for node in front::draw(&mut surface, &front, &qr, c.revoked, &alt) {
        tree.push(node);
    }
    surface.finish();
    page.finish();

    let mut drawn = annex::Drawn::default();
    for annex_page in &annex {
        let mut page = document.start_page_with(settings()?);
        let mut surface = page.surface();
        annex::draw(&mut surface, annex_page, &mut drawn);
        surface.finish();
        page.finish();
    }
    if !annex.is_empty() {
        for node in drawn.into_nodes() {
            tree.push(node);
        }
    }

    document.set_tag_tree(tree);
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// The document information a PDF reader shows (and a search index reads).
fn metadata(c: &PdfCertificate, extras: &PdfExtras) -> Metadata {
    let author = extras
        .instansi
        .as_ref()
        .map_or_else(|| c.issuer.clone(), |instansi| instansi.name.clone());
    let mut subject = format!(
        "Sertifikat pelatihan nomor {} atas nama {}, {} JP, diterbitkan {}",
        c.number,
        c.holder_name,
        c.jp,
        tanggal_indonesia(c.issued_on)
    );
    if c.revoked {
        subject.push_str(" (DICABUT)");
    }
    let issued = c.issued_on;
    let creation = DateTime::new(u16::try_from(issued.year()).unwrap_or_default())
        .month(u8::try_from(issued.month()).unwrap_or(1))
        .day(u8::try_from(issued.day()).unwrap_or(1));
    Metadata::new()
        .title(format!("Sertifikat {} — {}", c.course_title, c.holder_name))
        .authors(vec![author])
        .description(subject)
        .keywords(vec![
            "sertifikat".to_string(),
            "pelatihan".to_string(),
            "ASN".to_string(),
            c.number.clone(),
            c.course_title.clone(),
        ])
        .language("id".to_string())
        .creator("Lentera".to_string())
        .creation_date(creation)
}

/// A limit on one text: its name (for the error), the text, the most characters, and
/// whether it may be blank.
fn check_text(field: &str, text: &str, max: usize, required: bool) -> Result<(), PdfError> {
    if required && text.trim().is_empty() {
        return Err(PdfError::Empty {
            field: field.to_string(),
        });
    }
    if text.chars().count() > max {
        return Err(PdfError::TooLong {
            field: field.to_string(),
            max,
        });
    }
    Ok(())
}

/// Every limit, before anything is drawn. The old fields only get upper limits, so a
/// certificate that printed before still prints.
fn check(c: &PdfCertificate, extras: &PdfExtras) -> Result<(), PdfError> {
    check_text("holder_name", &c.holder_name, 200, false)?;
    if let Some(nip) = &c.holder_nip {
        check_text("holder_nip", nip, 40, false)?;
    }
    check_text("course_title", &c.course_title, 400, false)?;
    check_text("number", &c.number, 64, false)?;
    check_text("issuer", &c.issuer, 200, false)?;
    check_text("verify_url", &c.verify_url, 300, false)?;
    if let Some(instansi) = &extras.instansi {
        check_text("instansi.name", &instansi.name, 200, true)?;
        if let Some(signatory) = &instansi.signatory {
            check_text("instansi.signatory.name", &signatory.name, 120, true)?;
            check_text("instansi.signatory.jabatan", &signatory.jabatan, 200, true)?;
            if let Some(nip) = &signatory.nip {
                check_text("instansi.signatory.nip", nip, 40, true)?;
            }
        }
    }
    if let Some(unit) = &extras.unit {
        check_text("unit", unit, 200, true)?;
    }
    if let Some(heading) = &extras.annex_heading {
        check_text("annex_heading", heading, 100, true)?;
    }
    if let Some(statement) = &extras.statement {
        check_text("statement", statement, 100, true)?;
    }
    extras.thresholds.validate()?;
    if let Some(score) = extras.score {
        extras.thresholds.predikat(score)?;
    }
    if extras.modules.len() > MAX_MODULES {
        return Err(PdfError::TooManyModules {
            count: extras.modules.len(),
            max: MAX_MODULES,
        });
    }
    let entries: usize = extras
        .modules
        .iter()
        .map(|module| 1 + module.items.len())
        .sum();
    if entries > MAX_MODULE_ENTRIES {
        return Err(PdfError::TooManyModuleEntries {
            count: entries,
            max: MAX_MODULE_ENTRIES,
        });
    }
    for (m, module) in extras.modules.iter().enumerate() {
        check_text(
            &format!("modules[{m}].title"),
            &module.title,
            MAX_TITLE,
            true,
        )?;
        for (i, item) in module.items.iter().enumerate() {
            check_text(
                &format!("modules[{m}].items[{i}].title"),
                &item.title,
                MAX_TITLE,
                true,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_extras;
