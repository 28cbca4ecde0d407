//! `loadbench --replicas N`: the same learners and reads driven through HAProxy (from
//! Debian) in front of 1 and then N `lentera serve` processes on one PostgreSQL, and the
//! database statements each request costs once the caches are warm (from every replica's
//! `lentera_db_statements`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::Method;

use crate::client::{self, Course, Learner};
use crate::server::{self, Server, ServerEnv};
use crate::wrk::{self, Outcome, Target};
use crate::{Args, complete_targets, lesson_pairs, say};

/// HAProxy running with a generated configuration; killed when dropped.
struct Balancer(Child);

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn haproxy() -> anyhow::Result<std::path::PathBuf> {
    let paths = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&paths)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|p| p.join("haproxy"))
        .find(|p| p.is_file())
        .context("haproxy is not installed (apt-get install haproxy)")
}

/// HAProxy on `port` in front of `backends`: round robin, health-checked on `/readyz`,
/// the client's address passed on in X-Forwarded-For (the replicas trust 127.0.0.1).
async fn balance(dir: &Path, port: u16, backends: &[u16]) -> anyhow::Result<Balancer> {
    let servers: String = backends
        .iter()
        .enumerate()
        .map(|(i, p)| format!("  server r{i} 127.0.0.1:{p} check\n"))
        .collect();
    let config = dir.join(format!("haproxy-{}.cfg", backends.len()));
    std::fs::write(
        &config,
        format!(
            "global\n  maxconn 4000\n\
             defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n  \
             timeout server 30s\n  option http-keep-alive\n  option forwardfor\n\
             frontend lentera\n  bind 127.0.0.1:{port}\n  default_backend replicas\n\
             backend replicas\n  balance roundrobin\n  option httpchk GET /readyz\n  \
             http-check expect status 200\n  default-server inter 500ms fall 1 rise 1\n{servers}"
        ),
    )?;
    let child = Command::new(haproxy()?)
        .arg("-f")
        .arg(&config)
        .arg("-db")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start haproxy")?;
    let lb = Balancer(child);
    server::wait_healthy(
        &format!("http://127.0.0.1:{port}/readyz"),
        &dir.join("haproxy.log"),
    )
    .await?;
    // Every backend's first health check.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    Ok(lb)
}

/// Statements sent to the database so far, summed over `ports` (read from each replica
/// directly, with the metrics token: the replicas trust 127.0.0.1 as a proxy).
async fn statements(http: &reqwest::Client, ports: &[u16], token: &str) -> anyhow::Result<u64> {
    let mut sum = 0;
    for p in ports {
        let text = http
            .get(format!("http://127.0.0.1:{p}/metrics"))
            .bearer_auth(token)
            .send()
            .await?
            .text()
            .await?;
        sum += text
            .lines()
            .find_map(|l| l.strip_prefix("lentera_db_statements "))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .context("no lentera_db_statements in /metrics")?;
    }
    Ok(sum)
}

/// Sends each (path, token) once, in order (a page with the session cookie, the API with
/// the bearer token); returns how many were not 200.
async fn pass(
    http: &reqwest::Client,
    base: &str,
    requests: &[(String, String)],
    page: bool,
) -> anyhow::Result<usize> {
    let mut failed = 0;
    for (path, token) in requests {
        let req = http.get(format!("{base}{path}"));
        let req = if page {
            req.header("cookie", format!("lentera_session={token}"))
        } else {
            req.bearer_auth(token)
        };
        if req.send().await?.status() != 200 {
            failed += 1;
        }
    }
    Ok(failed)
}

struct Line {
    name: &'static str,
    replicas: usize,
    conns: u32,
    out: Outcome,
}

