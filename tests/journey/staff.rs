//! The staff side on a phone (issue 13): the demo's rooms are not empty, ...

use lentera_tests::{LEARNER, PASSWORD, TestApp, spawn_app, spawn_app_with};
use serde_json::Value;

/// Runs `lentera demo`'s seeding against the test server's database and data folder (the
/// same keys), as the command does before it serves.
async fn seed_demo(app: &TestApp) {
    let (url, dir) = (
        app.database_url.clone(),
        app.dir.path().display().to_string(),
    );
    let config = lentera_domain::Config::from_vars(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "LENTERA_DATA_DIR" => Some(dir.clone()),
        "LENTERA_PUBLIC_URL" => Some("http://lentera.test".into()),
        "LENTERA_ISSUER" => Some("Pemerintah Kabupaten Bungo".into()),
        _ => None,
    })
    .unwrap_or_else(|e| panic!("config: {e}"));
    let lentera = lentera_domain::Lentera::open(config)
        .await
        .unwrap_or_else(|e| panic!("open: {e}"));
    let (_, problems) =
        lentera_domain::console::demo(&lentera, &lentera_tests::repo_root().join("content"))
            .await
            .unwrap_or_else(|e| panic!("demo: {e:#}"));
    assert!(problems.is_empty(), "{problems:?}");
}

fn slugs(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// What the demo shows each role, as figures that must not change on a second start.
async fn demo_figures(app: &TestApp) -> (Value, Value, Value, Value) {
    let manager = app
        .login_with("manajer", lentera_domain::console::DEMO_PASSWORD)
        .await;
    let (status, course) = app
        .get(
            "/api/v1/reports/completions?course=kepemimpinan-pelayanan-publik",
            &manager,
        )
        .await;
    assert_eq!(status, 200, "{course}");
    let (status, jp) = app.get("/api/v1/reports/jp", &manager).await;
    assert_eq!(status, 200, "{jp}");
    let instructor = app.login("instruktur").await;
    let (status, queue) = app.get("/api/v1/grading", &instructor).await;
    assert_eq!(status, 200, "{queue}");
    let learner = app.login(LEARNER).await;
    let (status, certificates) = app.get("/api/v1/me/certificates", &learner).await;
    assert_eq!(status, 200, "{certificates}");
    (course, jp, queue, certificates)
}

#[tokio::test]
async fn the_demo_shows_every_role_real_work_and_a_second_start_adds_nothing() {
    let app = spawn_app_with(true).await;
    seed_demo(&app).await;

    // The demo instructor owns a shipped course and co-authors another.
    let instructor = app.login("instruktur").await;
    let (status, mine) = app.get("/api/v1/instructor/courses", &instructor).await;
    assert_eq!(status, 200, "{mine}");
    let mine = slugs(&mine["courses"]);
    assert!(
        mine.contains(&"kepemimpinan-pelayanan-publik".to_owned())
            && mine.contains(&"standar-pelayanan-publik".to_owned()),
        "{mine:?}"
    );

    let (course, jp, queue, certificates) = demo_figures(&app).await;
    // The manager's instansi has learners at every stage of the instructor's course.
    let person = |name: &str| {
        course["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["name"] == name).cloned())
            .unwrap_or_else(|| panic!("{name} not in {course}"))
    };
    let not_started = person("Nur Aminah");
    assert!(not_started["enrolled_at"].is_string() && not_started["lessons_done"] == 0);
    assert_eq!(person("Agus Santoso")["lessons_done"], 2, "{course}");
    assert_eq!(person("Hendra Siregar")["state"], "in_progress", "{course}");
    assert_eq!(person("Fitri Wijaya")["state"], "completed", "{course}");
    let names: Vec<&str> = jp["rows"]
        .as_array()
        .map(|r| r.iter().filter_map(|l| l["name"].as_str()).collect())
        .unwrap_or_default();
    for name in [
        "Nur Aminah",
        "Agus Santoso",
        "Fitri Wijaya",
        "Hendra Siregar",
    ] {
        assert!(names.contains(&name), "{name} not in {jp}");
    }
    // Everyone is short of 20 JP; the one who completed has 5 JP.
    let rows = jp["rows"].as_array().cloned().unwrap_or_default();
    assert!(rows.iter().all(|l| l["short"].as_i64() > Some(0)), "{jp}");
    assert!(rows.iter().any(|l| l["jp"] == 5), "{jp}");
    // A final essay waits for the instructor.
    assert_eq!(
        queue["attempts"].as_array().map(Vec::len),
        Some(1),
        "{queue}"
    );
    // The demo learner holds a certificate.
    assert_eq!(
        certificates["certificates"].as_array().map(Vec::len),
        Some(1),
        "{certificates}"
    );
    let (status, progress) = app
        .get("/api/v1/me/progress", &app.login(LEARNER).await)
        .await;
    assert_eq!(status, 200);
    assert!(
        progress["courses"].as_array().map(Vec::len) >= Some(2),
        "the demo learner has a course under way: {progress}"
    );

    // The completed learner's certificate names the instansi's signatory and the unit.
    let fitri = app
        .login_with("199011052015032003", lentera_domain::console::DEMO_PASSWORD)
        .await;
    let (_, mine) = app.get("/api/v1/me/certificates", &fitri).await;
    let code = mine["certificates"][0]["code"].as_str().unwrap_or_default();
    let (status, _, pdf) = app
        .get_bytes(&format!("/certificates/{code}.pdf"), Some(&fitri))
        .await;
    assert_eq!(status, 200);
    if let Some(text) = lentera_tests::pdf_text(&pdf) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("Sekretaris Daerah Provinsi Maluku Utara")
                && flat.contains("Unit kerja: Dinas Kominfo Provinsi Maluku Utara"),
            "{text}"
        );
    }

    // The managers' side: a partner's seminar the demo learner holds a seat at, the
    // manager's own classroom training, and their assignment to their instansi.
    let development = development_figures(&app).await;
    let (assignments, learner_events, manager_events) = &development;
    assert_eq!(
        assignments["assignments"].as_array().map(Vec::len),
        Some(1),
        "{assignments}"
    );
    assert_eq!(assignments["assignments"][0]["unit"], "MALUT");
    let seminar = learner_events["events"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["kind"] == "seminar").cloned())
        .unwrap_or_else(|| panic!("no seminar: {learner_events}"));
    assert_eq!(
        seminar["organiser"]["name"], "Universitas Jambi",
        "{seminar}"
    );
    assert_eq!(seminar["mine"]["state"], "registered", "{seminar}");
    assert!(
        manager_events["events"].as_array().is_some_and(|e| e
            .iter()
            .any(|e| e["kind"] == "pelatihan" && e["timezone"] == "WIT")),
        "{manager_events}"
    );

    // A second start adds nothing.
    seed_demo(&app).await;
    assert_eq!(demo_figures(&app).await, (course, jp, queue, certificates));
    assert_eq!(development_figures(&app).await, development);
}

