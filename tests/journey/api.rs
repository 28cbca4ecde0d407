//! The learner's journey through the JSON API, end to end.

use lentera_tests::{LEARNER, OTHER_LEARNER, drawn_only, error_code, spawn_app, spawn_app_with};
use reqwest::Method;
use serde_json::{Value, json};

/// Starts an attempt at the fixture quiz as `token` (enrolling first).
async fn enrolled_attempt(app: &lentera_tests::TestApp, token: &str) -> Value {
    let (status, _) = app
        .post("/api/v1/courses/kursus-uji/enrollment", token, None)
        .await;
    assert!(status == 200 || status == 201);
    let (status, attempt) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
            token,
            None,
        )
        .await;
    assert!(
        status == 200 || status == 201,
        "start attempt: {status} {attempt}"
    );
    attempt
}

async fn answer_key(app: &lentera_tests::TestApp) -> Value {
    // The fixture course has no owner: an admin reads its key.
    let instructor = app.login("admin").await;
    let (status, key) = app
        .get(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/key",
            &instructor,
        )
        .await;
    assert_eq!(status, 200, "{key}");
    key["responses"].clone()
}

#[tokio::test]
async fn a_learner_completes_a_course_and_gets_a_verifiable_certificate() {
    let app = spawn_app().await;
    let token = app.login(LEARNER).await;

    let (status, list) = app.get("/api/v1/courses", &token).await;
    assert_eq!(status, 200);
    let course = list["courses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["slug"] == "kursus-uji"))
        .cloned();
    let course = course.unwrap_or_else(|| panic!("fixture course missing from {list}"));
    assert_eq!(course["jp"], 2);
    assert_eq!(course["category"], "pengembangan-diri");

    let (status, outline) = app.get("/api/v1/courses/kursus-uji", &token).await;
    assert_eq!(status, 200);
    assert_eq!(
        outline["lessons"],
        json!([
            {"slug": "pengantar", "title": "Pengantar", "required": true, "module": "Modul Satu"},
            {"slug": "bacaan-tambahan", "title": "Bacaan Tambahan", "required": false, "module": "Modul Satu"},
        ])
    );
    assert_eq!(outline["quizzes"][0]["slug"], "kuis-akhir");
    assert_eq!(outline["quizzes"][0]["required"], true);

    // Lessons are for enrolled learners.
    let (status, body) = app
        .get("/api/v1/courses/kursus-uji/lessons/pengantar", &token)
        .await;
    assert_eq!((status, error_code(&body).as_str()), (403, "not_enrolled"));
    let (status, _) = app
        .post("/api/v1/courses/kursus-uji/enrollment", &token, None)
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .post("/api/v1/courses/kursus-uji/enrollment", &token, None)
        .await;
    assert_eq!(status, 200, "enrolling twice is harmless");

    let (status, lesson) = app
        .get("/api/v1/courses/kursus-uji/lessons/pengantar", &token)
        .await;
    assert_eq!(status, 200);
    let html = lesson["html"].as_str().unwrap_or_default();
    assert!(
        html.contains("/kursus/kursus-uji/aset/diagram.svg"),
        "{html}"
    );
    assert!(
        html.contains("/kursus/kursus-uji/materi/bacaan-tambahan"),
        "{html}"
    );
    assert!(!html.contains("<script"), "script survived: {html}");

    let (status, done) = app
        .post(
            "/api/v1/courses/kursus-uji/lessons/pengantar/complete",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 201, "{done}");
    assert!(done["certificate"].is_null(), "the quiz is still required");
    let (status, _) = app
        .post(
            "/api/v1/courses/kursus-uji/lessons/pengantar/complete",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200);

    let attempt = enrolled_attempt(&app, &token).await;
    let id = attempt["id"].as_i64().unwrap_or_default();
    assert_eq!(attempt["questions"].as_array().map(Vec::len), Some(7));
    assert!(attempt["deadline"].is_null());
    let text = attempt.to_string();
    for leak in [
        "correct",
        "weight",
        "\"answer",
        "answers",
        "tolerance",
        "feedback",
    ] {
        assert!(!text.contains(leak), "attempt JSON leaks `{leak}`: {text}");
    }
    let kinds: Vec<&str> = attempt["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|q| q["kind"].as_str())
        .collect();
    for kind in [
        "single_choice",
        "true_false",
        "numerical",
        "multiple_choice",
        "short_answer",
        "matching",
        "ordering",
    ] {
        assert!(kinds.contains(&kind), "missing {kind} in {kinds:?}");
    }
    // Starting again resumes the open attempt instead of using up another one.
    let again = enrolled_attempt(&app, &token).await;
    assert_eq!(again["id"], attempt["id"]);
    assert_eq!(
        again["questions"], attempt["questions"],
        "a reload shows the same attempt"
    );

    let key = answer_key(&app).await;
    // Save part of the answers, then submit the rest with the submission.
    let responses = key.as_array().cloned().unwrap_or_default();
    let (first, rest) = responses.split_at(3);
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/attempts/{id}/responses"),
            Some(&token),
            Some(json!({"responses": first})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, shown) = app.get(&format!("/api/v1/attempts/{id}"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(shown["responses"].as_array().map(Vec::len), Some(3));

    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{id}/submit"),
            &token,
            Some(json!({"responses": rest})),
        )
        .await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["state"], "graded");
    assert_eq!(result["passed"], true);
    assert_eq!(result["percent"], 100.0);
    assert_eq!(result["score"], result["max_score"]);
    let certificate = result["certificate"].clone();
    let code = certificate["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no certificate in {result}"))
        .to_owned();
    assert!(
        certificate["number"]
            .as_str()
            .is_some_and(|n| n.starts_with("LNT-")),
        "{certificate}"
    );

    // A second submission does not grade again; it reports the first result.
    let (status, body) = app
        .post(&format!("/api/v1/attempts/{id}/submit"), &token, None)
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "attempt_already_submitted")
    );
    assert_eq!(body["result"]["percent"], 100.0);

    let (status, progress) = app.get("/api/v1/me/progress", &token).await;
    assert_eq!(status, 200);
    assert_eq!(progress["courses"][0]["slug"], "kursus-uji");
    assert_eq!(progress["courses"][0]["percent"], 100);
    assert_eq!(progress["courses"][0]["completed_lessons"], 1);
    assert_eq!(progress["courses"][0]["total_lessons"], 2);
    assert!(progress["courses"][0]["completed_at"].is_string());
    assert_eq!(progress["jp"]["earned"], 2);
    assert_eq!(progress["jp"]["target"], 20);

    let (status, certs) = app.get("/api/v1/me/certificates", &token).await;
    assert_eq!(status, 200);
    assert_eq!(certs["certificates"][0]["code"], code.as_str());
    assert_eq!(
        certs["certificates"][0]["verify_url"],
        format!("http://lentera.test/verifikasi/{code}")
    );

    // Public verification needs no sign-in and masks the NIP.
    let (status, public) = app
        .call(
            Method::GET,
            &format!("/api/v1/certificates/{code}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(public["valid"], true);
    assert_eq!(public["revoked"], false);
    assert_eq!(public["certificate"]["holder_name"], "Rahmat Hidayat");
    assert_eq!(public["certificate"]["nip_masked"], "1985***********003");
    assert_eq!(public["certificate"]["jp"], 2);
    assert_eq!(
        public["certificate"]["issuer"],
        "Pemerintah Kabupaten Bungo"
    );
    assert_eq!(public["signed"], true);
    check_signature_offline(&app, &public).await;
    let (status, body) = app
        .call(
            Method::GET,
            "/api/v1/certificates/ZZZZZZZZZZZZZZZZZZZZZZZZ",
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "certificate_not_found")
    );

    // Completing again (the optional lesson) issues nothing new.
    let (status, extra) = app
        .post(
            "/api/v1/courses/kursus-uji/lessons/bacaan-tambahan/complete",
            &token,
            None,
        )
        .await;
    assert_eq!(status, 201);
    assert!(extra["certificate"].is_null());
    let (_, certs) = app.get("/api/v1/me/certificates", &token).await;
    assert_eq!(certs["certificates"].as_array().map(Vec::len), Some(1));
}

