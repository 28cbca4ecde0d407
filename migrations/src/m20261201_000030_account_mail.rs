//! Password self-service and the e-mail outbox: `users.must_change_password` (set when an
//! admin gives a one-time password), `password_resets` (single-use links, the token kept
//! only as a hash) and `mail_outbox` (mails written in the transaction of the action that
//! causes them, sent by a background worker that claims them one replica at a time).

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index,
    MigrationTrait, SchemaManager, Table, TableCreateStatement,
};
use sea_orm_migration::schema::{
    boolean, integer, integer_null, pk_auto, string, string_null, string_uniq, text, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
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
        // A link sent by e-mail to choose a new password: the SHA-256 of its random token
        // (the token itself is only in the mail), valid until `expires_at`, used once.
        Table::create()
            .table("password_resets")
            .col(pk_auto("id"))
            .col(string_uniq("token_hash"))
            .col(integer("user_id"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone_null("used_at"))
            .foreign_key(&mut fk("password_resets", "user_id", "users"))
            .take(),
        // Mails to send. `state`: pending (waiting for `next_attempt_at`), sending (claimed
        // by a worker until `claimed_until`, under the random `claim`), sent, failed (gave
        // up after the last try). A `secret` mail's body (a reset link) is blanked once it is
        // sent or given up.
        Table::create()
            .table("mail_outbox")
            .col(pk_auto("id"))
            .col(string("kind"))
            .col(integer_null("user_id"))
            .col(string("recipient"))
            .col(string("subject"))
            .col(text("body"))
            .col(boolean("secret"))
            .col(string("state"))
            .col(integer("attempts"))
            .col(timestamp_with_time_zone("next_attempt_at"))
            .col(string_null("claim"))
            .col(timestamp_with_time_zone_null("claimed_until"))
            .col(text_null("last_error"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("sent_at"))
            .foreign_key(&mut fk("mail_outbox", "user_id", "users"))
            .take(),
    ]
}

/// (index name, table, columns)
const INDEXES: &[(&str, &str, &[&str])] = &[
    (
        "ix_password_resets_user",
        "password_resets",
        &["user_id", "created_at"],
    ),
    // The worker's question: what is due, in order.
    (
        "ix_mail_outbox_due",
        "mail_outbox",
        &["state", "next_attempt_at"],
    ),
];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(boolean("must_change_password").default(false))
                    .take(),
            )
            .await?;
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
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("must_change_password")
                    .take(),
            )
            .await?;
        Ok(())
    }
}
