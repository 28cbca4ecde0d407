//! HTTP work done from Rust: signing learners in, enrolling them, reading the course
//! outlines and attempts, the 500-learner burst, and the wire size of the lesson page.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;

/// Logins allowed per client address before the server's limiter (60/min) says 429.
const LOGINS_PER_ADDRESS: usize = 50;

#[derive(Debug, Clone)]
pub struct Learner {
    pub id: i32,
    pub token: String,
}

/// Latencies and failures of a batch of requests.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub latencies: Vec<Duration>,
    pub statuses: Vec<u16>,
    pub failures: usize,
    pub wall: Duration,
}

impl Batch {
    pub fn percentile(&self, p: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort();
        if l.is_empty() {
            return Duration::ZERO;
        }
        let idx = ((p / 100.0) * (l.len() as f64)).ceil() as usize;
        l[idx.clamp(1, l.len()) - 1]
    }
    pub fn ok(&self) -> usize {
        self.statuses
            .iter()
            .filter(|s| (200..400).contains(*s))
            .count()
    }
    pub fn count(&self, status: u16) -> usize {
        self.statuses.iter().filter(|s| **s == status).count()
    }
}

pub fn client(local: Option<IpAddr>) -> anyhow::Result<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64);
    if let Some(addr) = local {
        b = b.local_address(addr);
    }
    Ok(b.build()?)
}

/// Signs `usernames` in with `concurrency` requests in flight. The server limits sign-ins
/// to 60 a minute per client address by default (the benchmark runs the server as shipped),
/// so every 50 accounts use their own loopback source address (127.0.0.2, 127.0.0.3, ...):
/// all of 127.0.0.0/8 reaches the server here.
pub async fn login_all(
    base: &str,
    usernames: &[String],
    password: &str,
    concurrency: usize,
) -> anyhow::Result<(Vec<Learner>, Batch)> {
    let mut clients = Vec::new();
    for a in 0..usernames.len().div_ceil(LOGINS_PER_ADDRESS) {
        let [_, b, c, d] = (2 + a as u32).to_be_bytes();
        clients.push(client(Some(IpAddr::V4(Ipv4Addr::new(127, b, c, d))))?);
    }
    let sem = Arc::new(Semaphore::new(concurrency));
    let mut set = JoinSet::new();
    let started = Instant::now();
    for (i, username) in usernames.iter().enumerate() {
        let c = clients[i / LOGINS_PER_ADDRESS].clone();
        let url = format!("{base}/api/v1/auth/login");
        let body = json!({"username": username, "password": password});
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let t = Instant::now();
            let r = c.post(&url).json(&body).send().await;
            let elapsed = t.elapsed();
            let (status, value) = match r {
                Ok(r) => {
                    let s = r.status().as_u16();
                    (s, r.json::<Value>().await.ok())
                }
                Err(_) => (0, None),
            };
            (i, elapsed, status, value)
        });
    }
    let mut batch = Batch::default();
    let mut learners = vec![None; usernames.len()];
    while let Some(done) = set.join_next().await {
        let (i, elapsed, status, value) = done?;
        batch.latencies.push(elapsed);
        batch.statuses.push(status);
        let parsed = value.and_then(|v| {
            Some(Learner {
                id: i32::try_from(v["user"]["id"].as_i64()?).ok()?,
                token: v["token"].as_str()?.to_owned(),
            })
        });
        match parsed {
            Some(l) if status == 200 => learners[i] = Some(l),
            _ => batch.failures += 1,
        }
    }
    batch.wall = started.elapsed();
    Ok((learners.into_iter().flatten().collect(), batch))
}

/// Sends `requests` (method, path, token, body) with `concurrency` in flight; returns
/// the batch and the JSON bodies in request order.
pub async fn many(
    c: &reqwest::Client,
    base: &str,
    requests: Vec<(reqwest::Method, String, String, Option<Value>)>,
    concurrency: usize,
) -> anyhow::Result<(Batch, Vec<Option<Value>>)> {
    let sem = Arc::new(Semaphore::new(concurrency));
    let mut set = JoinSet::new();
    let started = Instant::now();
    let n = requests.len();
    for (i, (method, path, token, body)) in requests.into_iter().enumerate() {
        let mut rb = c
            .request(method, format!("{base}{path}"))
            .bearer_auth(token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let t = Instant::now();
            let r = rb.send().await;
            let elapsed = t.elapsed();
            match r {
                Ok(r) => {
                    let s = r.status().as_u16();
                    (i, elapsed, s, r.json::<Value>().await.ok())
                }
                Err(_) => (i, elapsed, 0, None),
            }
        });
    }
    let mut batch = Batch::default();
    let mut bodies = vec![None; n];
    while let Some(done) = set.join_next().await {
        let (i, elapsed, status, value) = done?;
        batch.latencies.push(elapsed);
        batch.statuses.push(status);
        if !(200..300).contains(&status) {
            batch.failures += 1;
        }
        bodies[i] = value;
    }
    batch.wall = started.elapsed();
    Ok((batch, bodies))
}

/// A published course: its lessons and quizzes, in outline order.
#[derive(Debug, Clone)]
pub struct Course {
    pub slug: String,
    pub lessons: Vec<String>,
    pub quizzes: Vec<String>,
}

