//! Property tests for layouts and grading on generated quizzes of every kind: scores stay in
//! bounds, layouts are permutations that follow the draw rules and depend only on the seed,
//! grading is deterministic, and no response, however malformed, makes anything panic.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};

use lentera_assessment::{
    AttemptRecord, ChoiceOption, Draw, IdRole, MatchPair, NumericAnswer, Question, QuestionKind,
    Quiz, ResponseEntry, TextAnswer, answer_key, grade, grade_with_manual, new_layout, opaque_id,
    review, statistics, validate_response,
};
use proptest::prelude::*;

const SALT: &[u8] = b"prop-salt";
const SLUG: &str = "prop";
const GROUPS: &[&str] = &["g1", "g2"];

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z ]{0,8}"
}

/// Options; a single-choice question has one option worth 100 and the others worth 0, or some
/// partial credit (GIFT's `~%50%`).
fn options(single: bool) -> impl Strategy<Value = Vec<ChoiceOption>> {
    prop::collection::vec((text(), -100.0..=100.0f64, any::<bool>()), 2..6).prop_flat_map(
        move |opts| {
            let n = opts.len();
            (Just(opts), 0..n).prop_map(move |(opts, right)| {
                opts.into_iter()
                    .enumerate()
                    .map(|(i, (text, w, partial))| ChoiceOption {
                        id: format!("o{i}"),
                        text,
                        weight: match (single, i == right, partial) {
                            (true, true, _) => 100.0,
                            (true, false, true) => w,
                            (true, false, false) => 0.0,
                            (false, _, _) => w,
                        },
                        feedback: None,
                    })
                    .collect()
            })
        },
    )
}

fn kind() -> impl Strategy<Value = QuestionKind> {
    prop_oneof![
        options(true).prop_map(|options| QuestionKind::SingleChoice { options }),
        options(false).prop_map(|options| QuestionKind::MultipleChoice { options }),
        any::<bool>().prop_map(|answer| QuestionKind::TrueFalse {
            answer,
            feedback_true: None,
            feedback_false: None
        }),
        (
            prop::collection::vec(("[a-z*]{1,6}", -100.0..=100.0f64), 1..4),
            any::<bool>()
        )
            .prop_map(|(answers, case_sensitive)| QuestionKind::ShortAnswer {
                // The first is worth 100; the others anything, `*` wildcards included.
                answers: answers
                    .into_iter()
                    .enumerate()
                    .map(|(i, (text, weight))| TextAnswer {
                        text,
                        weight: if i == 0 { 100.0 } else { weight },
                        feedback: Some(format!("f{i}")),
                    })
                    .collect(),
                case_sensitive
            }),
        prop::collection::vec((-100.0..100.0f64, 0.0..5.0f64, 0.0..=100.0f64), 1..4).prop_map(
            |v| QuestionKind::Numerical {
                answers: v
                    .into_iter()
                    .map(|(min, width, weight)| NumericAnswer {
                        min,
                        max: min + width,
                        weight,
                        feedback: None,
                    })
                    .collect(),
                other_feedback: None,
            }
        ),
        (
            prop::collection::vec((text(), text()), 0..5),
            prop::collection::vec(text(), 0..3)
        )
            .prop_map(|(pairs, distractors)| QuestionKind::Matching {
                pairs: pairs
                    .into_iter()
                    .map(|(left, right)| MatchPair { left, right })
                    .collect(),
                distractors
            }),
        prop::collection::vec(text(), 0..6).prop_map(|items| QuestionKind::Ordering { items }),
        Just(QuestionKind::Essay),
        Just(QuestionKind::Description),
    ]
}

fn question() -> impl Strategy<Value = (QuestionKind, f64, Option<usize>)> {
    (kind(), 0.0..10.0f64, prop::option::of(0..GROUPS.len()))
}

