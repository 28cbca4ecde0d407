//! The results: one table, the checks, the targets, as Markdown.

use std::collections::HashMap;
use std::fmt::Write;

use crate::Args;
use crate::client::{Batch, WireSize};
use crate::wrk::Outcome;

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub endpoint: String,
    pub connections: u32,
    pub rps: f64,
    pub ok_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    pub note: String,
}

impl Row {
    pub fn new(endpoint: &str, connections: u32, o: Outcome, note: String) -> Row {
        Row {
            endpoint: endpoint.to_owned(),
            connections,
            rps: o.rps(),
            ok_rps: o.ok_rps(),
            p50_ms: o.p50_us as f64 / 1000.0,
            p99_ms: o.p99_us as f64 / 1000.0,
            errors: o.errors(),
            note,
        }
    }

    pub fn from_batch(endpoint: &str, connections: u32, b: &Batch, note: String) -> Row {
        let secs = b.wall.as_secs_f64().max(1e-9);
        Row {
            endpoint: endpoint.to_owned(),
            connections,
            rps: b.statuses.len() as f64 / secs,
            ok_rps: b.ok() as f64 / secs,
            p50_ms: b.percentile(50.0).as_secs_f64() * 1000.0,
            p99_ms: b.percentile(99.0).as_secs_f64() * 1000.0,
            errors: (b.statuses.len() - b.ok()) as u64,
            note,
        }
    }
}

/// Acknowledged writes against rows found in the database.
#[derive(Debug, Clone)]
pub struct Check {
    pub what: String,
    pub acknowledged: u64,
    pub stored: i64,
}

impl Check {
    pub fn new(what: &str, acknowledged: u64, stored: i64) -> Check {
        Check {
            what: what.to_owned(),
            acknowledged,
            stored,
        }
    }
    /// Every acknowledged write is stored (more stored is fine: requests in flight when
    /// wrk stopped, or when the server was killed, may have committed unacknowledged).
    pub fn ok(&self) -> bool {
        self.stored >= 0 && self.stored as u64 >= self.acknowledged
    }
}

