//! The `certificates` table.

use crate::types::{
    CertificateId, CertificateKind, CompletionId, CourseId, Jp, Nip, UnitId, UserId,
};
use sea_orm::entity::prelude::DateTimeUtc;
use sea_orm::entity::prelude::{
    ActiveModelBehavior, DeriveEntityModel, DerivePrimaryKey, DeriveRelation, EntityTrait,
    EnumIter, PrimaryKeyTrait,
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CertificateId,
    pub code: String,
    pub number: String,
    pub user_id: UserId,
    /// The course, for a course's certificate.
    pub course_id: Option<CourseId>,
    /// The completion that earned a course's certificate.
    pub completion_id: Option<CompletionId>,
    pub holder_name: String,
    pub holder_nip: Option<Nip>,
    pub course_slug: String,
    pub course_title: String,
    pub course_version: i32,
    pub jp: Jp,
    pub year: i32,
    pub issuer: String,
    pub issued_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub revocation_reason: Option<String>,
    /// The holder's unit kerja's name when the certificate was issued.
    pub holder_unit: Option<String>,
    /// The instansi (root unit) the holder belonged to when it was issued.
    pub instansi_id: Option<UnitId>,
    /// When the holder enrolled: the training period runs from here to `issued_at`.
    pub enrolled_at: Option<DateTimeUtc>,
    /// The counted score (percent) of the course's required quizzes.
    pub score: Option<f64>,
    /// What it is for.
    pub kind: CertificateKind,
    /// The path's slug or the event's id (`None` for a course's).
    pub subject: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
