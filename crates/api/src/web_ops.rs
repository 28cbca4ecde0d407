//! Operations endpoints and static files: `/healthz`, `/metrics`, `/static/...`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::{ApiError, ApiResult};
use crate::routing::Routes;
use crate::state::AppState;
use lentera_domain::{ErrorCode, policy};

pub fn routes(r: &mut Routes) {
    r.get("/healthz", healthz)
        .get("/readyz", readyz)
        .get("/metrics", metrics);
    // A static prefix is compared as text; only `/static/...` requests reach the pattern.
    r.scope("/static", |s| {
        s.get("/{file}", static_file);
    });
}

/// The answer of `/healthz`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// ok
    pub status: &'static str,
    /// sqlite or postgres
    pub database: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
pub async fn healthz(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    let database = state.ping().await.map_err(|e| {
        tracing::error!(error = %e, "health check: database unreachable");
        lentera_domain::Error::new(
            ErrorCode::DatabaseUnavailable,
            "The database is not reachable",
        )
    })?;
    Ok(web::Json(Health {
        status: "ok",
        database,
    }))
}

/// The answer of `/readyz`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Ready {
    /// ready
    pub status: &'static str,
}

/// Whether this replica takes new requests: 503 while it drains before stopping, or when
/// its database does not answer. Load balancers route by it.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Ready), (status = 503, body = crate::error::ErrorBody)))]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<Ready>> {
    if !state.ready.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(ApiError::new(
            ErrorCode::Draining,
            "This server is stopping",
        ));
    }
    healthz(state).await?;
    Ok(web::Json(Ready { status: "ready" }))
}

async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let peer = req.peer_addr().map(|a| a.ip());
    let relayed = req.headers().contains_key("x-forwarded-for")
        || req.headers().contains_key(header::FORWARDED)
        || peer.is_some_and(|ip| state.config.trusted_proxies.contains(&ip));
    let local_direct = peer.is_some_and(|ip| ip.is_loopback()) && !relayed;
    policy::may_read_metrics(
        state.config.metrics_token.as_deref(),
        presented,
        local_direct,
    )?;
    let m = &state.metrics;
    m.cache("sessions", state.sessions.size());
    m.cache("course_heads", state.courses.heads_size());
    m.cache("course_versions", state.courses.versions_size());
    m.cache("learner_state", state.progress.size());
    m.cache("shared_pages", state.shared_pages.size());
    m.cache("login_by_account", (state.login_by_account.len(), 0));
    m.cache("login_by_address", (state.login_by_address.len(), 0));
    let statements = state.statements.load(std::sync::atomic::Ordering::Relaxed);
    m.db_statements
        .set(i64::try_from(statements).unwrap_or(i64::MAX));
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render()))
}

/// The few static files, embedded: the stylesheet and the optional quiz autosave script.
const FILES: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../../web/static/style.css"),
    ),
    (
        "quiz.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../web/static/quiz.js"),
    ),
];

async fn static_file(path: web::Path<String>) -> ApiResult<HttpResponse> {
    match FILES.iter().find(|(name, _, _)| *name == path.as_str()) {
        Some((_, content_type, body)) => Ok(HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*body)),
        None => Err(ApiError::new(ErrorCode::NotFound, "No such file")),
    }
}
