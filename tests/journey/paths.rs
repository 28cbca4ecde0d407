//! Learning paths (jalur belajar): the shipped path imported with the content folder, path
//! files uploaded by instructors and refused with file:line:column, each learner's state in
//! the courses of a path, the path rule that locks a course until its required course is
//! completed, and the pages.

use lentera_tests::{
    LEARNER, OTHER_LEARNER, TestApp, drawn_only, error_code, spawn_app, spawn_app_with,
};
use serde_json::{Value, json};

const SHIPPED: &str = "literasi-digital-pelayanan";

/// A path over the fixture courses: kursus-uji (2 JP), then kursus-angka (1 JP), which
/// requires kursus-uji.
const FIXTURE_PATH: &str = r#"slug = "jalur-uji"
title = "Jalur Uji Lentera"
summary = "Dua kursus uji yang diikuti berurutan."

[[courses]]
course = "kursus-uji"

[[courses]]
course = "kursus-angka"
requires = "kursus-uji"
"#;

async fn upload(app: &TestApp, token: &str, text: &str) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("jalur.toml");
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = app
        .api
        .post(app.url("/api/v1/paths"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// (slug, state) of each course of the path, in order.
fn states(path: &Value) -> Vec<(String, String)> {
    path["courses"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["slug"].as_str().unwrap_or_default().to_owned(),
                c["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Enrols in one of the small fixture courses (kursus-angka, kursus-deskripsi), reads its
/// lesson and passes its quiz with the key.
async fn complete_small_course(app: &TestApp, token: &str, course: &str, quiz: &str) -> Value {
    app.post(&format!("/api/v1/courses/{course}/enrollment"), token, None)
        .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/courses/{course}/lessons/bacaan/complete"),
            token,
            None,
        )
        .await;
    assert!(status == 200 || status == 201, "{body}");
    let key = app.answer_key_of(course, quiz).await;
    let (status, attempt) = app
        .post(
            &format!("/api/v1/courses/{course}/quizzes/{quiz}/attempts"),
            token,
            None,
        )
        .await;
    assert_eq!(status, 201, "{attempt}");
    let id = attempt["id"].as_i64().unwrap_or_default();
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{id}/submit"),
            token,
            Some(json!({ "responses": drawn_only(&key, &attempt) })),
        )
        .await;
    assert_eq!(status, 200, "{result}");
    assert!(result["certificate"].is_object(), "{result}");
    result
}

async fn page(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let res = app
        .api
        .get(app.url(path))
        .header("cookie", format!("lentera_session={token}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn the_shipped_path_is_imported_and_locks_its_second_course_until_the_first_is_done() {
    let app = spawn_app_with(true).await;
    let learner = app.login(LEARNER).await;

    // A second path, so the list holds each path's own courses.
    let teacher = app.login("instruktur").await;
    let single = "slug = \"jalur-satu\"\ntitle = \"Jalur Satu Kursus\"\nsummary = \"Satu kursus uji.\"\n\n[[courses]]\ncourse = \"kursus-uji\"\n";
    let (status, body) = upload(&app, &teacher, single).await;
    assert_eq!(status, 201, "{body}");

    let (status, list) = app.get("/api/v1/paths", &learner).await;
    assert_eq!(status, 200, "{list}");
    let titles: Vec<&str> = list["paths"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        ["Jalur Satu Kursus", "Literasi digital untuk pelayanan"],
        "by title"
    );
    assert_eq!(list["paths"][0]["progress"]["total"], 1, "{list}");
    assert_eq!(list["paths"][0]["progress"]["jp_total"], 2, "{list}");
    let shipped = list["paths"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["slug"] == SHIPPED)
        .unwrap_or_else(|| panic!("no shipped path in {list}"));
    assert_eq!(shipped["title"], "Literasi digital untuk pelayanan");
    assert_eq!(shipped["state"], "not_started");
    assert_eq!(shipped["progress"]["total"], 2);
    assert_eq!(shipped["progress"]["jp_total"], 10);

    let (status, path) = app.get(&format!("/api/v1/paths/{SHIPPED}"), &learner).await;
    assert_eq!(status, 200, "{path}");
    assert_eq!(
        states(&path),
        pairs(&[
            ("literasi-digital-spbe", "not_started"),
            ("standar-pelayanan-publik", "locked"),
        ])
    );
    assert_eq!(path["courses"][1]["requires"], "literasi-digital-spbe");

    // Through the path, the locked course is refused and the first one is open.
    let (status, body) = app
        .post(
            &format!("/api/v1/paths/{SHIPPED}/courses/standar-pelayanan-publik/enrollment"),
            &learner,
            None,
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "course_locked");
    let (status, body) = app
        .post(
            &format!("/api/v1/paths/{SHIPPED}/courses/literasi-digital-spbe/enrollment"),
            &learner,
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["course"], "literasi-digital-spbe");
    let (status, body) = app
        .post(
            &format!("/api/v1/paths/{SHIPPED}/courses/kursus-uji/enrollment"),
            &learner,
            None,
        )
        .await;
    assert_eq!(status, 404, "a course outside the path: {body}");
    let (status, body) = app
        .get("/api/v1/paths/jalur-yang-tidak-ada", &learner)
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(error_code(&body), "path_not_found");

    // The requirement is a rule of the path: the catalogue still enrols, and the path
    // still shows the course locked.
    let (status, body) = app
        .post(
            "/api/v1/courses/standar-pelayanan-publik/enrollment",
            &learner,
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, path) = app.get(&format!("/api/v1/paths/{SHIPPED}"), &learner).await;
    assert_eq!(
        states(&path),
        pairs(&[
            ("literasi-digital-spbe", "in_progress"),
            ("standar-pelayanan-publik", "locked"),
        ])
    );
    assert_eq!(path["state"], "in_progress");

    // The pages: the list, the path with its progress and states, the catalogue's link.
    let (status, html) = page(&app, &learner, "/jalur").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"/jalur/{SHIPPED}\"")),
        "{html}"
    );
    let (status, html) = page(&app, &learner, &format!("/jalur/{SHIPPED}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<progress id=\"path-progress\" max=\"2\" value=\"0\""),
        "{html}"
    );
    assert!(html.contains("data-state=\"locked\""), "{html}");
    assert!(
        html.contains("Terbuka setelah Anda menyelesaikan"),
        "{html}"
    );
    let (_, html) = page(&app, &learner, "/katalog").await;
    assert!(html.contains("href=\"/jalur\""), "{html}");

    // The page's button: the open course leads to it, the locked one is refused.
    let (status, location, _) = page_post(
        &app,
        &learner,
        &format!("/jalur/{SHIPPED}/kursus/literasi-digital-spbe/daftar"),
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/kursus/literasi-digital-spbe")
    );
    let (status, _, html) = page_post(
        &app,
        &learner,
        &format!("/jalur/{SHIPPED}/kursus/standar-pelayanan-publik/daftar"),
    )
    .await;
    assert_eq!(status, 409);
    assert!(html.contains("masih terkunci"), "{html}");
}

/// A page form sent with its CSRF token (the cookie and the field agree).
async fn page_post(app: &TestApp, token: &str, path: &str) -> (u16, String, String) {
    const CSRF: &str = "0123456789abcdef0123456789abcdef";
    let res = app
        .api
        .post(app.url(path))
        .header(
            "cookie",
            format!("lentera_session={token}; lentera_csrf={CSRF}"),
        )
        .form(&[("csrf", CSRF)])
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

#[tokio::test]
async fn an_uploaded_path_is_checked_by_line_and_shows_progress_as_courses_complete() {
    let app = spawn_app().await;
    app.import_fixture("kursus-angka", "instruktur").await;
    let teacher = app.login("instruktur").await;
    let learner = app.login(LEARNER).await;

    // Problems name jalur.toml with line and column; nothing is published.
    let broken = FIXTURE_PATH.replace("course = \"kursus-angka\"", "course = \"kursus-tiada\"");
    let (status, body) = upload(&app, &teacher, &broken).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_code(&body), "invalid_learning_path");
    let problem = &body["problems"][0];
    assert_eq!(
        (&problem["file"], &problem["line"], &problem["column"]),
        (&json!("jalur.toml"), &json!(9), &json!(10)),
        "{body}"
    );
    assert!(
        problem["message"]
            .as_str()
            .is_some_and(|m| m.contains("kursus-tiada")),
        "{body}"
    );
    let (status, body) = upload(&app, &teacher, "slug = \"jalur-uji\"\ntitle = 3\n").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["line"] == 2 && p["column"] == 9),
        "{body}"
    );
    let (status, _) = app.get("/api/v1/paths/jalur-uji", &learner).await;
    assert_eq!(status, 404);

    // Learners may not publish; the instructor does, once; another instructor may not
    // change it.
    let (status, body) = upload(&app, &learner, FIXTURE_PATH).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = upload(&app, &teacher, FIXTURE_PATH).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "published");
    assert_eq!(body["courses"], json!(["kursus-uji", "kursus-angka"]));
    let (status, body) = upload(&app, &teacher, FIXTURE_PATH).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "unchanged");
    let other = app.login("instruktur2").await;
    let (status, body) = upload(
        &app,
        &other,
        &FIXTURE_PATH.replace("Jalur Uji Lentera", "Lain"),
    )
    .await;
    assert_eq!(status, 403, "{body}");

    // Progress along the path.
    let (_, path) = app.get("/api/v1/paths/jalur-uji", &learner).await;
    assert_eq!(
        states(&path),
        pairs(&[("kursus-uji", "not_started"), ("kursus-angka", "locked")])
    );
    assert_eq!(
        path["progress"],
        json!({"completed": 0, "total": 2, "jp_completed": 0, "jp_total": 3, "percent": 0})
    );
    app.complete_fixture_course(&learner).await;
    let (_, path) = app.get("/api/v1/paths/jalur-uji", &learner).await;
    assert_eq!(
        states(&path),
        pairs(&[("kursus-uji", "completed"), ("kursus-angka", "not_started")])
    );
    assert_eq!(
        path["progress"],
        json!({"completed": 1, "total": 2, "jp_completed": 2, "jp_total": 3, "percent": 50})
    );
    assert_eq!(path["state"], "in_progress");
    assert!(path["completed_at"].is_null());
    let (status, body) = app
        .post(
            "/api/v1/paths/jalur-uji/courses/kursus-angka/enrollment",
            &learner,
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    complete_small_course(&app, &learner, "kursus-angka", "hitung").await;
    let (_, path) = app.get("/api/v1/paths/jalur-uji", &learner).await;
    assert_eq!(path["state"], "completed");
    assert_eq!(path["progress"]["jp_completed"], 3);
    assert!(path["completed_at"].is_string(), "{path}");

    // The path's certificate: its JP the sum of the courses', not counted again.
    let path_certificates = |list: &Value| -> Vec<Value> {
        list["certificates"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["kind"] == "path")
            .cloned()
            .collect()
    };
    let (status, list) = app.get("/api/v1/me/certificates", &learner).await;
    assert_eq!(status, 200, "{list}");
    let issued = path_certificates(&list);
    assert_eq!(issued.len(), 1, "{list}");
    assert_eq!(
        (&issued[0]["course"], &issued[0]["jp"]),
        (&json!("jalur-uji"), &json!(3)),
        "{list}"
    );
    let (_, progress) = app.get("/api/v1/me/progress", &learner).await;
    assert_eq!(
        progress["jp"]["earned"], 3,
        "two courses, 2 + 1 JP: {progress}"
    );
    let code = issued[0]["code"].as_str().unwrap_or_default();
    let (status, _, pdf) = app
        .get_bytes(&format!("/certificates/{code}.pdf"), None)
        .await;
    assert_eq!(status, 200);
    if let Some(text) = lentera_tests::pdf_text(&pdf) {
        for wanted in [
            "Jalur Uji Lentera",
            "jalur belajar",
            "Daftar Kursus Jalur Belajar",
            "Kursus Uji Lentera (2 JP)",
            "Kursus Uji Hitungan (1 JP)",
        ] {
            assert!(text.contains(wanted), "{wanted} not in {text}");
        }
    }

    let (status, html) = page(&app, &learner, "/jalur/jalur-uji").await;
    assert_eq!(status, 200);
    assert!(html.contains("Lihat sertifikat jalur"), "{html}");

    // A third course added to the path and completed: the path is complete again, and its
    // certificate is not issued twice.
    app.import_fixture("kursus-deskripsi", "instruktur").await;
    let longer = format!("{FIXTURE_PATH}\n[[courses]]\ncourse = \"kursus-deskripsi\"\n");
    let (status, body) = upload(&app, &teacher, &longer).await;
    assert_eq!((status, &body["version"]), (201, &json!(2)), "{body}");
    let (_, path) = app.get("/api/v1/paths/jalur-uji", &learner).await;
    assert_eq!(path["state"], "in_progress", "{path}");
    complete_small_course(&app, &learner, "kursus-deskripsi", "kasus").await;
    let (_, path) = app.get("/api/v1/paths/jalur-uji", &learner).await;
    assert_eq!(path["state"], "completed", "{path}");
    let (_, list) = app.get("/api/v1/me/certificates", &learner).await;
    assert_eq!(path_certificates(&list).len(), 1, "{list}");
    let (_, progress) = app.get("/api/v1/me/progress", &learner).await;
    assert_eq!(progress["jp"]["earned"], 4, "{progress}");

    // Another learner's view is their own.
    let other_learner = app.login(OTHER_LEARNER).await;
    let (_, list) = app.get("/api/v1/paths", &other_learner).await;
    assert_eq!(list["paths"][0]["state"], "not_started", "{list}");
}

