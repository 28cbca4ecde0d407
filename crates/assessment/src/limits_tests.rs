//! Files past the limits every quiz format shares: more than MAX_QUESTIONS questions is one
//! problem at the first question too many, in GIFT, Aiken and TOML alike.

#![allow(clippy::unwrap_used)]

use crate::{MAX_QUESTIONS, Problem, parse_aiken, parse_gift, parse_quiz_toml};

/// The single problem of a file with one question too many, at `line:column`.
fn too_many(problems: &[Problem], line: u32, column: u32) {
    crate::tests::assert_translated(problems);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    assert_eq!((p.line, p.column), (line, column), "{p:#?}");
    assert!(p.message.contains("more than 1000 questions"), "{p:#?}");
    assert!(p.pesan.contains("lebih dari 1000 soal"), "{p:#?}");
}

fn toml_quiz(questions: usize) -> String {
    let mut src = String::from("slug = \"besar\"\ntitle = \"Besar\"\n");
    for i in 0..questions {
        src.push_str(&format!(
            "\n[[questions]]\nid = \"q{i}\"\nkind = \"true_false\"\nprompt = \"Benar?\"\nanswer = true\n"
        ));
    }
    src
}

#[test]
fn gift_with_too_many_questions_is_refused_at_the_first_one_too_many() {
    let ok = "Benar? {T}\n\n".repeat(MAX_QUESTIONS);
    assert_eq!(parse_gift(&ok).unwrap().len(), MAX_QUESTIONS);
    // A category line is no question, and does not count.
    let with_category = format!("$CATEGORY: $course$/top/Gempa\n\n{ok}");
    assert_eq!(parse_gift(&with_category).unwrap().len(), MAX_QUESTIONS);

    let src = format!("{ok}Satu lagi? {{T}}\n\nDan lagi? {{F}}\n");
    too_many(
        &parse_gift(&src).unwrap_err(),
        2 * MAX_QUESTIONS as u32 + 1,
        1,
    );
}

#[test]
fn aiken_with_too_many_questions_is_refused_at_the_first_one_too_many() {
    let one = "Soal?\nA. ya\nB. tidak\nANSWER: A\n\n";
    let ok = one.repeat(MAX_QUESTIONS);
    assert_eq!(parse_aiken(&ok).unwrap().len(), MAX_QUESTIONS);
    let src = format!("{ok}{one}{one}");
    too_many(
        &parse_aiken(&src).unwrap_err(),
        5 * MAX_QUESTIONS as u32 + 1,
        1,
    );
}

#[test]
fn toml_with_too_many_questions_is_refused_at_the_first_one_too_many() {
    assert_eq!(
        parse_quiz_toml(&toml_quiz(MAX_QUESTIONS))
            .unwrap()
            .questions
            .len(),
        MAX_QUESTIONS
    );
    // Two header lines, then six lines per question; the table of question 1001 starts on the
    // blank line before its `[[questions]]`.
    let line = 3 + 6 * MAX_QUESTIONS as u32;
    let problems = parse_quiz_toml(&toml_quiz(MAX_QUESTIONS + 2)).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].line >= line && problems[0].line <= line + 1,
        "{problems:#?}"
    );
    crate::tests::assert_translated(&problems);
    assert!(problems[0].message.contains("more than 1000 questions"));
}

#[test]
fn titled_gift_questions_keep_their_ids() {
    // Ids were found by comparing every title with every other; now counted once. The rules stay.
    let src = "::Gempa:: A? {T}\n\n::Banjir:: B? {T}\n\n::Gempa:: C? {T}\n\n::q1:: D? {T}\n\n::q4:: E? {T}\n\n::q07:: F? {T}\n";
    let ids: Vec<String> = parse_gift(src).unwrap().into_iter().map(|q| q.id).collect();
    assert_eq!(ids, ["q1", "banjir", "q3", "q4", "q5", "q07"]);
}
