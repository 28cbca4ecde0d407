//! Loading the fixture courses, problem positions, and sanitising hostile Markdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use lentera_content::{
    Course, ItemKind, Problem, QuizSource, load_course, load_courses, render_markdown,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn problems(dir: &Path) -> Vec<Problem> {
    match load_course(dir) {
        Ok(_) => panic!("{} should not load", dir.display()),
        Err(problems) => {
            assert_translated(&problems);
            problems
        }
    }
}

/// Every problem carries an Indonesian `pesan` of its own, not a copy of the English message.
fn assert_translated(problems: &[Problem]) {
    for p in problems {
        assert!(!p.pesan.trim().is_empty(), "no pesan for {p}");
        assert_ne!(p.pesan, p.message, "pesan is not translated for {p}");
    }
}

/// Asserts that a problem at exactly `file:line:col` mentions `needle`.
fn assert_problem(problems: &[Problem], file: &str, line: u32, column: u32, needle: &str) {
    let found = problems.iter().any(|p| {
        p.file == file && p.line == line && p.column == column && p.message.contains(needle)
    });
    let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        found,
        "no problem {file}:{line}:{column} containing {needle:?} in:\n{}",
        all.join("\n")
    );
}

/// A scratch copy of the valid course that a test may damage.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lentera-content-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&fixture("valid-course"), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn valid_course_loads() {
    let course = load_course(&fixture("valid-course")).unwrap();
    assert_eq!(course.slug, "manajemen-bencana-asn-daerah");
    assert_eq!(course.category, "manajemen-bencana");
    assert_eq!(course.jp, 6);
    assert_eq!(course.estimated_hours, Some(4.5));
    assert_eq!(course.partner, None);
    assert_eq!(course.authors, ["Tim Lentera"]);
    assert_eq!(course.modules.len(), 1);
    let items = &course.modules[0].items;
    assert_eq!(items.len(), 3);
    assert_eq!(items[2].kind, ItemKind::Quiz);
    assert!(!items[1].required);

    let slugs: Vec<&str> = course.lessons.iter().map(|l| l.slug.as_str()).collect();
    assert_eq!(slugs, ["konsep-dasar", "rencana-kontinjensi"]);
    let intro = course.lesson("konsep-dasar").unwrap();
    assert_eq!(intro.title, "Konsep Dasar Penanggulangan Bencana");
    assert_eq!(intro.minutes, 30);
    assert_eq!(intro.module, "pra-bencana");
    assert!(intro.words > 10);
    assert!(!course.lesson("rencana-kontinjensi").unwrap().required);

    let quiz = course.quiz("evaluasi-pra-bencana").unwrap();
    assert_eq!(quiz.file, "quizzes/evaluasi-pra-bencana.toml");
    assert!(quiz.source.contains("[[questions]]"));

    let svg = course.asset("siklus.svg").unwrap();
    assert_eq!(svg.content_type, "image/svg+xml");
    assert!(svg.bytes.starts_with(b"<svg"));
    assert_eq!(course.content_hash.len(), 64);

    // The server stores the course as JSON, asset bytes included.
    let json = serde_json::to_string(&course).unwrap();
    assert!(json.contains("\"kind\":\"quiz\""));
    let back: Course = serde_json::from_str(&json).unwrap();
    assert_eq!(back.assets[0].bytes, svg.bytes);
}

