//! Who is asking: passwords (argon2id), JWTs naming a server-side session, and the
//! extractors that give handlers the signed-in user.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache::ShortCache;
use crate::error::{AppError, AppResult};
use crate::policy::Role;
use crate::state::AppState;
use lentera_store::people::{self, User};

/// Secrets of this instance.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Salt for the opaque option ids of quizzes: its own random key (`LENTERA_QUIZ_KEY`,
    /// else `DATA_DIR/quiz-key`), so knowing another secret never maps option ids back to
    /// the author's order. Replicas share it through configuration.
    pub quiz_salt: Vec<u8>,
    /// The instance's Ed25519 key that signs certificates.
    pub certificates: lentera_certificate::SigningKey,
}

/// Reads a hex secret from `path`, or creates one with `fresh` there (mode 0600).
fn secret_file(
    path: &Path,
    fresh: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        _ => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let fresh = hex::encode(fresh()?);
            write_private(path, &fresh)?;
            Ok(fresh)
        }
    }
}

fn random_32() -> anyhow::Result<Vec<u8>> {
    Ok(random_bytes::<32>()?.to_vec())
}

/// A 32-byte key: from its variable (64 hex digits, checked by [`crate::secrets`]) or its
/// file in the data directory, made with `fresh` on first start.
fn hex_key(
    name: &str,
    env: Option<&str>,
    path: &Path,
    fresh: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<[u8; 32]> {
    match env {
        Some(value) => crate::secrets::check_hex_key(name, value),
        None => {
            let text = secret_file(path, fresh)?;
            hex::decode(&text)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| {
                    anyhow::anyhow!("{}: expected 64 hexadecimal digits", path.display())
                })
        }
    }
}

/// The certificate signing key: `LENTERA_SIGNING_KEY` (64 hex digits, shared by replicas)
/// or `DATA_DIR/certificate-key`, made on first start.
pub fn load_signing_key(
    env: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<lentera_certificate::SigningKey> {
    let bytes = hex_key(
        "LENTERA_SIGNING_KEY",
        env,
        &data_dir.join("certificate-key"),
        random_32,
    )?;
    Ok(lentera_certificate::SigningKey::from_bytes(&bytes))
}

impl Keys {
    /// The JWT secret from `LENTERA_JWT_SECRET` when set (replicas must share one), else from
    /// `DATA_DIR/jwt-secret`, created with 32 random bytes on first start; the signing key
    /// and the quiz key likewise.
    pub fn load(config: &crate::Config) -> anyhow::Result<Keys> {
        let data_dir = &config.data_dir;
        let jwt_file = data_dir.join("jwt-secret");
        // An instance that already ran with a secret file had its quiz ids derived from that
        // (random, unpublished) secret: its first quiz key keeps them, so attempts in
        // progress keep their answers. Every new instance gets a random key.
        let legacy_secret = (config.jwt_secret.is_none() && jwt_file.is_file())
            .then(|| std::fs::read_to_string(&jwt_file).ok())
            .flatten()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let secret = match config.jwt_secret.as_deref() {
            Some(s) => s.as_bytes().to_vec(),
            None => secret_file(&jwt_file, random_32)?.into_bytes(),
        };
        let quiz_key = hex_key(
            "LENTERA_QUIZ_KEY",
            config.quiz_key.as_deref(),
            &data_dir.join("quiz-key"),
            || match legacy_secret {
                Some(old) => {
                    let mut salt = Sha256::new();
                    salt.update(b"lentera quiz option ids\0");
                    salt.update(old.as_bytes());
                    Ok(salt.finalize().to_vec())
                }
                None => random_32(),
            },
        )?;
        Ok(Keys {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            quiz_salt: quiz_key.to_vec(),
            certificates: load_signing_key(config.signing_key.as_deref(), data_dir)?,
        })
    }
}

/// Writes a secret file readable by its owner only.
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?;
        file.write_all(contents.as_bytes())?;
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, contents)?;
        Ok(())
    }
}

pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(buf)
}

