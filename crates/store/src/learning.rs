//! What learners do: enrolments, lesson progress, quiz attempts, completions, certificates.
//!
//! Every write here is committed before the function returns, so a handler that answers
//! after calling one never acknowledges something that could still be lost.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use crate::entity::{
    attempt_response, certificate, completion, enrollment, lesson_progress, manual_grade,
    quiz_attempt,
};
use crate::types::{
    AttemptId, AttemptState, CertificateId, CertificateKind, CourseId, Jp, Nip, UnitId, UserId,
    VersionId,
};
use crate::{Db, Result, StoreError};

/// Inserts `model`; a unique violation means "already there" and yields `false`.
macro_rules! insert_once {
    ($db:expr, $model:expr, $what:expr) => {
        match $model.insert($db).await {
            Ok(_) => Ok(true),
            Err(e) => match StoreError::from_write(e, $what) {
                StoreError::Conflict(_) => Ok(false),
                other => Err(other),
            },
        }
    };
}

pub async fn enroll(db: &Db, user_id: UserId, course_id: CourseId) -> Result<bool> {
    let model = enrollment::ActiveModel {
        user_id: Set(user_id),
        course_id: Set(course_id),
        enrolled_at: Set(Utc::now()),
        ..Default::default()
    };
    insert_once!(db, model, "enrollment")
}

pub async fn is_enrolled(db: &Db, user_id: UserId, course_id: CourseId) -> Result<bool> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::UserId.eq(user_id))
        .filter(enrollment::Column::CourseId.eq(course_id))
        .one(db)
        .await?
        .is_some())
}

/// The ids of the courses a user is enrolled in, oldest enrolment first.
pub async fn enrolled_course_ids(db: &Db, user_id: UserId) -> Result<Vec<CourseId>> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::UserId.eq(user_id))
        .order_by_asc(enrollment::Column::EnrolledAt)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.course_id)
        .collect())
}

/// Marks a lesson done; `false` when it already was (the first date is kept).
pub async fn complete_lesson(
    db: &Db,
    user_id: UserId,
    course_id: CourseId,
    lesson: &str,
) -> Result<bool> {
    let model = lesson_progress::ActiveModel {
        user_id: Set(user_id),
        course_id: Set(course_id),
        lesson_slug: Set(lesson.to_owned()),
        completed_at: Set(Utc::now()),
        ..Default::default()
    };
    insert_once!(db, model, "lesson progress")
}

/// Slugs of the lessons a user has completed in a course, whatever version they were on.
pub async fn completed_lessons(
    db: &Db,
    user_id: UserId,
    course_id: CourseId,
) -> Result<Vec<String>> {
    Ok(lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.eq(user_id))
        .filter(lesson_progress::Column::CourseId.eq(course_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.lesson_slug)
        .collect())
}

/// Where a learner stands on one quiz, from their closed attempts: whether any attempt
/// passed, and whether the latest graded one did. The quiz's `counts` setting picks one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizStanding {
    pub course_id: CourseId,
    pub quiz_slug: String,
    pub any_passed: bool,
    pub latest_passed: bool,
}

/// What a standing needs of a closed attempt: (course id, quiz slug, number, state, passed).
type ClosedAttempt = (CourseId, String, i32, AttemptState, Option<bool>);

/// The user's closed attempts (in `course_id` only, when given), without their layouts and
/// scores: only what [`standings`] reads.
async fn closed_attempts_of(
    db: &Db,
    user_id: UserId,
    course_id: Option<CourseId>,
) -> Result<Vec<ClosedAttempt>> {
    let mut query = quiz_attempt::Entity::find()
        .select_only()
        .columns([
            quiz_attempt::Column::CourseId,
            quiz_attempt::Column::QuizSlug,
            quiz_attempt::Column::Number,
            quiz_attempt::Column::State,
            quiz_attempt::Column::Passed,
        ])
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::State.ne(AttemptState::Open));
    if let Some(course_id) = course_id {
        query = query.filter(quiz_attempt::Column::CourseId.eq(course_id));
    }
    Ok(query.into_tuple().all(db).await?)
}

