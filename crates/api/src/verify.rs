//! Certificate verification, shared by the public API and the public page.

use lentera_certificate::{CertificatePayload, is_plausible_code, mask_nip};

use crate::error::{AppError, AppResult};
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
        // Outside the signed payload: where the current status (revocation) is read.
        "verify_url": format!("{}/verifikasi/{}", state.config.public_url, c.code),
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
        // The same key as a W3C Multikey, for Open Badges / Verifiable Credential verifiers.
        "type": "Multikey",
        "publicKeyMultibase": lentera_certificate::public_key_multibase(&key.public_key()),
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

/// Public look-ups per client address: enough for anyone checking certificates by hand,
/// far too few to enumerate codes.
pub fn check_rate(state: &AppState, req: &actix_web::HttpRequest) -> AppResult<()> {
    let address = crate::login::client_address(req, &state.config.trusted_proxies);
    if !state.verify_by_address.check(&address) {
        return Err(AppError::too_many(
            "Too many certificate look-ups from this address; wait a minute",
        ));
    }
    Ok(())
}

/// How much of the holder's NIP a PDF shows: all of it only to someone the policy allows
/// ([`crate::policy::Action::ReadFullCertificate`]), masked as on the verification page to
/// anyone else.
#[derive(Debug, Clone, Copy)]
pub enum Nip {
    Full(crate::policy::Granted),
    Masked,
}

/// The certificate's PDF (A4 landscape, Bahasa Indonesia, QR code to the verification page),
/// drawn in the heavy pool.
pub async fn pdf(state: &AppState, c: &Certificate, nip: Nip) -> AppResult<Vec<u8>> {
    let doc = lentera_certificate::PdfCertificate {
        holder_name: c.holder_name.clone(),
        holder_nip: match nip {
            Nip::Full(_) => c.holder_nip.clone(),
            Nip::Masked => c.holder_nip.as_deref().map(mask_nip),
        },
        course_title: c.course_title.clone(),
        jp: c.jp,
        issued_on: c.issued_at.date_naive(),
        number: c.number.clone(),
        issuer: c.issuer.clone(),
        verify_url: format!("{}/verifikasi/{}", state.config.public_url, c.code),
        revoked: c.revoked_at.is_some(),
    };
    crate::heavy::work(PDF_BUDGET, move || {
        lentera_certificate::certificate_pdf(&doc)
    })
    .await?
    .map_err(AppError::internal)
}

/// The certificate as a signed Open Badges 3.0 credential.
pub fn badge(state: &AppState, c: &Certificate) -> AppResult<serde_json::Value> {
    let input = lentera_certificate::BadgeInput {
        public_url: state.config.public_url.clone(),
        code: c.code.clone(),
        number: c.number.clone(),
        holder_name: c.holder_name.clone(),
        course_slug: c.course_slug.clone(),
        course_title: c.course_title.clone(),
        course_summary: None,
        jp: c.jp,
        issued_at: c.issued_at,
        issuer_name: c.issuer.clone(),
    };
    lentera_certificate::open_badge_credential(&input, &state.keys.certificates)
        .map_err(AppError::internal)
}

/// Time allowed to draw one certificate, and to pack a zip of them.
const PDF_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);
const ZIP_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// Most certificates one zip holds; a larger unit is downloaded per sub-unit or per year.
pub const ZIP_LIMIT: usize = 2000;

/// PDFs of several certificates in one zip, named by certificate number, with the NIP as
/// `nip` allows (the holder's own zip, or a manager's of their units: full).
pub async fn zip_of(state: &AppState, certs: &[Certificate], nip: Nip) -> AppResult<Vec<u8>> {
    if certs.len() > ZIP_LIMIT {
        return Err(AppError::unprocessable(
            "too_many_certificates",
            format!(
                "{} certificates; choose a sub-unit or a year so there are at most {ZIP_LIMIT}",
                certs.len()
            ),
        ));
    }
    let mut files = Vec::with_capacity(certs.len());
    for c in certs {
        files.push((format!("{}.pdf", c.number), pdf(state, c, nip).await?));
    }
    crate::heavy::work(
        ZIP_BUDGET,
        move || -> Result<Vec<u8>, zip::result::ZipError> {
            use std::io::Write;
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            // PDFs are compressed already: store them.
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for (name, bytes) in files {
                zip.start_file(name, options)?;
                zip.write_all(&bytes)?;
            }
            Ok(zip.finish()?.into_inner())
        },
    )
    .await?
    .map_err(AppError::internal)
}

pub fn zip_response(bytes: Vec<u8>, name: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(crate::respond::disposition(false, &format!("{name}.zip")))
        .body(bytes)
}

pub fn pdf_response(bytes: Vec<u8>, c: &Certificate) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(crate::respond::disposition(
            true,
            &format!("{}.pdf", c.number),
        ))
        .body(bytes)
}
