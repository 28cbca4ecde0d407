//! Where a learner stands in their courses, and completing a course.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use lentera_content::ItemKind;

use crate::catalog::CompiledCourse;
use crate::error::{Error, Result};
use crate::{CourseId, Jp, Lentera};
use lentera_store::courses::{self, CourseHead};
use lentera_store::learning::{self, Certificate, NewCompletion};
use lentera_store::people::User;

/// Where a learner stands in one course.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CourseProgress {
    pub slug: String,
    pub title: String,
    pub jp: Jp,
    pub completed_lessons: usize,
    pub total_lessons: usize,
    pub passed_quizzes: usize,
    pub total_quizzes: usize,
    /// The share of the required lessons and quizzes done (100 once completed): the same
    /// measure as `done_items` of `total_items`.
    pub percent: u32,
    pub completed_at: Option<DateTime<Utc>>,
    /// Required lessons done and required quizzes passed: what completion depends on.
    pub done_items: usize,
    /// Required lessons and quizzes.
    pub total_items: usize,
    /// Where to go on: the first required item not done yet in outline order, else the
    /// first optional one; none when everything is done.
    pub next: Option<NextItem>,
    /// The required items not done yet, in outline order.
    pub remaining: Vec<NextItem>,
    #[serde(skip)]
    pub done_lessons: HashSet<String>,
    #[serde(skip)]
    pub passed: HashSet<String>,
}

pub async fn progress_in(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
) -> Result<CourseProgress> {
    let done = learning::completed_lessons(&state.db, user.id, head.id).await?;
    let standings = learning::quiz_standings(&state.db, user.id, head.id).await?;
    let completion = learning::completion_of(&state.db, user.id, head.id).await?;
    Ok(progress_from(
        head,
        compiled,
        done.into_iter().collect(),
        compiled.passed_quizzes(head.id, &standings),
        completion.map(|(at, _)| at),
    ))
}

/// Whether the learner is enrolled, and where they stand, for the course outline and page:
/// enrolment and lessons done come from [`crate::catalog::ProgressCache`], quizzes and
/// completion from the database (no query at all for a visitor not enrolled).
pub async fn course_view(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
) -> Result<(bool, CourseProgress)> {
    let Some(done) = state.progress.get(&state.db, user.id, head.id).await? else {
        let nothing = progress_from(head, compiled, HashSet::new(), HashSet::new(), None);
        return Ok((false, nothing));
    };
    let standings = learning::quiz_standings(&state.db, user.id, head.id).await?;
    let completion = learning::completion_of(&state.db, user.id, head.id).await?;
    let progress = progress_from(
        head,
        compiled,
        (*done).clone(),
        compiled.passed_quizzes(head.id, &standings),
        completion.map(|(at, _)| at),
    );
    Ok((true, progress))
}

/// A lesson or quiz of a course's outline, as a place to go.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NextItem {
    /// lesson or quiz.
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub required: bool,
}

/// Required items done of all required items, the next item to do and those required still
/// to do, from the outline in order.
fn steps(
    compiled: &CompiledCourse,
    done: &HashSet<String>,
    passed: &HashSet<String>,
) -> (usize, usize, Option<NextItem>, Vec<NextItem>) {
    let items = super::outline(compiled);
    let is_done = |e: &super::OutlineEntry| match e.kind {
        ItemKind::Lesson => done.contains(&e.slug),
        ItemKind::Quiz => passed.contains(&e.slug),
    };
    let to_go = |e: &super::OutlineEntry| NextItem {
        kind: super::kind_name(e.kind).to_owned(),
        slug: e.slug.clone(),
        title: e.title.clone(),
        required: e.required,
    };
    let required: Vec<&super::OutlineEntry> = items.iter().filter(|e| e.required).collect();
    let done_items = required.iter().filter(|e| is_done(e)).count();
    let remaining: Vec<NextItem> = required
        .iter()
        .filter(|e| !is_done(e))
        .map(|e| to_go(e))
        .collect();
    let next = remaining
        .first()
        .cloned()
        .or_else(|| items.iter().find(|e| !e.required && !is_done(e)).map(to_go));
    (done_items, required.len(), next, remaining)
}

/// Where a learner stands, from what they did (no queries: callers fetch once).
fn progress_from(
    head: &CourseHead,
    compiled: &CompiledCourse,
    done: HashSet<String>,
    passed: HashSet<String>,
    completed_at: Option<DateTime<Utc>>,
) -> CourseProgress {
    let course = &compiled.course;
    let completed_lessons = course
        .lessons
        .iter()
        .filter(|l| done.contains(&l.slug))
        .count();
    let passed_quizzes = course
        .quizzes
        .iter()
        .filter(|q| passed.contains(&q.slug))
        .count();
    // Percent of the required work (what completion depends on), the same measure as the
    // count of required items done that pages show beside it.
    let (done_items, total_items, next, remaining) = steps(compiled, &done, &passed);
    // No required item: 0 until completed.
    let percent = if completed_at.is_some() {
        100
    } else {
        (done_items * 100)
            .checked_div(total_items)
            .map_or(0, |p| u32::try_from(p).unwrap_or(100))
    };
    CourseProgress {
        slug: head.slug.clone(),
        title: head.title.clone(),
        jp: head.jp,
        completed_lessons,
        total_lessons: course.lessons.len(),
        passed_quizzes,
        total_quizzes: course.quizzes.len(),
        percent,
        completed_at,
        done_items,
        total_items,
        next,
        remaining,
        done_lessons: done,
        passed,
    }
}

