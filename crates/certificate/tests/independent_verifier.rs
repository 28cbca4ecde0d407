//! Lentera's Open Badges credentials checked by an independent implementation:
//! `tests/vc/verify.mjs` (Digital Bazaar's `vc`, `data-integrity`,
//! `eddsa-jcs-2022-cryptosuite` and `vc-bitstring-status-list`, and Ajv with the JSON
//! Schema in `tests/vc/schema/`). A valid credential must pass, a revoked one must be
//! reported revoked, and tampered ones must fail.
//!
//! Needs `node` and `tests/vc/node_modules` (`cd tests/vc && npm ci`). Without them the
//! test says so and passes, except when `CI=true`, where it fails. With
//! `LENTERA_VC_OUT=DIR` the sample files are kept in DIR (one folder per test) to be
//! looked at or fed to other verifiers.

// A failing unwrap is a failing test, which is what a test should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{TimeZone as _, Utc};
use lentera_certificate::{
    BadgeExtras, BadgeInput, HolderNip, SigningKey, StatusList, StatusListEntry,
    controller_document, open_badge_credential, open_badge_credential_with, status_list_credential,
};
use serde_json::{Value, json};

const URL: &str = "https://lentera.bungokab.go.id";
const INDEX: u32 = 94_567;

/// `tests/vc`, when it can run here.
fn verifier() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vc");
    let node = Command::new("node").arg("--version").output();
    let node_ok = node.as_ref().is_ok_and(|out| out.status.success());
    let modules_ok = dir.join("node_modules/@digitalbazaar/vc").is_dir();
    if node_ok && modules_ok {
        return Some(dir);
    }
    let why = if node_ok {
        "tests/vc/node_modules is missing (run `cd tests/vc && npm ci`)"
    } else {
        "`node` is not on PATH"
    };
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the independent badge verifier cannot run in CI: {why}");
    }
    eprintln!("SKIPPED: the independent badge verifier: {why}");
    None
}

struct Run {
    code: i32,
    report: Value,
}

