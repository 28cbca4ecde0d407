//! Tests for the GIFT reader: one per construct, Moodle's own export shape, broken files with
//! positions, and the shipped course quiz written in GIFT.

#![allow(clippy::unwrap_used)]

use crate::{
    ChoiceOption, MatchPair, NumericAnswer, Problem, Question, QuestionKind, Quiz, TextAnswer,
    answer_key, grade, parse_gift,
};

fn one(src: &str) -> Question {
    let mut qs = parse_gift(src).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(qs.len(), 1, "{qs:#?}");
    qs.remove(0)
}

fn problems(src: &str) -> Vec<Problem> {
    match parse_gift(src) {
        Ok(qs) => panic!("should not parse: {qs:#?}"),
        Err(p) => {
            crate::tests::assert_translated(&p);
            p
        }
    }
}

/// Asserts a problem at exactly `line:column` whose message contains `needle`.
fn has(p: &[Problem], line: u32, column: u32, needle: &str) {
    assert!(
        p.iter()
            .any(|p| p.line == line && p.column == column && p.message.contains(needle)),
        "no problem {line}:{column} containing {needle:?} in {p:#?}"
    );
}

fn options(q: &Question) -> &[ChoiceOption] {
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            options
        }
        other => panic!("not a choice question: {other:?}"),
    }
}

fn weights(q: &Question) -> Vec<f64> {
    options(q).iter().map(|o| o.weight).collect()
}

#[test]
fn single_choice_with_feedback() {
    let q = one(
        "::Koordinator::Siapa mengoordinasikan penanggulangan bencana di daerah? {\n\
         \t=BPBD#Tepat.\n\
         \t~BMKG#BMKG mengurus cuaca.\n\
         \t~PMI\n\
         \t####BPBD dibentuk oleh pemerintah daerah.\n\
         }",
    );
    assert_eq!(q.id, "koordinator");
    assert_eq!(q.kind.kind_name(), "single_choice");
    assert_eq!(
        q.prompt,
        "Siapa mengoordinasikan penanggulangan bencana di daerah?"
    );
    assert_eq!(
        q.feedback.as_deref(),
        Some("BPBD dibentuk oleh pemerintah daerah.")
    );
    assert_eq!(q.points, 1.0);
    assert_eq!(
        options(&q),
        [
            ChoiceOption {
                id: "a".into(),
                text: "BPBD".into(),
                weight: 100.0,
                feedback: Some("Tepat.".into())
            },
            ChoiceOption {
                id: "b".into(),
                text: "BMKG".into(),
                weight: 0.0,
                feedback: Some("BMKG mengurus cuaca.".into())
            },
            ChoiceOption {
                id: "c".into(),
                text: "PMI".into(),
                weight: 0.0,
                feedback: None
            },
        ]
    );
}

#[test]
fn multiple_choice_weights() {
    let q = one(
        "Pilih fase prabencana. {~%50%Mitigasi ~%50%Kesiapsiagaan ~%-100%Rehabilitasi ~Evakuasi}",
    );
    assert_eq!(q.kind.kind_name(), "multiple_choice");
    assert_eq!(weights(&q), [50.0, 50.0, -100.0, 0.0]);
    // Decimals as Moodle exports them for thirds.
    let q = one("Q {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-50%d}");
    assert_eq!(q.kind.kind_name(), "multiple_choice");
    // As in Moodle, any `=` answer makes it single choice: one answer is picked and earns its
    // weight, which may be partial or a penalty.
    let q = one("Q {=benar ~%-50%salah ~netral}");
    assert_eq!(q.kind.kind_name(), "single_choice");
    assert_eq!(weights(&q), [100.0, -50.0, 0.0]);
    // Several `=` answers: each of them is fully right.
    let q = one("Q {=a =b ~c =d}");
    assert_eq!(q.kind.kind_name(), "single_choice");
    assert_eq!(weights(&q), [100.0, 100.0, 0.0, 100.0]);
}

