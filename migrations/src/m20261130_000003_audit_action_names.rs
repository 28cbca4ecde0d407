//! One tense for the audit log: actions recorded under their old present-tense names
//! (`user.create`, `jp.record`, `users.import`...) are renamed to the names the code writes
//! now (`user.created`, `jp.recorded`, `users.imported`), so a search of the log by action
//! finds every entry.

use sea_orm_migration::prelude::{DbErr, DeriveMigrationName, MigrationTrait, SchemaManager};
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (old name, new name).
const RENAMED: [(&str, &str); 8] = [
    ("attempt.grade", "attempt.graded"),
    ("certificate.revoke", "certificate.revoked"),
    ("jp.record", "jp.recorded"),
    ("unit.create", "unit.created"),
    ("unit.update", "unit.updated"),
    ("user.create", "user.created"),
    ("user.update", "user.updated"),
    ("users.import", "users.imported"),
];

async fn rename(manager: &SchemaManager<'_>, from: usize, to: usize) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    for pair in RENAMED {
        let names = [pair.0, pair.1];
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm_migration::sea_orm::DbBackend::Postgres => {
                    "UPDATE audit_log SET action = $1 WHERE action = $2"
                }
                _ => "UPDATE audit_log SET action = ? WHERE action = ?",
            },
            [names[to].into(), names[from].into()],
        ))
        .await?;
    }
    Ok(())
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, 0, 1).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rename(manager, 1, 0).await
    }
}
