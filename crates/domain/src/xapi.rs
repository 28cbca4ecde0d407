//! xAPI 1.0.3 statements to a Learning Record Store: lesson experienced, quiz attempted,
//! passed or failed (with its scaled score), course completed (with its JP), certificate
//! earned, event attended.
//!
//! With `LENTERA_XAPI_ENDPOINT` (and `LENTERA_XAPI_USERNAME`/`LENTERA_XAPI_PASSWORD` for
//! HTTP Basic authentication) every action writes its statement to the xAPI outbox
//! (`lentera_store::xapi`) and a worker in every server sends it, as the mail outbox does:
//! claims under a lease (several replicas never send one statement at once), retried with
//! doubling back-off up to an hour for as long as the LRS is down or refuses the
//! credentials, and given up only when the LRS calls the statement itself invalid.
//!
//! A statement's id is a UUID v5 of the action (`lesson-experienced/{user}/{course}/{lesson}`,
//! `quiz-result/{attempt}`, ...) in a namespace made from the instance's public URL, and
//! its body is fixed when it is queued: the same action never queues a second statement,
//! and a try whose answer was lost is sent again as the same statement, which the LRS
//! stores once (`PUT /statements?statementId=`).
//!
//! The actor is an account on the instansi's home page (`LENTERA_XAPI_HOMEPAGE`, by default
//! the public URL) named by the person's Lentera id; with `LENTERA_XAPI_ACTOR=nip` by their
//! NIP instead. The NIP never leaves otherwise, nor does a name.
//!
//! Statements are queued after their action is stored: a server killed between the two
//! loses that one statement (a graceful stop finishes its requests first).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::Lentera;
use crate::error::{Error, Result};
use lentera_store::people::User;
use lentera_store::xapi::{self as outbox, ClaimedStatement, NewStatement};

/// How a person is named to the LRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActorName {
    /// Their Lentera id (the default): the LRS learns nothing personal.
    #[default]
    Id,
    /// Their NIP (their Lentera id when they have none), for an instansi whose records key
    /// on it.
    Nip,
}

/// The LRS and how the worker paces itself.
#[derive(Clone)]
pub struct XapiConfig {
    /// `LENTERA_XAPI_ENDPOINT`, ending in `/` (statements go to `{endpoint}statements`);
    /// without it no statement is queued.
    pub endpoint: Option<url::Url>,
    /// `LENTERA_XAPI_USERNAME` and `LENTERA_XAPI_PASSWORD`: HTTP Basic authentication.
    pub username: Option<String>,
    password: Option<String>,
    /// `LENTERA_XAPI_HOMEPAGE`: the actor account's home page; the public URL when unset.
    pub homepage: Option<String>,
    /// `LENTERA_XAPI_ACTOR`: `id` (default) or `nip`.
    pub actor: ActorName,
    /// How often a worker looks for due statements (one queued here is sent at once).
    pub poll: Duration,
    /// The wait before the second try; it doubles for each further try.
    pub retry_base: Duration,
    /// The longest wait between tries.
    pub retry_max: Duration,
    /// How long a claim holds.
    pub lease: Duration,
    /// The longest one request to the LRS may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for XapiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XapiConfig")
            .field("endpoint", &self.endpoint.as_ref().map(url::Url::as_str))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("homepage", &self.homepage)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl Default for XapiConfig {
    fn default() -> Self {
        XapiConfig {
            endpoint: None,
            username: None,
            password: None,
            homepage: None,
            actor: ActorName::Id,
            poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            lease: Duration::from_secs(300),
            timeout: Duration::from_secs(30),
        }
    }
}

impl XapiConfig {
    /// From `LENTERA_XAPI_*`; an error names its variable and never shows the password.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<XapiConfig> {
        let endpoint = var("LENTERA_XAPI_ENDPOINT")
            .map(|e| parse_endpoint(&e).context("LENTERA_XAPI_ENDPOINT"))
            .transpose()
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let username = var("LENTERA_XAPI_USERNAME").map(|u| u.trim().to_owned());
        let password = var("LENTERA_XAPI_PASSWORD");
        if username.is_some() != password.is_some() {
            bail!("LENTERA_XAPI_USERNAME and LENTERA_XAPI_PASSWORD: give both or neither");
        }
        if let Some(password) = &password {
            crate::secrets::check_text("LENTERA_XAPI_PASSWORD", password)?;
        }
        if endpoint.is_none() && username.is_some() {
            bail!("LENTERA_XAPI_USERNAME: given without LENTERA_XAPI_ENDPOINT");
        }
        let homepage = var("LENTERA_XAPI_HOMEPAGE")
            .map(|h| {
                let parsed = url::Url::parse(h.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"));
                match parsed {
                    Some(u) => Ok(u.as_str().trim_end_matches('/').to_owned()),
                    None => bail!("LENTERA_XAPI_HOMEPAGE: '{h}' is not an http(s) URL"),
                }
            })
            .transpose()?;
        let actor = match var("LENTERA_XAPI_ACTOR").as_deref().map(str::trim) {
            None | Some("id") => ActorName::Id,
            Some("nip") => ActorName::Nip,
            Some(other) => bail!("LENTERA_XAPI_ACTOR: expected id or nip, got '{other}'"),
        };
        Ok(XapiConfig {
            endpoint,
            username,
            password,
            homepage,
            actor,
            ..XapiConfig::default()
        })
    }

