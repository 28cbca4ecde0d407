//! Partner institutions, events and registrations. Registration and cancellation take the
//! event's row lock first (a write to it: a row lock on PostgreSQL, the write lock on
//! SQLite), so two people racing for the last seat are counted one after the other.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::entity::{event, event_registration, partner, user};
use crate::learning::NewCertificate;
use crate::outbox::{self, NewMail};
use crate::types::{EventId, Jp, Nip, PartnerId, UnitId, UserId};
use crate::{Db, Result, StoreError};

/// A partner institution.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub id: PartnerId,
    pub code: String,
    pub name: String,
    pub kind: String,
}

impl From<partner::Model> for Partner {
    fn from(m: partner::Model) -> Self {
        Partner {
            id: m.id,
            code: m.code,
            name: m.name,
            kind: m.kind,
        }
    }
}

/// Creates a partner; `Conflict` when the code is taken.
pub async fn create_partner(
    db: &Db,
    code: &str,
    name: &str,
    kind: &str,
    by: UserId,
) -> Result<Partner> {
    let model = partner::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        kind: Set(kind.to_owned()),
        created_by: Set(by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::from_write(e, "partner"))?;
    Ok(model.into())
}

/// Partners by name, at most `limit`.
pub async fn partners(db: &Db, limit: u64) -> Result<Vec<Partner>> {
    Ok(partner::Entity::find()
        .order_by_asc(partner::Column::Name)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Partner::from)
        .collect())
}

pub async fn partner_by_code(db: &Db, code: &str) -> Result<Option<Partner>> {
    Ok(partner::Entity::find()
        .filter(partner::Column::Code.eq(code))
        .one(db)
        .await?
        .map(Partner::from))
}

pub async fn partner_by_id(db: &Db, id: PartnerId) -> Result<Option<Partner>> {
    Ok(partner::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Partner::from))
}

/// An event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub jp: Jp,
    pub organiser_unit_id: Option<UnitId>,
    pub organiser_partner_id: Option<PartnerId>,
    pub audience_unit_id: Option<UnitId>,
    pub description: String,
    pub check_in_code: String,
    pub created_by: UserId,
}

impl From<event::Model> for Event {
    fn from(m: event::Model) -> Self {
        Event {
            id: m.id,
            title: m.title,
            kind: m.kind,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            timezone: m.timezone,
            place: m.place,
            online_url: m.online_url,
            capacity: m.capacity,
            jp: m.jp,
            organiser_unit_id: m.organiser_unit_id,
            organiser_partner_id: m.organiser_partner_id,
            audience_unit_id: m.audience_unit_id,
            description: m.description,
            check_in_code: m.check_in_code,
            created_by: m.created_by,
        }
    }
}

/// An event to create (its id is made by the database).
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub title: String,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub jp: Jp,
    pub organiser_unit_id: Option<UnitId>,
    pub organiser_partner_id: Option<PartnerId>,
    pub audience_unit_id: Option<UnitId>,
    pub description: String,
    pub check_in_code: String,
    pub created_by: UserId,
}

pub async fn create_event(db: &Db, new: NewEvent) -> Result<Event> {
    let model = event::ActiveModel {
        title: Set(new.title),
        kind: Set(new.kind),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        timezone: Set(new.timezone),
        place: Set(new.place),
        online_url: Set(new.online_url),
        capacity: Set(new.capacity),
        jp: Set(new.jp),
        organiser_unit_id: Set(new.organiser_unit_id),
        organiser_partner_id: Set(new.organiser_partner_id),
        audience_unit_id: Set(new.audience_unit_id),
        description: Set(new.description),
        check_in_code: Set(new.check_in_code),
        created_by: Set(new.created_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.into())
}

pub async fn event_by_id(db: &Db, id: EventId) -> Result<Option<Event>> {
    Ok(event::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Event::from))
}

/// Which events a list shows: those for some audiences, and those open to all.
#[derive(Debug, Clone)]
pub enum Audience {
    /// Every event (an admin).
    All,
    /// Events whose audience is one of these units, and (with `open`) those without one.
    Units { units: Vec<UnitId>, open: bool },
}

impl Audience {
    fn condition(&self) -> Condition {
        match self {
            Audience::All => Condition::all(),
            Audience::Units { units, open } => {
                let mut c = Condition::any()
                    .add(event::Column::AudienceUnitId.is_in(units.iter().copied()));
                if *open {
                    c = c.add(event::Column::AudienceUnitId.is_null());
                }
                c
            }
        }
    }
}

