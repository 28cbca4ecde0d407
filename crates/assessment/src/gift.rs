//! Reader for Moodle's GIFT question format, so question banks exported from Moodle (or written
//! by hand for it) can be used as Lentera quizzes.
//!
//! We follow Moodle's own importer (question/format/gift/format.php, `qformat_gift::readquestion`)
//! in what a construct means, and show texts as Moodle shows them (see [`crate::text`]). We differ
//! only where Moodle quietly imports something the author can hardly have meant (a second answer
//! block, an unclosed weight, `=%50%` in a choice question, short-answer text without `=`). Those
//! become problems with a line and column, all reported at once.

use std::collections::HashMap;

use crate::lines::LineIndex;
use crate::model::{ChoiceOption, MatchPair, NumericAnswer, Question, QuestionKind, TextAnswer};
use crate::parse::{MAX_QUESTIONS, Problem, too_many_questions_message};
use crate::text::{Format, to_markdown};

/// What replaces the answer block of a missing-word question, as in Moodle.
const BLANK: &str = "_____";

/// Weights are compared after summing fractions such as 3 × 33.33333.
const WEIGHT_SLACK: f64 = 0.01;

/// Parse a GIFT file into questions in file order, or report every problem found.
///
/// Ids are the slugified `::title::` when it is present and unique in the file, else `q1`, `q2`,
/// ... by position among the questions (`d1`, `d2`, ... among the descriptions). Every question
/// is worth 1 point: GIFT has no way to say otherwise. An item without an answer block is a
/// [`QuestionKind::Description`], worth nothing.
pub fn parse_gift(src: &str) -> Result<Vec<Question>, Vec<Problem>> {
    let mut ctx = Ctx {
        lines: LineIndex::new(src),
        problems: Vec::new(),
    };
    let mut parsed = Vec::new();
    // `$CATEGORY:` sets the group of every question after it, until the next one.
    let mut group = None;
    let mut questions = 0;
    for block in blocks(src) {
        if !category_only(&block) {
            if questions == MAX_QUESTIONS {
                let (message, pesan) = too_many_questions_message();
                ctx.report(block.at, message, pesan);
                break;
            }
            questions += 1;
        }
        if let Some(mut q) = parse_block(&mut ctx, &block, &mut group) {
            // A description is shown wherever it stands; no draw rule picks it.
            if !q.1.is_description() {
                q.1.group.clone_from(&group);
            }
            parsed.push(q);
        }
    }
    if !parsed.iter().any(|(_, q)| !q.is_description()) && ctx.problems.is_empty() {
        ctx.report(
            0,
            "the file has no questions",
            "berkas ini tidak berisi soal",
        );
    }
    if !ctx.problems.is_empty() {
        ctx.problems.sort_by_key(|p| (p.line, p.column));
        return Err(ctx.problems);
    }
    let ids = assign_ids(
        parsed
            .iter()
            .map(|(title, q)| (title.as_deref(), q.is_description())),
    );
    Ok(parsed
        .into_iter()
        .zip(ids)
        .map(|((_, mut q), id)| {
            q.id = id;
            q
        })
        .collect())
}

struct Ctx<'s> {
    lines: LineIndex<'s>,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    /// `message` is English, `pesan` the same in Bahasa Indonesia.
    fn report(&mut self, at: usize, message: impl Into<String>, pesan: impl Into<String>) {
        let (line, column) = self.lines.line_col(at);
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
            pesan: pesan.into(),
        });
    }
}

/// One character of a question after escapes are decoded, with its byte offset in the file.
/// `escaped` characters are always literal text, never GIFT syntax.
#[derive(Debug, Clone, Copy)]
struct Ch {
    c: char,
    at: usize,
    escaped: bool,
}

/// The lines of one question (blank lines separate questions) joined with `\n`, comment lines
/// left out. As in Moodle's `readquestion`, a line keeps its indentation (it matters inside
/// `<pre>`); only the question as a whole and each of its parts are trimmed.
struct Block {
    chars: Vec<Ch>,
    at: usize,
}

