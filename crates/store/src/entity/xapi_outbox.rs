//! The `xapi_outbox` table.

use crate::types::{MailState, UserId};
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "xapi_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub statement_id: String,
    pub user_id: Option<UserId>,
    pub verb: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The same states as a mail's: pending, sending, sent, failed.
    pub state: MailState,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claim: Option<String>,
    pub claimed_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
