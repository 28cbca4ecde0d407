//! Publishing by instructors: upload, hostile uploads, versions, lesson editing,
//! unpublish and rollback, and who may do what.

use std::io::Write;

use lentera_tests::{LEARNER, TestApp, error_code, repo_root, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// Files of a zip: (path inside the zip, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// The fixture course's files, with its slug changed to `slug`.
fn course_files(slug: &str) -> Files {
    let root = repo_root().join("tests/fixtures/kursus-uji");
    let mut out = Vec::new();
    for rel in [
        "course.toml",
        "lessons/pengantar.md",
        "lessons/bacaan-tambahan.md",
        "quizzes/kuis-akhir.toml",
        "assets/diagram.svg",
    ] {
        let mut bytes = std::fs::read(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if rel == "course.toml" {
            bytes = String::from_utf8_lossy(&bytes)
                .replace("slug = \"kursus-uji\"", &format!("slug = \"{slug}\""))
                .into_bytes();
        }
        out.push((rel.to_owned(), bytes));
    }
    out
}

/// A deflated zip of `files`; a name starting with `@link:` becomes a symlink to `/etc/passwd`.
fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            if let Some(link) = name.strip_prefix("@link:") {
                zip.add_symlink(link, "/etc/passwd", options)
                    .unwrap_or_else(|e| panic!("{e}"));
                continue;
            }
            zip.start_file(name.as_str(), options)
                .unwrap_or_else(|e| panic!("{e}"));
            zip.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
        }
        zip.finish().unwrap_or_else(|e| panic!("{e}"));
    }
    buf.into_inner()
}

