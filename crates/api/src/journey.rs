//! The learner's journey as domain operations, shared by the JSON API and the pages:
//! one place decides what a learner may do and what it records.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use lentera_assessment::{self as assessment, Quiz, ResponseEntry};
use lentera_content::ItemKind;
use serde::Serialize;
use serde_json::json;

use crate::catalog::CompiledCourse;
use crate::error::{AppError, AppResult};
use crate::policy::{self, Action, Granted, Resource, Role};
use crate::state::AppState;
use lentera_store::courses::{self, CourseHead};
use lentera_store::learning::{self, Attempt, Certificate, NewAttempt, NewCompletion, Outcome};
use lentera_store::people::User;

/// The yearly competency-development target, in JP (PP 11/2017).
pub const JP_TARGET: i64 = 20;

/// A published course and its compiled current version; 404 for unknown or unpublished.
pub async fn course(state: &AppState, slug: &str) -> AppResult<(CourseHead, Arc<CompiledCourse>)> {
    let head = state
        .courses
        .head(&state.db, slug)
        .await?
        .filter(|c| c.published)
        .ok_or_else(|| AppError::not_found("course_not_found", format!("No course '{slug}'")))?;
    let compiled = state.courses.get(&state.db, &head).await?;
    Ok((head, compiled))
}

pub async fn require_enrolled(state: &AppState, user: &User, head: &CourseHead) -> AppResult<()> {
    if learning::is_enrolled(&state.db, user.id, head.id).await? {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "not_enrolled",
            "Enrol in the course first",
        ))
    }
}

/// Where a learner stands in one course.
#[derive(Debug, Clone, Serialize)]
pub struct CourseProgress {
    pub slug: String,
    pub title: String,
    pub jp: i32,
    pub completed_lessons: usize,
    pub total_lessons: usize,
    pub passed_quizzes: usize,
    pub total_quizzes: usize,
    pub percent: u32,
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub done_lessons: HashSet<String>,
    #[serde(skip)]
    pub passed: HashSet<String>,
}

pub async fn progress_in(
    state: &AppState,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
) -> AppResult<CourseProgress> {
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
    state: &AppState,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
) -> AppResult<(bool, CourseProgress)> {
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
    // Percent of the required work: what completion depends on.
    let required: Vec<bool> = course
        .lessons
        .iter()
        .filter(|l| l.required)
        .map(|l| done.contains(&l.slug))
        .chain(
            course
                .quizzes
                .iter()
                .filter(|q| q.required)
                .map(|q| passed.contains(&q.slug)),
        )
        .collect();
    let percent = if completed_at.is_some() {
        100
    } else if required.is_empty() {
        0
    } else {
        let finished = required.iter().filter(|d| **d).count();
        u32::try_from(finished * 100 / required.len()).unwrap_or(100)
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
        done_lessons: done,
        passed,
    }
}

