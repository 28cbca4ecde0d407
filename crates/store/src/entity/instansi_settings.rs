//! The `instansi_settings` table: an instansi's (a root unit's) signatory and predikat
//! thresholds.

use crate::types::UnitId;
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "instansi_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: UnitId,
    pub signatory_name: Option<String>,
    pub signatory_jabatan: Option<String>,
    pub signatory_nip: Option<String>,
    pub sangat_memuaskan: Option<f64>,
    pub memuaskan: Option<f64>,
    pub baik: Option<f64>,
    pub cukup: Option<f64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