#[test]
fn single_choice_with_percentage_weights_grades_each_answer_by_its_weight() {
    // Moodle's examples.txt, "Percentage Answer Weights": refused before, single choice in
    // Moodle.
    let q = one("::Jesus' hometown::Jesus Christ was from {\n\
         ~Jerusalem#This was an important city, but the wrong answer.\n\
         ~%25%Bethlehem#He was born here, but not raised here.\n\
         ~%50%Galilee#You need to be more specific.\n\
         =Nazareth#Yes! That's right!}.");
    assert_eq!(q.kind.kind_name(), "single_choice");
    assert_eq!(weights(&q), [0.0, 25.0, 50.0, 100.0]);
    let quiz = Quiz {
        questions: vec![Question { points: 2.0, ..q }],
        ..crate::tests::empty_quiz()
    };
    let ids = crate::layout::wire_ids(&quiz, b"s", &quiz.questions[0], crate::IdRole::Option);
    let score = |i: usize| {
        let r = crate::ResponseEntry {
            question: quiz.questions[0].id.clone(),
            choices: Some(vec![ids[i].clone()]),
            ..Default::default()
        };
        assert!(crate::validate_response(&quiz, b"s", &r).is_ok());
        grade(&quiz, b"s", &[r]).score
    };
    assert_eq!(
        [score(0), score(1), score(2), score(3)],
        [0.0, 0.5, 1.0, 2.0]
    );
    // The answer key picks the answer worth everything.
    assert_eq!(grade(&quiz, b"s", &answer_key(&quiz, b"s")).score, 2.0);
}

fn tf(answer: bool, feedback_true: Option<&str>, feedback_false: Option<&str>) -> QuestionKind {
    QuestionKind::TrueFalse {
        answer,
        feedback_true: feedback_true.map(Into::into),
        feedback_false: feedback_false.map(Into::into),
    }
}

#[test]
fn true_false_forms_and_feedback() {
    for (src, answer) in [
        ("Gempa bisa diprediksi. {F}", false),
        ("Gempa bisa diprediksi. {FALSE}", false),
        ("BPBD ada di kabupaten. {T}", true),
        ("BPBD ada di kabupaten. {TRUE}", true),
    ] {
        let q = one(src);
        assert_eq!(q.kind, tf(answer, None, None), "{src}");
        assert_eq!(q.feedback, None);
    }
    // As in Moodle: `{T#for a wrong answer#for the right answer}`, so the first feedback goes
    // with the answer that is not the right one.
    let q = one("Gempa bisa diprediksi. {F#Belum ada metode yang andal.}");
    assert_eq!(
        q.kind,
        tf(false, Some("Belum ada metode yang andal."), None)
    );
    assert_eq!(q.feedback, None);
    let q = one("Q {TRUE#Salah.#Benar.}");
    assert_eq!(q.kind, tf(true, Some("Benar."), Some("Salah.")));
    let q = one("Q {F#Keliru.#Tepat.}");
    assert_eq!(q.kind, tf(false, Some("Keliru."), Some("Tepat.")));
    let q = one("Q {T#Salah.#Benar.####Penjelasan umum.}");
    assert_eq!(q.kind, tf(true, Some("Benar."), Some("Salah.")));
    assert_eq!(q.feedback.as_deref(), Some("Penjelasan umum."));
    // Moodle's export writes `##` when there is no feedback for a wrong answer.
    let q = one("Q {FALSE##Benar\\: belum bisa.}");
    assert_eq!(q.kind, tf(false, None, Some("Benar: belum bisa.")));
}

#[test]
fn short_answers_keep_their_weights_and_feedback() {
    let q = one("Singkatan badan daerah? {=BPBD =Badan Penanggulangan Bencana Daerah#Lengkap.}");
    assert_eq!(
        q.kind,
        QuestionKind::ShortAnswer {
            answers: vec![
                "BPBD".into(),
                TextAnswer {
                    text: "Badan Penanggulangan Bencana Daerah".into(),
                    weight: 100.0,
                    feedback: Some("Lengkap.".into())
                }
            ],
            case_sensitive: false
        }
    );
    // Moodle's giftformat_test.php, test_import_shortanswer: partial credit and a catch-all.
    let q = one("::Shortanswer::Which is the best animal?{\n\
         =Frog#Good!\n\
         =%50%Cat#What is it with Moodlers and cats?\n\
         =%0%*#Completely wrong\n\
         }");
    let answer = |text: &str, weight: f64, feedback: &str| TextAnswer {
        text: text.into(),
        weight,
        feedback: Some(feedback.into()),
    };
    assert_eq!(
        q.kind,
        QuestionKind::ShortAnswer {
            answers: vec![
                answer("Frog", 100.0, "Good!"),
                answer("Cat", 50.0, "What is it with Moodlers and cats?"),
                answer("*", 0.0, "Completely wrong"),
            ],
            case_sensitive: false
        }
    );
}