pub async fn courses(c: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<Vec<Course>> {
    let list: Value = c
        .get(format!("{base}/api/v1/courses"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let mut out = Vec::new();
    for course in list["courses"].as_array().context("no courses")? {
        let slug = course["slug"].as_str().context("course without slug")?;
        let outline: Value = c
            .get(format!("{base}/api/v1/courses/{slug}"))
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let slugs = |key: &str| -> Vec<String> {
            outline[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x["slug"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        out.push(Course {
            slug: slug.to_owned(),
            lessons: slugs("lessons"),
            quizzes: slugs("quizzes"),
        });
    }
    if out.is_empty() {
        bail!("no published course: did `lentera content import` run?");
    }
    Ok(out)
}

/// One valid response per question of an attempt view (`POST .../attempts` or
/// `GET /api/v1/attempts/{id}`), in the submit shape.
pub fn responses_for(attempt: &Value) -> Vec<Value> {
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for q in attempt["questions"].as_array().into_iter().flatten() {
        let Some(id) = q["id"].as_str() else { continue };
        let options = ids(&q["options"]);
        let r = match q["kind"].as_str().unwrap_or("") {
            "single_choice" | "multiple_choice" | "true_false" => match options.first() {
                Some(o) => json!({"question": id, "choices": [o]}),
                None => continue,
            },
            "ordering" => json!({"question": id, "order": options}),
            "matching" => {
                let (l, r) = (ids(&q["left"]), ids(&q["right"]));
                match (l.first(), r.first()) {
                    (Some(l), Some(r)) => json!({"question": id, "pairs": [[l, r]]}),
                    _ => continue,
                }
            }
            "numerical" => json!({"question": id, "number": 1}),
            _ => json!({"question": id, "text": "jawaban uji beban"}),
        };
        out.push(r);
    }
    out
}

/// 500 learners (or however many) start the same quiz at the same instant: each has
/// its own connection, already open, and all wait at a barrier before sending.
pub async fn burst(base: &str, learners: &[Learner], path: &str) -> anyhow::Result<Batch> {
    let barrier = Arc::new(Barrier::new(learners.len()));
    let mut set = JoinSet::new();
    for l in learners {
        let c = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        let url = format!("{base}{path}");
        let token = l.token.clone();
        let health = format!("{base}/healthz");
        let barrier = barrier.clone();
        set.spawn(async move {
            // Open the connection first, so the burst measures the start, not TCP.
            let _ = c.get(&health).send().await;
            barrier.wait().await;
            let t = Instant::now();
            let r = c.post(&url).bearer_auth(token).send().await;
            let status = match r {
                Ok(r) => {
                    let s = r.status().as_u16();
                    let _ = r.bytes().await;
                    s
                }
                Err(_) => 0,
            };
            (t, t.elapsed(), status)
        });
    }
    let mut batch = Batch::default();
    let mut first: Option<Instant> = None;
    let mut last: Option<Instant> = None;
    while let Some(done) = set.join_next().await {
        let (t, elapsed, status) = done?;
        first = Some(first.map_or(t, |f| f.min(t)));
        let end = t + elapsed;
        last = Some(last.map_or(end, |l| l.max(end)));
        batch.latencies.push(elapsed);
        batch.statuses.push(status);
        if !(200..300).contains(&status) {
            batch.failures += 1;
        }
    }
    if let (Some(f), Some(l)) = (first, last) {
        batch.wall = l - f;
    }
    Ok(batch)
}

/// What a phone on a slow link downloads for one lesson page.
#[derive(Debug, Clone, Default)]
pub struct WireSize {
    pub html_gzip: usize,
    pub html_raw: usize,
    pub css_gzip: usize,
    pub css_files: Vec<String>,
    pub scripts: usize,
    pub lesson_text_in_html: bool,
    pub html_encoding: String,
}

pub async fn wire_size(
    base: &str,
    path: &str,
    token: &str,
    probe: &str,
) -> anyhow::Result<WireSize> {
    let c = client(None)?;
    let get = |url: String, gzip: bool| {
        let mut rb = c
            .get(url)
            .header("Cookie", format!("lentera_session={token}"))
            .header("Accept", "text/html,text/css,*/*");
        if gzip {
            rb = rb.header("Accept-Encoding", "gzip");
        }
        rb.send()
    };
    let r = get(format!("{base}{path}"), true)
        .await?
        .error_for_status()?;
    let encoding = r
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    let html_gzip = r.bytes().await?.len();
    let raw = get(format!("{base}{path}"), false).await?.text().await?;
    let mut out = WireSize {
        html_gzip,
        html_raw: raw.len(),
        html_encoding: encoding,
        scripts: raw.matches("<script").count(),
        lesson_text_in_html: raw.contains(probe),
        ..WireSize::default()
    };
    // Stylesheets linked from the page.
    for part in raw.split("<link").skip(1) {
        let tag = part.split('>').next().unwrap_or("");
        if !tag.contains("stylesheet") {
            continue;
        }
        if let Some(href) = tag
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
        {
            let url = if href.starts_with("http") {
                href.to_owned()
            } else {
                format!("{base}{href}")
            };
            let r = get(url, true).await?;
            out.css_gzip += r.bytes().await?.len();
            out.css_files.push(href.to_owned());
        }
    }
    Ok(out)
}
