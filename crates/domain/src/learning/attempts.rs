//! Quiz attempts: starting, answering, submitting (graded once), the result, the review and
//! a learner's standing on a quiz.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use lentera_assessment::{self as assessment, Quiz, ResponseEntry};
use serde::Serialize;

use super::*;
use crate::Lentera;
use crate::catalog::CompiledCourse;
use crate::certificates::CertificateView;
use crate::error::{Details, Error, ErrorCode, Result};
use crate::policy::{self};
use crate::{AttemptId, AttemptState};
use lentera_store::courses::{self, CourseHead};
use lentera_store::learning::{self, Attempt, Certificate, NewAttempt, Outcome};
use lentera_store::people::User;
use utoipa::ToSchema;

/// Starts an attempt, or returns the open one (a reload must not burn an attempt).
pub async fn start_attempt(
    state: &Lentera,
    user: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
    quiz_slug: &str,
) -> Result<(Attempt, bool)> {
    let quiz = compiled.quiz(quiz_slug).ok_or_else(|| {
        Error::new(
            ErrorCode::QuizNotFound,
            format!("No quiz '{quiz_slug}' in this course"),
        )
    })?;
    require_enrolled(state, user, head).await?;
    let mut previous = learning::attempts(&state.db, user.id, head.id, quiz_slug).await?;
    for attempt in previous.iter_mut() {
        if attempt.state == AttemptState::Open {
            close_if_expired(state, user, attempt).await?;
        }
    }
    if let Some(open) = previous.iter().find(|a| a.state == AttemptState::Open) {
        return Ok((open.clone(), false));
    }
    if quiz.max_attempts > 0 && previous.len() >= quiz.max_attempts as usize {
        return Err(Error::new(
            ErrorCode::NoAttemptsLeft,
            format!("All {} attempts at this quiz are used", quiz.max_attempts),
        ));
    }
    if let Some(at) = next_attempt_at(quiz, &previous)
        && at > Utc::now()
    {
        return Err(Error::new(
            ErrorCode::Cooldown,
            format!(
                "The next attempt at this quiz can start at {}",
                at.to_rfc3339()
            ),
        )
        .details(Details::AvailableAt(at.to_rfc3339())));
    }
    let seed = u64::from_le_bytes(crate::keys::random_bytes::<8>().map_err(Error::internal)?);
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
            layout: serde_json::to_string(&layout).map_err(Error::internal)?,
            deadline,
        },
    )
    .await
    .map_err(|e| match e {
        lentera_store::StoreError::Conflict(_) => Error::new(
            ErrorCode::AttemptInProgress,
            "Another attempt was just started; reload",
        ),
        other => other.into(),
    })?;
    crate::xapi::record(
        state,
        user,
        crate::xapi::Happened::QuizAttempted {
            course: &head.slug,
            course_title: &head.title,
            quiz: quiz_slug,
            quiz_title: &quiz.title,
            attempt: attempt.id.0,
        },
    )
    .await;
    Ok((attempt, true))
}

/// An attempt of `user`, with its course version and quiz. Another user's attempt is
/// "not found": its existence is nobody else's business.
pub async fn load_attempt(
    state: &Lentera,
    user: &User,
    id: AttemptId,
) -> Result<(Attempt, Arc<CompiledCourse>, Arc<Quiz>)> {
    let mut attempt = learning::attempt(&state.db, id)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::AttemptNotFound, "No such attempt"))?;
    policy::own_attempt(user, attempt.user_id)?;
    let compiled = state
        .courses
        .version(&state.db, attempt.course_version_id)
        .await?;
    let quiz = compiled
        .quiz(&attempt.quiz_slug)
        .cloned()
        .ok_or_else(|| Error::internal(format!("attempt {id} names a quiz its version lacks")))?;
    if attempt.state == AttemptState::Open {
        close_if_expired(state, user, &mut attempt).await?;
    }
    Ok((attempt, compiled, quiz))
}

fn past_deadline(attempt: &Attempt, now: DateTime<Utc>) -> bool {
    attempt.deadline.is_some_and(|d| now > d)
}

/// An open attempt whose deadline has passed is graded with what was saved by then.
async fn close_if_expired(state: &Lentera, user: &User, attempt: &mut Attempt) -> Result<()> {
    if past_deadline(attempt, Utc::now()) {
        grade_and_close(state, user, attempt).await?;
        if let Some(fresh) = learning::attempt(&state.db, attempt.id).await? {
            *attempt = fresh;
        }
    }
    Ok(())
}

