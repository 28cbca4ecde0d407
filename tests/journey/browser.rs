//! One learner journey in a real headless Chromium, driven over WebDriver (chromedriver),
//! and the small WebDriver client the phone sweep (`phone.rs`) drives too.
//!
//! Runs when `chromedriver` is installed. Without it the test says so and stops, except
//! under CI (`CI=true`), where a missing browser is a failure.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use lentera_tests::{LEARNER, PASSWORD, spawn_app};
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser at a time: the tests run in parallel, and several Chromiums on a small
/// machine make each slow enough to time out.
pub(crate) static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) struct Driver {
    process: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn find_binary(name: &str) -> Option<String> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
            .map(|p| p.display().to_string())
    })
}

/// The window the learner journey runs in: a large phone.
const JOURNEY_WINDOW: &str = "--window-size=412,900";

impl Driver {
    async fn start() -> Option<Driver> {
        Driver::launch(json!({}), JOURNEY_WINDOW).await
    }

    /// A phone: Chromium's mobile emulation at `width` × `height` CSS pixels (a layout
    /// viewport of that width, the page's `<meta name="viewport">` honoured, touch).
    pub(crate) async fn phone(width: u32, height: u32) -> Option<Driver> {
        let emulation = json!({"mobileEmulation": {"deviceMetrics": {
            "width": width, "height": height, "pixelRatio": 2.0, "touch": true, "mobile": true}}});
        let window = format!("--window-size={width},{height}");
        let driver = Driver::launch(emulation, &window).await?;
        driver
            .cmd(
                reqwest::Method::POST,
                "/timeouts",
                Some(json!({"script": 60_000, "pageLoad": 60_000})),
            )
            .await;
        Some(driver)
    }