/// Progress in every course the user is enrolled in, in a fixed number of queries
/// whatever the number of courses (the home page and `GET /me/progress`).
pub async fn my_progress(state: &Lentera, user: &User) -> Result<Vec<CourseProgress>> {
    let ids = learning::enrolled_course_ids(&state.db, user.id).await?;
    let heads = courses::by_ids(&state.db, &ids).await?;
    let records = learning::records_of(&state.db, user.id).await?;
    let mut out = Vec::with_capacity(heads.len());
    for head in heads {
        let compiled = state.courses.get(&state.db, &head).await?;
        let of_course = |rows: &[(CourseId, String)]| -> HashSet<String> {
            rows.iter()
                .filter(|(c, _)| *c == head.id)
                .map(|(_, s)| s.clone())
                .collect()
        };
        let completed_at = records
            .completions
            .iter()
            .find(|(c, _)| *c == head.id)
            .map(|(_, at)| *at);
        out.push(progress_from(
            &head,
            &compiled,
            of_course(&records.lessons),
            compiled.passed_quizzes(head.id, &records.quizzes),
            completed_at,
        ));
    }
    Ok(out)
}

/// Records the completion and issues the certificate once every required lesson is
/// done and every required quiz passed. `None` when not complete, or already completed.
pub async fn check_completion(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
) -> Result<Option<Certificate>> {
    let p = progress_in(state, user, head, compiled).await?;
    if p.completed_at.is_some() {
        return Ok(None);
    }
    let course = &compiled.course;
    let lessons_done = course
        .lessons
        .iter()
        .filter(|l| l.required)
        .all(|l| p.done_lessons.contains(&l.slug));
    let quizzes_passed = course
        .quizzes
        .iter()
        .filter(|q| q.required)
        .all(|q| p.passed.contains(&q.slug));
    if !(lessons_done && quizzes_passed) {
        return Ok(None);
    }
    // What the certificate keeps as it is now: the holder's unit and instansi, the score.
    let units = lentera_store::org::all_units(&state.db).await?;
    let unit = user
        .unit_id
        .and_then(|id| units.iter().find(|u| u.id == id));
    let instansi = user
        .unit_id
        .and_then(|id| crate::admin::instansi_of(&units, id));
    let score = counted_score(state, user, head, compiled).await?;
    let random = crate::keys::random_bytes::<15>().map_err(Error::internal)?;
    let cert = learning::complete_course(
        &state.db,
        NewCompletion {
            user_id: user.id,
            course_id: head.id,
            course_version_id: head.version_id,
            version: head.version,
            jp: head.jp,
            holder_name: user.name.clone(),
            holder_nip: user.nip.clone(),
            course_slug: head.slug.clone(),
            course_title: head.title.clone(),
            issuer: state.config.issuer.clone(),
            holder_unit: unit.map(|u| u.name.clone()),
            instansi_id: instansi.map(|u| u.id),
            score,
            code: lentera_certificate::verification_code(&random),
            number: |year, id| lentera_certificate::certificate_number(year, id.0),
        },
    )
    .await?;
    if let Some(c) = &cert {
        tracing::info!(user = user.id.0, course = %head.slug, certificate = %c.number, "course completed");
        crate::xapi::record(
            state,
            user,
            crate::xapi::Happened::CourseCompleted {
                course: &head.slug,
                course_title: &head.title,
                jp: head.jp.0,
                certificate: &c.code,
            },
        )
        .await;
        crate::xapi::record(state, user, crate::xapi::earned(c)).await;
        crate::paths::on_course_completed(state, user, head).await?;
    }
    Ok(cert)
}

/// The counted score of a completed course: the mean percent of the counted attempts at
/// its required quizzes (`None` for a course without one).
async fn counted_score(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
) -> Result<Option<f64>> {
    let mut percents = Vec::new();
    for item in compiled.course.quizzes.iter().filter(|q| q.required) {
        let Some(quiz) = compiled.quiz(&item.slug) else {
            continue;
        };
        let attempts = learning::attempts(&state.db, user.id, head.id, &item.slug).await?;
        if let Some(percent) =
            super::attempts::counted_attempt(quiz, &attempts).and_then(|a| a.percent)
        {
            percents.push(percent);
        }
    }
    if percents.is_empty() {
        return Ok(None);
    }
    let mean = percents.iter().sum::<f64>() / percents.len() as f64;
    Ok(Some((mean * 100.0).round() / 100.0))
}
