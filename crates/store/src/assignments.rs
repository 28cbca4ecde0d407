//! Assignments (a course or a learning path due on a day, for a unit with its sub-units or
//! for named people) and the reminders sent about them.
//!
//! A unit assignment stores the unit, not its people: who must do it is read at the time
//! (the people of the unit and everything below it), so someone who joins later has it too.
//! A reminder is recorded in `reminders_sent` in the transaction of its outbox row; the
//! unique (user, kind, subject) key makes a second one fail, so several replicas running the
//! reminder job send each reminder once.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set, TransactionTrait,
};

use crate::entity::{
    assignment, assignment_user, certificate, completion, course, enrollment, jp_entry,
    lesson_progress, reminder_opt_out, reminder_sent, user,
};
use crate::outbox::{self, NewMail};
use crate::people::{User, user_from};
use crate::types::{
    AssignmentId, AssignmentTarget, AuditAction, CourseId, Jp, MailKind, Nip, UnitId, UserId,
};
use crate::{Db, Result, StoreError, audit};

/// An assignment as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub id: AssignmentId,
    pub target: AssignmentTarget,
    pub slug: String,
    /// The unit (with everything below it) it is for; `None`: the named people.
    pub unit_id: Option<UnitId>,
    pub note: Option<String>,
    pub due: NaiveDate,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl From<assignment::Model> for Assignment {
    fn from(m: assignment::Model) -> Self {
        Assignment {
            id: m.id,
            target: m.target_kind,
            slug: m.target_slug,
            unit_id: m.unit_id,
            note: m.note,
            due: m.due,
            created_by: m.created_by,
            created_at: m.created_at,
        }
    }
}

/// A new assignment: for `unit_id`, or (when `None`) for `users`.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub target: AssignmentTarget,
    pub slug: String,
    pub unit_id: Option<UnitId>,
    pub users: Vec<UserId>,
    pub note: Option<String>,
    pub due: NaiveDate,
    pub created_by: UserId,
}

/// Stores an assignment with its named people, its audit entry (`detail`) and the mails
/// announcing it (each recorded as an `assignment_new` reminder), in one transaction.
pub async fn create(
    db: &Db,
    new: &NewAssignment,
    detail: &str,
    mails: &[NewMail],
) -> Result<Assignment> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let model = assignment::ActiveModel {
        target_kind: Set(new.target),
        target_slug: Set(new.slug.clone()),
        unit_id: Set(new.unit_id),
        note: Set(new.note.clone()),
        due: Set(new.due),
        created_by: Set(new.created_by),
        created_at: Set(now),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !new.users.is_empty() {
        assignment_user::Entity::insert_many(new.users.iter().map(|u| {
            assignment_user::ActiveModel {
                assignment_id: Set(model.id),
                user_id: Set(*u),
            }
        }))
        .exec(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Some(new.created_by),
        AuditAction::AssignmentCreated,
        &format!("assignment:{}", model.id),
        Some(detail.to_owned()),
    )
    .await?;
    for mail in mails {
        if let Some(user_id) = mail.user_id {
            insert_reminder(
                &txn,
                user_id,
                MailKind::AssignmentNew,
                model.id.0,
                Some(model.id),
            )
            .await?;
            outbox::enqueue(&txn, mail).await?;
        }
    }
    txn.commit().await?;
    Ok(model.into())
}

/// An assignment that was not withdrawn.
pub async fn by_id(db: &Db, id: AssignmentId) -> Result<Option<Assignment>> {
    Ok(assignment::Entity::find_by_id(id)
        .filter(assignment::Column::WithdrawnAt.is_null())
        .one(db)
        .await?
        .map(Assignment::from))
}

/// Assignments not withdrawn, newest first, at most `limit`: those `created_by` made, or
/// all of them.
pub async fn list(db: &Db, created_by: Option<UserId>, limit: u64) -> Result<Vec<Assignment>> {
    let mut q = assignment::Entity::find().filter(assignment::Column::WithdrawnAt.is_null());
    if let Some(by) = created_by {
        q = q.filter(assignment::Column::CreatedBy.eq(by));
    }
    Ok(q.order_by_desc(assignment::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Assignment::from)
        .collect())
}

/// Assignments not withdrawn for some units (each unit on its own) or naming some people,
/// newest first, at most `limit`.
pub async fn touching(
    db: &Db,
    units: &[UnitId],
    users: SelectStatement,
    limit: u64,
) -> Result<Vec<Assignment>> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::WithdrawnAt.is_null())
        .filter(
            Condition::any()
                .add(assignment::Column::UnitId.is_in(units.iter().copied()))
                .add(
                    assignment::Column::Id.in_subquery(
                        assignment_user::Entity::find()
                            .select_only()
                            .column(assignment_user::Column::AssignmentId)
                            .filter(assignment_user::Column::UserId.in_subquery(users))
                            .into_query(),
                    ),
                ),
        )
        .order_by_desc(assignment::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Assignment::from)
        .collect())
}

