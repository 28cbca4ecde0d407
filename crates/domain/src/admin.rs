//! Administration: units, users, JP earned outside Lentera and certificate revocation.
//! Admins change; managers read within their units. Every change is in the audit log.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, ErrorCode, Result};
use crate::nip::Nip;
use crate::org;
use crate::policy::{self, Action, Resource, Role, Scope};
use crate::sessions::CurrentUser;
use crate::text;
use crate::{Jp, Lentera, UnitId};
use lentera_store::people::{self, Unit, User};
use lentera_store::{audit, org as store_org, reports};

/// A unit as admins and managers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitView {
    pub code: String,
    pub name: String,
    /// How deep in the tree (0 for an instansi).
    pub depth: usize,
    /// The parent unit's code, when it is in the caller's scope.
    pub parent: Option<String>,
}

/// A person as admins and managers see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub username: String,
    pub nip: Option<String>,
    pub name: String,
    pub email: Option<String>,
    /// The unit's code, when it is in the caller's scope.
    pub unit: Option<String>,
    pub roles: Vec<Role>,
    pub active: bool,
}

impl UserView {
    pub fn of(scope: &Scope, u: &User) -> UserView {
        UserView {
            username: u.username.clone(),
            nip: u.nip.as_ref().map(Nip::to_string),
            name: u.name.clone(),
            email: u.email.clone(),
            unit: u
                .unit_id
                .and_then(|id| scope.unit(id))
                .map(|x| x.code.clone()),
            roles: u.roles.clone(),
            active: u.active,
        }
    }
}

/// The units the caller sees, in tree order.
pub async fn units(state: &Lentera, me: &CurrentUser) -> Result<Vec<UnitView>> {
    let scope = policy::scope(state, me).await?;
    Ok(scope
        .tree()
        .into_iter()
        .map(|(depth, u)| UnitView {
            code: u.code.clone(),
            name: u.name.clone(),
            depth,
            parent: u
                .parent_id
                .and_then(|p| scope.unit(p))
                .map(|p| p.code.clone()),
        })
        .collect())
}

/// A new unit, or a unit renamed or moved.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UnitBody {
    /// 2-40 letters, digits, '-', '_' or '.' (new units only).
    pub code: Option<String>,
    pub name: String,
    /// The parent unit's code; none for an instansi.
    pub parent: Option<String>,
}

/// Checks a unit's fields; the message names the field.
pub fn check_unit_fields(code: Option<&str>, name: &str) -> Result<()> {
    if let Some(code) = code {
        let ok = (2..=40).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
        if !ok {
            return Err(Error::new(
                ErrorCode::InvalidUnit,
                "code: 2-40 letters, digits, '-', '_' or '.'",
            )
            .field("code"));
        }
    }
    if !text::is_line(name, 1, 200) {
        return Err(
            Error::new(ErrorCode::InvalidUnit, "name: 1-200 characters, one line").field("name"),
        );
    }
    Ok(())
}

async fn parent_id(state: &Lentera, parent: Option<&str>) -> Result<Option<UnitId>> {
    match parent.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(code) => Ok(Some(
            people::unit_by_code(&state.db, code)
                .await?
                .ok_or_else(|| {
                    Error::new(ErrorCode::UnknownParent, format!("No unit '{code}'"))
                        .field("parent")
                })?
                .id,
        )),
    }
}

pub async fn create_unit_as(state: &Lentera, me: &CurrentUser, body: &UnitBody) -> Result<Unit> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let code = body.code.as_deref().unwrap_or("").trim();
    check_unit_fields(Some(code), &body.name)?;
    let parent = parent_id(state, body.parent.as_deref()).await?;
    let unit = people::create_unit(&state.db, code, body.name.trim(), parent)
        .await
        .map_err(|e| match e {
            lentera_store::StoreError::Conflict(_) => Error::new(
                ErrorCode::UnitExists,
                format!("A unit '{code}' exists already"),
            ),
            other => other.into(),
        })?;
    audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::UnitCreated,
        &format!("unit:{code}"),
        body.parent.clone(),
    )
    .await?;
    Ok(unit)
}

