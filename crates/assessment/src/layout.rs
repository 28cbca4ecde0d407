//! Attempt layouts (display order) and the learner-facing view of a quiz.
//!
//! Learners must not be able to tell the right answer from the wire: option ids are salted
//! hashes of the author's position, and the display order comes from a per-attempt seed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Question, QuestionKind, QuestionType, Quiz};

/// The display order of one attempt, stored so a reload shows the same attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptLayout {
    pub seed: u64,
    pub questions: Vec<QuestionLayout>,
}

/// Author indexes in display order: `options` are the options, ordering items or matching
/// left-hand items; `right` is the matching right-hand side (pairs, then distractors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionLayout {
    pub question: String,
    pub options: Vec<usize>,
    pub right: Vec<usize>,
}

/// What a wire id names inside a question; part of the hash so ids never repeat across roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdRole {
    Option,
    Left,
    Right,
    Item,
}

impl IdRole {
    fn as_str(self) -> &'static str {
        match self {
            Self::Option => "option",
            Self::Left => "left",
            Self::Right => "right",
            Self::Item => "item",
        }
    }
}

/// The opaque wire id of an option: the first 10 hex chars of SHA-256 over the parts. The salt
/// is a server secret, so learners cannot recompute which id belongs to which author position.
pub fn opaque_id(
    salt: &[u8],
    quiz_slug: &str,
    question_id: &str,
    role: IdRole,
    author_index: usize,
) -> String {
    let mut h = Sha256::new();
    // Slugs, ids and roles never contain NUL, so it separates the parts unambiguously.
    for part in [
        salt,
        quiz_slug.as_bytes(),
        question_id.as_bytes(),
        role.as_str().as_bytes(),
        author_index.to_string().as_bytes(),
    ] {
        h.update(part);
        h.update([0u8]);
    }
    let mut id = hex::encode(h.finalize());
    id.truncate(10);
    id
}

/// SplitMix64: tiny, well-mixed and stable forever, which matters because layouts are stored.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough value in `0..n` (multiply-shift; the bias is negligible for small n).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    fn shuffle(&mut self, v: &mut [usize]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    fn permutation(&mut self, n: usize, shuffle: bool) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        if shuffle {
            self.shuffle(&mut v);
        }
        v
    }
}

/// Author indexes of the questions in an attempt, in authored order: every question whose group
/// has no draw rule, plus `count` questions drawn at random for each rule. Without draw rules no
/// random number is used, so layouts of such quizzes are what they were before pools existed.
fn drawn(quiz: &Quiz, rng: &mut SplitMix64) -> Vec<usize> {
    let n = quiz.questions.len();
    if quiz.draws.is_empty() {
        return (0..n).collect();
    }
    let ruled = |g: &Option<String>| {
        g.as_ref()
            .is_some_and(|g| quiz.draws.iter().any(|d| &d.group == g))
    };
    // Descriptions are never drawn: they are always shown.
    let mut keep: Vec<bool> = quiz
        .questions
        .iter()
        .map(|q| q.is_description() || !ruled(&q.group))
        .collect();
    let mut done: Vec<&str> = Vec::new();
    for d in &quiz.draws {
        // The parsers refuse a second rule for a group; should one be stored anyway, the
        // first rule decides.
        if done.contains(&d.group.as_str()) {
            continue;
        }
        done.push(&d.group);
        let mut pool: Vec<usize> = (0..n)
            .filter(|&i| {
                let q = &quiz.questions[i];
                !q.is_description() && q.group.as_deref() == Some(d.group.as_str())
            })
            .collect();
        // A partial Fisher-Yates shuffle: the first `count` entries are a uniform sample.
        for j in 0..d.count.min(pool.len()) {
            let r = j + rng.below(pool.len() - j);
            pool.swap(j, r);
            keep[pool[j]] = true;
        }
    }
    (0..n).filter(|&i| keep[i]).collect()
}

/// The attempt's questions in display order. A description stays where it was written: the
/// questions between two descriptions are shuffled among themselves (like the sections of a
/// Moodle quiz), so a description always introduces the questions written after it. Without
/// descriptions this is one shuffle of all the questions, as it always was.
fn display_order(quiz: &Quiz, chosen: &[usize], rng: &mut SplitMix64) -> Vec<usize> {
    let is_description = |i: &usize| quiz.questions.get(*i).is_some_and(|q| q.is_description());
    if !chosen.iter().any(is_description) {
        let order = rng.permutation(chosen.len(), quiz.shuffle_questions);
        return order
            .into_iter()
            .filter_map(|i| chosen.get(i).copied())
            .collect();
    }
    let mut out = Vec::with_capacity(chosen.len());
    for section in chosen.split_inclusive(is_description) {
        let (questions, description) = match section.split_last() {
            Some((last, rest)) if is_description(last) => (rest, Some(*last)),
            _ => (section, None),
        };
        let order = rng.permutation(questions.len(), quiz.shuffle_questions);
        out.extend(order.into_iter().filter_map(|i| questions.get(i).copied()));
        out.extend(description);
    }
    out
}

