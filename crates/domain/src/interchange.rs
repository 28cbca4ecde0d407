//! Quizzes in other systems' formats: a quiz written out as Moodle's GIFT, for the
//! course's owner, co-authors and admins (it carries the answers).

use lentera_store::courses::CourseHead;

use crate::error::{Error, ErrorCode, Result};
use crate::policy::Action;
use crate::sessions::CurrentUser;
use crate::{Lentera, learning, publishing};

/// A quiz written out as a file.
pub struct QuizFile {
    /// `{course}-{quiz}.gift.txt`
    pub name: String,
    pub text: String,
}

/// `format` as a request names it: only `gift` (the default) is written.
pub fn check_format(format: Option<&str>) -> Result<()> {
    match format.map(str::trim).unwrap_or("gift") {
        "gift" => Ok(()),
        other => Err(Error::new(
            ErrorCode::InvalidFormat,
            format!("Cannot export a quiz as '{other}': the format is gift"),
        )
        .field("format")),
    }
}

/// The quiz `quiz` of the course `slug` as GIFT that Moodle imports and Lentera reads back
/// into the same questions. Only those who may read the answer key may export it.
pub async fn quiz_as_gift(
    state: &Lentera,
    user: &CurrentUser,
    slug: &str,
    quiz: &str,
) -> Result<QuizFile> {
    let (head, _granted): (CourseHead, _) =
        publishing::course_for(state, user, slug, Action::ReadAnswerKey).await?;
    let compiled = learning::compiled(state, &head).await?;
    let found = compiled.quiz(quiz).ok_or_else(|| {
        Error::new(
            ErrorCode::QuizNotFound,
            format!("No quiz '{quiz}' in this course"),
        )
    })?;
    Ok(QuizFile {
        name: format!("{slug}-{quiz}.gift.txt"),
        text: lentera_assessment::to_gift(found.as_ref()),
    })
}
