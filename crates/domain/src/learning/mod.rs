//! The learner's journey as domain operations, shared by the JSON API and the pages:
//! courses and lessons here; progress and completion, attempts, results and the learner's
//! news, essay grading and quiz statistics in the submodules.

pub mod attempts;
pub mod grading;
pub mod progress;
pub mod results;
pub mod statistics;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use lentera_content::ItemKind;
use serde::Serialize;

use crate::catalog::CompiledCourse;
use crate::changes::Change;
use crate::error::{Error, ErrorCode, Result};
use crate::{Jp, Lentera};
use lentera_store::courses::{self, CourseHead};
use lentera_store::learning::{self};
pub use lentera_store::learning::{Attempt, Certificate};
use lentera_store::people::User;

use utoipa::ToSchema;

pub use attempts::*;
pub use grading::*;

pub use progress::*;
pub use results::*;
pub use statistics::*;

/// A published course and its compiled current version; 404 for unknown or unpublished.
pub async fn course(state: &Lentera, slug: &str) -> Result<(CourseHead, Arc<CompiledCourse>)> {
    let head = state
        .courses
        .head(&state.db, slug)
        .await?
        .filter(|c| c.published)
        .ok_or_else(|| Error::new(ErrorCode::CourseNotFound, format!("No course '{slug}'")))?;
    let compiled = state.courses.get(&state.db, &head).await?;
    Ok((head, compiled))
}

pub async fn require_enrolled(state: &Lentera, user: &User, head: &CourseHead) -> Result<()> {
    if learning::is_enrolled(&state.db, user.id, head.id).await? {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::NotEnrolled,
            "Enrol in the course first",
        ))
    }
}

/// Enrols a learner (true when new); their cached state in the course is forgotten.
pub async fn enroll(state: &Lentera, user: &User, head: &CourseHead) -> Result<bool> {
    let created = learning::enroll(&state.db, user.id, head.id).await?;
    if created {
        state.changed(Change::Progress(user.id)).await?;
    }
    Ok(created)
}

/// Marks a lesson done; returns whether it was new and a certificate if this finished the course.
pub async fn complete_lesson(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
    lesson: &str,
) -> Result<(bool, Option<Certificate>)> {
    let Some(found) = compiled.course.lesson(lesson) else {
        return Err(Error::new(
            ErrorCode::LessonNotFound,
            format!("No lesson '{lesson}' in this course"),
        ));
    };
    require_enrolled(state, user, head).await?;
    let new = learning::complete_lesson(&state.db, user.id, head.id, lesson).await?;
    if new {
        state.changed(Change::Progress(user.id)).await?;
        crate::xapi::record(
            state,
            user,
            crate::xapi::Happened::LessonExperienced {
                course: &head.slug,
                course_title: &head.title,
                lesson,
                lesson_title: &found.title,
            },
        )
        .await;
    }
    let cert = check_completion(state, user, head, compiled).await?;
    Ok((new, cert))
}

/// One item of a course's outline, in order.
#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub kind: ItemKind,
    pub slug: String,
    pub title: String,
    pub required: bool,
    /// The module's title.
    pub module: String,
}

/// Outline items in order with titles, for the course page and the API.
pub fn outline(compiled: &CompiledCourse) -> Vec<OutlineEntry> {
    let course = &compiled.course;
    let mut out = Vec::new();
    for module in &course.modules {
        for item in &module.items {
            let title = match item.kind {
                ItemKind::Lesson => course
                    .lesson(&item.slug)
                    .map_or_else(|| item.slug.clone(), |l| l.title.clone()),
                ItemKind::Quiz => compiled.quiz_title(&item.slug),
            };
            out.push(OutlineEntry {
                kind: item.kind,
                slug: item.slug.clone(),
                title,
                required: item.required,
                module: module.title.clone(),
            });
        }
    }
    out
}

/// A lesson or quiz of the outline, for the API.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutlineItemView {
    pub slug: String,
    pub title: String,
    pub required: bool,
    /// The module's title.
    pub module: String,
}

/// An item of a module.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleItemView {
    /// lesson or quiz.
    pub kind: String,
    pub slug: String,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleView {
    pub slug: String,
    pub title: String,
    pub items: Vec<ModuleItemView>,
}

