//! Units, users, outside JP and certificate revocation. Admins change; managers read
//! within their units.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::nip::Nip;
use crate::org::{self, Scope};
use crate::policy::{self, Action, Resource, Role};
use crate::state::AppState;
use crate::text;
use lentera_store::people::{self, Unit, User};
use lentera_store::{audit, org as store_org, reports};

fn unit_json(scope: &Scope, depth: usize, u: &Unit) -> Value {
    json!({
        "code": u.code, "name": u.name, "depth": depth,
        "parent": u.parent_id.and_then(|p| scope.unit(p)).map(|p| p.code.clone()),
    })
}

pub fn user_json(scope: &Scope, u: &User) -> Value {
    json!({
        "username": u.username, "nip": u.nip, "name": u.name, "email": u.email,
        "unit": u.unit_id.and_then(|id| scope.unit(id)).map(|x| x.code.clone()),
        "roles": u.roles, "active": u.active,
    })
}

pub async fn units(state: web::Data<AppState>, user: ApiUser) -> AppResult<HttpResponse> {
    let scope = policy::scope(&state, &user.0).await?;
    let list: Vec<Value> = scope
        .tree()
        .into_iter()
        .map(|(d, u)| unit_json(&scope, d, u))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"units": list})))
}

#[derive(Deserialize)]
pub struct UnitBody {
    pub code: Option<String>,
    pub name: String,
    pub parent: Option<String>,
}

/// Checks a unit's fields; the message names the field.
pub fn check_unit_fields(code: Option<&str>, name: &str) -> AppResult<()> {
    if let Some(code) = code {
        let ok = (2..=40).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
        if !ok {
            return Err(AppError::unprocessable(
                "invalid_unit",
                "code: 2-40 letters, digits, '-', '_' or '.'",
            )
            .with_extra(json!({"field": "code"})));
        }
    }
    if !text::is_line(name, 1, 200) {
        return Err(
            AppError::unprocessable("invalid_unit", "name: 1-200 characters, one line")
                .with_extra(json!({"field": "name"})),
        );
    }
    Ok(())
}

async fn parent_id(state: &AppState, parent: Option<&str>) -> AppResult<Option<i32>> {
    match parent.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(code) => Ok(Some(
            people::unit_by_code(&state.db, code)
                .await?
                .ok_or_else(|| {
                    AppError::unprocessable("unknown_parent", format!("No unit '{code}'"))
                        .with_extra(json!({"field": "parent"}))
                })?
                .id,
        )),
    }
}

pub async fn create_unit_as(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    body: &UnitBody,
) -> AppResult<Unit> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let code = body.code.as_deref().unwrap_or("").trim();
    check_unit_fields(Some(code), &body.name)?;
    let parent = parent_id(state, body.parent.as_deref()).await?;
    let unit = people::create_unit(&state.db, code, body.name.trim(), parent)
        .await
        .map_err(|e| match e {
            lentera_store::StoreError::Conflict(_) => {
                AppError::conflict("unit_exists", format!("A unit '{code}' exists already"))
            }
            other => other.into(),
        })?;
    audit::record(
        &state.db,
        Some(me.user.id),
        "unit.create",
        &format!("unit:{code}"),
        body.parent.clone(),
    )
    .await?;
    Ok(unit)
}

pub async fn create_unit(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<UnitBody>,
) -> AppResult<HttpResponse> {
    let unit = create_unit_as(&state, &user.0, &body).await?;
    Ok(HttpResponse::Created().json(json!({"code": unit.code, "name": unit.name})))
}

