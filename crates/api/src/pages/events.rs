//! Event pages: the events open to the visitor (`/acara`), an event with its registration,
//! cancellation and check-in forms, the organisers' page (registrations, waitlist, check-in
//! code, the attendance form) and the admins' partner institutions. Every action goes
//! through `lentera_domain::events`/`partners`, as the API does.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::Serialize;

use super::forms::{check_csrf_field, form_field};
use super::page::{Page, PageResult, signed_in};
use crate::auth::{PageAdmin, PageManager, PageUser};
use crate::error::{ApiError, status_of};
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::events::{
    self, AttendanceBody, CheckInBody, EventBody, EventView, Id, ManageView,
};
use lentera_domain::partners::{self, PartnerBody, PartnerView};
use lentera_domain::policy::Scope;
use lentera_domain::sessions::CurrentUser;
use lentera_domain::{Error, Kind};

type Form = web::Form<Vec<(String, String)>>;

fn field(fields: &[(String, String)], name: &str) -> String {
    form_field(fields, name).unwrap_or("").trim().to_owned()
}

/// A refused form's message in the visitor's language, at its field (`_` for the form).
fn refusal(state: &AppState, page: &Page, e: &Error) -> HashMap<String, String> {
    let key = format!("error.{}", e.code);
    let text = page.t(&state.locales, &key);
    let message = if text == key {
        e.message.as_str()
    } else {
        text
    };
    let field = e.field.clone().unwrap_or_else(|| "_".to_owned());
    HashMap::from([(field, message.to_owned())])
}

/// Whether a refusal is shown on the page (bad input or the state of things), rather than
/// as the error page (not signed in, not allowed, not found).
fn on_page(e: &Error) -> bool {
    matches!(
        e.kind(),
        Kind::BadRequest | Kind::Unprocessable | Kind::Conflict | Kind::TooManyRequests
    )
}

#[derive(Serialize)]
struct ListPage {
    events: Vec<EventView>,
}

/// `/acara`: the events open to the visitor, upcoming first.
pub async fn list(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let events = events::list(&state, &me).await?;
    page.render(&state, "events.html", StatusCode::OK, ListPage { events })
}

#[derive(Serialize, Default)]
struct ShowPage {
    event: Option<EventView>,
    /// What the last action did (`registered`, `cancelled`, `attended`).
    notice: Option<String>,
    errors: HashMap<String, String>,
    code: String,
}

async fn render_show(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    id: Id,
    mut view: ShowPage,
    status: StatusCode,
) -> PageResult {
    view.event = Some(events::show(state, me, id).await?);
    page.render(state, "events_show.html", status, view)
}

/// `/acara/{id}`: the event, the visitor's place, what they may do.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<Id>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let notice = q
        .get("ok")
        .filter(|n| ["registered", "cancelled", "attended"].contains(&n.as_str()))
        .cloned();
    let view = ShowPage {
        notice,
        ..ShowPage::default()
    };
    render_show(&state, &page, &me, path.into_inner(), view, StatusCode::OK).await
}

/// What a form on the event page did: back to the page with a notice, or the page again
/// with the refusal at its field.
async fn after(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    id: Id,
    done: Result<&str, Error>,
    code: String,
) -> PageResult {
    match done {
        Ok(notice) => Ok(redirect(&format!("/acara/{id}?ok={notice}"))),
        Err(e) if on_page(&e) => {
            let view = ShowPage {
                errors: refusal(state, page, &e),
                code,
                ..ShowPage::default()
            };
            render_show(state, page, me, id, view, status_of(e.code)).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

/// `POST /acara/{id}/daftar`: registers (or joins the waitlist).
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<Id>,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let (page, me) = signed_in(&req, user)?;
    let id = path.into_inner();
    let done = events::register(&state, &me, id)
        .await
        .map(|_| "registered");
    after(&state, &page, &me, id, done, String::new()).await
}

/// `POST /acara/{id}/batal`: cancels the registration.
pub async fn cancel(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<Id>,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let (page, me) = signed_in(&req, user)?;
    let id = path.into_inner();
    let done = events::cancel(&state, &me, id).await.map(|_| "cancelled");
    after(&state, &page, &me, id, done, String::new()).await
}

/// `POST /acara/{id}/presensi`: checks in with the code shown at the venue.
pub async fn check_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<Id>,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let (page, me) = signed_in(&req, user)?;
    let id = path.into_inner();
    let code = field(&form, "code");
    let body = CheckInBody { code: code.clone() };
    let done = events::check_in(&state, &me, id, &body)
        .await
        .map(|_| "attended");
    after(&state, &page, &me, id, done, code).await
}

#[derive(Serialize)]
struct ManagePage {
    manage: ManageView,
    notice: Option<String>,
    errors: HashMap<String, String>,
    users: String,
}

/// `/acara/{id}/kelola`: registrations, the waitlist, the check-in code, attendance.
pub async fn manage(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    path: web::Path<Id>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, PageUser(Some(user.0)))?;
    let manage = events::manage(&state, &me, path.into_inner()).await?;
    let notice = q.get("ok").filter(|n| n.parse::<u32>().is_ok()).cloned();
    let view = ManagePage {
        manage,
        notice,
        errors: HashMap::new(),
        users: String::new(),
    };
    page.render(&state, "events_manage.html", StatusCode::OK, view)
}

