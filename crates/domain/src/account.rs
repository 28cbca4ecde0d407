//! Password self-service beyond the change itself (`login::change_password`): a forgotten
//! password reset through a link sent by e-mail, an admin's reset with a one-time password,
//! and the outbox as admins see it.
//!
//! A reset link is a random 256-bit token; only its SHA-256 is stored, it is valid for
//! [`LINK_HOURS`] hour and once, and using it ends every session of the user. The answer to
//! a request is the same whether the account exists, has an address or not, so the page
//! reveals nobody's account; requests are limited per client address (in memory) and per
//! account ([`LINKS_PER_HOUR`] links, counted in the database, so every replica sees them).

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use chrono::{Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::Lentera;
use crate::error::{Error, ErrorCode, Result};
use crate::policy::{self, Action, Resource};
use crate::sessions::CurrentUser;
use lentera_store::people::{self, User};
use lentera_store::{AuditAction, MailKind, MailState, audit, outbox, resets};

/// How long a reset link lives.
pub const LINK_HOURS: i64 = 1;
/// Reset links made for one account within an hour, at most: more requests are answered
/// alike and mail nothing (no flood of mail to someone else's inbox).
pub const LINKS_PER_HOUR: u64 = 3;

/// The path of the page a reset link opens (the token goes in its query, which the request
/// log does not record).
pub const RESET_PATH: &str = "/atur-ulang-sandi";

/// Whether a forgotten password can be reset by e-mail here (an SMTP server is configured);
/// otherwise the page says whom to ask.
pub fn reset_by_mail(state: &Lentera) -> bool {
    state.mail.enabled()
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `token` looks like one of ours (64 hex digits): anything else is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// "Lupa kata sandi?": mails a reset link to the account named `username` (a NIP or a
/// login), when it is active, has an address, and mail is on. The answer is the same in
/// every case but a missing name or too many requests from one address, and it comes as
/// soon: the account is looked up and the link made after the answer, so its time does not
/// tell whether the account exists either.
pub async fn request_reset<S>(state: Arc<S>, address: &str, username: &str) -> Result<()>
where
    S: Deref<Target = Lentera> + Send + Sync + 'static,
{
    let username = username.trim();
    if username.is_empty() || username.len() > 200 {
        return Err(
            Error::new(ErrorCode::MissingCredentials, "Enter your NIP or username")
                .field("username"),
        );
    }
    if !state.reset_by_address.allow(address).await? {
        tracing::warn!(%address, "password reset rate limit reached");
        return Err(Error::new(
            ErrorCode::TooManyRequests,
            "Too many requests; wait a minute and try again",
        ));
    }
    if !reset_by_mail(&state) {
        return Ok(());
    }
    let username = username.to_owned();
    tokio::spawn(async move {
        // One at a time in this server, so requests in quick succession count each other's
        // links (across replicas the count is as exact as the database's timing).
        static MAKING: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
        let _one = MAKING
            .get_or_init(|| tokio::sync::Mutex::new(()))
            .lock()
            .await;
        if let Err(e) = mail_reset_link(&state, &username).await {
            tracing::error!(error = %e, "password reset: the link was not made");
        }
    });
    Ok(())
}

/// Makes a reset link for `username` and queues its mail, when the account is active, has
/// an address and has had fewer than [`LINKS_PER_HOUR`] links in the last hour.
async fn mail_reset_link(state: &Lentera, username: &str) -> Result<()> {
    let Some(user) = people::credentials(&state.db, username)
        .await?
        .map(|c| c.user)
        .filter(|u| u.active)
    else {
        return Ok(());
    };
    let since = Utc::now() - Duration::hours(1);
    if resets::made_since(&state.db, user.id, since).await? >= LINKS_PER_HOUR {
        tracing::info!(user = user.id.0, "password reset: links per hour reached");
        return Ok(());
    }
    let token = hex::encode(crate::keys::random_bytes::<32>().map_err(Error::internal)?);
    let link = format!("{}{RESET_PATH}?token={token}", state.config.public_url);
    let Some(mail) = crate::mail::password_reset(state, &user, &link) else {
        // No address on the account: the page already says whom to ask.
        return Ok(());
    };
    let expires = Utc::now() + Duration::hours(LINK_HOURS);
    resets::create(&state.db, user.id, &token_hash(&token), expires, &mail).await?;
    state.mail.wake();
    tracing::info!(user = user.id.0, "password reset link queued");
    Ok(())
}

fn link_invalid() -> Error {
    Error::new(
        ErrorCode::ResetLinkInvalid,
        "This link is used, expired or not one of ours; ask for a new one",
    )
}

/// Whether `token` is a reset link that may still be used (the page shows its form, or
/// says to ask for a new one).
pub async fn check_link(state: &Lentera, token: &str) -> Result<()> {
    if !plausible(token)
        || resets::valid(&state.db, &token_hash(token))
            .await?
            .is_none()
    {
        return Err(link_invalid());
    }
    Ok(())
}

/// Sets a new password through a reset link: the password typed twice and meeting the
/// rules, the link valid; the link is used up, every session of the user ends.
pub async fn reset_with_link(
    state: &Lentera,
    address: &str,
    token: &str,
    new: String,
    repeat: &str,
) -> Result<()> {
    crate::login::check_new_password(&new).map_err(|e| e.field("new_password"))?;
    crate::login::check_repeat(&new, repeat)?;
    if !state.password_by_address.allow(address).await? {
        return Err(Error::new(
            ErrorCode::TooManyRequests,
            "Too many password attempts; wait a minute and try again",
        ));
    }
    // A link known to be dead costs no hash.
    check_link(state, token).await?;
    let hash = crate::sessions::hash_password(new).await?;
    let user = resets::use_link(&state.db, &token_hash(token), &hash)
        .await?
        .ok_or_else(link_invalid)?;
    state.changed(crate::changes::Change::User(user)).await?;
    audit::record(
        &state.db,
        Some(user),
        AuditAction::PasswordResetByMail,
        &format!("user:{user}"),
        None,
    )
    .await?;
    tracing::info!(user = user.0, "password reset through a mailed link");
    Ok(())
}

/// An admin's reset of `username`'s password: a new one-time password (returned, to be
/// shown once and never stored in clear) that the user must change at their next sign-in;
/// every session and reset link of the user ends.
pub async fn reset_by_admin(
    state: &Lentera,
    me: &CurrentUser,
    username: &str,
) -> Result<(User, String)> {
    policy::authorize(state, me, Action::Administer, Resource::Instance).await?;
    let target = people::credentials(&state.db, username)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::UserNotFound, format!("No user '{username}'")))?
        .user;
    let password = crate::org::initial_password()?;
    let hash = crate::sessions::hash_password(password.clone()).await?;
    resets::set_one_time_password(&state.db, target.id, &hash).await?;
    state
        .changed(crate::changes::Change::User(target.id))
        .await?;
    audit::record(
        &state.db,
        Some(me.user.id),
        AuditAction::PasswordResetByAdmin,
        &format!("user:{}", target.username),
        None,
    )
    .await?;
    Ok((
        User {
            must_change_password: true,
            ..target
        },
        password,
    ))
}

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

