//! The issuer's controlled identifier document (W3C "Controlled Identifiers v1.0"):
//! the JSON served at [`issuer_id`] (`{public_url}/api/v1/certificates/keys`), through
//! which a verifier turns a proof's `verificationMethod` into a public key.
//!
//! ```json
//! {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
//!               {"keys": {"@id": "{id}#keys", "@type": "@json"}}],
//!  "id": "{public_url}/api/v1/certificates/keys",
//!  "verificationMethod": [{"id": "{id}#z6Mk...", "type": "Multikey",
//!                          "controller": "{id}", "publicKeyMultibase": "z6Mk..."}],
//!  "assertionMethod": ["{id}#z6Mk..."],
//!  "keys": [{"id": "fe812c12f3ab4ce6", "alg": "Ed25519", "public_key": "base64...",
//!            "type": "Multikey", "publicKeyMultibase": "z6Mk..."}]}
//! ```
//!
//! `keys` is the list `GET /api/v1/certificates/keys` has always returned (clients read
//! `keys[].id`, `alg` and `public_key`); the rest makes the same document a controlled
//! identifier document. Its `@context` is the DID v1 and Multikey contexts, which the
//! specification accepts in place of `https://www.w3.org/ns/cid/v1` ("one or more
//! contexts with at least the same declarations"), and which Digital Bazaar's verifiers
//! read without JSON-LD framing; `keys` is declared as a JSON literal so that a JSON-LD
//! processor in safe mode does not stop at it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::badge::{ED25519_PUB_MULTICODEC, issuer_id, single_proof, verification_method_id};
use crate::signing::key_id;
use crate::{SignError, public_key_multibase, verify_open_badge};

const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
const MULTIKEY_CONTEXT: &str = "https://w3id.org/security/multikey/v1";

/// The controlled identifier document listing `public_keys` (the current key first,
/// then any retired keys whose credentials must still verify), each as a `Multikey`
/// verification method allowed for `assertionMethod`.
pub fn controller_document(public_url: &str, public_keys: &[[u8; 32]]) -> Value {
    let id = issuer_id(public_url);
    let methods: Vec<Value> = public_keys
        .iter()
        .map(|key| {
            json!({
                "id": verification_method_id(public_url, key),
                "type": "Multikey",
                "controller": id,
                "publicKeyMultibase": public_key_multibase(key),
            })
        })
        .collect();
    let assertion: Vec<String> = public_keys
        .iter()
        .map(|key| verification_method_id(public_url, key))
        .collect();
    let keys: Vec<Value> = public_keys
        .iter()
        .map(|key| {
            json!({
                "id": key_id(key),
                "alg": "Ed25519",
                "public_key": STANDARD.encode(key),
                "type": "Multikey",
                "publicKeyMultibase": public_key_multibase(key),
            })
        })
        .collect();
    json!({
        "@context": [
            DID_CONTEXT,
            MULTIKEY_CONTEXT,
            {"keys": {"@id": format!("{id}#keys"), "@type": "@json"}},
        ],
        "id": id,
        "verificationMethod": methods,
        "assertionMethod": assertion,
        "keys": keys,
    })
}

/// The Ed25519 public key that `verification_method` names in `controller`, found as
/// Controlled Identifiers v1.0 "Retrieve Verification Method" does for the
/// `assertionMethod` relationship: the document's `id` is the method's URL without its
/// fragment; a map with exactly that `id` (or the bare fragment) is a `Multikey` whose
/// `controller` is the document; `assertionMethod` lists it; and its
/// `publicKeyMultibase` is an Ed25519 key (`z`, base58-btc, multicodec 0xed01).
///
/// # Errors
///
/// [`SignError::BadCredential`] naming the first check that fails.
pub fn resolve_verification_method(
    controller: &Value,
    verification_method: &str,
) -> Result<[u8; 32], SignError> {
    let bad = |why: String| SignError::BadCredential(why);
    let (document_url, fragment) = verification_method.split_once('#').ok_or_else(|| {
        bad(format!(
            "the verification method {verification_method} has no #fragment"
        ))
    })?;
    if controller.get("id").and_then(Value::as_str) != Some(document_url) {
        return Err(bad(format!(
            "the controller document's id is not {document_url}"
        )));
    }
    let relative = format!("#{fragment}");
    let names_it = |value: &Value| {
        let id = match value {
            Value::String(id) => Some(id.as_str()),
            Value::Object(map) => map.get("id").and_then(Value::as_str),
            _ => None,
        };
        id == Some(verification_method) || id == Some(relative.as_str())
    };
    let listed = |name: &str| {
        controller
            .get(name)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let method = listed("verificationMethod")
        .iter()
        .chain(listed("assertionMethod"))
        .find(|value| value.is_object() && names_it(value))
        .ok_or_else(|| {
            bad(format!(
                "the controller document has no verification method {verification_method}"
            ))
        })?;
    if !listed("assertionMethod").iter().any(names_it) {
        return Err(bad(format!(
            "{verification_method} is not allowed for assertionMethod"
        )));
    }
    if method.get("type").and_then(Value::as_str) != Some("Multikey") {
        return Err(bad(format!("{verification_method} is not a Multikey")));
    }
    if method.get("controller").and_then(Value::as_str) != Some(document_url) {
        return Err(bad(format!(
            "{verification_method} is not controlled by {document_url}"
        )));
    }
    let multibase = method
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("{verification_method} has no publicKeyMultibase")))?;
    public_key_from_multibase(multibase)
}

