//! E-mail through the outbox: what Lentera mails (a password-reset link, an essay graded),
//! in the recipient's language, and the worker that sends it.
//!
//! A mail is written to the outbox (`lentera_store::outbox`) in the transaction of the
//! action that causes it, never sent from the request: the request does not wait for the
//! SMTP server, and a mail is neither lost when the server is down or restarts nor sent
//! for an action that did not happen. Every server runs one worker ([`run_outbox`]) that
//! claims due mails, sends them and records the outcome: retried with back-off (doubling
//! from [`MailConfig::retry_base`] up to [`MailConfig::retry_max`]) and marked failed after
//! [`MailConfig::max_attempts`] tries or at once when the server refuses the mail for good;
//! admins see the outbox (`GET /api/v1/mail/outbox`).
//!
//! Without `LENTERA_SMTP_URL` nothing is queued: actions that would mail do not, and the
//! pages say whom to ask instead (the forgotten-password page). Mails kept for a server that
//! might be configured some day would go out all at once when it is, stale (a reset link
//! expires in an hour).
//!
//! Nothing secret is logged: not the SMTP password (the URL shows as `***`), not a body
//! (a reset link), only a mail's id, its try and the server's answer.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::Lentera;
use crate::error::{Error, Result};
use lentera_store::outbox::{self, ClaimedMail, NewMail};
use lentera_store::people::User;

/// The SMTP server's URL (`smtp://host:port`, `smtp://host:port?tls=required` for
/// STARTTLS, `smtps://user:pass@host:port` for TLS from the start). Shown and logged with
/// its password as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// Checks a URL: `smtp` or `smtps`, a host, and what lettre can connect to. The error
    /// never repeats the URL (it may hold a password).
    pub fn parse(text: &str) -> anyhow::Result<SmtpUrl> {
        let parsed = url::Url::parse(text.trim())
            .map_err(|e| anyhow::anyhow!("not a URL ({e}); expected smtp://host:port"))?;
        if !matches!(parsed.scheme(), "smtp" | "smtps") {
            bail!("expected smtp://host:port or smtps://user:password@host:port");
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            bail!("names no host; expected smtp://host:port");
        }
        AsyncSmtpTransport::<Tokio1Executor>::from_url(parsed.as_str()).map_err(|e| {
            anyhow::anyhow!("cannot be used ({e}); expected smtp://host:port or smtps://...")
        })?;
        Ok(SmtpUrl(parsed.to_string()))
    }

    fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                f.write_str(url.as_str())
            }
            Ok(url) => f.write_str(url.as_str()),
            Err(_) => f.write_str("smtp://?"),
        }
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

/// E-mail settings: the server and sender from the environment, the worker's pace (tests
/// make it quick).
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `LENTERA_SMTP_URL`; without it nothing is mailed.
    pub smtp: Option<SmtpUrl>,
    /// `LENTERA_MAIL_FROM`: the sender, `Name <address>` or an address; required with a
    /// server.
    pub from: Option<String>,
    /// How often a worker looks for due mail (a mail queued by this server is sent at once).
    pub poll: Duration,
    /// The wait before the second try; it doubles for each further try.
    pub retry_base: Duration,
    /// The longest wait between tries.
    pub retry_max: Duration,
    /// Tries before a mail is marked failed.
    pub max_attempts: i32,
    /// How long a claim holds: a worker that died mid-send leaves its mails to others after
    /// this.
    pub lease: Duration,
    /// The longest an SMTP conversation may take.
    pub timeout: Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp: None,
            from: None,
            poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 8,
            lease: Duration::from_secs(300),
            timeout: Duration::from_secs(30),
        }
    }
}

impl MailConfig {
    /// From `LENTERA_SMTP_URL` and `LENTERA_MAIL_FROM`; errors name their variable.
    pub fn from_vars(smtp: Option<String>, from: Option<String>) -> anyhow::Result<MailConfig> {
        let smtp = smtp
            .map(|u| SmtpUrl::parse(&u).context("LENTERA_SMTP_URL"))
            .transpose()
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let from = from.map(|f| f.trim().to_owned());
        if let Some(f) = &from
            && f.parse::<Mailbox>().is_err()
        {
            bail!("LENTERA_MAIL_FROM: '{f}' is not an address (Name <user@host> or user@host)");
        }
        if smtp.is_some() && from.is_none() {
            bail!("LENTERA_MAIL_FROM: required with LENTERA_SMTP_URL (Name <user@host>)");
        }
        Ok(MailConfig {
            smtp,
            from,
            ..MailConfig::default()
        })
    }

