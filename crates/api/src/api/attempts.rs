//! Quiz attempts: start, show, save, submit; a learner's standing on a quiz; the answer key
//! and statistics for a course's authors; essay grading.

use actix_web::{HttpResponse, web};
use lentera_assessment::ResponseEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{ApiTeacher, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{NoBody, OptionalJson};
use crate::state::AppState;
use lentera_domain::learning::{
    self, AttemptResult, AttemptView, GradeEntry, GradingItem, GradingView, QuizStanding,
    ReviewView,
};
use lentera_domain::policy::Action;
use lentera_domain::{AttemptId, AttemptState};
use lentera_domain::{Error, ErrorCode, interchange, publishing};

use crate::respond;

fn quiz_not_found(quiz: &str) -> Error {
    Error::new(
        ErrorCode::QuizNotFound,
        format!("No quiz '{quiz}' in this course"),
    )
}

/// Starts an attempt (201), or returns the open one (200): a reload never burns an attempt.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/quizzes/{quiz}/attempts", tag = "quizzes",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("quiz" = String, Path, description = "The quiz")),
    responses((status = 201, body = AttemptView), (status = 200, body = AttemptView),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn start(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
    _: NoBody,
) -> ApiResult<HttpResponse> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, compiled) = learning::course(&state, &slug).await?;
    let (attempt, created) =
        learning::start_attempt(&state, &user.0.user, &head, &compiled, &quiz_slug).await?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| Error::internal("quiz vanished"))?;
    let body = learning::attempt_view(&state, &attempt, quiz)?;
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// An attempt with what was saved, and once submitted its result and review.
#[derive(Serialize, ToSchema)]
pub struct AttemptDetail {
    #[serde(flatten)]
    pub attempt: AttemptView,
    pub responses: Vec<ResponseEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<AttemptResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewView>,
}

/// The caller's attempt; another learner's is "not found".
#[utoipa::path(get, path = "/api/v1/attempts/{id}", tag = "quizzes", security(("bearer" = [])),
    params(("id" = i32, Path, description = "The attempt")),
    responses((status = 200, body = AttemptDetail), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<AttemptId>,
) -> ApiResult<web::Json<AttemptDetail>> {
    let (attempt, _, quiz) =
        learning::load_attempt(&state, &user.0.user, path.into_inner()).await?;
    let closed = attempt.state != AttemptState::Open;
    Ok(web::Json(AttemptDetail {
        responses: learning::saved_responses(&state, &attempt).await?,
        result: closed.then(|| learning::result(&state, &attempt, None)),
        review: if closed {
            Some(learning::review(&state, &attempt, &quiz).await?)
        } else {
            None
        },
        attempt: learning::attempt_view(&state, &attempt, &quiz)?,
    }))
}

/// Answers: `{"question":"q1","choices":["a"]}`, `{"question":"q2","text":"..."}`,
/// `{"question":"q3","number":4.5}`, `{"question":"q4","pairs":[["l1","r2"]]}`,
/// `{"question":"q5","order":["c","a","b"]}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Responses {
    #[serde(default)]
    responses: Vec<ResponseEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct Saved {
    pub attempt: AttemptId,
    pub saved: usize,
}

/// Saves answers without submitting.
#[utoipa::path(put, path = "/api/v1/attempts/{id}/responses", tag = "quizzes",
    security(("bearer" = [])), params(("id" = i32, Path, description = "The attempt")),
    request_body = Responses,
    responses((status = 200, body = Saved), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<AttemptId>,
    body: web::Json<Responses>,
) -> ApiResult<web::Json<Saved>> {
    let (attempt, _, quiz) =
        learning::load_attempt(&state, &user.0.user, path.into_inner()).await?;
    learning::save_responses(&state, &attempt, &quiz, &body.responses).await?;
    Ok(web::Json(Saved {
        attempt: attempt.id,
        saved: body.responses.len(),
    }))
}

/// Submits the attempt, with final answers or none; graded exactly once (a second submit
/// is 409 with the first one's result).
#[utoipa::path(post, path = "/api/v1/attempts/{id}/submit", tag = "quizzes",
    security(("bearer" = [])), params(("id" = i32, Path, description = "The attempt")),
    request_body(content = Responses, description = "Optional final answers"),
    responses((status = 200, body = AttemptResult), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<AttemptId>,
    body: OptionalJson<Responses>,
) -> ApiResult<web::Json<AttemptResult>> {
    let (attempt, _, quiz) =
        learning::load_attempt(&state, &user.0.user, path.into_inner()).await?;
    let entries = body.0.map(|b| b.responses).unwrap_or_default();
    Ok(web::Json(
        learning::submit(&state, &user.0.user, &attempt, &quiz, &entries).await?,
    ))
}

/// A question of the answer key.
#[derive(Serialize, ToSchema)]
pub struct KeyQuestion {
    pub id: String,
    pub kind: String,
    pub points: f64,
    pub prompt_html: String,
}

/// A quiz's answer key: the full-mark answers in the shape `submit` takes.
#[derive(Serialize, ToSchema)]
pub struct AnswerKey {
    pub quiz: String,
    pub title: String,
    pub pass_percent: f64,
    pub questions: Vec<KeyQuestion>,
    pub responses: Vec<ResponseEntry>,
}

