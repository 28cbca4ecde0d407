//! Building and running the server: `Application::build` binds the listener first and
//! reports the real port, so tests start the real app on port 0.

use std::net::TcpListener;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, HttpServer, error, web};
use tracing_actix_web::TracingLogger;

use crate::error::ApiError;
use crate::routing::{RouteEntry, Routes};
use crate::state::AppState;
use crate::{api, openapi, pages, web_ops};
use lentera_domain::{Config, ErrorCode, Lentera};

/// Adds every route of the server: operations, the API and its description, the pages.
pub fn configure(r: &mut Routes) {
    web_ops::routes(r);
    // Before the API: its `/api/v1` scope answers every path under it.
    openapi::routes(r);
    api::routes(r);
    pages::routes(r);
}

/// Every route the server answers, in registration order.
pub fn route_table() -> Vec<RouteEntry> {
    let mut r = Routes::recorder();
    configure(&mut r);
    r.into_table()
}

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// Stops a running [`Application`] gracefully: `/readyz` fails first, requests keep being
/// served for the drain time, then the server stops taking connections and finishes the
/// requests in flight.
#[derive(Clone)]
pub struct Stopper {
    handle: actix_web::dev::ServerHandle,
    state: web::Data<AppState>,
}

impl Stopper {
    pub async fn drain_and_stop(self) {
        self.state
            .ready
            .store(false, std::sync::atomic::Ordering::SeqCst);
        let drain = std::time::Duration::from_secs(u64::from(self.state.config.drain_seconds));
        tracing::info!(seconds = drain.as_secs(), "draining: /readyz answers 503");
        tokio::time::sleep(drain).await;
        self.handle.stop(true).await;
    }
}

impl Application {
    /// Opens the domain (connects to and migrates the database, loads the instance keys)
    /// and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let lentera = Lentera::open(config).await?;
        Self::build_with(lentera)
    }

    /// As `build`, with the domain already open.
    pub fn build_with(lentera: Lentera) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&lentera.config.bind)?;
        let port = listener.local_addr()?.port();
        let workers = lentera.config.workers;
        let state = web::Data::new(AppState::new(lentera)?);
        // Other replicas' changes (PostgreSQL): heard for as long as the process runs.
        let listening = state.clone();
        tokio::spawn(async move { lentera_domain::changes::listen(&listening.lentera).await });
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(json_config())
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|err, _| bad_input(ErrorCode::InvalidPath, err)),
                )
                .app_data(
                    web::QueryConfig::default()
                        .error_handler(|err, _| bad_input(ErrorCode::InvalidQuery, err)),
                )
                .app_data(
                    web::FormConfig::default()
                        .limit(256 * 1024)
                        .error_handler(|err, _| bad_input(ErrorCode::InvalidForm, err)),
                )
                .wrap(from_fn(pages::render_errors))
                .wrap(Compress::default())
                .wrap(from_fn(security_headers))
                .wrap(from_fn(observe))
                .wrap(TracingLogger::<RequestSpan>::new())
                .configure(|cfg| configure(&mut Routes::new(cfg)))
                .default_service(web::to(not_found))
        })
        .listen(listener)?
        // Signals are ours (`run_until_signalled`): drain first, then stop.
        .disable_signals()
        .shutdown_timeout(30);
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            state: app_state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server stops, with the outbox workers beside it: e-mail and xAPI
    /// statements (each sends what this and other replicas queued; without an SMTP server
    /// or an LRS it does nothing), and the hourly reminder job (each reminder is recorded
    /// once, whatever the replicas).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let state = self.state.into_inner();
        let reminders = tokio::spawn(lentera_domain::reminders::run(state.clone()));
        let outbox = tokio::spawn(lentera_domain::mail::run_outbox(state.clone()));
        let statements = tokio::spawn(lentera_domain::xapi::run_outbox(state));
        let served = self.server.await;
        outbox.abort();
        statements.abort();
        reminders.abort();
        served
    }

    /// A handle that stops the server gracefully.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            handle: self.server.handle(),
            state: self.state.clone(),
        }
    }

    /// Runs until SIGTERM or Ctrl+C, then drains and stops gracefully ([`Stopper`]).
    pub async fn run_until_signalled(self) -> std::io::Result<()> {
        let stopper = self.stopper();
        tokio::spawn(async move {
            wait_for_signal().await;
            stopper.drain_and_stop().await;
        });
        self.run_until_stopped().await
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM"),
                _ = tokio::signal::ctrl_c() => tracing::info!("interrupted"),
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch SIGTERM; Ctrl+C only");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn bad_input(code: ErrorCode, err: impl std::fmt::Display) -> actix_web::Error {
    ApiError::new(code, err.to_string()).into()
}