/// The raw Ed25519 key of a Multikey `publicKeyMultibase` (`z6Mk...`).
///
/// # Errors
///
/// [`SignError::BadCredential`] for anything but base58-btc of 0xed01 and 32 bytes.
pub fn public_key_from_multibase(multibase: &str) -> Result<[u8; 32], SignError> {
    let bad = |why: &str| SignError::BadCredential(format!("publicKeyMultibase: {why}"));
    let digits = multibase
        .strip_prefix('z')
        .ok_or_else(|| bad("it does not start with 'z' (base58-btc)"))?;
    let bytes = bs58::decode(digits)
        .into_vec()
        .map_err(|_| bad("it is not base58-btc"))?;
    let key = bytes
        .strip_prefix(&ED25519_PUB_MULTICODEC)
        .ok_or_else(|| bad("it is not an Ed25519 public key (multicodec 0xed01)"))?;
    key.try_into().map_err(|_| bad("the key is not 32 bytes"))
}

/// Verifies a badge the way a standard verifier does, with the issuer's controlled
/// identifier document in hand (fetched, or kept for offline use): the proof's
/// `verificationMethod` is resolved in `controller` ([`resolve_verification_method`]),
/// the document must be the credential's issuer (its `id` equals `issuer.id`), and the
/// proof must verify with that key ([`verify_open_badge`]).
///
/// # Errors
///
/// [`SignError::BadCredential`] for a method that does not resolve or an issuer that is
/// not the controller, and the errors of [`verify_open_badge`].
pub fn verify_open_badge_with_controller(
    credential: &Value,
    controller: &Value,
) -> Result<(), SignError> {
    let method = single_proof(credential)?
        .get("verificationMethod")
        .and_then(Value::as_str)
        .ok_or_else(|| SignError::BadCredential("the proof has no verificationMethod".into()))?;
    let key = resolve_verification_method(controller, method)?;
    let issuer = match credential.get("issuer") {
        Some(Value::String(id)) => Some(id.as_str()),
        Some(Value::Object(profile)) => profile.get("id").and_then(Value::as_str),
        _ => None,
    };
    if issuer.is_none() || issuer != controller.get("id").and_then(Value::as_str) {
        return Err(SignError::BadCredential(
            "the credential's issuer is not the verification method's controller".into(),
        ));
    }
    verify_open_badge(credential, &key)
}

/// [`crate::check_revocation`] with the status list's key resolved in `controller`:
/// the list credential's `verificationMethod` must be one of the controller's
/// `assertionMethod` keys, and the controller must be the list's issuer (which
/// [`crate::check_revocation`] then requires of the credential too). For the CLI's
/// offline verify, given the files `GET /api/v1/certificates/keys` and
/// `GET /api/v1/certificates/status/{n}` returned.
///
/// # Errors
///
/// [`crate::StatusError::BadListCredential`] when the list's key does not resolve or
/// its issuer is not the controller, and the errors of [`crate::check_revocation`].
pub fn check_revocation_with_controller(
    credential: &Value,
    status_list_credential: &Value,
    controller: &Value,
    now: &chrono::DateTime<chrono::Utc>,
) -> Result<crate::RevocationStatus, crate::StatusError> {
    let unusable = |error: SignError| crate::StatusError::BadListCredential(error.to_string());
    let method = single_proof(status_list_credential)
        .map_err(unusable)?
        .get("verificationMethod")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            crate::StatusError::BadListCredential("its proof has no verificationMethod".into())
        })?;
    let key = resolve_verification_method(controller, method).map_err(unusable)?;
    let issuer = match status_list_credential.get("issuer") {
        Some(Value::String(id)) => Some(id.as_str()),
        Some(Value::Object(profile)) => profile.get("id").and_then(Value::as_str),
        _ => None,
    };
    if issuer.is_none() || issuer != controller.get("id").and_then(Value::as_str) {
        return Err(crate::StatusError::BadListCredential(
            "its issuer is not the verification method's controller".into(),
        ));
    }
    crate::check_revocation(credential, status_list_credential, &key, now)
}

