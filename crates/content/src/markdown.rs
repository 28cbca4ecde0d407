//! Markdown to sanitised HTML: callouts, footnotes, and (inside a course) rewriting of image
//! and lesson links to the server's URLs, with problems reported by byte offset.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write;
use std::ops::Range;
use std::sync::LazyLock;

use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    Tag as HtmlTag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::position::{self, LineIndex, Texts, whole_file};
use crate::{MAX_TEXT_BYTES, Problem};

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

/// Most elements open inside each other in rendered Markdown: block quotes, lists and their
/// items, emphasis, links, table parts and HTML elements all count. Lesson text never needs more
/// than a handful; past the limit the extra levels are left out (their text is kept) and, when
/// checked, reported. The HTML parser behind the sanitiser takes time proportional to the depth
/// for every element, so 60 KB of nested `> ` used to take seconds.
pub const MAX_NESTING: usize = 32;

/// Render Markdown (CommonMark + tables, strikethrough, footnotes) to sanitised HTML.
///
/// Always succeeds: nesting deeper than [`MAX_NESTING`] is flattened, raw HTML is closed at
/// the end of the Markdown element it was written in. Use [`render_markdown_checked`] to hear
/// about either, e.g. for an editor's preview. Time is linear in the length of `md`.
pub fn render_markdown(md: &str) -> String {
    render(md, None).html
}

/// Like [`render_markdown`], but Markdown that a lesson could not contain is refused: text longer
/// than [`MAX_TEXT_BYTES`] and nesting deeper than [`MAX_NESTING`]. Problems carry `file` and
/// the line and column in `md`.
pub fn render_markdown_checked(file: &str, md: &str) -> Result<String, Vec<Problem>> {
    if md.len() as u64 > MAX_TEXT_BYTES {
        return Err(vec![whole_file(
            file,
            format!(
                "this text is {} KB, more than the limit of {} KB; make it smaller",
                (md.len() as u64).div_ceil(1024),
                MAX_TEXT_BYTES / 1024
            ),
            format!(
                "teks ini berukuran {} KB, melebihi batas {} KB; perkecil ukurannya",
                (md.len() as u64).div_ceil(1024),
                MAX_TEXT_BYTES / 1024
            ),
        )]);
    }
    let rendered = render(md, None);
    if rendered.problems.is_empty() {
        return Ok(rendered.html);
    }
    let lines = LineIndex::new(md);
    Err(rendered
        .problems
        .into_iter()
        .map(|(offset, message, pesan)| position::at(file, &lines, offset, message, pesan))
        .collect())
}

const CALLOUTS: [(&str, &str); 3] = [
    ("info", "Info"),
    ("peringatan", "Peringatan"),
    ("tips", "Tips"),
];

/// Past this many, further regions nested too deeply are left out without a problem each.
const MAX_DEPTH_PROBLEMS: usize = 20;

