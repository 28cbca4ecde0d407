//! lentera-store: every database query of Lentera, on SQLite or PostgreSQL.
//!
//! This is the only crate that speaks SQL. Entities stay private to it; callers get the
//! plain record types defined next to each query, so a column rename never ripples into
//! the JSON API or the templates.

mod entity;

pub mod assignments;
pub mod audit;
pub mod bus;
pub mod courses;
pub mod events;
pub mod learning;
pub mod limits;
pub mod org;
pub mod outbox;
pub mod paths;
pub mod people;
pub mod reports;
pub mod resets;
pub mod seed;
pub mod status;
pub mod types;
pub mod xapi;

pub use types::{
    AssignmentId, AssignmentTarget, AttemptId, AttemptState, AuditAction, CertificateId,
    CertificateKind, CompletionId, CourseId, EventId, Jp, MailKind, MailState, Nip, NipError,
    PartnerId, PathId, Role, UnitId, UserId, VersionId,
};

use std::time::Duration;

use migration::{Migrate, Migrator};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, SqlErr};

pub use sea_orm::{DatabaseConnection as Db, DbErr};

/// Errors a query can end in, sorted by what the caller should tell the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write: the thing already exists.
    #[error("already exists: {0}")]
    Conflict(String),
    /// The database refused text it cannot store (PostgreSQL takes no NUL character):
    /// the input was bad, whatever query it reached.
    #[error("text the database cannot store")]
    InvalidText,
    /// Anything else: the database is down, a bug, a broken migration.
    #[error(transparent)]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if refused_text(&err) {
            StoreError::InvalidText
        } else {
            StoreError::Db(err)
        }
    }
}

/// Whether PostgreSQL refused a query for its text: a NUL character or bytes that are not
/// UTF-8 (SQLSTATE 22021 `character_not_in_repertoire`, 22P05 `untranslatable_character`).
/// Checked here, where every query's error passes, so no query can answer 500 for it.
fn refused_text(err: &DbErr) -> bool {
    let (DbErr::Query(runtime) | DbErr::Exec(runtime) | DbErr::Conn(runtime)) = err else {
        return false;
    };
    let sea_orm::RuntimeErr::SqlxError(sqlx) = runtime else {
        return false;
    };
    sqlx.as_database_error()
        .and_then(|db| db.code())
        .is_some_and(|code| code == "22021" || code == "22P05")
}

impl StoreError {
    /// Turns a unique-constraint violation into `Conflict`, so handlers can answer 409
    /// instead of 500 when two requests race for the same row.
    pub(crate) fn from_write(err: DbErr, what: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict(what.to_owned()),
            _ => StoreError::from(err),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Opens the database named by `url` (`sqlite://PATH` or `postgres://...`).
///
/// SQLite files are created when missing and run in WAL mode with a busy timeout, so
/// readers never block the writer and concurrent writers wait instead of failing.
/// `synchronous = NORMAL` in WAL mode keeps every committed transaction across a crash of
/// the process (only a power cut can lose the last commits), which is the promise we make.
pub async fn connect(url: &str) -> Result<Db> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        options.max_connections(8).min_connections(1);
        options.map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    } else {
        options.max_connections(16).min_connections(1);
    }
    Ok(Database::connect(options).await?)
}

/// Counts every statement `db` sends from now on in `counter` (for `/metrics` and the
/// load benchmark's queries per request).
pub fn count_statements(db: &mut Db, counter: std::sync::Arc<std::sync::atomic::AtomicU64>) {
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
}

/// Applies every pending migration. On PostgreSQL under an advisory lock held by the
/// migrating transaction: replicas starting at once migrate one after the other, and those
/// that come second find nothing left to do.
pub async fn migrate(db: &Db) -> Result<()> {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    if db.get_database_backend() != DbBackend::Postgres {
        Migrator::up(db, None).await?;
        return Ok(());
    }
    let txn = db.begin().await?;
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        .await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await?;
    Ok(())
}

/// The advisory lock key migrations hold ("lentera" in ASCII, as a number).
const MIGRATION_LOCK: i64 = 0x006c_656e_7465_7261;

/// Copies a SQLite database to `file` while it is in use (`VACUUM INTO`: one consistent
/// snapshot, readers and writers carry on). `file` must not exist yet. On PostgreSQL the
/// route is `pg_dump` (or base backups with WAL archiving for point-in-time recovery):
/// this refuses, and says so.
pub async fn backup_sqlite(db: &Db, file: &std::path::Path) -> Result<()> {
    use sea_orm::{ConnectionTrait, Statement};
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(StoreError::Conflict(
            "this database is PostgreSQL: back it up with pg_dump (see docs/scaling.md)".into(),
        ));
    }
    if file.exists() {
        return Err(StoreError::Conflict(format!(
            "{} exists already; back up to a new file",
            file.display()
        )));
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [file.display().to_string().into()],
    ))
    .await?;
    Ok(())
}

/// Liveness of the database, for `/healthz`.
pub async fn ping(db: &Db) -> Result<()> {
    Ok(db.ping().await?)
}

/// Whether this is PostgreSQL (shared by replicas) rather than an embedded SQLite file.
pub fn is_postgres(db: &Db) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// Which database this is, for logs and metrics.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgres",
        _ => "other",
    }
}

/// Creates a fresh, empty PostgreSQL database next to the one `admin_url` names and
/// returns its URL. For tests: each test gets its own database.
pub async fn fresh_postgres_database(admin_url: &str, name: &str) -> Result<String> {
    use sea_orm::ConnectionTrait;
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(StoreError::Conflict(format!("bad database name {name}")));
    }
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await?;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}
