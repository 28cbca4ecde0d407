//! Time of the quiz readers against input size, for ordinary, broken and pathological files:
//! each shape is read at n and at 10·n units (questions, options or lines), and the ratio of
//! the times is printed. The goal is that ten times the input takes at most fifteen times as
//! long; the run fails if a shape takes longer. Files past MAX_QUESTIONS stop at the first
//! question too many, so the question shapes go from 100 to 1,000 questions, and the file of
//! the report (20,000 GIFT questions, 106 KB) is timed on its own.
//!
//! `cargo bench -p lentera-assessment --bench linearity`

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lentera_assessment::{parse_aiken, parse_gift, parse_quiz_toml};

/// The fastest of repeated runs: parsing is deterministic, so anything slower is noise.
fn fastest(f: impl Fn()) -> Duration {
    f();
    let (mut best, mut spent, mut runs) = (Duration::MAX, Duration::ZERO, 0);
    while runs < 3 || (spent < Duration::from_millis(300) && runs < 100) {
        let start = Instant::now();
        f();
        let took = start.elapsed();
        best = best.min(took);
        spent += took;
        runs += 1;
    }
    best
}

#[derive(Clone, Copy)]
enum Format {
    Gift,
    Aiken,
    Toml,
}

fn read(format: Format, src: &str) -> usize {
    match format {
        Format::Gift => parse_gift(src).map_or_else(|p| p.len(), |q| q.len()),
        Format::Aiken => parse_aiken(src).map_or_else(|p| p.len(), |q| q.len()),
        Format::Toml => parse_quiz_toml(src).map_or_else(|p| p.len(), |q| q.questions.len()),
    }
}

