//! Tests for manual essay grades and the learner's review of a submitted attempt.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use crate::tests::{SALT, id, quiz};
use crate::{
    IdRole, ResponseEntry, ReviewQuestion, grade, grade_with_manual, new_layout, passed, review,
};

fn responses() -> Vec<ResponseEntry> {
    let e = |q: &str| ResponseEntry {
        question: q.into(),
        ..ResponseEntry::default()
    };
    vec![
        ResponseEntry {
            choices: Some(vec![id("q1", IdRole::Option, 0)]),
            ..e("q1")
        },
        ResponseEntry {
            choices: Some(vec![
                id("q2", IdRole::Option, 2),
                id("q2", IdRole::Option, 0),
            ]),
            ..e("q2")
        },
        ResponseEntry {
            choices: Some(vec!["true".into()]),
            ..e("q3")
        },
        ResponseEntry {
            text: Some("  bpbd ".into()),
            ..e("q4")
        },
        ResponseEntry {
            number: Some(3.0),
            ..e("q5")
        },
        ResponseEntry {
            pairs: Some(vec![
                [id("q6", IdRole::Left, 0), id("q6", IdRole::Right, 2)],
                [id("q6", IdRole::Left, 1), id("q6", IdRole::Right, 1)],
            ]),
            ..e("q6")
        },
        ResponseEntry {
            order: Some((0..4).rev().map(|i| id("q7", IdRole::Item, i)).collect()),
            ..e("q7")
        },
        ResponseEntry {
            text: Some("<script>alert(1)</script> Rencana".into()),
            ..e("q8")
        },
    ]
}

#[test]
fn manual_scores_finish_essays() {
    let quiz = quiz();
    let r = responses();
    let auto = grade(&quiz, SALT, &r);
    assert_eq!(auto, grade_with_manual(&quiz, SALT, &r, &HashMap::new()));
    assert!(auto.pending_review);
    let essay = |g: &crate::Grade| {
        g.questions
            .iter()
            .find(|q| q.question == "q8")
            .cloned()
            .unwrap()
    };
    assert!(essay(&auto).needs_review);

    let manual = |pairs: &[(&str, f64)]| -> HashMap<String, f64> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    };
    let g = grade_with_manual(&quiz, SALT, &r, &manual(&[("q8", 0.75)]));
    assert_eq!((essay(&g).score, essay(&g).needs_review), (0.75, false));
    assert!(!g.pending_review);
    assert_eq!(g.score, auto.score + 0.75);
    // Clamped to the question's points, and a manual score for an automatic question is ignored.
    let g = grade_with_manual(&quiz, SALT, &r, &manual(&[("q8", 5.0), ("q1", -3.0)]));
    assert_eq!(essay(&g).score, 1.0);
    assert_eq!(g.questions[0], auto.questions[0]);
    let g = grade_with_manual(&quiz, SALT, &r, &manual(&[("q8", -2.0)]));
    assert_eq!((essay(&g).score, g.pending_review), (0.0, false));
    // Not a number: still waiting for a real grade.
    let g = grade_with_manual(&quiz, SALT, &r, &manual(&[("q8", f64::NAN)]));
    assert!(g.pending_review && essay(&g).needs_review);
    // An unanswered essay can be graded too (typically 0), which ends the wait.
    let g = grade_with_manual(&quiz, SALT, &[], &manual(&[("q8", 0.0)]));
    assert!(!g.pending_review);
    assert!(!passed(&quiz, &g), "0 % does not pass");
}

fn by_id<'r>(r: &'r [ReviewQuestion], q: &str) -> &'r ReviewQuestion {
    r.iter().find(|x| x.id == q).unwrap()
}

#[test]
fn review_without_right_answers_shows_only_the_learners_own() {
    let quiz = quiz();
    let layout = new_layout(&quiz, 3);
    let r = responses();
    let g = grade(&quiz, SALT, &r);
    let rv = review(&quiz, &layout, SALT, &r, &g, false);
    let order: Vec<_> = rv.iter().map(|q| q.id.as_str()).collect();
    let layout_order: Vec<_> = layout
        .questions
        .iter()
        .map(|q| q.question.as_str())
        .collect();
    assert_eq!(order, layout_order);

    let q1 = by_id(&rv, "q1");
    assert_eq!(
        (q1.kind, q1.score, q1.points),
        (crate::QuestionType::SingleChoice, 1.0, 1.0)
    );
    assert_eq!(q1.answer.html, ["BPBD"]);
    assert_eq!(q1.chosen_feedback_html, ["Tepat"]);
    let q2 = by_id(&rv, "q2");
    let mut chosen = q2.answer.html.clone();
    chosen.sort();
    assert_eq!(chosen, ["Mitigasi", "Rekonstruksi"]);
    assert_eq!(q2.score, 0.0);
    assert_eq!(by_id(&rv, "q3").answer.text, ["Benar"]);
    assert_eq!(by_id(&rv, "q4").answer.text, ["  bpbd "]);
    assert_eq!(by_id(&rv, "q5").answer.text, ["3"]);
    let mut pairs = by_id(&rv, "q6").answer.html.clone();
    pairs.sort();
    assert_eq!(
        pairs,
        ["Pascabencana → Rehabilitasi", "Prabencana → Evakuasi"]
    );
    // The same pairs, each as its two texts, so a page can show a pair as one unit.
    let mut as_pairs = by_id(&rv, "q6").answer.pairs.clone();
    as_pairs.sort();
    assert_eq!(
        as_pairs,
        [
            ["Pascabencana".to_owned(), "Rehabilitasi".to_owned()],
            ["Prabencana".to_owned(), "Evakuasi".to_owned()]
        ]
    );
    assert!(by_id(&rv, "q1").answer.pairs.is_empty());
    assert_eq!(by_id(&rv, "q6").score, 0.5);
    assert_eq!(
        by_id(&rv, "q7").answer.html,
        ["fourth", "third", "second", "first"]
    );
    let q8 = by_id(&rv, "q8");
    // What the learner typed is text to escape, never HTML.
    assert!(q8.answer.html.is_empty());
    assert_eq!(q8.answer.text, ["<script>alert(1)</script> Rencana"]);
    assert!(q8.needs_review);

    for q in &rv {
        assert!(q.correct.is_none() && q.feedback_html.is_none(), "{q:#?}");
    }
    let json = serde_json::to_string(&rv).unwrap();
    for secret in [
        "\"correct\"",
        "weight",
        "Lihat materi 1",
        "Kesiapsiagaan",
        "\"feedback_html\"",
    ] {
        assert!(!json.contains(secret), "{secret} leaks in {json}");
    }
}

