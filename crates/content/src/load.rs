//! Loading one course folder: reads every file, checks course.toml, the outline, lessons,
//! quizzes and assets, and collects all problems before giving up.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};
use toml::de::DeValue;

use crate::assets::{self, MAX_ASSET_BYTES};
use crate::fields::{Doc, Table};
use crate::markdown::{self, CourseLinks, ImageSizes};
use crate::position::{self, LineIndex, Texts, whole_file};
use crate::{
    Asset, Course, DrawRule, ItemKind, Lesson, MAX_TEXT_BYTES, Module, OutlineItem, Problem,
    QuizSource,
};

/// The course categories a course.toml may name.
pub const CATEGORIES: &[&str] = &[
    "kepemimpinan",
    "teknologi-informasi",
    "manajemen-bencana",
    "pelayanan-publik",
    "manajemen-keuangan",
    "pengembangan-diri",
];
const LEVELS: &[&str] = &["dasar", "menengah", "lanjut"];
const LANGUAGES: &[&str] = &["id", "en"];

/// Quiz file extensions, which are also the `format` handed to lentera-assessment.
const QUIZ_FORMATS: &[&str] = &["toml", "gift", "aiken"];

/// Keys an outline quiz item may carry for quiz files that hold only questions.
const QUIZ_SETTINGS: &[&str] = &[
    "title",
    "pass_percent",
    "max_attempts",
    "time_limit_minutes",
    "cooldown_minutes",
    "counts",
    "review",
    "draw",
];

/// The values of `counts` and `review`, as lentera-assessment names them.
const COUNTS: &[&str] = &["highest", "latest"];
const REVIEWS: &[&str] = &["after_submit", "after_last_attempt", "never"];

/// A folder, its allowed extensions, the English and Indonesian names of its kind of file,
/// and the English and Indonesian lists of the allowed extensions.
type FolderRule<'a> = (&'a str, &'a [&'a str], &'a str, &'a str, &'a str, &'a str);

/// Relative path to contents; `None` when the file was too large to read (already reported).
type Files = BTreeMap<String, Option<Vec<u8>>>;

/// An outline entry plus where it was written, for messages about its file.
struct Item {
    kind: ItemKind,
    slug: String,
    required: bool,
    module: String,
    /// Byte offset of the `lesson`/`quiz` value in course.toml.
    pos: usize,
    settings: QuizSettings,
}

/// Quiz settings written on an outline item, for GIFT and Aiken files.
#[derive(Default)]
struct QuizSettings {
    title: Option<String>,
    pass_percent: Option<f64>,
    max_attempts: Option<u32>,
    time_limit_minutes: Option<u32>,
    cooldown_minutes: Option<u32>,
    counts: Option<String>,
    review: Option<String>,
    draws: Vec<DrawRule>,
    /// Each settings key present and its offset in course.toml, valid or not, so a TOML quiz
    /// (which has its own settings) can point at them.
    keys: Vec<(String, usize)>,
}