/// Progress in every course the user is enrolled in, in a fixed number of queries
/// whatever the number of courses (the home page and `GET /me/progress`).
pub async fn my_progress(state: &AppState, user: &User) -> AppResult<Vec<CourseProgress>> {
    let ids = learning::enrolled_course_ids(&state.db, user.id).await?;
    let heads = courses::by_ids(&state.db, &ids).await?;
    let records = learning::records_of(&state.db, user.id).await?;
    let mut out = Vec::with_capacity(heads.len());
    for head in heads {
        let compiled = state.courses.get(&state.db, &head).await?;
        let of_course = |rows: &[(i32, String)]| -> HashSet<String> {
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

/// JP earned this calendar year.
pub async fn jp_this_year(state: &AppState, user: &User) -> AppResult<(i32, i64)> {
    let year = Utc::now().year();
    Ok((year, learning::jp_in_year(&state.db, user.id, year).await?))
}

/// Records the completion and issues the certificate once every required lesson is
/// done and every required quiz passed. `None` when not complete, or already completed.
pub async fn check_completion(
    state: &AppState,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
) -> AppResult<Option<Certificate>> {
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
    let random = crate::auth::random_bytes::<15>().map_err(AppError::internal)?;
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
            code: lentera_certificate::verification_code(&random),
            number: lentera_certificate::certificate_number,
        },
    )
    .await?;
    if let Some(c) = &cert {
        tracing::info!(user = user.id, course = %head.slug, certificate = %c.number, "course completed");
    }
    Ok(cert)
}

/// Enrols a learner (true when new); their cached state in the course is forgotten.
pub async fn enroll(state: &AppState, user: &User, head: &CourseHead) -> AppResult<bool> {
    let created = learning::enroll(&state.db, user.id, head.id).await?;
    state.progress.forget(user.id);
    Ok(created)
}

/// Marks a lesson done; returns whether it was new and a certificate if this finished the course.
pub async fn complete_lesson(
    state: &AppState,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
    lesson: &str,
) -> AppResult<(bool, Option<Certificate>)> {
    if compiled.course.lesson(lesson).is_none() {
        return Err(AppError::not_found(
            "lesson_not_found",
            format!("No lesson '{lesson}' in this course"),
        ));
    }
    require_enrolled(state, user, head).await?;
    let new = learning::complete_lesson(&state.db, user.id, head.id, lesson).await?;
    state.progress.forget(user.id);
    let cert = check_completion(state, user, head, compiled).await?;
    Ok((new, cert))
}

/// Starts an attempt, or returns the open one (a reload must not burn an attempt).
pub async fn start_attempt(
    state: &AppState,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
    quiz_slug: &str,
) -> AppResult<(Attempt, bool)> {
    let quiz = compiled.quiz(quiz_slug).ok_or_else(|| {
        AppError::not_found(
            "quiz_not_found",
            format!("No quiz '{quiz_slug}' in this course"),
        )
    })?;
    require_enrolled(state, user, head).await?;
    let mut previous = learning::attempts(&state.db, user.id, head.id, quiz_slug).await?;
    for attempt in previous.iter_mut() {
        if attempt.state == learning::OPEN {
            close_if_expired(state, user, attempt).await?;
        }
    }
    if let Some(open) = previous.iter().find(|a| a.state == learning::OPEN) {
        return Ok((open.clone(), false));
    }
    if quiz.max_attempts > 0 && previous.len() >= quiz.max_attempts as usize {
        return Err(AppError::conflict(
            "no_attempts_left",
            format!("All {} attempts at this quiz are used", quiz.max_attempts),
        ));
    }
    if let Some(at) = next_attempt_at(quiz, &previous)
        && at > Utc::now()
    {
        return Err(AppError::conflict(
            "cooldown",
            format!(
                "The next attempt at this quiz can start at {}",
                at.to_rfc3339()
            ),
        )
        .with_extra(json!({"available_at": at.to_rfc3339()})));
    }
    let seed = u64::from_le_bytes(crate::auth::random_bytes::<8>().map_err(AppError::internal)?);
    let layout = assessment::new_layout(quiz, seed);
    let deadline = quiz
        .time_limit_minutes
        .map(|m| Utc::now() + chrono::Duration::minutes(i64::from(m)));
    let number = previous.last().map_or(1, |a| a.number + 1);
    let attempt = learning::start_attempt(
        &state.db,
        NewAttempt {
            user_id: user.id,
            course_id: head.id,
            course_version_id: compiled.version_id,
            quiz_slug: quiz_slug.to_owned(),
            number,
            seed,
            layout: serde_json::to_string(&layout).map_err(AppError::internal)?,
            deadline,
        },
    )
    .await
    .map_err(|e| match e {
        lentera_store::StoreError::Conflict(_) => AppError::conflict(
            "attempt_in_progress",
            "Another attempt was just started; reload",
        ),
        other => other.into(),
    })?;
    Ok((attempt, true))
}

/// An attempt of `user`, with its course version and quiz. Another user's attempt is
/// "not found": its existence is nobody else's business.
pub async fn load_attempt(
    state: &AppState,
    user: &User,
    id: i32,
) -> AppResult<(Attempt, Arc<CompiledCourse>, Arc<Quiz>)> {
    let mut attempt = learning::attempt(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found("attempt_not_found", "No such attempt"))?;
    policy::own_attempt(user, attempt.user_id)?;
    let compiled = state
        .courses
        .version(&state.db, attempt.course_version_id)
        .await?;
    let quiz = compiled.quiz(&attempt.quiz_slug).cloned().ok_or_else(|| {
        AppError::internal(format!("attempt {id} names a quiz its version lacks"))
    })?;
    if attempt.state == learning::OPEN {
        close_if_expired(state, user, &mut attempt).await?;
    }
    Ok((attempt, compiled, quiz))
}

fn past_deadline(attempt: &Attempt, now: DateTime<Utc>) -> bool {
    attempt.deadline.is_some_and(|d| now > d)
}

/// An open attempt whose deadline has passed is graded with what was saved by then.
async fn close_if_expired(state: &AppState, user: &User, attempt: &mut Attempt) -> AppResult<()> {
    if past_deadline(attempt, Utc::now()) {
        grade_and_close(state, user, attempt).await?;
        if let Some(fresh) = learning::attempt(&state.db, attempt.id).await? {
            *attempt = fresh;
        }
    }
    Ok(())
}

pub fn layout_of(attempt: &Attempt) -> AppResult<assessment::AttemptLayout> {
    serde_json::from_str(&attempt.layout).map_err(AppError::internal)
}

/// The attempt as the learner sees it: questions in the attempt's order, no answers.
pub fn attempt_view(
    state: &AppState,
    attempt: &Attempt,
    quiz: &Quiz,
) -> AppResult<serde_json::Value> {
    let layout = layout_of(attempt)?;
    let questions = assessment::public_questions(quiz, &layout, &state.keys.quiz_salt);
    Ok(json!({
        "id": attempt.id,
        "quiz": attempt.quiz_slug,
        "title": quiz.title,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at.to_rfc3339(),
        "deadline": attempt.deadline.map(|d| d.to_rfc3339()),
        "questions": questions,
    }))
}

/// Saved responses of an attempt, parsed.
pub async fn saved_responses(state: &AppState, attempt: &Attempt) -> AppResult<Vec<ResponseEntry>> {
    in_time(attempt, learning::responses(&state.db, attempt.id).await?)
}

/// Saved rows parsed, without those saved after the deadline (the server's clock decides).
fn in_time(
    attempt: &Attempt,
    rows: Vec<(String, String, DateTime<Utc>)>,
) -> AppResult<Vec<ResponseEntry>> {
    let mut out = Vec::with_capacity(rows.len());
    for (_, json, saved_at) in rows {
        if attempt.deadline.is_some_and(|d| saved_at > d) {
            continue;
        }
        out.push(serde_json::from_str(&json).map_err(AppError::internal)?);
    }
    Ok(out)
}

/// Validates and saves responses without submitting.
pub async fn save_responses(
    state: &AppState,
    attempt: &Attempt,
    quiz: &Quiz,
    entries: &[ResponseEntry],
) -> AppResult<()> {
    if attempt.state != learning::OPEN {
        return Err(AppError::conflict(
            "attempt_closed",
            "This attempt is already submitted",
        ));
    }
    if past_deadline(attempt, Utc::now()) {
        return Err(AppError::conflict(
            "deadline_passed",
            "The time for this attempt is over",
        ));
    }
    // Only the questions drawn for this attempt may be answered.
    let quiz = &quiz.for_layout(&layout_of(attempt)?);
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        assessment::validate_response(quiz, &state.keys.quiz_salt, entry).map_err(|m| {
            AppError::unprocessable(
                "invalid_response",
                format!("Question '{}': {m}", entry.question),
            )
        })?;
        rows.push((
            entry.question.clone(),
            serde_json::to_string(entry).map_err(AppError::internal)?,
        ));
    }
    if !learning::save_responses(&state.db, attempt.id, &rows).await? {
        return Err(AppError::conflict(
            "attempt_closed",
            "This attempt is already submitted",
        ));
    }
    Ok(())
}

