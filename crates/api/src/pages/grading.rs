//! Instructor pages for essays waiting for a grade, and quiz statistics.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::{Page, PageResult, check_csrf, page_err, redirect, signed_in};
use crate::auth::PageUser;
use crate::journey;
use crate::policy::Action;
use crate::state::AppState;

pub async fn queue(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let mut list = journey::grading_queue(&state, &me)
        .await
        .map_err(page_err(&req))?;
    for a in &mut list {
        let at = a["submitted_at"]
            .as_str()
            .and_then(|s| s.parse::<chrono::DateTime<chrono::Utc>>().ok());
        a["submitted_local"] = json!(at.map(|t| journey::local_time(t, &me.user.time_zone)));
    }
    page.render(
        &state,
        "grading.html",
        StatusCode::OK,
        json!({"attempts": list}),
    )
    .map_err(page_err(&req))
}

async fn show_form(
    state: &AppState,
    req: &HttpRequest,
    page: &Page,
    id: i32,
    errors: &Value,
    typed: &Value,
    status: StatusCode,
) -> PageResult {
    let me = page.require_user()?;
    let (attempt, quiz, _) = journey::attempt_for_grading(state, &me, id)
        .await
        .map_err(page_err(req))?;
    let view = journey::grading_view(state, &attempt, &quiz)
        .await
        .map_err(page_err(req))?;
    page.render(
        state,
        "grade.html",
        status,
        json!({"view": view, "errors": errors, "typed": typed}),
    )
    .map_err(page_err(req))
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<i32>,
) -> PageResult {
    let (page, _) = signed_in(&req, user)?;
    show_form(
        &state,
        &req,
        &page,
        path.into_inner(),
        &json!({}),
        &json!({}),
        StatusCode::OK,
    )
    .await
}

/// Fields: `score.{question}` and `comment.{question}` for each essay.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<i32>,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = form.into_inner();
    let get = |k: &str| super::form_field(&fields, k).map(|v| v.trim().to_owned());
    check_csrf(&req, &get("csrf").unwrap_or_default()).map_err(page_err(&req))?;
    let (page, me) = signed_in(&req, user)?;
    let id = path.into_inner();
    let (attempt, quiz, granted) = journey::attempt_for_grading(&state, &me, id)
        .await
        .map_err(page_err(&req))?;
    let mut grades = Vec::new();
    let mut errors = serde_json::Map::new();
    let mut typed = serde_json::Map::new();
    for (name, value) in &fields {
        let Some(q) = name.strip_prefix("score.") else {
            continue;
        };
        typed.insert(
            q.to_owned(),
            json!({"score": value, "comment": get(&format!("comment.{q}"))}),
        );
        if value.trim().is_empty() {
            continue; // not graded yet: left for later
        }
        match value.trim().replace(',', ".").parse::<f64>() {
            Ok(score) if score.is_finite() => grades.push((
                q.to_owned(),
                score,
                get(&format!("comment.{q}")).filter(|c| !c.is_empty()),
            )),
            _ => {
                errors.insert(
                    q.to_owned(),
                    json!(page.t(&state.locales, "grading.score_invalid")),
                );
            }
        }
    }
    if errors.is_empty() && !grades.is_empty() {
        match journey::grade_essays(&state, granted, &me, &attempt, &quiz, &grades).await {
            Ok(_) => return Ok(redirect("/pengajar/penilaian?dinilai=1")),
            Err(e) if e.code == "invalid_grade" => {
                let field = e
                    .extra
                    .as_ref()
                    .and_then(|x| x["field"].as_str())
                    .unwrap_or("")
                    .to_owned();
                let text = format!(
                    "{} ({})",
                    page.t(&state.locales, "grading.score_range"),
                    e.message
                );
                errors.insert(field, json!(text));
            }
            Err(e) => return Err(page_err(&req)(e)),
        }
    } else if errors.is_empty() {
        errors.insert("_".into(), json!(page.t(&state.locales, "grading.nothing")));
    }
    show_form(
        &state,
        &req,
        &page,
        id,
        &Value::Object(errors),
        &Value::Object(typed),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `/pengajar/kursus/{slug}/kuis/{quiz}/statistik`, and `.csv` with `?format=csv`.
pub async fn statistics(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    q: web::Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let (slug, quiz_slug) = path.into_inner();
    let (head, _) = crate::publishing::course_for(&state, &me, &slug, Action::ViewStatistics)
        .await
        .map_err(page_err(&req))?;
    let compiled = state
        .courses
        .get(&state.db, &head)
        .await
        .map_err(page_err(&req))?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| super::PageError::not_found(&req))?;
    let stats = journey::quiz_statistics(&state, &head, quiz)
        .await
        .map_err(page_err(&req))?;
    if q.get("format").map(String::as_str) == Some("csv") {
        let csv = crate::reports::statistics_csv(&stats).map_err(page_err(&req))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(crate::respond::disposition(
                false,
                &format!("statistik-{quiz_slug}.csv"),
            ))
            .body(csv));
    }
    let fmt = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"));
    let questions: Vec<Value> = stats
        .questions
        .iter()
        .map(|s| json!({
            "id": s.id, "kind": s.kind, "prompt_html": s.prompt_html, "shown": s.shown, "answered": s.answered,
            "facility": fmt(s.facility_index), "sd": fmt(s.standard_deviation), "discrimination": fmt(s.discrimination_index),
            "low_discrimination": s.discrimination_index.is_some_and(|d| d < 20.0),
            "options": s.options, "top": s.top_responses,
        }))
        .collect();
    page.render(&state, "statistics.html", StatusCode::OK, json!({
        "course": {"slug": head.slug, "title": head.title}, "quiz": {"slug": quiz.slug, "title": quiz.title},
        "attempts": stats.attempts, "average": fmt(stats.average_percent), "pass_rate": fmt(stats.pass_rate),
        "questions": questions,
    }))
    .map_err(page_err(&req))
}