/// The demo's assignments (the manager's) and events (the learner's and the manager's).
async fn development_figures(app: &TestApp) -> (Value, Value, Value) {
    let manager = app
        .login_with("manajer", lentera_domain::console::DEMO_PASSWORD)
        .await;
    let (status, assignments) = app.get("/api/v1/assignments", &manager).await;
    assert_eq!(status, 200, "{assignments}");
    let (status, manager_events) = app.get("/api/v1/events", &manager).await;
    assert_eq!(status, 200, "{manager_events}");
    let learner = app.login(LEARNER).await;
    let (status, learner_events) = app.get("/api/v1/events", &learner).await;
    assert_eq!(status, 200, "{learner_events}");
    (assignments, learner_events, manager_events)
}

#[tokio::test]
async fn exports_offer_the_indonesian_excel_csv_and_xlsx_with_real_dates() {
    use std::io::Read;
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    app.complete_fixture_course(&learner).await;
    let admin = app.login("admin").await;
    let report = "/api/v1/reports/completions?course=kursus-uji";

    // The plain CSV stays as programs read it.
    let (status, _, plain) = app
        .get_bytes(&format!("{report}&format=csv"), Some(&admin))
        .await;
    assert_eq!(status, 200);
    let plain = String::from_utf8(plain).unwrap_or_default();
    assert!(plain.starts_with("nip,nama,unit,status,"), "{plain}");
    assert!(plain.contains(",completed,") && plain.contains(",not_started,"));

    // The Indonesian Excel form: BOM, `;`, Indonesian header and values, DD/MM/YYYY.
    let (status, kind, excel) = app
        .get_bytes(&format!("{report}&format=csv-id"), Some(&admin))
        .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(excel.starts_with(b"\xef\xbb\xbf"), "a UTF-8 BOM first");
    let excel = String::from_utf8(excel).unwrap_or_default();
    let mut lines = excel.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "NIP;Nama;Unit;Status;Tanggal mendaftar;Materi selesai;Aktivitas terakhir;Tanggal selesai"
        )
    );
    let today = chrono::Utc::now().format("%d/%m/%Y").to_string();
    let done = excel
        .lines()
        .find(|l| l.starts_with(LEARNER))
        .unwrap_or_else(|| panic!("{excel}"));
    assert_eq!(
        done,
        format!("{LEARNER};Rahmat Hidayat;BUNGO;selesai;{today};1;{today};{today}")
    );
    assert!(excel.contains(";belum mulai;"), "{excel}");
    assert!(!excel.contains("not_started") && !excel.contains("completed"));

    // XLSX: the days are dates (numbers with a date format), not text.
    let (status, _, xlsx) = app
        .get_bytes(&format!("{report}&format=xlsx"), Some(&admin))
        .await;
    assert_eq!(status, 200);
    let mut book =
        zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap_or_else(|e| panic!("xlsx: {e}"));
    let mut read = |name: &str| {
        let mut text = String::new();
        book.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut text)
            .unwrap_or_default();
        text
    };
    let strings = read("xl/sharedStrings.xml");
    let sheet = read("xl/worksheets/sheet1.xml");
    let styles = read("xl/styles.xml");
    let iso_today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        !strings.contains(&iso_today),
        "dates are not text: {strings}"
    );
    assert!(styles.contains("dd/mm/yyyy"), "{styles}");
    // Excel's serial day of today, in the enrolment column (E) of a data row.
    let serial = (chrono::Utc::now().date_naive()
        - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default())
    .num_days();
    assert!(
        sheet.contains(&format!("<v>{serial}</v>")),
        "no date cell {serial} in {sheet}"
    );
}