pub struct Report {
    pub backend: &'static str,
    pub settings: String,
    pub machine: String,
    pub rows: Vec<Row>,
    pub bare: HashMap<u32, f64>,
    pub checks: Vec<Check>,
    pub kill: Vec<Check>,
    pub burst: Option<(Batch, usize)>,
    pub wire: Option<WireSize>,
    pub peak_kb: u64,
    pub learners_in_db: i64,
    pub seed_secs: f64,
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or_else(
            || "?".into(),
            |kb| format!("{:.0} GiB", kb as f64 / 1048576.0),
        );
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem} RAM, Linux {}; load average at start: {}",
        kernel.trim(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

impl Report {
    pub fn new(backend: &'static str, args: &Args) -> Report {
        Report {
            backend,
            settings: format!(
                "wrk -t{} --latency, {} s per run, keep-alive; {} learners signed in; connections {:?}",
                args.threads, args.duration, args.logins, args.connections
            ),
            machine: machine(),
            rows: Vec::new(),
            bare: HashMap::new(),
            checks: Vec::new(),
            kill: Vec::new(),
            burst: None,
            wire: None,
            peak_kb: 0,
            learners_in_db: 0,
            seed_secs: 0.0,
        }
    }

    fn ratio(&self, r: &Row) -> Option<f64> {
        self.bare.get(&r.connections).map(|b| r.rps / b.max(1e-9))
    }

    fn rows_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Row> + 'a {
        self.rows.iter().filter(move |r| r.endpoint == name)
    }

    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "## Lentera load benchmark ({})\n", self.backend);
        let _ = writeln!(s, "- Machine: {}", self.machine);
        let _ = writeln!(s, "- Settings: {}", self.settings);
        let _ = writeln!(
            s,
            "- Database: {} with {} users (learners seeded in {:.1} s)\n",
            self.backend, self.learners_in_db, self.seed_secs
        );
        let _ = writeln!(
            s,
            "| endpoint | conns | req/s | 2xx/s | p50 ms | p99 ms | errors | vs bare | note |"
        );
        let _ = writeln!(
            s,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        );
        for r in &self.rows {
            let ratio = self
                .ratio(r)
                .map_or_else(|| "-".into(), |x| format!("{:.1}%", x * 100.0));
            let _ = writeln!(
                s,
                "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {} | {} | {} |",
                r.endpoint,
                r.connections,
                r.rps,
                r.ok_rps,
                r.p50_ms,
                r.p99_ms,
                r.errors,
                ratio,
                r.note
            );
        }
        let _ = writeln!(
            s,
            "\nerrors = non-2xx/3xx answers + socket errors + timeouts (wrk --timeout 5s).\n"
        );
        if let Some((b, n)) = &self.burst {
            let _ = writeln!(
                s,
                "**{n} learners starting the same quiz at once**: {} of {n} served (2xx), {} created, p50 {:.1} ms, p99 {:.1} ms, all answered within {:.1} ms.\n",
                b.ok(),
                b.count(201),
                b.percentile(50.0).as_secs_f64() * 1000.0,
                b.percentile(99.0).as_secs_f64() * 1000.0,
                b.wall.as_secs_f64() * 1000.0
            );
        }
        let _ = writeln!(
            s,
            "**Server memory**: peak resident set (VmHWM) {:.1} MiB with {} users.\n",
            self.peak_kb as f64 / 1024.0,
            self.learners_in_db
        );
        if let Some(w) = &self.wire {
            let _ = writeln!(
                s,
                "**Lesson page on the wire** (Accept-Encoding: gzip): HTML {} B ({}; {} B uncompressed) + CSS {} B ({}) = {:.1} KiB; {} script tag(s); lesson text in the HTML: {}.\n",
                w.html_gzip,
                w.html_encoding,
                w.html_raw,
                w.css_gzip,
                w.css_files.join(", "),
                (w.html_gzip + w.css_gzip) as f64 / 1024.0,
                w.scripts,
                if w.lesson_text_in_html { "yes" } else { "NO" }
            );
        }
        let _ = writeln!(s, "### Acknowledged vs stored\n");
        let _ = writeln!(s, "| check | acknowledged | stored | verdict |");
        let _ = writeln!(s, "| --- | ---: | ---: | --- |");
        for c in self.checks.iter().chain(&self.kill) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                c.what,
                c.acknowledged,
                c.stored,
                if c.ok() {
                    "ok: nothing lost"
                } else {
                    "LOST WRITES"
                }
            );
        }
        let _ = writeln!(s, "\n### Targets\n");
        for (target, pass) in self.targets() {
            let _ = writeln!(s, "- [{}] {target}", if pass { "x" } else { " " });
        }
        s
    }

    /// Each target of the performance issue and whether this run met it.
    pub fn targets(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for name in ["lesson page (HTML)", "lesson (JSON)"] {
            for r in self.rows_of(name) {
                let ratio = self.ratio(r).unwrap_or(0.0);
                out.push((
                    format!(
                        "{name} c{}: {:.1}% of the bare handler (>= 20%)",
                        r.connections,
                        ratio * 100.0
                    ),
                    ratio >= 0.2,
                ));
                if r.connections == 64 {
                    out.push((
                        format!("{name} c64: p99 {:.1} ms (< 20 ms)", r.p99_ms),
                        r.p99_ms < 20.0,
                    ));
                }
            }
        }
        for name in ["quiz start", "save responses", "submit", "lesson complete"] {
            for r in self.rows_of(name) {
                out.push((
                    format!(
                        "{name} c{}: {:.0} successful req/s (>= 1,000)",
                        r.connections, r.ok_rps
                    ),
                    r.ok_rps >= 1000.0,
                ));
            }
        }
        out.push((
            "zero lost writes (every acknowledged write stored)".into(),
            self.checks.iter().all(Check::ok),
        ));
        out.push((
            "nothing lost on SIGKILL".into(),
            !self.kill.is_empty() && self.kill.iter().all(Check::ok),
        ));
        if let Some((b, n)) = &self.burst {
            let p99 = b.percentile(99.0).as_secs_f64();
            out.push((
                format!(
                    "{n} simultaneous quiz starts: {} served, p99 {:.0} ms (all, < 1 s)",
                    b.ok(),
                    p99 * 1000.0
                ),
                b.ok() == *n && p99 < 1.0,
            ));
        }
        let mb = self.peak_kb as f64 / 1024.0;
        out.push((
            format!(
                "server memory {mb:.1} MiB with {} users (< 150 MB)",
                self.learners_in_db
            ),
            self.peak_kb > 0 && mb * 1.048_576 < 150.0,
        ));
        if let Some(w) = &self.wire {
            let kb = (w.html_gzip + w.css_gzip) as f64 / 1000.0;
            out.push((
                format!("lesson page {kb:.1} kB compressed (< 30 KB)"),
                kb < 30.0,
            ));
            out.push((
                format!(
                    "lesson page readable without JavaScript (text server-rendered; {} script tag(s))",
                    w.scripts
                ),
                w.lesson_text_in_html,
            ));
        }
        out
    }
}