/// The graded result of an attempt, as the API returns it.
pub fn result_json(
    attempt: &Attempt,
    certificate: Option<&Certificate>,
    state: &AppState,
) -> serde_json::Value {
    json!({
        "attempt": attempt.id,
        "state": attempt.state,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "passed": attempt.passed.unwrap_or(false),
        "submitted_at": attempt.submitted_at.map(|d| d.to_rfc3339()),
        "certificate": certificate.map(|c| certificate_json(state, c)),
    })
}

pub fn certificate_json(state: &AppState, c: &Certificate) -> serde_json::Value {
    json!({
        "code": c.code,
        "number": c.number,
        "course": c.course_slug,
        "course_title": c.course_title,
        "jp": c.jp,
        "issued_at": c.issued_at.to_rfc3339(),
        "revoked": c.revoked_at.is_some(),
        "verify_url": format!("{}/verifikasi/{}", state.config.public_url, c.code),
        "pdf_url": format!("{}/certificates/{}.pdf", state.config.public_url, c.code),
        "badge_url": format!("{}/api/v1/certificates/{}/badge", state.config.public_url, c.code),
        "revocation_reason": c.revocation_reason,
    })
}

/// What is stored of a grade: pending while an essay waits for its grade.
fn outcome_of(grade: &assessment::Grade, passed: bool, submitted_at: DateTime<Utc>) -> Outcome {
    Outcome {
        state: if grade.pending_review {
            learning::PENDING_REVIEW
        } else {
            learning::GRADED
        },
        score: grade.score,
        max_score: grade.max_score,
        percent: grade.percent,
        passed,
        submitted_at,
    }
}

