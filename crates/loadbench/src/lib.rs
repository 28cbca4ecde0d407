//! lentera-loadbench: starts the release `lentera` server on a fresh database, seeds it,
//! drives it with wrk and compares every figure with a bare actix-web handler.
//! See `docs/performance.md` for what is measured and why.

pub mod client;
pub mod db;
pub mod replicas;
pub mod report;
pub mod seed;
pub mod server;
pub mod stall;
pub mod wrk;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use reqwest::Method;
use serde_json::json;

use crate::client::{Course, Learner};
use crate::db::Counts;
use crate::report::{Check, Report, Row};
use crate::server::ServerEnv;
use crate::wrk::{Outcome, Target};

#[derive(Debug, Parser)]
#[command(
    name = "loadbench",
    about = "Load benchmark of the release lentera server"
)]
pub struct Args {
    /// A PostgreSQL URL to run on instead of SQLite: a fresh database is created next to
    /// the one it names (e.g. postgres://postgres@127.0.0.1:55433/postgres).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Seconds per wrk run.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Learners in the database (the memory figure is for this many).
    #[arg(long, default_value_t = 10_000)]
    pub learners: usize,
    /// Learners signed in to drive the load (each signs in once: argon2, ~40 ms of CPU).
    #[arg(long, default_value_t = 2_000)]
    pub logins: usize,
    /// Learners starting the same quiz at the same instant.
    #[arg(long, default_value_t = 500)]
    pub burst: usize,
    /// wrk connection counts to measure at.
    #[arg(long, value_delimiter = ',', default_value = "16,64")]
    pub connections: Vec<u32>,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    /// The course folders to publish.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// The release lentera binary (default: next to this one).
    #[arg(long)]
    pub lentera: Option<PathBuf>,
    /// The bare yardstick binary (default: next to this one).
    #[arg(long)]
    pub bare: Option<PathBuf>,
    /// Also write the report (Markdown) to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Keep the temporary directory (database, server log, wrk scripts).
    #[arg(long)]
    pub keep: bool,
    /// Instead of the full run: the reads and lesson completions through HAProxy in front
    /// of 1 and then N replicas on one PostgreSQL (needs --database-url and haproxy), with
    /// the database statements per warm request.
    #[arg(long)]
    pub replicas: Option<usize>,
}

fn sibling(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().context("no directory for the executable")?;
    Ok(dir.join(name))
}

pub(crate) fn say(msg: impl AsRef<str>) {
    eprintln!("[loadbench] {}", msg.as_ref());
}

/// Splits `items` into `parts` consecutive slices of (nearly) equal length.
fn split<T: Clone>(items: &[T], parts: usize) -> Vec<Vec<T>> {
    let parts = parts.max(1);
    (0..parts)
        .map(|p| items[p * items.len() / parts..(p + 1) * items.len() / parts].to_vec())
        .collect()
}

struct Bench<'a> {
    args: &'a Args,
    /// The server's peak resident set so far (KiB), to tell which phase raised it.
    peak: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    dir: &'a Path,
    base: String,
    report: Report,
}

