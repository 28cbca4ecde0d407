//! The printable certificate: one A4 landscape page in Bahasa Indonesia, black on white,
//! with a QR code pointing at the public verification page.
//!
//! Fonts (DejaVu Sans, regular and bold) are compiled in and embedded as subsets, so the
//! server needs no system fonts and every PDF reader shows the same thing. Text is shaped
//! here with rustybuzz (the shaper krilla itself uses) so that it can be measured first:
//! long names and course titles are shrunk and then wrapped to stay inside the page.
//! The QR code is drawn as vector rectangles, one per run of dark modules in a row.

use chrono::{Datelike, NaiveDate};
use krilla::Document;
use krilla::SerializeSettings;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use qrcode::{Color, QrCode};

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A4 landscape, in points.
const PAGE_WIDTH: f32 = 842.0;
const PAGE_HEIGHT: f32 = 595.0;

/// The two border lines, inset from the page edge.
const OUTER_BORDER: f32 = 16.0;
const INNER_BORDER: f32 = 22.0;

/// Centred text stays between these x coordinates.
const TEXT_LEFT: f32 = 80.0;
const TEXT_RIGHT: f32 = PAGE_WIDTH - 80.0;

/// The QR code, quiet zone included: 96 pt is 33.9 mm, bottom right inside the border.
const QR_SIZE: f32 = 96.0;
const _: () = assert!(
    QR_SIZE / 72.0 * 25.4 >= 30.0,
    "the QR code must be at least 30 mm wide"
);
const QR_LEFT: f32 = PAGE_WIDTH - INNER_BORDER - 14.0 - QR_SIZE;
const QR_TOP: f32 = 446.0;
/// The quiet zone QR readers need around the symbol, in modules (ISO/IEC 18004: 4).
const QUIET_ZONE: usize = 4;

/// What the printed certificate says. The NIP is printed in full here (the paper belongs
/// to its holder); public pages show the masked form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfCertificate {
    pub holder_name: String,
    pub holder_nip: Option<String>,
    pub course_title: String,
    pub jp: i32,
    pub issued_on: NaiveDate,
    /// The human-readable number, e.g. `LNT-2026-000123`.
    pub number: String,
    /// The issuing instance, e.g. `Lentera — BKPSDM Kabupaten Bungo`.
    pub issuer: String,
    /// The public verification page; the QR code encodes exactly this.
    pub verify_url: String,
    /// A revoked certificate still prints, with a "DICABUT" line nobody can miss.
    pub revoked: bool,
}

/// Why a certificate PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
    #[error("the verification URL cannot be put in a QR code: {0}")]
    Qr(String),
    #[error("the PDF could not be written: {0}")]
    Write(String),
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

/// A date as Indonesian documents write it: `23 November 2026`, `5 Agustus 2025`.
pub fn tanggal_indonesia(date: NaiveDate) -> String {
    let month = MONTHS
        .get(date.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {} {}", date.day(), month, date.year())
}

/// Renders the certificate as a one-page PDF.
///
/// # Errors
///
/// [`PdfError::Qr`] when the verification URL is too long for any QR code (about 2,300
/// bytes); [`PdfError::Font`] / [`PdfError::Write`] only if the embedded fonts or krilla
/// fail, which the tests would show first.
pub fn certificate_pdf(c: &PdfCertificate) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    let qr = QrCode::new(c.verify_url.as_bytes()).map_err(|e| PdfError::Qr(e.to_string()))?;
    let blocks = layout(c, &fonts);

    let mut document = Document::new_with(SerializeSettings {
        xmp_metadata: false,
        ..SerializeSettings::default()
    });
    document.set_metadata(
        Metadata::new()
            .title(format!("Sertifikat {} — {}", c.number, c.holder_name))
            .language("id".to_string())
            .creator("Lentera".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("invalid page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();

    draw_borders(&mut surface);
    surface.set_fill(Some(Fill::default()));
    for block in &blocks {
        block.draw(&mut surface);
    }
    if c.revoked {
        draw_revoked_box(&mut surface, &blocks);
    }
    draw_qr(&mut surface, &qr);

    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| PdfError::Write(e.to_string()))
}

/// One face, in the two forms needed: rustybuzz to shape and measure, krilla to embed.
struct Face {
    shaper: rustybuzz::Face<'static>,
    font: Font,
    units_per_em: f32,
}

impl Face {
    fn load(bytes: &'static [u8], name: &'static str) -> Result<Face, PdfError> {
        let shaper = rustybuzz::Face::from_slice(bytes, 0).ok_or(PdfError::Font(name))?;
        let font = Font::new(bytes.into(), 0).ok_or(PdfError::Font(name))?;
        let units_per_em = shaper.units_per_em() as f32;
        Ok(Face {
            shaper,
            font,
            units_per_em,
        })
    }

    /// Glyphs with advances in em units, and clusters mapped back to the text so the PDF
    /// keeps the real characters (for copying, searching and `pdftotext`).
    fn shape(&self, text: &str) -> Shaped {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(&self.shaper, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            let end = infos[i + 1..]
                .iter()
                .map(|next| next.cluster as usize)
                .find(|&cluster| cluster != start)
                .unwrap_or(text.len());
            let advance = pos.x_advance as f32 / self.units_per_em;
            width += advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                advance,
                pos.x_offset as f32 / self.units_per_em,
                pos.y_offset as f32 / self.units_per_em,
                pos.y_advance as f32 / self.units_per_em,
                start..end,
                None,
            ));
        }
        Shaped { glyphs, width }
    }

    fn width(&self, text: &str) -> f32 {
        self.shape(text).width
    }
}

