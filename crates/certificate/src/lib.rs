//! lentera-certificate: what a certificate says, how it is named and how it is signed.
//!
//! Pure: no I/O. The caller supplies randomness for verification codes and the bytes of
//! the signing key. [`pdf`] renders the printable certificate; [`badge`] the same
//! achievement as a signed Open Badges 3.0 credential; [`controller`] the issuer's
//! controlled identifier document that verifiers resolve its key through; [`status`] the
//! Bitstring Status List that says which credentials are revoked.

use serde::Serialize;

pub mod badge;
mod canonical;
pub mod controller;
pub mod pdf;
mod signing;
pub mod status;

pub use badge::{
    AchievementOf, BadgeExtras, BadgeInput, HolderNip, NIP_IDENTITY_TYPE, identity_hash, issuer_id,
    nip_matches, normalize_nip, open_badge_credential, open_badge_credential_with,
    public_key_multibase, verification_method_id, verify_open_badge,
};
pub use canonical::canonical_json;
pub use controller::{
    check_revocation_with_controller, controller_document, public_key_from_multibase,
    resolve_verification_method, verify_open_badge_with_controller,
};
pub use pdf::{
    Instansi, MAX_MODULE_ENTRIES, MAX_MODULES, MAX_TITLE, ModuleItem, ModuleItemKind,
    ModuleOutline, PdfCertificate, PdfError, PdfExtras, Predikat, PredikatError,
    PredikatThresholds, Signatory, TrainingPeriod, certificate_pdf, certificate_pdf_with,
    tanggal_indonesia,
};
pub use signing::{SignError, SigningKey, key_id, verify};
pub use status::{
    RevocationStatus, StatusError, StatusList, StatusListEntry, check_revocation, revocation_entry,
    status_list_credential, status_list_url,
};

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or typed from
/// paper is hard to get wrong.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Turns random bytes into a verification code (5 bits per character). 15 random bytes
/// give 24 characters and 120 bits: not guessable, not enumerable.
pub fn verification_code(random: &[u8]) -> String {
    let mut out = String::with_capacity(random.len() * 8 / 5 + 1);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in random {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Whether a string could be a verification code (checked before any database look-up).
pub fn is_plausible_code(code: &str) -> bool {
    (16..=64).contains(&code.len()) && code.bytes().all(|b| ALPHABET.contains(&b))
}

/// The human-readable certificate number, e.g. `LNT-2026-000123`.
pub fn certificate_number(year: i32, sequence: i32) -> String {
    format!("LNT-{year}-{sequence:06}")
}

/// Masks a NIP for public pages: birth year and the last three digits stay visible,
/// enough to tell two people apart, not enough to reconstruct the NIP.
pub fn mask_nip(nip: &str) -> String {
    let chars: Vec<char> = nip.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 4 || i >= chars.len() - 3 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// The public statement of a certificate: exactly the object a signature covers, in its
/// [`canonical_json`] form. Renaming or adding a field changes what is signed.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct CertificatePayload {
    pub number: String,
    pub holder_name: String,
    pub nip_masked: Option<String>,
    pub course_title: String,
    pub course_slug: String,
    pub course_version: i32,
    pub jp: i32,
    pub issued_at: String,
    pub issuer: String,
}

#[cfg(test)]
mod tests {
    use super::{certificate_number, is_plausible_code, mask_nip, verification_code};

    #[test]
    fn codes_are_24_crockford_characters_for_15_bytes() {
        let code = verification_code(&[0xff; 15]);
        assert_eq!(code.len(), 24);
        assert_eq!(code, "ZZZZZZZZZZZZZZZZZZZZZZZZ");
        assert_eq!(verification_code(&[0; 15]), "000000000000000000000000");
        assert!(is_plausible_code(&verification_code(&[
            7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
        ])));
    }

    #[test]
    fn implausible_codes_are_refused() {
        assert!(!is_plausible_code("short"));
        assert!(!is_plausible_code("../../etc/passwd/aaaaaaaaaaaa"));
        assert!(!is_plausible_code("ILOUILOUILOUILOUILOU"));
    }

    #[test]
    fn numbers_are_zero_padded() {
        assert_eq!(certificate_number(2026, 123), "LNT-2026-000123");
    }

    #[test]
    fn nip_mask_keeps_birth_year_and_sequence() {
        assert_eq!(mask_nip("198503152010011003"), "1985***********003");
        assert_eq!(mask_nip("123"), "***");
    }
}
