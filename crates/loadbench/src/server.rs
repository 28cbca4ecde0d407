//! Starting, stopping and killing the release `lentera` binary, and watching its memory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How to run `lentera` against one database and data directory.
#[derive(Debug, Clone)]
pub struct ServerEnv {
    pub bin: PathBuf,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub port: u16,
    /// More environment (replicas share secrets and a public address).
    pub vars: Vec<(String, String)>,
}

impl ServerEnv {
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.env("DATABASE_URL", &self.database_url)
            .env("LENTERA_BIND", format!("127.0.0.1:{}", self.port))
            .env("LENTERA_DATA_DIR", &self.data_dir)
            .env("LENTERA_PUBLIC_URL", self.base_url())
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    /// Runs `lentera ARGS...` to completion and returns its standard output.
    pub fn run(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = self
            .command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("cannot run {}", self.bin.display()))?;
        if !out.status.success() {
            bail!(
                "lentera {} failed: {}\n{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Starts `lentera serve` and waits until `/healthz` answers 200.
    pub async fn start(&self, log: &Path) -> anyhow::Result<Server> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)?;
        let child = self
            .command()
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .with_context(|| format!("cannot start {}", self.bin.display()))?;
        let server = Server::watch(child);
        wait_healthy(&format!("{}/healthz", self.base_url()), log).await?;
        Ok(server)
    }
}

/// Polls `url` until it answers 200, for up to a minute.
pub async fn wait_healthy(url: &str, log: &Path) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(r) = client.get(url).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!(
        "{url} did not become healthy within a minute; see {}",
        log.display()
    )
}

/// A running server process with a memory sampler.
pub struct Server {
    child: Child,
    peak_kb: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Takes ownership of a spawned process and samples VmHWM/VmRSS every 100 ms.
    pub fn watch(child: Child) -> Server {
        let peak_kb = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let pid = child.id();
        let (peak, halt) = (peak_kb.clone(), stop.clone());
        std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) {
                match std::fs::read_to_string(format!("/proc/{pid}/status")) {
                    Ok(status) => {
                        for line in status.lines() {
                            if line.starts_with("VmHWM:") || line.starts_with("VmRSS:") {
                                let kb = line
                                    .split_whitespace()
                                    .nth(1)
                                    .and_then(|v| v.parse::<u64>().ok())
                                    .unwrap_or(0);
                                peak.fetch_max(kb, Ordering::Relaxed);
                            }
                        }
                    }
                    Err(_) => break,
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Server {
            child,
            peak_kb,
            stop,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn peak_handle(&self) -> Arc<AtomicU64> {
        self.peak_kb.clone()
    }

    /// The highest VmHWM (peak resident set) seen so far, in KiB.
    pub fn peak_kb(&self) -> u64 {
        self.peak_kb.load(Ordering::Relaxed)
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    pub fn kill9(mut self) -> anyhow::Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// SIGTERM and wait (actix shuts down gracefully).
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(40) {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Starts the bare yardstick server on `port`.
pub async fn start_bare(bin: &Path, port: u16, log: &Path) -> anyhow::Result<Server> {
    let file = std::fs::File::create(log)?;
    let child = Command::new(bin)
        .env("LENTERA_BIND", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let server = Server::watch(child);
    let url = format!("http://127.0.0.1:{port}/");
    wait_healthy(&url, log).await?;
    Ok(server)
}
