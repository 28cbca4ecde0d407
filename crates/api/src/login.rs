//! Signing in, shared by the API and the sign-in page: rate limits per account and per
//! client address, constant-time-ish checks, and an audit trail of failures.

use actix_web::HttpRequest;

use crate::auth;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use lentera_store::people::{self, User};

/// The longest password we hash: argon2 accepts more, but a megabyte "password" is a
/// denial-of-service attempt, not a secret.
const MAX_PASSWORD: usize = 1024;

pub fn client_address(req: &HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

/// Checks the limits, then the password. Every answer to a wrong username or password is
/// the same, so the response does not reveal which usernames exist.
pub async fn sign_in(
    state: &AppState,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> AppResult<(String, User)> {
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(AppError::unprocessable(
            "missing_credentials",
            "Enter a username and a password",
        ));
    }
    if username.len() > 200 || password.len() > MAX_PASSWORD {
        return Err(AppError::unauthorized(
            "invalid_credentials",
            "Wrong username or password",
        ));
    }
    let address = client_address(req);
    if state.login_by_address.check_key(&address).is_err()
        || state
            .login_by_account
            .check_key(&username.to_lowercase())
            .is_err()
    {
        tracing::warn!(%address, "login rate limit reached");
        return Err(AppError::too_many(
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
            tracing::info!(user = user.id, "signed in");
            Ok((token, user))
        }
        _ => {
            tracing::info!(%address, "failed sign-in");
            Err(AppError::unauthorized(
                "invalid_credentials",
                "Wrong username or password",
            ))
        }
    }
}

/// The rules a new password must meet.
pub fn check_new_password(password: &str) -> AppResult<()> {
    let chars = password.chars().count();
    if chars < 10 {
        return Err(AppError::unprocessable(
            "weak_password",
            "A password needs at least 10 characters",
        ));
    }
    if password.len() > MAX_PASSWORD {
        return Err(AppError::unprocessable(
            "weak_password",
            "A password may have at most 1024 bytes",
        ));
    }
    Ok(())
}
