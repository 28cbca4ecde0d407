//! Partner institutions and events: who may create them (managers within their units),
//! who sees and registers (the audience), the waitlist (also under concurrent
//! registrations for the last seat), attendance by list and by check-in code, the
//! calendar file and the "event tomorrow" reminder.

use chrono::{Duration, Utc};
use lentera_domain::sessions::hash_password_blocking;
use lentera_store::people::{self, NewUser};
use lentera_tests::{LEARNER, OTHER_LEARNER, PASSWORD, TestApp, error_code, spawn_app};
use serde_json::{Value, json};

/// Sawahlunto (a sibling of Bungo) with a learner; Bungo's Dinas Kesehatan below Bungo; a
/// manager of Bungo, one of the Dinas, one of Sawahlunto.
async fn world(app: &TestApp) {
    let db = app.db().await;
    let bungo = people::unit_by_code(&db, "BUNGO")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no BUNGO"));
    let dinkes = people::create_unit(&db, "BUNGO-DINKES", "Dinas Kesehatan", Some(bungo.id))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sawahlunto = people::create_unit(&db, "SAWAHLUNTO", "Pemerintah Kota Sawahlunto", None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let hash = hash_password_blocking(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    for (username, role, unit) in [
        ("manajer", lentera_domain::Role::Manager, bungo.id),
        ("manajer-dinkes", lentera_domain::Role::Manager, dinkes.id),
        ("manajer2", lentera_domain::Role::Manager, sawahlunto.id),
        ("pegawai-swl", lentera_domain::Role::Learner, sawahlunto.id),
        ("perawat", lentera_domain::Role::Learner, dinkes.id),
    ] {
        people::create_user(
            &db,
            NewUser {
                username: username.into(),
                nip: None,
                name: format!("Uji {username}"),
                email: Some(format!("{username}@bungokab.go.id")),
                unit_id: Some(unit),
                password_hash: hash.clone(),
                roles: vec![role],
                language: "id".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn at(offset: Duration) -> String {
    (Utc::now() + offset)
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| panic!("tz")))
        .to_rfc3339()
}

/// A seminar starting in `starts`, two hours long, for `audience`.
fn seminar(audience: Option<&str>, organiser: &str, capacity: i64, starts: Duration) -> Value {
    json!({
        "title": "Seminar Inovasi Pelayanan Publik bagi ASN Kabupaten Bungo",
        "kind": "seminar",
        "start": at(starts),
        "end": at(starts + Duration::hours(2)),
        "timezone": "WIB",
        "place": "Aula Bappeda Kabupaten Bungo, Muara Bungo",
        "capacity": capacity,
        "jp": 4,
        "organiser": organiser,
        "audience": audience,
        "description": "Bersama Universitas Jambi: inovasi pelayanan publik; studi kasus, diskusi kelompok.",
    })
}

async fn create_event(app: &TestApp, token: &str, body: Value) -> i64 {
    let (status, event) = app.post("/api/v1/events", token, Some(body)).await;
    assert_eq!(status, 201, "{event}");
    event["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {event}"))
}

#[tokio::test]
async fn admins_record_partners_and_managers_create_events_within_their_units() {
    let app = spawn_app().await;
    world(&app).await;
    let admin = app.login("admin").await;
    let manager = app.login("manajer").await;
    let learner = app.login(LEARNER).await;

    // Partners: admins only, validated, unique, audit-logged.
    let unja = json!({"code": "UNJA", "name": "Universitas Jambi", "kind": "universitas"});
    let (status, body) = app
        .post("/api/v1/partners", &manager, Some(unja.clone()))
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = app
        .post(
            "/api/v1/partners",
            &admin,
            Some(json!({"code": "UNJA", "name": "Universitas Jambi", "kind": "pabrik"})),
        )
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("kind")), "{body}");
    let (status, body) = app
        .post("/api/v1/partners", &admin, Some(unja.clone()))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["name"], "Universitas Jambi");
    let (status, body) = app.post("/api/v1/partners", &admin, Some(unja)).await;
    assert_eq!((status, error_code(&body)), (409, "partner_exists".into()));
    let (status, body) = app.get("/api/v1/partners", &learner).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["partners"][0]["code"], "UNJA");
    let audit = lentera_store::audit::recent(&app.db().await, 5)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        audit
            .iter()
            .any(|a| a.action == "partner.created" && a.target == "partner:UNJA"),
        "{audit:?}"
    );

    // A manager creates for their units (organised by a partner), not for a sibling's.
    let id = create_event(
        &app,
        &manager,
        seminar(Some("BUNGO-DINKES"), "UNJA", 30, Duration::days(3)),
    )
    .await;
    let (status, body) = app
        .post(
            "/api/v1/events",
            &manager,
            Some(seminar(Some("SAWAHLUNTO"), "UNJA", 30, Duration::days(3))),
        )
        .await;
    assert_eq!((status, error_code(&body)), (404, "unit_not_found".into()));
    let (status, body) = app
        .post(
            "/api/v1/events",
            &manager,
            Some(seminar(Some("BUNGO"), "SAWAHLUNTO", 30, Duration::days(3))),
        )
        .await;
    assert_eq!((status, error_code(&body)), (404, "unit_not_found".into()));
    let (status, body) = app
        .post(
            "/api/v1/events",
            &manager,
            Some(seminar(None, "BUNGO", 30, Duration::days(3))),
        )
        .await;
    assert_eq!(
        (status, &body["field"]),
        (422, &json!("audience")),
        "{body}"
    );
    let (status, body) = app
        .post(
            "/api/v1/events",
            &learner,
            Some(seminar(Some("BUNGO"), "BUNGO", 30, Duration::days(3))),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    // Validation names the field.
    for (field, value) in [
        ("kind", json!("rapat")),
        ("start", json!("2026-12-03 09:00")),
        ("end", json!(at(Duration::days(-1)))),
        ("timezone", json!("WET")),
        ("online_url", json!("javascript:alert(1)")),
        ("capacity", json!(0)),
        ("jp", json!(101)),
        ("organiser", json!("TIDAK-ADA")),
        ("title", json!("")),
    ] {
        let mut body = seminar(Some("BUNGO"), "BUNGO", 30, Duration::days(3));
        body[field] = value;
        let (status, answer) = app.post("/api/v1/events", &manager, Some(body)).await;
        assert_eq!(
            (status, &answer["field"]),
            (422, &json!(field)),
            "{field}: {answer}"
        );
    }

    // Shown in its time zone, with the partner as organiser.
    let (status, event) = app.get(&format!("/api/v1/events/{id}"), &manager).await;
    assert_eq!(status, 200, "{event}");
    assert_eq!(event["organiser"]["name"], "Universitas Jambi");
    assert!(
        event["start_local"]
            .as_str()
            .is_some_and(|s| s.ends_with(" WIB")),
        "{event}"
    );
    assert!(
        event["start"]
            .as_str()
            .is_some_and(|s| s.ends_with("+00:00"))
    );
    assert_eq!(event["can_manage"], true);

    // The audience (the Dinas and below) and its managers see it; Bungo's other staff,
    // the sibling's manager and staff do not.
    let perawat = app.login("perawat").await;
    let (_, list) = app.get("/api/v1/events", &perawat).await;
    assert_eq!(list["events"][0]["id"], id, "{list}");
    for who in ["manajer-dinkes", "manajer", "admin"] {
        let token = app.login(who).await;
        let (status, _) = app.get(&format!("/api/v1/events/{id}"), &token).await;
        assert_eq!(status, 200, "{who}");
    }
    for who in [LEARNER, "manajer2", "pegawai-swl"] {
        let token = app.login(who).await;
        let (status, body) = app.get(&format!("/api/v1/events/{id}"), &token).await;
        assert_eq!(
            (status, error_code(&body)),
            (404, "event_not_found".into()),
            "{who}"
        );
        let (_, list) = app.get("/api/v1/events", &token).await;
        assert!(
            list["events"]
                .as_array()
                .is_some_and(|l| l.iter().all(|e| e["id"] != id)),
            "{who}: {list}"
        );
    }
    // The sibling's manager cannot organise it either.
    let other = app.login("manajer2").await;
    let (status, _) = app
        .get(&format!("/api/v1/events/{id}/registrations"), &other)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_full_event_waitlists_and_a_cancellation_moves_the_first_up() {
    let app = spawn_app().await;
    world(&app).await;
    let admin = app.login("admin").await;
    // An admin's event without an audience is open to everyone.
    let id = create_event(&app, &admin, seminar(None, "BUNGO", 1, Duration::days(2))).await;
    let first = app.login(LEARNER).await;
    let second = app.login(OTHER_LEARNER).await;
    let third = app.login("pegawai-swl").await;
    let path = format!("/api/v1/events/{id}/registration");

    let (status, body) = app.post(&path, &first, None).await;
    assert_eq!(
        (status, &body["state"]),
        (201, &json!("registered")),
        "{body}"
    );
    let (status, body) = app.post(&path, &first, None).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "already_registered".into())
    );
    let (status, body) = app.post(&path, &second, None).await;
    assert_eq!(
        (status, &body["state"], &body["position"]),
        (201, &json!("waitlisted"), &json!(1)),
        "{body}"
    );
    let (status, body) = app.post(&path, &third, None).await;
    assert_eq!((status, &body["position"]), (201, &json!(2)), "{body}");

    // The first cancels: the second takes the seat, the third moves to position 1.
    let (status, body) = app
        .call(reqwest::Method::DELETE, &path, Some(&first), None)
        .await;
    assert_eq!(
        (status, &body["state"]),
        (200, &json!("cancelled")),
        "{body}"
    );
    let (_, event) = app.get(&format!("/api/v1/events/{id}"), &second).await;
    assert_eq!(event["mine"]["state"], "registered", "{event}");
    assert_eq!(
        (event["registered"].clone(), event["waitlisted"].clone()),
        (json!(1), json!(1))
    );
    let (_, event) = app.get(&format!("/api/v1/events/{id}"), &third).await;
    assert_eq!(event["mine"]["position"], 1, "{event}");
    let (status, body) = app
        .call(reqwest::Method::DELETE, &path, Some(&first), None)
        .await;
    assert_eq!((status, error_code(&body)), (409, "not_registered".into()));

    // The organiser's list: seats first, then the waitlist.
    let (status, list) = app
        .get(&format!("/api/v1/events/{id}/registrations"), &admin)
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["attendees"][0]["state"], "registered");
    assert_eq!(list["attendees"][1]["state"], "waitlisted");
    assert_eq!(list["check_in_code"].as_str().map(str::len), Some(6));

    // A unit's event refuses people outside its audience.
    let manager = app.login("manajer").await;
    let bungo = create_event(
        &app,
        &manager,
        seminar(Some("BUNGO"), "BUNGO", 5, Duration::days(2)),
    )
    .await;
    let (status, _) = app
        .post(
            &format!("/api/v1/events/{bungo}/registration"),
            &third,
            None,
        )
        .await;
    assert_eq!(status, 404);
    // Its manager belongs to its unit: they may register like anyone of it.
    let (status, body) = app
        .post(
            &format!("/api/v1/events/{bungo}/registration"),
            &manager,
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn concurrent_registrations_for_the_last_seats_fill_exactly_the_capacity() {
    let app = spawn_app().await;
    let db = app.db().await;
    let bungo = people::unit_by_code(&db, "BUNGO")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no BUNGO"));
    let hash = hash_password_blocking(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    let mut tokens = Vec::new();
    for i in 0..10 {
        let username = format!("peserta{i}");
        people::create_user(
            &db,
            NewUser {
                username: username.clone(),
                nip: None,
                name: format!("Peserta {i}"),
                email: None,
                unit_id: Some(bungo.id),
                password_hash: hash.clone(),
                roles: vec![lentera_domain::Role::Learner],
                language: "id".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        tokens.push(app.login(&username).await);
    }
    let admin = app.login("admin").await;
    let capacity = 3;
    let id = create_event(
        &app,
        &admin,
        seminar(Some("BUNGO"), "BUNGO", capacity, Duration::days(2)),
    )
    .await;
    let path = format!("/api/v1/events/{id}/registration");
    // All at once: each on its own task, released together.
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(tokens.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for token in &tokens {
        let (client, url, token, start) = (
            app.api.clone(),
            app.url(&path),
            token.clone(),
            start.clone(),
        );
        tasks.spawn(async move {
            start.wait().await;
            let res = client
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            (status, body)
        });
    }
    let answers = tasks.join_all().await;
    let mut positions = Vec::new();
    let mut seats = 0;
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
        match body["state"].as_str() {
            Some("registered") => seats += 1,
            Some("waitlisted") => positions.push(body["position"].as_i64().unwrap_or(0)),
            _ => panic!("{body}"),
        }
    }
    assert_eq!(seats, capacity, "{answers:?}");
    positions.sort_unstable();
    assert_eq!(positions, (1..=7).collect::<Vec<i64>>());
    let (_, event) = app.get(&format!("/api/v1/events/{id}"), &admin).await;
    assert_eq!(
        (event["registered"].clone(), event["waitlisted"].clone()),
        (json!(3), json!(7))
    );
}

#[tokio::test]
async fn learners_register_check_in_and_organisers_manage_through_the_pages() {
    use crate::pages::{pair, signed_in};
    let app = spawn_app().await;
    world(&app).await;
    let manager = app.login("manajer").await;
    // Started ten minutes ago: check-in is open.
    let id = create_event(
        &app,
        &manager,
        seminar(Some("BUNGO"), "BUNGO", 20, Duration::minutes(-10)),
    )
    .await;

    let (learner, csrf) = signed_in(&app, LEARNER).await;
    let (status, _, html) = learner.get("/acara").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/acara/{id}")), "{html}");
    let (status, _, html) = learner.get(&format!("/acara/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"register\""), "{html}");
    assert!(html.contains(&format!("/api/v1/events/{id}.ics")));
    assert!(
        !html.contains("id=\"manage\""),
        "a learner does not organise"
    );
    let (status, location, _) = learner
        .post(&format!("/acara/{id}/daftar"), &[pair("csrf", &csrf)])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/acara/{id}?ok=registered").as_str())
    );
    let (_, _, html) = learner.get(&format!("/acara/{id}?ok=registered")).await;
    assert!(
        html.contains("id=\"notice\"") && html.contains("Terdaftar"),
        "{html}"
    );
    // A form without the CSRF token changes nothing.
    let (status, _, _) = learner
        .post(&format!("/acara/{id}/batal"), &[pair("csrf", "salah")])
        .await;
    assert_eq!(status, 403);

    // A wrong code: the page again, the message at the field, what was typed kept.
    let (status, _, html) = learner
        .post(
            &format!("/acara/{id}/presensi"),
            &[pair("csrf", &csrf), pair("code", "SALAH1")],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("id=\"err-code\"") && html.contains("value=\"SALAH1\""),
        "{html}"
    );
    assert!(html.contains("Kode presensi salah"), "{html}");

    // The organiser's page shows the code and the registration.
    let (organiser, organiser_csrf) = signed_in(&app, "manajer").await;
    let (status, _, html) = organiser.get(&format!("/acara/{id}/kelola")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Rahmat Hidayat"), "{html}");
    let code = html
        .split("id=\"the-code\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(code.len(), 6, "{html}");

    // The right code (typed in lower case) records the attendance.
    let (status, location, _) = learner
        .post(
            &format!("/acara/{id}/presensi"),
            &[pair("csrf", &csrf), pair("code", &code.to_lowercase())],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/acara/{id}?ok=attended").as_str())
    );
    let (_, _, html) = learner.get(&format!("/acara/{id}")).await;
    assert!(html.contains("id=\"my-state\">Hadir"), "{html}");

    // The attendance form: an unknown NIP is refused at the field, the list kept.
    let (status, _, html) = organiser
        .post(
            &format!("/acara/{id}/kelola"),
            &[
                pair("csrf", &organiser_csrf),
                pair("users", &format!("{OTHER_LEARNER}\n199912312099121999")),
            ],
        )
        .await;
    assert_eq!(status, 404, "{html}");
    assert!(
        html.contains("id=\"err-users\"") && html.contains("199912312099121999"),
        "{html}"
    );
    let (status, location, _) = organiser
        .post(
            &format!("/acara/{id}/kelola"),
            &[pair("csrf", &organiser_csrf), pair("users", OTHER_LEARNER)],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/acara/{id}/kelola?ok=1").as_str())
    );

    // Admins add partners on their page.
    let (admin, admin_csrf) = signed_in(&app, "admin").await;
    let (status, _, html) = admin
        .post(
            "/admin/mitra",
            &[
                pair("csrf", &admin_csrf),
                pair("code", "UNJA"),
                pair("name", ""),
                pair("kind", "universitas"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("id=\"err-name\"") && html.contains("value=\"UNJA\""),
        "{html}"
    );
    let (status, location, _) = admin
        .post(
            "/admin/mitra",
            &[
                pair("csrf", &admin_csrf),
                pair("code", "UNJA"),
                pair("name", "Universitas Jambi"),
                pair("kind", "universitas"),
            ],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, "/admin/mitra?ok=UNJA"));
    let (_, _, html) = admin.get("/admin/mitra").await;
    assert!(html.contains("Universitas Jambi"), "{html}");
}

/// The learner's JP this year, from their ledger.
async fn earned(app: &TestApp, token: &str) -> i64 {
    let (status, ledger) = app.get("/api/v1/me/jp", token).await;
    assert_eq!(status, 200, "{ledger}");
    ledger["earned"]
        .as_i64()
        .unwrap_or_else(|| panic!("{ledger}"))
}

#[tokio::test]
async fn attendance_by_list_credits_jp_once_and_issues_a_certificate_of_attendance() {
    let app = spawn_app().await;
    world(&app).await;
    let manager = app.login("manajer").await;
    let learner = app.login(LEARNER).await;
    let id = create_event(
        &app,
        &manager,
        seminar(Some("BUNGO"), "BUNGO", 20, Duration::hours(-3)),
    )
    .await;
    let path = format!("/api/v1/events/{id}/attendance");
    let before = earned(&app, &learner).await;

    // Someone outside the audience is named and refused; nothing is recorded.
    let (status, body) = app
        .post(
            &path,
            &manager,
            Some(json!({"users": [LEARNER, "pegawai-swl"]})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body), &body["field"]),
        (404, "user_not_found".into(), &json!("users")),
        "{body}"
    );
    assert_eq!(earned(&app, &learner).await, before);
    // The sibling's manager may not record it.
    let other = app.login("manajer2").await;
    let (status, _) = app
        .post(&path, &other, Some(json!({"users": [LEARNER]})))
        .await;
    assert_eq!(status, 404);

    let (status, body) = app
        .post(
            &path,
            &manager,
            Some(json!({"users": [LEARNER, "perawat"]})),
        )
        .await;
    assert_eq!((status, &body["recorded"]), (200, &json!(2)), "{body}");
    let (status, body) = app
        .post(&path, &manager, Some(json!({"users": [LEARNER]})))
        .await;
    assert_eq!((status, &body["recorded"]), (200, &json!(0)), "{body}");
    assert_eq!(
        earned(&app, &learner).await,
        before + 4,
        "the event's JP, once"
    );

    // The JP report counts it once too.
    let (_, report) = app.get("/api/v1/reports/jp?unit=BUNGO", &manager).await;
    let row = report["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["username"] == LEARNER).cloned())
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(row["jp"].as_i64(), Some(before + 4), "{row}");

    // A signed certificate of attendance that says so.
    let (_, mine) = app.get("/api/v1/me/certificates", &learner).await;
    let cert = mine["certificates"]
        .as_array()
        .and_then(|l| l.iter().find(|c| c["kind"] == "event").cloned())
        .unwrap_or_else(|| panic!("{mine}"));
    assert_eq!(cert["jp"], 4);
    let code = cert["code"].as_str().unwrap_or_default();
    let (status, verified) = app
        .get(&format!("/api/v1/certificates/{code}"), &learner)
        .await;
    assert_eq!(status, 200, "{verified}");
    let (status, _, pdf) = app
        .get_bytes(&format!("/certificates/{code}.pdf"), Some(&learner))
        .await;
    assert_eq!(status, 200);
    if let Some(text) = lentera_tests::pdf_text(&pdf) {
        assert!(text.contains("telah mengikuti seminar"), "{text}");
        assert!(text.contains("Seminar Inovasi Pelayanan Publik"), "{text}");
    }
    let (_, event) = app.get(&format!("/api/v1/events/{id}"), &learner).await;
    assert_eq!(event["mine"]["state"], "attended", "{event}");
}

#[tokio::test]
async fn check_in_needs_a_seat_the_right_code_and_the_time_of_the_event() {
    let app = spawn_app().await;
    world(&app).await;
    let admin = app.login("admin").await;
    let learner = app.login(LEARNER).await;
    let waiting = app.login(OTHER_LEARNER).await;
    let later = create_event(
        &app,
        &admin,
        seminar(Some("BUNGO"), "BUNGO", 5, Duration::days(2)),
    )
    .await;
    let now = create_event(
        &app,
        &admin,
        seminar(Some("BUNGO"), "BUNGO", 1, Duration::minutes(-5)),
    )
    .await;
    let code_of = |id: i64| {
        let (app, admin) = (&app, &admin);
        async move {
            let (_, list) = app
                .get(&format!("/api/v1/events/{id}/registrations"), admin)
                .await;
            list["check_in_code"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    let before = earned(&app, &learner).await;

    // Too early.
    app.post(
        &format!("/api/v1/events/{later}/registration"),
        &learner,
        None,
    )
    .await;
    let code = code_of(later).await;
    let (status, body) = app
        .post(
            &format!("/api/v1/events/{later}/check-in"),
            &learner,
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "check_in_closed".into()),
        "{body}"
    );

    // Under way: not registered, then waitlisted, is refused; a wrong code is named.
    let path = format!("/api/v1/events/{now}/check-in");
    let code = code_of(now).await;
    let (status, body) = app.post(&path, &learner, Some(json!({"code": code}))).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "not_registered".into()),
        "{body}"
    );
    app.post(
        &format!("/api/v1/events/{now}/registration"),
        &learner,
        None,
    )
    .await;
    let (_, place) = app
        .post(
            &format!("/api/v1/events/{now}/registration"),
            &waiting,
            None,
        )
        .await;
    assert_eq!(place["state"], "waitlisted");
    let (status, _) = app.post(&path, &waiting, Some(json!({"code": code}))).await;
    assert_eq!(status, 409);
    let (status, body) = app
        .post(&path, &learner, Some(json!({"code": "ZZZZZZ"})))
        .await;
    assert_eq!(
        (status, error_code(&body), &body["field"]),
        (422, "wrong_check_in_code".into(), &json!("code")),
        "{body}"
    );
    assert_eq!(earned(&app, &learner).await, before);
    // A cancellation once the event started is refused.
    let (status, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/events/{now}/registration"),
            Some(&learner),
            None,
        )
        .await;
    assert_eq!(status, 409);

    let (status, body) = app
        .post(&path, &learner, Some(json!({"code": code.to_lowercase()})))
        .await;
    assert_eq!(
        (status, &body["state"]),
        (200, &json!("attended")),
        "{body}"
    );
    assert_eq!(earned(&app, &learner).await, before + 4);
    // Checking in again changes nothing.
    let (status, _) = app.post(&path, &learner, Some(json!({"code": code}))).await;
    assert_eq!(status, 200);
    assert_eq!(earned(&app, &learner).await, before + 4);

    // Guessing is limited: after ten tries a minute, 429.
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let (status, _) = app
            .post(&path, &waiting, Some(json!({"code": "ZZZZZZ"})))
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

#[tokio::test]
async fn the_calendar_file_is_valid_icalendar_folded_and_escaped() {
    let app = spawn_app().await;
    world(&app).await;
    let admin = app.login("admin").await;
    let mut body = seminar(None, "BUNGO", 40, Duration::days(5));
    body["title"] = json!(
        "Lokakarya SPBE; tata kelola, keamanan informasi dan layanan digital terpadu bagi ASN"
    );
    body["description"] = json!(
        "Hari pertama: arsitektur SPBE.\nHari kedua: praktik, dengan laptop; bawa surat tugas, KTP."
    );
    let id = create_event(&app, &admin, body).await;
    let learner = app.login(LEARNER).await;
    let (status, kind, bytes) = app
        .get_bytes(&format!("/api/v1/events/{id}.ics"), Some(&learner))
        .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/calendar"), "{kind}");
    let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"));
    // Lines end in CRLF and are at most 75 octets; a folded line goes on after one space.
    assert!(text.ends_with("\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
    let unfolded = text.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    let value = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("no {name} in {unfolded}"))
            .to_owned()
    };
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    assert!(lines.contains(&"BEGIN:VEVENT") && lines.contains(&"END:VEVENT"));
    assert_eq!(value("VERSION"), "2.0");
    assert!(value("PRODID").contains("Lentera"));
    assert_eq!(
        value("SUMMARY"),
        "Lokakarya SPBE\\; tata kelola\\, keamanan informasi dan layanan digital terpadu bagi ASN"
    );
    assert!(
        value("DESCRIPTION").starts_with("Hari pertama: arsitektur SPBE.\\nHari kedua: praktik\\, dengan laptop\\; bawa surat tugas\\, KTP.\\n\\n"),
        "{unfolded}"
    );
    let (_, event) = app.get(&format!("/api/v1/events/{id}"), &learner).await;
    let start = chrono::DateTime::parse_from_rfc3339(event["start"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(value("DTSTART"), start.format("%Y%m%dT%H%M%SZ").to_string());
    assert!(value("DTEND").ends_with('Z'));
    assert_eq!(
        value("LOCATION"),
        "Aula Bappeda Kabupaten Bungo\\, Muara Bungo"
    );
    assert_eq!(value("URL"), format!("http://lentera.test/acara/{id}"));
    // The UID is stable.
    let uid = value("UID");
    let (_, _, again) = app
        .get_bytes(&format!("/api/v1/events/{id}.ics"), Some(&admin))
        .await;
    assert!(String::from_utf8_lossy(&again).contains(&format!("UID:{uid}\r\n")));
    assert_eq!(uid, format!("event-{id}@lentera.test"));
    // The event page links to it, and the page session may fetch it.
    let (b, _) = crate::pages::signed_in(&app, LEARNER).await;
    let (_, _, html) = b.get(&format!("/acara/{id}")).await;
    assert!(html.contains(&format!("href=\"/api/v1/events/{id}.ics\"")));
    let (status, _, _) = b.get(&format!("/api/v1/events/{id}.ics")).await;
    assert_eq!(status, 200);
    let (status, _, _) = app
        .get_bytes(&format!("/api/v1/events/{id}.ics"), None)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn seat_holders_are_reminded_by_mail_the_day_before_once() {
    use lentera_tests::smtp::{self, SmtpServer};
    if !smtp::available() {
        return;
    }
    let server = SmtpServer::start();
    let mail = lentera_domain::mail::MailConfig {
        smtp: Some(
            lentera_domain::mail::SmtpUrl::parse(&server.url()).unwrap_or_else(|e| panic!("{e}")),
        ),
        from: Some("Lentera Bungo <lentera@bungokab.go.id>".to_owned()),
        poll: std::time::Duration::from_millis(100),
        ..Default::default()
    };
    let worker_mail = mail.clone();
    let app = lentera_tests::spawn_app_configured(false, move |c| c.mail = worker_mail).await;
    world(&app).await;
    let admin = app.login("admin").await;
    let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| panic!("tz"));
    let today = Utc::now().with_timezone(&wib).date_naive();
    let at_nine = |days: u64| {
        (today + chrono::Days::new(days))
            .and_hms_opt(9, 0, 0)
            .and_then(|t| t.and_local_timezone(wib).single())
            .unwrap_or_else(|| panic!("time"))
    };
    let mut body = seminar(Some("BUNGO"), "BUNGO", 1, Duration::zero());
    body["start"] = json!(at_nine(1).to_rfc3339());
    body["end"] = json!((at_nine(1) + Duration::hours(3)).to_rfc3339());
    let tomorrow = create_event(&app, &admin, body.clone()).await;
    body["start"] = json!(at_nine(2).to_rfc3339());
    body["end"] = json!((at_nine(2) + Duration::hours(3)).to_rfc3339());
    let later = create_event(&app, &admin, body).await;
    // A seat tomorrow (with an address), a place on tomorrow's waitlist, a seat later.
    let perawat = app.login("perawat").await;
    let manager = app.login("manajer").await;
    for (token, event) in [
        (&perawat, tomorrow),
        (&manager, tomorrow),
        (&perawat, later),
    ] {
        let (status, body) = app
            .post(&format!("/api/v1/events/{event}/registration"), token, None)
            .await;
        assert_eq!(status, 201, "{body}");
    }

    // The reminder job's call, as the server would make it.
    let mut config = lentera_domain::Config {
        database_url: app.database_url.clone(),
        bind: "127.0.0.1:0".into(),
        data_dir: app.dir.path().to_path_buf(),
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
        workers: 1,
        trusted_proxies: Vec::new(),
        reports_database_url: None,
        drain_seconds: 0,
        mail: Default::default(),
        xapi: Default::default(),
        jp_reminder_month: 10,
    };
    config.mail = mail;
    let lentera = lentera_domain::Lentera::open(config)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let queued = lentera_domain::events::tomorrow_reminders(&lentera, today)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(queued, 1);
    let again = lentera_domain::events::tomorrow_reminders(&lentera, today)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, 0, "a registration is reminded once");

    let mails = server.wait_for(1, std::time::Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.rcpt_tos, vec!["perawat@bungokab.go.id".to_owned()]);
    assert_eq!(
        mail.subject,
        "Besok: Seminar Inovasi Pelayanan Publik bagi ASN Kabupaten Bungo"
    );
    assert!(mail.body.contains("09:00 WIB"), "{}", mail.body);
    assert!(
        mail.body
            .contains(&format!("http://lentera.test/acara/{tomorrow}")),
        "{}",
        mail.body
    );
    assert!(mail.body.contains("Aula Bappeda"), "{}", mail.body);

    // The seat holder cancels: the first on the waitlist holds the seat and hears of it.
    let (status, body) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/events/{tomorrow}/registration"),
            Some(&perawat),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mails = server.wait_for(2, std::time::Duration::from_secs(20)).await;
    let seat = &mails[1];
    assert_eq!(seat.rcpt_tos, vec!["manajer@bungokab.go.id".to_owned()]);
    assert_eq!(
        seat.subject,
        "Anda mendapat kursi: Seminar Inovasi Pelayanan Publik bagi ASN Kabupaten Bungo"
    );
    assert!(seat.body.contains("09:00 WIB"), "{}", seat.body);
    let (_, shown) = app
        .get(&format!("/api/v1/events/{tomorrow}"), &manager)
        .await;
    assert_eq!(shown["mine"]["state"], "registered", "{shown}");
}

#[tokio::test]
async fn managers_create_events_through_the_page_in_the_venues_time_zone() {
    use crate::pages::{pair, signed_in};
    let app = spawn_app().await;
    world(&app).await;
    let (manager, csrf) = signed_in(&app, "manajer").await;
    let (status, _, html) = manager.get("/acara").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/acara/baru\""), "{html}");
    let (status, _, html) = manager.get("/acara/baru").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("value=\"BUNGO-DINKES\""), "{html}");
    assert!(
        !html.contains("value=\"SAWAHLUNTO\""),
        "another instansi's unit offered"
    );
    let form = |capacity: &str| {
        vec![
            pair("csrf", &csrf),
            pair("title", "Pelatihan Klasikal Penyusunan Standar Pelayanan"),
            pair("kind", "pelatihan"),
            pair("timezone", "WITA"),
            pair("start", "2027-02-10T09:00"),
            pair("end", "2027-02-11T15:00"),
            pair("place", "Ruang Rapat BKPSDM Kabupaten Bungo"),
            pair("online_url", ""),
            pair("capacity", capacity),
            pair("jp", "12"),
            pair("organiser", "BUNGO"),
            pair("audience", "BUNGO-DINKES"),
            pair(
                "description",
                "Dua hari: standar pelayanan dan maklumat pelayanan.",
            ),
        ]
    };
    // A refused field: the form again, the message at the field, everything kept.
    let (status, _, html) = manager.post("/acara/baru", &form("nol")).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("id=\"err-capacity\""), "{html}");
    assert!(html.contains("value=\"Pelatihan Klasikal Penyusunan Standar Pelayanan\""));
    assert!(html.contains("value=\"2027-02-10T09:00\""), "{html}");
    let (status, location, _) = manager.post("/acara/baru", &form("25")).await;
    assert_eq!(status, 303);
    let (_, _, html) = manager.get(&location).await;
    assert!(html.contains("10-02-2027 09:00 WITA"), "{html}");
    assert!(html.contains("id=\"manage\""), "{html}");
    let token = app.login("manajer").await;
    let id = location.trim_start_matches("/acara/");
    let (_, event) = app.get(&format!("/api/v1/events/{id}"), &token).await;
    assert_eq!(event["start"], "2027-02-10T01:00:00+00:00", "{event}");
    assert_eq!(event["audience"], "BUNGO-DINKES");
}

/// Statements the server has sent to its database, from `/metrics`.
async fn statements(app: &TestApp) -> u64 {
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

#[tokio::test]
async fn the_event_list_is_decided_and_counted_at_once_not_per_event() {
    let app = spawn_app().await;
    world(&app).await;
    let admin = app.login("admin").await;
    let (status, body) = app
        .post(
            "/api/v1/partners",
            &admin,
            Some(json!({"code": "UNJA", "name": "Universitas Jambi", "kind": "universitas"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let learner = app.login(LEARNER).await;
    for i in 0..30 {
        let organiser = if i % 2 == 0 { "UNJA" } else { "BUNGO" };
        let id = create_event(
            &app,
            &admin,
            seminar(Some("BUNGO"), organiser, 5, Duration::days(i + 1)),
        )
        .await;
        if i % 3 == 0 {
            app.post(&format!("/api/v1/events/{id}/registration"), &learner, None)
                .await;
        }
    }
    let (_, list) = app.get("/api/v1/events", &learner).await;
    assert_eq!(list["events"].as_array().map(Vec::len), Some(30));
    let before = statements(&app).await;
    let (status, list) = app.get("/api/v1/events", &learner).await;
    let used = statements(&app).await - before;
    assert_eq!(status, 200);
    assert_eq!(list["events"][0]["organiser"]["name"], "Universitas Jambi");
    assert_eq!(list["events"][0]["mine"]["state"], "registered");
    assert!(used <= 12, "{used} statements for a list of 30 events");
}

/// A partner authors a course: a course whose `partner` is a registered partner's code is
/// shown, in the API and on its page, under the partner's name.
#[tokio::test]
async fn a_course_authored_with_a_partner_names_the_partner() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (status, body) = app
        .post(
            "/api/v1/partners",
            &admin,
            Some(json!({"code": "UNJA", "name": "Universitas Jambi", "kind": "universitas"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    app.import_fixture("kursus-mitra", "instruktur").await;
    let learner = app.login(LEARNER).await;
    let (status, course) = app.get("/api/v1/courses/kursus-mitra", &learner).await;
    assert_eq!(status, 200, "{course}");
    assert_eq!(
        (course["partner"].as_str(), course["partner_name"].as_str()),
        (Some("UNJA"), Some("Universitas Jambi"))
    );
    let res = app
        .api
        .get(app.url("/kursus/kursus-mitra"))
        .header("cookie", format!("lentera_session={learner}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap_or_default();
    assert!(html.contains("Mitra: Universitas Jambi"), "{html}");
    // A course naming a partner nobody registered shows the name as written.
    let (_, plain) = app.get("/api/v1/courses/kursus-uji", &learner).await;
    assert_eq!(plain["partner_name"], Value::Null);
}
