//! GIFT snippets from Moodle's own tests and examples (`tests/data/moodle_gift.toml`, taken from
//! moodle/moodle question/format/gift/tests/giftformat_test.php and
//! question/format/gift/examples.txt) must import as Moodle imports them.
//!
//! Each snippet is compared with Moodle's expectations in four respects, counted apart:
//! - kind: Moodle's question type (and for multichoice, single or multiple answers);
//! - grades: every answer's grade fraction (numerical: its accepted range; truefalse: the right
//!   answer);
//! - feedback: every answer's feedback, true/false feedback and the general feedback;
//! - texts: the question text, the answers, the matching items, as a learner sees them.
//!
//! Texts are compared as shown: our Markdown rendered to HTML, Moodle's text put through what
//! Moodle's `format_text` does for its format (lib/weblib.php: `text_to_html` for `moodle`,
//! `s()` and `nl2br` for `plain`, the HTML itself for `html`; `markdown` is rendered by the same
//! CommonMark renderer, standing in for Moodle's Markdown Extra). Both sides are then reduced to
//! what a browser shows: entities decoded, white space collapsed outside `<pre>`, `<p>` and
//! `<div>` boundaries kept as one break.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use lentera_assessment::{Question, QuestionKind, parse_gift};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Fixture {
    snippet: Vec<Snippet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Snippet {
    source: String,
    gift: String,
    qtype: String,
    single: Option<bool>,
    #[allow(dead_code)]
    name: Option<String>,
    questiontext: String,
    questiontextformat: Option<String>,
    #[serde(default)]
    generalfeedback: String,
    generalfeedbackformat: Option<String>,
    #[serde(default)]
    answers: Vec<Answer>,
    correctanswer: Option<bool>,
    #[serde(default)]
    feedbacktrue: String,
    #[serde(default)]
    feedbackfalse: String,
    #[serde(default)]
    subquestions: Vec<Sub>,
    #[serde(default)]
    subanswers: Vec<String>,
    /// Not compared: Lentera keeps no tags or idnumbers.
    #[allow(dead_code)]
    #[serde(default)]
    tags: Vec<String>,
    #[allow(dead_code)]
    idnumber: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    answer: String,
    answerformat: Option<String>,
    fraction: f64,
    #[serde(default)]
    feedback: String,
    feedbackformat: Option<String>,
    tolerance: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sub {
    text: String,
    format: Option<String>,
}

fn fixture() -> Fixture {
    let src = include_str!("data/moodle_gift.toml");
    toml::from_str(src).expect("the fixture parses")
}

// --- What a learner sees ----------------------------------------------------------------------

/// Our Markdown as the server renders it (the same CommonMark options as lentera-content).
fn markdown(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, options));
    out
}

/// PHP's `nl2br`: `<br />` before every line break.
fn nl2br(s: &str) -> String {
    s.replace('\n', "<br />\n")
}

/// Moodle's `s()`: HTML special characters escaped.
fn s(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;")
}

/// Moodle's `text_to_html` (lib/weblib.php), without the wrapping div.
fn text_to_html(text: &str) -> String {
    // `~>([[:space:]]+)<~` -> `><`
    let chars: Vec<char> = text.chars().collect();
    let mut a = String::new();
    let mut i = 0;
    while i < chars.len() {
        a.push(chars[i]);
        if chars[i] == '>' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if j > i + 1 && chars.get(j) == Some(&'<') {
                i = j;
                continue;
            }
        }
        i += 1;
    }
    // `~([\n\r])<~` -> ` <` and `~>([\n\r])~` -> `> `
    let b = a.replace("\n<", " <").replace(">\n", "> ");
    nl2br(&b)
}

