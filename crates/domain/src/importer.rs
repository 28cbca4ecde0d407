//! Course folders -> published versions: load and render with lentera-content, parse
//! quizzes with lentera-assessment, then publish through the store.

use crate::{Jp, UserId};
use std::path::{Path, PathBuf};

use lentera_content::{Course, Problem};
use serde::Serialize;

use crate::catalog::StoredCourse;
use lentera_store::Db;
pub use lentera_store::courses::Imported;
use lentera_store::courses::{self, NewVersion};

/// A course that passed every check, ready to publish.
pub struct Checked {
    pub stored: StoredCourse,
    /// Every source file: (path relative to the course folder, content type, bytes).
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// Summary of one course for `content check`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CourseSummary {
    pub slug: String,
    pub title: String,
    pub jp: u32,
    pub lessons: usize,
    pub quizzes: Vec<QuizSummary>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuizSummary {
    pub slug: String,
    pub questions: usize,
}

impl Checked {
    pub fn summary(&self) -> CourseSummary {
        let course = &self.stored.course;
        CourseSummary {
            slug: course.slug.clone(),
            title: course.title.clone(),
            jp: course.jp,
            lessons: course.lessons.len(),
            quizzes: self
                .stored
                .quizzes
                .iter()
                .map(|q| QuizSummary {
                    slug: q.slug.clone(),
                    questions: q.questions.len(),
                })
                .collect(),
        }
    }
}

/// Loads one course folder and every quiz in it; all problems at once, paths relative to
/// `root` so the CLI can print `content/x/lessons/y.md:3:7`.
pub fn check_course(dir: &Path, root: &Path) -> Result<Checked, Vec<Problem>> {
    let prefix = dir.strip_prefix(root).unwrap_or(dir).to_path_buf();
    let relative = |file: &str| prefix.join(file).display().to_string();
    let mut course: Course = match lentera_content::load_course(dir) {
        Ok(c) => c,
        Err(problems) => {
            return Err(problems
                .into_iter()
                .map(|p| Problem {
                    file: relative(&p.file),
                    ..p
                })
                .collect());
        }
    };
    let mut problems = Vec::new();
    let mut quizzes = Vec::new();
    for source in &course.quizzes {
        match parse_quiz(source) {
            Ok(mut quiz) => {
                if quiz.slug != source.slug {
                    problems.push(Problem {
                        file: relative(&source.file),
                        line: 1,
                        column: 1,
                        message: format!(
                            "quiz slug '{}' does not match the outline entry '{}'",
                            quiz.slug, source.slug
                        ),
                        pesan: format!(
                            "slug kuis '{}' tidak sama dengan entri kerangka '{}'",
                            quiz.slug, source.slug
                        ),
                    });
                }
                quiz.map_text(&mut |text| lentera_content::render_markdown(text));
                quizzes.push(quiz);
            }
            Err(errors) => problems.extend(errors.into_iter().map(|e| Problem {
                file: relative(&source.file),
                line: e.line,
                column: e.column,
                message: e.message,
                pesan: e.pesan,
            })),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Files live in their own table; the course JSON stays small.
    for asset in course.assets.iter_mut() {
        asset.bytes = Vec::new();
    }
    let files = source_files(dir).map_err(|e| {
        vec![Problem {
            file: relative(""),
            line: 1,
            column: 1,
            message: e.to_string(),
            pesan: format!("folder kursus tidak dapat dibaca: {e}"),
        }]
    })?;
    Ok(Checked {
        stored: StoredCourse { course, quizzes },
        files,
    })
}

/// A quiz from its file: our TOML format, or questions in GIFT or Aiken with the settings
/// given on the outline entry.
fn parse_quiz(
    source: &lentera_content::QuizSource,
) -> Result<lentera_assessment::Quiz, Vec<lentera_assessment::Problem>> {
    let questions = match source.format.as_str() {
        "gift" => lentera_assessment::parse_gift(&source.source)?,
        "aiken" => lentera_assessment::parse_aiken(&source.source)?,
        _ => return lentera_assessment::parse_quiz_toml(&source.source),
    };
    let settings = lentera_assessment::QuizSettings {
        title: source.title.clone(),
        pass_percent: source.pass_percent,
        max_attempts: source.max_attempts,
        time_limit_minutes: source.time_limit_minutes,
        cooldown_minutes: source.cooldown_minutes,
        counts: source
            .counts
            .as_deref()
            .and_then(lentera_assessment::CountedAttempt::from_name),
        review: source
            .review
            .as_deref()
            .and_then(lentera_assessment::ReviewPolicy::from_name),
        draws: source
            .draws
            .iter()
            .map(|d| lentera_assessment::Draw {
                group: d.group.clone(),
                count: d.count,
            })
            .collect(),
    };
    lentera_assessment::quiz_from_questions(&source.slug, &settings, questions)
}

/// The content type served for a course file.
pub fn content_type(path: &str) -> &'static str {
    match path
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("md") => "text/markdown; charset=utf-8",
        Some("toml") => "application/toml",
        _ => "text/plain; charset=utf-8",
    }
}

/// Every (non-hidden) file under a course folder, with paths relative to it.
pub fn source_files(dir: &Path) -> std::io::Result<Vec<(String, String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let ct = content_type(&rel).to_owned();
                out.push((rel, ct, std::fs::read(&path)?));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Course folders under `dir`: `dir` itself when it holds a course.toml, else its
/// subfolders that do, sorted by name.
pub fn course_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if dir.join("course.toml").is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("course.toml").is_file())
        .collect();
    out.sort();
    Ok(out)
}

/// Publishes a checked course as a new version (or reports it unchanged).
pub async fn publish(
    db: &Db,
    checked: Checked,
    actor: Option<UserId>,
    arrival: courses::Arrival,
) -> anyhow::Result<(String, Imported)> {
    let course = &checked.stored.course;
    let slug = course.slug.clone();
    let version = NewVersion {
        slug: slug.clone(),
        content_hash: course.content_hash.clone(),
        title: course.title.clone(),
        summary: course.summary.clone(),
        category: course.category.clone(),
        jp: Jp(i32::try_from(course.jp)?),
        data: serde_json::to_string(&checked.stored)?,
        files: checked.files,
    };
    let imported = courses::publish_version(db, version, actor, arrival).await?;
    Ok((slug, imported))
}

/// Checks and publishes every course under `dir`. Returns the problems of the courses
/// that failed (those are not published; the others are).
pub async fn import_dir(
    db: &Db,
    dir: &Path,
    actor: Option<UserId>,
) -> anyhow::Result<(Vec<(String, Imported)>, Vec<Problem>)> {
    let root = dir.parent().unwrap_or(dir);
    let mut published = Vec::new();
    let mut problems = Vec::new();
    for course_dir in course_dirs(dir)? {
        match check_course(&course_dir, root) {
            Ok(checked) => {
                published.push(publish(db, checked, actor, courses::Arrival::Live).await?)
            }
            Err(errors) => problems.extend(errors),
        }
    }
    // Learning paths name courses, so they come after the courses of the same folder.
    let (paths, path_problems) = crate::paths::import_dir(db, dir, root, actor).await?;
    published.extend(paths);
    problems.extend(path_problems);
    Ok((published, problems))
}