impl Item {
    /// The item's file and format, or a problem message (English, then Bahasa Indonesia) when
    /// there is not exactly one file.
    fn file(
        &self,
        files: &Files,
        used: &mut HashSet<String>,
    ) -> Result<(String, &'static str), Texts> {
        if self.kind == ItemKind::Lesson {
            let file = format!("lessons/{}.md", self.slug);
            if !files.contains_key(&file) {
                return Err((
                    format!(
                        "the lesson `{}` has no file: {file} does not exist",
                        self.slug
                    ),
                    format!(
                        "materi `{}` tidak punya berkas: {file} tidak ada",
                        self.slug
                    ),
                ));
            }
            return Ok((file, "md"));
        }
        let found: Vec<(String, &'static str)> = QUIZ_FORMATS
            .iter()
            .map(|ext| (format!("quizzes/{}.{ext}", self.slug), *ext))
            .filter(|(file, _)| files.contains_key(file))
            .collect();
        match found.as_slice() {
            [] => Err((
                format!(
                    "the quiz `{0}` has no file: add quizzes/{0}.toml, quizzes/{0}.gift or quizzes/{0}.aiken",
                    self.slug
                ),
                format!(
                    "kuis `{0}` tidak punya berkas: tambahkan quizzes/{0}.toml, quizzes/{0}.gift atau quizzes/{0}.aiken",
                    self.slug
                ),
            )),
            [one] => Ok(one.clone()),
            several => {
                // Counted as used so they are not also reported as unused.
                used.extend(several.iter().map(|(file, _)| file.clone()));
                let names: Vec<&str> = several.iter().map(|(file, _)| file.as_str()).collect();
                Err((
                    format!(
                        "the quiz `{}` has {} files ({}); keep only one of them",
                        self.slug,
                        several.len(),
                        names.join(", ")
                    ),
                    format!(
                        "kuis `{}` punya {} berkas ({}); simpan satu saja",
                        self.slug,
                        several.len(),
                        names.join(", ")
                    ),
                ))
            }
        }
    }
}

/// course.toml as read; fields the author got wrong are left empty because the course is
/// rejected anyway.
#[derive(Default)]
struct Spec {
    slug: String,
    title: String,
    summary: String,
    category: String,
    jp: u32,
    level: String,
    language: String,
    authors: Vec<String>,
    tags: Vec<String>,
    estimated_hours: Option<f64>,
    partner: Option<String>,
    modules: Vec<Module>,
    items: Vec<Item>,
}

/// Load, validate and render one course folder, reporting every problem at once.
pub fn load_course(dir: &Path) -> Result<Course, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut files = Files::new();
    walk(dir, "", &mut files, &mut problems);
    let content_hash = hash(&files);

    let Some(Some(bytes)) = files.get("course.toml") else {
        if !files.contains_key("course.toml") {
            problems.push(whole_file(
                "course.toml",
                "this folder has no course.toml; every course folder needs one describing the course and its modules",
                "folder ini tidak punya course.toml; setiap folder kursus memerlukannya untuk menjelaskan kursus dan modul-modulnya",
            ));
        }
        return Err(finish(problems));
    };
    let text = match position::utf8("course.toml", bytes) {
        Ok(text) => text,
        Err(problem) => {
            problems.push(problem);
            return Err(finish(problems));
        }
    };
    let course_lines = LineIndex::new(text);
    let spec = parse_course(&course_lines, &mut problems);

    let (assets, sizes) = check_assets(&files, &mut problems);