/// What Moodle's `format_text` makes of a text in `format`.
fn moodle_html(text: &str, format: &str) -> String {
    match format {
        "html" => text.to_owned(),
        "moodle" => text_to_html(text),
        "plain" => nl2br(&s(text).replace("  ", "&nbsp; ")),
        "markdown" => markdown(text),
        other => panic!("unknown format {other}"),
    }
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// HTML reduced to what a browser shows: text with entities decoded and white space collapsed
/// (except inside `<pre>`), tags other than `p` and `div` kept by name, `p` and `div`
/// boundaries as one `¶`, no space around a `<br>` or a boundary.
fn shown(html: &str) -> String {
    #[derive(PartialEq)]
    enum Piece {
        Text(String),
        Space,
        Break,
        Tag(String),
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut pre = 0usize;
    let chars: Vec<char> = html.chars().collect();
    let mut i = 0;
    let mut text = String::new();
    let flush = |text: &mut String, pieces: &mut Vec<Piece>, pre: usize| {
        if text.is_empty() {
            return;
        }
        if pre > 0 {
            pieces.push(Piece::Text(std::mem::take(text)));
            return;
        }
        let t = std::mem::take(text);
        let mut word = String::new();
        for c in t.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                if !word.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut word)));
                }
                pieces.push(Piece::Space);
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            pieces.push(Piece::Text(word));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '<'
            && chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/' || *n == '!')
        {
            flush(&mut text, &mut pieces, pre);
            let end = (i..chars.len())
                .find(|&k| chars[k] == '>')
                .unwrap_or(chars.len() - 1);
            let inner: String = chars[i + 1..end].iter().collect();
            i = end + 1;
            if inner.starts_with('!') {
                continue;
            }
            let closing = inner.starts_with('/');
            let body = inner.trim_start_matches('/').trim_end_matches('/').trim();
            let name: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            let attrs = body[name.len()..].trim();
            match name.as_str() {
                "p" | "div" => pieces.push(Piece::Break),
                "br" => pieces.push(Piece::Tag("<br>".into())),
                _ => {
                    if name == "pre" {
                        if closing {
                            pre = pre.saturating_sub(1);
                        } else {
                            pre += 1;
                        }
                    }
                    let tag = match (closing, attrs.is_empty()) {
                        (true, _) => format!("</{name}>"),
                        (false, true) => format!("<{name}>"),
                        (false, false) => format!("<{name} {attrs}>"),
                    };
                    pieces.push(Piece::Tag(tag));
                }
            }
            continue;
        }
        if c == '&'
            && let Some(len) = chars[i + 1..].iter().take(10).position(|c| *c == ';')
        {
            let name: String = chars[i + 1..i + 1 + len].iter().collect();
            if let Some(d) = decode_entity(&name) {
                text.push(d);
                i += len + 2;
                continue;
            }
        }
        text.push(c);
        i += 1;
    }
    flush(&mut text, &mut pieces, pre);
    // Collapse: runs of spaces and breaks become one break if any, else one space; none at the
    // ends or next to a `<br>`.
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        match p {
            Piece::Space | Piece::Break => {
                let is_break = p == Piece::Break;
                match out.last_mut() {
                    None => {}
                    Some(Piece::Tag(t)) if t == "<br>" => {}
                    Some(last @ Piece::Space) if is_break => *last = Piece::Break,
                    Some(Piece::Space | Piece::Break) => {}
                    _ => out.push(p),
                }
            }
            Piece::Tag(ref t) if t == "<br>" => {
                if matches!(out.last(), Some(Piece::Space)) {
                    out.pop();
                }
                out.push(p);
            }
            _ => out.push(p),
        }
    }
    while matches!(out.last(), Some(Piece::Space | Piece::Break)) {
        out.pop();
    }
    out.iter()
        .map(|p| match p {
            Piece::Text(t) => t.clone(),
            Piece::Space => " ".into(),
            Piece::Break => "¶".into(),
            Piece::Tag(t) => t.clone(),
        })
        .collect()
}

/// A text of ours (Markdown) as shown.
fn ours(md: &str) -> String {
    shown(&markdown(md))
}

/// A text of Moodle's as shown.
fn theirs(text: &str, format: &str) -> String {
    shown(&moodle_html(text, format))
}

// --- One question, the way Moodle's tests look at it ------------------------------------------

/// A question reduced to what is compared; texts as shown.
#[derive(Debug, Default, PartialEq)]
struct View {
    kind: String,
    /// Fractions; numerical answers with their accepted range (`None` for Moodle's `*`).
    grades: Vec<(f64, Option<(f64, f64)>)>,
    feedback: Vec<String>,
    texts: Vec<String>,
}

