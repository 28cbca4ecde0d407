//! Test harness: starts the real Lentera server on a random port with a fresh database
//! (a SQLite file, or a new PostgreSQL database when `LENTERA_TEST_DATABASE_URL` is set)
//! and seeds accounts and the fixture course.

pub mod lrs;
pub mod smtp;

use std::path::PathBuf;

use lentera_api::{Application, Config};
use lentera_domain::importer;
use lentera_domain::sessions::hash_password_blocking;
use lentera_domain::{Nip, Role};
use lentera_store::people::{self, NewUser};
use serde_json::{Value, json};

pub const PASSWORD: &str = "kata-sandi-uji-123";

pub struct TestApp {
    pub address: String,
    pub api: reqwest::Client,
    /// Keeps the data directory (and the SQLite file) alive for the test.
    pub dir: tempfile::TempDir,
    pub database: &'static str,
    pub database_url: String,
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// (username, name, role, NIP)
pub const USERS: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "198503152010011003",
        "Rahmat Hidayat",
        "learner",
        Some("198503152010011003"),
    ),
    (
        "199001012015032001",
        "Siti Aminah",
        "learner",
        Some("199001012015032001"),
    ),
    ("instruktur", "Dr. Sri Wahyuni", "instructor", None),
    ("instruktur2", "Ir. Bambang Sutrisno", "instructor", None),
    ("admin", "Admin Lentera", "admin", None),
];

pub const LEARNER: &str = "198503152010011003";
pub const OTHER_LEARNER: &str = "199001012015032001";

/// Starts a server with the fixture course (and, with `shipped`, the courses in `content/`).
pub async fn spawn_app_with(shipped: bool) -> TestApp {
    spawn_app_configured(shipped, |_| {}).await
}

/// A new, empty database: a SQLite file in `dir`, or a new PostgreSQL database when
/// `LENTERA_TEST_DATABASE_URL` is set. Returns its URL and which of the two it is.
pub async fn empty_database(dir: &std::path::Path) -> (String, &'static str) {
    match std::env::var("LENTERA_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            let bytes: [u8; 8] =
                lentera_domain::keys::random_bytes().unwrap_or_else(|e| panic!("{e}"));
            let name = format!("lentera_test_{}", hex_lower(&bytes));
            let url = lentera_store::fresh_postgres_database(&admin, &name)
                .await
                .unwrap_or_else(|e| panic!("create test database: {e}"));
            (url, "postgres")
        }
        _ => (
            format!("sqlite://{}", dir.join("lentera.db").display()),
            "sqlite",
        ),
    }
}