/// Runs `verify.mjs`; arguments not starting with `--` are file names in `files`.
fn run(dir: &Path, files: &Path, args: &[&str]) -> Run {
    let mut command = Command::new("node");
    command.arg(dir.join("verify.mjs"));
    for arg in args {
        if arg.starts_with("--") {
            command.arg(arg);
        } else {
            command.arg(files.join(arg));
        }
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|_| {
        panic!(
            "verify.mjs printed no JSON report\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Run {
        code: out.status.code().unwrap_or(-1),
        report,
    }
}

/// Where a test writes its files: a temporary folder, or `$LENTERA_VC_OUT/{test}`.
fn out_dir(test: &str) -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("LENTERA_VC_OUT") {
        Some(root) => {
            let dir = PathBuf::from(root).join(test);
            std::fs::create_dir_all(&dir).unwrap();
            (None, dir)
        }
        None => {
            let temp = tempfile::tempdir().unwrap();
            let path = temp.path().to_path_buf();
            (Some(temp), path)
        }
    }
}

fn write(dir: &Path, name: &str, value: &Value) {
    std::fs::write(dir.join(name), serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

fn input() -> BadgeInput {
    BadgeInput {
        public_url: URL.into(),
        code: "7K3M9QXN2PRT5VWY8ZA4BC6D".into(),
        number: "LNT-2025-000123".into(),
        holder_name: "Ni Luh Putu Ayu Sukmawati, S.Kom.".into(),
        course_slug: "keamanan-siber".into(),
        course_title: "Keamanan Siber — Dasar".into(),
        course_summary: None,
        jp: 12,
        issued_at: Utc.with_ymd_and_hms(2025, 6, 2, 8, 0, 0).unwrap(),
        issuer_name: "Lentera — BKPSDM Kabupaten Bungo".into(),
    }
}

#[test]
fn digital_bazaar_verifies_valid_revoked_and_tampered_badges() {
    let Some(dir) = verifier() else { return };
    let (_keep, files) = out_dir("valid-revoked-tampered");
    let files = files.as_path();
    let key = SigningKey::from_bytes(&[7u8; 32]);

    let extras = BadgeExtras {
        status: Some(StatusListEntry {
            list: 1,
            index: INDEX,
        }),
        nip: Some(HolderNip {
            nip: "198503152010011003".into(),
            salt: "5f2b1c9e0d4a7b3c8e6f1a2d4c5b6e7f".into(),
        }),
        achievement: None,
    };
    let badge = open_badge_credential_with(&input(), &extras, &key).unwrap();
    write(files, "badge.json", &badge);
    write(
        files,
        "controller.json",
        &controller_document(URL, &[key.public_key()]),
    );

    let mut bits = StatusList::new();
    // Neighbours revoked, this one not: the index must be read exactly.
    bits.set(u64::from(INDEX) - 1, true).unwrap();
    bits.set(u64::from(INDEX) + 1, true).unwrap();
    let listed = Utc.with_ymd_and_hms(2025, 7, 1, 0, 0, 0).unwrap();
    let active = status_list_credential(URL, 1, &bits, &listed, &key).unwrap();
    write(files, "status-active.json", &active);
    bits.set(u64::from(INDEX), true).unwrap();
    let revoked_at = Utc.with_ymd_and_hms(2025, 8, 1, 0, 0, 0).unwrap();
    let revoked = status_list_credential(URL, 1, &bits, &revoked_at, &key).unwrap();
    write(files, "status-revoked.json", &revoked);

    // Valid, not revoked.
    let ok = run(
        &dir,
        files,
        &[
            "badge.json",
            "--controller",
            "controller.json",
            "--status-list",
            "status-active.json",
        ],
    );
    assert_eq!(ok.code, 0, "{:#}", ok.report);
    assert_eq!(ok.report["schema"], "valid");
    assert_eq!(ok.report["proof"], "verified");
    assert_eq!(ok.report["status"], "not revoked");

    // Valid, revoked.
    let gone = run(
        &dir,
        files,
        &[
            "badge.json",
            "--controller",
            "controller.json",
            "--status-list",
            "status-revoked.json",
        ],
    );
    assert_eq!(gone.code, 3, "{:#}", gone.report);
    assert_eq!(gone.report["proof"], "verified");
    assert_eq!(gone.report["status"], "revoked");

    // Tampered: another course name, same proof.
    let mut tampered = badge.clone();
    tampered["credentialSubject"]["achievement"]["name"] = json!("Kursus Lain");
    write(files, "tampered.json", &tampered);
    let forged = run(
        &dir,
        files,
        &[
            "tampered.json",
            "--controller",
            "controller.json",
            "--status-list",
            "status-active.json",
        ],
    );
    assert_eq!(forged.code, 1, "{:#}", forged.report);
    assert_eq!(forged.report["proof"], "not verified");

    // A status list whose bit was cleared without the issuer's signature.
    let mut unsigned = revoked.clone();
    unsigned["credentialSubject"]["encodedList"] =
        active["credentialSubject"]["encodedList"].clone();
    write(files, "status-forged.json", &unsigned);
    let cleared = run(
        &dir,
        files,
        &[
            "badge.json",
            "--controller",
            "controller.json",
            "--status-list",
            "status-forged.json",
        ],
    );
    assert_eq!(cleared.code, 1, "{:#}", cleared.report);
    assert_eq!(cleared.report["status"], "not verified");

    // The key the controller document lists is not the one that signed.
    let other = SigningKey::from_bytes(&[8u8; 32]);
    write(
        files,
        "other-controller.json",
        &controller_document(URL, &[other.public_key()]),
    );
    let stranger = run(
        &dir,
        files,
        &[
            "badge.json",
            "--controller",
            "other-controller.json",
            "--status-list",
            "status-active.json",
        ],
    );
    assert_eq!(stranger.code, 1, "{:#}", stranger.report);
    assert_eq!(stranger.report["proof"], "not verified");
}

/// The shape 1EdTech's schema refused (one proof as an object) is refused by the
/// schema check here too, though the proof itself verifies.
#[test]
fn a_proof_object_fails_the_schema_but_not_the_signature() {
    let Some(dir) = verifier() else { return };
    let (_keep, files) = out_dir("proof-object");
    let files = files.as_path();
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let mut badge = open_badge_credential(&input(), &key).unwrap();
    badge["proof"] = badge["proof"][0].clone();
    write(files, "badge.json", &badge);
    write(
        files,
        "controller.json",
        &controller_document(URL, &[key.public_key()]),
    );
    let result = run(
        &dir,
        files,
        &["badge.json", "--controller", "controller.json"],
    );
    assert_eq!(result.code, 1, "{:#}", result.report);
    assert_eq!(result.report["proof"], "verified");
    assert_eq!(result.report["status"], "none");
    let schema = result.report["schema"].to_string();
    assert!(schema.contains("/proof"), "{schema}");
}
