//! Tests for question pools (groups and draw rules), attempt policies and building quizzes
//! from GIFT or Aiken questions with separate settings.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use crate::{
    CountedAttempt, Draw, Problem, QuestionKind, Quiz, QuizSettings, ReviewPolicy, answer_key,
    grade, new_layout, parse_aiken, parse_gift, parse_quiz_toml, quiz_from_questions,
    validate_response,
};

const SALT: &[u8] = b"salt";

const POOL: &str = r#"
slug = "pool"
title = "Pool"
cooldown_minutes = 60
counts = "latest"
review = "after_last_attempt"

[[draw]]
group = "gempa"
count = 2

[[questions]]
id = "a1"
kind = "true_false"
group = "gempa"
prompt = "A1"
answer = true

[[questions]]
id = "a2"
kind = "short_answer"
group = "gempa"
prompt = "A2"
answers = ["x"]

[[questions]]
id = "a3"
kind = "numerical"
group = "gempa"
prompt = "A3"
answers = [{ value = 3 }]

[[questions]]
id = "b1"
kind = "true_false"
prompt = "B1"
answer = false

[[questions]]
id = "c1"
kind = "essay"
group = "umum"
prompt = "C1"
"#;

fn ids(quiz: &Quiz, seed: u64) -> BTreeSet<String> {
    new_layout(quiz, seed)
        .questions
        .into_iter()
        .map(|q| q.question)
        .collect()
}

#[test]
fn toml_pools_and_policies_are_read() {
    let quiz = parse_quiz_toml(POOL).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(
        quiz.draws,
        [Draw {
            group: "gempa".into(),
            count: 2
        }]
    );
    assert_eq!(quiz.cooldown_minutes, 60);
    assert_eq!(quiz.counts, CountedAttempt::Latest);
    assert_eq!(quiz.review, ReviewPolicy::AfterLastAttempt);
    assert_eq!(quiz.questions[0].group.as_deref(), Some("gempa"));
    assert_eq!(quiz.questions[3].group, None);

    // Defaults when left out.
    let plain = parse_quiz_toml(&POOL.replace(
        "cooldown_minutes = 60\ncounts = \"latest\"\nreview = \"after_last_attempt\"\n",
        "",
    ))
    .unwrap();
    assert_eq!(
        (plain.cooldown_minutes, plain.counts, plain.review),
        (0, CountedAttempt::Highest, ReviewPolicy::AfterSubmit)
    );
}

#[test]
fn draws_pick_count_questions_of_the_group_reproducibly() {
    let quiz = parse_quiz_toml(POOL).unwrap();
    let mut combos = BTreeSet::new();
    for seed in 0..300 {
        let chosen = ids(&quiz, seed);
        // Ungrouped questions and groups without a rule are always in.
        assert!(chosen.contains("b1") && chosen.contains("c1"), "{chosen:?}");
        let drawn: Vec<_> = chosen.iter().filter(|id| id.starts_with('a')).collect();
        assert_eq!(drawn.len(), 2, "{chosen:?}");
        assert_eq!(new_layout(&quiz, seed), new_layout(&quiz, seed));
        combos.insert(drawn.into_iter().cloned().collect::<Vec<_>>());
    }
    // Every pair of the three is drawn sometimes.
    assert_eq!(combos.len(), 3, "{combos:?}");
}

#[test]
fn quizzes_without_draws_lay_out_as_before() {
    // Pinned: without draw rules no random number goes to drawing, so the order is the one the
    // layout had before pools existed; a change here would reshuffle every such quiz.
    let mut quiz = parse_quiz_toml(POOL).unwrap();
    quiz.draws.clear();
    let layout = new_layout(&quiz, 42);
    assert_eq!(layout.questions.len(), 5);
    let order: Vec<_> = layout
        .questions
        .iter()
        .map(|q| q.question.as_str())
        .collect();
    assert_eq!(order, ["a2", "a3", "c1", "a1", "b1"]);
}

