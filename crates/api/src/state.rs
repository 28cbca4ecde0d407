//! `AppState`: everything a handler may use, built once at start-up.

use std::sync::Arc;

use crate::auth::Keys;
use crate::catalog::CourseCache;
use crate::config::Config;
use crate::i18n::Locales;
use crate::limits::KeyedLimit;
use crate::metrics::Metrics;
use crate::templates::Templates;
use lentera_store::Db;

pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub keys: Keys,
    pub templates: Templates,
    pub locales: Arc<Locales>,
    pub courses: CourseCache,
    pub sessions: crate::auth::SessionCache,
    pub progress: crate::catalog::ProgressCache,
    /// Lesson pages rendered once per version, language and roles.
    pub shared_pages: crate::pages::SharedPages,
    pub metrics: Metrics,
    /// Login attempts, per account and per client address (in this process).
    pub login_by_account: KeyedLimit,
    pub login_by_address: KeyedLimit,
    /// Password changes (each checks the current password), per account and per address.
    pub password_by_account: KeyedLimit,
    pub password_by_address: KeyedLimit,
    /// Public certificate look-ups per client address, against enumeration.
    pub verify_by_address: KeyedLimit,
}

/// Keys each limit holds at most.
const LIMIT_KEYS: usize = 100_000;

impl AppState {
    pub fn new(db: Db, config: Config, keys: Keys) -> anyhow::Result<AppState> {
        let locales = Arc::new(Locales::load()?);
        Ok(AppState {
            templates: Templates::new(locales.clone())?,
            locales,
            courses: CourseCache::default(),
            sessions: crate::auth::SessionCache::default(),
            progress: crate::catalog::ProgressCache::default(),
            shared_pages: crate::pages::SharedPages::default(),
            metrics: Metrics::new()?,
            login_by_account: KeyedLimit::per_minute(
                config.login_per_account_per_minute,
                LIMIT_KEYS,
            ),
            login_by_address: KeyedLimit::per_minute(
                config.login_per_address_per_minute,
                LIMIT_KEYS,
            ),
            password_by_account: KeyedLimit::per_minute(
                config.login_per_account_per_minute,
                LIMIT_KEYS,
            ),
            password_by_address: KeyedLimit::per_minute(
                config.login_per_address_per_minute,
                LIMIT_KEYS,
            ),
            verify_by_address: KeyedLimit::per_minute(
                config.verify_per_address_per_minute,
                LIMIT_KEYS,
            ),
            db,
            config,
            keys,
        })
    }
}
