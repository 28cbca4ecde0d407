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

type CachedHead = (std::time::Instant, Option<CourseHead>);

#[derive(Default)]
pub struct CourseCache {
    versions: RwLock<HashMap<i32, Arc<CompiledCourse>>>,
    heads: RwLock<HashMap<String, CachedHead>>,
}

impl CourseCache {
    /// The course with this slug and its current version, from memory when fresh: every
    /// lesson, quiz and outline request needs it.
    pub async fn head(&self, db: &Db, slug: &str) -> AppResult<Option<CourseHead>> {
        if let Ok(map) = self.heads.read()
            && let Some((until, head)) = map.get(slug)
            && std::time::Instant::now() < *until
        {
            return Ok(head.clone());
        }
        let head = courses::by_slug(db, slug).await?;
        if let Ok(mut map) = self.heads.write() {
            // Unknown slugs are cached too; bound the map against a crawler of bad URLs.
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(slug.to_owned(), (stale_at(HEAD_TTL), head.clone()));
        }
        Ok(head)
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
        if let Ok(map) = self.versions.read()
            && let Some(found) = map.get(&version_id)
        {
            return Ok(found.clone());
        }
        let data = courses::version_data(db, version_id)
            .await?
            .ok_or_else(|| AppError::not_found("course_not_found", "Course version not found"))?;
        let stored: StoredCourse = serde_json::from_str(&data).map_err(AppError::internal)?;
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
}

/// Lessons done in a course; `None` when not enrolled.
pub type Done = Option<Arc<std::collections::HashSet<String>>>;
/// Course id -> lessons done, for the courses a learner is enrolled in.
type LearnerState = HashMap<i32, Arc<std::collections::HashSet<String>>>;
type CachedProgress = (std::time::Instant, Arc<LearnerState>);

impl ProgressCache {
    pub async fn get(&self, db: &Db, user_id: i32, course_id: i32) -> AppResult<Done> {
        if let Ok(map) = self.map.read()
            && let Some((until, state)) = map.get(&user_id)
            && std::time::Instant::now() < *until
        {
            return Ok(state.get(&course_id).cloned());
        }
        let state: Arc<LearnerState> = Arc::new(
            lentera_store::learning::learner_state(db, user_id)
                .await?
                .into_iter()
                .map(|(course, done)| (course, Arc::new(done.into_iter().collect())))
                .collect(),
        );
        if let Ok(mut map) = self.map.write() {
            if map.len() >= 100_000 {
                let now = std::time::Instant::now();
                map.retain(|_, (until, _)| now < *until);
            }
            map.insert(user_id, (stale_at(HEAD_TTL), state.clone()));
        }
        Ok(state.get(&course_id).cloned())
    }

    /// After the learner enrolled or completed a lesson here.
    pub fn forget(&self, user_id: i32) {
        if let Ok(mut map) = self.map.write() {
            map.remove(&user_id);
        }
    }
}
