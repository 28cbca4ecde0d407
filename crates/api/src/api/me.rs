//! The signed-in learner: profile, progress, certificates, JP ledger.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::respond;
use crate::state::AppState;
use lentera_domain::certificates::{self, CertificateView};
use lentera_domain::learning::{self, CourseProgress};
use lentera_domain::ledger::{self, JpYear, Ledger};
use lentera_domain::{Role, UserId};

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub nip: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    /// id or en.
    pub language: String,
    /// An admin reset the password: the user must choose their own first.
    pub must_change_password: bool,
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(user: ApiUser) -> web::Json<Me> {
    let u = user.0.user;
    web::Json(Me {
        id: u.id,
        username: u.username,
        name: u.name,
        nip: u.nip.map(|n| n.to_string()),
        email: u.email,
        roles: u.roles,
        language: u.language,
        must_change_password: u.must_change_password,
    })
}

#[derive(Serialize, ToSchema)]
pub struct Progress {
    pub courses: Vec<CourseProgress>,
    pub jp: JpYear,
}

/// Progress in every enrolled course, and the JP of this year against the target.
#[utoipa::path(get, path = "/api/v1/me/progress", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Progress), (status = 401, body = ErrorBody)))]
pub async fn progress(state: web::Data<AppState>, user: ApiUser) -> ApiResult<web::Json<Progress>> {
    let courses = learning::my_progress(&state, &user.0.user).await?;
    let jp = ledger::jp_this_year(&state, &user.0.user).await?;
    Ok(web::Json(Progress { courses, jp }))
}

#[derive(Serialize, ToSchema)]
pub struct Certificates {
    pub certificates: Vec<CertificateView>,
}

/// The caller's certificates.
#[utoipa::path(get, path = "/api/v1/me/certificates", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Certificates), (status = 401, body = ErrorBody)))]
pub async fn certificates(
    state: web::Data<AppState>,
    user: ApiUser,
) -> ApiResult<web::Json<Certificates>> {
    let certs = certificates::mine(&state, &user.0).await?;
    Ok(web::Json(Certificates {
        certificates: certs
            .iter()
            .map(|c| CertificateView::of(&state, c))
            .collect(),
    }))
}

/// All of the caller's certificates as PDFs in one zip.
#[utoipa::path(get, path = "/api/v1/me/certificates.zip", tag = "me", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>),
              (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn certificates_zip(
    state: web::Data<AppState>,
    user: ApiUser,
) -> ApiResult<HttpResponse> {
    let bytes = certificates::zip_mine(&state, &user.0).await?;
    Ok(respond::zip(bytes, "sertifikat-saya"))
}

#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// The calendar year (2000-2100); this year when left out.
    year: Option<i32>,
}

/// The caller's JP ledger for a year: certificates and JP recorded from outside.
#[utoipa::path(get, path = "/api/v1/me/jp", tag = "me", security(("bearer" = [])), params(YearQuery),
    responses((status = 200, body = Ledger), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn jp(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<YearQuery>,
) -> ApiResult<web::Json<Ledger>> {
    let year = ledger::check_year(q.year.unwrap_or_else(ledger::this_year))?;
    Ok(web::Json(ledger::ledger(&state, &user.0.user, year).await?))
}
