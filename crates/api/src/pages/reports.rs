//! The managers' report page (`/laporan`) and its downloads, scoped like the API.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde_json::json;

use super::page::{PageResult, signed_in};
use crate::auth::PageManager;
use crate::state::AppState;
use lentera_domain::policy;
use lentera_domain::reports::{self, CourseState, JP_TARGET};
use lentera_domain::{Jp, UnitId};
use lentera_domain::{catalog, certificates};

/// Rows per page: a unit of 50,000 people would be several megabytes on one page.
const ROWS_PER_PAGE: usize = 100;

struct Filters {
    year: i32,
    unit: Option<String>,
    short: bool,
    course: Option<String>,
    page: usize,
}

fn filters(q: &HashMap<String, String>) -> Filters {
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

/// The page, the caller's scope, the filters of the query and the units they select.
async fn scoped(
    state: &AppState,
    req: &HttpRequest,
    user: PageManager,
    q: &HashMap<String, String>,
) -> crate::error::ApiResult<(
    super::page::Page,
    lentera_domain::policy::Scope,
    Filters,
    Vec<UnitId>,
)> {
    let (page, me) = signed_in(req, user)?;
    let scope = policy::scope(state, &me).await?;
    let f = filters(q);
    let units = scope.filter(f.unit.as_deref())?;
    Ok((page, scope, f, units))
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, scope, f, units) = scoped(&state, &req, user, &q).await?;
    let all = reports::jp_lines(&state, &scope, &units, f.year, false).await?;
    let unit_lines = reports::unit_lines(&scope, &units, &all);
    let short_count = all.iter().filter(|l| l.short > Jp(0)).count();
    let lines: Vec<_> = all.iter().filter(|l| !f.short || l.short > Jp(0)).collect();
    let pages = lines.len().div_ceil(ROWS_PER_PAGE).max(1);
    let current = f.page.min(pages);
    let shown: Vec<_> = lines
        .iter()
        .skip((current - 1) * ROWS_PER_PAGE)
        .take(ROWS_PER_PAGE)
        .collect();
    let rates = reports::course_rates(&state, &units).await?;
    let course_list = catalog::published(&state).await?;
    let course_report = match &f.course {
        Some(slug) => {
            let lines = reports::course_lines(&state, &scope, &units, slug).await?;
            let count = |s: CourseState| lines.iter().filter(|l| l.state == s).count();
            let summary = json!({"completed": count(CourseState::Completed), "in_progress": count(CourseState::InProgress), "not_started": count(CourseState::NotStarted)});
            let rows: Vec<_> = lines.into_iter().take(ROWS_PER_PAGE * 5).collect();
            Some(json!({"slug": slug, "summary": summary, "rows": rows}))
        }
        None => None,
    };
    let lookup = match q.get("cari").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(term) => {
            let found = certificates::in_units(&state, &scope, &units, Some(term), None).await?;
            Some(
                json!({"term": term, "certificates": found.iter().map(|c| json!({
                "number": c.number, "code": c.code, "holder": c.holder_name, "nip": c.holder_nip,
                "course": c.course_title, "jp": c.jp, "issued": c.issued_at.format("%d-%m-%Y").to_string(),
                "revoked": c.revoked_at.is_some(),
            })).collect::<Vec<_>>()}),
            )
        }
        None => None,
    };
    let tree: Vec<_> = scope
        .tree()
        .into_iter()
        .map(|(d, u)| json!({"code": u.code, "name": u.name, "indent": "· ".repeat(d)}))
        .collect();
    let query = serde_urlencoded::to_string([
        ("tahun", f.year.to_string()),
        ("unit", f.unit.clone().unwrap_or_default()),
        ("kurang", if f.short { "1".into() } else { String::new() }),
        ("kursus", f.course.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    page.render(&state, "reports.html", StatusCode::OK, json!({
        "year": f.year, "unit": f.unit, "short": f.short, "course": f.course, "target": JP_TARGET,
        "tree": tree, "courses": course_list.iter().map(|c| json!({"slug": c.slug, "title": c.title})).collect::<Vec<_>>(),
        "people": all.len(), "short_count": short_count, "rows": shown, "page_no": current, "pages": pages,
        "units": unit_lines, "rates": rates, "course_report": course_report, "lookup": lookup, "query": query,
    }))
}

/// `/laporan/unduh?jenis=jp|kursus&format=csv|xlsx&...`: the same rows as the page.
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (_, scope, f, units) = scoped(&state, &req, user, &q).await?;
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
    let (_, scope, f, units) = scoped(&state, &req, user, &q).await?;
    let bytes = certificates::zip_units(&state, &scope, &units, Some(f.year)).await?;
    Ok(crate::respond::zip(
        bytes,
        &format!(
            "sertifikat-{}-{}",
            f.unit.as_deref().unwrap_or("semua"),
            f.year
        ),
    ))
}