pub async fn update_unit(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    body: web::Json<UnitBody>,
) -> AppResult<HttpResponse> {
    policy::authorize(&state, &user.0, Action::Administer, Resource::Instance).await?;
    check_unit_fields(None, &body.name)?;
    let code = path.into_inner();
    let unit = people::unit_by_code(&state.db, &code)
        .await?
        .ok_or_else(|| AppError::not_found("unit_not_found", format!("No unit '{code}'")))?;
    let parent = parent_id(&state, body.parent.as_deref()).await?;
    store_org::update_unit(&state.db, unit.id, body.name.trim(), parent)
        .await
        .map_err(|e| match e {
            lentera_store::StoreError::Conflict(m) => {
                AppError::unprocessable("invalid_parent", m).with_extra(json!({"field": "parent"}))
            }
            other => other.into(),
        })?;
    audit::record(
        &state.db,
        Some(user.0.user.id),
        "unit.update",
        &format!("unit:{code}"),
        body.parent.clone(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({"code": code, "name": body.name.trim()})))
}

#[derive(Deserialize)]
pub struct UserQuery {
    pub unit: Option<String>,
    pub q: Option<String>,
    pub page: Option<u64>,
}

pub const PAGE_SIZE: u64 = 50;
/// The highest page number honoured (50 million people); higher ones give this page.
pub const MAX_PAGE: u64 = 1_000_000;

pub async fn users(
    state: web::Data<AppState>,
    user: ApiUser,
    query: web::Query<UserQuery>,
) -> AppResult<HttpResponse> {
    let scope = policy::scope(&state, &user.0).await?;
    let units = scope.filter(query.unit.as_deref())?;
    // Far past the last page is an empty page, never an overflowing offset.
    let page = query.page.unwrap_or(1).clamp(1, MAX_PAGE);
    let (list, total) = store_org::users_in(
        &state.db,
        Some(&units),
        query.q.as_deref(),
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "users": list.iter().map(|u| user_json(&scope, u)).collect::<Vec<_>>(),
        "total": total, "page": page, "per_page": PAGE_SIZE,
    })))
}

#[derive(Deserialize)]
pub struct UserBody {
    pub username: Option<String>,
    pub nip: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub unit: Option<String>,
    pub roles: Vec<String>,
    pub active: Option<bool>,
}

fn field_error(field: &str, message: impl Into<String>) -> AppError {
    AppError::unprocessable("invalid_user", message).with_extra(json!({"field": field}))
}

async fn checked_user_fields(
    state: &AppState,
    body: &UserBody,
) -> AppResult<(Option<String>, Option<i32>, Vec<String>, Option<String>)> {
    let nip = match body.nip.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(
            Nip::parse(n)
                .map_err(|e| field_error("nip", format!("NIP: {e}")))?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    if !text::is_line(&body.name, 1, 200) {
        return Err(field_error("name", "name: 1-200 characters, one line"));
    }
    let email = body
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    if email.as_deref().is_some_and(|e| !org::plausible_email(e)) {
        return Err(field_error("email", "email: not an address"));
    }
    let unit = match body
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(code) => Some(
            people::unit_by_code(&state.db, code)
                .await?
                .ok_or_else(|| field_error("unit", format!("No unit '{code}'")))?
                .id,
        ),
        None => None,
    };
    let mut roles = Vec::with_capacity(body.roles.len());
    for name in &body.roles {
        let role = Role::parse(name).ok_or_else(|| {
            field_error(
                "roles",
                format!("unknown role '{}': use {}", name.trim(), Role::names()),
            )
        })?;
        roles.push(role);
    }
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return Err(field_error("roles", "give at least one role"));
    }
    if roles.contains(&Role::Manager) && unit.is_none() {
        return Err(field_error("unit", "a manager must be attached to a unit"));
    }
    let roles = roles.iter().map(|r| r.as_str().to_owned()).collect();
    Ok((nip, unit, roles, email))
}