/// How many mails (or xAPI statements) are in each state.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

impl OutboxCounts {
    /// From an outbox's (state, count) pairs.
    pub(crate) fn of(pairs: &[(MailState, i64)]) -> OutboxCounts {
        let mut counts = OutboxCounts::default();
        for (s, n) in pairs {
            match s {
                MailState::Pending => counts.pending = *n,
                MailState::Sending => counts.sending = *n,
                MailState::Sent => counts.sent = *n,
                MailState::Failed => counts.failed = *n,
            }
        }
        counts
    }
}

/// The state an outbox listing asks for: every state, or one (`pending`, `sending`,
/// `sent`, `failed`).
pub(crate) fn outbox_state(only: Option<&str>) -> Result<Option<MailState>> {
    match only.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(name) => Ok(Some(MailState::parse(name).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidQuery,
                "state: pending, sending, sent or failed",
            )
            .field("state")
        })?)),
    }
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
    let only = outbox_state(only)?;
    let counts = OutboxCounts::of(&outbox::counts(&state.db).await?);
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

#[cfg(test)]
mod tests {
    use super::{plausible, token_hash};

    #[test]
    fn only_our_tokens_are_looked_up_and_only_their_hash_is_kept() {
        let token = "ab".repeat(32);
        assert!(plausible(&token));
        assert!(!plausible("ab"));
        assert!(!plausible(&"zz".repeat(32)));
        assert!(!plausible(&format!("{}é", "a".repeat(62))));
        let hash = token_hash(&token);
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, token);
    }
}