/// Malformed or oversized JSON is a 400/413 with our error shape, never actix's text.
fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(512 * 1024)
        .error_handler(|err, _req| {
            let app = match &err {
                error::JsonPayloadError::OverflowKnownLength { .. }
                | error::JsonPayloadError::Overflow { .. } => {
                    ApiError::new(ErrorCode::PayloadTooLarge, "The request body is too large")
                }
                error::JsonPayloadError::ContentType => ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "Send JSON with Content-Type: application/json",
                ),
                other => ApiError::new(ErrorCode::MalformedJson, other.to_string()),
            };
            app.into()
        })
}

/// Unknown routes: the JSON error shape, which the pages' error handler shows as a page.
async fn not_found(req: HttpRequest) -> actix_web::Result<HttpResponse> {
    let code = if req.path().starts_with("/api/") {
        ErrorCode::NotFound
    } else {
        ErrorCode::PageNotFound
    };
    Err(ApiError::new(
        code,
        format!("No route for {} {}", req.method(), req.path()),
    )
    .into())
}

/// Security headers on every response. The CSP allows no inline script and no framing; a
/// response that set its own (a course file's `sandbox` policy) keeps it. Over HTTPS,
/// browsers are told to come back over HTTPS only.
async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> actix_web::Result<ServiceResponse<impl MessageBody>> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config.public_url.starts_with("https://"));
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let set =
        |h: &mut actix_web::http::header::HeaderMap, name: &'static str, value: &'static str| {
            h.insert(
                header::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        );
    }
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "same-origin");
    set(
        headers,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    if https {
        set(
            headers,
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
    Ok(res)
}

/// Request counts and latencies for `/metrics`.
async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> actix_web::Result<ServiceResponse<impl MessageBody>> {
    let started = Instant::now();
    let path = req.path().to_owned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await;
    if let Some(state) = state {
        let status = match &res {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        state
            .metrics
            .observe(&path, status, started.elapsed().as_secs_f64());
    }
    res
}

/// The root span of a request: method, path, status and request id. Unlike the default it
/// does not look up the route's pattern, which matched every route's regular expression a
/// second time on every request.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> tracing::Span {
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .copied();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
            request_id = ?request_id.map(|id| id.to_string()),
        )
    }

    /// The status goes on the span. A server error is logged as an error (its cause was
    /// logged where it happened, never shown to the client); a redirect (the sign-in page)
    /// or a refused request is routine and logged at INFO, without a stack.
    fn on_request_end<B: MessageBody>(
        span: tracing::Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(res) => res.status(),
            Err(e) => e.as_response_error().status_code(),
        };
        span.record("http.status_code", status.as_u16());
        let _entered = span.enter();
        if status.is_server_error() {
            span.record("otel.status_code", "ERROR");
            tracing::error!(status = status.as_u16(), "request failed");
        } else {
            span.record("otel.status_code", "OK");
            if status.is_redirection() || status.is_client_error() {
                tracing::info!(status = status.as_u16(), "request answered");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::HttpResponse;
    use actix_web::test::TestRequest;
    use tracing_actix_web::RootSpanBuilder;

    use super::RequestSpan;

    /// What the request log says at the end of a request answered with `res`.
    fn logged(res: HttpResponse) -> String {
        let buffer = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || {
                struct W(Arc<Mutex<Vec<u8>>>);
                impl std::io::Write for W {
                    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                        if let Ok(mut v) = self.0.lock() {
                            v.extend_from_slice(b);
                        }
                        Ok(b.len())
                    }
                    fn flush(&mut self) -> std::io::Result<()> {
                        Ok(())
                    }
                }
                W(sink.clone())
            })
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let req = TestRequest::default().to_srv_request();
            let span = RequestSpan::on_request_start(&req);
            let res = req.into_response(res);
            RequestSpan::on_request_end(span, &Ok(res));
        });
        let bytes = buffer.lock().map(|v| v.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn redirects_and_refusals_are_routine_and_server_errors_are_errors() {
        let redirect = logged(HttpResponse::SeeOther().finish());
        assert!(
            redirect.contains("INFO") && !redirect.contains("ERROR"),
            "{redirect}"
        );
        let refused = logged(HttpResponse::Forbidden().finish());
        assert!(
            refused.contains("INFO") && !refused.contains("ERROR"),
            "{refused}"
        );
        let ok = logged(HttpResponse::Ok().finish());
        assert!(ok.is_empty(), "{ok}");
        let broken = logged(HttpResponse::InternalServerError().finish());
        assert!(broken.contains("ERROR"), "{broken}");
    }
}
