//! Time of the two parsers in the server against input size: the CSV of users an admin
//! imports, and a course `.zip` an instructor uploads. Each is run at n and at 10·n and the
//! ratio of the times printed; ten times the input should take at most fifteen times as
//! long, and the run fails otherwise.
//!
//! `cargo bench -p lentera-api --bench linearity`

use std::hint::black_box;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lentera_domain::org::check_rows;
use lentera_domain::upload::unpack;
use lentera_store::people::Unit;

fn fastest(f: impl Fn()) -> Duration {
    f();
    let (mut best, mut spent, mut runs) = (Duration::MAX, Duration::ZERO, 0);
    while runs < 3 || (spent < Duration::from_millis(500) && runs < 50) {
        let start = Instant::now();
        f();
        let took = start.elapsed();
        best = best.min(took);
        spent += took;
        runs += 1;
    }
    best
}

fn units() -> Vec<Unit> {
    (0..40)
        .map(|i| Unit {
            id: lentera_domain::UnitId(i),
            code: format!("UNIT-{i}"),
            name: format!("Unit {i}"),
            parent_id: None,
        })
        .collect()
}

/// `rows` rows of users, every tenth one refused for a different reason.
fn csv(rows: usize) -> Vec<u8> {
    let mut out = String::from("nip,name,email,unit_code,roles\n");
    for i in 0..rows {
        let nip = format!("19850315201001{:04}", i % 10_000);
        let nip = if i % 10 == 3 { "12345".to_owned() } else { nip };
        out.push_str(&format!(
            "{nip},Pegawai {i},pegawai{i}@bungo.go.id,UNIT-{},learner;manager\n",
            i % 40
        ));
    }
    out.into_bytes()
}

fn zip(files: usize) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default();
        let _ = zip.start_file("course.toml", options);
        let _ = zip.write_all(b"slug = \"x\"\n");
        for i in 0..files {
            let _ = zip.start_file(format!("lessons/materi-{i}.md"), options);
            let _ = zip.write_all("Teks materi pelayanan publik. ".repeat(200).as_bytes());
        }
        let _ = zip.finish();
    }
    buf.into_inner()
}

fn main() -> ExitCode {
    let units = units();
    let mut worst: f64 = 0.0;
    println!("| input | n | 10·n | time at n | time at 10·n | ratio |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for n in [200, 2_000] {
        let (small, large) = (csv(n), csv(n * 10));
        let a = fastest(|| {
            let _ = black_box(check_rows(black_box(&small), &units));
        });
        let b = fastest(|| {
            let _ = black_box(check_rows(black_box(&large), &units));
        });
        let ratio = b.as_secs_f64() / a.as_secs_f64();
        worst = worst.max(ratio);
        println!(
            "| CSV of users (rows) | {n} | {} | {:.2} ms | {:.2} ms | {ratio:.1}× |",
            n * 10,
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3
        );
    }
    let (small, large) = (zip(40), zip(400));
    let time = |bytes: &[u8]| {
        fastest(|| {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let _ = black_box(unpack(black_box(bytes), dir.path()));
        })
    };
    let (a, b) = (time(&small), time(&large));
    let ratio = b.as_secs_f64() / a.as_secs_f64();
    worst = worst.max(ratio);
    println!(
        "| course zip (files) | 40 | 400 | {:.2} ms | {:.2} ms | {ratio:.1}× |",
        a.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3
    );
    if worst > 15.0 {
        eprintln!("ten times the input took {worst:.1} times as long (more than 15)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
