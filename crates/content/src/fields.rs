//! Reading TOML tables key by key, so that every wrong, missing or unknown key is reported
//! with its position instead of serde stopping at the first one.

use std::ops::RangeInclusive;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::Problem;
use crate::position::{self, LineIndex};

/// One TOML document (course.toml, or a lesson's front matter) and the problems found in it.
pub(crate) struct Doc<'a> {
    pub file: &'a str,
    /// The whole file, so positions are right even when the TOML is only the front matter.
    pub lines: &'a LineIndex<'a>,
    /// Where the TOML starts inside `text`.
    pub base: usize,
    pub problems: Vec<Problem>,
}

/// A table plus where to point when one of its keys is missing.
#[derive(Clone, Copy)]
pub(crate) struct Table<'t, 'i> {
    pub map: &'t DeTable<'i>,
    pub at: usize,
}

impl<'a> Doc<'a> {
    pub fn new(file: &'a str, lines: &'a LineIndex<'a>, base: usize) -> Self {
        Doc {
            file,
            lines,
            base,
            problems: Vec::new(),
        }
    }

    /// `offset` is relative to the TOML, not to the file; `message` is English, `pesan` the
    /// same in Bahasa Indonesia.
    pub fn report(&mut self, offset: usize, message: impl Into<String>, pesan: impl Into<String>) {
        let problem = position::at(self.file, self.lines, self.base + offset, message, pesan);
        self.problems.push(problem);
    }

