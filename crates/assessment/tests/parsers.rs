//! Property tests for the quiz readers: arbitrary text, and text made of the pieces of each
//! format so that it is often nearly valid, never makes GIFT, Aiken or TOML parsing panic, and
//! every problem points at a line and column inside the file.

#![allow(clippy::unwrap_used)]

use lentera_assessment::{Problem, parse_aiken, parse_gift, parse_quiz_toml};
use proptest::prelude::*;

/// Whether `line:column` (1-based, column in characters) is a position inside `src`, counting
/// the place just after the last character of a line.
fn inside(src: &str, line: u32, column: u32) -> bool {
    let Some(text) = src.split('\n').nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    line >= 1 && column >= 1 && column as usize <= text.chars().count() + 1
}

fn check(src: &str, result: Result<usize, Vec<Problem>>) {
    if let Err(problems) = result {
        assert!(!problems.is_empty());
        for p in &problems {
            assert!(
                inside(src, p.line, p.column),
                "{}:{} is not inside {src:?}: {p:?}",
                p.line,
                p.column
            );
            assert!(!p.message.is_empty() && !p.pesan.is_empty(), "{p:?}");
        }
    }
}

fn all(src: &str) {
    check(src, parse_gift(src).map(|q| q.len()));
    check(src, parse_aiken(src).map(|q| q.len()));
    check(src, parse_quiz_toml(src).map(|q| q.questions.len()));
}

/// Pieces of GIFT: titles, answer blocks, markers, weights, escapes, categories, comments.
fn gift() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("::".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("=".to_owned()),
        Just("~".to_owned()),
        Just("#".to_owned()),
        Just("####".to_owned()),
        Just("->".to_owned()),
        Just("%50%".to_owned()),
        Just("%-1e9%".to_owned()),
        Just("%".to_owned()),
        Just("\\".to_owned()),
        Just("\\{".to_owned()),
        Just("\\n".to_owned()),
        Just("T".to_owned()),
        Just("FALSE".to_owned()),
        Just("1..5".to_owned()),
        Just("3.5:0.1".to_owned()),
        Just("$CATEGORY: $course$/top/Gempa".to_owned()),
        Just("// komentar".to_owned()),
        Just("[html]".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\u{feff}".to_owned()),
        "[ a-zA-Zé]{0,6}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Lines of Aiken: questions, options in and out of order, answers.
fn aiken() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "[a-zA-Z ?]{0,10}",
        "[A-F][.)] [a-z]{0,5}",
        "[A-F][.)]",
        "(ANSWER|answer|Answer): ?[A-Fa-z]{0,2}",
        Just(String::new()),
        Just("\u{feff}A. é".to_owned()),
    ];
    prop::collection::vec(line, 0..40).prop_map(|v| v.join("\n"))
}

/// TOML quiz documents with every kind of question and wrong values scattered in.
fn toml_quiz() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"x\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("1".to_owned()),
        Just("-5".to_owned()),
        Just("1e400".to_owned()),
        Just("true".to_owned()),
        Just("[\"a\", \"b\"]".to_owned()),
        Just(
            "[{ id = \"a\", text = \"A\", correct = true }, { id = \"a\", text = \"B\" }]"
                .to_owned()
        ),
        Just("[{ value = 3.0 }, { min = 4.0, max = 1.0 }]".to_owned()),
        Just("[{ left = \"a\", right = \"b\" }]".to_owned()),
        Just("{ a = 1 }".to_owned()),
        Just("[[[]]]".to_owned()),
    ];
    let key = prop_oneof![
        Just("id"),
        Just("kind"),
        Just("prompt"),
        Just("points"),
        Just("options"),
        Just("answer"),
        Just("answers"),
        Just("pairs"),
        Just("items"),
        Just("group"),
        Just("feedback"),
        Just("slug"),
        Just("title"),
        Just("pass_percent"),
        Just("count"),
        Just("warna"),
    ];
    let kind = prop_oneof![
        Just("single_choice"),
        Just("multiple_choice"),
        Just("true_false"),
        Just("short_answer"),
        Just("numerical"),
        Just("matching"),
        Just("ordering"),
        Just("essay"),
        Just("esai"),
    ];
    let line = prop_oneof![
        (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        kind.prop_map(|k| format!("kind = \"{k}\"")),
        Just("[[questions]]".to_owned()),
        Just("[[draw]]".to_owned()),
        Just("[questions]".to_owned()),
        Just("slug = \"kuis\"\ntitle = \"Kuis\"".to_owned()),
        "[a-z =\"\\[\\]{},.é]{0,12}",
    ];
    prop::collection::vec(line, 0..40).prop_map(|v| v.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        all(&src);
    }

    #[test]
    fn nearly_valid_gift_never_panics(src in gift()) {
        check(&src, parse_gift(&src).map(|q| q.len()));
    }

    #[test]
    fn nearly_valid_aiken_never_panics(src in aiken()) {
        check(&src, parse_aiken(&src).map(|q| q.len()));
    }

    #[test]
    fn nearly_valid_toml_never_panics(src in toml_quiz()) {
        check(&src, parse_quiz_toml(&src).map(|q| q.questions.len()));
    }
}

#[test]
fn positions_are_checked_for_what_they_claim() {
    assert!(inside("ab\ncd", 2, 3));
    assert!(!inside("ab\ncd", 2, 4));
    assert!(!inside("ab\ncd", 3, 1));
    assert!(inside("", 1, 1));
}
