//! Essays waiting for an instructor's grade, and grading them.

use std::sync::Arc;

use chrono::Utc;
use lentera_assessment::{self as assessment, Quiz};
use serde::Serialize;

use super::*;
use crate::Lentera;
use crate::error::{Error, ErrorCode, Result};
use crate::policy::{self, Action, Granted, Resource, Role};
use crate::{AttemptId, AttemptState, CourseId, UserId};
use lentera_store::courses::{self};
use lentera_store::learning::{self, Attempt};
use utoipa::ToSchema;

/// An attempt waiting for an essay grade.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GradingItem {
    pub attempt: AttemptId,
    pub number: i32,
    pub course: Option<String>,
    pub course_title: Option<String>,
    pub quiz: String,
    pub quiz_title: String,
    pub learner: Option<String>,
    pub learner_nip: Option<String>,
    pub submitted_at: Option<String>,
}

/// Attempts waiting for an essay grade in the courses this instructor may grade.
pub async fn grading_queue(
    state: &Lentera,
    user: &crate::sessions::CurrentUser,
) -> Result<Vec<GradingItem>> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let heads = courses::editable_by(&state.db, user.user.id, user.has(Role::Admin)).await?;
    let ids: Vec<CourseId> = heads.iter().map(|h| h.id).collect();
    let pending = learning::pending_review(&state.db, &ids).await?;
    let learners: Vec<UserId> = pending.iter().map(|a| a.user_id).collect();
    let names = lentera_store::people::names_of(&state.db, &learners).await?;
    let mut out = Vec::with_capacity(pending.len());
    for a in pending {
        let learner = names.get(&a.user_id);
        let head = heads.iter().find(|h| h.id == a.course_id);
        let compiled = state
            .courses
            .version(&state.db, a.course_version_id)
            .await?;
        out.push(GradingItem {
            attempt: a.id,
            number: a.number,
            course: head.map(|h| h.slug.clone()),
            course_title: head.map(|h| h.title.clone()),
            quiz_title: compiled.quiz_title(&a.quiz_slug),
            quiz: a.quiz_slug,
            learner: learner.map(|(name, _)| name.clone()),
            learner_nip: learner.and_then(|(_, nip)| nip.as_ref().map(|n| n.to_string())),
            submitted_at: a.submitted_at.map(|d| d.to_rfc3339()),
        });
    }
    Ok(out)
}

/// A closed attempt the caller may grade (see [`policy::authorize`]), with its quiz.
pub async fn attempt_for_grading(
    state: &Lentera,
    user: &crate::sessions::CurrentUser,
    id: AttemptId,
) -> Result<(Attempt, Arc<Quiz>, Granted)> {
    policy::authorize(state, user, Action::Teach, Resource::Instance).await?;
    let attempt = learning::attempt(&state.db, id)
        .await?
        .filter(|a| a.state != AttemptState::Open)
        .ok_or_else(|| Error::new(ErrorCode::AttemptNotFound, "No such submitted attempt"))?;
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
        .ok_or_else(|| Error::internal("attempt's quiz missing from its version"))?;
    Ok((attempt, quiz, granted))
}

/// An essay of an attempt, for its grader.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EssayToGrade {
    pub question: String,
    pub prompt_html: String,
    pub points: f64,
    /// The learner's text, as typed (escape it before showing it).
    pub answer: Option<String>,
    pub score: Option<f64>,
    pub comment: Option<String>,
}

/// What the grader sees: every essay of the attempt with the learner's text and any grade
/// given so far.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GradingView {
    pub attempt: AttemptId,
    pub number: i32,
    pub quiz: String,
    pub quiz_title: String,
    pub state: AttemptState,
    pub learner: Option<String>,
    pub score: f64,
    pub max_score: f64,
    pub percent: f64,
    pub essays: Vec<EssayToGrade>,
}

pub async fn grading_view(state: &Lentera, attempt: &Attempt, quiz: &Quiz) -> Result<GradingView> {
    let (restricted, responses, grade, manual) = closed_grade(state, attempt, quiz).await?;
    let learner = lentera_store::people::user_by_id(&state.db, attempt.user_id).await?;
    let essays = restricted
        .questions
        .iter()
        .filter(|q| matches!(q.kind, assessment::QuestionKind::Essay))
        .map(|q| {
            let given = manual.iter().find(|m| m.question_id == q.id);
            EssayToGrade {
                question: q.id.clone(),
                prompt_html: q.prompt.clone(),
                points: q.points,
                answer: responses
                    .iter()
                    .find(|r| r.question == q.id)
                    .and_then(|r| r.text.clone()),
                score: given.map(|m| m.score),
                comment: given.and_then(|m| m.comment.clone()),
            }
        })
        .collect();
    Ok(GradingView {
        attempt: attempt.id,
        number: attempt.number,
        quiz: attempt.quiz_slug.clone(),
        quiz_title: quiz.title.clone(),
        state: attempt.state,
        learner: learner.map(|u| u.name),
        score: grade.score,
        max_score: grade.max_score,
        percent: grade.percent,
        essays,
    })
}

