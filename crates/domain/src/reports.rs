//! Managers' reports: JP against the yearly 20, course states and completion rates, each
//! as JSON rows and as CSV or XLSX files with the same rows.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::Lentera;
use crate::error::{Error, ErrorCode, Result};
use crate::org::Scope;
use crate::{CourseId, Jp, Nip, UnitId};
use lentera_store::{courses, reports};

pub use crate::ledger::JP_TARGET;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JpLine {
    pub username: String,
    pub nip: Option<String>,
    pub name: String,
    pub unit: String,
    pub unit_name: String,
    pub jp: Jp,
    pub jp_courses: Jp,
    pub jp_outside: Jp,
    pub target: Jp,
    pub short: Jp,
    pub certificates: i64,
    pub courses_completed: i64,
    pub courses_in_progress: i64,
    pub courses_not_started: i64,
}

/// JP per person in `year` for the units (already scoped), optionally only those short of
/// the target.
pub async fn jp_lines(
    state: &Lentera,
    scope: &Scope,
    units: &[UnitId],
    year: i32,
    only_short: bool,
) -> Result<Vec<JpLine>> {
    let rows = reports::jp_report(&state.reports_db, units, year).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let unit = r.unit_id.and_then(|id| scope.unit(id));
            let jp = r.jp();
            JpLine {
                username: r.username,
                nip: r.nip.as_ref().map(Nip::to_string),
                name: r.name,
                unit: unit.map(|u| u.code.clone()).unwrap_or_default(),
                unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
                jp,
                jp_courses: r.course_jp,
                jp_outside: r.external_jp,
                target: JP_TARGET,
                short: jp.short_of(JP_TARGET),
                certificates: r.certificates,
                courses_completed: r.completed,
                // Enrolled and started but not completed; enrolled and nothing done yet.
                courses_in_progress: (r.started.min(r.enrolled) - r.completed).max(0),
                courses_not_started: (r.enrolled - r.started).max(0),
            }
        })
        .filter(|l| !only_short || l.short > Jp(0))
        .collect())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CourseLine {
    pub username: String,
    pub nip: Option<String>,
    pub name: String,
    pub unit: String,
    pub state: CourseState,
    pub enrolled_at: Option<String>,
    pub lessons_done: i64,
    pub last_activity: Option<String>,
    pub completed_at: Option<String>,
}

/// How many people of a course report are at each state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StateCounts {
    pub completed: usize,
    pub in_progress: usize,
    pub not_started: usize,
}

impl StateCounts {
    pub fn of(lines: &[CourseLine]) -> StateCounts {
        let count = |s: CourseState| lines.iter().filter(|l| l.state == s).count();
        StateCounts {
            completed: count(CourseState::Completed),
            in_progress: count(CourseState::InProgress),
            not_started: count(CourseState::NotStarted),
        }
    }
}

/// Where a person stands in a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CourseState {
    NotStarted,
    InProgress,
    Completed,
}

impl CourseState {
    pub fn as_str(self) -> &'static str {
        match self {
            CourseState::NotStarted => "not_started",
            CourseState::InProgress => "in_progress",
            CourseState::Completed => "completed",
        }
    }
}

fn day(d: Option<DateTime<Utc>>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Everyone in the units with their state in one course.
pub async fn course_lines(
    state: &Lentera,
    scope: &Scope,
    units: &[UnitId],
    course_slug: &str,
) -> Result<Vec<CourseLine>> {
    let head = courses::find_course(&state.db, course_slug)
        .await?
        .ok_or_else(|| {
            Error::new(
                ErrorCode::CourseNotFound,
                format!("No course '{course_slug}'"),
            )
        })?;
    let rows = reports::course_states(&state.reports_db, units, head.0).await?;
    Ok(rows
        .into_iter()
        .map(|r| CourseLine {
            unit: r
                .unit_id
                .and_then(|id| scope.unit(id))
                .map(|u| u.code.clone())
                .unwrap_or_default(),
            state: if r.completed_at.is_some() {
                CourseState::Completed
            } else if r.enrolled_at.is_some() {
                CourseState::InProgress
            } else {
                CourseState::NotStarted
            },
            username: r.username,
            nip: r.nip.as_ref().map(Nip::to_string),
            name: r.name,
            enrolled_at: day(r.enrolled_at),
            lessons_done: r.lessons_done,
            last_activity: day(r.last_activity),
            completed_at: day(r.completed_at),
        })
        .collect())
}

/// Completion per course among the people of the units who enrolled.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RateLine {
    pub course: String,
    pub title: String,
    pub enrolled: i64,
    pub completed: i64,
    pub percent: i64,
}