fn blocks(src: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur: Vec<Ch> = Vec::new();
    let mut offset = 0;
    let finish = |cur: &mut Vec<Ch>, out: &mut Vec<Block>| {
        // Leading white space is never part of the question; trailing white space is trimmed
        // line by line.
        let first = cur
            .iter()
            .position(|c| c.escaped || !c.c.is_whitespace())
            .unwrap_or(cur.len());
        if first < cur.len() {
            let chars = cur.split_off(first);
            out.push(Block {
                at: chars[0].at,
                chars,
            });
        }
        cur.clear();
    };
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        // A byte-order mark only ever starts the file, and editors on Windows like to add one.
        let body = line.trim_start_matches('\u{feff}');
        let lead = line.len() - body.len();
        let body = body.trim_end();
        let trimmed = body.trim_start();
        if trimmed.is_empty() {
            finish(&mut cur, &mut out);
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        if !cur.is_empty() {
            cur.push(Ch {
                c: '\n',
                at: start.saturating_sub(1),
                escaped: false,
            });
        }
        decode(body, start + lead, &mut cur);
    }
    finish(&mut cur, &mut out);
    out
}

/// Decodes GIFT escapes: `\~ \= \# \{ \} \:` are the literal character, `\n` a line break and
/// `\\` one backslash (as in Moodle). Any other backslash is kept as written.
fn decode(line: &str, base: usize, out: &mut Vec<Ch>) {
    let mut it = line.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\\'
            && let Some(&(_, next)) = it.peek()
        {
            let decoded = match next {
                '\\' | '~' | '=' | '#' | '{' | '}' | ':' => Some(next),
                'n' => Some('\n'),
                _ => None,
            };
            if let Some(d) = decoded {
                it.next();
                out.push(Ch {
                    c: d,
                    at: base + i,
                    escaped: true,
                });
                continue;
            }
        }
        out.push(Ch {
            c,
            at: base + i,
            escaped: false,
        });
    }
}

fn is(ch: &Ch, c: char) -> bool {
    !ch.escaped && ch.c == c
}

fn matches_at(s: &[Ch], i: usize, pat: &str) -> bool {
    pat.chars()
        .enumerate()
        .all(|(k, c)| s.get(i + k).is_some_and(|ch| is(ch, c)))
}

/// First unescaped occurrence of `pat`.
fn find(s: &[Ch], pat: &str) -> Option<usize> {
    (0..s.len()).find(|&i| matches_at(s, i, pat))
}

/// Last unescaped occurrence of `pat`.
fn rfind(s: &[Ch], pat: &str) -> Option<usize> {
    (0..s.len()).rev().find(|&i| matches_at(s, i, pat))
}

fn trim(s: &[Ch]) -> &[Ch] {
    let start = s
        .iter()
        .position(|c| c.escaped || !c.c.is_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| c.escaped || !c.c.is_whitespace())
        .map_or(start, |i| i + 1);
    &s[start..end]
}

fn string(s: &[Ch]) -> String {
    s.iter().map(|c| c.c).collect()
}

/// A part's format and text: trimmed, its leading `[format]` tag taken off (an unknown tag is
/// text), trimmed again, as Moodle's `parse_text_with_format` does; `default` without a tag.
fn formatted(s: &[Ch], default: Format) -> (Format, String) {
    let t = string(trim(s));
    let t = t.trim();
    if let Some(rest) = t.strip_prefix('[')
        && let Some((name, after)) = rest.split_once(']')
        && let Some(format) = Format::from_name(name)
    {
        (format, after.trim().to_owned())
    } else {
        (default, t.to_owned())
    }
}

/// A part shown to learners, as the Markdown that shows it as Moodle does.
fn rich(s: &[Ch], default: Format) -> String {
    let (format, text) = formatted(s, default);
    to_markdown(&text, format)
}

/// A part compared with what learners type (a short answer): its text without the format tag.
fn raw(s: &[Ch]) -> String {
    formatted(s, Format::Plain).1
}

/// Where a part starts, for messages; `fallback` when it is empty.
fn at(s: &[Ch], fallback: usize) -> usize {
    s.first().map_or(fallback, |c| c.at)
}

/// One answer of an answer block: the marker (`=`, `~`) that opened it, where, and what follows.
struct Piece<'a> {
    mark: char,
    at: usize,
    body: &'a [Ch],
}

