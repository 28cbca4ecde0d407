//! Learner responses: validation, grading and the answer key.
//!
//! Grading trusts nothing about the input: unknown ids simply score nothing, so a response that
//! skipped [`validate_response`] can never earn more than a valid one.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::layout::{IdRole, wire_ids};
use crate::model::{NumericAnswer, Question, QuestionKind, Quiz, TextAnswer};

/// Longest accepted `text`, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// One answer as submitted through the API.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResponseEntry {
    pub question: String,
    /// single/multiple choice, true_false (`["true"]` / `["false"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<String>>,
    /// short_answer, essay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// numerical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
    /// matching: `[left_id, right_id]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schema(value_type = Option<Vec<Vec<String>>>))]
    pub pairs: Option<Vec<[String; 2]>>,
    /// ordering: item ids in the learner's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionGrade {
    pub question: String,
    pub score: f64,
    pub max: f64,
    pub needs_review: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub questions: Vec<QuestionGrade>,
    pub score: f64,
    pub max_score: f64,
    pub percent: f64,
    pub pending_review: bool,
}

fn field_for(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice { .. }
        | QuestionKind::MultipleChoice { .. }
        | QuestionKind::TrueFalse { .. } => "choices",
        QuestionKind::ShortAnswer { .. } | QuestionKind::Essay => "text",
        QuestionKind::Numerical { .. } => "number",
        QuestionKind::Matching { .. } => "pairs",
        QuestionKind::Ordering { .. } => "order",
        QuestionKind::Description => "nothing",
    }
}

/// Check that an entry fits its question. `Err` carries a message for a 422 response.
pub fn validate_response(quiz: &Quiz, salt: &[u8], entry: &ResponseEntry) -> Result<(), String> {
    let q = find(quiz, &entry.question)
        .ok_or_else(|| format!("unknown question `{}`", entry.question))?;
    if q.is_description() {
        return Err(format!(
            "`{}` is a description, not a question; it takes no answer",
            q.id
        ));
    }
    let expected = field_for(&q.kind);
    let present = [
        ("choices", entry.choices.is_some()),
        ("text", entry.text.is_some()),
        ("number", entry.number.is_some()),
        ("pairs", entry.pairs.is_some()),
        ("order", entry.order.is_some()),
    ];
    for (name, is_set) in present {
        if is_set && name != expected {
            return Err(format!(
                "question `{}` takes `{expected}`, not `{name}`",
                q.id
            ));
        }
    }
    let missing = || format!("question `{}` needs `{expected}`", q.id);
    let known = |role: IdRole, ids: &[&String], what: &str| -> Result<(), String> {
        let valid = wire_ids(quiz, salt, q, role);
        let mut seen = HashSet::new();
        for id in ids {
            if !valid.contains(id) {
                return Err(format!("unknown {what} `{id}` for question `{}`", q.id));
            }
            if !seen.insert(*id) {
                return Err(format!(
                    "{what} `{id}` appears twice for question `{}`",
                    q.id
                ));
            }
        }
        Ok(())
    };
    match &q.kind {
        QuestionKind::SingleChoice { .. }
        | QuestionKind::MultipleChoice { .. }
        | QuestionKind::TrueFalse { .. } => {
            let choices = entry.choices.as_ref().ok_or_else(missing)?;
            let single = !matches!(q.kind, QuestionKind::MultipleChoice { .. });
            if single && choices.len() > 1 {
                return Err(format!("question `{}` accepts only one choice", q.id));
            }
            known(
                IdRole::Option,
                &choices.iter().collect::<Vec<_>>(),
                "option",
            )
        }
        QuestionKind::ShortAnswer { .. } | QuestionKind::Essay => {
            let text = entry.text.as_ref().ok_or_else(missing)?;
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(format!(
                    "the answer to question `{}` is longer than {MAX_TEXT_CHARS} characters",
                    q.id
                ));
            }
            Ok(())
        }
        QuestionKind::Numerical { .. } => match entry.number {
            Some(n) if n.is_finite() => Ok(()),
            Some(_) => Err(format!(
                "the answer to question `{}` must be a finite number",
                q.id
            )),
            None => Err(missing()),
        },
        QuestionKind::Matching { .. } => {
            let pairs = entry.pairs.as_ref().ok_or_else(missing)?;
            known(
                IdRole::Left,
                &pairs.iter().map(|p| &p[0]).collect::<Vec<_>>(),
                "left item",
            )?;
            // The same right item may serve several left items: it is a wrong answer, not malformed.
            let valid = wire_ids(quiz, salt, q, IdRole::Right);
            match pairs.iter().find(|p| !valid.contains(&p[1])) {
                Some(p) => Err(format!(
                    "unknown right item `{}` for question `{}`",
                    p[1], q.id
                )),
                None => Ok(()),
            }
        }
        QuestionKind::Ordering { items } => {
            let order = entry.order.as_ref().ok_or_else(missing)?;
            known(IdRole::Item, &order.iter().collect::<Vec<_>>(), "item")?;
            if !order.is_empty() && order.len() != items.len() {
                return Err(format!(
                    "`order` for question `{}` must list all {} items",
                    q.id,
                    items.len()
                ));
            }
            Ok(())
        }
        QuestionKind::Description => Ok(()),
    }
}