/// A published course's outline, and where the caller stands in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutlineView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: Jp,
    pub version: i32,
    pub level: String,
    pub language: String,
    pub authors: Vec<String>,
    pub partner: Option<String>,
    /// The partner institution's name, when `partner` is the code of a partner registered
    /// in Lentera (`POST /api/v1/partners`): the course was authored with it.
    pub partner_name: Option<String>,
    pub estimated_hours: Option<f64>,
    /// Lessons in outline order.
    pub lessons: Vec<OutlineItemView>,
    /// Quizzes in outline order.
    pub quizzes: Vec<OutlineItemView>,
    pub modules: Vec<ModuleView>,
    pub enrolled: bool,
    pub progress: CourseProgress,
}

fn kind_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Lesson => "lesson",
        ItemKind::Quiz => "quiz",
    }
}

/// The name of the partner institution a course was authored with, when its `partner` is
/// the code of a partner registered in Lentera (else the course shows `partner` as written).
pub async fn partner_name(state: &Lentera, compiled: &CompiledCourse) -> Result<Option<String>> {
    match compiled.course.partner.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => {
            Ok(lentera_store::events::partner_by_code(&state.db, code)
                .await?
                .map(|p| p.name))
        }
        _ => Ok(None),
    }
}

/// The outline of the published course `slug` for `user`.
pub async fn outline_view(state: &Lentera, user: &User, slug: &str) -> Result<OutlineView> {
    let (head, compiled) = course(state, slug).await?;
    let c = &compiled.course;
    let items = outline(&compiled);
    let pick = |kind: ItemKind| -> Vec<OutlineItemView> {
        items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| OutlineItemView {
                slug: i.slug.clone(),
                title: i.title.clone(),
                required: i.required,
                module: i.module.clone(),
            })
            .collect()
    };
    let modules = c
        .modules
        .iter()
        .map(|m| ModuleView {
            slug: m.slug.clone(),
            title: m.title.clone(),
            items: m
                .items
                .iter()
                .map(|i| ModuleItemView {
                    kind: kind_name(i.kind).to_owned(),
                    slug: i.slug.clone(),
                    required: i.required,
                })
                .collect(),
        })
        .collect();
    let (enrolled, progress) = course_view(state, user, &head, &compiled).await?;
    let partner_name = partner_name(state, &compiled).await?;
    Ok(OutlineView {
        partner_name,
        lessons: pick(ItemKind::Lesson),
        quizzes: pick(ItemKind::Quiz),
        modules,
        enrolled,
        progress,
        level: c.level.clone(),
        language: c.language.clone(),
        authors: c.authors.clone(),
        partner: c.partner.clone(),
        estimated_hours: c.estimated_hours,
        slug: head.slug,
        title: head.title,
        summary: head.summary,
        category: head.category,
        jp: head.jp,
        version: head.version,
    })
}

/// A moment in the user's Indonesian time zone (WIB, WITA or WIT), e.g. "24-11-2026 09:00 WIT".
pub fn local_time(at: DateTime<Utc>, time_zone: &str) -> String {
    let (hours, name) = match time_zone {
        "WITA" => (8, "WITA"),
        "WIT" => (9, "WIT"),
        _ => (7, "WIB"),
    };
    format!(
        "{} {name}",
        (at + chrono::Duration::hours(hours)).format("%d-%m-%Y %H:%M")
    )
}

/// The learner's attempts at a quiz of a course, oldest first.
pub async fn attempts_of(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
    quiz: &str,
) -> Result<Vec<Attempt>> {
    Ok(learning::attempts(&state.db, user.id, head.id, quiz).await?)
}

/// Whether the learner is enrolled in the course.
pub async fn is_enrolled(state: &Lentera, user: &User, head: &CourseHead) -> Result<bool> {
    Ok(learning::is_enrolled(&state.db, user.id, head.id).await?)
}

/// Whether the learner has completed the course with this slug.
pub async fn has_completed(state: &Lentera, user: &User, course_slug: &str) -> Result<bool> {
    let Some(head) = courses::by_slug(&state.db, course_slug).await? else {
        return Ok(false);
    };
    Ok(learning::completion_of(&state.db, user.id, head.id)
        .await?
        .is_some())
}

/// The lessons the learner has done in the course; `None` when not enrolled. From memory
/// when fresh ([`crate::catalog::ProgressCache`]): reading lessons costs no query.
pub async fn lessons_done(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
) -> Result<crate::catalog::Done> {
    state.progress.get(&state.db, user.id, head.id).await
}

/// The compiled current version of a course (for its authors, whatever its state).
pub async fn compiled(state: &Lentera, head: &CourseHead) -> Result<Arc<CompiledCourse>> {
    state.courses.get(&state.db, head).await
}
