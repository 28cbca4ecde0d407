//! Quiz attempts: start, show, save, submit, and the answer key for instructors.

use actix_web::{HttpResponse, web};
use lentera_assessment::ResponseEntry;
use serde::Deserialize;
use serde_json::json;

use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{NoBody, OptionalJson};
use crate::journey;
use crate::policy::Action;
use crate::publishing;
use crate::state::AppState;

pub async fn start(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
    _: NoBody,
) -> AppResult<HttpResponse> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, compiled) = journey::course(&state, &slug).await?;
    let (attempt, created) =
        journey::start_attempt(&state, &user.0.user, &head, &compiled, &quiz_slug).await?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| AppError::internal("quiz vanished"))?;
    let body = journey::attempt_view(&state, &attempt, quiz)?;
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (attempt, _, quiz) = journey::load_attempt(&state, &user.0.user, path.into_inner()).await?;
    let mut body = journey::attempt_view(&state, &attempt, &quiz)?;
    let saved = journey::saved_responses(&state, &attempt).await?;
    if let Some(map) = body.as_object_mut() {
        map.insert("responses".into(), json!(saved));
        if attempt.state != lentera_store::learning::OPEN {
            map.insert(
                "result".into(),
                journey::result_json(&attempt, None, &state),
            );
            map.insert(
                "review".into(),
                journey::review_json(&state, &attempt, &quiz).await?,
            );
        }
    }
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Responses {
    #[serde(default)]
    responses: Vec<ResponseEntry>,
}

pub async fn save(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i32>,
    body: web::Json<Responses>,
) -> AppResult<HttpResponse> {
    let (attempt, _, quiz) = journey::load_attempt(&state, &user.0.user, path.into_inner()).await?;
    journey::save_responses(&state, &attempt, &quiz, &body.responses).await?;
    Ok(HttpResponse::Ok().json(json!({"attempt": attempt.id, "saved": body.responses.len()})))
}

pub async fn submit(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i32>,
    body: OptionalJson<Responses>,
) -> AppResult<HttpResponse> {
    let (attempt, _, quiz) = journey::load_attempt(&state, &user.0.user, path.into_inner()).await?;
    let entries = body.0.map(|b| b.responses).unwrap_or_default();
    let result = journey::submit(&state, &user.0.user, &attempt, &quiz, &entries).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The full-mark responses, for the course's owner, co-authors and admins only.
pub async fn key(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, _) = publishing::course_for(&state, &user.0, &slug, Action::ReadAnswerKey).await?;
    let compiled = state.courses.get(&state.db, &head).await?;
    let quiz = compiled.quiz(&quiz_slug).ok_or_else(|| {
        AppError::not_found(
            "quiz_not_found",
            format!("No quiz '{quiz_slug}' in this course"),
        )
    })?;
    let responses = lentera_assessment::answer_key(quiz, &state.keys.quiz_salt);
    let questions: Vec<_> = quiz
        .questions
        .iter()
        .map(|q| json!({"id": q.id, "kind": q.kind.kind_name(), "points": q.points, "prompt_html": q.prompt}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"quiz": quiz.slug, "title": quiz.title, "pass_percent": quiz.pass_percent, "questions": questions, "responses": responses})))
}

/// `GET /api/v1/courses/{slug}/quizzes/{quiz}`: the quiz's rules and the caller's
/// attempts, with the counted grade and when the next attempt may start.
pub async fn quiz(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, compiled) = journey::course(&state, &slug).await?;
    let quiz = compiled.quiz(&quiz_slug).ok_or_else(|| {
        AppError::not_found(
            "quiz_not_found",
            format!("No quiz '{quiz_slug}' in this course"),
        )
    })?;
    journey::require_enrolled(&state, &user.0.user, &head).await?;
    let attempts =
        lentera_store::learning::attempts(&state.db, user.0.user.id, head.id, &quiz_slug).await?;
    Ok(HttpResponse::Ok().json(journey::quiz_standing_json(quiz, &attempts)))
}

/// `GET /api/v1/grading`: attempts waiting for an essay grade in the caller's courses.
pub async fn grading_queue(state: web::Data<AppState>, user: ApiUser) -> AppResult<HttpResponse> {
    let queue = journey::grading_queue(&state, &user.0).await?;
    Ok(HttpResponse::Ok().json(json!({"attempts": queue})))
}

pub async fn grading_show(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (attempt, quiz, _) =
        journey::attempt_for_grading(&state, &user.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(journey::grading_view(&state, &attempt, &quiz).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeEntry {
    question: String,
    score: f64,
    #[serde(default)]
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grades {
    grades: Vec<GradeEntry>,
}

pub async fn grading_submit(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i32>,
    body: web::Json<Grades>,
) -> AppResult<HttpResponse> {
    let (attempt, quiz, granted) =
        journey::attempt_for_grading(&state, &user.0, path.into_inner()).await?;
    let grades: Vec<(String, f64, Option<String>)> = body
        .into_inner()
        .grades
        .into_iter()
        .map(|g| {
            (
                g.question,
                g.score,
                g.comment.filter(|c| !c.trim().is_empty()),
            )
        })
        .collect();
    let result = journey::grade_essays(&state, granted, &user.0, &attempt, &quiz, &grades).await?;
    Ok(HttpResponse::Ok().json(result))
}

#[derive(Deserialize)]
pub struct FormatQuery {
    format: Option<String>,
}

/// `GET /api/v1/courses/{slug}/quizzes/{quiz}/statistics[?format=csv]`, for the course's
/// instructors and admins.
pub async fn statistics(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
    q: web::Query<FormatQuery>,
) -> AppResult<HttpResponse> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, _) = publishing::course_for(&state, &user.0, &slug, Action::ViewStatistics).await?;
    let compiled = state.courses.get(&state.db, &head).await?;
    let quiz = compiled.quiz(&quiz_slug).ok_or_else(|| {
        AppError::not_found(
            "quiz_not_found",
            format!("No quiz '{quiz_slug}' in this course"),
        )
    })?;
    let stats = journey::quiz_statistics(&state, &head, quiz).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(HttpResponse::Ok().json(stats)),
        "csv" => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(crate::respond::disposition(
                false,
                &format!("statistik-{quiz_slug}.csv"),
            ))
            .body(crate::reports::statistics_csv(&stats)?)),
        other => Err(AppError::bad_request(
            "invalid_format",
            format!("Unknown format '{other}': use json or csv"),
        )),
    }
}
