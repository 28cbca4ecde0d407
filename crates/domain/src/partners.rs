//! Partner institutions (a university, a training agency, another government body): admins
//! record them (audit-logged); events name one as their organiser.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, ErrorCode, Result, unique};
use crate::policy::{self, Action, Resource};
use crate::sessions::CurrentUser;
use crate::{Lentera, text};
use lentera_store::events::{self as store, Partner};
use lentera_store::{AuditAction, audit};

/// The kinds of partner.
pub const KINDS: [&str; 4] = ["universitas", "lembaga_pelatihan", "instansi", "lainnya"];

/// The most partners a list shows.
const LIST_LIMIT: u64 = 500;

/// A new partner.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PartnerBody {
    /// 2-40 letters, digits, '-', '_' or '.' (e.g. `UNJA`).
    pub code: String,
    /// 3-200 characters, one line (e.g. "Universitas Jambi").
    pub name: String,
    /// universitas, lembaga_pelatihan, instansi or lainnya.
    pub kind: String,
}

/// A partner as the API and pages show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerView {
    pub code: String,
    pub name: String,
    pub kind: String,
}

impl PartnerView {
    pub fn of(p: &Partner) -> PartnerView {
        PartnerView {
            code: p.code.clone(),
            name: p.name.clone(),
            kind: p.kind.clone(),
        }
    }
}

fn invalid(field: &str, message: &str) -> Error {
    Error::new(ErrorCode::InvalidPartner, message).field(field)
}

/// Checks a new partner's fields; the message names the field.
fn check(body: &PartnerBody) -> Result<()> {
    let code = body.code.trim();
    let code_ok = (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if !code_ok {
        return Err(invalid(
            "code",
            "code: 2-40 letters, digits, '-', '_' or '.'",
        ));
    }
    if !text::is_line(&body.name, 3, 200) {
        return Err(invalid("name", "name: 3-200 characters, one line"));
    }
    if !KINDS.contains(&body.kind.trim()) {
        return Err(invalid(
            "kind",
            "kind: universitas, lembaga_pelatihan, instansi or lainnya",
        ));
    }
    Ok(())
}

/// Records a partner (admins, audit-logged).
pub async fn create(state: &Lentera, me: &CurrentUser, body: &PartnerBody) -> Result<PartnerView> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    check(body)?;
    let code = body.code.trim();
    let partner = store::create_partner(
        &state.db,
        code,
        body.name.trim(),
        body.kind.trim(),
        me.user.id,
    )
    .await
    .map_err(unique(
        ErrorCode::PartnerExists,
        format!("A partner '{code}' exists already"),
    ))?;
    audit::record(
        &state.db,
        Some(me.user.id),
        AuditAction::PartnerCreated,
        &format!("partner:{code}"),
        Some(partner.name.clone()),
    )
    .await?;
    Ok(PartnerView::of(&partner))
}

/// Every partner, by name (at most 500). Anyone signed in may read them: events show
/// their organiser's name anyway.
pub async fn list(state: &Lentera) -> Result<Vec<PartnerView>> {
    Ok(store::partners(&state.db, LIST_LIMIT)
        .await?
        .iter()
        .map(PartnerView::of)
        .collect())
}