/// Checks a look-up's signature the way a third party would: the published key, the
/// canonical JSON of `certificate`, Ed25519; then the same with a tampered payload, and
/// with the `lentera certificate verify` command on files.
async fn check_signature_offline(app: &lentera_tests::TestApp, public: &Value) {
    use base64::Engine;
    let (status, keys) = app
        .call(Method::GET, "/api/v1/certificates/keys", None, None)
        .await;
    assert_eq!(status, 200);
    let key = &keys["keys"][0];
    assert_eq!(key["alg"], "Ed25519");
    assert_eq!(key["id"], public["key_id"]);
    let raw = base64::engine::general_purpose::STANDARD
        .decode(key["public_key"].as_str().unwrap_or_default())
        .unwrap_or_default();
    assert_eq!(raw.len(), 32);
    let signature = public["signature"].as_str().unwrap_or_default();
    assert!(lentera_certificate::verify(&public["certificate"], signature, &raw).is_ok());
    let mut forged = public["certificate"].clone();
    forged["jp"] = json!(40);
    assert!(
        lentera_certificate::verify(&forged, signature, &raw).is_err(),
        "a changed JP breaks the signature"
    );

    let cert_file = app.dir.path().join("sertifikat.json");
    let keys_file = app.dir.path().join("kunci.json");
    std::fs::write(&cert_file, public.to_string()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&keys_file, keys.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let verify = |file: &std::path::Path| {
        use clap::Parser;
        let cli = lentera_api::cli::Cli::parse_from([
            "lentera",
            "certificate",
            "verify",
            &file.display().to_string(),
            "--keys",
            &keys_file.display().to_string(),
        ]);
        lentera_api::cli::run(cli)
    };
    assert_eq!(verify(&cert_file).await.unwrap_or(99), 0);
    let mut tampered = public.clone();
    tampered["certificate"]["holder_name"] = json!("Orang Lain");
    std::fs::write(&cert_file, tampered.to_string()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        verify(&cert_file).await.unwrap_or(99),
        1,
        "a forged holder is recognised"
    );
}

#[tokio::test]
async fn a_learner_never_reads_or_submits_another_learners_attempt() {
    let app = spawn_app().await;
    let owner = app.login(LEARNER).await;
    let other = app.login(OTHER_LEARNER).await;
    let attempt = enrolled_attempt(&app, &owner).await;
    let id = attempt["id"].as_i64().unwrap_or_default();
    enrolled_attempt(&app, &other).await;

    let (status, body) = app.get(&format!("/api/v1/attempts/{id}"), &other).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "attempt_not_found")
    );
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/attempts/{id}/responses"),
            Some(&other),
            Some(json!({"responses": []})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .post(&format!("/api/v1/attempts/{id}/submit"), &other, None)
        .await;
    assert_eq!(status, 404);
    // The owner's attempt is untouched.
    let (status, shown) = app.get(&format!("/api/v1/attempts/{id}"), &owner).await;
    assert_eq!((status, shown["state"].as_str()), (200, Some("open")));

    // The answer key is for instructors and admins only.
    let (status, body) = app
        .get("/api/v1/courses/kursus-uji/quizzes/kuis-akhir/key", &owner)
        .await;
    assert_eq!((status, error_code(&body).as_str()), (403, "forbidden"));
}