pub async fn course_rates(state: &Lentera, units: &[UnitId]) -> Result<Vec<RateLine>> {
    let rates = reports::completion_rates(&state.reports_db, units).await?;
    let ids: Vec<CourseId> = rates.iter().map(|r| r.0).collect();
    let heads = courses::by_ids(&state.db, &ids).await?;
    let mut out: Vec<RateLine> = rates
        .into_iter()
        .filter_map(|(id, enrolled, completed)| {
            let h = heads.iter().find(|h| h.id == id)?;
            Some(RateLine {
                course: h.slug.clone(),
                title: h.title.clone(),
                enrolled,
                completed,
                percent: if enrolled > 0 {
                    completed * 100 / enrolled
                } else {
                    0
                },
            })
        })
        .collect();
    out.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(out)
}

/// Per unit (each unit on its own, not its subtree): people, how many reached 20 JP, and
/// certificates this year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitLine {
    pub unit: String,
    pub name: String,
    pub depth: usize,
    pub people: i64,
    pub reached_target: i64,
    pub percent: i64,
    pub certificates: i64,
    pub enrolments: i64,
    pub completions: i64,
    pub completion_percent: i64,
}

pub fn unit_lines(scope: &Scope, units: &[UnitId], jp: &[JpLine]) -> Vec<UnitLine> {
    scope
        .tree()
        .into_iter()
        .filter(|(_, u)| units.contains(&u.id))
        .map(|(depth, u)| {
            let mine: Vec<&JpLine> = jp.iter().filter(|l| l.unit == u.code).collect();
            let people = mine.len() as i64;
            let reached = mine.iter().filter(|l| l.short == Jp(0)).count() as i64;
            let completions: i64 = mine.iter().map(|l| l.courses_completed).sum();
            let enrolments: i64 = mine
                .iter()
                .map(|l| l.courses_completed + l.courses_in_progress + l.courses_not_started)
                .sum();
            UnitLine {
                enrolments,
                completions,
                completion_percent: if enrolments > 0 {
                    completions * 100 / enrolments
                } else {
                    0
                },
                unit: u.code.clone(),
                name: u.name.clone(),
                depth,
                people,
                reached_target: reached,
                percent: if people > 0 {
                    reached * 100 / people
                } else {
                    0
                },
                certificates: mine.iter().map(|l| l.certificates).sum(),
            }
        })
        .collect()
}

pub use crate::ledger::this_year;

/// A table for export: header and rows of cells.
pub struct Table {
    pub name: &'static str,
    /// The plain CSV's and the XLSX's header (stable names for programs).
    pub header: Vec<&'static str>,
    /// The header of the Indonesian Excel CSV, as a person reads it.
    pub labels: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

pub enum Cell {
    Text(String),
    Number(i64),
    /// A day, or nothing.
    Date(Option<NaiveDate>),
    /// Where a person stands in a course.
    State(CourseState),
}

impl Cell {
    /// A `YYYY-MM-DD` day as a date cell (anything else is empty).
    fn day(d: &Option<String>) -> Cell {
        Cell::Date(
            d.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        )
    }
}

impl From<Jp> for Cell {
    fn from(jp: Jp) -> Self {
        Cell::Number(i64::from(jp.0))
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        Cell::Text(s.unwrap_or_default())
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n)
    }
}

