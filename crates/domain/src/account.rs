//! The e-mail outbox as admins see it: whether mail is on, how many mails are in each
//! state, and the latest ones (never their text).

use serde::Serialize;
use utoipa::ToSchema;

use crate::Lentera;
use crate::error::{Error, ErrorCode, Result};
use crate::policy::{self, Action, Resource};
use crate::sessions::CurrentUser;
use lentera_store::{MailKind, MailState, outbox};

/// A mail as admins see it in the outbox (never its body).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MailView {
    pub id: i32,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub state: MailState,
    /// Tries so far.
    pub attempts: i32,
    /// The SMTP server's (or the network's) last refusal.
    pub last_error: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// When the next try is due (pending mails).
    pub next_attempt_at: String,
    pub sent_at: Option<String>,
}

/// How many mails are in each state.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

/// The outbox: whether mail is on, the counts, and the latest mails.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxView {
    /// Whether an SMTP server is configured (without one, nothing is queued).
    pub configured: bool,
    pub counts: OutboxCounts,
    /// The latest 100 (of the state asked for), newest first.
    pub mails: Vec<MailView>,
}

/// The outbox, for an admin: every state, or one (`pending`, `sending`, `sent`, `failed`).
pub async fn outbox(state: &Lentera, me: &CurrentUser, only: Option<&str>) -> Result<OutboxView> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let only = match only.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(name) => Some(MailState::parse(name).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidQuery,
                "state: pending, sending, sent or failed",
            )
            .field("state")
        })?),
    };
    let mut counts = OutboxCounts::default();
    for (s, n) in outbox::counts(&state.db).await? {
        match s {
            MailState::Pending => counts.pending = n,
            MailState::Sending => counts.sending = n,
            MailState::Sent => counts.sent = n,
            MailState::Failed => counts.failed = n,
        }
    }
    let mails = outbox::recent(&state.db, only, 100)
        .await?
        .into_iter()
        .map(|m| MailView {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            state: m.state,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at.to_rfc3339(),
            next_attempt_at: m.next_attempt_at.to_rfc3339(),
            sent_at: m.sent_at.map(|d| d.to_rfc3339()),
        })
        .collect();
    Ok(OutboxView {
        configured: state.mail.enabled(),
        counts,
        mails,
    })
}
