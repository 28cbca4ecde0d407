//! Learning paths (jalur belajar): an ordered set of published courses with a title and a
//! summary, defined as a file like a course (`content/jalur/*.toml`, checked by
//! `lentera-content`), imported with the content folder or uploaded by instructors; each
//! learner's progress along it, and the path rule that a course may require another course
//! of the path to be completed first.
//!
//! The requirement is a rule of the path, not of the course: a course may be in several
//! paths (or in none), so enrolling from the catalogue stays open, while the path page
//! shows the course locked and enrolling through the path is refused with `course_locked`.

use std::path::Path;

use chrono::{DateTime, Utc};
use lentera_content::{PathFile, Problem};
use lentera_store::Db;
use lentera_store::courses::{self, CourseHead, Imported};
use lentera_store::paths::{self, LearnerCourses, NewPath, PathCourse, PathRecord};
use lentera_store::people::User;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::certificates::OtherCertificate;
use crate::error::{Details, Error, ErrorCode, Result};
use crate::policy::{self, Action, Resource};
use crate::sessions::CurrentUser;
use crate::{CertificateKind, CourseId, Jp, Lentera, PathId, UserId};

/// At most this many paths are listed (there are a handful per instance).
pub const MAX_PATHS: u64 = 200;
/// The largest path file an upload may send.
pub const MAX_UPLOAD: usize = 64 * 1024;
/// The name problems of an uploaded path file carry.
pub const UPLOAD_NAME: &str = "jalur.toml";

/// Where a learner is in one course of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CourseState {
    NotStarted,
    InProgress,
    Completed,
    /// Its required course is not completed yet.
    Locked,
}

/// Where a learner is in a whole path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PathState {
    NotStarted,
    InProgress,
    Completed,
}

/// How far along a path a learner is: courses and JP completed of the total.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PathProgress {
    pub completed: u32,
    pub total: u32,
    #[schema(value_type = i32)]
    pub jp_completed: Jp,
    #[schema(value_type = i32)]
    pub jp_total: Jp,
    /// Completed courses of the total, 0 to 100.
    pub percent: u32,
}

/// One course of a path, for one learner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PathCourseView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    #[schema(value_type = i32)]
    pub jp: Jp,
    pub state: CourseState,
    /// The course of the path to complete first.
    pub requires: Option<String>,
    pub requires_title: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A path with the caller's state in each of its courses, in order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PathView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub version: i32,
    pub state: PathState,
    pub progress: PathProgress,
    /// When the last course of the path was completed.
    pub completed_at: Option<DateTime<Utc>>,
    pub courses: Vec<PathCourseView>,
}

/// A path in the list, with the caller's progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PathEntry {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub state: PathState,
    pub progress: PathProgress,
}

/// Every path, by title, with the caller's progress in each.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PathList {
    pub paths: Vec<PathEntry>,
}

/// What an upload did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedPath {
    pub slug: String,
    pub title: String,
    pub version: i32,
    /// "published" or "unchanged".
    pub status: &'static str,
    /// The courses, in order.
    pub courses: Vec<String>,
}

/// A path as a colleague's feature names it (assignments with a `path` target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSummary {
    pub id: PathId,
    pub slug: String,
    pub title: String,
}

/// The path with this slug: its id, slug and title.
pub async fn find(state: &Lentera, slug: &str) -> Result<Option<PathSummary>> {
    Ok(paths::by_slug(&state.db, slug).await?.map(|p| PathSummary {
        id: p.id,
        slug: p.slug,
        title: p.title,
    }))
}

/// Where user `user_id` is in the path `slug` (not_started, in_progress or completed) and,
/// once completed, when; `None` when there is no such path.
pub async fn state_for(
    state: &Lentera,
    user_id: UserId,
    slug: &str,
) -> Result<Option<(PathState, Option<DateTime<Utc>>)>> {
    let Some(record) = paths::by_slug(&state.db, slug).await? else {
        return Ok(None);
    };
    let view = build(&state.db, user_id, record).await?;
    Ok(Some((view.state, view.completed_at)))
}