/// Creates a user; without a password in the request, a random initial one is returned
/// once. The NIP is the username unless one is given.
pub async fn create_user_as(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    body: &UserBody,
) -> AppResult<(User, String)> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let (nip, unit, roles, email) = checked_user_fields(state, body).await?;
    let username = body
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .or_else(|| nip.clone())
        .ok_or_else(|| field_error("username", "give a username or a NIP"))?;
    if username.len() > 64
        || !username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        return Err(field_error(
            "username",
            "username: up to 64 letters, digits, '.', '_' or '-'",
        ));
    }
    let password = org::initial_password()?;
    let hash = crate::auth::hash_password(password.clone()).await?;
    let user = people::create_user(
        &state.db,
        people::NewUser {
            username: username.clone(),
            nip,
            name: body.name.trim().to_owned(),
            email,
            unit_id: unit,
            password_hash: hash,
            roles,
            language: "id".into(),
        },
    )
    .await
    .map_err(|e| match e {
        lentera_store::StoreError::Conflict(_) => AppError::conflict(
            "user_exists",
            "A user with this username or NIP exists already",
        ),
        other => other.into(),
    })?;
    audit::record(
        &state.db,
        Some(me.user.id),
        "user.create",
        &format!("user:{username}"),
        Some(user.roles.join(",")),
    )
    .await?;
    Ok((user, password))
}

pub async fn create_user(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<UserBody>,
) -> AppResult<HttpResponse> {
    let (created, password) = create_user_as(&state, &user.0, &body).await?;
    let scope = policy::scope(&state, &user.0).await?;
    let mut out = user_json(&scope, &created);
    out["initial_password"] = json!(password);
    Ok(HttpResponse::Created().json(out))
}

pub async fn update_user_as(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    username: &str,
    body: &UserBody,
) -> AppResult<()> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let target = people::credentials(&state.db, username)
        .await?
        .ok_or_else(|| AppError::not_found("user_not_found", format!("No user '{username}'")))?
        .user;
    let (_, unit, roles, email) = checked_user_fields(state, body).await?;
    let active = body.active.unwrap_or(target.active);
    if target.id == me.user.id && (!active || !roles.iter().any(|r| r == "admin")) {
        return Err(field_error(
            "roles",
            "you cannot remove your own admin role or deactivate yourself",
        ));
    }
    store_org::update_user(
        &state.db,
        target.id,
        &store_org::UserUpdate {
            name: body.name.trim().to_owned(),
            email,
            unit_id: unit,
            active,
            roles: roles.clone(),
        },
    )
    .await?;
    state.sessions.forget_user(target.id);
    audit::record(
        &state.db,
        Some(me.user.id),
        "user.update",
        &format!("user:{username}"),
        Some(format!("roles={} active={active}", roles.join(","))),
    )
    .await?;
    Ok(())
}

pub async fn update_user(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    body: web::Json<UserBody>,
) -> AppResult<HttpResponse> {
    update_user_as(&state, &user.0, &path, &body).await?;
    Ok(HttpResponse::Ok().json(json!({"username": path.into_inner(), "updated": true})))
}

pub async fn import_users(
    state: web::Data<AppState>,
    user: ApiUser,
    form: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    policy::authorize(&state, &user.0, Action::Administer, Resource::Instance).await?;
    let (_, file) = crate::publishing::read_multipart(form, org::MAX_CSV, None).await?;
    let bytes = file.ok_or_else(|| {
        AppError::bad_request(
            "missing_file",
            "Send the CSV in a multipart field named `file`",
        )
    })?;
    let report = org::import_users(&state, &user.0, &bytes).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Deserialize)]
pub struct JpBody {
    pub jp: i32,
    pub title: String,
    pub kind: String,
    pub document_ref: String,
    pub held_on: String,
}

pub const JP_KINDS: &[&str] = &[
    "pelatihan_klasikal",
    "seminar",
    "workshop",
    "kursus_daring",
    "lainnya",
];

