//! Tests for parsing, layouts, the public view and grading, on one quiz with every kind.

#![allow(clippy::unwrap_used)]

use crate::{
    AttemptLayout, IdRole, Problem, QuestionKind, QuestionType, Quiz, ResponseEntry, answer_key,
    grade, new_layout, opaque_id, parse_quiz_toml, passed, public_questions, validate_response,
};

pub(crate) const SALT: &[u8] = b"instance-secret";

const FULL: &str = r#"
slug = "evaluasi-pra-bencana"
title = "Evaluasi Modul Pra-bencana"
pass_percent = 70
max_attempts = 3
time_limit_minutes = 20

[[questions]]
id = "q1"
kind = "single_choice"
prompt = "Siapa koordinator?"
feedback = "Lihat materi 1"
options = [
  { id = "a", text = "BPBD", correct = true, feedback = "Tepat" },
  { id = "b", text = "BMKG" },
  { id = "c", text = "PMI" },
]

[[questions]]
id = "q2"
kind = "multiple_choice"
points = 2
prompt = "Pilih semua yang benar"
options = [
  { id = "a", text = "Mitigasi", weight = 50 },
  { id = "b", text = "Kesiapsiagaan", weight = 50 },
  { id = "c", text = "Rekonstruksi", weight = -50 },
]

[[questions]]
id = "q3"
kind = "true_false"
prompt = "Gempa bisa diprediksi."
answer = false

[[questions]]
id = "q4"
kind = "short_answer"
prompt = "Singkatan badan daerah?"
answers = ["BPBD", "Badan Penanggulangan Bencana Daerah"]

[[questions]]
id = "q5"
kind = "numerical"
prompt = "Berapa fase?"
answers = [
  { value = 3.0, tolerance = 0.0 },
  { min = 2.0, max = 4.0, weight = 50 },
]

[[questions]]
id = "q6"
kind = "matching"
prompt = "Pasangkan"
pairs = [ { left = "Prabencana", right = "Mitigasi" }, { left = "Pascabencana", right = "Rehabilitasi" } ]
distractors = ["Evakuasi"]

[[questions]]
id = "q7"
kind = "ordering"
prompt = "Urutkan"
items = ["first", "second", "third", "fourth"]

[[questions]]
id = "q8"
kind = "essay"
prompt = "Jelaskan"
"#;

pub(crate) fn quiz() -> Quiz {
    parse_quiz_toml(FULL).unwrap()
}

/// A quiz with no questions and fixed order, to put questions in.
pub(crate) fn empty_quiz() -> Quiz {
    Quiz {
        questions: Vec::new(),
        shuffle_questions: false,
        shuffle_options: false,
        ..quiz()
    }
}

fn entry(question: &str) -> ResponseEntry {
    ResponseEntry {
        question: question.into(),
        ..ResponseEntry::default()
    }
}

pub(crate) fn id(q: &str, role: IdRole, i: usize) -> String {
    opaque_id(SALT, "evaluasi-pra-bencana", q, role, i)
}

/// Score of one question for one response.
fn score(r: ResponseEntry) -> f64 {
    let quiz = quiz();
    let g = grade(&quiz, SALT, std::slice::from_ref(&r));
    g.questions
        .iter()
        .find(|g| g.question == r.question)
        .unwrap()
        .score
}

fn problems(src: &str) -> Vec<Problem> {
    let p = parse_quiz_toml(src).unwrap_err();
    assert_translated(&p);
    p
}

/// Every problem carries an Indonesian `pesan` of its own, not a copy of the English message.
pub(crate) fn assert_translated(problems: &[Problem]) {
    for p in problems {
        assert!(!p.pesan.trim().is_empty(), "no pesan in {p:#?}");
        assert_ne!(p.pesan, p.message, "pesan is not translated in {p:#?}");
    }
}