/// The answer key, for the course's owner, co-authors and admins only.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/quizzes/{quiz}/key", tag = "teaching",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("quiz" = String, Path, description = "The quiz")),
    responses((status = 200, body = AnswerKey), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn key(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<AnswerKey>> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, _) = publishing::course_for(&state, &user.0, &slug, Action::ReadAnswerKey).await?;
    let compiled = learning::compiled(&state, &head).await?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| quiz_not_found(&quiz_slug))?;
    Ok(web::Json(AnswerKey {
        quiz: quiz.slug.clone(),
        title: quiz.title.clone(),
        pass_percent: quiz.pass_percent,
        questions: quiz
            .questions
            .iter()
            .map(|q| KeyQuestion {
                id: q.id.clone(),
                kind: q.kind.kind_name().to_owned(),
                points: q.points,
                prompt_html: q.prompt.clone(),
            })
            .collect(),
        responses: lentera_assessment::answer_key(quiz, &state.keys.quiz_salt),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ExportQuery {
    /// gift (the default and, for now, the only format).
    pub format: Option<String>,
}

/// The quiz as Moodle's GIFT (a text file that Moodle's "GIFT format" import accepts and
/// Lentera reads back into the same questions), for the course's owner, co-authors and
/// admins: it carries the answers.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/quizzes/{quiz}/export", tag = "teaching",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("quiz" = String, Path, description = "The quiz"), ExportQuery),
    responses((status = 200, content_type = "text/plain", body = String, description = "GIFT, UTF-8"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<(String, String)>,
    q: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    interchange::check_format(q.format.as_deref())?;
    let (slug, quiz) = path.into_inner();
    let file = interchange::quiz_as_gift(&state, &user.0, &slug, &quiz).await?;
    Ok(respond::text_file(file.text, &file.name))
}

/// The quiz's rules and the caller's attempts, the counted grade and when the next attempt
/// may start.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/quizzes/{quiz}", tag = "quizzes",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("quiz" = String, Path, description = "The quiz")),
    responses((status = 200, body = QuizStanding), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn quiz(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<QuizStanding>> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, compiled) = learning::course(&state, &slug).await?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| quiz_not_found(&quiz_slug))?;
    learning::require_enrolled(&state, &user.0.user, &head).await?;
    let attempts = learning::attempts_of(&state, &user.0.user, &head, &quiz_slug).await?;
    Ok(web::Json(learning::quiz_standing(quiz, &attempts)))
}

#[derive(Serialize, ToSchema)]
pub struct GradingQueue {
    pub attempts: Vec<GradingItem>,
}

/// Attempts waiting for an essay grade in the caller's courses.
#[utoipa::path(get, path = "/api/v1/grading", tag = "teaching", security(("bearer" = [])),
    responses((status = 200, body = GradingQueue), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn grading_queue(
    state: web::Data<AppState>,
    user: ApiTeacher,
) -> ApiResult<web::Json<GradingQueue>> {
    Ok(web::Json(GradingQueue {
        attempts: learning::grading_queue(&state, &user.0).await?,
    }))
}

/// An attempt's essays, for their grader.
#[utoipa::path(get, path = "/api/v1/grading/{id}", tag = "teaching", security(("bearer" = [])),
    params(("id" = i32, Path, description = "The attempt")),
    responses((status = 200, body = GradingView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn grading_show(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<AttemptId>,
) -> ApiResult<web::Json<GradingView>> {
    let (attempt, quiz, _) =
        learning::attempt_for_grading(&state, &user.0, path.into_inner()).await?;
    Ok(web::Json(
        learning::grading_view(&state, &attempt, &quiz).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Grades {
    grades: Vec<GradeEntry>,
}

/// Grades essays; the attempt is regraded and may complete the learner's course.
#[utoipa::path(post, path = "/api/v1/grading/{id}", tag = "teaching", security(("bearer" = [])),
    params(("id" = i32, Path, description = "The attempt")), request_body = Grades,
    responses((status = 200, body = AttemptResult), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grading_submit(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<AttemptId>,
    body: web::Json<Grades>,
) -> ApiResult<web::Json<AttemptResult>> {
    let (attempt, quiz, granted) =
        learning::attempt_for_grading(&state, &user.0, path.into_inner()).await?;
    Ok(web::Json(
        learning::grade_essays(&state, granted, &user.0, &attempt, &quiz, &body.grades).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct FormatQuery {
    /// json (the default) or csv.
    format: Option<String>,
}

/// Moodle-style statistics of a quiz (facility, discrimination, option counts), for the
/// course's authors and admins; `?format=csv` for a spreadsheet.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/quizzes/{quiz}/statistics", tag = "teaching",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("quiz" = String, Path, description = "The quiz"), FormatQuery),
    responses((status = 200, body = Object, description = "The statistics (or CSV)"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn statistics(
    state: web::Data<AppState>,
    user: ApiTeacher,
    path: web::Path<(String, String)>,
    q: web::Query<FormatQuery>,
) -> ApiResult<HttpResponse> {
    let (slug, quiz_slug) = path.into_inner();
    let (head, _) = publishing::course_for(&state, &user.0, &slug, Action::ViewStatistics).await?;
    let compiled = learning::compiled(&state, &head).await?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| quiz_not_found(&quiz_slug))?;
    let stats = learning::quiz_statistics(&state, &head, quiz).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(HttpResponse::Ok().json(stats)),
        "csv" => Ok(crate::respond::csv(
            lentera_domain::reports::statistics_csv(&stats)?,
            &format!("statistik-{quiz_slug}"),
        )),
        other => Err(Error::new(
            ErrorCode::InvalidFormat,
            format!("Unknown format '{other}': use json or csv"),
        )
        .into()),
    }
}
