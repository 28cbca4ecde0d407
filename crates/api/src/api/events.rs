//! Partner institutions and events (seminars, workshops, classroom training, internships):
//! creating them, registering, attendance, check-in and the calendar file. The rules are in
//! `lentera_domain::events` and `lentera_domain::partners`.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{ApiAdmin, ApiManager, ApiUser, MaybeUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::NoBody;
use crate::respond;
use crate::state::AppState;
use lentera_domain::ErrorCode;
use lentera_domain::events::{
    self, AttendanceBody, AttendanceView, CheckInBody, EventBody, EventView, Id, ManageView,
    RegistrationView,
};
use lentera_domain::partners::{self, PartnerBody, PartnerView};

#[derive(Serialize, ToSchema)]
pub struct Partners {
    pub partners: Vec<PartnerView>,
}

impl Partners {
    fn of(partners: Vec<PartnerView>) -> Partners {
        Partners { partners }
    }
}

/// Records a partner institution (admins, audit-logged).
#[utoipa::path(post, path = "/api/v1/partners", tag = "events", security(("bearer" = [])),
    request_body = PartnerBody,
    responses((status = 201, body = PartnerView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_partner(
    state: web::Data<AppState>,
    user: ApiAdmin,
    body: web::Json<PartnerBody>,
) -> ApiResult<HttpResponse> {
    let partner = partners::create(&state, &user.0, &body).await?;
    Ok(HttpResponse::Created().json(partner))
}

/// The partner institutions, by name.
#[utoipa::path(get, path = "/api/v1/partners", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = Partners), (status = 401, body = ErrorBody)))]
pub async fn partners(
    state: web::Data<AppState>,
    _user: ApiUser,
) -> ApiResult<web::Json<Partners>> {
    Ok(web::Json(Partners::of(partners::list(&state).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct Events {
    pub events: Vec<EventView>,
}

impl Events {
    fn of(events: Vec<EventView>) -> Events {
        Events { events }
    }
}

/// Creates an event: admins for any audience (or none: open to all), managers for one of
/// their units (another unit is "not found"). Audit-logged.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", security(("bearer" = [])),
    request_body = EventBody,
    responses((status = 201, body = EventView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiManager,
    body: web::Json<EventBody>,
) -> ApiResult<HttpResponse> {
    let event = events::create(&state, &user.0, &body).await?;
    Ok(HttpResponse::Created().json(event))
}

/// The events the caller may see: upcoming ones first (soonest first), then recent past ones.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = Events), (status = 401, body = ErrorBody)))]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> ApiResult<web::Json<Events>> {
    Ok(web::Json(Events::of(events::list(&state, &user.0).await?)))
}

/// One event, with the caller's place at it.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = i32, Path, description = "The event")),
    responses((status = 200, body = EventView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<Id>,
) -> ApiResult<web::Json<EventView>> {
    Ok(web::Json(
        events::show(&state, &user.0, path.into_inner()).await?,
    ))
}

/// The event as an iCalendar file (bearer token or the page session).
#[utoipa::path(get, path = "/api/v1/events/{id}.ics", tag = "events", security(("bearer" = [])),
    params(("id" = i32, Path, description = "The event")),
    responses((status = 200, content_type = "text/calendar", body = String),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn calendar(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let me = user.0.ok_or_else(|| {
        ApiError::new(
            ErrorCode::Unauthenticated,
            "Sign in: Authorization: Bearer TOKEN",
        )
    })?;
    let id = path.into_inner();
    let text = events::calendar(&state, &me, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(respond::disposition(false, &format!("acara-{id}.ics")))
        .body(text))
}

/// Registers the caller: a seat while there is one, else the waitlist with its position.
#[utoipa::path(post, path = "/api/v1/events/{id}/registration", tag = "events",
    security(("bearer" = [])), params(("id" = i32, Path, description = "The event")),
    responses((status = 201, body = RegistrationView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn register(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<Id>,
    _: NoBody,
) -> ApiResult<HttpResponse> {
    let place = events::register(&state, &user.0, path.into_inner()).await?;
    Ok(HttpResponse::Created().json(place))
}

/// Cancels the caller's registration; the first on the waitlist takes a freed seat.
#[utoipa::path(delete, path = "/api/v1/events/{id}/registration", tag = "events",
    security(("bearer" = [])), params(("id" = i32, Path, description = "The event")),
    responses((status = 200, body = RegistrationView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<Id>,
    _: NoBody,
) -> ApiResult<web::Json<RegistrationView>> {
    Ok(web::Json(
        events::cancel(&state, &user.0, path.into_inner()).await?,
    ))
}

/// The organisers' view: the check-in code, who registered and who waits.
#[utoipa::path(get, path = "/api/v1/events/{id}/registrations", tag = "events",
    security(("bearer" = [])), params(("id" = i32, Path, description = "The event")),
    responses((status = 200, body = ManageView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn registrations(
    state: web::Data<AppState>,
    user: ApiManager,
    path: web::Path<Id>,
) -> ApiResult<web::Json<ManageView>> {
    Ok(web::Json(
        events::manage(&state, &user.0, path.into_inner()).await?,
    ))
}

/// Records the organiser's attendance list (NIPs): JP and a certificate of attendance each.
#[utoipa::path(post, path = "/api/v1/events/{id}/attendance", tag = "events",
    security(("bearer" = [])), params(("id" = i32, Path, description = "The event")),
    request_body = AttendanceBody,
    responses((status = 200, body = AttendanceView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn attendance(
    state: web::Data<AppState>,
    user: ApiManager,
    path: web::Path<Id>,
    body: web::Json<AttendanceBody>,
) -> ApiResult<web::Json<AttendanceView>> {
    Ok(web::Json(
        events::attendance(&state, &user.0, path.into_inner(), &body).await?,
    ))
}

/// Checks the caller in with the code shown at the venue (from 30 minutes before the start
/// to the end).
#[utoipa::path(post, path = "/api/v1/events/{id}/check-in", tag = "events",
    security(("bearer" = [])), params(("id" = i32, Path, description = "The event")),
    request_body = CheckInBody,
    responses((status = 200, body = RegistrationView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn check_in(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<Id>,
    body: web::Json<CheckInBody>,
) -> ApiResult<web::Json<RegistrationView>> {
    Ok(web::Json(
        events::check_in(&state, &user.0, path.into_inner(), &body).await?,
    ))
}