/// Events for `audience`: those not over yet at `now`, soonest first (at most `upcoming`),
/// then those over, latest first (at most `past`).
pub async fn events_for(
    db: &Db,
    audience: &Audience,
    now: DateTime<Utc>,
    upcoming: u64,
    past: u64,
) -> Result<Vec<Event>> {
    let mut out: Vec<Event> = event::Entity::find()
        .filter(audience.condition())
        .filter(event::Column::EndsAt.gte(now))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .limit(upcoming)
        .all(db)
        .await?
        .into_iter()
        .map(Event::from)
        .collect();
    out.extend(
        event::Entity::find()
            .filter(audience.condition())
            .filter(event::Column::EndsAt.lt(now))
            .order_by_desc(event::Column::StartsAt)
            .order_by_desc(event::Column::Id)
            .limit(past)
            .all(db)
            .await?
            .into_iter()
            .map(Event::from),
    );
    Ok(out)
}

/// A person's place at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Registered,
    /// On the waitlist, at this position (1 is next).
    Waitlisted(u64),
}

const REGISTERED: &str = "registered";
const WAITLISTED: &str = "waitlisted";

/// Takes the event's row lock for the rest of `txn`: a write to the row is a row lock on
/// PostgreSQL and takes SQLite's write lock (waiting for it under the busy timeout), so the
/// seat count read next cannot change until `txn` ends. False when there is no such event.
async fn lock_event(txn: &DatabaseTransaction, id: EventId) -> Result<bool> {
    let res = event::Entity::update_many()
        .col_expr(event::Column::Capacity, Expr::col(event::Column::Capacity))
        .filter(event::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(res.rows_affected == 1)
}

async fn registered_count<C: ConnectionTrait>(db: &C, id: EventId) -> Result<u64> {
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .filter(event_registration::Column::State.eq(REGISTERED))
        .count(db)
        .await?)
}

/// The waitlist position of registration `reg_id` (1 is next).
async fn position<C: ConnectionTrait>(db: &C, id: EventId, reg_id: i32) -> Result<u64> {
    Ok(event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .filter(event_registration::Column::State.eq(WAITLISTED))
        .filter(event_registration::Column::Id.lte(reg_id))
        .count(db)
        .await?)
}

/// Registers `user` for event `id`: a seat while there is one, else the waitlist.
/// `Conflict` when already registered or waitlisted.
pub async fn register(db: &Db, id: EventId, user: UserId) -> Result<Place> {
    let txn = db.begin().await?;
    if !lock_event(&txn, id).await? {
        return Err(StoreError::Conflict("no such event".into()));
    }
    let capacity = event::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .map_or(0, |e| e.capacity);
    let taken = registered_count(&txn, id).await?;
    let seat = taken < u64::try_from(capacity).unwrap_or(0);
    let row = event_registration::ActiveModel {
        event_id: Set(id),
        user_id: Set(user),
        state: Set(if seat { REGISTERED } else { WAITLISTED }.to_owned()),
        registered_at: Set(Utc::now()),
        attended_at: Set(None),
        reminded_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::from_write(e, "registration"))?;
    let place = if seat {
        Place::Registered
    } else {
        Place::Waitlisted(position(&txn, id, row.id).await?)
    };
    txn.commit().await?;
    Ok(place)
}

/// Cancels `user`'s registration for event `id`; when it held a seat, the first on the
/// waitlist takes it, in the same transaction. Returns whether there was one to cancel and
/// who moved up. An attended registration stays.
pub async fn cancel(db: &Db, id: EventId, user: UserId) -> Result<(bool, Option<UserId>)> {
    let txn = db.begin().await?;
    if !lock_event(&txn, id).await? {
        return Ok((false, None));
    }
    let Some(mine) = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .filter(event_registration::Column::UserId.eq(user))
        .filter(event_registration::Column::AttendedAt.is_null())
        .one(&txn)
        .await?
    else {
        return Ok((false, None));
    };
    event_registration::Entity::delete_by_id(mine.id)
        .exec(&txn)
        .await?;
    let mut moved = None;
    if mine.state == REGISTERED
        && let Some(next) = event_registration::Entity::find()
            .filter(event_registration::Column::EventId.eq(id))
            .filter(event_registration::Column::State.eq(WAITLISTED))
            .order_by_asc(event_registration::Column::Id)
            .one(&txn)
            .await?
    {
        event_registration::Entity::update_many()
            .col_expr(event_registration::Column::State, REGISTERED.into())
            .filter(event_registration::Column::Id.eq(next.id))
            .exec(&txn)
            .await?;
        moved = Some(next.user_id);
    }
    txn.commit().await?;
    Ok((true, moved))
}