struct Shaped {
    glyphs: Vec<KrillaGlyph>,
    /// Total advance in em units: multiply by the font size for points.
    width: f32,
}

struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            regular: Face::load(REGULAR_TTF, "DejaVuSans.ttf")?,
            bold: Face::load(BOLD_TTF, "DejaVuSans-Bold.ttf")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Center,
    Right,
}

/// Lines of text in one face and size, placed on the page: `baselines[i]` is where
/// `lines[i]` sits.
struct Block<'a> {
    face: &'a Face,
    size: f32,
    align: Align,
    /// Left edge for [`Align::Left`], right edge for [`Align::Right`], ignored for
    /// [`Align::Center`] (centred on the page).
    x: f32,
    lines: Vec<String>,
    baselines: Vec<f32>,
}

impl Block<'_> {
    fn draw(&self, surface: &mut Surface<'_>) {
        for (line, &baseline) in self.lines.iter().zip(&self.baselines) {
            let shaped = self.face.shape(line);
            let width = shaped.width * self.size;
            let x = match self.align {
                Align::Left => self.x,
                Align::Center => (PAGE_WIDTH - width) / 2.0,
                Align::Right => self.x - width,
            };
            surface.draw_glyphs(
                Point::from_xy(x, baseline),
                &shaped.glyphs,
                self.face.font.clone(),
                line,
                self.size,
                false,
            );
        }
    }

    /// Left, top, right and bottom of the ink, roughly (ascender to descender).
    fn bounds(&self) -> (f32, f32, f32, f32) {
        let widest = self
            .lines
            .iter()
            .map(|line| self.face.width(line) * self.size)
            .fold(0.0, f32::max);
        let (left, right) = match self.align {
            Align::Left => (self.x, self.x + widest),
            Align::Center => ((PAGE_WIDTH - widest) / 2.0, (PAGE_WIDTH + widest) / 2.0),
            Align::Right => (self.x - widest, self.x),
        };
        let first = self.baselines.first().copied().unwrap_or_default();
        let last = self.baselines.last().copied().unwrap_or_default();
        (
            left,
            first - 0.76 * self.size,
            right,
            last + 0.24 * self.size,
        )
    }
}

/// Chooses a size and line breaks for `text` so each line is at most `max_width` wide:
/// first one line, shrinking from `largest` to `smallest`, then two lines, and so on up
/// to `max_lines`. Text that fits nowhere (a single enormous word) goes on shrinking
/// and is finally broken between characters, so it never runs off the page.
fn fit(
    face: &Face,
    text: &str,
    largest: f32,
    smallest: f32,
    max_width: f32,
    max_lines: usize,
) -> (f32, Vec<String>) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let widths: Vec<f32> = words.iter().map(|word| face.width(word)).collect();
    let space = face.width(" ");
    // A little slack for kerning across word boundaries, which words measured one by one
    // do not see.
    let limit = max_width * 0.98;

    for lines in 1..=max_lines.max(1) {
        let mut size = largest;
        while size >= smallest {
            let broken = wrap(&words, &widths, space, limit / size);
            if broken.len() <= lines {
                return (size, broken);
            }
            size -= 0.5;
        }
    }
    let mut size = smallest;
    while size > 6.0 {
        size -= 0.5;
        let broken = wrap(&words, &widths, space, limit / size);
        if broken.len() <= max_lines.max(1) {
            return (size, broken);
        }
    }
    (size, wrap_characters(face, text, limit / size))
}

