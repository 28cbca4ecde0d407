//! The `events` table: seminars, workshops, classroom training, internships.

use crate::types::{EventId, Jp, PartnerId, UnitId, UserId};
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: EventId,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub timezone: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub jp: Jp,
    pub organiser_unit_id: Option<UnitId>,
    pub organiser_partner_id: Option<PartnerId>,
    pub audience_unit_id: Option<UnitId>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub check_in_code: String,
    pub created_by: UserId,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