/// Runs the comparison; prints (and with `--report` writes) a Markdown table.
pub async fn run(args: &Args, env: &ServerEnv, dir: &Path, n: usize) -> anyhow::Result<()> {
    if !env.database_url.starts_with("postgres") {
        bail!("--replicas needs PostgreSQL (--database-url): replicas share one database");
    }
    let http = client::client(None)?;
    let secret = |name: &str| -> anyhow::Result<(String, String)> {
        use std::io::Read;
        let mut bytes = [0u8; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        Ok((
            name.to_owned(),
            bytes.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    };
    let metrics = secret("LENTERA_METRICS_TOKEN")?;
    let mut shared = vec![
        metrics.clone(),
        secret("LENTERA_JWT_SECRET")?,
        secret("LENTERA_SIGNING_KEY")?,
        secret("LENTERA_QUIZ_KEY")?,
        ("LENTERA_TRUSTED_PROXIES".into(), "127.0.0.1".into()),
        ("LENTERA_DRAIN_SECONDS".into(), "0".into()),
        // 2 cores: one worker each keeps N replicas from fighting over them.
        ("LENTERA_WORKERS".into(), "1".into()),
    ];
    let lb_port = server::free_port()?;
    shared.push((
        "LENTERA_PUBLIC_URL".into(),
        format!("http://127.0.0.1:{lb_port}"),
    ));
    let lb_base = format!("http://127.0.0.1:{lb_port}");
    let mut lines = Vec::new();
    let mut warm_costs = Vec::new();
    let mut learners: Vec<Learner> = Vec::new();
    let mut courses: Vec<Course> = Vec::new();
    let password = crate::seed::STORE_PASSWORD;
    for count in [1, n] {
        let mut servers: Vec<Server> = Vec::new();
        let mut ports = Vec::new();
        for i in 0..count {
            let port = server::free_port()?;
            let mut e = env.clone();
            e.port = port;
            e.data_dir = dir.join(format!("replica-{i}"));
            e.vars = shared.clone();
            servers.push(e.start(&dir.join(format!("replica-{i}.log"))).await?);
            ports.push(port);
        }
        let lb = balance(dir, lb_port, &ports).await?;
        say(format!(
            "{count} replica(s) behind HAProxy on port {lb_port}"
        ));
        if learners.is_empty() {
            let db = crate::db::connect(&env.database_url).await?;
            let usernames = crate::db::learner_usernames(&db).await?;
            let take = args.logins.min(usernames.len());
            let (signed, batch) =
                client::login_all(&lb_base, &usernames[..take], password, 16).await?;
            say(format!(
                "{} learners signed in through the balancer in {:.1} s",
                signed.len(),
                batch.wall.as_secs_f64()
            ));
            if signed.is_empty() {
                bail!("no sign-in succeeded; see {}", dir.display());
            }
            learners = signed;
            courses = client::courses(&http, &lb_base, &learners[0].token).await?;
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
            let (enrolled, _) = client::many(&http, &lb_base, enrol, 32).await?;
            if enrolled.failures > 0 {
                bail!("{} enrolments failed", enrolled.failures);
            }
        }
        let pairs = lesson_pairs(&learners, &courses);
        let step = (pairs.len() / 20_000).max(1);
        let sample: Vec<_> = pairs.iter().step_by(step).collect();
        let page: Vec<Target> = sample
            .iter()
            .map(|(l, c, lesson)| {
                Target::get(format!("/kursus/{c}/materi/{lesson}")).cookie(&l.token)
            })
            .collect();
        let json: Vec<Target> = sample
            .iter()
            .map(|(l, c, lesson)| {
                Target::get(format!("/api/v1/courses/{c}/lessons/{lesson}")).bearer(&l.token)
            })
            .collect();
        let progress: Vec<Target> = learners
            .iter()
            .map(|l| Target::get("/api/v1/me/progress".into()).bearer(&l.token))
            .collect();
        let complete = complete_targets(&learners, &courses);
        let wrk_run = |name: &'static str, conns: u32, targets: &[Target]| {
            let tag = format!("r{count}-{}-c{conns}", name.replace([' ', '(', ')'], "_"));
            let script = wrk::prepare(dir, &tag, args.threads, targets)?;
            let out = wrk::Run {
                dir,
                name: &tag,
                base_url: &lb_base,
                threads: args.threads,
                connections: conns,
                duration_secs: args.duration,
            }
            .go(&script)?;
            say(format!(
                "{count} replica(s), {name} c{conns}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, non-2xx {}",
                out.rps(),
                out.p50_us as f64 / 1000.0,
                out.p99_us as f64 / 1000.0,
                out.s4xx + out.s5xx
            ));
            anyhow::Ok(out)
        };
        for (name, targets) in [
            ("lesson page (HTML)", &page),
            ("lesson (JSON)", &json),
            ("my progress (JSON)", &progress),
            ("lesson complete (write)", &complete),
        ] {
            for &conns in &args.connections {
                let out = wrk_run(name, conns, targets)?;
                lines.push(Line {
                    name,
                    replicas: count,
                    conns,
                    out,
                });
            }
        }
        // Statements per request once warm: 300 requests, sent once to every replica first
        // (round robin) and measured on the next pass, inside the caches' 5 s lifetime.
        for name in ["lesson page (HTML)", "lesson (JSON)", "my progress (JSON)"] {
            let requests: Vec<(String, String)> = pairs
                .iter()
                .step_by(step)
                .take(300)
                .map(|(l, c, lesson)| {
                    let path = match name {
                        "lesson page (HTML)" => format!("/kursus/{c}/materi/{lesson}"),
                        "lesson (JSON)" => format!("/api/v1/courses/{c}/lessons/{lesson}"),
                        _ => "/api/v1/me/progress".to_owned(),
                    };
                    (path, l.token.clone())
                })
                .collect();
            let page = name.starts_with("lesson page");
            for _ in 0..count {
                pass(&http, &lb_base, &requests, page).await?;
            }
            let before = statements(&http, &ports, &metrics.1).await?;
            let failed = pass(&http, &lb_base, &requests, page).await?;
            let after = statements(&http, &ports, &metrics.1).await?;
            warm_costs.push((
                name,
                count,
                after.saturating_sub(before) as f64 / requests.len().max(1) as f64,
                failed,
            ));
        }
        drop(lb);
        for s in servers {
            s.stop()?;
        }
    }
    let mut text = String::from(
        "| measure | replicas | connections | req/s | p50 ms | p99 ms | non-2xx |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for l in &lines {
        text.push_str(&format!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {} |\n",
            l.name,
            l.replicas,
            l.conns,
            l.out.rps(),
            l.out.p50_us as f64 / 1000.0,
            l.out.p99_us as f64 / 1000.0,
            l.out.s4xx + l.out.s5xx
        ));
    }
    text.push_str(
        "\n| warm request | replicas | database statements per request | failed |\n|---|---:|---:|---:|\n",
    );
    for (name, count, per, failed) in &warm_costs {
        text.push_str(&format!("| {name} | {count} | {per:.2} | {failed} |\n"));
    }
    println!("{text}");
    if let Some(path) = &args.report {
        std::fs::write(path, &text)?;
        say(format!("report written to {}", path.display()));
    }
    Ok(())
}