pub fn jp_table(lines: &[JpLine]) -> Table {
    Table {
        name: "JP",
        header: vec![
            "nip",
            "nama",
            "unit",
            "nama_unit",
            "jp",
            "jp_kursus",
            "jp_luar",
            "target",
            "kurang",
            "sertifikat",
            "kursus_selesai",
            "kursus_berjalan",
            "kursus_belum_mulai",
        ],
        labels: vec![
            "NIP",
            "Nama",
            "Kode unit",
            "Nama unit",
            "JP",
            "JP dari kursus",
            "JP dari luar",
            "Target JP",
            "Kekurangan JP",
            "Sertifikat",
            "Kursus selesai",
            "Kursus berjalan",
            "Kursus belum dimulai",
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    l.nip.clone().into(),
                    l.name.clone().into(),
                    l.unit.clone().into(),
                    l.unit_name.clone().into(),
                    l.jp.into(),
                    l.jp_courses.into(),
                    l.jp_outside.into(),
                    l.target.into(),
                    l.short.into(),
                    l.certificates.into(),
                    l.courses_completed.into(),
                    l.courses_in_progress.into(),
                    l.courses_not_started.into(),
                ]
            })
            .collect(),
    }
}

pub fn course_table(lines: &[CourseLine]) -> Table {
    Table {
        name: "Kursus",
        header: vec![
            "nip",
            "nama",
            "unit",
            "status",
            "mendaftar",
            "materi_selesai",
            "aktivitas_terakhir",
            "selesai",
        ],
        labels: vec![
            "NIP",
            "Nama",
            "Unit",
            "Status",
            "Tanggal mendaftar",
            "Materi selesai",
            "Aktivitas terakhir",
            "Tanggal selesai",
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    l.nip.clone().into(),
                    l.name.clone().into(),
                    l.unit.clone().into(),
                    Cell::State(l.state),
                    Cell::day(&l.enrolled_at),
                    l.lessons_done.into(),
                    Cell::day(&l.last_activity),
                    Cell::day(&l.completed_at),
                ]
            })
            .collect(),
    }
}

/// Text a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe
/// (CSV injection).
fn inert(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// CSV with a header row, for programs: `,`, no BOM, dates `YYYY-MM-DD`, states as their
/// API names (`not_started`).
pub fn to_csv(table: &Table) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&table.header).map_err(Error::internal)?;
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => inert(s),
                Cell::Number(n) => n.to_string(),
                Cell::Date(d) => d
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                Cell::State(s) => s.as_str().to_owned(),
            })
            .collect();
        w.write_record(&cells).map_err(Error::internal)?;
    }
    w.into_inner().map_err(Error::internal)
}

/// The state as an Indonesian reader says it.
pub fn state_id(state: CourseState) -> &'static str {
    match state {
        CourseState::NotStarted => "belum mulai",
        CourseState::InProgress => "sedang belajar",
        CourseState::Completed => "selesai",
    }
}

/// CSV as Excel opens it on an Indonesian computer: `;` between cells, a UTF-8 byte order
/// mark (so names keep their letters), an Indonesian header and values ("belum mulai"),
/// dates as `DD/MM/YYYY` (the exported tables hold whole numbers only).
pub fn to_csv_id(table: &Table) -> Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    w.write_record(&table.labels).map_err(Error::internal)?;
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => inert(s),
                Cell::Number(n) => n.to_string(),
                Cell::Date(d) => d
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
                Cell::State(s) => state_id(*s).to_owned(),
            })
            .collect();
        w.write_record(&cells).map_err(Error::internal)?;
    }
    out.extend(w.into_inner().map_err(Error::internal)?);
    Ok(out)
}

/// One worksheet with a bold header; numbers are numbers and days are dates (shown
/// `DD/MM/YYYY`), so a spreadsheet sums and sorts them. Text is written as text, so nothing
/// in it runs as a formula.
pub fn to_xlsx(table: &Table) -> Result<Vec<u8>> {
    use chrono::Datelike;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(table.name).map_err(Error::internal)?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in table.header.iter().enumerate() {
        let c = u16::try_from(c).map_err(Error::internal)?;
        sheet
            .write_string_with_format(0, c, *h, &bold)
            .map_err(Error::internal)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(Error::internal)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(Error::internal)?;
            match cell {
                Cell::Text(s) => sheet.write_string(r, c, s),
                // Counts of people and JP: far below 2^53, exact as f64.
                Cell::Number(n) => sheet.write_number(r, c, *n as f64),
                Cell::Date(None) => continue,
                Cell::Date(Some(d)) => {
                    let day = ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).map_err(Error::internal)?,
                        u8::try_from(d.month()).map_err(Error::internal)?,
                        u8::try_from(d.day()).map_err(Error::internal)?,
                    )
                    .map_err(Error::internal)?;
                    sheet.write_date_with_format(r, c, &day, &date)
                }
                Cell::State(s) => sheet.write_string(r, c, s.as_str()),
            }
            .map_err(Error::internal)?;
        }
    }
    book.save_to_buffer().map_err(Error::internal)
}

