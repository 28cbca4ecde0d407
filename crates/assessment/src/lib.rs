//! Quizzes for Lentera: the TOML quiz format, GIFT and Aiken question files, attempt layouts,
//! the learner-facing view and grading.
//!
//! Everything here is pure and deterministic so the server can store a layout or a grade as
//! JSON and recompute it later with the same result.

mod aiken;
#[cfg(test)]
mod aiken_tests;
mod export;
mod gift;
#[cfg(test)]
mod gift_tests;
mod grade;
mod layout;
#[cfg(test)]
mod limits_tests;
mod lines;
mod model;
mod parse;
#[cfg(test)]
mod pool_tests;
mod review;
#[cfg(test)]
mod review_tests;
mod settings;
mod stats;
#[cfg(test)]
mod stats_tests;
#[cfg(test)]
mod tests;
mod text;

pub use aiken::parse_aiken;
pub use export::to_gift;
pub use gift::parse_gift;
pub use grade::{
    Grade, MAX_TEXT_CHARS, QuestionGrade, ResponseEntry, answer_key, grade, grade_with_manual,
    passed, validate_response,
};
pub use layout::{
    AttemptLayout, IdRole, PublicOption, PublicQuestion, QuestionLayout, new_layout, opaque_id,
    public_questions,
};
pub use model::{
    ChoiceOption, CountedAttempt, Draw, MatchPair, NumericAnswer, Question, QuestionKind,
    QuestionType, Quiz, ReviewPolicy, TextAnswer,
};
pub use parse::{MAX_QUESTIONS, Problem, parse_quiz_toml};
pub use review::{AnswerView, ReviewQuestion, review};
pub use settings::{MAX_COOLDOWN_MINUTES, QuizSettings, quiz_from_questions};
pub use stats::{
    AttemptRecord, OptionCount, QuestionStatistics, QuizStatistics, ResponseCount, TOP_RESPONSES,
    statistics,
};
