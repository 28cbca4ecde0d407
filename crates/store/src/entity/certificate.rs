//! The `certificates` table.

use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub number: String,
    pub user_id: i32,
    pub course_id: i32,
    pub completion_id: i32,
    pub holder_name: String,
    pub holder_nip: Option<String>,
    pub course_slug: String,
    pub course_title: String,
    pub course_version: i32,
    pub jp: i32,
    pub year: i32,
    pub issuer: String,
    pub issued_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub revocation_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