/// Greedy word wrap, widths in em units.
fn wrap(words: &[&str], widths: &[f32], space: f32, max_em: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_width = 0.0;
    for (word, &width) in words.iter().zip(widths) {
        if !current.is_empty() && current_width + space + width <= max_em {
            current.push(' ');
            current.push_str(word);
            current_width += space + width;
        } else {
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            current.push_str(word);
            current_width = width;
            // An unbreakable word wider than the line: report it as too many lines.
            if width > max_em {
                lines.push(std::mem::take(&mut current));
                lines.push(String::new());
                current_width = 0.0;
            }
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// The last resort: break anywhere, character by character.
fn wrap_characters(face: &Face, text: &str, max_em: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for ch in text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
    {
        current.push(ch);
        if face.width(&current) > max_em && current.chars().count() > 1 {
            current.pop();
            lines.push(current.trim_end().to_string());
            current = ch.to_string();
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Stacks the centred blocks from the top and places the fixed ones at the bottom.
/// Pure, so the tests can check that the worst case stays clear of the QR code.
fn layout<'a>(c: &PdfCertificate, fonts: &'a Fonts) -> Vec<Block<'a>> {
    let width = TEXT_RIGHT - TEXT_LEFT;
    let mut blocks = Vec::new();
    let mut y = 44.0;

    let mut centred = |face: &'a Face,
                       text: &str,
                       (largest, smallest): (f32, f32),
                       max_lines: usize,
                       gap: f32,
                       line_height: f32| {
        let (size, lines) = fit(face, text, largest, smallest, width, max_lines);
        let mut baselines = Vec::with_capacity(lines.len());
        y += gap.max(size);
        for i in 0..lines.len() {
            if i > 0 {
                y += size * line_height;
            }
            baselines.push(y);
        }
        blocks.push(Block {
            face,
            size,
            align: Align::Center,
            x: 0.0,
            lines,
            baselines,
        });
    };

    centred(&fonts.regular, &c.issuer, (12.0, 9.0), 2, 18.0, 1.25);
    centred(&fonts.bold, "SERTIFIKAT", (36.0, 36.0), 1, 44.0, 1.2);
    centred(
        &fonts.regular,
        &format!("Nomor: {}", c.number),
        (11.0, 8.0),
        1,
        20.0,
        1.2,
    );
    if c.revoked {
        centred(
            &fonts.bold,
            "DICABUT — sertifikat ini telah dicabut dan tidak berlaku",
            (14.0, 10.0),
            1,
            30.0,
            1.2,
        );
    }
    centred(
        &fonts.regular,
        "diberikan kepada",
        (13.0, 13.0),
        1,
        30.0,
        1.2,
    );
    centred(&fonts.bold, &c.holder_name, (26.0, 16.0), 2, 34.0, 1.15);
    if let Some(nip) = &c.holder_nip {
        centred(
            &fonts.regular,
            &format!("NIP {nip}"),
            (12.0, 9.0),
            1,
            22.0,
            1.2,
        );
    }
    centred(
        &fonts.regular,
        "telah menyelesaikan pelatihan",
        (13.0, 13.0),
        1,
        28.0,
        1.2,
    );
    centred(&fonts.bold, &c.course_title, (20.0, 12.0), 3, 28.0, 1.2);
    centred(
        &fonts.regular,
        &format!("dengan beban {} JP (jam pelajaran)", c.jp),
        (13.0, 10.0),
        1,
        26.0,
        1.2,
    );

    // A short certificate is centred in the space above the QR code, not left hanging
    // at the top.
    let slack = (QR_TOP - 20.0 - y) / 2.0;
    if slack > 0.0 {
        for baseline in blocks.iter_mut().flat_map(|block| &mut block.baselines) {
            *baseline += slack;
        }
    }

    // Bottom left: when; bottom right: the QR code with its URL underneath.
    let left = INNER_BORDER + 30.0;
    let issued = format!("Diterbitkan: {}", tanggal_indonesia(c.issued_on));
    let (size, lines) = fit(&fonts.regular, &issued, 12.0, 9.0, QR_LEFT - left - 20.0, 1);
    blocks.push(Block {
        face: &fonts.regular,
        size,
        align: Align::Left,
        x: left,
        lines,
        baselines: vec![QR_TOP + 52.0],
    });
    let (size, lines) = fit(
        &fonts.regular,
        "Keaslian sertifikat dapat diperiksa dengan memindai kode QR.",
        9.0,
        7.0,
        QR_LEFT - left - 20.0,
        1,
    );
    blocks.push(Block {
        face: &fonts.regular,
        size,
        align: Align::Left,
        x: left,
        lines,
        baselines: vec![QR_TOP + 68.0],
    });

    let right = QR_LEFT + QR_SIZE;
    let verify = format!("Verifikasi keaslian: {}", c.verify_url);
    let (size, lines) = fit(&fonts.regular, &verify, 8.0, 5.0, right - left, 1);
    let line_gap = size * 1.15;
    let first = QR_TOP + QR_SIZE + 4.0 + size * 0.76;
    let baselines = (0..lines.len())
        .map(|i| first + i as f32 * line_gap)
        .collect();
    blocks.push(Block {
        face: &fonts.regular,
        size,
        align: Align::Right,
        x: right,
        lines,
        baselines,
    });
    blocks
}

fn stroke(width: f32) -> Stroke {
    Stroke {
        paint: luma::Color::black().into(),
        width,
        ..Stroke::default()
    }
}

fn rectangle(surface: &mut Surface<'_>, inset: f32, width: f32) {
    let mut path = PathBuilder::new();
    if let Some(rect) = Rect::from_ltrb(inset, inset, PAGE_WIDTH - inset, PAGE_HEIGHT - inset) {
        path.push_rect(rect);
    }
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke(width)));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

fn draw_borders(surface: &mut Surface<'_>) {
    rectangle(surface, OUTER_BORDER, 2.0);
    rectangle(surface, INNER_BORDER, 0.6);
}

/// A frame around the "DICABUT" line, so a photocopy still shows it at a glance.
fn draw_revoked_box(surface: &mut Surface<'_>, blocks: &[Block<'_>]) {
    let Some(block) = blocks
        .iter()
        .find(|block| block.lines.iter().any(|line| line.starts_with("DICABUT")))
    else {
        return;
    };
    let (left, top, right, bottom) = block.bounds();
    let mut path = PathBuilder::new();
    if let Some(rect) = Rect::from_ltrb(left - 10.0, top - 5.0, right + 10.0, bottom + 5.0) {
        path.push_rect(rect);
    }
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(stroke(1.5)));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}

/// Dark runs of the QR code, row by row: `(row, first column, length)` in modules,
/// without the quiet zone. One rectangle per run instead of per module keeps the
/// content stream small.
fn qr_runs(qr: &QrCode) -> Vec<(usize, usize, usize)> {
    let width = qr.width();
    let colors = qr.to_colors();
    let mut runs = Vec::new();
    for (row, modules) in colors.chunks(width).enumerate() {
        let mut column = 0;
        while column < width {
            if modules[column] == Color::Dark {
                let start = column;
                while column < width && modules[column] == Color::Dark {
                    column += 1;
                }
                runs.push((row, start, column - start));
            } else {
                column += 1;
            }
        }
    }
    runs
}

/// Module size in points for a QR code of `width` modules in the [`QR_SIZE`] square.
fn qr_module(width: usize) -> f32 {
    QR_SIZE / (width + 2 * QUIET_ZONE) as f32
}

fn draw_qr(surface: &mut Surface<'_>, qr: &QrCode) {
    let module = qr_module(qr.width());
    let origin_x = QR_LEFT + QUIET_ZONE as f32 * module;
    let origin_y = QR_TOP + QUIET_ZONE as f32 * module;
    let mut path = PathBuilder::new();
    for (row, column, length) in qr_runs(qr) {
        if let Some(rect) = Rect::from_xywh(
            origin_x + column as f32 * module,
            origin_y + row as f32 * module,
            length as f32 * module,
            module,
        ) {
            path.push_rect(rect);
        }
    }
    if let Some(path) = path.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
        surface.draw_path(&path);
    }
}

#[cfg(test)]
mod tests;
