//! The certificate as an Open Badges 3.0 `OpenBadgeCredential`: a W3C Verifiable
//! Credential 2.0 that a learner can keep in a wallet or hand to another system, secured
//! with a Data Integrity proof using the `eddsa-jcs-2022` cryptosuite (W3C "Data
//! Integrity EdDSA Cryptosuites v1.0") and the instance's certificate key.
//!
//! The proof, as the cryptosuite specifies it:
//! - proof options: `type` "DataIntegrityProof", `cryptosuite` "eddsa-jcs-2022",
//!   `created`, `verificationMethod`, `proofPurpose` "assertionMethod", and the
//!   document's `@context`;
//! - hash data: SHA-256(JCS(proof options)) followed by SHA-256(JCS(document without
//!   `proof`)), 64 bytes;
//! - `proofValue`: the Ed25519 signature of the hash data, multibase base58-btc
//!   (`z` + base58).
//!
//! `proof` is a list holding that one proof: VC Data Model 2.0 allows an object or a
//! list, 1EdTech's AchievementCredential JSON Schema accepts only the list.
//!
//! The implementation is checked against the cryptosuite's published test vector
//! (`eddsa-jcs-2022`, the "Alumni Credential"), byte for byte.
//!
//! Who signed: the issuer's `id` is the URL of the instance's controlled identifier
//! document (W3C "Controlled Identifiers v1.0"), `{public_url}/api/v1/certificates/keys`
//! ([`issuer_id`], built by [`crate::controller_document`]), and the proof's
//! `verificationMethod` is `{issuer id}#{publicKeyMultibase}`
//! ([`verification_method_id`]). A verifier dereferences the URL before `#`, finds the
//! `Multikey` with exactly that `id` in `verificationMethod` and `assertionMethod`, and
//! checks that its `controller` is the issuer, as Digital Bazaar's `vc` library and the
//! 1EdTech validator require. The fragment being the key itself is the convention of the
//! Open Badges examples and the cryptosuite's test vector; the 1EdTech validator reads
//! the key from it directly. Trust comes from HTTPS on the issuer's domain; rotating the
//! key needs no DID method (old keys stay listed in the document).
//!
//! Revocation: `credentialStatus` is a W3C Bitstring Status List entry ([`crate::status`]).
//!
//! Privacy: the holder is named (an `IdentityObject` of type `name`, not hashed, as a
//! printed certificate names them). The NIP may be added as a salted SHA-256
//! `IdentityObject` ([`HolderNip`]) so that someone who is told the NIP can check it
//! ([`nip_matches`]) without the credential showing it. That hash hides the NIP from a
//! reader, not from a search: an 18-digit NIP is a birth date, an appointment month, a
//! sex digit and a 3-digit sequence, so with the salt in hand the candidates number
//! about 2^34, and only about 400,000 once the masked NIP (birth year and last three
//! digits, on the public verification page) is known; a laptop tries those in a second.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use crate::signing::verify_raw;
use crate::status::StatusListEntry;
use crate::{SignError, SigningKey, canonical_json, mask_nip};

pub(crate) const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const PROOF_TYPE: &str = "DataIntegrityProof";
const CRYPTOSUITE: &str = "eddsa-jcs-2022";
const PROOF_PURPOSE: &str = "assertionMethod";
/// Multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint).
pub(crate) const ED25519_PUB_MULTICODEC: [u8; 2] = [0xed, 0x01];
/// Where the issuer's controlled identifier document is served, below the public URL.
pub const ISSUER_PATH: &str = "/api/v1/certificates/keys";
/// The `identityType` of the hashed NIP. Open Badges 3.0's `IdentifierTypeEnum` is
/// extensible: a value outside its list starts with `ext:`. None of its own values fits
/// a civil servant's NIP (`nationalIdentityNumber` would be the NIK, a different number).
pub const NIP_IDENTITY_TYPE: &str = "ext:NIP";

/// What goes into a badge: the certificate's facts and where the instance lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeInput {
    /// The instance's public URL (`LENTERA_PUBLIC_URL`), e.g. `https://lentera.example.go.id`;
    /// a trailing slash is ignored.
    pub public_url: String,
    /// The certificate's verification code.
    pub code: String,
    /// The certificate number, e.g. `LNT-2026-000123`.
    pub number: String,
    pub holder_name: String,
    pub course_slug: String,
    pub course_title: String,
    /// The course summary; a sentence naming the course and its JP is used when absent.
    pub course_summary: Option<String>,
    pub jp: i32,
    /// When the certificate was issued: the credential's `validFrom` and the proof's
    /// `created`, so the same certificate always gives the same bytes.
    pub issued_at: DateTime<Utc>,
    /// The issuing instance, e.g. `Lentera — BKPSDM Kabupaten Bungo`.
    pub issuer_name: String,
}