pub(crate) fn find<'q>(quiz: &'q Quiz, id: &str) -> Option<&'q Question> {
    quiz.questions.iter().find(|q| q.id == id)
}

/// Round to 4 decimals so sums of fractions like 1/3 compare and store stably.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A question's score: rounded, then kept within `0..=points`, because rounding alone could
/// lift full marks on a question worth e.g. 1.23456 points above its maximum.
fn question_score(earned: f64, points: f64) -> f64 {
    round4(earned).clamp(0.0, points.max(0.0))
}

/// Trim, collapse inner whitespace and (unless case-sensitive) lowercase.
pub(crate) fn normalize(s: &str, case_sensitive: bool) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if case_sensitive {
        collapsed
    } else {
        collapsed.to_lowercase()
    }
}

/// Whether `given` matches `pattern`, both [`normalize`]d: `*` stands for any run of characters
/// (none included) and `\*` for an asterisk, as in Moodle's
/// `qtype_shortanswer_question::compare_string_with_wildcard`. Time linear in both lengths: each
/// piece between stars is found at its leftmost place after the previous one.
pub(crate) fn wildcard_match(given: &str, pattern: &str) -> bool {
    let mut pieces = vec![String::new()];
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A run of stars is one wildcard: a new piece unless the last one just began.
            '*' if pieces.len() == 1 || pieces.last().is_some_and(|p| !p.is_empty()) => {
                pieces.push(String::new());
            }
            '*' => {}
            _ => {
                let literal = if c == '\\' && chars.peek() == Some(&'*') {
                    chars.next();
                    '*'
                } else {
                    c
                };
                if let Some(p) = pieces.last_mut() {
                    p.push(literal);
                }
            }
        }
    }
    let [first, middle @ .., last] = pieces.as_slice() else {
        return pieces.first().is_some_and(|p| p == given);
    };
    let Some(mut rest) = given.strip_prefix(first.as_str()) else {
        return false;
    };
    for piece in middle {
        match rest.find(piece.as_str()) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last.as_str())
}

/// The short answer that decides the grade of `typed`: of those matching it, the one worth the
/// most (the first of equals). `None` for an empty answer.
pub(crate) fn short_answer_match<'a>(
    answers: &'a [TextAnswer],
    typed: &str,
    case_sensitive: bool,
) -> Option<&'a TextAnswer> {
    let given = normalize(typed, case_sensitive);
    if given.is_empty() {
        return None;
    }
    best(
        answers
            .iter()
            .filter(|a| wildcard_match(&given, &normalize(&a.text, case_sensitive))),
        |a| a.weight,
    )
}

/// The numerical answer that decides the grade of `x`: of those whose range holds it, the one
/// worth the most (the first of equals).
pub(crate) fn numeric_match(answers: &[NumericAnswer], x: f64) -> Option<&NumericAnswer> {
    if !x.is_finite() {
        return None;
    }
    // Absorbs binary rounding such as 3.0 + 0.1 != 3.1 at the edge of a tolerance.
    let eps = 1e-9 * x.abs().max(1.0);
    best(
        answers
            .iter()
            .filter(|a| a.min - eps <= x && x <= a.max + eps),
        |a| a.weight,
    )
}

/// The first item with the highest `weight`.
fn best<T>(items: impl Iterator<Item = T>, weight: impl Fn(&T) -> f64) -> Option<T> {
    let mut top: Option<T> = None;
    for item in items {
        if top.as_ref().is_none_or(|t| weight(&item) > weight(t)) {
            top = Some(item);
        }
    }
    top
}

