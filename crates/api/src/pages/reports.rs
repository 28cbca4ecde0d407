//! The managers' report page (`/laporan`) and its downloads, scoped like the API.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::Serialize;

use super::page::{Page, PageResult};
use crate::auth::PageManager;
use crate::state::AppState;
use lentera_domain::catalog::{self, CourseSummary};
use lentera_domain::certificates;
use lentera_domain::policy::Scope;
use lentera_domain::reports::{
    self, CourseLine, JP_TARGET, JpLine, RateLine, StateCounts, UnitLine,
};
use lentera_domain::{Jp, UnitId};

/// Rows per page: a unit of 50,000 people would be several megabytes on one page.
const ROWS_PER_PAGE: usize = 100;

#[derive(Serialize)]
struct Filters {
    year: i32,
    unit: Option<String>,
    short: bool,
    course: Option<String>,
    #[serde(skip)]
    page: usize,
}

impl Filters {
    fn of(q: &HashMap<String, String>) -> Filters {
        let get = |k: &str| {
            q.get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Filters {
            year: get("tahun")
                .and_then(|y| y.parse().ok())
                .filter(|y| (2000..=2100).contains(y))
                .unwrap_or_else(reports::this_year),
            unit: get("unit"),
            short: get("kurang").is_some(),
            course: get("kursus"),
            page: get("hal").and_then(|p| p.parse().ok()).unwrap_or(1).max(1),
        }
    }

    /// The filters as a query string, for the page's links and downloads.
    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("tahun", self.year.to_string()),
            ("unit", self.unit.clone().unwrap_or_default()),
            (
                "kurang",
                if self.short {
                    "1".into()
                } else {
                    String::new()
                },
            ),
            ("kursus", self.course.clone().unwrap_or_default()),
        ])
        .unwrap_or_default()
    }
}

#[derive(Serialize)]
struct ReportPage<'a> {
    #[serde(flatten)]
    filters: &'a Filters,
    target: Jp,
    tree: Vec<UnitOption>,
    courses: Vec<CourseSummary>,
    people: usize,
    short_count: usize,
    rows: Vec<&'a JpLine>,
    page_no: usize,
    pages: usize,
    units: Vec<UnitLine>,
    rates: Vec<RateLine>,
    course_report: Option<CourseReport>,
    lookup: Option<Lookup>,
    query: String,
}

#[derive(Serialize)]
struct UnitOption {
    code: String,
    name: String,
    indent: String,
}

#[derive(Serialize)]
struct CourseReport {
    slug: String,
    /// The course's title, which heads the report (the slug is for links).
    title: String,
    summary: StateCounts,
    rows: Vec<CourseLine>,
}

/// Certificates found by number or NIP.
#[derive(Serialize)]
struct Lookup {
    term: String,
    certificates: Vec<Found>,
}

#[derive(Serialize)]
struct Found {
    number: String,
    code: String,
    holder: String,
    nip: Option<String>,
    course: String,
    jp: Jp,
    issued: String,
    revoked: bool,
}

/// The page, the filters of the query and the units they select within the scope.
fn scoped(
    req: &HttpRequest,
    user: PageManager,
    q: &HashMap<String, String>,
) -> crate::error::ApiResult<(Page, Scope, Filters, Vec<UnitId>)> {
    let PageManager(me, scope) = user;
    let page = Page::new(req, Some(me))?;
    let f = Filters::of(q);
    let units = scope.filter(f.unit.as_deref())?;
    Ok((page, scope, f, units))
}

async fn course_report(
    state: &AppState,
    scope: &Scope,
    units: &[UnitId],
    slug: &str,
) -> crate::error::ApiResult<CourseReport> {
    let lines = reports::course_lines(state, scope, units, slug).await?;
    Ok(CourseReport {
        slug: slug.to_owned(),
        title: slug.to_owned(),
        summary: StateCounts::of(&lines),
        rows: lines.into_iter().take(ROWS_PER_PAGE * 5).collect(),
    })
}

