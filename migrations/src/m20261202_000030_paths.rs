//! Learning paths (jalur belajar): `learning_paths` (a path file as published: slug, title,
//! summary, its source and a hash of it, who published it) and `learning_path_courses` (its
//! courses in order, each with the course of the same path it requires first, if any).

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index,
    MigrationTrait, SchemaManager, Table, TableCreateStatement,
};
use sea_orm_migration::schema::{
    integer, integer_null, pk_auto, string, string_uniq, text, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .take()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        // `version` counts the changes of the file (1 on the first import); `content_hash`
        // tells an unchanged import from a new one.
        Table::create()
            .table("learning_paths")
            .col(pk_auto("id"))
            .col(string_uniq("slug"))
            .col(string("title"))
            .col(text("summary"))
            .col(text("source"))
            .col(string("content_hash"))
            .col(integer("version"))
            .col(integer_null("owner_id"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk(
                "learning_paths",
                "owner_id",
                "users",
                ForeignKeyAction::Restrict,
            ))
            .take(),
        Table::create()
            .table("learning_path_courses")
            .col(integer("path_id"))
            .col(integer("position"))
            .col(integer("course_id"))
            .col(integer_null("requires_course_id"))
            .primary_key(Index::create().col("path_id").col("position"))
            .foreign_key(&mut fk(
                "learning_path_courses",
                "path_id",
                "learning_paths",
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "learning_path_courses",
                "course_id",
                "courses",
                ForeignKeyAction::Restrict,
            ))
            .foreign_key(&mut fk(
                "learning_path_courses",
                "requires_course_id",
                "courses",
                ForeignKeyAction::Restrict,
            ))
            .take(),
    ]
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        // A completed course asks which paths hold it.
        manager
            .create_index(
                Index::create()
                    .name("ix_learning_path_courses_course")
                    .table("learning_path_courses")
                    .col("course_id")
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_learning_path_courses_course")
                    .table("learning_path_courses")
                    .to_owned(),
            )
            .await?;
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
