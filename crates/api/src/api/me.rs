//! The signed-in learner: profile, progress, certificates.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::journey::{self, JP_TARGET};
use crate::policy::{self, Action, Resource};
use crate::state::AppState;
use lentera_store::learning;

pub async fn me(user: ApiUser) -> HttpResponse {
    let u = &user.0.user;
    HttpResponse::Ok().json(json!({
        "id": u.id, "username": u.username, "name": u.name, "nip": u.nip,
        "email": u.email, "roles": u.roles, "language": u.language,
    }))
}

pub async fn progress(state: web::Data<AppState>, user: ApiUser) -> AppResult<HttpResponse> {
    let courses = journey::my_progress(&state, &user.0.user).await?;
    let (year, earned) = journey::jp_this_year(&state, &user.0.user).await?;
    Ok(HttpResponse::Ok().json(json!({
        "courses": courses,
        "jp": {"year": year, "earned": earned, "target": JP_TARGET},
    })))
}

pub async fn certificates(state: web::Data<AppState>, user: ApiUser) -> AppResult<HttpResponse> {
    let certs = learning::certificates_of(&state.db, user.0.user.id).await?;
    let list: Vec<_> = certs
        .iter()
        .map(|c| journey::certificate_json(&state, c))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"certificates": list})))
}

/// All of the caller's certificates as PDFs in one zip.
pub async fn certificates_zip(
    state: web::Data<AppState>,
    user: ApiUser,
) -> AppResult<HttpResponse> {
    let certs = learning::certificates_of(&state.db, user.0.user.id).await?;
    let own = policy::authorize(
        &state,
        &user.0,
        Action::ReadFullCertificate,
        Resource::Certificate {
            holder: user.0.user.id,
        },
    )
    .await?;
    let bytes = crate::verify::zip_of(&state, &certs, crate::verify::Nip::Full(own)).await?;
    Ok(crate::verify::zip_response(bytes, "sertifikat-saya"))
}

#[derive(serde::Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The caller's JP ledger for a year: certificates and JP recorded from outside.
pub async fn jp(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<YearQuery>,
) -> AppResult<HttpResponse> {
    let year = crate::api::reports::check_year(q.year.unwrap_or_else(crate::reports::this_year))?;
    Ok(HttpResponse::Ok().json(crate::journey::ledger_json(&state, &user.0.user, year).await?))
}
