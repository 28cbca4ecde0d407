//! Published courses as the server uses them: parsed once, cached per version.
//!
//! A version is immutable, so the cache is keyed by version id and never invalidated; a
//! new version simply has a new key. Replicas each keep their own cache.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use lentera_assessment::Quiz;
use lentera_content::Course;
use serde::{Deserialize, Serialize};

use crate::cache::{OneLoad, ShortCache};
use crate::error::{Error, ErrorCode, Result};
use crate::{CourseId, UserId, VersionId};
use lentera_store::Db;
use lentera_store::courses;
pub use lentera_store::courses::CourseHead;

/// Whether `s` could be a course slug (1 to 80 of a-z, 0-9 and '-', as the content format
/// requires).
pub fn plausible_slug(s: &str) -> bool {
    (1..=80).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

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
    pub version_id: VersionId,
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
        course_id: CourseId,
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

/// Compiled versions kept at most, and the bytes of their stored form (a fair measure of
/// what they hold in memory). Past either, versions are dropped and parsed again when next
/// asked for.
const MAX_VERSIONS: usize = 256;
const MAX_VERSION_BYTES: usize = 256 << 20;

#[derive(Default)]
struct Versions {
    map: HashMap<VersionId, (Arc<CompiledCourse>, usize)>,
    bytes: usize,
}

impl Versions {
    fn insert(&mut self, id: VersionId, compiled: Arc<CompiledCourse>, bytes: usize) {
        if let Some((_, old)) = self.map.remove(&id) {
            self.bytes -= old;
        }
        while !self.map.is_empty()
            && (self.map.len() >= MAX_VERSIONS || self.bytes + bytes > MAX_VERSION_BYTES)
        {
            // Any one goes: versions in use are parsed again on their next request.
            let Some(victim) = self.map.keys().next().copied() else {
                break;
            };
            if let Some((_, gone)) = self.map.remove(&victim) {
                self.bytes -= gone;
            }
        }
        self.bytes += bytes;
        self.map.insert(id, (compiled, bytes));
    }
}

pub struct CourseCache {
    versions: RwLock<Versions>,
    version_loads: OneLoad<VersionId>,
    /// Unknown slugs are cached too; the bound keeps a crawler of bad URLs in check.
    heads: ShortCache<String, Option<CourseHead>>,
}

impl Default for CourseCache {
    fn default() -> Self {
        CourseCache {
            versions: RwLock::default(),
            version_loads: OneLoad::default(),
            heads: ShortCache::new(HEAD_TTL, 10_000, 16 << 20, |slug, head| {
                slug.len()
                    + head.as_ref().map_or(0, |h| {
                        h.slug.len()
                            + h.content_hash.len()
                            + h.title.len()
                            + h.summary.len()
                            + h.category.len()
                            + std::mem::size_of::<CourseHead>()
                    })
            }),
        }
    }
}

impl CourseCache {
    /// The course with this slug and its current version, from memory when fresh: every
    /// lesson, quiz and outline request needs it.
    pub async fn head(&self, db: &Db, slug: &str) -> Result<Option<CourseHead>> {
        // What cannot be a slug names no course: answered without a query, and not kept.
        if !plausible_slug(slug) {
            return Ok(None);
        }
        let key = slug.to_owned();
        self.heads
            .get(&key, || {
                let (db, slug) = (db.clone(), key.clone());
                async move { Ok(courses::by_slug(&db, &slug).await?) }
            })
            .await
    }

    /// Course heads held, and their bytes.
    pub fn heads_size(&self) -> (usize, usize) {
        self.heads.size()
    }

    /// Compiled versions held, and the bytes of their stored form.
    pub fn versions_size(&self) -> (usize, usize) {
        self.versions
            .read()
            .map_or((0, 0), |v| (v.map.len(), v.bytes))
    }

    /// After a course is published, hidden or rolled back here.
    /// Only through `Lentera::changed` (crate::changes), so every replica hears of it.
    pub(crate) fn forget_heads(&self) {
        self.heads.clear();
    }

    /// The compiled course of `head`'s current version, from the cache or the database.
    pub async fn get(&self, db: &Db, head: &CourseHead) -> Result<Arc<CompiledCourse>> {
        self.version(db, head.version_id).await
    }

    pub async fn version(&self, db: &Db, version_id: VersionId) -> Result<Arc<CompiledCourse>> {
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
                            Error::new(ErrorCode::CourseNotFound, "Course version not found")
                        })?;
                    let bytes = data.len();
                    // A version can be megabytes of JSON: parsed in the heavy pool.
                    let mut stored: StoredCourse =
                        crate::heavy::work(std::time::Duration::from_secs(30), move || {
                            serde_json::from_str(&data)
                        })
                        .await?
                        .map_err(Error::internal)?;
                    // Lessons stored before tables were boxed by the renderer get their
                    // boxes here (a version is immutable, so once per load).
                    for lesson in &mut stored.course.lessons {
                        if let std::borrow::Cow::Owned(boxed) =
                            lentera_content::wrap_tables(&lesson.html)
                        {
                            lesson.html = boxed;
                        }
                    }
                    let compiled = Arc::new(CompiledCourse {
                        version_id,
                        quizzes: stored
                            .quizzes
                            .into_iter()
                            .map(|q| (q.slug.clone(), Arc::new(q)))
                            .collect(),
                        course: stored.course,
                    });
                    if let Ok(mut versions) = self.versions.write() {
                        versions.insert(version_id, compiled.clone(), bytes);
                    }
                    Ok(compiled)
                },
            )
            .await
    }

    fn cached_version(&self, version_id: VersionId) -> Option<Arc<CompiledCourse>> {
        self.versions
            .read()
            .ok()?
            .map
            .get(&version_id)
            .map(|(c, _)| c.clone())
    }
}

