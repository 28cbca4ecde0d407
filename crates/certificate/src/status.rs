//! Revocation through a W3C Bitstring Status List (v1.0).
//!
//! Each certificate gets a place in a list: list `n` is published as the signed
//! `BitstringStatusListCredential` at `{public_url}/api/v1/certificates/status/{n}`
//! ([`status_list_url`], [`status_list_credential`]), and the certificate's badge names
//! its index there in `credentialStatus` ([`StatusListEntry::credential_status`]). The
//! bit at that index is 1 once the certificate is revoked.
//!
//! The list, as the specification has it: at least 16 KiB (131,072 entries) of bits,
//! index 0 the left-most (most significant) bit of the first byte, GZIP-compressed
//! (RFC 1952) and written as multibase base64url without padding (`u` + base64url).
//! `statusPurpose` is `revocation`, which the specification says is not reversible:
//! [`StatusList::set`] can clear a bit, but a revoked certificate is not to be
//! un-revoked through the same index.
//!
//! Reading a list ([`StatusList::decode`], [`check_revocation`]) is bounded: at most
//! [`MAX_STATUS_LIST_BYTES`] of expanded bits, so a hostile list cannot exhaust memory.

use std::fmt;
use std::io::{Read as _, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use crate::badge::{VC_CONTEXT, issuer_id, sign_credential, verify_proof};
use crate::{SignError, SigningKey};

/// The fewest entries a list may have (16 KiB of bits), for group privacy.
pub const MIN_STATUS_LIST_BITS: usize = 131_072;
/// The most bytes of expanded bits [`StatusList::decode`] accepts (2^27 entries).
pub const MAX_STATUS_LIST_BYTES: usize = 16 * 1024 * 1024;
/// The status purpose Lentera publishes.
pub const REVOCATION: &str = "revocation";
const ENTRY_TYPE: &str = "BitstringStatusListEntry";
const LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";
const LIST_TYPE: &str = "BitstringStatusList";

/// Why a status list could not be made, read or trusted.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("a status list must have at least {MIN_STATUS_LIST_BITS} entries, not {0}")]
    TooShort(usize),
    #[error("a status list must be a whole number of bytes, not {0} bits")]
    NotWholeBytes(usize),
    #[error("the status list expands to more than {MAX_STATUS_LIST_BYTES} bytes")]
    TooLarge,
    #[error("index {index} is outside the status list (entries 0 to {last})")]
    IndexOutOfRange { index: u64, last: usize },
    #[error("the encoded status list is not multibase base64url GZIP: {0}")]
    BadEncoding(String),
    #[error("the credential has no {REVOCATION} BitstringStatusListEntry: {0}")]
    NoStatusEntry(String),
    #[error("the status list credential is not usable: {0}")]
    BadListCredential(String),
    #[error("the status list credential's proof does not hold: {0}")]
    ListSignature(#[source] SignError),
    #[error("the status list could not be signed: {0}")]
    Sign(#[source] SignError),
}

/// Where a certificate's revocation bit lives: list number and index in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusListEntry {
    pub list: u32,
    pub index: u32,
}

impl StatusListEntry {
    /// The `credentialStatus` of a badge:
    /// `{"id": "{list url}#{index}", "type": "BitstringStatusListEntry",
    /// "statusPurpose": "revocation", "statusListIndex": "{index}",
    /// "statusListCredential": "{list url}"}` (the index is a base-10 string, as the
    /// specification requires).
    pub fn credential_status(&self, public_url: &str) -> Value {
        let list = status_list_url(public_url, self.list);
        json!({
            "id": format!("{list}#{}", self.index),
            "type": ENTRY_TYPE,
            "statusPurpose": REVOCATION,
            "statusListIndex": self.index.to_string(),
            "statusListCredential": list,
        })
    }
}

/// The URL of status list `list`: `{public_url}/api/v1/certificates/status/{list}`.
pub fn status_list_url(public_url: &str, list: u32) -> String {
    format!(
        "{}/api/v1/certificates/status/{list}",
        public_url.trim_end_matches('/')
    )
}

/// A list of status bits, all 0 (not revoked) when new.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: Vec<u8>,
}

/// Shows the size and how many bits are set, not 16 KiB of bytes.
impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusList")
            .field("entries", &self.len())
            .field("set", &self.count_set())
            .finish()
    }
}

impl Default for StatusList {
    fn default() -> Self {
        StatusList::new()
    }
}