pub fn layout_of(attempt: &Attempt) -> Result<assessment::AttemptLayout> {
    serde_json::from_str(&attempt.layout).map_err(Error::internal)
}

/// The attempt as the learner sees it: questions in the attempt's order, no answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptView {
    pub id: AttemptId,
    /// The quiz's slug.
    pub quiz: String,
    pub title: String,
    /// 1 for the learner's first attempt at this quiz.
    pub number: i32,
    pub state: AttemptState,
    pub started_at: String,
    /// When the time limit ends (RFC 3339); none without a time limit.
    pub deadline: Option<String>,
    /// The drawn questions with opaque option ids: nothing tells which answer is right.
    pub questions: Vec<assessment::PublicQuestion>,
}

pub fn attempt_view(state: &Lentera, attempt: &Attempt, quiz: &Quiz) -> Result<AttemptView> {
    let layout = layout_of(attempt)?;
    Ok(AttemptView {
        id: attempt.id,
        quiz: attempt.quiz_slug.clone(),
        title: quiz.title.clone(),
        number: attempt.number,
        state: attempt.state,
        started_at: attempt.started_at.to_rfc3339(),
        deadline: attempt.deadline.map(|d| d.to_rfc3339()),
        questions: assessment::public_questions(quiz, &layout, &state.keys.quiz_salt),
    })
}

/// Saved responses of an attempt, parsed.
pub async fn saved_responses(state: &Lentera, attempt: &Attempt) -> Result<Vec<ResponseEntry>> {
    in_time(attempt, learning::responses(&state.db, attempt.id).await?)
}

/// Saved rows parsed, without those saved after the deadline (the server's clock decides).
pub(crate) fn in_time(
    attempt: &Attempt,
    rows: Vec<(String, String, DateTime<Utc>)>,
) -> Result<Vec<ResponseEntry>> {
    let mut out = Vec::with_capacity(rows.len());
    for (_, json, saved_at) in rows {
        if attempt.deadline.is_some_and(|d| saved_at > d) {
            continue;
        }
        out.push(serde_json::from_str(&json).map_err(Error::internal)?);
    }
    Ok(out)
}

/// Validates and saves responses without submitting.
pub async fn save_responses(
    state: &Lentera,
    attempt: &Attempt,
    quiz: &Quiz,
    entries: &[ResponseEntry],
) -> Result<()> {
    if attempt.state != AttemptState::Open {
        return Err(Error::new(
            ErrorCode::AttemptClosed,
            "This attempt is already submitted",
        ));
    }
    if past_deadline(attempt, Utc::now()) {
        return Err(Error::new(
            ErrorCode::DeadlinePassed,
            "The time for this attempt is over",
        ));
    }
    // Only the questions drawn for this attempt may be answered.
    let quiz = &quiz.for_layout(&layout_of(attempt)?);
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        assessment::validate_response(quiz, &state.keys.quiz_salt, entry).map_err(|m| {
            Error::new(
                ErrorCode::InvalidResponse,
                format!("Question '{}': {m}", entry.question),
            )
        })?;
        rows.push((
            entry.question.clone(),
            serde_json::to_string(entry).map_err(Error::internal)?,
        ));
    }
    if !learning::save_responses(&state.db, attempt.id, &rows).await? {
        return Err(Error::new(
            ErrorCode::AttemptClosed,
            "This attempt is already submitted",
        ));
    }
    Ok(())
}

/// The graded result of an attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptResult {
    pub attempt: AttemptId,
    /// graded, or pending_review while an essay waits for its grade.
    pub state: AttemptState,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percent: Option<f64>,
    pub passed: bool,
    pub submitted_at: Option<String>,
    /// The certificate this attempt earned by completing the course.
    pub certificate: Option<CertificateView>,
}

pub fn result(
    state: &Lentera,
    attempt: &Attempt,
    certificate: Option<&Certificate>,
) -> AttemptResult {
    AttemptResult {
        attempt: attempt.id,
        state: attempt.state,
        score: attempt.score,
        max_score: attempt.max_score,
        percent: attempt.percent,
        passed: attempt.passed.unwrap_or(false),
        submitted_at: attempt.submitted_at.map(|d| d.to_rfc3339()),
        certificate: certificate.map(|c| CertificateView::of(state, c)),
    }
}

/// What is stored of a grade: pending while an essay waits for its grade.
pub(crate) fn outcome_of(
    grade: &assessment::Grade,
    passed: bool,
    submitted_at: DateTime<Utc>,
) -> Outcome {
    Outcome {
        state: if grade.pending_review {
            AttemptState::PendingReview
        } else {
            AttemptState::Graded
        },
        score: grade.score,
        max_score: grade.max_score,
        percent: grade.percent,
        passed,
        submitted_at,
    }
}

