//! Tests for the Aiken reader: valid files in the shapes authors write, and broken ones with
//! line numbers.

#![allow(clippy::unwrap_used)]

use crate::{ChoiceOption, Problem, QuestionKind, parse_aiken};

fn problems(src: &str) -> Vec<Problem> {
    match parse_aiken(src) {
        Ok(qs) => panic!("should not parse: {qs:#?}"),
        Err(p) => {
            crate::tests::assert_translated(&p);
            p
        }
    }
}

fn has(p: &[Problem], line: u32, column: u32, needle: &str) {
    assert!(
        p.iter()
            .any(|p| p.line == line && p.column == column && p.message.contains(needle)),
        "no problem {line}:{column} containing {needle:?} in {p:#?}"
    );
}

#[test]
fn reads_single_choice_questions() {
    let src = "\u{feff}Siapa yang mengoordinasikan penanggulangan bencana di kabupaten?\r\n\
A. BPBD\r\n\
B. BMKG\r\n\
C. Basarnas\r\n\
ANSWER: A\r\n\
\r\n\
Manakah yang termasuk mitigasi struktural,\n\
menurut modul 2?\n\
A) Sosialisasi\n\
B)\tTanggul sungai\n\
answer: b\n\
Tanpa baris kosong di antaranya?\n\
A. Ya\n\
B. Tidak\n\
ANSWER: A";
    let qs = parse_aiken(src).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(qs.len(), 3);
    let ids: Vec<_> = qs.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["q1", "q2", "q3"]);
    assert_eq!(
        qs[0].prompt,
        "Siapa yang mengoordinasikan penanggulangan bencana di kabupaten?"
    );
    assert_eq!(
        qs[0].kind,
        QuestionKind::SingleChoice {
            options: vec![
                ChoiceOption {
                    id: "a".into(),
                    text: "BPBD".into(),
                    weight: 100.0,
                    feedback: None
                },
                ChoiceOption {
                    id: "b".into(),
                    text: "BMKG".into(),
                    weight: 0.0,
                    feedback: None
                },
                ChoiceOption {
                    id: "c".into(),
                    text: "Basarnas".into(),
                    weight: 0.0,
                    feedback: None
                },
            ]
        }
    );
    assert_eq!(qs[0].points, 1.0);
    // Lines of a question's text stay lines.
    assert_eq!(
        qs[1].prompt,
        "<p>\nManakah yang termasuk mitigasi struktural,<br />\nmenurut modul 2?\n</p>"
    );
    let QuestionKind::SingleChoice { options } = &qs[1].kind else {
        panic!()
    };
    assert_eq!(options[1].text, "Tanggul sungai");
    assert_eq!(options[1].weight, 100.0);
    assert_eq!(options[0].weight, 0.0);
}

#[test]
fn options_need_no_space_after_the_label() {
    // Moodle's `/^[A-Z][).][ \t]?/`: the space is optional.
    let qs = parse_aiken("Ibu kota Maluku Utara?\nA)Ternate\nB.Sofifi\nC) Tidore\nANSWER: B\n")
        .unwrap_or_else(|p| panic!("{p:#?}"));
    let QuestionKind::SingleChoice { options } = &qs[0].kind else {
        panic!("{qs:#?}")
    };
    let texts: Vec<_> = options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(texts, ["Ternate", "Sofifi", "Tidore"]);
    assert_eq!(options[1].weight, 100.0);
}

#[test]
fn html_like_text_is_shown_literally() {
    // Moodle escapes Aiken texts (`htmlspecialchars`): markup shows as typed, never as markup.
    let qs = parse_aiken(
        "Apa arti <b> dan **tebal** & _miring_?\nA. <b>tebal</b>\nB. # judul\nC. 1. nomor\nANSWER: A\n",
    )
    .unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(
        qs[0].prompt,
        "<p>\nApa arti &lt;b&gt; dan **tebal** &amp; _miring_?\n</p>"
    );
    let QuestionKind::SingleChoice { options } = &qs[0].kind else {
        panic!("{qs:#?}")
    };
    assert_eq!(options[0].text, "<p>\n&lt;b&gt;tebal&lt;/b&gt;\n</p>");
    assert_eq!(options[1].text, "<p>\n# judul\n</p>");
    assert_eq!(options[2].text, "<p>\n1. nomor\n</p>");
    // Text with nothing to escape stays as it is.
    assert_eq!(
        parse_aiken("Soal?\nA. Ya\nB. Tidak\nANSWER: A").unwrap()[0].prompt,
        "Soal?"
    );
}

#[test]
fn broken_files_report_every_problem_with_lines() {
    let src = "\
A. Opsi tanpa soal
Soal satu?
A. Ya
ANSWER: A

Soal dua?
A. Ya
C. Tidak
ANSWER: B

Soal tiga?
A. Ya
B. Tidak
ANSWER: Ya

Soal empat?
A. Ya
B. Tidak
Soal lima tanpa ANSWER sebelumnya?
A.
B. Tidak
ANSWER: B
ANSWER: A

Soal terakhir?
A. Ya
B. Tidak
";
    let p = problems(src);
    has(&p, 1, 1, "option A comes before any question text");
    has(&p, 2, 1, "at least 2 options (found 1)");
    has(&p, 8, 1, "expected option B here, found C");
    has(&p, 9, 1, "`ANSWER: B` must name one of the options (A, C)");
    has(&p, 14, 1, "`ANSWER: Ya` must name one of the options");
    has(&p, 16, 1, "no `ANSWER:` line");
    has(&p, 20, 1, "option A has no text");
    has(&p, 23, 1, "`ANSWER:` comes before any question text");
    has(&p, 25, 1, "no `ANSWER:` line");
    assert_eq!(p.len(), 9, "{p:#?}");
}

#[test]
fn empty_file_has_no_questions() {
    assert_eq!(
        problems("\n  \n"),
        [Problem {
            line: 1,
            column: 1,
            message: "the file has no questions".into(),
            pesan: "berkas ini tidak berisi soal".into()
        }]
    );
}
