//! Admin pages, one task each behind a small menu: users (list and search, new user, CSV
//! import, a person's page with JP earned outside Lentera), units, certificate revocation
//! and the audit log. Every action goes through the same domain
//! functions as the API, so the checks and the audit entries are the same.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::Serialize;

use super::forms::check_csrf_field;
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageAdmin;
use crate::error::ApiError;
use crate::error::status_of;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::ErrorCode;
use lentera_domain::admin::{
    self as ops, InstansiBody, JpBody, PredikatBody, SignatoryBody, UnitBody, UserBody,
};
use lentera_domain::learning::local_time;
use lentera_domain::ledger::Ledger;
use lentera_domain::org::{self, ImportReport};
use lentera_domain::policy::{self, Role};
use lentera_domain::sessions::CurrentUser;
use lentera_domain::{Details, Error, ledger};

type Form = web::Form<Vec<(String, String)>>;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    super::forms::form_field(fields, name).unwrap_or("")
}

fn opt(fields: &[(String, String)], name: &str) -> Option<String> {
    Some(field(fields, name).trim().to_owned()).filter(|v| !v.is_empty())
}

/// The message for a refused form: the API's English message on English pages; on
/// Indonesian ones the field's own message from the locale file (the NIP's reason in full).
fn message(page: &Page, state: &AppState, e: &Error) -> String {
    if page.lang == crate::i18n::Lang::En {
        return e.message.clone();
    }
    if let Some(Details::Nip(reason)) = &e.details {
        return format!("NIP: {}", reason.pesan());
    }
    let field = error_field(e);
    for key in [format!("field_error.{field}"), format!("error.{}", e.code)] {
        let text = page.t(&state.locales, &key);
        if text != key {
            return text.to_owned();
        }
    }
    e.message.clone()
}

/// What was typed into a refused form (never the CSRF token), to show it again.
fn typed_of(fields: &[(String, String)]) -> HashMap<String, String> {
    fields
        .iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// What the last action left on an admin page: a notice, or a refused form with what was
/// typed and the message at its field, or a created account's one-time password, or an
/// import's report.
#[derive(Serialize, Default)]
struct Outcome {
    notice: Option<String>,
    /// Which form was refused (`unit`, `user`, `import`, `revoke`, `jp`).
    form: Option<String>,
    errors: HashMap<String, String>,
    typed: HashMap<String, String>,
    created: Option<Created>,
    import: Option<ImportReport>,
}

impl Outcome {
    fn created(username: String, name: String, password: String) -> Outcome {
        Outcome {
            created: Some(Created {
                username,
                name,
                password,
            }),
            ..Outcome::default()
        }
    }

    fn notice(notice: Option<&String>) -> Outcome {
        Outcome {
            notice: notice.cloned(),
            ..Outcome::default()
        }
    }
}

/// A new account and its initial password, shown once.
#[derive(Serialize)]
struct Created {
    username: String,
    name: String,
    password: String,
}

/// A unit in a list, indented by its depth in the tree.
#[derive(Serialize)]
struct UnitRow {
    code: String,
    name: String,
    depth: usize,
    indent: String,
}

fn unit_rows(scope: &policy::Scope) -> Vec<UnitRow> {
    scope
        .tree()
        .into_iter()
        .map(|(depth, u)| UnitRow {
            code: u.code.clone(),
            name: u.name.clone(),
            depth,
            indent: "· ".repeat(depth),
        })
        .collect()
}

#[derive(Serialize)]
struct LogRow {
    at: String,
    action: String,
    target: String,
    detail: Option<String>,
}

/// The admin area's pages: one task each, reached through a small menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Task {
    Users,
    NewUser,
    Import,
    Units,
    Revoke,
    Audit,
}

