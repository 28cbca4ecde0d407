//! Checking argon2id passwords in bounded memory.
//!
//! Each check needs 19 MiB (argon2id's default m=19456 KiB). Allocating that per sign-in
//! on many blocking threads made glibc keep gigabytes after a burst of sign-ins, so checks
//! run at most [`SLOTS`] at a time and reuse the same [`SLOTS`] memory buffers.

use std::sync::Mutex;

use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Checks at once: the machine has few cores, and each check is CPU-bound for ~40 ms.
pub const SLOTS: usize = 2;

static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs `f` with a reused buffer of `blocks` argon2 blocks.
fn with_memory<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    let mut memory = MEMORY
        .lock()
        .ok()
        .and_then(|mut pool| pool.pop())
        .unwrap_or_default();
    if memory.len() != blocks {
        memory = vec![Block::default(); blocks];
    }
    let result = f(&mut memory);
    if let Ok(mut pool) = MEMORY.lock()
        && pool.len() < SLOTS
    {
        pool.push(memory);
    }
    result
}

/// Whether `password` matches the PHC string `phc` (argon2id, argon2i or argon2d, any
/// parameters). A malformed hash never matches.
pub fn matches(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm.as_str()),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let hashed = with_memory(params.block_count(), |memory| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
            .is_ok()
    });
    // `Output`'s equality is constant-time.
    hashed && Output::new(&out).is_ok_and(|computed| computed == *expected)
}

/// [`matches`] in the password pool ([`crate::heavy::password`]), at most [`SLOTS`] at once.
pub async fn check(password: String, phc: String) -> bool {
    crate::heavy::password(move || matches(&password, &phc))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn matches_what_argon2_hashed_and_nothing_else() {
        let phc = crate::sessions::hash_password_blocking("kata-sandi-benar")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches("kata-sandi-benar", &phc));
        assert!(!matches("kata-sandi-salah", &phc));
        assert!(!matches("kata-sandi-benar", "$argon2id$v=19$rusak"));
        assert!(!matches("x", ""));
        // A hash with other parameters (argon2i, less memory) checks too, with its own
        // buffer size.
        use argon2::password_hash::PasswordHasher;
        let params = argon2::Params::new(4096, 3, 1, None).unwrap_or_else(|e| panic!("{e}"));
        let other = argon2::Argon2::new(argon2::Algorithm::Argon2i, argon2::Version::V0x13, params)
            .hash_password(b"sandi-lama")
            .unwrap_or_else(|e| panic!("{e}"))
            .to_string();
        assert!(other.starts_with("$argon2i$v=19$m=4096,t=3,p=1$"));
        assert!(matches("sandi-lama", &other) && !matches("sandi-baru", &other));
        assert!(
            matches("kata-sandi-benar", &phc),
            "the pool's buffer resizes back"
        );
    }
}
