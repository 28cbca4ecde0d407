//! The `learning_path_courses` table.

use crate::types::{CourseId, PathId};
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "learning_path_courses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub path_id: PathId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub course_id: CourseId,
    pub requires_course_id: Option<CourseId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
