//! Instructor pages: my courses with an upload form, a course's versions and learners,
//! and a lesson editor with a Markdown preview that works without JavaScript.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::Deserialize;
use serde_json::json;

use super::forms::check_csrf;
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageTeacher;
use crate::error::ApiError;
use crate::error::status_of;
use crate::multipart::read_multipart;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::publishing;
use lentera_domain::{Details, Error, ErrorCode};

/// A refusal as the list of problems the page shows above the form: every problem of the
/// course or text, or the error's own message in the page's language.
fn problems_json(e: &Error, page: &Page, state: &AppState) -> serde_json::Value {
    match &e.details {
        Some(Details::Problems(list)) => json!(list),
        _ => {
            let key = format!("error.{}", e.code);
            let text = page.t(&state.locales, &key);
            json!([{"file": "", "line": 0, "column": 0, "message": text, "pesan": text}])
        }
    }
}

async fn dashboard(
    state: &AppState,
    _req: &HttpRequest,
    page: &Page,
    status: StatusCode,
    problems: serde_json::Value,
) -> PageResult {
    let Some(me) = page.user.as_ref() else {
        return Ok(redirect("/masuk"));
    };
    let list = publishing::my_courses(state, me).await?;
    let list: Vec<_> = list.iter().map(|c| json!({"slug": c.slug, "title": c.title, "version": c.version, "published": c.published, "jp": c.jp})).collect();
    page.render(
        state,
        "teach.html",
        status,
        json!({"courses": list, "problems": problems}),
    )
}

pub async fn home(state: web::Data<AppState>, req: HttpRequest, user: PageTeacher) -> PageResult {
    let (page, _) = signed_in(&req, user)?;
    dashboard(&state, &req, &page, StatusCode::OK, json!([])).await
}

pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    form: actix_multipart::Multipart,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    // `PageTeacher` settled who is asking before a byte of the upload is read.
    let (_, file) = read_multipart(form, publishing::MAX_UPLOAD, Some(&req)).await?;
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let msg = page.t(&state.locales, "teach.choose_file").to_owned();
        return dashboard(
            &state,
            &req,
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            json!([{"file": "", "line": 0, "column": 0, "message": msg, "pesan": msg}]),
        )
        .await;
    };
    match publishing::publish_zip(&state, &me, bytes).await {
        Ok(p) => Ok(redirect(&format!(
            "/pengajar/kursus/{}?versi={}",
            p.slug, p.version
        ))),
        Err(e) => {
            let problems = problems_json(&e, &page, &state);
            dashboard(&state, &req, &page, status_of(e.code), problems).await
        }
    }
}

#[derive(Deserialize)]
pub struct VersionQuery {
    versi: Option<i32>,
}

pub async fn course(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<String>,
    q: web::Query<VersionQuery>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &path).await?;
    let (_, versions) = publishing::versions(&state, &me, &head.slug).await?;
    let versions: Vec<_> = versions
        .into_iter()
        .map(|v| json!({"version": v.version, "title": v.title, "created_at": v.created_at.format("%d-%m-%Y %H:%M").to_string(), "current": v.current, "hash": v.content_hash.chars().take(10).collect::<String>()}))
        .collect();
    let (_, learners) = publishing::enrolled(&state, &me, &head.slug).await?;
    let learners: Vec<_> = learners
        .into_iter()
        .map(|e| json!({"name": e.name, "username": e.username, "enrolled_at": e.enrolled_at.format("%d-%m-%Y").to_string(), "completed_at": e.completed_at.map(|d| d.format("%d-%m-%Y").to_string())}))
        .collect();
    let compiled = lentera_domain::learning::compiled(&state, &head).await?;
    let lessons: Vec<_> = compiled
        .course
        .lessons
        .iter()
        .map(|l| json!({"slug": l.slug, "title": l.title}))
        .collect();
    let quizzes: Vec<_> = compiled
        .course
        .quizzes
        .iter()
        .map(|q| json!({"slug": q.slug, "title": compiled.quiz_title(&q.slug)}))
        .collect();
    page.render(&state, "teach_course.html", StatusCode::OK, json!({
        "quizzes": quizzes,
        "course": {"slug": head.slug, "title": head.title, "published": head.published, "version": head.version},
        "versions": versions, "learners": learners, "lessons": lessons, "just_published": q.versi,
    }))
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    version: Option<i32>,
}

/// The buttons of a course's page.
enum CourseAction {
    Publish,
    Hide,
    RollBack,
}

impl CourseAction {
    fn parse(name: &str) -> Option<CourseAction> {
        match name {
            "terbitkan" => Some(CourseAction::Publish),
            "sembunyikan" => Some(CourseAction::Hide),
            "kembalikan" => Some(CourseAction::RollBack),
            _ => None,
        }
    }
}

/// Publish, unpublish or roll back, from the course page's buttons: the same operations as
/// the API's.
pub async fn action(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
    form: web::Form<ActionForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (slug, action) = path.into_inner();
    let (_, me) = signed_in(&req, user)?;
    let action = CourseAction::parse(&action)
        .ok_or_else(|| ApiError::new(ErrorCode::PageNotFound, "Page not found"))?;
    let head = match action {
        CourseAction::Publish => publishing::set_published(&state, &me, &slug, true).await?,
        CourseAction::Hide => publishing::set_published(&state, &me, &slug, false).await?,
        CourseAction::RollBack => {
            publishing::rollback(&state, &me, &slug, form.version.unwrap_or(0)).await?
        }
    };
    Ok(redirect(&format!("/pengajar/kursus/{}", head.slug)))
}

pub async fn edit_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, lesson) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &slug).await?;
    let markdown = publishing::lesson_source(&state, &head, &lesson).await?;
    page.render(&state, "teach_lesson.html", StatusCode::OK, json!({
        "course": {"slug": head.slug, "title": head.title}, "lesson": lesson, "markdown": markdown, "preview": null, "problems": [],
    }))
}

#[derive(Deserialize)]
pub struct LessonForm {
    csrf: String,
    markdown: String,
    action: LessonAction,
}

/// The lesson editor's buttons.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LessonAction {
    /// Show the rendered lesson and its problems; nothing is stored.
    Pratinjau,
    /// Publish the edited lesson as a new version of the course.
    Terbitkan,
}

pub async fn save_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
    form: web::Form<LessonForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (slug, lesson) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &slug).await?;
    let render = |status, preview: Option<String>, problems: serde_json::Value| {
        page.render(&state, "teach_lesson.html", status, json!({
            "course": {"slug": head.slug, "title": head.title}, "lesson": lesson, "markdown": form.markdown,
            "preview": preview, "problems": problems,
        }))
    };
    if form.action == LessonAction::Pratinjau {
        return match publishing::preview(format!("lessons/{lesson}.md"), form.markdown.clone())
            .await
        {
            Ok(html) => render(StatusCode::OK, Some(html), json!([])),
            Err(e) => render(status_of(e.code), None, problems_json(&e, &page, &state)),
        };
    }
    match publishing::edit_lesson(&state, &me, &head, &lesson, &form.markdown).await {
        Ok(p) => Ok(redirect(&format!(
            "/pengajar/kursus/{}?versi={}",
            p.slug, p.version
        ))),
        // The text stays in the form, with every problem above it: nothing typed is lost.
        Err(e) => render(status_of(e.code), None, problems_json(&e, &page, &state)),
    }
}
