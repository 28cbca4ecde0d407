//! Publishing by instructors: a course folder or `.zip` becomes a new immutable version,
//! or is rejected with every problem; publish, unpublish, roll back, edit one lesson.
//!
//! Only instructors and admins publish, and an instructor changes only the courses they
//! own or co-author. Every change is in the audit log.

use std::path::Path;

use futures_util::StreamExt;
use lentera_content::Problem;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::importer;
use crate::policy::{self, Action, Granted, Resource};
use crate::state::AppState;
use lentera_store::audit;
use lentera_store::courses::{self, CourseHead, Imported};

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// Why a publication did not happen.
#[derive(Debug)]
pub enum Rejected {
    /// The course has problems; nothing was published.
    Problems(Vec<Problem>),
    /// Not allowed, or something else went wrong.
    App(AppError),
}

impl From<AppError> for Rejected {
    fn from(e: AppError) -> Self {
        Rejected::App(e)
    }
}

/// Time allowed to unpack, or to check, one course.
const CHECK_BUDGET: std::time::Duration = std::time::Duration::from_secs(30);
/// Time allowed to render one preview.
const PREVIEW_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// Renders Markdown exactly as a lesson would be, for the editor's preview, in the heavy
/// pool: HTML, or every problem (too deep, too large) with its line and column.
pub async fn preview(file: String, markdown: String) -> Result<String, Rejected> {
    crate::heavy::work(PREVIEW_BUDGET, move || {
        lentera_content::render_markdown_checked(&file, &markdown)
    })
    .await?
    .map_err(Rejected::Problems)
}

/// What a successful publication reports.
#[derive(Debug, Serialize)]
pub struct Published {
    pub slug: String,
    pub version: i32,
    pub status: &'static str,
}

/// The course with this slug, for an action only its authors and admins may do (see
/// [`policy::authorize`]): 403 for someone who does not teach, 404 when there is no such
/// course, 403 when it belongs to other instructors.
pub async fn course_for(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    action: Action,
) -> AppResult<(CourseHead, Granted)> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let head = courses::by_slug(&state.db, slug)
        .await?
        .ok_or_else(|| AppError::not_found("course_not_found", format!("No course '{slug}'")))?;
    let granted = policy::authorize(state, user, action, Resource::Course(head.id)).await?;
    Ok((head, granted))
}

/// [`course_for`] changing the course.
pub async fn editable(state: &AppState, user: &CurrentUser, slug: &str) -> AppResult<CourseHead> {
    Ok(course_for(state, user, slug, Action::EditCourse).await?.0)
}

/// Checks and publishes one course folder.
pub async fn publish_folder(
    state: &AppState,
    user: &CurrentUser,
    dir: &Path,
) -> Result<Published, Rejected> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let folder = dir.to_path_buf();
    let checked = crate::heavy::work(CHECK_BUDGET, move || {
        importer::check_course(&folder, &folder)
    })
    .await?
    .map_err(Rejected::Problems)?;
    let slug = checked.stored.course.slug.clone();
    // A new version of an existing course is a change to that course.
    if let Some((course_id, _)) = courses::find_course(&state.db, &slug)
        .await
        .map_err(AppError::from)?
    {
        policy::authorize(state, user, Action::EditCourse, Resource::Course(course_id)).await?;
    }
    let (slug, imported) = importer::publish(&state.db, checked, Some(user.user.id))
        .await
        .map_err(AppError::internal)?;
    state.courses.forget_heads();
    let (version, status) = match imported {
        Imported::Published { version } => (version, "published"),
        Imported::Unchanged { version } => (version, "unchanged"),
    };
    audit::record(
        &state.db,
        Some(user.user.id),
        "course.version_published",
        &format!("course:{slug}"),
        Some(format!("version={version} status={status}")),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Published {
        slug,
        version,
        status,
    })
}

/// Unpacks a `.zip` into a temporary folder (removed afterwards) and publishes it.
pub async fn publish_zip(
    state: &AppState,
    user: &CurrentUser,
    bytes: Vec<u8>,
) -> Result<Published, Rejected> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let temp = tempfile::tempdir().map_err(AppError::internal)?;
    let root = temp.path().to_path_buf();
    // Unpacking is blocking file work: keep it off the async workers.
    let unpacked =
        crate::heavy::work(CHECK_BUDGET, move || crate::upload::unpack(&bytes, &root)).await?;
    let dir = unpacked.map_err(Rejected::Problems)?;
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

