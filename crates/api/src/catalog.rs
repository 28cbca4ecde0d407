//! Published courses as the server uses them: parsed once, cached per version.
//!
//! A version is immutable, so the cache is keyed by version id and never invalidated; a
//! new version simply has a new key. Replicas each keep their own cache.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use lentera_assessment::Quiz;
use lentera_content::Course;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use lentera_store::Db;
use lentera_store::courses::{self, CourseHead};

/// What a course version stores in the database: the rendered course (without asset
/// bytes, which live in their own table) and its quizzes with texts already rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredCourse {
    pub course: Course,
    pub quizzes: Vec<Quiz>,
}

/// A course version ready to serve.
#[derive(Debug)]
pub struct CompiledCourse {
    pub version_id: i32,
    pub course: Course,
    pub quizzes: HashMap<String, Arc<Quiz>>,
}

impl CompiledCourse {
    pub fn quiz(&self, slug: &str) -> Option<&Arc<Quiz>> {
        self.quizzes.get(slug)
    }

    /// Slugs of this course's quizzes that count as passed, from the learner's standings
    /// (of any course; others are ignored): any passed attempt when the highest attempt
    /// counts, the latest graded one when the latest counts.
    pub fn passed_quizzes(
        &self,
        course_id: i32,
        standings: &[lentera_store::learning::QuizStanding],
    ) -> std::collections::HashSet<String> {
        standings
            .iter()
            .filter(|s| s.course_id == course_id)
            .filter(|s| match self.quiz(&s.quiz_slug) {
                Some(q) => match q.counts {
                    lentera_assessment::CountedAttempt::Highest => s.any_passed,
                    lentera_assessment::CountedAttempt::Latest => s.latest_passed,
                },
                None => s.any_passed,
            })
            .map(|s| s.quiz_slug.clone())
            .collect()
    }

    /// Titles of outline items: lessons carry theirs, quizzes take theirs from the quiz file.
    pub fn quiz_title(&self, slug: &str) -> String {
        self.quiz(slug)
            .map_or_else(|| slug.to_owned(), |q| q.title.clone())
    }
}

/// How long a course's head (which version is current, published or not) is taken from
/// memory. Changes made through this process are seen at once (`forget_heads`); another
/// replica sees them within this time.
const HEAD_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// When an entry kept now for `ttl` goes stale: somewhere between half of `ttl` and all of
/// it, different from one entry to the next. Entries filled together (every learner's
/// session and progress as a wave of requests starts) then do not all expire in the same
/// instant and send their queries to the database at once.
pub fn stale_at(ttl: std::time::Duration) -> std::time::Instant {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    // Consecutive counts times a large odd number spread over 0..1000.
    let spread = NEXT
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_mul(2_654_435_761)
        % 1000;
    std::time::Instant::now() + ttl / 2 + ttl / 2 * spread / 1000
}