#[test]
fn parses_every_kind_with_defaults() {
    let q = quiz();
    assert_eq!(q.pass_percent, 70.0);
    assert_eq!(q.max_attempts, 3);
    assert_eq!(q.time_limit_minutes, Some(20));
    assert!(q.shuffle_questions && q.shuffle_options);
    let kinds: Vec<_> = q.questions.iter().map(|q| q.kind.kind_name()).collect();
    assert_eq!(
        kinds,
        [
            "single_choice",
            "multiple_choice",
            "true_false",
            "short_answer",
            "numerical",
            "matching",
            "ordering",
            "essay"
        ]
    );
    assert_eq!(q.max_score(), 9.0);
    // The stored JSON round-trips and names the kind like the TOML does.
    let json = serde_json::to_string(&q).unwrap();
    assert!(json.contains(r#""kind":"single_choice""#));
    assert_eq!(serde_json::from_str::<Quiz>(&json).unwrap(), q);
}

#[test]
fn map_text_touches_every_displayed_text() {
    let mut q = quiz();
    q.map_text(&mut |s| format!("<p>{s}</p>"));
    let QuestionKind::Matching { pairs, distractors } = &q.questions[5].kind else {
        panic!()
    };
    assert_eq!(pairs[0].right, "<p>Mitigasi</p>");
    assert_eq!(distractors[0], "<p>Evakuasi</p>");
    let QuestionKind::SingleChoice { options } = &q.questions[0].kind else {
        panic!()
    };
    assert_eq!(options[0].feedback.as_deref(), Some("<p>Tepat</p>"));
    // Accepted short answers are compared, never displayed, so they stay as written.
    let QuestionKind::ShortAnswer { answers, .. } = &q.questions[3].kind else {
        panic!()
    };
    assert_eq!(answers[0], "BPBD".into());
}

#[test]
fn reports_many_problems_with_lines() {
    let src = r#"slug = "Bad Slug"
title = 5
pass_percent = 150
colour = "red"

[[questions]]
id = "q1"
kind = "single_choice"
prompt = "x"
options = [ { id = "a", text = "A" }, { id = "b", text = "B" } ]

[[questions]]
id = "q1"
kind = "multiple_choice"
prompt = "y"
options = [ { id = "a", text = "A", weight = 60 }, { id = "b", text = "B", weight = 30 } ]

[[questions]]
id = "q3"
kind = "riddle"
prompt = "z"

[[questions]]
id = "q4"
kind = "numerical"
answers = [ { tolerance = 1 } ]
points = "two"
"#;
    let p = problems(src);
    let at = |line: u32, needle: &str| {
        assert!(
            p.iter()
                .any(|p| p.line == line && p.message.contains(needle)),
            "no problem with {needle:?} on line {line}: {p:#?}"
        )
    };
    at(1, "slug");
    at(2, "`title` in the quiz must be text");
    at(3, "between 0 and 100");
    at(4, "unknown key `colour`");
    at(10, "exactly one option with `correct = true` (found 0)");
    at(13, "question id `q1` is used twice (first on line 7)");
    at(16, "add up to 90");
    at(20, "unknown kind `riddle`");
    at(23, "question `q4` is missing `prompt`");
    at(26, "needs a `value` or both `min` and `max`");
    at(27, "`points` in question `q4` must be a number");
    assert_eq!(p[0].column, 8);
    assert!(
        p.windows(2)
            .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column))
    );
}

#[test]
fn reports_kind_specific_problems() {
    let src = r#"slug = "k"
title = "T"
time_limit_minutes = 0

[[questions]]
id = "m"
kind = "matching"
prompt = "p"
pairs = [ { left = "a", right = "b" } ]

[[questions]]
id = "o"
kind = "ordering"
prompt = "p"
items = ["only"]
answer = true

[[questions]]
id = "c"
kind = "multiple_choice"
prompt = "p"
options = []
"#;
    let p = problems(src);
    let lines: Vec<_> = p.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert!(
        lines.contains(&(
            3,
            "`time_limit_minutes` must be at least 1 (leave it out for no time limit)"
        )),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(9, "question `m` needs at least 2 pairs")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(15, "question `o` needs at least 2 items")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(
            16,
            "unknown key `answer` in question `o` (kind = \"ordering\")"
        )),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(22, "question `c` has no options")),
        "{lines:?}"
    );
}

#[test]
fn syntax_errors_and_missing_questions() {
    let p = problems("slug = \"a\"\ntitle = \n");
    assert_eq!(p[0].line, 2);
    assert!(p[0].message.starts_with("TOML syntax error"));
    assert!(p[0].pesan.starts_with("Sintaks TOML tidak valid: "));
    let p = problems("slug = \"a\"\ntitle = \"T\"\n");
    assert_eq!(
        p,
        [Problem {
            line: 1,
            column: 1,
            message: "the quiz is missing `questions`".into(),
            pesan: "kuis belum punya `questions`".into()
        }]
    );
}

