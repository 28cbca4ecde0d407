//! Three `lentera serve` processes on one PostgreSQL behind HAProxy (a real load balancer,
//! from Debian) on loopback: what one replica changes, the others know at once; limits are
//! shared; a replica killed mid-write loses nothing acknowledged; a rolling restart under
//! load fails no read.
//!
//! PostgreSQL only (replicas share it): without `LENTERA_TEST_DATABASE_URL` the tests say
//! so and stop; CI runs them on the PostgreSQL it starts, with HAProxy installed. Without
//! `haproxy` on the PATH they stop too, except under CI (`CI=true`), where it is a failure.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lentera_tests::{
    LEARNER, OTHER_LEARNER, PASSWORD, empty_database, free_port, random_key, seed,
};
use serde_json::{Value, json};

/// How soon another replica must refuse a signed-out token or see a publication: far
/// inside the 5 s lifetime of its caches, so only the notification can explain it. The
/// figure each run measures is printed.
const NOTICED_WITHIN: Duration = Duration::from_millis(200);

fn find(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain(["/usr/sbin".into(), "/sbin".into()])
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// One `lentera serve` process.
struct Replica {
    port: u16,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Replica {
    fn start(&mut self) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lentera-replica"));
        cmd.arg("serve")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("LENTERA_TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        self.child = Some(cmd.spawn().unwrap_or_else(|e| panic!("start replica: {e}")));
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `kill -9`: no draining, no goodbye.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, and the process's exit (it drains first).
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Replicas on one database behind HAProxy.
struct Cluster {
    replicas: Vec<Replica>,
    lb_port: u16,
    lb: Child,
    http: reqwest::Client,
    database_url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.lb.kill();
        let _ = self.lb.wait();
    }
}

impl Cluster {
    /// `n` replicas on a new, empty database (they migrate it at once, under the migration
    /// lock), then the test accounts and course, then HAProxy in front. `None` (after
    /// saying why) without PostgreSQL or HAProxy outside CI.
    async fn start(n: usize) -> Option<Cluster> {
        if std::env::var("LENTERA_TEST_DATABASE_URL").map_or(true, |v| v.is_empty()) {
            eprintln!("replica tests not run: they need PostgreSQL (LENTERA_TEST_DATABASE_URL)");
            return None;
        }
        let Some(haproxy) = find("haproxy") else {
            assert!(
                std::env::var("CI").is_err(),
                "CI must run the replica tests: install haproxy"
            );
            eprintln!("replica tests not run: haproxy is not installed");
            return None;
        };
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (database_url, _) = empty_database(dir.path()).await;
        let (jwt, signing, quiz) = (random_key(), random_key(), random_key());
        let lb_port = free_port();
        let mut replicas: Vec<Replica> = (0..n)
            .map(|i| {
                let port = free_port();
                let data = dir.path().join(format!("replica-{i}"));
                let env = [
                    ("DATABASE_URL", database_url.clone()),
                    ("LENTERA_BIND", format!("127.0.0.1:{port}")),
                    ("LENTERA_DATA_DIR", data.display().to_string()),
                    ("LENTERA_PUBLIC_URL", format!("http://127.0.0.1:{lb_port}")),
                    ("LENTERA_JWT_SECRET", jwt.clone()),
                    ("LENTERA_SIGNING_KEY", signing.clone()),
                    ("LENTERA_QUIZ_KEY", quiz.clone()),
                    ("LENTERA_WORKERS", "1".into()),
                    ("LENTERA_DRAIN_SECONDS", "1".into()),
                    ("LENTERA_LOGIN_PER_ACCOUNT", "10".into()),
                    ("LENTERA_LOGIN_PER_ADDRESS", "10000".into()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
                Replica {
                    port,
                    env,
                    child: None,
                }
            })
            .collect();
        // All at once on the empty database: the migration lock lets one migrate.
        for r in &mut replicas {
            r.start();
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        for r in &replicas {
            wait_ready(&http, r).await;
        }
        seed(&database_url, false).await;
        let config = dir.path().join("haproxy.cfg");
        let servers: String = replicas
            .iter()
            .enumerate()
            .map(|(i, r)| format!("  server r{i} 127.0.0.1:{} check\n", r.port))
            .collect();
        std::fs::write(
            &config,
            format!(
                "global\n  maxconn 2000\n\
                 defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n  \
                 timeout server 30s\n  retries 3\n  option redispatch\n  \
                 retry-on conn-failure empty-response\n\
                 frontend lentera\n  bind 127.0.0.1:{lb_port}\n  default_backend replicas\n\
                 backend replicas\n  balance roundrobin\n  option httpchk GET /readyz\n  \
                 http-check expect status 200\n  \
                 default-server inter 200ms fastinter 100ms downinter 200ms fall 1 rise 2\n{servers}"
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let lb = Command::new(haproxy)
            .arg("-f")
            .arg(&config)
            .arg("-db")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start haproxy: {e}"));
        let cluster = Cluster {
            replicas,
            lb_port,
            lb,
            http,
            database_url,
            _dir: dir,
        };
        cluster.wait_balanced().await;
        Some(cluster)
    }

    fn lb(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.lb_port)
    }

    /// Until the load balancer answers and has every replica up.
    async fn wait_balanced(&self) {
        for _ in 0..200 {
            let mut seen = 0;
            for _ in 0..self.replicas.len() * 2 {
                if let Ok(res) = self.http.get(self.lb("/readyz")).send().await
                    && res.status() == 200
                {
                    seen += 1;
                }
            }
            if seen == self.replicas.len() * 2 {
                // Two health checks of the slowest server ("rise 2").
                tokio::time::sleep(Duration::from_millis(600)).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the load balancer did not come up");
    }

    async fn call(
        &self,
        method: &str,
        url: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = match method {
            "POST" => self.http.post(url),
            "PUT" => self.http.put(url),
            _ => self.http.get(url),
        };
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        match req.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                (status, res.json().await.unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }

    async fn login(&self, at: usize, username: &str) -> String {
        let url = self.replicas[at].url("/api/v1/auth/login");
        let (status, body) = self
            .call(
                "POST",
                &url,
                None,
                Some(json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, 200, "sign in as {username}: {body}");
        body["token"].as_str().unwrap_or_default().to_owned()
    }
}

async fn wait_ready(http: &reqwest::Client, r: &Replica) {
    for _ in 0..300 {
        if let Ok(res) = http.get(r.url("/readyz")).send().await
            && res.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("replica on port {} did not become ready", r.port);
}

/// Polls `check` on every replica but `at` until it holds on all, and returns how long that
/// took; fails past [`NOTICED_WITHIN`].
async fn everywhere_else<F, Fut>(cluster: &Cluster, at: usize, what: &str, check: F) -> Duration
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let others: Vec<usize> = (0..cluster.replicas.len()).filter(|&i| i != at).collect();
    let mut pending = others.clone();
    while !pending.is_empty() {
        let mut still = Vec::new();
        for &i in &pending {
            if !check(cluster.replicas[i].url("")).await {
                still.push(i);
            }
        }
        pending = still;
        assert!(
            start.elapsed() <= NOTICED_WITHIN,
            "{what}: replicas {pending:?} did not notice within {NOTICED_WITHIN:?}"
        );
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    let took = start.elapsed();
    eprintln!("{what}: the other replicas noticed in {took:?}");
    took
}

/// Sign-out, deactivation, a role removed and a course hidden through one replica are
/// known to the others at once; sign-in limits are counted across replicas.
#[tokio::test]
async fn what_one_replica_changes_the_others_know_at_once() {
    let Some(cluster) = Cluster::start(3).await else {
        return;
    };
    let http = &cluster.http;

    // Sign-out through A: the token is refused on B and C (which had it cached).
    let token = cluster.login(0, LEARNER).await;
    for r in &cluster.replicas {
        let (status, _) = cluster
            .call("GET", &r.url("/api/v1/me"), Some(&token), None)
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = cluster
        .call(
            "POST",
            &cluster.replicas[0].url("/api/v1/auth/logout"),
            Some(&token),
            None,
        )
        .await;
    assert!(status == 200 || status == 204, "sign-out: {status}");
    everywhere_else(&cluster, 0, "sign-out", |base| {
        let token = token.clone();
        async move {
            let res = http
                .get(format!("{base}/api/v1/me"))
                .bearer_auth(&token)
                .send()
                .await;
            res.is_ok_and(|r| r.status() == 401)
        }
    })
    .await;

    // Deactivation through A (by an admin): the learner's token is refused on B and C.
    let admin = cluster.login(0, "admin").await;
    let other = cluster.login(1, OTHER_LEARNER).await;
    for r in &cluster.replicas {
        let (status, _) = cluster
            .call("GET", &r.url("/api/v1/me"), Some(&other), None)
            .await;
        assert_eq!(status, 200);
    }
    let body =
        json!({"name": "Siti Aminah", "unit": "BUNGO", "roles": ["learner"], "active": false});
    let url = cluster.replicas[0].url(&format!("/api/v1/users/{OTHER_LEARNER}"));
    let (status, answer) = cluster.call("PUT", &url, Some(&admin), Some(body)).await;
    assert!(status < 300, "deactivate: {status} {answer}");
    everywhere_else(&cluster, 0, "deactivation", |base| {
        let other = other.clone();
        async move {
            let res = http
                .get(format!("{base}/api/v1/me"))
                .bearer_auth(&other)
                .send()
                .await;
            res.is_ok_and(|r| r.status() == 401)
        }
    })
    .await;

    // A role removed through A: the instructor's next instructor request on B and C is refused.
    let teacher = cluster.login(2, "instruktur2").await;
    for r in &cluster.replicas {
        let url = r.url("/api/v1/instructor/courses");
        assert_eq!(cluster.call("GET", &url, Some(&teacher), None).await.0, 200);
    }
    let body = json!({"name": "Ir. Bambang Sutrisno", "unit": "BUNGO", "roles": ["learner"], "active": true});
    let url = cluster.replicas[0].url("/api/v1/users/instruktur2");
    let (status, answer) = cluster.call("PUT", &url, Some(&admin), Some(body)).await;
    assert!(status < 300, "remove role: {status} {answer}");
    everywhere_else(&cluster, 0, "role removal", |base| {
        let teacher = teacher.clone();
        async move {
            let res = http
                .get(format!("{base}/api/v1/instructor/courses"))
                .bearer_auth(&teacher)
                .send()
                .await;
            res.is_ok_and(|r| r.status() == 403)
        }
    })
    .await;

    // A course hidden through A: B and C stop serving it; shown again, they serve it.
    let learner = cluster.login(1, LEARNER).await;
    for r in &cluster.replicas {
        let url = r.url("/api/v1/courses/kursus-uji");
        assert_eq!(cluster.call("GET", &url, Some(&learner), None).await.0, 200);
    }
    for (action, expect) in [("unpublish", 404), ("publish", 200)] {
        let url = cluster.replicas[0].url(&format!("/api/v1/courses/kursus-uji/{action}"));
        let (status, answer) = cluster.call("POST", &url, Some(&admin), None).await;
        assert!(status < 300, "{action}: {status} {answer}");
        everywhere_else(&cluster, 0, action, |base| {
            let learner = learner.clone();
            async move {
                let res = http
                    .get(format!("{base}/api/v1/courses/kursus-uji"))
                    .bearer_auth(&learner)
                    .send()
                    .await;
                res.is_ok_and(|r| r.status().as_u16() == expect)
            }
        })
        .await;
    }

    // Ten wrong passwords through A, one more through B: refused, the limit is shared.
    let wrong = json!({"username": "instruktur", "password": "salah-sekali-bukan-ini"});
    for _ in 0..10 {
        let url = cluster.replicas[0].url("/api/v1/auth/login");
        let (status, _) = cluster.call("POST", &url, None, Some(wrong.clone())).await;
        assert_eq!(status, 401);
    }
    let url = cluster.replicas[1].url("/api/v1/auth/login");
    let (status, body) = cluster.call("POST", &url, None, Some(wrong.clone())).await;
    assert_eq!(status, 429, "the eleventh try, on another replica: {body}");
    let url = cluster.replicas[2].url("/api/v1/auth/login");
    let right = json!({"username": "instruktur", "password": PASSWORD});
    assert_eq!(cluster.call("POST", &url, None, Some(right)).await.0, 429);
}

/// Writes through the load balancer while a replica is killed with `kill -9`: every write
/// the client was told succeeded is in the database, and the load goes on on the others.
/// Then every replica is restarted in turn (SIGTERM, drain, start) under a read load:
/// not one read fails.
#[tokio::test]
async fn a_killed_replica_loses_nothing_and_a_rolling_restart_fails_no_read() {
    let Some(mut cluster) = Cluster::start(3).await else {
        return;
    };
    let admin = cluster.login(0, "admin").await;

    // Writers: new units, each code once, through the load balancer.
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let failed = Arc::new(AtomicUsize::new(0));
    let after_kill = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, url, admin) = (
            cluster.http.clone(),
            cluster.lb("/api/v1/units"),
            admin.clone(),
        );
        let (acknowledged, failed, after_kill, killed, stop) = (
            acknowledged.clone(),
            failed.clone(),
            after_kill.clone(),
            killed.clone(),
            stop.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let code = format!("W{w}-{i}");
                let res = http
                    .post(&url)
                    .bearer_auth(&admin)
                    .json(&json!({"code": code, "name": format!("Unit uji {code}"), "parent": "BUNGO"}))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().is_success() => {
                        acknowledged.lock().unwrap_or_else(|e| e.into_inner()).push(code);
                        if killed.load(Ordering::SeqCst) {
                            after_kill.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cluster.replicas[1].kill();
    killed.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        let _ = w.await;
    }
    let acknowledged = acknowledged
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let db = lentera_store::connect(&cluster.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let units = lentera_store::org::all_units(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let stored: std::collections::HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|c| !stored.contains(c.as_str()))
        .collect();
    eprintln!(
        "kill -9 under write load: {} writes acknowledged ({} after the kill), {} failed, {} lost",
        acknowledged.len(),
        after_kill.load(Ordering::SeqCst),
        failed.load(Ordering::SeqCst),
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    assert!(
        after_kill.load(Ordering::SeqCst) > 0,
        "the load balancer sent the writes to the other replicas"
    );

    // The killed replica comes back; then a rolling restart under read load.
    cluster.replicas[1].start();
    wait_ready(&cluster.http, &cluster.replicas[1]).await;
    cluster.wait_balanced().await;
    let learner = cluster.login(0, LEARNER).await;
    let reads = Arc::new(AtomicUsize::new(0));
    let bad = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..4 {
        let (http, url, token) = (
            cluster.http.clone(),
            cluster.lb("/api/v1/courses"),
            learner.clone(),
        );
        let (reads, bad, stop) = (reads.clone(), bad.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                match http.get(&url).bearer_auth(&token).send().await {
                    Ok(r) if r.status().is_success() => {
                        reads.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(r) => bad
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(r.status().to_string()),
                    Err(e) => bad
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(e.to_string()),
                }
            }
        }));
    }
    for i in 0..cluster.replicas.len() {
        cluster.replicas[i].stop();
        cluster.replicas[i].start();
        wait_ready(&cluster.http, &cluster.replicas[i]).await;
        // The load balancer takes it back after two good health checks.
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for r in readers {
        let _ = r.await;
    }
    let bad = bad.lock().unwrap_or_else(|e| e.into_inner()).clone();
    eprintln!(
        "rolling restart under read load: {} reads, {} failed",
        reads.load(Ordering::SeqCst),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "reads that failed during the rolling restart: {bad:?}"
    );
    assert!(reads.load(Ordering::SeqCst) > 100, "the readers read");
}

/// When a replica's listening connection drops, it forgets what it cached (changes announced
/// meanwhile were missed) and listens again: a session ended behind its back (no
/// announcement) is refused at once, and the next announced change arrives as before.
#[tokio::test]
async fn a_replica_that_loses_its_listener_forgets_and_listens_again() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let Some(cluster) = Cluster::start(2).await else {
        return;
    };
    let http = &cluster.http;
    let db = lentera_store::connect(&cluster.database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let listeners = || async {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()",
            ))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no row"));
        row.try_get_by_index::<i64>(0).unwrap_or(0)
    };
    assert_eq!(listeners().await, 2, "each replica listens");

    // B caches the learner's session; the session then ends in the database, unannounced.
    let token = cluster.login(0, LEARNER).await;
    let me = cluster.replicas[1].url("/api/v1/me");
    assert_eq!(cluster.call("GET", &me, Some(&token), None).await.0, 200);
    db.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = '{LEARNER}')"),
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        cluster.call("GET", &me, Some(&token), None).await.0,
        200,
        "B still serves from its cache (nothing was announced)"
    );

    // Both listening connections are cut.
    let cut = Instant::now();
    db.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()",
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut refused = None;
    while cut.elapsed() < Duration::from_secs(3) {
        if cluster.call("GET", &me, Some(&token), None).await.0 == 401 {
            refused = Some(cut.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let refused =
        refused.unwrap_or_else(|| panic!("B kept the ended session after losing its listener"));
    eprintln!("listener cut: B forgot its caches in {refused:?}");
    assert!(
        refused < Duration::from_millis(1500),
        "forgotten because the listener dropped, not because the 5 s cache expired: {refused:?}"
    );

    // They listen again, and an announced change arrives as before.
    let mut back = false;
    for _ in 0..100 {
        if listeners().await == 2 {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(back, "the replicas listen again");
    let other = cluster.login(0, OTHER_LEARNER).await;
    let me_b = cluster.replicas[1].url("/api/v1/me");
    assert_eq!(cluster.call("GET", &me_b, Some(&other), None).await.0, 200);
    let out = cluster.replicas[0].url("/api/v1/auth/logout");
    let (status, _) = cluster.call("POST", &out, Some(&other), None).await;
    assert!(status == 200 || status == 204, "sign-out: {status}");
    everywhere_else(&cluster, 0, "sign-out after re-listening", |base| {
        let other = other.clone();
        async move {
            http.get(format!("{base}/api/v1/me"))
                .bearer_auth(&other)
                .send()
                .await
                .is_ok_and(|r| r.status() == 401)
        }
    })
    .await;
}