#[test]
fn short_answers_with_partial_credit_grade_with_their_fraction_and_show_their_feedback() {
    let q = one("::Hewan::Which is the best animal?{\n\
         =Frog#Good!\n\
         =%50%Cat#What is it with Moodlers and cats?\n\
         =%25%*dog*#Dogs, then.\n\
         =%0%*#Completely wrong\n\
         }");
    let quiz = Quiz {
        questions: vec![q],
        ..crate::tests::empty_quiz()
    };
    let typed = |t: &str| crate::ResponseEntry {
        question: "hewan".into(),
        text: Some(t.into()),
        ..Default::default()
    };
    let cases = [
        ("frog", 1.0, Some("Good!")),
        ("  CAT ", 0.5, Some("What is it with Moodlers and cats?")),
        ("hot dog stand", 0.25, Some("Dogs, then.")),
        ("horse", 0.0, Some("Completely wrong")),
        ("", 0.0, None),
    ];
    for (answer, score, feedback) in cases {
        let r = [typed(answer)];
        let g = grade(&quiz, b"s", &r);
        assert_eq!(g.score, score, "{answer:?}");
        let layout = crate::new_layout(&quiz, 1);
        let shown = crate::review(&quiz, &layout, b"s", &r, &g, true);
        let expected: Vec<String> = feedback.map(String::from).into_iter().collect();
        assert_eq!(shown[0].chosen_feedback_html, expected, "{answer:?}");
        // Only the answers worth everything are shown as right.
        assert_eq!(shown[0].correct.as_ref().unwrap().text, ["Frog"]);
    }
    // `\*` is a literal asterisk (GIFT keeps the backslash: `\*` is no GIFT escape).
    let q = one("Q {=a\\*b}");
    let quiz = Quiz {
        questions: vec![q],
        ..crate::tests::empty_quiz()
    };
    let score = |t: &str| {
        let r = crate::ResponseEntry {
            question: "q1".into(),
            text: Some(t.into()),
            ..Default::default()
        };
        grade(&quiz, b"s", &[r]).score
    };
    assert_eq!((score("a*b"), score("axb")), (1.0, 0.0));
    assert_eq!(grade(&quiz, b"s", &answer_key(&quiz, b"s")).score, 1.0);
}

#[test]
fn matching_with_distractor() {
    let q = one("::Fase::Pasangkan fase dan kegiatannya. {\n\
         =Prabencana -> Mitigasi\n\
         =Tanggap darurat -> Evakuasi\n\
         =Pascabencana -> Rehabilitasi\n\
         = -> Sosialisasi pemilu\n\
         }");
    let QuestionKind::Matching { pairs, distractors } = &q.kind else {
        panic!("{q:?}")
    };
    assert_eq!(
        pairs[0],
        MatchPair {
            left: "Prabencana".into(),
            right: "Mitigasi".into()
        }
    );
    assert_eq!(pairs.len(), 3);
    assert_eq!(distractors, &["Sosialisasi pemilu"]);
}

#[test]
fn numerical_tolerance_range_and_partial_credit() {
    let range = |q: &Question| match &q.kind {
        QuestionKind::Numerical { answers, .. } => answers.clone(),
        other => panic!("{other:?}"),
    };
    let a = range(&one("Berapa? {#3.5:0.1}"));
    assert_eq!(a.len(), 1);
    assert!((a[0].min - 3.4).abs() < 1e-9 && (a[0].max - 3.6).abs() < 1e-9);
    assert_eq!(a[0].weight, 100.0);
    assert_eq!(
        range(&one("Angka 1 sampai 5? {#1..5}")),
        [NumericAnswer {
            min: 1.0,
            max: 5.0,
            weight: 100.0,
            feedback: None,
        }]
    );
    let a = range(&one(
        "Tahun lahir? {#\n\t=1822:0#Tepat.\n\t=%50%1822:2#Hampir.\n\t~#Salah.\n}",
    ));
    assert_eq!(
        a,
        [
            NumericAnswer {
                min: 1822.0,
                max: 1822.0,
                weight: 100.0,
                feedback: Some("Tepat.".into()),
            },
            NumericAnswer {
                min: 1820.0,
                max: 1824.0,
                weight: 50.0,
                feedback: Some("Hampir.".into()),
            }
        ]
    );
    let q = one("Tahun lahir? {#\n\t=1822:0#Tepat.\n\t~#Salah.\n}");
    let QuestionKind::Numerical { other_feedback, .. } = &q.kind else {
        panic!("{q:?}")
    };
    assert_eq!(other_feedback.as_deref(), Some("Salah."));
    assert_eq!(range(&one("Suhu? {#-5..-1}"))[0].min, -5.0);
}

