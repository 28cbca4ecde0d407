//! Parser for the TOML quiz format of docs/content-format.md that reports every problem at once.
//!
//! We walk toml's spanned document tree by hand instead of deriving `Deserialize`, because serde
//! stops at the first error while authors want the whole list, with line numbers, in one go.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::lines::LineIndex;
use crate::model::{
    ChoiceOption, CountedAttempt, Draw, MatchPair, NumericAnswer, Question, QuestionKind, Quiz,
    ReviewPolicy, TextAnswer,
};
use crate::settings::{DrawField, MAX_COOLDOWN_MINUTES, MAX_GROUP_CHARS, draw_problems};

/// Most questions one quiz file may hold, in any format. A quiz is taken in one sitting; a file
/// with more is a mistake or an attempt to tie up the server, and each question costs work on
/// every check, import and attempt.
pub const MAX_QUESTIONS: usize = 1000;

/// A problem in a quiz file, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub line: u32,
    pub column: u32,
    /// English.
    pub message: String,
    /// The same problem in plain Bahasa Indonesia, for the upload page.
    pub pesan: String,
}

const KINDS: &str = "single_choice, multiple_choice, true_false, short_answer, numerical, matching, ordering, essay, description";

/// Parse our TOML quiz format, reporting every problem found, sorted by position.
pub fn parse_quiz_toml(src: &str) -> Result<Quiz, Vec<Problem>> {
    let mut ctx = Ctx {
        lines: LineIndex::new(src),
        problems: Vec::new(),
    };
    let (doc, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        // Checking the meaning of a half-parsed file would only add confusing follow-up errors.
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            ctx.report(
                span,
                format!("TOML syntax error: {}", e.message().trim()),
                format!("Sintaks TOML tidak valid: {}", e.message().trim()),
            );
        }
        return Err(ctx.finish());
    }
    let top = Table {
        map: doc.get_ref(),
        span: doc.span(),
        place: "the quiz".into(),
        tempat: "kuis".into(),
    };
    let quiz = parse_top(&mut ctx, &top);
    match quiz {
        Some(quiz) if ctx.problems.is_empty() => Ok(quiz),
        _ => Err(ctx.finish()),
    }
}

struct Ctx<'s> {
    lines: LineIndex<'s>,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    /// `message` is English, `pesan` the same in Bahasa Indonesia.
    fn report(&mut self, span: Range<usize>, message: impl Into<String>, pesan: impl Into<String>) {
        let (line, column) = self.lines.line_col(span.start);
        self.problems.push(Problem {
            line,
            column,
            message: message.into(),
            pesan: pesan.into(),
        });
    }

    fn finish(mut self) -> Vec<Problem> {
        // The toml map is not in file order, so sort to read top to bottom.
        self.problems.sort_by_key(|p| (p.line, p.column));
        self.problems
    }
}

/// A TOML table being read, with a human name for messages: `place` in English, `tempat` in
/// Bahasa Indonesia.
struct Table<'a, 'i> {
    map: &'a DeTable<'i>,
    span: Range<usize>,
    place: String,
    tempat: String,
}