type Shape = (&'static str, Format, usize, Box<dyn Fn(usize) -> String>);

fn toml_questions(n: usize, question: impl Fn(usize) -> String) -> String {
    let mut src = String::from("slug = \"kuis\"\ntitle = \"Kuis\"\n");
    for i in 0..n {
        src.push_str(&question(i));
    }
    src
}

fn shapes() -> Vec<Shape> {
    vec![
        (
            "GIFT true/false questions",
            Format::Gift,
            100,
            Box::new(|n| "Gempa bumi dapat diprediksi? {F}\n\n".repeat(n)),
        ),
        (
            "GIFT titled choice questions",
            Format::Gift,
            100,
            Box::new(|n| {
                (0..n)
                    .map(|i| format!("::Soal {i}:: Siapa? {{=BPBD#benar ~BMKG#salah ~%50%BNPB ~%-10%Lain}}\n\n"))
                    .collect()
            }),
        ),
        (
            "GIFT titles giving up ids in a chain",
            Format::Gift,
            100,
            // The untitled first question takes q1, so `::q1::` falls back to q2, and so on.
            Box::new(|n| {
                let titled: String = (1..n)
                    .map(|i| format!("::q{i}:: Benar? {{T}}\n\n"))
                    .collect();
                format!("Benar? {{T}}\n\n{titled}")
            }),
        ),
        (
            "GIFT questions with one title",
            Format::Gift,
            100,
            Box::new(|n| "::Sama:: Benar? {T}\n\n".repeat(n)),
        ),
        (
            "GIFT broken questions (problems)",
            Format::Gift,
            100,
            Box::new(|n| "::Judul tanpa teks::\n\n".repeat(n)),
        ),
        (
            "GIFT descriptions between questions",
            Format::Gift,
            50,
            Box::new(|n| "Bacaan <b>singkat</b> \\# satu.\n\nBenar? {T}\n\n".repeat(n)),
        ),
        (
            "GIFT one [html] text, n (blank) lines",
            Format::Gift,
            2_000,
            Box::new(|n| format!("[html]<pre>{}</pre> {{}}", "  x = 1;\\n\\n".repeat(n))),
        ),
        (
            "GIFT one question, n short answers",
            Format::Gift,
            2_000,
            Box::new(|n| format!("Siapa? {{={}}}", "=%50%*b*#hampir ".repeat(n))),
        ),
        (
            "GIFT one question, n options",
            Format::Gift,
            2_000,
            Box::new(|n| format!("Pilih {{={}}}", "~salah ".repeat(n))),
        ),
        (
            "GIFT one question, n bad weights",
            Format::Gift,
            2_000,
            Box::new(|n| format!("Pilih {{={}}}", "~%x%salah ".repeat(n))),
        ),
        (
            "Aiken questions",
            Format::Aiken,
            100,
            Box::new(|n| "Siapa?\nA. BPBD\nB. BMKG\nANSWER: A\n\n".repeat(n)),
        ),
        (
            "Aiken options before any question",
            Format::Aiken,
            2_000,
            Box::new(|n| "A. tanpa soal\n".repeat(n)),
        ),
        (
            "Aiken one question, n prompt lines",
            Format::Aiken,
            2_000,
            Box::new(|n| format!("{}A. ya\nB. tidak\nANSWER: A\n", "baris soal\n".repeat(n))),
        ),
        (
            "TOML questions",
            Format::Toml,
            100,
            Box::new(|n| {
                toml_questions(n, |i| {
                    format!(
                        "[[questions]]\nid = \"q{i}\"\nkind = \"single_choice\"\nprompt = \"Siapa?\"\noptions = [{{ id = \"a\", text = \"BPBD\", correct = true }}, {{ id = \"b\", text = \"BMKG\" }}]\n\n"
                    )
                })
            }),
        ),
        (
            "TOML questions with one id (problems)",
            Format::Toml,
            100,
            Box::new(|n| {
                toml_questions(n, |_| {
                    "[[questions]]\nid = \"q\"\nkind = \"true_false\"\nprompt = \"Benar?\"\nanswer = true\n\n".to_owned()
                })
            }),
        ),
        (
            "TOML one question, n options",
            Format::Toml,
            1_000,
            Box::new(|n| {
                let options: Vec<String> = (0..n)
                    .map(|i| format!("{{ id = \"o{i}\", text = \"x\" }}"))
                    .collect();
                toml_questions(1, |_| {
                    format!(
                        "[[questions]]\nid = \"q\"\nkind = \"single_choice\"\nprompt = \"?\"\noptions = [{}]\n",
                        options.join(", ")
                    )
                })
            }),
        ),
        (
            "TOML n unknown keys (problems)",
            Format::Toml,
            1_000,
            Box::new(|n| (0..n).map(|i| format!("kunci{i} = {i}\n")).collect()),
        ),
        (
            "TOML n draw rules for no group",
            Format::Toml,
            1_000,
            Box::new(|n| {
                let mut src: String = (0..n)
                    .map(|i| format!("[[draw]]\ngroup = \"g{i}\"\ncount = 1\n"))
                    .collect();
                src.push_str(&toml_questions(30, |i| {
                    format!("[[questions]]\nid = \"q{i}\"\nkind = \"essay\"\nprompt = \"?\"\ngroup = \"grup{i}\"\n")
                }));
                src
            }),
        ),
    ]
}

fn main() -> ExitCode {
    let mut worst: f64 = 0.0;
    println!(
        "{:<40} {:>8} {:>9} {:>10} {:>8} {:>9} {:>10} {:>7}",
        "reader", "n", "bytes", "time", "10·n", "bytes", "time", "ratio"
    );
    for (name, format, n, make) in shapes() {
        let (small, large) = (make(n), make(10 * n));
        let t1 = fastest(|| {
            black_box(read(format, black_box(&small)));
        });
        let t10 = fastest(|| {
            black_box(read(format, black_box(&large)));
        });
        let ratio = t10.as_secs_f64() / t1.as_secs_f64();
        worst = worst.max(ratio);
        println!(
            "{name:<40} {n:>8} {:>8}K {:>8.2}ms {:>8} {:>8}K {:>8.2}ms {:>6.1}x{}",
            small.len() / 1000,
            t1.as_secs_f64() * 1e3,
            10 * n,
            large.len() / 1000,
            t10.as_secs_f64() * 1e3,
            ratio,
            if ratio > 15.0 { "  > 15x" } else { "" }
        );
    }
    // The file of the security report: 20,000 questions in 106 KB, once 11 s.
    let report = "Q {T}\n".repeat(20_000);
    let report = report.replace('\n', "\n\n");
    let t = fastest(|| {
        black_box(read(Format::Gift, black_box(&report)));
    });
    println!(
        "GIFT, 20,000 questions ({} KB): {:.2} ms (refused at question 1,001)",
        report.len() / 1000,
        t.as_secs_f64() * 1e3
    );
    println!("worst ratio {worst:.1}x (goal: at most 15x)");
    if worst > 15.0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