/// A quiz with 1..12 questions, some in groups, with draw rules for some groups.
fn quiz() -> impl Strategy<Value = Quiz> {
    (
        prop::collection::vec(question(), 1..12),
        prop::collection::vec(prop::option::of(0usize..6), GROUPS.len()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(qs, draw_counts, shuffle_questions, shuffle_options)| {
            let questions: Vec<Question> = qs
                .into_iter()
                .enumerate()
                .map(|(i, (kind, points, group))| {
                    // A description has no points and no group, as the parsers make it.
                    let description = kind == QuestionKind::Description;
                    Question {
                        id: format!("q{i}"),
                        kind,
                        points: if description { 0.0 } else { points },
                        prompt: format!("Q{i}"),
                        feedback: None,
                        group: group.filter(|_| !description).map(|g| GROUPS[g].to_owned()),
                    }
                })
                .collect();
            let draws = GROUPS
                .iter()
                .zip(draw_counts)
                .filter_map(|(g, count)| {
                    let size = questions
                        .iter()
                        .filter(|q| q.group.as_deref() == Some(g))
                        .count();
                    // A rule draws 1..=size, as the parsers allow.
                    let count = count?.min(size);
                    (count > 0).then(|| Draw {
                        group: (*g).to_owned(),
                        count,
                    })
                })
                .collect();
            Quiz {
                slug: SLUG.into(),
                title: "Prop".into(),
                pass_percent: 50.0,
                max_attempts: 0,
                time_limit_minutes: None,
                shuffle_questions,
                shuffle_options,
                questions,
                draws,
                cooldown_minutes: 0,
                counts: Default::default(),
                review: Default::default(),
            }
        })
}

/// An id in a response: a real wire id of some role and index, or anything at all.
#[derive(Debug, Clone)]
enum Token {
    Wire(u8, usize),
    Bool(bool),
    Junk(String),
}

fn token() -> impl Strategy<Value = Token> {
    prop_oneof![
        (0u8..4, 0usize..8).prop_map(|(r, i)| Token::Wire(r, i)),
        any::<bool>().prop_map(Token::Bool),
        ".{0,12}".prop_map(Token::Junk),
    ]
}

fn resolve(t: &Token, question: &str) -> String {
    match t {
        Token::Wire(r, i) => {
            let role = [IdRole::Option, IdRole::Left, IdRole::Right, IdRole::Item][*r as usize % 4];
            opaque_id(SALT, SLUG, question, role, *i)
        }
        Token::Bool(b) => b.to_string(),
        Token::Junk(s) => s.clone(),
    }
}

#[derive(Debug, Clone)]
struct RawEntry {
    question: Result<usize, String>,
    choices: Option<Vec<Token>>,
    text: Option<String>,
    number: Option<f64>,
    pairs: Option<Vec<(Token, Token)>>,
    order: Option<Vec<Token>>,
}

fn raw_entry() -> impl Strategy<Value = RawEntry> {
    (
        prop_oneof![4 => (0usize..12).prop_map(Ok), 1 => ".{0,6}".prop_map(Err)],
        prop::option::of(prop::collection::vec(token(), 0..4)),
        prop::option::of(".{0,20}"),
        prop::option::of(prop::num::f64::ANY),
        prop::option::of(prop::collection::vec((token(), token()), 0..5)),
        prop::option::of(prop::collection::vec(token(), 0..7)),
    )
        .prop_map(|(question, choices, text, number, pairs, order)| RawEntry {
            question,
            choices,
            text,
            number,
            pairs,
            order,
        })
}

fn entry(raw: &RawEntry) -> ResponseEntry {
    let question = match &raw.question {
        Ok(i) => format!("q{i}"),
        Err(s) => s.clone(),
    };
    let list = |v: &Option<Vec<Token>>| {
        v.as_ref()
            .map(|v| v.iter().map(|t| resolve(t, &question)).collect())
    };
    ResponseEntry {
        choices: list(&raw.choices),
        text: raw.text.clone(),
        number: raw.number,
        pairs: raw.pairs.as_ref().map(|v| {
            v.iter()
                .map(|(l, r)| [resolve(l, &question), resolve(r, &question)])
                .collect()
        }),
        order: list(&raw.order),
        question,
    }
}

/// How many display positions a question's `options` and `right` must permute.
fn sizes(kind: &QuestionKind) -> (usize, usize) {
    match kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            (options.len(), 0)
        }
        QuestionKind::TrueFalse { .. } => (2, 0),
        QuestionKind::Matching { pairs, distractors } => {
            (pairs.len(), pairs.len() + distractors.len())
        }
        QuestionKind::Ordering { items } => (items.len(), 0),
        QuestionKind::ShortAnswer { .. }
        | QuestionKind::Numerical { .. }
        | QuestionKind::Essay
        | QuestionKind::Description => (0, 0),
    }
}

/// The quiz's questions without its descriptions, which a grade leaves out.
fn graded(quiz: &Quiz) -> Vec<&Question> {
    quiz.questions
        .iter()
        .filter(|q| !q.is_description())
        .collect()
}