impl<'a, 'i> Table<'a, 'i> {
    fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.map
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    fn peek_text(&self, key: &str) -> Option<&'a str> {
        match self.get(key).map(Spanned::get_ref) {
            Some(DeValue::String(s)) => Some(s.as_ref()),
            _ => None,
        }
    }

    fn check_keys(&self, ctx: &mut Ctx<'_>, allowed: &[&str], hint: &str) {
        for (k, _) in self.map.iter() {
            if !allowed.contains(&k.get_ref().as_ref()) {
                ctx.report(
                    k.span(),
                    format!("unknown key `{}` in {}{hint}", k.get_ref(), self.place),
                    format!(
                        "kunci `{}` tidak dikenal di {}{hint}",
                        k.get_ref(),
                        self.tempat
                    ),
                );
            }
        }
    }

    fn field<T>(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        required: bool,
        conv: impl FnOnce(&'a DeValue<'i>) -> Result<T, Why>,
    ) -> Option<(T, Range<usize>)> {
        let Some(v) = self.get(key) else {
            if required {
                ctx.report(
                    self.span.clone(),
                    format!("{} is missing `{key}`", self.place),
                    format!("{} belum punya `{key}`", self.tempat),
                );
            }
            return None;
        };
        match conv(v.get_ref()) {
            Ok(x) => Some((x, v.span())),
            Err((msg, pesan)) => {
                ctx.report(
                    v.span(),
                    format!("`{key}` in {} {msg}", self.place),
                    format!("`{key}` di {} {pesan}", self.tempat),
                );
                None
            }
        }
    }

    fn text(&self, ctx: &mut Ctx<'_>, key: &str, required: bool) -> Option<(String, Range<usize>)> {
        let found = self.field(ctx, key, required, as_text);
        if let Some((s, span)) = &found
            && required
            && s.trim().is_empty()
        {
            ctx.report(
                span.clone(),
                format!("`{key}` in {} is empty", self.place),
                format!("`{key}` di {} kosong", self.tempat),
            );
        }
        found
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// An optional number that must lie in `lo..=hi`.
    fn number(&self, ctx: &mut Ctx<'_>, key: &str, lo: f64, hi: f64) -> Option<f64> {
        let (n, span) = self.field(ctx, key, false, as_number)?;
        if !(lo..=hi).contains(&n) {
            let (range, rentang) = if hi.is_finite() {
                (
                    format!("between {lo} and {hi}"),
                    format!("antara {lo} dan {hi}"),
                )
            } else {
                (format!("{lo} or more"), format!("{lo} atau lebih"))
            };
            ctx.report(
                span,
                format!("`{key}` in {} must be {range}", self.place),
                format!("`{key}` di {} harus {rentang}", self.tempat),
            );
        }
        Some(n)
    }

    fn boolean(&self, ctx: &mut Ctx<'_>, key: &str, required: bool) -> Option<bool> {
        self.field(ctx, key, required, as_bool).map(|(b, _)| b)
    }

    /// A list of texts; wrong entries are reported one by one.
    fn text_list(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        required: bool,
    ) -> Option<(Vec<String>, Range<usize>)> {
        let (arr, span) = self.field(ctx, key, required, as_array)?;
        let mut out = Vec::new();
        for v in arr.iter() {
            match v.get_ref() {
                DeValue::String(s) => out.push(s.to_string()),
                _ => ctx.report(
                    v.span(),
                    format!(
                        "each entry of `{key}` in {} must be text in quotes",
                        self.place
                    ),
                    format!(
                        "setiap isi `{key}` di {} harus berupa teks di antara tanda kutip",
                        self.tempat
                    ),
                ),
            }
        }
        Some((out, span))
    }

    /// The entries of a list of tables, each wrapped as a [`Table`] named by `name(index, entry)`
    /// (English, then Bahasa Indonesia); `example` likewise.
    fn tables(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        example: (&str, &str),
        name: impl Fn(usize, &Table<'a, 'i>) -> (String, String),
    ) -> Option<(Vec<Table<'a, 'i>>, Range<usize>)> {
        let (example, contoh) = example;
        let (arr, span) = self.field(ctx, key, true, as_array)?;
        let mut out = Vec::new();
        for (i, v) in arr.iter().enumerate() {
            match v.get_ref() {
                DeValue::Table(map) => {
                    let mut t = Table {
                        map,
                        span: v.span(),
                        place: String::new(),
                        tempat: String::new(),
                    };
                    (t.place, t.tempat) = name(i, &t);
                    out.push(t);
                }
                _ => ctx.report(
                    v.span(),
                    format!(
                        "each entry of `{key}` in {} must look like {example}",
                        self.place
                    ),
                    format!(
                        "setiap isi `{key}` di {} harus ditulis seperti {contoh}",
                        self.tempat
                    ),
                ),
            }
        }
        Some((out, span))
    }
}