/// The assignments a person has: those of units on the way from their unit to the top
/// (`units`), and those naming them; by due date, at most `limit`.
pub async fn of_person(
    db: &Db,
    user_id: UserId,
    units: &[UnitId],
    limit: u64,
) -> Result<Vec<Assignment>> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::WithdrawnAt.is_null())
        .filter(
            Condition::any()
                .add(assignment::Column::UnitId.is_in(units.iter().copied()))
                .add(
                    assignment::Column::Id.in_subquery(
                        assignment_user::Entity::find()
                            .select_only()
                            .column(assignment_user::Column::AssignmentId)
                            .filter(assignment_user::Column::UserId.eq(user_id))
                            .into_query(),
                    ),
                ),
        )
        .order_by_asc(assignment::Column::Due)
        .order_by_asc(assignment::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Assignment::from)
        .collect())
}

/// Marks an assignment withdrawn, with its audit entry; `false` when it was already.
pub async fn withdraw(db: &Db, id: AssignmentId, by: UserId, detail: &str) -> Result<bool> {
    let txn = db.begin().await?;
    let result = assignment::Entity::update_many()
        .col_expr(assignment::Column::WithdrawnAt, Some(Utc::now()).into())
        .col_expr(assignment::Column::WithdrawnBy, Some(by).into())
        .filter(assignment::Column::Id.eq(id))
        .filter(assignment::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    audit::record(
        &txn,
        Some(by),
        AuditAction::AssignmentWithdrawn,
        &format!("assignment:{id}"),
        Some(detail.to_owned()),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// The people each assignment names (empty for unit assignments).
pub async fn named(db: &Db, ids: &[AssignmentId]) -> Result<HashMap<AssignmentId, Vec<UserId>>> {
    let rows: Vec<(AssignmentId, UserId)> = assignment_user::Entity::find()
        .select_only()
        .columns([
            assignment_user::Column::AssignmentId,
            assignment_user::Column::UserId,
        ])
        .filter(assignment_user::Column::AssignmentId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<AssignmentId, Vec<UserId>> = HashMap::new();
    for (a, u) in rows {
        out.entry(a).or_default().push(u);
    }
    Ok(out)
}

/// Active users by NIP (those found; roles are not loaded).
pub async fn users_by_nip(db: &Db, nips: &[Nip]) -> Result<Vec<User>> {
    Ok(user::Entity::find()
        .filter(user::Column::Nip.is_in(nips.iter().cloned()))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|m| user_from(m, Vec::new()))
        .collect())
}

/// The ids of the active people of some units or among `users`, as a subquery.
pub fn people_query(units: &[UnitId], users: &[UserId]) -> SelectStatement {
    user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(user::Column::UnitId.is_in(units.iter().copied()))
                .add(user::Column::Id.is_in(users.iter().copied())),
        )
        .into_query()
}

/// The active people of some units or among `users`, by name, at most `limit` (roles are
/// not loaded: reports and mails do not need them).
pub async fn people(db: &Db, units: &[UnitId], users: &[UserId], limit: u64) -> Result<Vec<User>> {
    Ok(user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(user::Column::UnitId.is_in(units.iter().copied()))
                .add(user::Column::Id.is_in(users.iter().copied())),
        )
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| user_from(m, Vec::new()))
        .collect())
}