#[test]
fn numerical_feedback_is_shown_for_the_matching_answer_or_any_other_number() {
    let q = one("::Tahun::Tahun lahir? {#\n\t=1822:0#Tepat.\n\t=%50%1822:2#Hampir.\n\t~#Salah.\n}");
    let quiz = Quiz {
        questions: vec![q],
        ..crate::tests::empty_quiz()
    };
    for (n, score, feedback) in [
        (1822.0, 1.0, "Tepat."),
        (1823.0, 0.5, "Hampir."),
        (1900.0, 0.0, "Salah."),
    ] {
        let r = [crate::ResponseEntry {
            question: "tahun".into(),
            number: Some(n),
            ..Default::default()
        }];
        let g = grade(&quiz, b"s", &r);
        assert_eq!(g.score, score);
        let shown = crate::review(&quiz, &crate::new_layout(&quiz, 1), b"s", &r, &g, true);
        assert_eq!(shown[0].chosen_feedback_html, [feedback]);
    }
}

#[test]
fn missing_word_puts_a_blank_in_the_prompt() {
    let q = one("Ibu kota provinsi Jawa Barat adalah {~Jakarta =Bandung ~Semarang} sejak 1950.");
    // Moodle's blank, five underscores; the text is kept as HTML so Markdown reads none of them
    // as emphasis.
    assert_eq!(
        q.prompt,
        "<p>\nIbu kota provinsi Jawa Barat adalah _____ sejak 1950.\n</p>"
    );
    assert_eq!(q.kind.kind_name(), "single_choice");
    let q = one("{=BPBD} mengoordinasikan penanggulangan bencana daerah.");
    assert_eq!(
        q.prompt,
        "<p>\n_____ mengoordinasikan penanggulangan bencana daerah.\n</p>"
    );
    // Only white space after the answers: not a missing-word question.
    let q = one("Ibu kota? {=Bandung}   ");
    assert_eq!(q.prompt, "Ibu kota?");
}

#[test]
fn essay_with_and_without_feedback() {
    let q = one("Jelaskan rencana kontinjensi di unit Anda. {}");
    assert_eq!(q.kind, QuestionKind::Essay);
    assert_eq!(q.feedback, None);
    let q = one("Jelaskan. {####Sebut minimal tiga unsur.}");
    assert_eq!(q.kind, QuestionKind::Essay);
    assert_eq!(q.feedback.as_deref(), Some("Sebut minimal tiga unsur."));
}

#[test]
fn escapes_are_literal_text() {
    let q = one(
        r"::Rumus\: a\=b::Nilai 1 \~ 2 \= \{x\} \# 3\: lihat\npasal \\ 4 {=a\=b\#c#Ya\: benar. ~\{d\}}",
    );
    assert_eq!(q.id, "rumus-a-b");
    // Shown as Moodle shows it: the characters themselves, `\n` a line break, `\\` one backslash.
    assert_eq!(
        q.prompt,
        "<p>\nNilai 1 ~ 2 = {x} # 3: lihat<br />\npasal \\ 4\n</p>"
    );
    assert_eq!(options(&q)[0].text, "a=b#c");
    assert_eq!(options(&q)[0].feedback.as_deref(), Some("Ya: benar."));
    assert_eq!(options(&q)[1].text, "{d}");
    // Other backslashes stay as written, and show (Moodle's texts are no Markdown).
    assert_eq!(one(r"a \* b {T}").prompt, "<p>\na \\* b\n</p>");
}

