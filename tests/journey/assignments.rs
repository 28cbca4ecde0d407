//! Assignments (issue 16): managers require a course of their units or named people by a
//! due date, within their scope; learners see them first on their home page with their
//! state; the assignment report; reminder mails through a real SMTP server.

use chrono::{Duration, Utc};
use lentera_domain::mail::{MailConfig, SmtpUrl};
use lentera_domain::reminders::{RunSummary, run_once};
use lentera_domain::{Config, Lentera};
use lentera_tests::smtp::{self, Received, SmtpServer};
use lentera_tests::{LEARNER, TestApp, error_code, spawn_app, spawn_app_configured};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// BUNGO (seeded, holds the two seeded learners)
///   ├─ BUNGO-DINKES ── BUNGO-DINKES-PKM (a Puskesmas)
///   └─ BUNGO-BKPSDM
/// SAWAHLUNTO (another regency)
pub(crate) async fn build_tree(app: &TestApp, admin: &str) {
    for (code, name, parent) in [
        ("BUNGO-DINKES", "Dinas Kesehatan", Some("BUNGO")),
        (
            "BUNGO-DINKES-PKM",
            "Puskesmas Muara Bungo",
            Some("BUNGO-DINKES"),
        ),
        ("BUNGO-BKPSDM", "BKPSDM Kabupaten Bungo", Some("BUNGO")),
        ("SAWAHLUNTO", "Pemerintah Kota Sawahlunto", None),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/units",
                admin,
                Some(json!({"code": code, "name": name, "parent": parent})),
            )
            .await;
        assert_eq!(status, 201, "{code}: {body}");
    }
}

