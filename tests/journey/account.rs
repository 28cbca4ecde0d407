//! The e-mail outbox against a real SMTP server (`tests/smtp/server.py`, aiosmtpd): retrying
//! while the mail server is down, giving up, each mail once across replicas, and the mail
//! of a graded essay.

use std::time::Duration;

use lentera_domain::mail::{MailConfig, SmtpUrl};
use lentera_tests::smtp::{self, SmtpServer};
use lentera_tests::{LEARNER, PASSWORD, TestApp, error_code, spawn_app_configured};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const LEARNER_MAIL: &str = "rahmat.hidayat@bungokab.go.id";

/// Mail through `url`, paced for a test: quick polls and quick retries.
fn mail_through(url: &str, max_attempts: i32) -> MailConfig {
    MailConfig {
        smtp: Some(SmtpUrl::parse(url).unwrap_or_else(|e| panic!("{e}"))),
        from: Some("Lentera Bungo <lentera@bungokab.go.id>".to_owned()),
        poll: Duration::from_millis(100),
        retry_base: Duration::from_millis(150),
        retry_max: Duration::from_millis(400),
        max_attempts,
        lease: Duration::from_secs(30),
        timeout: Duration::from_secs(5),
    }
}

async fn app_mailing(url: &str, max_attempts: i32) -> TestApp {
    let url = url.to_owned();
    spawn_app_configured(false, move |c| c.mail = mail_through(&url, max_attempts)).await
}