impl Bench<'_> {
    fn wrk(&self, name: &str, conns: u32, targets: &[Target]) -> anyhow::Result<Outcome> {
        self.wrk_at(&self.base, name, conns, targets)
    }

    fn peak_mib(&self) -> f64 {
        self.peak.as_ref().map_or(0.0, |p| {
            p.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1024.0
        })
    }

    fn wrk_at(
        &self,
        base: &str,
        name: &str,
        conns: u32,
        targets: &[Target],
    ) -> anyhow::Result<Outcome> {
        self.wrk_for(base, name, conns, targets, self.args.duration)
    }

    fn wrk_for(
        &self,
        base: &str,
        name: &str,
        conns: u32,
        targets: &[Target],
        secs: u64,
    ) -> anyhow::Result<Outcome> {
        let tag = format!("{}-c{conns}", name.replace([' ', '/', '(', ')', ','], "_"));
        let script = wrk::prepare(self.dir, &tag, self.args.threads, targets)?;
        let run = wrk::Run {
            dir: self.dir,
            name: &tag,
            base_url: base,
            threads: self.args.threads,
            connections: conns,
            duration_secs: secs,
        };
        let out = run.go(&script)?;
        say(format!(
            "{name} c{conns}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, 2xx {} (201 {}), 4xx {} (409 {}, 429 {}), 5xx {}, socket errors {}; server peak RSS so far {:.1} MiB",
            out.rps(),
            out.p50_us as f64 / 1000.0,
            out.p99_us as f64 / 1000.0,
            out.s2xx,
            out.s201,
            out.s4xx,
            out.s409,
            out.s429,
            out.s5xx,
            out.connect + out.read + out.write + out.timeout,
            self.peak_mib()
        ));
        Ok(out)
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let lentera = match &args.lentera {
        Some(p) => p.clone(),
        None => sibling("lentera")?,
    };
    let bare = match &args.bare {
        Some(p) => p.clone(),
        None => sibling("bare")?,
    };
    for bin in [&lentera, &bare] {
        if !bin.exists() {
            bail!(
                "{} is missing: build with `cargo build --release -p lentera-api -p lentera-loadbench` (or run bench/load.sh)",
                bin.display()
            );
        }
    }
    if args.logins < args.burst || args.logins > args.learners {
        bail!("need burst <= logins <= learners");
    }
    let tmp = tempfile::Builder::new().prefix("loadbench-").tempdir()?;
    let dir = tmp.path().to_path_buf();
    say(format!("working in {}", dir.display()));
    let port = server::free_port()?;
    let (database_url, backend) = match &args.database_url {
        Some(admin) => {
            let name = format!("loadbench_{}", chrono::Utc::now().format("%Y%m%d%H%M%S"));
            (
                lentera_store::fresh_postgres_database(admin, &name).await?,
                "PostgreSQL",
            )
        }
        None => (
            format!("sqlite://{}", dir.join("lentera.db").display()),
            "SQLite",
        ),
    };
    let env = ServerEnv {
        bin: lentera.clone(),
        database_url: database_url.clone(),
        data_dir: dir.join("data"),
        port,
        vars: Vec::new(),
    };
    let content = args.content.display().to_string();
    let t = Instant::now();
    env.run(&["content", "import", &content])?;
    say(format!(
        "content imported in {:.1} s",
        t.elapsed().as_secs_f64()
    ));
    let t = Instant::now();
    let password = seed::learners(&env, args.learners).await?;
    let seed_secs = t.elapsed().as_secs_f64();
    say(format!(
        "{} learners seeded in {seed_secs:.1} s",
        args.learners
    ));

    if let Some(n) = args.replicas {
        return replicas::run(&args, &env, &dir, n.max(1)).await;
    }
    let log = dir.join("server.log");
    let srv = env.start(&log).await?;
    let base = env.base_url();
    let db = db::connect(&database_url).await?;
    let mut bench = Bench {
        args: &args,
        peak: Some(srv.peak_handle()),
        dir: &dir,
        base: base.clone(),
        report: Report::new(backend, &args),
    };
    bench.report.seed_secs = seed_secs;

    // Sign in: each account once, 16 in flight, 50 accounts per loopback source address.
    let usernames = db::learner_usernames(&db).await?;
    if usernames.len() < args.logins + 300 {
        bail!(
            "{} learners in the database; need logins + 300",
            usernames.len()
        );
    }
    let (learners, login) =
        client::login_all(&base, &usernames[..args.logins], &password, 16).await?;
    say(format!(
        "{} of {} learners signed in in {:.1} s; server peak RSS so far {:.1} MiB",
        learners.len(),
        args.logins,
        login.wall.as_secs_f64(),
        bench.peak_mib()
    ));
    if learners.len() < args.burst.max(1) {
        bail!("too few sign-ins succeeded; see {}", log.display());
    }
    bench.report.rows.push(Row::from_batch(
        "login, distinct accounts (16 in flight)",
        16,
        &login,
        "argon2 per request; 50 accounts per client address to stay under the 60/min/address limit"
            .into(),
    ));
    let http = client::client(None)?;
    let courses = client::courses(&http, &base, &learners[0].token).await?;
    let tokens: HashMap<i32, String> = learners.iter().map(|l| (l.id, l.token.clone())).collect();

    // Enrol every signed-in learner in every course.
    let enrol: Vec<_> = learners
        .iter()
        .flat_map(|l| {
            courses.iter().map(move |c| {
                (
                    Method::POST,
                    format!("/api/v1/courses/{}/enrollment", c.slug),
                    l.token.clone(),
                    None,
                )
            })
        })
        .collect();
    let (enrolled, _) = client::many(&http, &base, enrol, 32).await?;
    say(format!(
        "{} enrolments in {:.1} s ({} failed)",
        enrolled.statuses.len(),
        enrolled.wall.as_secs_f64(),
        enrolled.failures
    ));
    if enrolled.failures > 0 {
        bail!("enrolment failed; see {}", log.display());
    }

    // 500 learners start the same quiz at the same instant.
    let first = courses
        .iter()
        .find(|c| !c.quizzes.is_empty())
        .context("no course has a quiz")?;
    let burst_path = format!(
        "/api/v1/courses/{}/quizzes/{}/attempts",
        first.slug, first.quizzes[0]
    );
    let before = db::counts(&db).await?;
    let burst = client::burst(&base, &learners[..args.burst], &burst_path).await?;
    let after = db::counts(&db).await?;
    say(format!(
        "burst: {} of {} served ({} created), p50 {:?}, p99 {:?}",
        burst.ok(),
        args.burst,
        burst.count(201),
        burst.percentile(50.0),
        burst.percentile(99.0)
    ));
    bench.report.burst = Some((burst.clone(), args.burst));
    bench.report.checks.push(Check::new(
        "quiz start burst (201 Created)",
        burst.count(201) as u64,
        after.attempts - before.attempts,
    ));

    let conns = args.connections.clone();
    let runs = conns.len();
    write_benchmarks(&mut bench, &db, &learners, &courses, &tokens, &conns).await?;
    read_benchmarks(&mut bench, &learners, &courses, &conns)?;

    // Login through wrk from one address: the limiter answers 429 after 60 a minute.
    let login_targets: Vec<Target> = usernames[args.logins..args.logins + 300]
        .iter()
        .map(|u| {
            Target::post(
                "/api/v1/auth/login".into(),
                Some(json!({"username": u, "password": password}).to_string()),
            )
        })
        .collect();
    let out = bench.wrk("login (wrk, one client address)", 16, &login_targets)?;
    bench.report.rows.push(Row::new(
        "login (wrk, one client address)",
        16,
        out,
        format!(
            "429 rate-limited: {}; 2xx: {} (default limits: 60/min per address, 10/min per account)",
            out.s429, out.s2xx
        ),
    ));

    // The wire size of a lesson page.
    let lesson = &courses[0].lessons[0];
    let lesson_json: serde_json::Value = http
        .get(format!(
            "{base}/api/v1/courses/{}/lessons/{lesson}",
            courses[0].slug
        ))
        .bearer_auth(&learners[0].token)
        .send()
        .await?
        .json()
        .await?;
    let probe = lesson_json["title"].as_str().unwrap_or("").to_owned();
    bench.report.wire = Some(
        client::wire_size(
            &base,
            &format!("/kursus/{}/materi/{lesson}", courses[0].slug),
            &learners[0].token,
            &probe,
        )
        .await?,
    );

    // The yardstick.
    let bare_port = server::free_port()?;
    let bare_srv = server::start_bare(&bare, bare_port, &dir.join("bare.log")).await?;
    let bare_base = format!("http://127.0.0.1:{bare_port}");
    let bare_targets: Vec<Target> = (0..64).map(|_| Target::get("/".into())).collect();
    for &c in &conns {
        let out = bench.wrk_at(&bare_base, "bare actix-web handler", c, &bare_targets)?;
        bench.report.bare.insert(c, out.rps());
        bench
            .report
            .rows
            .push(Row::new("bare actix-web handler", c, out, String::new()));
    }
    bare_srv.stop()?;

    bench.report.peak_kb = srv.peak_kb();
    bench.report.learners_in_db = db::count(&db, "SELECT count(*) FROM users").await?;

    // SIGKILL in the middle of a write run.
    sigkill(
        &mut bench, srv, &env, &log, &learners, &courses, &tokens, runs,
    )
    .await?;

    let text = bench.report.render();
    println!("{text}");
    if let Some(path) = &args.report {
        std::fs::write(path, &text)?;
        say(format!("report written to {}", path.display()));
    }
    if args.keep {
        let kept = tmp.keep();
        say(format!("kept {}", kept.display()));
    }
    Ok(())
}

