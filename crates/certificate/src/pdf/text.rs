//! Shaped, measured text: the embedded faces, fitting text to a width by shrinking and
//! wrapping, and blocks of lines placed on a page and drawn as tagged content.

use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::PdfError;

const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Fraction of the font size above the baseline that ink reaches (DejaVu's ascender,
/// rounded up), and below it.
pub(super) const ASCENT: f32 = 0.76;
pub(super) const DESCENT: f32 = 0.24;

/// One face, in the two forms needed: rustybuzz to shape and measure, krilla to embed.
pub(super) struct Face {
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

    pub(super) fn width(&self, text: &str) -> f32 {
        self.shape(text).width
    }
}

struct Shaped {
    glyphs: Vec<KrillaGlyph>,
    /// Total advance in em units: multiply by the font size for points.
    width: f32,
}

pub(super) struct Fonts {
    pub(super) regular: Face,
    pub(super) bold: Face,
}

impl Fonts {
    pub(super) fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            regular: Face::load(REGULAR_TTF, "DejaVuSans.ttf")?,
            bold: Face::load(BOLD_TTF, "DejaVuSans-Bold.ttf")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

/// What a block is in the document's logical structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The document's one title (`H1`).
    Title,
    /// Running text (`P`), or the label or body of a list item: the caller groups it.
    Text,
    /// Repeated on every page (a running header, a page number): not read out.
    Artifact,
}

/// Lines of text in one face and size, placed on the page: `baselines[i]` is where
/// `lines[i]` sits.
pub(super) struct Block<'a> {
    pub(super) face: &'a Face,
    pub(super) size: f32,
    pub(super) align: Align,
    /// Left edge for [`Align::Left`], right edge for [`Align::Right`], the centre line
    /// for [`Align::Center`].
    pub(super) x: f32,
    pub(super) lines: Vec<String>,
    pub(super) baselines: Vec<f32>,
    pub(super) role: Role,
    /// A rule under every line (the signatory's name).
    pub(super) underline: bool,
}

impl<'a> Block<'a> {
    /// A block of lines `line_height` times the size apart, the first on `baseline`.
    pub(super) fn new(
        face: &'a Face,
        (size, lines): (f32, Vec<String>),
        align: Align,
        x: f32,
        baseline: f32,
        line_height: f32,
    ) -> Block<'a> {
        let baselines = (0..lines.len())
            .map(|i| baseline + i as f32 * size * line_height)
            .collect();
        Block {
            face,
            size,
            align,
            x,
            lines,
            baselines,
            role: Role::Text,
            underline: false,
        }
    }

    pub(super) fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    fn left_of(&self, width: f32) -> f32 {
        match self.align {
            Align::Left => self.x,
            Align::Center => self.x - width / 2.0,
            Align::Right => self.x - width,
        }
    }

    /// Draws the lines, each as its own marked span, and returns their identifiers in
    /// reading order (none for an artifact) for the caller to place in the tag tree.
    pub(super) fn draw(&self, surface: &mut Surface<'_>) -> Vec<Identifier> {
        let mut ids = Vec::with_capacity(self.lines.len());
        surface.set_fill(Some(Fill::default()));
        for (line, &baseline) in self.lines.iter().zip(&self.baselines) {
            let shaped = self.face.shape(line);
            let width = shaped.width * self.size;
            let x = self.left_of(width);
            if self.role == Role::Artifact {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                    ArtifactType::PaginationOther,
                )));
            } else {
                ids.push(surface.start_tagged(ContentTag::Span(SpanTag::empty())));
            }
            surface.draw_glyphs(
                Point::from_xy(x, baseline),
                &shaped.glyphs,
                self.face.font.clone(),
                line,
                self.size,
                false,
            );
            surface.end_tagged();
            if self.underline {
                let y = baseline + 0.11 * self.size;
                let mut path = PathBuilder::new();
                path.move_to(x, y);
                path.line_to(x + width, y);
                if let Some(path) = path.finish() {
                    surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                        ArtifactType::Layout,
                    )));
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: luma::Color::black().into(),
                        width: (self.size / 14.0).max(0.5),
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    surface.end_tagged();
                }
            }
        }
        ids
    }

    /// Left, top, right and bottom of the ink, roughly (ascender to descender).
    pub(super) fn bounds(&self) -> (f32, f32, f32, f32) {
        let widest = self
            .lines
            .iter()
            .map(|line| self.face.width(line) * self.size)
            .fold(0.0, f32::max);
        let left = self.left_of(widest);
        let first = self.baselines.first().copied().unwrap_or_default();
        let last = self.baselines.last().copied().unwrap_or_default();
        (
            left,
            first - ASCENT * self.size,
            left + widest,
            last + DESCENT * self.size,
        )
    }

    /// The baseline of the last line.
    pub(super) fn last_baseline(&self) -> f32 {
        self.baselines.last().copied().unwrap_or_default()
    }
}

/// Chooses a size and line breaks for `text` so each line is at most `max_width` wide:
/// first one line, shrinking from `largest` to `smallest`, then two lines, and so on up
/// to `max_lines`. Text that fits nowhere (a single enormous word) goes on shrinking
/// and is finally broken between characters, so it never runs off the page.
pub(super) fn fit(
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
