//! The parsed quiz, as stored (JSON) by the server after publishing.

use serde::{Deserialize, Serialize};

/// A published quiz. Texts are Markdown after parsing and HTML after [`Quiz::map_text`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quiz {
    pub slug: String,
    pub title: String,
    pub pass_percent: f64,
    /// 0 = unlimited.
    pub max_attempts: u32,
    pub time_limit_minutes: Option<u32>,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub questions: Vec<Question>,
    /// Question pools: each rule picks `count` questions of its group per attempt. Questions
    /// whose group has no rule (or that have no group) are always in the attempt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub draws: Vec<Draw>,
    /// Minutes a learner waits between submitting an attempt and starting the next; 0 = none.
    #[serde(default)]
    pub cooldown_minutes: u32,
    /// Which attempt's grade is the learner's grade for the quiz.
    #[serde(default)]
    pub counts: CountedAttempt,
    /// When learners may see the right answers and the general feedback.
    #[serde(default)]
    pub review: ReviewPolicy,
}

/// Draw `count` questions of `group` at random into each attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    pub group: String,
    pub count: usize,
}

/// Which attempt counts when a learner has several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountedAttempt {
    /// The best attempt counts, so trying again never costs a learner anything.
    #[default]
    Highest,
    /// The most recent attempt counts.
    Latest,
}

/// When the right answers (and the general feedback) are shown after an attempt. A learner's
/// own answers and scores are always shown after submitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewPolicy {
    /// Right after each submitted attempt.
    #[default]
    AfterSubmit,
    /// Only once the learner has used up their attempts (with unlimited attempts: never),
    /// so later attempts cannot be answered from the key.
    AfterLastAttempt,
    /// Never.
    Never,
}

impl CountedAttempt {
    pub const NAMES: &'static [&'static str] = &["highest", "latest"];

    /// The value of its snake_case name, as written in quiz files.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "highest" => Some(Self::Highest),
            "latest" => Some(Self::Latest),
            _ => None,
        }
    }
}

impl ReviewPolicy {
    pub const NAMES: &'static [&'static str] = &["after_submit", "after_last_attempt", "never"];

    /// The value of its snake_case name, as written in quiz files.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "after_submit" => Some(Self::AfterSubmit),
            "after_last_attempt" => Some(Self::AfterLastAttempt),
            "never" => Some(Self::Never),
            _ => None,
        }
    }

    /// Whether a learner who has submitted `submitted` attempts of a quiz allowing
    /// `max_attempts` (0 = unlimited) may see the right answers: the `show_correct` of
    /// [`crate::review`].
    pub fn shows_correct(self, submitted: u32, max_attempts: u32) -> bool {
        match self {
            Self::AfterSubmit => true,
            Self::AfterLastAttempt => max_attempts > 0 && submitted >= max_attempts,
            Self::Never => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    /// Flattened so the JSON reads like the TOML: `"kind": "single_choice", "options": [...]`.
    #[serde(flatten)]
    pub kind: QuestionKind,
    pub points: f64,
    pub prompt: String,
    pub feedback: Option<String>,
    /// The pool the question belongs to, for [`Quiz::draws`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// What a question asks for and how it is graded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option is chosen and earns its weight. At least one option has weight 100; the
    /// others may give partial (or negative) credit, as in Moodle's single-answer multichoice.
    SingleChoice {
        options: Vec<ChoiceOption>,
    },
    /// Weights in percent; the positive ones sum to 100.
    MultipleChoice {
        options: Vec<ChoiceOption>,
    },
    TrueFalse {
        answer: bool,
        /// Shown to learners who answered "true" / "false" (GIFT's `{T#wrong#right}`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        feedback_true: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        feedback_false: Option<String>,
    },
    /// The best answer that matches what the learner typed gives the grade and the feedback
    /// (see [`TextAnswer`]); at least one answer has weight 100.
    ShortAnswer {
        answers: Vec<TextAnswer>,
        case_sensitive: bool,
    },
    /// The best answer whose range holds the learner's number gives the grade and the feedback.
    Numerical {
        answers: Vec<NumericAnswer>,
        /// Shown when the number matches no answer (GIFT's `~#feedback`, Moodle's `*` answer).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        other_feedback: Option<String>,
    },
    /// Pair `i` is correct: left `i` goes with right `i`. Distractors follow the pairs on the
    /// right-hand side (author index `pairs.len() + j`).
    Matching {
        pairs: Vec<MatchPair>,
        distractors: Vec<String>,
    },
    /// Items in the correct order.
    Ordering {
        items: Vec<String>,
    },
    Essay,
    /// Not a question: a text shown between questions (Moodle's "description", a GIFT item
    /// without answers). It has no points, takes no answer, is never graded and does not count
    /// as a question; attempts and reviews show it in its place.
    Description,
}

/// What kind a question is, without its answers: what the learner's view, reviews and
/// statistics carry (serialised as `single_choice`, `matching`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    ShortAnswer,
    Numerical,
    Matching,
    Ordering,
    Essay,
    Description,
}