/// What a badge may carry beyond [`BadgeInput`]; each part is left out when `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BadgeExtras {
    /// The certificate's place in a revocation status list: adds `credentialStatus`.
    pub status: Option<StatusListEntry>,
    /// The holder's NIP and its salt: adds a hashed `IdentityObject`.
    pub nip: Option<HolderNip>,
    /// What the achievement is when it is not a course: a learning path or an event.
    pub achievement: Option<AchievementOf>,
}

/// The achievement of a certificate that is not a course's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AchievementOf {
    /// Its page under the public URL, e.g. `/jalur/literasi-digital` (the achievement's `id`).
    pub path: String,
    /// Open Badges' `achievementType`, e.g. `LearningProgram`.
    pub achievement_type: String,
    /// What the holder did, e.g. "telah menyelesaikan jalur belajar" (the description).
    pub statement: String,
}

/// The holder's NIP with the salt its hash is made with. The salt is stored with the
/// certificate (16 random bytes as hex are plenty) so the same certificate always gets
/// the same credential.
#[derive(Clone, PartialEq, Eq)]
pub struct HolderNip {
    /// The NIP as entered; whitespace is removed before hashing ([`normalize_nip`]).
    pub nip: String,
    pub salt: String,
}

/// Shows the masked NIP only: the full one must not reach logs through `{:?}`.
impl fmt::Debug for HolderNip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HolderNip")
            .field("nip", &mask_nip(&normalize_nip(&self.nip)))
            .field("salt", &self.salt)
            .finish()
    }
}

/// The form of a NIP that is hashed: the text without whitespace, so
/// `198503152010011003` and `19850315 201001 1 003` give the same hash.
pub fn normalize_nip(nip: &str) -> String {
    nip.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Open Badges 3.0 `IdentityHash`: `sha256$` and the lowercase hex SHA-256 of the UTF-8
/// identifier followed by the salt.
pub fn identity_hash(identifier: &str, salt: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(identifier.as_bytes());
    hasher.update(salt.as_bytes());
    format!("sha256${}", hex::encode(hasher.finalize()))
}

/// The issuer's `id`: `{public_url}/api/v1/certificates/keys`, the URL where its
/// controlled identifier document ([`crate::controller_document`]) is served.
pub fn issuer_id(public_url: &str) -> String {
    format!("{}{ISSUER_PATH}", public_url.trim_end_matches('/'))
}

/// The `verificationMethod` of proofs made with `public_key`:
/// `{issuer id}#{publicKeyMultibase}`.
pub fn verification_method_id(public_url: &str, public_key: &[u8; 32]) -> String {
    format!(
        "{}#{}",
        issuer_id(public_url),
        public_key_multibase(public_key)
    )
}

/// The signed `OpenBadgeCredential` for a certificate, without `credentialStatus` or a
/// hashed NIP; see [`open_badge_credential_with`].
///
/// # Errors
///
/// Only the [`canonical_json`] errors, which strings and an `i32` cannot cause.
pub fn open_badge_credential(input: &BadgeInput, key: &SigningKey) -> Result<Value, SignError> {
    open_badge_credential_with(input, &BadgeExtras::default(), key)
}

/// The signed `OpenBadgeCredential` for a certificate.
///
/// Its `id` is `{public_url}/api/v1/certificates/{code}/badge`, where the API can serve
/// it; the achievement's `id` is `{public_url}/kursus/{course_slug}`, the same for every
/// holder of the course; the issuer's `id` is [`issuer_id`] and its `url` the public URL.
/// With `extras.status`, `credentialStatus` is a `BitstringStatusListEntry`
/// ([`StatusListEntry::credential_status`]); with `extras.nip`, the subject's
/// `identifier` list gets a second, hashed `IdentityObject` after the name.
///
/// # Errors
///
/// Only the [`canonical_json`] errors, which strings and an `i32` cannot cause.
pub fn open_badge_credential_with(
    input: &BadgeInput,
    extras: &BadgeExtras,
    key: &SigningKey,
) -> Result<Value, SignError> {
    let base = input.public_url.trim_end_matches('/');
    let issued = input.issued_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let description = input.course_summary.clone().unwrap_or_else(|| {
        format!(
            "Pelatihan \"{}\" di Lentera, {} JP (jam pelajaran).",
            input.course_title, input.jp
        )
    });
    let mut identifiers = vec![json!({
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": false,
        "identityHash": input.holder_name,
    })];
    if let Some(holder) = &extras.nip {
        identifiers.push(json!({
            "type": "IdentityObject",
            "identityType": NIP_IDENTITY_TYPE,
            "hashed": true,
            "identityHash": identity_hash(&normalize_nip(&holder.nip), &holder.salt),
            "salt": holder.salt,
        }));
    }
    let mut document = json!({
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": format!("{base}/api/v1/certificates/{}/badge", input.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": input.course_title,
        "description": format!(
            "Sertifikat {}: {} {} \"{}\" ({} JP).",
            input.number,
            input.holder_name,
            extras
                .achievement
                .as_ref()
                .map_or("telah menyelesaikan pelatihan", |a| a.statement.as_str()),
            input.course_title,
            input.jp
        ),
        "issuer": {
            "id": issuer_id(base),
            "type": ["Profile"],
            "name": input.issuer_name,
            "url": base,
        },
        "validFrom": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": {
                "id": extras.achievement.as_ref().map_or_else(
                    || format!("{base}/kursus/{}", input.course_slug),
                    |a| format!("{base}{}", a.path),
                ),
                "type": ["Achievement"],
                "achievementType": extras
                    .achievement
                    .as_ref()
                    .map_or("Course", |a| a.achievement_type.as_str()),
                "name": input.course_title,
                "description": description,
                "criteria": {
                    "narrative": format!(
                        "Menyelesaikan semua pelajaran wajib dan lulus semua kuis wajib \
                         pelatihan \"{}\", dengan beban {} JP (jam pelajaran).",
                        input.course_title, input.jp
                    ),
                },
                "inLanguage": "id",
            },
        },
    });
    if let (Some(status), Some(fields)) = (&extras.status, document.as_object_mut()) {
        fields.insert(
            "credentialStatus".to_string(),
            status.credential_status(base),
        );
    }
    sign_credential(document, base, &input.issued_at, key)
}

