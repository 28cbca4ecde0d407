//! Publishing through the API: upload, versions, publish/unpublish, rollback, lesson editing
//! with preview, co-authors, and who is enrolled.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::ApiTeacher;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::NoBody;
use crate::multipart::read_multipart;
use crate::state::AppState;
use lentera_domain::Jp;
use lentera_domain::publishing::{self, EnrollmentView, Published, VersionView};
use lentera_domain::{Error, ErrorCode};

/// A course `.zip`, sent as a multipart form.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Upload {
    /// The course folder as a `.zip` (at most 20 MiB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads a course `.zip`: checked and stored as a new draft version (201, `status`
/// "draft"; learners keep the current version until `POST /api/v1/courses/{slug}/publish`,
/// and a new course stays hidden until then), the same content again (200, unchanged), or
/// refused with every problem by file and line (422).
#[utoipa::path(post, path = "/api/v1/courses", tag = "teaching", security(("bearer" = [])),
    request_body(content = Upload, content_type = "multipart/form-data"),
    responses((status = 201, body = Published), (status = 200, body = Published),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn upload(
    state: web::Data<AppState>,
    user: ApiTeacher,
    form: actix_multipart::Multipart,
) -> ApiResult<HttpResponse> {
    // `ApiTeacher` settled who is asking before a byte of the upload is read.
    let (_, file) = read_multipart(form, publishing::MAX_UPLOAD, None).await?;
    let bytes = file.ok_or_else(|| {
        Error::new(
            ErrorCode::MissingFile,
            "Send the course .zip in a multipart field named `file`",
        )
    })?;
    let published = publishing::publish_zip(&state, &user.0, bytes).await?;
    Ok(if published.status != "unchanged" {
        HttpResponse::Created().json(published)
    } else {
        HttpResponse::Ok().json(published)
    })
}

/// A course the caller may change.
#[derive(Serialize, ToSchema)]
pub struct MyCourse {
    pub slug: String,
    pub title: String,
    pub version: i32,
    pub published: bool,
    pub jp: Jp,
}

#[derive(Serialize, ToSchema)]
pub struct MyCourses {
    pub courses: Vec<MyCourse>,
}

/// The courses the caller owns or co-authors (all, for an admin).
#[utoipa::path(get, path = "/api/v1/instructor/courses", tag = "teaching", security(("bearer" = [])),
    responses((status = 200, body = MyCourses), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn mine(state: web::Data<AppState>, user: ApiTeacher) -> ApiResult<web::Json<MyCourses>> {
    let list = publishing::my_courses(&state, &user.0).await?;
    Ok(web::Json(MyCourses {
        courses: list
            .into_iter()
            .map(|c| MyCourse {
                slug: c.slug,
                title: c.title,
                version: c.version,
                published: c.published,
                jp: c.jp,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Versions {
    pub slug: String,
    pub published: bool,
    pub versions: Vec<VersionView>,
}

/// A course's versions, for its authors.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/versions", tag = "teaching",
    security(("bearer" = [])), params(("slug" = String, Path, description = "The course")),
    responses((status = 200, body = Versions), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn versions(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<String>,
) -> ApiResult<web::Json<Versions>> {
    let (head, list) = publishing::versions(&state, &user.0, &path).await?;
    Ok(web::Json(Versions {
        slug: head.slug,
        published: head.published,
        versions: list,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PublishedState {
    pub slug: String,
    pub published: bool,
    /// The version learners get now.
    pub version: Option<i32>,
}

/// Publishes the course: its newest version (the latest upload or lesson edit, stored as a
/// draft) becomes the one learners get, and the course is shown in the catalogue.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/publish", tag = "teaching",
    security(("bearer" = [])), params(("slug" = String, Path, description = "The course")),
    responses((status = 200, body = PublishedState), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn publish(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<String>,
    _: NoBody,
) -> ApiResult<web::Json<PublishedState>> {
    let head = publishing::publish_latest(&state, &user.0, &path).await?;
    Ok(web::Json(PublishedState {
        slug: head.slug,
        published: true,
        version: Some(head.version),
    }))
}

/// Hides the course from learners (its authors still see it).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/unpublish", tag = "teaching",
    security(("bearer" = [])), params(("slug" = String, Path, description = "The course")),
    responses((status = 200, body = PublishedState), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unpublish(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<String>,
    _: NoBody,
) -> ApiResult<web::Json<PublishedState>> {
    let head = publishing::set_published(&state, &user.0, &path, false).await?;
    Ok(web::Json(PublishedState {
        slug: head.slug,
        published: false,
        version: Some(head.version),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rollback {
    version: i32,
}

#[derive(Serialize, ToSchema)]
pub struct RolledBack {
    pub slug: String,
    pub version: i32,
}

/// Makes an earlier version the current one.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/rollback", tag = "teaching",
    security(("bearer" = [])), params(("slug" = String, Path, description = "The course")),
    request_body = Rollback,
    responses((status = 200, body = RolledBack), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rollback(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<String>,
    body: web::Json<Rollback>,
) -> ApiResult<web::Json<RolledBack>> {
    let head = publishing::rollback(&state, &user.0, &path, body.version).await?;
    Ok(web::Json(RolledBack {
        slug: head.slug,
        version: body.version,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Enrollments {
    pub slug: String,
    pub enrollments: Vec<EnrollmentView>,
}

/// Who is enrolled, for the course's authors.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/enrollments", tag = "teaching",
    security(("bearer" = [])), params(("slug" = String, Path, description = "The course")),
    responses((status = 200, body = Enrollments), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enrollments(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<String>,
) -> ApiResult<web::Json<Enrollments>> {
    let (head, list) = publishing::enrolled(&state, &user.0, &path).await?;
    Ok(web::Json(Enrollments {
        slug: head.slug,
        enrollments: list,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct LessonSource {
    pub lesson: String,
    pub version: i32,
    /// The Markdown body, without front matter.
    pub markdown: String,
}

/// A lesson's Markdown, for its editor.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/lessons/{lesson}/source", tag = "teaching",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("lesson" = String, Path, description = "The lesson")),
    responses((status = 200, body = LessonSource), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn lesson_source(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<LessonSource>> {
    let (slug, lesson) = path.into_inner();
    let head = publishing::editable(&state, &user.0, &slug).await?;
    let markdown = publishing::lesson_source(&state, &head, &lesson).await?;
    Ok(web::Json(LessonSource {
        lesson,
        version: head.version,
        markdown,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Markdown {
    markdown: String,
}

/// Publishes a new version with this lesson's body replaced, or refuses it with every
/// problem (nothing is published).
#[utoipa::path(put, path = "/api/v1/courses/{slug}/lessons/{lesson}/source", tag = "teaching",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("lesson" = String, Path, description = "The lesson")),
    request_body = Markdown,
    responses((status = 200, body = Published), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn edit_lesson(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<(String, String)>,
    body: web::Json<Markdown>,
) -> ApiResult<web::Json<Published>> {
    let (slug, lesson) = path.into_inner();
    let head = publishing::editable(&state, &user.0, &slug).await?;
    Ok(web::Json(
        publishing::edit_lesson(&state, &user.0, &head, &lesson, &body.markdown).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Preview {
    pub html: String,
}

/// Renders Markdown exactly as a lesson would be, for the editor's preview; too deep or too
/// large is refused with the line and column.
#[utoipa::path(post, path = "/api/v1/preview", tag = "teaching", security(("bearer" = [])),
    request_body = Markdown,
    responses((status = 200, body = Preview), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
pub async fn preview(
    _teacher: ApiTeacher,
    body: web::Json<Markdown>,
) -> ApiResult<web::Json<Preview>> {
    let html = publishing::preview("preview.md".into(), body.into_inner().markdown).await?;
    Ok(web::Json(Preview { html }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Editor {
    /// An instructor's username.
    username: String,
}

#[derive(Serialize, ToSchema)]
pub struct EditorAdded {
    pub slug: String,
    pub editor: String,
}

/// Adds an instructor as a co-author.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/editors", tag = "teaching",
    security(("bearer" = [])), params(("slug" = String, Path, description = "The course")),
    request_body = Editor,
    responses((status = 200, body = EditorAdded), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn add_editor(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<String>,
    body: web::Json<Editor>,
) -> ApiResult<web::Json<EditorAdded>> {
    let (head, editor) = publishing::add_editor(&state, &user.0, &path, &body.username).await?;
    Ok(web::Json(EditorAdded {
        slug: head.slug,
        editor: editor.username,
    }))
}
