//! Changes other replicas must hear about at once (a sign-out, a publication), carried by
//! PostgreSQL's `LISTEN`/`NOTIFY` on one channel. On SQLite there is one process and nothing
//! to tell: [`notify`] does nothing and there is no listener.

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{Db, Result, StoreError};

/// The channel every replica listens on.
pub const CHANNEL: &str = "lentera_changes";

/// The most a payload may hold (PostgreSQL's limit is 8,000 bytes).
const MAX_PAYLOAD: usize = 7_000;

/// Tells the other replicas about a change. After the change is committed: a replica that
/// hears it reads the new state.
pub async fn notify(db: &Db, payload: &str) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres || payload.len() > MAX_PAYLOAD {
        return Ok(());
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

/// What the listener heard.
pub enum Heard {
    /// A change another replica (or this one) announced.
    Change(String),
    /// The listening connection was lost and made again: anything announced meanwhile is
    /// lost, so whatever is cached may be stale.
    Reconnected,
}

/// A connection listening on [`CHANNEL`].
pub struct Listener(PgListener);

impl Listener {
    /// Listens on the database `url` names (PostgreSQL only).
    pub async fn connect(url: &str) -> Result<Listener> {
        let mut listener = PgListener::connect(url).await.map_err(sqlx_error)?;
        listener.listen(CHANNEL).await.map_err(sqlx_error)?;
        Ok(Listener(listener))
    }

    /// The next change, or word that the connection was lost (and is being made again).
    pub async fn next(&mut self) -> Result<Heard> {
        match self.0.try_recv().await.map_err(sqlx_error)? {
            Some(n) => Ok(Heard::Change(n.payload().to_owned())),
            None => Ok(Heard::Reconnected),
        }
    }
}

fn sqlx_error(e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(
        std::sync::Arc::new(e),
    )))
}