/// Standings from closed attempts (any order); one per (course, quiz).
fn standings(mut attempts: Vec<ClosedAttempt>) -> Vec<QuizStanding> {
    attempts.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    let mut out: Vec<QuizStanding> = Vec::new();
    for (course_id, quiz_slug, _, state, passed) in attempts {
        let passed = passed == Some(true);
        match out.last_mut() {
            Some(s) if s.course_id == course_id && s.quiz_slug == quiz_slug => {
                s.any_passed |= passed;
                // Attempts waiting for an essay grade do not replace the latest verdict.
                if state == AttemptState::Graded {
                    s.latest_passed = passed;
                }
            }
            _ => out.push(QuizStanding {
                course_id,
                quiz_slug,
                any_passed: passed,
                latest_passed: passed,
            }),
        }
    }
    out
}

/// Everything a user did, across courses: (course id, lesson slug) done, quiz standings,
/// and (course id, completed at). Three queries for any number of courses, instead of
/// three per course.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub lessons: Vec<(CourseId, String)>,
    pub quizzes: Vec<QuizStanding>,
    pub completions: Vec<(CourseId, DateTime<Utc>)>,
}

pub async fn records_of(db: &Db, user_id: UserId) -> Result<Records> {
    let lessons = lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.course_id, p.lesson_slug))
        .collect();
    let closed = closed_attempts_of(db, user_id, None).await?;
    let completions = completion::Entity::find()
        .filter(completion::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.course_id, c.completed_at))
        .collect();
    Ok(Records {
        lessons,
        quizzes: standings(closed),
        completions,
    })
}

/// An attempt at a quiz.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: AttemptId,
    pub user_id: UserId,
    pub course_id: CourseId,
    pub course_version_id: VersionId,
    pub quiz_slug: String,
    pub number: i32,
    pub seed: u64,
    pub layout: String,
    pub state: AttemptState,
    pub started_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
}

impl From<quiz_attempt::Model> for Attempt {
    fn from(m: quiz_attempt::Model) -> Self {
        Attempt {
            id: m.id,
            user_id: m.user_id,
            course_id: m.course_id,
            course_version_id: m.course_version_id,
            quiz_slug: m.quiz_slug,
            number: m.number,
            // Written by `start_attempt` from a u64; an unparsable value can only come
            // from a hand-edited row, and seed 0 still gives a valid (if different) layout.
            seed: m.seed.parse().unwrap_or(0),
            layout: m.layout,
            state: m.state,
            started_at: m.started_at,
            deadline: m.deadline,
            submitted_at: m.submitted_at,
            score: m.score,
            max_score: m.max_score,
            percent: m.percent,
            passed: m.passed,
        }
    }
}

/// A new attempt: everything the learner will see is fixed here (layout from the seed).
#[derive(Debug, Clone)]
pub struct NewAttempt {
    pub user_id: UserId,
    pub course_id: CourseId,
    pub course_version_id: VersionId,
    pub quiz_slug: String,
    pub number: i32,
    pub seed: u64,
    pub layout: String,
    pub deadline: Option<DateTime<Utc>>,
}

/// A user's attempts at one quiz, in order.
pub async fn attempts(
    db: &Db,
    user_id: UserId,
    course_id: CourseId,
    quiz: &str,
) -> Result<Vec<Attempt>> {
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::CourseId.eq(course_id))
        .filter(quiz_attempt::Column::QuizSlug.eq(quiz))
        .order_by_asc(quiz_attempt::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(Attempt::from)
        .collect())
}

/// Stores a new attempt. Two starts racing for the same number: one gets `Conflict`.
pub async fn start_attempt(db: &Db, new: NewAttempt) -> Result<Attempt> {
    let model = quiz_attempt::ActiveModel {
        user_id: Set(new.user_id),
        course_id: Set(new.course_id),
        course_version_id: Set(new.course_version_id),
        quiz_slug: Set(new.quiz_slug),
        number: Set(new.number),
        seed: Set(new.seed.to_string()),
        layout: Set(new.layout),
        state: Set(AttemptState::Open),
        started_at: Set(Utc::now()),
        deadline: Set(new.deadline),
        submitted_at: Set(None),
        score: Set(None),
        max_score: Set(None),
        percent: Set(None),
        passed: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::from_write(e, "attempt"))?;
    Ok(model.into())
}

pub async fn attempt(db: &Db, id: AttemptId) -> Result<Option<Attempt>> {
    Ok(quiz_attempt::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Attempt::from))
}

