//! xAPI statements reach a real Learning Record Store (Ralph, started by the test), each
//! once, through the outbox: queued while the LRS is down, sent when it is back, and sent
//! again as the same statement when an answer was lost.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use lentera_domain::xapi::XapiConfig;
use lentera_store::people;
use lentera_tests::lrs::{self, Lrs};
use lentera_tests::{LEARNER, TestApp, free_port, spawn_app_configured};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

fn xapi_to(lrs: &Lrs) -> XapiConfig {
    let vars = [
        ("LENTERA_XAPI_ENDPOINT", lrs.endpoint()),
        ("LENTERA_XAPI_USERNAME", lrs.username.clone()),
        ("LENTERA_XAPI_PASSWORD", lrs.password.clone()),
    ];
    let mut config = XapiConfig::from_vars(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap_or_else(|e| panic!("{e:#}"));
    config.poll = Duration::from_millis(100);
    config.retry_base = Duration::from_millis(150);
    config.retry_max = Duration::from_millis(400);
    config.timeout = Duration::from_secs(5);
    config
}

async fn outbox(app: &TestApp, admin: &str) -> Value {
    let (status, body) = app.get("/api/v1/xapi/outbox", admin).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Waits (at most 60 s) until `done` holds for the outbox.
async fn outbox_until(
    app: &TestApp,
    admin: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let o = outbox(app, admin).await;
        if done(&o) {
            return o;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} within a minute: {o}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn by_verb(statements: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for s in statements {
        let verb = s["verb"]["id"].as_str().unwrap_or_default();
        let short = verb.rsplit('/').next().unwrap_or_default().to_owned();
        *counts.entry(short).or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn statements_reach_a_real_lrs_once_each_even_when_it_was_down() {
    if !lrs::available() {
        return;
    }
    // The LRS is down when the learner starts.
    let mut lrs = Lrs::stopped(free_port());
    let config = xapi_to(&lrs);
    let app = spawn_app_configured(false, move |c| c.xapi = config).await;
    let db = app.db().await;
    let learner_id = people::credentials(&db, LEARNER)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|c| c.user.id.0)
        .unwrap_or_else(|| panic!("no learner"));

    // A failed attempt first, then the whole course: lesson, a passed attempt, completion,
    // certificate.
    let token = app.login(LEARNER).await;
    let admin = app.login("admin").await;
    let (status, _) = app
        .post("/api/v1/courses/kursus-uji/enrollment", &token, None)
        .await;
    assert!(status == 200 || status == 201);
    let (status, attempt) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
            &token,
            None,
        )
        .await;
    assert!(status == 200 || status == 201, "{attempt}");
    let first = attempt["id"].as_i64().unwrap_or_default();
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{first}/submit"),
            &token,
            Some(json!({"responses": []})),
        )
        .await;
    assert_eq!(status, 200, "{result}");
    let certificate = app.complete_fixture_course(&token).await;
    let code = certificate["code"].as_str().unwrap_or_default().to_owned();

    // Seven statements wait, each tried and refused by the network.
    // (Each listed statement is checked, not only the counts: a row may be mid-try.)
    let waiting = outbox_until(&app, &admin, "seven statements tried", |o| {
        o["statements"].as_array().is_some_and(|s| {
            s.len() == 7
                && s.iter().all(|s| {
                    s["state"] == "pending"
                        && s["attempts"].as_i64() >= Some(1)
                        && s["last_error"]
                            .as_str()
                            .is_some_and(|e| e.contains("did not answer"))
                })
        })
    })
    .await;
    assert_eq!(waiting["configured"], true);
    assert_eq!(waiting["counts"]["sent"], 0, "{waiting}");

    // The LRS comes up: every statement arrives, once.
    lrs.run().await;
    outbox_until(&app, &admin, "seven statements sent", |o| {
        o["counts"]["sent"] == 7 && o["counts"]["pending"] == 0
    })
    .await;
    let stored = lrs.statements().await;
    assert_eq!(stored.len(), 7, "{stored:?}");
    let expected: BTreeMap<String, usize> = [
        ("experienced", 1),
        ("attempted", 2),
        ("failed", 1),
        ("passed", 1),
        ("completed", 1),
        ("earned", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(by_verb(&stored), expected);
    // The ids are the outbox's: the statements Lentera made, not copies.
    let mut sent: Vec<String> = outbox(&app, &admin).await["statements"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|s| s["statement_id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let mut got: Vec<String> = stored
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    sent.sort();
    got.sort();
    assert_eq!(sent, got);
    for s in &stored {
        // An account on the instance's home page, named by the Lentera id, never the NIP.
        assert_eq!(
            s["actor"]["account"]["homePage"], "http://lentera.test",
            "{s}"
        );
        assert_eq!(s["actor"]["account"]["name"], learner_id.to_string(), "{s}");
        assert!(!s.to_string().contains(LEARNER), "the NIP went out: {s}");
    }
    let find = |verb: &str| {
        stored
            .iter()
            .find(|s| {
                s["verb"]["id"]
                    .as_str()
                    .is_some_and(|v| v.ends_with(&format!("/{verb}")))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no {verb} statement"))
    };
    let passed = find("passed");
    assert_eq!(passed["result"]["score"]["scaled"], 1.0, "{passed}");
    assert_eq!(passed["result"]["success"], true);
    assert_eq!(
        passed["object"]["id"],
        "http://lentera.test/kursus/kursus-uji/kuis/kuis-akhir"
    );
    let failed = find("failed");
    assert_eq!(failed["result"]["score"]["scaled"], 0.0, "{failed}");
    assert_eq!(failed["result"]["success"], false);
    let completed = find("completed");
    assert_eq!(
        completed["result"]["extensions"]["http://lentera.test/xapi/ekstensi/jp"], 2,
        "{completed}"
    );
    let earned = find("earned");
    assert_eq!(
        earned["object"]["id"],
        format!("http://lentera.test/verifikasi/{code}")
    );
    let lesson = find("experienced");
    assert_eq!(
        lesson["object"]["id"],
        "http://lentera.test/kursus/kursus-uji/materi/pengantar"
    );

    // The same action again queues nothing new: the lesson done twice is one statement.
    let (status, _) = app
        .post(
            "/api/v1/courses/kursus-uji/lessons/pengantar/complete",
            &token,
            None,
        )
        .await;
    assert!(status == 200 || status == 201);

    // The LRS restarts and keeps what it stored; answers lost on the way back (every row
    // marked unsent again) mean the same statements go again, and the LRS still holds each
    // once.
    lrs.stop();
    lrs.run().await;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE xapi_outbox SET state = 'pending', sent_at = NULL",
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let again = outbox_until(&app, &admin, "the resends accepted", |o| {
        o["counts"]["sent"] == 7 && o["counts"]["pending"] == 0
    })
    .await;
    assert!(
        again["statements"]
            .as_array()
            .is_some_and(|s| s.iter().all(|s| s["attempts"].as_i64() >= Some(2))),
        "{again}"
    );
    let stored = lrs.statements().await;
    assert_eq!(stored.len(), 7, "{stored:?}");
}

/// Without an LRS nothing is queued, and the outbox says so.
#[tokio::test]
async fn without_an_lrs_nothing_is_queued() {
    let app = lentera_tests::spawn_app().await;
    let token = app.login(LEARNER).await;
    app.complete_fixture_course(&token).await;
    let admin = app.login("admin").await;
    let o = outbox(&app, &admin).await;
    assert_eq!(o["configured"], false, "{o}");
    assert_eq!(o["statements"], json!([]), "{o}");
}