    /// The wait before try `attempts + 1`.
    fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
        self.retry_base
            .saturating_mul(1u32 << doublings)
            .min(self.retry_max)
    }
}

/// The SMTP client and sender, when a server is configured.
struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// For Message-IDs: the public URL's host.
    domain: String,
}

/// The instance's mail: whether it mails at all, and the worker's wake-up call.
pub struct Mail {
    mailer: Option<Mailer>,
    wake: tokio::sync::Notify,
}

impl Mail {
    /// The mail of an instance configured with `config`, served at `public_url`.
    pub fn new(config: &MailConfig, public_url: &str) -> anyhow::Result<Mail> {
        let domain = url::Url::parse(public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".to_owned());
        let mailer = match (&config.smtp, &config.from) {
            (Some(smtp), Some(from)) => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp.as_str())
                    .map_err(|e| anyhow::anyhow!("LENTERA_SMTP_URL: {e}"))?
                    .timeout(Some(config.timeout));
                // The URL's path names the greeting (EHLO) name; else this instance's host.
                if url::Url::parse(smtp.as_str()).is_ok_and(|u| u.path().len() <= 1) {
                    builder = builder.hello_name(ClientId::Domain(domain.clone()));
                }
                Some(Mailer {
                    transport: builder.build(),
                    from: from
                        .parse()
                        .map_err(|e| anyhow::anyhow!("LENTERA_MAIL_FROM: {e}"))?,
                    domain,
                })
            }
            _ => None,
        };
        Ok(Mail {
            mailer,
            wake: tokio::sync::Notify::new(),
        })
    }

    /// Whether mails are sent (an SMTP server is configured).
    pub fn enabled(&self) -> bool {
        self.mailer.is_some()
    }

    /// Tells this server's worker that a mail was queued, so it goes out now rather than
    /// at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The mail texts, from the `[mail]` tables of `web/locales/{id,en}.toml` (where every
/// string of Lentera lives; a test checks both files have the same keys).
fn texts() -> &'static HashMap<(&'static str, String), String> {
    static TEXTS: OnceLock<HashMap<(&'static str, String), String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut out = HashMap::new();
        for (lang, source) in [
            ("id", include_str!("../../../web/locales/id.toml")),
            ("en", include_str!("../../../web/locales/en.toml")),
        ] {
            let table: toml::Table = toml::from_str(source).unwrap_or_default();
            if let Some(toml::Value::Table(mail)) = table.get("mail") {
                for (key, value) in mail {
                    if let toml::Value::String(text) = value {
                        out.insert((lang, key.clone()), text.clone());
                    }
                }
            }
        }
        out
    })
}