/// Writes a table as the bytes of a file.
type Writer = fn(&Table) -> Result<Vec<u8>>;

/// A file of a table: its bytes, content type and extension.
pub struct File {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
}

/// `table` as a CSV or XLSX file (`format`), written in the heavy pool (a unit of 50,000
/// people is a few megabytes of XLSX).
pub async fn export(table: Table, format: &str) -> Result<File> {
    let (content_type, extension, write): (_, _, Writer) = match format {
        "csv" => ("text/csv; charset=utf-8", "csv", to_csv),
        "csv-id" => ("text/csv; charset=utf-8", "csv", to_csv_id),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            to_xlsx,
        ),
        other => {
            return Err(Error::new(
                ErrorCode::InvalidFormat,
                format!("Unknown format '{other}': use json, csv, csv-id or xlsx"),
            ));
        }
    };
    let bytes =
        crate::heavy::work(std::time::Duration::from_secs(60), move || write(&table)).await??;
    Ok(File {
        bytes,
        content_type,
        extension,
    })
}

/// JP earned outside Lentera, as recorded by an admin.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JpEntryView {
    pub id: i32,
    pub year: i32,
    pub jp: Jp,
    pub title: String,
    /// pelatihan_klasikal, seminar, workshop, kursus_daring or lainnya.
    pub kind: String,
    /// The number of the certificate or letter that shows it.
    pub document_ref: String,
    /// YYYY-MM-DD.
    pub held_on: String,
}

impl JpEntryView {
    pub fn of(e: &lentera_store::reports::JpEntry) -> JpEntryView {
        JpEntryView {
            id: e.id,
            year: e.year,
            jp: e.jp,
            title: e.title.clone(),
            kind: e.kind.clone(),
            document_ref: e.document_ref.clone(),
            held_on: e.held_on.to_string(),
        }
    }
}

/// Per-question quiz statistics as CSV: one row per question, option counts in one cell.
pub fn statistics_csv(stats: &lentera_assessment::QuizStatistics) -> Result<Vec<u8>> {
    let fmt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    let table = Table {
        name: "Statistik",
        labels: Vec::new(),
        header: vec![
            "soal",
            "jenis",
            "teks",
            "poin",
            "ditampilkan",
            "dijawab",
            "indeks_kemudahan",
            "simpangan_baku",
            "indeks_daya_beda",
            "pilihan",
        ],
        rows: stats
            .questions
            .iter()
            .map(|q| {
                let options = q
                    .options
                    .iter()
                    .flatten()
                    .map(|o| {
                        format!(
                            "{} ({}%): {}",
                            crate::text::plain_text(&o.text),
                            o.weight,
                            o.count
                        )
                    })
                    .chain(
                        q.top_responses
                            .iter()
                            .flatten()
                            .map(|r| format!("\"{}\": {}", r.response, r.count)),
                    )
                    .collect::<Vec<_>>()
                    .join(" | ");
                vec![
                    Cell::Text(q.id.clone()),
                    Cell::Text(q.kind.as_str().to_owned()),
                    Cell::Text(crate::text::plain_text(&q.prompt_html)),
                    Cell::Text(format!("{}", q.points)),
                    Cell::Number(q.shown as i64),
                    Cell::Number(q.answered as i64),
                    Cell::Text(fmt(q.facility_index)),
                    Cell::Text(fmt(q.standard_deviation)),
                    Cell::Text(fmt(q.discrimination_index)),
                    Cell::Text(options),
                ]
            })
            .collect(),
    };
    to_csv(&table)
}