/// An essay's grade, from its grader.
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeEntry {
    /// The essay question's id.
    pub question: String,
    pub score: f64,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Records essay grades, regrades the attempt, and completes the course for the learner
/// when this made them pass.
pub async fn grade_essays(
    state: &Lentera,
    _: Granted,
    grader: &crate::sessions::CurrentUser,
    attempt: &Attempt,
    quiz: &Quiz,
    grades: &[GradeEntry],
) -> Result<AttemptResult> {
    let layout = layout_of(attempt)?;
    let restricted = quiz.for_layout(&layout);
    let grades: Vec<(String, f64, Option<String>)> = grades
        .iter()
        .map(|g| {
            let comment = g.comment.clone().filter(|c| !c.trim().is_empty());
            (g.question.clone(), g.score, comment)
        })
        .collect();
    for (question, score, comment) in &grades {
        let q = restricted
            .questions
            .iter()
            .find(|q| &q.id == question && matches!(q.kind, assessment::QuestionKind::Essay))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidGrade,
                    format!("'{question}' is not an essay of this attempt"),
                )
                .field(question)
            })?;
        if !score.is_finite() || *score < 0.0 || *score > q.points {
            return Err(Error::new(
                ErrorCode::InvalidGrade,
                format!("'{question}': a score from 0 to {}", q.points),
            )
            .field(question));
        }
        if comment
            .as_deref()
            .is_some_and(|c| !crate::text::is_paragraphs(c, 0, 5000))
        {
            return Err(Error::new(
                ErrorCode::InvalidComment,
                "a comment has at most 5000 characters and no control characters",
            )
            .field(question));
        }
    }
    let mut scores: std::collections::HashMap<String, f64> =
        learning::manual_grades(&state.db, attempt.id)
            .await?
            .into_iter()
            .map(|m| (m.question_id, m.score))
            .collect();
    for (q, score, _) in &grades {
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
    // The learner hears of it by mail (when mail is on and they have an address) once every
    // essay is graded, in the same transaction as the grades.
    let learner = lentera_store::people::user_by_id(&state.db, attempt.user_id).await?;
    let mail = match (&learner, outcome.state) {
        (Some(learner), AttemptState::Graded) => crate::mail::essay_graded(
            state,
            learner,
            &quiz.title,
            outcome.percent,
            outcome.passed,
            &format!("{}/percobaan/{}/hasil", state.config.public_url, attempt.id),
        ),
        _ => None,
    };
    if !learning::record_manual_grades(
        &state.db,
        attempt.id,
        &grades,
        grader.user.id,
        &outcome,
        mail.as_ref(),
    )
    .await?
    {
        return Err(Error::new(
            ErrorCode::AttemptOpen,
            "This attempt is not submitted yet",
        ));
    }
    lentera_store::audit::record(
        &state.db,
        Some(grader.user.id),
        lentera_store::AuditAction::AttemptGraded,
        &format!("attempt:{}", attempt.id),
        Some(format!("{:.2}/{:.2}", grade.score, grade.max_score)),
    )
    .await?;
    let compiled = state
        .courses
        .version(&state.db, attempt.course_version_id)
        .await?;
    if let Some(learner) = &learner {
        super::attempts::graded_statement(state, learner, &compiled, quiz, attempt, &outcome).await;
    }
    let mut certificate = None;
    if passed
        && let (Some(head), Some(learner)) = (
            courses::by_slug(&state.db, &compiled.course.slug).await?,
            learner.as_ref(),
        )
    {
        let current = state.courses.get(&state.db, &head).await?;
        certificate = check_completion(state, learner, &head, &current).await?;
    }
    if mail.is_some() {
        state.mail.wake();
    }
    let fresh = learning::attempt(&state.db, attempt.id)
        .await?
        .ok_or_else(|| Error::internal("attempt vanished"))?;
    Ok(result(state, &fresh, certificate.as_ref()))
}
