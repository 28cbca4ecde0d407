//! The `quiz_attempts` table.

use crate::types::{AttemptId, AttemptState, CourseId, UserId, VersionId};
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: AttemptId,
    pub user_id: UserId,
    pub course_id: CourseId,
    pub course_version_id: VersionId,
    pub quiz_slug: String,
    pub number: i32,
    pub seed: String,
    #[sea_orm(column_type = "Text")]
    pub layout: String,
    pub state: AttemptState,
    pub started_at: DateTimeUtc,
    pub deadline: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
