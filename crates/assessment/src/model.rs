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
}

/// What a question asks for and how it is graded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// Exactly one option has `weight == 100`, all others 0.
    SingleChoice {
        options: Vec<ChoiceOption>,
    },
    /// Weights in percent; the positive ones sum to 100.
    MultipleChoice {
        options: Vec<ChoiceOption>,
    },
    TrueFalse {
        answer: bool,
    },
    ShortAnswer {
        answers: Vec<String>,
        case_sensitive: bool,
    },
    Numerical {
        answers: Vec<NumericAnswer>,
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
}

impl QuestionKind {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::SingleChoice { .. } => "single_choice",
            Self::MultipleChoice { .. } => "multiple_choice",
            Self::TrueFalse { .. } => "true_false",
            Self::ShortAnswer { .. } => "short_answer",
            Self::Numerical { .. } => "numerical",
            Self::Matching { .. } => "matching",
            Self::Ordering { .. } => "ordering",
            Self::Essay => "essay",
        }
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPair {
    pub left: String,
    pub right: String,
}

impl Quiz {
    pub fn max_score(&self) -> f64 {
        self.questions.iter().map(|q| q.points).sum()
    }

    /// Replace every text shown to people by `f(text)`. Short answers are left alone because
    /// they are compared with what the learner types, not displayed.
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
                QuestionKind::TrueFalse { .. }
                | QuestionKind::ShortAnswer { .. }
                | QuestionKind::Numerical { .. }
                | QuestionKind::Essay => {}
            }
        }
    }
}
