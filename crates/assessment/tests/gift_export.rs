//! `to_gift` writes GIFT that reads back unchanged: `parse_gift(to_gift(q))` gives the questions
//! of `q` in everything GIFT can carry, for generated quizzes of every kind GIFT can express and
//! for every quiz shipped in content/ and the test fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use lentera_assessment::{
    ChoiceOption, MatchPair, NumericAnswer, Question, QuestionKind, Quiz, QuizSettings, TextAnswer,
    parse_aiken, parse_gift, parse_quiz_toml, quiz_from_questions, to_gift,
};
use proptest::prelude::*;

/// A quiz as GIFT carries it (see the module documentation of `to_gift`): ordering questions
/// left out, every question worth 1 (a description 0), short answers not case-sensitive,
/// descriptions in no group, texts without surrounding white space or carriage returns.
fn carried(quiz: &Quiz) -> Vec<Question> {
    let text = |s: &str| s.replace("\r\n", "\n").trim().to_owned();
    let opt = |s: &Option<String>| s.as_deref().map(text).filter(|t| !t.is_empty());
    quiz.questions
        .iter()
        .filter(|q| !matches!(q.kind, QuestionKind::Ordering { .. }))
        .map(|q| {
            let kind = match &q.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options } => {
                    let options = options
                        .iter()
                        .enumerate()
                        .map(|(i, o)| ChoiceOption {
                            // Option ids are positional in GIFT: a, b, c, ...
                            id: char::from(b'a' + u8::try_from(i).unwrap()).to_string(),
                            text: text(&o.text),
                            weight: o.weight,
                            feedback: opt(&o.feedback),
                        })
                        .collect();
                    if matches!(q.kind, QuestionKind::SingleChoice { .. }) {
                        QuestionKind::SingleChoice { options }
                    } else {
                        QuestionKind::MultipleChoice { options }
                    }
                }
                QuestionKind::TrueFalse {
                    answer,
                    feedback_true,
                    feedback_false,
                } => QuestionKind::TrueFalse {
                    answer: *answer,
                    feedback_true: opt(feedback_true),
                    feedback_false: opt(feedback_false),
                },
                QuestionKind::ShortAnswer { answers, .. } => QuestionKind::ShortAnswer {
                    answers: answers
                        .iter()
                        .map(|a| TextAnswer {
                            text: text(&a.text),
                            weight: a.weight,
                            feedback: opt(&a.feedback),
                        })
                        .collect(),
                    case_sensitive: false,
                },
                QuestionKind::Numerical {
                    answers,
                    other_feedback,
                } => QuestionKind::Numerical {
                    answers: answers
                        .iter()
                        .map(|a| NumericAnswer {
                            feedback: opt(&a.feedback),
                            ..a.clone()
                        })
                        .collect(),
                    other_feedback: opt(other_feedback),
                },
                QuestionKind::Matching { pairs, distractors } => QuestionKind::Matching {
                    pairs: pairs
                        .iter()
                        .map(|p| MatchPair {
                            left: text(&p.left),
                            right: text(&p.right),
                        })
                        .collect(),
                    distractors: distractors.iter().map(|d| text(d)).collect(),
                },
                other => other.clone(),
            };
            let description = q.is_description();
            Question {
                id: q.id.clone(),
                kind,
                points: if description { 0.0 } else { 1.0 },
                prompt: text(&q.prompt),
                feedback: opt(&q.feedback),
                group: q.group.clone().filter(|_| !description),
            }
        })
        .collect()
}

fn round_trip(quiz: &Quiz) -> Vec<Question> {
    let gift = to_gift(quiz);
    parse_gift(&gift).unwrap_or_else(|p| panic!("{p:#?}\nin\n{gift}"))
}

// --- Generated quizzes ---------------------------------------------------------------------

/// Text of every sort an author writes, GIFT's and Markdown's special characters included.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9éü]{1,6}",
        Just(" ".to_owned()),
        Just("  ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        prop::sample::select(vec![
            "~",
            "=",
            "#",
            "{",
            "}",
            ":",
            "\\",
            "\\n",
            "*",
            "_",
            "[",
            "]",
            "<",
            ">",
            "&",
            "%",
            "|",
            "!",
            "-",
            "+",
            ".",
            "1.",
            "//",
            "::",
            "####",
            "[html]",
            "[markdown]",
            "%50%",
            "<b>",
            "</b>",
            "<pre>",
            "&amp;",
            "$CATEGORY:",
            "`",
            "TRUE",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 1..12)
        .prop_map(|v| v.concat().trim().to_owned())
        .prop_filter("not empty", |t| !t.is_empty())
}

