//! Loading and rendering every shipped course, and rendering the biggest shipped lesson.
//!
//! `cargo bench -p lentera-content --bench load_courses -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lentera_content::{load_courses, render_markdown};

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

/// Loads every shipped course and panics with the problems if any of them fails.
fn load_all(dir: &Path) -> usize {
    let results = load_courses(dir);
    let mut lessons = 0;
    for (path, result) in &results {
        match result {
            Ok(course) => lessons += course.lessons.len(),
            Err(problems) => {
                let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
                panic!("{} does not load:\n{}", path.display(), lines.join("\n"));
            }
        }
    }
    lessons
}

/// The largest lessons/*.md of the shipped courses: its path and Markdown body (the text
/// after the closing `+++` of the front matter).
fn biggest_lesson(dir: &Path) -> (PathBuf, String) {
    let mut best: Option<(u64, PathBuf)> = None;
    for course in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let lessons = course.path().join("lessons");
        for entry in std::fs::read_dir(&lessons).into_iter().flatten().flatten() {
            let path = entry.path();
            let len = entry.metadata().map_or(0, |m| m.len());
            if path.extension().is_some_and(|e| e == "md")
                && best.as_ref().is_none_or(|(l, _)| len > *l)
            {
                best = Some((len, path));
            }
        }
    }
    let Some((_, path)) = best else {
        panic!("no lessons under {}", dir.display());
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} could not be read: {e}", path.display()));
    // Front matter: `+++`, the keys, `+++`; the body follows the second marker line.
    let body = text
        .splitn(3, "+++\n")
        .nth(2)
        .unwrap_or_else(|| panic!("{} has no front matter", path.display()))
        .to_owned();
    (path, body)
}

fn benches(c: &mut Criterion) {
    let dir = content_dir();
    let courses = load_courses(&dir).len();
    let lessons = load_all(&dir);
    assert!(
        courses >= 4,
        "expected the shipped courses in {}",
        dir.display()
    );
    eprintln!("{courses} courses, {lessons} lessons in {}", dir.display());

    c.bench_function("load_courses/all_shipped", |b| {
        b.iter(|| load_all(black_box(&dir)));
    });

    let (path, md) = biggest_lesson(&dir);
    let name = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    eprintln!(
        "biggest lesson: {} ({} bytes of Markdown)",
        path.display(),
        md.len()
    );
    let mut group = c.benchmark_group("render_markdown");
    group.throughput(Throughput::Bytes(md.len() as u64));
    group.bench_function(name, |b| b.iter(|| render_markdown(black_box(&md))));
    group.finish();
}

criterion_group!(load_courses_benches, benches);
criterion_main!(load_courses_benches);