/// Creates a user through the API (with an e-mail address when given) and signs in.
pub(crate) async fn new_user(
    app: &TestApp,
    admin: &str,
    nip: &str,
    name: &str,
    unit: &str,
    roles: &[&str],
    email: Option<&str>,
) -> String {
    let mut body = json!({"nip": nip, "name": name, "unit": unit, "roles": roles});
    if let Some(e) = email {
        body["email"] = json!(e);
    }
    let (status, body) = app.post("/api/v1/users", admin, Some(body)).await;
    assert_eq!(status, 201, "{body}");
    let password = body["initial_password"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.login_with(nip, &password).await
}

pub(crate) const PKM_NURSE: &str = "199203142018012002";
pub(crate) const BKPSDM_STAFF: &str = "198811202012121001";
pub(crate) const SAWAHLUNTO_STAFF: &str = "197905052005011004";
pub(crate) const DINKES_HEAD: &str = "197501012000031001";
pub(crate) const BUNGO_HEAD: &str = "197002021995031002";
pub(crate) const BKPSDM_HEAD: &str = "197803032003121001";
const LATE_JOINER: &str = "199506062020122003";

/// A day `days` from today (WIB), as YYYY-MM-DD.
pub(crate) fn day_in(days: i64) -> String {
    (Utc::now() + Duration::hours(7) + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A page as the holder of an API token sees it (the token is also a session cookie).
pub(crate) async fn page(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app
        .api
        .get(app.url(path))
        .header("cookie", format!("lentera_session={token}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

async fn delete(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    app.call(reqwest::Method::DELETE, path, Some(token), None)
        .await
}

fn ids(list: &Value) -> Vec<i64> {
    list["assignments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["id"].as_i64())
        .collect()
}

/// Moves an assignment's due date (a due date in the past cannot be set through the API).
pub(crate) async fn set_due(app: &TestApp, id: i64, due: &str) {
    let db = app.db().await;
    db.execute_unprepared(&format!(
        "UPDATE assignments SET due = '{due}' WHERE id = {id}"
    ))
    .await
    .unwrap_or_else(|e| panic!("set due: {e}"));
}

/// The people of the tree, signed in: a nurse in the Puskesmas under Dinkes, a BKPSDM
/// officer, someone in another regency, and the heads of Dinkes, of the regency and of
/// BKPSDM (Dinkes's sibling).
struct Staff {
    nurse: String,
    bkpsdm: String,
    dinkes: String,
    bungo: String,
    sibling: String,
}

async fn staff(app: &TestApp, admin: &str) -> Staff {
    build_tree(app, admin).await;
    let nurse = new_user(
        app,
        admin,
        PKM_NURSE,
        "Ns. Dewi Lestari",
        "BUNGO-DINKES-PKM",
        &["learner"],
        None,
    )
    .await;
    let bkpsdm = new_user(
        app,
        admin,
        BKPSDM_STAFF,
        "Andi Saputra",
        "BUNGO-BKPSDM",
        &["learner"],
        None,
    )
    .await;
    let _far = new_user(
        app,
        admin,
        SAWAHLUNTO_STAFF,
        "Yusuf Efendi",
        "SAWAHLUNTO",
        &["learner"],
        None,
    )
    .await;
    let dinkes = new_user(
        app,
        admin,
        DINKES_HEAD,
        "dr. Hendra Gunawan",
        "BUNGO-DINKES",
        &["manager"],
        None,
    )
    .await;
    let bungo = new_user(
        app,
        admin,
        BUNGO_HEAD,
        "Drs. Syamsul Bahri",
        "BUNGO",
        &["manager"],
        None,
    )
    .await;
    let sibling = new_user(
        app,
        admin,
        BKPSDM_HEAD,
        "Hj. Nurhayati",
        "BUNGO-BKPSDM",
        &["manager"],
        None,
    )
    .await;
    Staff {
        nurse,
        bkpsdm,
        dinkes,
        bungo,
        sibling,
    }
}

#[tokio::test]
async fn managers_assign_within_their_units_and_learners_see_their_state() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let Staff {
        nurse,
        bkpsdm,
        dinkes,
        bungo,
        sibling,
    } = staff(&app, &admin).await;
    let due = day_in(14);

    // Outside the Dinkes manager's scope: the parent, a sibling, another regency, people
    // there; all "not found", as in reports.
    for (body, code) in [
        (
            json!({"course": "kursus-uji", "unit": "BUNGO", "due": due}),
            "unit_not_found",
        ),
        (
            json!({"course": "kursus-uji", "unit": "BUNGO-BKPSDM", "due": due}),
            "unit_not_found",
        ),
        (
            json!({"course": "kursus-uji", "unit": "SAWAHLUNTO", "due": due}),
            "unit_not_found",
        ),
        (
            json!({"course": "kursus-uji", "unit": "TIDAK-ADA", "due": due}),
            "unit_not_found",
        ),
        (
            json!({"course": "kursus-uji", "users": [SAWAHLUNTO_STAFF], "due": due}),
            "user_not_found",
        ),
        (
            json!({"course": "kursus-uji", "users": [PKM_NURSE, BKPSDM_STAFF], "due": due}),
            "user_not_found",
        ),
        (
            json!({"course": "tidak-ada", "unit": "BUNGO-DINKES", "due": due}),
            "course_not_found",
        ),
        (
            json!({"path": "literasi-digital", "unit": "BUNGO-DINKES", "due": due}),
            "not_found",
        ),
    ] {
        let (status, answer) = app
            .post("/api/v1/assignments", &dinkes, Some(body.clone()))
            .await;
        assert_eq!(
            (status, error_code(&answer).as_str()),
            (404, code),
            "{body}: {answer}"
        );
    }
    // Broken or incomplete bodies.
    for body in [
        json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "due": day_in(-1)}),
        json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "due": "31-12-2026"}),
        json!({"course": "kursus-uji", "due": due}),
        json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "users": [PKM_NURSE], "due": due}),
        json!({"unit": "BUNGO-DINKES", "due": due}),
        json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "due": due, "note": "x".repeat(1001)}),
        json!({"course": "kursus-uji", "users": ["bukan-nip"], "due": due}),
    ] {
        let (status, answer) = app
            .post("/api/v1/assignments", &dinkes, Some(body.clone()))
            .await;
        assert_eq!(
            (status, error_code(&answer).as_str()),
            (422, "invalid_assignment"),
            "{body}: {answer}"
        );
    }
    let (status, answer) = app
        .post(
            "/api/v1/assignments",
            &dinkes,
            Some(json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "due": due, "extra": 1})),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    // A learner may not assign.
    let (status, _) = app
        .post(
            "/api/v1/assignments",
            &nurse,
            Some(json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "due": due})),
        )
        .await;
    assert_eq!(status, 403);

    // Within scope: Dinkes with its Puskesmas.
    let (status, created) = app
        .post(
            "/api/v1/assignments",
            &dinkes,
            Some(
                json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "due": due,
                        "note": "Wajib sebelum akreditasi puskesmas"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap_or_default();
    assert_eq!(created["course"], "kursus-uji");
    assert_eq!(created["unit"], "BUNGO-DINKES");
    assert_eq!(created["due"], due.as_str());

    // The nurse (in the Puskesmas, below Dinkes) has it; BKPSDM staff and the seeded
    // learner (in BUNGO, above Dinkes) do not.
    let (status, mine) = app.get("/api/v1/me/assignments", &nurse).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(ids(&mine), vec![id]);
    let first = &mine["assignments"][0];
    assert_eq!(first["state"], "not_started");
    assert_eq!(first["title"], "Kursus Uji Lentera");
    assert_eq!(first["days_left"], 14);
    assert!(first["completed_at"].is_null());
    for token in [&bkpsdm, &app.login(LEARNER).await] {
        let (_, other) = app.get("/api/v1/me/assignments", token).await;
        assert_eq!(ids(&other), Vec::<i64>::new(), "{other}");
    }

    // Someone who joins the Puskesmas afterwards has it too.
    let joiner = new_user(
        &app,
        &admin,
        LATE_JOINER,
        "Rina Marlina, A.Md.Kep.",
        "BUNGO-DINKES-PKM",
        &["learner"],
        None,
    )
    .await;
    let (_, theirs) = app.get("/api/v1/me/assignments", &joiner).await;
    assert_eq!(ids(&theirs), vec![id]);

    // Named people within scope.
    let (status, named) = app
        .post(
            "/api/v1/assignments",
            &bungo,
            Some(json!({"course": "kursus-uji", "users": [BKPSDM_STAFF], "due": day_in(3)})),
        )
        .await;
    assert_eq!(status, 201, "{named}");
    assert_eq!(named["named"], 1);
    let named_id = named["id"].as_i64().unwrap_or_default();
    let (_, theirs) = app.get("/api/v1/me/assignments", &bkpsdm).await;
    assert_eq!(ids(&theirs), vec![named_id]);

    // Lists: one's own; an admin's: all.
    let (_, list) = app.get("/api/v1/assignments", &dinkes).await;
    assert_eq!(ids(&list), vec![id]);
    let (_, list) = app.get("/api/v1/assignments", &bungo).await;
    assert_eq!(ids(&list), vec![named_id]);
    let (_, list) = app.get("/api/v1/assignments", &admin).await;
    assert_eq!(ids(&list), vec![named_id, id]);

    // The detail: the parent unit's manager sees it, a sibling's does not.
    let (status, detail) = app.get(&format!("/api/v1/assignments/{id}"), &bungo).await;
    assert_eq!(status, 200, "{detail}");
    let people: Vec<&str> = detail["people"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["nip"].as_str())
        .collect();
    assert_eq!(people.len(), 3, "{detail}");
    assert!(
        people.contains(&PKM_NURSE)
            && people.contains(&LATE_JOINER)
            && people.contains(&DINKES_HEAD)
    );
    let (status, answer) = app
        .get(&format!("/api/v1/assignments/{id}"), &sibling)
        .await;
    assert_eq!(
        (status, error_code(&answer).as_str()),
        (404, "assignment_not_found")
    );
    let (status, _) = delete(&app, &format!("/api/v1/assignments/{id}"), &sibling).await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get(&format!("/api/v1/assignments/{named_id}"), &dinkes)
        .await;
    assert_eq!(status, 404, "a named BKPSDM person is outside Dinkes");

    // The nurse completes the course: completed, with the day.
    app.complete_fixture_course(&nurse).await;
    let (_, mine) = app.get("/api/v1/me/assignments", &nurse).await;
    assert_eq!(mine["assignments"][0]["state"], "completed");
    assert_eq!(mine["assignments"][0]["completed_at"], day_in(0).as_str());
    // The joiner enrols only: in progress; once the due date passed: overdue. The nurse's
    // completion stands (completed stays completed, even after the due date).
    let (status, _) = app
        .post("/api/v1/courses/kursus-uji/enrollment", &joiner, None)
        .await;
    assert!(status == 200 || status == 201);
    let (_, theirs) = app.get("/api/v1/me/assignments", &joiner).await;
    assert_eq!(theirs["assignments"][0]["state"], "in_progress");
    set_due(&app, id, &day_in(-2)).await;
    let (_, theirs) = app.get("/api/v1/me/assignments", &joiner).await;
    assert_eq!(theirs["assignments"][0]["state"], "overdue");
    assert_eq!(theirs["assignments"][0]["days_left"], -2);
    let (_, mine) = app.get("/api/v1/me/assignments", &nurse).await;
    assert_eq!(mine["assignments"][0]["state"], "completed");

    // The home page leads with it: "Wajib", the due date in Indonesian, days late.
    let (status, html) = page(&app, &joiner, "/").await;
    assert_eq!(status, 200);
    let wajib = html
        .find("Wajib")
        .unwrap_or_else(|| panic!("no Wajib: {html}"));
    let jp = html
        .find("Jam pelajaran")
        .unwrap_or_else(|| panic!("no JP card"));
    assert!(wajib < jp, "assignments come first");
    assert!(html.contains("Terlambat 2 hari"), "{html}");
    assert!(html.contains("href=\"/kursus/kursus-uji\""));
    let (_, html) = page(&app, &bkpsdm, "/").await;
    assert!(html.contains("3 hari lagi"), "{html}");

    // Withdrawn by the maker: gone from the lists; audit-logged.
    let (status, _) = delete(&app, &format!("/api/v1/assignments/{id}"), &dinkes).await;
    assert_eq!(status, 204);
    let (_, theirs) = app.get("/api/v1/me/assignments", &joiner).await;
    assert_eq!(ids(&theirs), Vec::<i64>::new());
    let (status, _) = delete(&app, &format!("/api/v1/assignments/{id}"), &dinkes).await;
    assert_eq!(status, 404);
    let db = app.db().await;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT action FROM audit_log WHERE action LIKE 'assignment.%' ORDER BY id",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let actions: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "action").ok())
        .collect();
    assert_eq!(
        actions,
        vec![
            "assignment.created",
            "assignment.created",
            "assignment.withdrawn"
        ]
    );
}

fn rows_of<'a>(report: &'a Value, nip: &str) -> Vec<&'a Value> {
    report["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["nip"] == nip)
        .collect()
}

