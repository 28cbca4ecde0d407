//! A small world with one person of every kind and the resources they own, and a way to
//! call any route as any of them: the ground for the authorization matrix and the hostile
//! input tests, both generated from the server's route table.

use lentera_domain::sessions::hash_password_blocking;
use lentera_store::people::{self, NewUser};
use lentera_tests::{LEARNER, OTHER_LEARNER, PASSWORD, TestApp, drawn_only, spawn_app_configured};
use serde::Deserialize;
use serde_json::{Value, json};

/// The identities of the matrix, in the order of its `expect` columns.
pub const IDENTITIES: [&str; 9] = [
    "anonymous",
    "learner",
    "other_learner",
    "owner",
    "coauthor",
    "other_instructor",
    "manager",
    "other_manager",
    "admin",
];

/// Usernames of the identities (the anonymous visitor has none).
const USERNAMES: [Option<&str>; 9] = [
    None,
    Some(LEARNER),
    Some(OTHER_LEARNER),
    Some("instruktur"),
    Some("instruktur2"),
    Some("instruktur3"),
    Some("manajer"),
    Some("manajer2"),
    Some("admin"),
];

/// The CSRF token every page request of the matrix carries (double submit: the cookie and
/// the field agree).
pub const CSRF: &str = "0123456789abcdef0123456789abcdef";

pub struct World {
    pub app: TestApp,
    pub tokens: Vec<Option<String>>,
    /// The learner's open attempt at `latihan-jeda`.
    pub attempt: i64,
    /// The learner's submitted essay attempt, waiting for a grade.
    pub graded: i64,
    /// The learner's certificate of `kursus-uji`: its code and its printed number.
    pub code: String,
    pub number: String,
    /// An admin's seminar for BUNGO that ended yesterday.
    pub event: i64,
    /// The manager's assignment of `kursus-uji` to BUNGO, and a second one the matrix
    /// withdraws.
    pub assignment: i64,
    pub withdrawable: i64,
}

/// One row of `tests/data/authz.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub route: String,
    pub path: Option<String>,
    pub expect: String,
    pub body: Option<String>,
    pub form: Option<String>,
    #[serde(default)]
    pub multipart: bool,
    #[serde(default)]
    pub fresh_session: bool,
    pub restore: Option<String>,
}

#[derive(Deserialize)]
struct Matrix {
    route: Vec<Row>,
}

pub fn matrix() -> Vec<Row> {
    let text = include_str!("../data/authz.toml");
    toml::from_str::<Matrix>(text)
        .unwrap_or_else(|e| panic!("tests/data/authz.toml: {e}"))
        .route
}

impl Row {
    pub fn method(&self) -> reqwest::Method {
        let name = self.route.split(' ').next().unwrap_or_default();
        name.parse()
            .unwrap_or_else(|_| panic!("{}: bad method", self.route))
    }

    /// The path pattern, as the route table names it.
    pub fn pattern(&self) -> &str {
        self.route.split_once(' ').map_or("", |(_, p)| p)
    }
}

