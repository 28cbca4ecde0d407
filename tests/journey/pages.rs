//! The learner's journey through the pages, as a browser without JavaScript would do it.

use lentera_tests::{LEARNER, OTHER_LEARNER, PASSWORD, TestApp, spawn_app};
use serde_json::Value;

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no CSRF field in page"));
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

impl Browser<'_> {
    fn new(app: &TestApp) -> Browser<'_> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        Browser { app, client }
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, String, String) {
        let res = self
            .client
            .get(self.app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, location, res.text().await.unwrap_or_default())
    }

    pub(crate) async fn post(
        &self,
        path: &str,
        form: &[(String, String)],
    ) -> (u16, String, String) {
        let res = self
            .client
            .post(self.app.url(path))
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, location, res.text().await.unwrap_or_default())
    }
}

impl Browser<'_> {
    async fn post_file(
        &self,
        path: &str,
        csrf: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (u16, String, String) {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        let res = self
            .client
            .post(self.app.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = res.status().as_u16();
        let kind = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, kind, res.text().await.unwrap_or_default())
    }

    async fn download(&self, path: &str) -> (u16, String, Vec<u8>) {
        let res = self
            .client
            .get(self.app.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = res.status().as_u16();
        let kind = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (
            status,
            kind,
            res.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        )
    }
}

pub(crate) fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

/// The form fields that give full marks, from the instructor's answer key.
fn form_from_key(key: &Value) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for r in key.as_array().into_iter().flatten() {
        let q = r["question"].as_str().unwrap_or_default();
        let name = format!("a.{q}");
        if let Some(choices) = r["choices"].as_array() {
            form.extend(
                choices
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|c| pair(&name, c)),
            );
        } else if let Some(text) = r["text"].as_str() {
            form.push(pair(&name, text));
        } else if let Some(n) = r["number"].as_f64() {
            // Indonesian decimal comma, as a learner would type it.
            form.push(pair(&name, &n.to_string().replace('.', ",")));
        } else if let Some(pairs) = r["pairs"].as_array() {
            for p in pairs {
                form.push(pair(
                    &format!("m.{q}.{}", p[0].as_str().unwrap_or_default()),
                    p[1].as_str().unwrap_or_default(),
                ));
            }
        } else if let Some(order) = r["order"].as_array() {
            for (i, item) in order.iter().enumerate() {
                form.push(pair(
                    &format!("m.{q}.{}", item.as_str().unwrap_or_default()),
                    &(i + 1).to_string(),
                ));
            }
        }
    }
    form
}

