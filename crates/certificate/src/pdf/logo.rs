//! An instansi's logo: a PNG or JPEG file, checked before it is kept (size, kind,
//! dimensions, and that it decodes) and drawn at the top left of the certificate, inside
//! the border, scaled to fit its box with its proportions kept.

use krilla::geom::{Size, Transform};
use krilla::image::Image;
use krilla::surface::Surface;
use krilla::tagging::{BBox, ContentTag, Node, Tag, TagGroup};

use super::PdfError;

/// The largest logo file kept.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// The largest width and height of a logo, in pixels.
pub const MAX_LOGO_PIXELS: u32 = 4000;

/// The box the logo is drawn in: left of the centred text, inside the border.
pub(super) const LOGO_LEFT: f32 = 30.0;
pub(super) const LOGO_TOP: f32 = 30.0;
pub(super) const LOGO_WIDTH: f32 = 46.0;
pub(super) const LOGO_HEIGHT: f32 = 60.0;

/// The kinds of image a logo may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
}

impl LogoFormat {
    /// The kind of `data`, from its first bytes.
    pub fn sniff(data: &[u8]) -> Option<LogoFormat> {
        if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(LogoFormat::Png)
        } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(LogoFormat::Jpeg)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            LogoFormat::Png => "image/png",
            LogoFormat::Jpeg => "image/jpeg",
        }
    }
}

/// A logo that [`check_logo`] accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    pub format: LogoFormat,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({:?}, {} bytes)", self.format, self.data.len())
    }
}

impl Logo {
    /// The image as krilla draws it (decoded when the document is written).
    fn image(&self) -> Result<Image, PdfError> {
        let data = krilla::Data::from(self.data.clone());
        match self.format {
            LogoFormat::Png => Image::from_png(data, true),
            LogoFormat::Jpeg => Image::from_jpeg(data, true),
        }
        .map_err(|e| PdfError::Logo(format!("not a readable image ({e})")))
    }
}

/// Checks a logo file before it is kept: at most [`MAX_LOGO_BYTES`], a PNG or JPEG, at
/// most [`MAX_LOGO_PIXELS`] wide and high, and decodable: it is drawn into a small
/// document, so a file that would break a certificate later is refused now. CPU-bound:
/// call it off the request threads.
pub fn check_logo(data: &[u8]) -> Result<Logo, PdfError> {
    if data.is_empty() {
        return Err(PdfError::Logo("the file is empty".into()));
    }
    if data.len() > MAX_LOGO_BYTES {
        return Err(PdfError::Logo(format!(
            "the file has {} bytes; a logo has at most {MAX_LOGO_BYTES}",
            data.len()
        )));
    }
    let format = LogoFormat::sniff(data)
        .ok_or_else(|| PdfError::Logo("a logo is a PNG or JPEG file".into()))?;
    let logo = Logo {
        format,
        data: data.to_vec(),
    };
    let (width, height) = logo.image()?.size();
    if width == 0 || height == 0 || width > MAX_LOGO_PIXELS || height > MAX_LOGO_PIXELS {
        return Err(PdfError::Logo(format!(
            "the image is {width}×{height} pixels; a logo has at most {MAX_LOGO_PIXELS}×{MAX_LOGO_PIXELS}"
        )));
    }
    let mut document = krilla::Document::new();
    let settings = krilla::page::PageSettings::from_wh(100.0, 100.0)
        .ok_or_else(|| PdfError::Write("invalid page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let _ = draw(&mut surface, &logo, "logo")?;
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| PdfError::Logo(format!("the image cannot be drawn ({e:?})")))?;
    Ok(logo)
}

/// Draws the logo in its box as a figure with its alternative text.
pub(super) fn draw(surface: &mut Surface<'_>, logo: &Logo, alt: &str) -> Result<Node, PdfError> {
    let image = logo.image()?;
    let (width, height) = image.size();
    let scale = (LOGO_WIDTH / width as f32).min(LOGO_HEIGHT / height as f32);
    let (w, h) = (width as f32 * scale, height as f32 * scale);
    // Centred in its box.
    let (x, y) = (
        LOGO_LEFT + (LOGO_WIDTH - w) / 2.0,
        LOGO_TOP + (LOGO_HEIGHT - h) / 2.0,
    );
    let size = Size::from_wh(w, h).ok_or_else(|| PdfError::Logo("the image has no size".into()))?;
    let bbox = krilla::geom::Rect::from_xywh(x, y, w, h).map(|rect| BBox::new(0, rect));
    let mut figure = TagGroup::new(Tag::Figure(Some(alt.to_string())).with_bbox(bbox));
    let id = surface.start_tagged(ContentTag::Other);
    surface.push_transform(&Transform::from_translate(x, y));
    surface.draw_image(image, size);
    surface.pop();
    surface.end_tagged();
    figure.push(id);
    Ok(figure.into())
}