/// Grades an open attempt and closes it. `false` when another request closed it first.
async fn grade_and_close(
    state: &AppState,
    user: &User,
    attempt: &Attempt,
) -> AppResult<(bool, Option<Certificate>)> {
    let compiled = state
        .courses
        .version(&state.db, attempt.course_version_id)
        .await?;
    let quiz = compiled
        .quiz(&attempt.quiz_slug)
        .ok_or_else(|| AppError::internal("attempt's quiz missing from its version"))?;
    let quiz = &quiz.for_layout(&layout_of(attempt)?);
    let responses = saved_responses(state, attempt).await?;
    let grade = assessment::grade(quiz, &state.keys.quiz_salt, &responses);
    let passed = assessment::passed(quiz, &grade);
    let outcome = outcome_of(&grade, passed, Utc::now());
    if !learning::finish_attempt(&state.db, attempt.id, &outcome).await? {
        return Ok((false, None));
    }
    if passed {
        // Completion is judged on the course's current version (progress is keyed by slug).
        if let Some(head) = courses::by_slug(&state.db, &compiled.course.slug).await? {
            let current = state.courses.get(&state.db, &head).await?;
            return Ok((true, check_completion(state, user, &head, &current).await?));
        }
    }
    Ok((true, None))
}

/// Submits an attempt, optionally with final responses. Grades exactly once: a second
/// submission gets 409 with the result of the first.
pub async fn submit(
    state: &AppState,
    user: &User,
    attempt: &Attempt,
    quiz: &Quiz,
    final_entries: &[ResponseEntry],
) -> AppResult<serde_json::Value> {
    if attempt.state != learning::OPEN {
        return Err(already_submitted(state, attempt));
    }
    if !final_entries.is_empty() && !past_deadline(attempt, Utc::now()) {
        match save_responses(state, attempt, quiz, final_entries).await {
            Ok(()) => {}
            // Another tab submitted between our read and our save: report its result.
            Err(e) if e.code == "attempt_closed" => {
                let fresh = learning::attempt(&state.db, attempt.id)
                    .await?
                    .ok_or_else(|| AppError::internal("attempt vanished"))?;
                return Err(already_submitted(state, &fresh));
            }
            Err(e) => return Err(e),
        }
    }
    let (won, certificate) = grade_and_close(state, user, attempt).await?;
    let fresh = learning::attempt(&state.db, attempt.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))?;
    if !won {
        // Another tab submitted at the same moment: it graded; this one reports that.
        return Err(already_submitted(state, &fresh));
    }
    Ok(result_json(&fresh, certificate.as_ref(), state))
}

