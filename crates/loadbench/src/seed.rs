//! Creating the learners. Two methods; `METHOD` picks one.
//!
//! - `Store`: one argon2 hash computed once, then N users written through
//!   `lentera_store::people::create_user` (the same call `lentera user create` makes),
//!   with NIP usernames. Needs no change to the server; `lentera user create` itself
//!   hashes once per user (~40 ms each), far too slow for 10,000.
//! - `LenteraSeed`: `lentera seed --people N ...`. That command builds a whole synthetic
//!   regional government (its own units, 200 courses, a million progress rows) for the
//!   report benchmark; the load run wants bare learners on the shipped courses, so it keeps
//!   `Store`.

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use chrono::{Duration, NaiveDate};
use lentera_store::people::{self, NewUser};

use crate::server::ServerEnv;

pub enum Method {
    Store,
    LenteraSeed,
}

/// Which method the load run uses.
pub const METHOD: Method = Method::Store;

/// The password of every learner created by the `Store` method.
pub const STORE_PASSWORD: &str = "lentera-bench-2026";
/// The password `lentera seed` gives everyone (also parsed from its output when printed).
pub const SEED_PASSWORD: &str = "lentera-seed-2026";

/// A structurally valid NIP (birth date, appointment year and month, sex, sequence),
/// distinct for every `i` below 12 million.
pub fn nip(i: usize) -> String {
    let base = NaiveDate::from_ymd_opt(1968, 1, 1).unwrap_or_default();
    let birth = base + Duration::days(i64::try_from(i % 12_000).unwrap_or(0));
    let year = 1992 + (i % 30);
    let month = 1 + (i % 12);
    let sex = 1 + (i % 2);
    let seq = (i / 12_000) % 1000 + 1;
    format!("{}{year:04}{month:02}{sex}{seq:03}", birth.format("%Y%m%d"))
}

/// Creates `n` learners and returns their common password.
pub async fn learners(env: &ServerEnv, n: usize) -> anyhow::Result<String> {
    match METHOD {
        Method::Store => store_learners(&env.database_url, n).await,
        Method::LenteraSeed => {
            let people = n.to_string();
            let out = env.run(&[
                "seed",
                "--people",
                &people,
                "--courses",
                "0",
                "--progress",
                "0",
            ])?;
            let printed = out.lines().find_map(|l| {
                l.to_lowercase()
                    .contains("password")
                    .then(|| l.rsplit([' ', ':']).next().map(str::to_owned))
                    .flatten()
            });
            Ok(printed
                .filter(|p| p.len() >= 10)
                .unwrap_or_else(|| SEED_PASSWORD.to_owned()))
        }
    }
}

async fn store_learners(url: &str, n: usize) -> anyhow::Result<String> {
    let db = lentera_store::connect(url).await?;
    let unit = people::create_unit(&db, "BENCH", "Unit Uji Beban", None).await?;
    let hash = Argon2::default()
        .hash_password(STORE_PASSWORD.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot hash: {e}"))?
        .to_string();
    for i in 0..n {
        let nip = nip(i);
        people::create_user(
            &db,
            NewUser {
                username: nip.clone(),
                nip: Some(
                    lentera_store::Nip::parse(&nip).map_err(|e| anyhow::anyhow!("{nip}: {e}"))?,
                ),
                name: format!("Peserta Uji {i}"),
                email: None,
                unit_id: Some(unit.id),
                password_hash: hash.clone(),
                roles: vec![lentera_store::Role::Learner],
                language: "id".into(),
            },
        )
        .await
        .with_context(|| format!("cannot create learner {i}"))?;
    }
    db.close().await?;
    Ok(STORE_PASSWORD.to_owned())
}