/// Saves (question id, response JSON) pairs, replacing earlier answers to the same
/// questions. Returns `false` and writes nothing when the attempt is no longer open.
pub async fn save_responses(
    db: &Db,
    attempt_id: AttemptId,
    entries: &[(String, String)],
) -> Result<bool> {
    let txn = db.begin().await?;
    // A write first: it takes the write lock (SQLite) or the row lock (PostgreSQL) at once,
    // so a racing submit either finishes before this sees the attempt, or waits for it.
    // Reading first would let SQLite fail the later upgrade to a writer with "busy".
    if !claim(
        &txn,
        attempt_id,
        quiz_attempt::Column::State.eq(AttemptState::Open),
    )
    .await?
    {
        return Ok(false);
    }
    let now = Utc::now();
    for (question, response) in entries {
        attempt_response::Entity::insert(attempt_response::ActiveModel {
            attempt_id: Set(attempt_id),
            question_id: Set(question.clone()),
            response: Set(response.clone()),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                attempt_response::Column::AttemptId,
                attempt_response::Column::QuestionId,
            ])
            .update_columns([
                attempt_response::Column::Response,
                attempt_response::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Locks an attempt row inside `txn` with a no-op update, when it matches `condition`.
async fn claim(
    txn: &sea_orm::DatabaseTransaction,
    attempt_id: AttemptId,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<bool> {
    let result = quiz_attempt::Entity::update_many()
        .col_expr(
            quiz_attempt::Column::State,
            sea_orm::sea_query::Expr::col(quiz_attempt::Column::State),
        )
        .filter(quiz_attempt::Column::Id.eq(attempt_id))
        .filter(condition)
        .exec(txn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Saved responses of an attempt: (question id, response JSON, saved at).
pub async fn responses(
    db: &Db,
    attempt_id: AttemptId,
) -> Result<Vec<(String, String, DateTime<Utc>)>> {
    Ok(attempt_response::Entity::find()
        .filter(attempt_response::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.question_id, r.response, r.updated_at))
        .collect())
}

/// The outcome of grading, written once.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub state: AttemptState,
    pub score: f64,
    pub max_score: f64,
    pub percent: f64,
    pub passed: bool,
    pub submitted_at: DateTime<Utc>,
}

/// The update that writes a grade's outcome (state, scores, verdict) to an attempt.
fn outcome_update(outcome: &Outcome) -> sea_orm::UpdateMany<quiz_attempt::Entity> {
    quiz_attempt::Entity::update_many()
        .col_expr(quiz_attempt::Column::State, outcome.state.into())
        .col_expr(quiz_attempt::Column::Score, Some(outcome.score).into())
        .col_expr(
            quiz_attempt::Column::MaxScore,
            Some(outcome.max_score).into(),
        )
        .col_expr(quiz_attempt::Column::Percent, Some(outcome.percent).into())
        .col_expr(quiz_attempt::Column::Passed, Some(outcome.passed).into())
}

/// Closes an open attempt with its outcome. Only the first caller wins (the update is
/// conditional on the attempt still being open), so two tabs submitting at once grade once.
pub async fn finish_attempt(db: &Db, attempt_id: AttemptId, outcome: &Outcome) -> Result<bool> {
    let result = outcome_update(outcome)
        .col_expr(
            quiz_attempt::Column::SubmittedAt,
            Some(outcome.submitted_at).into(),
        )
        .filter(quiz_attempt::Column::Id.eq(attempt_id))
        .filter(quiz_attempt::Column::State.eq(AttemptState::Open))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A user's standing on each quiz of a course they have closed an attempt at.
pub async fn quiz_standings(
    db: &Db,
    user_id: UserId,
    course_id: CourseId,
) -> Result<Vec<QuizStanding>> {
    Ok(standings(
        closed_attempts_of(db, user_id, Some(course_id)).await?,
    ))
}

/// Attempts waiting for an instructor's grade, oldest first, in the given courses.
pub async fn pending_review(db: &Db, course_ids: &[CourseId]) -> Result<Vec<Attempt>> {
    if course_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::CourseId.is_in(course_ids.iter().copied()))
        .filter(quiz_attempt::Column::State.eq(AttemptState::PendingReview))
        .order_by_asc(quiz_attempt::Column::SubmittedAt)
        .order_by_asc(quiz_attempt::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Attempt::from)
        .collect())
}

/// A learner's attempts that an instructor graded (an essay's score given) since `since`
/// and that are no longer waiting for any grade, newest submission first, at most `limit`.
pub async fn graded_since(
    db: &Db,
    user_id: UserId,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Attempt>> {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    // The learner's own attempts first (the attempts index starts with the user), then
    // their grades by the grades' key (attempt first): no scan of either table.
    let own = Query::select()
        .column(quiz_attempt::Column::Id)
        .from(quiz_attempt::Entity)
        .and_where(Expr::col(quiz_attempt::Column::UserId).eq(user_id))
        .to_owned();
    let graded = Query::select()
        .column(manual_grade::Column::AttemptId)
        .from(manual_grade::Entity)
        .and_where(Expr::col(manual_grade::Column::AttemptId).in_subquery(own))
        .and_where(Expr::col(manual_grade::Column::GradedAt).gte(since))
        .to_owned();
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::UserId.eq(user_id))
        .filter(quiz_attempt::Column::State.eq(AttemptState::Graded))
        .filter(quiz_attempt::Column::Id.in_subquery(graded))
        .order_by_desc(quiz_attempt::Column::SubmittedAt)
        .order_by_desc(quiz_attempt::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Attempt::from)
        .collect())
}

/// Closed attempts at one quiz of a course, for statistics.
pub async fn closed_attempts(db: &Db, course_id: CourseId, quiz: &str) -> Result<Vec<Attempt>> {
    Ok(quiz_attempt::Entity::find()
        .filter(quiz_attempt::Column::CourseId.eq(course_id))
        .filter(quiz_attempt::Column::QuizSlug.eq(quiz))
        .filter(quiz_attempt::Column::State.ne(AttemptState::Open))
        .order_by_asc(quiz_attempt::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Attempt::from)
        .collect())
}

/// Saved responses of many attempts: attempt id -> (question id, response JSON, saved at).
/// Queried in chunks so the parameter count stays within every backend's limit.
pub async fn responses_of(
    db: &Db,
    attempt_ids: &[AttemptId],
) -> Result<std::collections::HashMap<AttemptId, Vec<(String, String, DateTime<Utc>)>>> {
    let mut out: std::collections::HashMap<AttemptId, Vec<_>> = std::collections::HashMap::new();
    for chunk in attempt_ids.chunks(500) {
        let rows = attempt_response::Entity::find()
            .filter(attempt_response::Column::AttemptId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.attempt_id)
                .or_default()
                .push((r.question_id, r.response, r.updated_at));
        }
    }
    Ok(out)
}

/// An instructor's grade for one essay answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualGrade {
    pub question_id: String,
    pub score: f64,
    pub comment: Option<String>,
    pub graded_by: UserId,
    pub graded_at: DateTime<Utc>,
}

pub async fn manual_grades(db: &Db, attempt_id: AttemptId) -> Result<Vec<ManualGrade>> {
    Ok(manual_grade::Entity::find()
        .filter(manual_grade::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| ManualGrade {
            question_id: m.question_id,
            score: m.score,
            comment: m.comment,
            graded_by: m.graded_by,
            graded_at: m.graded_at,
        })
        .collect())
}

/// Manual grades of many attempts (statistics): attempt id -> question id -> score.
pub async fn manual_scores_of(
    db: &Db,
    attempt_ids: &[AttemptId],
) -> Result<std::collections::HashMap<AttemptId, std::collections::HashMap<String, f64>>> {
    let mut out: std::collections::HashMap<AttemptId, std::collections::HashMap<String, f64>> =
        std::collections::HashMap::new();
    for chunk in attempt_ids.chunks(500) {
        let rows = manual_grade::Entity::find()
            .filter(manual_grade::Column::AttemptId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for r in rows {
            out.entry(r.attempt_id)
                .or_default()
                .insert(r.question_id, r.score);
        }
    }
    Ok(out)
}

/// Records essay grades and the attempt's new outcome in one transaction. Grades may be
/// given again (a correction); the outcome replaces the earlier one; `mail` (telling the
/// learner) is queued in the same transaction. Returns `false` and writes nothing when the
/// attempt is still open.
pub async fn record_manual_grades(
    db: &Db,
    attempt_id: AttemptId,
    grades: &[(String, f64, Option<String>)],
    grader: UserId,
    outcome: &Outcome,
    mail: Option<&crate::outbox::NewMail>,
) -> Result<bool> {
    let txn = db.begin().await?;
    if !claim(
        &txn,
        attempt_id,
        quiz_attempt::Column::State.ne(AttemptState::Open),
    )
    .await?
    {
        return Ok(false);
    }
    let now = Utc::now();
    for (question, score, comment) in grades {
        manual_grade::Entity::insert(manual_grade::ActiveModel {
            attempt_id: Set(attempt_id),
            question_id: Set(question.clone()),
            score: Set(*score),
            comment: Set(comment.clone()),
            graded_by: Set(grader),
            graded_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                manual_grade::Column::AttemptId,
                manual_grade::Column::QuestionId,
            ])
            .update_columns([
                manual_grade::Column::Score,
                manual_grade::Column::Comment,
                manual_grade::Column::GradedBy,
                manual_grade::Column::GradedAt,
            ])
            .to_owned(),
        )
        .exec(&txn)
        .await?;
    }
    outcome_update(outcome)
        .filter(quiz_attempt::Column::Id.eq(attempt_id))
        .filter(quiz_attempt::Column::State.ne(AttemptState::Open))
        .exec(&txn)
        .await?;
    // The learner's mail (the essay is graded) is written with the grade, or not at all.
    if let Some(mail) = mail {
        crate::outbox::enqueue(&txn, mail).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// A certificate as stored.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: CertificateId,
    pub code: String,
    pub number: String,
    pub user_id: UserId,
    /// The course, for a course's certificate.
    pub course_id: Option<CourseId>,
    pub holder_name: String,
    pub holder_nip: Option<Nip>,
    pub course_slug: String,
    pub course_title: String,
    pub course_version: i32,
    pub jp: Jp,
    pub year: i32,
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    /// The holder's unit kerja when it was issued.
    pub holder_unit: Option<String>,
    /// The instansi (root unit) that issued it.
    pub instansi_id: Option<UnitId>,
    /// When the holder enrolled (the training period runs from here to `issued_at`).
    pub enrolled_at: Option<DateTime<Utc>>,
    /// The counted score (percent) of the course's required quizzes.
    pub score: Option<f64>,
    /// What it is for: a course, a learning path or an event.
    pub kind: CertificateKind,
    /// The path's slug or the event's id (`None` for a course's).
    pub subject: Option<String>,
}

impl From<certificate::Model> for Certificate {
    fn from(m: certificate::Model) -> Self {
        Certificate {
            id: m.id,
            code: m.code,
            number: m.number,
            user_id: m.user_id,
            course_id: m.course_id,
            holder_name: m.holder_name,
            holder_nip: m.holder_nip,
            course_slug: m.course_slug,
            course_title: m.course_title,
            course_version: m.course_version,
            jp: m.jp,
            year: m.year,
            issuer: m.issuer,
            issued_at: m.issued_at,
            revoked_at: m.revoked_at,
            revocation_reason: m.revocation_reason,
            holder_unit: m.holder_unit,
            instansi_id: m.instansi_id,
            enrolled_at: m.enrolled_at,
            score: m.score,
            kind: m.kind,
            subject: m.subject,
        }
    }
}

/// What a completion records, and the certificate it earns.
#[derive(Debug, Clone)]
pub struct NewCompletion {
    pub user_id: UserId,
    pub course_id: CourseId,
    pub course_version_id: VersionId,
    pub version: i32,
    pub jp: Jp,
    pub holder_name: String,
    pub holder_nip: Option<Nip>,
    pub course_slug: String,
    pub course_title: String,
    pub issuer: String,
    /// The holder's unit kerja's name and instansi, as they are now.
    pub holder_unit: Option<String>,
    pub instansi_id: Option<UnitId>,
    /// The counted score (percent) of the required quizzes; `None` without any.
    pub score: Option<f64>,
    /// The unguessable verification code.
    pub code: String,
    /// Formats the human-readable number from (year, certificate id).
    pub number: fn(i32, CertificateId) -> String,
}

/// Records the completion of a course and issues its certificate, in one transaction.
/// `None` when the course was already completed: a completion is recorded once, and so
/// is its certificate.
pub async fn complete_course(db: &Db, new: NewCompletion) -> Result<Option<Certificate>> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let inserted = completion::ActiveModel {
        user_id: Set(new.user_id),
        course_id: Set(new.course_id),
        course_version_id: Set(new.course_version_id),
        version: Set(new.version),
        jp: Set(new.jp),
        completed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let completion = match inserted {
        Ok(c) => c,
        Err(e) => {
            return match StoreError::from_write(e, "completion") {
                StoreError::Conflict(_) => Ok(None),
                other => Err(other),
            };
        }
    };
    let year = now.year();
    let enrolled_at = enrollment::Entity::find()
        .filter(enrollment::Column::UserId.eq(new.user_id))
        .filter(enrollment::Column::CourseId.eq(new.course_id))
        .one(&txn)
        .await?
        .map(|e| e.enrolled_at);
    let cert = certificate::ActiveModel {
        // The number depends on the row id; a unique placeholder holds its place until
        // the update below, inside the same transaction.
        number: Set(format!("pending-{}", new.code)),
        code: Set(new.code.clone()),
        user_id: Set(new.user_id),
        course_id: Set(Some(new.course_id)),
        completion_id: Set(Some(completion.id)),
        holder_name: Set(new.holder_name),
        holder_nip: Set(new.holder_nip),
        course_slug: Set(new.course_slug),
        course_title: Set(new.course_title),
        course_version: Set(new.version),
        jp: Set(new.jp),
        year: Set(year),
        issuer: Set(new.issuer),
        issued_at: Set(now),
        revoked_at: Set(None),
        revocation_reason: Set(None),
        holder_unit: Set(new.holder_unit),
        instansi_id: Set(new.instansi_id),
        enrolled_at: Set(enrolled_at),
        score: Set(new.score),
        kind: Set(CertificateKind::Course),
        subject: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::from_write(e, "certificate"))?;
    let number = (new.number)(year, cert.id);
    let mut active: certificate::ActiveModel = cert.into();
    active.number = Set(number);
    let cert = active.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(cert.into()))
}

/// A certificate of a learning path completed or an event attended.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub kind: CertificateKind,
    /// The path's slug or the event's id.
    pub subject: String,
    pub user_id: UserId,
    pub holder_name: String,
    pub holder_nip: Option<Nip>,
    /// What the certificate names: the path's slug or a slug-like name of the event.
    pub slug: String,
    /// The path's or the event's title.
    pub title: String,
    pub jp: Jp,
    pub issuer: String,
    pub holder_unit: Option<String>,
    pub instansi_id: Option<UnitId>,
    /// When it began (the path's first enrolment, the event's start).
    pub started_at: Option<DateTime<Utc>>,
    /// The unguessable verification code.
    pub code: String,
    /// Formats the human-readable number from (year, certificate id).
    pub number: fn(i32, CertificateId) -> String,
}