fn already_submitted(state: &AppState, attempt: &Attempt) -> AppError {
    AppError::conflict(
        "attempt_already_submitted",
        "This attempt was already submitted; here is its result",
    )
    .with_extra(json!({"result": result_json(attempt, None, state)}))
}

/// Outline items in order with titles, for the course page and the API.
pub fn outline(compiled: &CompiledCourse) -> Vec<(ItemKind, String, String, bool, String)> {
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
            out.push((
                item.kind,
                item.slug.clone(),
                title,
                item.required,
                module.title.clone(),
            ));
        }
    }
    out
}

/// A learner's JP ledger for a year: each certificate's JP and each outside entry, with the
/// total against the yearly target.
pub async fn ledger_json(state: &AppState, user: &User, year: i32) -> AppResult<serde_json::Value> {
    let certs: Vec<Certificate> = learning::certificates_of(&state.db, user.id)
        .await?
        .into_iter()
        .filter(|c| c.year == year)
        .collect();
    let outside = lentera_store::reports::jp_entries_of(&state.db, user.id, year).await?;
    let from_courses: i64 = certs
        .iter()
        .filter(|c| c.revoked_at.is_none())
        .map(|c| i64::from(c.jp))
        .sum();
    let from_outside: i64 = outside.iter().map(|e| i64::from(e.jp)).sum();
    Ok(json!({
        "year": year,
        "target": crate::reports::JP_TARGET,
        "earned": from_courses + from_outside,
        "courses": certs.iter().map(|c| json!({
            "number": c.number, "course": c.course_slug, "course_title": c.course_title, "jp": c.jp,
            "issued_at": c.issued_at.to_rfc3339(), "revoked": c.revoked_at.is_some(),
        })).collect::<Vec<_>>(),
        "outside": outside.iter().map(crate::reports::jp_entry_json).collect::<Vec<_>>(),
    }))
}

/// When the cooldown after the latest submitted attempt ends (`None`: no cooldown).
pub fn next_attempt_at(quiz: &Quiz, attempts: &[Attempt]) -> Option<DateTime<Utc>> {
    if quiz.cooldown_minutes == 0 {
        return None;
    }
    attempts
        .iter()
        .filter_map(|a| a.submitted_at)
        .max()
        .map(|at| at + chrono::Duration::minutes(i64::from(quiz.cooldown_minutes)))
}

/// The attempt whose grade counts: the best graded one, or the latest graded one.
pub fn counted_attempt<'a>(quiz: &Quiz, attempts: &'a [Attempt]) -> Option<&'a Attempt> {
    let graded = attempts.iter().filter(|a| a.state == learning::GRADED);
    match quiz.counts {
        assessment::CountedAttempt::Highest => graded.max_by(|a, b| {
            a.percent
                .unwrap_or(0.0)
                .total_cmp(&b.percent.unwrap_or(0.0))
                .then(b.number.cmp(&a.number))
        }),
        assessment::CountedAttempt::Latest => graded.max_by_key(|a| a.number),
    }
}