/// Splits at every unescaped marker; the first return value is the text before the first one.
fn split_marked<'a>(s: &'a [Ch], marks: &[char]) -> (&'a [Ch], Vec<Piece<'a>>) {
    let is_mark = |c: &Ch| !c.escaped && marks.contains(&c.c);
    let first = s.iter().position(is_mark).unwrap_or(s.len());
    let mut pieces = Vec::new();
    let mut i = first;
    while i < s.len() {
        let end = s[i + 1..]
            .iter()
            .position(is_mark)
            .map_or(s.len(), |k| i + 1 + k);
        pieces.push(Piece {
            mark: s[i].c,
            at: s[i].at,
            body: trim(&s[i + 1..end]),
        });
        i = end;
    }
    (trim(&s[..first]), pieces)
}

/// `text#feedback`, split at the first unescaped `#`.
fn split_feedback(s: &[Ch]) -> (&[Ch], Option<&[Ch]>) {
    match find(s, "#") {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

/// A leading `%50%` weight. `Ok(None)` when there is none; `Err` when it was reported.
fn weight<'a>(
    ctx: &mut Ctx<'_>,
    body: &'a [Ch],
    lo: f64,
    hi: f64,
) -> Result<(Option<f64>, &'a [Ch]), ()> {
    if !body.first().is_some_and(|c| is(c, '%')) {
        return Ok((None, body));
    }
    let start = body[0].at;
    let Some(close) = body[1..].iter().position(|c| is(c, '%')).map(|k| k + 1) else {
        // Moodle reads `~%s ...` as text; only something that looks like a number is a weight.
        if body.get(1).is_some_and(numberish) {
            ctx.report(
                start,
                "this weight has no closing `%`; write it like `~%50%answer`",
                "bobot ini tidak punya `%` penutup; tulis seperti `~%50%jawaban`",
            );
            return Err(());
        }
        return Ok((None, body));
    };
    let raw = string(&body[1..close]);
    let Some(w) = raw.trim().parse::<f64>().ok().filter(|w| w.is_finite()) else {
        ctx.report(
            start,
            format!("the weight `%{raw}%` is not a number; write it like `%50%` or `%-25%`"),
            format!("bobot `%{raw}%` bukan angka; tulis seperti `%50%` atau `%-25%`"),
        );
        return Err(());
    };
    if !(lo..=hi).contains(&w) {
        ctx.report(
            start,
            format!("the weight `%{raw}%` must be between {lo} and {hi}"),
            format!("bobot `%{raw}%` harus antara {lo} dan {hi}"),
        );
        return Err(());
    }
    Ok((Some(w), &body[close + 1..]))
}

/// Whether a character after `%` starts what the author meant as a weight.
fn numberish(c: &Ch) -> bool {
    c.c.is_ascii_digit() || c.c == '-' || c.c == '.'
}

/// The group named by a `$CATEGORY:` path. Moodle writes paths like `$course$/top/Bencana/Gempa`;
/// the context and the `top` every Moodle tree starts with say nothing to our authors, so they
/// are dropped and `Bencana/Gempa` is the group. `None` for the top category itself.
fn category_group(path: &str) -> Option<String> {
    let mut p = path.trim();
    for context in ["$course$", "$system$", "$module$"] {
        if let Some(rest) = p.strip_prefix(context) {
            p = rest.strip_prefix('/').unwrap_or(rest);
            break;
        }
    }
    p = match p.strip_prefix("top") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.trim_start_matches('/'),
        _ => p,
    };
    non_empty(p.trim().to_owned())
}

/// A block that is only a `$CATEGORY:` line, with no question under it.
fn category_only(block: &Block) -> bool {
    let chars = &block.chars;
    string(&chars[..chars.len().min(10)]) == "$CATEGORY:" && !chars.iter().any(|c| is(c, '\n'))
}