pub(crate) fn render(md: &str, links: Option<&CourseLinks<'_>>) -> Rendered {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    // Read as a stream with a little lookahead rather than collected: a document's events take
    // many times its size, and keeping them all made large inputs slower per byte.
    let mut events = Lookahead {
        iter: Parser::new_ext(md, options).into_offset_iter(),
        ahead: VecDeque::new(),
    };
    let mut w = Writer {
        out: Vec::new(),
        text: String::new(),
        open: Vec::new(),
        depth: 0,
        too_deep: 0,
        dropping: None,
        problems: Vec::new(),
        depth_problems: 0,
    };
    let mut words = 0;
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    // The lines of the HTML block being read, and where each starts in `md`.
    let mut block: Option<(String, Vec<(usize, usize)>)> = None;
    while let Some((event, range)) = events.next() {
        let event = &event;
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some((String::new(), Vec::new())),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((html, starts)) = block.take() {
                    w.raw_html(&html, &starts);
                }
            }
            Event::Html(t) | Event::InlineHtml(t) => match block.as_mut() {
                Some((html, starts)) => {
                    starts.push((html.len(), range.start));
                    html.push_str(t);
                }
                None => w.raw_html(t, &[(0, range.start)]),
            },
            Event::End(_) => w.close(event),
            Event::Start(_) if w.dropping.is_some() => {
                w.open_markdown(range.start, false);
            }
            _ if w.dropping.is_some() => {}
            Event::Start(Tag::BlockQuote(_)) => match callout(&mut events) {
                Some((kind, title, next, reopen)) => {
                    if w.open_markdown(range.start, true) {
                        w.push(html(format!(
                            "<div class=\"callout callout-{kind}\"><p class=\"callout-title\">{title}</p>\n"
                        )));
                    }
                    if reopen && w.open_markdown(range.start, false) {
                        w.push(Event::Start(Tag::Paragraph));
                    }
                    events.skip(next);
                }
                None => {
                    if w.open_markdown(range.start, false) {
                        w.push(event.clone());
                    }
                }
            },
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
                            w.problems.push((range.start, message, pesan));
                            dest_url.clone()
                        }
                    },
                    _ => dest_url.clone(),
                };
                if w.open_markdown(range.start, false) {
                    w.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest,
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                // Alt text arrives as events up to the matching end; flatten it to plain text.
                let mut alt = String::new();
                let mut depth = 1;
                while depth > 0 {
                    match events.next().map(|(e, _)| e) {
                        Some(Event::Start(_)) => depth += 1,
                        Some(Event::End(_)) => depth -= 1,
                        Some(Event::Text(t) | Event::Code(t)) => alt.push_str(&t),
                        Some(_) => {}
                        None => break,
                    }
                }
                let (src, size) = match links {
                    Some(l) => match image_source(dest_url, l) {
                        Ok(found) => found,
                        Err((message, pesan)) => {
                            w.problems.push((range.start, message, pesan));
                            (String::new(), None)
                        }
                    },
                    None => (dest_url.to_string(), None),
                };
                w.push(html(img_tag(&src, &alt, title, size)));
            }
            Event::FootnoteReference(label) => {
                let (n, id) = footnote(&mut footnotes, label);
                w.push(html(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{id}\">{n}</a></sup>"
                )));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (n, id) = footnote(&mut footnotes, label);
                if w.open_markdown(range.start, true) {
                    w.push(html(format!(
                        "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>\n"
                    )));
                }
            }
            Event::Start(_) => {
                if w.open_markdown(range.start, false) {
                    w.push(event.clone());
                }
            }
            Event::Text(t) => {
                words += t.split_whitespace().count();
                w.text.push_str(t);
            }
            Event::Code(t) => {
                words += t.split_whitespace().count();
                w.push(event.clone());
            }
            _ => w.push(event.clone()),
        }
    }
    if let Some((html, starts)) = block.take() {
        w.raw_html(&html, &starts);
    }
    w.close_all();
    w.flush_text();
    let mut raw = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw, w.out.into_iter());
    let clean = SANITIZER.clean(&raw).to_string();
    Rendered {
        html: wrap_tables(&clean).into_owned(),
        words,
        problems: w.problems,
    }
}

/// What opens the box [`wrap_tables`] puts around a table; nothing an author writes can
/// carry its class (the sanitiser drops every class it does not know).
const TABLE_BOX: &str =
    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tabel ";

