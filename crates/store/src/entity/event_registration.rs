//! The `event_registrations` table.

use crate::types::{EventId, UserId};
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event_registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: EventId,
    pub user_id: UserId,
    pub state: String,
    pub registered_at: DateTimeUtc,
    pub attended_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
