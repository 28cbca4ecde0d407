//! What a learner sees after submitting an attempt: their own answers and scores and, when the
//! quiz's review policy allows it, the right answers and the general feedback.
//!
//! The caller decides `show_correct` from [`crate::ReviewPolicy`]; this module makes sure that
//! when it is false, nothing in the result tells right from wrong beyond the learner's score.

use std::collections::HashMap;

use serde::Serialize;

use crate::grade::{Grade, ResponseEntry, numeric_match, short_answer_match};
use crate::layout::{AttemptLayout, IdRole, QuestionLayout, wire_ids};
use crate::model::{Question, QuestionKind, QuestionType, Quiz};

/// How true and false are named to learners, as in [`crate::public_questions`].
pub(crate) const TRUE_TEXT: &str = "Benar";
pub(crate) const FALSE_TEXT: &str = "Salah";

/// An answer in text form. Two lists because they need different handling when rendered.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct AnswerView {
    /// Texts that come from the quiz (option texts, matching pairs as `left → right`, ordering
    /// items): HTML, already sanitised when the quiz went through [`Quiz::map_text`].
    pub html: Vec<String>,
    /// Plain text (what the learner typed, numbers, accepted short answers, true/false): must be
    /// escaped when rendered.
    pub text: Vec<String>,
    /// A matching answer as pairs `[left, right]` (HTML, as in `html`), so that a page can show
    /// each pair as one unit whatever block elements its texts hold; empty for other kinds.
    #[cfg_attr(feature = "schema", schema(value_type = Vec<Vec<String>>))]
    pub pairs: Vec<[String; 2]>,
}

/// One question of a submitted attempt, for the learner. A description (`kind =
/// "description"`) is shown in its place with its `prompt_html` only: points and score 0, no
/// answer, no feedback, never `needs_review`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ReviewQuestion {
    pub id: String,
    pub kind: QuestionType,
    pub prompt_html: String,
    pub points: f64,
    pub score: f64,
    pub needs_review: bool,
    /// The learner's answer; empty lists when they did not answer.
    pub answer: AnswerView,
    /// The feedback (HTML) written for what the learner answered: the options they chose, in
    /// display order; the short or numerical answer their answer matched (or, for a number that
    /// matched none, the feedback for any other number); their true/false choice.
    pub chosen_feedback_html: Vec<String>,
    /// The right answer, only when the review shows it (never for essays).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct: Option<AnswerView>,
    /// The question's general feedback, only when the review shows right answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback_html: Option<String>,
}

/// The review of an attempt, in the layout's order. Questions the layout names but the quiz no
/// longer has are skipped; scores come from `grade` (0 when it does not list the question).
pub fn review(
    quiz: &Quiz,
    layout: &AttemptLayout,
    salt: &[u8],
    responses: &[ResponseEntry],
    grade: &Grade,
    show_correct: bool,
) -> Vec<ReviewQuestion> {
    let latest: HashMap<&str, &ResponseEntry> =
        responses.iter().map(|r| (r.question.as_str(), r)).collect();
    layout
        .questions
        .iter()
        .filter_map(|ql| {
            let q = quiz.questions.iter().find(|q| q.id == ql.question)?;
            let g = grade.questions.iter().find(|g| g.question == q.id);
            let (answer, chosen_feedback_html) =
                learner_answer(quiz, salt, q, ql, latest.get(q.id.as_str()).copied());
            Some(ReviewQuestion {
                id: q.id.clone(),
                kind: q.kind.question_type(),
                prompt_html: q.prompt.clone(),
                points: q.points,
                score: g.map_or(0.0, |g| g.score),
                needs_review: g.is_some_and(|g| g.needs_review),
                answer,
                chosen_feedback_html,
                correct: if show_correct {
                    correct_answer(q, ql)
                } else {
                    None
                },
                feedback_html: if show_correct {
                    q.feedback.clone()
                } else {
                    None
                },
            })
        })
        .collect()
}

/// A number as people write it: no binary noise like 3.4000000000000004.
pub(crate) fn number_text(x: f64) -> String {
    let rounded = (x * 1e9).round() / 1e9;
    format!("{rounded}")
}