#[tokio::test]
async fn a_learner_finishes_a_course_through_the_pages() {
    let app = spawn_app().await;
    let b = Browser::new(&app);

    let (status, location, _) = b.get("/").await;
    assert_eq!((status, location.as_str()), (303, "/masuk?next=/"));
    let (status, _, html) = b.get("/masuk").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("lang=\"id\"") && html.contains("Kata sandi"),
        "Indonesian by default"
    );
    let csrf = csrf_of(&html);

    // A wrong password re-shows the form with the message and the username kept.
    let (status, _, html) = b
        .post(
            "/masuk",
            &[
                pair("csrf", &csrf),
                pair("username", LEARNER),
                pair("password", "salah"),
                pair("next", "/"),
            ],
        )
        .await;
    assert_eq!(status, 401);
    assert!(
        html.contains("kata sandi salah") && html.contains(LEARNER),
        "{html}"
    );
    // A missing CSRF token is refused.
    let (status, _, _) = b
        .post(
            "/masuk",
            &[
                pair("csrf", "x"),
                pair("username", LEARNER),
                pair("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 403);

    let (status, location, _) = b
        .post(
            "/masuk",
            &[
                pair("csrf", &csrf),
                pair("username", LEARNER),
                pair("password", PASSWORD),
                pair("next", "/katalog"),
            ],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, "/katalog"));
    let (status, _, html) = b.get("/katalog").await;
    assert_eq!(status, 200);
    assert!(html.contains("Kursus Uji Lentera"));

    let (_, _, html) = b.get("/kursus/kursus-uji").await;
    assert!(html.contains("Ikuti kursus ini"));
    let (status, location, _) = b
        .post("/kursus/kursus-uji/daftar", &[pair("csrf", &csrf)])
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/kursus/kursus-uji/materi/pengantar")
    );

    let (status, _, html) = b.get("/kursus/kursus-uji/materi/pengantar").await;
    assert_eq!(status, 200);
    assert!(html.contains("Tandai selesai") && html.contains("rel=\"next\""));
    assert!(!html.contains("<script>alert"), "lesson HTML is sanitised");
    let (status, _, _) = b.get("/kursus/kursus-uji/aset/diagram.svg").await;
    assert_eq!(status, 200);
    let (status, location, _) = b
        .post(
            "/kursus/kursus-uji/materi/pengantar/selesai",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (
            303,
            "/kursus/kursus-uji/materi/bacaan-tambahan?selesai=pengantar"
        )
    );

    let (_, _, html) = b.get("/kursus/kursus-uji/kuis/kuis-akhir").await;
    assert!(html.contains("Mulai kuis"));
    let (status, location, _) = b
        .post(
            "/kursus/kursus-uji/kuis/kuis-akhir/mulai",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303);
    // Seven questions come on two pages: the first has "save and continue", the last the
    // submit button, and the navigator shows how many are answered on each.
    let (status, _, first) = b.get(&location).await;
    assert_eq!(status, 200);
    assert!(first.contains("Simpan dan lanjut") && !first.contains("Kirim dan selesai"));
    assert!(first.contains("Halaman 1 / 2") && first.contains("(0/5)"));
    let (status, _, second) = b.get(&format!("{location}?halaman=2")).await;
    assert_eq!(status, 200);
    assert!(second.contains("Kirim dan selesai") && second.contains("Halaman 2 / 2"));
    let html = format!("{first}{second}");
    let attempt_path = location.clone();

    // A number the server cannot read is shown again next to its question.
    // The fixture course has no owner: an admin reads its key.
    let instructor = app.login("admin").await;
    let (_, key) = app
        .get(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/key",
            &instructor,
        )
        .await;
    for leak in key["responses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["choices"].as_array())
        .flatten()
        .filter_map(Value::as_str)
    {
        if leak != "true" && leak != "false" {
            assert!(html.contains(leak), "every option is on the page");
        }
    }
    let (status, _, html) = b
        .post(
            &attempt_path,
            &[
                pair("csrf", &csrf),
                pair("a.q3", "empat koma lima"),
                pair("halaman", "2"),
                pair("action", "simpan"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("Masukkan angka") && html.contains("empat koma lima"));

    let mut form = form_from_key(&key["responses"]);
    form.extend(
        key["responses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| pair("shown", r["question"].as_str().unwrap_or_default())),
    );
    form.push(pair("csrf", &csrf));
    form.push(pair("halaman", "1"));
    form.push(pair("action", "berikutnya"));
    let (status, location, _) = b.post(&attempt_path, &form).await;
    assert_eq!(
        (status, location),
        (303, format!("{attempt_path}?halaman=2"))
    );
    // Reload: the saved answers come back checked, and every page counts as answered.
    let (_, _, html) = b.get(&format!("{attempt_path}?halaman=1")).await;
    assert!(html.contains("checked") && html.contains("(5/5)") && html.contains("(2/2)"));
    // The navigator saves too: a page button with nothing changed goes to that page.
    let (status, location, _) = b
        .post(
            &attempt_path,
            &[pair("csrf", &csrf), pair("halaman", "1"), pair("ke", "2")],
        )
        .await;
    assert_eq!(
        (status, location),
        (303, format!("{attempt_path}?halaman=2"))
    );

    let (status, location, _) = b
        .post(
            &attempt_path,
            &[pair("csrf", &csrf), pair("action", "kirim")],
        )
        .await;
    assert_eq!(
        (status, location.clone()),
        (303, format!("{attempt_path}/hasil"))
    );
    let (_, _, html) = b.get(&location).await;
    assert!(
        html.contains("Selamat, Anda lulus") && html.contains("100%"),
        "{html}"
    );
    assert!(html.contains("Sertifikat Anda sudah terbit"));

    let (_, _, html) = b.get("/sertifikat").await;
    assert!(html.contains("LNT-") && html.contains("Kursus Uji Lentera"));
    let code_marker = "/verifikasi/";
    let start = html
        .find(code_marker)
        .map(|i| i + code_marker.len())
        .unwrap_or_else(|| panic!("no verification link"));
    let code: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();

    let (_, _, html) = b.get("/").await;
    assert!(
        html.contains("2</strong> / 20 JP"),
        "home shows this year's JP"
    );

    // English on request, remembered in a cookie.
    let (status, location, _) = b
        .post(
            "/bahasa/en",
            &[pair("csrf", &csrf), pair("next", "/katalog")],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, "/katalog"));
    let (_, _, html) = b.get("/katalog").await;
    assert!(html.contains("Course catalogue") && html.contains("lang=\"en\""));

    // The public verification page, for someone who is not signed in.
    let stranger = Browser::new(&app);
    let (status, _, html) = stranger.get(&format!("/verifikasi/{code}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("ASLI") && html.contains("1985***********003") && !html.contains(LEARNER)
    );
    let (status, _, html) = stranger.get("/verifikasi/ZZZZZZZZZZZZZZZZZZZZZZZZ").await;
    assert_eq!(status, 404);
    assert!(html.contains("tidak dikenal"));
    let (status, _, html) = stranger.get("/tidak-ada").await;
    assert_eq!(status, 404);
    assert!(html.contains("Halaman tidak ditemukan"));

    // Signing out ends the session.
    let (status, location, _) = b.post("/keluar", &[pair("csrf", &csrf)]).await;
    assert_eq!((status, location.as_str()), (303, "/masuk"));
    let (status, _, _) = b.get("/sertifikat").await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn an_instructor_publishes_and_edits_through_the_pages() {
    let app = spawn_app().await;
    let b = Browser::new(&app);
    let (_, _, html) = b.get("/masuk").await;
    let csrf = csrf_of(&html);
    b.post(
        "/masuk",
        &[
            pair("csrf", &csrf),
            pair("username", "instruktur"),
            pair("password", PASSWORD),
            pair("next", "/pengajar"),
        ],
    )
    .await;
    let (status, _, html) = b.get("/pengajar").await;
    assert_eq!(status, 200);
    assert!(html.contains("Unggah kursus") && !html.contains("Kursus Uji Lentera"));

    // Upload the fixture course folder as a zip through the form.
    let root = lentera_tests::repo_root().join("tests/fixtures/kursus-uji");
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default();
        for rel in [
            "course.toml",
            "lessons/pengantar.md",
            "lessons/bacaan-tambahan.md",
            "quizzes/kuis-akhir.toml",
            "assets/diagram.svg",
        ] {
            let bytes = std::fs::read(root.join(rel)).unwrap_or_default();
            let bytes = if rel == "course.toml" {
                String::from_utf8_lossy(&bytes)
                    .replace("kursus-uji", "kursus-halaman")
                    .into_bytes()
            } else {
                bytes
            };
            zip.start_file(format!("kursus-halaman/{rel}"), options)
                .unwrap_or_else(|e| panic!("{e}"));
            zip.write_all(&bytes).unwrap_or_else(|e| panic!("{e}"));
        }
        zip.finish().unwrap_or_else(|e| panic!("{e}"));
    }
    let upload = |csrf: String, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("k.zip"),
        );
        b.client
            .post(app.url("/pengajar/unggah"))
            .multipart(form)
            .send()
    };
    let res = upload("bukan-token".into(), buf.get_ref().clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 403, "the upload form is CSRF-protected");
    let res = upload(csrf.clone(), b"rusak".to_vec())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap_or_default();
    assert!(
        html.contains("id=\"problems\"") && html.contains("bukan berkas zip"),
        "problems in Indonesian: {html}"
    );
    let res = upload(csrf.clone(), buf.into_inner())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 303);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(location, "/pengajar/kursus/kursus-halaman?versi=1");
    let (_, _, html) = b.get(&location).await;
    assert!(
        html.contains("Tersimpan sebagai draf") && html.contains("disembunyikan"),
        "a first upload is a hidden draft: {html}"
    );
    // The author previews it as learners will see it, then publishes it.
    let (status, _, html) = b.get("/pengajar/kursus/kursus-halaman/pratinjau").await;
    assert_eq!(status, 200);
    assert!(html.contains("/pengajar/kursus/kursus-halaman/pratinjau/materi/pengantar"));
    let (status, _, _) = b
        .post(
            "/pengajar/kursus/kursus-halaman/terbitkan",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303);

    // A learner reads the lesson of version 1; the page is rendered once and kept.
    let (reader, reader_csrf) = signed_in(&app, LEARNER).await;
    let (status, _, _) = reader
        .post(
            "/kursus/kursus-halaman/daftar",
            &[pair("csrf", &reader_csrf)],
        )
        .await;
    assert_eq!(status, 303);
    let lesson = "/kursus/kursus-halaman/materi/pengantar";
    let (status, _, before) = reader.get(lesson).await;
    assert_eq!(status, 200);
    assert!(!before.contains("Isi baru."));

    // Preview without JavaScript, then publish the edit as version 2.
    let path = "/pengajar/kursus/kursus-halaman/materi/pengantar";
    let (status, _, html) = b.get(path).await;
    assert_eq!(status, 200);
    assert!(html.contains("# Pengantar"));
    let (status, _, html) = b
        .post(
            path,
            &[
                pair("csrf", &csrf),
                pair("markdown", "# Judul baru\n\n**Tebal**"),
                pair("action", "pratinjau"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"preview\"") && html.contains("<strong>Tebal</strong>"));
    let (status, _, html) = b
        .post(
            path,
            &[
                pair("csrf", &csrf),
                pair("markdown", "Tautan [rusak](hilang.md)"),
                pair("action", "terbitkan"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Baris 1, kolom") && html.contains("Tautan [rusak](hilang.md)"),
        "the problem is shown and the text kept: {html}"
    );
    let (status, location, _) = b
        .post(
            path,
            &[
                pair("csrf", &csrf),
                pair("markdown", "# Judul baru\n\nIsi baru."),
                pair("action", "terbitkan"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/pengajar/kursus/kursus-halaman?versi=2")
    );
    // A draft: the learner still reads version 1; the author previews version 2 as
    // learners will see it, then publishes it.
    let (_, _, still) = reader.get(lesson).await;
    assert_eq!(still, before, "a draft is not shown to learners");
    let (_, _, html) = b.get(&location).await;
    assert!(
        html.contains("Tersimpan sebagai draf") && html.contains("Draf versi v2"),
        "{html}"
    );
    let (status, _, html) = b
        .get("/pengajar/kursus/kursus-halaman/pratinjau/materi/pengantar")
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Judul baru") && html.contains("Isi baru."),
        "{html}"
    );
    let (status, _, _) = reader
        .get("/pengajar/kursus/kursus-halaman/pratinjau/materi/pengantar")
        .await;
    assert_eq!(status, 403, "learners do not preview drafts");
    let (status, _, _) = b
        .post(
            "/pengajar/kursus/kursus-halaman/terbitkan",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303);
    // The learner sees version 2 at once, and version 1 again after the roll-back below.
    let (_, _, after) = reader.get(lesson).await;
    assert!(after.contains("Judul baru") && after.contains("Isi baru."));

    // Roll back to version 1 and hide the course.
    let (status, _, _) = b
        .post(
            "/pengajar/kursus/kursus-halaman/kembalikan",
            &[pair("csrf", &csrf), pair("version", "1")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, _, rolled_back) = reader.get(lesson).await;
    assert_eq!(rolled_back, before);
    let (status, _, _) = b
        .post(
            "/pengajar/kursus/kursus-halaman/sembunyikan",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303);
    let (_, _, html) = b.get("/pengajar/kursus/kursus-halaman").await;
    assert!(html.contains("disembunyikan"));

    // A learner cannot reach the instructor pages.
    let learner = Browser::new(&app);
    let (_, _, html) = learner.get("/masuk").await;
    let csrf = csrf_of(&html);
    learner
        .post(
            "/masuk",
            &[
                pair("csrf", &csrf),
                pair("username", LEARNER),
                pair("password", PASSWORD),
            ],
        )
        .await;
    let (status, _, _) = learner.get("/pengajar").await;
    assert_eq!(status, 403);
}

/// Every CSRF token in a page.
/// The distinct CSRF tokens in a page's forms (the header's sign-out and language forms
/// and the page's own carry the same one).
fn csrf_fields(html: &str) -> Vec<&str> {
    let marker = "name=\"csrf\" value=\"";
    let mut tokens: Vec<&str> = html
        .split(marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    tokens.dedup();
    tokens
}

/// A lesson page is rendered once for all its readers (per version, language, roles and
/// whether it is done); each reader still gets their own CSRF token, navigation and state.
#[tokio::test]
async fn a_lesson_page_is_shared_but_each_reader_gets_their_own() {
    let app = spawn_app().await;
    let lesson = "/kursus/kursus-uji/materi/pengantar";
    let mut readers = Vec::new();
    for username in [LEARNER, OTHER_LEARNER, "instruktur"] {
        let (b, csrf) = signed_in(&app, username).await;
        let (status, _, _) = b
            .post("/kursus/kursus-uji/daftar", &[pair("csrf", &csrf)])
            .await;
        assert_eq!(status, 303);
        readers.push((b, csrf));
    }
    let mut pages = Vec::new();
    for (b, csrf) in &readers {
        let (status, _, html) = b.get(lesson).await;
        assert_eq!(status, 200);
        // The sign-out form and the mark-done form, both with this reader's token only.
        assert_eq!(csrf_fields(&html), vec![csrf.as_str()]);
        assert!(html.contains("Tandai selesai") && !html.contains('\u{1}'));
        pages.push(html);
    }
    assert_ne!(readers[0].1, readers[1].1);
    // Apart from the token the two learners' pages are the same; the instructor's header
    // links to the teaching pages, the learners' do not.
    assert_eq!(
        pages[0].replace(&readers[0].1, "T"),
        pages[1].replace(&readers[1].1, "T")
    );
    assert!(!pages[0].contains("href=\"/pengajar\""));
    assert!(pages[2].contains("href=\"/pengajar\""));
    // Names never reach a shared page.
    assert!(!pages[2].contains("Sri Wahyuni") && !pages[0].contains("Rahmat"));

    // One learner marks it done: their page says so, the other's still offers the button.
    let (first, first_csrf) = &readers[0];
    let (status, _, _) = first
        .post(&format!("{lesson}/selesai"), &[pair("csrf", first_csrf)])
        .await;
    assert_eq!(status, 303);
    let (_, _, done) = first.get(lesson).await;
    assert!(done.contains("Materi ini sudah ditandai selesai") && !done.contains("Tandai selesai"));
    assert_eq!(csrf_fields(&done), vec![first_csrf.as_str()]);
    let (_, _, other) = readers[1].0.get(lesson).await;
    assert!(other.contains("Tandai selesai"));

    // In English, the same lesson in the English interface, with the same token.
    let (status, _, _) = first
        .post(
            "/bahasa/en",
            &[pair("csrf", first_csrf), pair("next", lesson)],
        )
        .await;
    assert_eq!(status, 303);
    let (_, _, english) = first.get(lesson).await;
    assert!(english.contains("This lesson is marked as done.") && english.contains("lang=\"en\""));
    assert_eq!(csrf_fields(&english), vec![first_csrf.as_str()]);
}

/// A browser signed in as `username` through the sign-in form, with its CSRF token.
pub(crate) async fn signed_in<'a>(app: &'a TestApp, username: &str) -> (Browser<'a>, String) {
    signed_in_with(app, username, PASSWORD).await
}

async fn signed_in_with<'a>(
    app: &'a TestApp,
    username: &str,
    password: &str,
) -> (Browser<'a>, String) {
    let b = Browser::new(app);
    let (_, _, html) = b.get("/masuk").await;
    let csrf = csrf_of(&html);
    let (status, _, _) = b
        .post(
            "/masuk",
            &[
                pair("csrf", &csrf),
                pair("username", username),
                pair("password", password),
                pair("next", "/"),
            ],
        )
        .await;
    assert_eq!(status, 303, "sign in as {username}");
    (b, csrf)
}

#[tokio::test]
async fn essays_are_graded_and_reviewed_through_the_pages() {
    let app = spawn_app().await;
    app.import_fixture("kursus-esai", "instruktur").await;
    let (learner, csrf) = signed_in(&app, LEARNER).await;
    learner
        .post("/kursus/kursus-esai/daftar", &[pair("csrf", &csrf)])
        .await;
    learner
        .post(
            "/kursus/kursus-esai/materi/bacaan/selesai",
            &[pair("csrf", &csrf)],
        )
        .await;
    let (_, _, intro) = learner.get("/kursus/kursus-esai/kuis/tugas-esai").await;
    assert!(
        intro.contains("<li>3 soal</li>"),
        "an attempt holds the essay and 2 drawn questions: {intro}"
    );
    assert!(
        intro.contains("percobaan terakhir yang sudah dinilai"),
        "counts = latest is said"
    );
    let (status, attempt_path, _) = learner
        .post(
            "/kursus/kursus-esai/kuis/tugas-esai/mulai",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303);
    let (_, _, form) = learner.get(&attempt_path).await;
    // Nothing in the HTML tells the right option: no weights, no feedback, no author ids.
    for leak in [
        "correct",
        "weight",
        "Tepat.",
        "value=\"a\"",
        "value=\"b\"",
        "satu JP bukan",
    ] {
        assert!(!form.contains(leak), "`{leak}` leaks in the attempt page");
    }
    assert!(form.contains("name=\"a.e1\""), "the essay is on the page");
    let essay = "Kami menyusun <rencana> pengembangan kompetensi & memantau JP.";
    let (status, location, _) = learner
        .post(
            &attempt_path,
            &[
                pair("csrf", &csrf),
                pair("a.e1", essay),
                pair("halaman", "1"),
                pair("action", "kirim"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, _, result) = learner.get(&location).await;
    assert!(
        result.contains("menunggu penilaian") || result.contains("Menunggu penilaian"),
        "{result}"
    );
    assert!(
        result.contains("Kami menyusun &lt;rencana&gt;"),
        "the learner's text is escaped"
    );

    let (teacher, tcsrf) = signed_in(&app, "instruktur").await;
    let (status, _, queue) = teacher.get("/pengajar/penilaian").await;
    assert_eq!(status, 200);
    assert!(queue.contains("Rahmat Hidayat"), "{queue}");
    let id = attempt_path.trim_start_matches("/percobaan/");
    let grade_path = format!("/pengajar/penilaian/{id}");
    let (status, _, page) = teacher.get(&grade_path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Kami menyusun &lt;rencana&gt;"),
        "escaped for the grader too"
    );
    let (status, _, page) = teacher
        .post(
            &grade_path,
            &[
                pair("csrf", &tcsrf),
                pair("score.e1", "9"),
                pair("comment.e1", "Bagus"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("antara 0 dan poin soal") && page.contains("Bagus"),
        "message next to the field, input kept"
    );
    let (status, location, _) = teacher
        .post(
            &grade_path,
            &[
                pair("csrf", &tcsrf),
                pair("score.e1", "3,5"),
                pair("comment.e1", "Cukup baik; tambahkan contoh."),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/pengajar/penilaian?dinilai=1")
    );
    // The queue confirms the saved grade (and says nothing when only visited).
    let (_, _, queue) = teacher.get(&location).await;
    assert!(queue.contains("Nilai tersimpan.") && queue.contains("role=\"status\""));
    let (_, _, queue) = teacher.get("/pengajar/penilaian").await;
    assert!(queue.contains("queue-empty") && !queue.contains("Nilai tersimpan."));
    // Another instructor cannot open it.
    let (other, _) = signed_in(&app, "instruktur2").await;
    let (status, _, _) = other.get(&grade_path).await;
    assert_eq!(status, 404);

    let (_, _, result) = learner.get(&location_of_result(&attempt_path)).await;
    assert!(
        result.contains("Catatan pengajar") && result.contains("Cukup baik; tambahkan contoh."),
        "{result}"
    );
    // Indonesian writes a decimal comma.
    assert!(result.contains("3,5 / 4"), "{result}");
    assert!(
        !result.contains("Jawaban benar:"),
        "after_last_attempt: not yet"
    );

    let stats = "/pengajar/kursus/kursus-esai/kuis/tugas-esai/statistik";
    let (status, _, html) = teacher.get(stats).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"stat-attempts\">1<") && html.contains("Indeks kemudahan"),
        "{html}"
    );
    let (status, _, csv) = teacher.get(&format!("{stats}?format=csv")).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("soal,jenis,teks"));
    let (status, _, _) = learner.get(stats).await;
    assert_eq!(status, 403);
}

fn location_of_result(attempt_path: &str) -> String {
    format!("{attempt_path}/hasil")
}

/// The text between `start` and the next `<`.
fn text_after(html: &str, start: &str) -> String {
    html.find(start)
        .map(|i| &html[i + start.len()..])
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn admins_and_managers_work_through_the_pages() {
    let app = spawn_app().await;
    let (admin, csrf) = signed_in(&app, "admin").await;
    let (status, _, html) = admin.get("/admin").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Administrasi")
            && html.contains("href=\"/laporan\"")
            && html.contains("href=\"/admin\"")
    );

    // Bad input is re-shown next to its field, in Indonesian, with what was typed.
    let (status, _, html) = admin
        .post(
            "/admin/unit",
            &[
                pair("csrf", &csrf),
                pair("code", "a b"),
                pair("name", "Spasi"),
                pair("parent", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Kode unit: 2–40") && html.contains("value=\"Spasi\""),
        "{html}"
    );
    let (status, location, _) = admin
        .post(
            "/admin/unit",
            &[
                pair("csrf", &csrf),
                pair("code", "BUNGO-DINKES"),
                pair("name", "Dinas Kesehatan"),
                pair("parent", "BUNGO"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/unit?ok=unit:BUNGO-DINKES")
    );
    let (status, _, html) = admin
        .post(
            "/admin/pengguna",
            &[
                pair("csrf", &csrf),
                pair("nip", "199213142018012002"),
                pair("name", "Bulan Salah"),
                pair("roles", "learner"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("NIP: angka ke-1 sampai ke-8 harus tanggal lahir"),
        "{html}"
    );
    let (status, _, html) = admin
        .post(
            "/admin/pengguna",
            &[
                pair("csrf", &csrf),
                pair("nip", "197501012000031001"),
                pair("name", "dr. Hendra Gunawan"),
                pair("unit", "BUNGO-DINKES"),
                pair("roles", "manager"),
            ],
        )
        .await;
    assert_eq!(status, 201);
    let manager_password = text_after(&html, "id=\"initial-password\">");
    assert_eq!(manager_password.len(), 12, "{html}");

    // CSV import from the page: the good row in, the bad one listed with its line.
    let csv = "nip,name,email,unit_code,roles\n199203142018012002,Ns. Dewi Lestari,,BUNGO-DINKES,learner\n19920314,Pendek,,BUNGO-DINKES,learner\n";
    let (status, _, html) = admin
        .post_file("/admin/impor", &csrf, "asn.csv", csv.as_bytes().to_vec())
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Diimpor: 1 · Ditolak: 1")
            && html.contains("<td>3</td>")
            && html.contains("18 angka"),
        "{html}"
    );

    // Outside JP on the person's page.
    let person = format!("/admin/pengguna/{LEARNER}");
    let (status, _, html) = admin.get(&person).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Rahmat Hidayat") && html.contains("0 / 20 JP"),
        "{html}"
    );
    let jp_path = format!("{person}/jp");
    let (status, _, html2) = admin
        .post(
            &jp_path,
            &[
                pair("csrf", &csrf),
                pair("title", "Seminar SPBE"),
                pair("kind", "seminar"),
                pair("jp", "nol"),
                pair("document_ref", "005/SEM/2026"),
                pair("held_on", "2026-02-03"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html2.contains("JP harus bilangan bulat") && html2.contains("005&#x2f;SEM&#x2f;2026"),
        "{html2}"
    );
    let (status, location, _) = admin
        .post(
            &jp_path,
            &[
                pair("csrf", &csrf),
                pair("title", "Seminar SPBE"),
                pair("kind", "seminar"),
                pair("jp", "4"),
                pair("document_ref", "005/SEM/2026"),
                pair("held_on", "2026-02-03"),
            ],
        )
        .await;
    assert_eq!((status, location), (303, format!("{person}?ok=jp")));
    let (_, _, html) = admin.get(&person).await;
    assert!(
        html.contains("Seminar SPBE") && html.contains("4 / 20 JP"),
        "{html}"
    );
    let (status, _, html) = admin
        .post(
            "/admin/cabut",
            &[
                pair("csrf", &csrf),
                pair("certificate", "LNT-2026-999999"),
                pair("reason", "Uji pencabutan"),
            ],
        )
        .await;
    assert_eq!(status, 404);
    assert!(
        html.contains("tidak ditemukan") && html.contains("Uji pencabutan"),
        "{html}"
    );
    let (_, _, html) = admin.get("/admin/audit").await;
    assert!(
        html.contains("user.create") && html.contains("jp.record"),
        "the audit log has its page"
    );

    // The manager sees Dinkes only, and can download it.
    let (manager, _) = signed_in_with(&app, "197501012000031001", &manager_password).await;
    let (status, _, html) = manager.get("/laporan").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Ns. Dewi Lestari") && !html.contains("Rahmat Hidayat"),
        "{html}"
    );
    assert!(
        !html.contains("href=\"/admin\""),
        "no admin link for a manager"
    );
    let (status, _, _) = manager.get("/laporan?unit=BUNGO").await;
    assert_eq!(status, 404);
    let (status, kind, csv) = manager.download("/laporan/unduh?jenis=jp&format=csv").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap_or_default();
    assert!(
        csv.contains("199203142018012002,Ns. Dewi Lestari,BUNGO-DINKES") && !csv.contains(LEARNER),
        "{csv}"
    );
    let (status, kind, _) = manager
        .download("/laporan/unduh?jenis=jp&format=xlsx")
        .await;
    assert_eq!((status, kind.contains("spreadsheetml")), (200, true));
    let (status, kind, _) = manager.download("/laporan/sertifikat.zip").await;
    assert_eq!((status, kind.as_str()), (200, "application/zip"));

    // A learner has neither page, and sees their ledger with the outside JP.
    let (learner, _) = signed_in(&app, LEARNER).await;
    let (status, _, _) = learner.get("/laporan").await;
    assert_eq!(status, 403);
    let (status, _, _) = learner.get("/admin").await;
    assert_eq!(status, 403);
    let (_, _, html) = learner.get("/sertifikat").await;
    assert!(
        html.contains("Catatan JP") && html.contains("Seminar SPBE"),
        "{html}"
    );
    let (_, _, home) = learner.get("/").await;
    assert!(
        home.contains("4</strong> / 20 JP"),
        "outside JP counts on the home page"
    );
}