/// (learner, course, lesson) in an order where consecutive requests are different
/// learners: lesson by lesson, every learner.
pub(crate) fn lesson_pairs<'a>(
    learners: &'a [Learner],
    courses: &'a [Course],
) -> Vec<(&'a Learner, &'a str, &'a str)> {
    let mut out = Vec::new();
    for c in courses {
        for l in &c.lessons {
            for learner in learners {
                out.push((learner, c.slug.as_str(), l.as_str()));
            }
        }
    }
    out
}

/// Starting every quiz, as every learner.
fn start_targets(learners: &[Learner], courses: &[Course]) -> Vec<Target> {
    let mut starts = Vec::new();
    for c in courses {
        for q in &c.quizzes {
            for l in learners {
                starts.push(
                    Target::post(
                        format!("/api/v1/courses/{}/quizzes/{q}/attempts", c.slug),
                        None,
                    )
                    .bearer(&l.token),
                );
            }
        }
    }
    starts
}

/// Completing every lesson, as every learner.
pub(crate) fn complete_targets(learners: &[Learner], courses: &[Course]) -> Vec<Target> {
    lesson_pairs(learners, courses)
        .iter()
        .map(|(l, c, lesson)| {
            Target::post(
                format!("/api/v1/courses/{c}/lessons/{lesson}/complete"),
                None,
            )
            .bearer(&l.token)
        })
        .collect()
}