/// Issues a certificate of a path or an event, on `db` (a transaction of the action that
/// earns it, or the database). `None` when the holder already has the certificate of this
/// (kind, subject): it is issued once.
pub async fn issue_certificate<C: ConnectionTrait>(
    db: &C,
    new: NewCertificate,
) -> Result<Option<Certificate>> {
    let existing = certificate::Entity::find()
        .filter(certificate::Column::UserId.eq(new.user_id))
        .filter(certificate::Column::Kind.eq(new.kind))
        .filter(certificate::Column::Subject.eq(new.subject.as_str()))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(None);
    }
    let now = Utc::now();
    let year = now.year();
    let inserted = certificate::ActiveModel {
        number: Set(format!("pending-{}", new.code)),
        code: Set(new.code.clone()),
        user_id: Set(new.user_id),
        course_id: Set(None),
        completion_id: Set(None),
        holder_name: Set(new.holder_name),
        holder_nip: Set(new.holder_nip),
        course_slug: Set(new.slug),
        course_title: Set(new.title),
        course_version: Set(1),
        jp: Set(new.jp),
        year: Set(year),
        issuer: Set(new.issuer),
        issued_at: Set(now),
        revoked_at: Set(None),
        revocation_reason: Set(None),
        holder_unit: Set(new.holder_unit),
        instansi_id: Set(new.instansi_id),
        enrolled_at: Set(new.started_at),
        score: Set(None),
        kind: Set(new.kind),
        subject: Set(Some(new.subject)),
        ..Default::default()
    }
    .insert(db)
    .await;
    let cert = match inserted {
        Ok(c) => c,
        Err(e) => {
            // Two requests issuing at once: the unique index lets one through.
            return match StoreError::from_write(e, "certificate") {
                StoreError::Conflict(_) => Ok(None),
                other => Err(other),
            };
        }
    };
    let number = (new.number)(year, cert.id);
    let mut active: certificate::ActiveModel = cert.into();
    active.number = Set(number);
    Ok(Some(active.update(db).await?.into()))
}

