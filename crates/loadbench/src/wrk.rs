//! Driving wrk: a list of requests written to a file, a generated Lua script that walks
//! it (each thread its own share), counts statuses in `response()` and prints one JSON
//! line from `done()`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde::Deserialize;

/// One request wrk sends.
#[derive(Debug, Clone)]
pub struct Target {
    pub method: &'static str,
    pub path: String,
    pub header: Option<(&'static str, String)>,
    pub body: Option<String>,
}

impl Target {
    pub fn get(path: String) -> Target {
        Target {
            method: "GET",
            path,
            header: None,
            body: None,
        }
    }
    pub fn bearer(mut self, token: &str) -> Target {
        self.header = Some(("Authorization", format!("Bearer {token}")));
        self
    }
    pub fn cookie(mut self, token: &str) -> Target {
        self.header = Some(("Cookie", format!("lentera_session={token}")));
        self
    }
    pub fn post(path: String, body: Option<String>) -> Target {
        Target {
            method: "POST",
            path,
            header: None,
            body,
        }
    }
    pub fn put(path: String, body: String) -> Target {
        Target {
            method: "PUT",
            path,
            header: None,
            body: Some(body),
        }
    }
}

/// What wrk's `done()` printed.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Outcome {
    pub requests: u64,
    pub duration_us: u64,
    pub p50_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
    pub s2xx: u64,
    pub s201: u64,
    pub s3xx: u64,
    pub s4xx: u64,
    pub s409: u64,
    pub s429: u64,
    pub s5xx: u64,
    pub connect: u64,
    pub read: u64,
    pub write: u64,
    pub timeout: u64,
    /// How many times a thread ran past the end of its list and started again.
    pub wrapped: u64,
    pub targets: u64,
}

impl Outcome {
    pub fn secs(&self) -> f64 {
        (self.duration_us as f64 / 1e6).max(1e-9)
    }
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.secs()
    }
    pub fn ok_rps(&self) -> f64 {
        (self.s2xx + self.s3xx) as f64 / self.secs()
    }
    /// Non-2xx/3xx answers plus socket errors and timeouts.
    pub fn errors(&self) -> u64 {
        self.s4xx + self.s5xx + self.connect + self.read + self.write + self.timeout
    }
}

const LUA: &str = r#"
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local reqs = {}
local i = 0
function init(args)
  n = 0
  s2xx, s201, s3xx, s4xx, s409, s429, s5xx, wrapped = 0, 0, 0, 0, 0, 0, 0, 0
  local k = 0
  for line in io.lines(TARGETS) do
    if k % NTHREADS == tid then
      local m, p, hn, hv, b = line:match("^([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$")
      local headers = {}
      if hn ~= "" then headers[hn] = hv end
      if b == "" then
        b = nil
      else
        headers["Content-Type"] = "application/json"
      end
      n = n + 1
      reqs[n] = wrk.format(m, p, headers, b)
    end
    k = k + 1
  end
end

function request()
  i = i + 1
  if i > n then
    i = 1
    wrapped = wrapped + 1
  end
  return reqs[i]
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    s2xx = s2xx + 1
    if status == 201 then s201 = s201 + 1 end
  elseif status < 400 then s3xx = s3xx + 1
  elseif status < 500 then
    s4xx = s4xx + 1
    if status == 409 then s409 = s409 + 1 end
    if status == 429 then s429 = s429 + 1 end
  else s5xx = s5xx + 1 end
end

function done(summary, latency, requests)
  local keys = {"s2xx", "s201", "s3xx", "s4xx", "s409", "s429", "s5xx", "wrapped", "n"}
  local c = {}
  for _, key in ipairs(keys) do c[key] = 0 end
  for _, t in ipairs(threads) do
    for _, key in ipairs(keys) do c[key] = c[key] + (t:get(key) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    'LOADBENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"s2xx":%d,"s201":%d,"s3xx":%d,"s4xx":%d,"s409":%d,"s429":%d,"s5xx":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"wrapped":%d,"targets":%d}\n',
    summary.requests, summary.duration,
    math.floor(latency:percentile(50.0)), math.floor(latency:percentile(99.0)),
    math.floor(latency.max),
    c.s2xx, c.s201, c.s3xx, c.s4xx, c.s409, c.s429, c.s5xx,
    e.connect, e.read, e.write, e.timeout, c.wrapped, c.n))
end
"#;

/// A wrk run: its targets, written once, and the settings.
pub struct Run<'a> {
    pub dir: &'a Path,
    pub name: &'a str,
    pub base_url: &'a str,
    pub threads: u32,
    pub connections: u32,
    pub duration_secs: u64,
}

/// Writes the targets and the script for `name`; returns the script's path.
pub fn prepare(
    dir: &Path,
    name: &str,
    threads: u32,
    targets: &[Target],
) -> anyhow::Result<PathBuf> {
    if targets.len() < threads as usize {
        bail!("{name}: {} targets for {threads} threads", targets.len());
    }
    let list = dir.join(format!("{name}.targets"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&list)?);
    for t in targets {
        let (hn, hv) = t
            .header
            .as_ref()
            .map_or(("", ""), |(n, v)| (*n, v.as_str()));
        writeln!(
            file,
            "{}|{}|{}|{}|{}",
            t.method,
            t.path,
            hn,
            hv,
            t.body.as_deref().unwrap_or("")
        )?;
    }
    file.flush()?;
    let script = dir.join(format!("{name}.lua"));
    let header = format!(
        "TARGETS = {:?}\nNTHREADS = {threads}\n",
        list.display().to_string()
    );
    std::fs::write(&script, format!("{header}{LUA}"))?;
    Ok(script)
}

impl Run<'_> {
    /// Runs wrk in the foreground and returns its outcome.
    pub fn go(&self, script: &Path) -> anyhow::Result<Outcome> {
        let child = self.spawn(script)?;
        finish(child, self.name)
    }

    /// Starts wrk in the background (for the SIGKILL test).
    pub fn spawn(&self, script: &Path) -> anyhow::Result<std::process::Child> {
        Command::new("wrk")
            .arg(format!("-t{}", self.threads))
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{}s", self.duration_secs))
            .arg("--timeout")
            .arg("5s")
            .arg("--latency")
            .arg("-s")
            .arg(script)
            .arg(self.base_url)
            .current_dir(self.dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .context("cannot run wrk (apt-get install wrk)")
    }
}

/// Waits for a wrk process and parses its `LOADBENCH` line.
pub fn finish(child: std::process::Child, name: &str) -> anyhow::Result<Outcome> {
    let out = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("LOADBENCH "))
        .with_context(|| {
            format!(
                "wrk {name} printed no result:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    serde_json::from_str(line).with_context(|| format!("wrk {name}: cannot parse {line}"))
}