#[test]
fn review_with_right_answers() {
    let quiz = quiz();
    let layout = new_layout(&quiz, 3);
    let r = responses();
    let g = grade(&quiz, SALT, &r);
    let rv = review(&quiz, &layout, SALT, &r, &g, true);
    let correct = |q: &str| by_id(&rv, q).correct.clone().unwrap();
    assert_eq!(correct("q1").html, ["BPBD"]);
    assert_eq!(
        by_id(&rv, "q1").feedback_html.as_deref(),
        Some("Lihat materi 1")
    );
    let mut right = correct("q2").html;
    right.sort();
    assert_eq!(right, ["Kesiapsiagaan", "Mitigasi"]);
    assert_eq!(correct("q3").text, ["Salah"]);
    assert_eq!(
        correct("q4").text,
        ["BPBD", "Badan Penanggulangan Bencana Daerah"]
    );
    // Only full-credit ranges; the 50 % range 2..4 is not "the" answer.
    assert_eq!(correct("q5").text, ["3"]);
    let mut pairs = correct("q6").html;
    pairs.sort();
    assert_eq!(
        pairs,
        ["Pascabencana → Rehabilitasi", "Prabencana → Mitigasi"]
    );
    let mut right_pairs = correct("q6").pairs;
    right_pairs.sort();
    assert_eq!(
        right_pairs,
        [
            ["Pascabencana".to_owned(), "Rehabilitasi".to_owned()],
            ["Prabencana".to_owned(), "Mitigasi".to_owned()]
        ]
    );
    assert_eq!(correct("q7").html, ["first", "second", "third", "fourth"]);
    assert!(
        by_id(&rv, "q8").correct.is_none(),
        "an essay has no right answer"
    );
    // The learner's side is the same either way.
    let hidden = review(&quiz, &layout, SALT, &r, &g, false);
    for (a, b) in rv.iter().zip(&hidden) {
        assert_eq!((&a.answer, a.score), (&b.answer, b.score));
    }
}

#[test]
fn review_of_an_empty_attempt_and_true_false_feedback() {
    let quiz = crate::parse_quiz_toml(
        "slug = \"k\"\ntitle = \"K\"\n[[questions]]\nid = \"a\"\nkind = \"true_false\"\nprompt = \"P\"\nanswer = true\n",
    )
    .unwrap();
    let mut quiz = quiz;
    quiz.questions[0].kind = crate::QuestionKind::TrueFalse {
        answer: true,
        feedback_true: Some("Betul.".into()),
        feedback_false: Some("Keliru.".into()),
    };
    let layout = new_layout(&quiz, 0);
    let g = grade(&quiz, SALT, &[]);
    let rv = review(&quiz, &layout, SALT, &[], &g, false);
    assert!(rv[0].answer.html.is_empty() && rv[0].answer.text.is_empty());
    assert!(rv[0].chosen_feedback_html.is_empty());
    let answer = [ResponseEntry {
        question: "a".into(),
        choices: Some(vec!["false".into()]),
        ..ResponseEntry::default()
    }];
    let g = grade(&quiz, SALT, &answer);
    let rv = review(&quiz, &layout, SALT, &answer, &g, false);
    assert_eq!(rv[0].chosen_feedback_html, ["Keliru."]);
    assert_eq!(rv[0].answer.text, ["Salah"]);
}

#[test]
fn review_policies_decide_when_right_answers_show() {
    use crate::ReviewPolicy::{AfterLastAttempt, AfterSubmit, Never};
    assert!(AfterSubmit.shows_correct(1, 3) && AfterSubmit.shows_correct(1, 0));
    assert!(!AfterLastAttempt.shows_correct(2, 3));
    assert!(AfterLastAttempt.shows_correct(3, 3));
    assert!(
        !AfterLastAttempt.shows_correct(50, 0),
        "unlimited attempts never run out"
    );
    assert!(!Never.shows_correct(3, 3));
}