/// Course ids by slug (those that exist).
pub async fn course_ids(db: &Db, slugs: &[String]) -> Result<HashMap<String, CourseId>> {
    Ok(course::Entity::find()
        .select_only()
        .columns([course::Column::Slug, course::Column::Id])
        .filter(course::Column::Slug.is_in(slugs.iter().cloned()))
        .into_tuple::<(String, CourseId)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Where people stand in some courses: when each (person, course) was completed, and which
/// were started (enrolled in, or a lesson done).
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub completed: HashMap<(UserId, CourseId), DateTime<Utc>>,
    pub started: HashSet<(UserId, CourseId)>,
}

/// [`Progress`] of the people `people` (a [`people_query`]) in `courses`.
pub async fn progress(db: &Db, people: &SelectStatement, courses: &[CourseId]) -> Result<Progress> {
    if courses.is_empty() {
        return Ok(Progress::default());
    }
    let completed = completion::Entity::find()
        .select_only()
        .columns([
            completion::Column::UserId,
            completion::Column::CourseId,
            completion::Column::CompletedAt,
        ])
        .filter(completion::Column::CourseId.is_in(courses.iter().copied()))
        .filter(completion::Column::UserId.in_subquery(people.clone()))
        .into_tuple::<(UserId, CourseId, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(u, c, at)| ((u, c), at))
        .collect();
    let mut started: HashSet<(UserId, CourseId)> = enrollment::Entity::find()
        .select_only()
        .columns([enrollment::Column::UserId, enrollment::Column::CourseId])
        .filter(enrollment::Column::CourseId.is_in(courses.iter().copied()))
        .filter(enrollment::Column::UserId.in_subquery(people.clone()))
        .into_tuple::<(UserId, CourseId)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    started.extend(
        lesson_progress::Entity::find()
            .select_only()
            .columns([
                lesson_progress::Column::UserId,
                lesson_progress::Column::CourseId,
            ])
            .distinct()
            .filter(lesson_progress::Column::CourseId.is_in(courses.iter().copied()))
            .filter(lesson_progress::Column::UserId.in_subquery(people.clone()))
            .into_tuple::<(UserId, CourseId)>()
            .all(db)
            .await?,
    );
    Ok(Progress { completed, started })
}

async fn insert_reminder<C: sea_orm::ConnectionTrait>(
    db: &C,
    user_id: UserId,
    kind: MailKind,
    subject: i32,
    assignment: Option<AssignmentId>,
) -> Result<()> {
    reminder_sent::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        subject: Set(subject),
        assignment_id: Set(assignment),
        sent_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::from_write(e, "reminder"))?;
    Ok(())
}

/// Records the reminder `kind` about `subject` (an assignment's id, or a year) for the
/// mail's recipient and queues the mail, in one transaction. `false`, and nothing written,
/// when that reminder was recorded before (by this server or another).
pub async fn remind_once(
    db: &Db,
    mail: &NewMail,
    user_id: UserId,
    subject: i32,
    assignment: Option<AssignmentId>,
) -> Result<bool> {
    let txn = db.begin().await?;
    match insert_reminder(&txn, user_id, mail.kind, subject, assignment).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            txn.rollback().await?;
            return Ok(false);
        }
        Err(e) => return Err(e),
    }
    outbox::enqueue(&txn, mail).await?;
    txn.commit().await?;
    Ok(true)
}

/// Whether the reminder `kind` about `subject` was recorded for `user_id`.
pub async fn reminded(db: &Db, user_id: UserId, kind: MailKind, subject: i32) -> Result<bool> {
    Ok(reminder_sent::Entity::find()
        .filter(reminder_sent::Column::UserId.eq(user_id))
        .filter(reminder_sent::Column::Kind.eq(kind))
        .filter(reminder_sent::Column::Subject.eq(subject))
        .one(db)
        .await?
        .is_some())
}

/// The latest reminder about each of some assignments per person: (kind, when).
pub async fn last_reminders(
    db: &Db,
    ids: &[AssignmentId],
) -> Result<HashMap<(AssignmentId, UserId), (MailKind, DateTime<Utc>)>> {
    let rows: Vec<(Option<AssignmentId>, UserId, MailKind, DateTime<Utc>)> =
        reminder_sent::Entity::find()
            .select_only()
            .columns([
                reminder_sent::Column::AssignmentId,
                reminder_sent::Column::UserId,
                reminder_sent::Column::Kind,
                reminder_sent::Column::SentAt,
            ])
            .filter(reminder_sent::Column::AssignmentId.is_in(ids.iter().copied()))
            .order_by_asc(reminder_sent::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, u, k, at)| a.map(|a| ((a, u), (k, at))))
        .collect())
}

