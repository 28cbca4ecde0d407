//! Time of Markdown rendering against input size, for ordinary and pathological shapes: each
//! shape is rendered at n bytes and at 10·n bytes, and the ratio of the times is printed. The
//! goal is that ten times the input takes at most fifteen times as long; the run fails if a
//! shape takes longer from 20 KB to 200 KB. From 200 KB to 2 MB (the lesson size limit) the
//! ratio is printed too: there the parser's working set for a million nested containers or
//! delimiters outgrows the CPU cache and the time per byte rises with it, which says nothing
//! about the algorithm but shows the worst absolute times. `render_markdown` is what lessons,
//! quiz texts and the editor's preview go through.
//!
//! `cargo bench -p lentera-content --bench linearity`

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lentera_content::render_markdown;

/// The fastest of repeated runs: rendering is deterministic, so anything slower is noise.
fn fastest(f: impl Fn()) -> Duration {
    f();
    let (mut best, mut spent, mut runs) = (Duration::MAX, Duration::ZERO, 0);
    while runs < 3 || (spent < Duration::from_millis(400) && runs < 50) {
        let start = Instant::now();
        f();
        let took = start.elapsed();
        best = best.min(took);
        spent += took;
        runs += 1;
    }
    best
}

/// `unit` repeated until the text is at least `bytes` long.
fn fill(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len().max(1)))
}

/// The body of the largest shipped lesson, as realistic prose.
fn shipped_lesson() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let mut best = String::new();
    for course in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for entry in std::fs::read_dir(course.path().join("lessons"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let body = text.splitn(3, "+++").nth(2).unwrap_or_default();
            if body.len() > best.len() {
                best = body.to_owned();
            }
        }
    }
    best
}

type Shape = (&'static str, Box<dyn Fn(usize) -> String>);

fn shapes() -> Vec<Shape> {
    let lesson = shipped_lesson();
    vec![
        (
            "shipped lesson, repeated",
            Box::new(move |n| fill(&format!("{lesson}\n\n"), n)),
        ),
        (
            "prose, lists, links, callouts",
            Box::new(|n| {
                fill(
                    "## Judul\n\nParagraf dengan **tebal**, *miring*, `kode` dan [tautan](https://jdih.go.id).\n\n- satu\n- dua\n  1. dua a\n\n> [!INFO]\n> Catatan.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n",
                    n,
                )
            }),
        ),
        ("nested quotes `> > > ...`", Box::new(|n| fill("> ", n))),
        (
            "quotes 1..40 deep per line",
            Box::new(|n| {
                let unit: String = (1..=40)
                    .map(|d| format!("{}baris\n", "> ".repeat(d)))
                    .collect();
                fill(&unit, n)
            }),
        ),
        (
            "nested lists `- 1. - 1. ...`",
            Box::new(|n| fill("- 1. ", n)),
        ),
        (
            "lists in quotes `- > - > ...`",
            Box::new(|n| fill("- > ", n)),
        ),
        (
            "indented list staircase",
            Box::new(|n| {
                let unit: String = (0..60)
                    .map(|d| format!("{}- butir\n", "  ".repeat(d)))
                    .collect();
                fill(&unit, n)
            }),
        ),
        ("emphasis runs `*a **b`", Box::new(|n| fill("*a **b ", n))),
        ("unclosed brackets `[[[`", Box::new(|n| fill("[", n))),
        ("unclosed links `[a](`", Box::new(|n| fill("[a](", n))),
        ("raw HTML `<div><div>...`", Box::new(|n| fill("<div>", n))),
        (
            "raw HTML blocks `<div>` + blank",
            Box::new(|n| fill("<div>\n\n", n)),
        ),
        (
            "unclosed `<b x=N>` then paragraphs",
            Box::new(|n| {
                let mut s = String::new();
                let mut i = 0;
                while s.len() < n / 2 {
                    s.push_str(&format!("<b x={i}>"));
                    i += 1;
                }
                s.push_str("\n\n");
                s + &fill("teks\n\n", n / 2)
            }),
        ),
        (
            "footnote chain",
            Box::new(|n| {
                let mut s = String::new();
                let mut i = 0;
                while s.len() < n {
                    s.push_str(&format!("Teks[^{i}]\n\n[^{i}]: Catatan [^{}]\n\n", i + 1));
                    i += 1;
                }
                s
            }),
        ),
        (
            "long table",
            Box::new(|n| format!("| a | b |\n|---|---|\n{}", fill("| x | *y* |\n", n))),
        ),
    ]
}

fn main() -> ExitCode {
    // Worst ratio from 20 KB to 200 KB (the goal), and from 200 KB to 2 MB (reported).
    let (mut worst, mut worst_large): (f64, f64) = (0.0, 0.0);
    println!(
        "{:<36} {:>9} {:>10} {:>9} {:>10} {:>7}",
        "render_markdown", "n", "time", "10·n", "time", "ratio"
    );
    for (name, make) in shapes() {
        for n in [20_000, 200_000] {
            let (small, large) = (make(n), make(10 * n));
            let t1 = fastest(|| {
                black_box(render_markdown(black_box(&small)));
            });
            let t10 = fastest(|| {
                black_box(render_markdown(black_box(&large)));
            });
            let ratio = t10.as_secs_f64() / t1.as_secs_f64();
            let goal = n == 20_000;
            if goal {
                worst = worst.max(ratio);
            } else {
                worst_large = worst_large.max(ratio);
            }
            println!(
                "{name:<36} {:>8}K {:>8.2}ms {:>8}K {:>8.2}ms {:>6.1}x{}",
                small.len() / 1000,
                t1.as_secs_f64() * 1e3,
                large.len() / 1000,
                t10.as_secs_f64() * 1e3,
                ratio,
                match (ratio > 15.0, goal) {
                    (true, true) => "  > 15x",
                    (true, false) => "  (cache)",
                    _ => "",
                }
            );
        }
    }
    println!(
        "worst ratio 20K -> 200K: {worst:.1}x (goal: at most 15x); 200K -> 2M: {worst_large:.1}x"
    );
    if worst > 15.0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
