//! Writing a quiz as GIFT, the way Moodle's exporter writes it (question/format/gift/format.php,
//! `writequestion`), so that Moodle imports the file and [`crate::parse_gift`] reads it back into
//! the same questions.
//!
//! What GIFT cannot carry is said in `//` comments in the file and left out or approximated:
//! the quiz's settings (title, pass mark, attempts, time limit, cooldown, which attempt counts,
//! review, draw rules, shuffling), points other than 1, ordering questions (left out),
//! case-sensitive short answers (written case-insensitive), Markdown in the right-hand items of
//! matching questions (Moodle shows them as plain text: written as typed), a `->` inside a
//! left-hand item or a short answer's feedback (written `-&gt;`, which shows the same) or inside
//! a short answer (written `-*>`, which takes it), ids that are not what the GIFT reader makes
//! of a title (see [`crate::parse_gift`]), and white space around a text (never shown).

use std::fmt::Write;

use crate::model::{Question, QuestionKind, Quiz};
use crate::text::{Format, is_plain, to_markdown};

/// The quiz as a GIFT file: comments saying what GIFT leaves out, then every question (and
/// description) in the quiz's order, a `$CATEGORY:` line wherever the group changes.
pub fn to_gift(quiz: &Quiz) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// {} ({}), written as GIFT by Lentera.",
        one_line(&quiz.title),
        one_line(&quiz.slug)
    );
    out.push_str(
        "// GIFT holds only questions: the quiz settings (pass mark, attempts, time limit, draws\n\
         // of questions from groups, ...) are not in this file.\n\n",
    );
    let mut group: Option<&str> = None;
    for q in &quiz.questions {
        if !q.is_description() && q.group.as_deref() != group {
            group = q.group.as_deref();
            match group {
                Some(g) => {
                    let _ = writeln!(out, "$CATEGORY: $course$/top/{}\n", one_line(g));
                }
                None => out.push_str("$CATEGORY: $course$/top\n\n"),
            }
        }
        write_question(&mut out, q);
    }
    out
}

/// A text on one line, for comments and category names.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// GIFT's escapes (Moodle's `repchar`): `\` `~` `=` `#` `{` `}` `:` escaped, line breaks as `\n`,
/// carriage returns left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A text as it is written after a marker, and the format the parts after it default to when
/// it is the question text. `default` is the format the text is read in without a tag (the
/// question text's format, as in Moodle).
fn rich(md: &str, default: Format) -> (String, Format) {
    let md = md.replace("\r\n", "\n");
    let (format, text) = from_markdown(md.trim());
    let format = format.unwrap_or(default);
    // A tag when the format differs, and before text that would read as a tag or a weight.
    let tag = format != default || text.starts_with(['[', '%']);
    let mut out = String::new();
    if tag {
        let _ = write!(out, "[{}]", format_name(format));
    }
    out.push_str(&escape(&text));
    (out, format)
}

/// A typed answer or a right-hand item: plain text, with a `[moodle]` tag (which Moodle and
/// Lentera take off) before text that starts like a tag.
fn plain(text: &str) -> String {
    let text = text.trim();
    let tag = if text.starts_with('[') {
        "[moodle]"
    } else {
        ""
    };
    format!("{tag}{}", escape(text))
}

fn feedback(out: &mut String, fb: Option<&str>, format: Format) {
    if let Some(fb) = fb.filter(|f| !f.trim().is_empty()) {
        out.push('#');
        out.push_str(&rich(fb, format).0);
    }
}

fn general_feedback(out: &mut String, q: &Question, format: Format, indent: &str) {
    if let Some(fb) = q.feedback.as_deref().filter(|f| !f.trim().is_empty()) {
        let _ = write!(out, "{indent}####{}", rich(fb, format).0);
        if !indent.is_empty() {
            out.push('\n');
        }
    }
}