fn close(a: &[(f64, Option<(f64, f64)>)], b: &[(f64, Option<(f64, f64)>)]) -> bool {
    let near = |x: f64, y: f64| (x - y).abs() < 1e-9;
    a.len() == b.len()
        && a.iter().zip(b).all(|((fa, ra), (fb, rb))| {
            near(*fa, *fb)
                && match (ra, rb) {
                    (None, None) => true,
                    (Some((a0, a1)), Some((b0, b1))) => near(*a0, *b0) && near(*a1, *b1),
                    _ => false,
                }
        })
}

/// What Moodle expects, as a [`View`].
fn expected(s: &Snippet) -> View {
    let qformat = s.questiontextformat.as_deref().unwrap_or("moodle");
    let general = theirs(
        &s.generalfeedback,
        s.generalfeedbackformat.as_deref().unwrap_or(qformat),
    );
    let mut v = View {
        kind: match (s.qtype.as_str(), s.single) {
            ("multichoice", Some(true)) => "multichoice single".into(),
            ("multichoice", _) => "multichoice multi".into(),
            (other, _) => other.into(),
        },
        texts: vec![theirs(&s.questiontext, qformat)],
        ..View::default()
    };
    let fb = |a: &Answer| theirs(&a.feedback, a.feedbackformat.as_deref().unwrap_or(qformat));
    match s.qtype.as_str() {
        "multichoice" => {
            for a in &s.answers {
                v.grades.push((a.fraction, None));
                v.feedback.push(fb(a));
                let f = a.answerformat.as_deref().unwrap_or(qformat);
                v.texts.push(theirs(&a.answer, f));
            }
        }
        "shortanswer" => {
            for a in &s.answers {
                v.grades.push((a.fraction, None));
                v.feedback.push(fb(a));
                // Typed answers are compared with what learners type, never rendered.
                v.texts.push(a.answer.clone());
            }
        }
        "numerical" => {
            for a in &s.answers {
                let range = a.tolerance.map(|t| {
                    let x: f64 = a.answer.parse().unwrap();
                    (x - t, x + t)
                });
                v.grades.push((a.fraction, range));
                v.feedback.push(fb(a));
            }
        }
        "truefalse" => {
            let right = s.correctanswer.unwrap();
            v.grades.push((if right { 1.0 } else { 0.0 }, None));
            v.feedback.push(theirs(&s.feedbacktrue, qformat));
            v.feedback.push(theirs(&s.feedbackfalse, qformat));
        }
        "match" => {
            // Pairs in order, then the extra right-hand items (an empty subquestion).
            let (pairs, extra): (Vec<_>, Vec<_>) = s
                .subquestions
                .iter()
                .zip(&s.subanswers)
                .partition(|(q, _)| !q.text.is_empty());
            for (q, a) in pairs.iter().chain(&extra) {
                if !q.text.is_empty() {
                    v.texts
                        .push(theirs(&q.text, q.format.as_deref().unwrap_or(qformat)));
                }
                // Moodle shows the right-hand items as plain text in a menu.
                v.texts.push(theirs(a, "plain"));
            }
        }
        _ => {}
    }
    v.feedback.push(general);
    v
}

