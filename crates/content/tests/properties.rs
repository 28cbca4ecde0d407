//! Property tests for the Markdown renderer and the course loader: arbitrary text, and text
//! made of the pieces of Markdown and HTML so that it is often nearly valid, never makes them
//! panic; every problem points at a line and column inside its file; rendered HTML never nests
//! deeper than MAX_NESTING (plus the table parts the HTML parser adds).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use lentera_content::{
    MAX_NESTING, Problem, load_course, render_markdown, render_markdown_checked,
};
use proptest::prelude::*;

/// Whether `line:column` (1-based, column in characters) is a position inside `text`, counting
/// the place just after the last character of a line.
fn inside(text: &str, line: u32, column: u32) -> bool {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    line >= 1 && column >= 1 && column as usize <= l.chars().count() + 1
}

/// The deepest element nesting in sanitised HTML.
fn depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if name.is_empty() || ["br", "hr", "img"].contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Pieces of Markdown and raw HTML, nesting ones included.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("> "),
        Just("- "),
        Just("1. "),
        Just("  "),
        Just("    "),
        Just("\n"),
        Just("\n\n"),
        Just("*"),
        Just("**"),
        Just("_"),
        Just("~~"),
        Just("`"),
        Just("```\n"),
        Just("["),
        Just("]"),
        Just("]("),
        Just(")"),
        Just("!["),
        Just("[^1]"),
        Just("[^1]: "),
        Just("# "),
        Just("| a | b |\n|---|---|\n"),
        Just("> [!INFO]\n"),
        Just("<div>"),
        Just("</div>"),
        Just("<b>"),
        Just("</b>"),
        Just("<p>"),
        Just("<table><tr><td>"),
        Just("<script>"),
        Just("</script>"),
        Just("<style>"),
        Just("<!--"),
        Just("-->"),
        Just("<svg onload=x()>"),
        Just("<a href=\"javascript:x()\">"),
        Just("&amp;"),
        Just("&#0;"),
        Just("\u{feff}é"),
        Just("kata "),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

fn check_render(md: &str) {
    let html = render_markdown(md);
    assert!(
        depth(&html) <= MAX_NESTING + 3,
        "too deep for {md:?}:\n{html}"
    );
    match render_markdown_checked("x.md", md) {
        Ok(checked) => assert_eq!(checked, html),
        Err(problems) => {
            for p in &problems {
                assert!(inside(md, p.line, p.column), "{p:?} not inside {md:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_renders(md in any::<String>()) {
        check_render(&md);
    }

    #[test]
    fn nearly_valid_markdown_renders_within_the_nesting_limit(md in markdown()) {
        check_render(&md);
    }
}

/// The valid fixture course, copied into `dir`.
fn copy_fixture(dir: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid-course");
    for sub in ["", "assets", "lessons", "quizzes"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in fs::read_dir(from.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
}

/// Which file of the course a generated text replaces, or a new file it becomes.
const TARGETS: &[&str] = &[
    "course.toml",
    "lessons/konsep-dasar.md",
    "lessons/baru.md",
    "quizzes/evaluasi-pra-bencana.toml",
    "assets/siklus.svg",
    "assets/foto.png",
];

/// Text for a course file: arbitrary, Markdown pieces behind valid front matter, a mutation of
/// the file that is there, or arbitrary bytes.
fn contents() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let target = 0..TARGETS.len();
    let bytes = prop_oneof![
        any::<String>().prop_map(String::into_bytes),
        markdown().prop_map(|md| {
            format!("+++\nslug = \"konsep-dasar\"\ntitle = \"K\"\nminutes = 5\n+++\n{md}")
                .into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..200),
        (any::<usize>(), "[a-z\"=\\[\\]{}<>&#;:\n ]{0,12}").prop_map(|(at, s)| {
            // Spliced into the fixture's own file at `at`; filled in by `apply`.
            let mut v = at.to_le_bytes().to_vec();
            v.insert(0, 0xFF);
            v.extend(s.into_bytes());
            v
        }),
    ];
    (target, bytes)
}

/// Writes `bytes` over the target file; a splice marker (0xFF + position) inserts the rest into
/// the file that is there.
fn apply(dir: &Path, target: &str, bytes: &[u8]) {
    let path = dir.join(target);
    let size = std::mem::size_of::<usize>();
    if bytes.first() == Some(&0xFF) && bytes.len() > size && path.exists() {
        let at = usize::from_le_bytes(bytes[1..=size].try_into().unwrap());
        let mut old = fs::read(&path).unwrap();
        let at = at % (old.len() + 1);
        old.splice(at..at, bytes[size + 1..].iter().copied());
        fs::write(&path, old).unwrap();
    } else {
        fs::write(&path, bytes).unwrap();
    }
}

fn check_problems(dir: &Path, problems: &[Problem]) {
    assert!(!problems.is_empty());
    for p in problems {
        assert!(!p.message.is_empty() && !p.pesan.is_empty(), "{p:?}");
        let path = dir.join(&p.file);
        if path.is_file() {
            let text = String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned();
            // A byte-order mark is one character in the editor, none in the problem's count.
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            assert!(
                inside(text, p.line, p.column) || (p.line, p.column) == (1, 1),
                "{p:?} is not inside {}",
                p.file
            );
        } else {
            assert_eq!((p.line, p.column), (1, 1), "{p:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn changed_course_files_never_make_loading_panic(
        changes in prop::collection::vec(contents(), 1..4)
    ) {
        let dir = tempfile::tempdir().unwrap();
        copy_fixture(dir.path());
        for (target, bytes) in &changes {
            apply(dir.path(), TARGETS[*target], bytes);
        }
        if let Err(problems) = load_course(dir.path()) {
            check_problems(dir.path(), &problems);
        }
    }
}