#[tokio::test]
async fn attempts_are_limited_and_bad_responses_lose_nothing() {
    let app = spawn_app().await;
    let token = app.login(LEARNER).await;
    let attempt = enrolled_attempt(&app, &token).await;
    let id = attempt["id"].as_i64().unwrap_or_default();
    let q1 = attempt["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|q| q["kind"] == "single_choice")
        .cloned()
        .unwrap_or_default();
    let option = q1["options"][0]["id"].clone();
    let path = format!("/api/v1/attempts/{id}/responses");
    let (status, _) = app
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"responses": [{"question": q1["id"], "choices": [option]}]})),
        )
        .await;
    assert_eq!(status, 200);
    // An unknown option id is refused with 422, and the saved answer stays.
    let (status, body) = app
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"responses": [{"question": q1["id"], "choices": ["nope"]}]})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "invalid_response")
    );
    let (status, body) = app
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"responses": [{"question": "q404", "text": "x"}]})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "invalid_response")
    );
    let (_, shown) = app.get(&format!("/api/v1/attempts/{id}"), &token).await;
    assert_eq!(shown["responses"][0]["choices"][0], option);

    // Wrong answers: graded, not passed, no certificate.
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{id}/submit"),
            &token,
            Some(json!({"responses": []})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(result["passed"], false);
    assert!(result["certificate"].is_null());

    // max_attempts = 2: a second attempt, then no more.
    let second = enrolled_attempt(&app, &token).await;
    assert_ne!(second["id"], attempt["id"]);
    let (status, _) = app
        .post(
            &format!("/api/v1/attempts/{}/submit", second["id"]),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
            &token,
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "no_attempts_left")
    );
}