/// A learner's standing on one quiz: attempts, the counted grade, what is left.
pub fn quiz_standing_json(quiz: &Quiz, attempts: &[Attempt]) -> serde_json::Value {
    let counted = counted_attempt(quiz, attempts);
    let next = next_attempt_at(quiz, attempts).filter(|at| *at > Utc::now());
    let left = (quiz.max_attempts > 0)
        .then(|| (quiz.max_attempts as usize).saturating_sub(attempts.len()));
    json!({
        "quiz": quiz.slug, "title": quiz.title, "pass_percent": quiz.pass_percent,
        "max_attempts": quiz.max_attempts, "time_limit_minutes": quiz.time_limit_minutes,
        "cooldown_minutes": quiz.cooldown_minutes, "counts": quiz.counts, "review": quiz.review,
        "attempts_left": left, "next_attempt_at": next.map(|d| d.to_rfc3339()),
        "counted": counted.map(|a| json!({"attempt": a.id, "number": a.number, "percent": a.percent, "passed": a.passed})),
        "attempts": attempts.iter().map(|a| json!({
            "id": a.id, "number": a.number, "state": a.state, "percent": a.percent, "passed": a.passed,
            "started_at": a.started_at.to_rfc3339(), "submitted_at": a.submitted_at.map(|d| d.to_rfc3339()),
        })).collect::<Vec<_>>(),
    })
}

/// A closed attempt's grade, recomputed from what was saved and the essay grades (grading
/// is deterministic, so this equals what was stored).
pub async fn closed_grade(
    state: &AppState,
    attempt: &Attempt,
    quiz: &Quiz,
) -> AppResult<(
    Quiz,
    Vec<ResponseEntry>,
    assessment::Grade,
    Vec<learning::ManualGrade>,
)> {
    let layout = layout_of(attempt)?;
    let quiz = quiz.for_layout(&layout);
    let responses = saved_responses(state, attempt).await?;
    let manual = learning::manual_grades(&state.db, attempt.id).await?;
    let scores: std::collections::HashMap<String, f64> = manual
        .iter()
        .map(|m| (m.question_id.clone(), m.score))
        .collect();
    let grade = assessment::grade_with_manual(&quiz, &state.keys.quiz_salt, &responses, &scores);
    Ok((quiz, responses, grade, manual))
}

/// The review of a closed attempt for its learner: their answers and marks, feedback on
/// what they chose, the grader's comments, and the right answers only when the quiz's
/// review setting allows it by now.
pub async fn review_json(
    state: &AppState,
    attempt: &Attempt,
    quiz: &Quiz,
) -> AppResult<serde_json::Value> {
    let (restricted, responses, grade, manual) = closed_grade(state, attempt, quiz).await?;
    let attempts = learning::attempts(
        &state.db,
        attempt.user_id,
        attempt.course_id,
        &attempt.quiz_slug,
    )
    .await?;
    let submitted = u32::try_from(
        attempts
            .iter()
            .filter(|a| a.state != learning::OPEN)
            .count(),
    )
    .unwrap_or(u32::MAX);
    let show = quiz.review.shows_correct(submitted, quiz.max_attempts);
    let layout = layout_of(attempt)?;
    let questions = assessment::review(
        &restricted,
        &layout,
        &state.keys.quiz_salt,
        &responses,
        &grade,
        show,
    );
    let mut out = serde_json::to_value(&questions).map_err(AppError::internal)?;
    if let Some(list) = out.as_array_mut() {
        for q in list {
            let comment = manual
                .iter()
                .find(|m| q["id"].as_str() == Some(m.question_id.as_str()))
                .and_then(|m| m.comment.clone());
            q["grader_comment"] = json!(comment);
        }
    }
    Ok(json!({"shows_correct": show, "review": quiz.review, "questions": out}))
}

/// Attempts waiting for an essay grade in the courses this instructor may grade.
pub async fn grading_queue(
    state: &AppState,
    user: &crate::auth::CurrentUser,
) -> AppResult<Vec<serde_json::Value>> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let heads = courses::editable_by(&state.db, user.user.id, user.has(Role::Admin)).await?;
    let ids: Vec<i32> = heads.iter().map(|h| h.id).collect();
    let pending = learning::pending_review(&state.db, &ids).await?;
    let learners: Vec<i32> = pending.iter().map(|a| a.user_id).collect();
    let names = lentera_store::people::names_of(&state.db, &learners).await?;
    let mut out = Vec::with_capacity(pending.len());
    for a in pending {
        let learner = names.get(&a.user_id);
        let head = heads.iter().find(|h| h.id == a.course_id);
        let compiled = state
            .courses
            .version(&state.db, a.course_version_id)
            .await?;
        out.push(json!({
            "attempt": a.id, "number": a.number, "course": head.map(|h| h.slug.clone()),
            "course_title": head.map(|h| h.title.clone()), "quiz": a.quiz_slug,
            "quiz_title": compiled.quiz_title(&a.quiz_slug),
            "learner": learner.map(|(name, _)| name), "learner_nip": learner.and_then(|(_, nip)| nip.as_ref()),
            "submitted_at": a.submitted_at.map(|d| d.to_rfc3339()),
        }));
    }
    Ok(out)
}