impl QuestionType {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::SingleChoice => "single_choice",
            QuestionType::MultipleChoice => "multiple_choice",
            QuestionType::TrueFalse => "true_false",
            QuestionType::ShortAnswer => "short_answer",
            QuestionType::Numerical => "numerical",
            QuestionType::Matching => "matching",
            QuestionType::Ordering => "ordering",
            QuestionType::Essay => "essay",
            QuestionType::Description => "description",
        }
    }
}

impl QuestionKind {
    pub fn question_type(&self) -> QuestionType {
        match self {
            Self::SingleChoice { .. } => QuestionType::SingleChoice,
            Self::MultipleChoice { .. } => QuestionType::MultipleChoice,
            Self::TrueFalse { .. } => QuestionType::TrueFalse,
            Self::ShortAnswer { .. } => QuestionType::ShortAnswer,
            Self::Numerical { .. } => QuestionType::Numerical,
            Self::Matching { .. } => QuestionType::Matching,
            Self::Ordering { .. } => QuestionType::Ordering,
            Self::Essay => QuestionType::Essay,
            Self::Description => QuestionType::Description,
        }
    }

    /// The kind's name as the formats and the API write it (`single_choice`).
    pub fn kind_name(&self) -> &'static str {
        self.question_type().as_str()
    }
}

impl Question {
    /// Whether this is a [`QuestionKind::Description`]: a text between questions, not a
    /// question.
    pub fn is_description(&self) -> bool {
        matches!(self.kind, QuestionKind::Description)
    }
}

/// An accepted short answer. `text` is compared with what the learner typed (white space
/// trimmed and collapsed, case ignored unless the question is case-sensitive); as in Moodle, `*`
/// stands for any run of characters and `\*` for a literal asterisk.
///
/// In JSON (and TOML) an answer worth 100 without feedback is written as its text alone, so
/// quizzes stored before answers had weights read the same.
#[derive(Debug, Clone, PartialEq)]
pub struct TextAnswer {
    pub text: String,
    /// Percent of the question's points.
    pub weight: f64,
    /// Shown to learners whose answer this one matched.
    pub feedback: Option<String>,
}

impl TextAnswer {
    /// A full-credit answer without feedback.
    pub fn full(text: impl Into<String>) -> Self {
        TextAnswer {
            text: text.into(),
            weight: 100.0,
            feedback: None,
        }
    }
}

