//! lentera-domain: every rule of Lentera, and the state that serves them.
//!
//! The HTTP layer (`lentera-api`) parses a request, calls one operation here with a
//! [`Lentera`] and the caller, and renders what comes back. Every authorization decision is
//! made by [`policy`]; every query goes through `lentera-store`, which only this crate uses.

pub mod account;
pub mod admin;
pub mod assignments;
pub mod cache;
pub mod catalog;
pub mod certificates;
pub mod changes;
pub mod config;
pub mod console;
pub mod credentials;
pub mod error;
pub mod events;
pub mod heavy;
pub mod importer;
pub mod interchange;
pub mod keys;
pub mod learning;
pub mod ledger;
pub mod limits;
pub mod login;
pub mod mail;
pub mod nip;
pub mod org;
pub mod partners;
pub mod passwords;
pub mod paths;
pub mod policy;
pub mod publishing;
pub mod reminders;
pub mod reports;
pub mod secrets;
pub mod seeding;
pub mod sessions;
pub mod text;
pub mod upload;
pub mod xapi;

pub use config::Config;
pub use error::{Details, Error, ErrorCode, Kind, Result};
pub use lentera_store::{
    AssignmentId, AssignmentTarget, AttemptId, AttemptState, CertificateId, CertificateKind,
    CourseId, Jp, Nip, PathId, Role, UnitId, UserId, VersionId,
};

use lentera_store::Db;

use crate::catalog::{CourseCache, ProgressCache};
use crate::keys::Keys;
use crate::limits::KeyedLimit;
use crate::sessions::SessionCache;

/// Keys each rate limit holds at most.
const LIMIT_KEYS: usize = 100_000;
/// Check-in tries per person and minute: a typo or two, never a search of the codes.
const CHECK_INS_PER_MINUTE: u32 = 10;

/// Everything an operation may use, built once at start-up: the database, the
/// configuration and keys, the caches, the rate limits.
pub struct Lentera {
    pub(crate) db: Db,
    /// Where reports read: a read replica when `LENTERA_REPORTS_DATABASE_URL` names one (a
    /// report may then lag the primary by the replication delay), else the primary.
    pub(crate) reports_db: Db,
    pub config: Config,
    pub keys: Keys,
    pub courses: CourseCache,
    pub sessions: SessionCache,
    pub progress: ProgressCache,
    /// Login attempts, per account and per client address (shared by the replicas on
    /// PostgreSQL).
    pub login_by_account: KeyedLimit,
    pub login_by_address: KeyedLimit,
    /// Password changes (each checks the current password), per account and per address.
    pub password_by_account: KeyedLimit,
    pub password_by_address: KeyedLimit,
    /// Public certificate look-ups per client address, against enumeration.
    pub verify_by_address: KeyedLimit,
    /// Statements sent to the databases (primary and reports) since start.
    pub statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Requests for a password-reset mail per client address (per account, the database
    /// counts the links made: [`account::request_reset`]).
    pub reset_by_address: KeyedLimit,
    /// E-mail: whether an SMTP server is configured, and the outbox worker's wake-up call.
    pub mail: mail::Mail,
    /// Check-ins with an event's code per person, against guessing the code.
    pub check_in_by_user: KeyedLimit,
    /// xAPI: whether an LRS is configured, its client, the outbox worker's wake-up call.
    pub xapi: xapi::Xapi,
}

impl Lentera {
    /// Connects to and migrates the database named by the configuration and loads the
    /// instance's keys (which stop the start when weak).
    pub async fn open(config: Config) -> anyhow::Result<Lentera> {
        // A SQLite file is created where it is named, folders included.
        if let Some(path) = config.database_url.strip_prefix("sqlite://")
            && let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut db = lentera_store::connect(&config.database_url).await?;
        lentera_store::migrate(&db).await?;
        lentera_store::count_statements(&mut db, statements.clone());
        let reports_db = match &config.reports_database_url {
            Some(url) => {
                let mut reports = lentera_store::connect(url).await?;
                lentera_store::count_statements(&mut reports, statements.clone());
                reports
            }
            None => db.clone(),
        };
        let keys = Keys::load(&config)?;
        Ok(Lentera {
            courses: CourseCache::default(),
            sessions: SessionCache::default(),
            progress: ProgressCache::default(),
            login_by_account: KeyedLimit::per_minute(
                config.login_per_account_per_minute,
                LIMIT_KEYS,
            )
            .shared(&db, "login_account"),
            login_by_address: KeyedLimit::per_minute(
                config.login_per_address_per_minute,
                LIMIT_KEYS,
            )
            .shared(&db, "login_address"),
            password_by_account: KeyedLimit::per_minute(
                config.login_per_account_per_minute,
                LIMIT_KEYS,
            )
            .shared(&db, "password_account"),
            password_by_address: KeyedLimit::per_minute(
                config.login_per_address_per_minute,
                LIMIT_KEYS,
            )
            .shared(&db, "password_address"),
            verify_by_address: KeyedLimit::per_minute(
                config.verify_per_address_per_minute,
                LIMIT_KEYS,
            )
            .shared(&db, "verify_address"),
            reset_by_address: KeyedLimit::per_minute(
                config.login_per_address_per_minute,
                LIMIT_KEYS,
            )
            .shared(&db, "reset_address"),
            mail: mail::Mail::new(&config.mail, &config.public_url)?,
            check_in_by_user: KeyedLimit::per_minute(CHECK_INS_PER_MINUTE, LIMIT_KEYS)
                .shared(&db, "check_in_user"),
            xapi: xapi::Xapi::new(&config.xapi)?,
            reports_db,
            db,
            config,
            keys,
            statements,
        })
    }

    /// Whether the database answers (for `/healthz`), and which one it is.
    pub async fn ping(&self) -> Result<&'static str> {
        lentera_store::ping(&self.db).await?;
        Ok(lentera_store::backend_name(&self.db))
    }
}