/// Parses one block: a `$CATEGORY:` line (which sets `group`) and/or one question with its
/// title.
fn parse_block(
    ctx: &mut Ctx<'_>,
    block: &Block,
    group: &mut Option<String>,
) -> Option<(Option<String>, Question)> {
    let mut chars: &[Ch] = &block.chars;
    let mut start = block.at;
    if string(&chars[..chars.len().min(10)]) == "$CATEGORY:" {
        let end = chars
            .iter()
            .position(|c| is(c, '\n'))
            .unwrap_or(chars.len());
        *group = category_group(&string(&chars[10..end]));
        // Moodle would swallow a question written right under the category line into the
        // category name; reading it as a question is what the author meant.
        let next = chars.iter().position(|c| is(c, '\n'))?;
        chars = trim(&chars[next + 1..]);
        start = at(chars, start);
        if chars.is_empty() {
            return None;
        }
    }
    let before = ctx.problems.len();
    let (title, rest) = if matches_at(chars, 0, "::") {
        match find(&chars[2..], "::") {
            Some(end) => (
                Some(string(&chars[2..2 + end]).trim().to_owned()),
                trim(&chars[4 + end..]),
            ),
            // Like Moodle: without a closing `::` there is no title, the rest is the question.
            None => (None, trim(&chars[2..])),
        }
    } else {
        (None, chars)
    };

    let open = find(rest, "{");
    let close = find(rest, "}");
    let (open, close) = match (open, close) {
        (None, None) => {
            // No answers: a description, a text shown between the questions (Moodle's
            // `$description`, questiontext = the whole text after the title).
            let prompt = rich(rest, Format::Moodle);
            if prompt.is_empty() {
                ctx.report(
                    start,
                    "this item has a title but no text; a question needs text and answers `{...}`, a description needs text",
                    "butir ini punya judul tetapi tidak punya teks; soal memerlukan teks dan jawaban `{...}`, deskripsi memerlukan teks",
                );
                return None;
            }
            return Some((
                title,
                Question {
                    id: String::new(),
                    kind: QuestionKind::Description,
                    points: 0.0,
                    prompt,
                    feedback: None,
                    group: None,
                },
            ));
        }
        (Some(o), None) => {
            ctx.report(
                rest[o].at,
                "this `{` is never closed; end the answers with `}` (a blank line inside the answers ends the question)", "`{` ini tidak pernah ditutup; akhiri jawaban dengan `}` (baris kosong di dalam jawaban mengakhiri soal)",
            );
            return None;
        }
        (None, Some(c)) => {
            ctx.report(
                rest[c].at,
                "this `}` has no `{` before it; write `\\}` for a literal brace",
                "`}` ini tidak didahului `{`; tulis `\\}` untuk kurung kurawal biasa",
            );
            return None;
        }
        (Some(o), Some(c)) if c < o => {
            ctx.report(
                rest[c].at,
                "this `}` comes before the `{` of the answers; write `\\}` for a literal brace", "`}` ini muncul sebelum `{` pembuka jawaban; tulis `\\}` untuk kurung kurawal biasa",
            );
            return None;
        }
        (Some(o), Some(c)) => (o, c),
    };
    for (i, ch) in rest.iter().enumerate() {
        if (is(ch, '{') && i != open) || (is(ch, '}') && i != close) {
            if i < close {
                let message = format!(
                    "a second `{}` inside the answers; write `\\{}` for a literal brace",
                    ch.c, ch.c
                );
                let pesan = format!(
                    "`{}` kedua di dalam jawaban; tulis `\\{}` untuk kurung kurawal biasa",
                    ch.c, ch.c
                );
                ctx.report(ch.at, message, pesan);
            } else {
                // One message is enough for a second answer block, however it was written.
                let message = format!(
                    "a question has only one answer block; write `\\{}` for a literal brace",
                    ch.c
                );
                let pesan = format!(
                    "satu soal hanya boleh punya satu blok jawaban; tulis `\\{}` untuk kurung kurawal biasa",
                    ch.c
                );
                ctx.report(ch.at, message, pesan);
                break;
            }
        }
    }

    let after = &rest[close + 1..];
    let mut prompt_chars: Vec<Ch> = rest[..open].to_vec();
    if !trim(after).is_empty() {
        // Missing word: the answers stand where the blank is.
        let at = rest[open].at;
        prompt_chars.extend(BLANK.chars().map(|c| Ch {
            c,
            at,
            escaped: true,
        }));
        prompt_chars.extend_from_slice(after);
    }
    // The question text's format is every other part's default, as in Moodle.
    let (format, prompt) = formatted(&prompt_chars, Format::Moodle);
    let prompt = to_markdown(&prompt, format);
    if prompt.is_empty() {
        ctx.report(
            start,
            "this question has no text before its answers",
            "soal ini tidak punya teks sebelum jawabannya",
        );
    }

    let mut inner = trim(&rest[open + 1..close]);
    let mut feedback = None;
    if let Some(gf) = rfind(inner, "####") {
        feedback = non_empty(rich(&inner[gf + 4..], format));
        inner = trim(&inner[..gf]);
    }
    let block_at = rest[open].at;
    let kind = if inner.is_empty() {
        Some(QuestionKind::Essay)
    } else if is(&inner[0], '#') {
        parse_numerical(ctx, &inner[1..], block_at, format)
    } else if find(inner, "~").is_some() {
        parse_choice(ctx, inner, block_at, format)
    } else if find(inner, "=").is_some() && find(inner, "->").is_some() {
        parse_matching(ctx, inner, block_at, format)
    } else if let Some(answer) = true_false(inner) {
        // `{T#for a wrong answer#for the right answer}`, as Moodle reads it.
        let parts = split_n(inner, '#', 3);
        let part = |i: usize| parts.get(i).map(|p| rich(p, format)).and_then(non_empty);
        let (wrong, right) = (part(1), part(2));
        let (feedback_true, feedback_false) = if answer {
            (right, wrong)
        } else {
            (wrong, right)
        };
        Some(QuestionKind::TrueFalse {
            answer,
            feedback_true,
            feedback_false,
        })
    } else {
        parse_short_answer(ctx, inner, block_at, format)
    };
    if ctx.problems.len() > before {
        return None;
    }
    Some((
        title,
        Question {
            id: String::new(),
            kind: kind?,
            points: 1.0,
            prompt,
            feedback,
            group: None,
        },
    ))
}

