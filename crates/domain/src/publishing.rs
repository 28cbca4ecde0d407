//! Publishing by instructors: a course folder or `.zip` becomes a new immutable version,
//! or is rejected with every problem; publish, unpublish, roll back, edit one lesson.
//!
//! Only instructors and admins publish, and an instructor changes only the courses they
//! own or co-author. Every change is in the audit log.

use std::path::Path;

use lentera_content::Problem;
use serde::Serialize;

use crate::error::{Details, Error, ErrorCode, Result};
use crate::importer;
use crate::policy::{self, Action, Granted, Resource};
use crate::sessions::CurrentUser;
use crate::{Lentera, Role, VersionId};
use lentera_store::audit;
use lentera_store::courses::{self, CourseHead, Imported};

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// The refusal of a course or a text with problems: every problem, by file, line and
/// column, in the error's details.
pub fn problems(problems: Vec<Problem>) -> Error {
    Error::new(
        ErrorCode::InvalidCourse,
        format!(
            "The course has {} problem(s); nothing was published",
            problems.len()
        ),
    )
    .details(Details::Problems(problems))
}

/// Time allowed to unpack, or to check, one course.
const CHECK_BUDGET: std::time::Duration = std::time::Duration::from_secs(30);
/// Time allowed to render one preview.
const PREVIEW_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// Renders Markdown exactly as a lesson would be, for the editor's preview, in the heavy
/// pool: HTML, or every problem (too deep, too large) with its line and column.
pub async fn preview(file: String, markdown: String) -> Result<String> {
    crate::heavy::work(PREVIEW_BUDGET, move || {
        lentera_content::render_markdown_checked(&file, &markdown)
    })
    .await?
    .map_err(problems)
}

/// What a successful publication reports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Published {
    pub slug: String,
    pub version: i32,
    pub status: &'static str,
}

/// The course with this slug, for an action only its authors and admins may do (see
/// [`policy::authorize`]): 403 for someone who does not teach, 404 when there is no such
/// course, 403 when it belongs to other instructors.
pub async fn course_for(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
    action: Action,
) -> Result<(CourseHead, Granted)> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let head = courses::by_slug(&state.db, slug)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::CourseNotFound, format!("No course '{slug}'")))?;
    let granted = policy::authorize(state, user, action, Resource::Course(head.id)).await?;
    Ok((head, granted))
}

/// [`course_for`] changing the course.
pub async fn editable(state: &Lentera, user: &CurrentUser, slug: &str) -> Result<CourseHead> {
    Ok(course_for(state, user, slug, Action::EditCourse).await?.0)
}

/// Checks one course folder and stores it as a draft: a new version its authors preview and
/// then publish ([`publish_latest`]); learners keep the current version until then. A new
/// course is stored hidden.
pub async fn publish_folder(state: &Lentera, user: &CurrentUser, dir: &Path) -> Result<Published> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let folder = dir.to_path_buf();
    let checked = crate::heavy::work(CHECK_BUDGET, move || {
        importer::check_course(&folder, &folder)
    })
    .await?
    .map_err(problems)?;
    let slug = checked.stored.course.slug.clone();
    // A new version of an existing course is a change to that course.
    if let Some((course_id, _)) = courses::find_course(&state.db, &slug)
        .await
        .map_err(Error::from)?
    {
        policy::authorize(state, user, Action::EditCourse, Resource::Course(course_id)).await?;
    }
    let (slug, imported) = importer::publish(
        &state.db,
        checked,
        Some(user.user.id),
        courses::Arrival::Draft,
    )
    .await
    .map_err(Error::internal)?;
    state.changed(crate::changes::Change::Courses).await?;
    let (version, status) = match imported {
        Imported::Published { version } => (version, "published"),
        Imported::Draft { version } => (version, "draft"),
        Imported::Unchanged { version } => (version, "unchanged"),
    };
    audit::record(
        &state.db,
        Some(user.user.id),
        lentera_store::AuditAction::CourseVersionPublished,
        &format!("course:{slug}"),
        Some(format!("version={version} status={status}")),
    )
    .await
    .map_err(Error::from)?;
    Ok(Published {
        slug,
        version,
        status,
    })
}

/// Unpacks a `.zip` into a temporary folder (removed afterwards) and publishes it.
pub async fn publish_zip(state: &Lentera, user: &CurrentUser, bytes: Vec<u8>) -> Result<Published> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let temp = tempfile::tempdir().map_err(Error::internal)?;
    let root = temp.path().to_path_buf();
    // Unpacking is blocking file work: keep it off the async workers.
    let unpacked =
        crate::heavy::work(CHECK_BUDGET, move || crate::upload::unpack(&bytes, &root)).await?;
    let dir = unpacked.map_err(problems)?;
    publish_folder(state, user, &dir).await
}

