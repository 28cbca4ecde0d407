//! Public certificate look-up, PDF, Open Badges credential and the signing keys: no sign-in
//! needed (rate-limited per client address). `skip_authorize`: these are public on purpose.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::MaybeUser;
use crate::client::client_address;
use crate::error::{ApiResult, ErrorBody};
use crate::respond;
use crate::state::AppState;
use lentera_domain::certificates::{self, Asked, Lookup, NipShown};
use lentera_domain::credentials;
use lentera_domain::policy::{self, Action, Resource};
use lentera_domain::{Error, ErrorCode};

async fn found(
    state: &AppState,
    req: &HttpRequest,
    asked: Asked<'_>,
) -> lentera_domain::Result<lentera_domain::learning::Certificate> {
    let address = client_address(req, &state.config.trusted_proxies);
    certificates::look_up(state, &address, asked)
        .await?
        .ok_or_else(|| {
            Error::new(
                ErrorCode::CertificateNotFound,
                "No certificate has this code, or this number with this NIP",
            )
        })
}

/// Whether a certificate with this verification code is genuine, revoked or unknown; the
/// answer carries an Ed25519 signature over the RFC 8785 canonical JSON of `certificate`.
#[utoipa::path(get, path = "/api/v1/certificates/{code}", tag = "certificates",
    params(("code" = String, Path, description = "The verification code")),
    responses((status = 200, body = Lookup), (status = 404, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn lookup(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<web::Json<Lookup>> {
    let c = found(&state, &req, Asked::Code(&path)).await?;
    Ok(web::Json(certificates::lookup(&state, &c)?))
}

#[derive(Deserialize, IntoParams)]
pub struct NumberQuery {
    /// The printed number, e.g. LNT-2026-000001 (case, spaces and dashes do not matter).
    pub number: String,
    /// The holder's NIP as printed on the certificate (18 digits; spaces allowed).
    pub nip: String,
}

/// The same look-up by what is printed on the certificate: its number together with the
/// holder's NIP. A number alone reveals nothing: a number that exists with another NIP
/// and one that does not exist both answer 404, rate-limited like the look-up by code.
#[utoipa::path(get, path = "/api/v1/certificates/lookup", tag = "certificates",
    params(NumberQuery),
    responses((status = 200, body = Lookup), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn lookup_by_number(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<NumberQuery>,
) -> ApiResult<web::Json<Lookup>> {
    let asked = Asked::Number {
        number: &q.number,
        nip: &q.nip,
    };
    let c = found(&state, &req, asked).await?;
    Ok(web::Json(certificates::lookup(&state, &c)?))
}

/// The issuer's controlled identifier document: the key that signs certificates and
/// badges as a `Multikey` (what credential verifiers resolve a proof's
/// `verificationMethod` in), and the `keys` list for checking certificates offline.
#[utoipa::path(get, path = "/api/v1/certificates/keys", tag = "certificates",
    responses((status = 200, body = Object)))]
pub async fn keys(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(certificates::keys_json(&state))
}

/// Revocation status list `list` (a signed W3C `BitstringStatusListCredential`): the bit
/// of each revoked certificate in it is set. Badges name their list and index in
/// `credentialStatus`.
#[utoipa::path(get, path = "/api/v1/certificates/status/{list}", tag = "certificates",
    params(("list" = u32, Path, description = "The list's number")),
    responses((status = 200, content_type = "application/ld+json", body = Object),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn status_list(
    state: web::Data<AppState>,
    path: web::Path<u32>,
) -> ApiResult<HttpResponse> {
    let list = credentials::status_list(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=300",
        ))
        .json(list))
}

/// The certificate as a PDF: the NIP masked, as on the verification page; the holder, their
/// managers and admins, signed in (cookie or bearer token), get the whole document.
#[utoipa::path(get, path = "/certificates/{code}.pdf", tag = "certificates",
    params(("code" = String, Path, description = "The verification code")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
              (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    who: MaybeUser,
) -> ApiResult<HttpResponse> {
    let c = found(&state, &req, Asked::Code(&path)).await?;
    let nip = match &who.0 {
        Some(user) => policy::authorize(
            &state,
            user,
            Action::ReadFullCertificate,
            Resource::Certificate { holder: c.user_id },
        )
        .await
        .map_or(NipShown::Masked, NipShown::Full),
        None => NipShown::Masked,
    };
    let bytes = certificates::pdf(&state, &c, nip).await?;
    let mut res = respond::pdf(bytes, &c.number);
    if matches!(nip, NipShown::Full(_)) {
        // The whole NIP is for this reader: kept by no cache on the way.
        res.headers_mut().insert(
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(res)
}

/// The certificate as a signed Open Badges 3.0 credential (410 once revoked).
#[utoipa::path(get, path = "/api/v1/certificates/{code}/badge", tag = "certificates",
    params(("code" = String, Path, description = "The verification code")),
    responses((status = 200, content_type = "application/ld+json", body = Object),
              (status = 404, body = ErrorBody), (status = 410, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn badge(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let c = found(&state, &req, Asked::Code(&path)).await?;
    if c.revoked_at.is_some() {
        return Err(Error::new(
            ErrorCode::CertificateRevoked,
            "This certificate was revoked; no badge is issued for it",
        )
        .into());
    }
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .json(certificates::badge(&state, &c)?))
}
