//! Public certificate look-up: no sign-in needed.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::verify;

pub async fn lookup(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = path.into_inner();
    let found = verify::find(&state, &code).await?.ok_or_else(|| {
        AppError::not_found("certificate_not_found", "No certificate has this code")
    })?;
    Ok(HttpResponse::Ok().json(json!({
        "valid": found.revoked_at.is_none(),
        "revoked": found.revoked_at.is_some(),
        "revoked_at": found.revoked_at.map(|d| d.to_rfc3339()),
        "revocation_reason": found.revocation_reason,
        "certificate": verify::payload(&found),
        // This instance does not sign certificates yet: it says so rather than pretend.
        "signed": false,
        "signature": null,
        "key_id": null,
    })))
}

/// The public keys that sign certificates: none yet (see `signed: false` above).
pub async fn keys() -> HttpResponse {
    HttpResponse::Ok().json(json!({"keys": []}))
}
