//! Learning paths (jalur belajar): the list with the caller's progress, one path with the
//! caller's state in each course, enrolment through a path, and uploads by instructors.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{ApiTeacher, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::NoBody;
use crate::multipart::read_multipart;
use crate::state::AppState;
use lentera_domain::paths::{self, PathList, PathView, PublishedPath};
use lentera_domain::{Error, ErrorCode};

/// Every learning path, with the caller's progress in each.
#[utoipa::path(get, path = "/api/v1/paths", tag = "learning", security(("bearer" = [])),
    responses((status = 200, body = PathList), (status = 401, body = ErrorBody)))]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> ApiResult<web::Json<PathList>> {
    Ok(web::Json(paths::list(&state, &user.0.user).await?))
}

/// A learning path: its courses in order with the caller's state in each
/// (`not_started`, `in_progress`, `completed`, or `locked` while the course the path
/// requires first is not completed) and the overall progress.
#[utoipa::path(get, path = "/api/v1/paths/{slug}", tag = "learning", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The path")),
    responses((status = 200, body = PathView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
) -> ApiResult<web::Json<PathView>> {
    Ok(web::Json(paths::view(&state, &user.0.user, &path).await?))
}

/// An enrolment made through a path.
#[derive(Serialize, ToSchema)]
pub struct PathEnrolled {
    pub path: String,
    pub course: String,
    pub enrolled: bool,
}

impl PathEnrolled {
    fn of(path: String, course: String) -> Self {
        PathEnrolled {
            path,
            course,
            enrolled: true,
        }
    }
}

/// Enrols the caller in a course of the path (201 when new, 200 when already); 409
/// `course_locked` while the course the path requires first is not completed.
#[utoipa::path(post, path = "/api/v1/paths/{slug}/courses/{course}/enrollment", tag = "learning",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The path"),
           ("course" = String, Path, description = "A course of the path")),
    responses((status = 201, body = PathEnrolled), (status = 200, body = PathEnrolled),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn enroll(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
    _: NoBody,
) -> ApiResult<HttpResponse> {
    let (slug, course) = path.into_inner();
    let (head, created) = paths::enroll(&state, &user.0.user, &slug, &course).await?;
    let body = PathEnrolled::of(slug, head.slug);
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// A learning path file, sent as a multipart form.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PathUpload {
    /// The path file (TOML, at most 64 KiB); problems name it `jalur.toml`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Publishes a learning path file (instructors and admins): a new path, or a new version
/// of one the caller published (admins: any) — 201; the same file again — 200, unchanged;
/// refused with every problem by `jalur.toml:line:column` (422 `invalid_learning_path`),
/// including each course that is not a published course.
#[utoipa::path(post, path = "/api/v1/paths", tag = "teaching", security(("bearer" = [])),
    request_body(content = PathUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = PublishedPath), (status = 200, body = PublishedPath),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn upload(
    state: web::Data<AppState>,
    user: ApiTeacher,
    form: actix_multipart::Multipart,
) -> ApiResult<HttpResponse> {
    // `ApiTeacher` settled who is asking before a byte of the upload is read.
    let (_, file) = read_multipart(form, paths::MAX_UPLOAD, None).await?;
    let bytes = file.ok_or_else(|| {
        Error::new(
            ErrorCode::MissingFile,
            "Send the path file in a multipart field named `file`",
        )
    })?;
    let published = paths::upload(&state, &user.0, bytes).await?;
    Ok(if published.status == "published" {
        HttpResponse::Created().json(published)
    } else {
        HttpResponse::Ok().json(published)
    })
}
