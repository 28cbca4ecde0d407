//! Rate limits every replica shares, kept in PostgreSQL: one row per (limit, key) holding
//! the GCRA "theoretical arrival time" in milliseconds, moved forward by one interval per
//! event in a single statement, so two replicas counting at once cannot both slip through.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{Db, Result};

/// Counts one event for `key` under the limit `name` at `now_ms`: `interval_ms` apart on
/// average, at most `window_ms / interval_ms` at once. False when over the limit (the event
/// is then not counted).
pub async fn take(
    db: &Db,
    name: &str,
    key: &str,
    now_ms: i64,
    interval_ms: i64,
    window_ms: i64,
) -> Result<bool> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO rate_limits (name, key, tat) VALUES ($1, $2, $3 + $4) \
             ON CONFLICT (name, key) DO UPDATE \
             SET tat = GREATEST(rate_limits.tat, $3) + $4 \
             WHERE GREATEST(rate_limits.tat, $3) + $4 - $3 <= $5 \
             RETURNING tat",
            [
                name.into(),
                key.into(),
                now_ms.into(),
                interval_ms.into(),
                window_ms.into(),
            ],
        ))
        .await?;
    Ok(!rows.is_empty())
}

/// Drops the keys whose limit has fully recovered: they hold nothing a check would need.
pub async fn sweep(db: &Db, now_ms: i64) -> Result<u64> {
    let done = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM rate_limits WHERE tat < $1",
            [now_ms.into()],
        ))
        .await?;
    Ok(done.rows_affected())
}
