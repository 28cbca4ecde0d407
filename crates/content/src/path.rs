//! Learning paths (jalur belajar): one TOML file naming an ordered set of courses, checked
//! with the same author-friendly, positioned problems as course.toml.
//!
//! ```toml
//! slug = "literasi-digital-pelayanan"
//! title = "Literasi digital untuk pelayanan"
//! summary = "..."
//!
//! [[courses]]
//! course = "literasi-digital-spbe"
//!
//! [[courses]]
//! course = "standar-pelayanan-publik"
//! requires = "literasi-digital-spbe"   # optional: completed first
//! ```
//!
//! Whether each course exists is for the caller to check (only it knows the published
//! courses): every course reference carries the line and column to point at.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fields::Doc;
use crate::load::{bad_slug, valid_slug};
use crate::position::{self, LineIndex, whole_file};
use crate::{MAX_TEXT_BYTES, Problem};

/// The folder, inside a content folder, that holds the path files.
pub const PATHS_FOLDER: &str = "jalur";

/// At most this many courses in one path.
pub const MAX_PATH_COURSES: usize = 50;

/// A path file that passed every check this crate can make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathFile {
    /// The file as the problems name it (e.g. `jalur/literasi-digital-pelayanan.toml`).
    pub file: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// In path order.
    pub courses: Vec<PathCourseRef>,
}

/// One course of a path, where it was written, and what it requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathCourseRef {
    pub course: String,
    pub line: u32,
    pub column: u32,
    /// A course earlier in the same path, to be completed first.
    pub requires: Option<String>,
}

impl PathFile {
    /// A problem about the course reference `at`, in this file.
    pub fn problem_at(
        &self,
        at: &PathCourseRef,
        message: impl Into<String>,
        pesan: impl Into<String>,
    ) -> Problem {
        Problem {
            file: self.file.clone(),
            line: at.line,
            column: at.column,
            message: message.into(),
            pesan: pesan.into(),
        }
    }
}

/// Checks the text of one path file, reporting every problem at once; `file` is the name
/// the problems carry.
pub fn parse_path(file: &str, text: &str) -> Result<PathFile, Vec<Problem>> {
    if text.len() as u64 > MAX_TEXT_BYTES {
        return Err(vec![whole_file(
            file,
            "this path file is too large",
            "berkas jalur belajar ini terlalu besar",
        )]);
    }
    let lines = LineIndex::new(text);
    let mut doc = Doc::new(file, &lines, 0);
    let root = doc.parse(text);
    let top = crate::fields::Table {
        map: root.get_ref(),
        at: 0,
    };
    doc.check_keys(top, &["slug", "title", "summary", "courses"]);
    let slug = doc.string(top, "slug", true);
    if let Some(s) = &slug
        && !valid_slug(s.get_ref(), 3)
    {
        bad_slug(&mut doc, s.span().start, s.get_ref(), 3);
    }
    let title = doc.string(top, "title", true);
    let summary = doc.string(top, "summary", true);
    let tables = doc.tables(top, "courses");
    if tables.is_empty() && doc.problems.is_empty() {
        doc.report(
            0,
            "a path needs at least one [[courses]] section with `course = \"slug\"`",
            "jalur belajar memerlukan paling sedikit satu bagian [[courses]] berisi `course = \"slug\"`",
        );
    }
    if tables.len() > MAX_PATH_COURSES {
        doc.report(
            tables[MAX_PATH_COURSES].at,
            format!("a path has at most {MAX_PATH_COURSES} courses"),
            format!("satu jalur belajar berisi paling banyak {MAX_PATH_COURSES} kursus"),
        );
    }
    let mut courses: Vec<PathCourseRef> = Vec::new();
    for t in tables.into_iter().take(MAX_PATH_COURSES) {
        doc.check_keys(t, &["course", "requires"]);
        let Some(course) = doc.string(t, "course", true) else {
            continue;
        };
        let at = course.span().start;
        let name = course.get_ref().trim().to_owned();
        if !valid_slug(&name, 3) {
            bad_slug(&mut doc, at, &name, 3);
            continue;
        }
        if courses.iter().any(|c| c.course == name) {
            doc.report(
                at,
                format!("the course `{name}` is already in this path; list each course once"),
                format!(
                    "kursus `{name}` sudah ada di jalur ini; cantumkan setiap kursus satu kali saja"
                ),
            );
            continue;
        }
        let requires = doc.string(t, "requires", false).and_then(|r| {
            let wanted = r.get_ref().trim().to_owned();
            if courses.iter().any(|c| c.course == wanted) {
                Some(wanted)
            } else {
                let (message, pesan) = if wanted == name {
                    (
                        format!("the course `{name}` cannot require itself"),
                        format!("kursus `{name}` tidak dapat mensyaratkan dirinya sendiri"),
                    )
                } else {
                    (
                        format!(
                            "`requires` must name a course listed earlier in this path, and `{wanted}` is not"
                        ),
                        format!(
                            "`requires` harus menyebut kursus yang tercantum lebih dahulu di jalur ini, sedangkan `{wanted}` tidak"
                        ),
                    )
                };
                doc.report(r.span().start, message, pesan);
                None
            }
        });
        let (line, column) = lines.line_col(at);
        courses.push(PathCourseRef {
            course: name,
            line,
            column,
            requires,
        });
    }
    if !doc.problems.is_empty() {
        return Err(doc.problems);
    }
    match (slug, title, summary) {
        (Some(slug), Some(title), Some(summary)) => Ok(PathFile {
            file: file.to_owned(),
            slug: slug.into_inner(),
            title: title.into_inner().trim().to_owned(),
            summary: summary.into_inner().trim().to_owned(),
            courses,
        }),
        _ => Err(vec![whole_file(
            file,
            "the path file is incomplete",
            "berkas jalur belajar belum lengkap",
        )]),
    }
}

