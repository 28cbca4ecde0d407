//! Admin pages: units, users (create, edit, CSV import), JP earned outside Lentera,
//! certificate revocation and the audit log. Every action goes through the same domain
//! functions as the API, so the checks and the audit entries are the same.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde_json::{Value, json};

use super::forms::check_csrf;
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageAdmin;
use crate::error::ApiError;
use crate::error::status_of;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::ErrorCode;
use lentera_domain::admin::{self as ops, JpBody, UnitBody, UserBody};
use lentera_domain::learning::local_time;
use lentera_domain::org;
use lentera_domain::policy::{self, Action, Resource, Role};
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
fn typed_of(fields: &[(String, String)]) -> Value {
    Value::Object(
        fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect(),
    )
}

/// Adds `extra`'s keys to a template context.
fn merge(ctx: &mut Value, extra: &Value) {
    if let (Some(c), Some(e)) = (ctx.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            c.insert(k.clone(), v.clone());
        }
    }
}

fn error_field(e: &Error) -> String {
    e.field.clone().unwrap_or_else(|| "_".to_owned())
}

/// Everything the admin page shows; `notice` and `errors` come from the last action.
async fn render_admin(
    state: &AppState,
    _req: &HttpRequest,
    page: &Page,
    me: &CurrentUser,
    query: &HashMap<String, String>,
    extra: Value,
    status: StatusCode,
) -> PageResult {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let scope = policy::scope(state, me).await?;
    let units: Vec<Value> = scope
        .tree()
        .into_iter()
        .map(|(d, u)| json!({"code": u.code, "name": u.name, "depth": d, "indent": "· ".repeat(d)}))
        .collect();
    let unit_filter = query
        .get("unit")
        .map(String::as_str)
        .filter(|u| !u.is_empty());
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
    let (page_no, total) = (listing.page, listing.total);
    let users = serde_json::to_value(&listing.users).map_err(Error::internal)?;
    let log: Vec<Value> = ops::audit_log(state, me, 30)
        .await?
        .into_iter()
        .map(|e| json!({"at": local_time(e.at, &me.user.time_zone), "action": e.action, "target": e.target, "detail": e.detail}))
        .collect();
    let mut ctx = json!({
        "units": units, "users": users, "total": total, "page_no": page_no,
        "pages": total.div_ceil(ops::PAGE_SIZE).max(1), "q": query.get("q"), "unit": unit_filter,
        "roles": Role::ALL.map(Role::as_str), "log": log, "errors": {}, "typed": {},
    });
    merge(&mut ctx, &extra);
    page.render(state, "admin.html", status, ctx)
}

pub async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let notice = q.get("ok").cloned();
    render_admin(
        &state,
        &req,
        &page,
        &me,
        &q,
        json!({"notice": notice}),
        StatusCode::OK,
    )
    .await
}

/// Re-shows the admin page with the form's values and the message next to its field.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    page: &Page,
    me: &CurrentUser,
    form: &str,
    fields: &[(String, String)],
    e: &Error,
) -> PageResult {
    let extra = refusal(state, page, form, fields, e);
    render_admin(
        state,
        req,
        page,
        me,
        &HashMap::new(),
        extra,
        status_of(e.code),
    )
    .await
}

/// [`refused`], on a person's page.
#[allow(clippy::too_many_arguments)]
async fn refused_on_person(
    state: &AppState,
    req: &HttpRequest,
    page: &Page,
    me: &CurrentUser,
    username: &str,
    form: &str,
    fields: &[(String, String)],
    e: &Error,
) -> PageResult {
    let extra = refusal(state, page, form, fields, e);
    render_user(state, req, page, me, username, extra, status_of(e.code)).await
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
) -> serde_json::Value {
    json!({"form": form, "errors": {error_field(e): message(page, state, e)}, "typed": typed_of(fields)})
}

