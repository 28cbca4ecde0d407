//! The `course_versions` table.

use crate::types::{CourseId, Jp, UserId, VersionId};
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "course_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: VersionId,
    pub course_id: CourseId,
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: Jp,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