    /// Starts chromedriver and a headless Chromium with `extra` merged into its
    /// `goog:chromeOptions`.
    async fn launch(extra: Value, window: &str) -> Option<Driver> {
        let chromedriver = find_binary("chromedriver")?;
        let chromium = find_binary("chromium")
            .or_else(|| find_binary("chromium-browser"))
            .or_else(|| find_binary("google-chrome"))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let profile = tempfile::tempdir().ok()?;
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut options = json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-extensions", "--disable-default-apps", window,
                     format!("--user-data-dir={}", profile.path().display())]});
        if let (Some(options), Some(extra)) = (options.as_object_mut(), extra.as_object()) {
            options.extend(extra.clone());
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}});
        let res: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let session = res["value"]["sessionId"].as_str()?.to_owned();
        Some(Driver {
            process,
            base,
            session,
            http,
            _profile: profile,
        })
    }

    pub(crate) async fn cmd(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res: Value = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}"))
            .json()
            .await
            .unwrap_or_default();
        res["value"].clone()
    }

    pub(crate) async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    pub(crate) async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_owned()
    }

    pub(crate) async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    pub(crate) async fn source(&self) -> String {
        self.cmd(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (up to 10 s) until the page holds `text`: clicks return before navigation ends.
    pub(crate) async fn wait_for(&self, text: &str) -> String {
        let mut html = String::new();
        for _ in 0..100 {
            html = self.source().await;
            if html.contains(text) {
                return html;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("page never showed `{text}`: {html}");
    }

    pub(crate) async fn quit(&self) {
        self.cmd(reqwest::Method::DELETE, "", None).await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns
    /// what it returns. A script run this way is not the page's: the page's
    /// Content-Security-Policy does not apply to it.
    pub(crate) async fn execute(&self, script: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// Runs `script`, which calls its last argument with the result when it is done.
    pub(crate) async fn execute_async(&self, script: &str, args: Value) -> Value {
        self.cmd(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// The page's URL.
    pub(crate) async fn url(&self) -> String {
        self.cmd(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Sets a cookie of the page's site (the browser must be on that site).
    pub(crate) async fn set_cookie(&self, name: &str, value: &str) {
        self.cmd(
            reqwest::Method::POST,
            "/cookie",
            Some(json!({"cookie": {"name": name, "value": value, "path": "/"}})),
        )
        .await;
    }

    pub(crate) async fn clear_cookies(&self) {
        self.cmd(reqwest::Method::DELETE, "/cookie", None).await;
    }

    /// A PNG of what the window shows.
    pub(crate) async fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let shot = self.cmd(reqwest::Method::GET, "/screenshot", None).await;
        base64::engine::general_purpose::STANDARD
            .decode(shot.as_str().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Presses Tab once, as a keyboard user does.
    pub(crate) async fn press_tab(&self) {
        self.press("\u{E004}").await;
    }

    pub(crate) async fn press_enter(&self) {
        self.press("\u{E007}").await;
    }

    /// Presses and releases one key (a WebDriver key code).
    async fn press(&self, key: &str) {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]});
        self.cmd(reqwest::Method::POST, "/actions", Some(actions))
            .await;
    }
}

#[tokio::test]
async fn a_learner_finishes_a_course_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let Some(driver) = Driver::start().await else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must run the browser test: install chromium and chromium-driver"
        );
        eprintln!("browser test not run: chromedriver/chromium not installed");
        return;
    };
    let app = spawn_app().await;
    // The fixture course has no owner: an admin reads its key.
    let instructor = app.login("admin").await;
    let (_, key) = app
        .get(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/key",
            &instructor,
        )
        .await;

    driver.goto(&app.url("/")).await;
    driver.type_into("#username", LEARNER).await;
    driver.type_into("#password", PASSWORD).await;
    driver.click("form.card button[type=submit]").await;
    driver.wait_for("Selamat datang").await;

    driver.goto(&app.url("/kursus/kursus-uji")).await;
    driver
        .click("form[action='/kursus/kursus-uji/daftar'] button")
        .await;
    driver.wait_for("Tandai selesai").await;
    driver.click("#mark-done").await;
    driver.wait_for("Bacaan tambahan yang tidak wajib").await;
    driver
        .goto(&app.url("/kursus/kursus-uji/kuis/kuis-akhir"))
        .await;
    driver.wait_for("start-quiz").await;
    driver.click("#start-quiz").await;
    // The attempt comes in pages; "Simpan dan lanjut" saves each one, JavaScript or not.
    let mut html = driver.wait_for("Halaman 1 /").await;
    for page in 2.. {
        for r in key["responses"].as_array().into_iter().flatten() {
            let q = r["question"].as_str().unwrap_or_default();
            if !html.contains(&format!("id=\"q-{q}\"")) {
                continue; // on another page of the attempt
            }
            if let Some(choices) = r["choices"].as_array() {
                for c in choices.iter().filter_map(Value::as_str) {
                    driver
                        .click(&format!("input[name='a.{q}'][value='{c}']"))
                        .await;
                }
            } else if let Some(text) = r["text"].as_str() {
                driver
                    .type_into(&format!("input[name='a.{q}']"), text)
                    .await;
            } else if let Some(n) = r["number"].as_f64() {
                driver
                    .type_into(
                        &format!("input[name='a.{q}']"),
                        &n.to_string().replace('.', ","),
                    )
                    .await;
            } else if let Some(pairs) = r["pairs"].as_array() {
                for p in pairs {
                    let (l, rt) = (
                        p[0].as_str().unwrap_or_default(),
                        p[1].as_str().unwrap_or_default(),
                    );
                    driver
                        .click(&format!("select[name='m.{q}.{l}'] option[value='{rt}']"))
                        .await;
                }
            } else if let Some(order) = r["order"].as_array() {
                for (i, item) in order.iter().enumerate() {
                    let item = item.as_str().unwrap_or_default();
                    driver
                        .click(&format!(
                            "select[name='m.{q}.{item}'] option[value='{}']",
                            i + 1
                        ))
                        .await;
                }
            }
        }
        if !html.contains("id=\"next-page\"") {
            break;
        }
        driver.click("#next-page").await;
        html = driver.wait_for(&format!("Halaman {page} /")).await;
    }
    driver.click("#submit-attempt").await;
    driver.wait_for("id=\"result\"").await;
    let result = driver.source().await;
    assert!(
        result.contains("id=\"passed\""),
        "the quiz is passed: {result}"
    );
    driver.goto(&app.url("/sertifikat")).await;
    let certs = driver.wait_for("LNT-").await;
    assert!(certs.contains("Kursus Uji Lentera"));
    driver.quit().await;
}
