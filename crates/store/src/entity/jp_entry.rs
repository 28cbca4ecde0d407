//! The `jp_entries` table: JP earned outside Lentera, recorded by an admin.

use crate::types::{Jp, UserId};
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};
use sea_orm::entity::prelude::{Date, DateTimeUtc};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "jp_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: UserId,
    pub year: i32,
    pub jp: Jp,
    pub title: String,
    pub kind: String,
    pub document_ref: String,
    pub held_on: Date,
    pub recorded_by: UserId,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
