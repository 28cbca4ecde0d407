//! One learner journey in a real headless Chromium, driven over WebDriver (chromedriver).
//!
//! Runs when `chromedriver` is installed. Without it the test says so and stops, except
//! under CI (`CI=true`), where a missing browser is a failure.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use lentera_tests::{LEARNER, PASSWORD, spawn_app};
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
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

impl Driver {
    async fn start() -> Option<Driver> {
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
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-extensions", "--disable-default-apps", "--window-size=412,900",
                     format!("--user-data-dir={}", profile.path().display())]}}}});
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

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
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

    async fn goto(&self, url: &str) {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn find(&self, css: &str) -> String {
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

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn source(&self) -> String {
        self.cmd(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (up to 10 s) until the page holds `text`: clicks return before navigation ends.
    async fn wait_for(&self, text: &str) -> String {
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

    async fn quit(&self) {
        self.cmd(reqwest::Method::DELETE, "", None).await;
    }
}

#[tokio::test]
async fn a_learner_finishes_a_course_in_chromium() {
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
