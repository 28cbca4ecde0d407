//! Public certificate look-up and the signing keys: no sign-in needed.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::MaybeUser;
use crate::error::{AppError, AppResult};
use crate::policy::{self, Action, Resource};
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

/// `GET /certificates/{code}.pdf`: public like the verification page, the code being the
/// secret, and with the NIP masked as there. The holder, their managers and admins, signed
/// in (cookie or bearer token), get the whole document. A revoked certificate's PDF says so.
pub async fn pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    who: MaybeUser,
) -> AppResult<HttpResponse> {
    let c = found(&state, &req, &path).await?;
    let nip = match &who.0 {
        Some(user) => policy::authorize(
            &state,
            user,
            Action::ReadFullCertificate,
            Resource::Certificate { holder: c.user_id },
        )
        .await
        .map_or(verify::Nip::Masked, verify::Nip::Full),
        None => verify::Nip::Masked,
    };
    let bytes = verify::pdf(&state, &c, nip).await?;
    let mut res = verify::pdf_response(bytes, &c);
    if matches!(nip, verify::Nip::Full(_)) {
        // The whole NIP is for this reader: kept by no cache on the way.
        res.headers_mut().insert(
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(res)
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