    /// The wait after try `attempts` failed.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.retry_base
            .saturating_mul(1u32 << doublings)
            .min(self.retry_max)
    }
}

/// An LRS endpoint: http or https, with a host; a trailing `/` is added.
fn parse_endpoint(text: &str) -> anyhow::Result<url::Url> {
    let mut parsed = url::Url::parse(text.trim())
        .map_err(|e| anyhow::anyhow!("not a URL ({e}); expected https://lrs.example/xAPI/"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        bail!("expected an http(s) URL such as https://lrs.example/xAPI/");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        bail!("names no host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        bail!("put the credentials in LENTERA_XAPI_USERNAME and LENTERA_XAPI_PASSWORD");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        bail!("expected no query or fragment");
    }
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed)
}

/// The instance's xAPI: the TLS settings when an LRS is configured, and the worker's
/// wake-up call.
pub struct Xapi {
    tls: Option<Arc<tokio_rustls::rustls::ClientConfig>>,
    wake: tokio::sync::Notify,
}

impl Xapi {
    pub fn new(config: &XapiConfig) -> anyhow::Result<Xapi> {
        let tls = match &config.endpoint {
            Some(_) => {
                use tokio_rustls::rustls;
                let roots = rustls::RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                };
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                Some(Arc::new(
                    rustls::ClientConfig::builder_with_provider(provider)
                        .with_safe_default_protocol_versions()
                        .context("the xAPI client's TLS")?
                        .with_root_certificates(roots)
                        .with_no_client_auth(),
                ))
            }
            None => None,
        };
        Ok(Xapi {
            tls,
            wake: tokio::sync::Notify::new(),
        })
    }

    /// Whether statements are queued and sent.
    pub fn enabled(&self) -> bool {
        self.tls.is_some()
    }
}

/// What happened, as an xAPI statement says it.
#[derive(Debug, Clone)]
pub enum Happened<'a> {
    /// A lesson marked done for the first time.
    LessonExperienced {
        course: &'a str,
        course_title: &'a str,
        lesson: &'a str,
        lesson_title: &'a str,
    },
    /// A quiz attempt started.
    QuizAttempted {
        course: &'a str,
        course_title: &'a str,
        quiz: &'a str,
        quiz_title: &'a str,
        attempt: i32,
    },
    /// A quiz attempt's final grade (essays graded, if any).
    QuizGraded {
        course: &'a str,
        course_title: &'a str,
        quiz: &'a str,
        quiz_title: &'a str,
        attempt: i32,
        score: f64,
        max_score: f64,
        passed: bool,
    },
    /// A course completed; its certificate's code names the completion.
    CourseCompleted {
        course: &'a str,
        course_title: &'a str,
        jp: i32,
        certificate: &'a str,
    },
    /// A certificate issued (a course's, a path's or an event's).
    CertificateEarned {
        code: &'a str,
        number: &'a str,
        title: &'a str,
        jp: i32,
    },
    /// An event attended (a seminar, workshop, classroom training or internship).
    EventAttended { event: i32, title: &'a str, jp: i32 },
}

const VERB_EXPERIENCED: &str = "http://adlnet.gov/expapi/verbs/experienced";
const VERB_ATTEMPTED: &str = "http://adlnet.gov/expapi/verbs/attempted";
const VERB_PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
const VERB_FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
const VERB_EARNED: &str = "http://id.tincanapi.com/verb/earned";
const VERB_ATTENDED: &str = "http://adlnet.gov/expapi/verbs/attended";