/// The xAPI statement of an attempt's final grade (passed or failed, with its score); none
/// while an essay waits for its grade.
pub(crate) async fn graded_statement(
    state: &Lentera,
    user: &User,
    compiled: &CompiledCourse,
    quiz: &Quiz,
    attempt: &Attempt,
    outcome: &Outcome,
) {
    if outcome.state != AttemptState::Graded {
        return;
    }
    crate::xapi::record(
        state,
        user,
        crate::xapi::Happened::QuizGraded {
            course: &compiled.course.slug,
            course_title: &compiled.course.title,
            quiz: &attempt.quiz_slug,
            quiz_title: &quiz.title,
            attempt: attempt.id.0,
            score: outcome.score,
            max_score: outcome.max_score,
            passed: outcome.passed,
        },
    )
    .await;
}

/// Grades an open attempt and closes it. `false` when another request closed it first.
async fn grade_and_close(
    state: &Lentera,
    user: &User,
    attempt: &Attempt,
) -> Result<(bool, Option<Certificate>)> {
    let compiled = state
        .courses
        .version(&state.db, attempt.course_version_id)
        .await?;
    let quiz = compiled
        .quiz(&attempt.quiz_slug)
        .ok_or_else(|| Error::internal("attempt's quiz missing from its version"))?;
    let quiz = &quiz.for_layout(&layout_of(attempt)?);
    let responses = saved_responses(state, attempt).await?;
    let grade = assessment::grade(quiz, &state.keys.quiz_salt, &responses);
    let passed = assessment::passed(quiz, &grade);
    let outcome = outcome_of(&grade, passed, Utc::now());
    if !learning::finish_attempt(&state.db, attempt.id, &outcome).await? {
        return Ok((false, None));
    }
    graded_statement(state, user, &compiled, quiz, attempt, &outcome).await;
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
    state: &Lentera,
    user: &User,
    attempt: &Attempt,
    quiz: &Quiz,
    final_entries: &[ResponseEntry],
) -> Result<AttemptResult> {
    if attempt.state != AttemptState::Open {
        return Err(already_submitted(state, attempt));
    }
    if !final_entries.is_empty() && !past_deadline(attempt, Utc::now()) {
        match save_responses(state, attempt, quiz, final_entries).await {
            Ok(()) => {}
            // Another tab submitted between our read and our save: report its result.
            Err(e) if e.code == ErrorCode::AttemptClosed => {
                let fresh = learning::attempt(&state.db, attempt.id)
                    .await?
                    .ok_or_else(|| Error::internal("attempt vanished"))?;
                return Err(already_submitted(state, &fresh));
            }
            Err(e) => return Err(e),
        }
    }
    let (won, certificate) = grade_and_close(state, user, attempt).await?;
    let fresh = learning::attempt(&state.db, attempt.id)
        .await?
        .ok_or_else(|| Error::internal("attempt vanished"))?;
    if !won {
        // Another tab submitted at the same moment: it graded; this one reports that.
        return Err(already_submitted(state, &fresh));
    }
    Ok(result(state, &fresh, certificate.as_ref()))
}

fn already_submitted(state: &Lentera, attempt: &Attempt) -> Error {
    Error::new(
        ErrorCode::AttemptAlreadySubmitted,
        "This attempt was already submitted; here is its result",
    )
    .details(Details::Result(Box::new(result(state, attempt, None))))
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
    let graded = attempts.iter().filter(|a| a.state == AttemptState::Graded);
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

/// The attempt whose grade counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Counted {
    pub attempt: AttemptId,
    pub number: i32,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
}

/// One attempt in a learner's standing on a quiz.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptSummary {
    pub id: AttemptId,
    pub number: i32,
    pub state: AttemptState,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub started_at: String,
    pub submitted_at: Option<String>,
}

/// A learner's standing on one quiz: its rules, their attempts, the counted grade, what is
/// left.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuizStanding {
    pub quiz: String,
    pub title: String,
    pub pass_percent: f64,
    /// 0 for no limit.
    pub max_attempts: u32,
    pub time_limit_minutes: Option<u32>,
    pub cooldown_minutes: u32,
    /// highest or latest.
    #[schema(value_type = String)]
    pub counts: assessment::CountedAttempt,
    /// after_submit, after_last_attempt or never.
    #[schema(value_type = String)]
    pub review: assessment::ReviewPolicy,
    pub attempts_left: Option<usize>,
    pub next_attempt_at: Option<String>,
    pub counted: Option<Counted>,
    pub attempts: Vec<AttemptSummary>,
}

