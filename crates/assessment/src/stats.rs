//! Quiz statistics for instructors, after Moodle's quiz statistics report: how hard each question
//! was (facility), how much its scores spread, and whether it tells strong learners from weak
//! ones (discrimination), plus how often each option was chosen.
//!
//! This is instructor-only data: option counts carry the options' weights.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::grade::{Grade, ResponseEntry, normalize, passed, round4};
use crate::layout::{AttemptLayout, IdRole, wire_ids};
use crate::model::{Question, QuestionKind, QuestionType, Quiz};
use crate::review::{FALSE_TEXT, TRUE_TEXT, number_text};

/// How many distinct typed responses are listed per short-answer or numerical question.
pub const TOP_RESPONSES: usize = 10;

/// One submitted attempt, as the server stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptRecord {
    pub layout: AttemptLayout,
    pub responses: Vec<ResponseEntry>,
    pub grade: Grade,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuizStatistics {
    pub attempts: usize,
    /// Mean of the attempts' percentages; `None` without attempts.
    pub average_percent: Option<f64>,
    /// Percent of attempts that passed (see [`crate::passed`]: attempts waiting for an essay
    /// grade have not passed yet); `None` without attempts.
    pub pass_rate: Option<f64>,
    /// In the quiz's authored order; only questions shown in at least one attempt.
    pub questions: Vec<QuestionStatistics>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionStatistics {
    pub id: String,
    pub kind: QuestionType,
    pub prompt_html: String,
    pub points: f64,
    /// Attempts that showed the question.
    pub shown: usize,
    /// Attempts that showed it and had a response for it.
    pub answered: usize,
    /// Mean score as a percent of the question's points; `None` for a question worth nothing.
    pub facility_index: Option<f64>,
    /// Sample standard deviation of the score, as a percent of the question's points (as Moodle
    /// shows it); `None` with fewer than 2 attempts or a question worth nothing.
    pub standard_deviation: Option<f64>,
    /// 100 × the Pearson correlation between the question's score and the score on the rest of
    /// the attempt. Near 100: strong learners get it right and weak ones wrong; near 0 or
    /// negative: the question does not measure what the quiz measures. `None` when undefined
    /// (fewer than 2 attempts, or either score never varies).
    pub discrimination_index: Option<f64>,
    /// Choice and true/false questions: every option in authored order with how often it was
    /// chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<OptionCount>>,
    /// Short-answer and numerical questions: the most frequent responses, most frequent first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_responses: Option<Vec<ResponseCount>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionCount {
    pub text: String,
    /// Percent of the question's points; 100 marks the right option of a single-choice question.
    pub weight: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseCount {
    /// Normalised as grading compares it: trimmed, inner spaces collapsed, lowercased unless the
    /// question is case-sensitive; numbers as numbers.
    pub response: String,
    pub count: usize,
}

/// Statistics over submitted attempts. Questions are matched by id, so attempts made before the
/// quiz changed still count for the questions that remain.
pub fn statistics(quiz: &Quiz, salt: &[u8], attempts: &[AttemptRecord]) -> QuizStatistics {
    let n = attempts.len();
    let mean = |xs: &mut dyn Iterator<Item = f64>| {
        if n == 0 {
            None
        } else {
            Some(round4(xs.sum::<f64>() / n as f64))
        }
    };
    let average_percent = mean(&mut attempts.iter().map(|a| a.grade.percent));
    let pass_rate = mean(
        &mut attempts
            .iter()
            .map(|a| if passed(quiz, &a.grade) { 100.0 } else { 0.0 }),
    );
    let questions = quiz
        .questions
        .iter()
        .filter_map(|q| question_statistics(quiz, salt, q, attempts))
        .collect();
    QuizStatistics {
        attempts: n,
        average_percent,
        pass_rate,
        questions,
    }
}

fn question_statistics(
    quiz: &Quiz,
    salt: &[u8],
    q: &Question,
    attempts: &[AttemptRecord],
) -> Option<QuestionStatistics> {
    // A description is no question: nothing to measure.
    if q.is_description() {
        return None;
    }
    // (question score, rest of the attempt's score, latest response) per attempt showing it.
    let seen: Vec<(f64, f64, Option<&ResponseEntry>)> = attempts
        .iter()
        .filter(|a| a.layout.questions.iter().any(|ql| ql.question == q.id))
        .map(|a| {
            let score = a
                .grade
                .questions
                .iter()
                .find(|g| g.question == q.id)
                .map_or(0.0, |g| g.score);
            let response = a.responses.iter().rev().find(|r| r.question == q.id);
            (score, a.grade.score - score, response)
        })
        .collect();
    if seen.is_empty() {
        return None;
    }
    let shown = seen.len();
    let scores: Vec<f64> = seen.iter().map(|s| s.0).collect();
    let rest: Vec<f64> = seen.iter().map(|s| s.1).collect();
    let worth = q.points > 0.0;
    let mean = scores.iter().sum::<f64>() / shown as f64;
    let facility_index = worth.then(|| round4(100.0 * mean / q.points));
    let standard_deviation = (worth && shown >= 2).then(|| {
        let ss: f64 = scores.iter().map(|x| (x - mean).powi(2)).sum();
        round4(100.0 * (ss / (shown - 1) as f64).sqrt() / q.points)
    });
    let responses: Vec<&ResponseEntry> = seen.iter().filter_map(|s| s.2).collect();
    let (options, top_responses) = answers(quiz, salt, q, &responses);
    Some(QuestionStatistics {
        id: q.id.clone(),
        kind: q.kind.question_type(),
        prompt_html: q.prompt.clone(),
        points: q.points,
        shown,
        answered: responses.len(),
        facility_index,
        standard_deviation,
        discrimination_index: correlation(&scores, &rest).map(|r| round4(100.0 * r)),
        options,
        top_responses,
    })
}

/// Pearson's correlation coefficient; `None` for fewer than 2 pairs or no variance.
fn correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x.iter().take(n).sum::<f64>() / n as f64;
    let my = y.iter().take(n).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    // Scores are rounded to 4 decimals, so anything this small is rounding, not variance.
    if sxx < 1e-12 || syy < 1e-12 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

type Answers = (Option<Vec<OptionCount>>, Option<Vec<ResponseCount>>);

fn answers(quiz: &Quiz, salt: &[u8], q: &Question, responses: &[&ResponseEntry]) -> Answers {
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            let ids = wire_ids(quiz, salt, q, IdRole::Option);
            let mut counts = vec![0usize; options.len()];
            for r in responses {
                let mut chosen: Vec<usize> = r
                    .choices
                    .iter()
                    .flatten()
                    .filter_map(|c| ids.iter().position(|id| id == c))
                    .collect();
                chosen.sort_unstable();
                chosen.dedup();
                for i in chosen {
                    if let Some(c) = counts.get_mut(i) {
                        *c += 1;
                    }
                }
            }
            let list = options
                .iter()
                .zip(counts)
                .map(|(o, count)| OptionCount {
                    text: o.text.clone(),
                    weight: o.weight,
                    count,
                })
                .collect();
            (Some(list), None)
        }
        QuestionKind::TrueFalse { answer, .. } => {
            let count = |value: &str| {
                responses
                    .iter()
                    .filter(|r| matches!(r.choices.as_deref(), Some([c]) if c == value))
                    .count()
            };
            let weight = |right: bool| if right { 100.0 } else { 0.0 };
            let list = vec![
                OptionCount {
                    text: TRUE_TEXT.into(),
                    weight: weight(*answer),
                    count: count("true"),
                },
                OptionCount {
                    text: FALSE_TEXT.into(),
                    weight: weight(!*answer),
                    count: count("false"),
                },
            ];
            (Some(list), None)
        }
        QuestionKind::ShortAnswer { case_sensitive, .. } => {
            let typed = responses
                .iter()
                .filter_map(|r| r.text.as_deref())
                .map(|t| normalize(t, *case_sensitive));
            (None, Some(top(typed)))
        }
        QuestionKind::Numerical { .. } => {
            let typed = responses
                .iter()
                .filter_map(|r| r.number)
                .filter(|n| n.is_finite())
                .map(number_text);
            (None, Some(top(typed)))
        }
        QuestionKind::Matching { .. }
        | QuestionKind::Ordering { .. }
        | QuestionKind::Essay
        | QuestionKind::Description => (None, None),
    }
}

/// The [`TOP_RESPONSES`] most frequent non-empty responses; ties in alphabetical order.
fn top(responses: impl Iterator<Item = String>) -> Vec<ResponseCount> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in responses.filter(|r| !r.is_empty()) {
        *counts.entry(r).or_default() += 1;
    }
    let mut list: Vec<ResponseCount> = counts
        .into_iter()
        .map(|(response, count)| ResponseCount { response, count })
        .collect();
    list.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.response.cmp(&b.response))
    });
    list.truncate(TOP_RESPONSES);
    list
}