const TYPE_COURSE: &str = "http://adlnet.gov/expapi/activities/course";
const TYPE_LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";
const TYPE_ASSESSMENT: &str = "http://adlnet.gov/expapi/activities/assessment";
const TYPE_MEETING: &str = "http://adlnet.gov/expapi/activities/meeting";
const TYPE_BADGE: &str = "http://activitystrea.ms/schema/1.0/badge";

/// The extension, under the public URL, that carries a course's or an event's JP.
pub const JP_EXTENSION: &str = "/xapi/ekstensi/jp";

fn verb(id: &str, id_id: &str, en: &str) -> Value {
    json!({ "id": id, "display": { "id-ID": id_id, "en-US": en } })
}

fn activity(id: String, kind: &str, title: &str) -> Value {
    json!({
        "objectType": "Activity",
        "id": id,
        "definition": { "type": kind, "name": { "id-ID": title } },
    })
}

/// A statement's id, verb and body (without id, actor and timestamp), from what happened.
fn describe(base: &str, user: i32, what: &Happened<'_>) -> (String, Value, Value, Value) {
    let course_activity =
        |slug: &str, title: &str| activity(format!("{base}/kursus/{slug}"), TYPE_COURSE, title);
    let within = |slug: &str, title: &str| json!({ "contextActivities": { "parent": [course_activity(slug, title)] } });
    let jp = |jp: i32| json!({ format!("{base}{JP_EXTENSION}"): jp });
    match what {
        Happened::LessonExperienced {
            course,
            course_title,
            lesson,
            lesson_title,
        } => (
            format!("lesson-experienced/{user}/{course}/{lesson}"),
            verb(VERB_EXPERIENCED, "mempelajari", "experienced"),
            activity(
                format!("{base}/kursus/{course}/materi/{lesson}"),
                TYPE_LESSON,
                lesson_title,
            ),
            json!({ "context": within(course, course_title) }),
        ),
        Happened::QuizAttempted {
            course,
            course_title,
            quiz,
            quiz_title,
            attempt,
        } => (
            format!("quiz-attempted/{attempt}"),
            verb(VERB_ATTEMPTED, "mencoba", "attempted"),
            activity(
                format!("{base}/kursus/{course}/kuis/{quiz}"),
                TYPE_ASSESSMENT,
                quiz_title,
            ),
            json!({ "context": within(course, course_title) }),
        ),
        Happened::QuizGraded {
            course,
            course_title,
            quiz,
            quiz_title,
            attempt,
            score,
            max_score,
            passed,
        } => {
            let max = if max_score.is_finite() && *max_score > 0.0 {
                *max_score
            } else {
                1.0
            };
            let raw = if score.is_finite() {
                score.clamp(0.0, max)
            } else {
                0.0
            };
            let (id, id_id, en) = if *passed {
                (VERB_PASSED, "lulus", "passed")
            } else {
                (VERB_FAILED, "belum lulus", "failed")
            };
            (
                format!("quiz-result/{attempt}"),
                verb(id, id_id, en),
                activity(
                    format!("{base}/kursus/{course}/kuis/{quiz}"),
                    TYPE_ASSESSMENT,
                    quiz_title,
                ),
                json!({
                    "result": {
                        "score": {
                            "scaled": ((raw / max) * 10_000.0).round() / 10_000.0,
                            "raw": raw,
                            "min": 0.0,
                            "max": max,
                        },
                        "success": passed,
                        "completion": true,
                    },
                    "context": within(course, course_title),
                }),
            )
        }
        Happened::CourseCompleted {
            course,
            course_title,
            jp: points,
            certificate,
        } => (
            format!("course-completed/{certificate}"),
            verb(VERB_COMPLETED, "menyelesaikan", "completed"),
            course_activity(course, course_title),
            json!({
                "result": { "completion": true, "extensions": jp(*points) },
                "context": { "extensions": jp(*points) },
            }),
        ),
        Happened::CertificateEarned {
            code,
            number,
            title,
            jp: points,
        } => (
            format!("certificate-earned/{code}"),
            verb(VERB_EARNED, "memperoleh", "earned"),
            activity(
                format!("{base}/verifikasi/{code}"),
                TYPE_BADGE,
                &format!("Sertifikat {number}: {title}"),
            ),
            json!({ "context": { "extensions": jp(*points) } }),
        ),
        Happened::EventAttended {
            event,
            title,
            jp: points,
        } => (
            format!("event-attended/{event}/{user}"),
            verb(VERB_ATTENDED, "menghadiri", "attended"),
            activity(format!("{base}/acara/{event}"), TYPE_MEETING, title),
            json!({
                "result": { "completion": true, "extensions": jp(*points) },
                "context": { "extensions": jp(*points) },
            }),
        ),
    }
}

