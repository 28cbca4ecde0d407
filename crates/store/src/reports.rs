//! The JP ledger and what managers read: JP per person and year, course states, completion
//! rates, certificate look-ups and revocation. Every query takes the set of units the
//! caller may see; nothing here widens it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};

use crate::entity::{certificate, completion, enrollment, jp_entry, lesson_progress, user};
use crate::learning::Certificate;
use crate::types::{CertificateId, CourseId, Jp, Nip, UnitId, UserId};
use crate::{Db, Result};

/// JP earned outside Lentera (a classical training, a seminar), recorded by an admin.
#[derive(Debug, Clone, PartialEq)]
pub struct JpEntry {
    pub id: i32,
    pub user_id: UserId,
    pub year: i32,
    pub jp: Jp,
    pub title: String,
    pub kind: String,
    pub document_ref: String,
    pub held_on: NaiveDate,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

impl From<jp_entry::Model> for JpEntry {
    fn from(m: jp_entry::Model) -> Self {
        JpEntry {
            id: m.id,
            user_id: m.user_id,
            year: m.year,
            jp: m.jp,
            title: m.title,
            kind: m.kind,
            document_ref: m.document_ref,
            held_on: m.held_on,
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewJpEntry {
    pub user_id: UserId,
    pub jp: Jp,
    pub title: String,
    pub kind: String,
    pub document_ref: String,
    pub held_on: NaiveDate,
    pub recorded_by: UserId,
}

/// Records outside JP; the year is the year it was held.
pub async fn add_jp_entry(db: &Db, new: NewJpEntry) -> Result<JpEntry> {
    use chrono::Datelike;
    let model = jp_entry::ActiveModel {
        user_id: Set(new.user_id),
        year: Set(new.held_on.year()),
        jp: Set(new.jp),
        title: Set(new.title),
        kind: Set(new.kind),
        document_ref: Set(new.document_ref),
        held_on: Set(new.held_on),
        recorded_by: Set(new.recorded_by),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.into())
}

pub async fn jp_entries_of(db: &Db, user_id: UserId, year: i32) -> Result<Vec<JpEntry>> {
    Ok(jp_entry::Entity::find()
        .filter(jp_entry::Column::UserId.eq(user_id))
        .filter(jp_entry::Column::Year.eq(year))
        .order_by_asc(jp_entry::Column::HeldOn)
        .all(db)
        .await?
        .into_iter()
        .map(JpEntry::from)
        .collect())
}

/// Ids of the users of some units, as a subquery.
fn users_of(units: &[UnitId]) -> SelectStatement {
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::UnitId.is_in(units.iter().copied()))
        .into_query()
}

/// (id, username, NIP, name, unit id) of a person in a report.
type Person = (UserId, String, Option<Nip>, String, Option<UnitId>);

/// The active people of some units, by name.
async fn people_of(db: &Db, units: &[UnitId]) -> Result<Vec<Person>> {
    Ok(user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::Username,
            user::Column::Nip,
            user::Column::Name,
            user::Column::UnitId,
        ])
        .filter(user::Column::UnitId.is_in(units.iter().copied()))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// One person's line in the JP report.
#[derive(Debug, Clone, PartialEq)]
pub struct JpRow {
    pub user_id: UserId,
    pub username: String,
    pub nip: Option<Nip>,
    pub name: String,
    pub unit_id: Option<UnitId>,
    pub course_jp: Jp,
    pub external_jp: Jp,
    pub certificates: i64,
    /// Courses enrolled in, completed (ever), and started (at least one lesson done).
    pub enrolled: i64,
    pub completed: i64,
    pub started: i64,
}

impl JpRow {
    pub fn jp(&self) -> Jp {
        self.course_jp + self.external_jp
    }
}

/// Every active person of the units with their JP in `year`: from certificates that are
/// not revoked, plus outside JP. Three queries whatever the number of people.
pub async fn jp_report(db: &Db, units: &[UnitId], year: i32) -> Result<Vec<JpRow>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let people = people_of(db, units).await?;
    let certs: Vec<(UserId, Option<i64>, i64)> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::UserId)
        .column_as(certificate::Column::Jp.sum(), "jp")
        .column_as(certificate::Column::Id.count(), "n")
        .filter(certificate::Column::Year.eq(year))
        .filter(certificate::Column::RevokedAt.is_null())
        // A path's certificate adds nothing: its courses' certificates count.
        .filter(certificate::Column::Kind.ne(crate::types::CertificateKind::Path))
        .filter(certificate::Column::UserId.in_subquery(users_of(units)))
        .group_by(certificate::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let outside: Vec<(UserId, Option<i64>)> = jp_entry::Entity::find()
        .select_only()
        .column(jp_entry::Column::UserId)
        .column_as(jp_entry::Column::Jp.sum(), "jp")
        .filter(jp_entry::Column::Year.eq(year))
        .filter(jp_entry::Column::UserId.in_subquery(users_of(units)))
        .group_by(jp_entry::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let enrolled = count_by_user(
        db,
        enrollment::Entity::find()
            .select_only()
            .column(enrollment::Column::UserId)
            .column_as(enrollment::Column::Id.count(), "n")
            .filter(enrollment::Column::UserId.in_subquery(users_of(units)))
            .group_by(enrollment::Column::UserId),
    )
    .await?;
    let completed = count_by_user(
        db,
        completion::Entity::find()
            .select_only()
            .column(completion::Column::UserId)
            .column_as(completion::Column::Id.count(), "n")
            .filter(completion::Column::UserId.in_subquery(users_of(units)))
            .group_by(completion::Column::UserId),
    )
    .await?;
    let started = count_by_user(
        db,
        lesson_progress::Entity::find()
            .select_only()
            .column(lesson_progress::Column::UserId)
            .column_as(
                {
                    use sea_orm::sea_query::ExprTrait;
                    sea_orm::sea_query::Expr::col(lesson_progress::Column::CourseId)
                        .count_distinct()
                },
                "n",
            )
            .filter(lesson_progress::Column::UserId.in_subquery(users_of(units)))
            .group_by(lesson_progress::Column::UserId),
    )
    .await?;
    let certs: HashMap<UserId, (Jp, i64)> = certs
        .into_iter()
        .map(|(u, jp, n)| (u, (Jp::from_sum(jp), n)))
        .collect();
    let outside: HashMap<UserId, Jp> = outside
        .into_iter()
        .map(|(u, jp)| (u, Jp::from_sum(jp)))
        .collect();
    Ok(people
        .into_iter()
        .map(|(id, username, nip, name, unit_id)| {
            let (course_jp, certificates) = certs.get(&id).copied().unwrap_or((Jp(0), 0));
            JpRow {
                user_id: id,
                username,
                nip,
                name,
                unit_id,
                course_jp,
                external_jp: outside.get(&id).copied().unwrap_or(Jp(0)),
                certificates,
                enrolled: enrolled.get(&id).copied().unwrap_or(0),
                completed: completed.get(&id).copied().unwrap_or(0),
                started: started.get(&id).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// Runs a `(user id, count)` grouped query into a map.
async fn count_by_user<E: EntityTrait>(
    db: &Db,
    query: sea_orm::Select<E>,
) -> Result<HashMap<UserId, i64>> {
    Ok(query
        .into_tuple::<(UserId, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// A person's state in one course.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseState {
    pub user_id: UserId,
    pub username: String,
    pub nip: Option<Nip>,
    pub name: String,
    pub unit_id: Option<UnitId>,
    pub enrolled_at: Option<DateTime<Utc>>,
    pub lessons_done: i64,
    pub last_activity: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// Everyone active in the units with their state in a course: not started (no enrolment),
/// in progress, or completed (with dates).
pub async fn course_states(
    db: &Db,
    units: &[UnitId],
    course_id: CourseId,
) -> Result<Vec<CourseState>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let people = people_of(db, units).await?;
    let enrolled: HashMap<UserId, DateTime<Utc>> = enrollment::Entity::find()
        .select_only()
        .columns([enrollment::Column::UserId, enrollment::Column::EnrolledAt])
        .filter(enrollment::Column::CourseId.eq(course_id))
        .filter(enrollment::Column::UserId.in_subquery(users_of(units)))
        .into_tuple::<(UserId, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let progress: HashMap<UserId, (i64, Option<DateTime<Utc>>)> = lesson_progress::Entity::find()
        .select_only()
        .column(lesson_progress::Column::UserId)
        .column_as(lesson_progress::Column::Id.count(), "n")
        .column_as(lesson_progress::Column::CompletedAt.max(), "last")
        .filter(lesson_progress::Column::CourseId.eq(course_id))
        .filter(lesson_progress::Column::UserId.in_subquery(users_of(units)))
        .group_by(lesson_progress::Column::UserId)
        .into_tuple::<(UserId, i64, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(u, n, last)| (u, (n, last)))
        .collect();
    let completed: HashMap<UserId, DateTime<Utc>> = completion::Entity::find()
        .select_only()
        .columns([completion::Column::UserId, completion::Column::CompletedAt])
        .filter(completion::Column::CourseId.eq(course_id))
        .filter(completion::Column::UserId.in_subquery(users_of(units)))
        .into_tuple::<(UserId, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(people
        .into_iter()
        .map(|(id, username, nip, name, unit_id)| {
            let (lessons_done, last_activity) = progress.get(&id).copied().unwrap_or((0, None));
            CourseState {
                user_id: id,
                username,
                nip,
                name,
                unit_id,
                enrolled_at: enrolled.get(&id).copied(),
                lessons_done,
                last_activity,
                completed_at: completed.get(&id).copied(),
            }
        })
        .collect())
}

/// Per course: (course id, people of the units enrolled, of whom completed).
pub async fn completion_rates(db: &Db, units: &[UnitId]) -> Result<Vec<(CourseId, i64, i64)>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let enrolled: Vec<(CourseId, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::CourseId)
        .column_as(enrollment::Column::UserId.count(), "n")
        .filter(enrollment::Column::UserId.in_subquery(users_of(units)))
        .group_by(enrollment::Column::CourseId)
        .into_tuple()
        .all(db)
        .await?;
    let completed: HashMap<CourseId, i64> = completion::Entity::find()
        .select_only()
        .column(completion::Column::CourseId)
        .column_as(completion::Column::UserId.count(), "n")
        .filter(completion::Column::UserId.in_subquery(users_of(units)))
        .group_by(completion::Column::CourseId)
        .into_tuple::<(CourseId, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(enrolled
        .into_iter()
        .map(|(c, n)| (c, n, completed.get(&c).copied().unwrap_or(0)))
        .collect())
}

/// Certificates of people in the units whose number or holder NIP is `query` (exact), or
/// all of a year's certificates when `query` is `None` (zip downloads).
pub async fn certificates_in(
    db: &Db,
    units: &[UnitId],
    query: Option<&str>,
    year: Option<i32>,
) -> Result<Vec<Certificate>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = certificate::Entity::find()
        .filter(certificate::Column::UserId.in_subquery(users_of(units)));
    if let Some(s) = query.map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(certificate::Column::Number.eq(s))
                .add(certificate::Column::HolderNip.eq(s)),
        );
    }
    if let Some(y) = year {
        q = q.filter(certificate::Column::Year.eq(y));
    }
    Ok(q.order_by_asc(certificate::Column::Number)
        .all(db)
        .await?
        .into_iter()
        .map(Certificate::from)
        .collect())
}

pub async fn certificate_by_number(db: &Db, number: &str) -> Result<Option<Certificate>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number))
        .one(db)
        .await?
        .map(Certificate::from))
}

/// Revokes a certificate with a reason; `false` when it was revoked already (the first
/// reason and date stand).
pub async fn revoke_certificate(db: &Db, id: CertificateId, reason: &str) -> Result<bool> {
    let result = certificate::Entity::update_many()
        .col_expr(certificate::Column::RevokedAt, Some(Utc::now()).into())
        .col_expr(
            certificate::Column::RevocationReason,
            Some(reason.to_owned()).into(),
        )
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