impl Task {
    fn template(self) -> &'static str {
        match self {
            Task::Users => "admin.html",
            Task::NewUser => "admin_new_user.html",
            Task::Import => "admin_import.html",
            Task::Units => "admin_units.html",
            Task::Revoke => "admin_revoke.html",
            Task::Audit => "admin_audit.html",
        }
    }

    /// The page of a refused form.
    fn of_form(form: &str) -> Task {
        match form {
            "unit" => Task::Units,
            "user" => Task::NewUser,
            "import" => Task::Import,
            "revoke" => Task::Revoke,
            _ => Task::Users,
        }
    }
}

#[derive(Serialize)]
struct AdminPage<'a> {
    task: Task,
    units: Vec<UnitRow>,
    users: Vec<ops::UserView>,
    total: u64,
    page_no: u64,
    pages: u64,
    q: Option<&'a str>,
    unit: Option<&'a str>,
    roles: [Role; 4],
    log: Vec<LogRow>,
    #[serde(flatten)]
    outcome: Outcome,
}

#[derive(Serialize)]
struct UserPage<'a> {
    target: ops::UserView,
    units: Vec<UnitRow>,
    roles: [Role; 4],
    ledger: Ledger,
    kinds: &'a [&'a str],
    #[serde(flatten)]
    outcome: Outcome,
}

fn error_field(e: &Error) -> String {
    e.field.clone().unwrap_or_else(|| "_".to_owned())
}

/// One admin page; `notice` and `errors` come from the last action. Only the users page
/// lists users and only the audit page reads the log.
async fn render_admin(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    task: Task,
    query: &HashMap<String, String>,
    outcome: Outcome,
    status: StatusCode,
) -> PageResult {
    let scope = policy::scope(state, me).await?;
    let unit_filter = query
        .get("unit")
        .map(String::as_str)
        .filter(|u| !u.is_empty());
    let mut view = AdminPage {
        task,
        units: unit_rows(&scope),
        users: Vec::new(),
        total: 0,
        page_no: 1,
        pages: 1,
        q: query.get("q").map(String::as_str),
        unit: unit_filter,
        roles: Role::ALL,
        log: Vec::new(),
        outcome,
    };
    if task == Task::Users {
        // A unit outside the scope is "not found", as everywhere.
        scope.filter(unit_filter)?;
        let listing = ops::users(
            state,
            me,
            unit_filter,
            query.get("q").map(String::as_str),
            query.get("hal").and_then(|p| p.parse().ok()),
        )
        .await?;
        view.pages = listing.total.div_ceil(ops::PAGE_SIZE).max(1);
        view.total = listing.total;
        view.page_no = listing.page;
        view.users = listing.users;
    }
    if task == Task::Audit {
        view.log = ops::audit_log(state, me, 100)
            .await?
            .into_iter()
            .map(|e| LogRow {
                at: local_time(e.at, &me.user.time_zone),
                action: e.action,
                target: e.target,
                detail: e.detail,
            })
            .collect();
    }
    page.render(state, task.template(), status, view)
}

/// An admin page as it is first shown (with the notice of the action that led here).
async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
    task: Task,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let outcome = Outcome::notice(q.get("ok"));
    render_admin(&state, &page, &me, task, &q, outcome, StatusCode::OK).await
}

/// `/admin`: the users, searchable and filtered by unit.
pub async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    show(state, req, user, q, Task::Users).await
}

/// `/admin/pengguna-baru`: the form for one new user.
pub async fn new_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    show(state, req, user, q, Task::NewUser).await
}

/// `/admin/impor`: the CSV import form (its result is shown on the same page).
pub async fn import_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    show(state, req, user, q, Task::Import).await
}

/// `/admin/unit`: the unit tree and the form for a new unit.
pub async fn units(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    show(state, req, user, q, Task::Units).await
}

/// `/admin/cabut`: revoking a certificate.
pub async fn revoke_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    show(state, req, user, q, Task::Revoke).await
}

/// `/admin/audit`: the latest entries of the audit log.
pub async fn audit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    show(state, req, user, q, Task::Audit).await
}