/// A browser without JavaScript: cookies kept, redirects not followed.
pub struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    pub csrf: String,
}

impl<'a> Browser<'a> {
    /// Signs in as `username` through the sign-in form.
    pub async fn signed_in(app: &'a TestApp, username: &str, password: &str) -> Browser<'a> {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut b = Browser {
            app,
            client,
            csrf: String::new(),
        };
        let (_, _, html) = b.get("/masuk").await;
        b.csrf = csrf_of(&html);
        let csrf = b.csrf.clone();
        let (status, _, _) = b
            .post(
                "/masuk",
                &[
                    ("csrf", csrf.as_str()),
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(status, 303, "sign in as {username}");
        b
    }

    /// (status, location, body)
    pub async fn get(&self, path: &str) -> (u16, String, String) {
        let res = self
            .client
            .get(self.app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        Self::read(res).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        let res = self
            .client
            .post(self.app.url(path))
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        Self::read(res).await
    }

    async fn read(res: reqwest::Response) -> (u16, String, String) {
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

#[tokio::test]
async fn the_course_report_is_headed_by_the_title_and_uses_the_desktop_width() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    app.complete_fixture_course(&learner).await;
    let admin = Browser::signed_in(&app, "admin", PASSWORD).await;
    let (status, _, html) = admin.get("/laporan?kursus=kursus-uji").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Kursus: Kursus Uji Lentera</h2>"),
        "the course report names its title: {html}"
    );
    assert!(!html.contains(": kursus-uji</h2>"), "{html}");
    assert!(html.contains("<title>Kursus Uji Lentera · "), "{html}");
    // The report is not squeezed into the reading column (46rem, 736 px).
    assert!(html.contains("<main class=\"wrap wide\""), "{html}");
    let (_, _, css) = admin.get("/static/style.css").await;
    assert!(css.contains(".wrap.wide { max-width: 80rem; }"), "{css}");
}

#[tokio::test]
async fn each_admin_task_has_its_own_page_behind_a_small_menu() {
    let app = spawn_app().await;
    let admin = Browser::signed_in(&app, "admin", PASSWORD).await;
    let pages = [
        ("/admin", "Pengguna", "action=\"/admin\""),
        (
            "/admin/pengguna-baru",
            "Pengguna baru",
            "action=\"/admin/pengguna\"",
        ),
        (
            "/admin/impor",
            "Impor pengguna dari CSV",
            "action=\"/admin/impor\"",
        ),
        ("/admin/unit", "Unit organisasi", "action=\"/admin/unit\""),
        (
            "/admin/cabut",
            "Cabut sertifikat",
            "action=\"/admin/cabut\"",
        ),
        ("/admin/audit", "Catatan audit", "id=\"audit\""),
    ];
    for (path, title, own) in pages {
        let (status, _, html) = admin.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(&format!("<h1>{title}")), "{path}: {html}");
        // The menu names every task and marks this one.
        for (other, _, _) in pages {
            assert!(
                html.contains(&format!("href=\"{other}\"")),
                "{path}: {other}"
            );
        }
        assert!(
            html.contains(&format!("href=\"{path}\" aria-current=\"page\"")),
            "{path}: {html}"
        );
        assert_eq!(html.matches("aria-current=\"page\"").count(), 1, "{path}");
        // Only its own task: no other task's form or table.
        assert!(html.contains(own), "{path}: {html}");
        for (other, _, theirs) in pages {
            if other != path {
                assert!(!html.contains(theirs), "{path} holds {other}'s task");
            }
        }
        assert_eq!(html.matches("<h1").count(), 1, "{path}");
    }

    // The import's result is at the top of its own page, rows as the spreadsheet shows.
    let csv = "nip,name,email,unit_code,roles\n199203142018012002,Ns. Dewi Lestari,,BUNGO,learner\n19920314,Pendek,,BUNGO,learner\n";
    let form = reqwest::multipart::Form::new()
        .text("csrf", admin.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("asn.csv"),
        );
    let res = admin
        .client
        .post(app.url("/admin/impor"))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap_or_default();
    assert!(html.contains("href=\"/admin/impor\" aria-current=\"page\""));
    assert!(
        html.contains("Diimpor: 1 · Ditolak: 1") && html.contains("<td>3</td><td>19920314</td>"),
        "{html}"
    );
    assert!(!html.contains("id=\"users\""), "{html}");

    // A created unit is announced on the units page.
    let csrf = admin.csrf.clone();
    let (status, location, _) = admin
        .post(
            "/admin/unit",
            &[
                ("csrf", csrf.as_str()),
                ("code", "BUNGO-DINKES"),
                ("name", "Dinas Kesehatan"),
                ("parent", "BUNGO"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/unit?ok=unit:BUNGO-DINKES")
    );
}

#[tokio::test]
async fn the_certificate_names_its_instansi_signatory_unit_period_predikat_and_modules() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let (status, body) = app
        .post(
            "/api/v1/units",
            &admin,
            Some(serde_json::json!({"code": "BUNGO-BKPSDM", "name": "BKPSDM Kabupaten Bungo", "parent": "BUNGO"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let move_to = |unit: &str| serde_json::json!({"name": "Rahmat Hidayat", "nip": LEARNER, "unit": unit, "roles": ["learner"], "active": true});
    let (status, body) = app
        .put(
            &format!("/api/v1/users/{LEARNER}"),
            &admin,
            move_to("BUNGO-BKPSDM"),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Only an instansi (a root unit) has these settings; bad ones are named.
    let signatory = serde_json::json!({"name": "Dr. H. Ahmad Fauzi, M.Si.",
        "jabatan": "Bupati Bungo", "nip": "197001011995031001"});
    let (status, body) = app
        .put(
            "/api/v1/units/BUNGO-BKPSDM/instansi",
            &admin,
            serde_json::json!({"signatory": signatory}),
        )
        .await;
    assert_eq!(
        (status, lentera_tests::error_code(&body)),
        (422, "not_an_instansi".into())
    );
    let (status, body) = app
        .put(
            "/api/v1/units/BUNGO/instansi",
            &admin,
            serde_json::json!({"predikat": {"sangat_memuaskan": 80, "memuaskan": 90, "baik": 70, "cukup": 60}}),
        )
        .await;
    assert_eq!(
        (status, lentera_tests::error_code(&body)),
        (422, "invalid_instansi".into())
    );
    let (status, body) = app
        .put(
            "/api/v1/units/BUNGO/instansi",
            &admin,
            serde_json::json!({"signatory": signatory,
                "predikat": {"sangat_memuaskan": 95, "memuaskan": 85, "baik": 75, "cukup": 65}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, shown) = app.get("/api/v1/units/BUNGO/instansi", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(shown["signatory"], signatory);
    assert_eq!(shown["predikat"]["cukup"], 65.0);
    assert_eq!(shown["default_predikat"], false);

    // The learner completes the course, then moves: the certificate keeps the unit.
    let learner = app.login(LEARNER).await;
    let cert = app.complete_fixture_course(&learner).await;
    let (status, body) = app
        .put(
            &format!("/api/v1/users/{LEARNER}"),
            &admin,
            move_to("BUNGO"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let code = cert["code"].as_str().unwrap_or_default();
    let (status, kind, pdf) = app
        .get_bytes(&format!("/certificates/{code}.pdf"), Some(&learner))
        .await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    let Some(text) = lentera_tests::pdf_text(&pdf) else {
        return;
    };
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Pemerintah Kabupaten Bungo",
        "Unit kerja: BKPSDM Kabupaten Bungo",
        &lentera_certificate::tanggal_indonesia(chrono::Utc::now().date_naive()),
        "dengan predikat SANGAT MEMUASKAN",
        "Bupati Bungo",
        "Dr. H. Ahmad Fauzi, M.Si.",
        "NIP. 197001011995031001",
        "Modul Satu",
        "Pengantar",
        "Kuis: Kuis Akhir",
    ] {
        assert!(
            flat.contains(expected),
            "{expected:?} not in the PDF:\n{text}"
        );
    }

    // The admin's change is in the audit log.
    let admin_page = Browser::signed_in(&app, "admin", PASSWORD).await;
    let (_, _, html) = admin_page.get("/admin/audit").await;
    assert!(html.contains("instansi.updated"), "{html}");
    // And the page shows the settings and re-shows a refused form with what was typed.
    let (status, _, html) = admin_page.get("/admin/instansi/BUNGO").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Bupati Bungo") && html.contains("value=\"65\""),
        "{html}"
    );
    let csrf = admin_page.csrf.clone();
    let (status, _, html) = admin_page
        .post(
            "/admin/instansi/BUNGO",
            &[
                ("csrf", csrf.as_str()),
                ("signatory_name", "Hj. Siti Rahma"),
                ("signatory_jabatan", ""),
                ("sangat_memuaskan", "lima"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("value=\"Hj. Siti Rahma\"") && html.contains("aria-invalid"),
        "{html}"
    );
    let (status, location, _) = admin_page
        .post(
            "/admin/instansi/BUNGO",
            &[
                ("csrf", csrf.as_str()),
                ("signatory_name", "Hj. Siti Rahma, S.E."),
                ("signatory_jabatan", "Sekretaris Daerah"),
                ("signatory_nip", ""),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/instansi/BUNGO?ok=instansi")
    );
    let (_, shown) = app.get("/api/v1/units/BUNGO/instansi", &admin).await;
    assert_eq!(shown["signatory"]["jabatan"], "Sekretaris Daerah");
    assert_eq!(shown["default_predikat"], true);
}

#[tokio::test]
async fn the_lesson_editor_names_the_course_and_lesson_and_shows_each_offending_line() {
    let app = spawn_app().await;
    let admin = Browser::signed_in(&app, "admin", PASSWORD).await;
    let path = "/pengajar/kursus/kursus-uji/materi/pengantar";
    let (status, _, html) = admin.get(path).await;
    assert_eq!(status, 200);
    // Headed by the lesson's and the course's titles, not the slug.
    assert!(html.contains("<h1>Ubah materi: Pengantar</h1>"), "{html}");
    assert!(html.contains("Kursus Uji Lentera"), "{html}");

    // A problem names its line in the text area and shows that line's text (the stored
    // file has a front matter the editor hides: the line counts from the text area).
    let markdown = "# Judul\n\nParagraf pertama.\n\nTautan [rusak](hilang.md) di baris lima.\n";
    let csrf = admin.csrf.clone();
    let action = "terbitkan";
    let (status, _, html) = admin
        .post(
            path,
            &[
                ("csrf", csrf.as_str()),
                ("markdown", markdown),
                ("action", action),
            ],
        )
        .await;
    assert_eq!(status, 422, "{action}: {html}");
    assert!(
        html.contains("<a href=\"#markdown\">Baris 5, kolom")
            && html.contains("5 │</span> Tautan [rusak](hilang.md) di baris lima.</code>"),
        "{action}: {html}"
    );
    assert!(html.contains("id=\"masalah-1\""), "{action}: {html}");

    // Edit links are touch targets of 44 × 44 px at least.
    let (_, _, course) = admin.get("/pengajar/kursus/kursus-uji").await;
    assert!(
        course
            .contains("<a class=\"touch\" href=\"/pengajar/kursus/kursus-uji/materi/pengantar\">"),
        "{course}"
    );
    let (_, _, css) = admin.get("/static/style.css").await;
    assert!(
        css.contains("a.touch { display: inline-flex; align-items: center; justify-content: center; min-width: 44px; min-height: 44px;"),
        "{css}"
    );
}

/// Multipart upload of `bytes` as the `file` field of `path`, with the admin's API token.
async fn upload_logo(app: &TestApp, token: &str, bytes: &[u8]) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("logo.png"),
    );
    let res = app
        .api
        .put(app.url("/api/v1/units/BUNGO/instansi/logo"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Point 12's logo: an admin uploads the instansi's logo (checked: a readable PNG or
/// JPEG), its people's certificates print it, the page shows and replaces it, and
/// removing it takes it off the certificates; each change is in the audit log.
#[tokio::test]
async fn an_instansi_logo_is_checked_printed_on_certificates_and_removed() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let png =
        std::fs::read(lentera_tests::repo_root().join("crates/certificate/testdata/logo.png"))
            .unwrap_or_else(|e| panic!("{e}"));

    // Not an image, or a broken one: refused at the field, nothing kept.
    for bad in [&b"bukan gambar"[..], &png[..png.len() / 2]] {
        let (status, body) = upload_logo(&app, &admin, bad).await;
        assert_eq!(
            (status, lentera_tests::error_code(&body)),
            (422, "invalid_logo".into()),
            "{body}"
        );
        assert_eq!(body["field"], "logo");
    }
    let (status, _) = app.get("/api/v1/units/BUNGO/instansi/logo", &admin).await;
    assert_eq!(status, 404);

    let (status, body) = upload_logo(&app, &admin, &png).await;
    assert_eq!((status, &body["logo"]), (200, &Value::Bool(true)), "{body}");
    let (status, kind, served) = app
        .get_bytes("/api/v1/units/BUNGO/instansi/logo", Some(&admin))
        .await;
    assert_eq!(
        (status, kind.as_str(), served == png),
        (200, "image/png", true)
    );

    // The learner of the instansi completes the course: the certificate prints the logo.
    let (status, body) = app
        .put(
            &format!("/api/v1/users/{LEARNER}"),
            &admin,
            serde_json::json!({"name": "Rahmat Hidayat", "nip": LEARNER, "unit": "BUNGO",
                "roles": ["learner"], "active": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let learner = app.login(LEARNER).await;
    let cert = app.complete_fixture_course(&learner).await;
    let code = cert["code"].as_str().unwrap_or_default().to_owned();
    let pdf_has_image = |pdf: &[u8]| {
        String::from_utf8_lossy(pdf)
            .replace(' ', "")
            .contains("/Subtype/Image")
    };
    let (status, _, pdf) = app
        .get_bytes(&format!("/certificates/{code}.pdf"), Some(&learner))
        .await;
    assert_eq!(status, 200);
    assert!(pdf_has_image(&pdf), "the logo is not on the certificate");

    // The admin page shows it, with a button that removes it.
    let page = Browser::signed_in(&app, "admin", PASSWORD).await;
    let (status, _, html) = page.get("/admin/instansi/BUNGO").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("src=\"/admin/instansi/BUNGO/logo\""),
        "{html}"
    );
    let (status, _, image) = page.get("/admin/instansi/BUNGO/logo").await;
    assert_eq!(status, 200);
    assert!(!image.is_empty());
    let csrf = page.csrf.clone();
    let (status, location, _) = page
        .post(
            "/admin/instansi/BUNGO/logo/hapus",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin/instansi/BUNGO?ok=logo")
    );
    let (_, shown) = app.get("/api/v1/units/BUNGO/instansi", &admin).await;
    assert_eq!(shown["logo"], false);
    let (_, _, pdf) = app
        .get_bytes(&format!("/certificates/{code}.pdf"), Some(&learner))
        .await;
    assert!(!pdf_has_image(&pdf), "the removed logo is still printed");
    let (_, _, audit) = page.get("/admin/audit").await;
    // Set and removed: two entries (the log's detail names the file's kind and size).
    assert_eq!(audit.matches("instansi.updated").count(), 2, "{audit}");
}
