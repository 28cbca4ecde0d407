//! Configuration from the environment (the CLI flags mirror it).

use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://PATH` (created if missing) or `postgres://...`.
    pub database_url: String,
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: String,
    /// Keys and other instance files.
    pub data_dir: PathBuf,
    /// The public base URL, for links and QR codes.
    pub public_url: String,
    /// The name that issues certificates (the regional government or agency).
    pub issuer: String,
    /// A fixed JWT secret for replicas behind a load balancer; else one is kept in data_dir.
    pub jwt_secret: Option<String>,
    /// A fixed certificate signing key (64 hex digits) for replicas; else one is kept in data_dir.
    pub signing_key: Option<String>,
    /// How long a sign-in lasts.
    pub session_hours: i64,
    /// Login attempts allowed per minute for one account, and for one client address.
    pub login_per_account_per_minute: u32,
    pub login_per_address_per_minute: u32,
    /// Public certificate look-ups (page, API, PDF, badge) per client address.
    pub verify_per_address_per_minute: u32,
    /// Actix worker threads; 0 = one per core.
    pub workers: usize,
}

impl Config {
    /// Reads `DATABASE_URL`, `LENTERA_BIND`, `LENTERA_DATA_DIR`, `LENTERA_PUBLIC_URL`,
    /// `LENTERA_ISSUER`, `LENTERA_JWT_SECRET`, `LENTERA_SIGNING_KEY`, `LENTERA_WORKERS`.
    pub fn from_env() -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("LENTERA_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let bind = var("LENTERA_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("lentera.db").display()));
        let public_url = var("LENTERA_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        Config {
            database_url,
            bind,
            data_dir,
            public_url: public_url.trim_end_matches('/').to_owned(),
            issuer: var("LENTERA_ISSUER").unwrap_or_else(|| "Lentera".into()),
            jwt_secret: var("LENTERA_JWT_SECRET"),
            signing_key: var("LENTERA_SIGNING_KEY"),
            session_hours: 12,
            login_per_account_per_minute: 10,
            login_per_address_per_minute: 60,
            verify_per_address_per_minute: 30,
            workers: var("LENTERA_WORKERS")
                .and_then(|w| w.parse().ok())
                .unwrap_or(0),
        }
    }
}
