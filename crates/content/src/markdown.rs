//! Markdown to sanitised HTML: callouts, footnotes, and (inside a course) rewriting of image
//! and lesson links to the server's URLs, with problems reported by byte offset.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::position::Texts;

/// What a lesson may point at; absent for Markdown outside a course (quiz texts).
pub(crate) struct CourseLinks<'a> {
    pub course_slug: &'a str,
    pub lessons: &'a HashSet<String>,
    /// Images under assets/ and their sizes.
    pub assets: &'a ImageSizes,
}

/// Asset path (relative to assets/) to its width and height, when they could be read.
pub(crate) type ImageSizes = HashMap<String, Option<(u32, u32)>>;

pub(crate) struct Rendered {
    pub html: String,
    pub words: usize,
    /// Byte offset in the Markdown, message (English) and pesan (Bahasa Indonesia).
    pub problems: Vec<(usize, String, String)>,
}

/// Render Markdown (CommonMark + tables + strikethrough + footnotes) to sanitised HTML.
pub fn render_markdown(md: &str) -> String {
    render(md, None).html
}

const CALLOUTS: [(&str, &str); 3] = [
    ("info", "Info"),
    ("peringatan", "Peringatan"),
    ("tips", "Tips"),
];

pub(crate) fn render(md: &str, links: Option<&CourseLinks<'_>>) -> Rendered {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(md, options).into_offset_iter().collect();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut problems = Vec::new();
    let mut words = 0;
    // One entry per open blockquote: whether it became a callout <div>.
    let mut quotes: Vec<bool> = Vec::new();
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        i += 1;
        match event {
            Event::Start(Tag::BlockQuote(_)) => match callout(&events, i) {
                Some((kind, title, next, reopen)) => {
                    out.push(html(format!(
                        "<div class=\"callout callout-{kind}\"><p class=\"callout-title\">{title}</p>\n"
                    )));
                    if reopen {
                        out.push(Event::Start(Tag::Paragraph));
                    }
                    quotes.push(true);
                    i = next;
                }
                None => {
                    quotes.push(false);
                    out.push(event.clone());
                }
            },
            Event::End(TagEnd::BlockQuote(_)) => {
                if quotes.pop() == Some(true) {
                    out.push(html("</div>\n".to_owned()));
                } else {
                    out.push(event.clone());
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = match (links, link_type) {
                    (Some(l), lt) if *lt != LinkType::Email => match rewrite_link(dest_url, l) {
                        Ok(url) => url.map_or(dest_url.clone(), CowStr::from),
                        Err((message, pesan)) => {
                            problems.push((range.start, message, pesan));
                            dest_url.clone()
                        }
                    },
                    _ => dest_url.clone(),
                };
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                // Alt text arrives as events up to the matching end; flatten it to plain text.
                let mut alt = String::new();
                let mut depth = 1;
                while i < events.len() && depth > 0 {
                    match &events[i].0 {
                        Event::Start(_) => depth += 1,
                        Event::End(_) => depth -= 1,
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        _ => {}
                    }
                    i += 1;
                }
                let (src, size) = match links {
                    Some(l) => match image_source(dest_url, l) {
                        Ok(found) => found,
                        Err((message, pesan)) => {
                            problems.push((range.start, message, pesan));
                            (String::new(), None)
                        }
                    },
                    None => (dest_url.to_string(), None),
                };
                out.push(html(img_tag(&src, &alt, title, size)));
            }
            Event::FootnoteReference(label) => {
                let (n, id) = footnote(&mut footnotes, label);
                out.push(html(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{id}\">{n}</a></sup>"
                )));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (n, id) = footnote(&mut footnotes, label);
                out.push(html(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>\n"
                )));
            }
            Event::End(TagEnd::FootnoteDefinition) => out.push(html("</div>\n".to_owned())),
            Event::Text(t) | Event::Code(t) => {
                words += t.split_whitespace().count();
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
    }
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, out.into_iter());
    Rendered {
        html: SANITIZER.clean(&raw).to_string(),
        words,
        problems,
    }
}

