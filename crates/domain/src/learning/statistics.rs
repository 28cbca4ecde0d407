//! Moodle-style statistics of a quiz.

use lentera_assessment::{self as assessment, Quiz};

use super::*;
use crate::error::Result;
use crate::{AttemptId, Lentera, VersionId};
use lentera_store::courses::CourseHead;
use lentera_store::learning::{self};

/// Moodle-style statistics of a quiz over every submitted attempt made on a version whose
/// quiz is the same as the current one (changed questions would mix two tests).
pub async fn quiz_statistics(
    state: &Lentera,
    head: &CourseHead,
    quiz: &Quiz,
) -> Result<assessment::QuizStatistics> {
    let attempts = learning::closed_attempts(&state.db, head.id, &quiz.slug).await?;
    let mut same_version: std::collections::HashMap<VersionId, bool> =
        std::collections::HashMap::new();
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
    let ids: Vec<AttemptId> = kept.iter().map(|a| a.id).collect();
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
