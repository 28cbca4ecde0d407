//! People on a phone: every page of every role (a visitor, a learner, an instructor, a
//! manager, an admin), in both languages, in a real headless Chromium at 360 × 640. On each
//! page nothing may be wider than the screen, and axe-core may find no serious or critical
//! accessibility violation. The pages are the server's GET routes: a page route that the
//! sweep does not visit fails it, so a new page is covered when it is added.
//!
//! Needs `chromedriver`, `chromium` and axe-core (`npm ci` in `tests/browser`). Without
//! them the tests say so and stop, except under CI (`CI=true`), where that is a failure.
//! `cargo test -p lentera-tests --test journey phone -- --nocapture` prints every page with
//! its overflow and axe's findings; `LENTERA_SCREENSHOTS=DIR` keeps a picture of each
//! (`LENTERA_SCREENSHOT_AT=SELECTOR` scrolls to an element first).

use std::collections::{BTreeMap, BTreeSet};

use lentera_domain::sessions::hash_password_blocking;
use lentera_store::people::{self, NewUser};
use lentera_tests::{
    LEARNER, OTHER_LEARNER, PASSWORD, TestApp, drawn_only, repo_root, spawn_app_configured,
};
use serde_json::{Value, json};

use crate::browser::{Driver, ONE_BROWSER};

/// The phone: a cheap Android's CSS viewport.
pub(crate) const WIDTH: u32 = 360;
pub(crate) const HEIGHT: u32 = 640;

const AXE: &str = "tests/browser/node_modules/axe-core/axe.min.js";

/// The browser at phone size and axe-core's source, or `None` (after saying why) when
/// either is missing outside CI.
pub(crate) async fn phone() -> Option<(Driver, String)> {
    let ci = std::env::var("CI").is_ok();
    let axe = std::fs::read_to_string(repo_root().join(AXE)).ok();
    if axe.is_none() {
        assert!(
            !ci,
            "CI must run the phone sweep: `npm ci` in tests/browser"
        );
        eprintln!("phone test not run: axe-core not installed (npm ci in tests/browser)");
        return None;
    }
    let Some(driver) = Driver::phone(WIDTH, HEIGHT).await else {
        assert!(
            !ci,
            "CI must run the browser tests: install chromium and chromium-driver"
        );
        eprintln!("phone test not run: chromedriver/chromium not installed");
        return None;
    };
    axe.map(|a| (driver, a))
}

/// GET routes that answer a file, not a page: they are not swept. A new one goes here.
const NOT_PAGES: &[&str] = &[
    "/kursus/{slug}/aset/{file:.+}",
    "/laporan/unduh",
    "/laporan/sertifikat.zip",
    "/laporan/penugasan/unduh",
    "/sertifikat/semua.zip",
    "/admin/instansi/{code}/logo",
];

/// Path prefixes of the API, files and operations endpoints.
const NOT_PAGE_PREFIXES: &[&str] = &[
    "/api/",
    "/static/",
    "/certificates/",
    "/healthz",
    "/readyz",
    "/metrics",
];

/// The GET page routes of the server's route table.
fn page_routes() -> Vec<String> {
    lentera_api::startup::route_table()
        .into_iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| r.path)
        .filter(|p| {
            !NOT_PAGES.contains(&p.as_str())
                && !NOT_PAGE_PREFIXES
                    .iter()
                    .any(|pre| p.starts_with(pre) || format!("{p}/") == *pre)
        })
        .collect()
}

/// Whether `path` is an instance of the route `pattern` (`/kursus/{slug}`).
fn matches(pattern: &str, path: &str) -> bool {
    let escaped = regex_lite::escape(pattern);
    let any = regex_lite::Regex::new(r"\\\{[a-z_]+:\\\.\\\+\\\}")
        .map(|re| re.replace_all(&escaped, ".+").into_owned())
        .unwrap_or(escaped);
    let one = regex_lite::Regex::new(r"\\\{[a-z_]+\\\}")
        .map(|re| re.replace_all(&any, "[^/]+").into_owned())
        .unwrap_or(any);
    regex_lite::Regex::new(&format!("^{one}$")).is_ok_and(|re| re.is_match(path))
}

/// Measures the page: the document's and the viewport's widths, and the outermost
/// elements that reach past the screen's right edge (those not clipped by a scrolling
/// or hidden-overflow ancestor that itself fits), widest first. A phone's browser widens
/// the layout viewport to fit a page wider than the screen (and shrinks everything to
/// show it), so `innerWidth` grows with the page: the screen's width (`arguments[0]`) is
/// the measure.
const OVERFLOW: &str = r#"
const vw = arguments[0];
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList.length) s += '.' + [...el.classList].join('.');
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return text ? s + ' "' + text + '"' : s;
};
const clipped = (node) => {
  for (let a = node.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') {
      return a.getBoundingClientRect().right <= vw + 0.5;
    }
  }
  return false;
};
const over = new Set();
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && r.right > vw + 0.5 && !clipped(el)) over.add(el);
}
// Text that spills out of its box (a long word) reaches past the edge while its element
// does not: its element is the culprit.
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const range = document.createRange();
for (let t = walker.nextNode(); t; t = walker.nextNode()) {
  range.selectNodeContents(t);
  const r = range.getBoundingClientRect();
  if (r.width > 0 && r.right > vw + 0.5 && !clipped(t)) over.add(t.parentElement);
}
const outermost = [...over].filter((el) => !over.has(el.parentElement));
outermost.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
return {
  scroll: Math.max(document.documentElement.scrollWidth, window.innerWidth),
  inner: vw,
  widest: outermost.slice(0, 3).map((el) => describe(el) + ' right ' + Math.round(el.getBoundingClientRect().right) + 'px'),
};
"#;

/// Runs axe-core (injected beforehand) and returns its violations, briefly.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
if (!window.axe) { done({error: 'axe-core did not load'}); return; }
window.axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
})))).catch((e) => done({error: String(e)}));
"#;

/// What the sweep found on one page.
pub(crate) struct Finding {
    pub page: String,
    /// How far the page reaches past the viewport (0 when it fits), and the culprits.
    pub overflow: i64,
    pub widest: Vec<String>,
    /// axe violations: (id, impact, nodes, help, examples).
    pub violations: Vec<(String, String, u64, String, Vec<String>)>,
}

