//! The attempt rules of the assessment engine through the API: question pools, essays
//! graded by instructors, which attempt counts, when answers are shown, cooldowns,
//! deadlines, racing submissions and quiz statistics.

use chrono::{Duration, Utc};
use lentera_tests::{LEARNER, OTHER_LEARNER, TestApp, error_code, spawn_app};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, Query};
use serde_json::{Value, json};

/// Sets a timestamp column of one row, the way no endpoint can (time passing).
async fn set_time(
    app: &TestApp,
    table: &str,
    column: &str,
    at: chrono::DateTime<Utc>,
    id_column: &str,
    id: i64,
) {
    use sea_orm::sea_query::ExprTrait;
    let db = app.db().await;
    let stmt = Query::update()
        .table(Alias::new(table))
        .value(Alias::new(column), at)
        .and_where(Expr::col(Alias::new(id_column)).eq(i32::try_from(id).unwrap_or_default()))
        .to_owned();
    let built = db.get_database_backend().build(&stmt);
    db.execute_raw(built)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn enrol(app: &TestApp, token: &str, course: &str, lesson: &str) {
    let (status, _) = app
        .post(&format!("/api/v1/courses/{course}/enrollment"), token, None)
        .await;
    assert!(status == 200 || status == 201);
    let (status, _) = app
        .post(
            &format!("/api/v1/courses/{course}/lessons/{lesson}/complete"),
            token,
            None,
        )
        .await;
    assert!(status == 200 || status == 201);
}

async fn start(app: &TestApp, token: &str, course: &str, quiz: &str) -> (u16, Value) {
    app.post(
        &format!("/api/v1/courses/{course}/quizzes/{quiz}/attempts"),
        token,
        None,
    )
    .await
}

fn question_ids(attempt: &Value) -> Vec<String> {
    attempt["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|q| q["id"].as_str().map(str::to_owned))
        .collect()
}

/// The key's responses for the questions this attempt drew.
fn key_for(key: &Value, attempt: &Value) -> Vec<Value> {
    let ids = question_ids(attempt);
    key.as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            r["question"]
                .as_str()
                .is_some_and(|q| ids.iter().any(|i| i == q))
        })
        .filter(|r| r["text"].is_null() || r["question"] != "e1")
        .cloned()
        .collect()
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_default()
}

