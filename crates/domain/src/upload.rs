//! Unpacking an uploaded course `.zip` into a fresh temporary folder, refusing anything
//! hostile: paths that climb out (`..`, absolute), symlinks, too many files, too many
//! unpacked bytes (zip bombs: sizes are counted while reading, not taken from headers),
//! files over the limit, and file types a course never holds.

use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

use lentera_content::Problem;

/// At most this many entries in one upload.
pub const MAX_FILES: usize = 500;
/// At most this many bytes unpacked in total.
pub const MAX_TOTAL: u64 = 40 * 1024 * 1024;
/// At most this many bytes for one file (the content checker has tighter per-type limits).
pub const MAX_FILE: u64 = 4 * 1024 * 1024;

const ALLOWED: &[&str] = &[
    "toml", "md", "gift", "aiken", "txt", "png", "jpg", "jpeg", "gif", "webp", "svg",
];

/// A problem with its English (CLI, API) and Indonesian (pages) wording.
fn problem(file: &str, message: impl Into<String>, pesan: impl Into<String>) -> Problem {
    Problem {
        pesan: pesan.into(),
        file: file.to_owned(),
        line: 1,
        column: 1,
        message: message.into(),
    }
}

/// A path inside the archive made only of normal parts, or `None`.
fn safe_relative(name: &str) -> Option<PathBuf> {
    if name.contains('\\') || name.starts_with('/') || name.contains('\0') {
        return None;
    }
    let path = Path::new(name);
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Unpacks `bytes` into `dest` (which must be a fresh, empty folder). Returns the course
/// folder inside it: `dest` itself, or its single top-level folder when the zip holds one.
pub fn unpack(bytes: &[u8], dest: &Path) -> Result<PathBuf, Vec<Problem>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        vec![problem(
            "upload.zip",
            format!("not a readable zip file: {e}"),
            format!("bukan berkas zip yang dapat dibaca: {e}"),
        )]
    })?;
    if archive.len() > MAX_FILES {
        return Err(vec![problem(
            "upload.zip",
            format!(
                "the zip holds {} entries; at most {MAX_FILES} are allowed",
                archive.len()
            ),
            format!(
                "zip berisi {} berkas; paling banyak {MAX_FILES} yang diizinkan",
                archive.len()
            ),
        )]);
    }
    let mut problems = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                problems.push(problem(
                    "upload.zip",
                    format!("entry {i} cannot be read: {e}"),
                    format!("isi ke-{i} tidak dapat dibaca: {e}"),
                ));
                continue;
            }
        };
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("entry {i}"));
        if entry.is_symlink() {
            problems.push(problem(
                &name,
                "symbolic links are not allowed in a course",
                "tautan simbolik (symlink) tidak diizinkan dalam kursus",
            ));
            continue;
        }
        let Some(relative) = safe_relative(&name) else {
            problems.push(problem(
                &name,
                "this path points outside the course folder",
                "alamat berkas ini menunjuk ke luar folder kursus",
            ));
            continue;
        };
        if entry.is_dir() {
            continue;
        }
        let hidden = relative
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden || relative.components().any(|c| c.as_os_str() == "__MACOSX") {
            continue;
        }
        let ext = relative
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !ALLOWED.contains(&ext.as_str()) {
            problems.push(problem(
                &name,
                format!(
                    "files of this type are not allowed in a course (allowed: {})",
                    ALLOWED.join(", ")
                ),
                format!(
                    "jenis berkas ini tidak diizinkan dalam kursus (yang diizinkan: {})",
                    ALLOWED.join(", ")
                ),
            ));
            continue;
        }
        // Read at most one byte past the limits: the header's size may lie.
        let room = (MAX_TOTAL - total).min(MAX_FILE) + 1;
        let mut data = Vec::new();
        if let Err(e) = (&mut entry).take(room).read_to_end(&mut data) {
            problems.push(problem(
                &name,
                format!("cannot be unpacked: {e}"),
                format!("tidak dapat dibuka: {e}"),
            ));
            continue;
        }
        let size = data.len() as u64;
        if size > MAX_FILE {
            problems.push(problem(
                &name,
                format!("the file is larger than {} MiB", MAX_FILE / 1024 / 1024),
                format!("berkas lebih besar dari {} MiB", MAX_FILE / 1024 / 1024),
            ));
            continue;
        }
        total += size;
        if total > MAX_TOTAL {
            problems.push(problem(
                "upload.zip",
                format!(
                    "the zip unpacks to more than {} MiB",
                    MAX_TOTAL / 1024 / 1024
                ),
                format!(
                    "isi zip setelah dibuka lebih dari {} MiB",
                    MAX_TOTAL / 1024 / 1024
                ),
            ));
            return Err(problems);
        }
        let target = dest.join(&relative);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, &data));
        if let Err(e) = written {
            problems.push(problem(
                &name,
                format!("cannot be unpacked: {e}"),
                format!("tidak dapat dibuka: {e}"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if dest.join("course.toml").is_file() {
        return Ok(dest.to_path_buf());
    }
    let folders: Vec<PathBuf> = std::fs::read_dir(dest)
        .map_err(|e| vec![problem("upload.zip", e.to_string(), e.to_string())])?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("course.toml").is_file())
        .collect();
    match folders.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(vec![problem(
            "course.toml",
            "the zip has no course.toml at its top (or in its one top folder)",
            "zip tidak memuat course.toml di tingkat teratas (atau di satu folder teratasnya)",
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        for bad in [
            "../x.md",
            "/etc/passwd",
            "a/../../x",
            "C:\\x",
            "a\\..\\b",
            "",
        ] {
            assert!(safe_relative(bad).is_none(), "{bad}");
        }
        assert_eq!(
            safe_relative("./kursus/course.toml").map(|p| p.display().to_string()),
            Some("kursus/course.toml".into())
        );
    }
}