async fn write_benchmarks(
    bench: &mut Bench<'_>,
    db: &sea_orm::DatabaseConnection,
    learners: &[Learner],
    courses: &[Course],
    tokens: &HashMap<i32, String>,
    conns: &[u32],
) -> anyhow::Result<()> {
    let runs = conns.len();
    // Quiz start: every (learner, quiz) pair once per run's share; a second start of a
    // pair resumes the open attempt (200) instead of creating one (201).
    let starts = start_targets(learners, courses);
    // The last share is kept for the SIGKILL run.
    let shares = split(&starts, runs + 1);
    for (i, &c) in conns.iter().enumerate() {
        let before = db::counts(db).await?;
        let out = bench.wrk("quiz start", c, &shares[i])?;
        let after = db::counts(db).await?;
        let note = format!(
            "start-or-resume: {} created (201), {} resumed (200){}",
            out.s201,
            out.s2xx - out.s201,
            if out.wrapped > 0 {
                "; list of fresh (learner, quiz) pairs ran out"
            } else {
                ""
            }
        );
        bench.report.rows.push(Row::new("quiz start", c, out, note));
        bench.report.checks.push(Check::new(
            &format!("quiz start c{c}: attempts created (201) vs quiz_attempts rows"),
            out.s201,
            after.attempts - before.attempts,
        ));
    }

    // Open attempts, their owners' tokens and a valid response per question.
    let open = db::pairs(
        db,
        "SELECT id, user_id FROM quiz_attempts WHERE state = 'open' ORDER BY id",
    )
    .await?;
    let open: Vec<(i32, String)> = open
        .into_iter()
        .filter_map(|(id, user)| tokens.get(&user).map(|t| (id, t.clone())))
        .collect();
    say(format!("{} open attempts", open.len()));
    // Submit gets every attempt once, in runs+1 shares (the last for SIGKILL); saving
    // uses the attempts of the SIGKILL share first, which are submitted last.
    let submit_shares = split(&open, runs + 1);
    let views_for: Vec<(i32, String)> = open.iter().rev().cloned().collect();
    let fetch: Vec<_> = views_for
        .iter()
        .map(|(id, t)| {
            (
                Method::GET,
                format!("/api/v1/attempts/{id}"),
                t.clone(),
                None,
            )
        })
        .collect();
    let (_, views) = client::many(&client::client(None)?, &bench.base, fetch, 32).await?;
    let mut per_attempt: Vec<Vec<Target>> = Vec::new();
    for ((id, token), view) in views_for.iter().zip(views) {
        let Some(view) = view else { continue };
        per_attempt.push(
            client::responses_for(&view)
                .into_iter()
                .map(|r| {
                    Target::put(
                        format!("/api/v1/attempts/{id}/responses"),
                        json!({"responses": [r]}).to_string(),
                    )
                    .bearer(token)
                })
                .collect(),
        );
    }
    // Question by question, so consecutive saves are different attempts.
    let mut saves = Vec::new();
    let most = per_attempt.iter().map(Vec::len).max().unwrap_or(0);
    for q in 0..most {
        for a in &per_attempt {
            if let Some(t) = a.get(q) {
                saves.push(t.clone());
            }
        }
    }
    let save_shares = split(&saves, runs);
    for (i, &c) in conns.iter().enumerate() {
        let before = db::counts(db).await?;
        let out = bench.wrk("save responses", c, &save_shares[i])?;
        let after = db::counts(db).await?;
        let wrapped = out.wrapped > 0;
        let note = format!(
            "one response per request, each (attempt, question) once{}",
            if wrapped {
                "; list ran out and repeated (upserts)"
            } else {
                ""
            }
        );
        bench
            .report
            .rows
            .push(Row::new("save responses", c, out, note));
        let stored = after.responses - before.responses;
        // Repeated saves of a pair upsert one row: with a wrapped list, every pair of
        // the list must be stored.
        let acknowledged = if wrapped {
            save_shares[i].len() as u64
        } else {
            out.s2xx
        };
        bench.report.checks.push(Check::new(
            &format!(
                "save c{c}: {} vs attempt_responses rows",
                if wrapped {
                    "pairs in the list (all acknowledged at least once)"
                } else {
                    "acknowledged saves"
                }
            ),
            acknowledged,
            stored,
        ));
    }

    for (i, &c) in conns.iter().enumerate() {
        let targets: Vec<Target> = submit_shares[i]
            .iter()
            .map(|(id, t)| Target::post(format!("/api/v1/attempts/{id}/submit"), None).bearer(t))
            .collect();
        let before = db::counts(db).await?;
        // One request per open attempt: size the run so the list lasts at up to
        // 1,500 submits/s (a list that runs out is flagged in the note).
        let secs = (targets.len() as u64 / 1500).clamp(2, bench.args.duration);
        let base = bench.base.clone();
        let out = bench.wrk_for(&base, "submit", c, &targets, secs)?;
        let after = db::counts(db).await?;
        let note = format!(
            "each open attempt once{}",
            if out.wrapped > 0 {
                format!("; list ran out: {} × 409 already submitted", out.s409)
            } else {
                String::new()
            }
        );
        bench.report.rows.push(Row::new("submit", c, out, note));
        bench.report.checks.push(Check::new(
            &format!("submit c{c}: acknowledged submits vs attempts leaving 'open'"),
            out.s2xx,
            after.attempts_closed - before.attempts_closed,
        ));
    }

    let completes = complete_targets(learners, courses);
    let complete_shares = split(&completes, runs + 1);
    for (i, &c) in conns.iter().enumerate() {
        let before = db::counts(db).await?;
        let out = bench.wrk("lesson complete", c, &complete_shares[i])?;
        let after = db::counts(db).await?;
        let note = format!(
            "{} newly completed (201), {} already done (200)",
            out.s201,
            out.s2xx - out.s201
        );
        bench
            .report
            .rows
            .push(Row::new("lesson complete", c, out, note));
        bench.report.checks.push(Check::new(
            &format!("lesson complete c{c}: 201 Created vs lesson_progress rows"),
            out.s201,
            after.lesson_progress - before.lesson_progress,
        ));
    }
    Ok(())
}