/// Secures `document` with one `eddsa-jcs-2022` proof by `key`, created at `created`,
/// whose verification method is [`verification_method_id`] under `public_url`.
pub(crate) fn sign_credential(
    document: Value,
    public_url: &str,
    created: &DateTime<Utc>,
    key: &SigningKey,
) -> Result<Value, SignError> {
    let options = Map::from_iter([
        ("type".to_string(), json!(PROOF_TYPE)),
        ("cryptosuite".to_string(), json!(CRYPTOSUITE)),
        (
            "created".to_string(),
            json!(created.to_rfc3339_opts(SecondsFormat::Secs, true)),
        ),
        (
            "verificationMethod".to_string(),
            json!(verification_method_id(public_url, &key.public_key())),
        ),
        ("proofPurpose".to_string(), json!(PROOF_PURPOSE)),
    ]);
    let mut secured = add_proof(document, options, key)?;
    // One proof, written as a list (see the module documentation).
    if let Some(fields) = secured.as_object_mut()
        && let Some(proof) = fields.remove("proof")
    {
        fields.insert("proof".to_string(), Value::Array(vec![proof]));
    }
    Ok(secured)
}

/// Whether `claimed_nip` is the NIP hashed into the credential: some `identifier` of
/// type [`NIP_IDENTITY_TYPE`] holds its salted hash (or, if not hashed, the NIP
/// itself). Whitespace in the claim is ignored. This is Open Badges 3.0's "Verify the
/// Recipient Using an Identifier"; it says nothing about the proof, which is checked
/// separately ([`verify_open_badge`]).
pub fn nip_matches(credential: &Value, claimed_nip: &str) -> bool {
    let claimed = normalize_nip(claimed_nip);
    if claimed.is_empty() {
        return false;
    }
    let identifiers = credential
        .pointer("/credentialSubject/identifier")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    identifiers.iter().any(|identifier| {
        if identifier.get("identityType").and_then(Value::as_str) != Some(NIP_IDENTITY_TYPE) {
            return false;
        }
        let Some(stored) = identifier.get("identityHash").and_then(Value::as_str) else {
            return false;
        };
        match identifier.get("hashed").and_then(Value::as_bool) {
            Some(true) => {
                let salt = identifier
                    .get("salt")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                // The spec allows either case for the hex digits.
                stored.eq_ignore_ascii_case(&identity_hash(&claimed, salt))
            }
            Some(false) => stored == claimed,
            None => false,
        }
    })
}