/// `POST /acara/{id}/kelola`: the organiser's attendance list (NIPs, one a line).
pub async fn attendance(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    path: web::Path<Id>,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let (page, me) = signed_in(&req, PageUser(Some(user.0)))?;
    let id = path.into_inner();
    let typed = field(&form, "users");
    let body = AttendanceBody {
        users: typed
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    match events::attendance(&state, &me, id, &body).await {
        Ok(done) => Ok(redirect(&format!(
            "/acara/{id}/kelola?ok={}",
            done.recorded
        ))),
        Err(e) if on_page(&e) || e.kind() == Kind::NotFound && e.field.is_some() => {
            let view = ManagePage {
                manage: events::manage(&state, &me, id).await?,
                notice: None,
                errors: refusal(&state, &page, &e),
                users: typed,
            };
            page.render(&state, "events_manage.html", status_of(e.code), view)
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

#[derive(Serialize)]
struct PartnersPage {
    task: &'static str,
    partners: Vec<PartnerView>,
    kinds: [&'static str; 4],
    notice: Option<String>,
    errors: HashMap<String, String>,
    typed: HashMap<String, String>,
}

async fn render_partners(
    state: &AppState,
    page: &Page,
    notice: Option<String>,
    errors: HashMap<String, String>,
    typed: HashMap<String, String>,
    status: StatusCode,
) -> PageResult {
    let view = PartnersPage {
        task: "partners",
        partners: partners::list(state).await?,
        kinds: partners::KINDS,
        notice,
        errors,
        typed,
    };
    page.render(state, "events_partners.html", status, view)
}

/// `/admin/mitra`: the partner institutions, and a form to add one.
pub async fn partners_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, _) = signed_in(&req, user)?;
    let notice = q.get("ok").cloned();
    let none = HashMap::new();
    render_partners(&state, &page, notice, none.clone(), none, StatusCode::OK).await
}

/// `POST /admin/mitra`: adds a partner institution.
pub async fn create_partner(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let (page, me) = signed_in(&req, user)?;
    let body = PartnerBody {
        code: field(&form, "code"),
        name: field(&form, "name"),
        kind: field(&form, "kind"),
    };
    match partners::create(&state, &me, &body).await {
        Ok(p) => Ok(redirect(&format!("/admin/mitra?ok={}", p.code))),
        Err(e) if on_page(&e) => {
            let typed = HashMap::from([
                ("code".to_owned(), body.code),
                ("name".to_owned(), body.name),
                ("kind".to_owned(), body.kind),
            ]);
            let errors = refusal(&state, &page, &e);
            render_partners(&state, &page, None, errors, typed, status_of(e.code)).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

/// The fields of the new-event form, in the order the page shows them.
const EVENT_FIELDS: [&str; 12] = [
    "title",
    "kind",
    "timezone",
    "start",
    "end",
    "place",
    "online_url",
    "capacity",
    "jp",
    "organiser",
    "audience",
    "description",
];

#[derive(Serialize)]
struct NewPage {
    units: Vec<(String, String)>,
    partners: Vec<PartnerView>,
    kinds: [&'static str; 4],
    fields: [&'static str; 12],
    admin: bool,
    errors: HashMap<String, String>,
    typed: HashMap<String, String>,
}

async fn render_new(
    state: &AppState,
    page: &Page,
    scope: &Scope,
    errors: HashMap<String, String>,
    typed: HashMap<String, String>,
    status: StatusCode,
) -> PageResult {
    let view = NewPage {
        units: events::audience_units(scope),
        partners: partners::list(state).await?,
        kinds: events::KINDS,
        fields: EVENT_FIELDS,
        admin: scope.is_admin(),
        errors,
        typed,
    };
    page.render(state, "events_new.html", status, view)
}

/// `/acara/baru`: the form that creates an event (managers for their units, admins).
pub async fn new_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
) -> PageResult {
    let PageManager(me, scope) = user;
    let (page, _) = signed_in(&req, PageUser(Some(me)))?;
    let typed = HashMap::from([
        ("capacity".to_owned(), "30".to_owned()),
        ("jp".to_owned(), "2".to_owned()),
    ]);
    render_new(&state, &page, &scope, HashMap::new(), typed, StatusCode::OK).await
}

/// A time typed into a `datetime-local` field, in the event's time zone, as RFC 3339.
fn local_time_field(fields: &[(String, String)], name: &str, offset: &str) -> String {
    let value = field(fields, name);
    match value.len() {
        0 => value,
        16 => format!("{value}:00{offset}"),
        _ => format!("{value}{offset}"),
    }
}

fn event_body(fields: &[(String, String)]) -> EventBody {
    let timezone = field(fields, "timezone");
    let offset = match timezone.as_str() {
        "WITA" => "+08:00",
        "WIT" => "+09:00",
        _ => "+07:00",
    };
    let optional = |name: &str| Some(field(fields, name)).filter(|v| !v.is_empty());
    EventBody {
        title: field(fields, "title"),
        kind: field(fields, "kind"),
        start: local_time_field(fields, "start", offset),
        end: local_time_field(fields, "end", offset),
        timezone,
        place: optional("place"),
        online_url: optional("online_url"),
        capacity: field(fields, "capacity").parse().unwrap_or(0),
        jp: field(fields, "jp").parse().unwrap_or(-1),
        organiser: field(fields, "organiser"),
        audience: optional("audience"),
        description: form_field(fields, "description").unwrap_or("").to_owned(),
    }
}

/// `POST /acara/baru`: creates the event and opens its page, or shows the form again with
/// the refusal at its field and everything typed kept.
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let PageManager(me, scope) = user;
    let (page, me) = signed_in(&req, PageUser(Some(me)))?;
    match events::create(&state, &me, &event_body(&form)).await {
        Ok(event) => Ok(redirect(&format!("/acara/{}", event.id))),
        Err(e) if on_page(&e) || e.kind() == Kind::NotFound && e.field.is_some() => {
            let typed = form
                .iter()
                .filter(|(k, _)| k != "csrf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let errors = refusal(&state, &page, &e);
            render_new(&state, &page, &scope, errors, typed, status_of(e.code)).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}
