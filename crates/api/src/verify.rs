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