#[test]
fn lesson_html_rewrites_images_links_and_callouts() {
    let course = load_course(&fixture("valid-course")).unwrap();
    let html = &course.lesson("konsep-dasar").unwrap().html;
    assert!(html.contains(
        r#"<img src="/kursus/manajemen-bencana-asn-daerah/aset/siklus.svg" alt="Diagram siklus" width="320" height="200" loading="lazy">"#
    ), "{html}");
    assert!(html.contains(
        r#"href="/kursus/manajemen-bencana-asn-daerah/materi/rencana-kontinjensi#tahapan""#
    ));
    assert!(
        html.contains(
            r#"<a href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer">"#
        )
    );
    assert!(!html.contains("iframe"));
    assert!(
        html.contains(r#"<div class="callout callout-info"><p class="callout-title">Info</p>"#)
    );
    assert!(!html.contains("[!INFO]"));
    assert!(html.contains("<table>") && html.contains("<td>Mitigasi</td>"));
    assert!(html.contains(r##"<a href="#fn-1-uu""##) && html.contains(r#"id="fn-1-uu""#));

    let other = &course.lesson("rencana-kontinjensi").unwrap().html;
    assert!(other.contains(
        r#"<div class="callout callout-peringatan"><p class="callout-title">Peringatan</p>"#
    ));
    assert!(other.contains("<del>setiap lima tahun</del>"));
    assert!(other.contains(r#"href="/kursus/manajemen-bencana-asn-daerah/materi/konsep-dasar""#));
}

#[test]
fn broken_course_reports_every_problem_with_positions() {
    let ps = problems(&fixture("broken-course"));
    assert_problem(&ps, "course.toml", 4, 12, "`category` must be one of");
    assert_problem(
        &ps,
        "course.toml",
        5,
        6,
        "whole number from 1 to 200, but it is the text \"banyak\"",
    );
    assert_problem(&ps, "course.toml", 9, 1, "unknown setting `colour`");
    assert_problem(
        &ps,
        "course.toml",
        19,
        12,
        "lessons/hilang.md does not exist",
    );
    assert_problem(
        &ps,
        "course.toml",
        22,
        12,
        "`pengantar` is already used on line 16",
    );
    assert_problem(&ps, "course.toml", 29, 10, "not both");
    assert_problem(&ps, "course.toml", 31, 3, "needs `lesson");
    assert_problem(&ps, "lessons/kosong.md", 5, 1, "this lesson is empty");
    assert_problem(
        &ps,
        "lessons/pengantar.md",
        2,
        8,
        "does not match the file name",
    );
    assert_problem(
        &ps,
        "lessons/pengantar.md",
        9,
        6,
        "`tidak-ada.md` points to a lesson that does not exist",
    );
    assert_problem(&ps, "lessons/pengantar.md", 11, 1, "assets/peta.png");
    assert_problem(&ps, "lessons/pengantar.md", 13, 6, "javascript:");
    assert_problem(&ps, "lessons/tidak-dipakai.md", 1, 1, "not used");
    assert_problem(&ps, "assets/video.mp4", 1, 1, "not allowed");
    assert_eq!(ps.len(), 14, "{ps:#?}");
    assert_eq!(
        ps.iter()
            .find(|p| p.line == 5 && p.file == "course.toml")
            .unwrap()
            .to_string(),
        "course.toml:5:6: `jp` must be a whole number from 1 to 200, but it is the text \"banyak\""
    );
}

#[test]
fn every_problem_has_an_indonesian_pesan() {
    let ps = problems(&fixture("broken-course"));
    assert!(!ps.is_empty());
    assert_translated(&ps);
    let jp = ps
        .iter()
        .find(|p| p.file == "course.toml" && p.line == 5 && p.column == 6)
        .expect("the `jp` problem");
    assert_eq!(
        jp.pesan,
        "`jp` harus bilangan bulat 1 sampai 200, tetapi isinya teks \"banyak\""
    );
    // The CLI's Display stays English.
    assert!(jp.to_string().starts_with("course.toml:5:6: `jp` must be"));
    // Stored problems from before `pesan` existed still deserialise.
    let old: Problem =
        serde_json::from_str(r#"{"file":"a","line":1,"column":2,"message":"m"}"#).unwrap();
    assert_eq!(old.pesan, "");
}

#[test]
fn missing_keys_bad_files_and_limits() {
    let dir = scratch("limits");
    let course = fs::read_to_string(dir.join("course.toml")).unwrap();
    fs::write(
        dir.join("course.toml"),
        course.replace("title = \"Manajemen Bencana untuk ASN Daerah\"\n", ""),
    )
    .unwrap();
    let lesson = fs::read_to_string(dir.join("lessons/konsep-dasar.md")).unwrap();
    fs::write(
        dir.join("lessons/konsep-dasar.md"),
        lesson.replace("minutes = 30", "minutes = 30\nauthor = \"x\""),
    )
    .unwrap();
    fs::write(
        dir.join("lessons/rencana-kontinjensi.md"),
        b"+++\nslug = \"rencana-kontinjensi\"\ntitle = \"R\xe9ncana\"\n",
    )
    .unwrap();
    fs::write(dir.join("assets/besar.png"), vec![0u8; 1024 * 1024 + 1]).unwrap();
    fs::write(dir.join("assets/rusak.png"), b"not a png").unwrap();
    fs::write(
        dir.join("assets/jahat.svg"),
        br#"<svg onload="alert(1)"></svg>"#,
    )
    .unwrap();
    fs::write(dir.join(".DS_Store"), b"ignored").unwrap();

    let ps = problems(&dir);
    assert_problem(&ps, "course.toml", 1, 1, "missing required setting `title`");
    assert_problem(
        &ps,
        "lessons/konsep-dasar.md",
        5,
        1,
        "unknown setting `author`",
    );
    assert_problem(&ps, "lessons/rencana-kontinjensi.md", 3, 11, "UTF-8");
    assert_problem(
        &ps,
        "assets/besar.png",
        1,
        1,
        "1025 KB, more than the limit of 1024 KB (1 MiB)",
    );
    assert_problem(&ps, "assets/rusak.png", 1, 1, "could not be read");
    assert_problem(&ps, "assets/jahat.svg", 1, 1, "event handler");
    assert_eq!(ps.len(), 6, "{ps:#?}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn toml_syntax_errors_are_located() {
    let dir = scratch("syntax");
    let course = fs::read_to_string(dir.join("course.toml")).unwrap();
    fs::write(
        dir.join("course.toml"),
        course.replace("jp = 6", "jp = 6\nlevel2 = "),
    )
    .unwrap();
    let ps = problems(&dir);
    assert!(
        ps.iter().any(|p| p.file == "course.toml"
            && p.line == 6
            && p.message.starts_with("TOML syntax error")
            && p.pesan.starts_with("Sintaks TOML tidak valid: ")),
        "{ps:#?}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn content_hash_follows_the_files() {
    let dir = scratch("hash");
    let before = load_course(&dir).unwrap().content_hash;
    assert_eq!(
        before,
        load_course(&fixture("valid-course")).unwrap().content_hash
    );
    fs::write(
        dir.join("quizzes/evaluasi-pra-bencana.toml"),
        "slug = \"evaluasi-pra-bencana\"\n",
    )
    .unwrap();
    assert_ne!(before, load_course(&dir).unwrap().content_hash);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_courses_finds_each_course_and_rejects_reused_slugs() {
    let root = std::env::temp_dir().join(format!("lentera-content-{}-many", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    copy_dir(&fixture("valid-course"), &root.join("a"));
    copy_dir(&fixture("valid-course"), &root.join("b"));
    copy_dir(&fixture("broken-course"), &root.join("c"));
    fs::create_dir_all(root.join("not-a-course")).unwrap();
    let results = load_courses(&root);
    assert_eq!(results.len(), 3);
    assert!(results[0].1.is_ok());
    let dup = results[1].1.as_ref().unwrap_err();
    assert_eq!((dup[0].file.as_str(), dup[0].line), ("course.toml", 1));
    assert!(dup[0].message.contains("already used"));
    assert!(dup[0].pesan.contains("sudah dipakai"));
    assert_translated(dup);
    assert_translated(results[2].1.as_ref().unwrap_err());
    assert_eq!(load_courses(&fixture("valid-course")).len(), 1);
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn hostile_markdown_is_neutralised() {
    let md = r#"<script>alert("s1")</script>

<img src="x.png" onerror="alert('s2')">

[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html;base64,PHNjcmlwdD4=)
[d](vbscript:msgbox)

<iframe src="https://evil.example/"></iframe>

<svg><script>alert("s3")</script><circle onload="alert(1)"/></svg>

<a href="https://ok.example/" style="position:fixed" onclick="steal()" target="_top">ok</a>

<form action="/logout"><input name="x"><button>Go</button></form>

![x](data:image/svg+xml;base64,PHN2Zz4=) <object data="x.swf"></object> <embed src="x">

<div class="evil" id="main" onmouseover="x()">z</div>

<https://www.youtube.com/watch?v=abc>
"#;
    let html = render_markdown(md).to_lowercase();
    for banned in [
        "<script",
        "alert(",
        "onerror",
        "onload",
        "onclick",
        "onmouseover",
        "javascript:",
        "vbscript:",
        "data:",
        "<iframe",
        "<svg",
        "style=",
        "<form",
        "<input",
        "<button",
        "<object",
        "<embed",
        "target=",
        "class=\"evil",
        "id=\"main\"",
    ] {
        assert!(!html.contains(banned), "{banned} survived in:\n{html}");
    }
    assert!(
        html.contains(r#"<a href="https://ok.example/" rel="noopener noreferrer">ok</a>"#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<a href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer">"#
        )
    );
}

#[test]
fn callouts_in_any_case_and_plain_quotes() {
    let html = render_markdown(
        "> [!tips]\n> Simpan **nomor darurat**.\n\n> [!Peringatan]\n\n> Biasa saja.\n\n> [!CATATAN]\n> x\n",
    );
    assert!(html.contains(
        "<div class=\"callout callout-tips\"><p class=\"callout-title\">Tips</p>\n<p>Simpan <strong>nomor darurat</strong>.</p>\n</div>"
    ), "{html}");
    assert!(html.contains(
        "<div class=\"callout callout-peringatan\"><p class=\"callout-title\">Peringatan</p>"
    ));
    assert!(html.contains("<blockquote>\n<p>Biasa saja.</p>\n</blockquote>"));
    // Unknown kinds stay ordinary quotes, marker included, so nothing is silently lost.
    assert!(html.contains("[!CATATAN]"));
}

#[test]
fn plain_markdown_features() {
    let html =
        render_markdown("| a | b |\n|---|:-:|\n| 1 | 2 |\n\n~~lama~~ baru[^1]\n\n[^1]: Sumber.\n");
    assert!(
        html.contains("<td>1</td>") && !html.contains("style"),
        "{html}"
    );
    assert!(html.contains("<del>lama</del>"));
    assert!(html.contains(r##"<sup class="footnote-reference"><a href="#fn-1-1""##));
}

/// Replaces the last line of the valid course.toml (`quiz = "evaluasi-pra-bencana"`, line 24)
/// with `tail`.
fn with_quiz_item(dir: &Path, tail: &str) {
    let course = fs::read_to_string(dir.join("course.toml")).unwrap();
    let course = course.replace("  quiz = \"evaluasi-pra-bencana\"\n", tail);
    fs::write(dir.join("course.toml"), course).unwrap();
}

#[test]
fn gift_and_aiken_quizzes_take_settings_from_the_outline() {
    let dir = scratch("gift");
    fs::remove_file(dir.join("quizzes/evaluasi-pra-bencana.toml")).unwrap();
    fs::write(
        dir.join("quizzes/evaluasi-pra-bencana.gift"),
        "Siapa koordinator? {=BPBD ~BMKG}\n",
    )
    .unwrap();
    fs::write(
        dir.join("quizzes/kuis-aiken.aiken"),
        "Siapa koordinator?\nA. BPBD\nB. BMKG\nANSWER: A\n",
    )
    .unwrap();
    with_quiz_item(
        &dir,
        "  quiz = \"evaluasi-pra-bencana\"\n  title = \"Evaluasi\"\n  pass_percent = 72.5\n  max_attempts = 3\n  time_limit_minutes = 20\n\n  [[modules.items]]\n  quiz = \"kuis-aiken\"\n  required = false\n",
    );
    let course = load_course(&dir).unwrap_or_else(|p| panic!("{p:#?}"));
    let gift = course.quiz("evaluasi-pra-bencana").unwrap();
    assert_eq!(gift.file, "quizzes/evaluasi-pra-bencana.gift");
    assert_eq!(gift.format, "gift");
    assert!(gift.source.contains("{=BPBD"));
    assert_eq!(gift.title.as_deref(), Some("Evaluasi"));
    assert_eq!(gift.pass_percent, Some(72.5));
    assert_eq!(gift.max_attempts, Some(3));
    assert_eq!(gift.time_limit_minutes, Some(20));
    let aiken = course.quiz("kuis-aiken").unwrap();
    assert_eq!(
        (aiken.format.as_str(), aiken.file.as_str()),
        ("aiken", "quizzes/kuis-aiken.aiken")
    );
    assert!(!aiken.required);
    assert_eq!(
        (aiken.title.as_ref(), aiken.pass_percent, aiken.max_attempts),
        (None, None, None)
    );
    assert_eq!(aiken.time_limit_minutes, None);
    fs::remove_dir_all(&dir).unwrap();

    // TOML quizzes keep working, and the format is named.
    let course = load_course(&fixture("valid-course")).unwrap();
    let toml = course.quiz("evaluasi-pra-bencana").unwrap();
    assert_eq!((toml.format.as_str(), toml.title.as_ref()), ("toml", None));
}

#[test]
fn quiz_sources_stored_before_formats_existed_still_load() {
    let old = r#"{"slug":"q","required":true,"module":"m","file":"quizzes/q.toml","source":"x"}"#;
    let q: lentera_content::QuizSource = serde_json::from_str(old).unwrap();
    assert_eq!(q.format, "toml");
    assert_eq!((q.title, q.pass_percent), (None, None));
    assert_eq!((q.max_attempts, q.time_limit_minutes), (None, None));
}

#[test]
fn quiz_files_and_settings_problems() {
    let dir = scratch("quiz-settings");
    // Two files for one quiz.
    fs::write(dir.join("quizzes/evaluasi-pra-bencana.gift"), "Q {T}\n").unwrap();
    fs::write(dir.join("quizzes/catatan.txt"), "x").unwrap();
    let course = fs::read_to_string(dir.join("course.toml")).unwrap();
    let course = course
        .replace(
            "  lesson = \"konsep-dasar\"\n",
            "  lesson = \"konsep-dasar\"\n  pass_percent = 70\n  colour = \"red\"\n",
        )
        .replace(
            "  quiz = \"evaluasi-pra-bencana\"\n",
            "  quiz = \"evaluasi-pra-bencana\"\n  title = \"T\"\n\n  [[modules.items]]\n  quiz = \"kuis-baru\"\n  pass_percent = 150\n  max_attempts = -1\n  time_limit_minutes = 0\n  title = 5\n  shuffle = false\n\n  [[modules.items]]\n  quiz = \"kuis-lama\"\n  title = \"Lama\"\n",
        );
    fs::write(dir.join("course.toml"), course).unwrap();
    fs::write(
        dir.join("quizzes/kuis-baru.aiken"),
        "Q\nA. a\nB. b\nANSWER: A\n",
    )
    .unwrap();
    fs::write(dir.join("quizzes/kuis-lama.toml"), "slug = \"kuis-lama\"\n").unwrap();

    let ps = problems(&dir);
    assert_problem(
        &ps,
        "course.toml",
        18,
        3,
        "`pass_percent` is a quiz setting; a lesson item cannot have it",
    );
    assert_problem(&ps, "course.toml", 19, 3, "unknown setting `colour`");
    assert_problem(
        &ps,
        "course.toml",
        26,
        10,
        "the quiz `evaluasi-pra-bencana` has 2 files (quizzes/evaluasi-pra-bencana.toml, quizzes/evaluasi-pra-bencana.gift); keep only one",
    );
    assert_problem(&ps, "course.toml", 31, 18, "a number from 0 to 100");
    assert_problem(&ps, "course.toml", 32, 18, "a whole number from 0 to 1000");
    assert_problem(&ps, "course.toml", 33, 24, "a whole number from 1 to 1440");
    assert_problem(&ps, "course.toml", 34, 11, "`title` must be text in quotes");
    assert_problem(&ps, "course.toml", 35, 3, "unknown setting `shuffle`");
    assert_problem(
        &ps,
        "course.toml",
        39,
        3,
        "`title` on a quiz item is only for GIFT and Aiken quizzes; quizzes/kuis-lama.toml has its own settings",
    );
    assert_problem(
        &ps,
        "quizzes/catatan.txt",
        1,
        1,
        "only quiz files ending in .toml, .gift or .aiken belong directly in quizzes/",
    );
    assert_eq!(ps.len(), 10, "{ps:#?}");
    fs::remove_dir_all(&dir).unwrap();

    let dir = scratch("quiz-missing");
    fs::remove_file(dir.join("quizzes/evaluasi-pra-bencana.toml")).unwrap();
    fs::write(dir.join("quizzes/lain.gift"), "Q {T}\n").unwrap();
    let ps = problems(&dir);
    assert_problem(
        &ps,
        "course.toml",
        24,
        10,
        "the quiz `evaluasi-pra-bencana` has no file: add quizzes/evaluasi-pra-bencana.toml, quizzes/evaluasi-pra-bencana.gift or quizzes/evaluasi-pra-bencana.aiken",
    );
    assert_problem(&ps, "quizzes/lain.gift", 1, 1, "add `quiz = \"lain\"`");
    assert_eq!(ps.len(), 2, "{ps:#?}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn outline_quiz_items_take_attempt_policies_and_draw_rules() {
    let dir = scratch("policies");
    fs::remove_file(dir.join("quizzes/evaluasi-pra-bencana.toml")).unwrap();
    fs::write(
        dir.join("quizzes/evaluasi-pra-bencana.gift"),
        "$CATEGORY: Bencana\n\nSiapa koordinator? {=BPBD ~BMKG}\n",
    )
    .unwrap();
    with_quiz_item(
        &dir,
        "  quiz = \"evaluasi-pra-bencana\"\n  cooldown_minutes = 30\n  counts = \"latest\"\n  review = \"after_last_attempt\"\n  draw = [{ group = \"Bencana\", count = 2 }, { group = \"Umum\", count = 1 }]\n",
    );
    let course = load_course(&dir).unwrap_or_else(|p| panic!("{p:#?}"));
    let q = course.quiz("evaluasi-pra-bencana").unwrap();
    assert_eq!(q.cooldown_minutes, Some(30));
    assert_eq!(q.counts.as_deref(), Some("latest"));
    assert_eq!(q.review.as_deref(), Some("after_last_attempt"));
    assert_eq!(
        q.draws,
        [
            lentera_content::DrawRule {
                group: "Bencana".into(),
                count: 2
            },
            lentera_content::DrawRule {
                group: "Umum".into(),
                count: 1
            }
        ]
    );
    fs::remove_dir_all(&dir).unwrap();

    // Sources stored before these settings existed still load, without them.
    let old = r#"{"slug":"q","required":true,"module":"m","file":"quizzes/q.gift","source":"x","format":"gift"}"#;
    let q: lentera_content::QuizSource = serde_json::from_str(old).unwrap();
    assert_eq!((q.cooldown_minutes, q.counts, q.review), (None, None, None));
    assert!(q.draws.is_empty());
}

#[test]
fn attempt_policy_and_draw_problems_are_located() {
    let dir = scratch("policy-problems");
    fs::remove_file(dir.join("quizzes/evaluasi-pra-bencana.toml")).unwrap();
    fs::write(dir.join("quizzes/evaluasi-pra-bencana.gift"), "Q {T}\n").unwrap();
    with_quiz_item(
        &dir,
        "  quiz = \"evaluasi-pra-bencana\"\n  cooldown_minutes = 20000\n  counts = \"best\"\n  review = \"sometimes\"\n  draw = [{ group = \"A\", count = 0 }, { group = \"A\", count = 1 },\n    \"x\", { group = \"B\", count = 1, extra = 1 }, { count = 2 }]\n",
    );
    let ps = problems(&dir);
    assert_problem(&ps, "course.toml", 25, 22, "a whole number from 0 to 10080");
    assert_problem(
        &ps,
        "course.toml",
        26,
        12,
        "`counts` must be one of: highest, latest",
    );
    assert_problem(
        &ps,
        "course.toml",
        27,
        12,
        "`review` must be one of: after_submit, after_last_attempt, never",
    );
    assert_problem(&ps, "course.toml", 28, 34, "a whole number from 1 to 1000");
    assert_problem(
        &ps,
        "course.toml",
        28,
        49,
        "already a draw rule for group `A`",
    );
    assert_problem(
        &ps,
        "course.toml",
        29,
        5,
        "each rule in `draw` must look like",
    );
    assert_problem(&ps, "course.toml", 29, 36, "unknown setting `extra`");
    assert_problem(
        &ps,
        "course.toml",
        29,
        49,
        "missing required setting `group`",
    );
    assert_eq!(ps.len(), 8, "{ps:#?}");
    fs::remove_dir_all(&dir).unwrap();
}

// --- The shipped courses in content/ (what a learner actually reads) ---

/// The course folders shipped with Lentera, loaded; panics with every problem if one fails.
fn shipped_courses() -> Vec<(PathBuf, Course)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    load_courses(&dir)
        .into_iter()
        .map(|(path, result)| match result {
            Ok(course) => (path, course),
            Err(problems) => {
                let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
                panic!("{} does not load:\n{}", path.display(), all.join("\n"))
            }
        })
        .collect()
}

/// Every file of a course folder that a learner reads: lessons and quizzes, with their text.
fn learner_files(course_dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for sub in ["lessons", "quizzes"] {
        let Ok(entries) = fs::read_dir(course_dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                let text = fs::read_to_string(&path).unwrap();
                files.push((path, text));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn six_shipped_courses_load_and_fill_every_category() {
    let courses = shipped_courses();
    assert_eq!(courses.len(), 6, "shipped courses: {}", courses.len());
    let mut categories: Vec<&str> = courses.iter().map(|(_, c)| c.category.as_str()).collect();
    categories.sort_unstable();
    assert_eq!(
        categories,
        [
            "kepemimpinan",
            "manajemen-bencana",
            "manajemen-keuangan",
            "pelayanan-publik",
            "pengembangan-diri",
            "teknologi-informasi"
        ]
    );
    let mut short = Vec::new();
    for (_, course) in &courses {
        assert!(
            course.lessons.len() >= 6,
            "{}: too few lessons",
            course.slug
        );
        for lesson in course.lessons.iter().filter(|l| l.words < 800) {
            short.push(format!(
                "{}/{}: {} words",
                course.slug, lesson.slug, lesson.words
            ));
        }
    }
    assert!(
        short.is_empty(),
        "lessons under 800 words:\n{}",
        short.join("\n")
    );
}

/// Notes an author wrote to themselves, or hedges about facts nobody checked, must never reach
/// a learner: a legal statement is either cited or left out.
#[test]
fn shipped_content_has_no_learner_visible_caveats() {
    const PHRASES: &[&str] = &[
        "belum kami",
        "kami konfirmasi",
        "kami verifikasi",
        "kami cocokkan",
        "belum dikonfirmasi",
        "belum terkonfirmasi",
        "sudah terkonfirmasi",
        "belum dicocokkan",
        "dicocokkan dengan sumber",
        "cocokkan dengan teks resmi",
        "cek kembali",
        "periksa teks resmi",
        "rujuk teks resmi",
        "teks resminya",
        "sebelum mengutip",
        "sebelum dikutip",
        "jangan mengutip",
        "kutipan sekunder",
        "sumber sekunder",
        "salinan yang terpotong",
        "parafrasa untuk belajar",
        "lorem ipsum",
        "[u]",
    ];
    const WORDS: &[&str] = &["todo", "fixme", "tbd", "xxx"];
    let mut found = Vec::new();
    for (dir, course) in shipped_courses() {
        let mut status_lines = 0;
        for (path, text) in learner_files(&dir) {
            let lower = text.to_lowercase();
            for phrase in PHRASES {
                if lower.contains(phrase) {
                    found.push(format!("{}: {phrase:?}", path.display()));
                }
            }
            for word in lower.split(|c: char| !c.is_alphanumeric()) {
                if WORDS.contains(&word) {
                    found.push(format!("{}: {word:?}", path.display()));
                }
            }
            status_lines += text.matches("Status per tanggal").count();
        }
        assert_eq!(
            status_lines, 1,
            "{}: the course states its status date {status_lines} times instead of once",
            course.slug
        );
    }
    assert!(
        found.is_empty(),
        "caveats left for learners:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_shipped_lesson_states_its_learning_objectives() {
    for (_, course) in shipped_courses() {
        for lesson in &course.lessons {
            assert!(
                lesson.html.contains("Tujuan pembelajaran"),
                "{}/{} has no learning objectives",
                course.slug,
                lesson.slug
            );
        }
    }
}

/// A TOML quiz, as far as the pool checks need it.
#[derive(serde::Deserialize)]
struct QuizFile {
    #[serde(default)]
    review: Option<String>,
    #[serde(default)]
    draw: Vec<DrawFile>,
    #[serde(default)]
    questions: Vec<QuestionFile>,
}

#[derive(serde::Deserialize)]
struct DrawFile {
    group: String,
    count: usize,
}

#[derive(serde::Deserialize)]
struct QuestionFile {
    kind: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    options: Vec<OptionFile>,
}

#[derive(serde::Deserialize)]
struct OptionFile {
    #[serde(default)]
    correct: bool,
}

/// One question of a quiz bank: its pool group, and whether an instructor grades it.
struct BankQuestion {
    group: Option<String>,
    essay: bool,
}

/// The bank and draw rules of a shipped quiz, whatever its format.
fn bank_and_draws(quiz: &QuizSource) -> (Vec<BankQuestion>, Vec<(String, usize)>) {
    match quiz.format.as_str() {
        "toml" => {
            let file: QuizFile =
                toml::from_str(&quiz.source).unwrap_or_else(|e| panic!("{}: {e}", quiz.file));
            let bank = file
                .questions
                .into_iter()
                .map(|q| BankQuestion {
                    group: q.group,
                    essay: q.kind == "essay",
                })
                .collect();
            let draws = file.draw.into_iter().map(|d| (d.group, d.count)).collect();
            (bank, draws)
        }
        "gift" => {
            // Questions are blocks separated by blank lines; `$CATEGORY:` sets the group of
            // the questions after it, and `{}` is an essay.
            let mut bank = Vec::new();
            let mut group: Option<String> = None;
            for block in quiz.source.split("\n\n") {
                let mut text = String::new();
                for line in block.lines().map(str::trim) {
                    if let Some(category) = line.strip_prefix("$CATEGORY:") {
                        let category = category.trim();
                        let category = category.strip_prefix("$course$/").unwrap_or(category);
                        let category = category.strip_prefix("top/").unwrap_or(category);
                        group = Some(category.to_owned()).filter(|c| !c.is_empty() && c != "top");
                    } else if !line.starts_with("//") {
                        text.push_str(line);
                    }
                }
                if text.contains('{') {
                    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                    bank.push(BankQuestion {
                        group: group.clone(),
                        essay: compact.contains("{}"),
                    });
                }
            }
            let draws = quiz
                .draws
                .iter()
                .map(|d| (d.group.clone(), d.count))
                .collect();
            (bank, draws)
        }
        other => panic!("{}: no question pools in {other} quizzes", quiz.file),
    }
}

#[test]
fn every_shipped_quiz_draws_from_a_bank_at_least_twice_its_size() {
    for (_, course) in shipped_courses() {
        for quiz in &course.quizzes {
            let name = format!("{}/{}", course.slug, quiz.file);
            let (bank, draws) = bank_and_draws(quiz);
            assert!(
                !draws.is_empty(),
                "{name}: no draw rule, every attempt shows the whole bank"
            );
            let mut per_attempt = bank
                .iter()
                .filter(|q| {
                    !draws
                        .iter()
                        .any(|(g, _)| q.group.as_deref() == Some(g.as_str()))
                })
                .count();
            for (group, count) in &draws {
                let size = bank
                    .iter()
                    .filter(|q| q.group.as_deref() == Some(group.as_str()))
                    .count();
                assert!(*count > 0, "{name}: group {group} draws nothing");
                assert!(
                    size >= 2 * count,
                    "{name}: group {group} draws {count} from only {size}"
                );
                per_attempt += count;
            }
            assert!(
                bank.len() >= 2 * per_attempt,
                "{name}: {per_attempt} questions per attempt from a bank of {}",
                bank.len()
            );
        }
    }
}

#[test]
fn shipped_courses_test_with_pools_reviews_and_graded_work() {
    for (_, course) in shipped_courses() {
        let mut essays = 0;
        let mut finals = 0;
        let (mut single_choice, mut right_first) = (0, 0);
        for quiz in &course.quizzes {
            let (bank, _) = bank_and_draws(quiz);
            essays += bank.iter().filter(|q| q.essay).count();
            let review = if quiz.format == "toml" {
                let file: QuizFile = toml::from_str(&quiz.source).unwrap();
                for q in file.questions.iter().filter(|q| q.kind == "single_choice") {
                    single_choice += 1;
                    if q.options.first().is_some_and(|o| o.correct) {
                        right_first += 1;
                    }
                }
                file.review
            } else {
                quiz.review.clone()
            };
            if quiz.slug.starts_with("evaluasi-akhir") {
                finals += 1;
                assert_eq!(
                    review.as_deref(),
                    Some("after_last_attempt"),
                    "{}/{}: a final quiz shows its key before the last attempt",
                    course.slug,
                    quiz.slug
                );
            }
        }
        assert_eq!(finals, 1, "{}: one final quiz", course.slug);
        assert!(essays >= 1, "{}: no instructor-graded item", course.slug);
        // The options are shuffled per attempt, but the author's order should not tell either.
        assert!(
            right_first * 5 <= single_choice * 2,
            "{}: the right answer is first in {right_first} of {single_choice} single-choice items",
            course.slug
        );
    }
}