fn html(s: String) -> Event<'static> {
    Event::Html(CowStr::from(s))
}

/// A blockquote whose first line is `[!INFO]`, `[!PERINGATAN]` or `[!TIPS]` (any case).
/// Returns kind, title, the event index to continue at, and whether a paragraph must be
/// reopened because text follows the marker line.
fn callout(
    events: &[(Event<'_>, Range<usize>)],
    i: usize,
) -> Option<(&'static str, &'static str, usize, bool)> {
    if !matches!(events.get(i), Some((Event::Start(Tag::Paragraph), _))) {
        return None;
    }
    // The parser splits `[!INFO]` into several text events, so join them first.
    let mut j = i + 1;
    let mut marker = String::new();
    while let Some((Event::Text(t), _)) = events.get(j) {
        marker.push_str(t);
        j += 1;
    }
    let name = marker
        .trim()
        .strip_prefix("[!")?
        .strip_suffix(']')?
        .to_ascii_lowercase();
    let (kind, title) = CALLOUTS.into_iter().find(|(k, _)| *k == name)?;
    match events.get(j) {
        Some((Event::SoftBreak | Event::HardBreak, _)) => Some((kind, title, j + 1, true)),
        Some((Event::End(TagEnd::Paragraph), _)) => Some((kind, title, j + 1, false)),
        _ => None,
    }
}

/// Footnote number (in order of first appearance) and an id safe to put in HTML; ids get
/// an `fn-` prefix so author labels can never clash with the page's own element ids.
fn footnote(seen: &mut HashMap<String, usize>, label: &str) -> (usize, String) {
    let next = seen.len() + 1;
    let n = *seen.entry(label.to_owned()).or_insert(next);
    let id: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    (n, format!("{n}-{id}"))
}

fn img_tag(src: &str, alt: &str, title: &str, size: Option<(u32, u32)>) -> String {
    let mut tag = format!("<img src=\"{}\" alt=\"{}\"", escape(src), escape(alt));
    if !title.is_empty() {
        let _ = write!(tag, " title=\"{}\"", escape(title));
    }
    if let Some((w, h)) = size {
        let _ = write!(tag, " width=\"{w}\" height=\"{h}\"");
    }
    tag.push_str(" loading=\"lazy\">");
    tag
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The part of `url` after the course's assets folder, however the author wrote it.
fn asset_path(url: &str) -> Option<&str> {
    ["../assets/", "./assets/", "assets/"]
        .into_iter()
        .find_map(|p| url.strip_prefix(p))
}

fn asset_url(course_slug: &str, path: &str) -> String {
    let mut url = format!("/kursus/{course_slug}/aset/");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            url.push(char::from(b));
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}

/// The image's URL and size, or a problem in English and Bahasa Indonesia.
fn image_source(url: &str, l: &CourseLinks<'_>) -> Result<(String, Option<(u32, u32)>), Texts> {
    let Some(path) = asset_path(url) else {
        return Err((
            format!(
                "image `{url}` must be a file in the course's assets/ folder, written like ../assets/diagram.png"
            ),
            format!(
                "gambar `{url}` harus berupa berkas di folder assets/ kursus, ditulis seperti ../assets/diagram.png"
            ),
        ));
    };
    match l.assets.get(path) {
        Some(size) if !path.split('/').any(|s| s == "..") => {
            Ok((asset_url(l.course_slug, path), *size))
        }
        _ => Err((
            format!("image `{url}` was not found: there is no file assets/{path}"),
            format!("gambar `{url}` tidak ada di folder assets/: berkas assets/{path} tidak ada"),
        )),
    }
}

/// `Ok(None)` keeps the link as written, `Ok(Some)` replaces it, `Err` is a problem (English,
/// then Bahasa Indonesia).
fn rewrite_link(url: &str, l: &CourseLinks<'_>) -> Result<Option<String>, Texts> {
    if url.starts_with('#') || url.starts_with('/') {
        return Ok(None);
    }
    let scheme_end = url.find([':', '/', '?', '#']);
    if let Some(i) = scheme_end.filter(|&i| url[i..].starts_with(':')) {
        return match url[..i].to_ascii_lowercase().as_str() {
            "http" | "https" | "mailto" | "tel" => Ok(None),
            _ => Err((
                format!(
                    "link `{url}` is not allowed: links must be web addresses starting with https:// or http://, mailto: or tel:"
                ),
                format!(
                    "tautan `{url}` tidak diizinkan: tautan harus berupa alamat web yang diawali https:// atau http://, mailto: atau tel:"
                ),
            )),
        };
    }
    let (path, anchor) = url.split_at(url.find('#').unwrap_or(url.len()));
    if let Some(asset) = asset_path(path) {
        return match l.assets.contains_key(asset) && !asset.split('/').any(|s| s == "..") {
            true => Ok(Some(asset_url(l.course_slug, asset))),
            false => Err((
                format!("link `{url}` points to assets/{asset}, which does not exist"),
                format!("tautan `{url}` menunjuk ke assets/{asset}, yang tidak ada"),
            )),
        };
    }
    let file = ["../lessons/", "./"]
        .into_iter()
        .find_map(|p| path.strip_prefix(p))
        .unwrap_or(path);
    match file.strip_suffix(".md") {
        Some(slug) if l.lessons.contains(slug) => Ok(Some(format!(
            "/kursus/{}/materi/{slug}{anchor}",
            l.course_slug
        ))),
        Some(_) => Err((
            format!("link `{url}` points to a lesson that does not exist in this course's outline"),
            format!("tautan `{url}` menunjuk ke materi yang tidak ada di kerangka kursus ini"),
        )),
        None => Err((
            format!(
                "link `{url}` is not understood: link to another lesson by its file name (other-lesson.md), to an asset (../assets/file.png) or to a web address (https://...)"
            ),
            format!(
                "tautan `{url}` tidak dapat dipahami: tautkan ke materi lain dengan nama berkasnya (materi-lain.md), ke aset (../assets/berkas.png) atau ke alamat web (https://...)"
            ),
        )),
    }
}

/// Allowed classes; anything else an author writes in raw HTML is dropped.
const CLASSES: [&str; 8] = [
    "callout",
    "callout-info",
    "callout-peringatan",
    "callout-tips",
    "callout-title",
    "footnote-reference",
    "footnote-definition",
    "footnote-definition-label",
];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ];
    let attrs: HashMap<&str, HashSet<&str>> = [
        ("a", vec!["href", "title"]),
        (
            "img",
            vec!["src", "alt", "title", "width", "height", "loading"],
        ),
        ("abbr", vec!["title"]),
        ("ol", vec!["start"]),
        ("div", vec!["class", "id"]),
        ("p", vec!["class"]),
        ("sup", vec!["class"]),
        ("code", vec!["class"]),
    ]
    .into_iter()
    .map(|(tag, a)| (tag, a.into_iter().collect()))
    .collect();
    let mut b = ammonia::Builder::empty();
    b.tags(tags.into_iter().collect())
        .tag_attributes(attrs)
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(filter_attribute);
    b
});

fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match attribute {
        "class" => {
            let kept: Vec<&str> = value
                .split_whitespace()
                .filter(|c| {
                    CLASSES.contains(c)
                        || (element == "code"
                            && c.strip_prefix("language-").is_some_and(|l| {
                                l.chars()
                                    .all(|ch| ch.is_ascii_alphanumeric() || "+#-_".contains(ch))
                            }))
                })
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        "id" => value.starts_with("fn-").then_some(Cow::Borrowed(value)),
        "width" | "height" | "start" => value
            .chars()
            .all(|c| c.is_ascii_digit())
            .then_some(Cow::Borrowed(value)),
        "loading" => (value == "lazy").then_some(Cow::Borrowed(value)),
        // Images come only from the course's own assets (rewritten to /kursus/...): an
        // image from another site would track learners and stall pages on slow links.
        "src" if element == "img" => value
            .starts_with("/kursus/")
            .then_some(Cow::Borrowed(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}