/// Which questions an attempt has (see [`Quiz::draws`]), their order and per-question option
/// order, derived only from `seed`.
pub fn new_layout(quiz: &Quiz, seed: u64) -> AttemptLayout {
    let mut rng = SplitMix64(seed);
    let chosen = drawn(quiz, &mut rng);
    let order = display_order(quiz, &chosen, &mut rng);
    let questions = order
        .into_iter()
        .filter_map(|i| quiz.questions.get(i))
        .map(|q| {
            let (options, right) = match &q.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options } => (
                    rng.permutation(options.len(), quiz.shuffle_options),
                    Vec::new(),
                ),
                QuestionKind::TrueFalse { .. } => (vec![0, 1], Vec::new()),
                QuestionKind::Matching { pairs, distractors } => {
                    let left = rng.permutation(pairs.len(), quiz.shuffle_options);
                    let mut right = rng.permutation(pairs.len() + distractors.len(), true);
                    // Right items lined up with their left partners would give the answer away.
                    if right.len() >= 2 && left.iter().zip(&right).all(|(l, r)| l == r) {
                        right.rotate_left(1);
                    }
                    (left, right)
                }
                QuestionKind::Ordering { items } => {
                    let mut order = rng.permutation(items.len(), true);
                    // Showing the correct order would be a free answer; a rotation is never it.
                    if order.len() >= 2 && order.iter().enumerate().all(|(i, &o)| i == o) {
                        order.rotate_left(1);
                    }
                    (order, Vec::new())
                }
                QuestionKind::ShortAnswer { .. }
                | QuestionKind::Numerical { .. }
                | QuestionKind::Essay
                | QuestionKind::Description => (Vec::new(), Vec::new()),
            };
            QuestionLayout {
                question: q.id.clone(),
                options,
                right,
            }
        })
        .collect();
    AttemptLayout { seed, questions }
}

/// A question as sent to the learner: texts and opaque ids only. A description (`kind =
/// "description"`, points 0, no options) is a text to show in its place: it is not a question,
/// takes no answer and has no number.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PublicQuestion {
    pub id: String,
    pub kind: QuestionType,
    pub prompt_html: String,
    pub points: f64,
    /// single/multiple choice, true_false, ordering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<PublicOption>>,
    /// matching, left-hand side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<Vec<PublicOption>>,
    /// matching, right-hand side (pairs and distractors mixed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<Vec<PublicOption>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PublicOption {
    pub id: String,
    pub html: String,
}

/// The wire ids of a question's options for `role`, indexed by author position.
pub(crate) fn wire_ids(quiz: &Quiz, salt: &[u8], q: &Question, role: IdRole) -> Vec<String> {
    let n = match (&q.kind, role) {
        (QuestionKind::TrueFalse { .. }, IdRole::Option) => {
            return vec!["true".into(), "false".into()];
        }
        (
            QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options },
            IdRole::Option,
        ) => options.len(),
        (QuestionKind::Matching { pairs, .. }, IdRole::Left) => pairs.len(),
        (QuestionKind::Matching { pairs, distractors }, IdRole::Right) => {
            pairs.len() + distractors.len()
        }
        (QuestionKind::Ordering { items }, IdRole::Item) => items.len(),
        _ => 0,
    };
    (0..n)
        .map(|i| opaque_id(salt, &quiz.slug, &q.id, role, i))
        .collect()
}

/// The learner's view of an attempt, in the layout's order. Questions the layout names but the
/// quiz no longer has are skipped.
pub fn public_questions(quiz: &Quiz, layout: &AttemptLayout, salt: &[u8]) -> Vec<PublicQuestion> {
    layout
        .questions
        .iter()
        .filter_map(|ql| {
            let q = quiz.questions.iter().find(|q| q.id == ql.question)?;
            let list = |order: &[usize], role: IdRole, text: &dyn Fn(usize) -> Option<String>| {
                let ids = wire_ids(quiz, salt, q, role);
                let out: Vec<PublicOption> = order
                    .iter()
                    .filter_map(|&i| {
                        Some(PublicOption {
                            id: ids.get(i)?.clone(),
                            html: text(i)?,
                        })
                    })
                    .collect();
                Some(out)
            };
            let (options, left, right) = match &q.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options } => (
                    list(&ql.options, IdRole::Option, &|i| {
                        Some(options.get(i)?.text.clone())
                    }),
                    None,
                    None,
                ),
                QuestionKind::TrueFalse { .. } => {
                    let tf =
                        [("true", "Benar"), ("false", "Salah")].map(|(id, html)| PublicOption {
                            id: id.into(),
                            html: html.into(),
                        });
                    (Some(tf.to_vec()), None, None)
                }
                QuestionKind::Matching { pairs, distractors } => {
                    let right_text = |i: usize| match pairs.get(i) {
                        Some(p) => Some(p.right.clone()),
                        None => distractors.get(i - pairs.len()).cloned(),
                    };
                    (
                        None,
                        list(&ql.options, IdRole::Left, &|i| {
                            Some(pairs.get(i)?.left.clone())
                        }),
                        list(&ql.right, IdRole::Right, &right_text),
                    )
                }
                QuestionKind::Ordering { items } => (
                    list(&ql.options, IdRole::Item, &|i| items.get(i).cloned()),
                    None,
                    None,
                ),
                QuestionKind::ShortAnswer { .. }
                | QuestionKind::Numerical { .. }
                | QuestionKind::Essay
                | QuestionKind::Description => (None, None, None),
            };
            Some(PublicQuestion {
                id: q.id.clone(),
                kind: q.kind.question_type(),
                prompt_html: q.prompt.clone(),
                points: q.points,
                options,
                left,
                right,
            })
        })
        .collect()
}