impl World {
    pub async fn new() -> World {
        let app = spawn_app_configured(false, |c| {
            c.login_per_account_per_minute = 10_000;
            c.login_per_address_per_minute = 100_000;
            c.verify_per_address_per_minute = 100_000;
        })
        .await;
        let db = app.db().await;
        let bungo = people::unit_by_code(&db, "BUNGO")
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no BUNGO"));
        let sawahlunto = people::create_unit(&db, "SAWAHLUNTO", "Pemerintah Kota Sawahlunto", None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let hash = hash_password_blocking(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
        for (username, role, unit) in [
            ("instruktur3", lentera_domain::Role::Instructor, bungo.id),
            ("manajer", lentera_domain::Role::Manager, bungo.id),
            ("manajer2", lentera_domain::Role::Manager, sawahlunto.id),
        ] {
            people::create_user(
                &db,
                NewUser {
                    username: username.into(),
                    nip: None,
                    name: format!("Uji {username}"),
                    email: None,
                    unit_id: Some(unit),
                    password_hash: hash.clone(),
                    roles: vec![role],
                    language: "id".into(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        }
        app.import_fixture("kursus-esai", "instruktur").await;
        let owner = app.login("instruktur").await;
        let (status, body) = app
            .post(
                "/api/v1/courses/kursus-esai/editors",
                &owner,
                Some(json!({"username": "instruktur2"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");

        let learner = app.login(LEARNER).await;
        let certificate = app.complete_fixture_course(&learner).await;
        let code = certificate["code"].as_str().unwrap_or_default().to_owned();
        let number = certificate["number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        app.post("/api/v1/courses/kursus-esai/enrollment", &learner, None)
            .await;
        let key = app.answer_key_of("kursus-esai", "tugas-esai").await;
        let (status, essay) = app
            .post(
                "/api/v1/courses/kursus-esai/quizzes/tugas-esai/attempts",
                &learner,
                None,
            )
            .await;
        assert_eq!(status, 201, "{essay}");
        let graded = essay["id"].as_i64().unwrap_or_default();
        let (status, result) = app
            .post(
                &format!("/api/v1/attempts/{graded}/submit"),
                &learner,
                Some(json!({ "responses": drawn_only(&key, &essay) })),
            )
            .await;
        assert_eq!(
            (status, &result["state"]),
            (200, &json!("pending_review")),
            "{result}"
        );
        let (status, open) = app
            .post(
                "/api/v1/courses/kursus-esai/quizzes/latihan-jeda/attempts",
                &learner,
                None,
            )
            .await;
        assert_eq!(status, 201, "{open}");
        let attempt = open["id"].as_i64().unwrap_or_default();
        // A learning path whose second course (kursus-uji, which the learner completed)
        // requires the first (kursus-esai, which nobody completed): locked for all but the
        // learner.
        let path = "slug = \"jalur-matriks\"\ntitle = \"Jalur Matriks\"\nsummary = \"Jalur uji.\"\n\n[[courses]]\ncourse = \"kursus-esai\"\n\n[[courses]]\ncourse = \"kursus-uji\"\nrequires = \"kursus-esai\"\n";
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(path.as_bytes().to_vec()).file_name("jalur.toml"),
        );
        let res = app
            .api
            .post(app.url("/api/v1/paths"))
            .bearer_auth(&owner)
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status().as_u16(), 201, "learning path");

        let admin = app.login("admin").await;
        let ended = chrono::Utc::now() - chrono::Duration::days(1);
        let (status, event) = app
            .post(
                "/api/v1/events",
                &admin,
                Some(
                    json!({"title": "Seminar Inovasi Pelayanan Publik", "kind": "seminar",
                    "start": (ended - chrono::Duration::hours(3)).to_rfc3339(),
                    "end": ended.to_rfc3339(), "timezone": "WIB",
                    "place": "Aula Bappeda Kabupaten Bungo", "capacity": 50, "jp": 3,
                    "organiser": "BUNGO", "audience": "BUNGO"}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{event}");
        let event = event["id"].as_i64().unwrap_or_default();

        let mut tokens = Vec::new();
        for username in USERNAMES {
            tokens.push(match username {
                Some(u) => Some(app.login(u).await),
                None => None,
            });
        }
        let manager = tokens[6].clone().unwrap_or_default();
        let due = (chrono::Utc::now() + chrono::Duration::days(30))
            .format("%Y-%m-%d")
            .to_string();
        let mut assignments = Vec::new();
        for note in ["Wajib bagi seluruh pegawai", "Penugasan yang akan ditarik"] {
            let (status, body) = app
                .post(
                    "/api/v1/assignments",
                    &manager,
                    Some(
                        json!({"course": "kursus-uji", "unit": "BUNGO", "due": due, "note": note}),
                    ),
                )
                .await;
            assert_eq!(status, 201, "{body}");
            assignments.push(body["id"].as_i64().unwrap_or_default());
        }
        World {
            app,
            tokens,
            attempt,
            graded,
            code,
            number,
            event,
            assignment: assignments[0],
            withdrawable: assignments[1],
        }
    }

    /// A path with the world's ids put in.
    pub fn fill(&self, path: &str) -> String {
        path.replace("{attempt}", &self.attempt.to_string())
            .replace("{graded}", &self.graded.to_string())
            .replace("{code}", &self.code)
            .replace("{number}", &self.number)
            .replace("{event}", &self.event.to_string())
            .replace("{assignment}", &self.assignment.to_string())
            .replace("{withdrawable}", &self.withdrawable.to_string())
    }

    /// A fresh session for identity `i` (for calls that end the session they use).
    pub async fn fresh_token(&self, i: usize) -> Option<String> {
        match USERNAMES[i] {
            Some(u) => Some(self.app.login(u).await),
            None => None,
        }
    }

    /// Sends `row`'s request as the holder of `token`; the path may be overridden (the hostile
    /// tests do). Returns the status and the body.
    pub async fn call(
        &self,
        row: &Row,
        token: Option<&str>,
        path: &str,
        body: Option<Body>,
    ) -> (u16, String) {
        let url = self.app.url(path);
        let mut req = self.app.api.request(row.method(), url);
        let page = !path.starts_with("/api/") && !path.starts_with("/certificates/");
        if page {
            let mut cookie = format!("lentera_csrf={CSRF}");
            if let Some(t) = token {
                cookie.push_str(&format!("; lentera_session={t}"));
            }
            req = req.header("cookie", cookie);
        } else if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let body = body.unwrap_or_else(|| Body::of(row));
        req = match body {
            Body::None => req,
            Body::Json(text) => req.header("content-type", "application/json").body(text),
            Body::Form(text) => req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(text),
            Body::Multipart => {
                let file = reqwest::multipart::Part::bytes(b"bukan zip, bukan csv".to_vec())
                    .file_name("berkas.zip");
                let form = reqwest::multipart::Form::new()
                    .text("csrf", CSRF)
                    .part("file", file);
                req.multipart(form)
            }
            Body::Raw(content_type, bytes) => req.header("content-type", content_type).body(bytes),
        };
        let res = req.send().await.unwrap_or_else(|e| {
            let path: String = path.chars().take(200).collect();
            panic!("{} {path}: {e}", row.method())
        });
        let status = res.status().as_u16();
        (status, res.text().await.unwrap_or_default())
    }
}

/// What a request carries.
pub enum Body {
    None,
    Json(String),
    /// URL-encoded; the CSRF field is already in it.
    Form(String),
    Multipart,
    Raw(&'static str, Vec<u8>),
}

impl Body {
    /// The body the matrix gives a row: its JSON, its form (with the CSRF token), a
    /// multipart upload, or for a page POST without one, just the CSRF token.
    pub fn of(row: &Row) -> Body {
        if row.multipart {
            return Body::Multipart;
        }
        if let Some(json) = &row.body {
            return Body::Json(json.clone());
        }
        let page = !row.pattern().starts_with("/api/");
        if page && row.method() == reqwest::Method::POST {
            let mut form = format!("csrf={CSRF}");
            if let Some(extra) = &row.form {
                form.push('&');
                form.push_str(extra);
            }
            return Body::Form(form);
        }
        Body::None
    }
}

/// Whether `status` meets an expectation: a number, or a class such as `2xx`.
pub fn meets(expected: &str, status: u16) -> bool {
    match expected.strip_suffix("xx") {
        Some(class) => class == (status / 100).to_string(),
        None => expected == status.to_string(),
    }
}

/// `{"error": {"code", "message"}}`, for bodies that must carry it.
pub fn is_error_shape(body: &str) -> bool {
    serde_json::from_str::<Value>(body)
        .ok()
        .is_some_and(|v| v["error"]["code"].is_string() && v["error"]["message"].is_string())
}