/// Splits a lesson file into its front matter (with both `+++` lines) and its body.
pub fn split_front_matter(source: &str) -> (String, String) {
    let mut lines = source.split_inclusive('\n');
    let mut front = String::new();
    if let Some(first) = lines.next() {
        if first.trim_end() != "+++" {
            return (String::new(), source.to_owned());
        }
        front.push_str(first);
    }
    for line in lines.by_ref() {
        front.push_str(line);
        if line.trim_end() == "+++" {
            break;
        }
    }
    let body: String = lines.collect();
    (front, body)
}

/// The newest version of a course: the draft when there is one, else the current version.
pub async fn newest_version(state: &Lentera, head: &CourseHead) -> Result<(VersionId, i32)> {
    Ok(courses::latest_version(&state.db, head.id)
        .await?
        .unwrap_or((head.version_id, head.version)))
}

/// The Markdown body of a lesson of the newest version (a draft's, when there is one: the
/// editor goes on from the last edit).
pub async fn lesson_source(state: &Lentera, head: &CourseHead, lesson: &str) -> Result<String> {
    let (newest, _) = newest_version(state, head).await?;
    let (_, bytes) = courses::file(&state.db, newest, &format!("lessons/{lesson}.md"))
        .await?
        .ok_or_else(|| {
            Error::new(
                ErrorCode::LessonNotFound,
                format!("No lesson '{lesson}' in this course"),
            )
        })?;
    let text = String::from_utf8(bytes).map_err(Error::internal)?;
    Ok(split_front_matter(&text).1)
}

/// A lesson's title in the newest version (its slug when it has none), for the editor's
/// heading.
pub async fn lesson_title(state: &Lentera, head: &CourseHead, lesson: &str) -> Result<String> {
    let (newest, _) = newest_version(state, head).await?;
    let compiled = state.courses.version(&state.db, newest).await?;
    Ok(compiled
        .course
        .lesson(lesson)
        .map_or_else(|| lesson.to_owned(), |l| l.title.clone()))
}

/// The problems of a lesson file counted from its body (the editor shows the body only,
/// without the front matter's `front_lines` lines).
fn from_body(mut e: Error, file: &str, front_lines: u32) -> Error {
    if let Some(Details::Problems(list)) = &mut e.details {
        for p in list.iter_mut() {
            if p.file.ends_with(file) && p.line > front_lines {
                p.line -= front_lines;
            }
        }
    }
    e
}

/// Stores a new draft version in which one lesson's body is replaced by `markdown`, made
/// from the newest version (so edits build on each other until they are published).
pub async fn edit_lesson(
    state: &Lentera,
    user: &CurrentUser,
    head: &CourseHead,
    lesson: &str,
    markdown: &str,
) -> Result<Published> {
    let (newest, _) = newest_version(state, head).await?;
    let files = courses::files(&state.db, newest)
        .await
        .map_err(Error::from)?;
    let target = format!("lessons/{lesson}.md");
    if !files.iter().any(|(p, _)| *p == target) {
        return Err(Error::new(
            ErrorCode::LessonNotFound,
            format!("No lesson '{lesson}' in this course"),
        ));
    }
    let temp = tempfile::tempdir().map_err(Error::internal)?;
    let mut front_lines = 0;
    for (path, bytes) in &files {
        let dest = temp.path().join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(Error::internal)?;
        }
        let contents = if *path == target {
            let (front, _) = split_front_matter(&String::from_utf8_lossy(bytes));
            front_lines = u32::try_from(front.matches('\n').count()).unwrap_or(0);
            let mut body = markdown.replace("\r\n", "\n");
            if !body.ends_with('\n') {
                body.push('\n');
            }
            format!("{front}{body}").into_bytes()
        } else {
            bytes.clone()
        };
        std::fs::write(&dest, contents).map_err(Error::internal)?;
    }
    publish_folder(state, user, temp.path())
        .await
        .map_err(|e| from_body(e, &target, front_lines))
}

/// The courses the caller may change: their own and co-authored ones (all, for an admin).
pub async fn my_courses(state: &Lentera, user: &CurrentUser) -> Result<Vec<CourseHead>> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    Ok(courses::editable_by(
        &state.db,
        user.user.id,
        user.has(crate::policy::Role::Admin),
    )
    .await?)
}

/// A course's versions, newest first, for its authors.
pub async fn versions(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
) -> Result<(CourseHead, Vec<VersionView>)> {
    let head = editable(state, user, slug).await?;
    let list = courses::versions(&state.db, head.id).await?;
    let list = list
        .into_iter()
        .map(|v| VersionView {
            version: v.version,
            title: v.title,
            content_hash: v.content_hash,
            created_at: v.created_at,
            current: v.current,
            draft: v.draft,
        })
        .collect();
    Ok((head, list))
}