#[test]
fn escaped_characters_show_as_themselves() {
    // `\#` in an answer was an empty heading in Markdown; `\\\\` collapsed to one backslash.
    let q = one(
        r"::Kendali::Mana yang bukan karakter kendali? {~ \#  # \# adalah kendali. = \\ #Benar\: \\\\ dua.}",
    );
    let o = options(&q);
    assert_eq!(o[0].text, "<p>\n#\n</p>");
    assert_eq!(
        o[0].feedback.as_deref(),
        Some("<p>\n# adalah kendali.\n</p>")
    );
    assert_eq!(o[1].text, "<p>\n\\\n</p>");
    assert_eq!(
        o[1].feedback.as_deref(),
        Some("<p>\nBenar: \\\\ dua.\n</p>")
    );
    // Moodle's giftformat_test.php, test_import_backslash.
    assert_eq!(
        one(r"::double backslash:: A \\ B \\\\ C{}").prompt,
        "<p>\nA \\ B \\\\ C\n</p>"
    );
}

#[test]
fn white_space_inside_pre_is_kept() {
    // Moodle's giftformat_test.php, test_import_pre_content: lines keep their indentation.
    let q = one(
        "::Q001::[html]<p>What would running the test method print?</p>\n\
         <pre>\n\
         \x20   public void test() \\{\n\
         \x20       method1();\n\
         \x20   \\}\n\
         </pre>\n\
         {}",
    );
    assert_eq!(
        q.prompt,
        "<p>What would running the test method print?</p>\n<pre>\n    public void test() {\n        method1();\n    }\n</pre>"
    );
    // A blank line inside `<pre>` (written `\n`) would end CommonMark's HTML block: it is kept
    // as a character reference.
    let q = one(r"[html]<pre>a\n\n  b</pre> {}");
    assert_eq!(
        q.prompt,
        "<p>\n<pre>a&#10;\n  b</pre>\n</p>"
            .replace("<p>", "<div>")
            .replace("</p>", "</div>")
    );
}

#[test]
fn categories_are_accepted_and_ignored() {
    let qs = parse_gift(
        "$CATEGORY: $course$/top/Bencana\n\n\
         Q1 {T}\n\n\
         $CATEGORY: $course$/top/Lain\n\
         Q2 {F}\n",
    )
    .unwrap();
    let prompts: Vec<_> = qs.iter().map(|q| q.prompt.as_str()).collect();
    assert_eq!(prompts, ["Q1", "Q2"]);
    assert_eq!(qs[1].id, "q2");
}

#[test]
fn comments_are_skipped_but_urls_are_not_comments() {
    let qs = parse_gift(
        "// Kuis contoh\n// baris kedua\n\n\
         // question: 12  name: Satu\n\
         ::Satu::Lihat https://bnpb.go.id {\n\
         // komentar di tengah jawaban\n\
         \t=Ya\n\
         \t~Tidak\n\
         }\n\n\
         \t// indented comment\n\n\
         Dua {T}\n",
    )
    .unwrap();
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[0].prompt, "Lihat https://bnpb.go.id");
    assert_eq!(weights(&qs[0]), [100.0, 0.0]);
}

