//! Reader for the Aiken format: the simplest single-choice format Moodle imports, and what many
//! question banks written in a word processor end up as.
//!
//! ```text
//! Siapa yang mengoordinasikan penanggulangan bencana di kabupaten?
//! A. BPBD
//! B) BMKG
//! ANSWER: A
//! ```
//!
//! Unlike Moodle, a question's text may run over several lines before its first option (they are
//! shown as lines), and `ANSWER:` may be written in any case; everything else is as Moodle's
//! importer (question/format/aiken/format.php) reads it, but every problem is reported at once
//! instead of skipping the question. Texts are plain text: Moodle escapes them
//! (`htmlspecialchars`), so `<b>` in an Aiken file shows as `<b>`, never as markup.

use crate::lines::LineIndex;
use crate::model::{ChoiceOption, Question, QuestionKind};
use crate::parse::{MAX_QUESTIONS, Problem, too_many_questions_message};
use crate::text::{Format, to_markdown};

/// Parse an Aiken file into single-choice questions with ids `q1`, `q2`, ... in file order.
pub fn parse_aiken(src: &str) -> Result<Vec<Question>, Vec<Problem>> {
    let mut problems = Vec::new();
    let lines = LineIndex::new(src);
    let mut report = |at: usize, message: String, pesan: String| {
        let (line, column) = lines.line_col(at);
        problems.push(Problem {
            line,
            column,
            message,
            pesan,
        });
    };
    let questions = read(src, &mut report);
    if questions.is_empty() && problems.is_empty() {
        return Err(vec![Problem {
            line: 1,
            column: 1,
            message: "the file has no questions".into(),
            pesan: "berkas ini tidak berisi soal".into(),
        }]);
    }
    if problems.is_empty() {
        Ok(questions)
    } else {
        problems.sort_by_key(|p| (p.line, p.column));
        Err(problems)
    }
}

/// Reads every question, reporting problems by byte offset through `report`, in English and
/// in Bahasa Indonesia.
fn read(src: &str, report: &mut dyn FnMut(usize, String, String)) -> Vec<Question> {
    let mut questions = Vec::new();
    let mut pending: Option<Pending> = None;
    // Questions begun so far, with or without problems, for the cap of MAX_QUESTIONS.
    let mut started = 0;
    let mut offset = 0;
    for raw in src.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let body = raw.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let at = start + raw.len() - body.len();
        let line = body.trim_end();
        if line.is_empty() {
            continue;
        }
        if let Some((label, text)) = option_line(line) {
            let Some(p) = pending.as_mut() else {
                report(
                    at,
                    format!("option {label} comes before any question text"),
                    format!("pilihan {label} muncul sebelum teks soal mana pun"),
                );
                continue;
            };
            let expected = char::from(b'A' + u8::try_from(p.options.len()).unwrap_or(25).min(25));
            if label != expected {
                report(
                    at,
                    format!(
                        "expected option {expected} here, found {label}; options go A, B, C, ... in order"
                    ),
                    format!(
                        "seharusnya pilihan {expected} di sini, tetapi tertulis {label}; pilihan diurutkan A, B, C, ..."
                    ),
                );
            }
            if text.is_empty() {
                report(
                    at,
                    format!("option {label} has no text"),
                    format!("pilihan {label} tidak berisi teks"),
                );
            }
            p.options.push((label, text.to_owned()));
        } else if let Some(rest) = answer_line(line) {
            let Some(p) = pending.take() else {
                report(
                    at,
                    "`ANSWER:` comes before any question text".into(),
                    "`ANSWER:` muncul sebelum teks soal mana pun".into(),
                );
                continue;
            };
            let letter = rest.trim().to_ascii_uppercase();
            let labels: Vec<String> = p.options.iter().map(|(l, _)| l.to_string()).collect();
            if p.options.len() < 2 {
                report(
                    p.at,
                    format!(
                        "this question needs at least 2 options (found {})",
                        p.options.len()
                    ),
                    format!(
                        "soal ini memerlukan paling sedikit 2 pilihan (ada {})",
                        p.options.len()
                    ),
                );
                continue;
            }
            let Some(right) = p
                .options
                .iter()
                .position(|(l, _)| letter.len() == 1 && letter.starts_with(*l))
            else {
                report(
                    at,
                    format!(
                        "`ANSWER: {}` must name one of the options ({}), like `ANSWER: A`",
                        rest.trim(),
                        labels.join(", ")
                    ),
                    format!(
                        "`ANSWER: {}` harus menyebut salah satu pilihan ({}), seperti `ANSWER: A`",
                        rest.trim(),
                        labels.join(", ")
                    ),
                );
                continue;
            };
            questions.push(Question {
                id: format!("q{}", questions.len() + 1),
                kind: QuestionKind::SingleChoice {
                    options: p
                        .options
                        .into_iter()
                        .enumerate()
                        .map(|(i, (label, text))| ChoiceOption {
                            id: label.to_ascii_lowercase().to_string(),
                            text: to_markdown(&text, Format::Literal),
                            weight: if i == right { 100.0 } else { 0.0 },
                            feedback: None,
                        })
                        .collect(),
                },
                points: 1.0,
                prompt: to_markdown(&p.prompt, Format::Literal),
                feedback: None,
                group: None,
            });
        } else {
            match pending.as_mut() {
                // More question text: it may take several lines before the first option.
                Some(p) if p.options.is_empty() => {
                    p.prompt.push('\n');
                    p.prompt.push_str(line);
                }
                Some(p) => {
                    report(
                        p.at,
                        "this question has no `ANSWER:` line after its options".into(),
                        "soal ini tidak punya baris `ANSWER:` sesudah pilihan-pilihannya".into(),
                    );
                    pending = None;
                }
                None => {}
            }
            if pending.is_none() {
                if started == MAX_QUESTIONS {
                    let (message, pesan) = too_many_questions_message();
                    report(at, message, pesan);
                    return questions;
                }
                started += 1;
                pending = Some(Pending::new(line, at));
            }
        }
    }
    if let Some(p) = pending {
        report(
            p.at,
            "this question has no `ANSWER:` line after its options".into(),
            "soal ini tidak punya baris `ANSWER:` sesudah pilihan-pilihannya".into(),
        );
    }
    questions
}

/// A question whose `ANSWER:` line has not been read yet.
struct Pending {
    prompt: String,
    /// Byte offset of the question's first line.
    at: usize,
    options: Vec<(char, String)>,
}

impl Pending {
    fn new(line: &str, at: usize) -> Self {
        Pending {
            prompt: line.to_owned(),
            at,
            options: Vec::new(),
        }
    }
}

/// `A. text`, `A) text` or `A)text`: a capital letter and `.` or `)`, the space after them
/// optional, as in Moodle's `/^[A-Z][).][ \t]?/`.
fn option_line(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let label = chars.next().filter(char::is_ascii_uppercase)?;
    chars.next().filter(|c| *c == '.' || *c == ')')?;
    Some((label, chars.as_str().trim()))
}

fn answer_line(line: &str) -> Option<&str> {
    let head = line.get(..7)?;
    head.eq_ignore_ascii_case("answer:").then(|| &line[7..])
}