/// Every path with the caller's progress.
/// Four queries whatever the number of paths.
pub async fn list(state: &Lentera, user: &User) -> Result<PathList> {
    let records = paths::list(&state.db, MAX_PATHS).await?;
    let ids: Vec<PathId> = records.iter().map(|r| r.id).collect();
    let order = paths::courses_of(&state.db, &ids).await?;
    let mut course_ids: Vec<CourseId> = order.iter().map(|c| c.course_id).collect();
    course_ids.sort();
    course_ids.dedup();
    let heads = courses::by_ids(&state.db, &course_ids).await?;
    let done = paths::learner_courses(&state.db, user.id, &course_ids).await?;
    let mut entries = Vec::with_capacity(records.len());
    for record in records {
        let own: Vec<PathCourse> = order
            .iter()
            .filter(|c| c.path_id == record.id)
            .cloned()
            .collect();
        let view = assemble(record, &own, &heads, &done);
        entries.push(PathEntry {
            slug: view.slug,
            title: view.title,
            summary: view.summary,
            state: view.state,
            progress: view.progress,
        });
    }
    Ok(PathList { paths: entries })
}

/// One path with the caller's state in each course; 404 `path_not_found` when unknown.
pub async fn view(state: &Lentera, user: &User, slug: &str) -> Result<PathView> {
    let record = record(&state.db, slug).await?;
    build(&state.db, user.id, record).await
}

async fn record(db: &Db, slug: &str) -> Result<PathRecord> {
    paths::by_slug(db, slug).await?.ok_or_else(|| {
        Error::new(
            ErrorCode::PathNotFound,
            format!("No learning path '{slug}'"),
        )
    })
}

/// Enrols the caller in a course through a path: refused with `course_locked` while the
/// course the path makes it require is not completed. Returns the course.
pub async fn enroll(
    state: &Lentera,
    user: &User,
    slug: &str,
    course: &str,
) -> Result<(CourseHead, bool)> {
    let view = view(state, user, slug).await?;
    let entry = view
        .courses
        .iter()
        .find(|c| c.slug == course)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::CourseNotFound,
                format!("No course '{course}' in the learning path '{slug}'"),
            )
        })?;
    if entry.state == CourseState::Locked {
        return Err(Error::new(
            ErrorCode::CourseLocked,
            format!(
                "Complete '{}' first: this path requires it before '{}'",
                entry.requires_title.as_deref().unwrap_or_default(),
                entry.title
            ),
        ));
    }
    let (head, _) = crate::learning::course(state, course).await?;
    let created = crate::learning::enroll(state, user, &head).await?;
    Ok((head, created))
}

/// Called once a course is completed: every path holding it that the learner has now
/// completed gets its certificate, once (`(kind path, subject slug)` is certified once per
/// holder). Its JP is the sum of the courses' JP; the ledger does not count it again, since
/// the course certificates already do.
pub async fn on_course_completed(state: &Lentera, user: &User, course: &CourseHead) -> Result<()> {
    let ids = paths::holding(&state.db, course.id).await?;
    for record in paths::by_ids(&state.db, &ids).await? {
        let order = paths::courses_of(&state.db, &[record.id]).await?;
        let course_ids: Vec<CourseId> = order.iter().map(|c| c.course_id).collect();
        let heads = courses::by_ids(&state.db, &course_ids).await?;
        let done = paths::learner_courses(&state.db, user.id, &course_ids).await?;
        let started_at = done.enrolled.iter().map(|(_, at)| *at).min();
        let view = assemble(record, &order, &heads, &done);
        if view.state != PathState::Completed {
            continue;
        }
        crate::certificates::issue_other(
            state,
            user,
            OtherCertificate {
                kind: CertificateKind::Path,
                subject: view.slug.clone(),
                slug: view.slug,
                title: view.title,
                jp: view.progress.jp_total,
                started_at,
            },
        )
        .await?;
    }
    Ok(())
}

