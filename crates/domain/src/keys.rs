//! The secrets of this instance: the JWT secret, the certificate signing key and the quiz
//! key, from configuration or kept in the data directory.

use std::path::Path;

use jsonwebtoken::{DecodingKey, EncodingKey};
use sha2::{Digest, Sha256};

/// Secrets of this instance.
pub struct Keys {
    pub(crate) encoding: EncodingKey,
    pub(crate) decoding: DecodingKey,
    /// Salt for the opaque option ids of quizzes: its own random key (`LENTERA_QUIZ_KEY`,
    /// else `DATA_DIR/quiz-key`), so knowing another secret never maps option ids back to
    /// the author's order. Replicas share it through configuration.
    pub quiz_salt: Vec<u8>,
    /// The instance's Ed25519 key that signs certificates.
    pub certificates: lentera_certificate::SigningKey,
}

/// Reads a hex secret from `path`, or creates one with `fresh` there (mode 0600).
fn secret_file(
    path: &Path,
    fresh: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        _ => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let fresh = hex::encode(fresh()?);
            write_private(path, &fresh)?;
            Ok(fresh)
        }
    }
}

fn random_32() -> anyhow::Result<Vec<u8>> {
    Ok(random_bytes::<32>()?.to_vec())
}

/// A 32-byte key: from its variable (64 hex digits, checked by [`crate::secrets`]) or its
/// file in the data directory, made with `fresh` on first start.
fn hex_key(
    name: &str,
    env: Option<&str>,
    path: &Path,
    fresh: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<[u8; 32]> {
    match env {
        Some(value) => crate::secrets::check_hex_key(name, value),
        None => {
            let text = secret_file(path, fresh)?;
            hex::decode(&text)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| {
                    anyhow::anyhow!("{}: expected 64 hexadecimal digits", path.display())
                })
        }
    }
}

/// The certificate signing key: `LENTERA_SIGNING_KEY` (64 hex digits, shared by replicas)
/// or `DATA_DIR/certificate-key`, made on first start.
pub fn load_signing_key(
    env: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<lentera_certificate::SigningKey> {
    let bytes = hex_key(
        "LENTERA_SIGNING_KEY",
        env,
        &data_dir.join("certificate-key"),
        random_32,
    )?;
    Ok(lentera_certificate::SigningKey::from_bytes(&bytes))
}

impl Keys {
    /// The JWT secret from `LENTERA_JWT_SECRET` when set (replicas must share one), else from
    /// `DATA_DIR/jwt-secret`, created with 32 random bytes on first start; the signing key
    /// and the quiz key likewise.
    pub fn load(config: &crate::Config) -> anyhow::Result<Keys> {
        let data_dir = &config.data_dir;
        let jwt_file = data_dir.join("jwt-secret");
        // An instance that already ran with a secret file had its quiz ids derived from that
        // (random, unpublished) secret: its first quiz key keeps them, so attempts in
        // progress keep their answers. Every new instance gets a random key.
        let legacy_secret = (config.jwt_secret.is_none() && jwt_file.is_file())
            .then(|| std::fs::read_to_string(&jwt_file).ok())
            .flatten()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let secret = match config.jwt_secret.as_deref() {
            Some(s) => s.as_bytes().to_vec(),
            None => secret_file(&jwt_file, random_32)?.into_bytes(),
        };
        let quiz_key = hex_key(
            "LENTERA_QUIZ_KEY",
            config.quiz_key.as_deref(),
            &data_dir.join("quiz-key"),
            || match legacy_secret {
                Some(old) => {
                    let mut salt = Sha256::new();
                    salt.update(b"lentera quiz option ids\0");
                    salt.update(old.as_bytes());
                    Ok(salt.finalize().to_vec())
                }
                None => random_32(),
            },
        )?;
        Ok(Keys {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            quiz_salt: quiz_key.to_vec(),
            certificates: load_signing_key(config.signing_key.as_deref(), data_dir)?,
        })
    }
}

/// Writes a secret file readable by its owner only.
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?;
        file.write_all(contents.as_bytes())?;
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, contents)?;
        Ok(())
    }
}

pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::Keys;

    fn config(dir: &std::path::Path, secret: Option<&str>) -> crate::Config {
        let mut c = crate::Config::from_vars(|_| None).unwrap_or_else(|e| panic!("{e}"));
        c.data_dir = dir.to_path_buf();
        c.jwt_secret = secret.map(str::to_owned);
        c
    }

    #[test]
    fn the_quiz_key_is_its_own_random_secret() {
        let secret = Some("kR7#pQ2vX9mL4tB8nW1zC6yH3jF5dG0s");
        let (a, b) = (
            tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
        );
        let ka = Keys::load(&config(a.path(), secret)).unwrap_or_else(|e| panic!("{e}"));
        let kb = Keys::load(&config(b.path(), secret)).unwrap_or_else(|e| panic!("{e}"));
        // The same JWT secret, two instances: two unrelated quiz keys, kept across restarts.
        assert_ne!(ka.quiz_salt, kb.quiz_salt);
        let again = Keys::load(&config(a.path(), secret)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ka.quiz_salt, again.quiz_salt);
        // Configured, it is what replicas share.
        let mut shared = config(b.path(), secret);
        shared.quiz_key =
            Some("3f9a1c7e5b2d8046a1e9c3b7d5f20846c1a9e3b7d5f2084613579bdf02468ace".into());
        let ks = Keys::load(&shared).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ks.quiz_salt[0], 0x3f);
    }

    #[test]
    fn an_instance_that_ran_before_keeps_its_option_ids() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("jwt-secret"), "ab".repeat(32))
            .unwrap_or_else(|e| panic!("{e}"));
        let keys = Keys::load(&config(dir.path(), None)).unwrap_or_else(|e| panic!("{e}"));
        use sha2::Digest;
        let mut legacy = sha2::Sha256::new();
        legacy.update(b"lentera quiz option ids\0");
        legacy.update("ab".repeat(32).as_bytes());
        assert_eq!(keys.quiz_salt, legacy.finalize().to_vec());
    }
}
