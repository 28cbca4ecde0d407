//! Ed25519 signatures over the canonical JSON of a certificate payload.
//!
//! The signed bytes are `canonical_json(payload)`, never the bytes a particular JSON
//! library happened to print, so a verifier in any language can rebuild them from the
//! `certificate` object of `GET /api/v1/certificates/{code}`. Keys come in as bytes: this
//! crate neither generates nor stores them.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, Signature, Signer as _, VerifyingKey};
use sha2::{Digest as _, Sha256};

use crate::{CertificatePayload, canonical_json};

/// Why a certificate could not be signed or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the public key must be {PUBLIC_KEY_LENGTH} bytes long, but it is {0} bytes")]
    BadKeyLength(usize),
    #[error("the public key is not a usable Ed25519 public key")]
    BadPublicKey,
    #[error("the signature is not valid base64 (standard alphabet, with padding): {0}")]
    BadBase64(String),
    #[error("the signature must be {SIGNATURE_LENGTH} bytes long, but it is {0} bytes")]
    BadSignatureLength(usize),
    #[error("the signature does not match this certificate and public key")]
    SignatureMismatch,
    #[error(
        "the number {0} cannot be signed exactly: canonical JSON (RFC 8785) only keeps \
         integers between -(2^53 - 1) and 2^53 - 1"
    )]
    UnsafeInteger(String),
    #[error("NaN and infinity have no JSON form and cannot be signed")]
    NonFiniteNumber,
    #[error("the value cannot be written as canonical JSON: {0}")]
    Canonical(#[source] serde_json::Error),
    #[error("the credential is not a credential this crate can verify: {0}")]
    BadCredential(String),
    #[error("the proof value is not multibase base58-btc: {0}")]
    BadProofValue(String),
}

/// The instance's certificate signing key.
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// Any 32 bytes are a valid Ed25519 secret; the caller draws them from a CSPRNG once
    /// and keeps them.
    pub fn from_bytes(secret: &[u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(secret))
    }

    /// The 32-byte secret, for the caller to store.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The raw 32-byte public key, as published by `GET /api/v1/certificates/keys`.
    pub fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// Key id: first 16 hex chars of sha256(public key) (see [`key_id`]).
    pub fn key_id(&self) -> String {
        key_id(&self.public_key())
    }

    /// The raw Ed25519 signature of `message`, for the other formats this crate signs
    /// (the Open Badges proof).
    pub(crate) fn sign_raw(&self, message: &[u8]) -> [u8; SIGNATURE_LENGTH] {
        self.0.sign(message).to_bytes()
    }

    /// base64 (standard, padded) Ed25519 signature over canonical_json(payload).
    ///
    /// # Errors
    ///
    /// Only if the payload cannot be canonicalised (see [`canonical_json`]).
    pub fn sign(&self, payload: &CertificatePayload) -> Result<String, SignError> {
        let message = canonical_json(payload)?;
        Ok(STANDARD.encode(self.0.sign(message.as_bytes()).to_bytes()))
    }
}

/// The key id of a raw Ed25519 public key: the first 16 hex characters of its SHA-256,
/// as `GET /api/v1/certificates/keys` lists it.
pub fn key_id(public_key: &[u8; 32]) -> String {
    // 8 bytes of hash give 16 hex characters.
    hex::encode(&Sha256::digest(public_key)[..8])
}

/// Shows the key id only: a secret must not reach logs through `{:?}`.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// Verifies a base64 signature over canonical_json(payload) with a raw 32-byte public key.
///
/// Verification is strict (`verify_strict`): weak (small-order) keys and malleated
/// signatures are refused, which costs nothing for signatures made by [`SigningKey::sign`].
///
/// # Errors
///
/// [`SignError::BadKeyLength`] / [`SignError::BadPublicKey`] for an unusable key,
/// [`SignError::BadBase64`] / [`SignError::BadSignatureLength`] for a malformed signature,
/// [`SignError::SignatureMismatch`] when the signature is well-formed but does not verify,
/// and the [`canonical_json`] errors for a payload that cannot be canonicalised.
pub fn verify(
    payload_json: &serde_json::Value,
    signature_b64: &str,
    public_key: &[u8],
) -> Result<(), SignError> {
    let key = verifying_key(public_key)?;
    let raw = STANDARD
        .decode(signature_b64)
        .map_err(|error| SignError::BadBase64(error.to_string()))?;
    let signature = signature(&raw)?;
    let message = canonical_json(payload_json)?;
    key.verify_strict(message.as_bytes(), &signature)
        .map_err(|_| SignError::SignatureMismatch)
}