#[test]
fn layouts_are_deterministic_permutations() {
    let q = quiz();
    assert_eq!(new_layout(&q, 42), new_layout(&q, 42));
    let differs = (0..20).any(|s| new_layout(&q, s).questions != new_layout(&q, 42).questions);
    assert!(differs);
    for seed in 0..200 {
        let l = new_layout(&q, seed);
        let mut ids: Vec<_> = l.questions.iter().map(|ql| ql.question.clone()).collect();
        ids.sort();
        assert_eq!(ids, ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]);
        for ql in &l.questions {
            let mut opts = ql.options.clone();
            opts.sort_unstable();
            assert!(opts.iter().enumerate().all(|(i, &o)| i == o), "{ql:?}");
            let mut right = ql.right.clone();
            right.sort_unstable();
            assert!(right.iter().enumerate().all(|(i, &o)| i == o), "{ql:?}");
        }
        let ordering = l.questions.iter().find(|ql| ql.question == "q7").unwrap();
        assert_ne!(ordering.options, [0, 1, 2, 3]);
        assert_eq!(
            l.questions
                .iter()
                .find(|ql| ql.question == "q3")
                .unwrap()
                .options,
            [0, 1]
        );
        assert_eq!(
            l.questions
                .iter()
                .find(|ql| ql.question == "q6")
                .unwrap()
                .right
                .len(),
            3
        );
    }
    let mut fixed = q.clone();
    fixed.shuffle_questions = false;
    fixed.shuffle_options = false;
    let l = new_layout(&fixed, 7);
    assert_eq!(l.questions[0].question, "q1");
    assert_eq!(l.questions[0].options, [0, 1, 2]);
    assert_ne!(l.questions[6].options, [0, 1, 2, 3]);
    // Stored as JSON by the server.
    let json = serde_json::to_string(&l).unwrap();
    assert_eq!(serde_json::from_str::<AttemptLayout>(&json).unwrap(), l);
}

#[test]
fn public_view_reveals_nothing() {
    let q = quiz();
    for seed in 0..20 {
        let public = public_questions(&q, &new_layout(&q, seed), SALT);
        assert_eq!(public.len(), 8);
        let json = serde_json::to_string(&public).unwrap();
        // Leading quotes: "short_answer" is a kind name, not a leak.
        for word in [
            "\"correct",
            "\"weight",
            "\"answer",
            "\"feedback",
            "Tepat",
            "Lihat materi",
        ] {
            assert!(!json.contains(word), "{word} in {json}");
        }
        let q1 = public.iter().find(|p| p.id == "q1").unwrap();
        let ids: Vec<_> = q1
            .options
            .as_ref()
            .unwrap()
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert!(!ids.contains(&"a") && ids.contains(&id("q1", IdRole::Option, 0).as_str()));
        let q6 = public.iter().find(|p| p.id == "q6").unwrap();
        assert_eq!(q6.left.as_ref().unwrap().len(), 2);
        assert_eq!(q6.right.as_ref().unwrap().len(), 3);
        assert!(q6.options.is_none());
        let q3 = public.iter().find(|p| p.id == "q3").unwrap();
        let tf: Vec<_> = q3
            .options
            .as_ref()
            .unwrap()
            .iter()
            .map(|o| (o.id.as_str(), o.html.as_str()))
            .collect();
        assert_eq!(tf, [("true", "Benar"), ("false", "Salah")]);
        let q4 = public.iter().find(|p| p.id == "q4").unwrap();
        assert!(q4.options.is_none() && q4.left.is_none() && q4.right.is_none());
    }
    // Another instance (salt) gives different ids, and matching sides never share ids.
    assert_ne!(
        opaque_id(b"other", "evaluasi-pra-bencana", "q1", IdRole::Option, 0),
        id("q1", IdRole::Option, 0)
    );
    assert_ne!(id("q6", IdRole::Left, 0), id("q6", IdRole::Right, 0));
    assert_eq!(id("q1", IdRole::Option, 0).len(), 10);
}

