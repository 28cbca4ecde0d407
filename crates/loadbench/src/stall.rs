//! The stall benchmark: while instructors send the heaviest requests Lentera takes (deep
//! Markdown previews, a 20,000-question GIFT upload, a whole course upload, preview of a
//! 450 KB lesson), how long does `/healthz` take? The request threads must stay free:
//! heavy work runs in a bounded pool (`lentera_domain::heavy`). Prints one table.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use serde_json::json;
use tokio::sync::Mutex;

use crate::server::ServerEnv;

#[derive(Debug, Parser)]
#[command(
    name = "stall",
    about = "Health check latency under the heaviest requests"
)]
pub struct StallArgs {
    /// Seconds of heavy load.
    #[arg(long, default_value_t = 20)]
    pub duration: u64,
    /// Heavy requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub heavy: usize,
    /// A course folder uploaded again and again.
    #[arg(long, default_value = "content/kepemimpinan")]
    pub course: PathBuf,
    /// The release lentera binary (default: next to this one).
    #[arg(long)]
    pub lentera: Option<PathBuf>,
}

fn zip_of(files: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        zip.finish()?;
    }
    Ok(buf.into_inner())
}

fn folder_files(root: &std::path::Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)?
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&path)?));
            }
        }
    }
    Ok(out)
}

/// A course whose one quiz is a GIFT file of 20,000 questions.
fn gift_bomb() -> anyhow::Result<Vec<u8>> {
    let course = r#"slug = "bom-gift"
title = "Bom GIFT"
summary = "Uji beban"
category = "pengembangan-diri"
jp = 1
level = "dasar"
language = "id"
authors = ["Uji"]

[[modules]]
slug = "m"
title = "M"

  [[modules.items]]
  lesson = "a"

  [[modules.items]]
  quiz = "q"
"#;
    let lesson = "+++\ntitle = \"A\"\nminutes = 5\n+++\n# A\n\nTeks.\n";
    let mut gift = String::new();
    for i in 0..20_000 {
        gift.push_str(&format!("::q{i}:: Soal {i}? {{=benar ~salah}}\n\n"));
    }
    zip_of(&[
        ("course.toml".into(), course.into()),
        ("lessons/a.md".into(), lesson.into()),
        ("quizzes/q.gift".into(), gift.into_bytes()),
    ])
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn run(args: StallArgs) -> anyhow::Result<()> {
    let bin = match args.lentera {
        Some(b) => b,
        None => std::env::current_exe()?
            .parent()
            .context("no directory")?
            .join("lentera"),
    };
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let env = ServerEnv {
        bin,
        database_url: format!("sqlite://{}", dir.path().join("lentera.db").display()),
        data_dir: dir.path().to_path_buf(),
        port,
        vars: Vec::new(),
    };
    let created = env.run(&[
        "user",
        "create",
        "--username",
        "guru",
        "--name",
        "Guru Uji",
        "--role",
        "instructor",
    ])?;
    let password = created
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .context("no password printed")?
        .trim()
        .to_owned();
    let _server = env.start(&dir.path().join("server.log")).await?;
    let base = env.base_url();
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "guru", "password": password}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"].as_str().context("no token")?.to_owned();

    let deep = "> ".repeat(30_000) + "teks";
    let big: String = "Paragraf pelayanan publik yang cukup panjang untuk diuji. ".repeat(8_000);
    let course = zip_of(&folder_files(&args.course)?)?;
    let bomb = gift_bomb()?;
    let until = Instant::now() + Duration::from_secs(args.duration);
    let statuses = Arc::new(Mutex::new(
        std::collections::BTreeMap::<String, usize>::new(),
    ));
    let mut workers = Vec::new();
    for w in 0..args.heavy {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        let (deep, big, course, bomb) = (deep.clone(), big.clone(), course.clone(), bomb.clone());
        let statuses = statuses.clone();
        workers.push(tokio::spawn(async move {
            let mut i = w;
            while Instant::now() < until {
                let (what, req) = match i % 4 {
                    0 => (
                        "preview, 60 KB of nested quotes",
                        client
                            .post(format!("{base}/api/v1/preview"))
                            .json(&json!({ "markdown": deep })),
                    ),
                    1 => (
                        "preview, a 450 KB lesson",
                        client
                            .post(format!("{base}/api/v1/preview"))
                            .json(&json!({ "markdown": big })),
                    ),
                    2 => (
                        "upload, 20,000 GIFT questions",
                        client.post(format!("{base}/api/v1/courses")).multipart(
                            reqwest::multipart::Form::new().part(
                                "file",
                                reqwest::multipart::Part::bytes(bomb.clone()).file_name("b.zip"),
                            ),
                        ),
                    ),
                    _ => (
                        "upload, a whole course",
                        client.post(format!("{base}/api/v1/courses")).multipart(
                            reqwest::multipart::Form::new().part(
                                "file",
                                reqwest::multipart::Part::bytes(course.clone()).file_name("k.zip"),
                            ),
                        ),
                    ),
                };
                let status = match req.bearer_auth(&token).send().await {
                    Ok(r) => r.status().as_u16().to_string(),
                    Err(_) => "error".to_owned(),
                };
                *statuses
                    .lock()
                    .await
                    .entry(format!("{what}: {status}"))
                    .or_default() += 1;
                i += 1;
            }
        }));
    }
    let mut latencies = Vec::new();
    let mut failed = 0usize;
    while Instant::now() < until {
        let started = Instant::now();
        match client.get(format!("{base}/healthz")).send().await {
            Ok(r) if r.status().is_success() => latencies.push(started.elapsed()),
            _ => failed += 1,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for w in workers {
        let _ = w.await;
    }
    latencies.sort();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "## Health check under heavy requests ({} s, {} in flight)",
        args.duration, args.heavy
    );
    println!();
    println!("| /healthz | value |");
    println!("| --- | --- |");
    println!("| answered | {} (failed {failed}) |", latencies.len());
    println!("| median | {} |", ms(percentile(&latencies, 0.5)));
    println!("| p99 | {} |", ms(percentile(&latencies, 0.99)));
    println!(
        "| max | {} |",
        ms(latencies.last().copied().unwrap_or_default())
    );
    println!();
    println!("| heavy request: status | count |");
    println!("| --- | --- |");
    for (k, n) in statuses.lock().await.iter() {
        println!("| {k} | {n} |");
    }
    Ok(())
}