/// A matching left-hand item: any text without `->` (GIFT splits a pair at its first `->`).
fn left() -> impl Strategy<Value = String> {
    text().prop_filter("no ->", |t| !t.contains("->"))
}

/// A right-hand item: plain words (Moodle shows them as plain text in a menu).
fn words() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]{1,6}( [a-zA-Z0-9]{1,6}){0,2}"
}

fn feedback() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(100.0), Just(50.0), -100.0..100.0f64]
}

fn choice(single: bool) -> impl Strategy<Value = QuestionKind> {
    prop::collection::vec((text(), weight(), feedback()), 2..6).prop_map(move |opts| {
        let n = opts.len();
        let mut options: Vec<ChoiceOption> = opts
            .into_iter()
            .enumerate()
            .map(|(i, (text, weight, feedback))| ChoiceOption {
                id: char::from(b'a' + u8::try_from(i).unwrap()).to_string(),
                text,
                weight,
                feedback,
            })
            .collect();
        if single {
            // At least one answer worth everything.
            options[0].weight = 100.0;
            QuestionKind::SingleChoice { options }
        } else {
            // Positive weights adding up to 100: the last positive one takes the rest.
            let mut left = 100.0;
            for o in options.iter_mut().take(n - 1) {
                o.weight = if o.weight > 0.0 {
                    let w = (o.weight / 2.0).min(left);
                    left -= w;
                    w
                } else {
                    o.weight
                };
            }
            options[n - 1].weight = left;
            QuestionKind::MultipleChoice { options }
        }
    })
}

fn kind() -> impl Strategy<Value = QuestionKind> {
    prop_oneof![
        choice(true),
        choice(false),
        (any::<bool>(), feedback(), feedback()).prop_map(|(answer, t, f)| {
            QuestionKind::TrueFalse {
                answer,
                feedback_true: t,
                feedback_false: f,
            }
        }),
        prop::collection::vec(
            (
                // A `->` among short answers cannot be carried (it makes a matching question).
                text().prop_filter("no -> in short answers", |t| !t.contains("->")),
                weight(),
                prop::option::of(left())
            ),
            1..4
        )
        .prop_map(|answers| QuestionKind::ShortAnswer {
            answers: answers
                .into_iter()
                .enumerate()
                .map(|(i, (text, weight, feedback))| TextAnswer {
                    text,
                    weight: if i == 0 { 100.0 } else { weight },
                    feedback,
                })
                .collect(),
            case_sensitive: false,
        }),
        (
            prop::collection::vec(
                (
                    -1e6..1e6f64,
                    prop_oneof![Just(0.0), 0.0..100.0f64],
                    0.0..=100.0f64,
                    feedback()
                ),
                1..4
            ),
            feedback()
        )
            .prop_map(|(answers, other_feedback)| QuestionKind::Numerical {
                answers: answers
                    .into_iter()
                    .enumerate()
                    .map(|(i, (min, width, weight, feedback))| NumericAnswer {
                        min,
                        max: min + width,
                        weight: if i == 0 { 100.0 } else { weight },
                        feedback,
                    })
                    .collect(),
                other_feedback,
            }),
        (
            prop::collection::vec((left(), words()), 2..5),
            prop::collection::vec(words(), 0..3)
        )
            .prop_map(|(pairs, distractors)| QuestionKind::Matching {
                pairs: pairs
                    .into_iter()
                    .map(|(left, right)| MatchPair { left, right })
                    .collect(),
                distractors,
            }),
        Just(QuestionKind::Essay),
        Just(QuestionKind::Description),
    ]
}

fn quiz() -> impl Strategy<Value = Quiz> {
    let question = (
        kind(),
        text(),
        feedback(),
        prop::option::of(prop::sample::select(vec!["g1", "Bencana/Gempa", "top"])),
    );
    prop::collection::vec(question, 1..10).prop_map(|qs| {
        let questions = qs
            .into_iter()
            .enumerate()
            .map(|(i, (kind, prompt, feedback, group))| {
                let description = kind == QuestionKind::Description;
                // GIFT has no general feedback for these: a description has no answers, and
                // its text is all it has.
                let feedback = feedback.filter(|_| !description);
                Question {
                    id: format!("s{i}-x"),
                    points: if description { 0.0 } else { 1.0 },
                    kind,
                    prompt,
                    feedback,
                    group: group.filter(|_| !description).map(str::to_owned),
                }
            })
            .collect();
        quiz_from_questions("kuis", &QuizSettings::default(), questions).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_quizzes_read_back_unchanged(quiz in quiz()) {
        // Only quizzes with a question (a file of descriptions alone is refused).
        prop_assume!(quiz.questions.iter().any(|q| !q.is_description()));
        let gift = to_gift(&quiz);
        let back = parse_gift(&gift).map_err(|p| TestCaseError::fail(format!("{p:#?}\n{gift}")))?;
        prop_assert_eq!(back, carried(&quiz), "\n{}", gift);
    }
}

// --- Shipped quizzes -----------------------------------------------------------------------

fn quiz_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = Vec::new();
    for top in ["content", "tests/fixtures", "tests/fixtures-extra"] {
        for course in std::fs::read_dir(root.join(top)).unwrap().flatten() {
            let quizzes = course.path().join("quizzes");
            if quizzes.is_dir() {
                dirs.push(quizzes);
            }
        }
    }
    let mut files: Vec<PathBuf> = dirs
        .into_iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten().map(|e| e.path()))
        .collect();
    files.sort();
    files
}

