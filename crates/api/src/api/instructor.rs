//! Publishing through the API: upload, versions, publish/unpublish, rollback, lesson
//! editing with preview, co-authors, and who is enrolled.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::NoBody;
use crate::policy::{self, Action, Resource, Role};
use crate::publishing::{self, Rejected};
use crate::state::AppState;
use lentera_store::{audit, courses, people};

fn rejected(r: Rejected) -> AppError {
    match r {
        Rejected::Problems(problems) => AppError::unprocessable(
            "invalid_course",
            format!(
                "The course has {} problem(s); nothing was published",
                problems.len()
            ),
        )
        .with_extra(json!({"problems": problems})),
        Rejected::App(e) => e,
    }
}

/// `POST /api/v1/courses` with a multipart `file` field holding the course `.zip`.
pub async fn upload(
    state: web::Data<AppState>,
    user: ApiUser,
    form: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    policy::authorize(&state, &user.0, Action::Teach, Resource::Instance).await?;
    let (_, file) = publishing::read_multipart(form, publishing::MAX_UPLOAD, None).await?;
    let bytes = file.ok_or_else(|| {
        AppError::bad_request(
            "missing_file",
            "Send the course .zip in a multipart field named `file`",
        )
    })?;
    let published = publishing::publish_zip(&state, &user.0, bytes)
        .await
        .map_err(rejected)?;
    Ok(if published.status == "published" {
        HttpResponse::Created().json(published)
    } else {
        HttpResponse::Ok().json(published)
    })
}

pub async fn mine(state: web::Data<AppState>, user: ApiUser) -> AppResult<HttpResponse> {
    policy::authorize(&state, &user.0, Action::Teach, Resource::Instance).await?;
    let list = courses::editable_by(&state.db, user.0.user.id, user.0.has(Role::Admin)).await?;
    let out: Vec<_> = list
        .iter()
        .map(|c| json!({"slug": c.slug, "title": c.title, "version": c.version, "published": c.published, "jp": c.jp}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"courses": out})))
}

pub async fn versions(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let head = publishing::editable(&state, &user.0, &path).await?;
    let list: Vec<_> = courses::versions(&state.db, head.id)
        .await?
        .into_iter()
        .map(|v| json!({"version": v.version, "title": v.title, "content_hash": v.content_hash, "created_at": v.created_at.to_rfc3339(), "current": v.current}))
        .collect();
    Ok(HttpResponse::Ok()
        .json(json!({"slug": head.slug, "published": head.published, "versions": list})))
}

async fn set_published(
    state: &AppState,
    user: &ApiUser,
    slug: &str,
    published: bool,
) -> AppResult<HttpResponse> {
    let head = publishing::editable(state, &user.0, slug).await?;
    courses::set_published(&state.db, head.id, published).await?;
    state.courses.forget_heads();
    let action = if published {
        "course.published"
    } else {
        "course.unpublished"
    };
    audit::record(
        &state.db,
        Some(user.0.user.id),
        action,
        &format!("course:{}", head.slug),
        None,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({"slug": head.slug, "published": published})))
}

pub async fn publish(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    _: NoBody,
) -> AppResult<HttpResponse> {
    set_published(&state, &user, &path, true).await
}

pub async fn unpublish(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    _: NoBody,
) -> AppResult<HttpResponse> {
    set_published(&state, &user, &path, false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollback {
    version: i32,
}

pub async fn rollback(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    body: web::Json<Rollback>,
) -> AppResult<HttpResponse> {
    let head = publishing::editable(&state, &user.0, &path).await?;
    let switched = courses::set_current_version(&state.db, head.id, body.version).await?;
    state.courses.forget_heads();
    if !switched {
        return Err(AppError::not_found(
            "version_not_found",
            format!("Course '{}' has no version {}", head.slug, body.version),
        ));
    }
    audit::record(
        &state.db,
        Some(user.0.user.id),
        "course.rolled_back",
        &format!("course:{}", head.slug),
        Some(format!("version={}", body.version)),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({"slug": head.slug, "version": body.version})))
}

pub async fn enrollments(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let head = publishing::editable(&state, &user.0, &path).await?;
    let list: Vec<_> = courses::enrolled(&state.db, head.id)
        .await?
        .into_iter()
        .map(|e| json!({"username": e.username, "name": e.name, "enrolled_at": e.enrolled_at.to_rfc3339(), "completed_at": e.completed_at.map(|d| d.to_rfc3339())}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"slug": head.slug, "enrollments": list})))
}

pub async fn lesson_source(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, lesson) = path.into_inner();
    let head = publishing::editable(&state, &user.0, &slug).await?;
    let markdown = publishing::lesson_source(&state, &head, &lesson).await?;
    Ok(HttpResponse::Ok()
        .json(json!({"lesson": lesson, "version": head.version, "markdown": markdown})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Markdown {
    markdown: String,
}

pub async fn edit_lesson(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
    body: web::Json<Markdown>,
) -> AppResult<HttpResponse> {
    let (slug, lesson) = path.into_inner();
    let head = publishing::editable(&state, &user.0, &slug).await?;
    let published = publishing::edit_lesson(&state, &user.0, &head, &lesson, &body.markdown)
        .await
        .map_err(rejected)?;
    Ok(HttpResponse::Ok().json(published))
}

/// Renders Markdown exactly as a lesson would be, for the editor's preview.
pub async fn preview(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<Markdown>,
) -> AppResult<HttpResponse> {
    policy::authorize(&state, &user.0, Action::Teach, Resource::Instance).await?;
    let html = publishing::preview("preview.md".into(), body.into_inner().markdown)
        .await
        .map_err(rejected)?;
    Ok(HttpResponse::Ok().json(json!({ "html": html })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Editor {
    username: String,
}

pub async fn add_editor(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    body: web::Json<Editor>,
) -> AppResult<HttpResponse> {
    let head = publishing::editable(&state, &user.0, &path).await?;
    let editor = people::credentials(&state.db, &body.username)
        .await?
        .map(|c| c.user)
        .filter(|u| u.roles.iter().any(|r| r == "instructor" || r == "admin"))
        .ok_or_else(|| {
            AppError::unprocessable(
                "not_an_instructor",
                format!("'{}' is not an instructor", body.username),
            )
        })?;
    courses::add_editor(&state.db, head.id, editor.id).await?;
    audit::record(
        &state.db,
        Some(user.0.user.id),
        "course.editor_added",
        &format!("course:{}", head.slug),
        Some(format!("user={}", editor.id)),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({"slug": head.slug, "editor": editor.username})))
}