impl StatusList {
    /// A list of [`MIN_STATUS_LIST_BITS`] entries, none set.
    pub fn new() -> StatusList {
        StatusList {
            bits: vec![0; MIN_STATUS_LIST_BITS / 8],
        }
    }

    /// A list of `entries` entries, none set.
    ///
    /// # Errors
    ///
    /// [`StatusError::TooShort`] below [`MIN_STATUS_LIST_BITS`],
    /// [`StatusError::NotWholeBytes`] unless a multiple of 8, [`StatusError::TooLarge`]
    /// above `8 * MAX_STATUS_LIST_BYTES`.
    pub fn with_entries(entries: usize) -> Result<StatusList, StatusError> {
        if entries < MIN_STATUS_LIST_BITS {
            return Err(StatusError::TooShort(entries));
        }
        if !entries.is_multiple_of(8) {
            return Err(StatusError::NotWholeBytes(entries));
        }
        if entries / 8 > MAX_STATUS_LIST_BYTES {
            return Err(StatusError::TooLarge);
        }
        Ok(StatusList {
            bits: vec![0; entries / 8],
        })
    }

    /// The list made from its bytes (index 0 is the most significant bit of byte 0), as
    /// a server that keeps the list as a blob stores it.
    ///
    /// # Errors
    ///
    /// As [`StatusList::with_entries`] for `8 * bytes.len()` entries.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<StatusList, StatusError> {
        if bytes.len() < MIN_STATUS_LIST_BITS / 8 {
            return Err(StatusError::TooShort(bytes.len() * 8));
        }
        if bytes.len() > MAX_STATUS_LIST_BYTES {
            return Err(StatusError::TooLarge);
        }
        Ok(StatusList { bits: bytes })
    }

    /// The bytes of the list, for storing.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bits
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.bits.len() * 8
    }

    /// Never true: a list has at least [`MIN_STATUS_LIST_BITS`] entries.
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// How many entries are set (revoked).
    pub fn count_set(&self) -> usize {
        self.bits.iter().map(|b| b.count_ones() as usize).sum()
    }

    fn position(&self, index: u64) -> Result<(usize, u8), StatusError> {
        let out_of_range = || StatusError::IndexOutOfRange {
            index,
            last: self.len().saturating_sub(1),
        };
        let index_usize = usize::try_from(index).map_err(|_| out_of_range())?;
        if index_usize >= self.len() {
            return Err(out_of_range());
        }
        Ok((index_usize / 8, 0x80 >> (index_usize % 8)))
    }

    /// Whether entry `index` is set.
    ///
    /// # Errors
    ///
    /// [`StatusError::IndexOutOfRange`] past the end of the list.
    pub fn get(&self, index: u64) -> Result<bool, StatusError> {
        let (byte, mask) = self.position(index)?;
        Ok(self.bits[byte] & mask != 0)
    }

    /// Sets entry `index` to `value` (true: revoked).
    ///
    /// # Errors
    ///
    /// [`StatusError::IndexOutOfRange`] past the end of the list.
    pub fn set(&mut self, index: u64, value: bool) -> Result<(), StatusError> {
        let (byte, mask) = self.position(index)?;
        if value {
            self.bits[byte] |= mask;
        } else {
            self.bits[byte] &= !mask;
        }
        Ok(())
    }

    /// The `encodedList`: `u` + base64url (no padding) of the GZIP-compressed bits.
    /// The GZIP header carries no name and a zero time, so the same bits give the same
    /// text with the same build.
    ///
    /// # Errors
    ///
    /// [`StatusError::BadEncoding`] if compression fails, which writing to memory does
    /// not.
    pub fn encode(&self) -> Result<String, StatusError> {
        let failed = |error: std::io::Error| StatusError::BadEncoding(error.to_string());
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&self.bits).map_err(failed)?;
        let compressed = encoder.finish().map_err(failed)?;
        Ok(format!("u{}", URL_SAFE_NO_PAD.encode(compressed)))
    }

    /// Reads an `encodedList`, refusing one that expands past [`MAX_STATUS_LIST_BYTES`]
    /// or below [`MIN_STATUS_LIST_BITS`] entries.
    ///
    /// # Errors
    ///
    /// [`StatusError::BadEncoding`] for anything but `u` + base64url + GZIP,
    /// [`StatusError::TooLarge`] / [`StatusError::TooShort`] for its size.
    pub fn decode(encoded: &str) -> Result<StatusList, StatusError> {
        let bad = |why: String| StatusError::BadEncoding(why);
        let text = encoded
            .strip_prefix('u')
            .ok_or_else(|| bad("it does not start with the multibase prefix 'u'".into()))?;
        // GZIP of the largest list allowed is far smaller than this.
        if text.len() > MAX_STATUS_LIST_BYTES {
            return Err(StatusError::TooLarge);
        }
        let compressed = URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|error| bad(error.to_string()))?;
        let limit = u64::try_from(MAX_STATUS_LIST_BYTES).map_or(u64::MAX, |n| n + 1);
        let mut bits = Vec::new();
        GzDecoder::new(compressed.as_slice())
            .take(limit)
            .read_to_end(&mut bits)
            .map_err(|error| bad(error.to_string()))?;
        if bits.len() > MAX_STATUS_LIST_BYTES {
            return Err(StatusError::TooLarge);
        }
        StatusList::from_bytes(bits)
    }
}

