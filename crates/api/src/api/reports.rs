//! Managers' reports under `/api/v1/reports`, scoped to the caller's units.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::reports::{self, JP_TARGET};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct JpQuery {
    pub year: Option<i32>,
    pub unit: Option<String>,
    /// `1`/`true`: only those short of the 20 JP target.
    pub short: Option<String>,
    pub format: Option<String>,
}

fn flag(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true" | "ya"))
}

pub fn check_year(year: i32) -> AppResult<i32> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::bad_request("invalid_year", "year: 2000-2100"))
    }
}

pub async fn jp(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<JpQuery>,
) -> AppResult<HttpResponse> {
    let scope = policy::scope(&state, &user.0).await?;
    let units = scope.filter(q.unit.as_deref())?;
    let year = check_year(q.year.unwrap_or_else(reports::this_year))?;
    let lines = reports::jp_lines(&state, &scope, &units, year, flag(q.short.as_deref())).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let units_summary = reports::unit_lines(&scope, &units, &lines);
            Ok(HttpResponse::Ok().json(json!({
                "year": year, "target": JP_TARGET, "rows": lines, "units": units_summary,
            })))
        }
        format => {
            reports::file_response(reports::jp_table(&lines), format, &format!("jp-{year}")).await
        }
    }
}

#[derive(Deserialize)]
pub struct CompletionQuery {
    pub course: Option<String>,
    pub unit: Option<String>,
    pub format: Option<String>,
}

pub async fn completions(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<CompletionQuery>,
) -> AppResult<HttpResponse> {
    let scope = policy::scope(&state, &user.0).await?;
    let units = scope.filter(q.unit.as_deref())?;
    let Some(course) = q.course.as_deref().filter(|c| !c.is_empty()) else {
        // Without a course: completion rates per course.
        let rates = reports::course_rates(&state, &units).await?;
        return Ok(HttpResponse::Ok().json(json!({"courses": rates})));
    };
    let lines = reports::course_lines(&state, &scope, &units, course).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let count = |s: &str| lines.iter().filter(|l| l.state == s).count();
            Ok(HttpResponse::Ok().json(json!({
                "course": course, "rows": lines,
                "summary": {"completed": count("completed"), "in_progress": count("in_progress"), "not_started": count("not_started")},
            })))
        }
        format => {
            reports::file_response(
                reports::course_table(&lines),
                format,
                &format!("kursus-{course}"),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct CertQuery {
    pub q: Option<String>,
    pub unit: Option<String>,
}

/// Certificates of people in scope by NIP or number.
pub async fn certificates(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<CertQuery>,
) -> AppResult<HttpResponse> {
    let scope = policy::scope(&state, &user.0).await?;
    let units = scope.filter(q.unit.as_deref())?;
    let query =
        q.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                AppError::bad_request("missing_query", "q: a NIP or a certificate number")
            })?;
    let found =
        lentera_store::reports::certificates_in(&state.db, &units, Some(query), None).await?;
    let out: Vec<_> = found
        .iter()
        .map(|c| {
            let mut v = crate::journey::certificate_json(&state, c);
            v["holder_name"] = json!(c.holder_name);
            v["holder_nip"] = json!(c.holder_nip);
            v["revocation_reason"] = json!(c.revocation_reason);
            v
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"certificates": out})))
}

#[derive(Deserialize)]
pub struct ZipQuery {
    pub unit: Option<String>,
    pub year: Option<i32>,
}

/// The certificates of a unit (with its sub-units) as PDFs in one zip.
pub async fn certificates_zip(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<ZipQuery>,
) -> AppResult<HttpResponse> {
    let scope = policy::scope(&state, &user.0).await?;
    let units = scope.filter(q.unit.as_deref())?;
    let year = q.year.map(check_year).transpose()?;
    let certs = lentera_store::reports::certificates_in(&state.db, &units, None, year).await?;
    let bytes = crate::verify::zip_of(
        &state,
        &certs,
        crate::verify::Nip::Full(scope.full_certificates()),
    )
    .await?;
    let name = format!(
        "sertifikat-{}{}",
        q.unit.as_deref().unwrap_or("semua"),
        year.map(|y| format!("-{y}")).unwrap_or_default()
    );
    Ok(crate::verify::zip_response(bytes, &name))
}
