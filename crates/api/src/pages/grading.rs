//! Instructor pages for essays waiting for a grade, and quiz statistics.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::forms::check_csrf_field;
use super::learn::CourseRef;
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageTeacher;
use crate::error::ApiError;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_assessment::{OptionCount, QuestionType, QuizStatistics, ResponseCount};
use lentera_domain::learning::{self, GradeEntry, GradingItem, GradingView};
use lentera_domain::policy::Action;
use lentera_domain::{AttemptId, ErrorCode};

#[derive(Serialize)]
struct QueuePage {
    attempts: Vec<QueueRow>,
    /// A grade was just saved (`?dinilai=1` after the grading form).
    saved: bool,
}

/// An attempt waiting for a grade, with when it was submitted in the instructor's time.
#[derive(Serialize)]
struct QueueRow {
    #[serde(flatten)]
    item: GradingItem,
    submitted_local: Option<String>,
}

pub async fn queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let attempts = learning::grading_queue(&state, &me)
        .await?
        .into_iter()
        .map(|item| {
            let at = item
                .submitted_at
                .as_deref()
                .and_then(|s| s.parse::<chrono::DateTime<chrono::Utc>>().ok());
            QueueRow {
                submitted_local: at.map(|t| learning::local_time(t, &me.user.time_zone)),
                item,
            }
        })
        .collect();
    page.render(
        &state,
        "grading.html",
        StatusCode::OK,
        QueuePage {
            attempts,
            saved: q.contains_key("dinilai"),
        },
    )
}

/// What the grader typed for one essay, shown again when the form is refused.
#[derive(Serialize)]
struct Typed {
    score: String,
    comment: Option<String>,
}

/// The grading form's state: messages by essay (`_` for the whole form), what was typed.
#[derive(Serialize, Default)]
struct GradeForm {
    errors: HashMap<String, String>,
    typed: HashMap<String, Typed>,
}

#[derive(Serialize)]
struct GradePage {
    view: GradingView,
    #[serde(flatten)]
    form: GradeForm,
}

async fn show_form(
    state: &AppState,
    page: &Page,
    id: AttemptId,
    form: GradeForm,
    status: StatusCode,
) -> PageResult {
    let me = page.require_user()?;
    let (attempt, quiz, _) = learning::attempt_for_grading(state, &me, id).await?;
    let view = learning::grading_view(state, &attempt, &quiz).await?;
    page.render(state, "grade.html", status, GradePage { view, form })
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<AttemptId>,
) -> PageResult {
    let (page, _) = signed_in(&req, user)?;
    let form = GradeForm::default();
    show_form(&state, &page, path.into_inner(), form, StatusCode::OK).await
}

/// The grades in the form (`score.{question}`, `comment.{question}`); an empty score is an
/// essay left for later, an unreadable one a message beside it.
fn read_grades(fields: &[(String, String)], invalid: &str) -> (Vec<GradeEntry>, GradeForm) {
    let get = |k: &str| super::forms::form_field(fields, k).map(|v| v.trim().to_owned());
    let mut grades = Vec::new();
    let mut form = GradeForm::default();
    for (name, value) in fields {
        let Some(q) = name.strip_prefix("score.") else {
            continue;
        };
        let comment = get(&format!("comment.{q}"));
        form.typed.insert(
            q.to_owned(),
            Typed {
                score: value.clone(),
                comment: comment.clone(),
            },
        );
        if value.trim().is_empty() {
            continue;
        }
        match value.trim().replace(',', ".").parse::<f64>() {
            Ok(score) if score.is_finite() => grades.push(GradeEntry {
                question: q.to_owned(),
                score,
                comment: comment.filter(|c| !c.is_empty()),
            }),
            _ => {
                form.errors.insert(q.to_owned(), invalid.to_owned());
            }
        }
    }
    (grades, form)
}

