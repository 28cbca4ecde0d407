//! Manual grades of essay answers, JP earned outside Lentera, and indexes for the grading
//! queue, quiz statistics and the yearly reports.

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index,
    MigrationTrait, SchemaManager, Table, TableCreateStatement,
};
use sea_orm_migration::schema::{
    date, double, integer, pk_auto, string, text_null, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("manual_grades")
            .col(integer("attempt_id"))
            .col(string("question_id"))
            .col(double("score"))
            .col(text_null("comment"))
            .col(integer("graded_by"))
            .col(timestamp_with_time_zone("graded_at"))
            .primary_key(Index::create().col("attempt_id").col("question_id"))
            .foreign_key(&mut fk("manual_grades", "attempt_id", "quiz_attempts"))
            .foreign_key(&mut fk("manual_grades", "graded_by", "users"))
            .take(),
        Table::create()
            .table("jp_entries")
            .col(pk_auto("id"))
            .col(integer("user_id"))
            .col(integer("year"))
            .col(integer("jp"))
            .col(string("title"))
            .col(string("kind"))
            .col(string("document_ref"))
            .col(date("held_on"))
            .col(integer("recorded_by"))
            .col(timestamp_with_time_zone("recorded_at"))
            .foreign_key(&mut fk("jp_entries", "user_id", "users"))
            .foreign_key(&mut fk("jp_entries", "recorded_by", "users"))
            .take(),
    ]
}

/// (index name, table, columns)
const INDEXES: &[(&str, &str, &[&str])] = &[
    (
        "ix_jp_entries_user_year",
        "jp_entries",
        &["user_id", "year"],
    ),
    ("ix_jp_entries_year", "jp_entries", &["year"]),
    (
        "ix_quiz_attempts_course_state",
        "quiz_attempts",
        &["course_id", "state"],
    ),
    ("ix_certificates_year", "certificates", &["year", "user_id"]),
    ("ix_users_unit_active", "users", &["unit_id", "active"]),
    // Managers look certificates up by the holder's NIP.
    (
        "ix_certificates_holder_nip",
        "certificates",
        &["holder_nip"],
    ),
];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for (name, table, columns) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(*table);
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.take()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES.iter().rev() {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
        for table in tables().iter().rev() {
            if let Some(name) = table.get_table_name() {
                manager
                    .drop_table(Table::drop().table(name.clone()).take())
                    .await?;
            }
        }
        Ok(())
    }
}