#[test]
fn for_layout_grades_one_attempt() {
    let quiz = parse_quiz_toml(POOL).unwrap();
    let layout = new_layout(&quiz, 7);
    let attempt = quiz.for_layout(&layout);
    assert_eq!(attempt.questions.len(), 4);
    assert_eq!(quiz.questions_per_attempt(), 4, "known without drawing");
    assert!(attempt.draws.is_empty());
    assert_eq!(attempt.max_score(), 4.0);
    // Authored order, whatever the display order.
    let authored: Vec<_> = quiz
        .questions
        .iter()
        .filter(|q| attempt.questions.iter().any(|a| a.id == q.id))
        .map(|q| q.id.clone())
        .collect();
    let got: Vec<_> = attempt.questions.iter().map(|q| q.id.clone()).collect();
    assert_eq!(got, authored);
    let key = answer_key(&attempt, SALT);
    for e in &key {
        validate_response(&attempt, SALT, e).unwrap();
    }
    let g = grade(&attempt, SALT, &key);
    assert_eq!(
        (g.score, g.max_score),
        (3.0, 4.0),
        "the essay waits: {g:#?}"
    );
    assert!(g.pending_review);
    // A question the attempt did not show is not part of it.
    let missing = quiz
        .questions
        .iter()
        .find(|q| !attempt.questions.iter().any(|a| a.id == q.id))
        .unwrap();
    let stray = crate::ResponseEntry {
        question: missing.id.clone(),
        ..Default::default()
    };
    assert!(validate_response(&attempt, SALT, &stray).is_err());
}

fn problems(src: &str) -> Vec<Problem> {
    let p = parse_quiz_toml(src).unwrap_err();
    crate::tests::assert_translated(&p);
    p
}

fn has(p: &[Problem], line: u32, column: u32, needle: &str) {
    assert!(
        p.iter()
            .any(|p| p.line == line && p.column == column && p.message.contains(needle)),
        "no problem {line}:{column} containing {needle:?} in {p:#?}"
    );
}

#[test]
fn toml_pool_and_policy_problems_are_located() {
    let src = POOL
        .replace("cooldown_minutes = 60", "cooldown_minutes = 20000")
        .replace("counts = \"latest\"", "counts = \"best\"")
        .replace("review = \"after_last_attempt\"", "review = 3")
        .replace(
            "[[draw]]\ngroup = \"gempa\"\ncount = 2\n",
            "[[draw]]\ngroup = \"gempa\"\ncount = 4\n\n[[draw]]\ngroup = \"banjir\"\ncount = 1\n\n\
             [[draw]]\ngroup = \"umum\"\ncount = 0\n\n[[draw]]\ngroup = \"gempa\"\ncount = 1\n\n\
             [[draw]]\ngroupe = \"x\"\n",
        );
    let p = problems(&src);
    has(&p, 4, 20, "`cooldown_minutes` must be between 0 and 10080");
    has(
        &p,
        5,
        10,
        "`counts` must be one of: highest, latest (found \"best\")",
    );
    has(&p, 6, 10, "`review` in the quiz must be text");
    has(&p, 10, 9, "draws 4 questions, but the group has only 3");
    has(
        &p,
        13,
        9,
        "no question is in it; the groups are `gempa`, `umum`",
    );
    has(&p, 18, 9, "group `umum` must draw at least 1");
    has(&p, 21, 9, "already a draw rule for group `gempa`");
    has(&p, 24, 1, "draw rule 5 is missing `group`");
    has(&p, 24, 1, "draw rule 5 is missing `count`");
    has(&p, 25, 1, "unknown key `groupe` in draw rule 5");
    assert_eq!(p.len(), 10, "{p:#?}");

    let p = problems(&POOL.replace("group = \"umum\"\nprompt", "group = \" umum\"\nprompt"));
    has(&p, 42, 9, "`group` in question `c1` must be a name");
    assert_eq!(p.len(), 1, "{p:#?}");
}