/// Saves the grades of a submitted attempt's essays; a refused form is shown again with
/// everything typed and a message beside each essay at fault, in the page's language.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<AttemptId>,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (page, me) = signed_in(&req, user)?;
    let id = path.into_inner();
    let (attempt, quiz, granted) = learning::attempt_for_grading(&state, &me, id).await?;
    let t = |key: &str| page.t(&state.locales, key).to_owned();
    let (grades, mut form) = read_grades(&fields, &t("grading.score_invalid"));
    if form.errors.is_empty() && grades.is_empty() {
        form.errors.insert("_".into(), t("grading.nothing"));
    } else if form.errors.is_empty() {
        let saved = learning::grade_essays(&state, granted, &me, &attempt, &quiz, &grades).await;
        let (field, key) = match saved {
            Ok(_) => return Ok(redirect("/pengajar/penilaian?dinilai=1")),
            Err(e) => refused_grade(e)?,
        };
        form.errors.insert(field, t(&key));
    }
    show_form(&state, &page, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A grade the domain refused, as the essay it is about and the locale key of the message.
fn refused_grade(e: lentera_domain::Error) -> Result<(String, String), ApiError> {
    let key = match e.code {
        ErrorCode::InvalidGrade => "grading.score_range".to_owned(),
        ErrorCode::InvalidComment => format!("error.{}", e.code),
        _ => return Err(ApiError::from(e)),
    };
    Ok((e.field.unwrap_or_default(), key))
}

#[derive(Serialize)]
struct StatisticsPage<'a> {
    course: CourseRef<'a>,
    quiz: CourseRef<'a>,
    attempts: usize,
    average: String,
    pass_rate: String,
    questions: Vec<QuestionRow<'a>>,
}

#[derive(Serialize)]
struct QuestionRow<'a> {
    id: &'a str,
    kind: QuestionType,
    prompt_html: &'a str,
    shown: usize,
    answered: usize,
    facility: String,
    sd: String,
    discrimination: String,
    low_discrimination: bool,
    options: Option<&'a [OptionCount]>,
    top: Option<&'a [ResponseCount]>,
}

/// A figure with one decimal, or a dash when there is none.
fn figure(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"))
}

/// `/pengajar/kursus/{slug}/kuis/{quiz}/statistik`, and `.csv` with `?format=csv`.
pub async fn statistics(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageTeacher,
    path: web::Path<(String, String)>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let (slug, quiz_slug) = path.into_inner();
    let (head, _) =
        lentera_domain::publishing::course_for(&state, &me, &slug, Action::ViewStatistics).await?;
    let compiled = learning::compiled(&state, &head).await?;
    let quiz = compiled
        .quiz(&quiz_slug)
        .ok_or_else(|| ApiError::new(ErrorCode::PageNotFound, "Page not found"))?;
    let stats = learning::quiz_statistics(&state, &head, quiz).await?;
    if q.get("format").map(String::as_str) == Some("csv") {
        let csv = lentera_domain::reports::statistics_csv(&stats)?;
        let name = format!("statistik-{quiz_slug}.csv");
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(crate::respond::disposition(false, &name))
            .body(csv));
    }
    let course = CourseRef {
        slug: &head.slug,
        title: &head.title,
    };
    let view = StatisticsPage::of(course, &quiz.slug, &quiz.title, &stats);
    page.render(&state, "statistics.html", StatusCode::OK, view)
}

impl<'a> StatisticsPage<'a> {
    fn of(course: CourseRef<'a>, slug: &'a str, title: &'a str, stats: &'a QuizStatistics) -> Self {
        let questions = (stats.questions.iter())
            .map(|s| QuestionRow {
                id: &s.id,
                kind: s.kind,
                prompt_html: &s.prompt_html,
                shown: s.shown,
                answered: s.answered,
                facility: figure(s.facility_index),
                sd: figure(s.standard_deviation),
                discrimination: figure(s.discrimination_index),
                low_discrimination: s.discrimination_index.is_some_and(|d| d < 20.0),
                options: s.options.as_deref(),
                top: s.top_responses.as_deref(),
            })
            .collect();
        StatisticsPage {
            course,
            quiz: CourseRef { slug, title },
            attempts: stats.attempts,
            average: figure(stats.average_percent),
            pass_rate: figure(stats.pass_rate),
            questions,
        }
    }
}