/// A short answer as a learner could type it: its text with every wildcard `*` left out (or `*`
/// when nothing else is left: a pattern of stars takes any answer).
pub(crate) fn without_wildcards(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push('*');
            }
            '*' => {}
            _ => out.push(c),
        }
    }
    if out.trim().is_empty() {
        return "*".into();
    }
    out
}

/// Author index of each wire id in `ids` (unknown ids give `None`).
fn indexes(ids: &[String], chosen: &[String]) -> Vec<Option<usize>> {
    chosen
        .iter()
        .map(|c| ids.iter().position(|i| i == c))
        .collect()
}

/// The earned fraction of a question's points, before clamping to `[0, 1]`.
fn fraction(quiz: &Quiz, salt: &[u8], q: &Question, r: &ResponseEntry) -> f64 {
    let empty = Vec::new();
    match &q.kind {
        QuestionKind::SingleChoice { options } => {
            let chosen = indexes(
                &wire_ids(quiz, salt, q, IdRole::Option),
                r.choices.as_ref().unwrap_or(&empty),
            );
            // Choosing several options of a single-choice question must not be a way to guess.
            match chosen.as_slice() {
                [Some(i)] => options.get(*i).map_or(0.0, |o| o.weight / 100.0),
                _ => 0.0,
            }
        }
        QuestionKind::MultipleChoice { options } => {
            let chosen: HashSet<usize> = indexes(
                &wire_ids(quiz, salt, q, IdRole::Option),
                r.choices.as_ref().unwrap_or(&empty),
            )
            .into_iter()
            .flatten()
            .collect();
            chosen
                .iter()
                .filter_map(|&i| options.get(i))
                .map(|o| o.weight)
                .sum::<f64>()
                / 100.0
        }
        QuestionKind::TrueFalse { answer, .. } => match r.choices.as_deref() {
            Some([c]) if c == if *answer { "true" } else { "false" } => 1.0,
            _ => 0.0,
        },
        QuestionKind::ShortAnswer {
            answers,
            case_sensitive,
        } => short_answer_match(answers, r.text.as_deref().unwrap_or(""), *case_sensitive)
            .map_or(0.0, |a| a.weight / 100.0),
        QuestionKind::Numerical { answers, .. } => r
            .number
            .and_then(|x| numeric_match(answers, x))
            .map_or(0.0, |a| a.weight / 100.0),
        QuestionKind::Matching { pairs, .. } => {
            let left = wire_ids(quiz, salt, q, IdRole::Left);
            let right = wire_ids(quiz, salt, q, IdRole::Right);
            // Later pairs for the same left item win, like later response entries do.
            let mut chosen = HashMap::new();
            for [l, rt] in r.pairs.as_ref().unwrap_or(&Vec::new()) {
                if let (Some(li), Some(ri)) = (
                    left.iter().position(|x| x == l),
                    right.iter().position(|x| x == rt),
                ) {
                    chosen.insert(li, ri);
                }
            }
            let correct = chosen.iter().filter(|(l, r)| l == r).count();
            if pairs.is_empty() {
                0.0
            } else {
                correct as f64 / pairs.len() as f64
            }
        }
        QuestionKind::Ordering { items } => {
            // Partial credit: the share of items in their correct absolute position; a fully
            // correct order therefore earns everything. Simple to explain to learners.
            let order = indexes(
                &wire_ids(quiz, salt, q, IdRole::Item),
                r.order.as_ref().unwrap_or(&empty),
            );
            let in_place = order
                .iter()
                .enumerate()
                .filter(|(pos, i)| **i == Some(*pos))
                .count();
            if items.is_empty() {
                0.0
            } else {
                in_place as f64 / items.len() as f64
            }
        }
        QuestionKind::Essay | QuestionKind::Description => 0.0,
    }
}

/// Grade responses; at most one entry per question counts (later ones win), missing = 0 points.
/// Essays score 0 and always need an instructor's review, so a quiz with an essay is
/// `pending_review` until someone grades it (see [`grade_with_manual`]). Descriptions are not
/// questions: they have no entry in the grade.
///
/// For a quiz with draw rules, grade against [`Quiz::for_layout`] so questions the attempt did
/// not show do not count.
pub fn grade(quiz: &Quiz, salt: &[u8], responses: &[ResponseEntry]) -> Grade {
    grade_with_manual(quiz, salt, responses, &HashMap::new())
}