/// One version of a course, for its authors.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub title: String,
    pub content_hash: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Whether learners get this version now.
    pub current: bool,
    /// Newer than the current version: stored, not yet published.
    pub draft: bool,
}

/// Someone enrolled in a course, for its authors.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnrollmentView {
    pub username: String,
    pub name: String,
    pub enrolled_at: chrono::DateTime<chrono::Utc>,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Publishes or hides a course (its current version).
pub async fn set_published(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
    published: bool,
) -> Result<CourseHead> {
    let head = editable(state, user, slug).await?;
    courses::set_published(&state.db, head.id, published).await?;
    state.changed(crate::changes::Change::Courses).await?;
    let action = if published {
        lentera_store::AuditAction::CoursePublished
    } else {
        lentera_store::AuditAction::CourseUnpublished
    };
    audit::record(
        &state.db,
        Some(user.user.id),
        action,
        &format!("course:{}", head.slug),
        None,
    )
    .await?;
    Ok(CourseHead { published, ..head })
}

/// Publishes a course: its newest version (a draft, if there is one) becomes the one
/// learners get, and the course is shown in the catalogue.
pub async fn publish_latest(state: &Lentera, user: &CurrentUser, slug: &str) -> Result<CourseHead> {
    let head = editable(state, user, slug).await?;
    let (_, newest) = newest_version(state, &head).await?;
    if newest != head.version {
        courses::set_current_version(&state.db, head.id, newest).await?;
        audit::record(
            &state.db,
            Some(user.user.id),
            lentera_store::AuditAction::CourseVersionPublished,
            &format!("course:{}", head.slug),
            Some(format!("version={newest} status=published")),
        )
        .await?;
    }
    let head = set_published(state, user, slug, true).await?;
    Ok(courses::by_slug(&state.db, &head.slug)
        .await?
        .unwrap_or(head))
}

/// The newest version of a course (its draft, if any) compiled, for its authors to preview
/// as learners will see it: (the course, the version's number, whether it is a draft).
pub async fn draft_preview(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
) -> Result<(
    CourseHead,
    std::sync::Arc<crate::catalog::CompiledCourse>,
    i32,
    bool,
)> {
    let head = editable(state, user, slug).await?;
    let (id, number) = newest_version(state, &head).await?;
    let compiled = state.courses.version(&state.db, id).await?;
    Ok((head.clone(), compiled, number, number != head.version))
}

/// Makes an earlier version the current one.
pub async fn rollback(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
    version: i32,
) -> Result<CourseHead> {
    let head = editable(state, user, slug).await?;
    let switched = courses::set_current_version(&state.db, head.id, version).await?;
    state.changed(crate::changes::Change::Courses).await?;
    if !switched {
        return Err(Error::new(
            ErrorCode::VersionNotFound,
            format!("Course '{}' has no version {version}", head.slug),
        ));
    }
    audit::record(
        &state.db,
        Some(user.user.id),
        lentera_store::AuditAction::CourseRolledBack,
        &format!("course:{}", head.slug),
        Some(format!("version={version}")),
    )
    .await?;
    Ok(head)
}

/// Who is enrolled in a course, for its authors.
pub async fn enrolled(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
) -> Result<(CourseHead, Vec<EnrollmentView>)> {
    let head = editable(state, user, slug).await?;
    let list = courses::enrolled(&state.db, head.id).await?;
    let list = list
        .into_iter()
        .map(|e| EnrollmentView {
            username: e.username,
            name: e.name,
            enrolled_at: e.enrolled_at,
            completed_at: e.completed_at,
        })
        .collect();
    Ok((head, list))
}

/// Adds an instructor as a co-author of a course.
pub async fn add_editor(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
    username: &str,
) -> Result<(CourseHead, lentera_store::people::User)> {
    let head = editable(state, user, slug).await?;
    let editor = lentera_store::people::credentials(&state.db, username)
        .await?
        .map(|c| c.user)
        .filter(|u| {
            u.roles
                .iter()
                .any(|r| matches!(r, Role::Instructor | Role::Admin))
        })
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotAnInstructor,
                format!("'{username}' is not an instructor"),
            )
        })?;
    courses::add_editor(&state.db, head.id, editor.id).await?;
    audit::record(
        &state.db,
        Some(user.user.id),
        lentera_store::AuditAction::CourseEditorAdded,
        &format!("course:{}", head.slug),
        Some(format!("user={}", editor.id)),
    )
    .await?;
    Ok((head, editor))
}
