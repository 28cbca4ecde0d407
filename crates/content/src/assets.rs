//! Checking files in assets/: allowed types, size limit, readable images, script-free SVG.

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

/// Why a file is not a usable image: the line and column it concerns (when it is one spot),
/// English, then Bahasa Indonesia.
pub(crate) type Refusal = (Option<(u32, u32)>, String, String);

/// Width and height for the `<img>` tag, or why the file is not a usable image.
pub(crate) fn check_image(ext: &str, bytes: &[u8]) -> Result<Option<(u32, u32)>, Refusal> {
    if ext == "svg" {
        return svg::check(bytes);
    }
    match imagesize::blob_size(bytes) {
        Ok(size) => Ok(Some((clamp(size.width), clamp(size.height)))),
        Err(_) => Err((
            None,
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
///
/// The file is read as the browser would read it: it must be UTF-8 (a browser honours a UTF-16
/// byte-order mark or another declared encoding, which a byte-level check cannot see through),
/// and it is parsed as XML, so character references (`&#106;avascript:`) are decoded before
/// anything is checked, and names are compared as the browser compares them.
mod svg {
    use roxmltree::{Document, Node, ParsingOptions};

    use super::Refusal;
    use crate::position::{LineIndex, Texts};

    /// Elements that run script, embed other documents or handle events.
    const FORBIDDEN_ELEMENTS: &[(&str, &str, &str)] = &[
        ("script", "a <script> element", "elemen <script>"),
        (
            "foreignobject",
            "a <foreignObject> element",
            "elemen <foreignObject>",
        ),
        ("iframe", "an <iframe> element", "elemen <iframe>"),
        ("frame", "a <frame> element", "elemen <frame>"),
        ("embed", "an <embed> element", "elemen <embed>"),
        ("object", "an <object> element", "elemen <object>"),
        ("applet", "an <applet> element", "elemen <applet>"),
        ("handler", "a <handler> element", "elemen <handler>"),
        ("listener", "a <listener> element", "elemen <listener>"),
    ];

    /// Elements that can set another attribute (an `href`, an event handler) while animating.
    const ANIMATIONS: &[&str] = &[
        "set",
        "animate",
        "animatemotion",
        "animatetransform",
        "animatecolor",
    ];

    /// Raster image types an SVG may embed as a `data:` URL (drawing programs do).
    const DATA_IMAGES: &[&str] = &[
        "data:image/png",
        "data:image/jpeg",
        "data:image/jpg",
        "data:image/gif",
        "data:image/webp",
    ];

    /// Largest number of XML nodes; an SVG of at most 1 MiB has far fewer.
    const MAX_NODES: u32 = 1_000_000;

    pub(super) fn check(bytes: &[u8]) -> Result<Option<(u32, u32)>, Refusal> {
        let text = decode(bytes)?;
        let lines = LineIndex::new(text);
        let refuse = |at: usize, (what, apa): Texts| -> Refusal {
            (
                Some(lines.line_col(at)),
                format!(
                    "this SVG contains {what}, which is not allowed because it could run code in the learner's browser or load files from elsewhere; export the drawing again without scripts, links or embedded files"
                ),
                format!(
                    "SVG ini berisi {apa}, yang tidak diizinkan karena dapat menjalankan kode di peramban peserta atau memuat berkas dari tempat lain; ekspor ulang gambarnya tanpa skrip, tautan atau berkas sisipan"
                ),
            )
        };
        // Entities could hide markup from a reader that does not expand them, and expanding
        // them is how "billion laughs" files exhaust memory; drawing programs never write them.
        if let Some(at) = find_ascii_ci(text, "<!entity") {
            return Err(refuse(
                at,
                (
                    "an <!ENTITY> declaration".into(),
                    "deklarasi <!ENTITY>".into(),
                ),
            ));
        }
        let options = ParsingOptions {
            allow_dtd: true,
            nodes_limit: MAX_NODES,
            ..ParsingOptions::default()
        };
        let doc = Document::parse_with_options(text, options).map_err(|e| {
            let pos = e.pos();
            (
                Some((pos.row, pos.col)),
                format!(
                    "this SVG is not well-formed XML ({e}), so browsers would not show it; export it again"
                ),
                format!(
                    "SVG ini bukan XML yang benar ({e}), sehingga peramban tidak akan menampilkannya; ekspor ulang gambarnya"
                ),
            )
        })?;
        let root = doc.root_element();
        if root.tag_name().name() != "svg" {
            return Err((
                Some(lines.line_col(root.range().start)),
                format!(
                    "this file does not start with an <svg> element (it starts with <{}>), so it is not an SVG drawing",
                    root.tag_name().name()
                ),
                format!(
                    "berkas ini tidak diawali elemen <svg> (diawali <{}>), jadi bukan gambar SVG",
                    root.tag_name().name()
                ),
            ));
        }
        for node in doc.descendants() {
            if let Some(found) = danger(&node) {
                return Err(refuse(node.range().start, found));
            }
        }
        Ok(size(&root))
    }

    /// The text of an SVG file, which must be UTF-8 (with or without a byte-order mark).
    fn decode(bytes: &[u8]) -> Result<&str, Refusal> {
        let utf16 = bytes.starts_with(&[0xFE, 0xFF])
            || bytes.starts_with(&[0xFF, 0xFE])
            || bytes.contains(&0);
        let not_utf8 = || -> Refusal {
            (
                None,
                "this SVG is not saved as UTF-8 text (it looks like UTF-16 or another encoding); save it again with UTF-8 encoding".to_owned(),
                "SVG ini tidak disimpan sebagai teks UTF-8 (tampaknya UTF-16 atau pengodean lain); simpan ulang dengan pengodean UTF-8".to_owned(),
            )
        };
        if utf16 {
            return Err(not_utf8());
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| not_utf8())?;
        // A declared encoding wins over UTF-8 in the browser; only UTF-8 is read the same way here.
        if let Some(decl) = text.strip_prefix("<?xml")
            && let Some(end) = decl.find("?>")
            && let Some(at) = decl[..end].find("encoding")
        {
            let value: String = decl[at + "encoding".len()..end]
                .trim_start_matches(|c: char| c.is_whitespace() || c == '=')
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
                .collect();
            if !value.eq_ignore_ascii_case("utf-8") && !value.eq_ignore_ascii_case("utf8") {
                return Err((
                    Some((1, 1)),
                    format!(
                        "this SVG declares the encoding `{value}`; save it as UTF-8 and declare encoding=\"UTF-8\" (or no encoding)"
                    ),
                    format!(
                        "SVG ini menyatakan pengodean `{value}`; simpan sebagai UTF-8 dan tulis encoding=\"UTF-8\" (atau tanpa pengodean)"
                    ),
                ));
            }
        }
        Ok(text)
    }

    /// What in `node` is not allowed, in English and Bahasa Indonesia.
    fn danger(node: &Node<'_, '_>) -> Option<Texts> {
        if node.is_pi() {
            // `<?xml-stylesheet?>` can apply XSLT, which can write a page with scripts.
            return Some((
                "a processing instruction such as <?xml-stylesheet?>".into(),
                "instruksi pemrosesan seperti <?xml-stylesheet?>".into(),
            ));
        }
        if node.is_text() {
            let in_style = node
                .parent_element()
                .is_some_and(|p| p.tag_name().name().eq_ignore_ascii_case("style"));
            return match in_style {
                true => css_danger(node.text().unwrap_or_default()),
                false => None,
            };
        }
        if !node.is_element() {
            return None;
        }
        let element = node.tag_name().name().to_ascii_lowercase();
        if let Some((_, what, apa)) = FORBIDDEN_ELEMENTS.iter().find(|(n, ..)| *n == element) {
            return Some(((*what).into(), (*apa).into()));
        }
        if ANIMATIONS.contains(&element.as_str())
            && let Some(target) = node.attribute("attributeName")
        {
            let target = target.trim().to_ascii_lowercase();
            let target = target.rsplit(':').next().unwrap_or_default();
            if target == "href" || target.starts_with("on") {
                return Some((
                    format!("an animation that changes `{target}`"),
                    format!("animasi yang mengubah `{target}`"),
                ));
            }
        }
        for attr in node.attributes() {
            let name = attr.name().to_ascii_lowercase();
            if name.starts_with("on") {
                return Some((
                    format!("an event handler attribute ({name}=)"),
                    format!("atribut penangan peristiwa ({name}=)"),
                ));
            }
            let value = attr.value();
            let found = match name.as_str() {
                "href" | "src" => url_danger(&element, value),
                "style" => css_danger(value),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
            let squeezed = squeeze(value);
            if squeezed.contains("javascript:") || squeezed.contains("vbscript:") {
                return Some(("a javascript: address".into(), "alamat javascript:".into()));
            }
            if squeezed.contains("url(") && css_danger(value).is_some() {
                return css_danger(value);
            }
        }
        None
    }

    /// The value as a browser's URL parser sees its scheme: without ASCII whitespace and control
    /// characters (`java&#9;script:` is `javascript:`), lowercase.
    fn squeeze(value: &str) -> String {
        value
            .chars()
            .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// What is wrong with the address in an `href` or `src` of `element`, if anything: only
    /// references inside the drawing (`#id`) and embedded raster images are allowed, plus web,
    /// mail and phone links on `<a>`.
    fn url_danger(element: &str, value: &str) -> Option<Texts> {
        let url = squeeze(value);
        if url.is_empty() || url.starts_with('#') {
            return None;
        }
        let scheme = url
            .find([':', '/', '?', '#'])
            .filter(|&i| url[i..].starts_with(':'))
            .map(|i| &url[..i]);
        match scheme {
            Some("javascript" | "vbscript") => Some((
                format!("a {} address", scheme.unwrap_or_default()),
                format!("alamat {}", scheme.unwrap_or_default()),
            )),
            Some("data")
                if element == "image" && DATA_IMAGES.iter().any(|d| url.starts_with(d)) =>
            {
                None
            }
            Some("data") => Some((
                "a data: address that is not a PNG, JPEG, GIF or WebP image".into(),
                "alamat data: yang bukan gambar PNG, JPEG, GIF atau WebP".into(),
            )),
            Some("http" | "https" | "mailto" | "tel") if element == "a" => None,
            _ => Some((
                format!("a reference to another file or site ({value})"),
                format!("rujukan ke berkas atau situs lain ({value})"),
            )),
        }
    }

    /// What is wrong with CSS in a `<style>` element or `style` attribute: it may not import
    /// other style sheets or load anything but parts of the drawing (`url(#id)`) and embedded
    /// raster images.
    fn css_danger(css: &str) -> Option<Texts> {
        let css = squeeze(css);
        if css.contains("@import") || css.contains("javascript:") || css.contains("expression(") {
            return Some((
                "a style sheet that imports or runs code".into(),
                "style sheet yang mengimpor atau menjalankan kode".into(),
            ));
        }
        for (i, _) in css.match_indices("url(") {
            let target = css[i + 4..].trim_start_matches(['"', '\'']);
            if !target.starts_with('#') && !DATA_IMAGES.iter().any(|d| target.starts_with(d)) {
                return Some((
                    "a style that loads a file from elsewhere (url(...))".into(),
                    "gaya yang memuat berkas dari tempat lain (url(...))".into(),
                ));
            }
        }
        None
    }

    /// Byte offset of the first ASCII-case-insensitive occurrence of `needle` (lowercase).
    fn find_ascii_ci(text: &str, needle: &str) -> Option<usize> {
        let (hay, pat) = (text.as_bytes(), needle.as_bytes());
        hay.windows(pat.len())
            .position(|w| w.eq_ignore_ascii_case(pat))
    }

    /// Size from the root element's width/height, else from its viewBox.
    fn size(root: &Node<'_, '_>) -> Option<(u32, u32)> {
        let px = |name: &str| -> Option<u32> {
            let v = root.attribute(name)?.trim().trim_end_matches("px");
            let n: f64 = v.parse().ok()?;
            (1.0..100_000.0).contains(&n).then(|| n.round() as u32)
        };
        if let (Some(w), Some(h)) = (px("width"), px("height")) {
            return Some((w, h));
        }
        let nums: Vec<f64> = root
            .attribute("viewBox")?
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::check_image;

    fn refused(svg: &[u8]) -> String {
        match check_image("svg", svg) {
            Ok(size) => panic!(
                "should be refused, was accepted with size {size:?}: {}",
                String::from_utf8_lossy(svg)
            ),
            Err((_, message, pesan)) => {
                assert!(!pesan.is_empty() && pesan != message);
                message
            }
        }
    }

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn svg_sizes() {
        let size = |svg: &str| check_image("svg", svg.as_bytes()).unwrap();
        assert_eq!(
            size(r#"<svg stroke-width="3" width="120" height="80px"/>"#),
            Some((120, 80))
        );
        assert_eq!(
            size(r#"<svg viewBox="0 0 300 150" width="100%"/>"#),
            Some((300, 150))
        );
        assert_eq!(size("<svg/>"), None);
    }

    #[test]
    fn ordinary_drawings_pass() {
        let fixture = include_bytes!("../tests/fixtures/valid-course/assets/siklus.svg");
        assert!(check_image("svg", fixture).is_ok());
        let drawing = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n\
            <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n\
            <svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"2\" height=\"3\">\
            <defs><marker id=\"m\"/><linearGradient id=\"g\"/></defs>\
            <style>.a { fill: url(#g); }</style>\
            <path d=\"M0 0\" marker-end=\"url(#m)\" style=\"fill:url('#g')\"/>\
            <use xlink:href=\"#m\"/><image href=\"data:image/png;base64,iVBORw0KGgo=\"/>\
            <a href=\"https://bnpb.go.id/\"><text>BNPB &amp; BPBD: onload</text></a></svg>";
        assert_eq!(check_image("svg", drawing.as_bytes()), Ok(Some((2, 3))));
        assert!(check_image("svg", br#"<svg width="2" height="3"><g/></svg>"#).is_ok());
    }

    #[test]
    fn scriptable_svg_is_refused() {
        assert!(refused(b"<svg><script>alert(1)</script></svg>").contains("<script>"));
        assert!(refused(b"<svg onload =\"x()\"></svg>").contains("onload"));
        assert!(refused(b"<svg><g/><foreignObject/></svg>").contains("foreignObject"));
        assert!(check_image("png", b"not a png").is_err());
    }

    #[test]
    fn utf16_svg_is_refused() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        for bytes in [utf16le(svg, true), utf16le(svg, false)] {
            assert!(refused(&bytes).contains("UTF-8"));
        }
        let mut be = vec![0xFE, 0xFF];
        be.extend(svg.encode_utf16().flat_map(u16::to_be_bytes));
        assert!(refused(&be).contains("UTF-8"));
        // Declared otherwise, a browser reads the bytes in that encoding, not as checked here.
        let declared = b"<?xml version=\"1.0\" encoding=\"UTF-7\"?><svg>+ADw-script+AD4-</svg>";
        assert!(refused(declared).contains("UTF-7"));
        assert!(refused(b"<svg>\xff\xfe</svg>").contains("UTF-8"));
    }

    #[test]
    fn encoded_javascript_addresses_are_refused() {
        for href in [
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "&#x6a;&#x61;vascript:alert(1)",
            "java&#9;script:alert(1)",
            "java&#x0A;script:alert(1)",
            "&#13;&#x20; javascript:alert(1)",
            "  JaVaScRiPt:alert(1)",
            "javascript&#58;alert(1)",
            "vbscript:msgbox(1)",
        ] {
            for attr in ["href", "xlink:href"] {
                let svg = format!(
                    "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\"><a {attr}=\"{href}\"><text>x</text></a></svg>"
                );
                let message = refused(svg.as_bytes());
                assert!(message.contains("script"), "{href}: {message}");
            }
        }
        // `&colon;` is an HTML entity, not an XML one: a browser refuses to show the file at all.
        assert!(refused(b"<svg><a href=\"javascript&colon;alert(1)\"/></svg>").contains("XML"));
    }

    #[test]
    fn animations_data_and_outside_references_are_refused() {
        for svg in [
            "<svg><a><set attributeName=\"href\" to=\"&#106;avascript:alert(1)\"/></a></svg>",
            "<svg><animate attributeName=\"xlink:href\" values=\"x\"/></svg>",
            "<svg><set attributeName=\"onclick\" to=\"alert(1)\"/></svg>",
            "<svg><a href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\"/></svg>",
            "<svg><image href=\"data:image/svg+xml;base64,PHN2Zz4=\"/></svg>",
            "<svg><image href=\"https://tracker.example/pixel.png\"/></svg>",
            "<svg><use href=\"other.svg#icon\"/></svg>",
            "<svg><use href=\"//evil.example/x.svg#a\"/></svg>",
            "<svg><style>@import url(https://evil.example/a.css);</style></svg>",
            "<svg><rect style=\"fill: url(https://evil.example/x)\"/></svg>",
            "<svg><rect fill=\"url(https://evil.example/x)\"/></svg>",
            "<?xml-stylesheet type=\"text/xsl\" href=\"#x\"?><svg/>",
            "<svg><html:script xmlns:html=\"http://www.w3.org/1999/xhtml\">alert(1)</html:script></svg>",
            "<svg><iframe src=\"https://evil.example/\"/></svg>",
            "<svg ONLOAD=\"alert(1)\"/>",
            "<!DOCTYPE svg [<!ENTITY x \"&#60;script&#62;\">]><svg>&x;</svg>",
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"><svg/></html>",
            "<svg><script",
        ] {
            refused(svg.as_bytes());
        }
    }

    #[test]
    fn refusals_point_at_the_element() {
        let svg = b"<svg>\n  <g>\n    <a href=\"&#106;avascript:x()\"/>\n  </g>\n</svg>";
        let (at, _, _) = check_image("svg", svg).unwrap_err();
        assert_eq!(at, Some((3, 5)));
    }

    #[test]
    fn deeply_nested_svg_is_checked_without_trouble() {
        let svg = format!(
            "<svg>{}{}</svg>",
            "<g>".repeat(100_000),
            "</g>".repeat(100_000)
        );
        let _ = check_image("svg", svg.as_bytes());
        let svg = format!(
            "<svg>{}<script/>{}</svg>",
            "<g>".repeat(1000),
            "</g>".repeat(1000)
        );
        refused(svg.as_bytes());
    }
}