/// The courses a user has completed.
pub async fn completed_course_ids(db: &Db, user_id: UserId) -> Result<Vec<CourseId>> {
    Ok(completion::Entity::find()
        .filter(completion::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.course_id)
        .collect())
}

/// When (and on which version) a user completed a course.
pub async fn completion_of(
    db: &Db,
    user_id: UserId,
    course_id: CourseId,
) -> Result<Option<(DateTime<Utc>, i32)>> {
    Ok(completion::Entity::find()
        .filter(completion::Column::UserId.eq(user_id))
        .filter(completion::Column::CourseId.eq(course_id))
        .one(db)
        .await?
        .map(|c| (c.completed_at, c.version)))
}

pub async fn certificates_of(db: &Db, user_id: UserId) -> Result<Vec<Certificate>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .order_by_desc(certificate::Column::IssuedAt)
        .all(db)
        .await?
        .into_iter()
        .map(Certificate::from)
        .collect())
}

pub async fn certificate_by_code(db: &Db, code: &str) -> Result<Option<Certificate>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code))
        .one(db)
        .await?
        .map(Certificate::from))
}

/// The certificate with this printed number whose holder had this NIP when it was issued:
/// both conditions in one query, so an existing number with another NIP and a number that
/// does not exist take the same path and give the same answer.
pub async fn certificate_by_number_and_nip(
    db: &Db,
    number: &str,
    nip: &Nip,
) -> Result<Option<Certificate>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number))
        .filter(certificate::Column::HolderNip.eq(nip.clone()))
        .one(db)
        .await?
        .map(Certificate::from))
}