/// [`spawn_app_with`], with the test configuration changed by `tweak` first.
pub async fn spawn_app_configured(shipped: bool, tweak: impl FnOnce(&mut Config)) -> TestApp {
    // LENTERA_TEST_LOG=1 shows the server's log (errors included) in failing tests.
    if std::env::var_os("LENTERA_TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (database_url, database) = empty_database(dir.path()).await;
    let mut config = Config {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        public_url: "http://lentera.test".into(),
        issuer: "Pemerintah Kabupaten Bungo".into(),
        jwt_secret: None,
        signing_key: None,
        quiz_key: None,
        metrics_token: None,
        session_hours: 12,
        login_per_account_per_minute: 10,
        login_per_address_per_minute: 200,
        verify_per_address_per_minute: 60,
        workers: 2,
        trusted_proxies: Vec::new(),
        reports_database_url: None,
        drain_seconds: 0,
        mail: Default::default(),
        jp_reminder_month: 10,
        xapi: Default::default(),
    };
    tweak(&mut config);
    seed(&database_url, shipped).await;
    let app = Application::build(config)
        .await
        .unwrap_or_else(|e| panic!("build: {e}"));
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let api = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    TestApp {
        address,
        api,
        dir,
        database,
        database_url,
    }
}

/// Migrates the database `database_url` names and seeds the test accounts (one unit, the
/// users of [`USERS`]) and the fixture course, with `shipped` the courses in `content/`.
pub async fn seed(database_url: &str, shipped: bool) {
    let db = lentera_store::connect(database_url)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    lentera_store::migrate(&db)
        .await
        .unwrap_or_else(|e| panic!("migrate: {e}"));
    let unit = people::create_unit(&db, "BUNGO", "Pemerintah Kabupaten Bungo", None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let hash = hash_password_blocking(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    for (username, name, role, nip) in USERS {
        people::create_user(
            &db,
            NewUser {
                username: (*username).into(),
                nip: nip.map(|n| Nip::parse(n).unwrap_or_else(|e| panic!("{n}: {e}"))),
                name: (*name).into(),
                email: None,
                unit_id: Some(unit.id),
                password_hash: hash.clone(),
                roles: vec![Role::parse(role).unwrap_or_else(|| panic!("role {role}"))],
                language: "id".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("seed user: {e}"));
    }
    let (_, problems) =
        importer::import_dir(&db, &repo_root().join("tests/fixtures/kursus-uji"), None)
            .await
            .unwrap_or_else(|e| panic!("import fixture: {e}"));
    assert!(
        problems.is_empty(),
        "fixture course has problems: {problems:?}"
    );
    if shipped {
        let (published, problems) = importer::import_dir(&db, &repo_root().join("content"), None)
            .await
            .unwrap_or_else(|e| panic!("import content: {e}"));
        assert!(
            problems.is_empty(),
            "shipped courses have problems: {problems:?}"
        );
        assert!(
            published.len() >= 2,
            "expected the shipped courses, got {published:?}"
        );
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(false).await
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A loopback port nobody listens on right now, for a server process a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("free port: {e}"))
}

/// 32 random bytes as 64 hex digits: a key for `LENTERA_JWT_SECRET`, `LENTERA_SIGNING_KEY`
/// or `LENTERA_QUIZ_KEY` of a server process a test starts.
pub fn random_key() -> String {
    let bytes: [u8; 32] = lentera_domain::keys::random_bytes().unwrap_or_else(|e| panic!("{e}"));
    hex_lower(&bytes)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Signs in through the API and returns the token.
    pub async fn login(&self, username: &str) -> String {
        self.login_with(username, PASSWORD).await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> String {
        let res = self
            .api
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("login request: {e}"));
        assert_eq!(res.status(), 200, "login as {username}");
        let body: Value = res
            .json()
            .await
            .unwrap_or_else(|e| panic!("login body: {e}"));
        body["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token in {body}"))
            .to_owned()
    }

    /// Sends an authenticated request and returns (status, JSON body or Null).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method_name = method.as_str().to_ascii_lowercase();
        let method_name = method_name.as_str();
        let mut req = self.api.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = res.status().as_u16();
        let json = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json"));
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        if json {
            check_against_description(method_name, path, status, &body);
        }
        (status, body)
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(token), body)
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::PUT, path, Some(token), Some(body))
            .await
    }

    /// A GET returning (status, content type, raw bytes): files, not JSON.
    pub async fn get_bytes(&self, path: &str, token: Option<&str>) -> (u16, String, Vec<u8>) {
        let mut req = self.api.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = res.status().as_u16();
        let kind = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = res.bytes().await.unwrap_or_default().to_vec();
        (status, kind, bytes)
    }

    /// A second connection to the test's database, for setting up what no endpoint can
    /// (a deadline in the past) and for checking what was stored.
    pub async fn db(&self) -> lentera_store::Db {
        lentera_store::connect(&self.database_url)
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"))
    }

    /// Publishes a course from `tests/fixtures-extra/NAME`, owned by `owner`.
    pub async fn import_fixture(&self, name: &str, owner: &str) {
        let db = self.db().await;
        let owner_id = people::credentials(&db, owner)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|c| c.user.id);
        let (_, problems) = importer::import_dir(
            &db,
            &repo_root().join("tests/fixtures-extra").join(name),
            owner_id,
        )
        .await
        .unwrap_or_else(|e| panic!("import {name}: {e}"));
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }

    /// The full-mark responses of a quiz of the fixture course, from the instructor's key.
    pub async fn answer_key(&self, quiz: &str) -> Value {
        self.answer_key_of("kursus-uji", quiz).await
    }

    /// The key as an admin reads it (the fixture course has no owner; its authors and admins
    /// read keys).
    pub async fn answer_key_of(&self, course: &str, quiz: &str) -> Value {
        let instructor = self.login("admin").await;
        let (status, key) = self
            .get(
                &format!("/api/v1/courses/{course}/quizzes/{quiz}/key"),
                &instructor,
            )
            .await;
        assert_eq!(status, 200, "{key}");
        key["responses"].clone()
    }

    /// Enrols `token`'s user in the fixture course, completes its lesson and passes its
    /// quiz; returns the certificate JSON.
    pub async fn complete_fixture_course(&self, token: &str) -> Value {
        let key = self.answer_key("kuis-akhir").await;
        let (status, _) = self
            .post("/api/v1/courses/kursus-uji/enrollment", token, None)
            .await;
        assert!(status == 200 || status == 201);
        let (status, _) = self
            .post(
                "/api/v1/courses/kursus-uji/lessons/pengantar/complete",
                token,
                None,
            )
            .await;
        assert!(status == 200 || status == 201);
        let (status, attempt) = self
            .post(
                "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
                token,
                None,
            )
            .await;
        assert!(status == 200 || status == 201, "{attempt}");
        let id = attempt["id"].as_i64().unwrap_or_default();
        let (status, result) = self
            .post(
                &format!("/api/v1/attempts/{id}/submit"),
                token,
                Some(json!({"responses": key})),
            )
            .await;
        assert_eq!(status, 200, "{result}");
        assert!(result["certificate"].is_object(), "{result}");
        result["certificate"].clone()
    }
}

