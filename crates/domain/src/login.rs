//! Signing in, shared by the API and the sign-in page: rate limits per account and per
//! client address, constant-time-ish checks, and an audit trail of failures.

use crate::Lentera;
use crate::error::{Error, ErrorCode, Result};
use crate::sessions as auth;
use lentera_store::people::{self, User};

/// The longest password we hash: argon2 accepts more, but a megabyte "password" is a
/// denial-of-service attempt, not a secret.
const MAX_PASSWORD: usize = 1024;

/// Checks the limits, then the password. Every answer to a wrong username or password is
/// the same, so the response does not reveal which usernames exist.
pub async fn sign_in(
    state: &Lentera,
    address: &str,
    username: &str,
    password: String,
) -> Result<(String, User)> {
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(Error::new(
            ErrorCode::MissingCredentials,
            "Enter a username and a password",
        ));
    }
    if username.len() > 200 || password.len() > MAX_PASSWORD {
        return Err(Error::new(
            ErrorCode::InvalidCredentials,
            "Wrong username or password",
        ));
    }
    if !state.login_by_address.allow(address).await?
        || !state
            .login_by_account
            .allow(&username.to_lowercase())
            .await?
    {
        tracing::warn!(%address, "login rate limit reached");
        return Err(Error::new(
            ErrorCode::TooManyRequests,
            "Too many sign-in attempts; wait a minute and try again",
        ));
    }
    let creds = people::credentials(&state.db, username).await?;
    let (user, hash) = match creds {
        Some(c) => (Some(c.user), Some(c.password_hash)),
        None => (None, None),
    };
    let ok = auth::verify_password(password, hash).await?;
    match user {
        Some(user) if ok && user.active => {
            let token = auth::start_session(state, &user).await?;
            tracing::info!(user = user.id.0, "signed in");
            Ok((token, user))
        }
        _ => {
            tracing::info!(%address, "failed sign-in");
            Err(Error::new(
                ErrorCode::InvalidCredentials,
                "Wrong username or password",
            ))
        }
    }
}

/// The limit on password changes (each checks the current password), per account and per
/// client address.
pub async fn check_password_rate(state: &Lentera, address: &str, user: &User) -> Result<()> {
    if !state.password_by_address.allow(address).await?
        || !state
            .password_by_account
            .allow(&user.id.to_string())
            .await?
    {
        tracing::warn!(%address, user = user.id.0, "password change rate limit reached");
        return Err(Error::new(
            ErrorCode::TooManyRequests,
            "Too many password attempts; wait a minute and try again",
        ));
    }
    Ok(())
}

/// Changes the caller's password after checking the current one (a one-time password an
/// admin gave counts as current, and is then no longer to be changed). Every session ends,
/// this one included: the client signs in again.
pub async fn change_password(
    state: &Lentera,
    me: &crate::sessions::CurrentUser,
    address: &str,
    current: String,
    new: String,
) -> Result<()> {
    check_new_password(&new).map_err(|e| e.field("new_password"))?;
    if new == current {
        return Err(Error::new(
            ErrorCode::WeakPassword,
            "Choose a password other than the current one",
        )
        .field("new_password"));
    }
    // Each change checks the current password: limited like sign-in, or a stolen session
    // could guess the password at leisure.
    check_password_rate(state, address, &me.user).await?;
    let creds = people::credentials(&state.db, &me.user.username).await?;
    if !auth::verify_password(current, creds.map(|c| c.password_hash)).await? {
        return Err(Error::new(
            ErrorCode::InvalidCredentials,
            "The current password is wrong",
        )
        .field("current_password"));
    }
    let hash = auth::hash_password(new).await?;
    people::set_password(&state.db, me.user.id, &hash).await?;
    state
        .changed(crate::changes::Change::User(me.user.id))
        .await?;
    lentera_store::audit::record(
        &state.db,
        Some(me.user.id),
        lentera_store::AuditAction::PasswordChanged,
        &format!("user:{}", me.user.id),
        None,
    )
    .await?;
    Ok(())
}

/// The change-password page's change: the new password typed twice, then
/// [`change_password`], then a new session for this browser (the others stay signed out),
/// whose token is returned.
pub async fn change_password_and_stay(
    state: &Lentera,
    me: &crate::sessions::CurrentUser,
    address: &str,
    current: String,
    new: String,
    repeat: &str,
) -> Result<String> {
    check_repeat(&new, repeat)?;
    change_password(state, me, address, current, new).await?;
    let user = people::user_by_id(&state.db, me.user.id)
        .await?
        .ok_or_else(|| Error::internal("user vanished during a password change"))?;
    auth::start_session(state, &user).await
}

/// The new password and its repetition must be the same.
pub fn check_repeat(new: &str, repeat: &str) -> Result<()> {
    if new == repeat {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::PasswordsDiffer,
            "The new password and its repetition differ",
        )
        .field("repeat_password"))
    }
}

/// The rules a new password must meet.
pub fn check_new_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err(Error::new(
            ErrorCode::WeakPassword,
            "A password needs at least 10 characters",
        ));
    }
    if password.len() > MAX_PASSWORD {
        return Err(Error::new(
            ErrorCode::WeakPassword,
            "A password may have at most 1024 bytes",
        ));
    }
    Ok(())
}