/// Renames a unit or moves it under another (admins only).
pub async fn update_unit_as(
    state: &Lentera,
    me: &CurrentUser,
    code: &str,
    body: &UnitBody,
) -> Result<Unit> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    check_unit_fields(None, &body.name)?;
    let unit = people::unit_by_code(&state.db, code)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::UnitNotFound, format!("No unit '{code}'")))?;
    let parent = parent_id(state, body.parent.as_deref()).await?;
    store_org::update_unit(&state.db, unit.id, body.name.trim(), parent)
        .await
        .map_err(|e| match e {
            lentera_store::StoreError::Conflict(m) => {
                Error::new(ErrorCode::InvalidParent, m).field("parent")
            }
            other => other.into(),
        })?;
    audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::UnitUpdated,
        &format!("unit:{code}"),
        body.parent.clone(),
    )
    .await?;
    Ok(Unit {
        name: body.name.trim().to_owned(),
        parent_id: parent,
        ..unit
    })
}

/// A page of the people in the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserPage {
    pub users: Vec<UserView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

pub const PAGE_SIZE: u64 = 50;
/// The highest page number honoured (50 million people); higher ones give this page.
pub const MAX_PAGE: u64 = 1_000_000;

/// The people of the caller's scope (a unit and those below it, when `unit` names one),
/// searched by name, NIP or username, a page at a time.
pub async fn users(
    state: &Lentera,
    me: &CurrentUser,
    unit: Option<&str>,
    q: Option<&str>,
    page: Option<u64>,
) -> Result<UserPage> {
    let scope = policy::scope(state, me).await?;
    let units = scope.filter(unit)?;
    // Far past the last page is an empty page, never an overflowing offset.
    let page = page.unwrap_or(1).clamp(1, MAX_PAGE);
    // An admin without a filter sees everyone, those without a unit too.
    let filter =
        (unit.is_some_and(|u| !u.trim().is_empty()) || !scope.is_admin()).then_some(&units);
    let (list, total) = store_org::users_in(
        &state.db,
        filter.map(Vec::as_slice),
        q,
        (page - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    Ok(UserPage {
        users: list.iter().map(|u| UserView::of(&scope, u)).collect(),
        total,
        page,
        per_page: PAGE_SIZE,
    })
}

/// One person, for an admin.
pub async fn user(state: &Lentera, me: &CurrentUser, username: &str) -> Result<(Scope, User)> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let scope = policy::scope(state, me).await?;
    let target = people::credentials(&state.db, username)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::UserNotFound, format!("No user '{username}'")))?
        .user;
    Ok((scope, target))
}

/// The latest entries of the audit log, for an admin.
pub async fn audit_log(
    state: &Lentera,
    me: &CurrentUser,
    limit: u64,
) -> Result<Vec<audit::AuditEntry>> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    Ok(audit::recent(&state.db, limit).await?)
}

/// A new person, or the changes to one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UserBody {
    pub username: Option<String>,
    pub nip: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub unit: Option<String>,
    pub roles: Vec<String>,
    pub active: Option<bool>,
}

fn field_error(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidUser, message).field(field)
}

async fn checked_user_fields(
    state: &Lentera,
    body: &UserBody,
) -> Result<(Option<Nip>, Option<UnitId>, Vec<Role>, Option<String>)> {
    let nip = match body.nip.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(Nip::parse(n).map_err(|e| {
            field_error("nip", format!("NIP: {e}")).details(crate::Details::Nip(e))
        })?),
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
    Ok((nip, unit, roles, email))
}

/// Creates a user; without a password in the request, a random initial one is returned
/// once. The NIP is the username unless one is given.
pub async fn create_user_as(
    state: &Lentera,
    me: &CurrentUser,
    body: &UserBody,
) -> Result<(User, String)> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let (nip, unit, roles, email) = checked_user_fields(state, body).await?;
    let username = body
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .or_else(|| nip.as_ref().map(Nip::to_string))
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
    let hash = crate::sessions::hash_password(password.clone()).await?;
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
        lentera_store::StoreError::Conflict(_) => Error::new(
            ErrorCode::UserExists,
            "A user with this username or NIP exists already",
        ),
        other => other.into(),
    })?;
    audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::UserCreated,
        &format!("user:{username}"),
        Some(Role::join(&user.roles)),
    )
    .await?;
    Ok((user, password))
}