/// The text `key` in `lang` (Indonesian unless `en`), with `{name}` placeholders filled.
pub(crate) fn text(lang: &str, key: &str, values: &[(&str, &str)]) -> String {
    let lang = if lang == "en" { "en" } else { "id" };
    let template = texts()
        .get(&(lang, key.to_owned()))
        .or_else(|| texts().get(&("id", key.to_owned())))
        .cloned()
        .unwrap_or_else(|| format!("mail.{key}"));
    values.iter().fold(template, |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

/// A mail to `user` (at their address, in their language) from the texts `key_subject`
/// and `key_body`; `None` when mail is off or the user has no address.
pub(crate) fn to_user(
    state: &Lentera,
    user: &User,
    kind: lentera_store::MailKind,
    key: &str,
    values: &[(&str, &str)],
    secret: bool,
) -> Option<NewMail> {
    if !state.mail.enabled() {
        return None;
    }
    let recipient = user
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())?;
    let mut values = values.to_vec();
    values.push(("name", &user.name));
    values.push(("issuer", &state.config.issuer));
    Some(NewMail {
        kind,
        user_id: Some(user.id),
        recipient: recipient.to_owned(),
        subject: text(&user.language, &format!("{key}_subject"), &values),
        body: text(&user.language, &format!("{key}_body"), &values),
        secret,
    })
}

/// The reset-link mail for `user`.
pub(crate) fn password_reset(state: &Lentera, user: &User, link: &str) -> Option<NewMail> {
    to_user(
        state,
        user,
        lentera_store::MailKind::PasswordReset,
        "reset",
        &[("link", link)],
        true,
    )
}

/// The mail telling `learner` that an instructor graded their essay.
pub(crate) fn essay_graded(
    state: &Lentera,
    learner: &User,
    quiz: &str,
    percent: f64,
    passed: bool,
    link: &str,
) -> Option<NewMail> {
    let percent = if learner.language == "en" {
        format!("{percent:.1}%")
    } else {
        format!("{percent:.1}%").replace('.', ",")
    };
    let outcome = text(
        &learner.language,
        if passed {
            "graded_passed"
        } else {
            "graded_not_passed"
        },
        &[],
    );
    to_user(
        state,
        learner,
        lentera_store::MailKind::EssayGraded,
        "graded",
        &[
            ("quiz", quiz),
            ("percent", &percent),
            ("outcome", &outcome),
            ("link", link),
        ],
        false,
    )
}

/// The mail telling `person`, first on the waitlist, that a seat was freed for them.
pub(crate) fn event_seat(
    state: &Lentera,
    person: &User,
    title: &str,
    start: &str,
    place: &str,
    link: &str,
) -> Option<NewMail> {
    to_user(
        state,
        person,
        lentera_store::MailKind::EventSeat,
        "event_seat",
        &[
            ("title", title),
            ("start", start),
            ("place", place),
            ("link", link),
        ],
        false,
    )
}

/// The mail reminding `person` of the event they registered for, which starts tomorrow.
pub(crate) fn event_tomorrow(
    state: &Lentera,
    person: &User,
    title: &str,
    start: &str,
    place: &str,
    link: &str,
) -> Option<NewMail> {
    to_user(
        state,
        person,
        lentera_store::MailKind::EventTomorrow,
        "event_tomorrow",
        &[
            ("title", title),
            ("start", start),
            ("place", place),
            ("link", link),
        ],
        false,
    )
}

/// Mails (or statements) claimed at once by one worker.
pub(crate) const BATCH: u64 = 20;

/// The outbox worker of this server: sends due mails until the server stops. Several
/// servers on one database each run one; their claims never overlap
/// (`lentera_store::outbox::claim`). Returns at once when no SMTP server is configured.
pub async fn run_outbox<S>(state: Arc<S>)
where
    S: std::ops::Deref<Target = Lentera> + Send + Sync + 'static,
{
    if !state.mail.enabled() {
        return;
    }
    tracing::info!(smtp = ?state.config.mail.smtp, "mail outbox worker started");
    let lentera: &Lentera = &state;
    work_outbox("mail", &lentera.mail.wake, lentera.config.mail.poll, || {
        send_due(lentera)
    })
    .await;
}

/// The loop of an outbox worker (mail, xAPI statements): claims and sends with
/// `send_due` while batches come back full, then waits for a wake-up (something queued
/// here) or the poll interval (something queued by another replica, or due again).
pub(crate) async fn work_outbox<F, Fut>(
    what: &'static str,
    wake: &tokio::sync::Notify,
    poll: Duration,
    mut send_due: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    loop {
        let sent = match send_due().await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(outbox = what, error = %e, "cannot read the outbox");
                0
            }
        };
        if sent as u64 >= BATCH {
            continue;
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

/// Claims due mails and sends them; returns how many were claimed.
async fn send_due(state: &Lentera) -> Result<usize> {
    let Some(mailer) = &state.mail.mailer else {
        return Ok(0);
    };
    let config = &state.config.mail;
    let now = Utc::now();
    if !outbox::any_due(&state.db, now).await? {
        return Ok(0);
    }
    let claim = hex::encode(crate::keys::random_bytes::<12>().map_err(Error::internal)?);
    let lease = chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::minutes(5));
    let claimed = outbox::claim(&state.db, &claim, now, now + lease, BATCH).await?;
    for mail in &claimed {
        let outcome = send_one(mailer, mail).await;
        let recorded = match outcome {
            Ok(()) => {
                tracing::info!(mail = mail.id, kind = ?mail.kind, attempt = mail.attempts, "mail sent");
                outbox::mark_sent(&state.db, mail.id, &claim, Utc::now()).await?
            }
            Err((error, permanent)) => {
                let give_up = permanent || mail.attempts >= config.max_attempts;
                let next = (!give_up).then(|| {
                    Utc::now()
                        + chrono::Duration::from_std(config.backoff(mail.attempts))
                            .unwrap_or(chrono::Duration::hours(1))
                });
                if give_up {
                    tracing::error!(mail = mail.id, kind = ?mail.kind, attempt = mail.attempts, %error,
                        "mail not sent; given up");
                } else {
                    tracing::warn!(mail = mail.id, kind = ?mail.kind, attempt = mail.attempts, %error,
                        "mail not sent; will try again");
                }
                outbox::mark_unsent(&state.db, mail.id, &claim, &error, next).await?
            }
        };
        if !recorded {
            tracing::warn!(
                mail = mail.id,
                "mail outbox: the claim ended before the outcome was recorded"
            );
        }
    }
    Ok(claimed.len())
}

/// Sends one mail. An error says why (the server's answer, never the body) and whether it
/// is for good (a refused address: trying again cannot help).
async fn send_one(mailer: &Mailer, mail: &ClaimedMail) -> std::result::Result<(), (String, bool)> {
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| (format!("the address is not one: {e}"), true))?;
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(mail.subject.clone())
        // The same id on every try: a receiver that got a try whose answer was lost can
        // tell the next one is the same mail.
        .message_id(Some(format!("<lentera.{}@{}>", mail.id, mailer.domain)))
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| (format!("cannot build the mail: {e}"), true))?;
    mailer
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| (e.to_string(), e.is_permanent()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mail_text_is_there_in_both_languages() {
        for key in [
            "reset_subject",
            "reset_body",
            "graded_subject",
            "event_seat_subject",
            "event_seat_body",
            "graded_body",
            "graded_passed",
            "graded_not_passed",
            "assigned_subject",
            "assigned_body",
            "assigned_note",
            "due_soon_subject",
            "due_soon_body",
            "overdue_subject",
            "overdue_body",
            "jp_short_subject",
            "jp_short_body",
            "jp_short_none",
        ] {
            for lang in ["id", "en"] {
                let t = text(lang, key, &[]);
                assert!(!t.starts_with("mail."), "{lang}: mail.{key} is missing");
            }
        }
        let body = text(
            "id",
            "reset_body",
            &[("link", "https://x/y"), ("name", "Siti")],
        );
        assert!(
            body.contains("https://x/y") && body.contains("Siti"),
            "{body}"
        );
        assert!(!body.contains("{link}"), "{body}");
    }

    #[test]
    fn tries_wait_longer_each_time_up_to_the_most() {
        let c = MailConfig::default();
        assert_eq!(c.backoff(1), Duration::from_secs(30));
        assert_eq!(c.backoff(2), Duration::from_secs(60));
        assert_eq!(c.backoff(4), Duration::from_secs(240));
        assert_eq!(c.backoff(30), Duration::from_secs(3600));
    }

    #[test]
    fn smtp_urls_are_checked_and_shown_without_their_password() {
        for good in [
            "smtp://127.0.0.1:2525",
            "smtp://mail.bungokab.go.id:587?tls=required",
            "smtps://lentera:rahasia@mail.bungokab.go.id:465",
        ] {
            assert!(SmtpUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "mail.bungokab.go.id",
            "http://x",
            "smtp://",
            "imap://x:143",
        ] {
            assert!(SmtpUrl::parse(bad).is_err(), "{bad}");
        }
        let url = SmtpUrl::parse("smtps://lentera:rahasia@mail.x.go.id:465")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url.to_string(), "smtps://lentera:***@mail.x.go.id:465");
        assert!(!format!("{url:?}").contains("rahasia"));
        match SmtpUrl::parse("smtpx://lentera:rahasia@x") {
            Ok(_) => panic!("smtpx accepted"),
            Err(err) => assert!(!format!("{err:#}").contains("rahasia"), "{err:#}"),
        }
    }
}