impl From<&str> for TextAnswer {
    fn from(text: &str) -> Self {
        TextAnswer::full(text)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TextAnswerRepr {
    Text(String),
    Full {
        text: String,
        #[serde(default = "hundred")]
        weight: f64,
        #[serde(default)]
        feedback: Option<String>,
    },
}

fn hundred() -> f64 {
    100.0
}

impl Serialize for TextAnswer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.weight == 100.0 && self.feedback.is_none() {
            s.serialize_str(&self.text)
        } else {
            #[derive(Serialize)]
            struct Full<'a> {
                text: &'a str,
                weight: f64,
                #[serde(skip_serializing_if = "Option::is_none")]
                feedback: Option<&'a str>,
            }
            Full {
                text: &self.text,
                weight: self.weight,
                feedback: self.feedback.as_deref(),
            }
            .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for TextAnswer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match TextAnswerRepr::deserialize(d)? {
            TextAnswerRepr::Text(text) => TextAnswer::full(text),
            TextAnswerRepr::Full {
                text,
                weight,
                feedback,
            } => TextAnswer {
                text,
                weight,
                feedback,
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// The author's id; never sent to learners (see [`crate::opaque_id`]).
    pub id: String,
    pub text: String,
    /// Percent of the question's points.
    pub weight: f64,
    pub feedback: Option<String>,
}

/// An accepted number range. `value ± tolerance` in the file is stored as a range, which grades
/// identically and keeps one rule for both forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericAnswer {
    pub min: f64,
    pub max: f64,
    /// Percent of the question's points, 0..=100.
    pub weight: f64,
    /// Shown to learners whose number this answer matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPair {
    pub left: String,
    pub right: String,
}

impl Quiz {
    /// How many questions one attempt shows: every question outside a drawn group, plus
    /// each draw's count. Descriptions are not questions and are not counted.
    pub fn questions_per_attempt(&self) -> usize {
        let drawn = |q: &Question| {
            q.group
                .as_ref()
                .is_some_and(|g| self.draws.iter().any(|d| &d.group == g))
        };
        self.questions
            .iter()
            .filter(|q| !q.is_description() && !drawn(q))
            .count()
            + self.draws.iter().map(|d| d.count).sum::<usize>()
    }

    /// The quiz as one attempt sees it: only the questions in `layout`, in authored order, and
    /// no draw rules (the draw already happened). `grade`, `validate_response`, `max_score` and
    /// `answer_key` on the result work per attempt.
    pub fn for_layout(&self, layout: &crate::AttemptLayout) -> Quiz {
        let shown: std::collections::HashSet<&str> = layout
            .questions
            .iter()
            .map(|q| q.question.as_str())
            .collect();
        Quiz {
            questions: self
                .questions
                .iter()
                .filter(|q| shown.contains(q.id.as_str()))
                .cloned()
                .collect(),
            draws: Vec::new(),
            ..self.clone()
        }
    }

    /// The sum of the questions' points; descriptions are worth nothing whatever they say.
    pub fn max_score(&self) -> f64 {
        self.questions
            .iter()
            .filter(|q| !q.is_description())
            .map(|q| q.points)
            .sum()
    }

    /// Replace every text shown to people by `f(text)`. Short answers are left alone because
    /// they are compared with what the learner types, not displayed (their feedback is mapped).
    pub fn map_text(&mut self, f: &mut dyn FnMut(&str) -> String) {
        for q in &mut self.questions {
            q.prompt = f(&q.prompt);
            if let Some(fb) = &mut q.feedback {
                *fb = f(fb);
            }
            match &mut q.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options } => {
                    for o in options {
                        o.text = f(&o.text);
                        if let Some(fb) = &mut o.feedback {
                            *fb = f(fb);
                        }
                    }
                }
                QuestionKind::Matching { pairs, distractors } => {
                    for p in pairs {
                        p.left = f(&p.left);
                        p.right = f(&p.right);
                    }
                    for d in distractors {
                        *d = f(d);
                    }
                }
                QuestionKind::Ordering { items } => {
                    for i in items {
                        *i = f(i);
                    }
                }
                QuestionKind::TrueFalse {
                    feedback_true,
                    feedback_false,
                    ..
                } => {
                    for fb in [feedback_true, feedback_false].into_iter().flatten() {
                        *fb = f(fb);
                    }
                }
                QuestionKind::ShortAnswer { answers, .. } => {
                    for fb in answers.iter_mut().filter_map(|a| a.feedback.as_mut()) {
                        *fb = f(fb);
                    }
                }
                QuestionKind::Numerical {
                    answers,
                    other_feedback,
                } => {
                    let each = answers.iter_mut().filter_map(|a| a.feedback.as_mut());
                    for fb in each.chain(other_feedback) {
                        *fb = f(fb);
                    }
                }
                QuestionKind::Essay | QuestionKind::Description => {}
            }
        }
    }
}