pub async fn update_user_as(
    state: &Lentera,
    me: &CurrentUser,
    username: &str,
    body: &UserBody,
) -> Result<()> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let target = people::credentials(&state.db, username)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::UserNotFound, format!("No user '{username}'")))?
        .user;
    let (_, unit, roles, email) = checked_user_fields(state, body).await?;
    let active = body.active.unwrap_or(target.active);
    if target.id == me.user.id && (!active || !roles.contains(&Role::Admin)) {
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
    state
        .changed(crate::changes::Change::User(target.id))
        .await?;
    audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::UserUpdated,
        &format!("user:{username}"),
        Some(format!("roles={} active={active}", Role::join(&roles))),
    )
    .await?;
    Ok(())
}

/// JP earned outside Lentera (a classroom training, a seminar...), with its evidence.
#[derive(Debug, Clone, Deserialize, ToSchema)]
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
    state: &Lentera,
    me: &CurrentUser,
    username: &str,
    body: &JpBody,
) -> Result<reports::JpEntry> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let target = people::credentials(&state.db, username)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::UserNotFound, format!("No user '{username}'")))?
        .user;
    let bad = |field: &str, m: &str| Error::new(ErrorCode::InvalidJp, m.to_owned()).field(field);
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
            jp: Jp(body.jp),
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
        lentera_store::AuditAction::JpRecorded,
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

/// Why a certificate is revoked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RevokeBody {
    pub reason: String,
}

/// Revokes a certificate (admins only); visible on the verification page at once.
pub async fn revoke_as(
    state: &Lentera,
    me: &CurrentUser,
    code_or_number: &str,
    reason: &str,
) -> Result<lentera_store::learning::Certificate> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let reason = reason.trim();
    if !text::is_paragraphs(reason, 5, 500) {
        return Err(
            Error::new(ErrorCode::InvalidReason, "reason: 5-500 characters").field("reason"),
        );
    }
    let cert = match lentera_store::learning::certificate_by_code(&state.db, code_or_number).await?
    {
        Some(c) => c,
        None => reports::certificate_by_number(&state.db, code_or_number)
            .await?
            .ok_or_else(|| Error::new(ErrorCode::CertificateNotFound, "No such certificate"))?,
    };
    if !reports::revoke_certificate(&state.db, cert.id, reason).await? {
        return Err(Error::new(
            ErrorCode::AlreadyRevoked,
            "This certificate is revoked already",
        ));
    }
    audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::CertificateRevoked,
        &format!("certificate:{}", cert.number),
        Some(reason.to_owned()),
    )
    .await?;
    tracing::info!(certificate = %cert.number, "certificate revoked");
    lentera_store::learning::certificate_by_code(&state.db, &cert.code)
        .await?
        .ok_or_else(|| Error::internal("revoked certificate vanished"))
}

/// Who signs an instansi's certificates.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatoryBody {
    /// With titles; 1-120 characters.
    pub name: String,
    /// The position; 1-200 characters.
    pub jabatan: String,
    /// At most 40 characters.
    #[serde(default)]
    pub nip: Option<String>,
}

/// Which counted score (percent) earns which predikat: each the lowest score of its band.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PredikatBody {
    pub sangat_memuaskan: f64,
    pub memuaskan: f64,
    pub baik: f64,
    pub cukup: f64,
}

impl PredikatBody {
    pub fn thresholds(self) -> lentera_certificate::PredikatThresholds {
        lentera_certificate::PredikatThresholds {
            sangat_memuaskan: self.sangat_memuaskan,
            memuaskan: self.memuaskan,
            baik: self.baik,
            cukup: self.cukup,
        }
    }

    fn of(t: lentera_certificate::PredikatThresholds) -> PredikatBody {
        PredikatBody {
            sangat_memuaskan: t.sangat_memuaskan,
            memuaskan: t.memuaskan,
            baik: t.baik,
            cukup: t.cukup,
        }
    }
}

