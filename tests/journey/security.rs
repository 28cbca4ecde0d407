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

#[tokio::test]
async fn sign_in_returns_only_to_paths_on_this_site() {
    let app = spawn_app().await;
    let client = &app.api;
    // The sign-in page as a visitor: its form carries the place to return to.
    for (next, expected) in [
        ("/katalog", "/katalog"),
        ("/%09/jahat.example/path", "/"),
        ("/%0D%0ASet-Cookie:%20a=1", "/"),
        ("//jahat.example", "/"),
        ("/%5Cjahat.example", "/"),
        ("https://jahat.example/", "/"),
    ] {
        let res = client
            .post(app.url("/masuk"))
            .header("cookie", "lentera_csrf=0123456789abcdef0123456789abcdef")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "csrf=0123456789abcdef0123456789abcdef&username={LEARNER}&password={}&next={next}",
                lentera_tests::PASSWORD
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 303, "{next}");
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(location, expected, "{next}");
    }
}

#[tokio::test]
async fn control_characters_in_a_file_name_are_not_a_server_error() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    app.complete_fixture_course(&learner).await;
    let admin = app.login("admin").await;
    for unit in ["BUNGO%0B", "BUNGO%0C", "%0BBUNGO"] {
        let (status, kind, _) = app
            .get_bytes(
                &format!("/api/v1/reports/certificates.zip?unit={unit}"),
                Some(&admin),
            )
            .await;
        assert_eq!((status, kind.as_str()), (200, "application/zip"), "{unit}");
    }
}

#[tokio::test]
async fn metrics_are_for_this_machine_or_whoever_has_the_token() {
    // Without a token: a direct local scraper reads them, a request through a proxy does not.
    let app = spawn_app().await;
    let res = app
        .api
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let res = app
        .api
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    // With a token, only with the token.
    let token = "m3tr1cs-T0ken-for-the-prometheus-scraper";
    let app = lentera_tests::spawn_app_configured(false, |c| {
        c.metrics_token = Some(token.into());
    })
    .await;
    let (status, body) = app.call(reqwest::Method::GET, "/metrics", None, None).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "unauthenticated")
    );
    let (status, _) = app
        .call(reqwest::Method::GET, "/metrics", Some("salah"), None)
        .await;
    assert_eq!(status, 401);
    let res = app
        .api
        .get(app.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn over_https_cookies_are_host_bound_and_browsers_told_to_stay() {
    let app = lentera_tests::spawn_app_configured(false, |c| {
        c.public_url = "https://lentera.test".into();
    })
    .await;
    let res = app
        .api
        .get(app.url("/masuk"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.starts_with("__Host-lentera_csrf=")
            && cookie.contains("Secure")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    let hsts = res
        .headers()
        .get("strict-transport-security")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(hsts.starts_with("max-age="), "{hsts}");
    // Plain HTTP (the demo on 127.0.0.1) keeps plain names and no HSTS.
    let plain = spawn_app().await;
    let res = plain
        .api
        .get(plain.url("/masuk"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(res.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn course_files_keep_their_own_sandbox_policy() {
    let app = spawn_app().await;
    let res = app
        .api
        .get(app.url("/kursus/kursus-uji/aset/diagram.svg"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let csp: Vec<&str> = res
        .headers()
        .get_all("content-security-policy")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(csp.len(), 1, "{csp:?}");
    assert!(
        csp[0].contains("sandbox") && csp[0].starts_with("default-src 'none'"),
        "{csp:?}"
    );
}

#[tokio::test]
async fn the_public_pdf_masks_the_nip_and_the_entitled_get_it_whole() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    let certificate = app.complete_fixture_course(&learner).await;
    let code = certificate["code"].as_str().unwrap_or_default().to_owned();
    let path = format!("/certificates/{code}.pdf");
    let masked = format!("{}********{}", &LEARNER[..8], &LEARNER[16..]);
    let other = app.login(lentera_tests::OTHER_LEARNER).await;
    let admin = app.login("admin").await;
    for (who, token, whole) in [
        ("anyone", None, false),
        ("another learner", Some(other.as_str()), false),
        ("the holder", Some(learner.as_str()), true),
        ("an admin", Some(admin.as_str()), true),
    ] {
        let (status, kind, bytes) = app.get_bytes(&path, token).await;
        assert_eq!((status, kind.as_str()), (200, "application/pdf"), "{who}");
        let Some(text) = lentera_tests::pdf_text(&bytes) else {
            return;
        };
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(text.contains(LEARNER), whole, "{who}: {text}");
        if !whole {
            assert!(
                text.contains(&masked) || !text.contains(&LEARNER[8..16]),
                "{who}: {text}"
            );
        }
    }
}

/// A multipart body built by hand: `(name, bytes, is_file)` in order.
fn multipart(parts: &[(&str, Vec<u8>, bool)]) -> (String, Vec<u8>) {
    let boundary = "batasLenteraUji";
    let mut body = Vec::new();
    for (name, bytes, is_file) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if *is_file {
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"k.zip\"\r\nContent-Type: application/zip\r\n\r\n").as_bytes(),
            );
        } else {
            body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn uploads_are_authorized_before_they_are_read_and_bounded() {
    let app = spawn_app().await;
    let csrf = "0123456789abcdef0123456789abcdef";
    let post = |token: String, parts: Vec<(&'static str, Vec<u8>, bool)>| {
        let (kind, body) = multipart(&parts);
        app.api
            .post(app.url("/pengajar/unggah"))
            .header(
                "cookie",
                format!("lentera_csrf={csrf}; lentera_session={token}"),
            )
            .header("content-type", kind)
            .body(body)
            .send()
    };
    let learner = app.login(LEARNER).await;
    let teacher = app.login("instruktur").await;
    // A learner is refused whatever the form holds.
    let res = post(
        learner,
        vec![
            ("csrf", csrf.into(), false),
            ("file", vec![b'x'; 1 << 20], true),
        ],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    // A file before the form's token is not read: the token is checked first.
    let res = post(
        teacher.clone(),
        vec![("file", b"PK".to_vec(), true), ("csrf", csrf.into(), false)],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403);
    // Too many fields, and a text field too large, are refused.
    let many: Vec<(&'static str, Vec<u8>, bool)> = std::iter::once(("csrf", csrf.into(), false))
        .chain((0..15).map(|_| ("isian", b"x".to_vec(), false)))
        .collect();
    let res = post(teacher.clone(), many)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 400);
    let res = post(
        teacher,
        vec![
            ("csrf", csrf.into(), false),
            ("isian", vec![b'y'; 64 * 1024], false),
        ],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn a_preview_too_deep_is_refused_with_where_and_never_stalls() {
    let app = spawn_app().await;
    let teacher = app.login("instruktur").await;
    // 60 KB of nested quotes took seven seconds before; now it is refused at once, with
    // the line and column of the first level too deep.
    let deep = "> ".repeat(30_000) + "teks";
    let (status, body) = app
        .post(
            "/api/v1/preview",
            &teacher,
            Some(json!({ "markdown": deep })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "invalid_course"),
        "{body}"
    );
    let problem = &body["problems"][0];
    assert_eq!(problem["line"], 1, "{body}");
    assert!(problem["column"].as_u64().is_some_and(|c| c > 1), "{body}");
    let (status, body) = app
        .post(
            "/api/v1/preview",
            &teacher,
            Some(json!({"markdown": "# Judul\n\n> kutipan"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body["html"]
            .as_str()
            .is_some_and(|h| h.contains("<blockquote>")),
        "{body}"
    );
}
