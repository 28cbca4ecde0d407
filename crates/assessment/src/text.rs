//! Texts of GIFT and Aiken files as Moodle shows them, written in the Markdown every quiz text
//! is kept in (the server renders it to sanitised HTML, see [`crate::Quiz::map_text`]).
//!
//! Moodle keeps a text with its format and shows it through `format_text` (lib/weblib.php):
//! - `moodle` (GIFT's default): HTML is allowed, line breaks become `<br />` (`text_to_html`);
//! - `html`: the HTML as it is;
//! - `plain`: everything literal (`s()`), two spaces as `&nbsp; `, line breaks as `<br />`;
//! - `markdown`: Markdown.
//!
//! A Markdown text is kept as written. Any other text is kept as written when it contains
//! nothing Markdown or HTML would read differently ([`is_plain`]); otherwise the HTML Moodle would
//! show is kept as one raw HTML block, which CommonMark passes through untouched: `<p>` (or
//! `<div>` around block elements), a line break, the HTML without blank lines, a line break and
//! the closing tag. So `\#` shows `#` rather than an empty heading, `\\` stays two characters and
//! the white space of `<pre>` stays as it was.

/// How a text is to be read; Moodle's text formats, plus `Literal` for Aiken texts and the
/// right-hand items of matching questions, which Moodle shows as escaped plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Moodle,
    Html,
    Plain,
    Markdown,
    Literal,
}

impl Format {
    /// The format named in a GIFT `[name]` tag (question/format/gift/format.php,
    /// `format_name_to_const`).
    pub(crate) fn from_name(name: &str) -> Option<Format> {
        match name {
            "moodle" => Some(Format::Moodle),
            "html" => Some(Format::Html),
            "plain" => Some(Format::Plain),
            "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// Elements that may not stand inside a `<p>`; with one of them the block is a `<div>`.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dd",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// The Markdown that shows `text` as Moodle shows it in `format`.
pub(crate) fn to_markdown(text: &str, format: Format) -> String {
    if format == Format::Markdown || is_plain(text) {
        return text.to_owned();
    }
    html_block(&html_of(text, format))
}

/// Whether `text` shows the same in every format, Markdown included: one line without
/// surrounding or double spaces, and nothing that Markdown or HTML would take as markup.
pub(crate) fn is_plain(text: &str) -> bool {
    const MARKUP: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '&', '~', '|'];
    if text.trim() != text
        || text.contains(['\n', '\r'])
        || text.contains("  ")
        || text.contains(MARKUP)
    {
        return false;
    }
    // What starts a heading, a list, a quote or a rule at the start of a line.
    if text.starts_with(['#', '-', '+', '=']) {
        return false;
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    !(digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')')))
}

/// The HTML Moodle's `format_text` makes of `text` in `format` (for `Markdown`, the text).
fn html_of(text: &str, format: Format) -> String {
    match format {
        Format::Html | Format::Markdown => text.to_owned(),
        Format::Moodle => text_to_html(text),
        Format::Plain => nl2br(&s(text).replace("  ", "&nbsp; ")),
        Format::Literal => nl2br(&escape(text, false)),
    }
}

/// PHP's `nl2br`: `<br />` before every line break.
fn nl2br(text: &str) -> String {
    text.replace('\n', "<br />\n")
}

/// `&`, `<`, `>` and, with `quotes`, `"` and `'` as character references (PHP's
/// `htmlspecialchars` with and without `ENT_QUOTES`).
fn escape(text: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#039;"),
            _ => out.push(c),
        }
    }
    out
}

/// Moodle's `s()` (lib/weblib.php): special characters escaped, numeric character references
/// left as they are.
fn s(text: &str) -> String {
    let escaped = escape(text, true);
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped.as_str();
    while let Some(i) = rest.find("&amp;#") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 6..];
        let hex = after.starts_with(['x', 'X']);
        let body = if hex { &after[1..] } else { after };
        let len = body
            .bytes()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if len > 0 && body.as_bytes().get(len) == Some(&b';') {
            out.push_str("&#");
        } else {
            out.push_str("&amp;#");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Moodle's `text_to_html` (lib/weblib.php) without the wrapping div: white space between tags
/// removed, a line break next to a tag made a space, every other line break a `<br />`.
fn text_to_html(text: &str) -> String {
    // `~>([[:space:]]+)<~i` -> `><`
    let mut a = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('>') {
        a.push_str(&rest[..=i]);
        let after = &rest[i + 1..];
        let spaces = after.len() - after.trim_start_matches(is_php_space).len();
        rest = if spaces > 0 && after[spaces..].starts_with('<') {
            &after[spaces..]
        } else {
            after
        };
    }
    a.push_str(rest);
    // `~([\n\r])<~i` -> ` <`, then `~>([\n\r])~i` -> `> `
    let b = a
        .replace("\n<", " <")
        .replace("\r<", " <")
        .replace(">\n", "> ")
        .replace(">\r", "> ");
    nl2br(&b)
}

/// PCRE's `[[:space:]]`.
fn is_php_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}')
}

/// `html` as one CommonMark HTML block, passed through as it is: HTML that starts with a block
/// element's tag already is one (CommonMark's HTML block of type 6, which only a blank line
/// ends); other HTML is put in a `<p>`, or a `<div>` when it holds block elements.
fn html_block(html: &str) -> String {
    let html = without_blank_lines(html);
    if starts_block(&html) {
        return html;
    }
    let tag = if has_block_tag(&html) { "div" } else { "p" };
    format!("<{tag}>\n{html}\n</{tag}>")
}

/// Whether `html` starts with the start tag of one of [`BLOCK_TAGS`] (not `pre`, whose HTML
/// block ends at its end tag).
fn starts_block(html: &str) -> bool {
    let Some(rest) = html.strip_prefix('<') else {
        return false;
    };
    let len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let name = &rest[..len];
    let after = &rest[len..];
    !name.eq_ignore_ascii_case("pre")
        && BLOCK_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name))
        && (after.starts_with(['>', ' ', '\t', '\n']) || after.starts_with("/>"))
}

/// Whether `html` has a start or end tag of one of [`BLOCK_TAGS`].
fn has_block_tag(html: &str) -> bool {
    let bytes = html.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        if b != b'<' {
            return false;
        }
        let start = i + 1 + usize::from(bytes.get(i + 1) == Some(&b'/'));
        let len = bytes[start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        len > 0
            && len <= 10
            && BLOCK_TAGS.iter().any(|t| {
                t.as_bytes()
                    .eq_ignore_ascii_case(&bytes[start..start + len])
            })
    })
}

/// `html` without blank lines, which would end the HTML block: the line break before a line of
/// white space is written `&#10;` (a browser reads the same text), or a space inside a tag.
fn without_blank_lines(html: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Text,
        Tag,
        Quoted(char),
    }
    let mut out = String::with_capacity(html.len() + 8);
    let mut state = State::Text;
    for (n, line) in html.split('\n').enumerate() {
        if n > 0 {
            if line.trim().is_empty() {
                out.push_str(if state == State::Text { "&#10;" } else { " " });
            } else {
                out.push('\n');
            }
        }
        out.push_str(line);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            state = match (state, c) {
                (State::Text, '<')
                    if chars.peek().is_some_and(|n| {
                        n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')
                    }) =>
                {
                    State::Tag
                }
                (State::Tag, '"' | '\'') => State::Quoted(c),
                (State::Tag, '>') => State::Text,
                (State::Quoted(q), c) if c == q => State::Tag,
                (s, _) => s,
            };
        }
    }
    out
}