/// A closed attempt the caller may grade (see [`policy::authorize`]), with its quiz.
pub async fn attempt_for_grading(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    id: i32,
) -> AppResult<(Attempt, Arc<Quiz>, Granted)> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let attempt = learning::attempt(&state.db, id)
        .await?
        .filter(|a| a.state != learning::OPEN)
        .ok_or_else(|| AppError::not_found("attempt_not_found", "No such submitted attempt"))?;
    let granted = policy::authorize(
        state,
        user,
        Action::Grade,
        Resource::Attempt {
            owner: attempt.user_id,
            course: attempt.course_id,
        },
    )
    .await?;
    let compiled = state
        .courses
        .version(&state.db, attempt.course_version_id)
        .await?;
    let quiz = compiled
        .quiz(&attempt.quiz_slug)
        .cloned()
        .ok_or_else(|| AppError::internal("attempt's quiz missing from its version"))?;
    Ok((attempt, quiz, granted))
}

/// What the grader sees: every essay of the attempt with the learner's text (escaped by
/// the caller) and any grade given so far.
pub async fn grading_view(
    state: &AppState,
    attempt: &Attempt,
    quiz: &Quiz,
) -> AppResult<serde_json::Value> {
    let (restricted, responses, grade, manual) = closed_grade(state, attempt, quiz).await?;
    let learner = lentera_store::people::user_by_id(&state.db, attempt.user_id).await?;
    let essays: Vec<serde_json::Value> = restricted
        .questions
        .iter()
        .filter(|q| matches!(q.kind, assessment::QuestionKind::Essay))
        .map(|q| {
            let text = responses.iter().find(|r| r.question == q.id).and_then(|r| r.text.clone());
            let given = manual.iter().find(|m| m.question_id == q.id);
            json!({"question": q.id, "prompt_html": q.prompt, "points": q.points, "answer": text,
                   "score": given.map(|m| m.score), "comment": given.and_then(|m| m.comment.clone())})
        })
        .collect();
    Ok(json!({
        "attempt": attempt.id, "number": attempt.number, "quiz": attempt.quiz_slug, "quiz_title": quiz.title,
        "state": attempt.state, "learner": learner.as_ref().map(|u| u.name.clone()),
        "score": grade.score, "max_score": grade.max_score, "percent": grade.percent, "essays": essays,
    }))
}