#[tokio::test]
async fn the_shipped_courses_publish_and_one_can_be_completed_with_its_key() {
    let app = spawn_app_with(true).await;
    let token = app.login(LEARNER).await;
    // The shipped courses have no owner: only an admin reads their answer keys.
    let admin = app.login("admin").await;
    let (_, list) = app.get("/api/v1/courses", &token).await;
    let slugs: Vec<&str> = list["courses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["slug"].as_str())
        .collect();
    assert!(slugs.contains(&"manajemen-bencana-asn-daerah"), "{slugs:?}");

    let slug = "manajemen-bencana-asn-daerah";
    let (_, outline) = app.get(&format!("/api/v1/courses/{slug}"), &token).await;
    app.post(&format!("/api/v1/courses/{slug}/enrollment"), &token, None)
        .await;
    for lesson in outline["lessons"].as_array().into_iter().flatten() {
        let l = lesson["slug"].as_str().unwrap_or_default();
        let (status, body) = app
            .get(&format!("/api/v1/courses/{slug}/lessons/{l}"), &token)
            .await;
        assert_eq!(status, 200);
        assert!(
            body["html"].as_str().is_some_and(|h| h.len() > 500),
            "lesson {l} is too short"
        );
        let (status, _) = app
            .post(
                &format!("/api/v1/courses/{slug}/lessons/{l}/complete"),
                &token,
                None,
            )
            .await;
        assert_eq!(status, 201);
    }
    let mut certificate = Value::Null;
    for quiz in outline["quizzes"].as_array().into_iter().flatten() {
        let q = quiz["slug"].as_str().unwrap_or_default();
        let (_, key) = app
            .get(&format!("/api/v1/courses/{slug}/quizzes/{q}/key"), &admin)
            .await;
        let (status, attempt) = app
            .post(
                &format!("/api/v1/courses/{slug}/quizzes/{q}/attempts"),
                &token,
                None,
            )
            .await;
        assert_eq!(status, 201, "{attempt}");
        let responses = drawn_only(&key["responses"], &attempt);
        let (status, result) = app
            .post(
                &format!("/api/v1/attempts/{}/submit", attempt["id"]),
                &token,
                Some(json!({ "responses": responses })),
            )
            .await;
        assert_eq!(status, 200, "{result}");
        // An instructor-graded task waits for its grade: the admin gives full marks.
        let result = if result["state"] == "pending_review" {
            let id = &attempt["id"];
            let (status, view) = app.get(&format!("/api/v1/grading/{id}"), &admin).await;
            assert_eq!(status, 200, "{view}");
            let grades: Vec<Value> = view["essays"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| json!({"question": e["question"], "score": e["points"]}))
                .collect();
            let (status, graded) = app
                .post(
                    &format!("/api/v1/grading/{id}"),
                    &admin,
                    Some(json!({ "grades": grades })),
                )
                .await;
            assert_eq!(status, 200, "{graded}");
            graded
        } else {
            result
        };
        assert_eq!(result["passed"], true, "quiz {q}: {result}");
        if !result["certificate"].is_null() {
            certificate = result["certificate"].clone();
        }
    }
    assert!(
        certificate["code"].is_string(),
        "finishing every required item issues a certificate"
    );
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = spawn_app().await;
    let res = app
        .api
        .get(app.url("/healthz"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap_or_default();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.database);
    let metrics = app
        .api
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(metrics.contains("lentera_http_requests_total"), "{metrics}");
}

/// Statements the server has sent to its database, from `/metrics`.
async fn statements(app: &lentera_tests::TestApp) -> u64 {
    let text = app
        .api
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("lentera_db_statements "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no lentera_db_statements in {text}"))
}

/// The hot path of a learner reading, once warm, asks the database nothing: the session,
/// the course and the learner's state come from the caches (which every replica empties
/// when told of a change).
#[tokio::test]
async fn a_warm_lesson_asks_the_database_nothing() {
    let app = spawn_app().await;
    let token = app.login(LEARNER).await;
    let (status, _) = app
        .post("/api/v1/courses/kursus-uji/enrollment", &token, None)
        .await;
    assert!(status < 300, "enrol: {status}");
    let lesson = "/api/v1/courses/kursus-uji/lessons/pengantar";
    let page = "/kursus/kursus-uji/materi/pengantar";
    let read_page = || async {
        let res = app
            .api
            .get(app.url(page))
            .header("cookie", format!("lentera_session={token}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(res.status(), 200, "{page}");
    };
    for _ in 0..2 {
        assert_eq!(app.get(lesson, &token).await.0, 200);
        read_page().await;
    }
    let before = statements(&app).await;
    for _ in 0..20 {
        assert_eq!(app.get(lesson, &token).await.0, 200);
        read_page().await;
    }
    let after = statements(&app).await;
    assert!(
        before > 0,
        "the counter counts (the sign-in made statements)"
    );
    assert_eq!(
        after - before,
        0,
        "40 warm lesson reads (JSON and page) made {} statements",
        after - before
    );
}
