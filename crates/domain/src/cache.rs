//! Short-lived in-memory copies of hot database reads: the signed-in session, a course's
//! head, a learner's state in their courses.
//!
//! An entry is served until it goes stale (at a time spread between four fifths and all of
//! the cache's lifetime, so entries filled together do not expire together), never after.
//! Changes made through this process forget entries at once; another replica's changes
//! show within the lifetime. Three things keep the database off the request path:
//! - a key in steady use is reloaded in the background shortly before it goes stale
//!   (the request that notices is served from the still-fresh entry);
//! - a key that is missing or stale is loaded by one request while the others asking for
//!   it wait for that load ([`OneLoad`]), instead of all querying at once;
//! - a load that began before a forget does not put back what was forgotten (the cache's
//!   epoch moved on).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::error::Result;

/// How long before an entry goes stale a request starts reloading it in the background.
const REFRESH_AHEAD: Duration = Duration::from_secs(1);

/// When an entry kept now for `ttl` goes stale: between four fifths of `ttl` and all of
/// it, different from one entry to the next.
fn stale_at(ttl: Duration) -> Instant {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Consecutive counts times a large odd number spread over 0..1000.
    let spread = NEXT
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_mul(2_654_435_761)
        % 1000;
    Instant::now() + ttl * 4 / 5 + ttl / 5 * spread / 1000
}

/// A map from `K` to `V` whose entries live at most `ttl` (see the module documentation).
/// It holds at most a number of entries and a number of bytes (as its weigher counts them);
/// past either, stale entries are dropped, and all of them if that is not enough.
pub struct ShortCache<K, V> {
    inner: Arc<Inner<K, V>>,
}

/// The approximate heap bytes an entry holds.
pub type Weigher<K, V> = fn(&K, &V) -> usize;

struct Entries<K, V> {
    map: HashMap<K, (Instant, V, usize)>,
    bytes: usize,
}

struct Inner<K, V> {
    map: RwLock<Entries<K, V>>,
    ttl: Duration,
    /// Past this many entries, stale ones are dropped (and all, if none was stale).
    max: usize,
    /// The same, for the bytes the entries hold.
    max_bytes: usize,
    weigh: Weigher<K, V>,
    loads: OneLoad<K>,
    refreshing: Mutex<HashSet<K>>,
    /// Moves on at every forget; a load only stores its result if it has not.
    epoch: AtomicU64,
}

impl<K, V> ShortCache<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(ttl: Duration, max: usize, max_bytes: usize, weigh: Weigher<K, V>) -> Self {
        ShortCache {
            inner: Arc::new(Inner {
                map: RwLock::new(Entries {
                    map: HashMap::new(),
                    bytes: 0,
                }),
                ttl,
                max,
                max_bytes,
                weigh,
                loads: OneLoad::default(),
                refreshing: Mutex::new(HashSet::new()),
                epoch: AtomicU64::new(0),
            }),
        }
    }

    /// The value of `key`: from memory while fresh, else from `load` (called once however
    /// many ask at the same moment). `load` may also be called in the background to
    /// refresh a key in use, so it owns what it needs.
    pub async fn get<F, Fut>(&self, key: &K, load: F) -> Result<V>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V>> + Send + 'static,
    {
        if let Some((until, value)) = self.inner.fresh(key) {
            if Instant::now() + REFRESH_AHEAD >= until && self.inner.start_refresh(key) {
                let inner = self.inner.clone();
                let key = key.clone();
                let epoch = inner.epoch.load(Ordering::SeqCst);
                let loading = load();
                tokio::spawn(async move {
                    match loading.await {
                        Ok(value) => inner.put(&key, value, epoch),
                        // The entry goes stale as usual; the next request loads it.
                        Err(e) => tracing::warn!(error = %e, "cache refresh failed"),
                    }
                    inner
                        .refreshing
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&key);
                });
            }
            return Ok(value);
        }
        let epoch = self.inner.epoch.load(Ordering::SeqCst);
        let inner = &self.inner;
        inner
            .loads
            .run(
                key,
                || inner.fresh(key).map(|(_, v)| v),
                || async {
                    let value = load().await?;
                    inner.put(key, value.clone(), epoch);
                    Ok(value)
                },
            )
            .await
    }

    /// Whether `key` has a fresh entry (without loading or refreshing it).
    pub fn contains_fresh(&self, key: &K) -> bool {
        self.inner.fresh(key).is_some()
    }

    /// Drops the entries for which `keep` says no, at once.
    pub fn retain(&self, keep: impl Fn(&K, &V) -> bool) {
        self.inner.epoch.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.inner.map.write() {
            entries.retain(|k, v, _| keep(k, v));
        }
    }

    pub fn forget(&self, key: &K) {
        self.inner.epoch.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.inner.map.write() {
            entries.remove(key);
        }
    }

    /// The number of entries and the bytes they hold, as weighed.
    pub fn size(&self) -> (usize, usize) {
        self.inner
            .map
            .read()
            .map_or((0, 0), |e| (e.map.len(), e.bytes))
    }

    pub fn clear(&self) {
        self.retain(|_, _| false);
    }
}

