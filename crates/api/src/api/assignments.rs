//! Assignments under `/api/v1/assignments` (managers within their units, admins) and the
//! learner's own under `/api/v1/me/assignments`. The rules are in
//! `lentera_domain::assignments`.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{ApiManager, ApiUser};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::NoBody;
use crate::state::AppState;
use lentera_domain::AssignmentId;
use lentera_domain::assignments::{
    self, AssignmentBody, AssignmentDetail, AssignmentReport, AssignmentView, MyAssignment,
};
use lentera_domain::reminders::{self, Preferences};
use lentera_domain::reports;

/// Assigns a course (or a learning path) with a due date to a unit with its sub-units or to
/// named people (a manager within their units, an admin); audit-logged and mailed.
#[utoipa::path(post, path = "/api/v1/assignments", tag = "assignments", security(("bearer" = [])),
    request_body = AssignmentBody,
    responses((status = 201, body = AssignmentView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiManager,
    body: web::Json<AssignmentBody>,
) -> ApiResult<HttpResponse> {
    let ApiManager(me, scope) = user;
    let view = assignments::create(&state, &me, &scope, &body).await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Serialize, ToSchema)]
pub struct Assignments {
    pub assignments: Vec<AssignmentView>,
}

/// The assignments the caller made (an admin: all), newest first, at most 200.
#[utoipa::path(get, path = "/api/v1/assignments", tag = "assignments", security(("bearer" = [])),
    responses((status = 200, body = Assignments), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiManager,
) -> ApiResult<web::Json<Assignments>> {
    let ApiManager(me, scope) = user;
    Ok(web::Json(Assignments {
        assignments: assignments::list(&state, &me, &scope).await?,
    }))
}

/// One assignment with each person's state and the last reminder they got.
#[utoipa::path(get, path = "/api/v1/assignments/{id}", tag = "assignments", security(("bearer" = [])),
    params(("id" = i32, Path, description = "The assignment's id")),
    responses((status = 200, body = AssignmentDetail), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiManager,
    path: web::Path<AssignmentId>,
) -> ApiResult<web::Json<AssignmentDetail>> {
    let ApiManager(me, scope) = user;
    Ok(web::Json(
        assignments::detail(&state, &me, &scope, path.into_inner()).await?,
    ))
}

/// Withdraws an assignment (its maker, a manager whose units it covers, an admin);
/// audit-logged.
#[utoipa::path(delete, path = "/api/v1/assignments/{id}", tag = "assignments", security(("bearer" = [])),
    params(("id" = i32, Path, description = "The assignment's id")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: ApiManager,
    path: web::Path<AssignmentId>,
    _: NoBody,
) -> ApiResult<HttpResponse> {
    let ApiManager(me, scope) = user;
    assignments::withdraw(&state, &me, &scope, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct MyAssignments {
    pub assignments: Vec<MyAssignment>,
}

/// What the signed-in person must learn, soonest due first, with their state in each.
#[utoipa::path(get, path = "/api/v1/me/assignments", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = MyAssignments), (status = 401, body = ErrorBody)))]
pub async fn mine(
    state: web::Data<AppState>,
    user: ApiUser,
) -> ApiResult<web::Json<MyAssignments>> {
    Ok(web::Json(MyAssignments {
        assignments: assignments::mine(&state, &user.0.user).await?,
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// A unit's code: it and the units below it.
    pub unit: Option<String>,
    /// json (the default), csv, csv-id (the Indonesian Excel form: `;`, BOM, Indonesian
    /// header and values, DD/MM/YYYY dates) or xlsx (real numbers and dates).
    pub format: Option<String>,
}

/// Each person of the units in each assignment that concerns them (state, completion, the
/// last reminder), with counts per unit (overdue among them).
#[utoipa::path(get, path = "/api/v1/reports/assignments", tag = "reports", security(("bearer" = [])),
    params(ReportQuery),
    responses((status = 200, body = AssignmentReport, description = "Or the rows as CSV/XLSX"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    state: web::Data<AppState>,
    user: ApiManager,
    q: web::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let ApiManager(_, scope) = user;
    let units = scope.filter(q.unit.as_deref())?;
    let report = assignments::report(&state, &scope, &units).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(HttpResponse::Ok().json(report)),
        format => {
            let table = assignments::table(&report.rows, format);
            let file = reports::export(table, format).await?;
            Ok(crate::respond::file(file, "penugasan"))
        }
    }
}

/// Turns the signed-in person's reminder e-mails on or off (on unless turned off). Mails
/// about a graded essay or a password reset are not reminders and still go out.
#[utoipa::path(put, path = "/api/v1/me/preferences", tag = "me", security(("bearer" = [])),
    request_body = Preferences,
    responses((status = 200, body = Preferences), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn preferences(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<Preferences>,
) -> ApiResult<web::Json<Preferences>> {
    Ok(web::Json(
        reminders::set_preferences(&state, &user.0.user, &body).await?,
    ))
}
