//! The `assignments` table.

use crate::types::{AssignmentId, AssignmentTarget, UnitId, UserId};
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};
use sea_orm::entity::prelude::{Date, DateTimeUtc};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: AssignmentId,
    pub target_kind: AssignmentTarget,
    pub target_slug: String,
    pub unit_id: Option<UnitId>,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    pub due: Date,
    pub created_by: UserId,
    pub created_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawn_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
