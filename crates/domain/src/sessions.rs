//! Who is asking: passwords (argon2id), JWTs naming a server-side session, and the
//! extractors that give handlers the signed-in user.

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::Lentera;
use crate::UserId;
use crate::cache::ShortCache;
use crate::changes::Change;
use crate::error::{Error, Result};
use crate::keys::random_bytes;
use crate::policy::Role;
use lentera_store::people::{self, User};

/// Hashes a password with argon2id in the password pool ([`crate::heavy::password`]): a
/// hash takes tens of milliseconds of CPU, which must not stall the async workers.
pub async fn hash_password(password: String) -> Result<String> {
    crate::heavy::password(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await?
    .map_err(Error::internal)
}

/// Hashing for the CLI (no actix runtime needed).
pub fn hash_password_blocking(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

/// A valid hash of a random password: checking against it when the user does not exist
/// costs the same time as a real check, so response times do not reveal usernames.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bGVudGVyYWR1bW15c2FsdA$RgTRrPmygZ4i6phpJC9FiwGNOYQu1a5m1Tu0lyE84ho";

pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool> {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
    Ok(crate::passwords::check(password, hash).await && known)
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    sid: String,
    iat: i64,
    exp: i64,
    iss: String,
}

/// Starts a session for `user` and returns its JWT.
pub async fn start_session(state: &Lentera, user: &User) -> Result<String> {
    let sid = hex::encode(random_bytes::<18>().map_err(Error::internal)?);
    let now = Utc::now();
    let expires = now + Duration::hours(state.config.session_hours);
    people::create_session(&state.db, &sid, user.id, expires).await?;
    let claims = Claims {
        sub: user.id.to_string(),
        sid,
        iat: now.timestamp(),
        exp: expires.timestamp(),
        iss: "lentera".into(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &state.keys.encoding,
    )
    .map_err(Error::internal)
}

/// The session id and expiry (Unix seconds) inside a token whose signature and expiry are
/// valid.
fn session_of(decoding: &DecodingKey, token: &str) -> Option<(String, i64)> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&["lentera"]);
    validation.leeway = 5;
    jsonwebtoken::decode::<Claims>(token, decoding, &validation)
        .ok()
        .map(|data| (data.claims.sid, data.claims.exp))
}

/// The signed-in user and the session they are using.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub session_id: String,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.user.roles.contains(&role)
    }
}

/// The longest token looked at: ours are a few hundred bytes, so anything longer is not
/// one of ours and is refused before any work.
const MAX_TOKEN: usize = 2048;

pub async fn user_for_token(state: &Lentera, token: &str) -> Result<Option<CurrentUser>> {
    if token.len() > MAX_TOKEN {
        return Ok(None);
    }
    let key = token.to_owned();
    // Only a token we signed is looked up, and so only such a token is ever kept: a flood of
    // made-up tokens costs a signature check each and no memory. A token seen in the last
    // few seconds is in the cache, and its signature was checked when it was put there.
    if !state.sessions.cache.contains_fresh(&key)
        && session_of(&state.keys.decoding, token).is_none()
    {
        return Ok(None);
    }
    let found = state
        .sessions
        .cache
        .get(&key, || {
            // Cloned only when a load is due: a cache hit allocates nothing more.
            let (decoding, db, token) =
                (state.keys.decoding.clone(), state.db.clone(), key.clone());
            async move {
                let Some((session_id, expires)) = session_of(&decoding, &token) else {
                    return Ok(None);
                };
                let user = people::session_user(&db, &session_id).await?;
                Ok(user.map(|user| CachedSession {
                    session_id,
                    expires,
                    user,
                }))
            }
        })
        .await?;
    Ok(found
        .filter(|s| s.expires > Utc::now().timestamp())
        .map(|s| CurrentUser {
            user: s.user,
            session_id: s.session_id,
        }))
}

/// Ends the caller's session (sign-out): the token is refused from now on.
pub async fn sign_out(state: &Lentera, me: &CurrentUser) -> Result<()> {
    people::revoke_session(&state.db, &me.session_id).await?;
    state.changed(Change::Session(me.session_id.clone())).await
}

/// Remembers the caller's language (`id` or `en`) on their account.
pub async fn set_language(state: &Lentera, me: &CurrentUser, code: &str) -> Result<()> {
    people::set_language(&state.db, me.user.id, code).await?;
    state.changed(Change::User(me.user.id)).await
}

/// What a user costs in memory, roughly: their strings.
pub fn user_bytes(u: &User) -> usize {
    u.username.len()
        + u.name.len()
        + u.nip.as_ref().map_or(0, |n| n.as_str().len())
        + u.email.as_ref().map_or(0, String::len)
        + u.language.len()
        + u.time_zone.len()
        + u.roles.len() * std::mem::size_of::<lentera_store::Role>()
        + std::mem::size_of::<User>()
}

/// Signed-in users by token, for a few seconds ([`crate::cache`]): a token seen in the
/// last [`SESSION_TTL`] is neither verified again (HMAC, JSON) nor looked up in the
/// database. Sign-out, a password change, deactivation and role changes made through this
/// process take effect at once; made on another replica, within [`SESSION_TTL`]. A token
/// is never used past its own expiry.
pub struct SessionCache {
    /// By token; `None` for a token that names no live session.
    cache: ShortCache<String, Option<CachedSession>>,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache {
            cache: ShortCache::new(SESSION_TTL, 50_000, 32 << 20, |token, session| {
                token.len()
                    + session
                        .as_ref()
                        .map_or(0, |s| s.session_id.len() + user_bytes(&s.user))
            }),
        }
    }
}

#[derive(Clone)]
struct CachedSession {
    session_id: String,
    /// The token's own expiry (Unix seconds).
    expires: i64,
    user: User,
}

pub const SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl SessionCache {
    /// Entries and bytes held.
    pub fn size(&self) -> (usize, usize) {
        self.cache.size()
    }

    /// Only through `Lentera::changed` (crate::changes), so every replica hears of it.
    pub(crate) fn forget_session(&self, session_id: &str) {
        self.cache
            .retain(|_, s| s.as_ref().is_none_or(|s| s.session_id != session_id));
    }

    /// Only through `Lentera::changed` (crate::changes), so every replica hears of it.
    pub(crate) fn forget_user(&self, user_id: UserId) {
        self.cache
            .retain(|_, s| s.as_ref().is_none_or(|s| s.user.id != user_id));
    }

    /// Only through `Lentera::changed` (crate::changes), so every replica hears of it.
    pub(crate) fn forget_all(&self) {
        self.cache.clear();
    }
}