fn read_benchmarks(
    bench: &mut Bench<'_>,
    learners: &[Learner],
    courses: &[Course],
    conns: &[u32],
) -> anyhow::Result<()> {
    let pairs = lesson_pairs(learners, courses);
    let step = (pairs.len() / 20_000).max(1);
    let sample: Vec<_> = pairs.iter().step_by(step).collect();
    let page: Vec<Target> = sample
        .iter()
        .map(|(l, c, lesson)| Target::get(format!("/kursus/{c}/materi/{lesson}")).cookie(&l.token))
        .collect();
    let json: Vec<Target> = sample
        .iter()
        .map(|(l, c, lesson)| {
            Target::get(format!("/api/v1/courses/{c}/lessons/{lesson}")).bearer(&l.token)
        })
        .collect();
    let outline: Vec<Target> = learners
        .iter()
        .enumerate()
        .map(|(i, l)| {
            Target::get(format!(
                "/api/v1/courses/{}",
                courses[i % courses.len()].slug
            ))
            .bearer(&l.token)
        })
        .collect();
    let progress: Vec<Target> = learners
        .iter()
        .map(|l| Target::get("/api/v1/me/progress".into()).bearer(&l.token))
        .collect();
    for (name, targets, note) in [
        (
            "lesson page (HTML)",
            &page,
            "cookie session; no Accept-Encoding",
        ),
        ("lesson (JSON)", &json, ""),
        ("course outline (JSON)", &outline, ""),
        ("my progress (JSON)", &progress, ""),
    ] {
        for &c in conns {
            let out = bench.wrk(name, c, targets)?;
            bench
                .report
                .rows
                .push(Row::new(name, c, out, note.to_owned()));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn sigkill(
    bench: &mut Bench<'_>,
    srv: server::Server,
    env: &ServerEnv,
    log: &Path,
    learners: &[Learner],
    courses: &[Course],
    tokens: &HashMap<i32, String>,
    runs: usize,
) -> anyhow::Result<()> {
    let db = db::connect(&env.database_url).await?;
    // Fresh shares: the last start share, the last lesson share, the open attempts left.
    let starts = start_targets(learners, courses);
    let starts = split(&starts, runs + 1).pop().unwrap_or_default();
    let completes = complete_targets(learners, courses);
    let completes = split(&completes, runs + 1).pop().unwrap_or_default();
    let open = db::pairs(
        &db,
        "SELECT id, user_id FROM quiz_attempts WHERE state = 'open' ORDER BY id",
    )
    .await?;
    let submits: Vec<Target> = open
        .iter()
        .filter_map(|(id, user)| {
            tokens
                .get(user)
                .map(|t| Target::post(format!("/api/v1/attempts/{id}/submit"), None).bearer(t))
        })
        .collect();
    let before: Counts = db::counts(&db).await?;
    let secs = bench.args.duration.max(4);
    let mut children = Vec::new();
    for (name, targets) in [
        ("kill-start", &starts),
        ("kill-complete", &completes),
        ("kill-submit", &submits),
    ] {
        if targets.is_empty() {
            continue;
        }
        let script = wrk::prepare(bench.dir, name, 1, targets)?;
        let run = wrk::Run {
            dir: bench.dir,
            name,
            base_url: &bench.base,
            threads: 1,
            connections: 8,
            duration_secs: secs,
        };
        children.push((name, run.spawn(&script)?));
    }
    tokio::time::sleep(Duration::from_millis(secs * 500)).await;
    let pid = srv.pid();
    srv.kill9()?;
    say(format!("SIGKILL sent to the server (pid {pid}) mid-run"));
    let mut outcomes = HashMap::new();
    for (name, child) in children {
        outcomes.insert(name, wrk::finish(child, name)?);
    }
    drop(db);
    let restarted = env.start(log).await?;
    say("server restarted on the same database");
    let db = db::connect(&env.database_url).await?;
    let after = db::counts(&db).await?;
    let get = |n: &str| outcomes.get(n).copied().unwrap_or_default();
    bench.report.kill = vec![
        Check::new(
            "SIGKILL: quiz starts acknowledged (201) vs quiz_attempts rows",
            get("kill-start").s201,
            after.attempts - before.attempts,
        ),
        Check::new(
            "SIGKILL: lesson completions acknowledged (201) vs lesson_progress rows",
            get("kill-complete").s201,
            after.lesson_progress - before.lesson_progress,
        ),
        Check::new(
            "SIGKILL: submits acknowledged vs attempts leaving 'open'",
            get("kill-submit").s2xx,
            after.attempts_closed - before.attempts_closed,
        ),
    ];
    restarted.stop()?;
    Ok(())
}