/// Verifies an `OpenBadgeCredential` made by [`open_badge_credential`] (or any credential
/// with a single `eddsa-jcs-2022` Data Integrity proof) against a raw Ed25519 public key.
///
/// The caller picks the key, normally by resolving `proof.verificationMethod` in the
/// issuer's controlled identifier document ([`crate::verify_open_badge_with_controller`]
/// does both). Checked: the credential is an `OpenBadgeCredential`; the proof (an object,
/// or a list holding one) is one `DataIntegrityProof` with cryptosuite `eddsa-jcs-2022`,
/// purpose `assertionMethod` and an RFC 3339 `created`; its `@context`, if any, is where
/// the credential's starts; and the signature covers both the proof options and the
/// whole credential.
///
/// # Errors
///
/// [`SignError::BadCredential`] for anything malformed or of another kind,
/// [`SignError::BadProofValue`] / [`SignError::BadSignatureLength`] for an unreadable
/// proof value, the key errors of [`crate::verify`], and [`SignError::SignatureMismatch`]
/// when everything is well-formed but the signature does not match.
pub fn verify_open_badge(credential: &Value, public_key: &[u8; 32]) -> Result<(), SignError> {
    let is_badge = credential
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == "OpenBadgeCredential"));
    if !is_badge {
        return Err(SignError::BadCredential(
            "its type does not include OpenBadgeCredential".into(),
        ));
    }
    verify_proof(credential, public_key)
}

