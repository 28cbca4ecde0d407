//! Signing in, shared by the API and the sign-in page: rate limits per account and per
//! client address, constant-time-ish checks, and an audit trail of failures.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::auth;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use lentera_store::people::{self, User};

/// The longest password we hash: argon2 accepts more, but a megabyte "password" is a
/// denial-of-service attempt, not a secret.
const MAX_PASSWORD: usize = 1024;

/// The address a request comes from, for the rate limits and the audit log: the peer, or,
/// when the peer is one of our reverse proxies (`LENTERA_TRUSTED_PROXIES`), the nearest
/// address in `X-Forwarded-For` that is not one of them. Entries further left were written
/// by the client and could say anything, so they are never used.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            // Our proxy wrote something that is not an address: count it as the proxy.
            Err(_) => break,
        }
    }
    peer.to_string()
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
    let address = client_address(req, &state.config.trusted_proxies);
    if !state.login_by_address.check(&address)
        || !state.login_by_account.check(&username.to_lowercase())
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

/// The limit on password changes (each checks the current password), per account and per
/// client address.
pub fn check_password_rate(state: &AppState, req: &HttpRequest, user: &User) -> AppResult<()> {
    let address = client_address(req, &state.config.trusted_proxies);
    if !state.password_by_address.check(&address)
        || !state.password_by_account.check(&user.id.to_string())
    {
        tracing::warn!(%address, user = user.id, "password change rate limit reached");
        return Err(AppError::too_many(
            "Too many password attempts; wait a minute and try again",
        ));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn address(peer: &str, forwarded: &[&str], trusted: &[&str]) -> String {
        let mut req =
            TestRequest::default().peer_addr(peer.parse().unwrap_or_else(|e| panic!("{e}")));
        for f in forwarded {
            req = req.append_header(("x-forwarded-for", *f));
        }
        let trusted: Vec<IpAddr> = trusted
            .iter()
            .map(|t| t.parse().unwrap_or_else(|e| panic!("{e}")))
            .collect();
        client_address(&req.to_http_request(), &trusted)
    }

    #[test]
    fn forwarded_addresses_only_from_trusted_proxies() {
        // No proxy configured: the header is ignored.
        assert_eq!(
            address("198.51.100.7:5000", &["203.0.113.9"], &[]),
            "198.51.100.7"
        );
        // Behind the proxy: the address it saw.
        let proxy = ["10.0.0.2"];
        assert_eq!(
            address("10.0.0.2:5000", &["203.0.113.9"], &proxy),
            "203.0.113.9"
        );
        // What the client wrote itself (to the left) is not believed.
        assert_eq!(
            address("10.0.0.2:5000", &["1.2.3.4, 203.0.113.9"], &proxy),
            "203.0.113.9"
        );
        assert_eq!(
            address("10.0.0.2:5000", &["1.2.3.4", "203.0.113.9"], &proxy),
            "203.0.113.9"
        );
        // Two proxies in a row are both skipped.
        assert_eq!(
            address(
                "10.0.0.2:5000",
                &["203.0.113.9, 10.0.0.3"],
                &["10.0.0.2", "10.0.0.3"]
            ),
            "203.0.113.9"
        );
        // A proxy that forwards nothing, or garbage, is counted as itself.
        assert_eq!(address("10.0.0.2:5000", &[], &proxy), "10.0.0.2");
        assert_eq!(
            address("10.0.0.2:5000", &["bukan-alamat"], &proxy),
            "10.0.0.2"
        );
        // A client naming the proxy does not get past it: the header is ignored.
        assert_eq!(
            address("198.51.100.7:5000", &["10.0.0.2"], &proxy),
            "198.51.100.7"
        );
    }
}