    let lesson_slugs: HashSet<String> = spec
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Lesson)
        .map(|i| i.slug.clone())
        .collect();
    let links = CourseLinks {
        course_slug: &spec.slug,
        lessons: &lesson_slugs,
        assets: &sizes,
    };
    let mut used = HashSet::new();
    let mut lessons = Vec::new();
    let mut quizzes = Vec::new();
    for item in &spec.items {
        let (file, format) = match item.file(&files, &mut used) {
            Ok(found) => found,
            Err((message, pesan)) => {
                problems.push(position::at(
                    "course.toml",
                    &course_lines,
                    item.pos,
                    message,
                    pesan,
                ));
                continue;
            }
        };
        let Some(bytes) = files.get(&file) else {
            continue;
        };
        used.insert(file.clone());
        let Some(bytes) = bytes else { continue };
        let source = match position::utf8(&file, bytes) {
            Ok(source) => source,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        match item.kind {
            ItemKind::Lesson => {
                lessons.extend(parse_lesson(item, &file, source, &links, &mut problems))
            }
            ItemKind::Quiz => {
                if format == "toml" {
                    // Two places for one setting would leave authors guessing which one wins.
                    for (key, pos) in &item.settings.keys {
                        let message = format!(
                            "`{key}` on a quiz item is only for GIFT and Aiken quizzes; {file} has its own settings, set `{key}` there"
                        );
                        let pesan = format!(
                            "`{key}` pada item kuis hanya untuk kuis GIFT dan Aiken; {file} punya pengaturannya sendiri, isi `{key}` di sana"
                        );
                        problems.push(position::at(
                            "course.toml",
                            &course_lines,
                            *pos,
                            message,
                            pesan,
                        ));
                    }
                }
                let s = &item.settings;
                quizzes.push(QuizSource {
                    slug: item.slug.clone(),
                    required: item.required,
                    module: item.module.clone(),
                    file,
                    source: source.to_owned(),
                    format: format.to_owned(),
                    title: s.title.clone(),
                    pass_percent: s.pass_percent,
                    max_attempts: s.max_attempts,
                    time_limit_minutes: s.time_limit_minutes,
                    cooldown_minutes: s.cooldown_minutes,
                    counts: s.counts.clone(),
                    review: s.review.clone(),
                    draws: s.draws.clone(),
                });
            }
        }
    }

    for path in files.keys() {
        let folders: [FolderRule<'_>; 2] = [
            ("lessons/", &[".md"], "lesson", "materi", ".md", ".md"),
            (
                "quizzes/",
                &[".toml", ".gift", ".aiken"],
                "quiz",
                "kuis",
                ".toml, .gift or .aiken",
                ".toml, .gift atau .aiken",
            ),
        ];
        for (folder, exts, what, apa, ext_list, daftar_ext) in folders {
            let Some(name) = path.strip_prefix(folder) else {
                continue;
            };
            let slug = exts.iter().find_map(|ext| name.strip_suffix(ext));
            if name.contains('/') || slug.is_none() {
                let message = format!(
                    "only {what} files ending in {ext_list} belong directly in {folder}; move or delete this file"
                );
                let pesan = format!(
                    "hanya berkas {apa} berakhiran {daftar_ext} yang boleh langsung berada di {folder}; pindahkan atau hapus berkas ini"
                );
                problems.push(whole_file(path, message, pesan));
            } else if let Some(slug) = slug
                && !used.contains(path)
            {
                let message = format!(
                    "this {what} is not used: add `{what} = \"{slug}\"` to a module in course.toml, or delete the file"
                );
                let pesan = format!(
                    "{apa} ini tidak dipakai: tambahkan `{what} = \"{slug}\"` ke salah satu modul di course.toml, atau hapus berkasnya"
                );
                problems.push(whole_file(path, message, pesan));
            }
        }
    }

    if !problems.is_empty() {
        return Err(finish(problems));
    }
    Ok(Course {
        slug: spec.slug,
        title: spec.title,
        summary: spec.summary,
        category: spec.category,
        jp: spec.jp,
        level: spec.level,
        language: spec.language,
        authors: spec.authors,
        tags: spec.tags,
        estimated_hours: spec.estimated_hours,
        partner: spec.partner,
        modules: spec.modules,
        lessons,
        quizzes,
        assets,
        content_hash,
    })
}

/// Every file under assets/ with an allowed type and readable contents, plus image sizes
/// by path for the `<img>` width and height.
fn check_assets(files: &Files, problems: &mut Vec<Problem>) -> (Vec<Asset>, ImageSizes) {
    let mut assets = Vec::new();
    let mut sizes = HashMap::new();
    for (path, bytes) in files {
        let (Some(rel), Some(bytes)) = (path.strip_prefix("assets/"), bytes) else {
            continue;
        };
        let ext = rel
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let Some(content_type) = assets::content_type(&ext) else {
            problems.push(whole_file(
                path,
                "this file type is not allowed in assets/; use png, jpg, jpeg, gif, webp or svg images",
                "jenis berkas ini tidak diizinkan di assets/; gunakan gambar png, jpg, jpeg, gif, webp atau svg",
            ));
            continue;
        };
        match assets::check_image(&ext, bytes) {
            Ok(size) => {
                sizes.insert(rel.to_owned(), size);
                assets.push(Asset {
                    path: rel.to_owned(),
                    content_type: content_type.to_owned(),
                    bytes: bytes.clone(),
                });
            }
            Err((at, message, pesan)) => {
                let mut problem = whole_file(path, message, pesan);
                if let Some((line, column)) = at {
                    (problem.line, problem.column) = (line, column);
                }
                problems.push(problem);
            }
        }
    }
    (assets, sizes)
}

/// Sorted and without duplicates, so authors fix files top to bottom.
fn finish(mut problems: Vec<Problem>) -> Vec<Problem> {
    problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    problems.dedup();
    problems
}