#[tokio::test]
async fn essays_wait_for_the_instructor_and_the_latest_attempt_counts() {
    let app = spawn_app().await;
    app.import_fixture("kursus-esai", "instruktur").await;
    let learner = app.login(LEARNER).await;
    enrol(&app, &learner, "kursus-esai", "bacaan").await;
    let key = app.answer_key_of("kursus-esai", "tugas-esai").await;

    // The attempt holds the essay and two questions drawn from the bank of four.
    let (status, first) = start(&app, &learner, "kursus-esai", "tugas-esai").await;
    assert_eq!(status, 201, "{first}");
    let ids = question_ids(&first);
    assert_eq!(ids.len(), 3, "{first}");
    assert!(ids.contains(&"e1".to_owned()));
    assert_eq!(ids.iter().filter(|i| i.starts_with('b')).count(), 2);
    let wire = first.to_string();
    for leak in ["correct", "weight", "Tepat.", "feedback", "\"a\"", "\"b\""] {
        assert!(
            !wire.contains(leak),
            "`{leak}` leaks before submission: {wire}"
        );
    }
    // A question of the bank that was not drawn cannot be answered.
    let undrawn = ["b1", "b2", "b3", "b4"]
        .into_iter()
        .find(|b| !ids.iter().any(|i| i == b))
        .unwrap_or("b1");
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/attempts/{}/responses", id_of(&first)),
            Some(&learner),
            Some(json!({"responses": [{"question": undrawn, "text": "JP"}]})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "invalid_response")
    );

    let essay = "Kami menyusun rencana pengembangan kompetensi tiap awal tahun dan memantau JP setiap triwulan.";
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{}/submit", id_of(&first)),
            &learner,
            Some(json!({"responses": [{"question": "e1", "text": essay}]})),
        )
        .await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(
        (result["state"].as_str(), result["passed"].as_bool()),
        (Some("pending_review"), Some(false))
    );
    let (_, progress) = app.get("/api/v1/me/progress", &learner).await;
    let course = progress["courses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["slug"] == "kursus-esai"))
        .cloned()
        .unwrap_or_default();
    assert!(
        course["completed_at"].is_null(),
        "not complete while an essay waits"
    );
    let (_, shown) = app
        .get(&format!("/api/v1/attempts/{}", id_of(&first)), &learner)
        .await;
    assert_eq!(
        shown["review"]["shows_correct"], false,
        "after_last_attempt: not yet"
    );
    assert!(
        !shown["review"].to_string().contains("\"correct\""),
        "{shown}"
    );

    // The grading queue: the course's instructor, not another one, not the learner.
    let (status, _) = app.get("/api/v1/grading", &learner).await;
    assert_eq!(status, 403);
    let other = app.login("instruktur2").await;
    let (_, queue) = app.get("/api/v1/grading", &other).await;
    assert_eq!(queue["attempts"], json!([]));
    let (status, _) = app
        .get(&format!("/api/v1/grading/{}", id_of(&first)), &other)
        .await;
    assert_eq!(status, 404);
    let instructor = app.login("instruktur").await;
    let (_, queue) = app.get("/api/v1/grading", &instructor).await;
    assert_eq!(queue["attempts"][0]["attempt"], id_of(&first));
    assert_eq!(queue["attempts"][0]["learner"], "Rahmat Hidayat");
    let (status, view) = app
        .get(&format!("/api/v1/grading/{}", id_of(&first)), &instructor)
        .await;
    assert_eq!(status, 200);
    assert_eq!(view["essays"][0]["answer"], essay);
    let grade_url = format!("/api/v1/grading/{}", id_of(&first));
    for bad in [
        json!({"grades": [{"question": "e1", "score": 5}]}),
        json!({"grades": [{"question": "b1", "score": 1}]}),
        json!({"grades": [{"question": "e1", "score": -1}]}),
    ] {
        let (status, body) = app.post(&grade_url, &instructor, Some(bad.clone())).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (422, "invalid_grade"),
            "{bad}"
        );
    }
    let (status, graded) = app
        .post(
            &grade_url,
            &instructor,
            Some(json!({"grades": [{"question": "e1", "score": 1, "comment": "Kurang rinci."}]})),
        )
        .await;
    assert_eq!(status, 200, "{graded}");
    assert_eq!(
        (graded["state"].as_str(), graded["passed"].as_bool()),
        (Some("graded"), Some(false))
    );
    assert!(
        (graded["percent"].as_f64().unwrap_or_default() - 100.0 / 6.0).abs() < 0.01,
        "{graded}"
    );
    let (_, shown) = app
        .get(&format!("/api/v1/attempts/{}", id_of(&first)), &learner)
        .await;
    let e1 = shown["review"]["questions"]
        .as_array()
        .and_then(|q| q.iter().find(|q| q["id"] == "e1"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (e1["score"].as_f64(), e1["grader_comment"].as_str()),
        (Some(1.0), Some("Kurang rinci."))
    );
    let (_, queue) = app.get("/api/v1/grading", &instructor).await;
    assert_eq!(queue["attempts"], json!([]));

    // Second attempt: all right, and the essay graded in full, completes the course.
    let (_, second) = start(&app, &learner, "kursus-esai", "tugas-esai").await;
    let mut responses = key_for(&key, &second);
    responses.push(json!({"question": "e1", "text": essay}));
    let (_, result) = app
        .post(
            &format!("/api/v1/attempts/{}/submit", id_of(&second)),
            &learner,
            Some(json!({"responses": responses})),
        )
        .await;
    assert_eq!(result["state"], "pending_review", "{result}");
    let (_, graded) = app
        .post(
            &format!("/api/v1/grading/{}", id_of(&second)),
            &instructor,
            Some(json!({"grades": [{"question": "e1", "score": 4}]})),
        )
        .await;
    assert_eq!(
        (graded["percent"].as_f64(), graded["passed"].as_bool()),
        (Some(100.0), Some(true)),
        "{graded}"
    );
    assert!(
        graded["certificate"].is_object(),
        "grading the essay completed the course: {graded}"
    );
    let (_, certs) = app.get("/api/v1/me/certificates", &learner).await;
    assert!(
        certs["certificates"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["course"] == "kursus-esai")
    );
    let standing_url = "/api/v1/courses/kursus-esai/quizzes/tugas-esai";
    let (_, standing) = app.get(standing_url, &learner).await;
    assert_eq!(
        (
            standing["counted"]["number"].as_i64(),
            standing["attempts_left"].as_i64()
        ),
        (Some(2), Some(1)),
        "{standing}"
    );

    // Third and last attempt: worse. The latest graded attempt counts, and now that no
    // attempt is left the review shows the right answers.
    let (_, third) = start(&app, &learner, "kursus-esai", "tugas-esai").await;
    app.post(
        &format!("/api/v1/attempts/{}/submit", id_of(&third)),
        &learner,
        Some(json!({"responses": [{"question": "e1", "text": "-"}]})),
    )
    .await;
    let (_, standing) = app.get(standing_url, &learner).await;
    assert_eq!(
        standing["counted"]["number"], 2,
        "a pending attempt does not count yet"
    );
    app.post(
        &format!("/api/v1/grading/{}", id_of(&third)),
        &instructor,
        Some(json!({"grades": [{"question": "e1", "score": 0}]})),
    )
    .await;
    let (_, standing) = app.get(standing_url, &learner).await;
    assert_eq!(
        (
            standing["counted"]["number"].as_i64(),
            standing["counted"]["passed"].as_bool()
        ),
        (Some(3), Some(false))
    );
    let (_, shown) = app
        .get(&format!("/api/v1/attempts/{}", id_of(&third)), &learner)
        .await;
    assert_eq!(shown["review"]["shows_correct"], true);
    let bank = shown["review"]["questions"]
        .as_array()
        .and_then(|q| q.iter().find(|q| q["id"] != "e1"))
        .cloned()
        .unwrap_or_default();
    assert!(bank["correct"].is_object(), "{bank}");
    let (status, body) = start(&app, &learner, "kursus-esai", "tugas-esai").await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "no_attempts_left")
    );
    let (_, progress) = app.get("/api/v1/me/progress", &learner).await;
    let course = progress["courses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["slug"] == "kursus-esai"))
        .cloned()
        .unwrap_or_default();
    assert!(
        course["completed_at"].is_string(),
        "a completion is never taken back"
    );
}

