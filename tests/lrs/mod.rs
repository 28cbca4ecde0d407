//! A real Learning Record Store for the tests: Ralph (`ralph-malph`, installed by `.ci/run`
//! into `/opt/lentera-ralph`, or the Python named by `LENTERA_RALPH_PYTHON`) with its
//! file-system backend, as a child process on a free port (`lrs/ralph_lrs.py` starts it;
//! it says why it makes the backend append). Stopped and started again on the
//! same port and folder, it plays an LRS that is down for a while and keeps what it stored.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The Python that has Ralph.
fn python() -> PathBuf {
    std::env::var_os("LENTERA_RALPH_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/lentera-ralph/bin/python"))
}

/// Whether Ralph can run here; under CI (`CI` set) it must.
pub fn available() -> bool {
    let ok = Command::new(python())
        .args(["-c", "import ralph.api, bcrypt, uvicorn"])
        .env("RALPH_RUNSERVER_BACKEND", "fs")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "CI must have Ralph in /opt/lentera-ralph (see .ci/run)"
        );
        eprintln!("xAPI test not run: Ralph is not installed in /opt/lentera-ralph (see .ci/run)");
    }
    ok
}

pub struct Lrs {
    pub port: u16,
    pub username: String,
    pub password: String,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Lrs {
    /// An LRS for `port` that is not running yet, with one account (`username`, a random
    /// password) allowed everything.
    pub fn stopped(port: u16) -> Lrs {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let username = "lentera".to_owned();
        let password = crate::random_key();
        // Ralph's credentials file: the password's bcrypt hash, made by Ralph's own bcrypt.
        let script = "import bcrypt, json, sys\n\
            user, password, path = sys.argv[1:4]\n\
            hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()\n\
            json.dump([{'agent': {'mbox': 'mailto:lrs@bungokab.go.id', 'objectType': 'Agent'},\n\
                        'scopes': ['all'], 'hash': hashed, 'username': user}], open(path, 'w'))\n";
        let status = Command::new(python())
            .arg("-c")
            .arg(script)
            .arg(&username)
            .arg(&password)
            .arg(dir.path().join("auth.json"))
            .status()
            .unwrap_or_else(|e| panic!("write Ralph's credentials: {e}"));
        assert!(status.success(), "write Ralph's credentials");
        Lrs {
            port,
            username,
            password,
            dir,
            child: None,
        }
    }

    /// `http://127.0.0.1:PORT/xAPI/`, for `LENTERA_XAPI_ENDPOINT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/xAPI/", self.port)
    }

    /// Starts the LRS and waits until it answers.
    pub async fn run(&mut self) {
        assert!(self.child.is_none(), "the LRS runs already");
        let launcher = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lrs/ralph_lrs.py");
        let child = Command::new(python())
            .arg(launcher)
            .arg(self.port.to_string())
            .env("RALPH_RUNSERVER_BACKEND", "fs")
            .env(
                "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH",
                self.dir.path().join("data"),
            )
            .env("RALPH_AUTH_FILE", self.dir.path().join("auth.json"))
            .env("RALPH_APP_DIR", self.dir.path().join("app"))
            .current_dir(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start Ralph: {e}"));
        self.child = Some(child);
        let client = reqwest::Client::new();
        let start = Instant::now();
        loop {
            let up = client
                .get(format!("http://127.0.0.1:{}/__heartbeat__", self.port))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if up {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "Ralph did not start within a minute"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the LRS (SIGTERM, then waits for it).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every statement the LRS stored, as its `GET /xAPI/statements` returns them.
    pub async fn statements(&self) -> Vec<Value> {
        let response = reqwest::Client::new()
            .get(format!("{}statements?limit=1000", self.endpoint()))
            .basic_auth(&self.username, Some(&self.password))
            .header("X-Experience-API-Version", "1.0.3")
            .send()
            .await
            .unwrap_or_else(|e| panic!("read the LRS: {e}"));
        assert!(response.status().is_success(), "{}", response.status());
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("the LRS's answer: {e}"));
        body["statements"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Lrs {
    fn drop(&mut self) {
        self.stop();
    }
}