fn is_permutation(v: &[usize], n: usize) -> bool {
    let mut sorted = v.to_vec();
    sorted.sort_unstable();
    sorted == (0..n).collect::<Vec<_>>()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn layouts_are_permutations_that_follow_the_draw_rules(quiz in quiz(), seed in any::<u64>()) {
        let layout = new_layout(&quiz, seed);
        prop_assert_eq!(&layout, &new_layout(&quiz, seed));
        let mut seen = HashSet::new();
        for ql in &layout.questions {
            prop_assert!(seen.insert(ql.question.clone()), "shown twice: {}", ql.question);
            let q = quiz.questions.iter().find(|q| q.id == ql.question).unwrap();
            let (n, right) = sizes(&q.kind);
            prop_assert!(is_permutation(&ql.options, n), "{:?} for {:?}", ql.options, q.kind);
            prop_assert!(is_permutation(&ql.right, right), "{:?} for {:?}", ql.right, q.kind);
        }
        let mut shown_per_group: HashMap<&str, usize> = HashMap::new();
        for q in &quiz.questions {
            let ruled = quiz.draws.iter().find(|d| Some(d.group.as_str()) == q.group.as_deref());
            if ruled.is_none() {
                prop_assert!(seen.contains(&q.id), "{} has no draw rule but is missing", q.id);
            } else if seen.contains(&q.id) {
                *shown_per_group.entry(q.group.as_deref().unwrap()).or_default() += 1;
            }
        }
        for d in &quiz.draws {
            prop_assert_eq!(shown_per_group.get(d.group.as_str()).copied().unwrap_or(0), d.count);
        }
        // The attempt's own quiz has exactly the laid-out questions.
        let attempt = quiz.for_layout(&layout);
        prop_assert_eq!(attempt.questions.len(), layout.questions.len());
        // Descriptions keep their place: between two of them (or the start or the end) stand
        // exactly the shown questions written between them.
        let sections = |ids: Vec<&str>| -> Vec<(Option<String>, Vec<String>)> {
            let mut out = vec![(None, Vec::new())];
            for id in ids {
                let q = quiz.questions.iter().find(|q| q.id == id).unwrap();
                if q.is_description() {
                    out.push((Some(id.to_owned()), Vec::new()));
                } else if let Some(last) = out.last_mut() {
                    last.1.push(id.to_owned());
                }
            }
            for s in &mut out {
                s.1.sort();
            }
            out
        };
        let shown: Vec<&str> = layout.questions.iter().map(|q| q.question.as_str()).collect();
        let authored: Vec<&str> = quiz
            .questions
            .iter()
            .map(|q| q.id.as_str())
            .filter(|id| seen.contains(*id))
            .collect();
        prop_assert_eq!(sections(shown), sections(authored));
    }

    #[test]
    fn grades_stay_in_bounds_and_nothing_panics(
        quiz in quiz(),
        raws in prop::collection::vec(raw_entry(), 0..16),
        seed in any::<u64>(),
        manual in prop::option::of(prop::num::f64::ANY),
    ) {
        let responses: Vec<ResponseEntry> = raws.iter().map(entry).collect();
        for r in &responses {
            let _ = validate_response(&quiz, SALT, r);
        }
        let g = grade(&quiz, SALT, &responses);
        prop_assert_eq!(&g, &grade(&quiz, SALT, &responses));
        prop_assert_eq!(g.questions.len(), graded(&quiz).len());
        for (qg, q) in g.questions.iter().zip(graded(&quiz)) {
            prop_assert!(qg.score >= 0.0 && qg.score <= q.points, "{qg:?} of {q:?}");
        }
        prop_assert!(g.score >= 0.0 && g.score <= g.max_score + 1e-9, "{g:?}");
        prop_assert!(g.percent >= 0.0 && g.percent <= 100.0, "{g:?}");

        // Manual essay scores, even absurd ones, keep every bound.
        let manual: HashMap<String, f64> = quiz
            .questions
            .iter()
            .map(|q| (q.id.clone(), manual.unwrap_or(0.5)))
            .collect();
        let m = grade_with_manual(&quiz, SALT, &responses, &manual);
        for (qg, q) in m.questions.iter().zip(graded(&quiz)) {
            prop_assert!(qg.score >= 0.0 && qg.score <= q.points, "{qg:?} of {q:?}");
        }

        // The views built on a grade must not panic either.
        let layout = new_layout(&quiz, seed);
        let attempt = quiz.for_layout(&layout);
        let g = grade(&attempt, SALT, &responses);
        let shown = review(&quiz, &layout, SALT, &responses, &g, true);
        prop_assert_eq!(shown.len(), layout.questions.len());
        let record = AttemptRecord { layout, responses, grade: g };
        let s = statistics(&quiz, SALT, &[record.clone(), record]);
        prop_assert_eq!(s.attempts, 2);
    }

    #[test]
    fn the_answer_key_is_valid_and_earns_the_most(quiz in quiz()) {
        let key = answer_key(&quiz, SALT);
        for e in &key {
            prop_assert!(validate_response(&quiz, SALT, e).is_ok(), "{e:?}");
        }
        let g = grade(&quiz, SALT, &key);
        for (qg, q) in g.questions.iter().zip(graded(&quiz)) {
            let full = match &q.kind {
                // Weights may not add up to 100 in generated multiple choice; the key picks
                // every positive option, which is the best possible anyway.
                QuestionKind::MultipleChoice { .. } | QuestionKind::Essay => continue,
                QuestionKind::Numerical { answers, .. } => {
                    answers.iter().map(|a| a.weight).fold(0.0, f64::max) / 100.0 * q.points
                }
                QuestionKind::ShortAnswer { answers, .. } => {
                    answers.iter().map(|a| a.weight).fold(0.0, f64::max) / 100.0 * q.points
                }
                QuestionKind::Matching { pairs, .. } if pairs.is_empty() => 0.0,
                QuestionKind::Ordering { items } if items.is_empty() => 0.0,
                _ => q.points,
            };
            prop_assert!((qg.score - full).abs() < 1e-3, "{qg:?} for {q:?}");
        }
    }
}