/// Strict Ed25519 verification of raw bytes, with the same key and signature checks as
/// [`verify`]; for the other formats this crate signs (the Open Badges proof).
pub(crate) fn verify_raw(
    public_key: &[u8],
    message: &[u8],
    signature_bytes: &[u8],
) -> Result<(), SignError> {
    let key = verifying_key(public_key)?;
    let signature = signature(signature_bytes)?;
    key.verify_strict(message, &signature)
        .map_err(|_| SignError::SignatureMismatch)
}

fn verifying_key(public_key: &[u8]) -> Result<VerifyingKey, SignError> {
    let key_bytes: &[u8; PUBLIC_KEY_LENGTH] = public_key
        .try_into()
        .map_err(|_| SignError::BadKeyLength(public_key.len()))?;
    let key = VerifyingKey::from_bytes(key_bytes).map_err(|_| SignError::BadPublicKey)?;
    if key.is_weak() {
        return Err(SignError::BadPublicKey);
    }
    Ok(key)
}

fn signature(raw: &[u8]) -> Result<Signature, SignError> {
    let signature_bytes: &[u8; SIGNATURE_LENGTH] = raw
        .try_into()
        .map_err(|_| SignError::BadSignatureLength(raw.len()))?;
    Ok(Signature::from_bytes(signature_bytes))
}