/// An instansi's settings as an admin sends them: no signatory leaves the signature block
/// off its certificates, no predikat keeps the default thresholds.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstansiBody {
    #[serde(default)]
    pub signatory: Option<SignatoryBody>,
    #[serde(default)]
    pub predikat: Option<PredikatBody>,
}

/// An instansi (a root unit) as its certificates name it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstansiView {
    pub code: String,
    /// The unit's name: the certificate's heading.
    pub name: String,
    pub signatory: Option<SignatoryBody>,
    pub predikat: PredikatBody,
    /// Whether the thresholds are the default ones.
    pub default_predikat: bool,
    /// Whether a logo is set (`GET /api/v1/units/{code}/instansi/logo` serves it).
    pub logo: bool,
}

/// The root unit of `unit_id` (itself for an instansi).
pub fn instansi_of(units: &[Unit], unit_id: UnitId) -> Option<&Unit> {
    let mut unit = units.iter().find(|u| u.id == unit_id)?;
    // A tree has no cycles (moving a unit below itself is refused); the bound is a guard.
    for _ in 0..units.len() {
        match unit.parent_id {
            Some(p) => unit = units.iter().find(|u| u.id == p)?,
            None => return Some(unit),
        }
    }
    None
}

/// An instansi's stored settings as the certificate crate takes them.
pub async fn instansi_settings(
    state: &Lentera,
    unit: &Unit,
) -> Result<(
    Option<lentera_certificate::Signatory>,
    lentera_certificate::PredikatThresholds,
)> {
    let settings = store_org::instansi_settings(&state.db, unit.id).await?;
    let signatory = settings
        .as_ref()
        .and_then(|s| s.signatory.clone())
        .map(|(name, jabatan, nip)| lentera_certificate::Signatory { name, jabatan, nip });
    let thresholds = settings
        .and_then(|s| s.thresholds)
        .map(|[a, b, c, d]| lentera_certificate::PredikatThresholds {
            sangat_memuaskan: a,
            memuaskan: b,
            baik: c,
            cukup: d,
        })
        .filter(|t| t.validate().is_ok())
        .unwrap_or_default();
    Ok((signatory, thresholds))
}

async fn root_unit(state: &Lentera, code: &str) -> Result<Unit> {
    let unit = people::unit_by_code(&state.db, code)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::UnitNotFound, format!("No unit '{code}'")))?;
    if unit.parent_id.is_some() {
        return Err(Error::new(
            ErrorCode::NotAnInstansi,
            format!(
                "'{code}' is a unit kerja, not an instansi: only a root unit has these settings"
            ),
        ));
    }
    Ok(unit)
}

async fn instansi_view(state: &Lentera, unit: &Unit) -> Result<InstansiView> {
    let (signatory, thresholds) = instansi_settings(state, unit).await?;
    let logo = store_org::instansi_logo(&state.db, unit.id)
        .await?
        .is_some();
    Ok(InstansiView {
        code: unit.code.clone(),
        name: unit.name.clone(),
        signatory: signatory.map(|s| SignatoryBody {
            name: s.name,
            jabatan: s.jabatan,
            nip: s.nip,
        }),
        predikat: PredikatBody::of(thresholds),
        default_predikat: thresholds == lentera_certificate::PredikatThresholds::default(),
        logo,
    })
}

/// An instansi's logo as its certificates print it; `None` without one (or with a stored
/// file that is no longer a PNG or JPEG, which only a hand-edited database could hold).
pub async fn instansi_logo(
    state: &Lentera,
    unit: &Unit,
) -> Result<Option<lentera_certificate::Logo>> {
    Ok(store_org::instansi_logo(&state.db, unit.id)
        .await?
        .and_then(|(_, data)| {
            lentera_certificate::LogoFormat::sniff(&data)
                .map(|format| lentera_certificate::Logo { format, data })
        }))
}