/// A learner's state in their courses (which they are enrolled in, and the lessons done in
/// each), one entry per learner, kept for [`HEAD_TTL`] so reading lessons costs no query;
/// a learner moving between their courses costs one query, not one per course. Enrolling
/// and completing a lesson here forget the entry at once; on another replica the change
/// shows within [`HEAD_TTL`].
pub struct ProgressCache {
    map: ShortCache<UserId, Arc<LearnerState>>,
}

impl Default for ProgressCache {
    fn default() -> Self {
        ProgressCache {
            map: ShortCache::new(HEAD_TTL, 100_000, 64 << 20, |_, state| {
                state
                    .values()
                    .map(|done| 64 + done.iter().map(|slug| slug.len() + 32).sum::<usize>())
                    .sum()
            }),
        }
    }
}

/// Lessons done in a course; `None` when not enrolled.
pub type Done = Option<Arc<std::collections::HashSet<String>>>;
/// Course id -> lessons done, for the courses a learner is enrolled in.
type LearnerState = HashMap<CourseId, Arc<std::collections::HashSet<String>>>;

impl ProgressCache {
    pub async fn get(&self, db: &Db, user_id: UserId, course_id: CourseId) -> Result<Done> {
        let state = self
            .map
            .get(&user_id, || {
                let db = db.clone();
                async move {
                    let state = lentera_store::learning::learner_state(&db, user_id).await?;
                    Ok(Arc::new(
                        state
                            .into_iter()
                            .map(|(course, done)| (course, Arc::new(done.into_iter().collect())))
                            .collect(),
                    ))
                }
            })
            .await?;
        Ok(state.get(&course_id).cloned())
    }

    /// Learners held, and their bytes.
    pub fn size(&self) -> (usize, usize) {
        self.map.size()
    }

    /// After the learner enrolled or completed a lesson here.
    /// Only through `Lentera::changed` (crate::changes), so every replica hears of it.
    pub(crate) fn forget(&self, user_id: UserId) {
        self.map.forget(&user_id);
    }

    /// Only through `Lentera::changed` (crate::changes), so every replica hears of it.
    pub(crate) fn forget_all(&self) {
        self.map.clear();
    }
}

/// The published courses, for the catalogue.
pub async fn published(state: &crate::Lentera) -> Result<Vec<CourseSummary>> {
    Ok(courses::list_published(&state.db)
        .await?
        .iter()
        .map(CourseSummary::of)
        .collect())
}

