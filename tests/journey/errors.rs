//! Bad input, every time: the right 4xx, the JSON error shape, and nothing lost.

use lentera_tests::{
    LEARNER, PASSWORD, error_code, spawn_app, spawn_app_configured, spawn_app_with,
};
use reqwest::Method;
use serde_json::{Value, json};

async fn raw_login(app: &lentera_tests::TestApp, body: &str) -> (u16, Value) {
    let res = app
        .api
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn sign_in_failures_get_the_error_shape_and_say_nothing_about_usernames() {
    let app = spawn_app().await;
    let (status, wrong) = raw_login(
        &app,
        &json!({"username": LEARNER, "password": "salah-sekali"}).to_string(),
    )
    .await;
    assert_eq!(
        (status, error_code(&wrong).as_str()),
        (401, "invalid_credentials")
    );
    let (status, unknown) = raw_login(
        &app,
        &json!({"username": "tidak-ada", "password": "salah-sekali"}).to_string(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        wrong, unknown,
        "the same answer whether or not the user exists"
    );
    let (status, body) = raw_login(&app, "{\"username\": ").await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "malformed_json")
    );
    let (status, body) = raw_login(&app, "{\"username\": \"x\"}").await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "malformed_json")
    );
    let (status, body) =
        raw_login(&app, &json!({"username": "", "password": ""}).to_string()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "missing_credentials")
    );
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account() {
    let app = spawn_app().await;
    let mut limited = false;
    for _ in 0..12 {
        let (status, body) = raw_login(
            &app,
            &json!({"username": LEARNER, "password": "tebakan-salah"}).to_string(),
        )
        .await;
        if status == 429 {
            assert_eq!(error_code(&body), "too_many_requests");
            limited = true;
            break;
        }
        assert_eq!(status, 401);
    }
    assert!(limited, "12 wrong passwords in a row must hit the limit");
    // Another account from the same address still signs in.
    app.login("instruktur").await;
}

/// Behind a reverse proxy every request comes from the proxy's address; with the proxy
/// named in `LENTERA_TRUSTED_PROXIES` the per-address limit counts each client apart, and a
/// client cannot escape it by writing its own `X-Forwarded-For`.
#[tokio::test]
async fn behind_a_trusted_proxy_the_limit_is_per_client() {
    let app = spawn_app_configured(false, |c| {
        c.trusted_proxies = vec![std::net::Ipv4Addr::LOCALHOST.into()];
        c.login_per_address_per_minute = 3;
    })
    .await;
    let from = |forwarded: &'static str, username: &'static str| {
        let req = app
            .api
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"username": username, "password": "tebakan-salah"}));
        async move {
            let res = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            res.status().as_u16()
        }
    };
    for _ in 0..3 {
        assert_eq!(from("203.0.113.5", "tidak-ada-1").await, 401);
    }
    assert_eq!(from("203.0.113.5", "tidak-ada-2").await, 429);
    // The proxy says it is the client's address; what the client wrote to the left of it
    // changes nothing.
    assert_eq!(from("198.51.100.1, 203.0.113.5", "tidak-ada-3").await, 429);
    // Another client behind the same proxy signs in.
    assert_eq!(from("203.0.113.6", "tidak-ada-1").await, 401);
    let res = app
        .api
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({"username": LEARNER, "password": PASSWORD}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn tokens_that_are_missing_forged_signed_out_or_outdated_are_refused() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(Method::GET, "/api/v1/me/progress", None, None)
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "unauthenticated")
    );
    let forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwic2lkIjoieCIsImlhdCI6MSwiZXhwIjo5OTk5OTk5OTk5LCJpc3MiOiJsZW50ZXJhIn0.c2lnbmF0dXJl";
    let (status, body) = app.get("/api/v1/me/progress", forged).await;
    assert_eq!((status, error_code(&body).as_str()), (401, "invalid_token"));

    let token = app.login(LEARNER).await;
    let (status, _) = app.get("/api/v1/me", &token).await;
    assert_eq!(status, 200);
    let (status, _) = app.post("/api/v1/auth/logout", &token, None).await;
    assert_eq!(status, 204);
    let (status, body) = app.get("/api/v1/me", &token).await;
    assert_eq!((status, error_code(&body).as_str()), (401, "invalid_token"));

    // A changed password ends every earlier session.
    let first = app.login(LEARNER).await;
    let second = app.login(LEARNER).await;
    let new_password = "kata-sandi-baru-456";
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&first),
            Some(json!({"current_password": "salah-salah-salah", "new_password": new_password})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (401, "invalid_credentials")
    );
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&first),
            Some(json!({"current_password": PASSWORD, "new_password": "pendek"})),
        )
        .await;
    assert_eq!((status, error_code(&body).as_str()), (422, "weak_password"));
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&first),
            Some(json!({"current_password": PASSWORD, "new_password": new_password})),
        )
        .await;
    assert_eq!(status, 204);
    for old in [&first, &second] {
        let (status, _) = app.get("/api/v1/me", old).await;
        assert_eq!(status, 401);
    }
    let (status, _) = raw_login(
        &app,
        &json!({"username": LEARNER, "password": new_password}).to_string(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_things_are_404_with_the_error_shape() {
    let app = spawn_app_with(true).await;
    let token = app.login(LEARNER).await;
    let (status, body) = app.get("/api/v1/nothing-here", &token).await;
    assert_eq!((status, error_code(&body).as_str()), (404, "not_found"));
    let (status, body) = app.get("/api/v1/courses/tidak-ada", &token).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "course_not_found")
    );
    app.post(
        "/api/v1/courses/manajemen-bencana-asn-daerah/enrollment",
        &token,
        None,
    )
    .await;
    // A lesson of another course is not a lesson of this one.
    let (status, body) = app
        .get(
            "/api/v1/courses/manajemen-bencana-asn-daerah/lessons/pengantar",
            &token,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "lesson_not_found")
    );
    let (status, body) = app
        .post(
            "/api/v1/courses/manajemen-bencana-asn-daerah/lessons/pengantar/complete",
            &token,
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "lesson_not_found")
    );
    let (status, body) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/tidak-ada/attempts",
            &token,
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "quiz_not_found")
    );
    let (status, body) = app.get("/api/v1/attempts/abc", &token).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "invalid_path"));
    let (status, body) = app.get("/api/v1/attempts/999999", &token).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "attempt_not_found")
    );
    let (status, body) = app
        .call(Method::GET, "/api/v1/certificates/../../etc", None, None)
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;
    let res = app
        .api
        .get(app.url("/masuk"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let headers = res.headers();
    let csp = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
}