/// Why a value is wrong: English, then Bahasa Indonesia.
type Why = (&'static str, &'static str);

fn as_text(v: &DeValue<'_>) -> Result<String, Why> {
    match v {
        DeValue::String(s) => Ok(s.to_string()),
        _ => Err((
            "must be text in quotes",
            "harus berupa teks di antara tanda kutip",
        )),
    }
}

fn as_number(v: &DeValue<'_>) -> Result<f64, Why> {
    const MSG: Why = ("must be a number", "harus berupa angka");
    let n = match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| MSG)? as f64,
        DeValue::Float(f) => f.as_str().parse::<f64>().map_err(|_| MSG)?,
        _ => return Err(MSG),
    };
    if n.is_finite() { Ok(n) } else { Err(MSG) }
}

fn as_whole(v: &DeValue<'_>) -> Result<u32, Why> {
    const MSG: Why = (
        "must be a whole number, 0 or more",
        "harus bilangan bulat, 0 atau lebih",
    );
    match v {
        DeValue::Integer(i) => u32::from_str_radix(i.as_str(), i.radix()).map_err(|_| MSG),
        _ => Err(MSG),
    }
}

fn as_bool(v: &DeValue<'_>) -> Result<bool, Why> {
    match v {
        DeValue::Boolean(b) => Ok(*b),
        _ => Err((
            "must be true or false (without quotes)",
            "harus true atau false (tanpa tanda kutip)",
        )),
    }
}

fn as_array<'a, 'i>(v: &'a DeValue<'i>) -> Result<&'a DeArray<'i>, Why> {
    match v {
        DeValue::Array(a) => Ok(a),
        _ => Err((
            "must be a list in square brackets [ ... ]",
            "harus berupa daftar di dalam kurung siku [ ... ]",
        )),
    }
}

fn is_id(s: &str, allow_underscore: bool) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || b == b'-'
                || (allow_underscore && b == b'_')
        })
}

