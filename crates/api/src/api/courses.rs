//! Catalogue, outline, enrolment and lessons.

use actix_web::{HttpResponse, web};
use lentera_content::ItemKind;
use serde_json::json;

use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::NoBody;
use crate::journey;
use crate::state::AppState;
use lentera_store::courses;

pub async fn list(state: web::Data<AppState>, _user: ApiUser) -> AppResult<HttpResponse> {
    let list: Vec<_> = courses::list_published(&state.db)
        .await?
        .into_iter()
        .map(|c| json!({"slug": c.slug, "title": c.title, "summary": c.summary, "category": c.category, "jp": c.jp, "version": c.version}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"courses": list})))
}

pub async fn outline(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (head, compiled) = journey::course(&state, &path).await?;
    let course = &compiled.course;
    let items = journey::outline(&compiled);
    let pick = |kind: ItemKind| -> Vec<serde_json::Value> {
        items
            .iter()
            .filter(|i| i.0 == kind)
            .map(|(_, slug, title, required, module)| json!({"slug": slug, "title": title, "required": required, "module": module}))
            .collect()
    };
    let modules: Vec<_> = course
        .modules
        .iter()
        .map(|m| json!({"slug": m.slug, "title": m.title, "items": m.items.iter().map(|i| json!({"kind": i.kind, "slug": i.slug, "required": i.required})).collect::<Vec<_>>()}))
        .collect();
    let (enrolled, progress) = journey::course_view(&state, &user.0.user, &head, &compiled).await?;
    Ok(HttpResponse::Ok().json(json!({
        "slug": head.slug, "title": head.title, "summary": head.summary, "category": head.category,
        "jp": head.jp, "version": head.version, "level": course.level, "language": course.language,
        "authors": course.authors, "partner": course.partner, "estimated_hours": course.estimated_hours,
        "lessons": pick(ItemKind::Lesson), "quizzes": pick(ItemKind::Quiz), "modules": modules,
        "enrolled": enrolled, "progress": progress,
    })))
}

pub async fn enroll(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    _: NoBody,
) -> AppResult<HttpResponse> {
    let (head, _) = journey::course(&state, &path).await?;
    let created = journey::enroll(&state, &user.0.user, &head).await?;
    let body = json!({"course": head.slug, "enrolled": true});
    Ok(if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}

pub async fn lesson(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, lesson_slug) = path.into_inner();
    let (head, compiled) = journey::course(&state, &slug).await?;
    let lesson = compiled.course.lesson(&lesson_slug).ok_or_else(|| {
        AppError::not_found(
            "lesson_not_found",
            format!("No lesson '{lesson_slug}' in this course"),
        )
    })?;
    let done = state
        .progress
        .get(&state.db, user.0.user.id, head.id)
        .await?
        .ok_or_else(|| AppError::forbidden("not_enrolled", "Enrol in the course first"))?
        .contains(&lesson.slug);
    // Written straight from the cached lesson: no copy of its HTML into a JSON tree first.
    #[derive(serde::Serialize)]
    struct LessonBody<'a> {
        slug: &'a str,
        title: &'a str,
        minutes: u32,
        required: bool,
        module: &'a str,
        html: &'a str,
        completed: bool,
    }
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

pub async fn complete_lesson(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
    _: NoBody,
) -> AppResult<HttpResponse> {
    let (slug, lesson_slug) = path.into_inner();
    let (head, compiled) = journey::course(&state, &slug).await?;
    let (new, certificate) =
        journey::complete_lesson(&state, &user.0.user, &head, &compiled, &lesson_slug).await?;
    let body = json!({
        "lesson": lesson_slug, "completed": true,
        "certificate": certificate.as_ref().map(|c| journey::certificate_json(&state, c)),
    });
    Ok(if new {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    })
}