fn walk(dir: &Path, prefix: &str, files: &mut Files, problems: &mut Vec<Problem>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let name = if prefix.is_empty() { "." } else { prefix };
            problems.push(whole_file(
                name,
                format!("this folder could not be read: {e}"),
                format!("folder ini tidak dapat dibaca: {e}"),
            ));
            return;
        }
    };
    for entry in entries.filter_map(Result::ok) {
        let os_name = entry.file_name();
        let Some(name) = os_name.to_str() else {
            let rel = format!("{prefix}{}", os_name.to_string_lossy());
            problems.push(whole_file(
                &rel,
                "this file name contains unusual characters; rename it",
                "nama berkas ini mengandung karakter yang tidak biasa; ganti namanya",
            ));
            continue;
        };
        // Editor and system clutter (.DS_Store, .git) is not course content.
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}{name}");
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            // Following links could publish files from outside the course folder.
            problems.push(whole_file(
                &rel,
                "shortcuts (symbolic links) are not allowed; copy the real file here",
                "pintasan (symbolic link) tidak diizinkan; salin berkas aslinya ke sini",
            ));
        } else if meta.is_dir() {
            walk(&entry.path(), &format!("{rel}/"), files, problems);
        } else if meta.is_file() {
            let limit = if rel.starts_with("assets/") {
                MAX_ASSET_BYTES
            } else {
                MAX_TEXT_BYTES
            };
            if meta.len() > limit {
                let message = format!(
                    "this file is {} KB, more than the limit of {} KB ({} MiB); make it smaller",
                    meta.len().div_ceil(1024),
                    limit / 1024,
                    limit / 1_048_576
                );
                let pesan = format!(
                    "berkas ini berukuran {} KB, melebihi batas {} KB ({} MiB); perkecil ukurannya",
                    meta.len().div_ceil(1024),
                    limit / 1024,
                    limit / 1_048_576
                );
                problems.push(whole_file(&rel, message, pesan));
                files.insert(rel, None);
            } else {
                match fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(rel, Some(bytes));
                    }
                    Err(e) => problems.push(whole_file(
                        &rel,
                        format!("this file could not be read: {e}"),
                        format!("berkas ini tidak dapat dibaca: {e}"),
                    )),
                }
            }
        }
    }
}