/// The key's responses to the questions this attempt drew (a quiz with a question pool
/// draws some of its bank; answers to the others are refused).
pub fn drawn_only(key: &Value, attempt: &Value) -> Vec<Value> {
    let drawn: Vec<&str> = attempt["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|q| q["id"].as_str())
        .collect();
    key.as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["question"].as_str().is_some_and(|id| drawn.contains(&id)))
        .cloned()
        .collect()
}

/// The text of a PDF via poppler's `pdftotext`; required under CI, skipped (None) when
/// the tool is missing on a developer's machine.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("{e}"));
    match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must have pdftotext (poppler-utils)"
            );
            eprintln!("pdftotext not installed: PDF text not checked");
            None
        }
    }
}

/// The OpenAPI description of the server, as JSON.
fn description() -> &'static Value {
    static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::to_value(lentera_api::openapi::description())
            .unwrap_or_else(|e| panic!("description: {e}"))
    })
}

/// The description's path template matching `path` (`/api/v1/attempts/7` ->
/// `/api/v1/attempts/{id}`), if any.
pub fn path_template(path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    let paths = description()["paths"].as_object()?;
    // Literal paths first: `/api/v1/certificates/keys` is not `/api/v1/certificates/{code}`.
    let mut templates: Vec<&String> = paths.keys().collect();
    templates.sort_by_key(|t| t.matches('{').count());
    templates.into_iter().find_map(|t| {
        let pattern = regex_lite::escape(t);
        let pattern = regex_lite::Regex::new(r"\\\{[a-z_]+\\\}")
            .ok()?
            .replace_all(&pattern, "[^/]+");
        let re = regex_lite::Regex::new(&format!("^{pattern}$")).ok()?;
        re.is_match(path).then(|| t.clone())
    })
}

/// Checks a JSON body the server sent against the description: the schema of that path,
/// method and status; an error status not described must still be the error shape. Every
/// API answer the tests receive goes through here.
pub fn check_against_description(method: &str, path: &str, status: u16, body: &Value) {
    let doc = description();
    let Some(template) = path_template(path) else {
        assert!(
            status == 404 || !path.starts_with("/api/"),
            "{method} {path} is answered ({status}) but not in the OpenAPI description"
        );
        return;
    };
    let operation = &doc["paths"][&template][method];
    if operation.is_null() {
        assert!(
            status >= 400,
            "{method} {template} answered {status} but is not in the OpenAPI description"
        );
        return;
    }
    let response = &operation["responses"][status.to_string()];
    let schema = response["content"]["application/json"]["schema"].clone();
    let schema = if schema.is_null() {
        assert!(
            status >= 400,
            "{method} {template}: status {status} is not described"
        );
        serde_json::json!({"$ref": "#/components/schemas/ErrorBody"})
    } else {
        schema
    };
    let mut full = serde_json::json!({"components": doc["components"].clone()});
    if let (Some(target), Some(schema)) = (full.as_object_mut(), schema.as_object()) {
        for (k, v) in schema {
            target.insert(k.clone(), v.clone());
        }
    }
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&full)
        .unwrap_or_else(|e| panic!("{method} {template}: the schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: the body breaks its schema: {errors:?}\n{body}"
    );
}

/// Asserts the JSON error shape and returns the error code.
pub fn error_code(body: &Value) -> String {
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {body}"));
    assert!(
        body["error"]["message"].is_string(),
        "error without message: {body}"
    );
    code.to_owned()
}
