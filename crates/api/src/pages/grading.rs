//! Instructor pages for essays waiting for a grade, and quiz statistics.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::forms::check_csrf;
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageTeacher;
use crate::error::ApiError;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::AttemptId;
use lentera_domain::ErrorCode;
use lentera_domain::learning::{self as journey, GradeEntry};
use lentera_domain::policy::Action;

pub async fn queue(state: web::Data<AppState>, req: HttpRequest, user: PageTeacher) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let queue = journey::grading_queue(&state, &me).await?;
    let mut list = Vec::with_capacity(queue.len());
    for item in queue {
        let at = item
            .submitted_at
            .as_deref()
            .and_then(|s| s.parse::<chrono::DateTime<chrono::Utc>>().ok());
        let mut a = serde_json::to_value(item).map_err(lentera_domain::Error::internal)?;
        a["submitted_local"] = json!(at.map(|t| journey::local_time(t, &me.user.time_zone)));
        list.push(a);
    }
    page.render(
        &state,
        "grading.html",
        StatusCode::OK,
        json!({"attempts": list}),
    )
}

async fn show_form(
    state: &AppState,
    _req: &HttpRequest,
    page: &Page,
    id: AttemptId,
    errors: &Value,
    typed: &Value,
    status: StatusCode,
) -> PageResult {
    let me = page.require_user()?;
    let (attempt, quiz, _) = journey::attempt_for_grading(state, &me, id).await?;
    let view = journey::grading_view(state, &attempt, &quiz).await?;
    page.render(
        state,
        "grade.html",
        status,
        json!({"view": view, "errors": errors, "typed": typed}),
    )
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<AttemptId>,
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
    user: PageTeacher,
    path: web::Path<AttemptId>,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = form.into_inner();
    let get = |k: &str| super::forms::form_field(&fields, k).map(|v| v.trim().to_owned());
    check_csrf(&req, &get("csrf").unwrap_or_default())?;
    let (page, me) = signed_in(&req, user)?;
    let id = path.into_inner();
    let (attempt, quiz, granted) = journey::attempt_for_grading(&state, &me, id).await?;
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
            Ok(score) if score.is_finite() => grades.push(GradeEntry {
                question: q.to_owned(),
                score,
                comment: get(&format!("comment.{q}")).filter(|c| !c.is_empty()),
            }),
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
            Err(e) if e.code == ErrorCode::InvalidGrade => {
                let field = e.field.clone().unwrap_or_default();
                let text = format!(
                    "{} ({})",
                    page.t(&state.locales, "grading.score_range"),
                    e.message
                );
                errors.insert(field, json!(text));
            }
            Err(e) => return Err(ApiError::from(e)),
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
    user: PageTeacher,
    path: web::Path<(String, String)>,
    q: web::Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let (slug, quiz_slug) = path.into_inner();
    let (head, _) =
        lentera_domain::publishing::course_for(&state, &me, &slug, Action::ViewStatistics).await?;
    let compiled = journey::compiled(&state, &head).await?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| ApiError::new(ErrorCode::PageNotFound, "Page not found"))?;
    let stats = journey::quiz_statistics(&state, &head, quiz).await?;
    if q.get("format").map(String::as_str) == Some("csv") {
        let csv = lentera_domain::reports::statistics_csv(&stats)?;
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
}