async fn lookup(
    state: &AppState,
    scope: &Scope,
    units: &[UnitId],
    term: &str,
) -> crate::error::ApiResult<Lookup> {
    let found = certificates::in_units(state, scope, units, Some(term), None).await?;
    let certificates = found
        .into_iter()
        .map(|c| Found {
            issued: c.issued_at.format("%d-%m-%Y").to_string(),
            revoked: c.revoked_at.is_some(),
            nip: c.holder_nip.as_ref().map(|n| n.to_string()),
            number: c.number,
            code: c.code,
            holder: c.holder_name,
            course: c.course_title,
            jp: c.jp,
        })
        .collect();
    Ok(Lookup {
        term: term.to_owned(),
        certificates,
    })
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, scope, f, units) = scoped(&req, user, &q)?;
    let all = reports::jp_lines(&state, &scope, &units, f.year, false).await?;
    let course_report = match &f.course {
        Some(slug) => Some(course_report(&state, &scope, &units, slug).await?),
        None => None,
    };
    let lookup = match q.get("cari").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(term) => Some(lookup(&state, &scope, &units, term).await?),
        None => None,
    };
    let mut view = ReportPage::of(&f, &scope, &units, &all);
    view.courses = catalog::published(&state).await?;
    view.rates = reports::course_rates(&state, &units).await?;
    view.course_report = course_report.map(|r| r.titled(&view.courses));
    view.lookup = lookup;
    page.render(&state, "reports.html", StatusCode::OK, view)
}

impl CourseReport {
    /// Heads the report with the course's title, when the catalogue knows it.
    fn titled(mut self, courses: &[CourseSummary]) -> CourseReport {
        if let Some(c) = courses.iter().find(|c| c.slug == self.slug) {
            self.title = c.title.clone();
        }
        self
    }
}

impl<'a> ReportPage<'a> {
    /// The JP part of the report: people of the selected units, a page of them at a time.
    fn of(f: &'a Filters, scope: &Scope, units: &[UnitId], all: &'a [JpLine]) -> Self {
        let lines: Vec<&JpLine> = all.iter().filter(|l| !f.short || l.short > Jp(0)).collect();
        let pages = lines.len().div_ceil(ROWS_PER_PAGE).max(1);
        let current = f.page.min(pages);
        let tree = (scope.tree().into_iter())
            .map(|(d, u)| UnitOption {
                code: u.code.clone(),
                name: u.name.clone(),
                indent: "· ".repeat(d),
            })
            .collect();
        ReportPage {
            filters: f,
            target: JP_TARGET,
            tree,
            courses: Vec::new(),
            people: all.len(),
            short_count: all.iter().filter(|l| l.short > Jp(0)).count(),
            units: reports::unit_lines(scope, units, all),
            rates: Vec::new(),
            rows: (lines.into_iter())
                .skip((current - 1) * ROWS_PER_PAGE)
                .take(ROWS_PER_PAGE)
                .collect(),
            page_no: current,
            pages,
            course_report: None,
            lookup: None,
            query: f.query(),
        }
    }
}

/// `/laporan/unduh?jenis=jp|kursus&format=csv|csv-id|xlsx&...`: the same rows as the page.
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (_, scope, f, units) = scoped(&req, user, &q)?;
    let format = q.get("format").map_or("csv", String::as_str);
    match q.get("jenis").map(String::as_str) {
        Some("kursus") => {
            let slug = f.course.clone().unwrap_or_default();
            let lines = reports::course_lines(&state, &scope, &units, &slug).await?;
            let file = reports::export(reports::course_table(&lines), format).await?;
            Ok(crate::respond::file(file, &format!("kursus-{slug}")))
        }
        _ => {
            let lines = reports::jp_lines(&state, &scope, &units, f.year, f.short).await?;
            let file = reports::export(reports::jp_table(&lines), format).await?;
            Ok(crate::respond::file(file, &format!("jp-{}", f.year)))
        }
    }
}

/// `/laporan/sertifikat.zip?unit=&tahun=`: the units' certificates as PDFs.
pub async fn certificates_zip(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (_, scope, f, units) = scoped(&req, user, &q)?;
    let bytes = certificates::zip_units(&state, &scope, &units, Some(f.year)).await?;
    let name = format!(
        "sertifikat-{}-{}",
        f.unit.as_deref().unwrap_or("semua"),
        f.year
    );
    Ok(crate::respond::zip(bytes, &name))
}