/// Puts every outermost table of sanitised HTML in a box that scrolls sideways on a narrow
/// screen and that the keyboard reaches: `<div class="table-scroll" tabindex="0"
/// role="region" aria-label="Tabel N">`, numbered in order (lessons are written in Bahasa
/// Indonesia, so the name is too). No script is needed to scroll a wide table.
///
/// It works on the sanitiser's output, where every `<` in text is escaped and attribute
/// values are double-quoted with `"` escaped: a `<` outside quotes always starts a tag, so
/// a table is found by reading tags, never inside a title or text. The sanitiser thus allows
/// none of these attributes to authors. HTML that has its boxes already is returned as it is
/// (lessons stored before the boxes existed get theirs when loaded). Linear in the length.
pub fn wrap_tables(html: &str) -> Cow<'_, str> {
    if !html.contains("<table") || html.contains(TABLE_BOX) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 256);
    let (mut at, mut depth, mut tables) = (0, 0usize, 0usize);
    while at < html.len() {
        let Some(open) = html[at..].find('<').map(|i| at + i) else {
            out.push_str(&html[at..]);
            break;
        };
        out.push_str(&html[at..open]);
        let mut end = open + 1;
        let mut quoted = false;
        for (i, b) in html.as_bytes()[open + 1..].iter().enumerate() {
            end = open + 1 + i;
            match b {
                b'"' => quoted = !quoted,
                b'>' if !quoted => break,
                _ => {}
            }
        }
        let tag = &html[open..=end.min(html.len() - 1)];
        let name = tag
            .trim_start_matches('<')
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .next()
            .unwrap_or_default();
        match name {
            "table" => {
                if depth == 0 {
                    tables += 1;
                    let _ = write!(out, "{TABLE_BOX}{tables}\">");
                }
                depth += 1;
                out.push_str(tag);
            }
            "/table" => {
                out.push_str(tag);
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push_str("</div>");
                }
            }
            _ => out.push_str(tag),
        }
        at = end + 1;
    }
    // Sanitised HTML closes what it opens; a table left open still gets its box closed.
    if depth > 0 {
        out.push_str("</div>");
    }
    Cow::Owned(out)
}

fn html(s: String) -> Event<'static> {
    Event::Html(CowStr::from(s))
}

/// Whether an element open in the output was written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    Yes,
    /// Left out: nested deeper than [`MAX_NESTING`].
    TooDeep,
    /// Left out: inside an element whose content is dropped.
    Dropped,
}

/// An element open in the output: from Markdown, or written as raw HTML.
enum Open {
    /// `div` when it is written as a `<div>` (callouts, footnote definitions).
    Markdown { shown: Shown, div: bool },
    /// `name` is an allowed HTML element; closed by its end tag or by the end of the Markdown
    /// element around it.
    Html { name: String, shown: Shown },
}

impl Open {
    fn shown(&self) -> Shown {
        match self {
            Open::Markdown { shown, .. } | Open::Html { shown, .. } => *shown,
        }
    }
}

/// Builds the event stream handed to pulldown-cmark's HTML writer, keeping every element,
/// Markdown or raw HTML, on one stack: what reaches the sanitiser's HTML parser is balanced and
/// never deeper than [`MAX_NESTING`], so parsing it takes time linear in its length.
struct Writer<'e> {
    out: Vec<Event<'e>>,
    /// Text not yet in `out`: runs of text events become one, which keeps `out` small for
    /// text the parser hands over piece by piece (`[[[[`, `*a **b`).
    text: String,
    open: Vec<Open>,
    /// Elements on `open` that were written.
    depth: usize,
    /// Elements on `open` left out for being too deep.
    too_deep: usize,
    /// Inside an element whose content is dropped (`<script>`, `<style>`, ...): its name, and
    /// the length of `open` when it started; it also ends with the element around it.
    dropping: Option<(String, usize)>,
    problems: Vec<(usize, String, String)>,
    depth_problems: usize,
}

