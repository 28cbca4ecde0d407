//! Managers' reports under `/api/v1/reports`, scoped to the caller's units: the JSON rows,
//! or the same rows as CSV or XLSX.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiManager;
use crate::error::{ApiResult, ErrorBody};
use crate::respond;
use crate::state::AppState;
use lentera_domain::Jp;
use lentera_domain::certificates::{self, CertificateView};
use lentera_domain::ledger::check_year;
use lentera_domain::reports::{
    self, CourseLine, JP_TARGET, JpLine, RateLine, StateCounts, UnitLine,
};
use lentera_domain::{Error, ErrorCode};

#[derive(Deserialize, IntoParams)]
pub struct JpQuery {
    /// 2000-2100; this year when left out.
    pub year: Option<i32>,
    /// A unit's code: it and the units below it.
    pub unit: Option<String>,
    /// `1`/`true`: only those short of the 20 JP target.
    pub short: Option<String>,
    /// json (the default), csv, csv-id (the Indonesian Excel form: `;`, BOM, Indonesian
    /// header and values, DD/MM/YYYY dates) or xlsx (real numbers and dates).
    pub format: Option<String>,
}

fn flag(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true" | "ya"))
}

#[derive(Serialize, ToSchema)]
pub struct JpReport {
    pub year: i32,
    pub target: Jp,
    pub rows: Vec<JpLine>,
    pub units: Vec<UnitLine>,
}

/// JP per person against the yearly target, and per unit.
#[utoipa::path(get, path = "/api/v1/reports/jp", tag = "reports", security(("bearer" = [])),
    params(JpQuery),
    responses((status = 200, body = JpReport, description = "Or the rows as CSV/XLSX"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn jp(
    state: web::Data<AppState>,
    user: ApiManager,
    q: web::Query<JpQuery>,
) -> ApiResult<HttpResponse> {
    let ApiManager(_, scope) = user;
    let units = scope.filter(q.unit.as_deref())?;
    let year = check_year(q.year.unwrap_or_else(reports::this_year))?;
    let lines = reports::jp_lines(&state, &scope, &units, year, flag(q.short.as_deref())).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(HttpResponse::Ok().json(JpReport {
            year,
            target: JP_TARGET,
            units: reports::unit_lines(&scope, &units, &lines),
            rows: lines,
        })),
        format => {
            let file = reports::export(reports::jp_table(&lines), format).await?;
            Ok(respond::file(file, &format!("jp-{year}")))
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct CompletionQuery {
    /// A course's slug: each person's state in it; without, completion per course.
    pub course: Option<String>,
    pub unit: Option<String>,
    /// json (the default), csv, csv-id (the Indonesian Excel form: `;`, BOM, Indonesian
    /// header and values, DD/MM/YYYY dates) or xlsx (real numbers and dates).
    pub format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CourseRates {
    pub courses: Vec<RateLine>,
}

#[derive(Serialize, ToSchema)]
pub struct CourseReport {
    pub course: String,
    pub rows: Vec<CourseLine>,
    pub summary: StateCounts,
}

/// Completion per course, or each person's state in one course.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum Completions {
    /// Without `course`: completion per course.
    Rates(CourseRates),
    /// With `course`: each person's state in it.
    Course(CourseReport),
}

/// Completion per course, or (with `course`) each person's state in one course.
#[utoipa::path(get, path = "/api/v1/reports/completions", tag = "reports",
    security(("bearer" = [])), params(CompletionQuery),
    responses((status = 200, body = Completions, description = "Or the rows as CSV/XLSX"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn completions(
    state: web::Data<AppState>,
    user: ApiManager,
    q: web::Query<CompletionQuery>,
) -> ApiResult<HttpResponse> {
    let ApiManager(_, scope) = user;
    let units = scope.filter(q.unit.as_deref())?;
    let Some(course) = q.course.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(HttpResponse::Ok().json(Completions::Rates(CourseRates {
            courses: reports::course_rates(&state, &units).await?,
        })));
    };
    let lines = reports::course_lines(&state, &scope, &units, course).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(HttpResponse::Ok().json(Completions::Course(CourseReport {
            course: course.to_owned(),
            summary: StateCounts::of(&lines),
            rows: lines,
        }))),
        format => {
            let file = reports::export(reports::course_table(&lines), format).await?;
            Ok(respond::file(file, &format!("kursus-{course}")))
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct CertQuery {
    /// A NIP or a certificate number.
    pub q: Option<String>,
    pub unit: Option<String>,
}

/// A certificate of a person in the caller's scope, with the holder.
#[derive(Serialize, ToSchema)]
pub struct HeldCertificate {
    #[serde(flatten)]
    pub certificate: CertificateView,
    pub holder_name: String,
    pub holder_nip: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FoundCertificates {
    pub certificates: Vec<HeldCertificate>,
}

/// Certificates of people in the caller's scope, by NIP or number.
#[utoipa::path(get, path = "/api/v1/reports/certificates", tag = "reports",
    security(("bearer" = [])), params(CertQuery),
    responses((status = 200, body = FoundCertificates), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn certificates(
    state: web::Data<AppState>,
    user: ApiManager,
    q: web::Query<CertQuery>,
) -> ApiResult<web::Json<FoundCertificates>> {
    let ApiManager(_, scope) = user;
    let units = scope.filter(q.unit.as_deref())?;
    let query = q
        .q
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::new(ErrorCode::MissingQuery, "q: a NIP or a certificate number"))?;
    let found = certificates::in_units(&state, &scope, &units, Some(query), None).await?;
    Ok(web::Json(FoundCertificates {
        certificates: found
            .iter()
            .map(|c| HeldCertificate {
                certificate: CertificateView::of(&state, c),
                holder_name: c.holder_name.clone(),
                holder_nip: c.holder_nip.as_ref().map(|n| n.to_string()),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ZipQuery {
    pub unit: Option<String>,
    pub year: Option<i32>,
}

/// The certificates of a unit (with its sub-units) as PDFs in one zip.
#[utoipa::path(get, path = "/api/v1/reports/certificates.zip", tag = "reports",
    security(("bearer" = [])), params(ZipQuery),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn certificates_zip(
    state: web::Data<AppState>,
    user: ApiManager,
    q: web::Query<ZipQuery>,
) -> ApiResult<HttpResponse> {
    let ApiManager(_, scope) = user;
    let units = scope.filter(q.unit.as_deref())?;
    let year = q.year.map(check_year).transpose()?;
    let bytes = certificates::zip_units(&state, &scope, &units, year).await?;
    let name = format!(
        "sertifikat-{}{}",
        q.unit.as_deref().unwrap_or("semua"),
        year.map(|y| format!("-{y}")).unwrap_or_default()
    );
    Ok(respond::zip(bytes, &name))
}