/// Hashes a password with argon2id in the password pool ([`crate::heavy::password`]): a
/// hash takes tens of milliseconds of CPU, which must not stall the async workers.
pub async fn hash_password(password: String) -> AppResult<String> {
    crate::heavy::password(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await?
    .map_err(AppError::internal)
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

pub async fn verify_password(password: String, hash: Option<String>) -> AppResult<bool> {
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
pub async fn start_session(state: &AppState, user: &User) -> AppResult<String> {
    let sid = hex::encode(random_bytes::<18>().map_err(AppError::internal)?);
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
    .map_err(AppError::internal)
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
        self.user.roles.iter().any(|r| r == role.as_str())
    }
}

/// The longest token looked at: ours are a few hundred bytes, so anything longer is not
/// one of ours and is refused before any work.
const MAX_TOKEN: usize = 2048;

async fn user_for_token(state: &AppState, token: &str) -> AppResult<Option<CurrentUser>> {
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

/// What a user costs in memory, roughly: their strings.
pub fn user_bytes(u: &User) -> usize {
    u.username.len()
        + u.name.len()
        + u.nip.as_ref().map_or(0, String::len)
        + u.email.as_ref().map_or(0, String::len)
        + u.language.len()
        + u.time_zone.len()
        + u.roles.iter().map(|r| r.len() + 24).sum::<usize>()
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

    pub fn forget_session(&self, session_id: &str) {
        self.cache
            .retain(|_, s| s.as_ref().is_none_or(|s| s.session_id != session_id));
    }

    pub fn forget_user(&self, user_id: i32) {
        self.cache
            .retain(|_, s| s.as_ref().is_none_or(|s| s.user.id != user_id));
    }
}

fn app_state(req: &HttpRequest) -> AppResult<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("AppState missing"))
}

/// An API caller authenticated with `Authorization: Bearer TOKEN`. Cookies are not
/// accepted here, so the JSON API needs no CSRF protection.
pub struct ApiUser(pub CurrentUser);

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let header = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let Some(token) = header
                .strip_prefix("Bearer ")
                .map(str::trim)
                .filter(|t| !t.is_empty())
            else {
                return Err(AppError::unauthorized(
                    "unauthenticated",
                    "Sign in first: send Authorization: Bearer TOKEN",
                ));
            };
            match user_for_token(&state, token).await? {
                Some(user) => {
                    req.extensions_mut().insert(user.user.id);
                    Ok(ApiUser(user))
                }
                None => Err(AppError::unauthorized(
                    "invalid_token",
                    "The token is invalid, expired or signed out",
                )),
            }
        })
    }
}

/// Whoever asks, signed in through a bearer token or the session cookie, or nobody: for
/// public resources that show more to those entitled to it (a certificate's PDF).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let bearer = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|t| t.trim().to_owned());
            let token = bearer.or_else(|| crate::cookies::Cookies::of(&req).read_session(&req));
            Ok(MaybeUser(match token {
                Some(t) if !t.is_empty() => user_for_token(&state, &t).await?,
                _ => None,
            }))
        })
    }
}

/// A page visitor, signed in through the session cookie or not.
pub struct PageUser(pub Option<CurrentUser>);

impl FromRequest for PageUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let Some(token) = crate::cookies::Cookies::of(&req).read_session(&req) else {
                return Ok(PageUser(None));
            };
            Ok(PageUser(user_for_token(&state, &token).await?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Keys;

    fn config(dir: &std::path::Path, secret: Option<&str>) -> crate::Config {
        let mut c = crate::Config::from_vars(|_| None).unwrap_or_else(|e| panic!("{e}"));
        c.data_dir = dir.to_path_buf();
        c.jwt_secret = secret.map(str::to_owned);
        c
    }

    #[test]
    fn the_quiz_key_is_its_own_random_secret() {
        let secret = Some("kR7#pQ2vX9mL4tB8nW1zC6yH3jF5dG0s");
        let (a, b) = (
            tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
        );
        let ka = Keys::load(&config(a.path(), secret)).unwrap_or_else(|e| panic!("{e}"));
        let kb = Keys::load(&config(b.path(), secret)).unwrap_or_else(|e| panic!("{e}"));
        // The same JWT secret, two instances: two unrelated quiz keys, kept across restarts.
        assert_ne!(ka.quiz_salt, kb.quiz_salt);
        let again = Keys::load(&config(a.path(), secret)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ka.quiz_salt, again.quiz_salt);
        // Configured, it is what replicas share.
        let mut shared = config(b.path(), secret);
        shared.quiz_key =
            Some("3f9a1c7e5b2d8046a1e9c3b7d5f20846c1a9e3b7d5f2084613579bdf02468ace".into());
        let ks = Keys::load(&shared).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ks.quiz_salt[0], 0x3f);
    }

    #[test]
    fn an_instance_that_ran_before_keeps_its_option_ids() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("jwt-secret"), "ab".repeat(32))
            .unwrap_or_else(|e| panic!("{e}"));
        let keys = Keys::load(&config(dir.path(), None)).unwrap_or_else(|e| panic!("{e}"));
        use sha2::Digest;
        let mut legacy = sha2::Sha256::new();
        legacy.update(b"lentera quiz option ids\0");
        legacy.update("ab".repeat(32).as_bytes());
        assert_eq!(keys.quiz_salt, legacy.finalize().to_vec());
    }
}