/// Like [`grade`], with instructors' scores for essays: `manual` maps a question id to points.
/// An essay with a finite manual score earns it (clamped to `0..=points`) and no longer needs
/// review, whether the learner answered it or not. Manual scores for other kinds are ignored:
/// those are graded automatically.
pub fn grade_with_manual(
    quiz: &Quiz,
    salt: &[u8],
    responses: &[ResponseEntry],
    manual: &HashMap<String, f64>,
) -> Grade {
    let latest: HashMap<&str, &ResponseEntry> =
        responses.iter().map(|r| (r.question.as_str(), r)).collect();
    let questions: Vec<QuestionGrade> = quiz
        .questions
        .iter()
        .filter(|q| !q.is_description())
        .map(|q| {
            if matches!(q.kind, QuestionKind::Essay) {
                let given = manual.get(&q.id).copied().filter(|s| s.is_finite());
                return QuestionGrade {
                    question: q.id.clone(),
                    score: given.map_or(0.0, |s| question_score(s, q.points)),
                    max: q.points,
                    needs_review: given.is_none(),
                };
            }
            let frac = latest
                .get(q.id.as_str())
                .map_or(0.0, |r| fraction(quiz, salt, q, r));
            QuestionGrade {
                question: q.id.clone(),
                score: question_score(q.points * frac.clamp(0.0, 1.0), q.points),
                max: q.points,
                needs_review: false,
            }
        })
        .collect();
    let score = round4(questions.iter().map(|g| g.score).sum());
    let max_score = round4(quiz.max_score());
    let percent = if max_score > 0.0 {
        round4(100.0 * score / max_score)
    } else {
        0.0
    };
    let pending_review = questions.iter().any(|g| g.needs_review);
    Grade {
        questions,
        score,
        max_score,
        percent,
        pending_review,
    }
}

/// `percent >= pass_percent` and nothing waits for an instructor.
pub fn passed(quiz: &Quiz, grade: &Grade) -> bool {
    grade.percent >= quiz.pass_percent && !grade.pending_review
}

/// The full-mark response for every question, in the submit shape; essays get a placeholder.
/// Descriptions take no answer and have none.
pub fn answer_key(quiz: &Quiz, salt: &[u8]) -> Vec<ResponseEntry> {
    quiz.questions
        .iter()
        .filter(|q| !q.is_description())
        .map(|q| {
            let mut e = ResponseEntry {
                question: q.id.clone(),
                ..ResponseEntry::default()
            };
            match &q.kind {
                QuestionKind::SingleChoice { options } => {
                    let ids = wire_ids(quiz, salt, q, IdRole::Option);
                    let top = best(options.iter().zip(&ids), |(o, _)| o.weight);
                    e.choices = Some(top.map(|(_, id)| id.clone()).into_iter().collect());
                }
                QuestionKind::MultipleChoice { options } => {
                    let ids = wire_ids(quiz, salt, q, IdRole::Option);
                    let good = options
                        .iter()
                        .zip(ids)
                        .filter(|(o, _)| o.weight > 0.0)
                        .map(|(_, id)| id);
                    e.choices = Some(good.collect());
                }
                QuestionKind::TrueFalse { answer, .. } => {
                    e.choices = Some(vec![answer.to_string()])
                }
                QuestionKind::ShortAnswer { answers, .. } => {
                    e.text = best(answers.iter(), |a| a.weight).map(|a| without_wildcards(&a.text));
                }
                QuestionKind::Numerical { answers, .. } => {
                    let best = answers.iter().max_by(|a, b| a.weight.total_cmp(&b.weight));
                    e.number = best.map(|a| (a.min + a.max) / 2.0);
                }
                QuestionKind::Matching { pairs, .. } => {
                    let left = wire_ids(quiz, salt, q, IdRole::Left);
                    let right = wire_ids(quiz, salt, q, IdRole::Right);
                    e.pairs = Some(
                        left.into_iter()
                            .zip(right)
                            .take(pairs.len())
                            .map(|(l, r)| [l, r])
                            .collect(),
                    );
                }
                QuestionKind::Ordering { .. } => {
                    e.order = Some(wire_ids(quiz, salt, q, IdRole::Item))
                }
                QuestionKind::Essay => e.text = Some("(essay answer)".into()),
                QuestionKind::Description => {}
            }
            e
        })
        .collect()
}