/// The courses of a path by title, in order, for its certificate's annex; empty when the
/// path is gone.
pub async fn annex(state: &Lentera, slug: &str) -> Result<Vec<lentera_certificate::ModuleOutline>> {
    let Some(record) = paths::by_slug(&state.db, slug).await? else {
        return Ok(Vec::new());
    };
    let order = paths::courses_of(&state.db, &[record.id]).await?;
    let ids: Vec<CourseId> = order.iter().map(|c| c.course_id).collect();
    let heads = courses::by_ids(&state.db, &ids).await?;
    Ok(order
        .iter()
        .filter_map(|item| heads.iter().find(|h| h.id == item.course_id))
        .map(|h| lentera_certificate::ModuleOutline {
            title: format!("{} ({} JP)", h.title, h.jp.0),
            items: Vec::new(),
        })
        .collect())
}

/// Builds one learner's view of a path from its courses (published ones only: a course
/// withdrawn after the path was published drops out of it until it is published again).
async fn build(db: &Db, user_id: UserId, record: PathRecord) -> Result<PathView> {
    let order = paths::courses_of(db, &[record.id]).await?;
    let ids: Vec<CourseId> = order.iter().map(|c| c.course_id).collect();
    let heads = courses::by_ids(db, &ids).await?;
    let done = paths::learner_courses(db, user_id, &ids).await?;
    Ok(assemble(record, &order, &heads, &done))
}

fn assemble(
    record: PathRecord,
    order: &[PathCourse],
    heads: &[CourseHead],
    done: &LearnerCourses,
) -> PathView {
    let head_of = |id: CourseId| heads.iter().find(|h| h.id == id && h.published);
    let completed_at = |id: CourseId| {
        done.completed
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, at)| *at)
    };
    let mut courses = Vec::with_capacity(order.len());
    for item in order {
        let Some(head) = head_of(item.course_id) else {
            continue;
        };
        let required = item.requires.and_then(head_of);
        let finished = completed_at(head.id);
        let state = if finished.is_some() {
            CourseState::Completed
        } else if required.is_some_and(|r| completed_at(r.id).is_none()) {
            CourseState::Locked
        } else if done.enrolled.iter().any(|(c, _)| *c == head.id) {
            CourseState::InProgress
        } else {
            CourseState::NotStarted
        };
        courses.push(PathCourseView {
            slug: head.slug.clone(),
            title: head.title.clone(),
            summary: head.summary.clone(),
            jp: head.jp,
            state,
            requires: required.map(|r| r.slug.clone()),
            requires_title: required.map(|r| r.title.clone()),
            completed_at: finished,
        });
    }
    let total = courses.len();
    let completed = courses
        .iter()
        .filter(|c| c.state == CourseState::Completed)
        .count();
    let jp_total = courses.iter().fold(Jp(0), |sum, c| sum + c.jp);
    let jp_completed = courses
        .iter()
        .filter(|c| c.state == CourseState::Completed)
        .fold(Jp(0), |sum, c| sum + c.jp);
    let all_done = total > 0 && completed == total;
    let started = courses
        .iter()
        .any(|c| matches!(c.state, CourseState::InProgress | CourseState::Completed));
    let state = if all_done {
        PathState::Completed
    } else if started {
        PathState::InProgress
    } else {
        PathState::NotStarted
    };
    let path_completed_at = if all_done {
        courses.iter().filter_map(|c| c.completed_at).max()
    } else {
        None
    };
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    PathView {
        slug: record.slug,
        title: record.title,
        summary: record.summary,
        version: record.version,
        state,
        progress: PathProgress {
            completed: to_u32(completed),
            total: to_u32(total),
            jp_completed,
            jp_total,
            percent: to_u32((completed * 100).checked_div(total).unwrap_or(0)),
        },
        completed_at: path_completed_at,
        courses,
    }
}