    /// Parses `toml`, reporting syntax errors but keeping whatever could be recovered so the
    /// rest of the document is still checked.
    pub fn parse<'i>(&mut self, toml: &'i str) -> Spanned<DeTable<'i>> {
        let (table, errors) = DeTable::parse_recoverable(toml);
        for e in errors {
            let offset = e.span().map_or(0, |s| s.start);
            let message = format!("TOML syntax error: {}", e.message().trim());
            let pesan = format!("Sintaks TOML tidak valid: {}", e.message().trim());
            self.report(offset, message, pesan);
        }
        table
    }

    pub fn check_keys(&mut self, t: Table<'_, '_>, allowed: &[&str]) {
        self.check_keys_misplaced(t, allowed, &[], "", "");
    }

    /// Like [`Doc::check_keys`], but a key in `misplaced` is known elsewhere, so it gets the
    /// message `why` (in Indonesian `mengapa`) instead of the list of allowed keys.
    pub fn check_keys_misplaced(
        &mut self,
        t: Table<'_, '_>,
        allowed: &[&str],
        misplaced: &[&str],
        why: &str,
        mengapa: &str,
    ) {
        for key in t.map.keys() {
            let name: &str = key.get_ref();
            if misplaced.contains(&name) {
                self.report(
                    key.span().start,
                    format!("`{name}` {why}"),
                    format!("`{name}` {mengapa}"),
                );
            } else if !allowed.contains(&name) {
                let message = format!(
                    "unknown setting `{name}` (allowed here: {})",
                    allowed.join(", ")
                );
                let pesan = format!(
                    "pengaturan `{name}` tidak dikenal (yang boleh di sini: {})",
                    allowed.join(", ")
                );
                self.report(key.span().start, message, pesan);
            }
        }
    }

    /// The value of `key`, reporting it as missing when `required`.
    pub fn value<'t, 'i>(
        &mut self,
        t: Table<'t, 'i>,
        key: &str,
        required: bool,
    ) -> Option<&'t Spanned<DeValue<'i>>> {
        let found = t
            .map
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v);
        if found.is_none() && required {
            self.report(
                t.at,
                format!("missing required setting `{key}`"),
                format!("pengaturan wajib `{key}` belum diisi"),
            );
        }
        found
    }

    /// `expected` is English, `diharapkan` the same in Bahasa Indonesia.
    fn wrong_type(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        key: &str,
        expected: &str,
        diharapkan: &str,
    ) {
        let (found, isinya) = describe(v.get_ref());
        let message = format!("`{key}` must be {expected}, but it is {found}");
        let pesan = format!("`{key}` harus {diharapkan}, tetapi isinya {isinya}");
        self.report(v.span().start, message, pesan);
    }

    pub fn string(
        &mut self,
        t: Table<'_, '_>,
        key: &str,
        required: bool,
    ) -> Option<Spanned<String>> {
        let v = self.value(t, key, required)?;
        match v.get_ref() {
            DeValue::String(s) if s.trim().is_empty() => {
                self.report(
                    v.span().start,
                    format!("`{key}` must not be empty"),
                    format!("`{key}` tidak boleh kosong"),
                );
                None
            }
            DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
            _ => {
                self.wrong_type(v, key, "text in quotes", "teks di antara tanda kutip");
                None
            }
        }
    }

    pub fn int(
        &mut self,
        t: Table<'_, '_>,
        key: &str,
        required: bool,
        range: RangeInclusive<i64>,
    ) -> Option<i64> {
        let v = self.value(t, key, required)?;
        let expected = format!("a whole number from {} to {}", range.start(), range.end());
        let diharapkan = format!("bilangan bulat {} sampai {}", range.start(), range.end());
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        match n {
            Some(n) if range.contains(&n) => Some(n),
            _ => {
                self.wrong_type(v, key, &expected, &diharapkan);
                None
            }
        }
    }

    /// A positive number; whole numbers are accepted too because authors write `4` for `4.0`.
    pub fn positive_number(&mut self, t: Table<'_, '_>, key: &str) -> Option<f64> {
        let v = self.value(t, key, false)?;
        match as_number(v.get_ref()) {
            Some(n) if n > 0.0 => Some(n),
            _ => {
                self.wrong_type(v, key, "a number greater than 0", "angka lebih dari 0");
                None
            }
        }
    }

    /// An optional number in `range`, whole or not (`70` and `72.5` are both percentages).
    pub fn number_in(
        &mut self,
        t: Table<'_, '_>,
        key: &str,
        range: RangeInclusive<f64>,
    ) -> Option<f64> {
        let v = self.value(t, key, false)?;
        match as_number(v.get_ref()) {
            Some(n) if range.contains(&n) => Some(n),
            _ => {
                let expected = format!("a number from {} to {}", range.start(), range.end());
                let diharapkan = format!("angka {} sampai {}", range.start(), range.end());
                self.wrong_type(v, key, &expected, &diharapkan);
                None
            }
        }
    }

    pub fn bool(&mut self, t: Table<'_, '_>, key: &str) -> Option<bool> {
        let v = self.value(t, key, false)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(v, key, "true or false", "true atau false");
                None
            }
        }
    }

    pub fn strings(&mut self, t: Table<'_, '_>, key: &str, required: bool) -> Option<Vec<String>> {
        let v = self.value(t, key, required)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                v,
                key,
                "a list of texts, like [\"a\", \"b\"]",
                "daftar teks, seperti [\"a\", \"b\"]",
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) if !s.trim().is_empty() => out.push(s.to_string()),
                _ => self.wrong_type(
                    item,
                    key,
                    "a list of non-empty texts",
                    "daftar teks yang tidak kosong",
                ),
            }
        }
        Some(out)
    }

    /// An array of tables (`[[modules]]`), each with its own position.
    pub fn tables<'t, 'i>(&mut self, t: Table<'t, 'i>, key: &str) -> Vec<Table<'t, 'i>> {
        let Some(v) = self.value(t, key, true) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                v,
                key,
                &format!("a list of [[{key}]] sections"),
                &format!("daftar bagian [[{key}]]"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(map) => out.push(Table {
                    map,
                    at: item.span().start,
                }),
                _ => self.wrong_type(
                    item,
                    key,
                    &format!("a list of [[{key}]] sections"),
                    &format!("daftar bagian [[{key}]]"),
                ),
            }
        }
        out
    }
}

/// A finite TOML integer or float as `f64`.
fn as_number(v: &DeValue<'_>) -> Option<f64> {
    let n = match v {
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        _ => None,
    };
    n.filter(|n| n.is_finite())
}

/// Says what the author actually wrote, in words rather than Rust or TOML type names:
/// in English and in Bahasa Indonesia.
fn describe(v: &DeValue<'_>) -> (String, String) {
    match v {
        DeValue::String(s) => (format!("the text \"{s}\""), format!("teks \"{s}\"")),
        DeValue::Integer(i) => (
            format!("the number {}", i.as_str()),
            format!("angka {}", i.as_str()),
        ),
        DeValue::Float(f) => (
            format!("the number {}", f.as_str()),
            format!("angka {}", f.as_str()),
        ),
        DeValue::Boolean(b) => (format!("the value {b}"), format!("nilai {b}")),
        DeValue::Datetime(d) => (format!("the date {d}"), format!("tanggal {d}")),
        DeValue::Array(_) => ("a list".to_owned(), "sebuah daftar".to_owned()),
        DeValue::Table(_) => (
            "a section (table)".to_owned(),
            "sebuah bagian (tabel)".to_owned(),
        ),
    }
}