/// Splits at the first `n - 1` unescaped `sep`.
fn split_n(s: &[Ch], sep: char, n: usize) -> Vec<&[Ch]> {
    let mut out = Vec::new();
    let mut rest = s;
    while out.len() + 1 < n {
        match rest.iter().position(|c| is(c, sep)) {
            Some(i) => {
                out.push(&rest[..i]);
                rest = &rest[i + 1..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// `{T}`, `{TRUE}`, `{F}`, `{FALSE}`, optionally followed by `#feedback`; exact case like Moodle.
fn true_false(inner: &[Ch]) -> Option<bool> {
    let head = match find(inner, "#") {
        Some(i) if i > 0 => trim(&inner[..i]),
        _ => inner,
    };
    match string(head).as_str() {
        "T" | "TRUE" => Some(true),
        "F" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Option ids for choice questions: `a`..`z`, then `o27`, `o28`, ...
fn option_id(i: usize) -> String {
    match u8::try_from(i).ok().filter(|&i| i < 26) {
        Some(i) => char::from(b'a' + i).to_string(),
        None => format!("o{}", i + 1),
    }
}

/// Choice questions as Moodle reads them: with any `=` answer the learner picks one answer and
/// earns its weight (`=` is 100%, `~%50%` half, `~` nothing); without one, several answers may be
/// picked and their `~%..%` weights add up. Moodle checks the same when it saves the question
/// (question/type/multichoice/questiontype.php): a single-answer question needs an answer worth
/// 100%, the positive weights of a multiple-answer one must add up to 100%.
fn parse_choice(
    ctx: &mut Ctx<'_>,
    inner: &[Ch],
    block_at: usize,
    format: Format,
) -> Option<QuestionKind> {
    let (lead, pieces) = split_marked(inner, &['=', '~']);
    if !lead.is_empty() {
        ctx.report(
            at(lead, block_at),
            "each answer starts with `=` (right) or `~` (wrong); this text has neither",
            "setiap jawaban diawali `=` (benar) atau `~` (salah); teks ini tidak memakai keduanya",
        );
    }
    if pieces.len() < 2 {
        ctx.report(
            block_at,
            "a choice question needs at least 2 answers",
            "soal pilihan memerlukan paling sedikit 2 jawaban",
        );
    }
    let mut options = Vec::new();
    let mut bad_weight = false;
    let mut weighted = false;
    for p in &pieces {
        let (w, body) = if p.mark == '=' {
            if p.body.first().is_some_and(|c| is(c, '%')) && p.body.get(1).is_some_and(numberish) {
                ctx.report(
                    p.at,
                    "an `=` answer always earns 100%; for a weighted answer write `~%50%...`",
                    "jawaban `=` selalu bernilai 100%; untuk jawaban berbobot tulis `~%50%...`",
                );
            }
            (100.0, p.body)
        } else {
            match weight(ctx, p.body, -100.0, 100.0) {
                Ok((w, body)) => {
                    weighted |= w.is_some();
                    (w.unwrap_or(0.0), body)
                }
                Err(()) => {
                    bad_weight = true;
                    continue;
                }
            }
        };
        let (t, fb) = split_feedback(body);
        let text = rich(t, format);
        if text.is_empty() {
            ctx.report(p.at, "this answer is empty", "jawaban ini kosong");
        }
        options.push(ChoiceOption {
            id: option_id(options.len()),
            text,
            weight: w,
            feedback: fb.map(|f| rich(f, format)).and_then(non_empty),
        });
    }
    let single = pieces.iter().any(|p| p.mark == '=');
    if !single && !bad_weight && !options.is_empty() {
        let positive: f64 = options.iter().map(|o| o.weight).filter(|w| *w > 0.0).sum();
        if !weighted {
            ctx.report(
                block_at,
                "no answer is marked right; mark it with `=`, or give weights like `~%50%` for a multiple-choice question", "belum ada jawaban yang ditandai benar; tandai dengan `=`, atau beri bobot seperti `~%50%` untuk soal dengan beberapa jawaban benar",
            );
        } else if (positive - 100.0).abs() > WEIGHT_SLACK {
            ctx.report(
                block_at,
                format!("the positive weights add up to {positive}; they must add up to 100"),
                format!("jumlah bobot positif adalah {positive}; jumlahnya harus 100"),
            );
        }
    }
    Some(if single {
        QuestionKind::SingleChoice { options }
    } else {
        QuestionKind::MultipleChoice { options }
    })
}

fn parse_matching(
    ctx: &mut Ctx<'_>,
    inner: &[Ch],
    block_at: usize,
    format: Format,
) -> Option<QuestionKind> {
    let (lead, pieces) = split_marked(inner, &['=']);
    if !lead.is_empty() {
        ctx.report(
            at(lead, block_at),
            "each pair of a matching question starts with `=`, like `=left -> right`",
            "setiap pasangan pada soal menjodohkan diawali `=`, seperti `=kiri -> kanan`",
        );
    }
    let mut pairs = Vec::new();
    let mut distractors = Vec::new();
    for p in &pieces {
        let Some(arrow) = find(p.body, "->") else {
            ctx.report(
                p.at,
                "this pair has no `->`; write it like `=left -> right`",
                "pasangan ini tidak punya `->`; tulis seperti `=kiri -> kanan`",
            );
            continue;
        };
        let left = rich(&p.body[..arrow], format);
        // Moodle shows the right-hand items as plain text in a menu, with no format.
        let right = string(&p.body[arrow + 2..]).trim().to_owned();
        if right.is_empty() {
            ctx.report(
                p.at,
                "this pair has nothing after `->`",
                "pasangan ini tidak berisi apa pun sesudah `->`",
            );
        } else if left.is_empty() {
            // Moodle's way of writing an extra wrong right-hand item: `= -> distractor`.
            distractors.push(to_markdown(&right, Format::Literal));
        } else {
            pairs.push(MatchPair {
                left,
                right: to_markdown(&right, Format::Literal),
            });
        }
    }
    // Moodle's importer wants 2 entries and its editor 2 pairs; a lone pair is no question.
    if pairs.len() < 2 {
        ctx.report(
            block_at,
            format!(
                "a matching question needs at least 2 pairs like `=left -> right` (found {})",
                pairs.len()
            ), format!(
                "soal menjodohkan memerlukan paling sedikit 2 pasangan seperti `=kiri -> kanan` (ada {})",
                pairs.len()
            ),
        );
    }
    Some(QuestionKind::Matching { pairs, distractors })
}

/// Short answers as Moodle reads them: `=answer`, `=%50%answer` for partial credit, `#feedback`
/// after each; `*` in an answer stands for any text (so `=%0%*#...` catches every other answer).
fn parse_short_answer(
    ctx: &mut Ctx<'_>,
    inner: &[Ch],
    block_at: usize,
    format: Format,
) -> Option<QuestionKind> {
    let (lead, pieces) = split_marked(inner, &['=']);
    if !lead.is_empty() {
        // Moodle would take this as an accepted answer, but it is nearly always a typo for
        // {T}/{F} or a forgotten `=`.
        ctx.report(
            at(lead, block_at),
            "short answers start with `=`, like `{=BPBD =Badan Penanggulangan Bencana Daerah}`; true/false is `{T}` or `{F}`", "jawaban singkat diawali `=`, seperti `{=BPBD =Badan Penanggulangan Bencana Daerah}`; soal benar/salah ditulis `{T}` atau `{F}`",
        );
    }
    let mut answers = Vec::new();
    for p in &pieces {
        let Ok((w, body)) = weight(ctx, p.body, -100.0, 100.0) else {
            continue;
        };
        let (t, fb) = split_feedback(body);
        let text = raw(t);
        if text.is_empty() {
            ctx.report(p.at, "this answer is empty", "jawaban ini kosong");
            continue;
        }
        answers.push(TextAnswer {
            text,
            weight: w.unwrap_or(100.0),
            feedback: fb.map(|f| rich(f, format)).and_then(non_empty),
        });
    }
    if pieces.is_empty() && lead.is_empty() {
        ctx.report(
            block_at,
            "this answer block has no answers",
            "blok jawaban ini tidak berisi jawaban",
        );
    } else if !answers.is_empty() && !answers.iter().any(|a| a.weight >= 100.0) {
        ctx.report(
            block_at,
            "a short-answer question needs at least one answer worth 100% (an answer without `%..%` is)", "soal jawaban singkat memerlukan paling sedikit satu jawaban bernilai 100% (jawaban tanpa `%..%` bernilai 100%)",
        );
    }
    Some(QuestionKind::ShortAnswer {
        answers,
        case_sensitive: false,
    })
}

/// Numerical answers as Moodle reads them: after the `#`, answers `=value:tolerance`,
/// `=min..max` or `=value` (the first may leave out the `=`), each with an optional `%weight%` and
/// `#feedback`; from a `~` on, `~#feedback` for any other number (Moodle's `*` answer).
fn parse_numerical(
    ctx: &mut Ctx<'_>,
    body: &[Ch],
    block_at: usize,
    format: Format,
) -> Option<QuestionKind> {
    let (body, other_feedback) = match find(body, "~") {
        Some(i) => {
            let rest = &body[i + 1..];
            let feedback = find(rest, "#").map(|k| rich(&rest[k + 1..], format));
            (&body[..i], feedback.and_then(non_empty))
        }
        None => (body, None),
    };
    let (lead, mut pieces) = split_marked(body, &['=']);
    if !lead.is_empty() {
        // `{#3.5:0.1}`: the first answer needs no `=`.
        pieces.insert(
            0,
            Piece {
                mark: '#',
                at: at(lead, block_at),
                body: lead,
            },
        );
    }
    if pieces.is_empty() {
        ctx.report(
            block_at,
            "this numerical question has no answers; write it like `{#3.5:0.1}` or `{#1..5}`",
            "soal angka ini tidak punya jawaban; tulis seperti `{#3.5:0.1}` atau `{#1..5}`",
        );
    }
    let mut answers = Vec::new();
    for p in &pieces {
        let Ok((w, body)) = weight(ctx, p.body, 0.0, 100.0) else {
            continue;
        };
        let (t, fb) = split_feedback(body);
        let t = raw(t);
        if t.is_empty() {
            ctx.report(p.at, "this answer is empty", "jawaban ini kosong");
            continue;
        }
        let num = |s: &str| s.trim().parse::<f64>().ok().filter(|n| n.is_finite());
        let range = if let Some(i) = t.find("..").filter(|&i| i > 0) {
            num(&t[..i]).zip(num(&t[i + 2..]))
        } else if let Some(i) = t.find(':').filter(|&i| i > 0) {
            num(&t[..i])
                .zip(num(&t[i + 1..]))
                .map(|(v, tol)| (v - tol.abs(), v + tol.abs()))
        } else {
            num(&t).map(|v| (v, v))
        };
        match range {
            None => ctx.report(
                p.at,
                format!(
                    "`{t}` is not a number; write `3.5`, `3.5:0.1` (with a tolerance) or `1..5` (a range)"
                ), format!(
                    "`{t}` bukan angka; tulis `3.5`, `3.5:0.1` (dengan toleransi) atau `1..5` (rentang)"
                ),
            ),
            Some((min, max)) if min > max => ctx.report(
                p.at,
                format!("in `{t}` the lower end is larger than the upper end"), format!("pada `{t}` batas bawah lebih besar daripada batas atas"),
            ),
            Some((min, max)) => answers.push(NumericAnswer {
                min,
                max,
                weight: w.unwrap_or(100.0),
                feedback: fb.map(|f| rich(f, format)).and_then(non_empty),
            }),
        }
    }
    if !answers.is_empty() && !answers.iter().any(|a| a.weight >= 100.0) {
        ctx.report(
            block_at,
            "a numerical question needs at least one answer worth 100% (an answer without `%..%` is)", "soal angka memerlukan paling sedikit satu jawaban bernilai 100% (jawaban tanpa `%..%` bernilai 100%)",
        );
    }
    Some(QuestionKind::Numerical {
        answers,
        other_feedback,
    })
}

/// Lowercase ASCII letters, digits, `_` and single `-`; at most 80 characters.
fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(80);
    out.trim_end_matches('-').to_owned()
}

/// Slugified titles where they are unique, else `q{n}` by position among the questions and
/// `d{n}` among the descriptions (so a description added later renames no question). A title
/// that slugifies to a positional id (`q3`, `d2`) that another item takes is not used, so ids
/// never collide; when every item has its own title, any title is kept (a quiz written by
/// [`crate::to_gift`] keeps ids like `q16` wherever they stand).
///
/// Counted once and looked up, so 20,000 titled questions take as long per question as 20: an
/// item gives up its title at most once.
fn assign_ids<'t>(items: impl Iterator<Item = (Option<&'t str>, bool)>) -> Vec<String> {
    let items: Vec<(Option<String>, bool)> = items
        .map(|(t, description)| (t.map(slugify).filter(|s| !s.is_empty()), description))
        .collect();
    let mut positions = (0, 0);
    let positional: Vec<String> = items
        .iter()
        .map(|(_, description)| {
            if *description {
                positions.1 += 1;
                format!("d{}", positions.1)
            } else {
                positions.0 += 1;
                format!("q{}", positions.0)
            }
        })
        .collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for slug in items.iter().filter_map(|(s, _)| s.as_deref()) {
        *uses.entry(slug).or_default() += 1;
    }
    let mut titled: Vec<bool> = items
        .iter()
        .map(|(s, _)| s.as_deref().is_some_and(|s| uses.get(s) == Some(&1)))
        .collect();
    let by_title: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .filter(|(i, _)| titled[*i])
        .filter_map(|(i, (s, _))| Some((s.as_deref()?, i)))
        .collect();
    // Items taking their positional id, whose title (if any) an item titled like that id loses.
    let mut queue: Vec<usize> = (0..items.len()).filter(|&i| !titled[i]).collect();
    while let Some(i) = queue.pop() {
        if let Some(&j) = by_title.get(positional[i].as_str())
            && j != i
            && titled[j]
        {
            titled[j] = false;
            queue.push(j);
        }
    }
    items
        .into_iter()
        .zip(positional)
        .zip(titled)
        .map(|(((slug, _), position), titled)| match slug {
            Some(slug) if titled => slug,
            _ => position,
        })
        .collect()
}