/// Records essay grades, regrades the attempt, and completes the course for the learner
/// when this made them pass.
pub async fn grade_essays(
    state: &AppState,
    _: Granted,
    grader: &crate::auth::CurrentUser,
    attempt: &Attempt,
    quiz: &Quiz,
    grades: &[(String, f64, Option<String>)],
) -> AppResult<serde_json::Value> {
    let layout = layout_of(attempt)?;
    let restricted = quiz.for_layout(&layout);
    for (question, score, comment) in grades {
        let q = restricted
            .questions
            .iter()
            .find(|q| &q.id == question && matches!(q.kind, assessment::QuestionKind::Essay))
            .ok_or_else(|| {
                AppError::unprocessable(
                    "invalid_grade",
                    format!("'{question}' is not an essay of this attempt"),
                )
                .with_extra(json!({"field": question}))
            })?;
        if !score.is_finite() || *score < 0.0 || *score > q.points {
            return Err(AppError::unprocessable(
                "invalid_grade",
                format!("'{question}': a score from 0 to {}", q.points),
            )
            .with_extra(json!({"field": question})));
        }
        if comment
            .as_deref()
            .is_some_and(|c| !crate::text::is_paragraphs(c, 0, 5000))
        {
            return Err(AppError::unprocessable(
                "invalid_grade",
                "a comment has at most 5000 characters and no control characters",
            )
            .with_extra(json!({"field": question})));
        }
    }
    let mut scores: std::collections::HashMap<String, f64> =
        learning::manual_grades(&state.db, attempt.id)
            .await?
            .into_iter()
            .map(|m| (m.question_id, m.score))
            .collect();
    for (q, score, _) in grades {
        scores.insert(q.clone(), *score);
    }
    let responses = saved_responses(state, attempt).await?;
    let grade =
        assessment::grade_with_manual(&restricted, &state.keys.quiz_salt, &responses, &scores);
    let passed = assessment::passed(&restricted, &grade);
    let outcome = outcome_of(
        &grade,
        passed,
        attempt.submitted_at.unwrap_or_else(Utc::now),
    );
    if !learning::record_manual_grades(&state.db, attempt.id, grades, grader.user.id, &outcome)
        .await?
    {
        return Err(AppError::conflict(
            "attempt_open",
            "This attempt is not submitted yet",
        ));
    }
    lentera_store::audit::record(
        &state.db,
        Some(grader.user.id),
        "attempt.grade",
        &format!("attempt:{}", attempt.id),
        Some(format!("{:.2}/{:.2}", grade.score, grade.max_score)),
    )
    .await?;
    let mut certificate = None;
    if passed {
        let compiled = state
            .courses
            .version(&state.db, attempt.course_version_id)
            .await?;
        if let (Some(head), Some(learner)) = (
            courses::by_slug(&state.db, &compiled.course.slug).await?,
            lentera_store::people::user_by_id(&state.db, attempt.user_id).await?,
        ) {
            let current = state.courses.get(&state.db, &head).await?;
            certificate = check_completion(state, &learner, &head, &current).await?;
        }
    }
    let fresh = learning::attempt(&state.db, attempt.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))?;
    Ok(result_json(&fresh, certificate.as_ref(), state))
}

/// Moodle-style statistics of a quiz over every submitted attempt made on a version whose
/// quiz is the same as the current one (changed questions would mix two tests).
pub async fn quiz_statistics(
    state: &AppState,
    head: &CourseHead,
    quiz: &Quiz,
) -> AppResult<assessment::QuizStatistics> {
    let attempts = learning::closed_attempts(&state.db, head.id, &quiz.slug).await?;
    let mut same_version: std::collections::HashMap<i32, bool> = std::collections::HashMap::new();
    let mut kept = Vec::with_capacity(attempts.len());
    for a in attempts {
        let same = match same_version.get(&a.course_version_id) {
            Some(same) => *same,
            None => {
                let compiled = state
                    .courses
                    .version(&state.db, a.course_version_id)
                    .await?;
                let same = compiled.quiz(&quiz.slug).is_some_and(|q| **q == *quiz);
                same_version.insert(a.course_version_id, same);
                same
            }
        };
        if same {
            kept.push(a);
        }
    }
    let ids: Vec<i32> = kept.iter().map(|a| a.id).collect();
    let mut responses = learning::responses_of(&state.db, &ids).await?;
    let manual = learning::manual_scores_of(&state.db, &ids).await?;
    let empty = std::collections::HashMap::new();
    let mut records = Vec::with_capacity(kept.len());
    for a in &kept {
        let layout = layout_of(a)?;
        let restricted = quiz.for_layout(&layout);
        let entries = in_time(a, responses.remove(&a.id).unwrap_or_default())?;
        let grade = assessment::grade_with_manual(
            &restricted,
            &state.keys.quiz_salt,
            &entries,
            manual.get(&a.id).unwrap_or(&empty),
        );
        records.push(assessment::AttemptRecord {
            layout,
            responses: entries,
            grade,
        });
    }
    Ok(assessment::statistics(
        quiz,
        &state.keys.quiz_salt,
        &records,
    ))
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
