//! The xAPI outbox: statements for the Learning Record Store, written when their action
//! happens and sent by a background worker that claims them one replica at a time, like
//! the e-mail outbox. `statement_id` is the statement's own id, derived from the action
//! (a UUID v5), so the same action never queues two statements and a resend is idempotent.

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, Index, MigrationTrait, SchemaManager,
    Table,
};
use sea_orm_migration::schema::{
    integer, integer_null, pk_auto, string, string_null, string_uniq, text, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `state`: pending (waiting for `next_attempt_at`), sending (claimed by a worker
        // until `claimed_until`, under the random `claim`), sent, failed (the LRS refused
        // the statement as invalid: sending it again cannot help).
        manager
            .create_table(
                Table::create()
                    .table("xapi_outbox")
                    .col(pk_auto("id"))
                    .col(string_uniq("statement_id"))
                    .col(integer_null("user_id"))
                    .col(string("verb"))
                    .col(text("body"))
                    .col(string("state"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(string_null("claim"))
                    .col(timestamp_with_time_zone_null("claimed_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_xapi_outbox_user_id")
                            .from("xapi_outbox", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_xapi_outbox_due")
                    .table("xapi_outbox")
                    .col("state")
                    .col("next_attempt_at")
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("xapi_outbox").take())
            .await
    }
}
