//! Bulk inserts for large synthetic data sets (`lentera seed`): a regional government's
//! people, enrolments, lesson progress, completions and certificates, written in chunks
//! inside transactions so 50,000 people and a million progress rows take seconds, not hours.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Set, TransactionTrait};

use crate::entity::{certificate, completion, enrollment, lesson_progress, user, user_role};
use crate::types::{CompletionId, CourseId, Jp, Nip, Role, UnitId, UserId, VersionId};
use crate::{Db, Result};

/// Rows per INSERT: well under SQLite's 32,766 bound parameters for the widest table.
const CHUNK: usize = 1000;

#[derive(Debug, Clone)]
pub struct SeedUser {
    pub username: String,
    pub nip: Nip,
    pub name: String,
    pub unit_id: UnitId,
}

/// Inserts learners sharing one password hash; returns their ids in order.
pub async fn users(db: &Db, people: &[SeedUser], password_hash: &str) -> Result<Vec<UserId>> {
    let now = Utc::now();
    for chunk in people.chunks(CHUNK) {
        let txn = db.begin().await?;
        user::Entity::insert_many(chunk.iter().map(|p| user::ActiveModel {
            username: Set(p.username.clone()),
            nip: Set(Some(p.nip.clone())),
            name: Set(p.name.clone()),
            email: Set(None),
            unit_id: Set(Some(p.unit_id)),
            password_hash: Set(password_hash.to_owned()),
            language: Set("id".to_owned()),
            time_zone: Set("WIB".to_owned()),
            active: Set(true),
            created_at: Set(now),
            password_changed_at: Set(now),
            must_change_password: Set(false),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
        txn.commit().await?;
    }
    // Ids by username, in the order given.
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(CHUNK) {
        use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
        let found: Vec<(UserId, String)> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Username])
            .filter(user::Column::Username.is_in(chunk.iter().map(|p| p.username.clone())))
            .into_tuple()
            .all(db)
            .await?;
        let map: std::collections::HashMap<String, UserId> =
            found.into_iter().map(|(id, u)| (u, id)).collect();
        ids.extend(chunk.iter().filter_map(|p| map.get(&p.username).copied()));
    }
    for chunk in ids.chunks(CHUNK) {
        user_role::Entity::insert_many(chunk.iter().map(|id| user_role::ActiveModel {
            user_id: Set(*id),
            role: Set(Role::Learner),
        }))
        .exec(db)
        .await?;
    }
    Ok(ids)
}

pub async fn enrollments(db: &Db, rows: &[(UserId, CourseId, DateTime<Utc>)]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        enrollment::Entity::insert_many(chunk.iter().map(|(u, c, at)| enrollment::ActiveModel {
            user_id: Set(*u),
            course_id: Set(*c),
            enrolled_at: Set(*at),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// (user, course, lesson slug, completed at)
pub async fn progress(db: &Db, rows: &[(UserId, CourseId, String, DateTime<Utc>)]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let txn = db.begin().await?;
        lesson_progress::Entity::insert_many(chunk.iter().map(|(u, c, l, at)| {
            lesson_progress::ActiveModel {
                user_id: Set(*u),
                course_id: Set(*c),
                lesson_slug: Set(l.clone()),
                completed_at: Set(*at),
                ..Default::default()
            }
        }))
        .exec(&txn)
        .await?;
        txn.commit().await?;
    }
    Ok(())
}

/// A completed course to record with its certificate.
#[derive(Debug, Clone)]
pub struct SeedCompletion {
    pub user_id: UserId,
    pub course_id: CourseId,
    pub course_version_id: VersionId,
    pub version: i32,
    pub jp: Jp,
    pub completed_at: DateTime<Utc>,
    pub holder_name: String,
    pub holder_nip: Nip,
    pub course_slug: String,
    pub course_title: String,
    pub issuer: String,
    pub code: String,
}

/// Completions and their certificates; certificate numbers are set from the row ids in
/// one statement at the end, as `LNT-YYYY-NNNNNN` like those issued one by one.
pub async fn completions(db: &Db, rows: &[SeedCompletion]) -> Result<()> {
    use chrono::Datelike;
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    for chunk in rows.chunks(CHUNK) {
        let txn = db.begin().await?;
        completion::Entity::insert_many(chunk.iter().map(|r| completion::ActiveModel {
            user_id: Set(r.user_id),
            course_id: Set(r.course_id),
            course_version_id: Set(r.course_version_id),
            version: Set(r.version),
            jp: Set(r.jp),
            completed_at: Set(r.completed_at),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
        let users: Vec<UserId> = chunk.iter().map(|r| r.user_id).collect();
        let ids: Vec<(CompletionId, UserId, CourseId)> = completion::Entity::find()
            .select_only()
            .columns([
                completion::Column::Id,
                completion::Column::UserId,
                completion::Column::CourseId,
            ])
            .filter(completion::Column::UserId.is_in(users))
            .into_tuple()
            .all(&txn)
            .await?;
        let by_key: std::collections::HashMap<(UserId, CourseId), CompletionId> =
            ids.into_iter().map(|(id, u, c)| ((u, c), id)).collect();
        let certs: Vec<certificate::ActiveModel> = chunk
            .iter()
            .filter_map(|r| {
                let completion_id = *by_key.get(&(r.user_id, r.course_id))?;
                Some(certificate::ActiveModel {
                    number: Set(format!("pending-{}", r.code)),
                    code: Set(r.code.clone()),
                    user_id: Set(r.user_id),
                    course_id: Set(Some(r.course_id)),
                    completion_id: Set(Some(completion_id)),
                    kind: Set(crate::types::CertificateKind::Course),
                    holder_name: Set(r.holder_name.clone()),
                    holder_nip: Set(Some(r.holder_nip.clone())),
                    course_slug: Set(r.course_slug.clone()),
                    course_title: Set(r.course_title.clone()),
                    course_version: Set(r.version),
                    jp: Set(r.jp),
                    year: Set(r.completed_at.year()),
                    issuer: Set(r.issuer.clone()),
                    issued_at: Set(r.completed_at),
                    revoked_at: Set(None),
                    revocation_reason: Set(None),
                    ..Default::default()
                })
            })
            .collect();
        if !certs.is_empty() {
            certificate::Entity::insert_many(certs).exec(&txn).await?;
        }
        txn.commit().await?;
    }
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "UPDATE certificates SET number = 'LNT-' || year || '-' || \
             CASE WHEN id < 1000000 THEN lpad(id::text, 6, '0') ELSE id::text END \
             WHERE number LIKE 'pending-%'"
        }
        _ => {
            "UPDATE certificates SET number = 'LNT-' || year || '-' || \
             CASE WHEN id < 1000000 THEN substr('000000' || id, -6, 6) ELSE id END \
             WHERE number LIKE 'pending-%'"
        }
    };
    db.execute_unprepared(sql).await?;
    Ok(())
}
