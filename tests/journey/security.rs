//! Regressions of the outside security review (issue 11): one test per finding, each
//! failing on the code before its fix.

use lentera_tests::{LEARNER, error_code, spawn_app};
use serde_json::{Value, json};

/// Signs `username` in and returns the token; the fixture `kursus-esai` is owned by
/// `instruktur`.
async fn with_owned_course() -> (lentera_tests::TestApp, String, String) {
    let app = spawn_app().await;
    app.import_fixture("kursus-esai", "instruktur").await;
    let owner = app.login("instruktur").await;
    let other = app.login("instruktur2").await;
    (app, owner, other)
}

#[tokio::test]
async fn only_a_courses_authors_and_admins_read_its_answer_key_and_statistics() {
    let (app, owner, other) = with_owned_course().await;
    let key = "/api/v1/courses/kursus-esai/quizzes/tugas-esai/key";
    let stats = "/api/v1/courses/kursus-esai/quizzes/tugas-esai/statistics";
    for path in [key, stats] {
        let (status, body) = app.get(path, &other).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (403, "not_course_editor"),
            "{path}"
        );
        assert!(body.get("responses").is_none(), "{body}");
        let (status, _) = app.get(path, &owner).await;
        assert_eq!(status, 200, "{path}");
    }
    // A co-author reads it once the owner adds them.
    let (status, _) = app
        .post(
            "/api/v1/courses/kursus-esai/editors",
            &owner,
            Some(json!({"username": "instruktur2"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app.get(key, &other).await;
    assert_eq!(status, 200);
    // The key of an unpublished draft is its authors' too.
    app.post("/api/v1/courses/kursus-esai/unpublish", &owner, None)
        .await;
    let (status, _) = app.get(key, &owner).await;
    assert_eq!(status, 200);
}

/// A raw request with a body that is not what the endpoint takes.
async fn raw(
    app: &lentera_tests::TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: &'static str,
) -> (u16, Value) {
    let res = app
        .api
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_malformed_body_on_submit_is_refused_and_the_attempt_stays_open() {
    let app = spawn_app().await;
    let token = app.login(LEARNER).await;
    app.post("/api/v1/courses/kursus-uji/enrollment", &token, None)
        .await;
    let (status, attempt) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 201, "{attempt}");
    let id = attempt["id"].as_i64().unwrap_or_default();
    let submit = format!("/api/v1/attempts/{id}/submit");
    for broken in ["not json", "{\"responses\": [", "{\"responses\": 5}"] {
        let (status, body) = raw(&app, reqwest::Method::POST, &submit, &token, broken).await;
        assert_eq!(status, 400, "{broken}: {body}");
        error_code(&body);
    }
    let (_, shown) = app.get(&format!("/api/v1/attempts/{id}"), &token).await;
    assert_eq!(shown["state"], "open", "{shown}");
    // An empty body still submits what was saved.
    let (status, result) = app.post(&submit, &token, None).await;
    assert_eq!(status, 200, "{result}");
    // Endpoints that take no body refuse one, and change nothing.
    let (status, body) = raw(
        &app,
        reqwest::Method::POST,
        "/api/v1/courses/kursus-uji/lessons/pengantar/complete",
        &token,
        "{\"lesson\": \"x\"",
    )
    .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "unexpected_body")
    );
    let (_, outline) = app.get("/api/v1/courses/kursus-uji", &token).await;
    assert_eq!(outline["progress"]["completed_lessons"], 0, "{outline}");
}

/// A gauge's value from the Prometheus text of `/metrics`.
async fn gauge(app: &lentera_tests::TestApp, name: &str, cache: &str) -> i64 {
    let text = app
        .api
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    let prefix = format!("lentera_{name}{{cache=\"{cache}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {prefix} in {text}"))
}

#[tokio::test]
async fn made_up_tokens_cost_no_memory() {
    let app = spawn_app().await;
    let real = app.login(LEARNER).await;
    let (status, _) = app.get("/api/v1/me", &real).await;
    assert_eq!(status, 200);
    let before = gauge(&app, "cache_entries", "sessions").await;
    for i in 0..300 {
        // Shaped like a JWT, signed by nobody, each different and large.
        let forged = format!("eyJhbGciOiJIUzI1NiJ9.{}{i}.c2lnbmF0dXJl", "A".repeat(1500));
        let (status, body) = app.get("/api/v1/me", &forged).await;
        assert_eq!((status, error_code(&body).as_str()), (401, "invalid_token"));
    }
    // Page visitors with a made-up session cookie are visitors, and are not kept either.
    for i in 0..50 {
        let res = app
            .api
            .get(app.url("/katalog"))
            .header(
                "cookie",
                format!("lentera_session=palsu-{i}-{}", "B".repeat(1000)),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 303);
    }
    assert_eq!(gauge(&app, "cache_entries", "sessions").await, before);
    let (status, _) = app.get("/api/v1/me", &real).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn password_changes_are_limited_like_sign_in() {
    let app = spawn_app().await;
    let token = app.login(LEARNER).await;
    let wrong =
        json!({"current_password": "bukan-sandi-saya", "new_password": "sandi-baru-yang-panjang"});
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let (status, _) = app.put("/api/v1/me/password", &token, wrong.clone()).await;
        statuses.push(status);
    }
    // The test configuration allows 10 a minute per account.
    assert_eq!(statuses[..10], [401; 10], "{statuses:?}");
    assert_eq!(statuses[10..], [429, 429], "{statuses:?}");
}