/// The signed `BitstringStatusListCredential` for list `list`:
///
/// ```json
/// {"@context": ["https://www.w3.org/ns/credentials/v2"],
///  "id": "{list url}", "type": ["VerifiableCredential", "BitstringStatusListCredential"],
///  "issuer": "{issuer id}", "validFrom": "{updated_at}",
///  "credentialSubject": {"id": "{list url}#list", "type": "BitstringStatusList",
///                        "statusPurpose": "revocation", "encodedList": "u..."},
///  "proof": [{... eddsa-jcs-2022 ...}]}
/// ```
///
/// `updated_at` (when a bit last changed) is `validFrom` and the proof's `created`, so
/// the same list state always gives the same credential; the issuer is the same
/// [`issuer_id`] as the badges', which verifiers require.
///
/// # Errors
///
/// [`StatusError::Sign`] (not expected for this content) or an encoding error.
pub fn status_list_credential(
    public_url: &str,
    list: u32,
    bits: &StatusList,
    updated_at: &DateTime<Utc>,
    key: &SigningKey,
) -> Result<Value, StatusError> {
    let base = public_url.trim_end_matches('/');
    let url = status_list_url(base, list);
    let document = json!({
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_id(base),
        "validFrom": updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": LIST_TYPE,
            "statusPurpose": REVOCATION,
            "encodedList": bits.encode()?,
        },
    });
    sign_credential(document, base, updated_at, key).map_err(StatusError::Sign)
}

/// What a status list says about one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationStatus {
    /// The bit at the credential's index is set.
    pub revoked: bool,
    /// The index that was read.
    pub index: u64,
    /// The list's `validFrom`: the status is as of this time, however old the copy.
    pub list_valid_from: Option<String>,
}

/// The revocation entry of a credential: its `credentialStatus` (an object, or a list
/// holding one) of type `BitstringStatusListEntry` and purpose `revocation`, as
/// (status list URL, index).
///
/// # Errors
///
/// [`StatusError::NoStatusEntry`] when there is none or it is malformed.
pub fn revocation_entry(credential: &Value) -> Result<(String, u64), StatusError> {
    let missing = |why: &str| StatusError::NoStatusEntry(why.to_string());
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        None => return Err(missing("it has no credentialStatus")),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    };
    let entry = entries
        .into_iter()
        .find(|entry| {
            entry.get("type").and_then(Value::as_str) == Some(ENTRY_TYPE)
                && entry.get("statusPurpose").and_then(Value::as_str) == Some(REVOCATION)
        })
        .ok_or_else(|| missing("none of type BitstringStatusListEntry for revocation"))?;
    let list = entry
        .get("statusListCredential")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("its statusListCredential is not a string"))?;
    let index = entry
        .get("statusListIndex")
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse::<u64>().ok())
        .ok_or_else(|| missing("its statusListIndex is not a base-10 integer string"))?;
    if let Some(size) = entry.get("statusSize")
        && size.as_u64() != Some(1)
    {
        return Err(missing("its statusSize is not 1"));
    }
    Ok((list.to_string(), index))
}