pub fn quiz_standing(quiz: &Quiz, attempts: &[Attempt]) -> QuizStanding {
    let counted = counted_attempt(quiz, attempts);
    let next = next_attempt_at(quiz, attempts).filter(|at| *at > Utc::now());
    QuizStanding {
        quiz: quiz.slug.clone(),
        title: quiz.title.clone(),
        pass_percent: quiz.pass_percent,
        max_attempts: quiz.max_attempts,
        time_limit_minutes: quiz.time_limit_minutes,
        cooldown_minutes: quiz.cooldown_minutes,
        counts: quiz.counts,
        review: quiz.review,
        attempts_left: (quiz.max_attempts > 0)
            .then(|| (quiz.max_attempts as usize).saturating_sub(attempts.len())),
        next_attempt_at: next.map(|d| d.to_rfc3339()),
        counted: counted.map(|a| Counted {
            attempt: a.id,
            number: a.number,
            percent: a.percent,
            passed: a.passed,
        }),
        attempts: attempts
            .iter()
            .map(|a| AttemptSummary {
                id: a.id,
                number: a.number,
                state: a.state,
                percent: a.percent,
                passed: a.passed,
                started_at: a.started_at.to_rfc3339(),
                submitted_at: a.submitted_at.map(|d| d.to_rfc3339()),
            })
            .collect(),
    }
}

/// A closed attempt's grade, recomputed from what was saved and the essay grades (grading
/// is deterministic, so this equals what was stored).
pub async fn closed_grade(
    state: &Lentera,
    attempt: &Attempt,
    quiz: &Quiz,
) -> Result<(
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

/// One question of the review, with the grader's comment on an essay and how it went.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewedQuestion {
    #[serde(flatten)]
    pub question: assessment::ReviewQuestion,
    pub grader_comment: Option<String>,
    pub mark: Mark,
}

/// How a question of a submitted attempt went, from its score: pages say it in words and
/// a sign, not by colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Full marks.
    Right,
    /// Some of the points.
    PartlyRight,
    /// No points.
    Wrong,
    /// An essay waiting for its grade.
    Pending,
    /// A description, or a question worth no points: nothing to mark.
    Unmarked,
}

impl Mark {
    pub fn of(q: &assessment::ReviewQuestion) -> Mark {
        // Scores are sums of weighted parts: a hair below the points is full marks.
        const EPSILON: f64 = 1e-9;
        if q.kind == assessment::QuestionType::Description || q.points <= 0.0 {
            Mark::Unmarked
        } else if q.needs_review {
            Mark::Pending
        } else if q.score >= q.points - EPSILON {
            Mark::Right
        } else if q.score > EPSILON {
            Mark::PartlyRight
        } else {
            Mark::Wrong
        }
    }
}

/// The review of a closed attempt for its learner.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    /// Whether the right answers are shown (the quiz's review setting allows it by now).
    pub shows_correct: bool,
    #[schema(value_type = String)]
    pub review: assessment::ReviewPolicy,
    pub questions: Vec<ReviewedQuestion>,
}

/// The review of a closed attempt for its learner: their answers and marks, feedback on
/// what they chose, the grader's comments, and the right answers only when the quiz's
/// review setting allows it by now.
pub async fn review(state: &Lentera, attempt: &Attempt, quiz: &Quiz) -> Result<ReviewView> {
    let attempts = learning::attempts(
        &state.db,
        attempt.user_id,
        attempt.course_id,
        &attempt.quiz_slug,
    )
    .await?;
    review_among(state, attempt, quiz, &attempts).await
}

/// [`review`], given all of the learner's attempts at the quiz.
pub(crate) async fn review_among(
    state: &Lentera,
    attempt: &Attempt,
    quiz: &Quiz,
    attempts: &[Attempt],
) -> Result<ReviewView> {
    let (restricted, responses, grade, manual) = closed_grade(state, attempt, quiz).await?;
    let submitted = u32::try_from(
        attempts
            .iter()
            .filter(|a| a.state != AttemptState::Open)
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
    Ok(ReviewView {
        shows_correct: show,
        review: quiz.review,
        questions: questions
            .into_iter()
            .map(|question| {
                let grader_comment = manual
                    .iter()
                    .find(|m| m.question_id == question.id)
                    .and_then(|m| m.comment.clone());
                ReviewedQuestion {
                    mark: Mark::of(&question),
                    question,
                    grader_comment,
                }
            })
            .collect(),
    })
}