impl<'e> Writer<'e> {
    fn push(&mut self, event: Event<'e>) {
        self.flush_text();
        self.out.push(event);
    }

    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.out.push(Event::Text(text.into()));
        }
    }

    /// Opens an element at byte `at` of the Markdown; whether it is to be written.
    fn open_markdown(&mut self, at: usize, div: bool) -> bool {
        let shown = self.room(at);
        self.open.push(Open::Markdown { shown, div });
        shown == Shown::Yes
    }

    /// Whether one more element is written; counts it, and reports the start of each region
    /// nested too deeply.
    fn room(&mut self, at: usize) -> Shown {
        if self.dropping.is_some() {
            return Shown::Dropped;
        }
        if self.depth < MAX_NESTING {
            self.depth += 1;
            return Shown::Yes;
        }
        if self.too_deep == 0 && self.depth_problems < MAX_DEPTH_PROBLEMS {
            self.depth_problems += 1;
            self.problems.push((
                at,
                format!(
                    "this is nested more than {MAX_NESTING} levels deep (block quotes, lists, emphasis or HTML elements inside each other); lesson text never needs that many, so flatten it"
                ),
                format!(
                    "bagian ini bersarang lebih dari {MAX_NESTING} tingkat (kutipan, daftar, penekanan atau elemen HTML di dalam satu sama lain); teks materi tidak pernah memerlukan sebanyak itu, jadi sederhanakan susunannya"
                ),
            ));
        }
        self.too_deep += 1;
        Shown::TooDeep
    }

    /// Pops the top element, writing the end tag of a raw HTML one that was written.
    fn pop(&mut self) -> Option<Open> {
        let top = self.open.pop()?;
        match top.shown() {
            Shown::Yes => self.depth -= 1,
            Shown::TooDeep => self.too_deep -= 1,
            Shown::Dropped => {}
        }
        if let Open::Html {
            name,
            shown: Shown::Yes,
        } = &top
        {
            self.push(html(format!("</{name}>")));
        }
        Some(top)
    }

    /// The end of a Markdown element: raw HTML still open inside it is closed first.
    fn close(&mut self, event: &Event<'_>) {
        while let Some(top) = self.pop() {
            if let Open::Markdown { shown, div } = top {
                if shown == Shown::Yes {
                    self.push(match div {
                        true => html("</div>\n".to_owned()),
                        false => event.clone().into_static(),
                    });
                }
                break;
            }
        }
        if self
            .dropping
            .as_ref()
            .is_some_and(|(_, level)| self.open.len() < *level)
        {
            self.dropping = None;
        }
    }

    fn close_all(&mut self) {
        while self.pop().is_some() {}
        self.dropping = None;
    }

    /// Raw HTML from the Markdown: tokenised as a browser would, then written again with only
    /// allowed elements (the sanitiser decides their attributes), balanced, and within the
    /// nesting limit. `starts` maps offsets in `text` to offsets in the Markdown, by line.
    fn raw_html(&mut self, text: &str, starts: &[(usize, usize)]) {
        let sink = Collect::default();
        let queue = BufferQueue::default();
        queue.push_back(StrTendril::from_slice(text));
        let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
        let _ = tokenizer.feed(&queue);
        tokenizer.end();
        let tokens = tokenizer.sink.tokens.into_inner();
        for (token, line) in tokens {
            match token {
                Token::TagToken(tag) => self.raw_tag(&tag, text, starts, line),
                Token::CharacterTokens(t) if self.dropping.is_none() => {
                    self.push(html(escape_text(&t)));
                }
                _ => {}
            }
        }
    }

    fn raw_tag(&mut self, tag: &HtmlTag, text: &str, starts: &[(usize, usize)], line: u64) {
        let name: &str = &tag.name;
        if let Some((dropped, _)) = &self.dropping {
            if tag.kind == TagKind::EndTag && dropped == name {
                self.dropping = None;
            }
            return;
        }
        match tag.kind {
            TagKind::StartTag if raw_text_kind(name).is_some() || name == "plaintext" => {
                self.dropping = Some((name.to_owned(), self.open.len()));
            }
            TagKind::StartTag if VOID_TAGS.contains(&name) => {
                self.push(html(start_tag(tag)));
            }
            TagKind::StartTag if ALLOWED_TAGS.contains(&name) => {
                let at = source_offset(text, starts, line);
                let shown = self.room(at);
                if shown == Shown::Yes {
                    self.push(html(start_tag(tag)));
                }
                self.open.push(Open::Html {
                    name: name.to_owned(),
                    shown,
                });
            }
            TagKind::StartTag => {}
            TagKind::EndTag => {
                // Only raw elements opened inside the current Markdown element can be closed.
                let found = self
                    .open
                    .iter()
                    .rev()
                    .take_while(|o| matches!(o, Open::Html { .. }))
                    .position(|o| matches!(o, Open::Html { name: n, .. } if n == name));
                if let Some(k) = found {
                    for _ in 0..=k {
                        self.pop();
                    }
                }
            }
        }
    }
}

