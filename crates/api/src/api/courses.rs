//! Catalogue, outline, enrolment and lessons.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::NoBody;
use crate::state::AppState;
use lentera_domain::catalog::CourseSummary;
use lentera_domain::certificates::CertificateView;
use lentera_domain::learning::{self, OutlineView};
use lentera_domain::{Error, ErrorCode, catalog};

#[derive(Serialize, ToSchema)]
pub struct Catalogue {
    pub courses: Vec<CourseSummary>,
}

/// The published courses.
#[utoipa::path(get, path = "/api/v1/courses", tag = "learning", security(("bearer" = [])),
    responses((status = 200, body = Catalogue), (status = 401, body = ErrorBody)))]
pub async fn list(state: web::Data<AppState>, _user: ApiUser) -> ApiResult<web::Json<Catalogue>> {
    let courses = catalog::published(&state).await?;
    Ok(web::Json(Catalogue { courses }))
}

/// A published course's outline and where the caller stands in it.
#[utoipa::path(get, path = "/api/v1/courses/{slug}", tag = "learning", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course")),
    responses((status = 200, body = OutlineView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn outline(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
) -> ApiResult<web::Json<OutlineView>> {
    Ok(web::Json(
        learning::outline_view(&state, &user.0.user, &path).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Enrolled {
    pub course: String,
    pub enrolled: bool,
}

/// Enrols the caller (201 when new, 200 when they were already).
#[utoipa::path(post, path = "/api/v1/courses/{slug}/enrollment", tag = "learning",
    security(("bearer" = [])), params(("slug" = String, Path, description = "The course")),
    responses((status = 201, body = Enrolled), (status = 200, body = Enrolled),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enroll(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    _: NoBody,
) -> ApiResult<HttpResponse> {
    let (head, _) = learning::course(&state, &path).await?;
    let created = learning::enroll(&state, &user.0.user, &head).await?;
    let body = Enrolled {
        course: head.slug,
        enrolled: true,
    };
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

/// A lesson, rendered (sanitised HTML).
#[derive(Serialize, ToSchema)]
pub struct LessonBody<'a> {
    slug: &'a str,
    title: &'a str,
    minutes: u32,
    required: bool,
    module: &'a str,
    html: &'a str,
    completed: bool,
}

/// A lesson of a course the caller is enrolled in.
#[utoipa::path(get, path = "/api/v1/courses/{slug}/lessons/{lesson}", tag = "learning",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("lesson" = String, Path, description = "The lesson")),
    responses((status = 200, body = LessonBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn lesson(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, lesson_slug) = path.into_inner();
    let (head, compiled) = learning::course(&state, &slug).await?;
    let lesson = compiled.course.lesson(&lesson_slug).ok_or_else(|| {
        Error::new(
            ErrorCode::LessonNotFound,
            format!("No lesson '{lesson_slug}' in this course"),
        )
    })?;
    let done = learning::lessons_done(&state, &user.0.user, &head)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::NotEnrolled, "Enrol in the course first"))?
        .contains(&lesson.slug);
    // Written straight from the cached lesson: no copy of its HTML into a JSON tree first.
    Ok(HttpResponse::Ok().json(LessonBody {
        slug: &lesson.slug,
        title: &lesson.title,
        minutes: lesson.minutes,
        required: lesson.required,
        module: &lesson.module,
        html: &lesson.html,
        completed: done,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct LessonCompleted {
    pub lesson: String,
    pub completed: bool,
    /// The certificate, when this lesson completed the course.
    pub certificate: Option<CertificateView>,
}

/// Marks a lesson done (201 the first time, 200 after); may complete the course.
#[utoipa::path(post, path = "/api/v1/courses/{slug}/lessons/{lesson}/complete", tag = "learning",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The course"), ("lesson" = String, Path, description = "The lesson")),
    responses((status = 201, body = LessonCompleted), (status = 200, body = LessonCompleted),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn complete_lesson(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
    _: NoBody,
) -> ApiResult<HttpResponse> {
    let (slug, lesson_slug) = path.into_inner();
    let (head, compiled) = learning::course(&state, &slug).await?;
    let (new, certificate) =
        learning::complete_lesson(&state, &user.0.user, &head, &compiled, &lesson_slug).await?;
    let body = LessonCompleted {
        lesson: lesson_slug,
        completed: true,
        certificate: certificate.as_ref().map(|c| CertificateView::of(&state, c)),
    };
    Ok(if new {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}