/// Re-shows the form's page with its values and the message next to its field.
async fn refused(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    form: &str,
    fields: &[(String, String)],
    e: &Error,
) -> PageResult {
    let outcome = refusal(state, page, form, fields, e);
    let task = Task::of_form(form);
    render_admin(
        state,
        page,
        me,
        task,
        &HashMap::new(),
        outcome,
        status_of(e.code),
    )
    .await
}

/// [`refused`], on a person's page.
async fn refused_on_person(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    username: &str,
    form: &str,
    fields: &[(String, String)],
    e: &Error,
) -> PageResult {
    let outcome = refusal(state, page, form, fields, e);
    render_user(state, page, me, username, outcome, status_of(e.code)).await
}

/// Whether a refused form is shown again with the message next to its field: bad input,
/// not a refusal of the person asking (403, shown as the error page).
fn shown_on_form(e: &Error) -> bool {
    let status = status_of(e.code);
    status.is_client_error()
        && status != StatusCode::FORBIDDEN
        && status != StatusCode::UNAUTHORIZED
}

/// The context that re-shows `form` with what was typed and the message at its field.
fn refusal(
    state: &AppState,
    page: &Page,
    form: &str,
    fields: &[(String, String)],
    e: &Error,
) -> Outcome {
    Outcome {
        form: Some(form.to_owned()),
        errors: HashMap::from([(error_field(e), message(page, state, e))]),
        typed: typed_of(fields),
        ..Outcome::default()
    }
}

pub async fn create_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (page, me) = signed_in(&req, user)?;
    let body = UnitBody {
        code: opt(&fields, "code"),
        name: field(&fields, "name").to_owned(),
        parent: opt(&fields, "parent"),
    };
    match ops::create_unit_as(&state, &me, &body).await {
        Ok(u) => Ok(redirect(&format!("/admin/unit?ok=unit:{}", u.code))),
        Err(e) if shown_on_form(&e) => refused(&state, &page, &me, "unit", &fields, &e).await,
        Err(e) => Err(ApiError::from(e)),
    }
}

fn user_body(fields: &[(String, String)]) -> UserBody {
    UserBody {
        username: opt(fields, "username"),
        nip: opt(fields, "nip"),
        name: field(fields, "name").to_owned(),
        email: opt(fields, "email"),
        unit: opt(fields, "unit"),
        roles: fields
            .iter()
            .filter(|(k, _)| k == "roles")
            .map(|(_, v)| v.clone())
            .collect(),
        active: Some(fields.iter().any(|(k, v)| k == "active" && v == "1")),
    }
}

pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (page, me) = signed_in(&req, user)?;
    let mut body = user_body(&fields);
    body.active = None;
    match ops::create_user_as(&state, &me, &body).await {
        // The initial password is shown once, on this answer, never stored in clear.
        Ok((created, password)) => {
            let outcome = Outcome::created(created.username, created.name, password);
            render_admin(
                &state,
                &page,
                &me,
                Task::NewUser,
                &HashMap::new(),
                outcome,
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) if shown_on_form(&e) => refused(&state, &page, &me, "user", &fields, &e).await,
        Err(e) => Err(ApiError::from(e)),
    }
}

pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    form: actix_multipart::Multipart,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    // `PageAdmin` settled who is asking before a byte of the file is read.
    let (_, file) = crate::multipart::read_multipart(form, org::MAX_CSV, Some(&req)).await?;
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let e = Error::new(ErrorCode::MissingFile, "choose a CSV file").field("file");
        return refused(&state, &page, &me, "import", &[], &e).await;
    };
    match org::import_users(&state, &me, &bytes).await {
        Ok(report) => {
            let outcome = Outcome {
                import: Some(report),
                ..Outcome::default()
            };
            let task = Task::Import;
            render_admin(
                &state,
                &page,
                &me,
                task,
                &HashMap::new(),
                outcome,
                StatusCode::OK,
            )
            .await
        }
        Err(e) if shown_on_form(&e) => {
            let e = e.field("file");
            refused(&state, &page, &me, "import", &[], &e).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (page, me) = signed_in(&req, user)?;
    let code = field(&fields, "certificate").trim().to_owned();
    match ops::revoke_as(&state, &me, &code, field(&fields, "reason")).await {
        Ok(c) => Ok(redirect(&format!("/admin/cabut?ok=revoked:{}", c.number))),
        Err(e) if shown_on_form(&e) => {
            let e = if e.field.is_none() {
                e.field("certificate")
            } else {
                e
            };
            refused(&state, &page, &me, "revoke", &fields, &e).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

async fn render_user(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    username: &str,
    outcome: Outcome,
    status: StatusCode,
) -> PageResult {
    let (scope, target) = ops::user(state, me, username).await?;
    let view = UserPage {
        ledger: ledger::ledger(state, &target, ledger::this_year()).await?,
        target: ops::UserView::of(&scope, &target),
        units: unit_rows(&scope),
        roles: Role::ALL,
        kinds: ops::JP_KINDS,
        outcome,
    };
    page.render(state, "admin_user.html", status, view)
}

pub async fn user_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let outcome = Outcome::notice(q.get("ok"));
    render_user(&state, &page, &me, &path, outcome, StatusCode::OK).await
}

pub async fn update_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (page, me) = signed_in(&req, user)?;
    match ops::update_user_as(&state, &me, &path, &user_body(&fields)).await {
        Ok(()) => Ok(redirect(&format!(
            "/admin/pengguna/{}?ok=saved",
            path.as_str()
        ))),
        // An unknown person is the error page, not a message on the form.
        Err(e) if shown_on_form(&e) && status_of(e.code) != StatusCode::NOT_FOUND => {
            refused_on_person(&state, &page, &me, &path, "user", &fields, &e).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

pub async fn add_jp(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (page, me) = signed_in(&req, user)?;
    let jp_raw = field(&fields, "jp").trim().to_owned();
    let body = JpBody {
        jp: jp_raw.parse().unwrap_or(0),
        title: field(&fields, "title").to_owned(),
        kind: field(&fields, "kind").to_owned(),
        document_ref: field(&fields, "document_ref").to_owned(),
        held_on: field(&fields, "held_on").to_owned(),
    };
    match ops::add_jp_as(&state, &me, &path, &body).await {
        Ok(_) => Ok(redirect(&format!(
            "/admin/pengguna/{}?ok=jp",
            path.as_str()
        ))),
        Err(e) if shown_on_form(&e) && status_of(e.code) != StatusCode::NOT_FOUND => {
            refused_on_person(&state, &page, &me, &path, "jp", &fields, &e).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

/// An instansi's certificate settings, on its own page under the units.
#[derive(Serialize)]
struct InstansiPage {
    task: Task,
    instansi: ops::InstansiView,
    #[serde(flatten)]
    outcome: Outcome,
}

async fn render_instansi(
    state: &AppState,
    page: &Page,
    me: &CurrentUser,
    code: &str,
    outcome: Outcome,
    status: StatusCode,
) -> PageResult {
    let view = InstansiPage {
        task: Task::Units,
        instansi: ops::instansi_as(state, me, code).await?,
        outcome,
    };
    page.render(state, "admin_instansi.html", status, view)
}

/// `/admin/instansi/{code}`: who signs the instansi's certificates, and its predikat.
pub async fn instansi_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let outcome = Outcome::notice(q.get("ok"));
    render_instansi(&state, &page, &me, &path, outcome, StatusCode::OK).await
}

/// The instansi form as the domain takes it: an empty signatory is none, four empty
/// thresholds are the default. A threshold that is not a number is refused at its field.
fn instansi_body(fields: &[(String, String)]) -> Result<InstansiBody, Error> {
    let name = opt(fields, "signatory_name");
    let jabatan = opt(fields, "signatory_jabatan");
    let signatory = (name.is_some() || jabatan.is_some()).then(|| SignatoryBody {
        name: name.unwrap_or_default(),
        jabatan: jabatan.unwrap_or_default(),
        nip: opt(fields, "signatory_nip"),
    });
    let names = ["sangat_memuaskan", "memuaskan", "baik", "cukup"];
    let typed: Vec<Option<String>> = names
        .iter()
        .map(|n| opt(fields, n).map(|v| v.replace(',', ".")))
        .collect();
    let predikat = if typed.iter().all(Option::is_none) {
        None
    } else {
        let numbers: Option<Vec<f64>> = typed
            .iter()
            .map(|v| v.as_deref().and_then(|v| v.parse().ok()))
            .collect();
        let Some([a, b, c, d]) = numbers.as_deref().map(|n| [n[0], n[1], n[2], n[3]]) else {
            return Err(Error::new(
                ErrorCode::InvalidInstansi,
                "predikat: four numbers from 0 to 100, or none for the default",
            )
            .field("predikat"));
        };
        Some(PredikatBody {
            sangat_memuaskan: a,
            memuaskan: b,
            baik: c,
            cukup: d,
        })
    };
    Ok(InstansiBody {
        signatory,
        predikat,
    })
}

pub async fn set_instansi(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (page, me) = signed_in(&req, user)?;
    let saved = match instansi_body(&fields) {
        Ok(body) => ops::set_instansi_as(&state, &me, &path, &body).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(redirect(&format!(
            "/admin/instansi/{}?ok=instansi",
            path.as_str()
        ))),
        Err(e) if shown_on_form(&e) && status_of(e.code) != StatusCode::NOT_FOUND => {
            let outcome = refusal(&state, &page, "instansi", &fields, &e);
            render_instansi(&state, &page, &me, &path, outcome, status_of(e.code)).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

/// `POST /admin/instansi/{code}/logo`: a new logo from the page's file field (CSRF first).
pub async fn set_instansi_logo(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    form: actix_multipart::Multipart,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    // `PageAdmin` settled who is asking before a byte of the file is read.
    let read =
        crate::multipart::read_multipart(form, lentera_certificate::MAX_LOGO_BYTES, Some(&req))
            .await;
    let saved = match read {
        Ok((_, Some(file))) if !file.is_empty() => {
            ops::set_instansi_logo_as(&state, &me, &path, Some(file)).await
        }
        Ok(_) => Err(Error::new(ErrorCode::MissingFile, "choose a PNG or JPEG file").field("logo")),
        Err(e) if e.code == ErrorCode::PayloadTooLarge => {
            Err(Error::new(ErrorCode::InvalidLogo, e.message.clone()).field("logo"))
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(redirect(&format!(
            "/admin/instansi/{}?ok=logo",
            path.as_str()
        ))),
        Err(e) if shown_on_form(&e) && status_of(e.code) != StatusCode::NOT_FOUND => {
            let e = if e.field.is_none() {
                e.field("logo")
            } else {
                e
            };
            let outcome = refusal(&state, &page, "logo", &[], &e);
            render_instansi(&state, &page, &me, &path, outcome, status_of(e.code)).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

/// `POST /admin/instansi/{code}/logo/hapus`: removes the logo.
pub async fn remove_instansi_logo(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf_field(&req, &fields)?;
    let (_, me) = signed_in(&req, user)?;
    ops::set_instansi_logo_as(&state, &me, &path, None).await?;
    Ok(redirect(&format!(
        "/admin/instansi/{}?ok=logo",
        path.as_str()
    )))
}

/// `GET /admin/instansi/{code}/logo`: the logo, for the page's preview.
pub async fn instansi_logo(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
) -> PageResult {
    let (_, me) = signed_in(&req, user)?;
    let (content_type, data) = ops::instansi_logo_as(&state, &me, &path).await?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, no-cache"))
        .body(data))
}