/// Byte offset in the Markdown of line `line` (1-based) of raw HTML `text`.
fn source_offset(text: &str, starts: &[(usize, usize)], line: u64) -> usize {
    let skip = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    let in_text = match skip {
        0 => 0,
        n => text
            .match_indices('\n')
            .nth(n - 1)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    let k = starts.partition_point(|&(from, _)| from <= in_text);
    starts
        .get(k.saturating_sub(1))
        .map_or(0, |&(from, md)| md + (in_text - from))
}

/// Tokens of one piece of raw HTML, each with its line.
#[derive(Default)]
struct Collect {
    tokens: RefCell<Vec<(Token, u64)>>,
}

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        // Text inside these elements is not markup, as in a browser's tree builder.
        let switch = match &token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                match raw_text_kind(&tag.name) {
                    Some(kind) => TokenSinkResult::RawData(kind),
                    None if &*tag.name == "plaintext" => TokenSinkResult::Plaintext,
                    None => TokenSinkResult::Continue,
                }
            }
            _ => TokenSinkResult::Continue,
        };
        self.tokens.borrow_mut().push((token, line));
        switch
    }
}

/// Elements whose content is text rather than markup; all of them are dropped with it.
fn raw_text_kind(name: &str) -> Option<RawKind> {
    match name {
        "title" | "textarea" => Some(RawKind::Rcdata),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => Some(RawKind::Rawtext),
        "script" => Some(RawKind::ScriptData),
        _ => None,
    }
}

/// A start tag written again with the attributes whose names are plain, values quoted.
fn start_tag(tag: &HtmlTag) -> String {
    let mut out = format!("<{}", &*tag.name);
    for a in &tag.attrs {
        let name: &str = &a.name.local;
        let plain = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if plain {
            let _ = write!(out, " {name}=\"{}\"", escape(&a.value));
        }
    }
    out.push('>');
    out
}

fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Parser events read one at a time, with any number of them looked at ahead.
struct Lookahead<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> {
    iter: I,
    ahead: VecDeque<(Event<'a>, Range<usize>)>,
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Lookahead<'a, I> {
    fn next(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        self.ahead.pop_front().or_else(|| self.iter.next())
    }

    /// The event `k` places after the next one (0 is the next one), without reading past it.
    fn peek(&mut self, k: usize) -> Option<&Event<'a>> {
        while self.ahead.len() <= k {
            let next = self.iter.next()?;
            self.ahead.push_back(next);
        }
        self.ahead.get(k).map(|(e, _)| e)
    }

    fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.next();
        }
    }
}

/// A blockquote whose first line is `[!INFO]`, `[!PERINGATAN]` or `[!TIPS]` (any case), looked
/// at from the event after the blockquote's start. Returns kind, title, how many events the
/// marker takes, and whether a paragraph must be reopened because text follows the marker line.
fn callout<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>>(
    events: &mut Lookahead<'a, I>,
) -> Option<(&'static str, &'static str, usize, bool)> {
    if !matches!(events.peek(0), Some(Event::Start(Tag::Paragraph))) {
        return None;
    }
    // The parser splits `[!INFO]` into several text events, so join them first; a marker is
    // short, so there is no need to look further than a few.
    let mut j = 1;
    let mut marker = String::new();
    while let Some(Event::Text(t)) = events.peek(j) {
        marker.push_str(t);
        j += 1;
        if marker.len() > 32 {
            return None;
        }
    }
    let name = marker
        .trim()
        .strip_prefix("[!")?
        .strip_suffix(']')?
        .to_ascii_lowercase();
    let (kind, title) = CALLOUTS.into_iter().find(|(k, _)| *k == name)?;
    match events.peek(j) {
        Some(Event::SoftBreak | Event::HardBreak) => Some((kind, title, j + 1, true)),
        Some(Event::End(TagEnd::Paragraph)) => Some((kind, title, j + 1, false)),
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

/// Elements kept in rendered lessons, whether written in Markdown or as raw HTML.
const ALLOWED_TAGS: &[&str] = &[
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

/// Allowed elements that have no content and no end tag.
const VOID_TAGS: &[&str] = &["br", "hr", "img"];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
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
    b.tags(ALLOWED_TAGS.iter().copied().collect())
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