/// Turns reminder mails off (`false`) or on again for a person.
pub async fn set_reminders(db: &Db, user_id: UserId, on: bool) -> Result<()> {
    if on {
        reminder_opt_out::Entity::delete_many()
            .filter(reminder_opt_out::Column::UserId.eq(user_id))
            .exec(db)
            .await?;
    } else if !opted_out_one(db, user_id).await? {
        match (reminder_opt_out::ActiveModel {
            user_id: Set(user_id),
            since: Set(Utc::now()),
        })
        .insert(db)
        .await
        {
            Ok(_) => {}
            // Turned off by a request at the same moment: off it is.
            Err(e)
                if matches!(
                    e.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

async fn opted_out_one(db: &Db, user_id: UserId) -> Result<bool> {
    Ok(reminder_opt_out::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some())
}

/// Whether a person turned reminder mails off.
pub async fn reminders_off(db: &Db, user_id: UserId) -> Result<bool> {
    opted_out_one(db, user_id).await
}

/// Of the people `people` (a [`people_query`]), those who turned reminder mails off.
pub async fn opted_out(db: &Db, people: &SelectStatement) -> Result<HashSet<UserId>> {
    Ok(reminder_opt_out::Entity::find()
        .select_only()
        .column(reminder_opt_out::Column::UserId)
        .filter(reminder_opt_out::Column::UserId.in_subquery(people.clone()))
        .into_tuple::<UserId>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Assignments not withdrawn due between `from` and `to` (inclusive), at most `limit`.
pub async fn due_between(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
    limit: u64,
) -> Result<Vec<Assignment>> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::WithdrawnAt.is_null())
        .filter(assignment::Column::Due.gte(from))
        .filter(assignment::Column::Due.lte(to))
        .order_by_asc(assignment::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Assignment::from)
        .collect())
}

/// Of `users`, those who got the reminder `kind` about `subject`.
pub async fn reminded_among(
    db: &Db,
    users: &[UserId],
    kind: MailKind,
    subject: i32,
) -> Result<HashSet<UserId>> {
    Ok(reminder_sent::Entity::find()
        .select_only()
        .column(reminder_sent::Column::UserId)
        .filter(reminder_sent::Column::UserId.is_in(users.iter().copied()))
        .filter(reminder_sent::Column::Kind.eq(kind))
        .filter(reminder_sent::Column::Subject.eq(subject))
        .into_tuple::<UserId>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Active people with an e-mail address whose id is above `after`, by id, at most
/// `limit` (roles are not loaded): the reminder job walks everyone a page at a time.
pub async fn mailable_after(db: &Db, after: UserId, limit: u64) -> Result<Vec<User>> {
    Ok(user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Email.is_not_null())
        .filter(user::Column::Email.ne(""))
        .filter(user::Column::Id.gt(after))
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| user_from(m, Vec::new()))
        .collect())
}

/// JP in `year` of each of `users`: certificates not revoked, plus JP recorded from outside.
pub async fn jp_of(db: &Db, users: &[UserId], year: i32) -> Result<HashMap<UserId, Jp>> {
    let mut out: HashMap<UserId, Jp> = HashMap::new();
    let certs: Vec<(UserId, Option<i64>)> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::UserId)
        .column_as(certificate::Column::Jp.sum(), "jp")
        .filter(certificate::Column::Year.eq(year))
        .filter(certificate::Column::RevokedAt.is_null())
        .filter(certificate::Column::UserId.is_in(users.iter().copied()))
        .group_by(certificate::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let outside: Vec<(UserId, Option<i64>)> = jp_entry::Entity::find()
        .select_only()
        .column(jp_entry::Column::UserId)
        .column_as(jp_entry::Column::Jp.sum(), "jp")
        .filter(jp_entry::Column::Year.eq(year))
        .filter(jp_entry::Column::UserId.is_in(users.iter().copied()))
        .group_by(jp_entry::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    for (u, jp) in certs.into_iter().chain(outside) {
        let entry = out.entry(u).or_insert(Jp(0));
        *entry += Jp::from_sum(jp);
    }
    Ok(out)
}

/// The courses each of `users` completed.
pub async fn completed_by(db: &Db, users: &[UserId]) -> Result<HashMap<UserId, HashSet<CourseId>>> {
    let rows: Vec<(UserId, CourseId)> = completion::Entity::find()
        .select_only()
        .columns([completion::Column::UserId, completion::Column::CourseId])
        .filter(completion::Column::UserId.is_in(users.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<UserId, HashSet<CourseId>> = HashMap::new();
    for (u, c) in rows {
        out.entry(u).or_default().insert(c);
    }
    Ok(out)
}
