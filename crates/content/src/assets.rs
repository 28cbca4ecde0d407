//! Checking files in assets/: allowed types, size limit, readable images, script-free SVG.

use crate::position::Texts;

/// Assets above this size are refused: lessons are read on slow regional connections.
pub(crate) const MAX_ASSET_BYTES: u64 = 1024 * 1024;

/// The content type served for an allowed extension (lowercase, without dot).
pub(crate) fn content_type(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// Width and height for the `<img>` tag, or an explanation (English, then Bahasa Indonesia)
/// of why the file is not a usable image.
pub(crate) fn check_image(ext: &str, bytes: &[u8]) -> Result<Option<(u32, u32)>, Texts> {
    if ext == "svg" {
        let text = String::from_utf8_lossy(bytes);
        if let Some((bad, buruk)) = svg_danger(&text) {
            return Err((
                format!(
                    "this SVG contains {bad}, which is not allowed because it could run code in the learner's browser; export the drawing again without scripts"
                ),
                format!(
                    "SVG ini berisi {buruk}, yang tidak diizinkan karena dapat menjalankan kode di peramban peserta; ekspor ulang gambarnya tanpa skrip"
                ),
            ));
        }
        return Ok(svg_size(&text));
    }
    match imagesize::blob_size(bytes) {
        Ok(size) => Ok(Some((clamp(size.width), clamp(size.height)))),
        Err(_) => Err((
            format!(
                "this file could not be read as a .{ext} image; it may be damaged or have the wrong extension"
            ),
            format!(
                "berkas ini tidak dapat dibaca sebagai gambar .{ext}; mungkin berkasnya rusak atau ekstensinya salah"
            ),
        )),
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// SVG served from our own origin runs scripts when opened directly, so anything scriptable
/// is refused up front rather than trusting every deployment to set a CSP for assets.
/// What was found, in English and in Bahasa Indonesia.
fn svg_danger(text: &str) -> Option<(&'static str, &'static str)> {
    let lower = text.to_ascii_lowercase();
    for (needle, what, apa) in [
        ("<script", "a <script> element", "elemen <script>"),
        ("javascript:", "a javascript: link", "tautan javascript:"),
        (
            "<foreignobject",
            "a <foreignObject> element",
            "elemen <foreignObject>",
        ),
        (
            "<!entity",
            "an <!ENTITY> declaration",
            "deklarasi <!ENTITY>",
        ),
        ("<iframe", "an <iframe> element", "elemen <iframe>"),
    ] {
        if lower.contains(needle) {
            return Some((what, apa));
        }
    }
    // Event handler attributes: whitespace, "on", letters, optional spaces, "=".
    let b = lower.as_bytes();
    for i in 1..b.len().saturating_sub(3) {
        if b[i - 1].is_ascii_whitespace() && b[i] == b'o' && b[i + 1] == b'n' {
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_lowercase() {
                j += 1;
            }
            let letters = j - (i + 2);
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if letters > 0 && j < b.len() && b[j] == b'=' {
                return Some((
                    "an event handler attribute (such as onload=)",
                    "atribut penangan peristiwa (seperti onload=)",
                ));
            }
        }
    }
    None
}

/// Size from the root element's width/height, else from its viewBox.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let px = |name: &str| -> Option<u32> {
        let v = attr(tag, name)?.trim().trim_end_matches("px");
        let n: f64 = v.parse().ok()?;
        (1.0..100_000.0).contains(&n).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (px("width"), px("height")) {
        return Some((w, h));
    }
    let nums: Vec<f64> = attr(tag, "viewBox")?
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums.as_slice() {
        [_, _, w, h] if (1.0..100_000.0).contains(w) && (1.0..100_000.0).contains(h) => {
            Some((w.round() as u32, h.round() as u32))
        }
        _ => None,
    }
}

/// Value of attribute `name` in a start tag; requires whitespace before the name so that
/// `stroke-width` is not mistaken for `width`.
fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let i = from + i;
        from = i + name.len();
        let before_ok = tag[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let rest = tag[from..].trim_start();
        if let (true, Some(rest)) = (before_ok, rest.strip_prefix('=')) {
            let rest = rest.trim_start();
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                let body = &rest[1..];
                return body.find(quote).map(|end| &body[..end]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{check_image, svg_size};

    #[test]
    fn svg_sizes() {
        assert_eq!(
            svg_size(r#"<svg stroke-width="3" width="120" height="80px">"#),
            Some((120, 80))
        );
        assert_eq!(
            svg_size(r#"<svg viewBox="0 0 300 150" width="100%">"#),
            Some((300, 150))
        );
        assert_eq!(svg_size("<svg>"), None);
    }

    #[test]
    fn scriptable_svg_is_refused() {
        assert!(check_image("svg", b"<svg><script>alert(1)</script></svg>").is_err());
        assert!(check_image("svg", b"<svg onload =\"x()\"></svg>").is_err());
        assert!(check_image("svg", br#"<svg width="2" height="3"><g/></svg>"#).is_ok());
        assert!(check_image("png", b"not a png").is_err());
    }
}
