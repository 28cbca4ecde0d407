//! Rate limits by key (an account, a client address). On PostgreSQL every replica shares
//! them (a GCRA row per key in `rate_limits`, `lentera_store::limits`), so N replicas do not
//! give an attacker N times the tries; on SQLite (one process) they are GCRA in memory from
//! `governor`, with a bound on the keys kept, so a flood of made-up keys cannot grow memory
//! without end.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lentera_store::Db;

use crate::Result;

/// Keys are cut to this many bytes (usernames and addresses are far shorter).
const MAX_KEY: usize = 256;
/// Every so often, keys whose limit has fully recovered are dropped.
const HOUSEKEEPING_SECONDS: u64 = 60;

/// A limit of `per_minute` events per key.
pub struct KeyedLimit {
    /// Kept in the shared database under this name, or in this process when `None`.
    shared: Option<Shared>,
    per_minute: u32,
    quota: Quota,
    max_keys: usize,
    limiter: RwLock<Arc<DefaultKeyedRateLimiter<String>>>,
    /// Unix seconds of the last sweep.
    swept: AtomicU64,
}

/// The database a shared limit lives in, and its name there.
struct Shared {
    db: Db,
    name: &'static str,
}

/// `key` cut to [`MAX_KEY`] bytes, at a character boundary.
fn cut(key: &str) -> &str {
    let mut end = key.len().min(MAX_KEY);
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    &key[..end]
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl KeyedLimit {
    pub fn per_minute(n: u32, max_keys: usize) -> KeyedLimit {
        let quota = Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        KeyedLimit {
            shared: None,
            per_minute: n.max(1),
            quota,
            max_keys,
            limiter: RwLock::new(Arc::new(RateLimiter::keyed(quota))),
            swept: AtomicU64::new(now()),
        }
    }

    /// The same limit, kept in `db` under `name` for every replica (PostgreSQL), or in this
    /// process (SQLite).
    pub fn shared(mut self, db: &Db, name: &'static str) -> KeyedLimit {
        if lentera_store::is_postgres(db) {
            self.shared = Some(Shared {
                db: db.clone(),
                name,
            });
        }
        self
    }

    /// Counts one event for `key`; false when the key is over its limit.
    pub async fn allow(&self, key: &str) -> Result<bool> {
        let Some(shared) = &self.shared else {
            return Ok(self.check(key));
        };
        let now = i64::try_from(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis()),
        )
        .unwrap_or(i64::MAX);
        let interval = 60_000 / i64::from(self.per_minute);
        let window = interval * i64::from(self.per_minute);
        let allowed =
            lentera_store::limits::take(&shared.db, shared.name, cut(key), now, interval, window)
                .await?;
        // Now and then one request drops the keys that have fully recovered.
        let secs = u64::try_from(now / 1000).unwrap_or(0);
        let last = self.swept.load(Ordering::Relaxed);
        if secs.saturating_sub(last) >= HOUSEKEEPING_SECONDS
            && self
                .swept
                .compare_exchange(last, secs, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            lentera_store::limits::sweep(&shared.db, now).await?;
        }
        Ok(allowed)
    }

    /// Counts one event for `key` in this process; false when the key is over its limit.
    /// Private: callers use [`KeyedLimit::allow`], which is shared across replicas.
    fn check(&self, key: &str) -> bool {
        let key = cut(key).to_owned();
        let limiter = self.current();
        let due = now().saturating_sub(self.swept.load(Ordering::Relaxed)) >= HOUSEKEEPING_SECONDS;
        if due || limiter.len() >= self.max_keys {
            self.swept.store(now(), Ordering::Relaxed);
            limiter.retain_recent();
            limiter.shrink_to_fit();
            if limiter.len() >= self.max_keys {
                // Every key is in use: start afresh rather than grow. The keys of an attack
                // that got here lose their history, which the per-address limit bounds.
                *self.limiter.write().unwrap_or_else(PoisonError::into_inner) =
                    Arc::new(RateLimiter::keyed(self.quota));
                tracing::warn!(keys = self.max_keys, "rate limit keys full; started afresh");
                return self.current().check_key(&key).is_ok();
            }
        }
        limiter.check_key(&key).is_ok()
    }

    fn current(&self) -> Arc<DefaultKeyedRateLimiter<String>> {
        self.limiter
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.current().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::KeyedLimit;

    #[test]
    fn a_key_over_its_limit_is_refused_and_keys_stay_bounded() {
        let limit = KeyedLimit::per_minute(3, 100);
        assert!((0..3).all(|_| limit.check("nip-1")));
        assert!(!limit.check("nip-1"));
        assert!(limit.check("nip-2"));
        for i in 0..10_000 {
            limit.check(&format!("orang-{i}"));
            assert!(limit.len() <= 100);
        }
        // Keys are cut, so a huge key costs no more than a short one.
        assert!(limit.check(&"x".repeat(1 << 20)));
        assert!(limit.check(&"é".repeat(300)));
    }
}
