//! Instructor pages: my courses with an upload form, a course's versions and learners,
//! and a lesson editor with a Markdown preview that works without JavaScript.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::Deserialize;
use serde_json::json;

use super::{Page, PageResult, check_csrf, page_err, redirect, signed_in};
use crate::auth::PageUser;
use crate::policy::{self, Action, Resource, Role};
use crate::publishing::{self, Rejected};
use crate::state::AppState;
use lentera_store::courses;

fn problems_json(r: &Rejected, page: &Page, state: &AppState) -> serde_json::Value {
    match r {
        Rejected::Problems(list) => json!(list),
        Rejected::App(e) => {
            let key = format!("error.{}", e.code);
            let text = page.t(&state.locales, &key);
            json!([{"file": "", "line": 0, "column": 0, "message": text, "pesan": text}])
        }
    }
}

async fn dashboard(
    state: &AppState,
    req: &HttpRequest,
    page: &Page,
    status: StatusCode,
    problems: serde_json::Value,
) -> PageResult {
    let Some(me) = page.user.as_ref() else {
        return Ok(redirect("/masuk"));
    };
    policy::authorize(state, me, Action::Teach, Resource::Instance)
        .await
        .map_err(page_err(req))?;
    let list = courses::editable_by(&state.db, me.user.id, me.has(Role::Admin))
        .await
        .map_err(|e| page_err(req)(e.into()))?;
    let list: Vec<_> = list.iter().map(|c| json!({"slug": c.slug, "title": c.title, "version": c.version, "published": c.published, "jp": c.jp})).collect();
    page.render(
        state,
        "teach.html",
        status,
        json!({"courses": list, "problems": problems}),
    )
    .map_err(page_err(req))
}

pub async fn home(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, _) = signed_in(&req, user)?;
    dashboard(&state, &req, &page, StatusCode::OK, json!([])).await
}

pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    form: actix_multipart::Multipart,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    // Who is asking is settled before a byte of the upload is read.
    policy::authorize(&state, &me, Action::Teach, Resource::Instance)
        .await
        .map_err(page_err(&req))?;
    let (_, file) = publishing::read_multipart(form, publishing::MAX_UPLOAD, Some(&req))
        .await
        .map_err(page_err(&req))?;
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
        Err(r) => {
            let problems = problems_json(&r, &page, &state);
            dashboard(
                &state,
                &req,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                problems,
            )
            .await
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
    user: PageUser,
    path: web::Path<String>,
    q: web::Query<VersionQuery>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &path)
        .await
        .map_err(page_err(&req))?;
    let versions: Vec<_> = courses::versions(&state.db, head.id)
        .await
        .map_err(|e| page_err(&req)(e.into()))?
        .into_iter()
        .map(|v| json!({"version": v.version, "title": v.title, "created_at": v.created_at.format("%d-%m-%Y %H:%M").to_string(), "current": v.current, "hash": v.content_hash.chars().take(10).collect::<String>()}))
        .collect();
    let learners: Vec<_> = courses::enrolled(&state.db, head.id)
        .await
        .map_err(|e| page_err(&req)(e.into()))?
        .into_iter()
        .map(|e| json!({"name": e.name, "username": e.username, "enrolled_at": e.enrolled_at.format("%d-%m-%Y").to_string(), "completed_at": e.completed_at.map(|d| d.format("%d-%m-%Y").to_string())}))
        .collect();
    let compiled = state
        .courses
        .get(&state.db, &head)
        .await
        .map_err(page_err(&req))?;
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
    .map_err(page_err(&req))
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    version: Option<i32>,
}

/// Publish, unpublish or roll back, from the course page's buttons.
pub async fn action(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: web::Form<ActionForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf).map_err(page_err(&req))?;
    let (slug, action) = path.into_inner();
    let (_, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &slug)
        .await
        .map_err(page_err(&req))?;
    let db_err = |e: lentera_store::StoreError| page_err(&req)(e.into());
    let (audit_action, detail) = match action.as_str() {
        "terbitkan" => {
            courses::set_published(&state.db, head.id, true)
                .await
                .map_err(db_err)?;
            ("course.published", None)
        }
        "sembunyikan" => {
            courses::set_published(&state.db, head.id, false)
                .await
                .map_err(db_err)?;
            ("course.unpublished", None)
        }
        "kembalikan" => {
            let version = form.version.unwrap_or(0);
            if !courses::set_current_version(&state.db, head.id, version)
                .await
                .map_err(db_err)?
            {
                return Err(page_err(&req)(crate::error::AppError::not_found(
                    "version_not_found",
                    "No such version",
                )));
            }
            ("course.rolled_back", Some(format!("version={version}")))
        }
        _ => return Err(super::PageError::not_found(&req)),
    };
    state.courses.forget_heads();
    lentera_store::audit::record(
        &state.db,
        Some(me.user.id),
        audit_action,
        &format!("course:{}", head.slug),
        detail,
    )
    .await
    .map_err(db_err)?;
    Ok(redirect(&format!("/pengajar/kursus/{}", head.slug)))
}

pub async fn edit_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, lesson) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &slug)
        .await
        .map_err(page_err(&req))?;
    let markdown = publishing::lesson_source(&state, &head, &lesson)
        .await
        .map_err(page_err(&req))?;
    page.render(&state, "teach_lesson.html", StatusCode::OK, json!({
        "course": {"slug": head.slug, "title": head.title}, "lesson": lesson, "markdown": markdown, "preview": null, "problems": [],
    }))
    .map_err(page_err(&req))
}

#[derive(Deserialize)]
pub struct LessonForm {
    csrf: String,
    markdown: String,
    action: String,
}

pub async fn save_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: web::Form<LessonForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf).map_err(page_err(&req))?;
    let (slug, lesson) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let head = publishing::editable(&state, &me, &slug)
        .await
        .map_err(page_err(&req))?;
    let render = |status, preview: Option<String>, problems: serde_json::Value| {
        page.render(&state, "teach_lesson.html", status, json!({
            "course": {"slug": head.slug, "title": head.title}, "lesson": lesson, "markdown": form.markdown,
            "preview": preview, "problems": problems,
        }))
        .map_err(page_err(&req))
    };
    if form.action != "terbitkan" {
        return match publishing::preview(format!("lessons/{lesson}.md"), form.markdown.clone())
            .await
        {
            Ok(html) => render(StatusCode::OK, Some(html), json!([])),
            Err(r) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                problems_json(&r, &page, &state),
            ),
        };
    }
    match publishing::edit_lesson(&state, &me, &head, &lesson, &form.markdown).await {
        Ok(p) => Ok(redirect(&format!(
            "/pengajar/kursus/{}?versi={}",
            p.slug, p.version
        ))),
        // The text stays in the form, with every problem above it: nothing typed is lost.
        Err(r) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            problems_json(&r, &page, &state),
        ),
    }
}
