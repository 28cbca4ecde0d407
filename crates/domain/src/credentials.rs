//! Certificates as Open Badges 3.0 credentials that any verifier resolves: the issuer's
//! controlled identifier document (at `GET /api/v1/certificates/keys`), the badge with a
//! revocation entry and the holder's hashed NIP, and the signed Bitstring Status Lists
//! that revocation flips a bit in (`GET /api/v1/certificates/status/{n}`).
//!
//! A certificate's place in the lists is its id: list `id / 131,072`, index
//! `id % 131,072`. Nothing is stored for it, and a list's content follows from the
//! `revoked_at` of its certificates, so every replica serves the same list.

use lentera_certificate::status::MIN_STATUS_LIST_BITS;
use lentera_certificate::{BadgeExtras, BadgeInput, HolderNip, StatusList, StatusListEntry};
use lentera_store::learning::Certificate;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorCode, Result};
use crate::{CertificateId, Lentera};

/// Entries per status list.
const LIST_BITS: i64 = MIN_STATUS_LIST_BITS as i64;

/// Where certificate `id`'s revocation bit lives.
pub fn status_entry(id: CertificateId) -> StatusListEntry {
    let id = i64::from(id.0.max(0));
    StatusListEntry {
        list: u32::try_from(id / LIST_BITS).unwrap_or(u32::MAX),
        index: u32::try_from(id % LIST_BITS).unwrap_or(0),
    }
}

/// The issuer's controlled identifier document: the signing key as a `Multikey`
/// verification method, plus the `keys` list the offline verifier reads.
pub fn controller(state: &Lentera) -> serde_json::Value {
    lentera_certificate::controller_document(
        &state.config.public_url,
        &[state.keys.certificates.public_key()],
    )
}

/// The salt of the holder's hashed NIP in certificate `code`'s badge. It is published in
/// the badge (a salt only has to differ between badges), so it is derived from the code
/// rather than stored: the same certificate always gives the same credential.
fn nip_salt(code: &str) -> String {
    let digest = Sha256::digest(format!("lentera/holder-nip-salt/{code}").as_bytes());
    hex::encode(&digest[..16])
}

/// The certificate as a signed Open Badges 3.0 credential, with its revocation entry and,
/// when the holder has a NIP, the NIP as a salted hash.
pub fn badge(state: &Lentera, c: &Certificate) -> Result<serde_json::Value> {
    let input = BadgeInput {
        public_url: state.config.public_url.clone(),
        code: c.code.clone(),
        number: c.number.clone(),
        holder_name: c.holder_name.clone(),
        course_slug: c.course_slug.clone(),
        course_title: c.course_title.clone(),
        course_summary: None,
        jp: c.jp.0,
        issued_at: c.issued_at,
        issuer_name: c.issuer.clone(),
    };
    let extras = BadgeExtras {
        status: Some(status_entry(c.id)),
        nip: c.holder_nip.as_ref().map(|nip| HolderNip {
            nip: nip.to_string(),
            salt: nip_salt(&c.code),
        }),
        achievement: crate::certificates::statement(c).map(|statement| {
            lentera_certificate::AchievementOf {
                path: crate::certificates::subject_path(c),
                achievement_type: match c.kind {
                    crate::CertificateKind::Path => "LearningProgram",
                    _ => "Achievement",
                }
                .to_owned(),
                statement: statement.to_owned(),
            }
        }),
    };
    lentera_certificate::open_badge_credential_with(&input, &extras, &state.keys.certificates)
        .map_err(Error::internal)
}

/// Status list `list` as a signed `BitstringStatusListCredential`: the bits of its revoked
/// certificates set, valid from when the last of them was revoked (or, with none revoked,
/// from the first issue). A list that holds no certificate yet is not found.
pub async fn status_list(state: &Lentera, list: u32) -> Result<serde_json::Value> {
    let not_found = || {
        Error::new(
            ErrorCode::NotFound,
            format!("No status list {list}: no certificate has been issued in it"),
        )
    };
    let first = i64::from(list) * LIST_BITS;
    let last = first + LIST_BITS - 1;
    let (Ok(first), Ok(last)) = (
        i32::try_from(first),
        i32::try_from(last.min(i64::from(i32::MAX))),
    ) else {
        return Err(not_found());
    };
    let range = lentera_store::status::range_state(&state.db, first, last).await?;
    let issued = range.first_issued_at.ok_or_else(not_found)?;
    let mut bits = StatusList::new();
    for id in &range.revoked {
        bits.set(u64::from(status_entry(*id).index), true)
            .map_err(Error::internal)?;
    }
    let updated_at = range.last_revoked_at.map_or(issued, |at| at.max(issued));
    lentera_certificate::status_list_credential(
        &state.config.public_url,
        list,
        &bits,
        &updated_at,
        &state.keys.certificates,
    )
    .map_err(Error::internal)
}
