//! Quiz attempts: start, show, save, submit, and the answer key for instructors.

use actix_web::{HttpResponse, web};
use lentera_assessment::ResponseEntry;
use serde::Deserialize;
use serde_json::json;

use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::journey;
use crate::state::AppState;

pub async fn start(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
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
    body: Option<web::Json<Responses>>,
) -> AppResult<HttpResponse> {
    let (attempt, _, quiz) = journey::load_attempt(&state, &user.0.user, path.into_inner()).await?;
    let entries = body.map(|b| b.into_inner().responses).unwrap_or_default();
    let result = journey::submit(&state, &user.0.user, &attempt, &quiz, &entries).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// The full-mark responses, for instructors and admins only.
pub async fn key(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    user.0.require_any(&["instructor", "admin"])?;
    let (slug, quiz_slug) = path.into_inner();
    let (_, compiled) = journey::course(&state, &slug).await?;
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