pub async fn create_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf(&req, field(&fields, "csrf"))?;
    let (page, me) = signed_in(&req, user)?;
    let body = UnitBody {
        code: opt(&fields, "code"),
        name: field(&fields, "name").to_owned(),
        parent: opt(&fields, "parent"),
    };
    match ops::create_unit_as(&state, &me, &body).await {
        Ok(u) => Ok(redirect(&format!("/admin?ok=unit:{}", u.code))),
        Err(e) if shown_on_form(&e) => refused(&state, &req, &page, &me, "unit", &fields, &e).await,
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
    check_csrf(&req, field(&fields, "csrf"))?;
    let (page, me) = signed_in(&req, user)?;
    let mut body = user_body(&fields);
    body.active = None;
    match ops::create_user_as(&state, &me, &body).await {
        // The initial password is shown once, on this answer, never stored in clear.
        Ok((created, password)) => render_admin(
            &state,
            &req,
            &page,
            &me,
            &HashMap::new(),
            json!({"created": {"username": created.username, "name": created.name, "password": password}}),
            StatusCode::CREATED,
        )
        .await,
        Err(e) if shown_on_form(&e) => {
            refused(&state, &req, &page, &me, "user", &fields, &e).await
        }
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
        return refused(&state, &req, &page, &me, "import", &[], &e).await;
    };
    match org::import_users(&state, &me, &bytes).await {
        Ok(report) => {
            render_admin(
                &state,
                &req,
                &page,
                &me,
                &HashMap::new(),
                json!({"import": report}),
                StatusCode::OK,
            )
            .await
        }
        Err(e) if shown_on_form(&e) => {
            let e = e.field("file");
            refused(&state, &req, &page, &me, "import", &[], &e).await
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
    check_csrf(&req, field(&fields, "csrf"))?;
    let (page, me) = signed_in(&req, user)?;
    let code = field(&fields, "certificate").trim().to_owned();
    match ops::revoke_as(&state, &me, &code, field(&fields, "reason")).await {
        Ok(c) => Ok(redirect(&format!("/admin?ok=revoked:{}", c.number))),
        Err(e) if shown_on_form(&e) => {
            let e = if e.field.is_none() {
                e.field("certificate")
            } else {
                e
            };
            refused(&state, &req, &page, &me, "revoke", &fields, &e).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

async fn render_user(
    state: &AppState,
    _req: &HttpRequest,
    page: &Page,
    me: &CurrentUser,
    username: &str,
    extra: Value,
    status: StatusCode,
) -> PageResult {
    let (scope, target) = ops::user(state, me, username).await?;
    let ledger = ledger::ledger(state, &target, ledger::this_year()).await?;
    let units: Vec<Value> = scope
        .tree()
        .into_iter()
        .map(|(d, u)| json!({"code": u.code, "name": u.name, "indent": "· ".repeat(d)}))
        .collect();
    let mut ctx = json!({
        "target": ops::UserView::of(&scope, &target), "units": units, "roles": Role::ALL.map(Role::as_str), "ledger": ledger,
        "kinds": ops::JP_KINDS, "errors": {}, "typed": {},
    });
    merge(&mut ctx, &extra);
    page.render(state, "admin_user.html", status, ctx)
}

pub async fn user_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    render_user(
        &state,
        &req,
        &page,
        &me,
        &path,
        json!({"notice": q.get("ok")}),
        StatusCode::OK,
    )
    .await
}

pub async fn update_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    form: Form,
) -> PageResult {
    let fields = form.into_inner();
    check_csrf(&req, field(&fields, "csrf"))?;
    let (page, me) = signed_in(&req, user)?;
    match ops::update_user_as(&state, &me, &path, &user_body(&fields)).await {
        Ok(()) => Ok(redirect(&format!(
            "/admin/pengguna/{}?ok=saved",
            path.as_str()
        ))),
        // An unknown person is the error page, not a message on the form.
        Err(e) if shown_on_form(&e) && status_of(e.code) != StatusCode::NOT_FOUND => {
            refused_on_person(&state, &req, &page, &me, &path, "user", &fields, &e).await
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
    check_csrf(&req, field(&fields, "csrf"))?;
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
            refused_on_person(&state, &req, &page, &me, &path, "jp", &fields, &e).await
        }
        Err(e) => Err(ApiError::from(e)),
    }
}
