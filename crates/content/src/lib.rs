//! Lentera course content: loads a course folder (course.toml, lessons, quizzes, assets),
//! validates it with author-friendly messages, and renders lessons to sanitised HTML once.

mod assets;
mod fields;
mod load;
mod markdown;
mod path;
mod position;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use load::{CATEGORIES, load_course};
pub use markdown::{MAX_NESTING, render_markdown, render_markdown_checked, wrap_tables};
pub use path::{
    MAX_PATH_COURSES, PATHS_FOLDER, PathCourseRef, PathFile, load_path, load_paths, parse_path,
};

/// Largest lesson or quiz file, and largest Markdown text [`render_markdown_checked`] accepts:
/// lesson text is never this long, and the cap bounds memory and time.
pub const MAX_TEXT_BYTES: u64 = 2 * 1024 * 1024;

/// One problem, with the file path relative to the course folder (e.g. "lessons/intro.md"),
/// 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Problem {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// English, for the CLI and logs.
    pub message: String,
    /// The same problem in plain Bahasa Indonesia, for the upload page.
    #[serde(default)]
    pub pesan: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Course {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: u32,
    pub level: String,
    pub language: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub estimated_hours: Option<f64>,
    pub partner: Option<String>,
    pub modules: Vec<Module>,
    /// In outline order.
    pub lessons: Vec<Lesson>,
    /// In outline order.
    pub quizzes: Vec<QuizSource>,
    /// Every allowed file under assets/, sorted by path.
    pub assets: Vec<Asset>,
    /// Hex SHA-256 over every file's relative path and bytes, sorted by path.
    pub content_hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Module {
    pub slug: String,
    pub title: String,
    pub items: Vec<OutlineItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutlineItem {
    pub kind: ItemKind,
    pub slug: String,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Lesson,
    Quiz,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Lesson {
    pub slug: String,
    pub title: String,
    pub minutes: u32,
    pub required: bool,
    /// Slug of the module the lesson belongs to.
    pub module: String,
    /// Sanitised HTML, with image and lesson links already pointing at the server's URLs.
    pub html: String,
    pub words: usize,
}

/// A quiz file handed over unparsed: lentera-assessment owns the quiz formats.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuizSource {
    pub slug: String,
    pub required: bool,
    pub module: String,
    /// Relative path, e.g. "quizzes/evaluasi.toml".
    pub file: String,
    pub source: String,
    /// "toml" (our quiz format), "gift" (Moodle GIFT) or "aiken"; the file's extension.
    /// Courses stored before GIFT and Aiken existed only had TOML quizzes.
    #[serde(default = "toml_format")]
    pub format: String,
    /// Quiz settings from the outline item, for GIFT and Aiken files, which hold only
    /// questions. Always `None` for TOML quizzes: those carry their own settings.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub pass_percent: Option<f64>,
    #[serde(default)]
    pub max_attempts: Option<u32>,
    #[serde(default)]
    pub time_limit_minutes: Option<u32>,
    /// Minutes between attempts; `None` when not set.
    #[serde(default)]
    pub cooldown_minutes: Option<u32>,
    /// Which attempt counts: "highest" or "latest" (already checked).
    #[serde(default)]
    pub counts: Option<String>,
    /// When right answers are shown: "after_submit", "after_last_attempt" or "never" (already
    /// checked).
    #[serde(default)]
    pub review: Option<String>,
    /// Question pools: draw `count` questions of `group` per attempt. Whether the groups exist is
    /// for lentera-assessment to check, since only it reads the question files.
    #[serde(default)]
    pub draws: Vec<DrawRule>,
}

/// `draw = [{ group = "...", count = 2 }]` on an outline quiz item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRule {
    pub group: String,
    pub count: usize,
}

fn toml_format() -> String {
    "toml".to_owned()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Asset {
    /// Relative to assets/, e.g. "siklus.svg".
    pub path: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Course {
    pub fn lesson(&self, slug: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.slug == slug)
    }

    pub fn quiz(&self, slug: &str) -> Option<&QuizSource> {
        self.quizzes.iter().find(|q| q.slug == slug)
    }

    pub fn asset(&self, path: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.path == path)
    }
}

/// A folder holding either one course (it has course.toml) or course folders: every course's
/// result, sorted by folder. Course slugs must be unique across the folders.
pub fn load_courses(dir: &Path) -> Vec<(PathBuf, Result<Course, Vec<Problem>>)> {
    if dir.join("course.toml").is_file() {
        return vec![(dir.to_path_buf(), load_course(dir))];
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let problem = position::whole_file(
                ".",
                format!("the folder could not be read: {e}"),
                format!("folder ini tidak dapat dibaca: {e}"),
            );
            return vec![(dir.to_path_buf(), Err(vec![problem]))];
        }
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.join("course.toml").is_file())
        .collect();
    dirs.sort();
    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    let mut results = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let mut result = load_course(&dir);
        if let Ok(course) = &result {
            if let Some((_, first)) = seen.iter().find(|(slug, _)| *slug == course.slug) {
                let message = format!(
                    "the course slug `{}` is already used by the course in {}; every course needs its own slug",
                    course.slug,
                    first.display()
                );
                let pesan = format!(
                    "slug kursus `{}` sudah dipakai oleh kursus di {}; setiap kursus harus punya slug sendiri",
                    course.slug,
                    first.display()
                );
                result = Err(vec![slug_problem(&dir, message, pesan)]);
            } else {
                seen.push((course.slug.clone(), dir.clone()));
            }
        }
        results.push((dir, result));
    }
    results
}

/// Points at the `slug =` line of course.toml (already known to be valid TOML).
fn slug_problem(dir: &Path, message: String, pesan: String) -> Problem {
    let text = std::fs::read_to_string(dir.join("course.toml")).unwrap_or_default();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("slug"))
        .map_or(1, |i| u32::try_from(i + 1).unwrap_or(1));
    Problem {
        file: "course.toml".to_owned(),
        line,
        column: 1,
        message,
        pesan,
    }
}