/// The Markdown body of a lesson of the current version.
pub async fn lesson_source(state: &AppState, head: &CourseHead, lesson: &str) -> AppResult<String> {
    let (_, bytes) = courses::file(&state.db, head.version_id, &format!("lessons/{lesson}.md"))
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "lesson_not_found",
                format!("No lesson '{lesson}' in this course"),
            )
        })?;
    let text = String::from_utf8(bytes).map_err(AppError::internal)?;
    Ok(split_front_matter(&text).1)
}

/// Publishes a new version in which one lesson's body is replaced by `markdown`.
pub async fn edit_lesson(
    state: &AppState,
    user: &CurrentUser,
    head: &CourseHead,
    lesson: &str,
    markdown: &str,
) -> Result<Published, Rejected> {
    let files = courses::files(&state.db, head.version_id)
        .await
        .map_err(AppError::from)?;
    let target = format!("lessons/{lesson}.md");
    if !files.iter().any(|(p, _)| *p == target) {
        return Err(Rejected::App(AppError::not_found(
            "lesson_not_found",
            format!("No lesson '{lesson}' in this course"),
        )));
    }
    let temp = tempfile::tempdir().map_err(AppError::internal)?;
    for (path, bytes) in &files {
        let dest = temp.path().join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(AppError::internal)?;
        }
        let contents = if *path == target {
            let (front, _) = split_front_matter(&String::from_utf8_lossy(bytes));
            let mut body = markdown.replace("\r\n", "\n");
            if !body.ends_with('\n') {
                body.push('\n');
            }
            format!("{front}{body}").into_bytes()
        } else {
            bytes.clone()
        };
        std::fs::write(&dest, contents).map_err(AppError::internal)?;
    }
    publish_folder(state, user, temp.path()).await
}

/// At most this many fields in a multipart form (a page form has a token, a file and a few
/// choices).
const MAX_FIELDS: usize = 8;
/// At most this many bytes in a text field of a multipart form.
const MAX_TEXT_FIELD: usize = 4096;

fn too_large(what: &str) -> AppError {
    AppError::new(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("The {what} is too large"),
    )
}

/// Reads a multipart form: its text fields (at most 8, each at most 4 KiB) and the bytes
/// of its `file` field (at most `max_file`), refusing anything more as it arrives. Call it
/// only once the caller is authorized. For a page form (`csrf` given) the CSRF token must
/// come before the file, and is checked as soon as it arrives: a forged form is refused
/// before a byte of its file is read.
pub async fn read_multipart(
    mut form: actix_multipart::Multipart,
    max_file: usize,
    csrf: Option<&actix_web::HttpRequest>,
) -> AppResult<(Vec<(String, String)>, Option<Vec<u8>>)> {
    let mut fields = Vec::new();
    let mut file = None;
    let mut count = 0;
    let mut csrf_checked = csrf.is_none();
    while let Some(item) = form.next().await {
        let mut field =
            item.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))?;
        count += 1;
        if count > MAX_FIELDS {
            return Err(AppError::bad_request(
                "invalid_multipart",
                format!("A form has at most {MAX_FIELDS} fields"),
            ));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        if is_file && !csrf_checked {
            return Err(AppError::forbidden(
                "csrf_failed",
                "The form expired; reload the page and try again",
            ));
        }
        let limit = if is_file { max_file } else { MAX_TEXT_FIELD };
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| AppError::bad_request("invalid_multipart", e.to_string()))?;
            if data.len() + chunk.len() > limit {
                return Err(if is_file {
                    AppError::new(
                        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("Uploads are limited to {} MiB", max_file / 1024 / 1024),
                    )
                } else {
                    too_large("form field")
                });
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            if file.is_some() {
                return Err(AppError::bad_request("invalid_multipart", "Send one file"));
            }
            file = Some(data);
        } else {
            let value = String::from_utf8_lossy(&data).into_owned();
            if name == "csrf"
                && let Some(req) = csrf
            {
                crate::pages::check_csrf(req, &value)?;
                csrf_checked = true;
            }
            fields.push((name, value));
        }
    }
    if !csrf_checked {
        return Err(AppError::forbidden(
            "csrf_failed",
            "The form expired; reload the page and try again",
        ));
    }
    Ok((fields, file))
}
