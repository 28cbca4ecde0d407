//! Password self-service and the e-mail outbox, against a real SMTP server
//! (`tests/smtp/server.py`, aiosmtpd): "Lupa kata sandi?" by a mailed single-use link, the
//! outbox retrying while the mail server is down, an admin's one-time password that must
//! be changed first, the change-password page, and the mail of a graded essay.

use std::time::Duration;

use lentera_domain::mail::{MailConfig, SmtpUrl};
use lentera_tests::smtp::{self, SmtpServer};
use lentera_tests::{LEARNER, OTHER_LEARNER, PASSWORD, TestApp, error_code, spawn_app_configured};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "kopi tubruk pagi hari";
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

/// Every unused reset link expired a minute ago (an hour passing).
async fn expire_links(app: &TestApp) {
    let db = app.db().await;
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "UPDATE password_resets SET expires_at = $1 WHERE used_at IS NULL"
        }
        _ => "UPDATE password_resets SET expires_at = ? WHERE used_at IS NULL",
    };
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [past.into()]))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn strings(app: &TestApp, sql: &str) -> Vec<String> {
    let db = app.db().await;
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| {
            r.try_get_by_index::<String>(0)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
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

/// The reset link in a mail body.
fn link_in(body: &str) -> String {
    body.split_whitespace()
        .find(|w| w.starts_with("http://lentera.test/atur-ulang-sandi?token="))
        .unwrap_or_else(|| panic!("no reset link in {body}"))
        .to_owned()
}

async fn login_status(app: &TestApp, username: &str, password: &str) -> u16 {
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await;
    status
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
async fn a_forgotten_password_is_reset_once_through_the_mailed_link() {
    if !smtp::available() {
        return;
    }
    let server = SmtpServer::start();
    let app = app_mailing(&server.url(), 5).await;
    set_email(&app, LEARNER, LEARNER_MAIL).await;
    let old_session = app.login(LEARNER).await;

    // The sign-in page leads to the form.
    let b = Browser::new(&app);
    let (_, _, login) = b.get("/masuk").await;
    assert!(login.contains("href=\"/lupa-sandi\""), "{login}");
    let csrf = b.csrf("/lupa-sandi").await;

    // An account that exists and one that does not get the same answer.
    let (status, _, known) = b
        .post("/lupa-sandi", &[("csrf", &csrf), ("username", LEARNER)])
        .await;
    assert_eq!(status, 200, "{known}");
    assert!(known.contains("id=\"reset-requested\""), "{known}");
    let (status, _, unknown) = b
        .post(
            "/lupa-sandi",
            &[("csrf", &csrf), ("username", "199912312099121999")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        known, unknown,
        "the answer tells whether the account exists"
    );
    // No address on the account: the same answer again, and no mail.
    let (_, _, no_address) = b
        .post(
            "/lupa-sandi",
            &[("csrf", &csrf), ("username", OTHER_LEARNER)],
        )
        .await;
    assert_eq!(known, no_address);

    // One mail, to the learner only, in Indonesian, plain text, with the link.
    let mails = server.wait_for(1, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = if server.received().len() > mails.len() {
        server.received()
    } else {
        mails
    };
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.rcpt_tos, vec![LEARNER_MAIL.to_owned()]);
    assert_eq!(mail.subject, "Atur ulang kata sandi Lentera");
    assert_eq!(mail.content_type, "text/plain");
    assert!(mail.from.contains("lentera@bungokab.go.id"), "{mail:?}");
    assert!(mail.body.contains("Rahmat Hidayat"), "{}", mail.body);
    let link = link_in(&mail.body);
    let path = link.trim_start_matches("http://lentera.test");
    // The token is kept only as a hash, and the sent mail's text is blanked.
    let token = path.rsplit('=').next().unwrap_or_default().to_owned();
    let stored = strings(&app, "SELECT token_hash FROM password_resets").await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&token));
    let outbox_now = outbox(&app).await;
    assert_eq!(outbox_now["mails"][0]["state"], "sent", "{outbox_now}");
    let bodies = strings(&app, "SELECT body FROM mail_outbox").await;
    assert!(
        bodies.iter().all(|body| !body.contains(&token)),
        "{bodies:?}"
    );

    // The link opens the form; two different passwords are refused with what was typed kept.
    let (status, _, form) = b.get(path).await;
    assert_eq!(status, 200, "{form}");
    let csrf = csrf_of(&form);
    let (status, _, refused) = b
        .post(
            "/atur-ulang-sandi",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", "kopi tubruk sore hari"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.contains("id=\"err-repeat_password\""), "{refused}");
    assert!(
        refused.contains(&format!("value=\"{NEW_PASSWORD}\"")),
        "{refused}"
    );
    let (status, _, done) = b
        .post(
            "/atur-ulang-sandi",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("id=\"password-reset\""), "{done}");

    // The new password works, the old one and the old session do not.
    assert_eq!(login_status(&app, LEARNER, PASSWORD).await, 401);
    assert_eq!(login_status(&app, LEARNER, NEW_PASSWORD).await, 200);
    let (status, _) = app.get("/api/v1/me", &old_session).await;
    assert_eq!(status, 401, "a reset ends every session");
    let audit = strings(&app, "SELECT action FROM audit_log").await;
    assert!(
        audit.iter().any(|a| a == "user.reset_link_used"),
        "{audit:?}"
    );

    // The link works once.
    let (status, _, again) = b.get(path).await;
    assert_eq!(status, 410, "{again}");
    assert!(again.contains("id=\"link-invalid\""), "{again}");
    let (status, _, _) = b
        .post(
            "/atur-ulang-sandi",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("new_password", "teh manis sore hari"),
                ("repeat_password", "teh manis sore hari"),
            ],
        )
        .await;
    assert_eq!(status, 410);
    assert_eq!(login_status(&app, LEARNER, NEW_PASSWORD).await, 200);

    // A link expires after an hour.
    let csrf = b.csrf("/lupa-sandi").await;
    b.post("/lupa-sandi", &[("csrf", &csrf), ("username", LEARNER)])
        .await;
    let mails = server.wait_for(2, Duration::from_secs(20)).await;
    let late = link_in(&mails[1].body);
    let late_path = late.trim_start_matches("http://lentera.test");
    let (status, _, _) = b.get(late_path).await;
    assert_eq!(status, 200);
    expire_links(&app).await;
    let (status, _, expired) = b.get(late_path).await;
    assert_eq!(status, 410, "{expired}");

    // At most three links an hour per account: more requests are answered alike, unmailed.
    for _ in 0..3 {
        let (status, _, answer) = b
            .post("/lupa-sandi", &[("csrf", &csrf), ("username", LEARNER)])
            .await;
        assert_eq!((status, answer.contains("reset-requested")), (200, true));
    }
    server.wait_for(3, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        server.received().len(),
        3,
        "the fourth link of the hour was mailed"
    );
}