#[test]
fn answer_key_gets_full_marks_except_essays() {
    let q = quiz();
    let key = answer_key(&q, SALT);
    assert_eq!(key.len(), 8);
    for e in &key {
        validate_response(&q, SALT, e).unwrap();
    }
    let g = grade(&q, SALT, &key);
    assert_eq!(g.score, 8.0);
    assert_eq!(g.max_score, 9.0);
    assert_eq!(g.percent, 88.8889);
    assert!(g.pending_review && !passed(&q, &g));
    assert!(
        g.questions
            .iter()
            .all(|qg| qg.needs_review || qg.score == qg.max)
    );
    let mut no_essay = q.clone();
    no_essay.questions.pop();
    let g = grade(&no_essay, SALT, &answer_key(&no_essay, SALT));
    assert_eq!((g.percent, g.pending_review), (100.0, false));
    assert!(passed(&no_essay, &g));
    assert!(!passed(&no_essay, &grade(&no_essay, SALT, &[])));
}

fn choices(q: &str, ids: &[String]) -> ResponseEntry {
    ResponseEntry {
        choices: Some(ids.to_vec()),
        ..entry(q)
    }
}

#[test]
fn single_choice_and_true_false() {
    let opt = |i| id("q1", IdRole::Option, i);
    assert_eq!(score(choices("q1", &[opt(0)])), 1.0);
    assert_eq!(score(choices("q1", &[opt(1)])), 0.0);
    assert_eq!(
        score(choices("q1", &[opt(0), opt(1)])),
        0.0,
        "several choices never score"
    );
    assert_eq!(
        score(choices("q1", &["a".into()])),
        0.0,
        "author ids are not wire ids"
    );
    assert_eq!(score(choices("q3", &["false".into()])), 1.0);
    assert_eq!(score(choices("q3", &["true".into()])), 0.0);
    assert_eq!(score(entry("q3")), 0.0);
}

#[test]
fn multiple_choice_partial_and_clamped() {
    let opt = |i| id("q2", IdRole::Option, i);
    assert_eq!(score(choices("q2", &[opt(0), opt(1)])), 2.0);
    assert_eq!(score(choices("q2", &[opt(0)])), 1.0);
    assert_eq!(
        score(choices("q2", &[opt(0), opt(0)])),
        1.0,
        "duplicates count once"
    );
    assert_eq!(score(choices("q2", &[opt(0), opt(1), opt(2)])), 1.0);
    assert_eq!(score(choices("q2", &[opt(2)])), 0.0, "never below zero");
}

#[test]
fn short_answer_normalises() {
    let text = |t: &str| ResponseEntry {
        text: Some(t.into()),
        ..entry("q4")
    };
    assert_eq!(score(text("  bpbd ")), 1.0);
    assert_eq!(score(text("badan  penanggulangan\tbencana DAERAH")), 1.0);
    assert_eq!(score(text("BNPB")), 0.0);
    assert_eq!(score(text("")), 0.0);
    let mut q = quiz();
    if let QuestionKind::ShortAnswer { case_sensitive, .. } = &mut q.questions[3].kind {
        *case_sensitive = true;
    }
    assert_eq!(grade(&q, SALT, &[text("bpbd")]).score, 0.0);
    assert_eq!(grade(&q, SALT, &[text(" BPBD")]).score, 1.0);
}

#[test]
fn numerical_best_weight() {
    let num = |n: f64| ResponseEntry {
        number: Some(n),
        ..entry("q5")
    };
    assert_eq!(score(num(3.0)), 1.0);
    assert_eq!(score(num(2.5)), 0.5);
    assert_eq!(score(num(4.0)), 0.5);
    assert_eq!(score(num(4.5)), 0.0);
    assert_eq!(score(num(f64::NAN)), 0.0);
}

#[test]
fn matching_per_pair() {
    let l = |i| id("q6", IdRole::Left, i);
    let r = |i| id("q6", IdRole::Right, i);
    let pairs = |p: Vec<[String; 2]>| ResponseEntry {
        pairs: Some(p),
        ..entry("q6")
    };
    assert_eq!(score(pairs(vec![[l(0), r(0)], [l(1), r(1)]])), 1.0);
    assert_eq!(score(pairs(vec![[l(0), r(0)], [l(1), r(2)]])), 0.5);
    assert_eq!(score(pairs(vec![[l(0), r(1)], [l(1), r(0)]])), 0.0);
    assert_eq!(
        score(pairs(vec![[l(0), r(0)], [l(0), r(1)]])),
        0.0,
        "later pair for a left item wins"
    );
}

#[test]
fn ordering_absolute_positions() {
    let it = |i| id("q7", IdRole::Item, i);
    let order = |o: &[usize]| ResponseEntry {
        order: Some(o.iter().map(|&i| it(i)).collect()),
        ..entry("q7")
    };
    assert_eq!(score(order(&[0, 1, 2, 3])), 1.0);
    assert_eq!(score(order(&[0, 1, 3, 2])), 0.5);
    assert_eq!(score(order(&[1, 2, 3, 0])), 0.0);
}

