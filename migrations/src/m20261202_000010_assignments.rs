//! Assignments and reminders: a manager's or admin's `assignments` (a course, or later a
//! learning path, due on a day, for a unit and everything below it or for named people),
//! `assignment_users` (the named people), `reminders_sent` (each reminder mail, once per
//! person and occasion, whatever the number of replicas) and `reminder_opt_outs` (people
//! who turned reminder mails off).

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index,
    MigrationTrait, SchemaManager, Table, TableCreateStatement,
};
use sea_orm_migration::schema::{
    date, integer, integer_null, pk_auto, string, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
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
        // What must be learnt by when. `target_kind` is `course` or `path` and
        // `target_slug` names it (a slug, so a path can be assigned before paths have
        // ids here). `unit_id` set: the unit and its sub-units, resolved when read, so people
        // who join later are included; unset: the people in `assignment_users`. A withdrawn
        // assignment keeps its row (reminders sent refer to it) with `withdrawn_at`.
        Table::create()
            .table("assignments")
            .col(pk_auto("id"))
            .col(string("target_kind"))
            .col(string("target_slug"))
            .col(integer_null("unit_id"))
            .col(text_null("note"))
            .col(date("due"))
            .col(integer("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("withdrawn_at"))
            .col(integer_null("withdrawn_by"))
            .foreign_key(&mut fk("assignments", "unit_id", "units"))
            .foreign_key(&mut fk("assignments", "created_by", "users"))
            .foreign_key(&mut fk("assignments", "withdrawn_by", "users"))
            .take(),
        Table::create()
            .table("assignment_users")
            .col(integer("assignment_id"))
            .col(integer("user_id"))
            .primary_key(Index::create().col("assignment_id").col("user_id"))
            .foreign_key(&mut fk("assignment_users", "assignment_id", "assignments"))
            .foreign_key(&mut fk("assignment_users", "user_id", "users"))
            .take(),
        // One row per reminder mail queued, written in the transaction of its outbox row;
        // the unique (user, kind, subject) makes a second insert fail, so a reminder goes
        // out once even when several replicas run the reminder job. `subject` is the
        // assignment's id for assignment reminders and the year for the JP shortfall.
        Table::create()
            .table("reminders_sent")
            .col(pk_auto("id"))
            .col(integer("user_id"))
            .col(string("kind"))
            .col(integer("subject"))
            .col(integer_null("assignment_id"))
            .col(timestamp_with_time_zone("sent_at"))
            .foreign_key(&mut fk("reminders_sent", "user_id", "users"))
            .foreign_key(&mut fk("reminders_sent", "assignment_id", "assignments"))
            .take(),
        // People who turned reminder mails off (everyone else gets them).
        Table::create()
            .table("reminder_opt_outs")
            .col(integer("user_id").primary_key())
            .col(timestamp_with_time_zone("since"))
            .foreign_key(&mut fk("reminder_opt_outs", "user_id", "users"))
            .take(),
    ]
}

/// (index name, table, columns, unique)
const INDEXES: &[(&str, &str, &[&str], bool)] = &[
    ("ix_assignments_unit", "assignments", &["unit_id"], false),
    (
        "ix_assignments_creator",
        "assignments",
        &["created_by"],
        false,
    ),
    ("ix_assignments_due", "assignments", &["due"], false),
    (
        "ix_assignment_users_user",
        "assignment_users",
        &["user_id"],
        false,
    ),
    (
        "ux_reminders_sent_once",
        "reminders_sent",
        &["user_id", "kind", "subject"],
        true,
    ),
    (
        "ix_reminders_sent_assignment",
        "reminders_sent",
        &["assignment_id"],
        false,
    ),
];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for (name, table, columns, unique) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(*table);
            if *unique {
                index.unique();
            }
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.take()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _, _) in INDEXES.iter().rev() {
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