/// An Ed25519 public key as a Multikey `publicKeyMultibase` (`z6Mk...`): the multicodec
/// prefix 0xed01 and the 32 bytes, base58-btc. This is also the method-specific id of
/// the key's `did:key`.
pub fn public_key_multibase(public_key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&ED25519_PUB_MULTICODEC);
    bytes.extend_from_slice(public_key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The single proof of a secured document: `proof` as an object, or as a list of one.
pub(crate) fn single_proof(secured: &Value) -> Result<&Map<String, Value>, SignError> {
    let bad = |why: &str| SignError::BadCredential(why.to_string());
    match secured.get("proof") {
        None => Err(bad("it has no proof")),
        Some(Value::Object(proof)) => Ok(proof),
        Some(Value::Array(proofs)) => match proofs.as_slice() {
            [Value::Object(proof)] => Ok(proof),
            [_] => Err(bad("its proof is not an object")),
            _ => Err(bad(
                "it does not have exactly one proof (proof sets are not supported)",
            )),
        },
        Some(_) => Err(bad("its proof is not an object or a list")),
    }
}

/// "Add Proof" with the cryptosuite's "Create Proof": `options` gets the document's
/// `@context`, the hash data is signed, and the options plus `proofValue` become `proof`.
fn add_proof(
    mut document: Value,
    mut options: Map<String, Value>,
    key: &SigningKey,
) -> Result<Value, SignError> {
    let Some(fields) = document.as_object() else {
        return Err(SignError::BadCredential("not a JSON object".into()));
    };
    if let Some(context) = fields.get("@context") {
        options.insert("@context".to_string(), context.clone());
    }
    let options = Value::Object(options);
    let signature = key.sign_raw(&hash_data(&document, &options)?);
    let mut proof = options;
    if let Some(proof) = proof.as_object_mut() {
        proof.insert(
            "proofValue".to_string(),
            json!(format!("z{}", bs58::encode(signature).into_string())),
        );
    }
    if let Some(fields) = document.as_object_mut() {
        fields.insert("proof".to_string(), proof);
    }
    Ok(document)
}

/// The cryptosuite's "Verify Proof", for a document with a single proof.
pub(crate) fn verify_proof(secured: &Value, public_key: &[u8; 32]) -> Result<(), SignError> {
    let bad = |why: &str| SignError::BadCredential(why.to_string());
    let mut options = single_proof(secured)?.clone();
    let mut unsecured = secured
        .as_object()
        .cloned()
        .ok_or_else(|| bad("not a JSON object"))?;
    unsecured.remove("proof");
    let proof_value = match options.remove("proofValue") {
        Some(Value::String(value)) => value,
        _ => return Err(bad("its proof has no proofValue string")),
    };

    if options.get("type").and_then(Value::as_str) != Some(PROOF_TYPE) {
        return Err(bad("the proof type is not DataIntegrityProof"));
    }
    if options.get("cryptosuite").and_then(Value::as_str) != Some(CRYPTOSUITE) {
        return Err(bad("the cryptosuite is not eddsa-jcs-2022"));
    }
    if options.get("proofPurpose").and_then(Value::as_str) != Some(PROOF_PURPOSE) {
        return Err(bad("the proof purpose is not assertionMethod"));
    }
    if let Some(created) = options.get("created") {
        let valid = created
            .as_str()
            .is_some_and(|text| DateTime::parse_from_rfc3339(text).is_ok());
        if !valid {
            return Err(bad("the proof's created is not an RFC 3339 date-time"));
        }
    }

    // The proof's @context must be where the document's begins, and is what the
    // document is verified with.
    if let Some(proof_context) = options.get("@context") {
        let as_list = |value: &Value| match value {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        let expected = as_list(proof_context);
        let actual = unsecured.get("@context").map(as_list).unwrap_or_default();
        if !actual.starts_with(&expected) {
            return Err(bad(
                "the proof's @context is not the start of the credential's",
            ));
        }
        unsecured.insert("@context".to_string(), proof_context.clone());
    }

    let signature = proof_value
        .strip_prefix('z')
        .ok_or_else(|| SignError::BadProofValue("it does not start with 'z'".into()))
        .and_then(|digits| {
            bs58::decode(digits)
                .into_vec()
                .map_err(|error| SignError::BadProofValue(error.to_string()))
        })?;
    let message = hash_data(&Value::Object(unsecured), &Value::Object(options))?;
    verify_raw(public_key, &message, &signature)
}

/// SHA-256 of the canonical proof options, then SHA-256 of the canonical document.
fn hash_data(document: &Value, options: &Value) -> Result<[u8; 64], SignError> {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(canonical_json(options)?.as_bytes()));
    out[32..].copy_from_slice(&Sha256::digest(canonical_json(document)?.as_bytes()));
    Ok(out)
}

// A failing unwrap is a failing test, which is what a test should do.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::{TimeZone as _, Utc};
    use serde_json::{Map, Value, json};

    use super::{
        BadgeExtras, BadgeInput, HolderNip, add_proof, identity_hash, nip_matches,
        open_badge_credential, open_badge_credential_with, public_key_multibase, verify_open_badge,
        verify_proof,
    };
    use crate::{SignError, SigningKey, StatusListEntry};

    fn input() -> BadgeInput {
        BadgeInput {
            public_url: "https://lentera.bungokab.go.id/".into(),
            code: "7K3M9QXN2PRT5VWY8ZA4BC6D".into(),
            number: "LNT-2026-000123".into(),
            holder_name: "Ni Luh Putu Ayu Sukmawati, S.Kom.".into(),
            course_slug: "keamanan-siber".into(),
            course_title: "Keamanan Siber — Dasar".into(),
            course_summary: None,
            jp: 12,
            issued_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
            issuer_name: "Lentera — BKPSDM Kabupaten Bungo".into(),
        }
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn mismatch(result: Result<(), SignError>) -> bool {
        matches!(result, Err(SignError::SignatureMismatch))
    }

    /// W3C "Data Integrity EdDSA Cryptosuites v1.0", the eddsa-jcs-2022 test vector
    /// (the "Alumni Credential", key pair z6MkrJVna...): the same private key, document
    /// and proof options must give exactly the published proofValue.
    #[test]
    fn reproduces_the_w3c_eddsa_jcs_2022_test_vector() {
        let private = bs58::decode("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
            .into_vec()
            .unwrap();
        assert_eq!(private[..2], [0x80, 0x26]); // ed25519-priv multicodec
        let key = SigningKey::from_bytes(&private[2..].try_into().unwrap());
        assert_eq!(
            public_key_multibase(&key.public_key()),
            "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        );

        let document = json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2"
            ],
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "name": "Alumni Credential",
            "description": "A minimum viable example of an Alumni Credential.",
            "issuer": "https://vc.example/issuers/5678",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:abcdefgh",
                "alumniOf": "The School of Examples"
            }
        });
        let options: Map<String, Value> = serde_json::from_value(json!({
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "proofPurpose": "assertionMethod"
        }))
        .unwrap();
        let signed = add_proof(document, options, &key).unwrap();
        // add_proof writes the proof as the cryptosuite's example does, one object.
        assert_eq!(
            signed["proof"]["proofValue"],
            "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
        );
        assert_eq!(signed["proof"]["@context"], signed["@context"]);
        verify_proof(&signed, &key.public_key()).unwrap();
    }

    #[test]
    fn a_path_badge_names_its_page_type_and_what_the_holder_did() {
        let extras = BadgeExtras {
            achievement: Some(super::AchievementOf {
                path: "/jalur/literasi-digital".into(),
                achievement_type: "LearningProgram".into(),
                statement: "telah menyelesaikan jalur belajar".into(),
            }),
            ..extras()
        };
        let badge = open_badge_credential_with(&input(), &extras, &key()).unwrap();
        let achievement = &badge["credentialSubject"]["achievement"];
        assert_eq!(
            achievement["id"],
            "https://lentera.bungokab.go.id/jalur/literasi-digital"
        );
        assert_eq!(achievement["achievementType"], "LearningProgram");
        let description = badge["description"].as_str().unwrap_or_default();
        assert!(
            description.contains("telah menyelesaikan jalur belajar"),
            "{description}"
        );
        verify_open_badge(&badge, &key().public_key()).unwrap();
    }

    #[test]
    fn credential_has_the_open_badges_shape() {
        let key = key();
        let badge = open_badge_credential(&input(), &key).unwrap();
        assert_eq!(
            badge["@context"],
            json!([
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ])
        );
        assert_eq!(
            badge["type"],
            json!(["VerifiableCredential", "OpenBadgeCredential"])
        );
        assert_eq!(
            badge["id"],
            "https://lentera.bungokab.go.id/api/v1/certificates/7K3M9QXN2PRT5VWY8ZA4BC6D/badge"
        );
        // The issuer is the controlled identifier document; its web site is `url`.
        assert_eq!(
            badge["issuer"]["id"],
            "https://lentera.bungokab.go.id/api/v1/certificates/keys"
        );
        assert_eq!(badge["issuer"]["url"], "https://lentera.bungokab.go.id");
        assert_eq!(badge["issuer"]["type"], json!(["Profile"]));
        assert_eq!(badge["validFrom"], "2026-11-23T09:30:00Z");
        let subject = &badge["credentialSubject"];
        assert_eq!(subject["type"], json!(["AchievementSubject"]));
        assert_eq!(subject["identifier"][0]["identityType"], "name");
        assert_eq!(
            subject["identifier"][0]["identityHash"],
            "Ni Luh Putu Ayu Sukmawati, S.Kom."
        );
        let achievement = &subject["achievement"];
        assert_eq!(
            achievement["id"],
            "https://lentera.bungokab.go.id/kursus/keamanan-siber"
        );
        assert_eq!(achievement["achievementType"], "Course");
        assert!(
            achievement["criteria"]["narrative"]
                .as_str()
                .unwrap()
                .contains("12 JP (jam pelajaran)")
        );
        // 1EdTech's schema wants a list of proofs: here, a list of one.
        assert_eq!(badge["proof"].as_array().unwrap().len(), 1);
        let proof = &badge["proof"][0];
        assert_eq!(proof["type"], "DataIntegrityProof");
        assert_eq!(proof["cryptosuite"], "eddsa-jcs-2022");
        assert_eq!(proof["proofPurpose"], "assertionMethod");
        assert_eq!(proof["created"], "2026-11-23T09:30:00Z");
        // The controller (before #) is the issuer; the fragment is the key itself.
        assert_eq!(
            proof["verificationMethod"],
            format!(
                "https://lentera.bungokab.go.id/api/v1/certificates/keys#{}",
                public_key_multibase(&key.public_key())
            )
        );
        assert_eq!(proof["@context"], badge["@context"]);
        assert!(proof["proofValue"].as_str().unwrap().starts_with('z'));
        // Without extras: no status, and no NIP anywhere, in any form.
        assert!(badge.get("credentialStatus").is_none());
        assert_eq!(subject["identifier"].as_array().unwrap().len(), 1);
        assert!(!badge.to_string().contains("NIP"));
    }

    fn extras() -> BadgeExtras {
        BadgeExtras {
            status: Some(StatusListEntry {
                list: 1,
                index: 94_567,
            }),
            nip: Some(HolderNip {
                nip: "19850315 201001 1 003".into(),
                salt: "5f2b1c9e0d4a7b3c8e6f1a2d4c5b6e7f".into(),
            }),
            achievement: None,
        }
    }

    #[test]
    fn extras_add_a_status_entry_and_a_hashed_nip() {
        let key = key();
        let badge = open_badge_credential_with(&input(), &extras(), &key).unwrap();
        assert_eq!(
            badge["credentialStatus"],
            json!({
                "id": "https://lentera.bungokab.go.id/api/v1/certificates/status/1#94567",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": "https://lentera.bungokab.go.id/api/v1/certificates/status/1"
            })
        );
        let nip = &badge["credentialSubject"]["identifier"][1];
        assert_eq!(nip["type"], "IdentityObject");
        assert_eq!(nip["identityType"], "ext:NIP");
        assert_eq!(nip["hashed"], true);
        assert_eq!(nip["salt"], "5f2b1c9e0d4a7b3c8e6f1a2d4c5b6e7f");
        // sha256("198503152010011003" + salt), computed independently
        // (printf %s 1985...003<salt> | sha256sum).
        assert_eq!(
            nip["identityHash"],
            "sha256$6cae7ff9e9ff2aac8ea4b3e4b8e3ac533f4c56a622b56b472433e6b3da2e80ca"
        );
        // The NIP itself is nowhere in the credential.
        assert!(!badge.to_string().contains("198503152010011003"));
        assert!(!badge.to_string().contains("201001"));
        verify_open_badge(&badge, &key.public_key()).unwrap();
        assert_eq!(
            badge,
            open_badge_credential_with(&input(), &extras(), &key).unwrap()
        );
    }

    /// The example of Open Badges 3.0's `IdentityHash`: 'a@example.com' salted with
    /// 'Kosher'.
    #[test]
    fn identity_hash_matches_the_open_badges_example() {
        assert_eq!(
            identity_hash("a@example.com", "Kosher"),
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
    }

    #[test]
    fn a_claimed_nip_is_checked_against_the_hash() {
        let badge = open_badge_credential_with(&input(), &extras(), &key()).unwrap();
        assert!(nip_matches(&badge, "198503152010011003"));
        assert!(nip_matches(&badge, " 19850315 201001 1 003 "));
        assert!(!nip_matches(&badge, "198503152010011004"));
        assert!(!nip_matches(&badge, ""));
        // Upper-case hex digits are allowed by the spec.
        let mut upper = badge.clone();
        let hash = upper["credentialSubject"]["identifier"][1]["identityHash"]
            .as_str()
            .unwrap()
            .to_uppercase()
            .replace("SHA256$", "sha256$");
        upper["credentialSubject"]["identifier"][1]["identityHash"] = json!(hash);
        assert!(nip_matches(&upper, "198503152010011003"));
        // A badge without the NIP proves nothing about one.
        let plain = open_badge_credential(&input(), &key()).unwrap();
        assert!(!nip_matches(&plain, "198503152010011003"));
        // The name identifier is never taken for a NIP.
        assert!(!nip_matches(&plain, "Ni Luh Putu Ayu Sukmawati, S.Kom."));
    }

    #[test]
    fn holder_nip_debug_masks_the_nip() {
        let shown = format!("{:?}", extras().nip.unwrap());
        assert!(shown.contains("1985***********003"));
        assert!(!shown.contains("2010011"));
    }

    #[test]
    fn badge_round_trip_verifies_and_is_deterministic() {
        let key = key();
        let badge = open_badge_credential(&input(), &key).unwrap();
        verify_open_badge(&badge, &key.public_key()).unwrap();
        assert_eq!(badge, open_badge_credential(&input(), &key).unwrap());
        // Through text and back, in another key order: still valid.
        let text = serde_json::to_string_pretty(&badge).unwrap();
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        verify_open_badge(&reparsed, &key.public_key()).unwrap();
    }

    /// Every string and number inside the credential (proof value aside) is covered.
    #[test]
    fn changing_any_field_fails() {
        fn leaves(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            match value {
                Value::Object(map) => {
                    for (key, child) in map {
                        path.push(key.clone());
                        leaves(child, path, out);
                        path.pop();
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate() {
                        path.push(i.to_string());
                        leaves(child, path, out);
                        path.pop();
                    }
                }
                _ => out.push(path.clone()),
            }
        }
        fn slot<'a>(value: &'a mut Value, path: &[String]) -> &'a mut Value {
            path.iter().fold(value, |value, key| match value {
                Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
                other => &mut other[key.as_str()],
            })
        }

        let key = key();
        let badge = open_badge_credential_with(&input(), &extras(), &key).unwrap();
        let mut paths = Vec::new();
        leaves(&badge, &mut Vec::new(), &mut paths);
        assert!(paths.len() > 20);
        for path in paths {
            if path == ["proof", "0", "proofValue"] {
                continue;
            }
            let mut tampered = badge.clone();
            let leaf = slot(&mut tampered, &path);
            *leaf = match leaf {
                Value::String(text) => json!(format!("{text}x")),
                Value::Bool(flag) => json!(!*flag),
                Value::Number(number) => json!(number.as_i64().unwrap() + 1),
                other => panic!("unexpected {other}"),
            };
            let result = verify_open_badge(&tampered, &key.public_key());
            assert!(result.is_err(), "changing {path:?} went unnoticed");
        }

        // The fields the brief names, each to a plausible other value: the signature
        // itself must be what refuses them.
        for (pointer, value) in [
            (
                "/credentialSubject/identifier/0/identityHash",
                json!("Budi Santoso"),
            ),
            ("/credentialSubject/achievement/name", json!("Kursus Lain")),
            (
                "/credentialSubject/achievement/id",
                json!("https://lentera.bungokab.go.id/kursus/lain"),
            ),
            (
                "/credentialSubject/achievement/criteria/narrative",
                json!("40 JP"),
            ),
            ("/validFrom", json!("2025-01-01T00:00:00Z")),
            ("/proof/0/created", json!("2026-11-24T09:30:00Z")),
            (
                "/proof/0/verificationMethod",
                json!("https://evil.example/keys#1"),
            ),
        ] {
            let mut tampered = badge.clone();
            *tampered.pointer_mut(pointer).unwrap() = value;
            assert!(
                mismatch(verify_open_badge(&tampered, &key.public_key())),
                "{pointer}"
            );
        }

        let mut added = badge.clone();
        added["credentialSubject"]["creditsEarned"] = json!(40);
        assert!(mismatch(verify_open_badge(&added, &key.public_key())));
        let mut removed = badge;
        removed["credentialSubject"]["achievement"]
            .as_object_mut()
            .unwrap()
            .remove("description");
        assert!(mismatch(verify_open_badge(&removed, &key.public_key())));
    }

    #[test]
    fn wrong_key_and_malformed_proofs_are_refused() {
        let badge = open_badge_credential(&input(), &key()).unwrap();
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(mismatch(verify_open_badge(&badge, &other.public_key())));

        let mut no_proof = badge.clone();
        no_proof.as_object_mut().unwrap().remove("proof");
        assert!(matches!(
            verify_open_badge(&no_proof, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));

        let mut suite = badge.clone();
        suite["proof"][0]["cryptosuite"] = json!("eddsa-rdfc-2022");
        assert!(matches!(
            verify_open_badge(&suite, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));

        let mut created = badge.clone();
        created["proof"][0]["created"] = json!("kemarin");
        assert!(matches!(
            verify_open_badge(&created, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));

        let mut context = badge.clone();
        context["proof"][0]["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
        // A shorter proof context is allowed only if the document starts with it, and
        // then the document is verified under it: here that changes the signed bytes.
        assert!(mismatch(verify_open_badge(&context, &key().public_key())));
        context["proof"][0]["@context"] = json!(["https://example.org/other"]);
        assert!(matches!(
            verify_open_badge(&context, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));

        let mut base64 = badge.clone();
        base64["proof"][0]["proofValue"] = json!("uAAAA");
        assert!(matches!(
            verify_open_badge(&base64, &key().public_key()),
            Err(SignError::BadProofValue(_))
        ));
        let mut short = badge.clone();
        short["proof"][0]["proofValue"] = json!("z111");
        assert!(matches!(
            verify_open_badge(&short, &key().public_key()),
            Err(SignError::BadSignatureLength(3))
        ));

        // The proof as a bare object (VC 2.0 allows it) verifies the same.
        let mut single = badge.clone();
        single["proof"] = badge["proof"][0].clone();
        verify_open_badge(&single, &key().public_key()).unwrap();
        // Two proofs, or none in the list, are refused as unsupported.
        let mut set = badge.clone();
        set["proof"] = json!([badge["proof"][0].clone(), badge["proof"][0].clone()]);
        assert!(matches!(
            verify_open_badge(&set, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));
        set["proof"] = json!([]);
        assert!(matches!(
            verify_open_badge(&set, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));
        set["proof"] = json!("z123");
        assert!(matches!(
            verify_open_badge(&set, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));

        let mut not_badge = badge;
        not_badge["type"] = json!(["VerifiableCredential"]);
        assert!(matches!(
            verify_open_badge(&not_badge, &key().public_key()),
            Err(SignError::BadCredential(_))
        ));
    }
}