/// A registration as the person or the organiser sees it.
#[derive(Debug, Clone)]
pub struct Registration {
    pub user_id: UserId,
    pub name: String,
    pub nip: Option<Nip>,
    pub place: Place,
    pub registered_at: DateTime<Utc>,
    pub attended_at: Option<DateTime<Utc>>,
}

/// `user`'s registration for event `id`, if any.
pub async fn registration_of(db: &Db, id: EventId, user: UserId) -> Result<Option<Registration>> {
    let Some(m) = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .filter(event_registration::Column::UserId.eq(user))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let place = if m.state == REGISTERED {
        Place::Registered
    } else {
        Place::Waitlisted(position(db, id, m.id).await?)
    };
    Ok(Some(Registration {
        user_id: m.user_id,
        name: String::new(),
        nip: None,
        place,
        registered_at: m.registered_at,
        attended_at: m.attended_at,
    }))
}

/// Seats taken and people waiting.
pub async fn counts(db: &Db, id: EventId) -> Result<(u64, u64)> {
    let registered = registered_count(db, id).await?;
    let waiting = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .filter(event_registration::Column::State.eq(WAITLISTED))
        .count(db)
        .await?;
    Ok((registered, waiting))
}

/// Seats taken and people waiting, for several events at once.
pub async fn counts_for(
    db: &Db,
    ids: &[EventId],
) -> Result<std::collections::HashMap<EventId, (u64, u64)>> {
    let rows: Vec<(EventId, String, i64)> = event_registration::Entity::find()
        .select_only()
        .column(event_registration::Column::EventId)
        .column(event_registration::Column::State)
        .column_as(event_registration::Column::Id.count(), "n")
        .filter(event_registration::Column::EventId.is_in(ids.iter().copied()))
        .group_by(event_registration::Column::EventId)
        .group_by(event_registration::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = std::collections::HashMap::new();
    for (id, state, n) in rows {
        let entry: &mut (u64, u64) = out.entry(id).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        if state == REGISTERED {
            entry.0 = n;
        } else {
            entry.1 = n;
        }
    }
    Ok(out)
}

/// `user`'s registrations for several events at once.
pub async fn registrations_of_user(
    db: &Db,
    user: UserId,
    ids: &[EventId],
) -> Result<std::collections::HashMap<EventId, Registration>> {
    let rows = event_registration::Entity::find()
        .filter(event_registration::Column::UserId.eq(user))
        .filter(event_registration::Column::EventId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut out = std::collections::HashMap::new();
    for m in rows {
        let place = if m.state == REGISTERED {
            Place::Registered
        } else {
            Place::Waitlisted(position(db, m.event_id, m.id).await?)
        };
        out.insert(
            m.event_id,
            Registration {
                user_id: m.user_id,
                name: String::new(),
                nip: None,
                place,
                registered_at: m.registered_at,
                attended_at: m.attended_at,
            },
        );
    }
    Ok(out)
}

/// Everyone registered or waiting (seats first, then the waitlist in order), at most
/// `limit`, with their names and NIPs.
pub async fn registrations(db: &Db, id: EventId, limit: u64) -> Result<Vec<Registration>> {
    let rows = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .order_by_asc(event_registration::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<UserId> = rows.iter().map(|r| r.user_id).collect();
    let people: std::collections::HashMap<UserId, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    let mut waiting = 0;
    for r in &rows {
        let place = if r.state == REGISTERED {
            Place::Registered
        } else {
            waiting += 1;
            Place::Waitlisted(waiting)
        };
        let who = people.get(&r.user_id);
        out.push(Registration {
            user_id: r.user_id,
            name: who.map(|u| u.name.clone()).unwrap_or_default(),
            nip: who.and_then(|u| u.nip.clone()),
            place,
            registered_at: r.registered_at,
            attended_at: r.attended_at,
        });
    }
    out.sort_by_key(|r| match r.place {
        Place::Registered => 0,
        Place::Waitlisted(n) => n,
    });
    Ok(out)
}

/// Those of `users` not yet recorded present at event `id`.
pub async fn not_attended(db: &Db, id: EventId, users: &[UserId]) -> Result<Vec<UserId>> {
    let done: std::collections::HashSet<UserId> = event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(id))
        .filter(event_registration::Column::UserId.is_in(users.iter().copied()))
        .filter(event_registration::Column::AttendedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(users
        .iter()
        .copied()
        .filter(|u| !done.contains(u))
        .collect())
}

/// Marks people present at event `id` (registered or not: the organiser's list is what
/// counts) and issues each their certificate of attendance, in one transaction: a person
/// is marked once (a conditional write), and only the one who marks them issues the
/// certificate. Returns those newly marked.
pub async fn attend(
    db: &Db,
    id: EventId,
    people: Vec<(UserId, NewCertificate)>,
    at: DateTime<Utc>,
) -> Result<Vec<UserId>> {
    let txn = db.begin().await?;
    let mut marked = Vec::new();
    for (u, certificate) in people {
        let existing = event_registration::Entity::find()
            .filter(event_registration::Column::EventId.eq(id))
            .filter(event_registration::Column::UserId.eq(u))
            .one(&txn)
            .await?;
        let newly = match existing {
            Some(r) if r.attended_at.is_some() => false,
            Some(r) => {
                event_registration::Entity::update_many()
                    .col_expr(event_registration::Column::AttendedAt, Some(at).into())
                    .col_expr(event_registration::Column::State, REGISTERED.into())
                    .filter(event_registration::Column::Id.eq(r.id))
                    .filter(event_registration::Column::AttendedAt.is_null())
                    .exec(&txn)
                    .await?
                    .rows_affected
                    == 1
            }
            None => {
                event_registration::ActiveModel {
                    event_id: Set(id),
                    user_id: Set(u),
                    state: Set(REGISTERED.to_owned()),
                    registered_at: Set(at),
                    attended_at: Set(Some(at)),
                    reminded_at: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .map_err(|e| StoreError::from_write(e, "registration"))?;
                true
            }
        };
        if newly {
            crate::learning::issue_certificate(&txn, certificate).await?;
            marked.push(u);
        }
    }
    txn.commit().await?;
    Ok(marked)
}

/// A user by NIP or, failing that, by username.
pub async fn user_by_nip_or_username(db: &Db, name: &str) -> Result<Option<crate::people::User>> {
    let by_nip = match Nip::parse(name) {
        Ok(nip) => {
            user::Entity::find()
                .filter(user::Column::Nip.eq(nip))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let found = match by_nip {
        Some(m) => Some(m),
        None => {
            user::Entity::find()
                .filter(user::Column::Username.eq(name))
                .one(db)
                .await?
        }
    };
    match found {
        Some(m) => crate::people::user_by_id(db, m.id).await,
        None => Ok(None),
    }
}

/// A seat holder of an event starting in a window who has not been reminded yet.
#[derive(Debug, Clone)]
pub struct Due {
    pub registration: i32,
    pub event: Event,
    pub user_id: UserId,
}

/// Seats (not the waitlist) at events starting in `[from, to)` whose reminder is not
/// queued yet, at most `limit`.
pub async fn reminders_due(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Due>> {
    let events: Vec<Event> = event::Entity::find()
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(to))
        .order_by_asc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(Event::from)
        .collect();
    let mut out = Vec::new();
    for e in events {
        let rows = event_registration::Entity::find()
            .filter(event_registration::Column::EventId.eq(e.id))
            .filter(event_registration::Column::State.eq(REGISTERED))
            .filter(event_registration::Column::RemindedAt.is_null())
            .order_by_asc(event_registration::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        for r in rows {
            out.push(Due {
                registration: r.id,
                event: e.clone(),
                user_id: r.user_id,
            });
        }
    }
    Ok(out)
}

/// Marks registration `id` reminded and queues `mail`, in one transaction, once: false
/// (and nothing queued) when another run marked it first.
pub async fn mark_reminded(db: &Db, id: i32, mail: Option<&NewMail>) -> Result<bool> {
    let txn = db.begin().await?;
    let res = event_registration::Entity::update_many()
        .col_expr(
            event_registration::Column::RemindedAt,
            Some(Utc::now()).into(),
        )
        .filter(event_registration::Column::Id.eq(id))
        .filter(event_registration::Column::RemindedAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    if let Some(mail) = mail {
        outbox::enqueue(&txn, mail).await?;
    }
    txn.commit().await?;
    Ok(true)
}
