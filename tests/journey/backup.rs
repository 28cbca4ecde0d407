//! `lentera backup FILE`: a consistent copy of the embedded SQLite database taken while the
//! server keeps taking writes, and a server started on that copy that has everything the
//! copy promised. On PostgreSQL the command refuses and points to `pg_dump`.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lentera_tests::{PASSWORD, empty_database, free_port, random_key, seed};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

/// `lentera-replica` with the environment a deployment would give it.
fn lentera(env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lentera-replica"));
    cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null());
    cmd
}

struct Server(std::process::Child, u16);

impl Server {
    async fn start(env: &[(String, String)], http: &reqwest::Client) -> Server {
        let port = free_port();
        let child = lentera(env)
            .arg("serve")
            .env("LENTERA_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("LENTERA_TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap_or_else(|e| panic!("start lentera: {e}"));
        let mut server = Server(child, port);
        for _ in 0..300 {
            if let Ok(Some(status)) = server.0.try_wait() {
                panic!("lentera stopped at start ({status}); LENTERA_TEST_LOG=1 shows why");
            }
            if let Ok(res) = http.get(server.url("/readyz")).send().await
                && res.status() == 200
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("lentera on port {port} did not become ready");
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.1)
    }

    async fn login(&self, http: &reqwest::Client, username: &str) -> String {
        let res = http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("sign in: {e}"));
        assert_eq!(res.status(), 200, "sign in as {username}");
        let body: Value = res.json().await.unwrap_or(Value::Null);
        body["token"].as_str().unwrap_or_default().to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_backup_taken_under_writes_is_whole_and_a_server_starts_on_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (database_url, backend) = empty_database(dir.path()).await;
    seed(&database_url, false).await;
    let data = dir.path().join("data");
    let env: Vec<(String, String)> = [
        ("DATABASE_URL", database_url.clone()),
        ("LENTERA_DATA_DIR", data.display().to_string()),
        ("LENTERA_PUBLIC_URL", "http://lentera.test".into()),
        ("LENTERA_JWT_SECRET", random_key()),
        ("LENTERA_SIGNING_KEY", random_key()),
        ("LENTERA_QUIZ_KEY", random_key()),
        ("LENTERA_WORKERS", "1".into()),
        ("LENTERA_DRAIN_SECONDS", "0".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let copy = dir.path().join("cadangan.db");

    if backend == "postgres" {
        let out = lentera(&env)
            .arg("backup")
            .arg(&copy)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "backup of PostgreSQL must refuse");
        assert!(said.contains("pg_dump"), "and say what to use: {said}");
        assert!(!copy.exists());
        return;
    }

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let server = Server::start(&env, &http).await;
    let admin = server.login(&http, "admin").await;

    // A writer adds units, one at a time, until told to stop; the codes acknowledged
    // before the backup began must all be in the copy.
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (http, url, admin) = (http.clone(), server.url("/api/v1/units"), admin.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let code = format!("B-{i}");
                let res = http
                    .post(&url)
                    .bearer_auth(&admin)
                    .json(&json!({"code": code, "name": format!("Unit {code}"), "parent": "BUNGO"}))
                    .send()
                    .await;
                if res.is_ok_and(|r| r.status().is_success()) {
                    acknowledged
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(code);
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before: Vec<String> = acknowledged
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let out = lentera(&env)
        .arg("backup")
        .arg(&copy)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "backup: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let _ = writer.await;
    let total = acknowledged.lock().unwrap_or_else(|e| e.into_inner()).len();
    assert!(!before.is_empty(), "writes went on before the backup");

    // A second backup to the same file refuses: a backup never overwrites one.
    let again = lentera(&env)
        .arg("backup")
        .arg(&copy)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !again.status.success(),
        "a backup overwrote an existing file"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    drop(server);

    // The copy is a sound database.
    let copy_url = format!("sqlite://{}", copy.display());
    {
        let db = lentera_store::connect(&copy_url)
            .await
            .unwrap_or_else(|e| panic!("open the copy: {e}"));
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("integrity_check answered nothing"));
        let verdict: String = row.try_get_by_index(0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(verdict, "ok");
    }

    // Restore: the same deployment pointed at the copy serves what was acknowledged.
    let restored: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| {
            let v = if k == "DATABASE_URL" {
                copy_url.clone()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect();
    let server = Server::start(&restored, &http).await;
    let admin = server.login(&http, "admin").await;
    let units: Value = http
        .get(server.url("/api/v1/units"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null);
    let codes: std::collections::HashSet<&str> = units
        .as_array()
        .or_else(|| units["units"].as_array())
        .map(|a| a.iter().filter_map(|u| u["code"].as_str()).collect())
        .unwrap_or_default();
    let missing: Vec<&String> = before
        .iter()
        .filter(|c| !codes.contains(c.as_str()))
        .collect();
    eprintln!(
        "backup under writes: {} units acknowledged before it began, {total} in all, {} in the copy",
        before.len(),
        codes.iter().filter(|c| c.starts_with("B-")).count()
    );
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, missing from it: {missing:?}"
    );
}
