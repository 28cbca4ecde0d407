//! Tests for quiz statistics, on four attempts whose figures are worked out by hand below.

#![allow(clippy::unwrap_used)]

use crate::{
    AttemptLayout, AttemptRecord, IdRole, OptionCount, QuestionLayout, ResponseCount,
    ResponseEntry, grade, opaque_id, parse_quiz_toml, statistics,
};

const SALT: &[u8] = b"s";

const QUIZ: &str = r#"
slug = "stat"
title = "Stat"
pass_percent = 50

[[questions]]
id = "q1"
kind = "single_choice"
prompt = "Q1"
options = [
  { id = "a", text = "A", correct = true },
  { id = "b", text = "B" },
  { id = "c", text = "C" },
]

[[questions]]
id = "q2"
kind = "true_false"
prompt = "Q2"
answer = true

[[questions]]
id = "q3"
kind = "short_answer"
points = 2
prompt = "Q3"
answers = ["BPBD"]

[[questions]]
id = "q4"
kind = "numerical"
prompt = "Never shown"
answers = [{ value = 1 }]
"#;

fn attempt(quiz: &crate::Quiz, q1: usize, q2: &str, q3: Option<&str>) -> AttemptRecord {
    let ql = |q: &str, options: Vec<usize>| QuestionLayout {
        question: q.into(),
        options,
        right: Vec::new(),
    };
    let layout = AttemptLayout {
        seed: 0,
        questions: vec![
            ql("q1", vec![0, 1, 2]),
            ql("q2", vec![0, 1]),
            ql("q3", vec![]),
        ],
    };
    let e = |q: &str| ResponseEntry {
        question: q.into(),
        ..ResponseEntry::default()
    };
    let mut responses = vec![
        ResponseEntry {
            choices: Some(vec![opaque_id(SALT, "stat", "q1", IdRole::Option, q1)]),
            ..e("q1")
        },
        ResponseEntry {
            choices: Some(vec![q2.into()]),
            ..e("q2")
        },
    ];
    if let Some(t) = q3 {
        responses.push(ResponseEntry {
            text: Some(t.into()),
            ..e("q3")
        });
    }
    let grade = grade(&quiz.for_layout(&layout), SALT, &responses);
    AttemptRecord {
        layout,
        responses,
        grade,
    }
}

#[test]
fn four_attempts_by_hand() {
    let quiz = parse_quiz_toml(QUIZ).unwrap();
    // Scores (q1, q2, q3 of 1, 1, 2 points) and totals of 4:
    //   1: 1 1 2 = 4 (100 %)   2: 0 1 2 = 3 (75 %)   3: 1 0 0 = 1 (25 %)   4: 0 0 0 = 0 (0 %)
    let attempts = [
        attempt(&quiz, 0, "true", Some("BPBD")),
        attempt(&quiz, 1, "true", Some(" bpbd ")),
        attempt(&quiz, 0, "false", Some("BNPB")),
        attempt(&quiz, 2, "false", None),
    ];
    let totals: Vec<f64> = attempts.iter().map(|a| a.grade.score).collect();
    assert_eq!(totals, [4.0, 3.0, 1.0, 0.0]);
    let s = statistics(&quiz, SALT, &attempts);
    assert_eq!(s.attempts, 4);
    assert_eq!(s.average_percent, Some(50.0));
    // Pass mark 50 %: attempts 1 and 2.
    assert_eq!(s.pass_rate, Some(50.0));
    let ids: Vec<_> = s.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["q1", "q2", "q3"], "q4 was never shown");

    // q1: scores 1 0 1 0, mean 0.5; sample SD sqrt(4 × 0.25 / 3) = 0.57735.
    // Rest of the attempt 3 3 0 0: the deviations cancel out, so r = 0.
    let q1 = &s.questions[0];
    assert_eq!((q1.shown, q1.answered), (4, 4));
    assert_eq!(q1.facility_index, Some(50.0));
    assert_eq!(q1.standard_deviation, Some(57.735));
    assert_eq!(q1.discrimination_index, Some(0.0));
    let opt = |text: &str, weight: f64, count: usize| OptionCount {
        text: text.into(),
        weight,
        count,
    };
    assert_eq!(
        q1.options.as_deref(),
        Some([opt("A", 100.0, 2), opt("B", 0.0, 1), opt("C", 0.0, 1)].as_slice())
    );
    assert_eq!(q1.top_responses, None);

    // q2: scores 1 1 0 0, rest 3 2 1 0: sxy = 2, sxx = 1, syy = 5, r = 2 / sqrt(5) = 0.894427.
    let q2 = &s.questions[1];
    assert_eq!(q2.facility_index, Some(50.0));
    assert_eq!(q2.discrimination_index, Some(89.4427));
    assert_eq!(
        q2.options.as_deref(),
        Some([opt("Benar", 100.0, 2), opt("Salah", 0.0, 2)].as_slice())
    );

    // q3 (2 points): scores 2 2 0 0, mean 1, facility 50 %; SD sqrt(4 / 3) = 1.1547 of 2 points
    // = 57.735 %. Rest 2 1 1 0: sxy = 2, sxx = 4, syy = 2, r = 2 / sqrt(8) = 0.707107.
    let q3 = &s.questions[2];
    assert_eq!((q3.shown, q3.answered), (4, 3));
    assert_eq!(q3.facility_index, Some(50.0));
    assert_eq!(q3.standard_deviation, Some(57.735));
    assert_eq!(q3.discrimination_index, Some(70.7107));
    let rc = |response: &str, count: usize| ResponseCount {
        response: response.into(),
        count,
    };
    assert_eq!(
        q3.top_responses.as_deref(),
        Some([rc("bpbd", 2), rc("bnpb", 1)].as_slice())
    );
    assert_eq!(q3.options, None);
    serde_json::to_string(&s).unwrap();
}

#[test]
fn undefined_figures_are_none() {
    let quiz = parse_quiz_toml(QUIZ).unwrap();
    let s = statistics(&quiz, SALT, &[]);
    assert_eq!(
        (s.attempts, s.average_percent, s.pass_rate),
        (0, None, None)
    );
    assert!(s.questions.is_empty());

    let one = [attempt(&quiz, 0, "true", Some("BPBD"))];
    let s = statistics(&quiz, SALT, &one);
    assert_eq!(s.questions[0].facility_index, Some(100.0));
    assert_eq!(s.questions[0].standard_deviation, None);
    assert_eq!(s.questions[0].discrimination_index, None);

    // Everyone right on q1: no variance, no discrimination.
    let same = [
        attempt(&quiz, 0, "true", Some("BPBD")),
        attempt(&quiz, 0, "false", None),
    ];
    let s = statistics(&quiz, SALT, &same);
    assert_eq!(s.questions[0].standard_deviation, Some(0.0));
    assert_eq!(s.questions[0].discrimination_index, None);
    assert_eq!(s.questions[1].discrimination_index, Some(100.0));
}

#[test]
fn top_responses_keep_the_ten_most_frequent() {
    let quiz = parse_quiz_toml(QUIZ).unwrap();
    let mut attempts = Vec::new();
    for i in 0..12 {
        for _ in 0..=i {
            attempts.push(attempt(&quiz, 0, "true", Some(&format!("jawab {i:02}"))));
        }
    }
    let s = statistics(&quiz, SALT, &attempts);
    let top = s.questions[2].top_responses.clone().unwrap();
    assert_eq!(top.len(), 10);
    assert_eq!(top[0].response, "jawab 11");
    assert_eq!(top[0].count, 12);
    assert_eq!(top[9].response, "jawab 02");
}
