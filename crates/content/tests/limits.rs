//! Markdown past the limits: nesting deeper than MAX_NESTING (Markdown or raw HTML) is
//! flattened when rendered and refused, with its position, when checked or loaded; text past
//! MAX_TEXT_BYTES is refused by the checked renderer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use lentera_content::{
    MAX_NESTING, MAX_TEXT_BYTES, Problem, load_course, render_markdown, render_markdown_checked,
};

/// The deepest element nesting in sanitised HTML (void elements do not nest).
fn depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if ["br", "hr", "img"].contains(&name.as_str()) || name.is_empty() {
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

fn one_problem(result: Result<String, Vec<Problem>>) -> Problem {
    let mut problems = result.expect_err("should be refused");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = problems.remove(0);
    assert!(!p.pesan.is_empty() && p.pesan != p.message, "{p:#?}");
    p
}

#[test]
fn deep_block_quotes_are_flattened_and_refused_at_the_first_level_too_deep() {
    let md = format!("Awal\n\n{}kutipan terdalam\n", "> ".repeat(200));
    let html = render_markdown(&md);
    assert!(depth(&html) <= MAX_NESTING, "{html}");
    assert!(html.contains("kutipan terdalam"), "{html}");

    let p = one_problem(render_markdown_checked("lessons/dalam.md", &md));
    assert_eq!(p.file, "lessons/dalam.md");
    // Quote number MAX_NESTING + 1 (each `> ` is two columns) on line 3.
    assert_eq!(
        (p.line, p.column),
        (3, 2 * MAX_NESTING as u32 + 1),
        "{p:#?}"
    );
    assert!(p.message.contains("nested more than 32 levels"), "{p:#?}");
}

#[test]
fn deep_lists_are_flattened_and_refused() {
    for md in [
        format!("{}butir\n", "- 1. ".repeat(100)),
        format!("{}butir\n", "- > ".repeat(100)),
        (0..60)
            .map(|i| format!("{}- butir {i}\n", "  ".repeat(i)))
            .collect::<String>(),
    ] {
        let html = render_markdown(&md);
        assert!(depth(&html) <= MAX_NESTING, "{html}");
        assert!(html.contains("butir"), "{html}");
        one_problem(render_markdown_checked("x.md", &md));
    }
}

#[test]
fn deep_raw_html_is_flattened_and_refused() {
    for md in [
        "<div>".repeat(500),
        format!("Teks {}", "<span><b>".repeat(300)),
        "<div>\n\n".repeat(300),
        format!("{}x{}", "<div>".repeat(100), "</div>".repeat(100)),
    ] {
        let html = render_markdown(&md);
        assert!(depth(&html) <= MAX_NESTING + 2, "{md}: {html}");
        one_problem(render_markdown_checked("x.md", &md));
    }
}

#[test]
fn ordinary_nesting_and_raw_html_pass_the_check_unchanged() {
    let md = "> [!INFO]\n> - satu\n>   - dua *miring **tebal [tautan](https://x.id)***\n\n\
              <div>\n\n**Bungkus**\n\n</div>\n\nTekan <kbd>Ctrl</kbd> + <kbd>C</kbd>, H<sub>2</sub>O.\n";
    let checked = render_markdown_checked("x.md", md).unwrap();
    assert_eq!(checked, render_markdown(md));
    assert!(
        checked.contains("<kbd>Ctrl</kbd> + <kbd>C</kbd>"),
        "{checked}"
    );
    assert!(
        checked.contains("<div>\n<p><strong>Bungkus</strong></p>\n</div>"),
        "{checked}"
    );
}

#[test]
fn script_content_is_dropped_even_when_never_closed() {
    let html = render_markdown("Satu <script>alert(1)\n\nDua <style>p{}</style> tiga\n");
    assert!(!html.contains("alert") && !html.contains("p{}"), "{html}");
    assert!(html.contains("Dua") && html.contains("tiga"), "{html}");
}

#[test]
fn text_longer_than_a_lesson_may_be_is_refused() {
    let md = "a".repeat(MAX_TEXT_BYTES as usize + 1);
    let p = one_problem(render_markdown_checked("x.md", &md));
    assert_eq!((p.line, p.column), (1, 1));
    assert!(render_markdown_checked("x.md", &md[1..]).is_ok());
}

/// The valid fixture course with `lessons/konsep-dasar.md`'s body replaced.
fn course_with_lesson_body(dir: &Path, body: &str) {
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
    let lesson = dir.join("lessons/konsep-dasar.md");
    let text = fs::read_to_string(&lesson).unwrap();
    let front_end = text[3..].find("+++").unwrap() + 3 + 4;
    fs::write(&lesson, format!("{}{body}", &text[..front_end])).unwrap();
}

#[test]
fn a_lesson_nested_too_deeply_is_a_problem_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    course_with_lesson_body(dir.path(), "Pembuka.\n\n");
    assert!(load_course(dir.path()).is_ok());

    course_with_lesson_body(
        dir.path(),
        &format!("Pembuka.\n\n{}terlalu dalam\n", "> ".repeat(40)),
    );
    let problems = load_course(dir.path()).expect_err("too deep");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    let text = fs::read_to_string(dir.path().join("lessons/konsep-dasar.md")).unwrap();
    let line = text.lines().position(|l| l.starts_with("> > ")).unwrap() + 1;
    assert_eq!(p.file, "lessons/konsep-dasar.md");
    assert_eq!(
        (p.line as usize, p.column),
        (line, 2 * MAX_NESTING as u32 + 1)
    );
}