/// JP a user earned in a calendar year: certificates that are not revoked, plus JP earned
/// outside Lentera and recorded by an admin.
pub async fn jp_in_year(db: &Db, user_id: UserId, year: i32) -> Result<Jp> {
    let courses: Jp = certificate::Entity::find()
        .filter(certificate::Column::UserId.eq(user_id))
        .filter(certificate::Column::Year.eq(year))
        .filter(certificate::Column::RevokedAt.is_null())
        // A path's certificate adds nothing: its courses' certificates count.
        .filter(certificate::Column::Kind.ne(CertificateKind::Path))
        .all(db)
        .await?
        .iter()
        .map(|c| c.jp)
        .sum();
    let outside: Jp = crate::reports::jp_entries_of(db, user_id, year)
        .await?
        .iter()
        .map(|e| e.jp)
        .sum();
    Ok(courses + outside)
}

/// One query for a learner's state in every course they are enrolled in: course id ->
/// the slugs of the lessons they have completed there (empty when none yet).
pub async fn learner_state(
    db: &Db,
    user_id: UserId,
) -> Result<std::collections::HashMap<CourseId, Vec<String>>> {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
    let stmt = Query::select()
        .expr_as(
            Expr::col((enrollment::Entity, enrollment::Column::CourseId)),
            Alias::new("course"),
        )
        .expr_as(
            Expr::col((lesson_progress::Entity, lesson_progress::Column::LessonSlug)),
            Alias::new("lesson"),
        )
        .from(enrollment::Entity)
        .join(
            JoinType::LeftJoin,
            lesson_progress::Entity,
            Expr::col((lesson_progress::Entity, lesson_progress::Column::UserId))
                .equals((enrollment::Entity, enrollment::Column::UserId))
                .and(
                    Expr::col((lesson_progress::Entity, lesson_progress::Column::CourseId))
                        .equals((enrollment::Entity, enrollment::Column::CourseId)),
                ),
        )
        .and_where(Expr::col((enrollment::Entity, enrollment::Column::UserId)).eq(user_id))
        .to_owned();
    let rows = db
        .query_all_raw(db.get_database_backend().build(&stmt))
        .await?;
    let mut out: std::collections::HashMap<CourseId, Vec<String>> =
        std::collections::HashMap::new();
    for row in rows {
        let course: CourseId = row.try_get("", "course")?;
        let done = out.entry(course).or_default();
        if let Some(lesson) = row.try_get::<Option<String>>("", "lesson")? {
            done.push(lesson);
        }
    }
    Ok(out)
}