/// What we imported, as a [`View`].
fn actual(q: &Question) -> View {
    let mut v = View {
        texts: vec![ours(&q.prompt)],
        ..View::default()
    };
    let general = ours(q.feedback.as_deref().unwrap_or(""));
    v.kind = match &q.kind {
        QuestionKind::SingleChoice { .. } => "multichoice single".into(),
        QuestionKind::MultipleChoice { .. } => "multichoice multi".into(),
        QuestionKind::TrueFalse { .. } => "truefalse".into(),
        QuestionKind::ShortAnswer { .. } => "shortanswer".into(),
        QuestionKind::Numerical { .. } => "numerical".into(),
        QuestionKind::Matching { .. } => "match".into(),
        QuestionKind::Essay => "essay".into(),
        QuestionKind::Description => "description".into(),
        other => other.kind_name().into(),
    };
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            for o in options {
                v.grades.push((o.weight / 100.0, None));
                v.feedback.push(ours(o.feedback.as_deref().unwrap_or("")));
                v.texts.push(ours(&o.text));
            }
        }
        QuestionKind::ShortAnswer { answers, .. } => {
            for a in answers {
                v.grades.push((a.weight / 100.0, None));
                v.feedback.push(ours(a.feedback.as_deref().unwrap_or("")));
                v.texts.push(a.text.clone());
            }
        }
        QuestionKind::Numerical {
            answers,
            other_feedback,
        } => {
            for a in answers {
                v.grades.push((a.weight / 100.0, Some((a.min, a.max))));
                v.feedback.push(ours(a.feedback.as_deref().unwrap_or("")));
            }
            // Moodle's `*` answer, worth nothing.
            if let Some(fb) = other_feedback {
                v.grades.push((0.0, None));
                v.feedback.push(ours(fb));
            }
        }
        QuestionKind::TrueFalse {
            answer,
            feedback_true,
            feedback_false,
        } => {
            v.grades.push((if *answer { 1.0 } else { 0.0 }, None));
            v.feedback
                .push(ours(feedback_true.as_deref().unwrap_or("")));
            v.feedback
                .push(ours(feedback_false.as_deref().unwrap_or("")));
        }
        QuestionKind::Matching { pairs, distractors } => {
            for p in pairs {
                v.texts.push(ours(&p.left));
                v.texts.push(ours(&p.right));
            }
            for d in distractors {
                v.texts.push(ours(d));
            }
        }
        _ => {}
    }
    v.feedback.push(general);
    v
}

/// Compares one snippet; the respects in which it differs, with details.
fn differences(s: &Snippet) -> Vec<String> {
    let want = expected(s);
    let q = match parse_gift(&s.gift) {
        Ok(mut qs) if qs.len() == 1 => qs.remove(0),
        Ok(qs) => return vec![format!("refused: {} questions instead of 1", qs.len())],
        Err(problems) => {
            let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
            return vec![format!("refused: {}", messages.join("; "))];
        }
    };
    let got = actual(&q);
    let mut out = Vec::new();
    if got.kind != want.kind {
        out.push(format!("kind: {} instead of {}", got.kind, want.kind));
    }
    if !close(&got.grades, &want.grades) {
        out.push(format!(
            "grades: {:?} instead of {:?}",
            got.grades, want.grades
        ));
    }
    if got.feedback != want.feedback {
        out.push(format!(
            "feedback: {:?} instead of {:?}",
            got.feedback, want.feedback
        ));
    }
    if got.texts != want.texts {
        out.push(format!(
            "texts: {:?} instead of {:?}",
            got.texts, want.texts
        ));
    }
    out
}

/// Snippets that import exactly as Moodle imports them, at least: all 57 (32 before the GIFT
/// reader took Moodle's partial credit, feedback, weights and text formats).
const AT_LEAST: usize = 57;

#[test]
fn moodle_snippets_import_as_moodle_imports_them() {
    let fixture = fixture();
    let total = fixture.snippet.len();
    let mut same = 0;
    let mut by_respect = [0usize; 4];
    let mut kind_and_grades = 0;
    let mut report = String::new();
    for s in &fixture.snippet {
        let diffs = differences(s);
        let refused = diffs.iter().any(|d| d.starts_with("refused"));
        for (k, name) in ["kind", "grades", "feedback", "texts"].iter().enumerate() {
            if !refused && !diffs.iter().any(|d| d.starts_with(name)) {
                by_respect[k] += 1;
            }
        }
        if !refused
            && !diffs
                .iter()
                .any(|d| d.starts_with("kind") || d.starts_with("grades"))
        {
            kind_and_grades += 1;
        }
        if diffs.is_empty() {
            same += 1;
        } else {
            report.push_str(&format!("\n{}:\n  {}", s.source, diffs.join("\n  ")));
        }
    }
    println!(
        "Moodle GIFT snippets imported as Moodle does: {same} of {total} \
         (kind and grades {kind_and_grades}; kind {}, grades {}, feedback {}, texts {}){report}",
        by_respect[0], by_respect[1], by_respect[2], by_respect[3]
    );
    assert!(
        same >= AT_LEAST,
        "{same} of {total} snippets import as Moodle does, fewer than {AT_LEAST}:{report}"
    );
}
