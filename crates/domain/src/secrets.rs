//! Rules for the secrets an operator configures: long enough, not guessable, and not a
//! value that is published (anything written in this repository, such as an example in a
//! compose file or a README, is known to every attacker). A secret that breaks a rule stops
//! the server with a message naming the variable.

use anyhow::bail;

/// The repository's files that could carry an example secret, embedded at build time.
const PUBLISHED: &[(&str, &str)] = &[
    (
        "docker-compose.yml",
        include_str!("../../../docker-compose.yml"),
    ),
    ("README.md", include_str!("../../../README.md")),
    ("ARCHITECTURE.md", include_str!("../../../ARCHITECTURE.md")),
    ("Dockerfile", include_str!("../../../Dockerfile")),
    (".ci/run", include_str!("../../../.ci/run")),
    ("bench/load.sh", include_str!("../../../bench/load.sh")),
    (
        "bench/reports.sh",
        include_str!("../../../bench/reports.sh"),
    ),
    (
        "docs/performance.md",
        include_str!("../../../docs/performance.md"),
    ),
    (
        "docs/content-format.md",
        include_str!("../../../docs/content-format.md"),
    ),
];

/// Words that mark a placeholder someone forgot to replace.
const PLACEHOLDERS: &[&str] = &[
    "change-me",
    "changeme",
    "change_me",
    "placeholder",
    "example",
    "your-secret",
    "secret-here",
];

/// The shortest secret accepted, in bytes.
pub const MIN_SECRET: usize = 32;

/// Checks a secret given as text (the JWT secret, the metrics token).
pub fn check_text(name: &str, value: &str) -> anyhow::Result<()> {
    if value.len() < MIN_SECRET {
        bail!(
            "{name}: a secret needs at least {MIN_SECRET} bytes (it has {}); make one with `openssl rand -hex 32`",
            value.len()
        );
    }
    let mut distinct: Vec<u8> = value.bytes().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 10 {
        bail!("{name}: this secret repeats a few characters; make one with `openssl rand -hex 32`");
    }
    check_unpublished(name, value)
}

/// Checks a key given as 64 hexadecimal digits (the signing key, the quiz key) and returns
/// its bytes.
pub fn check_hex_key(name: &str, value: &str) -> anyhow::Result<[u8; 32]> {
    let value = value.trim();
    let Some(bytes) = hex::decode(value)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
    else {
        bail!(
            "{name}: expected 64 hexadecimal digits (32 bytes); make one with `openssl rand -hex 32`"
        );
    };
    check_unpublished(name, value)?;
    Ok(bytes)
}

fn check_unpublished(name: &str, value: &str) -> anyhow::Result<()> {
    let lower = value.to_ascii_lowercase();
    if let Some(word) = PLACEHOLDERS.iter().find(|w| lower.contains(*w)) {
        bail!("{name}: this looks like a placeholder (\"{word}\"); set a random secret");
    }
    if let Some((file, _)) = PUBLISHED.iter().find(|(_, text)| text.contains(value)) {
        bail!("{name}: this value is published in Lentera's {file}; set a secret of your own");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_hex_key, check_text};

    #[test]
    fn short_repeated_placeholder_and_published_secrets_are_refused() {
        for bad in [
            "a",
            "rahasia",
            &"a".repeat(64),
            "change-me-to-a-long-random-secret",
            "0123456789abcdef0123456789abcdef-example",
        ] {
            assert!(check_text("LENTERA_JWT_SECRET", bad).is_err(), "{bad}");
        }
        assert!(check_text("LENTERA_JWT_SECRET", "kR7#pQ2vX9mL4tB8nW1zC6yH3jF5dG0s").is_ok());
    }

    #[test]
    fn hex_keys_need_64_digits() {
        assert!(check_hex_key("LENTERA_SIGNING_KEY", "abc").is_err());
        assert!(check_hex_key("LENTERA_SIGNING_KEY", &"zz".repeat(32)).is_err());
        let key = "3f9a1c7e5b2d8046a1e9c3b7d5f20846c1a9e3b7d5f2084613579bdf02468ace";
        assert!(check_hex_key("LENTERA_QUIZ_KEY", key).is_ok());
    }
}