impl CourseSummary {
    fn of(c: &CourseHead) -> CourseSummary {
        CourseSummary {
            slug: c.slug.clone(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            category: c.category.clone(),
            jp: c.jp,
            version: c.version,
        }
    }
}

/// A course in the catalogue.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CourseSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: crate::Jp,
    pub version: i32,
}

/// What the catalogue page is asked: words to find in titles and summaries, a category.
#[derive(Debug, Clone, Copy, Default)]
pub struct CatalogQuery<'a> {
    pub search: Option<&'a str>,
    pub category: Option<&'a str>,
}

/// Most characters of a catalogue search that are read; the rest is ignored.
const MAX_SEARCH_CHARS: usize = 100;

/// Minutes in one JP (jam pelajaran) by convention, to estimate a course's length when its
/// authors give none.
const JP_MINUTES: f64 = 45.0;

/// A course in the catalogue as a learner browses it: how long it takes and where they
/// stand in it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CatalogEntry {
    #[serde(flatten)]
    pub course: CourseSummary,
    /// The authors' estimate, or the JP at 45 minutes each.
    pub estimated_hours: f64,
    pub enrolled: bool,
    pub completed: bool,
}

/// The catalogue page: the courses that match, every category there is, and how many
/// courses are published in all.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Catalog {
    pub courses: Vec<CatalogEntry>,
    pub categories: Vec<String>,
    pub total: usize,
}

/// Whether `course` matches every word of `words` (lower case) in its title or summary.
fn matches_words(course: &CourseSummary, words: &[String]) -> bool {
    let haystack = format!("{} {}", course.title, course.summary).to_lowercase();
    words.iter().all(|w| haystack.contains(w.as_str()))
}

/// The published courses that match `query`, each with its length and the learner's state
/// in it (enrolled, completed), for the catalogue page.
pub async fn browse(
    state: &crate::Lentera,
    user: &lentera_store::people::User,
    query: CatalogQuery<'_>,
) -> Result<Catalog> {
    let all = courses::list_published(&state.db).await?;
    let mut categories: Vec<String> = all.iter().map(|c| c.category.clone()).collect();
    categories.sort();
    categories.dedup();
    let words: Vec<String> = query
        .search
        .unwrap_or_default()
        .chars()
        .take(MAX_SEARCH_CHARS)
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let category = query.category.map(str::trim).filter(|c| !c.is_empty());
    let completed = lentera_store::learning::completed_course_ids(&state.db, user.id).await?;
    let total = all.len();
    let mut courses = Vec::new();
    for head in all {
        let course = CourseSummary::of(&head);
        if category.is_some_and(|c| c != course.category) || !matches_words(&course, &words) {
            continue;
        }
        let compiled = state.courses.get(&state.db, &head).await?;
        let estimated_hours = compiled
            .course
            .estimated_hours
            .filter(|h| h.is_finite() && *h > 0.0)
            .unwrap_or(f64::from(course.jp.0) * JP_MINUTES / 60.0);
        courses.push(CatalogEntry {
            enrolled: state
                .progress
                .get(&state.db, user.id, head.id)
                .await?
                .is_some(),
            completed: completed.contains(&head.id),
            estimated_hours,
            course,
        });
    }
    Ok(Catalog {
        courses,
        categories,
        total,
    })
}

/// A file of a course's current version (`assets/{file}`): its content type and bytes. A
/// hidden course's files are for its authors (the lesson preview), not for anyone who
/// guesses the slug: for others it is "not found".
pub async fn asset(
    state: &crate::Lentera,
    who: Option<&crate::sessions::CurrentUser>,
    slug: &str,
    file: &str,
) -> Result<(String, Vec<u8>)> {
    let not_found = || Error::new(ErrorCode::AssetNotFound, "No such file");
    let head = state
        .courses
        .head(&state.db, slug)
        .await?
        .ok_or_else(not_found)?;
    if !head.published {
        let author = match who {
            Some(u) => crate::policy::authorize(
                state,
                u,
                crate::policy::Action::EditCourse,
                crate::policy::Resource::Course(head.id),
            )
            .await
            .is_ok(),
            None => false,
        };
        if !author {
            return Err(not_found());
        }
    }
    courses::file(&state.db, head.version_id, &format!("assets/{file}"))
        .await?
        .ok_or_else(not_found)
}