#[test]
fn text_formats_are_stripped_and_the_text_kept() {
    let q = one("::Fmt::[html]<p>Pilih <b>satu</b></p>{\n\
         =[markdown]**Ya**#[plain]Betul\n\
         ~[moodle]Tidak\n\
         ~[foo] tetap\n\
         ####[html]<em>umum</em>\n\
         }");
    assert_eq!(q.prompt, "<p>Pilih <b>satu</b></p>");
    let o = options(&q);
    assert_eq!(o[0].text, "**Ya**");
    assert_eq!(o[0].feedback.as_deref(), Some("Betul"));
    assert_eq!(o[1].text, "Tidak");
    // An unknown tag is text, in the question's format (here HTML).
    assert_eq!(o[2].text, "<p>\n[foo] tetap\n</p>");
    assert_eq!(q.feedback.as_deref(), Some("<p>\n<em>umum</em>\n</p>"));
    assert_eq!(one("[markdown]Soal **tebal** {T}").prompt, "Soal **tebal**");
    assert_eq!(one("[plain]Soal {T}").prompt, "Soal");
    // A Markdown link at the start is not a format tag; without `[markdown]` it is no link
    // either (Moodle's default format shows it as typed).
    assert_eq!(
        one("[Pasal 1](https://x.id) berlaku? {T}").prompt,
        "<p>\n[Pasal 1](https://x.id) berlaku?\n</p>"
    );
    assert_eq!(
        one("[markdown][Pasal 1](https://x.id) berlaku? {T}").prompt,
        "[Pasal 1](https://x.id) berlaku?"
    );
    // Parts without a tag take the question's format, as in Moodle.
    let q = one("[markdown]Soal {=**Ya**#_tepat_ ~Tidak}");
    assert_eq!(options(&q)[0].text, "**Ya**");
    assert_eq!(options(&q)[0].feedback.as_deref(), Some("_tepat_"));
    let q = one("Soal {=**Ya**#_tepat_ ~Tidak}");
    assert_eq!(options(&q)[0].text, "<p>\n**Ya**\n</p>");
    // `[plain]`: markup shows as typed, two spaces stay two, a line break is one.
    assert_eq!(
        one(r"[plain]<b>a</b>  &amp;\nb {}").prompt,
        "<p>\n&lt;b&gt;a&lt;/b&gt;&nbsp; &amp;amp;<br />\nb\n</p>"
    );
    // `[moodle]`: HTML allowed, line breaks kept (not next to a tag).
    assert_eq!(
        one("Satu\n<b>dua</b>\ntiga\nempat {}").prompt,
        "<p>\nSatu <b>dua</b> tiga<br />\nempat\n</p>"
    );
}

#[test]
fn ids_come_from_unique_titles_else_position() {
    let qs = parse_gift(
        "::Fase Bencana!::A {T}\n\n\
         B {T}\n\n\
         ::Sama::C {T}\n\n\
         ::sama::D {T}\n\n\
         ::q2::E {T}\n\n\
         ::q6::F {T}\n\n\
         ::   ::G {T}\n\n\
         ::Tanpa penutup H {T}\n",
    )
    .unwrap();
    let ids: Vec<_> = qs.iter().map(|q| q.id.as_str()).collect();
    // `q2` as a title would collide with question 2's positional id; `q6` is its own position.
    assert_eq!(
        ids,
        ["fase-bencana", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]
    );
    // Like Moodle, a title without its closing `::` is no title.
    assert_eq!(qs[7].prompt, "Tanpa penutup H");
    // With every question titled, no positional id is taken: titles like `q3` stay anywhere.
    let qs = parse_gift("::q3::A {T}\n\n::q1::B {T}\n\n::Q2::C {T}\n").unwrap();
    let ids: Vec<_> = qs.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["q3", "q1", "q2"]);
    // An untitled question takes its position, and the title that would collide goes.
    let qs = parse_gift("::q2::A {T}\n\nB {T}\n\n::q1::C {T}\n").unwrap();
    let ids: Vec<_> = qs.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["q1", "q2", "q3"]);
}

#[test]
fn reads_a_moodle_export() {
    // The shape Moodle's exporter writes, byte for byte in its conventions.
    let src = "// question: 0  name: Switch category to $course$/top/Default for Lentera\r\n\
$CATEGORY: $course$/top/Default for Lentera\r\n\
\r\n\
\r\n\
// question: 101  name: Singkatan\r\n\
::Singkatan::[html]<p>Singkatan badan daerah?</p>{\r\n\
\t=%100%BPBD#\r\n\
\t=%50%BPB#Hampir\r\n\
}\r\n\
\r\n\
// question: 102  name: Tahun\r\n\
::Tahun::[html]UU 24/2007 terbit tahun?{#\r\n\
\t=%100%2007:0#\r\n\
\t~#Lihat judul UU.\r\n\
\t####UU Penanggulangan Bencana\r\n\
}\r\n\
\r\n\
// question: 103  name: Gempa\r\n\
::Gempa::[html]Gempa bisa diprediksi.{FALSE##Benar\\: belum bisa.}\r\n\
\r\n\
// question: 104  name: Fase\r\n\
::Fase::[html]Pasangkan.{\r\n\
\t=Prabencana -> Mitigasi\r\n\
\t=Pascabencana -> Rehabilitasi\r\n\
\t= -> Evakuasi\r\n\
}\r\n";
    let qs = parse_gift(src).unwrap_or_else(|p| panic!("{p:#?}"));
    let ids: Vec<_> = qs.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["singkatan", "tahun", "gempa", "fase"]);
    assert_eq!(qs[0].prompt, "<p>Singkatan badan daerah?</p>");
    assert_eq!(qs[2].kind, tf(false, None, Some("Benar: belum bisa.")));
    assert_eq!(qs[2].feedback, None);
    assert_eq!(qs[1].feedback.as_deref(), Some("UU Penanggulangan Bencana"));
    let QuestionKind::Matching { pairs, distractors } = &qs[3].kind else {
        panic!()
    };
    assert_eq!(
        (pairs.len(), distractors.as_slice()),
        (2, ["Evakuasi".to_owned()].as_slice())
    );
}