#[tokio::test]
async fn a_cooldown_separates_attempts_and_answers_show_after_submit() {
    let app = spawn_app().await;
    app.import_fixture("kursus-esai", "instruktur").await;
    let learner = app.login(LEARNER).await;
    enrol(&app, &learner, "kursus-esai", "bacaan").await;
    let key = app.answer_key_of("kursus-esai", "latihan-jeda").await;
    assert_eq!(
        key.as_array().map(Vec::len),
        Some(2),
        "two questions in the GIFT category"
    );

    let (status, first) = start(&app, &learner, "kursus-esai", "latihan-jeda").await;
    assert_eq!(status, 201);
    assert_eq!(
        question_ids(&first).len(),
        1,
        "one drawn from the category: {first}"
    );
    assert!(first["deadline"].is_string(), "ten minutes");
    let (_, result) = app
        .post(
            &format!("/api/v1/attempts/{}/submit", id_of(&first)),
            &learner,
            Some(json!({"responses": key_for(&key, &first)})),
        )
        .await;
    assert_eq!(
        (result["percent"].as_f64(), result["passed"].as_bool()),
        (Some(100.0), Some(true))
    );
    let (_, shown) = app
        .get(&format!("/api/v1/attempts/{}", id_of(&first)), &learner)
        .await;
    assert_eq!(shown["review"]["shows_correct"], true, "after_submit");
    assert!(shown["review"]["questions"][0]["correct"].is_object());

    let (status, body) = start(&app, &learner, "kursus-esai", "latihan-jeda").await;
    assert_eq!((status, error_code(&body).as_str()), (409, "cooldown"));
    let available: chrono::DateTime<Utc> = body["available_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    assert!(
        available > Utc::now() + Duration::minutes(59)
            && available <= Utc::now() + Duration::minutes(60)
    );
    let (_, standing) = app
        .get("/api/v1/courses/kursus-esai/quizzes/latihan-jeda", &learner)
        .await;
    assert_eq!(standing["next_attempt_at"], body["available_at"]);
    // An hour later the next attempt starts.
    set_time(
        &app,
        "quiz_attempts",
        "submitted_at",
        Utc::now() - Duration::minutes(61),
        "id",
        id_of(&first),
    )
    .await;
    let (status, _) = start(&app, &learner, "kursus-esai", "latihan-jeda").await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn an_attempt_past_its_deadline_is_graded_with_what_was_saved_in_time() {
    let app = spawn_app().await;
    app.import_fixture("kursus-esai", "instruktur").await;
    let learner = app.login(OTHER_LEARNER).await;
    enrol(&app, &learner, "kursus-esai", "bacaan").await;
    let key = app.answer_key_of("kursus-esai", "latihan-jeda").await;

    // Saved in time, then the deadline passes with the attempt left open.
    let (_, attempt) = start(&app, &learner, "kursus-esai", "latihan-jeda").await;
    let id = id_of(&attempt);
    let save_url = format!("/api/v1/attempts/{id}/responses");
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            &save_url,
            Some(&learner),
            Some(json!({"responses": key_for(&key, &attempt)})),
        )
        .await;
    assert_eq!(status, 200);
    set_time(
        &app,
        "attempt_responses",
        "updated_at",
        Utc::now() - Duration::minutes(3),
        "attempt_id",
        id,
    )
    .await;
    set_time(
        &app,
        "quiz_attempts",
        "deadline",
        Utc::now() - Duration::minutes(1),
        "id",
        id,
    )
    .await;
    // Touching it closes and grades it; a later save is refused.
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &save_url,
            Some(&learner),
            Some(json!({"responses": []})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (_, shown) = app.get(&format!("/api/v1/attempts/{id}"), &learner).await;
    assert_eq!(
        (shown["state"].as_str(), shown["result"]["percent"].as_f64()),
        (Some("graded"), Some(100.0)),
        "{shown}"
    );

    // An answer saved after the deadline does not count.
    set_time(
        &app,
        "quiz_attempts",
        "submitted_at",
        Utc::now() - Duration::hours(2),
        "id",
        id,
    )
    .await;
    let (_, late) = start(&app, &learner, "kursus-esai", "latihan-jeda").await;
    let late_id = id_of(&late);
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/attempts/{late_id}/responses"),
            Some(&learner),
            Some(json!({"responses": key_for(&key, &late)})),
        )
        .await;
    assert_eq!(status, 200);
    set_time(
        &app,
        "quiz_attempts",
        "deadline",
        Utc::now() - Duration::minutes(1),
        "id",
        late_id,
    )
    .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/attempts/{late_id}/submit"),
            &learner,
            Some(json!({"responses": key_for(&key, &late)})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "attempt_already_submitted"),
        "{body}"
    );
    assert_eq!(body["result"]["percent"].as_f64(), Some(0.0), "{body}");
}

