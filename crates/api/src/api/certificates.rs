//! Public certificate look-up and the signing keys: no sign-in needed.

use actix_web::{HttpResponse, web};

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::verify;

pub async fn lookup(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = verify::find(&state, &path).await?.ok_or_else(|| {
        AppError::not_found("certificate_not_found", "No certificate has this code")
    })?;
    Ok(HttpResponse::Ok().json(verify::lookup_json(&state, &found)?))
}

/// The public keys that sign certificates, so anyone can check one offline.
pub async fn keys(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(verify::keys_json(&state))
}