#[test]
fn parsed_questions_grade_to_full_marks() {
    let src = "A {=x ~y}\n\nB {~%50%x ~%50%y ~%-50%z}\n\nC {=x =y ~z}\n\nD {T}\n\n\
               E {=BPBD}\n\nF {#3:1 =%50%10}\n\nG {=a -> 1 =b -> 2 = -> 3}\n";
    let quiz = Quiz {
        slug: "gift".into(),
        title: "GIFT".into(),
        pass_percent: 70.0,
        max_attempts: 0,
        time_limit_minutes: None,
        shuffle_questions: true,
        shuffle_options: true,
        questions: parse_gift(src).unwrap(),
        draws: Vec::new(),
        cooldown_minutes: 0,
        counts: Default::default(),
        review: Default::default(),
    };
    let g = grade(&quiz, b"salt", &answer_key(&quiz, b"salt"));
    assert_eq!((g.score, g.max_score, g.percent), (7.0, 7.0, 100.0));
}

#[test]
fn broken_file_reports_every_problem_with_positions() {
    let src = "\
// header
::Kurung::Soal tanpa penutup {=a ~b

Soal kosong {=}

::Bobot::Soal {~%abc%a ~%50%b}

Pasangan {=a -> b}

Jumlah {~%40%a ~%40%b ~c}

Deskripsi saja, tanpa jawaban.

Tutup } tanpa buka

Dua blok {=a ~b} dan {=c ~d}

Tanpa benar {~a ~b}

Angka {#abc}

Campur {=a ~%50%b ~c}

  Satu jawaban {~a}

{T}

Bukan jawaban {BPBD}

::Judul saja::
";
    let p = problems(src);
    has(&p, 2, 30, "never closed");
    has(&p, 4, 14, "empty");
    has(&p, 6, 17, "`%abc%` is not a number");
    has(&p, 8, 10, "at least 2 pairs");
    has(&p, 10, 8, "add up to 80");
    // Line 12 is a description and line 22 a single choice with partial credit, as in Moodle.
    has(&p, 14, 7, "has no `{` before it");
    has(&p, 16, 22, "only one answer block");
    has(&p, 18, 13, "no answer is marked right");
    has(&p, 20, 9, "`abc` is not a number");
    has(&p, 24, 16, "at least 2 answers");
    has(&p, 24, 16, "no answer is marked right");
    has(&p, 26, 1, "no text");
    has(&p, 28, 16, "short answers start with `=`");
    has(&p, 30, 1, "has a title but no text");
    assert_eq!(p.len(), 14, "{p:#?}");
    assert!(
        p.windows(2)
            .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column))
    );
}

#[test]
fn more_broken_answers() {
    let p = problems(
        "A {~%150%a ~%-50%b}\n\nB {~%50 a ~%50%b}\n\nC {=%50%a ~b}\n\nD {#=%50%3}\n\n\
         E {=%50%x}\n\nF {#5..1}\n\nG {=a -> b =c}\n\nH {#}\n\nI {=a {b}\n",
    );
    has(&p, 1, 5, "between -100 and 100");
    has(&p, 3, 5, "no closing `%`");
    has(&p, 5, 4, "always earns 100%");
    has(&p, 7, 3, "at least one answer worth 100%");
    has(&p, 9, 3, "at least one answer worth 100%");
    has(&p, 11, 5, "lower end is larger");
    has(&p, 13, 12, "no `->`");
    has(&p, 15, 3, "has no answers");
    has(&p, 17, 7, "a second `{` inside the answers");
    assert_eq!(p.len(), 10, "{p:#?}");
    // An answer beginning with `%` that is not a weight is text, as in Moodle.
    let q = one("Q {=%s ~%d}");
    assert_eq!(
        (options(&q)[0].text.as_str(), options(&q)[1].text.as_str()),
        ("%s", "%d")
    );
}