/// A certificate issued, as xAPI says it.
pub fn earned(c: &lentera_store::learning::Certificate) -> Happened<'_> {
    Happened::CertificateEarned {
        code: &c.code,
        number: &c.number,
        title: &c.course_title,
        jp: c.jp.0,
    }
}

/// The statement id of `name`: a UUID v5 in the namespace of the instance's public URL.
pub fn statement_id(public_url: &str, name: &str) -> uuid::Uuid {
    let namespace = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, public_url.as_bytes());
    uuid::Uuid::new_v5(&namespace, name.as_bytes())
}

/// The whole statement for `user` about `what`, at `at`.
pub fn statement(
    config: &XapiConfig,
    public_url: &str,
    user: &User,
    what: &Happened<'_>,
    at: DateTime<Utc>,
) -> (uuid::Uuid, String, Value) {
    let (name, verb, object, extra) = describe(public_url, user.id.0, what);
    let id = statement_id(public_url, &name);
    let account_name = match (config.actor, &user.nip) {
        (ActorName::Nip, Some(nip)) => nip.to_string(),
        _ => user.id.0.to_string(),
    };
    let homepage = config.homepage.as_deref().unwrap_or(public_url);
    let verb_id = verb["id"].as_str().unwrap_or_default().to_owned();
    let mut statement = json!({
        "id": id.to_string(),
        "actor": {
            "objectType": "Agent",
            "account": { "homePage": homepage, "name": account_name },
        },
        "verb": verb,
        "object": object,
        "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
    });
    if let (Some(fields), Value::Object(extra)) = (statement.as_object_mut(), extra) {
        for (key, value) in extra {
            fields.insert(key, value);
        }
    }
    if let Some(context) = statement.get_mut("context").and_then(Value::as_object_mut) {
        context.insert("platform".into(), json!("Lentera"));
        context.insert("language".into(), json!("id-ID"));
    } else if let Some(fields) = statement.as_object_mut() {
        fields.insert(
            "context".into(),
            json!({ "platform": "Lentera", "language": "id-ID" }),
        );
    }
    (id, verb_id, statement)
}

/// Queues the statement of `what` for `user`, when an LRS is configured. The action it
/// records has happened already, so a failure to queue is logged, not returned.
pub async fn record(state: &Lentera, user: &User, what: Happened<'_>) {
    if !state.xapi.enabled() {
        return;
    }
    let (id, verb, body) = statement(
        &state.config.xapi,
        &state.config.public_url,
        user,
        &what,
        Utc::now(),
    );
    let new = NewStatement {
        statement_id: id.to_string(),
        user_id: Some(user.id),
        verb,
        body: body.to_string(),
    };
    match outbox::enqueue(&state.db, &new).await {
        Ok(true) => state.xapi.wake.notify_one(),
        Ok(false) => {}
        Err(e) => {
            tracing::error!(statement = %id, error = %e, "xAPI: cannot queue the statement");
        }
    }
}

/// Statements claimed at once by one worker.
const BATCH: u64 = 20;

/// The xAPI worker of this server: sends due statements until the server stops. Returns
/// at once when no LRS is configured.
pub async fn run_outbox<S>(state: Arc<S>)
where
    S: std::ops::Deref<Target = Lentera> + Send + Sync + 'static,
{
    if !state.xapi.enabled() {
        return;
    }
    tracing::info!(config = ?state.config.xapi, "xAPI outbox worker started");
    loop {
        let sent = match send_due(&state).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "xAPI outbox: cannot read the outbox");
                0
            }
        };
        if sent as u64 >= BATCH {
            continue;
        }
        tokio::select! {
            () = state.xapi.wake.notified() => {}
            () = tokio::time::sleep(state.config.xapi.poll) => {}
        }
    }
}