#[test]
fn essay_needs_review_and_later_entries_win() {
    let q = quiz();
    let essay = ResponseEntry {
        text: Some("Panjang".into()),
        ..entry("q8")
    };
    let g = grade(&q, SALT, &[essay]);
    let qg = g.questions.iter().find(|g| g.question == "q8").unwrap();
    assert_eq!((qg.score, qg.needs_review), (0.0, true));
    assert!(g.pending_review);
    let g = grade(
        &q,
        SALT,
        &[
            choices("q3", &["false".into()]),
            choices("q3", &["true".into()]),
        ],
    );
    assert_eq!(g.score, 0.0);
    assert_eq!(g.percent, 0.0);
}

#[test]
fn validate_response_errors() {
    let q = quiz();
    let err = |e: ResponseEntry| validate_response(&q, SALT, &e).unwrap_err();
    assert!(err(entry("nope")).contains("unknown question"));
    assert!(err(entry("q1")).contains("needs `choices`"));
    assert!(
        err(ResponseEntry {
            text: Some("x".into()),
            ..entry("q1")
        })
        .contains("takes `choices`, not `text`")
    );
    assert!(err(choices("q1", &["a".into()])).contains("unknown option"));
    let two = [id("q1", IdRole::Option, 0), id("q1", IdRole::Option, 1)];
    assert!(err(choices("q1", &two)).contains("only one"));
    assert!(err(choices("q3", &["true".into(), "false".into()])).contains("only one"));
    let dup = [id("q2", IdRole::Option, 0), id("q2", IdRole::Option, 0)];
    assert!(err(choices("q2", &dup)).contains("twice"));
    assert!(
        err(ResponseEntry {
            text: Some("x".repeat(20_001)),
            ..entry("q8")
        })
        .contains("longer")
    );
    assert!(
        err(ResponseEntry {
            number: Some(f64::INFINITY),
            ..entry("q5")
        })
        .contains("finite")
    );
    let bad_pair = vec![[id("q6", IdRole::Right, 0), id("q6", IdRole::Right, 0)]];
    assert!(
        err(ResponseEntry {
            pairs: Some(bad_pair),
            ..entry("q6")
        })
        .contains("unknown left item")
    );
    let short = Some(vec![id("q7", IdRole::Item, 0)]);
    assert!(
        err(ResponseEntry {
            order: short,
            ..entry("q7")
        })
        .contains("all 4 items")
    );
    validate_response(
        &q,
        SALT,
        &ResponseEntry {
            text: Some("x".repeat(20_000)),
            ..entry("q8")
        },
    )
    .unwrap();
    validate_response(&q, SALT, &choices("q2", &[])).unwrap();
    // The wire shape rejects unknown fields.
    assert!(serde_json::from_str::<ResponseEntry>(r#"{"question":"q1","choice":["a"]}"#).is_err());
    let parsed: ResponseEntry =
        serde_json::from_str(r#"{"question":"q3","choices":["true"]}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&parsed).unwrap(),
        r#"{"question":"q3","choices":["true"]}"#
    );
}

#[test]
fn every_problem_has_an_indonesian_pesan() {
    // The broken cases of the other tests go through `problems`, which checks every problem;
    // this one runs broken files of all three formats side by side.
    let toml = r#"slug = "Kuis Saya"
title = 3
warna = "merah"

[[questions]]
id = "q1"
kind = "single_choice"
prompt = "p"
options = [ { id = "a", text = "A" } ]

[[questions]]
id = "q2"
kind = "numerical"
prompt = "p"
answers = [ { value = 1.0, min = 0.0 } ]
"#;
    let p = problems(toml);
    assert!(p.len() >= 5, "{p:#?}");
    let pesan: Vec<&str> = p.iter().map(|p| p.pesan.as_str()).collect();
    assert!(
        pesan.contains(&"kunci `warna` tidak dikenal di kuis"),
        "{pesan:?}"
    );
    assert!(
        pesan.contains(&"`title` di kuis harus berupa teks di antara tanda kutip"),
        "{pesan:?}"
    );
    assert!(
        pesan.contains(&"soal `q1` memerlukan paling sedikit 2 pilihan"),
        "{pesan:?}"
    );
    assert!(
        pesan.contains(
            &"jawaban 1 pada soal `q2` harus memakai `value` atau `min`/`max`, tidak keduanya"
        ),
        "{pesan:?}"
    );
    assert_translated(&problems("slug = \n"));

    let gift = "::A:: Siapa? {=BPBD ~%abc%BMKG}\n\n::Tanpa teks::\n\n::C:: Pasangkan {=a -> b}\n";
    let p = crate::parse_gift(gift).unwrap_err();
    assert!(p.len() >= 3, "{p:#?}");
    assert_translated(&p);

    let aiken = "B. sebelum soal\nSoal?\nA. satu\nANSWER: Z\nSoal dua?\nA. x\nB.\nANSWER: A\n";
    let p = crate::parse_aiken(aiken).unwrap_err();
    assert!(p.len() >= 3, "{p:#?}");
    assert_translated(&p);
}

#[test]
fn descriptions_are_shown_in_place_but_never_graded() {
    let questions = crate::parse_gift(
        "::Intro::Bacaan: <b>UU 24/2007</b> mengatur penanggulangan bencana.\n\n\
         ::A::Tahun terbit UU itu? {#2007}\n\n\
         ::B::UU itu dari tahun 2007. {T}\n\n\
         Bagian dua\\: kelembagaan.\n\n\
         ::C::Singkatan badan daerah? {=BPBD}\n\n\
         ::D::Koordinator di daerah? {=BPBD ~BMKG}\n",
    )
    .unwrap();
    let kinds: Vec<_> = questions
        .iter()
        .map(|q| (q.id.as_str(), q.kind.kind_name(), q.points))
        .collect();
    assert_eq!(
        kinds,
        [
            ("intro", "description", 0.0),
            ("a", "numerical", 1.0),
            ("b", "true_false", 1.0),
            ("d2", "description", 0.0),
            ("c", "short_answer", 1.0),
            ("d", "single_choice", 1.0),
        ]
    );
    assert_eq!(
        questions[0].prompt,
        "<p>\nBacaan: <b>UU 24/2007</b> mengatur penanggulangan bencana.\n</p>"
    );
    let quiz =
        crate::quiz_from_questions("uu", &crate::QuizSettings::default(), questions).unwrap();
    assert_eq!(quiz.questions_per_attempt(), 4);
    assert_eq!(quiz.max_score(), 4.0);
    for seed in 0..50 {
        let layout = new_layout(&quiz, seed);
        let order: Vec<&str> = layout
            .questions
            .iter()
            .map(|q| q.question.as_str())
            .collect();
        // Each description stays in its place, the questions shuffle within its section.
        assert_eq!(order[0], "intro");
        assert_eq!(order[3], "d2");
        let mut first: Vec<&str> = order[1..3].to_vec();
        first.sort_unstable();
        assert_eq!(first, ["a", "b"]);
        let mut second: Vec<&str> = order[4..].to_vec();
        second.sort_unstable();
        assert_eq!(second, ["c", "d"]);
        let public = public_questions(&quiz, &layout, SALT);
        assert_eq!(public[0].kind, QuestionType::Description);
        assert_eq!(public[0].points, 0.0);
        assert!(public[0].options.is_none() && public[3].kind == QuestionType::Description);
    }
    // No answer is taken for a description, and none is needed.
    let mut e = entry("intro");
    e.text = Some("x".into());
    assert!(
        validate_response(&quiz, SALT, &e)
            .unwrap_err()
            .contains("description")
    );
    let key = answer_key(&quiz, SALT);
    assert_eq!(key.len(), 4);
    let g = grade(&quiz, SALT, &key);
    assert_eq!((g.score, g.max_score, g.percent), (4.0, 4.0, 100.0));
    assert!(
        g.questions
            .iter()
            .all(|q| q.question != "intro" && q.question != "d2")
    );
    assert!(passed(&quiz, &g));
    // The review shows it in its place, with nothing to grade.
    let layout = new_layout(&quiz, 3);
    let review = crate::review(&quiz, &layout, SALT, &key, &g, true);
    assert_eq!(review.len(), 6);
    assert_eq!(review[0].kind, QuestionType::Description);
    assert_eq!(
        (review[0].points, review[0].score, review[0].needs_review),
        (0.0, 0.0, false)
    );
    assert!(review[0].correct.is_none() && review[0].feedback_html.is_none());
    // Statistics have no row for it.
    let record = crate::AttemptRecord {
        layout,
        responses: key,
        grade: g,
    };
    let stats = crate::statistics(&quiz, SALT, &[record]);
    let ids: Vec<_> = stats.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
}

#[test]
fn quizzes_stored_before_answers_had_weights_read_and_write_the_same() {
    // JSON as the server stored it before: short answers as plain texts, numerical answers and
    // questions without feedback fields.
    let stored = serde_json::json!({
        "slug": "s", "title": "S", "pass_percent": 70.0, "max_attempts": 0,
        "time_limit_minutes": null, "shuffle_questions": true, "shuffle_options": true,
        "questions": [
            {"id": "q1", "kind": "short_answer", "answers": ["BPBD", "Badan"],
             "case_sensitive": false, "points": 1.0, "prompt": "?", "feedback": null},
            {"id": "q2", "kind": "numerical", "answers": [{"min": 1.0, "max": 2.0, "weight": 100.0}],
             "points": 1.0, "prompt": "?", "feedback": null}
        ],
        "cooldown_minutes": 0, "counts": "highest", "review": "after_submit"
    });
    let quiz: Quiz = serde_json::from_value(stored.clone()).unwrap();
    let QuestionKind::ShortAnswer { answers, .. } = &quiz.questions[0].kind else {
        panic!("{quiz:?}")
    };
    assert_eq!(answers[1], "Badan".into());
    assert_eq!(serde_json::to_value(&quiz).unwrap(), stored);
    // New answers are written in full, and read back.
    let mut quiz = quiz;
    if let QuestionKind::ShortAnswer { answers, .. } = &mut quiz.questions[0].kind {
        answers.push(crate::TextAnswer {
            text: "BPB".into(),
            weight: 50.0,
            feedback: Some("Hampir.".into()),
        });
    }
    let json = serde_json::to_value(&quiz).unwrap();
    assert_eq!(
        json["questions"][0]["answers"][2],
        serde_json::json!({"text": "BPB", "weight": 50.0, "feedback": "Hampir."})
    );
    assert_eq!(serde_json::from_value::<Quiz>(json).unwrap(), quiz);
}

#[test]
fn toml_short_answers_with_weights_numerical_feedback_and_descriptions() {
    let quiz = parse_quiz_toml(
        r#"
slug = "s"
title = "S"

[[questions]]
id = "intro"
kind = "description"
prompt = "Bacaan singkat."

[[questions]]
id = "q1"
kind = "short_answer"
prompt = "Singkatan?"
answers = ["BPBD", { text = "BPB", weight = 50, feedback = "Hampir." }, { text = "*", weight = 0, feedback = "Bukan." }]

[[questions]]
id = "q2"
kind = "numerical"
prompt = "Berapa?"
answers = [{ value = 3, feedback = "Tepat." }]
other_feedback = "Salah."
"#,
    )
    .unwrap();
    assert_eq!(quiz.questions[0].kind, QuestionKind::Description);
    assert_eq!(quiz.questions[0].points, 0.0);
    let QuestionKind::ShortAnswer { answers, .. } = &quiz.questions[1].kind else {
        panic!("{quiz:?}")
    };
    assert_eq!(answers[1].weight, 50.0);
    assert_eq!(answers[2].feedback.as_deref(), Some("Bukan."));
    let QuestionKind::Numerical {
        answers,
        other_feedback,
    } = &quiz.questions[2].kind
    else {
        panic!("{quiz:?}")
    };
    assert_eq!(answers[0].feedback.as_deref(), Some("Tepat."));
    assert_eq!(other_feedback.as_deref(), Some("Salah."));

    let p = problems(
        r#"
slug = "s"
title = "S"

[[questions]]
id = "d"
kind = "description"
prompt = "Teks."
points = 1

[[questions]]
id = "q1"
kind = "short_answer"
prompt = "?"
answers = [{ text = "a", weight = 50 }, 3, { weight = 20 }]
"#,
    );
    let messages: Vec<_> = p.iter().map(|p| (p.line, p.message.as_str())).collect();
    assert!(
        messages
            .iter()
            .any(|(l, m)| *l == 9 && m.contains("unknown key `points`")),
        "{p:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|(l, m)| *l == 15 && m.contains("weight 100")),
        "{p:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|(l, m)| *l == 15 && m.contains("must be text in quotes or look like")),
        "{p:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|(l, m)| *l == 15 && m.contains("missing `text`")),
        "{p:#?}"
    );
}
