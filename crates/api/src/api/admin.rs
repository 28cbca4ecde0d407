//! Units, users, outside JP and certificate revocation: admins change, managers read within
//! their units. The rules are in `lentera_domain::admin`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{ApiAdmin, ApiManager};
use crate::error::{ApiResult, ErrorBody};
use crate::multipart::read_multipart;
use crate::state::AppState;
use lentera_domain::admin::{
    self, InstansiBody, InstansiView, JpBody, RevokeBody, UnitBody, UnitView, UserBody, UserPage,
    UserView,
};
use lentera_domain::org::{self, ImportReport};
use lentera_domain::policy::{self, Action, Resource};
use lentera_domain::reports::JpEntryView;
use lentera_domain::{Error, ErrorCode};

#[derive(Serialize, ToSchema)]
pub struct Units {
    pub units: Vec<UnitView>,
}

/// The units the caller sees (all for an admin, a manager's subtree), in tree order.
#[utoipa::path(get, path = "/api/v1/units", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, body = Units), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn units(state: web::Data<AppState>, user: ApiManager) -> ApiResult<web::Json<Units>> {
    Ok(web::Json(Units {
        units: admin::units(&state, &user.0).await?,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct UnitSaved {
    pub code: String,
    pub name: String,
}

/// Creates a unit (admins).
#[utoipa::path(post, path = "/api/v1/units", tag = "organisation", security(("bearer" = [])),
    request_body = UnitBody,
    responses((status = 201, body = UnitSaved), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_unit(
    state: web::Data<AppState>,
    user: ApiAdmin,
    body: web::Json<UnitBody>,
) -> ApiResult<HttpResponse> {
    let unit = admin::create_unit_as(&state, &user.0, &body).await?;
    Ok(HttpResponse::Created().json(UnitSaved {
        code: unit.code,
        name: unit.name,
    }))
}

/// An instansi's (a root unit's) certificate settings: signatory and predikat thresholds
/// (admins).
#[utoipa::path(get, path = "/api/v1/units/{code}/instansi", tag = "organisation", security(("bearer" = [])),
    params(("code" = String, Path, description = "The instansi's (root unit's) code")),
    responses((status = 200, body = InstansiView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn instansi(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
) -> ApiResult<web::Json<InstansiView>> {
    Ok(web::Json(admin::instansi_as(&state, &user.0, &path).await?))
}

/// Sets an instansi's signatory (or none) and predikat thresholds (or the default); the
/// certificates of its people print them (admins, audit-logged).
#[utoipa::path(put, path = "/api/v1/units/{code}/instansi", tag = "organisation", security(("bearer" = [])),
    params(("code" = String, Path, description = "The instansi's (root unit's) code")),
    request_body = InstansiBody,
    responses((status = 200, body = InstansiView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_instansi(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    body: web::Json<InstansiBody>,
) -> ApiResult<web::Json<InstansiView>> {
    Ok(web::Json(
        admin::set_instansi_as(&state, &user.0, &path, &body).await?,
    ))
}

/// Renames a unit or moves it (admins).
#[utoipa::path(put, path = "/api/v1/units/{code}", tag = "organisation", security(("bearer" = [])),
    params(("code" = String, Path, description = "The unit's code")), request_body = UnitBody,
    responses((status = 200, body = UnitSaved), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_unit(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    body: web::Json<UnitBody>,
) -> ApiResult<web::Json<UnitSaved>> {
    let unit = admin::update_unit_as(&state, &user.0, &path, &body).await?;
    Ok(web::Json(UnitSaved {
        code: unit.code,
        name: unit.name,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    /// A unit's code: it and the units below it.
    pub unit: Option<String>,
    /// A name, NIP or username to search for.
    pub q: Option<String>,
    /// 1-based; 50 people a page.
    pub page: Option<u64>,
}

/// The people in the caller's scope, a page at a time.
#[utoipa::path(get, path = "/api/v1/users", tag = "organisation", security(("bearer" = [])),
    params(UserQuery),
    responses((status = 200, body = UserPage), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn users(
    state: web::Data<AppState>,
    user: ApiManager,
    query: web::Query<UserQuery>,
) -> ApiResult<web::Json<UserPage>> {
    Ok(web::Json(
        admin::users(
            &state,
            &user.0,
            query.unit.as_deref(),
            query.q.as_deref(),
            query.page,
        )
        .await?,
    ))
}

/// A new user and the initial password, shown once.
#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    #[serde(flatten)]
    pub user: UserView,
    pub initial_password: String,
}

/// Creates a user with a random initial password (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "organisation", security(("bearer" = [])),
    request_body = UserBody,
    responses((status = 201, body = CreatedUser), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_user(
    state: web::Data<AppState>,
    user: ApiAdmin,
    body: web::Json<UserBody>,
) -> ApiResult<HttpResponse> {
    let (created, password) = admin::create_user_as(&state, &user.0, &body).await?;
    let scope = policy::scope(&state, &user.0).await?;
    Ok(HttpResponse::Created().json(CreatedUser {
        user: UserView::of(&scope, &created),
        initial_password: password,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct UserUpdated {
    pub username: String,
    pub updated: bool,
}

/// Changes a user's name, e-mail, unit, roles or whether they may sign in (admins).
#[utoipa::path(put, path = "/api/v1/users/{username}", tag = "organisation",
    security(("bearer" = [])), params(("username" = String, Path, description = "The user")),
    request_body = UserBody,
    responses((status = 200, body = UserUpdated), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_user(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    body: web::Json<UserBody>,
) -> ApiResult<web::Json<UserUpdated>> {
    admin::update_user_as(&state, &user.0, &path, &body).await?;
    Ok(web::Json(UserUpdated {
        username: path.into_inner(),
        updated: true,
    }))
}

/// A CSV of users, sent as a multipart form.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CsvUpload {
    /// `nip,name,email,unit_code,roles` (`,` or `;`), at most 2 MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LogoUpload {
    /// A PNG or JPEG, at most 512 KB and 4000×4000 pixels.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// An instansi's logo (admins): the PNG or JPEG its certificates print.
#[utoipa::path(get, path = "/api/v1/units/{code}/instansi/logo", tag = "organisation", security(("bearer" = [])),
    params(("code" = String, Path, description = "The instansi's (root unit's) code")),
    responses((status = 200, description = "The logo file (image/png or image/jpeg)", content_type = "image/png", body = Vec<u8>),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn instansi_logo(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (content_type, data) = admin::instansi_logo_as(&state, &user.0, &path).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, no-cache"))
        .body(data))
}

/// Sets an instansi's logo (admins, audit-logged): a PNG or JPEG of at most 512 KB and
/// 4000×4000 pixels, in a multipart field named `file`; refused with 422 `invalid_logo`
/// when it is not one.
#[utoipa::path(put, path = "/api/v1/units/{code}/instansi/logo", tag = "organisation", security(("bearer" = [])),
    params(("code" = String, Path, description = "The instansi's (root unit's) code")),
    request_body(content = LogoUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = InstansiView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_instansi_logo(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    form: actix_multipart::Multipart,
) -> ApiResult<web::Json<InstansiView>> {
    policy::authorize(&state, &user.0, Action::Administer, Resource::Instance).await?;
    let (_, file) = read_multipart(form, lentera_certificate::MAX_LOGO_BYTES, None).await?;
    let data = file.ok_or_else(|| {
        Error::new(
            ErrorCode::MissingFile,
            "Send the logo in a multipart field named `file`",
        )
    })?;
    Ok(web::Json(
        admin::set_instansi_logo_as(&state, &user.0, &path, Some(data)).await?,
    ))
}

/// Removes an instansi's logo (admins, audit-logged).
#[utoipa::path(delete, path = "/api/v1/units/{code}/instansi/logo", tag = "organisation", security(("bearer" = [])),
    params(("code" = String, Path, description = "The instansi's (root unit's) code")),
    responses((status = 200, body = InstansiView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn remove_instansi_logo(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    _: crate::extract::NoBody,
) -> ApiResult<web::Json<InstansiView>> {
    Ok(web::Json(
        admin::set_instansi_logo_as(&state, &user.0, &path, None).await?,
    ))
}

/// Imports users from CSV: every row checked, good rows created with an initial password,
/// bad rows listed by line and reason (admins).
#[utoipa::path(post, path = "/api/v1/users/import", tag = "organisation",
    security(("bearer" = [])),
    request_body(content = CsvUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReport), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_users(
    state: web::Data<AppState>,
    user: ApiAdmin,
    form: actix_multipart::Multipart,
) -> ApiResult<web::Json<ImportReport>> {
    policy::authorize(&state, &user.0, Action::Administer, Resource::Instance).await?;
    let (_, file) = read_multipart(form, org::MAX_CSV, None).await?;
    let bytes = file.ok_or_else(|| {
        Error::new(
            ErrorCode::MissingFile,
            "Send the CSV in a multipart field named `file`",
        )
    })?;
    Ok(web::Json(org::import_users(&state, &user.0, &bytes).await?))
}

/// Records JP a user earned outside Lentera (admins).
#[utoipa::path(post, path = "/api/v1/users/{username}/jp", tag = "organisation",
    security(("bearer" = [])), params(("username" = String, Path, description = "The user")),
    request_body = JpBody,
    responses((status = 201, body = JpEntryView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn add_jp(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    body: web::Json<JpBody>,
) -> ApiResult<HttpResponse> {
    let entry = admin::add_jp_as(&state, &user.0, &path, &body).await?;
    Ok(HttpResponse::Created().json(JpEntryView::of(&entry)))
}

#[derive(Serialize, ToSchema)]
pub struct Revoked {
    pub number: String,
    pub revoked: bool,
    pub revoked_at: Option<String>,
    pub revocation_reason: Option<String>,
}

/// Revokes a certificate (by code or number) with a reason (admins); the verification page
/// says so at once.
#[utoipa::path(post, path = "/api/v1/certificates/{code}/revoke", tag = "organisation",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The certificate's code or number")),
    request_body = RevokeBody,
    responses((status = 200, body = Revoked), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revoke(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    body: web::Json<RevokeBody>,
) -> ApiResult<web::Json<Revoked>> {
    let cert = admin::revoke_as(&state, &user.0, &path, &body.reason).await?;
    Ok(web::Json(Revoked {
        number: cert.number,
        revoked: true,
        revoked_at: cert.revoked_at.map(|d| d.to_rfc3339()),
        revocation_reason: cert.revocation_reason,
    }))
}