fn parse_top(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Option<Quiz> {
    const KEYS: &[&str] = &[
        "slug",
        "title",
        "pass_percent",
        "max_attempts",
        "time_limit_minutes",
        "shuffle_questions",
        "shuffle_options",
        "cooldown_minutes",
        "counts",
        "review",
        "draw",
        "questions",
    ];
    top.check_keys(ctx, KEYS, "");
    let slug = top.text(ctx, "slug", true);
    if let Some((s, span)) = &slug
        && !is_id(s, false)
    {
        ctx.report(
            span.clone(),
            "`slug` may only use a-z, 0-9 and '-' (at most 80 characters)",
            "`slug` hanya boleh memakai a-z, 0-9 dan '-' (paling banyak 80 karakter)",
        );
    }
    let title = top.text(ctx, "title", true);
    let pass_percent = top.number(ctx, "pass_percent", 0.0, 100.0).unwrap_or(70.0);
    let max_attempts = top
        .field(ctx, "max_attempts", false, as_whole)
        .map_or(0, |m| m.0);
    let time_limit = top.field(ctx, "time_limit_minutes", false, as_whole);
    if let Some((0, span)) = &time_limit {
        let msg = "`time_limit_minutes` must be at least 1 (leave it out for no time limit)";
        let pesan = "`time_limit_minutes` paling sedikit 1 (hapus saja pengaturan ini jika tidak ada batas waktu)";
        ctx.report(span.clone(), msg, pesan);
    }
    let shuffle_questions = top.boolean(ctx, "shuffle_questions", false).unwrap_or(true);
    let shuffle_options = top.boolean(ctx, "shuffle_options", false).unwrap_or(true);
    let cooldown = top.field(ctx, "cooldown_minutes", false, as_whole);
    if let Some((n, span)) = &cooldown
        && *n > MAX_COOLDOWN_MINUTES
    {
        ctx.report(
            span.clone(),
            format!("`cooldown_minutes` must be between 0 and {MAX_COOLDOWN_MINUTES} (one week)"),
            format!("`cooldown_minutes` harus antara 0 dan {MAX_COOLDOWN_MINUTES} (satu minggu)"),
        );
    }
    let counts = named(
        ctx,
        top,
        "counts",
        CountedAttempt::NAMES,
        CountedAttempt::from_name,
    );
    let review = named(
        ctx,
        top,
        "review",
        ReviewPolicy::NAMES,
        ReviewPolicy::from_name,
    );
    let draw_tables = parse_draw_tables(ctx, top);

    let example = ("a [[questions]] section", "bagian [[questions]]");
    let (tables, span) = top.tables(ctx, "questions", example, |i, t| match t.peek_text("id") {
        Some(id) => (format!("question `{id}`"), format!("soal `{id}`")),
        None => (format!("question {}", i + 1), format!("soal {}", i + 1)),
    })?;
    if tables.is_empty() {
        ctx.report(
            span,
            "the quiz has no questions",
            "kuis ini tidak berisi soal",
        );
    }
    let mut questions = Vec::new();
    let mut first_line: HashMap<&str, u32> = HashMap::new();
    for (i, t) in tables.iter().enumerate() {
        if i == MAX_QUESTIONS {
            too_many_questions(ctx, t.span.clone());
            break;
        }
        questions.extend(parse_question(ctx, t));
        if let (Some(id), Some(v)) = (t.peek_text("id"), t.get("id")) {
            let line = ctx.lines.line_col(v.span().start).0;
            match first_line.get(id) {
                Some(first) => ctx.report(
                    v.span(),
                    format!("question id `{id}` is used twice (first on line {first})"),
                    format!("id soal `{id}` dipakai dua kali (pertama di baris {first})"),
                ),
                None => _ = first_line.insert(id, line),
            }
        }
    }
    // A draw rule whose own fields were already reported is left out of the checks against the
    // questions: those would only repeat the problem.
    let complete: Vec<&DrawTable> = draw_tables.iter().filter(|d| d.complete).collect();
    let draws: Vec<Draw> = complete.iter().map(|d| d.draw.clone()).collect();
    for (i, field, message, pesan) in draw_problems(&draws, &questions) {
        if let Some(d) = complete.get(i) {
            let span = match field {
                DrawField::Group => d.group_span.clone(),
                DrawField::Count => d.count_span.clone(),
            };
            ctx.report(span, message, pesan);
        }
    }
    Some(Quiz {
        slug: slug?.0,
        title: title?.0,
        pass_percent,
        max_attempts,
        time_limit_minutes: time_limit.map(|t| t.0),
        shuffle_questions,
        shuffle_options,
        questions,
        draws,
        cooldown_minutes: cooldown.map_or(0, |c| c.0),
        counts: counts.unwrap_or_default(),
        review: review.unwrap_or_default(),
    })
}

/// Reported at the first question past [`MAX_QUESTIONS`]; the questions after it are not read.
fn too_many_questions(ctx: &mut Ctx<'_>, at: Range<usize>) {
    let (message, pesan) = too_many_questions_message();
    ctx.report(at, message, pesan);
}

/// The problem for a file with more than [`MAX_QUESTIONS`] questions, in English and in Bahasa
/// Indonesia; the same for every quiz format.
pub(crate) fn too_many_questions_message() -> (String, String) {
    (
        format!(
            "this file has more than {MAX_QUESTIONS} questions; a quiz file may hold at most {MAX_QUESTIONS}, so split the questions over several quizzes"
        ),
        format!(
            "berkas ini berisi lebih dari {MAX_QUESTIONS} soal; satu berkas kuis paling banyak berisi {MAX_QUESTIONS} soal, jadi bagi soal-soalnya ke beberapa kuis"
        ),
    )
}

/// An optional setting whose value is one of a few names, like `counts = "latest"`.
fn named<T>(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    key: &str,
    names: &[&str],
    from_name: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let (name, span) = t.field(ctx, key, false, as_text)?;
    let value = from_name(&name);
    if value.is_none() {
        let list = names.join(", ");
        ctx.report(
            span,
            format!("`{key}` must be one of: {list} (found \"{name}\")"),
            format!("`{key}` harus salah satu dari: {list} (isinya \"{name}\")"),
        );
    }
    value
}

/// One `[[draw]]` table as read, with where its fields are for later messages.
struct DrawTable {
    draw: Draw,
    group_span: Range<usize>,
    count_span: Range<usize>,
    /// Both fields were present and valid.
    complete: bool,
}

fn parse_draw_tables(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<DrawTable> {
    let Some((arr, _)) = top.field(ctx, "draw", false, as_array) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, v) in arr.iter().enumerate() {
        let DeValue::Table(map) = v.get_ref() else {
            ctx.report(
                v.span(),
                "each `draw` rule must be a [[draw]] section with `group` and `count`",
                "setiap aturan `draw` harus berupa bagian [[draw]] berisi `group` dan `count`",
            );
            continue;
        };
        let t = Table {
            map,
            span: v.span(),
            place: format!("draw rule {}", i + 1),
            tempat: format!("aturan draw {}", i + 1),
        };
        t.check_keys(ctx, &["group", "count"], "");
        let group = t.text(ctx, "group", true);
        let count = t.field(ctx, "count", true, as_whole);
        out.push(DrawTable {
            complete: group.is_some() && count.is_some(),
            group_span: group.as_ref().map_or(v.span(), |g| g.1.clone()),
            count_span: count.as_ref().map_or(v.span(), |c| c.1.clone()),
            draw: Draw {
                group: group.map(|g| g.0).unwrap_or_default(),
                count: count.map_or(0, |c| c.0 as usize),
            },
        });
    }
    out
}

fn parse_question(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<Question> {
    let id = t.text(ctx, "id", true);
    if let Some((s, span)) = &id
        && !is_id(s, true)
    {
        ctx.report(
            span.clone(),
            format!("question id `{s}` may only use a-z, 0-9, '_' and '-'"),
            format!("id soal `{s}` hanya boleh memakai a-z, 0-9, '_' dan '-'"),
        );
    }
    let kind = t.text(ctx, "kind", true);
    let points = t.number(ctx, "points", 0.0, f64::INFINITY).unwrap_or(1.0);
    let prompt = t.text(ctx, "prompt", true);
    let feedback = t.text(ctx, "feedback", false).map(|f| f.0);
    let group = t.text(ctx, "group", false);
    if let Some((g, span)) = &group
        && (g.trim().is_empty() || g.trim() != g || g.chars().count() > MAX_GROUP_CHARS)
    {
        ctx.report(
            span.clone(),
            format!(
                "`group` in {} must be a name of 1 to {MAX_GROUP_CHARS} characters without spaces around it",
                t.place
            ),
            format!(
                "`group` di {} harus berupa nama 1 sampai {MAX_GROUP_CHARS} karakter tanpa spasi di awal atau akhir",
                t.tempat
            ),
        );
    }

    let (kind, kind_span) = kind?;
    let extra: &[&str] = match kind.as_str() {
        "single_choice" | "multiple_choice" => &["options"],
        "true_false" => &["answer"],
        "short_answer" => &["answers", "case_sensitive"],
        "numerical" => &["answers", "other_feedback"],
        "matching" => &["pairs", "distractors"],
        "ordering" => &["items"],
        "essay" => &[],
        "description" => &[],
        other => {
            // Without a known kind we cannot tell which other keys belong, so stop here.
            ctx.report(
                kind_span,
                format!("unknown kind `{other}` in {}; use one of: {KINDS}", t.place),
                format!(
                    "jenis soal (kind) `{other}` di {} tidak dikenal; gunakan salah satu dari: {KINDS}",
                    t.tempat
                ),
            );
            return None;
        }
    };
    // A description is a text between questions: no points, no feedback, never drawn.
    let common: &[&str] = if kind == "description" {
        &["id", "kind", "prompt"]
    } else {
        &["id", "kind", "points", "prompt", "feedback", "group"]
    };
    let allowed: Vec<&str> = common.iter().chain(extra).copied().collect();
    t.check_keys(ctx, &allowed, &format!(" (kind = \"{kind}\")"));

    let parsed = match kind.as_str() {
        "single_choice" => parse_choice(ctx, t, true),
        "multiple_choice" => parse_choice(ctx, t, false),
        "true_false" => t
            .boolean(ctx, "answer", true)
            .map(|answer| QuestionKind::TrueFalse {
                answer,
                feedback_true: None,
                feedback_false: None,
            }),
        "short_answer" => parse_short_answer(ctx, t),
        "numerical" => parse_numerical(ctx, t),
        "matching" => parse_matching(ctx, t),
        "ordering" => {
            let (items, span) = t.text_list(ctx, "items", true)?;
            if items.len() < 2 {
                ctx.report(
                    span,
                    format!("{} needs at least 2 items", t.place),
                    format!("{} memerlukan paling sedikit 2 item", t.tempat),
                );
            }
            Some(QuestionKind::Ordering { items })
        }
        "description" => Some(QuestionKind::Description),
        _ => Some(QuestionKind::Essay),
    };
    let points = if kind == "description" { 0.0 } else { points };
    Some(Question {
        id: id?.0,
        kind: parsed?,
        points,
        prompt: prompt?.0,
        feedback,
        group: group.map(|g| g.0),
    })
}

fn parse_choice(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, single: bool) -> Option<QuestionKind> {
    let example = "{ id = \"a\", text = \"...\" }";
    let (tables, span) = t.tables(ctx, "options", (example, example), |i, o| {
        match o.peek_text("id") {
            Some(id) => (
                format!("option `{id}` of {}", t.place),
                format!("pilihan `{id}` pada {}", t.tempat),
            ),
            None => (
                format!("option {} of {}", i + 1, t.place),
                format!("pilihan {} pada {}", i + 1, t.tempat),
            ),
        }
    })?;
    let mut options = Vec::new();
    // Ids of the options kept so far: a set, as a question may list very many options.
    let mut ids: HashSet<String> = HashSet::new();
    for o in &tables {
        let weight_key = if single { "correct" } else { "weight" };
        o.check_keys(ctx, &["id", "text", "feedback", weight_key], "");
        let id = o.text(ctx, "id", true);
        if let Some((s, span)) = &id {
            if !is_id(s, true) {
                ctx.report(
                    span.clone(),
                    format!("option id `{s}` may only use a-z, 0-9, '_' and '-'"),
                    format!("id pilihan `{s}` hanya boleh memakai a-z, 0-9, '_' dan '-'"),
                );
            } else if ids.contains(s) {
                ctx.report(
                    span.clone(),
                    format!("option id `{s}` is used twice in {}", t.place),
                    format!("id pilihan `{s}` dipakai dua kali di {}", t.tempat),
                );
            }
        }
        let text = o.text(ctx, "text", true);
        let feedback = o.text(ctx, "feedback", false).map(|f| f.0);
        let weight = if single {
            if o.boolean(ctx, "correct", false).unwrap_or(false) {
                100.0
            } else {
                0.0
            }
        } else {
            o.number(ctx, "weight", -100.0, 100.0).unwrap_or(0.0)
        };
        if let (Some((id, _)), Some((text, _))) = (id, text) {
            ids.insert(id.clone());
            options.push(ChoiceOption {
                id,
                text,
                weight,
                feedback,
            });
        }
    }
    if tables.len() < 2 {
        let (what, apa) = if tables.is_empty() {
            ("has no options", "tidak punya pilihan")
        } else {
            (
                "needs at least 2 options",
                "memerlukan paling sedikit 2 pilihan",
            )
        };
        ctx.report(
            span.clone(),
            format!("{} {what}", t.place),
            format!("{} {apa}", t.tempat),
        );
    }
    if options.is_empty() {
        // Already reported above or per option; a count of 0 would only repeat it.
    } else if single {
        let correct = options.iter().filter(|o| o.weight > 0.0).count();
        if correct != 1 {
            let msg = format!(
                "{} must have exactly one option with `correct = true` (found {correct})",
                t.place
            );
            let pesan = format!(
                "{} harus punya tepat satu pilihan dengan `correct = true` (ada {correct})",
                t.tempat
            );
            ctx.report(span, msg, pesan);
        }
    } else {
        let sum: f64 = options.iter().map(|o| o.weight).filter(|w| *w > 0.0).sum();
        if (sum - 100.0).abs() > 0.01 {
            let msg = format!(
                "the positive weights in {} add up to {sum}; they must add up to 100",
                t.place
            );
            let pesan = format!(
                "jumlah bobot positif di {} adalah {sum}; jumlahnya harus 100",
                t.tempat
            );
            ctx.report(span, msg, pesan);
        }
    }
    Some(if single {
        QuestionKind::SingleChoice { options }
    } else {
        QuestionKind::MultipleChoice { options }
    })
}

/// `answers` are texts (worth 100) or tables `{ text, weight, feedback }`; one must be worth 100.
fn parse_short_answer(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<QuestionKind> {
    let case_sensitive = t.boolean(ctx, "case_sensitive", false).unwrap_or(false);
    let (arr, span) = t.field(ctx, "answers", true, as_array)?;
    let mut answers = Vec::new();
    let mut empty = arr.iter().next().is_none();
    for (i, v) in arr.iter().enumerate() {
        match v.get_ref() {
            DeValue::String(s) => {
                empty |= s.trim().is_empty();
                answers.push(TextAnswer::full(s.to_string()));
            }
            DeValue::Table(map) => {
                let a = Table {
                    map,
                    span: v.span(),
                    place: format!("answer {} of {}", i + 1, t.place),
                    tempat: format!("jawaban {} pada {}", i + 1, t.tempat),
                };
                a.check_keys(ctx, &["text", "weight", "feedback"], "");
                let weight = a.number(ctx, "weight", -100.0, 100.0).unwrap_or(100.0);
                let feedback = a.text(ctx, "feedback", false).map(|f| f.0);
                if let Some((text, _)) = a.text(ctx, "text", true) {
                    answers.push(TextAnswer {
                        text,
                        weight,
                        feedback,
                    });
                }
            }
            _ => ctx.report(
                v.span(),
                format!(
                    "each entry of `answers` in {} must be text in quotes or look like {{ text = \"...\", weight = 50 }}",
                    t.place
                ),
                format!(
                    "setiap isi `answers` di {} harus berupa teks di antara tanda kutip atau ditulis seperti {{ text = \"...\", weight = 50 }}",
                    t.tempat
                ),
            ),
        }
    }
    if empty {
        ctx.report(
            span,
            format!("the accepted `answers` of {} must not be empty", t.place),
            format!(
                "jawaban yang diterima (`answers`) pada {} tidak boleh kosong",
                t.tempat
            ),
        );
    } else if !answers.is_empty() && !answers.iter().any(|a| a.weight >= 100.0) {
        ctx.report(
            span,
            format!("{} needs at least one answer with weight 100", t.place),
            format!(
                "{} memerlukan paling sedikit satu jawaban dengan bobot 100",
                t.tempat
            ),
        );
    }
    Some(QuestionKind::ShortAnswer {
        answers,
        case_sensitive,
    })
}

fn parse_numerical(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<QuestionKind> {
    let example = (
        "{ value = 3.0 } or { min = 2.0, max = 4.0 }",
        "{ value = 3.0 } atau { min = 2.0, max = 4.0 }",
    );
    let (tables, span) = t.tables(ctx, "answers", example, |i, _| {
        (
            format!("answer {} of {}", i + 1, t.place),
            format!("jawaban {} pada {}", i + 1, t.tempat),
        )
    })?;
    let mut answers = Vec::new();
    for a in &tables {
        a.check_keys(
            ctx,
            &["value", "tolerance", "min", "max", "weight", "feedback"],
            "",
        );
        let feedback = a.text(ctx, "feedback", false).map(|f| f.0);
        let value = a.number(ctx, "value", f64::MIN, f64::MAX);
        let tolerance = a
            .number(ctx, "tolerance", 0.0, f64::INFINITY)
            .unwrap_or(0.0);
        let (min, max) = (
            a.number(ctx, "min", f64::MIN, f64::MAX),
            a.number(ctx, "max", f64::MIN, f64::MAX),
        );
        let weight = a.number(ctx, "weight", 0.0, 100.0).unwrap_or(100.0);
        let problem: Option<Why> = match (a.has("value"), a.has("min") || a.has("max")) {
            (true, true) => Some((
                "must use either `value` or `min`/`max`, not both",
                "harus memakai `value` atau `min`/`max`, tidak keduanya",
            )),
            (false, false) => Some((
                "needs a `value` or both `min` and `max`",
                "memerlukan `value`, atau `min` dan `max` sekaligus",
            )),
            (true, false) => None,
            (false, true) if !(a.has("min") && a.has("max")) => Some((
                "needs both `min` and `max`",
                "memerlukan `min` dan `max` sekaligus",
            )),
            (false, true) if a.has("tolerance") => Some((
                "uses `tolerance`, which only works with `value`",
                "memakai `tolerance`, yang hanya berlaku bersama `value`",
            )),
            (false, true) => min.zip(max).filter(|(lo, hi)| lo > hi).map(|_| {
                (
                    "has `min` larger than `max`",
                    "punya `min` yang lebih besar daripada `max`",
                )
            }),
        };
        if let Some((problem, masalah)) = problem {
            ctx.report(
                a.span.clone(),
                format!("{} {problem}", a.place),
                format!("{} {masalah}", a.tempat),
            );
        }
        let range = value
            .map(|v| (v - tolerance, v + tolerance))
            .or(min.zip(max));
        if let Some((min, max)) = range {
            answers.push(NumericAnswer {
                min,
                max,
                weight,
                feedback,
            });
        }
    }
    if tables.is_empty() {
        ctx.report(
            span,
            format!("{} has no answers", t.place),
            format!("{} tidak punya jawaban", t.tempat),
        );
    } else if !answers.is_empty() && !answers.iter().any(|a| a.weight >= 100.0) {
        ctx.report(
            span,
            format!("{} needs at least one answer with weight 100", t.place),
            format!(
                "{} memerlukan paling sedikit satu jawaban dengan bobot 100",
                t.tempat
            ),
        );
    }
    let other_feedback = t.text(ctx, "other_feedback", false).map(|f| f.0);
    Some(QuestionKind::Numerical {
        answers,
        other_feedback,
    })
}

fn parse_matching(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<QuestionKind> {
    let distractors = t
        .text_list(ctx, "distractors", false)
        .map(|d| d.0)
        .unwrap_or_default();
    let example = "{ left = \"...\", right = \"...\" }";
    let (tables, span) = t.tables(ctx, "pairs", (example, example), |i, _| {
        (
            format!("pair {} of {}", i + 1, t.place),
            format!("pasangan {} pada {}", i + 1, t.tempat),
        )
    })?;
    let mut pairs = Vec::new();
    for p in &tables {
        p.check_keys(ctx, &["left", "right"], "");
        if let (Some((left, _)), Some((right, _))) =
            (p.text(ctx, "left", true), p.text(ctx, "right", true))
        {
            pairs.push(MatchPair { left, right });
        }
    }
    if tables.len() < 2 {
        ctx.report(
            span,
            format!("{} needs at least 2 pairs", t.place),
            format!("{} memerlukan paling sedikit 2 pasangan", t.tempat),
        );
    }
    Some(QuestionKind::Matching { pairs, distractors })
}