// A failing unwrap is a failing test, which is what a test should do.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde_json::{Value, json};

    use super::{SignError, SigningKey, verify};
    use crate::{CertificatePayload, canonical_json};

    fn payload() -> CertificatePayload {
        CertificatePayload {
            number: "LNT-2026-000123".into(),
            holder_name: "Ni Luh Putu Ayu Sukmawati, S.Kom.".into(),
            nip_masked: Some("1985***********003".into()),
            course_title: "Keamanan Siber — Dasar \"Tingkat 1\"".into(),
            course_slug: "keamanan-siber".into(),
            course_version: 2,
            jp: 12,
            issued_at: "2026-03-15T09:30:00Z".into(),
            issuer: "Pemerintah Kabupaten Bungo".into(),
        }
    }

    fn as_json(payload: &CertificatePayload) -> Value {
        serde_json::to_value(payload).unwrap()
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    /// A fixed key and payload with their exact canonical text and signature: any change
    /// to canonicalisation or signing breaks every certificate already issued, and this
    /// test. The values were checked independently with Python (`json.dumps(sort_keys=True,
    /// separators=(",", ":"), ensure_ascii=False)` and the `cryptography` package).
    #[test]
    fn fixed_test_vector() {
        let key = key();
        assert_eq!(
            canonical_json(&payload()).unwrap(),
            "{\"course_slug\":\"keamanan-siber\",\"course_title\":\"Keamanan Siber — Dasar \
             \\\"Tingkat 1\\\"\",\"course_version\":2,\"holder_name\":\"Ni Luh Putu Ayu \
             Sukmawati, S.Kom.\",\"issued_at\":\"2026-03-15T09:30:00Z\",\"issuer\":\
             \"Pemerintah Kabupaten Bungo\",\"jp\":12,\"nip_masked\":\"1985***********003\",\
             \"number\":\"LNT-2026-000123\"}"
        );
        assert_eq!(
            STANDARD.encode(key.public_key()),
            "6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw="
        );
        assert_eq!(key.key_id(), "fe812c12f3ab4ce6");
        assert_eq!(
            key.sign(&payload()).unwrap(),
            "rTeVK6WG4m9NIhg7yCARooL3t4QAnxMiTbcAUP5vLHLryBjgXOfD5d7dlZXoXsxlAHpn6dB6LqvNJN1BxKswDQ=="
        );
    }

    #[test]
    fn secret_round_trips_and_debug_hides_it() {
        let key = key();
        assert_eq!(key.secret_bytes(), [7u8; 32]);
        assert_eq!(
            SigningKey::from_bytes(&key.secret_bytes()).public_key(),
            key.public_key()
        );
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.key_id()));
        assert!(!shown.contains("7, 7"));
        assert_eq!(key.key_id().len(), 16);
    }

    #[test]
    fn sign_then_verify_round_trip() {
        let key = key();
        let signature = key.sign(&payload()).unwrap();
        assert_eq!(STANDARD.decode(&signature).unwrap().len(), 64);
        verify(&as_json(&payload()), &signature, &key.public_key()).unwrap();
    }

    /// The verifier sees the JSON as the API printed it, in whatever key order and
    /// spacing; only the canonical form matters.
    #[test]
    fn verify_ignores_key_order_and_whitespace_of_the_received_json() {
        let key = key();
        let signature = key.sign(&payload()).unwrap();
        let reordered: Value = serde_json::from_str(
            r#"{ "number": "LNT-2026-000123", "jp": 12, "issuer": "Pemerintah Kabupaten Bungo",
                "issued_at": "2026-03-15T09:30:00Z", "course_version": 2,
                "course_slug": "keamanan-siber", "nip_masked": "1985***********003",
                "holder_name": "Ni Luh Putu Ayu Sukmawati, S.Kom.",
                "course_title": "Keamanan Siber \u2014 Dasar \"Tingkat 1\"" }"#,
        )
        .unwrap();
        verify(&reordered, &signature, &key.public_key()).unwrap();
    }

    #[test]
    fn tampering_with_any_field_fails() {
        let key = key();
        let signature = key.sign(&payload()).unwrap();
        let original = as_json(&payload());
        let fields: Vec<String> = original.as_object().unwrap().keys().cloned().collect();
        assert_eq!(fields.len(), 9);
        for field in fields {
            let mut tampered = original.clone();
            let slot = &mut tampered[field.as_str()];
            *slot = match slot {
                Value::String(text) => json!(format!("{text}x")),
                Value::Number(number) => json!(number.as_i64().unwrap() + 1),
                other => panic!("unexpected {other}"),
            };
            assert!(
                matches!(
                    verify(&tampered, &signature, &key.public_key()),
                    Err(SignError::SignatureMismatch)
                ),
                "tampering with {field} went unnoticed"
            );
        }

        let mut without_nip = original.clone();
        without_nip["nip_masked"] = Value::Null;
        let mut extra = original.clone();
        extra["note"] = json!("");
        let mut removed = original;
        removed.as_object_mut().unwrap().remove("jp");
        for tampered in [without_nip, extra, removed] {
            assert!(matches!(
                verify(&tampered, &signature, &key.public_key()),
                Err(SignError::SignatureMismatch)
            ));
        }
    }

    #[test]
    fn a_missing_nip_is_signed_as_null() {
        let mut no_nip = payload();
        no_nip.nip_masked = None;
        assert!(
            canonical_json(&no_nip)
                .unwrap()
                .contains("\"nip_masked\":null")
        );
        let signature = key().sign(&no_nip).unwrap();
        verify(&as_json(&no_nip), &signature, &key().public_key()).unwrap();
    }

    #[test]
    fn a_wrong_key_fails() {
        let signature = key().sign(&payload()).unwrap();
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(matches!(
            verify(&as_json(&payload()), &signature, &other.public_key()),
            Err(SignError::SignatureMismatch)
        ));
    }

    #[test]
    fn unusable_keys_are_reported_as_such() {
        let signature = key().sign(&payload()).unwrap();
        let json = as_json(&payload());
        assert!(matches!(
            verify(&json, &signature, &[0u8; 31]),
            Err(SignError::BadKeyLength(31))
        ));
        assert!(matches!(
            verify(&json, &signature, &key().secret_bytes()[..0]),
            Err(SignError::BadKeyLength(0))
        ));
        // The identity point: small order, so any message would "verify" under it.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(matches!(
            verify(&json, &signature, &identity),
            Err(SignError::BadPublicKey)
        ));
    }

    #[test]
    fn malformed_signatures_give_the_right_error() {
        let key = key();
        let json = as_json(&payload());
        let public = key.public_key();
        assert!(matches!(
            verify(&json, "not base64!", &public),
            Err(SignError::BadBase64(_))
        ));
        let signature = key.sign(&payload()).unwrap();
        assert!(matches!(
            verify(&json, signature.trim_end_matches('='), &public),
            Err(SignError::BadBase64(_))
        ));
        assert!(matches!(
            verify(&json, &STANDARD.encode([1u8; 63]), &public),
            Err(SignError::BadSignatureLength(63))
        ));
        assert!(matches!(
            verify(&json, "", &public),
            Err(SignError::BadSignatureLength(0))
        ));
        // Right length, wrong bytes.
        let mut bytes = STANDARD.decode(&signature).unwrap();
        bytes[0] ^= 1;
        assert!(matches!(
            verify(&json, &STANDARD.encode(bytes), &public),
            Err(SignError::SignatureMismatch)
        ));
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            SignError::BadKeyLength(31).to_string(),
            "the public key must be 32 bytes long, but it is 31 bytes"
        );
        assert_eq!(
            SignError::SignatureMismatch.to_string(),
            "the signature does not match this certificate and public key"
        );
        let err = verify(&json!({}), "@@", &key().public_key()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the signature is not valid base64")
        );
    }
}