/// Reads a credential's revocation bit from a fetched status list credential, after
/// checking that the list is the one the credential names, that `public_key` made its
/// proof, that it has the same issuer, the same purpose, and (when it has a
/// `validUntil`) that it had not expired at `now`. This is the specification's
/// "Validate Algorithm" for `revocation`, for the CLI's offline verify and the
/// verification page.
///
/// # Errors
///
/// [`StatusError::NoStatusEntry`] for a credential without a usable entry,
/// [`StatusError::ListSignature`] when the list's proof fails,
/// [`StatusError::BadListCredential`] for any other mismatch, and the decoding errors of
/// [`StatusList::decode`].
pub fn check_revocation(
    credential: &Value,
    status_list_credential: &Value,
    public_key: &[u8; 32],
    now: &DateTime<Utc>,
) -> Result<RevocationStatus, StatusError> {
    let bad = |why: &str| StatusError::BadListCredential(why.to_string());
    let (list_url, index) = revocation_entry(credential)?;
    let list = status_list_credential;
    if list.get("id").and_then(Value::as_str) != Some(list_url.as_str()) {
        return Err(bad("its id is not the credential's statusListCredential"));
    }
    let is_list = list
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == LIST_CREDENTIAL_TYPE));
    if !is_list {
        return Err(bad(
            "its type does not include BitstringStatusListCredential",
        ));
    }
    verify_proof(list, public_key).map_err(StatusError::ListSignature)?;
    let issuer_of = |value: &Value| -> Option<String> {
        match value.get("issuer")? {
            Value::String(id) => Some(id.clone()),
            Value::Object(profile) => profile.get("id")?.as_str().map(str::to_string),
            _ => None,
        }
    };
    match (issuer_of(credential), issuer_of(list)) {
        (Some(a), Some(b)) if a == b => {}
        _ => return Err(bad("its issuer is not the credential's issuer")),
    }
    if let Some(until) = list.get("validUntil") {
        let until = until
            .as_str()
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
            .ok_or_else(|| bad("its validUntil is not an RFC 3339 date-time"))?;
        if *now > until {
            return Err(bad("it has expired (validUntil); fetch a fresh copy"));
        }
    }
    let subject = list
        .get("credentialSubject")
        .ok_or_else(|| bad("it has no credentialSubject"))?;
    if subject.get("type").and_then(Value::as_str) != Some(LIST_TYPE) {
        return Err(bad("its credentialSubject is not a BitstringStatusList"));
    }
    if subject.get("statusPurpose").and_then(Value::as_str) != Some(REVOCATION) {
        return Err(bad("its statusPurpose is not revocation"));
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("it has no encodedList"))?;
    let bits = StatusList::decode(encoded)?;
    Ok(RevocationStatus {
        revoked: bits.get(index)?,
        index,
        list_valid_from: list
            .get("validFrom")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

// A failing unwrap is a failing test, which is what a test should do.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::Write as _;

    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use chrono::{DateTime, TimeZone as _, Utc};
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use serde_json::{Value, json};

    use super::{
        MAX_STATUS_LIST_BYTES, MIN_STATUS_LIST_BITS, StatusError, StatusList, StatusListEntry,
        check_revocation, revocation_entry, status_list_credential,
    };
    use crate::badge::sign_credential;
    use crate::{BadgeExtras, BadgeInput, SigningKey, open_badge_credential_with};

    const URL: &str = "https://lentera.bungokab.go.id";

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 8, 0, 0).unwrap()
    }

    fn gzip_base64(bytes: &[u8]) -> String {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).unwrap();
        format!("u{}", URL_SAFE_NO_PAD.encode(encoder.finish().unwrap()))
    }

    fn badge(index: u32) -> Value {
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
            issuer_name: "Lentera — BKPSDM Kabupaten Bungo".into(),
        };
        let extras = BadgeExtras {
            status: Some(StatusListEntry { list: 1, index }),
            nip: None,
            achievement: None,
        };
        open_badge_credential_with(&input, &extras, &key()).unwrap()
    }

    #[test]
    fn index_zero_is_the_leftmost_bit() {
        let mut list = StatusList::new();
        assert_eq!(list.len(), MIN_STATUS_LIST_BITS);
        assert_eq!(list.as_bytes().len(), 16_384);
        assert!(!list.get(0).unwrap());
        list.set(0, true).unwrap();
        list.set(7, true).unwrap();
        list.set(8, true).unwrap();
        list.set(131_071, true).unwrap();
        assert_eq!(list.as_bytes()[0], 0x81);
        assert_eq!(list.as_bytes()[1], 0x80);
        assert_eq!(list.as_bytes()[16_383], 0x01);
        assert_eq!(list.count_set(), 4);
        list.set(7, false).unwrap();
        assert_eq!(list.as_bytes()[0], 0x80);
        assert!(list.get(0).unwrap() && !list.get(7).unwrap() && list.get(8).unwrap());
        assert!(matches!(
            list.get(131_072),
            Err(StatusError::IndexOutOfRange {
                index: 131_072,
                last: 131_071
            })
        ));
        assert!(list.set(u64::MAX, true).is_err());
        assert_eq!(
            format!("{list:?}"),
            "StatusList { entries: 131072, set: 3 }"
        );
    }

    #[test]
    fn sizes_are_checked() {
        assert!(matches!(
            StatusList::with_entries(131_064),
            Err(StatusError::TooShort(131_064))
        ));
        assert!(matches!(
            StatusList::with_entries(131_073),
            Err(StatusError::NotWholeBytes(131_073))
        ));
        assert_eq!(StatusList::with_entries(262_144).unwrap().len(), 262_144);
        assert!(matches!(
            StatusList::from_bytes(vec![0; 100]),
            Err(StatusError::TooShort(800))
        ));
        assert!(matches!(
            StatusList::with_entries(8 * (MAX_STATUS_LIST_BYTES + 1)),
            Err(StatusError::TooLarge)
        ));
    }

    #[test]
    fn encode_round_trips() {
        let mut list = StatusList::new();
        for index in [0, 1, 94_567, 131_071] {
            list.set(index, true).unwrap();
        }
        let encoded = list.encode().unwrap();
        assert!(encoded.starts_with("uH4sI"), "{encoded}");
        assert!(!encoded.contains('=') && !encoded.contains('+') && !encoded.contains('/'));
        assert_eq!(StatusList::decode(&encoded).unwrap(), list);
        assert_eq!(list.encode().unwrap(), encoded);
        // Another encoder's GZIP (another level) reads the same.
        assert_eq!(
            StatusList::decode(&gzip_base64(list.as_bytes())).unwrap(),
            list
        );
    }

    /// The `encodedList` of the examples in W3C Bitstring Status List v1.0: 16 KiB of
    /// zeros.
    #[test]
    fn reads_the_specification_example() {
        let list = StatusList::decode(
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        )
        .unwrap();
        assert_eq!(list.len(), 131_072);
        assert_eq!(list.count_set(), 0);
    }

    #[test]
    fn malformed_and_hostile_lists_are_refused() {
        let bad = |text: &str| matches!(StatusList::decode(text), Err(StatusError::BadEncoding(_)));
        assert!(bad("H4sIAAAA"));
        assert!(bad("u!!!"));
        assert!(bad(&format!(
            "u{}",
            URL_SAFE_NO_PAD.encode(b"not gzip at all")
        )));
        assert!(bad("zH4sI"));
        assert!(matches!(
            StatusList::decode(&gzip_base64(&[0; 1000])),
            Err(StatusError::TooShort(8000))
        ));
        // A GZIP bomb: a few KiB that expand past the limit stop at the limit.
        let bomb = gzip_base64(&vec![0; MAX_STATUS_LIST_BYTES + 1]);
        assert!(bomb.len() < 100_000);
        assert!(matches!(
            StatusList::decode(&bomb),
            Err(StatusError::TooLarge)
        ));
    }

    #[test]
    fn status_list_credential_has_the_specified_shape() {
        let mut list = StatusList::new();
        list.set(94_567, true).unwrap();
        let credential = status_list_credential(URL, 1, &list, &at(2), &key()).unwrap();
        let url = "https://lentera.bungokab.go.id/api/v1/certificates/status/1";
        assert_eq!(
            credential["@context"],
            json!(["https://www.w3.org/ns/credentials/v2"])
        );
        assert_eq!(credential["id"], url);
        assert_eq!(
            credential["type"],
            json!(["VerifiableCredential", "BitstringStatusListCredential"])
        );
        assert_eq!(
            credential["issuer"],
            "https://lentera.bungokab.go.id/api/v1/certificates/keys"
        );
        assert_eq!(credential["validFrom"], "2026-12-02T08:00:00Z");
        let subject = &credential["credentialSubject"];
        assert_eq!(subject["id"], format!("{url}#list"));
        assert_eq!(subject["type"], "BitstringStatusList");
        assert_eq!(subject["statusPurpose"], "revocation");
        assert_eq!(subject["encodedList"], list.encode().unwrap());
        let proof = &credential["proof"][0];
        assert_eq!(proof["cryptosuite"], "eddsa-jcs-2022");
        assert_eq!(proof["created"], "2026-12-02T08:00:00Z");
        assert_eq!(
            credential,
            status_list_credential(URL, 1, &list, &at(2), &key()).unwrap()
        );
    }

    #[test]
    fn revocation_is_read_from_a_signed_list() {
        let badge = badge(94_567);
        let mut list = StatusList::new();
        let fresh = status_list_credential(URL, 1, &list, &at(2), &key()).unwrap();
        let status = check_revocation(&badge, &fresh, &key().public_key(), &at(3)).unwrap();
        assert!(!status.revoked);
        assert_eq!(status.index, 94_567);
        assert_eq!(
            status.list_valid_from.as_deref(),
            Some("2026-12-02T08:00:00Z")
        );

        list.set(94_567, true).unwrap();
        let revoked = status_list_credential(URL, 1, &list, &at(3), &key()).unwrap();
        let status = check_revocation(&badge, &revoked, &key().public_key(), &at(4)).unwrap();
        assert!(status.revoked);
        // A neighbour is untouched.
        assert!(
            !check_revocation(&badge_at(94_566), &revoked, &key().public_key(), &at(4))
                .unwrap()
                .revoked
        );
    }

    fn badge_at(index: u32) -> Value {
        badge(index)
    }

    #[test]
    fn lists_that_cannot_be_trusted_are_refused() {
        let badge = badge(5);
        let list = StatusList::new();
        let good = status_list_credential(URL, 1, &list, &at(2), &key()).unwrap();
        let public = key().public_key();

        // Someone else's key, or a flipped bit without a new signature.
        let other = SigningKey::from_bytes(&[8u8; 32]).public_key();
        assert!(matches!(
            check_revocation(&badge, &good, &other, &at(3)),
            Err(StatusError::ListSignature(_))
        ));
        let mut flipped = good.clone();
        let mut bits = list.clone();
        bits.set(5, true).unwrap();
        flipped["credentialSubject"]["encodedList"] = json!(bits.encode().unwrap());
        assert!(matches!(
            check_revocation(&badge, &flipped, &public, &at(3)),
            Err(StatusError::ListSignature(_))
        ));

        // Another list than the one the badge names.
        let list_two = status_list_credential(URL, 2, &list, &at(2), &key()).unwrap();
        assert!(matches!(
            check_revocation(&badge, &list_two, &public, &at(3)),
            Err(StatusError::BadListCredential(_))
        ));

        // Signed by the same key but for another issuer.
        let mut foreign = badge.clone();
        foreign["issuer"]["id"] = json!("https://lain.example/api/v1/certificates/keys");
        assert!(matches!(
            check_revocation(&foreign, &good, &public, &at(3)),
            Err(StatusError::BadListCredential(_))
        ));

        // A list past its validUntil.
        let mut expiring = good.clone();
        let fields = expiring.as_object_mut().unwrap();
        fields.remove("proof");
        fields.insert("validUntil".into(), json!("2026-12-05T00:00:00Z"));
        let expiring = sign_credential(expiring, URL, &at(2), &key()).unwrap();
        assert!(check_revocation(&badge, &expiring, &public, &at(4)).is_ok());
        assert!(matches!(
            check_revocation(&badge, &expiring, &public, &at(6)),
            Err(StatusError::BadListCredential(_))
        ));

        // Another purpose.
        let mut suspension = good.clone();
        let fields = suspension.as_object_mut().unwrap();
        fields.remove("proof");
        suspension["credentialSubject"]["statusPurpose"] = json!("suspension");
        let suspension = sign_credential(suspension, URL, &at(2), &key()).unwrap();
        assert!(matches!(
            check_revocation(&badge, &suspension, &public, &at(3)),
            Err(StatusError::BadListCredential(_))
        ));
    }

    #[test]
    fn status_entries_are_parsed_strictly() {
        let good = badge(42);
        assert_eq!(
            revocation_entry(&good).unwrap(),
            (
                "https://lentera.bungokab.go.id/api/v1/certificates/status/1".to_string(),
                42
            )
        );
        let mut as_list = good.clone();
        as_list["credentialStatus"] = json!([good["credentialStatus"].clone()]);
        assert_eq!(revocation_entry(&as_list).unwrap().1, 42);
        for index in [json!("-1"), json!(""), json!("4x"), json!(42), json!("1e3")] {
            let mut bad = good.clone();
            bad["credentialStatus"]["statusListIndex"] = index;
            assert!(matches!(
                revocation_entry(&bad),
                Err(StatusError::NoStatusEntry(_))
            ));
        }
        let mut suspension = good.clone();
        suspension["credentialStatus"]["statusPurpose"] = json!("suspension");
        assert!(revocation_entry(&suspension).is_err());
        let mut none = good;
        none.as_object_mut().unwrap().remove("credentialStatus");
        assert!(revocation_entry(&none).is_err());
    }
}