#[tokio::test]
async fn the_assignment_report_counts_overdue_people_per_unit_within_scope() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let Staff {
        nurse,
        bkpsdm: _,
        dinkes,
        bungo,
        sibling,
    } = staff(&app, &admin).await;

    // The regency head assigns the course to all of BUNGO; it is overdue by now for those
    // who did not complete it. The nurse did.
    let (status, all) = app
        .post(
            "/api/v1/assignments",
            &bungo,
            Some(json!({"course": "kursus-uji", "unit": "BUNGO", "due": day_in(5)})),
        )
        .await;
    assert_eq!(status, 201, "{all}");
    app.complete_fixture_course(&nurse).await;
    set_due(&app, all["id"].as_i64().unwrap_or_default(), &day_in(-1)).await;

    // The Dinkes manager reads Dinkes and its Puskesmas: themself (overdue) and the nurse
    // (completed), by the regency's assignment.
    let (status, report) = app.get("/api/v1/reports/assignments", &dinkes).await;
    assert_eq!(status, 200, "{report}");
    let nips: Vec<&str> = report["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["nip"].as_str())
        .collect();
    assert_eq!(nips.len(), 2, "{report}");
    assert_eq!(rows_of(&report, PKM_NURSE)[0]["state"], "completed");
    assert_eq!(rows_of(&report, DINKES_HEAD)[0]["state"], "overdue");
    let units: Vec<(String, i64, i64)> = report["units"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| {
            (
                u["unit"].as_str().unwrap_or_default().to_owned(),
                u["overdue"].as_i64().unwrap_or(-1),
                u["completed"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        units,
        vec![
            ("BUNGO-DINKES".to_owned(), 1, 0),
            ("BUNGO-DINKES-PKM".to_owned(), 0, 1)
        ]
    );

    // Scope: a sibling's manager asking for Dinkes, a sub-unit's manager asking for the
    // parent, anyone asking for another regency: not found.
    for (token, unit) in [
        (&sibling, "BUNGO-DINKES"),
        (&dinkes, "BUNGO"),
        (&bungo, "SAWAHLUNTO"),
    ] {
        let (status, answer) = app
            .get(&format!("/api/v1/reports/assignments?unit={unit}"), token)
            .await;
        assert_eq!(
            (status, error_code(&answer).as_str()),
            (404, "unit_not_found"),
            "{unit}"
        );
    }
    // The regency head sees all of BUNGO (its people and the sub-units'), not Sawahlunto.
    let (_, report) = app
        .get("/api/v1/reports/assignments?unit=BUNGO", &bungo)
        .await;
    assert!(rows_of(&report, SAWAHLUNTO_STAFF).is_empty());
    assert_eq!(rows_of(&report, BKPSDM_STAFF)[0]["state"], "overdue");
    assert_eq!(rows_of(&report, LEARNER)[0]["state"], "overdue");
    let bungo_line = report["units"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["unit"] == "BUNGO")
        .cloned()
        .unwrap_or_default();
    // The two seeded learners, the regency head, the instructors and the admin of BUNGO.
    assert!(
        bungo_line["overdue"].as_i64().unwrap_or_default() >= 3,
        "{bungo_line}"
    );

    // The same rows as files: CSV for programs, the Indonesian Excel CSV, XLSX.
    let (status, kind, csv) = app
        .get_bytes("/api/v1/reports/assignments?format=csv", Some(&dinkes))
        .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let csv = String::from_utf8_lossy(&csv);
    assert!(
        csv.starts_with("penugasan,kursus,judul,tenggat,nip,nama,unit,status"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "{DINKES_HEAD},dr. Hendra Gunawan,BUNGO-DINKES,overdue"
        )),
        "{csv}"
    );
    let (_, _, csv_id) = app
        .get_bytes("/api/v1/reports/assignments?format=csv-id", Some(&dinkes))
        .await;
    let csv_id = String::from_utf8_lossy(&csv_id);
    assert!(csv_id.starts_with('\u{feff}'), "BOM");
    assert!(
        csv_id.contains(";terlambat;") && csv_id.contains(";selesai;"),
        "{csv_id}"
    );
    let (status, kind, xlsx) = app
        .get_bytes("/api/v1/reports/assignments?format=xlsx", Some(&dinkes))
        .await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert!(xlsx.starts_with(b"PK"), "a zip");
    let (status, answer) = app
        .get("/api/v1/reports/assignments?format=pdf", &dinkes)
        .await;
    assert_eq!(
        (status, error_code(&answer).as_str()),
        (400, "invalid_format")
    );
}

#[tokio::test]
async fn managers_assign_and_withdraw_through_the_pages() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    build_tree(&app, &admin).await;
    let nurse = new_user(
        &app,
        &admin,
        PKM_NURSE,
        "Ns. Dewi Lestari",
        "BUNGO-DINKES-PKM",
        &["learner"],
        None,
    )
    .await;
    let dinkes = new_user(
        &app,
        &admin,
        DINKES_HEAD,
        "dr. Hendra Gunawan",
        "BUNGO-DINKES",
        &["manager"],
        None,
    )
    .await;
    let (status, html) = page(&app, &dinkes, "/laporan/penugasan").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Tugaskan kursus") && html.contains("Kursus Uji Lentera"));
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let post = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let dinkes = dinkes.clone();
        let csrf = csrf.clone();
        async move {
            let mut form = form;
            form.push(("csrf", csrf.clone()));
            let res = app
                .api
                .post(app.url("/laporan/penugasan"))
                .header(
                    "cookie",
                    format!("lentera_session={dinkes}; lentera_csrf={csrf}"),
                )
                .form(&form)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (status, location, res.text().await.unwrap_or_default())
        }
    };
    // A due date in the past: the form comes back with the message at the field and
    // everything typed kept.
    let (status, _, html) = post(vec![
        ("course", "kursus-uji".into()),
        ("unit", "BUNGO-DINKES".into()),
        ("due", day_in(-3)),
        ("note", "Untuk akreditasi".into()),
    ])
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Tanggal tenggat: hari ini atau sesudahnya."),
        "{html}"
    );
    assert!(
        html.contains(&format!("value=\"{}\"", day_in(-3)))
            && html.contains(">Untuk akreditasi</textarea>")
    );
    assert!(html.contains("value=\"BUNGO-DINKES\" selected"));
    // A NIP outside the unit: not found, said at the NIP field.
    let (status, _, html) = post(vec![
        ("course", "kursus-uji".into()),
        ("users", SAWAHLUNTO_STAFF.into()),
        ("due", day_in(3)),
    ])
    .await;
    assert_eq!(status, 404, "{html}");
    assert!(html.contains("milik pegawai di unit Anda"), "{html}");
    // Saved: back to the page with a notice; the nurse has it.
    let (status, location, _) = post(vec![
        ("course", "kursus-uji".into()),
        ("unit", "BUNGO-DINKES".into()),
        ("due", day_in(10)),
    ])
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/laporan/penugasan?ok=dibuat")
    );
    let (_, mine) = app.get("/api/v1/me/assignments", &nurse).await;
    let id = mine["assignments"][0]["id"].as_i64().unwrap_or_default();
    assert!(id > 0, "{mine}");
    let (_, html) = page(&app, &dinkes, "/laporan/penugasan?ok=dibuat").await;
    assert!(
        html.contains("Penugasan tersimpan") && html.contains("Ns. Dewi Lestari"),
        "{html}"
    );
    // Withdrawn through its button.
    let res = app
        .api
        .post(app.url(&format!("/laporan/penugasan/{id}/tarik")))
        .header(
            "cookie",
            format!("lentera_session={dinkes}; lentera_csrf={csrf}"),
        )
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 303);
    let (_, mine) = app.get("/api/v1/me/assignments", &nurse).await;
    assert_eq!(ids(&mine), Vec::<i64>::new());
    // The page's download.
    let res = app
        .api
        .get(app.url("/laporan/penugasan/unduh?format=csv-id"))
        .header("cookie", format!("lentera_session={dinkes}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 200);
    let body = res.text().await.unwrap_or_default();
    assert!(body.contains("Penugasan;Kursus;Judul;Tenggat"), "{body}");
}

fn mail_through(url: &str) -> MailConfig {
    MailConfig {
        smtp: Some(SmtpUrl::parse(url).unwrap_or_else(|e| panic!("{e}"))),
        from: Some("Lentera Bungo <lentera@bungokab.go.id>".to_owned()),
        poll: std::time::Duration::from_millis(100),
        retry_base: std::time::Duration::from_millis(150),
        retry_max: std::time::Duration::from_millis(400),
        max_attempts: 5,
        lease: std::time::Duration::from_secs(30),
        timeout: std::time::Duration::from_secs(5),
    }
}

/// An instance on the test server's database and data folder, as `lentera reminders run`
/// opens one: the reminders it queues go out through the server's outbox worker.
async fn instance(app: &TestApp, smtp: &str, jp_month: u32) -> Lentera {
    let mut config = Config::from_vars(|_| None).unwrap_or_else(|e| panic!("{e}"));
    config.database_url = app.database_url.clone();
    config.data_dir = app.dir.path().to_path_buf();
    config.public_url = "http://lentera.test".into();
    config.issuer = "Pemerintah Kabupaten Bungo".into();
    config.mail = mail_through(smtp);
    config.jp_reminder_month = jp_month;
    Lentera::open(config)
        .await
        .unwrap_or_else(|e| panic!("open: {e}"))
}

/// Every mail that arrived once `n` did (and a moment more, to see nothing else comes).
async fn mails(server: &SmtpServer, n: usize) -> Vec<Received> {
    server.wait_for(n, std::time::Duration::from_secs(20)).await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    server.received()
}

fn to(mails: &[Received], address: &str) -> Vec<Received> {
    mails
        .iter()
        .filter(|m| m.rcpt_tos.iter().any(|r| r == address))
        .cloned()
        .collect()
}

const NURSE_MAIL: &str = "dewi.lestari@bungokab.go.id";
const ENGLISH_MAIL: &str = "rina.marlina@bungokab.go.id";
const QUIET_MAIL: &str = "andi.saputra@bungokab.go.id";

#[tokio::test]
async fn reminders_are_mailed_once_each_to_those_who_take_them() {
    if !smtp::available() {
        return;
    }
    let server = SmtpServer::start();
    let url = server.url();
    let app = spawn_app_configured(true, |c| c.mail = mail_through(&url)).await;
    let admin = app.login("admin").await;
    build_tree(&app, &admin).await;
    let nurse = new_user(
        &app,
        &admin,
        PKM_NURSE,
        "Ns. Dewi Lestari",
        "BUNGO-DINKES-PKM",
        &["learner"],
        Some(NURSE_MAIL),
    )
    .await;
    let _english = new_user(
        &app,
        &admin,
        LATE_JOINER,
        "Rina Marlina",
        "BUNGO-DINKES",
        &["learner"],
        Some(ENGLISH_MAIL),
    )
    .await;
    let quiet = new_user(
        &app,
        &admin,
        BKPSDM_STAFF,
        "Andi Saputra",
        "BUNGO-DINKES",
        &["learner"],
        Some(QUIET_MAIL),
    )
    .await;
    let dinkes = new_user(
        &app,
        &admin,
        DINKES_HEAD,
        "dr. Hendra Gunawan",
        "BUNGO-DINKES",
        &["manager"],
        None,
    )
    .await;
    // Rina reads Lentera in English (as the language switch would record it).
    app.db()
        .await
        .execute_unprepared(&format!(
            "UPDATE users SET language = 'en' WHERE username = '{LATE_JOINER}'"
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // One person turns reminders off; broken bodies are refused.
    let (status, prefs) = app
        .put(
            "/api/v1/me/preferences",
            &quiet,
            json!({"reminders": false}),
        )
        .await;
    assert_eq!(
        (status, &prefs["reminders"]),
        (200, &json!(false)),
        "{prefs}"
    );
    let (status, _) = app
        .put(
            "/api/v1/me/preferences",
            &quiet,
            json!({"reminders": "nee"}),
        )
        .await;
    assert_eq!(status, 400);

    // A new assignment: one mail to each person with an address who takes reminders, in
    // their language, with the due date and a link to the course.
    let today =
        chrono::NaiveDate::parse_from_str(&day_in(0), "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"));
    let due = today + Duration::days(10);
    let (status, created) = app
        .post(
            "/api/v1/assignments",
            &dinkes,
            Some(
                json!({"course": "kursus-uji", "unit": "BUNGO-DINKES", "due": due.to_string(),
                          "note": "Wajib sebelum akreditasi puskesmas"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap_or_default();
    let got = mails(&server, 2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let nurse_mail = &to(&got, NURSE_MAIL)[0];
    assert!(
        nurse_mail
            .subject
            .starts_with("Pelatihan wajib: Kursus Uji Lentera"),
        "{}",
        nurse_mail.subject
    );
    assert!(
        nurse_mail
            .subject
            .contains(&lentera_certificate::tanggal_indonesia(due)),
        "{}",
        nurse_mail.subject
    );
    assert!(
        nurse_mail
            .body
            .contains("http://lentera.test/kursus/kursus-uji"),
        "{}",
        nurse_mail.body
    );
    assert!(
        nurse_mail
            .body
            .contains("Catatan: Wajib sebelum akreditasi puskesmas"),
        "{}",
        nurse_mail.body
    );
    let english_mail = &to(&got, ENGLISH_MAIL)[0];
    assert!(
        english_mail
            .subject
            .starts_with("Required training: Kursus Uji Lentera (due "),
        "{}",
        english_mail.subject
    );
    assert!(to(&got, QUIET_MAIL).is_empty());

    // Seven days before: "due in 7 days", once, however many runs (two at the same time,
    // as two replicas would).
    let jp_month = {
        use chrono::Datelike;
        (today + Duration::days(200)).month()
    };
    let one = instance(&app, &url, jp_month).await;
    let two = instance(&app, &url, jp_month).await;
    let day = today + Duration::days(3);
    let (a, b) = tokio::join!(run_once(&one, day), run_once(&two, day));
    let (a, b) = (
        a.unwrap_or_else(|e| panic!("{e:?}")),
        b.unwrap_or_else(|e| panic!("{e:?}")),
    );
    assert_eq!(a.due_7 + b.due_7, 2, "{a:?} {b:?}");
    let again = run_once(&one, day)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again, RunSummary::default());
    let got = mails(&server, 4).await;
    assert_eq!(got.len(), 4, "{got:?}");
    let soon = &to(&got, NURSE_MAIL)[1];
    assert!(
        soon.subject
            .starts_with("Pengingat: Kursus Uji Lentera bertenggat"),
        "{}",
        soon.subject
    );
    assert!(soon.body.contains("7 hari lagi"), "{}", soon.body);

    // The nurse completes the course: no more reminders for her. The day before: "due
    // tomorrow" for the other; after the due date: "overdue", once.
    app.complete_fixture_course(&nurse).await;
    let tomorrow = run_once(&one, due - Duration::days(1))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((tomorrow.due_1, tomorrow.overdue), (1, 0));
    let late = run_once(&one, due + Duration::days(2))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((late.overdue, late.due_1), (1, 0));
    let later = run_once(&one, due + Duration::days(3))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(later, RunSummary::default());
    let got = mails(&server, 6).await;
    assert_eq!(got.len(), 6, "{got:?}");
    let theirs = to(&got, ENGLISH_MAIL);
    assert_eq!(theirs.len(), 4, "{theirs:?}");
    assert!(
        theirs[2]
            .subject
            .starts_with("Reminder: Kursus Uji Lentera is due"),
        "{}",
        theirs[2].subject
    );
    assert!(
        theirs[3].subject.starts_with("Overdue: Kursus Uji Lentera"),
        "{}",
        theirs[3].subject
    );
    assert_eq!(to(&got, NURSE_MAIL).len(), 2);

    // The manager sees who was reminded, and how: in the assignment and in the report.
    let (status, detail) = app.get(&format!("/api/v1/assignments/{id}"), &dinkes).await;
    assert_eq!(status, 200, "{detail}");
    let person = |nip: &str| {
        detail["people"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["nip"] == nip)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        person(LATE_JOINER)["last_reminder"]["kind"],
        "assignment_overdue"
    );
    assert_eq!(
        person(PKM_NURSE)["last_reminder"]["kind"],
        "assignment_due_7"
    );
    assert_eq!(person(PKM_NURSE)["state"], "completed");
    assert!(person(BKPSDM_STAFF)["last_reminder"].is_null());
    let (_, report) = app
        .get("/api/v1/reports/assignments?unit=BUNGO-DINKES", &dinkes)
        .await;
    let row = rows_of(&report, LATE_JOINER)[0].clone();
    assert_eq!(row["last_reminder"], "assignment_overdue");
    assert_eq!(row["last_reminder_at"], day_in(0).as_str());

    // In the reminder month: everyone with an address still short of 20 JP, once a year,
    // with courses open to them; not the person who turned reminders off.
    let june = today + Duration::days(200);
    let jp = run_once(&one, june)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(jp.jp_shortfall, 2, "{jp:?}");
    let again = run_once(&two, june + Duration::days(1))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again.jp_shortfall, 0);
    let got = mails(&server, 8).await;
    assert_eq!(got.len(), 8, "{got:?}");
    let short = to(&got, NURSE_MAIL)
        .pop()
        .unwrap_or_else(|| panic!("no mail"));
    assert!(
        short.subject.starts_with("JP Anda tahun"),
        "{}",
        short.subject
    );
    assert!(
        short.body.contains("masih kurang")
            && short.body.contains(" JP): http://lentera.test/kursus/"),
        "{}",
        short.body
    );
    assert!(
        !short.body.contains("/kursus/kursus-uji"),
        "a completed course is not suggested: {}",
        short.body
    );
    assert!(to(&got, QUIET_MAIL).is_empty());

    // A mail that is not a reminder still reaches the person who turned reminders off.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let form = client
        .get(app.url("/lupa-sandi"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let res = client
        .post(app.url("/lupa-sandi"))
        .form(&[("csrf", csrf.as_str()), ("username", BKPSDM_STAFF)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 200);
    let got = mails(&server, 9).await;
    assert_eq!(to(&got, QUIET_MAIL).len(), 1, "{got:?}");

    // The account page's setting: off, then on again.
    let (status, html) = page(&app, &quiet, "/akun/pengingat").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Kirimi saya pengingat lewat e-mail")
            && !html.contains("value=\"1\" id=\"reminders\" checked"),
        "{html}"
    );
    let (_, html) = page(&app, &nurse, "/akun/pengingat").await;
    assert!(
        html.contains("value=\"1\" id=\"reminders\" checked"),
        "on by default: {html}"
    );
}

/// A learning path as an assignment: its title, and its state from all of its courses
/// (in progress once one is begun); the learner's home links to the path.
#[tokio::test]
async fn a_learning_path_can_be_assigned_and_its_state_follows_its_courses() {
    let app = lentera_tests::spawn_app_with(true).await;
    let admin = app.login("admin").await;
    let due = day_in(20);
    let (status, created) = app
        .post(
            "/api/v1/assignments",
            &admin,
            Some(json!({"path": "literasi-digital-pelayanan", "users": [LEARNER], "due": due})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["path"], "literasi-digital-pelayanan");
    assert_eq!(created["title"], "Literasi digital untuk pelayanan");
    let learner = app.login(LEARNER).await;
    let first = first_of_mine(&app, &learner).await;
    assert_eq!(
        (first["path"].as_str(), first["state"].as_str()),
        (Some("literasi-digital-pelayanan"), Some("not_started")),
        "{first}"
    );
    let (status, _) = app
        .post(
            "/api/v1/courses/literasi-digital-spbe/enrollment",
            &learner,
            None,
        )
        .await;
    assert!(status == 200 || status == 201);
    let (status, outline) = app
        .get("/api/v1/courses/literasi-digital-spbe", &learner)
        .await;
    assert_eq!(status, 200, "{outline}");
    let lesson = outline["lessons"][0]["slug"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, body) = app
        .post(
            &format!("/api/v1/courses/literasi-digital-spbe/lessons/{lesson}/complete"),
            &learner,
            None,
        )
        .await;
    assert!(status == 200 || status == 201, "{body}");
    let now = first_of_mine(&app, &learner).await;
    assert_eq!(now["state"], "in_progress", "{now}");
    let (_, html) = page(&app, &learner, "/").await;
    assert!(
        html.contains("href=\"/jalur/literasi-digital-pelayanan\""),
        "{html}"
    );
}

/// The first of the learner's assignments.
async fn first_of_mine(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.get("/api/v1/me/assignments", token).await;
    assert_eq!(status, 200, "{body}");
    body["assignments"][0].clone()
}