// A failing unwrap is a failing test, which is what a test should do.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{TimeZone as _, Utc};
    use serde_json::{Value, json};

    use super::{
        controller_document, public_key_from_multibase, resolve_verification_method,
        verify_open_badge_with_controller,
    };
    use crate::{BadgeInput, SignError, SigningKey, open_badge_credential};

    const URL: &str = "https://lentera.bungokab.go.id/";
    const ID: &str = "https://lentera.bungokab.go.id/api/v1/certificates/keys";

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn badge(key: &SigningKey) -> Value {
        let input = BadgeInput {
            public_url: URL.into(),
            code: "7K3M9QXN2PRT5VWY8ZA4BC6D".into(),
            number: "LNT-2026-000123".into(),
            holder_name: "Budi Santoso".into(),
            course_slug: "keamanan-siber".into(),
            course_title: "Keamanan Siber — Dasar".into(),
            course_summary: None,
            jp: 12,
            issued_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
            issuer_name: "Lentera — BKPSDM Kabupaten Bungo".into(),
        };
        open_badge_credential(&input, key).unwrap()
    }

    #[test]
    fn the_document_is_a_controller_document_and_keeps_the_key_list() {
        let key = key();
        let document = controller_document(URL, &[key.public_key()]);
        // base58-btc of 0xed01 + the key, computed independently with Python.
        let multibase = "z6MkvDqGT54cXesYGvABpF1UapVNwjCqRcafi4Px6Thv5T3Z";
        assert_eq!(crate::public_key_multibase(&key.public_key()), multibase);
        let method = format!("{ID}#{multibase}");
        assert_eq!(
            document,
            json!({
                "@context": [
                    "https://www.w3.org/ns/did/v1",
                    "https://w3id.org/security/multikey/v1",
                    {"keys": {"@id": format!("{ID}#keys"), "@type": "@json"}}
                ],
                "id": ID,
                "verificationMethod": [{
                    "id": method,
                    "type": "Multikey",
                    "controller": ID,
                    "publicKeyMultibase": multibase
                }],
                "assertionMethod": [method],
                "keys": [{
                    "id": "fe812c12f3ab4ce6",
                    "alg": "Ed25519",
                    "public_key": "6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=",
                    "type": "Multikey",
                    "publicKeyMultibase": multibase
                }]
            })
        );
        // The proof names exactly this method.
        assert_eq!(badge(&key)["proof"][0]["verificationMethod"], method);
        assert_eq!(
            resolve_verification_method(&document, &method).unwrap(),
            key.public_key()
        );
    }

    #[test]
    fn badges_verify_through_the_document_and_old_keys_stay_listed() {
        let old = key();
        let new = SigningKey::from_bytes(&[9u8; 32]);
        let document = controller_document(URL, &[new.public_key(), old.public_key()]);
        verify_open_badge_with_controller(&badge(&old), &document).unwrap();
        verify_open_badge_with_controller(&badge(&new), &document).unwrap();
        // Once a key is dropped from the document, its badges no longer resolve.
        let only_new = controller_document(URL, &[new.public_key()]);
        assert!(matches!(
            verify_open_badge_with_controller(&badge(&old), &only_new),
            Err(SignError::BadCredential(_))
        ));
        // A tampered badge resolves but fails the signature.
        let mut forged = badge(&new);
        forged["credentialSubject"]["achievement"]["name"] = json!("Kursus Lain");
        assert!(matches!(
            verify_open_badge_with_controller(&forged, &document),
            Err(SignError::SignatureMismatch)
        ));
    }

    #[test]
    fn the_retrieval_checks_of_controlled_identifiers_hold() {
        let key = key();
        let good = controller_document(URL, &[key.public_key()]);
        let method = good["assertionMethod"][0].as_str().unwrap().to_string();
        let refused = |document: &Value, method: &str| {
            matches!(
                resolve_verification_method(document, method),
                Err(SignError::BadCredential(_))
            )
        };

        // Another document than the one the method names.
        assert!(refused(
            &controller_document("https://lain.example", &[key.public_key()]),
            &method
        ));
        // No fragment, or an unknown one.
        assert!(refused(&good, ID));
        assert!(refused(&good, &format!("{ID}#z6MkOther")));
        // Listed but not for assertionMethod.
        let mut no_assertion = good.clone();
        no_assertion["assertionMethod"] = json!([]);
        assert!(refused(&no_assertion, &method));
        // Controlled by someone else.
        let mut foreign = good.clone();
        foreign["verificationMethod"][0]["controller"] = json!("https://lain.example");
        assert!(refused(&foreign, &method));
        // Not a Multikey.
        let mut typed = good.clone();
        typed["verificationMethod"][0]["type"] = json!("JsonWebKey");
        assert!(refused(&typed, &method));
        // The badge's issuer must be the controller.
        let mut issuer = badge(&key);
        issuer["issuer"]["id"] = json!("https://lentera.bungokab.go.id");
        assert!(matches!(
            verify_open_badge_with_controller(&issuer, &good),
            Err(SignError::BadCredential(_))
        ));

        // A relative reference in assertionMethod and the method embedded there are
        // both accepted.
        let fragment = method.split_once('#').unwrap().1;
        let mut relative = good.clone();
        relative["assertionMethod"] = json!([format!("#{fragment}")]);
        assert_eq!(
            resolve_verification_method(&relative, &method).unwrap(),
            key.public_key()
        );
        let mut embedded = good;
        embedded["assertionMethod"] = json!([embedded["verificationMethod"][0].clone()]);
        embedded
            .as_object_mut()
            .unwrap()
            .remove("verificationMethod");
        assert_eq!(
            resolve_verification_method(&embedded, &method).unwrap(),
            key.public_key()
        );
    }

    #[test]
    fn revocation_is_read_with_the_key_from_the_document() {
        use crate::{StatusList, StatusListEntry, check_revocation_with_controller};
        let key = key();
        let at = |day| Utc.with_ymd_and_hms(2026, 12, day, 0, 0, 0).unwrap();
        let input = BadgeInput {
            public_url: URL.into(),
            code: "7K3M9QXN2PRT5VWY8ZA4BC6D".into(),
            number: "LNT-2026-000123".into(),
            holder_name: "Budi Santoso".into(),
            course_slug: "keamanan-siber".into(),
            course_title: "Keamanan Siber — Dasar".into(),
            course_summary: None,
            jp: 12,
            issued_at: at(1),
            issuer_name: "Lentera".into(),
        };
        let extras = crate::BadgeExtras {
            status: Some(StatusListEntry { list: 3, index: 77 }),
            nip: None,
            achievement: None,
        };
        let badge = crate::open_badge_credential_with(&input, &extras, &key).unwrap();
        let mut bits = StatusList::new();
        bits.set(77, true).unwrap();
        let list = crate::status_list_credential(URL, 3, &bits, &at(2), &key).unwrap();
        let document = controller_document(URL, &[key.public_key()]);
        let status = check_revocation_with_controller(&badge, &list, &document, &at(3)).unwrap();
        assert!(status.revoked);
        // A list signed by a key the document does not list is refused.
        let stranger = SigningKey::from_bytes(&[8u8; 32]);
        let forged =
            crate::status_list_credential(URL, 3, &StatusList::new(), &at(4), &stranger).unwrap();
        assert!(matches!(
            check_revocation_with_controller(&badge, &forged, &document, &at(5)),
            Err(crate::StatusError::BadListCredential(_))
        ));
    }

    #[test]
    fn multibase_keys_are_decoded_strictly() {
        let key = key().public_key();
        let multibase = crate::public_key_multibase(&key);
        assert_eq!(public_key_from_multibase(&multibase).unwrap(), key);
        let mut secp = vec![0xe7, 0x01];
        secp.extend_from_slice(&[2u8; 33]);
        for bad in [
            "6MkvHS6kCE9PCwTCLxDHzLBpeM5zrZywk8kdoEm1VMhzW5v".to_string(),
            "z0OIl".to_string(),
            format!("z{}", bs58::encode(&secp).into_string()),
            format!("z{}", bs58::encode([0xed, 0x01, 1, 2, 3]).into_string()),
        ] {
            assert!(public_key_from_multibase(&bad).is_err(), "{bad}");
        }
    }
}