/// An instansi's logo file for admins: (content type, bytes).
pub async fn instansi_logo_as(
    state: &Lentera,
    me: &CurrentUser,
    code: &str,
) -> Result<(&'static str, Vec<u8>)> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let unit = root_unit(state, code).await?;
    instansi_logo(state, &unit)
        .await?
        .map(|logo| (logo.format.content_type(), logo.data))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::LogoNotFound,
                format!("The instansi '{code}' has no logo"),
            )
        })
}

/// The longest a logo's check may take.
const LOGO_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// Sets (`Some`) or removes (`None`) an instansi's logo (admins only, audit-logged). A
/// new file is checked off the request threads: a PNG or JPEG of at most 512 KB and
/// 4000×4000 pixels that decodes.
pub async fn set_instansi_logo_as(
    state: &Lentera,
    me: &CurrentUser,
    code: &str,
    file: Option<Vec<u8>>,
) -> Result<InstansiView> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let unit = root_unit(state, code).await?;
    let logo = match file {
        Some(data) => Some(
            crate::heavy::work(LOGO_BUDGET, move || lentera_certificate::check_logo(&data))
                .await?
                .map_err(|e| Error::new(ErrorCode::InvalidLogo, e.to_string()).field("logo"))?,
        ),
        None => None,
    };
    store_org::set_instansi_logo(
        &state.db,
        unit.id,
        logo.as_ref()
            .map(|l| (l.format.content_type(), l.data.as_slice())),
    )
    .await?;
    audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::InstansiUpdated,
        &format!("unit:{code}"),
        Some(match &logo {
            Some(l) => format!("logo={} {} bytes", l.format.content_type(), l.data.len()),
            None => "logo=removed".to_owned(),
        }),
    )
    .await?;
    instansi_view(state, &unit).await
}

/// An instansi's settings (admins only).
pub async fn instansi_as(state: &Lentera, me: &CurrentUser, code: &str) -> Result<InstansiView> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let unit = root_unit(state, code).await?;
    instansi_view(state, &unit).await
}

/// Checks an instansi's settings; the message names the field.
pub fn check_instansi(body: &InstansiBody) -> Result<()> {
    let bad = |field: &str, message: &str| {
        Err(Error::new(ErrorCode::InvalidInstansi, message).field(field))
    };
    if let Some(s) = &body.signatory {
        if !text::is_line(s.name.trim(), 1, 120) {
            return bad(
                "signatory_name",
                "signatory name: 1-120 characters, one line",
            );
        }
        if !text::is_line(s.jabatan.trim(), 1, 200) {
            return bad("signatory_jabatan", "jabatan: 1-200 characters, one line");
        }
        if s.nip
            .as_deref()
            .is_some_and(|n| !text::is_line(n.trim(), 0, 40))
        {
            return bad("signatory_nip", "signatory NIP: at most 40 characters");
        }
    }
    if let Some(p) = body.predikat
        && let Err(e) = p.thresholds().validate()
    {
        return bad("predikat", &format!("predikat: {e}"));
    }
    Ok(())
}

/// Sets an instansi's signatory and predikat thresholds (admins only, audit-logged).
pub async fn set_instansi_as(
    state: &Lentera,
    me: &CurrentUser,
    code: &str,
    body: &InstansiBody,
) -> Result<InstansiView> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let unit = root_unit(state, code).await?;
    check_instansi(body)?;
    let clean = |s: &str| s.trim().to_owned();
    store_org::set_instansi_settings(
        &state.db,
        &store_org::InstansiSettings {
            unit_id: unit.id,
            signatory: body.signatory.as_ref().map(|s| {
                (
                    clean(&s.name),
                    clean(&s.jabatan),
                    s.nip.as_deref().map(clean).filter(|n| !n.is_empty()),
                )
            }),
            thresholds: body
                .predikat
                .map(|p| [p.sangat_memuaskan, p.memuaskan, p.baik, p.cukup]),
        },
    )
    .await?;
    audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::InstansiUpdated,
        &format!("unit:{code}"),
        Some(format!(
            "signatory={} predikat={}",
            body.signatory.as_ref().map_or("-", |s| s.name.as_str()),
            if body.predikat.is_some() {
                "set"
            } else {
                "default"
            }
        )),
    )
    .await?;
    instansi_view(state, &unit).await
}