/// Claims due statements and sends them; returns how many were claimed.
async fn send_due(state: &Lentera) -> Result<usize> {
    let (Some(tls), Some(endpoint)) = (&state.xapi.tls, &state.config.xapi.endpoint) else {
        return Ok(0);
    };
    let config = &state.config.xapi;
    let now = Utc::now();
    if !outbox::any_due(&state.db, now).await? {
        return Ok(0);
    }
    let claim = hex::encode(crate::keys::random_bytes::<12>().map_err(Error::internal)?);
    let lease = chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::minutes(5));
    let claimed = outbox::claim(&state.db, &claim, now, now + lease, BATCH).await?;
    let mut down = false;
    for statement in &claimed {
        // Once the LRS is unreachable, the rest of the batch waits with it.
        let outcome = if down {
            Err((
                "the LRS did not answer the previous statement".to_owned(),
                false,
            ))
        } else {
            send_one(tls, endpoint, config, statement).await
        };
        let recorded = match outcome {
            Ok(()) => {
                tracing::info!(statement = %statement.statement_id, attempt = statement.attempts, "xAPI statement sent");
                outbox::mark_sent(&state.db, statement.id, &claim, Utc::now()).await?
            }
            Err((error, permanent)) => {
                down = down || !permanent;
                let next = (!permanent).then(|| {
                    Utc::now()
                        + chrono::Duration::from_std(config.backoff(statement.attempts))
                            .unwrap_or(chrono::Duration::hours(1))
                });
                if permanent {
                    tracing::error!(statement = %statement.statement_id, %error,
                        "xAPI statement refused by the LRS; given up");
                } else {
                    tracing::warn!(statement = %statement.statement_id, attempt = statement.attempts, %error,
                        "xAPI statement not sent; will try again");
                }
                outbox::mark_unsent(&state.db, statement.id, &claim, &error, next).await?
            }
        };
        if !recorded {
            tracing::warn!(
                statement = %statement.statement_id,
                "xAPI outbox: the claim ended before the outcome was recorded"
            );
        }
    }
    Ok(claimed.len())
}

/// Sends one statement with `PUT {endpoint}statements?statementId=`. An error says why
/// (the LRS's status and answer, never the credentials) and whether it is for good: the
/// LRS found the statement invalid (400, 409 for a different statement under this id,
/// 413). Unreachable, overloaded or refusing the credentials, it is tried again.
async fn send_one(
    tls: &Arc<tokio_rustls::rustls::ClientConfig>,
    endpoint: &url::Url,
    config: &XapiConfig,
    statement: &ClaimedStatement,
) -> std::result::Result<(), (String, bool)> {
    let mut url = endpoint
        .join("statements")
        .map_err(|e| (format!("the statements URL: {e}"), true))?;
    url.query_pairs_mut()
        .append_pair("statementId", &statement.statement_id);
    let mut request = hyper::Request::put(&url[url::Position::BeforePath..])
        .header(
            hyper::header::HOST,
            &url[url::Position::BeforeHost..url::Position::AfterPort],
        )
        .header("X-Experience-API-Version", "1.0.3")
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::CONNECTION, "close");
    if let (Some(user), Some(password)) = (&config.username, &config.password) {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request = request.header(hyper::header::AUTHORIZATION, format!("Basic {basic}"));
    }
    let request = request
        .body(http_body_util::Full::new(hyper::body::Bytes::from(
            statement.body.clone(),
        )))
        .map_err(|e| (format!("cannot build the request: {e}"), true))?;
    let exchange = exchange(tls, &url, request);
    let (status, answer) = match tokio::time::timeout(config.timeout, exchange).await {
        Ok(Ok(answered)) => answered,
        Ok(Err(e)) => return Err((format!("the LRS did not answer: {e}"), false)),
        Err(_) => {
            return Err((
                format!("the LRS did not answer within {:?}", config.timeout),
                false,
            ));
        }
    };
    if (200..300).contains(&status) {
        return Ok(());
    }
    let permanent = matches!(status, 400 | 409 | 413);
    Err((format!("the LRS answered {status}: {answer}"), permanent))
}

/// One HTTP/1.1 request on a new connection (TLS for `https`); the status and the first
/// 300 characters of the answer.
async fn exchange(
    tls: &Arc<tokio_rustls::rustls::ClientConfig>,
    url: &url::Url,
    request: hyper::Request<http_body_util::Full<hyper::body::Bytes>>,
) -> anyhow::Result<(u16, String)> {
    let host = url.host_str().context("no host")?.to_owned();
    let port = url.port_or_known_default().context("no port")?;
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
    if url.scheme() == "https" {
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host)?;
        let stream = tokio_rustls::TlsConnector::from(tls.clone())
            .connect(name, tcp)
            .await?;
        send(hyper_util::rt::TokioIo::new(stream), request).await
    } else {
        send(hyper_util::rt::TokioIo::new(tcp), request).await
    }
}