impl Finding {
    pub(crate) fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.overflow > 0 {
            out.push(format!(
                "{}: {} px wider than the screen; widest: {:?}",
                self.page, self.overflow, self.widest
            ));
        }
        for (id, impact, count, help, nodes) in &self.violations {
            if impact == "serious" || impact == "critical" {
                out.push(format!(
                    "{}: axe {id} ({impact}, {count}×): {help} {nodes:?}",
                    self.page
                ));
            }
        }
        out
    }
}

/// Checks the page the browser shows: overflow, then axe-core.
pub(crate) async fn check_page(driver: &Driver, axe: &str, label: &str) -> Finding {
    let m = driver.execute(OVERFLOW, json!([WIDTH])).await;
    let scroll = m["scroll"].as_i64().unwrap_or_default();
    let inner = i64::from(WIDTH);
    assert_eq!(m["inner"], json!(WIDTH), "{label}: {m}");
    let widest = m["widest"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    driver.execute(axe, json!([])).await;
    let found = driver.execute_async(AXE_RUN, json!([])).await;
    let violations = match found.as_array() {
        Some(list) => list
            .iter()
            .map(|v| {
                (
                    v["id"].as_str().unwrap_or_default().to_owned(),
                    v["impact"].as_str().unwrap_or_default().to_owned(),
                    v["count"].as_u64().unwrap_or_default(),
                    v["help"].as_str().unwrap_or_default().to_owned(),
                    v["nodes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                )
            })
            .collect(),
        None => panic!("{label}: axe-core did not run: {found}"),
    };
    Finding {
        page: label.to_owned(),
        overflow: (scroll - inner).max(0),
        widest,
        violations,
    }
}

/// The world the sweep walks through: every role with something on every page.
pub(crate) struct World {
    pub app: TestApp,
    /// Session tokens (API sign-ins; the page session cookie holds the same JWT).
    pub tokens: BTreeMap<&'static str, String>,
    /// The learner's passed attempt at `kuis-akhir` (a result with a review).
    pub passed: i64,
    /// The learner's open attempt at `kuis-akhir` (the attempt form, every kind of question).
    pub open: i64,
    /// The learner's essay attempt waiting for a grade.
    pub essay: i64,
    /// The learner's certificate (verification code, number) and another's, revoked.
    pub code: String,
    pub number: String,
    pub revoked: String,
    /// Shipped courses: the learner is enrolled in all but the last.
    pub shipped: Vec<String>,
    /// An admin's seminar for BUNGO under way, the learner registered, a partner organising.
    pub event: i64,
}

pub(crate) const MANAGER: &str = "manajer";

impl World {
    pub(crate) async fn new() -> World {
        let app = spawn_app_configured(true, |c| {
            c.login_per_account_per_minute = 10_000;
            c.login_per_address_per_minute = 100_000;
            c.verify_per_address_per_minute = 100_000;
            // Mail on (a server that never answers: nothing is delivered), so the
            // forgotten-password page shows its form.
            c.mail = lentera_domain::mail::MailConfig {
                smtp: lentera_domain::mail::SmtpUrl::parse("smtp://127.0.0.1:9").ok(),
                from: Some("Lentera <lentera@bungokab.go.id>".to_owned()),
                ..Default::default()
            };
        })
        .await;
        let db = app.db().await;
        let bungo = people::unit_by_code(&db, "BUNGO")
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no BUNGO"));
        let dinkes = people::create_unit(&db, "BUNGO-DINKES", "Dinas Kesehatan", Some(bungo.id))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let hash = hash_password_blocking(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
        people::create_user(
            &db,
            NewUser {
                username: MANAGER.into(),
                nip: Some(
                    lentera_domain::Nip::parse("197501012000031001")
                        .unwrap_or_else(|e| panic!("{e}")),
                ),
                name: "dr. Hendra Gunawan, M.Kes.".into(),
                email: None,
                unit_id: Some(dinkes.id),
                password_hash: hash,
                roles: vec![lentera_domain::Role::Manager],
                language: "id".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        app.import_fixture("kursus-esai", "instruktur").await;

        let mut tokens = BTreeMap::new();
        for (role, username) in [
            ("learner", LEARNER),
            ("other", OTHER_LEARNER),
            ("instructor", "instruktur"),
            ("manager", MANAGER),
            ("admin", "admin"),
        ] {
            tokens.insert(role, app.login(username).await);
        }
        let token = |role: &str| tokens.get(role).cloned().unwrap_or_default();
        let learner = token("learner");
        let admin = token("admin");

        // The fixture course, passed with full marks: a certificate and a result.
        let (passed, certificate) = pass_fixture_course(&app, &learner).await;
        let code = certificate["code"].as_str().unwrap_or_default().to_owned();
        let number = certificate["number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        // The second and last attempt, left open.
        let (status, open) = app
            .post(
                "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
                &learner,
                None,
            )
            .await;
        assert_eq!(status, 201, "{open}");
        // Another learner's certificate, revoked.
        let (_, other) = pass_fixture_course(&app, &token("other")).await;
        let revoked = other["code"].as_str().unwrap_or_default().to_owned();
        let (status, body) = app
            .post(
                &format!("/api/v1/certificates/{revoked}/revoke"),
                &admin,
                Some(json!({"reason": "Data pelatihan tidak benar"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        // JP from outside Lentera.
        let year = chrono::Utc::now().format("%Y");
        let (status, body) = app
            .post(
                &format!("/api/v1/users/{LEARNER}/jp"),
                &admin,
                Some(json!({"jp": 8, "title": "Pelatihan Kepemimpinan Pengawas (klasikal)", "kind": "pelatihan_klasikal",
                            "document_ref": "800/123/BKPSDM/2026", "held_on": format!("{year}-01-01")})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        // An essay waiting for the instructor.
        app.post("/api/v1/courses/kursus-esai/enrollment", &learner, None)
            .await;
        let key = app.answer_key_of("kursus-esai", "tugas-esai").await;
        let (status, essay) = app
            .post(
                "/api/v1/courses/kursus-esai/quizzes/tugas-esai/attempts",
                &learner,
                None,
            )
            .await;
        assert_eq!(status, 201, "{essay}");
        let essay_id = essay["id"].as_i64().unwrap_or_default();
        let (status, result) = app
            .post(
                &format!("/api/v1/attempts/{essay_id}/submit"),
                &learner,
                Some(json!({ "responses": drawn_only(&key, &essay) })),
            )
            .await;
        assert_eq!(status, 200, "{result}");
        // The shipped courses: enrolled in all but the last, one lesson done in the first.
        let (_, courses) = app.get("/api/v1/courses", &learner).await;
        let shipped: Vec<String> = courses
            .as_array()
            .or_else(|| courses["courses"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|c| c["slug"].as_str())
            .filter(|s| !s.starts_with("kursus-"))
            .map(str::to_owned)
            .collect();
        assert!(shipped.len() >= 2, "shipped courses: {courses}");
        for slug in &shipped[..shipped.len() - 1] {
            let (status, body) = app
                .post(
                    &format!("/api/v1/courses/{slug}/enrollment"),
                    &learner,
                    None,
                )
                .await;
            assert!(status == 200 || status == 201, "{slug}: {body}");
        }
        let (_, outline) = app
            .get(&format!("/api/v1/courses/{}", shipped[0]), &learner)
            .await;
        let lesson = first_lesson(&outline).unwrap_or_else(|| panic!("no lesson in {outline}"));
        let (status, body) = app
            .post(
                &format!("/api/v1/courses/{}/lessons/{lesson}/complete", shipped[0]),
                &learner,
                None,
            )
            .await;
        assert!(status == 200 || status == 201, "{body}");
        // A partner's seminar under way, the learner registered for it.
        let (status, body) = app
            .post(
                "/api/v1/partners",
                &admin,
                Some(json!({"code": "UNJA", "name": "Universitas Jambi", "kind": "universitas"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let now = chrono::Utc::now();
        let (status, event) = app
            .post(
                "/api/v1/events",
                &admin,
                Some(json!({"title": "Seminar Inovasi Pelayanan Publik bagi ASN Kabupaten Bungo",
                    "kind": "seminar", "start": (now - chrono::Duration::minutes(10)).to_rfc3339(),
                    "end": (now + chrono::Duration::hours(3)).to_rfc3339(), "timezone": "WIB",
                    "place": "Aula Bappeda Kabupaten Bungo, Jl. R.M. Thaher, Muara Bungo",
                    "online_url": "https://vicon.bungokab.go.id/seminar-inovasi-pelayanan-publik-2026",
                    "capacity": 120, "jp": 4, "organiser": "UNJA", "audience": "BUNGO",
                    "description": "Seminar bersama Universitas Jambi tentang inovasi pelayanan publik: studi kasus, diskusi kelompok dan rencana aksi unit kerja."})),
            )
            .await;
        assert_eq!(status, 201, "{event}");
        let event = event["id"].as_i64().unwrap_or_default();
        let (status, body) = app
            .post(
                &format!("/api/v1/events/{event}/registration"),
                &learner,
                None,
            )
            .await;
        assert_eq!(status, 201, "{body}");
        // An assignment for all of BUNGO: the learner's home leads with it, the manager's
        // assignment report lists it.
        let due = (chrono::Utc::now() + chrono::Duration::days(10))
            .format("%Y-%m-%d")
            .to_string();
        let (status, body) = app
            .post(
                "/api/v1/assignments",
                &admin,
                Some(
                    serde_json::json!({"course": "kursus-uji", "unit": "BUNGO", "due": due,
                    "note": "Wajib bagi seluruh ASN sebelum akhir tahun"}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        World {
            app,
            tokens,
            event,
            passed,
            open: open["id"].as_i64().unwrap_or_default(),
            essay: essay_id,
            code,
            number,
            revoked,
            shipped,
        }
    }

    /// Signs the browser in as `role` (the session cookie), in `lang`; `None` signs out.
    pub(crate) async fn become_(&self, driver: &Driver, role: Option<&str>, lang: &str) {
        driver.goto(&self.app.url("/static/style.css")).await;
        driver.clear_cookies().await;
        driver.set_cookie("lentera_lang", lang).await;
        if let Some(token) = role.and_then(|r| self.tokens.get(r)) {
            driver.set_cookie("lentera_session", token).await;
        }
    }
}

/// The slug of the first lesson in a course outline (the API's JSON).
fn first_lesson(outline: &Value) -> Option<String> {
    match outline {
        Value::Object(map) => {
            if map.get("kind").and_then(Value::as_str) == Some("lesson")
                && let Some(slug) = map.get("slug").and_then(Value::as_str)
            {
                return Some(slug.to_owned());
            }
            map.values().find_map(first_lesson)
        }
        Value::Array(list) => list.iter().find_map(first_lesson),
        _ => None,
    }
}

/// Enrols, completes the fixture course's lesson and passes its quiz with full marks;
/// returns the attempt's id and the certificate.
async fn pass_fixture_course(app: &TestApp, token: &str) -> (i64, Value) {
    let key = app.answer_key("kuis-akhir").await;
    app.post("/api/v1/courses/kursus-uji/enrollment", token, None)
        .await;
    app.post(
        "/api/v1/courses/kursus-uji/lessons/pengantar/complete",
        token,
        None,
    )
    .await;
    let (status, attempt) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
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
            Some(json!({"responses": key})),
        )
        .await;
    assert_eq!(status, 200, "{result}");
    (id, result["certificate"].clone())
}

/// The sweep: visits pages, checks each, and remembers which routes it saw.
struct Sweep<'a> {
    driver: &'a Driver,
    axe: &'a str,
    world: &'a World,
    findings: Vec<Finding>,
    seen: BTreeSet<String>,
}

impl Sweep<'_> {
    /// Opens `path` and checks it; the browser must stay on that path (no redirect).
    async fn visit(&mut self, who: &str, lang: &str, path: &str) {
        self.driver.goto(&self.world.app.url(path)).await;
        self.check_here(who, lang, path).await;
    }

    /// Checks the page the browser shows (after a form was sent), expected at `path`.
    async fn check_here(&mut self, who: &str, lang: &str, path: &str) {
        let url = self.driver.url().await;
        let shown = url
            .strip_prefix(&self.world.app.address)
            .unwrap_or(&url)
            .to_owned();
        let shown_path = shown
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_owned();
        let wanted = path.split(['?', '#']).next().unwrap_or_default();
        assert_eq!(
            shown_path, wanted,
            "{who} ({lang}) asked for {path} and was sent to {shown}"
        );
        self.seen.insert(shown_path);
        let label = format!("{who:<10} {lang} {path}");
        // LENTERA_SCREENSHOTS=DIR keeps a picture of each page, to look at.
        if let Some(dir) = std::env::var_os("LENTERA_SCREENSHOTS") {
            let name: String = format!("{:03}-{who}-{lang}{path}", self.findings.len())
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .take(120)
                .collect();
            // LENTERA_SCREENSHOT_AT=SELECTOR: of that element, where the page has one.
            if let Ok(at) = std::env::var("LENTERA_SCREENSHOT_AT") {
                self.driver
                    .execute(
                        "const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView();",
                        json!([at]),
                    )
                    .await;
            }
            let file = std::path::Path::new(&dir).join(format!("{name}.png"));
            std::fs::write(&file, self.driver.screenshot().await)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
        let finding = check_page(self.driver, self.axe, &label).await;
        self.findings.push(finding);
    }

    /// The links on the current page whose href matches `pattern` (a CSS selector).
    async fn links(&self, selector: &str) -> Vec<String> {
        let found = self
            .driver
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map((a) => a.getAttribute('href'));",
                json!([selector]),
            )
            .await;
        let mut out: Vec<String> = found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        out.dedup();
        out
    }
}

#[tokio::test]
async fn every_page_of_every_role_fits_a_phone_and_passes_axe() {
    let _one = ONE_BROWSER.lock().await;
    let Some((driver, axe)) = phone().await else {
        return;
    };
    let world = World::new().await;
    let mut sweep = Sweep {
        driver: &driver,
        axe: &axe,
        world: &world,
        findings: Vec::new(),
        seen: BTreeSet::new(),
    };
    let (code, revoked, number) = (&world.code, &world.revoked, &world.number);
    let (passed, open, essay) = (world.passed, world.open, world.essay);
    let learner_only = world.shipped.last().cloned().unwrap_or_default();
    for lang in ["id", "en"] {
        // A visitor who is not signed in.
        world.become_(&driver, None, lang).await;
        for path in [
            "/verifikasi".to_owned(),
            format!("/verifikasi/{code}"),
            format!("/verifikasi/{revoked}"),
            "/verifikasi/TIDAKADA123".to_owned(),
            "/halaman-yang-tidak-ada".to_owned(),
        ] {
            sweep.visit("visitor", lang, &path).await;
        }
        // A failed sign-in shows the form again with its message.
        sweep.visit("visitor", lang, "/masuk").await;
        driver.type_into("#username", LEARNER).await;
        driver.type_into("#password", "salah-sekali-123").await;
        driver.click("form.card button[type=submit]").await;
        driver.wait_for("login-error").await;
        sweep.check_here("visitor", lang, "/masuk").await;
        // "Lupa kata sandi?": the form, refused empty, then the answer; a dead reset link.
        sweep.visit("visitor", lang, "/lupa-sandi").await;
        driver.click("#request-reset").await;
        driver.wait_for("error-summary").await;
        sweep.check_here("visitor", lang, "/lupa-sandi").await;
        driver.type_into("#username", LEARNER).await;
        driver.click("#request-reset").await;
        driver.wait_for("reset-requested").await;
        sweep.check_here("visitor", lang, "/lupa-sandi").await;
        sweep
            .visit("visitor", lang, "/atur-ulang-sandi?token=kedaluwarsa")
            .await;

        // The learner.
        world.become_(&driver, Some("learner"), lang).await;
        for path in [
            "/".to_owned(),
            "/katalog".to_owned(),
            "/kursus/kursus-uji".to_owned(),
            format!("/kursus/{learner_only}"),
            "/kursus/kursus-uji/materi/pengantar".to_owned(),
            "/kursus/kursus-uji/kuis/kuis-akhir".to_owned(),
            format!("/percobaan/{open}"),
            format!("/percobaan/{open}?halaman=2"),
            format!("/percobaan/{passed}/hasil"),
            format!("/percobaan/{essay}/hasil"),
            "/kursus/kursus-esai/kuis/tugas-esai".to_owned(),
            "/sertifikat".to_owned(),
            format!("/verifikasi/{code}"),
            "/kursus/tidak-ada".to_owned(),
            "/akun/pengingat".to_owned(),
            "/jalur".to_owned(),
            "/jalur/literasi-digital-pelayanan".to_owned(),
            "/acara".to_owned(),
            // Last: the check-in form below is on this page.
            format!("/acara/{}", world.event),
        ] {
            sweep.visit("learner", lang, &path).await;
        }
        // A wrong check-in code: the event page again with its error.
        driver.type_into("#code", "SALAH1").await;
        driver.click("#check-in").await;
        driver.wait_for("error-summary").await;
        sweep
            .check_here("learner", lang, &format!("/acara/{}/presensi", world.event))
            .await;
        // Every lesson of every shipped course the learner follows (their text is
        // Indonesian in both languages: once is enough).
        if lang == "id" {
            for slug in &world.shipped[..world.shipped.len() - 1] {
                sweep
                    .visit("learner", lang, &format!("/kursus/{slug}"))
                    .await;
                for href in sweep.links("a[href*='/materi/']").await {
                    sweep.visit("learner", lang, &href).await;
                }
            }
        }
        // A refused answer: the attempt form again with its error.
        sweep
            .visit("learner", lang, &format!("/percobaan/{open}"))
            .await;
        let typed = driver
            .execute(
                "const i = document.querySelector('input[inputmode=decimal]'); return i ? i.name : null;",
                json!([]),
            )
            .await;
        if let Some(name) = typed.as_str() {
            driver
                .type_into(&format!("input[name='{name}']"), "empat koma lima")
                .await;
            driver.click("#next-page, #submit-attempt").await;
            driver.wait_for("error-summary").await;
            sweep
                .check_here("learner", lang, &format!("/percobaan/{open}"))
                .await;
        }

        // The change-password page, and a wrong current password refused on it.
        sweep.visit("learner", lang, "/akun/sandi").await;
        driver
            .type_into("#current_password", "salah-sekali-123")
            .await;
        driver
            .type_into("#new_password", "kopi tubruk pagi hari")
            .await;
        driver
            .type_into("#repeat_password", "kopi tubruk pagi hari")
            .await;
        driver.click("#change-password").await;
        driver.wait_for("error-summary").await;
        sweep.check_here("learner", lang, "/akun/sandi").await;

        // The instructor.
        world.become_(&driver, Some("instructor"), lang).await;
        for path in [
            "/".to_owned(),
            "/pengajar".to_owned(),
            "/pengajar/kursus/kursus-esai".to_owned(),
            "/pengajar/kursus/kursus-esai/materi/bacaan".to_owned(),
            "/pengajar/kursus/kursus-esai/pratinjau".to_owned(),
            "/pengajar/kursus/kursus-esai/pratinjau/materi/bacaan".to_owned(),
            "/pengajar/kursus/kursus-esai/pratinjau/kuis/tugas-esai".to_owned(),
            "/pengajar/kursus/kursus-esai/pratinjau/kuis/latihan-jeda".to_owned(),
            "/pengajar/kursus/kursus-esai/kuis/tugas-esai/statistik".to_owned(),
            "/pengajar/penilaian".to_owned(),
            format!("/pengajar/penilaian/{essay}"),
        ] {
            sweep.visit("instructor", lang, &path).await;
        }
        // A grade that is no number: the form again with its error summary.
        driver.type_into("input[name^='score.']", "tiga").await;
        driver.click("#save-grade").await;
        driver.wait_for("error-summary").await;
        sweep
            .check_here("instructor", lang, &format!("/pengajar/penilaian/{essay}"))
            .await;

        // The manager.
        world.become_(&driver, Some("manager"), lang).await;
        for path in [
            "/".to_owned(),
            "/laporan".to_owned(),
            "/laporan?kursus=kursus-uji".to_owned(),
            format!("/laporan?cari={number}"),
            "/laporan/penugasan".to_owned(),
            "/acara".to_owned(),
            // Last: the refused form below is sent from this page.
            "/acara/baru".to_owned(),
        ] {
            sweep.visit("manager", lang, &path).await;
        }
        // A new event refused (no title): the form again with its errors.
        driver.click("#create-event").await;
        driver.wait_for("error-summary").await;
        sweep.check_here("manager", lang, "/acara/baru").await;

        // The admin.
        world.become_(&driver, Some("admin"), lang).await;
        for path in [
            "/admin".to_owned(),
            "/admin/pengguna-baru".to_owned(),
            "/admin/unit".to_owned(),
            "/admin/cabut".to_owned(),
            "/admin/audit".to_owned(),
            "/admin/instansi/BUNGO".to_owned(),
            format!("/admin/pengguna/{LEARNER}"),
            "/laporan".to_owned(),
            "/pengajar".to_owned(),
            "/pengajar/kursus/kursus-uji".to_owned(),
            "/pengajar/kursus/kursus-uji/kuis/kuis-akhir/statistik".to_owned(),
            format!("/acara/{}/kelola", world.event),
            "/admin/mitra".to_owned(),
        ] {
            sweep.visit("admin", lang, &path).await;
        }
        // A one-time password for someone nobody else in the sweep signs in as.
        sweep
            .visit("admin", lang, &format!("/admin/pengguna/{OTHER_LEARNER}"))
            .await;
        driver.click("#reset-password").await;
        driver.wait_for("one-time-password").await;
        sweep
            .check_here(
                "admin",
                lang,
                &format!("/admin/pengguna/{OTHER_LEARNER}/sandi"),
            )
            .await;
        // A lesson with tables in the editor, previewed.
        let first = world.shipped.first().cloned().unwrap_or_default();
        sweep
            .visit("admin", lang, &format!("/pengajar/kursus/{first}"))
            .await;
        if let Some(edit) = sweep.links("a[href*='/materi/']").await.into_iter().next() {
            sweep.visit("admin", lang, &edit).await;
            driver.click("button[value=pratinjau]").await;
            driver.wait_for("id=\"preview\"").await;
            sweep.check_here("admin", lang, &edit).await;
        }
        // A CSV import with a good and a bad row: both tables.
        sweep.visit("admin", lang, "/admin/impor").await;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let csv = dir.path().join("pegawai.csv");
        let nip = if lang == "id" {
            "199512312020121001"
        } else {
            "199612312021121002"
        };
        std::fs::write(
            &csv,
            format!(
                "nip,name,email,unit_code,roles\n{nip},Dewi Lestari,,BUNGO,learner\n12345,Tanpa NIP Benar,,BUNGO,learner\n"
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        driver
            .type_into("input[type=file][name=file]", &csv.display().to_string())
            .await;
        driver.click("#import button[type=submit]").await;
        driver.wait_for("id=\"import-result\"").await;
        sweep.check_here("admin", lang, "/admin/impor").await;
    }

    // Every page route was visited.
    let unvisited: Vec<String> = page_routes()
        .into_iter()
        .filter(|pattern| !sweep.seen.iter().any(|p| matches(pattern, p)))
        .collect();

    let mut report = String::new();
    let mut failures = Vec::new();
    for f in &sweep.findings {
        let axe: Vec<String> = f
            .violations
            .iter()
            .map(|(id, impact, count, _, _)| format!("{id}({impact})×{count}"))
            .collect();
        report.push_str(&format!(
            "{:<72} overflow {:>4} px  axe: {}\n",
            f.page,
            f.overflow,
            if axe.is_empty() {
                "none".to_owned()
            } else {
                axe.join(", ")
            }
        ));
        failures.extend(f.failures());
    }
    let serious = sweep
        .findings
        .iter()
        .filter(|f| !f.failures().is_empty())
        .count();
    println!(
        "{} pages at {WIDTH} × {HEIGHT}; {serious} with overflow or serious/critical axe violations\n{report}",
        sweep.findings.len()
    );
    driver.quit().await;
    assert!(
        unvisited.is_empty(),
        "page routes the phone sweep does not visit (add them, or to NOT_PAGES if they answer a file): {unvisited:?}"
    );
    assert!(
        failures.is_empty(),
        "{} problems on {serious} of {} pages:\n{}\n\n{report}",
        failures.len(),
        sweep.findings.len(),
        failures.join("\n")
    );
}

#[test]
fn route_patterns_match_their_paths() {
    assert!(matches("/kursus/{slug}", "/kursus/kursus-uji"));
    assert!(!matches("/kursus/{slug}", "/kursus/kursus-uji/materi/a"));
    assert!(matches(
        "/kursus/{slug}/aset/{file:.+}",
        "/kursus/a/aset/b/c.svg"
    ));
    assert!(matches("/", "/"));
    assert!(!matches("/", "/katalog"));
    let routes = page_routes();
    assert!(routes.contains(&"/percobaan/{id}/hasil".to_owned()));
    assert!(!routes.iter().any(|r| r.starts_with("/api")), "{routes:?}");
    assert!(!routes.contains(&"/laporan/unduh".to_owned()));
}

/// The phone, its one-browser lock and a world, or `None` where the browser is missing.
async fn phone_and_world() -> Option<(tokio::sync::MutexGuard<'static, ()>, Driver, World)> {
    let one = ONE_BROWSER.lock().await;
    let (driver, _) = phone().await?;
    Some((one, driver, World::new().await))
}

/// Each progress bar: its label, the track's width and the filled part's.
const BARS: &str = r#"
return [...document.querySelectorAll('.bar')].map((b) => ({
  label: b.getAttribute('aria-label'),
  track: b.getBoundingClientRect().width,
  fill: b.firstElementChild.getBoundingClientRect().width,
}));
"#;

fn bar<'a>(bars: &'a Value, label: &str) -> &'a Value {
    bars.as_array()
        .into_iter()
        .flatten()
        .find(|b| b["label"] == label)
        .unwrap_or_else(|| panic!("no bar labelled {label}: {bars}"))
}

fn filled(bar: &Value) -> f64 {
    let (track, fill) = (
        bar["track"].as_f64().unwrap_or_default(),
        bar["fill"].as_f64().unwrap_or_default(),
    );
    assert!(track > 100.0, "the bar is drawn: {bar}");
    fill / track
}

/// Defect 1: the width classes lost to `.bar span { width: 0 }`, so every bar was empty.
#[tokio::test]
async fn progress_bars_show_how_far_a_learner_is() {
    let Some((_one, driver, world)) = phone_and_world().await else {
        return;
    };
    world.become_(&driver, Some("learner"), "id").await;
    driver.goto(&world.app.url("/")).await;
    let bars = driver.execute(BARS, json!([])).await;
    // 2 JP from the fixture course and 8 from outside: 10 of 20.
    let jp = filled(bar(&bars, "10 / 20 JP"));
    assert!((jp - 0.5).abs() < 0.02, "the JP bar is half full: {bars}");
    let done = filled(bar(&bars, "100%"));
    assert!(
        (done - 1.0).abs() < 0.01,
        "a finished course's bar is full: {bars}"
    );
    let started: Vec<f64> = bars
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["label"] != "100%" && b["label"] != "0%" && b["label"] != "10 / 20 JP")
        .map(filled)
        .collect();
    assert!(
        started.len() == 1 && started[0] > 0.05 && started[0] < 0.5,
        "the course with one lesson done shows a little: {bars}"
    );
    driver.goto(&world.app.url("/kursus/kursus-uji")).await;
    let bars = driver.execute(BARS, json!([])).await;
    assert!((filled(bar(&bars, "100%")) - 1.0).abs() < 0.01, "{bars}");
    driver.quit().await;
}

/// Every table of the page: whether it sits in a focusable, named scrolling region, and
/// whether it scrolls.
const TABLES: &str = r#"
return {
  scroll: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('main table')].map((t) => {
    const box = t.closest('.table-scroll') || t;
    return {
      text: t.textContent.trim().slice(0, 40),
      scrolls: box.scrollWidth > box.clientWidth + 1,
      overflow: getComputedStyle(box).overflowX,
      tabindex: box.getAttribute('tabindex'),
      role: box.getAttribute('role'),
      label: box.getAttribute('aria-label'),
      cue: getComputedStyle(box).backgroundImage.includes('gradient'),
      empty_headers: [...t.querySelectorAll('th')].filter((h) => !h.textContent.trim()).length,
    };
  }),
};
"#;

/// Defect 4: wide pages (reports, admin, statistics, grading) and lesson tables cut off
/// with no cue, not reachable by keyboard.
#[tokio::test]
async fn wide_tables_scroll_in_a_named_box_the_keyboard_reaches() {
    let Some((_one, driver, world)) = phone_and_world().await else {
        return;
    };
    let essay = world.essay;
    for (role, path) in [
        ("manager", "/laporan?kursus=kursus-uji".to_owned()),
        ("admin", "/admin".to_owned()),
        ("admin", "/admin/audit".to_owned()),
        ("admin", format!("/admin/pengguna/{LEARNER}")),
        (
            "admin",
            "/pengajar/kursus/kursus-uji/kuis/kuis-akhir/statistik".to_owned(),
        ),
        ("admin", "/pengajar/kursus/kursus-uji".to_owned()),
        ("instructor", "/pengajar/penilaian".to_owned()),
        ("instructor", format!("/pengajar/penilaian/{essay}")),
        ("learner", "/sertifikat".to_owned()),
    ] {
        world.become_(&driver, Some(role), "id").await;
        driver.goto(&world.app.url(&path)).await;
        let found = driver.execute(TABLES, json!([])).await;
        assert!(
            found["scroll"].as_i64().unwrap_or(i64::MAX) <= i64::from(WIDTH),
            "{path} fits the phone: {found}"
        );
        for t in found["tables"].as_array().into_iter().flatten() {
            assert!(
                t["overflow"] == "auto"
                    && t["tabindex"] == "0"
                    && t["role"] == "region"
                    && t["label"].as_str().is_some_and(|l| !l.is_empty())
                    && t["cue"] == true,
                "{path}: a table in a focusable, named scrolling box with a shadow cue: {t}"
            );
            assert_eq!(t["empty_headers"], 0, "{path}: no empty header: {t}");
        }
    }
    // A lesson whose table is wider than the phone: it scrolls in its own box, which the
    // keyboard reaches (Tab) and which is named.
    world.become_(&driver, Some("learner"), "id").await;
    let mut checked = 0;
    for slug in &world.shipped[..world.shipped.len() - 1] {
        driver
            .goto(&world.app.url(&format!("/kursus/{slug}")))
            .await;
        let lessons = driver
            .execute(
                "return [...document.querySelectorAll(\"a[href*='/materi/']\")].map((a) => a.getAttribute('href'));",
                json!([]),
            )
            .await;
        for href in lessons
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            driver.goto(&world.app.url(href)).await;
            // The boxes come from the server: a lesson page loads no script at all.
            let scripts = driver
                .execute("return document.scripts.length;", json!([]))
                .await;
            assert_eq!(scripts, json!(0), "{href} loads no script");
            let found = driver.execute(TABLES, json!([])).await;
            assert!(
                found["scroll"].as_i64().unwrap_or(i64::MAX) <= i64::from(WIDTH),
                "{href} fits the phone: {found}"
            );
            for t in found["tables"].as_array().into_iter().flatten() {
                if t["scrolls"] != true {
                    continue;
                }
                checked += 1;
                assert!(
                    t["tabindex"] == "0" && t["role"] == "region" && t["cue"] == true,
                    "{href}: a wide table is focusable, a region, with a cue: {t}"
                );
                assert!(
                    t["label"].as_str().is_some_and(|l| l.starts_with("Tabel")),
                    "{href}: named: {t}"
                );
            }
        }
    }
    assert!(checked > 0, "some lesson has a table wider than the phone");
    driver.quit().await;
}

/// Defect 6: 13 px radios, matching answers cut off in their selects, and an error shown
/// only next to its field.
#[tokio::test]
async fn quiz_inputs_are_large_and_refused_answers_are_summarised() {
    let Some((_one, driver, world)) = phone_and_world().await else {
        return;
    };
    world.become_(&driver, Some("learner"), "id").await;
    let attempt = format!("/percobaan/{}", world.open);
    driver.goto(&world.app.url(&attempt)).await;
    let mut saw_matching = false;
    loop {
        let sizes = driver
            .execute(
                "return [...document.querySelectorAll('input[type=radio], input[type=checkbox]')].map((i) => { const r = i.getBoundingClientRect(); const l = i.closest('label').getBoundingClientRect(); return [r.width, r.height, l.height]; });",
                json!([]),
            )
            .await;
        for s in sizes.as_array().into_iter().flatten() {
            let w = s[0].as_f64().unwrap_or_default();
            let h = s[1].as_f64().unwrap_or_default();
            let target = s[2].as_f64().unwrap_or_default();
            assert!(
                w >= 24.0 && h >= 24.0 && target >= 44.0,
                "a radio or box of 24 × 24 px at least, in a label of 44 px: {sizes}"
            );
        }
        // Matching: the answers in full, lettered; each option starts with its letter.
        let matching = driver
            .execute(
                r#"return [...document.querySelectorAll('fieldset')].filter((f) => f.querySelector('ol.options')).map((f) => ({
                    answers: [...f.querySelectorAll('ol.options li')].map((li) => li.textContent.trim()),
                    options: [...f.querySelectorAll('select')].map((s) => [...s.options].map((o) => o.text.trim())),
                    labelled: [...f.querySelectorAll('select')].every((s) => s.labels.length > 0 || (s.getAttribute('aria-labelledby') && document.getElementById(s.getAttribute('aria-labelledby')).textContent.trim())),
                }));"#,
                json!([]),
            )
            .await;
        for q in matching.as_array().into_iter().flatten() {
            saw_matching = true;
            assert_eq!(q["labelled"], true, "each select named by its item: {q}");
            let answers: Vec<&str> = q["answers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            assert!(answers.len() >= 2, "{q}");
            for options in q["options"].as_array().into_iter().flatten() {
                let shown: Vec<&str> = options
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .skip(1)
                    .collect();
                let expected: Vec<String> = answers
                    .iter()
                    .zip('A'..)
                    .map(|(a, letter)| format!("{letter}. {a}"))
                    .collect();
                assert_eq!(shown, expected, "each option starts with its letter: {q}");
            }
        }
        let more = driver.source().await.contains("id=\"next-page\"");
        if !more {
            break;
        }
        driver.click("#next-page").await;
        driver.wait_for("id=\"prev-page\"").await;
    }
    assert!(saw_matching, "the fixture quiz has a matching question");

    // A refused answer: the summary first, focused, with a link to the field, which says
    // it is invalid and what is wrong.
    driver.goto(&world.app.url(&attempt)).await;
    let name = driver
        .execute(
            "const i = document.querySelector('input[inputmode=decimal]'); return i ? i.name : null;",
            json!([]),
        )
        .await;
    if name.is_null() {
        driver.click("#next-page").await;
        driver.wait_for("id=\"prev-page\"").await;
    }
    let name = driver
        .execute(
            "const i = document.querySelector('input[inputmode=decimal]'); return i.name;",
            json!([]),
        )
        .await;
    let name = name.as_str().unwrap_or_default().to_owned();
    driver
        .type_into(&format!("input[name='{name}']"), "empat koma lima")
        .await;
    driver.click("#next-page, #submit-attempt").await;
    driver.wait_for("error-summary").await;
    let state = driver
        .execute(
            r#"const s = document.querySelector('.error-summary');
            const a = s.querySelector('a');
            const field = document.querySelector(a.getAttribute('href'));
            const said = (field.getAttribute('aria-describedby') || '').split(' ').map((id) => document.getElementById(id)).filter((e) => e).map((e) => e.textContent).join(' ');
            return {
              focused: document.activeElement === s,
              first: s === document.querySelector('main h1').nextElementSibling,
              link: a.textContent, field: field.name, invalid: field.getAttribute('aria-invalid'), said,
              title: document.title,
            };"#,
            json!([]),
        )
        .await;
    assert_eq!(state["focused"], true, "the summary has the focus: {state}");
    assert_eq!(state["first"], true, "the summary is first: {state}");
    assert_eq!(
        state["field"],
        json!(name),
        "it links to the field: {state}"
    );
    assert_eq!(state["invalid"], "true", "{state}");
    assert!(
        state["said"]
            .as_str()
            .is_some_and(|s| s.contains("Masukkan angka"))
            && state["link"]
                .as_str()
                .is_some_and(|s| s.contains("Masukkan angka")),
        "the field and the summary say what is wrong: {state}"
    );
    assert!(
        state["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Kesalahan:")),
        "{state}"
    );
    driver.quit().await;
}

/// The WCAG contrast ratio of two CSS `rgb(...)` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let luminance = |css: &str| {
        let parts: Vec<f64> = css
            .trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .take(3)
            .filter_map(|p| p.trim().parse::<f64>().ok())
            .collect();
        assert_eq!(parts.len(), 3, "a colour: {css}");
        let lin = |c: f64| {
            let c = c / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(parts[0]) + 0.7152 * lin(parts[1]) + 0.0722 * lin(parts[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The focused element: what it is, whether it shows, and its focus ring.
const FOCUSED: &str = r#"
const e = document.activeElement;
const s = getComputedStyle(e);
const r = e.getBoundingClientRect();
return {
  tag: e.tagName.toLowerCase(), cls: e.className, text: e.textContent.trim(), href: e.getAttribute('href'), id: e.id,
  ring: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
  shown: r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight,
};
"#;

/// Defect 11: the skip link, the focus ring, input borders, landmarks, labels.
#[tokio::test]
async fn keyboard_and_screen_reader_users_find_their_way() {
    let Some((_one, driver, world)) = phone_and_world().await else {
        return;
    };
    for (lang, skip) in [("id", "Langsung ke isi"), ("en", "Skip to content")] {
        world.become_(&driver, Some("learner"), lang).await;
        driver.goto(&world.app.url("/")).await;
        driver.press_tab().await;
        let first = driver.execute(FOCUSED, json!([])).await;
        assert!(
            first["cls"] == "skip" && first["text"] == skip && first["href"] == "#isi",
            "the skip link is the first stop: {first}"
        );
        assert!(first["shown"] == true, "and shows when focused: {first}");
        assert!(first["ring"].as_f64().unwrap_or_default() >= 3.0, "{first}");
        driver.press_enter().await;
        let landed = driver.execute(FOCUSED, json!([])).await;
        assert_eq!(landed["id"], "isi", "it leads to the content: {landed}");
    }
    // Every stop of the keyboard shows a ring of 3 px at least.
    world.become_(&driver, None, "id").await;
    driver.goto(&world.app.url("/verifikasi")).await;
    let mut checked = 0;
    for _ in 0..8 {
        driver.press_tab().await;
        let here = driver.execute(FOCUSED, json!([])).await;
        // Past the last stop the focus leaves the page (the document body holds it).
        if here["tag"] == "body" {
            continue;
        }
        checked += 1;
        assert!(
            here["ring"].as_f64().unwrap_or_default() >= 3.0,
            "a visible focus ring: {here}"
        );
    }
    assert!(
        checked >= 4,
        "the keyboard reaches the page's controls: {checked}"
    );
    // Input borders: 3:1 at least against what is around them (WCAG 1.4.11).
    for (role, path, selector) in [
        (None, "/verifikasi", "#kode"),
        (None, "/masuk", "#password"),
        (Some("admin"), "/admin/pengguna-baru", "input[name=nip]"),
        (Some("admin"), "/admin", "select[name=unit]"),
    ] {
        world.become_(&driver, role, "id").await;
        driver.goto(&world.app.url(path)).await;
        let colours = driver
            .execute(
                r#"const i = document.querySelector(arguments[0]);
                let bg = 'rgba(0, 0, 0, 0)';
                for (let a = i.parentElement; a && /rgba\(.*, 0\)$|transparent/.test(bg); a = a.parentElement) bg = getComputedStyle(a).backgroundColor;
                return [getComputedStyle(i).borderTopColor, bg, getComputedStyle(i).borderTopWidth];"#,
                json!([selector]),
            )
            .await;
        let ratio = contrast(
            colours[0].as_str().unwrap_or_default(),
            colours[1].as_str().unwrap_or_default(),
        );
        assert!(
            ratio >= 3.0,
            "{path} {selector}: border contrast {ratio:.2}: {colours}"
        );
    }
    // Landmarks and names on the pages built from the templates.
    let essay = world.essay;
    for (role, path) in [
        ("learner", "/".to_owned()),
        ("learner", "/kursus/kursus-uji/materi/pengantar".to_owned()),
        ("learner", format!("/percobaan/{}", world.open)),
        ("admin", "/admin".to_owned()),
        ("manager", "/laporan".to_owned()),
        ("instructor", format!("/pengajar/penilaian/{essay}")),
    ] {
        world.become_(&driver, Some(role), "id").await;
        driver.goto(&world.app.url(&path)).await;
        let marks = driver
            .execute(
                r#"return {
                  header: document.querySelectorAll('body > header').length,
                  main: document.querySelectorAll('main').length,
                  footer: document.querySelectorAll('body > footer').length,
                  unnamed_navs: [...document.querySelectorAll('nav')].filter((n) => !n.getAttribute('aria-label')).length,
                  unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                    .filter((i) => !i.labels.length && !i.getAttribute('aria-label') && !i.getAttribute('aria-labelledby'))
                    .map((i) => i.outerHTML.slice(0, 80)),
                };"#,
                json!([]),
            )
            .await;
        assert_eq!(
            (&marks["header"], &marks["main"], &marks["footer"]),
            (&json!(1), &json!(1), &json!(1)),
            "{path}: one header, main and footer: {marks}"
        );
        assert_eq!(marks["unnamed_navs"], 0, "{path}: every nav named: {marks}");
        assert_eq!(
            marks["unlabelled"],
            json!([]),
            "{path}: every field labelled (the CSV file too): {marks}"
        );
    }
    driver.quit().await;
}

#[test]
fn contrast_is_computed_as_wcag_does() {
    assert!((contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") - 21.0).abs() < 0.01);
    assert!((contrast("rgb(170, 180, 191)", "rgb(255, 255, 255)") - 2.1).abs() < 0.05);
}