/// Gives `username` an e-mail address (as an admin or an import would).
async fn set_email(app: &TestApp, username: &str, email: &str) {
    let db = app.db().await;
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "UPDATE users SET email = $1 WHERE username = $2",
        _ => "UPDATE users SET email = ? WHERE username = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [email.into(), username.into()],
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Queues a mail as an action would (in the outbox, for the worker to send).
async fn queue_mail(app: &TestApp, recipient: &str, subject: &str) {
    lentera_store::outbox::enqueue(
        &app.db().await,
        &lentera_store::outbox::NewMail {
            kind: lentera_store::MailKind::EssayGraded,
            user_id: None,
            recipient: recipient.to_owned(),
            subject: subject.to_owned(),
            body: format!("Isi surat: {subject}."),
            secret: false,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no CSRF field in page: {html}"));
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A browser without JavaScript: cookies kept, redirects not followed.
struct Browser<'a> {
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

    async fn answer(res: reqwest::Response) -> (u16, String, String) {
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, location, res.text().await.unwrap_or_default())
    }

    async fn get(&self, path: &str) -> (u16, String, String) {
        let res = self
            .client
            .get(self.app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        Self::answer(res).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        let res = self
            .client
            .post(self.app.url(path))
            .header("accept", "text/html")
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        Self::answer(res).await
    }

    /// Opens `path` and returns its CSRF token.
    async fn csrf(&self, path: &str) -> String {
        let (status, _, html) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {html}");
        csrf_of(&html)
    }

    /// Signs in through the sign-in page; returns where it sends the browser.
    async fn sign_in(&self, username: &str, password: &str) -> String {
        let csrf = self.csrf("/masuk").await;
        let (status, location, html) = self
            .post(
                "/masuk",
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(status, 303, "sign in as {username}: {html}");
        location
    }
}

async fn outbox(app: &TestApp) -> Value {
    let admin = app.login("admin").await;
    let (status, body) = app.get("/api/v1/mail/outbox", &admin).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Waits until the outbox's latest mail satisfies `done`.
async fn wait_for_outbox(app: &TestApp, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = std::time::Instant::now();
    loop {
        let o = outbox(app).await;
        if done(&o["mails"][0]) {
            return o;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "outbox never showed {what}: {o}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_outbox_retries_while_the_mail_server_is_down_and_gives_up_after_the_last_try() {
    if !smtp::available() {
        return;
    }
    // A server that is down, and stays down past the last try: failed, shown to admins.
    let mut down = SmtpServer::stopped(smtp::free_port(), &[]);
    let app = app_mailing(&down.url(), 2).await;
    queue_mail(&app, LEARNER_MAIL, "Surat").await;
    let o = wait_for_outbox(&app, "a failed mail", |m| m["state"] == "failed").await;
    assert_eq!(o["mails"][0]["attempts"], 2, "{o}");
    assert!(o["mails"][0]["last_error"].is_string(), "{o}");
    assert_eq!(o["counts"]["failed"], 1, "{o}");
    assert!(
        !o.to_string().contains("Isi surat"),
        "the outbox shows no text: {o}"
    );
    let (_, failed) = app
        .get(
            "/api/v1/mail/outbox?state=failed",
            &app.login("admin").await,
        )
        .await;
    assert_eq!(failed["mails"].as_array().map(Vec::len), Some(1));
    let (status, body) = app
        .get("/api/v1/mail/outbox?state=lost", &app.login("admin").await)
        .await;
    assert_eq!((status, error_code(&body).as_str()), (400, "invalid_query"));

    // Another instance, whose server comes back while it retries: delivered, once.
    let app = app_mailing(&down.url(), 100).await;
    queue_mail(&app, LEARNER_MAIL, "Surat").await;
    let o = wait_for_outbox(&app, "two tries", |m| {
        m["state"] == "pending" && m["attempts"].as_i64().unwrap_or_default() >= 2
    })
    .await;
    assert!(o["mails"][0]["last_error"].is_string(), "{o}");
    down.run();
    let mails = down.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(mails[0].rcpt_tos, vec![LEARNER_MAIL.to_owned()]);
    let o = wait_for_outbox(&app, "the mail sent", |m| m["state"] == "sent").await;
    assert!(o["mails"][0]["sent_at"].is_string(), "{o}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(down.received().len(), 1, "sent twice");
}

#[tokio::test]
async fn a_refused_address_is_given_up_at_once() {
    if !smtp::available() {
        return;
    }
    let mut server = SmtpServer::stopped(smtp::free_port(), &[LEARNER_MAIL]);
    server.run();
    let app = app_mailing(&server.url(), 8).await;
    queue_mail(&app, LEARNER_MAIL, "Surat").await;
    let o = wait_for_outbox(&app, "a failed mail", |m| m["state"] == "failed").await;
    assert_eq!(o["mails"][0]["attempts"], 1, "{o}");
    assert!(
        o["mails"][0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("550")),
        "{o}"
    );
}

#[tokio::test]
async fn a_graded_essay_is_mailed_to_the_learner_with_the_result_link() {
    if !smtp::available() {
        return;
    }
    let server = SmtpServer::start();
    let app = app_mailing(&server.url(), 5).await;
    app.import_fixture("kursus-esai", "instruktur").await;
    set_email(&app, LEARNER, LEARNER_MAIL).await;
    let learner = app.login(LEARNER).await;
    app.post("/api/v1/courses/kursus-esai/enrollment", &learner, None)
        .await;
    app.post(
        "/api/v1/courses/kursus-esai/lessons/bacaan/complete",
        &learner,
        None,
    )
    .await;
    let (status, attempt) = app
        .post(
            "/api/v1/courses/kursus-esai/quizzes/tugas-esai/attempts",
            &learner,
            None,
        )
        .await;
    assert_eq!(status, 201, "{attempt}");
    let id = attempt["id"].as_i64().unwrap_or_default();
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{id}/submit"),
            &learner,
            Some(json!({"responses": [{"question": "e1", "text": "Rencana pengembangan kompetensi disusun tiap awal tahun."}]})),
        )
        .await;
    assert_eq!(status, 200, "{result}");
    // Nothing is mailed before the grade.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(server.received().is_empty());
    let instructor = app.login("instruktur").await;
    let (status, graded) = app
        .post(
            &format!("/api/v1/grading/{id}"),
            &instructor,
            Some(json!({"grades": [{"question": "e1", "score": 3}]})),
        )
        .await;
    assert_eq!(status, 200, "{graded}");
    let mails = server.wait_for(1, Duration::from_secs(20)).await;
    let mail = &mails[0];
    assert_eq!(mail.rcpt_tos, vec![LEARNER_MAIL.to_owned()]);
    assert!(
        mail.subject.starts_with("Esai Anda sudah dinilai"),
        "{mail:?}"
    );
    assert!(
        mail.body
            .contains(&format!("http://lentera.test/percobaan/{id}/hasil")),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains("belum lulus") || mail.body.contains("Anda lulus"),
        "{}",
        mail.body
    );
    // The result link works for the learner.
    let b = Browser::new(&app);
    b.sign_in(LEARNER, PASSWORD).await;
    let (status, _, _) = b.get(&format!("/percobaan/{id}/hasil")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn two_replicas_send_each_mail_once() {
    if !smtp::available() {
        return;
    }
    let server = SmtpServer::start();
    let url = server.url();
    let mut config = None;
    let app = spawn_app_configured(false, |c| {
        c.mail = mail_through(&url, 5);
        config = Some(c.clone());
    })
    .await;
    // A second server on the same database, with its own outbox worker.
    let config = config.unwrap_or_else(|| panic!("no configuration"));
    let replica = lentera_api::Application::build(config)
        .await
        .unwrap_or_else(|e| panic!("replica: {e}"));
    tokio::spawn(replica.run_until_stopped());
    let count = 60;
    for i in 0..count {
        queue_mail(
            &app,
            &format!("pegawai{i}@bungokab.go.id"),
            &format!("Surat {i}"),
        )
        .await;
    }
    server.wait_for(count, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mails = server.received();
    let mut ids: Vec<String> = mails.iter().map(|m| m.message_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (mails.len(), ids.len()),
        (count, count),
        "each mail once: {:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let o = outbox(&app).await;
    assert_eq!(o["counts"]["sent"], count, "{o}");
}