async fn send<T>(
    io: T,
    request: hyper::Request<http_body_util::Full<hyper::body::Bytes>>,
) -> anyhow::Result<(u16, String)>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    use http_body_util::BodyExt;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
    let driver = tokio::spawn(connection);
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    // The answer is read up to 64 KiB: an LRS's error is short; more is not ours to keep.
    let body = http_body_util::Limited::new(response.into_body(), 64 * 1024)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    driver.abort();
    let answer: String = String::from_utf8_lossy(&body).chars().take(300).collect();
    Ok((status, answer))
}

/// A statement as admins see the xAPI outbox (never its body).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StatementView {
    pub id: i32,
    /// The statement's id (a UUID).
    pub statement_id: String,
    pub user: Option<crate::UserId>,
    /// The verb's IRI.
    pub verb: String,
    pub state: lentera_store::MailState,
    /// Tries so far.
    pub attempts: i32,
    /// The LRS's (or the network's) last refusal.
    pub last_error: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// The xAPI outbox as admins see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StatementOutbox {
    /// Whether an LRS is configured (without one, nothing is queued).
    pub configured: bool,
    pub counts: crate::account::OutboxCounts,
    /// The latest 100 (of the state asked for), newest first.
    pub statements: Vec<StatementView>,
}

/// The xAPI outbox, for an admin: every state, or one (`pending`, `sending`, `sent`,
/// `failed`).
pub async fn outbox_view(
    state: &Lentera,
    me: &crate::sessions::CurrentUser,
    only: Option<&str>,
) -> Result<StatementOutbox> {
    use crate::policy::{Action, Resource};
    crate::policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let only = crate::account::outbox_state(only)?;
    let counts = crate::account::OutboxCounts::of(&outbox::counts(&state.db).await?);
    let statements = outbox::recent(&state.db, only, 100)
        .await?
        .into_iter()
        .map(|s| StatementView {
            id: s.id,
            statement_id: s.statement_id,
            user: s.user_id,
            verb: s.verb,
            state: s.state,
            attempts: s.attempts,
            last_error: s.last_error,
            created_at: s.created_at.to_rfc3339(),
            sent_at: s.sent_at.map(|d| d.to_rfc3339()),
        })
        .collect();
    Ok(StatementOutbox {
        configured: state.xapi.enabled(),
        counts,
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(nip: Option<&str>) -> User {
        User {
            id: crate::UserId(42),
            username: "198503152010011003".into(),
            nip: nip.map(|n| crate::Nip::parse(n).unwrap_or_else(|e| panic!("{e:?}"))),
            name: "Rahmat Hidayat".into(),
            email: None,
            unit_id: None,
            language: "id".into(),
            time_zone: "Asia/Jakarta".into(),
            active: true,
            roles: Vec::new(),
            must_change_password: false,
        }
    }

    const BASE: &str = "https://lentera.bungokab.go.id";

    fn graded(passed: bool) -> Happened<'static> {
        Happened::QuizGraded {
            course: "spbe",
            course_title: "SPBE",
            quiz: "kuis-akhir",
            quiz_title: "Kuis akhir",
            attempt: 7,
            score: 8.5,
            max_score: 10.0,
            passed,
        }
    }

    #[test]
    fn the_same_action_gives_the_same_statement_id_and_another_action_another() {
        let config = XapiConfig::default();
        let me = user(None);
        let (a, _, _) = statement(&config, BASE, &me, &graded(true), Utc::now());
        let (b, _, _) = statement(&config, BASE, &me, &graded(true), Utc::now());
        assert_eq!(a, b);
        assert_eq!(a.get_version_num(), 5);
        let (c, _, _) = statement(
            &config,
            BASE,
            &me,
            &Happened::QuizAttempted {
                course: "spbe",
                course_title: "SPBE",
                quiz: "kuis-akhir",
                quiz_title: "Kuis akhir",
                attempt: 7,
            },
            Utc::now(),
        );
        assert_ne!(a, c);
        // Another instance (public URL) names its actions apart.
        let (d, _, _) = statement(
            &config,
            "https://lentera.jambiprov.go.id",
            &me,
            &graded(true),
            Utc::now(),
        );
        assert_ne!(a, d);
    }

    #[test]
    fn a_graded_quiz_carries_its_scaled_score_and_verdict() {
        let config = XapiConfig::default();
        let (_, verb, s) = statement(&config, BASE, &user(None), &graded(false), Utc::now());
        assert_eq!(verb, VERB_FAILED);
        assert_eq!(s["result"]["score"]["scaled"], 0.85);
        assert_eq!(s["result"]["score"]["raw"], 8.5);
        assert_eq!(s["result"]["success"], false);
        assert_eq!(
            s["object"]["id"],
            "https://lentera.bungokab.go.id/kursus/spbe/kuis/kuis-akhir"
        );
        assert_eq!(
            s["context"]["contextActivities"]["parent"][0]["id"],
            "https://lentera.bungokab.go.id/kursus/spbe"
        );
        assert_eq!(s["context"]["platform"], "Lentera");
    }

    #[test]
    fn the_actor_is_an_account_never_the_nip_unless_configured() {
        let nip = "198503152010011003";
        let mut config = XapiConfig::default();
        let me = user(Some(nip));
        let (_, _, s) = statement(&config, BASE, &me, &graded(true), Utc::now());
        assert_eq!(s["actor"]["account"]["name"], "42");
        assert_eq!(s["actor"]["account"]["homePage"], BASE);
        assert!(!s.to_string().contains(nip), "{s}");
        assert!(!s.to_string().contains("Rahmat"), "{s}");
        config.actor = ActorName::Nip;
        config.homepage = Some("https://bkpsdm.bungokab.go.id".into());
        let (_, _, s) = statement(&config, BASE, &me, &graded(true), Utc::now());
        assert_eq!(s["actor"]["account"]["name"], nip);
        assert_eq!(
            s["actor"]["account"]["homePage"],
            "https://bkpsdm.bungokab.go.id"
        );
    }

    #[test]
    fn a_completed_course_carries_its_jp() {
        let (_, verb, s) = statement(
            &XapiConfig::default(),
            BASE,
            &user(None),
            &Happened::CourseCompleted {
                course: "spbe",
                course_title: "SPBE",
                jp: 5,
                certificate: "ABC",
            },
            Utc::now(),
        );
        assert_eq!(verb, VERB_COMPLETED);
        let key = format!("{BASE}{JP_EXTENSION}");
        assert_eq!(s["result"]["extensions"][&key], 5);
        assert_eq!(s["result"]["completion"], true);
    }

    #[test]
    fn endpoints_and_credentials_are_checked_and_the_password_never_shows() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let password = "9f1c2e7a4b8d3f60a5e1c7b92d4f8a3e";
        let ok = XapiConfig::from_vars(vars(&[
            ("LENTERA_XAPI_ENDPOINT", "http://127.0.0.1:8100/xAPI"),
            ("LENTERA_XAPI_USERNAME", "lentera"),
            ("LENTERA_XAPI_PASSWORD", "9f1c2e7a4b8d3f60a5e1c7b92d4f8a3e"),
        ]))
        .unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(
            ok.endpoint.as_ref().map(url::Url::as_str),
            Some("http://127.0.0.1:8100/xAPI/")
        );
        assert!(!format!("{ok:?}").contains(password));
        for bad in [
            &[("LENTERA_XAPI_ENDPOINT", "ftp://lrs")][..],
            &[("LENTERA_XAPI_ENDPOINT", "https://u:p@lrs/xAPI/")][..],
            &[
                ("LENTERA_XAPI_ENDPOINT", "https://lrs/xAPI/"),
                ("LENTERA_XAPI_USERNAME", "lentera"),
            ][..],
            &[
                ("LENTERA_XAPI_ENDPOINT", "https://lrs/xAPI/"),
                ("LENTERA_XAPI_USERNAME", "lentera"),
                ("LENTERA_XAPI_PASSWORD", "pendek"),
            ][..],
            &[("LENTERA_XAPI_ACTOR", "email")][..],
        ] {
            let found = XapiConfig::from_vars(|name: &str| {
                bad.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            });
            assert!(found.is_err(), "{bad:?} accepted");
        }
        assert!(XapiConfig::from_vars(vars(&[])).is_ok_and(|c| c.endpoint.is_none()));
    }
}
