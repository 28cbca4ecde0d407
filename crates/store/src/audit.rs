//! The audit log: who did what to which object, for every administrative action.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::Result;
use crate::entity::audit_entry;

/// Appends one entry. `detail` must never hold a secret (passwords, tokens).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor_id: Option<i32>,
    action: &str,
    target: &str,
    detail: Option<String>,
) -> Result<()> {
    audit_entry::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(actor_id),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
