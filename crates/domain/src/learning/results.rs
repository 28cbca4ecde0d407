//! What a learner is told: an attempt's result led by the outcome and the next step, the
//! essays an instructor graded lately, and the home page (courses, JP, that news).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use lentera_assessment::Quiz;
use serde::Serialize;
use utoipa::ToSchema;

use super::*;
use crate::Lentera;
use crate::catalog::CompiledCourse;
use crate::error::Result;
use crate::{AttemptId, AttemptState};
use lentera_store::courses::{self, CourseHead};
use lentera_store::learning::{self, Attempt, Certificate};
use lentera_store::people::User;

/// A submitted attempt with everything its result page says: the review, where the
/// learner stands in the course now (what is left, or the certificate) and on the quiz
/// (attempts left, when the next may start).
pub struct ResultView {
    pub attempt: Attempt,
    /// The course version the attempt was taken on.
    pub compiled: Arc<CompiledCourse>,
    pub quiz: Arc<Quiz>,
    pub review: ReviewView,
    /// Where the learner stands in the course's current version; `None` once the course is
    /// no longer published (nothing there to go on to).
    pub progress: Option<CourseProgress>,
    /// The learner's certificate for the course, once completed.
    pub certificate: Option<Certificate>,
    /// Attempts left at the quiz (`None`: no limit).
    pub attempts_left: Option<usize>,
    /// When the next attempt may start, while a cooldown runs.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Whether the quiz is passed by the attempt that counts.
    pub quiz_passed: bool,
}

/// An attempt for its result page: still open (the page sends the learner back to it), or
/// submitted, with its result.
pub enum Submitted {
    Open(AttemptId),
    Closed(Box<ResultView>),
}

/// The learner's own attempt `id` for its result page.
pub async fn result_view(state: &Lentera, user: &User, id: AttemptId) -> Result<Submitted> {
    let (attempt, compiled, quiz) = load_attempt(state, user, id).await?;
    if attempt.state == AttemptState::Open {
        return Ok(Submitted::Open(attempt.id));
    }
    let attempts =
        learning::attempts(&state.db, user.id, attempt.course_id, &attempt.quiz_slug).await?;
    let review = review_among(state, &attempt, &quiz, &attempts).await?;
    let certificate = learning::certificates_of(&state.db, user.id)
        .await?
        .into_iter()
        .find(|c| c.course_id == Some(attempt.course_id));
    // Progress is kept by slug, so it is read against the course's current version.
    let progress = match courses::by_slug(&state.db, &compiled.course.slug).await? {
        Some(head) if head.published => {
            let current = state.courses.get(&state.db, &head).await?;
            Some(progress_in(state, user, &head, &current).await?)
        }
        _ => None,
    };
    let quiz_passed = counted_attempt(&quiz, &attempts).is_some_and(|a| a.passed == Some(true))
        || progress
            .as_ref()
            .is_some_and(|p| p.passed.contains(&quiz.slug));
    Ok(Submitted::Closed(Box::new(ResultView {
        attempts_left: (quiz.max_attempts > 0)
            .then(|| (quiz.max_attempts as usize).saturating_sub(attempts.len())),
        next_attempt_at: next_attempt_at(&quiz, &attempts).filter(|at| *at > Utc::now()),
        attempt,
        compiled,
        quiz,
        review,
        progress,
        certificate,
        quiz_passed,
    })))
}

/// How far back an instructor's grade counts as news on the learner's pages.
pub const GRADED_NEWS_DAYS: i64 = 14;

/// Most graded attempts listed at once.
const GRADED_NEWS_LIMIT: u64 = 10;

/// An attempt an instructor finished grading lately (its essays had waited for a grade).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GradedNews {
    pub attempt: AttemptId,
    pub number: i32,
    /// The course's slug and title, the quiz's slug and title.
    pub course: String,
    pub course_title: String,
    pub quiz: String,
    pub quiz_title: String,
    pub percent: Option<f64>,
    pub passed: bool,
}

/// The learner's attempts whose essays an instructor graded in the last
/// [`GRADED_NEWS_DAYS`] days, newest first: a learner is never otherwise told.
pub async fn recently_graded(state: &Lentera, user: &User) -> Result<Vec<GradedNews>> {
    let since = Utc::now() - chrono::Duration::days(GRADED_NEWS_DAYS);
    let attempts = learning::graded_since(&state.db, user.id, since, GRADED_NEWS_LIMIT).await?;
    if attempts.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<_> = attempts.iter().map(|a| a.course_id).collect();
    let heads = courses::by_ids(&state.db, &ids).await?;
    let mut out = Vec::with_capacity(attempts.len());
    for a in attempts {
        let Some(head) = heads.iter().find(|h| h.id == a.course_id && h.published) else {
            continue;
        };
        let compiled = state
            .courses
            .version(&state.db, a.course_version_id)
            .await?;
        out.push(GradedNews {
            attempt: a.id,
            number: a.number,
            course: head.slug.clone(),
            course_title: head.title.clone(),
            quiz_title: compiled.quiz_title(&a.quiz_slug),
            quiz: a.quiz_slug,
            // One decimal at most, as learners read it (69,6 % is not 70 %).
            percent: a.percent.map(|p| (p * 10.0).round() / 10.0),
            passed: a.passed.unwrap_or(false),
        });
    }
    Ok(out)
}

/// The learner's home page: their courses with where to go on, this year's JP, and the
/// essays graded lately.
#[derive(Debug, Clone, Serialize)]
pub struct Home {
    pub courses: Vec<CourseProgress>,
    pub jp: crate::ledger::JpYear,
    pub graded: Vec<GradedNews>,
    /// What the person's managers require of them, soonest due first.
    pub assignments: Vec<crate::assignments::MyAssignment>,
}

pub async fn home(state: &Lentera, user: &User) -> Result<Home> {
    Ok(Home {
        assignments: crate::assignments::mine(state, user).await?,
        courses: my_progress(state, user).await?,
        jp: crate::ledger::jp_this_year(state, user).await?,
        graded: recently_graded(state, user).await?,
    })
}

/// A quiz's introduction for the learner: the course, the quiz, whether they are enrolled
/// (a learner who is not is sent to the course), their attempts at it and those an
/// instructor graded lately.
pub struct QuizIntro {
    pub head: CourseHead,
    pub compiled: Arc<CompiledCourse>,
    pub quiz: Arc<Quiz>,
    pub enrolled: bool,
    pub attempts: Vec<Attempt>,
    pub graded: Vec<GradedNews>,
}

pub async fn quiz_intro(
    state: &Lentera,
    user: &User,
    slug: &str,
    quiz_slug: &str,
) -> Result<QuizIntro> {
    let (head, compiled) = course(state, slug).await?;
    let quiz = compiled.quiz(quiz_slug).cloned().ok_or_else(|| {
        crate::error::Error::new(crate::error::ErrorCode::QuizNotFound, "No such quiz")
    })?;
    let enrolled = is_enrolled(state, user, &head).await?;
    let attempts = match enrolled {
        true => attempts_of(state, user, &head, quiz_slug).await?,
        false => Vec::new(),
    };
    // Only a learner with a submitted attempt here can have one graded.
    let graded = if attempts.iter().any(|a| a.submitted_at.is_some()) {
        recently_graded(state, user)
            .await?
            .into_iter()
            .filter(|g| g.course == head.slug && g.quiz == quiz_slug)
            .collect()
    } else {
        Vec::new()
    };
    Ok(QuizIntro {
        head,
        compiled,
        quiz,
        enrolled,
        attempts,
        graded,
    })
}