/// Path, a separator and the length go in before each file's bytes so that different
/// folders can never produce the same byte stream.
fn hash(files: &Files) -> String {
    let mut h = Sha256::new();
    for (path, bytes) in files {
        h.update(path.as_bytes());
        h.update([0]);
        match bytes {
            Some(bytes) => {
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(bytes);
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}

pub(crate) fn valid_slug(s: &str, min: usize) -> bool {
    (min..=80).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Reports `s` as an invalid slug at `at`.
pub(crate) fn bad_slug(doc: &mut Doc<'_>, at: usize, s: &str, min: usize) {
    doc.report(
        at,
        format!(
            "`{s}` is not a valid slug: use {min} to 80 characters, only lowercase letters a-z, digits and hyphens (like `konsep-dasar`)"
        ),
        format!(
            "`{s}` bukan slug yang valid: gunakan {min} sampai 80 karakter, hanya huruf kecil a-z, angka dan tanda hubung (seperti `konsep-dasar`)"
        ),
    );
}

fn choice(doc: &mut Doc<'_>, t: Table<'_, '_>, key: &str, allowed: &[&str]) -> String {
    checked_choice(doc, t, key, true, allowed).unwrap_or_default()
}

/// An optional setting that is one of `allowed`; `None` when absent or wrong (reported).
fn optional_choice(
    doc: &mut Doc<'_>,
    t: Table<'_, '_>,
    key: &str,
    allowed: &[&str],
) -> Option<String> {
    checked_choice(doc, t, key, false, allowed).filter(|v| allowed.contains(&v.as_str()))
}

fn checked_choice(
    doc: &mut Doc<'_>,
    t: Table<'_, '_>,
    key: &str,
    required: bool,
    allowed: &[&str],
) -> Option<String> {
    let v = doc.string(t, key, required)?;
    if !allowed.contains(&v.get_ref().as_str()) {
        let message = format!(
            "`{key}` must be one of: {} (found \"{}\")",
            allowed.join(", "),
            v.get_ref()
        );
        let pesan = format!(
            "`{key}` harus salah satu dari: {} (isinya \"{}\")",
            allowed.join(", "),
            v.get_ref()
        );
        doc.report(v.span().start, message, pesan);
    }
    Some(v.into_inner())
}

/// `draw = [{ group = "...", count = 2 }, ...]` on a quiz item; wrong entries are reported and
/// left out. Whether each group exists is checked when the quiz file is parsed.
fn draw_rules(doc: &mut Doc<'_>, it: Table<'_, '_>) -> Vec<DrawRule> {
    let Some(v) = doc.value(it, "draw", false) else {
        return Vec::new();
    };
    let example = "{ group = \"...\", count = 2 }";
    let DeValue::Array(items) = v.get_ref() else {
        doc.report(
            v.span().start,
            format!("`draw` must be a list of rules like [{example}]"),
            format!("`draw` harus berupa daftar aturan seperti [{example}]"),
        );
        return Vec::new();
    };
    let mut out: Vec<DrawRule> = Vec::new();
    // Groups of every rule so far, valid or not, so a repeated group is reported either way.
    let mut seen: Vec<String> = Vec::new();
    for item in items.iter() {
        let DeValue::Table(map) = item.get_ref() else {
            doc.report(
                item.span().start,
                format!("each rule in `draw` must look like {example}"),
                format!("setiap aturan di `draw` harus ditulis seperti {example}"),
            );
            continue;
        };
        let t = Table {
            map,
            at: item.span().start,
        };
        doc.check_keys(t, &["group", "count"]);
        let group = doc.string(t, "group", true);
        let count = doc.int(t, "count", true, 1..=1000);
        if let Some(g) = &group
            && seen.contains(g.get_ref())
        {
            doc.report(
                g.span().start,
                format!(
                    "there is already a draw rule for group `{}`; keep one",
                    g.get_ref()
                ),
                format!(
                    "sudah ada aturan draw untuk group `{}`; sisakan satu saja",
                    g.get_ref()
                ),
            );
            continue;
        }
        seen.extend(group.as_ref().map(|g| g.get_ref().clone()));
        if let (Some(group), Some(count)) = (group, count.and_then(|c| usize::try_from(c).ok())) {
            out.push(DrawRule {
                group: group.into_inner(),
                count,
            });
        }
    }
    out
}

fn parse_course(lines: &LineIndex<'_>, problems: &mut Vec<Problem>) -> Spec {
    let text = lines.text();
    let mut doc = Doc::new("course.toml", lines, 0);
    let parsed = doc.parse(text);
    let root = Table {
        map: parsed.get_ref(),
        at: 0,
    };
    let keys = [
        "slug",
        "title",
        "summary",
        "category",
        "jp",
        "level",
        "language",
        "authors",
        "tags",
        "estimated_hours",
        "partner",
        "modules",
    ];
    doc.check_keys(root, &keys);
    let mut spec = Spec::default();
    if let Some(slug) = doc.string(root, "slug", true) {
        if !valid_slug(slug.get_ref(), 3) {
            bad_slug(&mut doc, slug.span().start, slug.get_ref(), 3);
        }
        spec.slug = slug.into_inner();
    }
    spec.title = doc
        .string(root, "title", true)
        .map(|s| s.into_inner())
        .unwrap_or_default();
    spec.summary = doc
        .string(root, "summary", true)
        .map(|s| s.into_inner())
        .unwrap_or_default();
    spec.category = choice(&mut doc, root, "category", CATEGORIES);
    spec.jp = doc
        .int(root, "jp", true, 1..=200)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_default();
    spec.level = choice(&mut doc, root, "level", LEVELS);
    spec.language = choice(&mut doc, root, "language", LANGUAGES);
    spec.authors = doc.strings(root, "authors", true).unwrap_or_default();
    if let Some(v) = doc.value(root, "authors", false)
        && spec.authors.is_empty()
        && v.get_ref().is_array()
    {
        doc.report(
            v.span().start,
            "`authors` must name at least one author",
            "`authors` harus berisi paling sedikit satu nama penulis",
        );
    }
    spec.tags = doc.strings(root, "tags", false).unwrap_or_default();
    spec.estimated_hours = doc.positive_number(root, "estimated_hours");
    spec.partner = doc.string(root, "partner", false).map(|s| s.into_inner());

    let mut module_seen: HashMap<String, usize> = HashMap::new();
    let mut item_seen: HashMap<String, usize> = HashMap::new();
    for m in doc.tables(root, "modules") {
        doc.check_keys(m, &["slug", "title", "items"]);
        let mut module = Module {
            slug: String::new(),
            title: doc
                .string(m, "title", true)
                .map(|s| s.into_inner())
                .unwrap_or_default(),
            items: Vec::new(),
        };
        if let Some(slug) = doc.string(m, "slug", true) {
            let at = slug.span().start;
            if !valid_slug(slug.get_ref(), 1) {
                bad_slug(&mut doc, at, slug.get_ref(), 1);
            } else if let Some(&first) = module_seen.get(slug.get_ref()) {
                let line = lines.line_col(first).0;
                doc.report(
                    at,
                    format!(
                        "the module slug `{}` is already used on line {line}",
                        slug.get_ref()
                    ),
                    format!(
                        "slug modul `{}` sudah dipakai di baris {line}",
                        slug.get_ref()
                    ),
                );
            } else {
                module_seen.insert(slug.get_ref().clone(), at);
            }
            module.slug = slug.into_inner();
        }
        let item_tables = doc.tables(m, "items");
        if item_tables.is_empty() && doc.value(m, "items", false).is_some() {
            doc.report(
                m.at,
                "this module has no items; add [[modules.items]] with a lesson or quiz",
                "modul ini tidak punya item; tambahkan [[modules.items]] berisi materi atau kuis",
            );
        }
        for it in item_tables {
            let has = |key: &str| it.map.keys().any(|k| k.get_ref() == key);
            let mut settings = QuizSettings::default();
            if has("quiz") {
                let allowed: Vec<&str> = ["lesson", "quiz", "required"]
                    .iter()
                    .chain(QUIZ_SETTINGS)
                    .copied()
                    .collect();
                doc.check_keys(it, &allowed);
                settings = quiz_settings(&mut doc, it);
            } else if has("lesson") {
                doc.check_keys_misplaced(
                    it,
                    &["lesson", "quiz", "required"],
                    QUIZ_SETTINGS,
                    "is a quiz setting; a lesson item cannot have it",
                    "adalah pengaturan kuis; item materi tidak boleh memilikinya",
                );
            } else {
                doc.check_keys(it, &["lesson", "quiz", "required"]);
            }
            let lesson = doc.string(it, "lesson", false);
            let quiz = doc.string(it, "quiz", false);
            let required = doc.bool(it, "required").unwrap_or(true);
            let (kind, slug) = match (lesson, quiz) {
                (Some(l), None) => (ItemKind::Lesson, l),
                (None, Some(q)) => (ItemKind::Quiz, q),
                (Some(_), Some(q)) => {
                    doc.report(
                        q.span().start,
                        "an item has either `lesson` or `quiz`, not both; split it into two [[modules.items]]",
                        "satu item berisi `lesson` atau `quiz`, tidak keduanya; pisahkan menjadi dua [[modules.items]]",
                    );
                    continue;
                }
                (None, None) => {
                    if !it
                        .map
                        .keys()
                        .any(|k| k.get_ref() == "lesson" || k.get_ref() == "quiz")
                    {
                        doc.report(
                            it.at,
                            "this item needs `lesson = \"...\"` or `quiz = \"...\"`",
                            "item ini memerlukan `lesson = \"...\"` atau `quiz = \"...\"`",
                        );
                    }
                    continue;
                }
            };
            let at = slug.span().start;
            if !valid_slug(slug.get_ref(), 1) {
                bad_slug(&mut doc, at, slug.get_ref(), 1);
                continue;
            }
            if let Some(&first) = item_seen.get(slug.get_ref()) {
                let line = lines.line_col(first).0;
                let message = format!(
                    "`{}` is already used on line {line}; every lesson and quiz needs its own slug",
                    slug.get_ref()
                );
                let pesan = format!(
                    "`{}` sudah dipakai di baris {line}; setiap materi dan kuis harus punya slug sendiri",
                    slug.get_ref()
                );
                doc.report(at, message, pesan);
                continue;
            }
            item_seen.insert(slug.get_ref().clone(), at);
            module.items.push(OutlineItem {
                kind,
                slug: slug.get_ref().clone(),
                required,
            });
            spec.items.push(Item {
                kind,
                slug: slug.into_inner(),
                required,
                module: module.slug.clone(),
                pos: at,
                settings,
            });
        }
        spec.modules.push(module);
    }
    problems.append(&mut doc.problems);
    spec
}

/// The settings keys of a quiz item, each checked for its type and range.
fn quiz_settings(doc: &mut Doc<'_>, it: Table<'_, '_>) -> QuizSettings {
    let whole = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok());
    QuizSettings {
        title: doc.string(it, "title", false).map(|s| s.into_inner()),
        pass_percent: doc.number_in(it, "pass_percent", 0.0..=100.0),
        max_attempts: whole(doc.int(it, "max_attempts", false, 0..=1000)),
        time_limit_minutes: whole(doc.int(it, "time_limit_minutes", false, 1..=1440)),
        cooldown_minutes: whole(doc.int(it, "cooldown_minutes", false, 0..=10_080)),
        counts: optional_choice(doc, it, "counts", COUNTS),
        review: optional_choice(doc, it, "review", REVIEWS),
        draws: draw_rules(doc, it),
        keys: it
            .map
            .keys()
            .filter(|k| QUIZ_SETTINGS.contains(&k.get_ref().as_ref()))
            .map(|k| (k.get_ref().to_string(), k.span().start))
            .collect(),
    }
}

/// Splits off the `+++` front matter, checks it and renders the body.
fn parse_lesson(
    item: &Item,
    file: &str,
    text: &str,
    links: &CourseLinks<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Lesson> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i + 1);
    let first_end = line_end(start);
    if text[start..first_end].trim_end() != "+++" {
        problems.push(whole_file(
            file,
            "a lesson must start with a line containing only +++, then slug, title and minutes, then another +++ line",
            "materi harus diawali baris yang hanya berisi +++, lalu slug, title dan minutes, lalu satu baris +++ lagi",
        ));
        return None;
    }
    let mut pos = first_end;
    let mut close = None;
    while pos < text.len() {
        let end = line_end(pos);
        if text[pos..end].trim_end() == "+++" {
            close = Some((pos, end));
            break;
        }
        pos = end;
    }
    let Some((fm_end, body_start)) = close else {
        problems.push(whole_file(
            file,
            "the front matter is never closed: add a line containing only +++ after it",
            "bagian pembuka (front matter) tidak pernah ditutup: tambahkan baris yang hanya berisi +++ sesudahnya",
        ));
        return None;
    };
    let lines = LineIndex::new(text);
    let mut doc = Doc::new(file, &lines, first_end);
    let parsed = doc.parse(&text[first_end..fm_end]);
    // Missing keys are reported on the closing +++ line: that is where they should be added.
    let t = Table {
        map: parsed.get_ref(),
        at: fm_end - first_end,
    };
    doc.check_keys(t, &["slug", "title", "minutes"]);
    let slug = doc.string(t, "slug", true);
    if let Some(slug) = &slug
        && *slug.get_ref() != item.slug
    {
        let message = format!(
            "slug `{}` does not match the file name: in {file} the slug must be `{}`",
            slug.get_ref(),
            item.slug
        );
        let pesan = format!(
            "slug `{}` tidak cocok dengan nama berkas: di {file} slug-nya harus `{}`",
            slug.get_ref(),
            item.slug
        );
        doc.report(slug.span().start, message, pesan);
    }
    let title = doc.string(t, "title", true);
    let minutes = doc.int(t, "minutes", true, 1..=1440);
    problems.append(&mut doc.problems);

    let body = &text[body_start..];
    if body.trim().is_empty() {
        problems.push(position::at(
            file,
            &lines,
            fm_end,
            "this lesson is empty: write its text after the closing +++",
            "materi ini kosong: tulis isinya sesudah baris +++ penutup",
        ));
        return None;
    }
    let rendered = markdown::render(body, Some(links));
    for (offset, message, pesan) in rendered.problems {
        problems.push(position::at(
            file,
            &lines,
            body_start + offset,
            message,
            pesan,
        ));
    }
    Some(Lesson {
        slug: item.slug.clone(),
        title: title?.into_inner(),
        minutes: u32::try_from(minutes?).ok()?,
        required: item.required,
        module: item.module.clone(),
        html: rendered.html,
        words: rendered.words,
    })
}