/// Records JP earned outside Lentera for a user (admins only).
pub async fn add_jp_as(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    username: &str,
    body: &JpBody,
) -> AppResult<reports::JpEntry> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let target = people::credentials(&state.db, username)
        .await?
        .ok_or_else(|| AppError::not_found("user_not_found", format!("No user '{username}'")))?
        .user;
    let bad = |field: &str, m: &str| {
        AppError::unprocessable("invalid_jp", m.to_owned()).with_extra(json!({"field": field}))
    };
    if !(1..=200).contains(&body.jp) {
        return Err(bad("jp", "jp: a whole number 1-200"));
    }
    if !text::is_line(&body.title, 1, 200) {
        return Err(bad("title", "title: 1-200 characters"));
    }
    if !JP_KINDS.contains(&body.kind.as_str()) {
        return Err(bad(
            "kind",
            "kind: pelatihan_klasikal, seminar, workshop, kursus_daring or lainnya",
        ));
    }
    if !text::is_line(&body.document_ref, 1, 200) {
        return Err(bad(
            "document_ref",
            "document_ref: the number of the certificate or letter, 1-200 characters",
        ));
    }
    let held_on = NaiveDate::parse_from_str(body.held_on.trim(), "%Y-%m-%d")
        .map_err(|_| bad("held_on", "held_on: a date as YYYY-MM-DD"))?;
    if held_on > chrono::Utc::now().date_naive() {
        return Err(bad("held_on", "held_on: cannot be in the future"));
    }
    let entry = reports::add_jp_entry(
        &state.db,
        reports::NewJpEntry {
            user_id: target.id,
            jp: body.jp,
            title: body.title.trim().to_owned(),
            kind: body.kind.clone(),
            document_ref: body.document_ref.trim().to_owned(),
            held_on,
            recorded_by: me.user.id,
        },
    )
    .await?;
    audit::record(
        &state.db,
        Some(me.user.id),
        "jp.record",
        &format!("user:{username}"),
        Some(format!(
            "{} JP, {}, {}",
            body.jp,
            body.kind,
            body.document_ref.trim()
        )),
    )
    .await?;
    Ok(entry)
}

pub async fn add_jp(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    body: web::Json<JpBody>,
) -> AppResult<HttpResponse> {
    let entry = add_jp_as(&state, &user.0, &path, &body).await?;
    Ok(HttpResponse::Created().json(crate::reports::jp_entry_json(&entry)))
}

#[derive(Deserialize)]
pub struct RevokeBody {
    pub reason: String,
}

/// Revokes a certificate (admins only); visible on the verification page at once.
pub async fn revoke_as(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    code_or_number: &str,
    reason: &str,
) -> AppResult<lentera_store::learning::Certificate> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let reason = reason.trim();
    if !text::is_paragraphs(reason, 5, 500) {
        return Err(
            AppError::unprocessable("invalid_reason", "reason: 5-500 characters")
                .with_extra(json!({"field": "reason"})),
        );
    }
    let cert = match lentera_store::learning::certificate_by_code(&state.db, code_or_number).await?
    {
        Some(c) => c,
        None => reports::certificate_by_number(&state.db, code_or_number)
            .await?
            .ok_or_else(|| AppError::not_found("certificate_not_found", "No such certificate"))?,
    };
    if !reports::revoke_certificate(&state.db, cert.id, reason).await? {
        return Err(AppError::conflict(
            "already_revoked",
            "This certificate is revoked already",
        ));
    }
    audit::record(
        &state.db,
        Some(me.user.id),
        "certificate.revoke",
        &format!("certificate:{}", cert.number),
        Some(reason.to_owned()),
    )
    .await?;
    tracing::info!(certificate = %cert.number, "certificate revoked");
    lentera_store::learning::certificate_by_code(&state.db, &cert.code)
        .await?
        .ok_or_else(|| AppError::internal("revoked certificate vanished"))
}

pub async fn revoke(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<String>,
    body: web::Json<RevokeBody>,
) -> AppResult<HttpResponse> {
    let cert = revoke_as(&state, &user.0, &path, &body.reason).await?;
    Ok(HttpResponse::Ok().json(json!({
        "number": cert.number, "revoked": true,
        "revoked_at": cert.revoked_at.map(|d| d.to_rfc3339()), "revocation_reason": cert.revocation_reason,
    })))
}