#[tokio::test]
async fn without_a_mail_server_the_forgotten_password_page_says_whom_to_ask() {
    let app = spawn_app_configured(false, |_| {}).await;
    set_email(&app, LEARNER, LEARNER_MAIL).await;
    let b = Browser::new(&app);
    let (status, _, page) = b.get("/lupa-sandi").await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"ask-admin\""), "{page}");
    assert!(page.contains("admin Lentera di instansi Anda"), "{page}");
    assert!(!page.contains("id=\"request-reset\""), "{page}");
    let csrf = csrf_of(&page);
    let (status, _, answer) = b
        .post("/lupa-sandi", &[("csrf", &csrf), ("username", LEARNER)])
        .await;
    assert_eq!(status, 200);
    assert!(answer.contains("id=\"ask-admin\""), "{answer}");
    // Nothing is queued for a server that is not there.
    let o = outbox(&app).await;
    assert_eq!(o["configured"], false, "{o}");
    assert_eq!(o["mails"], json!([]), "{o}");
    assert!(
        strings(&app, "SELECT token_hash FROM password_resets")
            .await
            .is_empty()
    );
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
async fn an_admin_reset_makes_the_user_choose_a_password_first() {
    let app = spawn_app_configured(false, |_| {}).await;
    let admin = app.login("admin").await;
    let learner = app.login(LEARNER).await;

    // Through the API: a one-time password, shown once; every session of the user ends.
    let (status, body) = app
        .post(
            "/api/v1/users/199912312099121999/password-reset",
            &admin,
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "user_not_found")
    );
    let (status, reset) = app
        .post(
            &format!("/api/v1/users/{LEARNER}/password-reset"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 200, "{reset}");
    assert_eq!(reset["must_change_password"], true);
    let one_time = reset["one_time_password"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(one_time.len() >= 10, "{reset}");
    let (status, _) = app.get("/api/v1/me", &learner).await;
    assert_eq!(status, 401);
    assert_eq!(login_status(&app, LEARNER, PASSWORD).await, 401);
    let audit = strings(
        &app,
        "SELECT target FROM audit_log WHERE action = 'user.one_time_password_issued'",
    )
    .await;
    assert_eq!(audit, vec![format!("user:{LEARNER}")]);
    let logged = strings(&app, "SELECT COALESCE(detail, '') FROM audit_log").await;
    assert!(logged.iter().all(|d| !d.contains(&one_time)), "{logged:?}");

    // Signed in with it, nothing but the change is allowed.
    let (status, signed) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": LEARNER, "password": one_time})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(signed["user"]["must_change_password"], true, "{signed}");
    let token = signed["token"].as_str().unwrap_or_default().to_owned();
    for path in ["/api/v1/me", "/api/v1/me/progress", "/api/v1/courses"] {
        let (status, body) = app.get(path, &token).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (403, "password_change_required"),
            "{path}"
        );
    }
    let (status, _) = app
        .put(
            "/api/v1/me/password",
            &token,
            json!({"current_password": one_time, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(status, 204);
    let token = app.login_with(LEARNER, NEW_PASSWORD).await;
    let (status, me) = app.get("/api/v1/me", &token).await;
    assert_eq!((status, &me["must_change_password"]), (200, &json!(false)));

    // Through the pages: the admin's button, the password shown once, the forced change.
    let admin_browser = Browser::new(&app);
    admin_browser.sign_in("admin", PASSWORD).await;
    let (_, _, user_page) = admin_browser
        .get(&format!("/admin/pengguna/{LEARNER}"))
        .await;
    assert!(user_page.contains("id=\"reset-password\""), "{user_page}");
    let csrf = csrf_of(&user_page);
    let (status, _, shown) = admin_browser
        .post(
            &format!("/admin/pengguna/{LEARNER}/sandi"),
            &[("csrf", "salah")],
        )
        .await;
    assert_eq!(status, 403, "{shown}");
    let (status, _, shown) = admin_browser
        .post(
            &format!("/admin/pengguna/{LEARNER}/sandi"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 200, "{shown}");
    let marker = "<code class=\"secret\">";
    let one_time = shown
        .split(marker)
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_else(|| panic!("no password shown: {shown}"))
        .to_owned();
    let learner_browser = Browser::new(&app);
    learner_browser.sign_in(LEARNER, &one_time).await;
    for path in ["/", "/katalog", "/sertifikat"] {
        let (status, location, _) = learner_browser.get(path).await;
        assert_eq!((status, location.as_str()), (303, "/akun/sandi"), "{path}");
    }
    let (status, _, form) = learner_browser.get("/akun/sandi").await;
    assert_eq!(status, 200);
    assert!(form.contains("id=\"must-change\""), "{form}");
    let csrf = csrf_of(&form);
    let (status, location, _) = learner_browser
        .post(
            "/akun/sandi",
            &[
                ("csrf", &csrf),
                ("current_password", &one_time),
                ("new_password", "teh manis sore hari"),
                ("repeat_password", "teh manis sore hari"),
            ],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, "/akun/sandi?selesai=1"));
    let (status, _, home) = learner_browser.get("/").await;
    assert_eq!(status, 200, "{home}");
}

#[tokio::test]
async fn the_change_password_page_says_what_is_wrong_and_keeps_what_was_typed() {
    let app = spawn_app_configured(false, |_| {}).await;
    let other_session = app.login(LEARNER).await;
    let b = Browser::new(&app);
    let (status, location, _) = b.get("/akun/sandi").await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/masuk?next=/akun/sandi")
    );
    b.sign_in(LEARNER, PASSWORD).await;
    let (_, _, home) = b.get("/").await;
    assert!(
        home.contains("href=\"/akun/sandi\""),
        "the menu leads to it: {home}"
    );
    let csrf = b.csrf("/akun/sandi").await;

    // A wrong current password: the message next to that field, nothing typed lost.
    let (status, _, page) = b
        .post(
            "/akun/sandi",
            &[
                ("csrf", &csrf),
                ("current_password", "salah-sekali-123"),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 401, "{page}");
    assert!(page.contains("id=\"err-current_password\""), "{page}");
    assert!(page.contains("Kata sandi sekarang salah."), "{page}");
    assert!(page.contains("id=\"error-summary\""), "{page}");
    for typed in ["salah-sekali-123", NEW_PASSWORD] {
        assert!(
            page.contains(&format!("value=\"{typed}\"")),
            "{typed}: {page}"
        );
    }
    // The repetition differs; too short.
    let (status, _, page) = b
        .post(
            "/akun/sandi",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", "kopi"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"err-repeat_password\""), "{page}");
    let (status, _, page) = b
        .post(
            "/akun/sandi",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "kopi"),
                ("repeat_password", "kopi"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"err-new_password\""), "{page}");
    // Without the CSRF token: refused.
    let (status, _, _) = b
        .post(
            "/akun/sandi",
            &[
                ("csrf", "salah"),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(login_status(&app, LEARNER, PASSWORD).await, 200);

    // Changed: this browser stays signed in, the other sessions end.
    let (status, location, _) = b
        .post(
            "/akun/sandi",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, "/akun/sandi?selesai=1"));
    let (status, _, done) = b.get("/akun/sandi?selesai=1").await;
    assert_eq!(status, 200);
    assert!(done.contains("id=\"password-changed\""), "{done}");
    let (status, _, _) = b.get("/").await;
    assert_eq!(status, 200);
    let (status, _) = app.get("/api/v1/me", &other_session).await;
    assert_eq!(status, 401);
    assert_eq!(login_status(&app, LEARNER, NEW_PASSWORD).await, 200);
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

#[tokio::test]
async fn reset_requests_are_limited_per_address() {
    let url = format!("smtp://127.0.0.1:{}", smtp::free_port());
    let app = spawn_app_configured(false, |c| {
        c.mail = mail_through(&url, 5);
        c.login_per_address_per_minute = 2;
    })
    .await;
    let b = Browser::new(&app);
    let csrf = b.csrf("/lupa-sandi").await;
    let mut statuses = Vec::new();
    for name in [LEARNER, OTHER_LEARNER, "199912312099121999"] {
        let (status, _, page) = b
            .post("/lupa-sandi", &[("csrf", &csrf), ("username", name)])
            .await;
        statuses.push(status);
        if status == 429 {
            assert!(page.contains("Terlalu banyak"), "{page}");
        }
    }
    assert_eq!(statuses, vec![200, 200, 429]);
}
