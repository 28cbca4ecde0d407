//! Quiz settings given apart from the questions (GIFT and Aiken files hold only questions; their
//! settings are written on the course outline), and the checks of draw rules shared with the
//! TOML quiz format.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::{CountedAttempt, Draw, Question, Quiz, ReviewPolicy};
use crate::parse::Problem;

/// One week: a longer wait is almost certainly a typo, and learners would think the quiz broken.
pub const MAX_COOLDOWN_MINUTES: u32 = 10_080;

/// Longest group name, in characters.
pub(crate) const MAX_GROUP_CHARS: usize = 100;

/// Groups named in a message about an unknown group; the rest are counted. Every wrong draw rule
/// repeats the list, so a full list would make the problems grow with rules × groups.
const GROUPS_LISTED: usize = 20;

/// Quiz settings for [`quiz_from_questions`]; every `None` takes the same default as in the TOML
/// quiz format (title = slug, pass 70 %, unlimited attempts, no time limit, no cooldown,
/// highest attempt counts, review after submit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuizSettings {
    pub title: Option<String>,
    pub pass_percent: Option<f64>,
    pub max_attempts: Option<u32>,
    pub time_limit_minutes: Option<u32>,
    pub cooldown_minutes: Option<u32>,
    pub counts: Option<CountedAttempt>,
    pub review: Option<ReviewPolicy>,
    pub draws: Vec<Draw>,
}

/// Builds a quiz from questions read from a GIFT or Aiken file and settings given beside it.
/// Questions and options are shuffled, as for TOML quizzes by default.
///
/// Draw rules are checked against the questions' groups. The settings live outside the question
/// file, so their problems carry line 1, column 1 and say which rule is wrong.
pub fn quiz_from_questions(
    slug: &str,
    settings: &QuizSettings,
    questions: Vec<Question>,
) -> Result<Quiz, Vec<Problem>> {
    let mut problems: Vec<Problem> = draw_problems(&settings.draws, &questions)
        .into_iter()
        .map(|(_, _, message, pesan)| Problem {
            line: 1,
            column: 1,
            message,
            pesan,
        })
        .collect();
    if let Some(p) = settings.pass_percent
        && !(0.0..=100.0).contains(&p)
    {
        problems.push(Problem {
            line: 1,
            column: 1,
            message: format!("`pass_percent` must be between 0 and 100 (found {p})"),
            pesan: format!("`pass_percent` harus antara 0 dan 100 (isinya {p})"),
        });
    }
    if let Some(c) = settings.cooldown_minutes
        && c > MAX_COOLDOWN_MINUTES
    {
        problems.push(Problem {
            line: 1,
            column: 1,
            message: format!(
                "`cooldown_minutes` must be between 0 and {MAX_COOLDOWN_MINUTES} (found {c})"
            ),
            pesan: format!(
                "`cooldown_minutes` harus antara 0 dan {MAX_COOLDOWN_MINUTES} (isinya {c})"
            ),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Quiz {
        slug: slug.to_owned(),
        title: settings.title.clone().unwrap_or_else(|| slug.to_owned()),
        pass_percent: settings.pass_percent.unwrap_or(70.0),
        max_attempts: settings.max_attempts.unwrap_or(0),
        time_limit_minutes: settings.time_limit_minutes,
        shuffle_questions: true,
        shuffle_options: true,
        questions,
        draws: settings.draws.clone(),
        cooldown_minutes: settings.cooldown_minutes.unwrap_or(0),
        counts: settings.counts.unwrap_or_default(),
        review: settings.review.unwrap_or_default(),
    })
}

/// Which field of a draw rule a problem is about, so the TOML parser can point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DrawField {
    Group,
    Count,
}

/// Problems with draw rules: the index of the rule, the field, English and Indonesian text.
pub(crate) fn draw_problems(
    draws: &[Draw],
    questions: &[Question],
) -> Vec<(usize, DrawField, String, String)> {
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for g in questions.iter().filter_map(|q| q.group.as_deref()) {
        *sizes.entry(g).or_default() += 1;
    }
    let mut known: Vec<&str> = sizes.keys().copied().collect();
    known.sort_unstable();
    let known = if known.is_empty() {
        (
            "no question has a group".to_owned(),
            "belum ada soal yang punya group".to_owned(),
        )
    } else {
        let list = known
            .iter()
            .take(GROUPS_LISTED)
            .map(|g| format!("`{g}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let more = known.len().saturating_sub(GROUPS_LISTED);
        if more > 0 {
            (
                format!("the groups are {list} and {more} more"),
                format!("group yang ada: {list} dan {more} lainnya"),
            )
        } else {
            (
                format!("the groups are {list}"),
                format!("group yang ada: {list}"),
            )
        }
    };
    let mut out = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, d) in draws.iter().enumerate() {
        let g = &d.group;
        if !seen.insert(g.as_str()) {
            out.push((
                i,
                DrawField::Group,
                format!("there is already a draw rule for group `{g}`; keep one"),
                format!("sudah ada aturan draw untuk group `{g}`; sisakan satu saja"),
            ));
            continue;
        }
        let Some(&size) = sizes.get(g.as_str()) else {
            out.push((
                i,
                DrawField::Group,
                format!(
                    "the draw rule names group `{g}`, but no question is in it; {}",
                    known.0
                ),
                format!(
                    "aturan draw menyebut group `{g}`, tetapi tidak ada soal di dalamnya; {}",
                    known.1
                ),
            ));
            continue;
        };
        if d.count == 0 {
            out.push((
                i,
                DrawField::Count,
                format!("the draw rule for group `{g}` must draw at least 1 question (to leave the group out, remove its questions)"),
                format!("aturan draw untuk group `{g}` harus mengambil paling sedikit 1 soal (untuk tidak memakai group ini, hapus soal-soalnya)"),
            ));
        } else if d.count > size {
            out.push((
                i,
                DrawField::Count,
                format!(
                    "the draw rule for group `{g}` draws {} questions, but the group has only {size}",
                    d.count
                ),
                format!(
                    "aturan draw untuk group `{g}` mengambil {} soal, tetapi group itu hanya berisi {size}",
                    d.count
                ),
            ));
        }
    }
    out
}