#[tokio::test]
async fn a_content_folder_path_names_its_problems_by_file_line_and_column() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let content = dir.path().join("konten");
    std::fs::create_dir_all(content.join("jalur")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        content.join("jalur/salah.toml"),
        FIXTURE_PATH.replace("course = \"kursus-angka\"", "course = \"kursus-tiada\""),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let db = app.db().await;
    let (published, problems) = lentera_domain::importer::import_dir(&db, &content, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(published.is_empty(), "{published:?}");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with(
            "konten/jalur/salah.toml:9:10: there is no published course `kursus-tiada`"
        ),
        "{shown:?}"
    );
}

/// What assignments (another part of issue 16) ask of a path: find it by slug, and where a
/// person is in it, with the completion time once completed.
#[tokio::test]
async fn assignments_find_a_path_and_a_persons_state_in_it() {
    use lentera_domain::paths::{self, PathState};
    let app = spawn_app().await;
    app.import_fixture("kursus-angka", "instruktur").await;
    let teacher = app.login("instruktur").await;
    let (status, body) = upload(&app, &teacher, FIXTURE_PATH).await;
    assert_eq!(status, 201, "{body}");
    let (url, dir) = (
        app.database_url.clone(),
        app.dir.path().display().to_string(),
    );
    let config = lentera_domain::Config::from_vars(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "LENTERA_DATA_DIR" => Some(dir.clone()),
        "LENTERA_PUBLIC_URL" => Some("http://lentera.test".into()),
        _ => None,
    })
    .unwrap_or_else(|e| panic!("config: {e}"));
    let lentera = lentera_domain::Lentera::open(config)
        .await
        .unwrap_or_else(|e| panic!("open: {e}"));
    let found = paths::find(&lentera, "jalur-uji")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|| panic!("jalur-uji not found"));
    assert_eq!(
        (found.slug.as_str(), found.title.as_str()),
        ("jalur-uji", "Jalur Uji Lentera")
    );
    let missing = paths::find(&lentera, "jalur-tiada")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(missing.is_none());

    let db = app.db().await;
    let learner_id = lentera_store::people::credentials(&db, LEARNER)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no learner"))
        .user
        .id;
    let before = paths::state_for(&lentera, learner_id, "jalur-uji")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(before, Some((PathState::NotStarted, None)));
    let learner = app.login(LEARNER).await;
    app.complete_fixture_course(&learner).await;
    let halfway = paths::state_for(&lentera, learner_id, "jalur-uji")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(halfway, Some((PathState::InProgress, None)));
    complete_small_course(&app, &learner, "kursus-angka", "hitung").await;
    let done = paths::state_for(&lentera, learner_id, "jalur-uji")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        matches!(done, Some((PathState::Completed, Some(_)))),
        "{done:?}"
    );
    let unknown = paths::state_for(&lentera, learner_id, "jalur-tiada")
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(unknown.is_none());
}