/// Author indexes of the wire ids in `chosen` that exist, without repeats, in `chosen`'s order.
fn chosen_indexes(ids: &[String], chosen: &[String]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for c in chosen {
        if let Some(i) = ids.iter().position(|id| id == c)
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    out
}

fn learner_answer(
    quiz: &Quiz,
    salt: &[u8],
    q: &Question,
    ql: &QuestionLayout,
    r: Option<&ResponseEntry>,
) -> (AnswerView, Vec<String>) {
    let mut view = AnswerView::default();
    let mut feedback = Vec::new();
    let Some(r) = r else {
        return (view, feedback);
    };
    let empty = Vec::new();
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            let ids = wire_ids(quiz, salt, q, IdRole::Option);
            let chosen = chosen_indexes(&ids, r.choices.as_ref().unwrap_or(&empty));
            // Display order, which is the order the learner saw them in.
            for i in ql.options.iter().filter(|i| chosen.contains(i)) {
                if let Some(o) = options.get(*i) {
                    view.html.push(o.text.clone());
                    feedback.extend(o.feedback.clone());
                }
            }
        }
        QuestionKind::TrueFalse {
            feedback_true,
            feedback_false,
            ..
        } => match r.choices.as_deref() {
            Some([c]) if c == "true" => {
                view.text.push(TRUE_TEXT.into());
                feedback.extend(feedback_true.clone());
            }
            Some([c]) if c == "false" => {
                view.text.push(FALSE_TEXT.into());
                feedback.extend(feedback_false.clone());
            }
            _ => {}
        },
        QuestionKind::ShortAnswer {
            answers,
            case_sensitive,
        } => {
            let typed = r.text.as_deref().unwrap_or("");
            if let Some(a) = short_answer_match(answers, typed, *case_sensitive) {
                feedback.extend(a.feedback.clone());
            }
            view.text
                .extend(r.text.clone().filter(|t| !t.trim().is_empty()));
        }
        QuestionKind::Essay => {
            view.text
                .extend(r.text.clone().filter(|t| !t.trim().is_empty()));
        }
        QuestionKind::Numerical {
            answers,
            other_feedback,
        } => {
            if let Some(x) = r.number.filter(|n| n.is_finite()) {
                match numeric_match(answers, x) {
                    Some(a) => feedback.extend(a.feedback.clone()),
                    None => feedback.extend(other_feedback.clone()),
                }
                view.text.push(number_text(x));
            }
        }
        QuestionKind::Matching { pairs, distractors } => {
            let left = wire_ids(quiz, salt, q, IdRole::Left);
            let right = wire_ids(quiz, salt, q, IdRole::Right);
            // Later pairs for the same left item win, as in grading.
            let mut chosen: HashMap<usize, usize> = HashMap::new();
            for [l, rt] in r.pairs.as_ref().unwrap_or(&Vec::new()) {
                if let (Some(li), Some(ri)) = (
                    left.iter().position(|x| x == l),
                    right.iter().position(|x| x == rt),
                ) {
                    chosen.insert(li, ri);
                }
            }
            for li in &ql.options {
                let Some(ri) = chosen.get(li) else { continue };
                let right_text = match pairs.get(*ri) {
                    Some(p) => Some(&p.right),
                    None => distractors.get(ri - pairs.len()),
                };
                if let (Some(p), Some(rt)) = (pairs.get(*li), right_text) {
                    view.html.push(format!("{} → {rt}", p.left));
                    view.pairs.push([p.left.clone(), rt.clone()]);
                }
            }
        }
        QuestionKind::Ordering { items } => {
            let ids = wire_ids(quiz, salt, q, IdRole::Item);
            for i in chosen_indexes(&ids, r.order.as_ref().unwrap_or(&empty)) {
                view.html.extend(items.get(i).cloned());
            }
        }
        QuestionKind::Description => {}
    }
    (view, feedback)
}

fn correct_answer(q: &Question, ql: &QuestionLayout) -> Option<AnswerView> {
    let mut view = AnswerView::default();
    match &q.kind {
        // The options worth everything of a single-choice question (not those giving partial
        // credit); every option worth something of a multiple-choice one.
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            let single = matches!(q.kind, QuestionKind::SingleChoice { .. });
            view.html = ql
                .options
                .iter()
                .filter_map(|&i| options.get(i))
                .filter(|o| {
                    if single {
                        o.weight >= 100.0
                    } else {
                        o.weight > 0.0
                    }
                })
                .map(|o| o.text.clone())
                .collect();
        }
        QuestionKind::TrueFalse { answer, .. } => {
            view.text
                .push(if *answer { TRUE_TEXT } else { FALSE_TEXT }.into());
        }
        QuestionKind::ShortAnswer { answers, .. } => {
            view.text = answers
                .iter()
                .filter(|a| a.weight >= 100.0)
                .map(|a| a.text.replace("\\*", "*"))
                .collect();
        }
        QuestionKind::Numerical { answers, .. } => {
            view.text = answers
                .iter()
                .filter(|a| a.weight >= 100.0)
                .map(|a| {
                    if a.min == a.max {
                        number_text(a.min)
                    } else {
                        format!("{} – {}", number_text(a.min), number_text(a.max))
                    }
                })
                .collect();
        }
        QuestionKind::Matching { pairs, .. } => {
            // In the order the left-hand items were shown.
            let shown: Vec<_> = ql.options.iter().filter_map(|&i| pairs.get(i)).collect();
            view.html = shown
                .iter()
                .map(|p| format!("{} → {}", p.left, p.right))
                .collect();
            view.pairs = shown
                .iter()
                .map(|p| [p.left.clone(), p.right.clone()])
                .collect();
        }
        QuestionKind::Ordering { items } => view.html = items.clone(),
        QuestionKind::Essay | QuestionKind::Description => return None,
    }
    Some(view)
}