#[tokio::test]
async fn submissions_racing_from_several_tabs_grade_once() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    enrol(&app, &learner, "kursus-uji", "pengantar").await;
    let key = app.answer_key("kuis-akhir").await;
    let (_, attempt) = start(&app, &learner, "kursus-uji", "kuis-akhir").await;
    let url = format!("/api/v1/attempts/{}/submit", id_of(&attempt));
    let body = json!({"responses": key});
    let (a, b, c, d) = tokio::join!(
        app.post(&url, &learner, Some(body.clone())),
        app.post(&url, &learner, Some(body.clone())),
        app.post(&url, &learner, Some(body.clone())),
        app.post(&url, &learner, Some(body.clone())),
    );
    let all = [a, b, c, d];
    let won: Vec<&(u16, Value)> = all.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(won.len(), 1, "{all:?}");
    for (status, body) in all.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(
            (*status, error_code(body).as_str()),
            (409, "attempt_already_submitted")
        );
        assert_eq!(body["result"]["percent"], won[0].1["percent"]);
    }
    let (_, certs) = app.get("/api/v1/me/certificates", &learner).await;
    assert_eq!(certs["certificates"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn instructors_see_quiz_statistics_as_json_and_csv() {
    let app = spawn_app().await;
    let key = app.answer_key("kuis-akhir").await;
    for (who, responses) in [(LEARNER, key.clone()), (OTHER_LEARNER, json!([]))] {
        let token = app.login(who).await;
        enrol(&app, &token, "kursus-uji", "pengantar").await;
        let (_, attempt) = start(&app, &token, "kursus-uji", "kuis-akhir").await;
        let (status, _) = app
            .post(
                &format!("/api/v1/attempts/{}/submit", id_of(&attempt)),
                &token,
                Some(json!({"responses": responses})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let url = "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/statistics";
    let learner = app.login(LEARNER).await;
    let (status, _) = app.get(url, &learner).await;
    assert_eq!(status, 403);
    let admin = app.login("admin").await;
    let (status, stats) = app.get(url, &admin).await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(
        (
            stats["attempts"].as_u64(),
            stats["average_percent"].as_f64(),
            stats["pass_rate"].as_f64()
        ),
        (Some(2), Some(50.0), Some(50.0)),
        "{stats}"
    );
    let questions = stats["questions"].as_array().cloned().unwrap_or_default();
    assert_eq!(questions.len(), 7);
    for q in &questions {
        assert_eq!(q["facility_index"].as_f64(), Some(50.0), "{q}");
    }
    let q1 = questions
        .iter()
        .find(|q| q["id"] == "q1")
        .cloned()
        .unwrap_or_default();
    let chosen: Vec<(f64, u64)> = q1["options"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            (
                o["weight"].as_f64().unwrap_or_default(),
                o["count"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        chosen.contains(&(100.0, 1)) && chosen.iter().map(|c| c.1).sum::<u64>() == 1,
        "{q1}"
    );
    let (status, kind, csv) = app
        .get_bytes(&format!("{url}?format=csv"), Some(&admin))
        .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap_or_default();
    assert_eq!(csv.lines().count(), 8, "{csv}");
    assert!(
        csv.lines()
            .next()
            .unwrap_or_default()
            .starts_with("soal,jenis,teks,poin,ditampilkan,dijawab,indeks_kemudahan")
    );
    assert!(csv.contains("20 JP (100%): 1"), "{csv}");
}