/// One load per key at a time. When a hot entry goes stale, every request in flight misses
/// it at once; without this each would ask the database (64 connections, 64 identical
/// queries queued on the pool, p99 in the hundreds of ms on PostgreSQL). With it the
/// first loads and the others wait, then find its result by `recheck`.
pub struct OneLoad<K> {
    locks: std::sync::Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K> Default for OneLoad<K> {
    fn default() -> Self {
        OneLoad {
            locks: std::sync::Mutex::new(HashMap::new()),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> OneLoad<K> {
    /// `recheck()` (the cache, filled by whoever loaded first) or else `load()`.
    pub async fn run<T, Fut>(
        &self,
        key: &K,
        recheck: impl Fn() -> Option<T>,
        load: impl FnOnce() -> Fut,
    ) -> AppResult<T>
    where
        Fut: std::future::Future<Output = AppResult<T>>,
    {
        let lock = self
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Held by the map and by us only: nobody waits, so the key's lock goes. Others
        // take a clone only under this mutex, so the count cannot grow meanwhile.
        if Arc::strong_count(&lock) == 2 {
            locks.remove(key);
        }
        result
    }
}

type CachedHead = (std::time::Instant, Option<CourseHead>);

#[derive(Default)]
pub struct CourseCache {
    versions: RwLock<HashMap<i32, Arc<CompiledCourse>>>,
    heads: RwLock<HashMap<String, CachedHead>>,
    head_loads: OneLoad<String>,
    version_loads: OneLoad<i32>,
}

impl CourseCache {
    /// The course with this slug and its current version, from memory when fresh: every
    /// lesson, quiz and outline request needs it.
    pub async fn head(&self, db: &Db, slug: &str) -> AppResult<Option<CourseHead>> {
        if let Some(head) = self.fresh_head(slug) {
            return Ok(head);
        }
        self.head_loads
            .run(
                &slug.to_owned(),
                || self.fresh_head(slug),
                || async {
                    let head = courses::by_slug(db, slug).await?;
                    if let Ok(mut map) = self.heads.write() {
                        // Unknown slugs are cached too; bound the map against a crawler
                        // of bad URLs.
                        if map.len() > 10_000 {
                            map.clear();
                        }
                        map.insert(slug.to_owned(), (stale_at(HEAD_TTL), head.clone()));
                    }
                    Ok(head)
                },
            )
            .await
    }

    fn fresh_head(&self, slug: &str) -> Option<Option<CourseHead>> {
        let map = self.heads.read().ok()?;
        let (until, head) = map.get(slug)?;
        (std::time::Instant::now() < *until).then(|| head.clone())
    }

    /// After a course is published, hidden or rolled back here.
    pub fn forget_heads(&self) {
        if let Ok(mut map) = self.heads.write() {
            map.clear();
        }
    }

    /// The compiled course of `head`'s current version, from the cache or the database.
    pub async fn get(&self, db: &Db, head: &CourseHead) -> AppResult<Arc<CompiledCourse>> {
        self.version(db, head.version_id).await
    }

    pub async fn version(&self, db: &Db, version_id: i32) -> AppResult<Arc<CompiledCourse>> {
        if let Some(found) = self.cached_version(version_id) {
            return Ok(found);
        }
        // Right after a start or a publication every reader wants the same version: it is
        // read and parsed once.
        self.version_loads
            .run(
                &version_id,
                || self.cached_version(version_id),
                || async {
                    let data = courses::version_data(db, version_id)
                        .await?
                        .ok_or_else(|| {
                            AppError::not_found("course_not_found", "Course version not found")
                        })?;
                    let stored: StoredCourse =
                        serde_json::from_str(&data).map_err(AppError::internal)?;
                    let compiled = Arc::new(CompiledCourse {
                        version_id,
                        quizzes: stored
                            .quizzes
                            .into_iter()
                            .map(|q| (q.slug.clone(), Arc::new(q)))
                            .collect(),
                        course: stored.course,
                    });
                    if let Ok(mut map) = self.versions.write() {
                        map.insert(version_id, compiled.clone());
                    }
                    Ok(compiled)
                },
            )
            .await
    }

    fn cached_version(&self, version_id: i32) -> Option<Arc<CompiledCourse>> {
        self.versions.read().ok()?.get(&version_id).cloned()
    }
}

/// A learner's state in their courses (which they are enrolled in, and the lessons done in
/// each), one entry per learner, kept for [`HEAD_TTL`] so reading lessons costs no query;
/// a learner moving between their courses costs one query, not one per course. Enrolling
/// and completing a lesson here forget the entry at once; on another replica the change
/// shows within [`HEAD_TTL`].
#[derive(Default)]
pub struct ProgressCache {
    map: RwLock<HashMap<i32, CachedProgress>>,
    loads: OneLoad<i32>,
}

/// Lessons done in a course; `None` when not enrolled.
pub type Done = Option<Arc<std::collections::HashSet<String>>>;
/// Course id -> lessons done, for the courses a learner is enrolled in.
type LearnerState = HashMap<i32, Arc<std::collections::HashSet<String>>>;
type CachedProgress = (std::time::Instant, Arc<LearnerState>);

impl ProgressCache {
    pub async fn get(&self, db: &Db, user_id: i32, course_id: i32) -> AppResult<Done> {
        let state = match self.fresh(user_id) {
            Some(state) => state,
            None => {
                self.loads
                    .run(
                        &user_id,
                        || self.fresh(user_id),
                        || async {
                            let state: Arc<LearnerState> = Arc::new(
                                lentera_store::learning::learner_state(db, user_id)
                                    .await?
                                    .into_iter()
                                    .map(|(course, done)| {
                                        (course, Arc::new(done.into_iter().collect()))
                                    })
                                    .collect(),
                            );
                            if let Ok(mut map) = self.map.write() {
                                if map.len() >= 100_000 {
                                    let now = std::time::Instant::now();
                                    map.retain(|_, (until, _)| now < *until);
                                }
                                map.insert(user_id, (stale_at(HEAD_TTL), state.clone()));
                            }
                            Ok(state)
                        },
                    )
                    .await?
            }
        };
        Ok(state.get(&course_id).cloned())
    }

    fn fresh(&self, user_id: i32) -> Option<Arc<LearnerState>> {
        let map = self.map.read().ok()?;
        let (until, state) = map.get(&user_id)?;
        (std::time::Instant::now() < *until).then(|| state.clone())
    }

    /// After the learner enrolled or completed a lesson here.
    pub fn forget(&self, user_id: i32) {
        if let Ok(mut map) = self.map.write() {
            map.remove(&user_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn misses_of_one_key_at_once_load_once() {
        let loads = OneLoad::<i32>::default();
        let cache = std::sync::Mutex::new(None::<u32>);
        let queries = AtomicU32::new(0);
        let read = || {
            *cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let one = || {
            loads.run(&1, read, || async {
                queries.fetch_add(1, Ordering::SeqCst);
                // Long enough for every other caller to arrive while this one loads.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                *cache
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(7);
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
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_failed_load_is_tried_again_by_the_next_caller() {
        let loads = OneLoad::<&str>::default();
        let failed: AppResult<u32> = loads
            .run(
                &"k",
                || None,
                || async { Err(AppError::internal("database away")) },
            )
            .await;
        assert!(failed.is_err());
        let again = loads.run(&"k", || None, || async { Ok(3) }).await;
        assert!(matches!(again, Ok(3)));
    }
}
