//! Certificate verification, shared by the public API and the public page.

use lentera_certificate::{CertificatePayload, is_plausible_code, mask_nip};

use crate::error::AppResult;
use crate::state::AppState;
use lentera_store::learning::{self, Certificate};

/// The certificate with this code; `None` for an unknown or malformed code (a malformed
/// code never reaches the database).
pub async fn find(state: &AppState, code: &str) -> AppResult<Option<Certificate>> {
    let code = code.trim().to_ascii_uppercase();
    if !is_plausible_code(&code) {
        return Ok(None);
    }
    Ok(learning::certificate_by_code(&state.db, &code).await?)
}

/// The public look-up answer: the payload, its Ed25519 signature over the RFC 8785
/// canonical JSON, and the key that made it. Ed25519 is deterministic, so signing on
/// look-up gives the same signature every time for the same certificate and key.
pub fn lookup_json(state: &AppState, c: &Certificate) -> AppResult<serde_json::Value> {
    let payload = payload(c);
    let key = &state.keys.certificates;
    let signature = key
        .sign(&payload)
        .map_err(crate::error::AppError::internal)?;
    Ok(serde_json::json!({
        "valid": c.revoked_at.is_none(),
        "revoked": c.revoked_at.is_some(),
        "revoked_at": c.revoked_at.map(|d| d.to_rfc3339()),
        "revocation_reason": c.revocation_reason,
        "certificate": payload,
        "signed": true,
        "signature": signature,
        "key_id": key.key_id(),
    }))
}

/// The public keys, as `GET /api/v1/certificates/keys` serves them.
pub fn keys_json(state: &AppState) -> serde_json::Value {
    use base64::Engine;
    let key = &state.keys.certificates;
    serde_json::json!({"keys": [{
        "id": key.key_id(),
        "alg": "Ed25519",
        "public_key": base64::engine::general_purpose::STANDARD.encode(key.public_key()),
    }]})
}

pub fn payload(c: &Certificate) -> CertificatePayload {
    CertificatePayload {
        number: c.number.clone(),
        holder_name: c.holder_name.clone(),
        nip_masked: c.holder_nip.as_deref().map(mask_nip),
        course_title: c.course_title.clone(),
        course_slug: c.course_slug.clone(),
        course_version: c.course_version,
        jp: c.jp,
        issued_at: c.issued_at.to_rfc3339(),
        issuer: c.issuer.clone(),
    }
}
