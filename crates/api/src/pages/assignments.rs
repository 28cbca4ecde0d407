//! The managers' assignment page (`/laporan/penugasan`): assign a course to a unit or to
//! named people, withdraw an assignment, and the assignment report with its downloads;
//! scoped like the API (`lentera_domain::assignments`); and `/akun/pengingat`, where anyone
//! turns reminder e-mails off or on.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::forms::{check_csrf_field, form_field};
use super::page::{Page, PageResult, signed_in};
use crate::auth::{PageManager, PageUser};
use crate::error::ApiError;
use crate::state::AppState;
use lentera_domain::assignments::{
    self, AssignmentBody, AssignmentLine, AssignmentUnitLine, AssignmentView,
};
use lentera_domain::catalog::CourseSummary;
use lentera_domain::policy::Scope;
use lentera_domain::reminders::{self, Preferences};
use lentera_domain::{AssignmentId, Error, Kind, reports};

/// Report rows shown on the page (the downloads hold them all).
const ROWS_ON_PAGE: usize = 200;

type Form = web::Form<Vec<(String, String)>>;

#[derive(Serialize)]
struct UnitOption {
    code: String,
    name: String,
    indent: String,
}

#[derive(Serialize, Default)]
struct Refused {
    errors: HashMap<String, String>,
    typed: HashMap<String, String>,
}

#[derive(Serialize)]
struct AssignmentsPage {
    unit: Option<String>,
    tree: Vec<UnitOption>,
    courses: Vec<CourseSummary>,
    assignments: Vec<AssignmentView>,
    units: Vec<AssignmentUnitLine>,
    rows: Vec<AssignmentLine>,
    total_rows: usize,
    truncated: bool,
    notice: Option<String>,
    refused: Refused,
    min_due: String,
}

impl AssignmentsPage {
    fn of(
        scope: &Scope,
        unit: Option<String>,
        overview: assignments::Overview,
        notice: Option<String>,
        refused: Refused,
    ) -> Self {
        let report = overview.report;
        AssignmentsPage {
            unit,
            tree: scope
                .tree()
                .into_iter()
                .map(|(d, u)| UnitOption {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    indent: "· ".repeat(d),
                })
                .collect(),
            courses: overview.courses,
            assignments: overview.assignments,
            units: report.units,
            total_rows: report.rows.len(),
            truncated: report.truncated,
            rows: report.rows.into_iter().take(ROWS_ON_PAGE).collect(),
            notice,
            refused,
            min_due: assignments::today().to_string(),
        }
    }
}

fn unit_of(q: &HashMap<String, String>) -> Option<String> {
    q.get("unit")
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
}

/// What the page shows beside its data: the selected unit, a notice, a refused form.
struct Shown {
    unit: Option<String>,
    notice: Option<String>,
    refused: Refused,
}

async fn render(
    state: &AppState,
    page: &Page,
    me: &lentera_domain::sessions::CurrentUser,
    scope: &Scope,
    shown: Shown,
    status: StatusCode,
) -> PageResult {
    let Shown {
        unit,
        notice,
        refused,
    } = shown;
    let units = scope.filter(unit.as_deref())?;
    let overview = assignments::overview(state, me, scope, &units).await?;
    let view = AssignmentsPage::of(scope, unit, overview, notice, refused);
    page.render(state, "assignments.html", status, view)
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let PageManager(me, scope) = user;
    let page = Page::new(&req, Some(me.clone()))?;
    let shown = Shown {
        unit: unit_of(&q),
        notice: q
            .get("ok")
            .cloned()
            .filter(|n| n == "dibuat" || n == "ditarik"),
        refused: Refused::default(),
    };
    render(&state, &page, &me, &scope, shown, StatusCode::OK).await
}

/// The form's fields as the API's body: NIPs separated by spaces, commas or lines.
fn body_of(fields: &[(String, String)]) -> AssignmentBody {
    let get = |k: &str| {
        form_field(fields, k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let users: Vec<String> = get("users")
        .unwrap_or_default()
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    AssignmentBody {
        course: get("course"),
        path: None,
        unit: get("unit").filter(|_| users.is_empty()),
        users: (!users.is_empty()).then_some(users),
        due: get("due").unwrap_or_default(),
        note: get("note"),
    }
}

/// The message next to the refused field, in the page's language.
fn refusal(state: &AppState, page: &Page, e: &Error, fields: &[(String, String)]) -> Refused {
    let field = e.field.clone().unwrap_or_else(|| "_".to_owned());
    let key = format!("assignment.field_{field}");
    let text = page.t(&state.locales, &key);
    let message = if page.lang == crate::i18n::Lang::En || text == key {
        let code = format!("error.{}", e.code);
        let translated = page.t(&state.locales, &code);
        if page.lang == crate::i18n::Lang::En || translated == code {
            e.message.clone()
        } else {
            translated.to_owned()
        }
    } else {
        text.to_owned()
    };
    Refused {
        errors: HashMap::from([(field, message)]),
        typed: fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let PageManager(me, scope) = user;
    let page = Page::new(&req, Some(me.clone()))?;
    match assignments::create(&state, &me, &scope, &body_of(&fields)).await {
        Ok(_) => Ok(crate::respond::redirect("/laporan/penugasan?ok=dibuat")),
        Err(e) if matches!(e.code.kind(), Kind::NotFound | Kind::Unprocessable) => {
            let shown = Shown {
                unit: None,
                notice: None,
                refused: refusal(&state, &page, &e, &fields),
            };
            let status = crate::error::status_of(e.code);
            render(&state, &page, &me, &scope, shown, status).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

pub async fn withdraw(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageManager,
    path: web::Path<AssignmentId>,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let PageManager(me, scope) = user;
    assignments::withdraw(&state, &me, &scope, path.into_inner()).await?;
    Ok(crate::respond::redirect("/laporan/penugasan?ok=ditarik"))
}

/// `/laporan/penugasan/unduh?unit=&format=csv|csv-id|xlsx`: the report's rows.
pub async fn download(
    state: web::Data<AppState>,
    user: PageManager,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let PageManager(_, scope) = user;
    let units = scope.filter(unit_of(&q).as_deref())?;
    let format = q.get("format").map_or("csv", String::as_str);
    let report = assignments::report(&state, &scope, &units).await?;
    let file = reports::export(assignments::table(&report.rows, format), format).await?;
    Ok(crate::respond::file(file, "penugasan"))
}

#[derive(Serialize)]
struct RemindersPage {
    reminders: bool,
    saved: bool,
}

/// `/akun/pengingat`: whether the signed-in person gets reminder e-mails.
pub async fn reminders_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let prefs = reminders::preferences(&state, &me.user).await?;
    let view = RemindersPage {
        reminders: prefs.reminders,
        saved: q.contains_key("ok"),
    };
    page.render(&state, "account_reminders.html", StatusCode::OK, view)
}

pub async fn reminders_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    form: Form,
) -> PageResult {
    check_csrf_field(&req, &form)?;
    let (_, me) = signed_in(&req, user)?;
    let on = form_field(&form, "reminders") == Some("1");
    reminders::set_preferences(&state, &me.user, &Preferences { reminders: on }).await?;
    Ok(crate::respond::redirect("/akun/pengingat?ok=1"))
}
