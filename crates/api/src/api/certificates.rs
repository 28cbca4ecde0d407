//! Public certificate look-up and the signing keys: no sign-in needed.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::verify;

pub async fn lookup(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    verify::check_rate(&state, &req)?;
    let found = verify::find(&state, &path).await?.ok_or_else(|| {
        AppError::not_found("certificate_not_found", "No certificate has this code")
    })?;
    Ok(HttpResponse::Ok().json(verify::lookup_json(&state, &found)?))
}

/// The public keys that sign certificates, so anyone can check one offline.
pub async fn keys(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(verify::keys_json(&state))
}

async fn found(
    state: &AppState,
    req: &HttpRequest,
    code: &str,
) -> AppResult<lentera_store::learning::Certificate> {
    verify::check_rate(state, req)?;
    verify::find(state, code)
        .await?
        .ok_or_else(|| AppError::not_found("certificate_not_found", "No certificate has this code"))
}

/// `GET /certificates/{code}.pdf`: public like the verification page; the code is the
/// secret. A revoked certificate's PDF says so.
pub async fn pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let c = found(&state, &req, &path).await?;
    let bytes = verify::pdf(&state, &c).await?;
    Ok(verify::pdf_response(bytes, &c))
}

/// `GET /api/v1/certificates/{code}/badge`: the Open Badges 3.0 credential.
pub async fn badge(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let c = found(&state, &req, &path).await?;
    if c.revoked_at.is_some() {
        return Err(AppError::new(
            actix_web::http::StatusCode::GONE,
            "certificate_revoked",
            "This certificate was revoked; no badge is issued for it",
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .json(verify::badge(&state, &c)?))
}