#[test]
fn shipped_quizzes_read_back_unchanged() {
    let files = quiz_files();
    assert!(files.len() >= 20, "{files:?}");
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        let slug = file.file_stem().unwrap().to_str().unwrap();
        let quiz = match ext {
            "toml" => parse_quiz_toml(&src).unwrap(),
            "gift" | "aiken" => {
                let questions = if ext == "gift" {
                    parse_gift(&src).unwrap()
                } else {
                    parse_aiken(&src).unwrap()
                };
                quiz_from_questions(slug, &QuizSettings::default(), questions).unwrap()
            }
            _ => continue,
        };
        let (back, want) = (round_trip(&quiz), carried(&quiz));
        assert_eq!(back.len(), want.len(), "{}", file.display());
        for (b, w) in back.iter().zip(&want) {
            assert_eq!(b, w, "{}", file.display());
        }
    }
}

#[test]
fn what_gift_cannot_carry_is_said_in_comments() {
    let quiz = parse_quiz_toml(
        r#"
slug = "k"
title = "Kuis"
pass_percent = 80

[[questions]]
id = "urut"
kind = "ordering"
prompt = "Urutkan"
items = ["a", "b"]

[[questions]]
id = "dua"
kind = "short_answer"
points = 2
case_sensitive = true
prompt = "Singkatan?"
answers = ["BPBD"]
"#,
    )
    .unwrap();
    let gift = to_gift(&quiz);
    assert!(
        gift.starts_with("// Kuis (k), written as GIFT by Lentera.\n"),
        "{gift}"
    );
    assert!(
        gift.contains("// Question urut (ordering) is left out"),
        "{gift}"
    );
    assert!(gift.contains("// Worth 2 points in Lentera"), "{gift}");
    assert!(gift.contains("// Case-sensitive in Lentera"), "{gift}");
    assert!(
        gift.contains("::dua::Singkatan?{\n\t=%100%BPBD\n}"),
        "{gift}"
    );
    let back = parse_gift(&gift).unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].id, "dua");
}

#[test]
fn moodle_shapes_are_written_as_moodle_writes_them() {
    // The shapes of Moodle's own export (question/format/gift/format.php, writequestion).
    let questions = parse_gift(
        "::Q8::How are you?{}\n\n\
         ::TF::42 is the Absolute Answer to everything.{FALSE#42 is the Ultimate Answer.#You gave the right answer.}\n\n\
         ::MC::What's between orange and green in the spectrum?{=yellow#right; good! ~red#wrong ~%50%blue}\n\n\
         ::Num::What is a number from 1 to 5?{#3:2~#Completely wrong}\n\n\
         ::Moodle activities::Match the activity.{=Forum thing -> Forum =Chat thing -> Chat = -> Wiki}\n\n\
         Intro text, no answers.",
    )
    .unwrap();
    let quiz = quiz_from_questions("m", &QuizSettings::default(), questions).unwrap();
    let gift = to_gift(&quiz);
    for expected in [
        "::q8::How are you?{}\n",
        "::tf::42 is the Absolute Answer to everything.{FALSE#42 is the Ultimate Answer.#You gave the right answer.}\n",
        "::mc::What's between orange and green in the spectrum?{\n\t=yellow#right; good!\n\t~red#wrong\n\t~%50%blue\n}\n",
        "::num::What is a number from 1 to 5?{#\n\t=%100%1..5\n\t~#Completely wrong\n}\n",
        "::moodle-activities::Match the activity.{\n\t=Forum thing -> Forum\n\t=Chat thing -> Chat\n\t= -> Wiki\n}\n",
        "::d1::Intro text, no answers.\n",
    ] {
        assert!(gift.contains(expected), "{expected:?} not in\n{gift}");
    }
    assert_eq!(round_trip(&quiz), carried(&quiz));
}