/// Resolves a checked path file against the published courses: every course must exist
/// and be published, else a problem naming its line.
async fn resolve(db: &Db, file: &PathFile, source: &str) -> Result<NewPath, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut found: Vec<(String, CourseId)> = Vec::new();
    for item in &file.courses {
        match courses::by_slug(db, &item.course).await {
            Ok(Some(head)) if head.published => found.push((item.course.clone(), head.id)),
            Ok(_) => problems.push(file.problem_at(
                item,
                format!(
                    "there is no published course `{}`; publish it first or correct the slug",
                    item.course
                ),
                format!(
                    "tidak ada kursus terbit dengan slug `{}`; terbitkan dahulu atau perbaiki slug-nya",
                    item.course
                ),
            )),
            Err(e) => problems.push(file.problem_at(
                item,
                format!("the course could not be looked up: {e}"),
                "kursus ini tidak dapat diperiksa; coba lagi",
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let id_of = |slug: &str| found.iter().find(|(s, _)| s == slug).map(|(_, id)| *id);
    let courses = file
        .courses
        .iter()
        .filter_map(|c| Some((id_of(&c.course)?, c.requires.as_deref().and_then(id_of))))
        .collect();
    Ok(NewPath {
        slug: file.slug.clone(),
        title: file.title.clone(),
        summary: file.summary.clone(),
        source: source.to_owned(),
        content_hash: hex::encode(Sha256::digest(source.as_bytes())),
        courses,
    })
}

/// Imports the path files of a content folder (`DIR/jalur/*.toml`) after its courses, as
/// `lentera content import` and the start of `lentera demo` do; problems are named
/// relative to `root`.
pub async fn import_dir(
    db: &Db,
    dir: &Path,
    root: &Path,
    actor: Option<UserId>,
) -> anyhow::Result<(Vec<(String, Imported)>, Vec<Problem>)> {
    let mut published = Vec::new();
    let mut problems = Vec::new();
    for (file, loaded) in lentera_content::load_paths(dir, root) {
        let checked = match loaded {
            Ok(checked) => checked,
            Err(found) => {
                problems.extend(found);
                continue;
            }
        };
        let source = std::fs::read_to_string(&file)?;
        match resolve(db, &checked, &source).await {
            Ok(new) => {
                let slug = new.slug.clone();
                let (_, imported) = paths::save(db, new, actor).await?;
                published.push((slug, imported));
            }
            Err(found) => problems.extend(found),
        }
    }
    Ok((published, problems))
}

fn invalid(problems: Vec<Problem>) -> Error {
    Error::new(
        ErrorCode::InvalidLearningPath,
        format!(
            "The learning path has {} problem(s); nothing was published",
            problems.len()
        ),
    )
    .details(Details::Problems(problems))
}

/// Publishes an uploaded path file (instructors and admins): a new path, or a new version
/// of one the caller published first (admins: any). Every problem is named by
/// `jalur.toml:line:column`.
pub async fn upload(state: &Lentera, who: &CurrentUser, bytes: Vec<u8>) -> Result<PublishedPath> {
    policy::authorize(state, who, Action::Teach, Resource::Instance).await?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.into_bytes()[..good]).into_owned();
        let line = u32::try_from(text.matches('\n').count() + 1).unwrap_or(u32::MAX);
        invalid(vec![Problem {
            file: UPLOAD_NAME.to_owned(),
            line,
            column: 1,
            message: "this file is not saved as UTF-8 text; save it again with UTF-8 encoding"
                .to_owned(),
            pesan:
                "berkas ini tidak disimpan sebagai teks UTF-8; simpan ulang dengan pengodean UTF-8"
                    .to_owned(),
        }])
    })?;
    let checked = lentera_content::parse_path(UPLOAD_NAME, &source).map_err(invalid)?;
    let new = resolve(&state.db, &checked, &source)
        .await
        .map_err(invalid)?;
    if let Some(existing) = paths::by_slug(&state.db, &checked.slug).await? {
        policy::authorize(
            state,
            who,
            Action::EditPath,
            Resource::Path {
                owner: existing.owner_id,
            },
        )
        .await?;
    }
    let (_, imported) = paths::save(&state.db, new, Some(who.user.id)).await?;
    let (version, status) = match imported {
        Imported::Unchanged { version } => (version, "unchanged"),
        Imported::Published { version } | Imported::Draft { version } => (version, "published"),
    };
    Ok(PublishedPath {
        slug: checked.slug,
        title: checked.title,
        version,
        status,
        courses: checked.courses.into_iter().map(|c| c.course).collect(),
    })
}
