//! The audit log: who did what to which object, for every administrative action.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::Result;
use crate::entity::audit_entry;
use crate::types::{AuditAction, UserId};

/// Appends one entry. `detail` must never hold a secret (passwords, tokens).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor_id: Option<UserId>,
    action: AuditAction,
    target: &str,
    detail: Option<String>,
) -> Result<()> {
    audit_entry::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(actor_id),
        action: Set(action.as_str().to_owned()),
        target: Set(target.to_owned()),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An entry of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: chrono::DateTime<Utc>,
    pub actor_id: Option<UserId>,
    /// The action's name as recorded ([`AuditAction::as_str`] of its day).
    pub action: String,
    pub target: String,
    pub detail: Option<String>,
}

/// The latest entries, newest first.
pub async fn recent<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<AuditEntry>> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    Ok(audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| AuditEntry {
            at: m.at,
            actor_id: m.actor_id,
            action: m.action,
            target: m.target,
            detail: m.detail,
        })
        .collect())
}