async fn upload(app: &TestApp, token: &str, zip: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(zip).file_name("kursus.zip");
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = app
        .api
        .post(app.url("/api/v1/courses"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_instructor_uploads_edits_unpublishes_and_rolls_back_a_course() {
    let app = spawn_app().await;
    let teacher = app.login("instruktur").await;
    let learner = app.login(LEARNER).await;

    let (status, body) = upload(&app, &teacher, zip_of(&course_files("kursus-unggah"))).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body,
        json!({"slug": "kursus-unggah", "version": 1, "status": "draft"})
    );
    let (status, body) = upload(&app, &teacher, zip_of(&course_files("kursus-unggah"))).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("unchanged")),
        "the same content is not a new version"
    );
    // A first upload is a hidden draft: learners do not find it until it is published.
    let (status, _) = app.get("/api/v1/courses/kursus-unggah", &learner).await;
    assert_eq!(status, 404);
    let (status, body) = app
        .post("/api/v1/courses/kursus-unggah/publish", &teacher, None)
        .await;
    assert_eq!((status, body["version"].as_i64()), (200, Some(1)), "{body}");

    // The learner finds it, enrols and completes the first lesson.
    let (status, _) = app.get("/api/v1/courses/kursus-unggah", &learner).await;
    assert_eq!(status, 200);
    app.post("/api/v1/courses/kursus-unggah/enrollment", &learner, None)
        .await;
    app.post(
        "/api/v1/courses/kursus-unggah/lessons/pengantar/complete",
        &learner,
        None,
    )
    .await;
    let (_, list) = app
        .get("/api/v1/courses/kursus-unggah/enrollments", &teacher)
        .await;
    assert_eq!(list["enrollments"][0]["username"], LEARNER);

    // Edit one lesson in the browser's way: a new version, progress kept by slug.
    let (status, source) = app
        .get(
            "/api/v1/courses/kursus-unggah/lessons/pengantar/source",
            &teacher,
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        source["markdown"]
            .as_str()
            .is_some_and(|m| m.contains("# Pengantar") && !m.contains("+++"))
    );
    let (status, preview) = app
        .post(
            "/api/v1/preview",
            &teacher,
            Some(json!({"markdown": "# Baru\n\nTeks **tebal**\n\n<script>x</script>"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        preview["html"]
            .as_str()
            .is_some_and(|h| h.contains("<strong>tebal</strong>") && !h.contains("<script"))
    );
    let (status, edited) = app
        .call(
            Method::PUT,
            "/api/v1/courses/kursus-unggah/lessons/pengantar/source",
            Some(&teacher),
            Some(json!({"markdown": "# Pengantar yang diperbarui\n\nIsi baru materi pengantar."})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        (edited["version"].as_i64(), edited["status"].as_str()),
        (Some(2), Some("draft"))
    );
    // A draft: learners keep version 1 until the author publishes it.
    let (_, lesson) = app
        .get("/api/v1/courses/kursus-unggah/lessons/pengantar", &learner)
        .await;
    assert!(
        lesson["html"]
            .as_str()
            .is_some_and(|h| !h.contains("diperbarui")),
        "{lesson}"
    );
    let (_, versions) = app
        .get("/api/v1/courses/kursus-unggah/versions", &teacher)
        .await;
    assert_eq!(
        (
            versions["versions"][0]["draft"].as_bool(),
            versions["versions"][1]["current"].as_bool()
        ),
        (Some(true), Some(true)),
        "{versions}"
    );
    let (status, body) = app
        .post("/api/v1/courses/kursus-unggah/publish", &teacher, None)
        .await;
    assert_eq!((status, body["version"].as_i64()), (200, Some(2)), "{body}");
    let (_, lesson) = app
        .get("/api/v1/courses/kursus-unggah/lessons/pengantar", &learner)
        .await;
    assert!(
        lesson["html"]
            .as_str()
            .is_some_and(|h| h.contains("diperbarui"))
    );
    assert_eq!(
        lesson["completed"], true,
        "progress survives the new version"
    );
    // An edit that breaks the lesson is refused with the problem, and v2 stays current.
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/courses/kursus-unggah/lessons/pengantar/source",
            Some(&teacher),
            Some(json!({"markdown": "Lihat [hilang](tidak-ada.md)"})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "invalid_course")
    );
    assert!(
        body["problems"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("lessons/pengantar.md")),
        "{body}"
    );

    // Unpublish: gone from the catalogue, the learner's record stays.
    let (status, _) = app
        .post("/api/v1/courses/kursus-unggah/unpublish", &teacher, None)
        .await;
    assert_eq!(status, 200);
    let (_, catalogue) = app.get("/api/v1/courses", &learner).await;
    assert!(!catalogue.to_string().contains("kursus-unggah"));
    let (status, _) = app.get("/api/v1/courses/kursus-unggah", &learner).await;
    assert_eq!(status, 404);
    let image = app.url("/kursus/kursus-unggah/aset/diagram.svg");
    let res = app
        .api
        .get(&image)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 404, "a hidden course's images are not public");
    let (_, progress) = app.get("/api/v1/me/progress", &learner).await;
    assert!(
        progress.to_string().contains("kursus-unggah"),
        "the learner keeps the record"
    );
    app.post("/api/v1/courses/kursus-unggah/publish", &teacher, None)
        .await;

    // Roll back to version 1.
    let (status, _) = app
        .post(
            "/api/v1/courses/kursus-unggah/rollback",
            &teacher,
            Some(json!({"version": 1})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, versions) = app
        .get("/api/v1/courses/kursus-unggah/versions", &teacher)
        .await;
    assert_eq!(versions["versions"][1]["current"], true, "{versions}");
    let (_, lesson) = app
        .get("/api/v1/courses/kursus-unggah/lessons/pengantar", &learner)
        .await;
    assert!(
        lesson["html"]
            .as_str()
            .is_some_and(|h| !h.contains("diperbarui"))
    );
    let (status, body) = app
        .post(
            "/api/v1/courses/kursus-unggah/rollback",
            &teacher,
            Some(json!({"version": 9})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "version_not_found")
    );
}

#[tokio::test]
async fn only_instructors_publish_and_only_their_own_courses() {
    let app = spawn_app().await;
    let teacher = app.login("instruktur").await;
    let other = app.login("instruktur2").await;
    let learner = app.login(LEARNER).await;
    let zip = zip_of(&course_files("kursus-milik"));
    let (status, body) = upload(&app, &learner, zip.clone()).await;
    assert_eq!((status, error_code(&body).as_str()), (403, "forbidden"));
    let (status, _) = upload(&app, &teacher, zip.clone()).await;
    assert_eq!(status, 201);
    let mut changed = course_files("kursus-milik");
    changed[1].1.extend_from_slice(b"\nTambahan.\n");
    let (status, body) = upload(&app, &other, zip_of(&changed)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "not_course_editor")
    );
    let (status, _) = app
        .post("/api/v1/courses/kursus-milik/unpublish", &other, None)
        .await;
    assert_eq!(status, 403);
    // As a co-author the other instructor may.
    let (status, _) = app
        .post(
            "/api/v1/courses/kursus-milik/editors",
            &teacher,
            Some(json!({"username": "instruktur2"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = upload(&app, &other, zip_of(&changed)).await;
    assert_eq!((status, body["version"].as_i64()), (201, Some(2)));
}

#[tokio::test]
async fn broken_and_hostile_uploads_are_refused_with_every_problem() {
    let app = spawn_app().await;
    let teacher = app.login("instruktur").await;

    let mut broken = course_files("kursus-rusak");
    broken[0].1 = String::from_utf8_lossy(&broken[0].1)
        .replace("jp = 2", "jp = \"banyak\"")
        .into_bytes();
    broken.retain(|(p, _)| p != "lessons/bacaan-tambahan.md");
    let (status, body) = upload(&app, &teacher, zip_of(&broken)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "invalid_course")
    );
    let problems = body["problems"].as_array().cloned().unwrap_or_default();
    assert!(problems.len() >= 2, "every problem at once: {body}");
    assert!(
        problems
            .iter()
            .any(|p| p["file"] == "course.toml" && p["line"] == 5),
        "{body}"
    );

    let cases: Vec<(&str, Files)> = vec![
        ("outside", {
            let mut f = course_files("a-b");
            f.push(("../evil.md".into(), b"x".to_vec()));
            f
        }),
        ("outside", {
            let mut f = course_files("a-b");
            f.push(("/etc/evil.md".into(), b"x".to_vec()));
            f
        }),
        ("not allowed", {
            let mut f = course_files("a-b");
            f.push(("assets/run.exe".into(), b"MZ".to_vec()));
            f
        }),
        // 5 MiB of zeros deflate to a few KiB: the size is counted while unpacking.
        ("larger than", {
            let mut f = course_files("a-b");
            f.push(("assets/bom.txt".into(), vec![0u8; 5 * 1024 * 1024]));
            f
        }),
        ("symbolic links", {
            let mut f = course_files("a-b");
            f.push(("@link:lessons/passwd.md".into(), Vec::new()));
            f
        }),
        (
            "entries",
            (0..600)
                .map(|i| (format!("assets/f{i}.txt"), b"x".to_vec()))
                .collect(),
        ),
    ];
    for (expect, files) in cases {
        let (status, body) = upload(&app, &teacher, zip_of(&files)).await;
        assert_eq!(status, 422, "{expect}: {body}");
        assert!(body.to_string().contains(expect), "{expect}: {body}");
    }
    let (status, body) = upload(&app, &teacher, b"not a zip".to_vec()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (422, "invalid_course")
    );
    // Nothing of it was published.
    let (_, mine) = app.get("/api/v1/instructor/courses", &teacher).await;
    assert_eq!(mine["courses"], json!([]));
}