#[test]
fn quiz_from_questions_applies_settings_and_checks_draws() {
    let questions = parse_gift(
        "$CATEGORY: $course$/top/Gempa\n\nA {T}\n\nB {F}\n\n$CATEGORY: $course$/top\n\nC {T}\n",
    )
    .unwrap();
    let settings = QuizSettings {
        title: Some("Kuis".into()),
        pass_percent: Some(80.0),
        max_attempts: Some(2),
        time_limit_minutes: Some(15),
        cooldown_minutes: Some(30),
        counts: Some(CountedAttempt::Latest),
        review: Some(ReviewPolicy::Never),
        draws: vec![Draw {
            group: "Gempa".into(),
            count: 1,
        }],
    };
    let quiz = quiz_from_questions("kuis", &settings, questions.clone()).unwrap();
    assert_eq!((quiz.slug.as_str(), quiz.title.as_str()), ("kuis", "Kuis"));
    assert_eq!((quiz.pass_percent, quiz.max_attempts), (80.0, 2));
    assert_eq!(
        (quiz.time_limit_minutes, quiz.cooldown_minutes),
        (Some(15), 30)
    );
    assert_eq!(
        (quiz.counts, quiz.review),
        (CountedAttempt::Latest, ReviewPolicy::Never)
    );
    assert!(quiz.shuffle_questions && quiz.shuffle_options);
    assert_eq!(new_layout(&quiz, 1).questions.len(), 2);

    // Defaults are those of the TOML format.
    let quiz = quiz_from_questions("kuis", &QuizSettings::default(), questions.clone()).unwrap();
    assert_eq!(
        (quiz.title.as_str(), quiz.pass_percent, quiz.max_attempts),
        ("kuis", 70.0, 0)
    );
    assert_eq!(
        (quiz.counts, quiz.review),
        (CountedAttempt::Highest, ReviewPolicy::AfterSubmit)
    );

    let bad = QuizSettings {
        draws: vec![
            Draw {
                group: "Banjir".into(),
                count: 1,
            },
            Draw {
                group: "Gempa".into(),
                count: 3,
            },
        ],
        cooldown_minutes: Some(99_999),
        ..QuizSettings::default()
    };
    let p = quiz_from_questions("kuis", &bad, questions).unwrap_err();
    crate::tests::assert_translated(&p);
    let messages: Vec<_> = p.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages[0].contains("group `Banjir`") && messages[0].contains("`Gempa`"));
    assert!(messages[1].contains("draws 3 questions, but the group has only 2"));
    assert!(messages[2].contains("cooldown_minutes"));

    // Aiken has no groups, so any draw rule names an unknown group.
    let aiken = parse_aiken("Q\nA. a\nB. b\nANSWER: A\n").unwrap();
    assert!(aiken.iter().all(|q| q.group.is_none()));
    let p = quiz_from_questions("k", &bad, aiken).unwrap_err();
    assert!(p[0].message.contains("no question has a group"), "{p:#?}");
}

#[test]
fn gift_categories_set_groups() {
    let qs = parse_gift(
        "Tanpa {T}\n\n\
         $CATEGORY: $course$/top/Bencana/Gempa\n\nA {T}\n\nB {T}\n\n\
         $CATEGORY: $system$/top\nC {T}\n\n\
         $CATEGORY:   Umum  \n\nD {T}\n\n\
         $CATEGORY: $module$/Lain\n\nE {T}\n\n\
         $CATEGORY: top/Topik\n\nF {T}\n\n\
         $CATEGORY: $course$/topik\n\nG {T}\n",
    )
    .unwrap();
    let groups: Vec<_> = qs.iter().map(|q| q.group.as_deref()).collect();
    assert_eq!(
        groups,
        [
            None,
            Some("Bencana/Gempa"),
            Some("Bencana/Gempa"),
            None,
            Some("Umum"),
            Some("Lain"),
            Some("Topik"),
            Some("topik"),
        ]
    );
}

#[test]
fn quizzes_stored_before_pools_still_load() {
    let old = r#"{"slug":"q","title":"Q","pass_percent":70.0,"max_attempts":0,
        "time_limit_minutes":null,"shuffle_questions":true,"shuffle_options":true,
        "questions":[{"id":"a","kind":"true_false","answer":true,"points":1.0,"prompt":"P",
        "feedback":null}]}"#;
    let quiz: Quiz = serde_json::from_str(old).unwrap();
    assert!(quiz.draws.is_empty());
    assert_eq!(quiz.cooldown_minutes, 0);
    assert_eq!(
        (quiz.counts, quiz.review),
        (CountedAttempt::Highest, ReviewPolicy::AfterSubmit)
    );
    assert_eq!(quiz.questions[0].group, None);
    assert_eq!(
        quiz.questions[0].kind,
        QuestionKind::TrueFalse {
            answer: true,
            feedback_true: None,
            feedback_false: None
        }
    );
    // And new fields round-trip, with the snake_case names of the TOML format.
    let quiz = parse_quiz_toml(POOL).unwrap();
    let json = serde_json::to_string(&quiz).unwrap();
    assert!(
        json.contains(r#""counts":"latest""#) && json.contains(r#""review":"after_last_attempt""#)
    );
    assert_eq!(serde_json::from_str::<Quiz>(&json).unwrap(), quiz);
}