#[test]
fn empty_and_comment_only_files_have_no_questions() {
    for src in ["", "\n\n", "// hanya komentar\n", "$CATEGORY: x\n"] {
        assert_eq!(
            problems(src),
            [Problem {
                line: 1,
                column: 1,
                message: "the file has no questions".into(),
                pesan: "berkas ini tidak berisi soal".into()
            }],
            "{src:?}"
        );
    }
}

#[test]
fn shipped_course_quiz_in_gift() {
    let qs = parse_gift(include_str!(
        "../../../content/pelayanan-publik/quizzes/kuis-modul-standar-pelayanan.gift"
    ))
    .unwrap_or_else(|p| panic!("{p:#?}"));
    let kinds: Vec<_> = qs
        .iter()
        .map(|q| (q.id.as_str(), q.kind.kind_name()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("m1-lansia", "single_choice"),
            ("m1-kerabat", "single_choice"),
            ("m1-komponen-penyampaian", "multiple_choice"),
            ("m1-maklumat", "true_false"),
            ("m1-jumlah-komponen", "numerical"),
            ("m1-partisipatif", "single_choice"),
            ("m1-skm-frekuensi", "numerical"),
            ("m1-skm-jujur", "single_choice"),
            ("m1-skm-unsur", "multiple_choice"),
            ("m1-skm-tindak-lanjut", "single_choice"),
        ]
    );
    assert_eq!(weights(&qs[2]), [-25.0, 25.0, 25.0, -25.0, 25.0, 25.0]);
    assert_eq!(qs[3].kind, tf(false, None, None));
    assert!(qs[3].prompt.starts_with("Benar atau salah: maklumat"));
    assert!(qs.iter().all(|q| q.feedback.is_some()));
    assert!(options(&qs[0]).iter().all(|o| o.feedback.is_some()));
    assert!(qs[2].prompt.contains("**semua**"));
}

#[test]
fn numerical_answers_with_partial_credit_grade_by_the_best_match() {
    // The form of Moodle's GIFT documentation, with a space after `#`.
    let q = one("Berapa? {# =%100%5:0 =%50%5:2}");
    assert_eq!(
        q.kind,
        QuestionKind::Numerical {
            answers: vec![
                NumericAnswer {
                    min: 5.0,
                    max: 5.0,
                    weight: 100.0,
                    feedback: None,
                },
                NumericAnswer {
                    min: 3.0,
                    max: 7.0,
                    weight: 50.0,
                    feedback: None,
                }
            ],
            other_feedback: None,
        }
    );
    let quiz = crate::quiz_from_questions("n", &crate::QuizSettings::default(), vec![q]).unwrap();
    let score = |n: f64| {
        let r = crate::ResponseEntry {
            question: "q1".into(),
            number: Some(n),
            ..Default::default()
        };
        grade(&quiz, b"s", &[r]).score
    };
    assert_eq!(
        (score(5.0), score(6.5), score(3.0), score(8.0)),
        (1.0, 0.5, 0.5, 0.0)
    );
}

#[test]
fn true_false_feedback_goes_through_map_text() {
    let mut quiz = crate::quiz_from_questions(
        "tf",
        &crate::QuizSettings::default(),
        parse_gift("Q {T#*salah*#*benar*}").unwrap(),
    )
    .unwrap();
    quiz.map_text(&mut |t| format!("<x>{t}</x>"));
    assert_eq!(
        quiz.questions[0].kind,
        QuestionKind::TrueFalse {
            answer: true,
            feedback_true: Some("<x><p>\n*benar*\n</p></x>".into()),
            feedback_false: Some("<x><p>\n*salah*\n</p></x>".into()),
        }
    );
}
