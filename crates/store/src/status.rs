//! What the certificates' revocation status lists are made of: which certificates of an
//! id range are revoked, and since when.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::certificate;
use crate::types::CertificateId;
use crate::{Db, Result};

/// The state of the certificates whose ids lie in `first..=last`: the ids of the revoked
/// ones, when the latest was revoked, and when the first was issued (`None` when there
/// are none).
pub struct RangeState {
    pub revoked: Vec<CertificateId>,
    pub last_revoked_at: Option<DateTime<Utc>>,
    pub first_issued_at: Option<DateTime<Utc>>,
}

pub async fn range_state(db: &Db, first: i32, last: i32) -> Result<RangeState> {
    let in_range = || {
        certificate::Entity::find()
            .filter(certificate::Column::Id.gte(first))
            .filter(certificate::Column::Id.lte(last))
    };
    let revoked: Vec<(CertificateId, Option<DateTime<Utc>>)> = in_range()
        .select_only()
        .columns([certificate::Column::Id, certificate::Column::RevokedAt])
        .filter(certificate::Column::RevokedAt.is_not_null())
        .order_by_asc(certificate::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let first_issued_at: Option<DateTime<Utc>> = in_range()
        .select_only()
        .column(certificate::Column::IssuedAt)
        .order_by_asc(certificate::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(RangeState {
        last_revoked_at: revoked.iter().filter_map(|(_, at)| *at).max(),
        revoked: revoked.into_iter().map(|(id, _)| id).collect(),
        first_issued_at,
    })
}
