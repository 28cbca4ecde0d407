//! Reading the benchmark's database directly: row counts for "acknowledged vs stored",
//! and the ids the write benchmarks need. Plain SQL that runs on SQLite and PostgreSQL.

use anyhow::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    lentera_store::connect(url)
        .await
        .with_context(|| "cannot open the benchmark database".to_owned())
}

fn stmt(db: &DatabaseConnection, sql: &str) -> Statement {
    Statement::from_string(db.get_database_backend(), sql.to_owned())
}

/// `SELECT count(*) ...` as a number.
pub async fn count(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(stmt(db, sql))
        .await?
        .with_context(|| format!("no row from {sql}"))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Rows of two integer columns.
pub async fn pairs(db: &DatabaseConnection, sql: &str) -> anyhow::Result<Vec<(i32, i32)>> {
    let rows = db.query_all_raw(stmt(db, sql)).await?;
    rows.iter()
        .map(|r| Ok((r.try_get_by_index::<i32>(0)?, r.try_get_by_index::<i32>(1)?)))
        .collect()
}

/// Usernames of every learner, in id order.
pub async fn learner_usernames(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT u.username FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE r.role = 'learner' AND u.active ORDER BY u.id",
        ))
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get_by_index::<String>(0)?))
        .collect()
}

/// The row counts the write benchmarks change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub lesson_progress: i64,
    pub attempts: i64,
    pub attempts_open: i64,
    pub attempts_closed: i64,
    pub responses: i64,
}

pub async fn counts(db: &DatabaseConnection) -> anyhow::Result<Counts> {
    Ok(Counts {
        lesson_progress: count(db, "SELECT count(*) FROM lesson_progress").await?,
        attempts: count(db, "SELECT count(*) FROM quiz_attempts").await?,
        attempts_open: count(
            db,
            "SELECT count(*) FROM quiz_attempts WHERE state = 'open'",
        )
        .await?,
        attempts_closed: count(
            db,
            "SELECT count(*) FROM quiz_attempts WHERE state <> 'open'",
        )
        .await?,
        responses: count(db, "SELECT count(*) FROM attempt_responses").await?,
    })
}