impl<K: Hash + Eq, V> Entries<K, V> {
    fn remove(&mut self, key: &K) {
        if let Some((_, _, weight)) = self.map.remove(key) {
            self.bytes -= weight;
        }
    }

    fn retain(&mut self, keep: impl Fn(&K, &V, Instant) -> bool) {
        let mut bytes = self.bytes;
        self.map.retain(|k, (until, v, weight)| {
            let kept = keep(k, v, *until);
            if !kept {
                bytes -= *weight;
            }
            kept
        });
        self.bytes = bytes;
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Inner<K, V> {
    fn fresh(&self, key: &K) -> Option<(Instant, V)> {
        let entries = self.map.read().ok()?;
        let (until, value, _) = entries.map.get(key)?;
        (Instant::now() < *until).then(|| (*until, value.clone()))
    }

    fn start_refresh(&self, key: &K) -> bool {
        self.refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone())
    }

    fn put(&self, key: &K, value: V, epoch: u64) {
        let Ok(mut entries) = self.map.write() else {
            return;
        };
        // Checked under the write lock, which every forget also takes after moving the
        // epoch on: a forget either came before this check or removes this entry after.
        if self.epoch.load(Ordering::SeqCst) != epoch {
            return;
        }
        let weight = (self.weigh)(key, &value) + std::mem::size_of::<(K, Instant, V, usize)>();
        if weight > self.max_bytes {
            // Larger than the whole cache may hold: served, never kept.
            return;
        }
        entries.remove(key);
        let full = |e: &Entries<K, V>| e.map.len() >= self.max || e.bytes + weight > self.max_bytes;
        if full(&entries) {
            let now = Instant::now();
            entries.retain(|_, _, until| now < until);
            if full(&entries) {
                entries.map.clear();
                entries.bytes = 0;
            }
        }
        entries.bytes += weight;
        entries
            .map
            .insert(key.clone(), (stale_at(self.ttl), value, weight));
    }
}

/// One load per key at a time. When a hot entry goes stale, every request in flight misses
/// it at once; without this each would ask the database (64 connections, 64 identical
/// queries queued on the pool: p99 in the hundreds of ms on PostgreSQL). With it the
/// first loads and the others wait, then find its result by `recheck`.
pub struct OneLoad<K> {
    locks: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K> Default for OneLoad<K> {
    fn default() -> Self {
        OneLoad {
            locks: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq + Clone> OneLoad<K> {
    /// `recheck()` (the cache, filled by whoever loaded first) or else `load()`.
    pub async fn run<T, Fut>(
        &self,
        key: &K,
        recheck: impl Fn() -> Option<T>,
        load: impl FnOnce() -> Fut,
    ) -> Result<T>
    where
        Fut: Future<Output = Result<T>>,
    {
        let lock = self
            .locks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.clone())
            .or_default()
            .clone();
        let result = {
            let _turn = lock.lock().await;
            match recheck() {
                Some(found) => Ok(found),
                None => load().await,
            }
        };
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        // Held by the map and by us only: nobody waits, so the key's lock goes. Others
        // take a clone only under this mutex, so the count cannot grow meanwhile.
        if Arc::strong_count(&lock) == 2 {
            locks.remove(key);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use std::sync::atomic::AtomicU32;

    #[tokio::test]
    async fn misses_of_one_key_at_once_load_once() {
        let loads = OneLoad::<i32>::default();
        let cache = Mutex::new(None::<u32>);
        let queries = AtomicU32::new(0);
        let read = || *cache.lock().unwrap_or_else(PoisonError::into_inner);
        let one = || {
            loads.run(&1, read, || async {
                queries.fetch_add(1, Ordering::SeqCst);
                // Long enough for every other caller to arrive while this one loads.
                tokio::time::sleep(Duration::from_millis(20)).await;
                *cache.lock().unwrap_or_else(PoisonError::into_inner) = Some(7);
                Ok(7)
            })
        };
        let results = futures_util::future::join_all((0..20).map(|_| one())).await;
        assert!(results.iter().all(|r| matches!(r, Ok(7))));
        assert_eq!(queries.load(Ordering::SeqCst), 1);
        // Nobody waits any more: the key's lock is gone.
        assert!(
            loads
                .locks
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_failed_load_is_tried_again_by_the_next_caller() {
        let cache = ShortCache::<&str, u32>::new(Duration::from_secs(5), 10, 1 << 20, |_, _| 0);
        let failed = cache
            .get(&"k", || async { Err(Error::internal("database away")) })
            .await;
        assert!(failed.is_err());
        assert!(matches!(cache.get(&"k", || async { Ok(3) }).await, Ok(3)));
        // Now cached: the loader is not asked.
        assert!(matches!(cache.get(&"k", || async { Ok(4) }).await, Ok(3)));
    }

    #[tokio::test]
    async fn forgetting_wins_over_a_load_that_started_before() {
        let cache = ShortCache::<u8, u32>::new(Duration::from_secs(5), 10, 1 << 20, |_, _| 0);
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = cache.get(&1, || async move {
            let _ = wait.await;
            Ok(1)
        });
        let forget = async {
            tokio::task::yield_now().await;
            cache.forget(&1);
            let _ = go.send(());
        };
        let (loaded, ()) = tokio::join!(slow, forget);
        assert!(matches!(loaded, Ok(1)));
        // What the slow load read may predate the forget: it was not kept.
        assert!(matches!(cache.get(&1, || async { Ok(2) }).await, Ok(2)));
    }

    #[tokio::test]
    async fn a_key_in_use_is_refreshed_before_it_goes_stale() {
        // Lifetime 1 s: every entry is within REFRESH_AHEAD of going stale from the start.
        let cache = ShortCache::<u8, u32>::new(Duration::from_secs(1), 10, 1 << 20, |_, _| 0);
        assert!(matches!(cache.get(&1, || async { Ok(1) }).await, Ok(1)));
        // Served from memory, and a background reload starts.
        assert!(matches!(cache.get(&1, || async { Ok(2) }).await, Ok(1)));
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if matches!(cache.get(&1, || async { Ok(3) }).await, Ok(2)) {
                return;
            }
        }
        panic!("the background reload never landed");
    }

    #[tokio::test]
    async fn the_cache_holds_at_most_its_entries_and_bytes() {
        let cache =
            ShortCache::<u32, String>::new(Duration::from_secs(5), 100, 10_000, |_, v| v.len());
        for i in 0..1000 {
            let value = "x".repeat(50);
            assert!(cache.get(&i, || async move { Ok(value) }).await.is_ok());
            let (entries, bytes) = cache.size();
            assert!(
                entries <= 100 && bytes <= 10_000,
                "{entries} entries, {bytes} bytes"
            );
        }
        // One value larger than the whole budget is served but never kept.
        let big = "y".repeat(20_000);
        let served = cache.get(&5000, || async move { Ok(big) }).await;
        assert!(matches!(served, Ok(v) if v.len() == 20_000));
        assert!(!cache.contains_fresh(&5000));
        cache.forget(&999);
        let (_, bytes) = cache.size();
        assert!(bytes <= 10_000);
    }

    #[test]
    fn stale_times_spread_over_the_last_fifth_of_the_lifetime() {
        let ttl = Duration::from_secs(10);
        let now = Instant::now();
        let times: Vec<Duration> = (0..200).map(|_| stale_at(ttl) - now).collect();
        assert!(
            times
                .iter()
                .all(|t| *t >= ttl * 4 / 5 && *t <= ttl + Duration::from_secs(1))
        );
        let (min, max) = (times.iter().min(), times.iter().max());
        assert!(matches!((min, max), (Some(a), Some(b)) if *b - *a > Duration::from_secs(1)));
    }
}
