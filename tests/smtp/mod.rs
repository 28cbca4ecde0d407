//! A real SMTP server for the tests: `tests/smtp/server.py` (aiosmtpd, Debian's
//! python3-aiosmtpd) as a child process on a free port, writing each message it accepts,
//! decoded, as a JSON file the test reads. Stopped and started again on the same port, it
//! plays a mail server that is down for a while.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// One message the server accepted.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    pub rcpt_tos: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub content_type: String,
    pub charset: Option<String>,
    /// The plain-text body, decoded, with `\n` line ends.
    pub body: String,
}

pub struct SmtpServer {
    pub port: u16,
    out: tempfile::TempDir,
    reject: Vec<String>,
    child: Option<Child>,
}

/// The Python that has aiosmtpd: Debian's, when there is one (a `python3` earlier on the
/// PATH may be another installation without Debian's packages).
fn python() -> &'static str {
    if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Whether the SMTP server can run here; under CI (`CI` set) it must.
pub fn available() -> bool {
    let ok = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have aiosmtpd (apt-get install python3-aiosmtpd)"
        );
        eprintln!("mail test not run: aiosmtpd not installed (apt-get install python3-aiosmtpd)");
    }
    ok
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("free port: {e}"))
}

impl SmtpServer {
    /// A server on a free port, running.
    pub fn start() -> SmtpServer {
        let mut server = SmtpServer::stopped(free_port(), &[]);
        server.run();
        server
    }

    /// A server for `port` that is not running yet (a mail server that is down), refusing
    /// the addresses in `reject` with 550 once it runs.
    pub fn stopped(port: u16, reject: &[&str]) -> SmtpServer {
        SmtpServer {
            port,
            out: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            reject: reject.iter().map(|a| (*a).to_owned()).collect(),
            child: None,
        }
    }

    /// `smtp://127.0.0.1:PORT`, for `LENTERA_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn run(&mut self) {
        assert!(self.child.is_none(), "the SMTP server runs already");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("smtp/server.py");
        let mut command = Command::new(python());
        command
            .arg(script)
            .arg("--port")
            .arg(self.port.to_string())
            .arg("--out")
            .arg(self.out.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for address in &self.reject {
            command.arg("--reject").arg(address);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("start the SMTP server: {e}"));
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        assert!(
            line.starts_with("ready"),
            "the SMTP server did not start: {line:?}"
        );
        self.child = Some(child);
    }

    /// Stops the server (SIGTERM, then waits for it).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            if !wait_a_while(&mut child) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Every message received so far, in the order they arrived.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension().is_some_and(|x| x == "json")
                            && !p
                                .file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{e}"));
                let mut m: Received =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                m.body = m.body.replace("\r\n", "\n");
                m
            })
            .collect()
    }

    /// Waits (at most `within`) until `n` messages arrived, and returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < within,
                "{} of {n} mails arrived within {within:?}: {got:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Waits up to 5 s for the child to end.
fn wait_a_while(child: &mut Child) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