fn write_question(out: &mut String, q: &Question) {
    if let QuestionKind::Ordering { .. } = q.kind {
        let _ = writeln!(
            out,
            "// Question {} (ordering) is left out: GIFT has no ordering questions.\n",
            one_line(&q.id)
        );
        return;
    }
    if !q.is_description() && q.points != 1.0 {
        let _ = writeln!(
            out,
            "// Worth {} points in Lentera; a GIFT question is worth 1.",
            q.points
        );
    }
    if let QuestionKind::ShortAnswer {
        case_sensitive: true,
        ..
    } = q.kind
    {
        out.push_str("// Case-sensitive in Lentera; GIFT short answers ignore case.\n");
    }
    let (prompt, format) = rich(&q.prompt, Format::Moodle);
    let _ = write!(out, "::{}::{prompt}", escape(&q.id));
    match &q.kind {
        QuestionKind::Description => out.push('\n'),
        QuestionKind::Essay => {
            out.push('{');
            general_feedback(out, q, format, "");
            out.push_str("}\n");
        }
        QuestionKind::TrueFalse {
            answer,
            feedback_true,
            feedback_false,
        } => {
            let (right, wrong) = if *answer {
                (feedback_true, feedback_false)
            } else {
                (feedback_false, feedback_true)
            };
            let text = |f: &Option<String>| {
                f.as_deref()
                    .filter(|f| !f.trim().is_empty())
                    .map(|f| rich(f, format).0)
            };
            let _ = write!(out, "{{{}", if *answer { "TRUE" } else { "FALSE" });
            match (text(wrong), text(right)) {
                (Some(w), Some(r)) => {
                    let _ = write!(out, "#{w}#{r}");
                }
                (Some(w), None) => {
                    let _ = write!(out, "#{w}");
                }
                (None, Some(r)) => {
                    let _ = write!(out, "##{r}");
                }
                (None, None) => {}
            }
            general_feedback(out, q, format, "");
            out.push_str("}\n");
        }
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            let single = matches!(q.kind, QuestionKind::SingleChoice { .. });
            // Only a `~` makes answers a choice question (else it reads as short answers): with
            // every answer worth 100, the last is written `~%100%`.
            let all_right = options.iter().all(|o| o.weight == 100.0);
            out.push_str("{\n");
            for (i, o) in options.iter().enumerate() {
                let last = i + 1 == options.len();
                let marker = if single && o.weight == 100.0 && !(all_right && last) {
                    "=".to_owned()
                } else if o.weight == 0.0 {
                    "~".to_owned()
                } else {
                    format!("~%{}%", o.weight)
                };
                let _ = write!(out, "\t{marker}{}", rich(&o.text, format).0);
                feedback(out, o.feedback.as_deref(), format);
                out.push('\n');
            }
            general_feedback(out, q, format, "\t");
            out.push_str("}\n");
        }
        QuestionKind::ShortAnswer { answers, .. } => {
            out.push_str("{\n");
            // A `->` among short answers would make them a matching question (in Moodle too):
            // in feedback it is written `-&gt;` (which shows the same), in an answer `-*>`
            // (the wildcard takes the `->` a learner types).
            for a in answers {
                let _ = write!(
                    out,
                    "\t=%{}%{}",
                    a.weight,
                    plain(&a.text).replace("->", "-*>")
                );
                let mut fb = String::new();
                feedback(&mut fb, a.feedback.as_deref(), format);
                out.push_str(&fb.replace("->", "-&gt;"));
                out.push('\n');
            }
            general_feedback(out, q, format, "\t");
            out.push_str("}\n");
        }
        QuestionKind::Numerical {
            answers,
            other_feedback,
        } => {
            out.push_str("{#\n");
            for a in answers {
                let _ = if a.min == a.max {
                    write!(out, "\t=%{}%{}", a.weight, a.min)
                } else {
                    write!(out, "\t=%{}%{}..{}", a.weight, a.min, a.max)
                };
                feedback(out, a.feedback.as_deref(), format);
                out.push('\n');
            }
            if let Some(fb) = other_feedback.as_deref().filter(|f| !f.trim().is_empty()) {
                let _ = writeln!(out, "\t~#{}", rich(fb, format).0);
            }
            general_feedback(out, q, format, "\t");
            out.push_str("}\n");
        }
        QuestionKind::Matching { pairs, distractors } => {
            out.push_str("{\n");
            let right = |md: &str| {
                plain(&literal_from_markdown(md.trim()).unwrap_or_else(|| md.to_owned()))
            };
            for p in pairs {
                // Moodle splits a pair at its first `->`.
                let left = rich(&p.left, format).0.replace("->", "-&gt;");
                let _ = writeln!(out, "\t={left} -> {}", right(&p.right));
            }
            for d in distractors {
                let _ = writeln!(out, "\t= -> {}", right(d));
            }
            general_feedback(out, q, format, "\t");
            out.push_str("}\n");
        }
        QuestionKind::Ordering { .. } => {}
    }
    out.push('\n');
}

/// The name of a GIFT `[name]` tag; `Literal` has none and reads as `plain` without the
/// non-breaking spaces.
fn format_name(format: Format) -> &'static str {
    match format {
        Format::Moodle => "moodle",
        Format::Html => "html",
        Format::Plain | Format::Literal => "plain",
        Format::Markdown => "markdown",
    }
}

/// A text and a format that [`to_markdown`] turns into `md` again, for writing GIFT: `None` as
/// the format when the text reads the same in every format. Markdown that is no raw HTML block
/// of ours stays Markdown.
pub(crate) fn from_markdown(md: &str) -> (Option<Format>, String) {
    if is_plain(md) {
        return (None, md.to_owned());
    }
    for html in [block_inner(md), Some(md)].into_iter().flatten() {
        if to_markdown(html, Format::Html) == md {
            return (Some(Format::Html), html.to_owned());
        }
    }
    (Some(Format::Markdown), md.to_owned())
}

/// The plain text that [`to_markdown`] in `Literal` turns into `md`, if there is one.
pub(crate) fn literal_from_markdown(md: &str) -> Option<String> {
    if is_plain(md) {
        return Some(md.to_owned());
    }
    let raw = block_inner(md)?
        .replace("<br />\n", "\n")
        .replace("&#10;", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    (to_markdown(&raw, Format::Literal) == md).then_some(raw)
}

/// What stands between `<p>\n` (or `<div>\n`) and `\n</p>` (or `\n</div>`).
fn block_inner(md: &str) -> Option<&str> {
    ["p", "div"].iter().find_map(|tag| {
        md.strip_prefix(&format!("<{tag}>\n"))?
            .strip_suffix(&format!("\n</{tag}>"))
    })
}