/// Reads and checks one path file from disk; `name` is the name the problems carry.
pub fn load_path(path: &Path, name: &str) -> Result<PathFile, Vec<Problem>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![whole_file(
            name,
            format!("the file could not be read: {e}"),
            format!("berkas ini tidak dapat dibaca: {e}"),
        )]
    })?;
    let text = position::utf8(name, &bytes).map_err(|p| vec![p])?;
    parse_path(name, text)
}

/// The path files of a content folder (`DIR/jalur/*.toml`, sorted by name), each loaded and
/// named relative to `root` (so the CLI prints `content/jalur/x.toml:3:7`). A folder
/// without `jalur/` has no paths.
pub fn load_paths(dir: &Path, root: &Path) -> Vec<(PathBuf, Result<PathFile, Vec<Problem>>)> {
    let folder = dir.join(PATHS_FOLDER);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|e| e == "toml")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            let loaded = load_path(&p, &name);
            (p, loaded)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_path;

    fn problems(text: &str) -> Vec<String> {
        match parse_path("jalur/uji.toml", text) {
            Ok(p) => panic!("expected problems, got {p:?}"),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_good_path_keeps_order_positions_and_requirements() {
        let text = "slug = \"jalur-uji\"\ntitle = \"Jalur\"\nsummary = \"Ringkas\"\n\n[[courses]]\ncourse = \"kursus-a\"\n\n[[courses]]\ncourse = \"kursus-b\"\nrequires = \"kursus-a\"\n";
        let path = parse_path("jalur/uji.toml", text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(path.slug, "jalur-uji");
        let names: Vec<&str> = path.courses.iter().map(|c| c.course.as_str()).collect();
        assert_eq!(names, ["kursus-a", "kursus-b"]);
        assert_eq!((path.courses[1].line, path.courses[1].column), (9, 10));
        assert_eq!(path.courses[1].requires.as_deref(), Some("kursus-a"));
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_column() {
        let text = "slug = \"Jalur Uji\"\ntitel = \"x\"\nsummary = \"Ringkas\"\n\n[[courses]]\ncourse = \"kursus-a\"\nrequires = \"kursus-b\"\n\n[[courses]]\ncourse = \"kursus-a\"\n";
        let found = problems(text);
        assert!(
            found.iter().any(|p| p.starts_with("jalur/uji.toml:1:8:")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("jalur/uji.toml:2:1: unknown setting `titel`")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("missing required setting `title`")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("jalur/uji.toml:7:12:") && p.contains("earlier")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("jalur/uji.toml:10:10:") && p.contains("already")),
            "{found:?}"
        );
    }

    #[test]
    fn syntax_errors_and_empty_paths_are_problems() {
        let found = problems("slug = \"jalur-uji\"\ntitle = \"Jalur\nsummary = \"x\"\n");
        assert!(
            found.iter().any(|p| p.starts_with("jalur/uji.toml:2:")),
            "{found:?}"
        );
        let found = problems("slug = \"jalur-uji\"\ntitle = \"Jalur\"\nsummary = \"x\"\n");
        assert!(found.iter().any(|p| p.contains("courses")), "{found:?}");
    }
}
