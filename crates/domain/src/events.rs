//! Seminars, workshops, classroom training and internships (classical competence
//! development under Perlan LAN 10/2018): admins and managers create them for an audience
//! unit; its people register (a waitlist when full) and cancel; attendance is recorded by
//! the organiser's list or a check-in code shown at the venue ([`record_attendance`], the
//! one place attendance is written); an iCalendar file; the "event tomorrow" reminder.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::CertificateKind;
use crate::certificates::{self, OtherCertificate};
use crate::error::{Error, ErrorCode, Result};
use crate::learning::local_time;
use crate::policy::{self, Action, EventAccess, Resource, Scope};
use crate::sessions::CurrentUser;
use crate::{Jp, Lentera, text};
use lentera_store::events::{self as store, Audience, Event, NewEvent, Partner, Place};
use lentera_store::people::{self, Unit, User};
use lentera_store::{AuditAction, EventId, UnitId, UserId, audit};

pub use lentera_store::EventId as Id;

/// The kinds of event.
pub const KINDS: [&str; 4] = ["seminar", "workshop", "pelatihan", "magang"];

/// The time zones an event is held in, with their offset from UTC in hours.
pub const TIME_ZONES: [(&str, i32); 3] = [("WIB", 7), ("WITA", 8), ("WIT", 9)];

/// How long before the start check-in with the code opens.
const CHECK_IN_EARLY_MINUTES: i64 = 30;
/// The most events a list shows: upcoming, and recent past ones.
const UPCOMING: u64 = 100;
const PAST: u64 = 20;
/// Partners loaded for a list's organiser names (as many as the partner list holds).
const PARTNERS: u64 = 500;
/// The most registrations the organiser's page lists, and names one attendance call takes.
const MAX_LIST: u64 = 2000;
const MAX_ATTENDANCE: usize = 500;
/// The letters of check-in codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B to misread on a screen.
const CODE_LETTERS: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
const CODE_LENGTH: usize = 6;

/// A new event. Times are RFC 3339 with an offset (`2026-12-03T09:00:00+07:00`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EventBody {
    /// 3-200 characters, one line.
    pub title: String,
    /// seminar, workshop, pelatihan or magang.
    pub kind: String,
    /// RFC 3339 with an offset.
    pub start: String,
    /// RFC 3339 with an offset; after `start`.
    pub end: String,
    /// Where it is held and how its times are shown: WIB (UTC+7), WITA (UTC+8), WIT (UTC+9).
    pub timezone: String,
    /// The venue (at most 300 characters); this, `online_url` or both.
    pub place: Option<String>,
    /// An http(s) link for an online event.
    pub online_url: Option<String>,
    /// Seats, 1-10000; more registrations wait.
    pub capacity: i64,
    /// JP credited for attending, 0-100.
    pub jp: i64,
    /// A unit's code (within a manager's units) or a partner's code.
    pub organiser: String,
    /// A unit's code: it and the units below it may see and register. Required of
    /// managers (within their units); an admin's event without one is open to all.
    pub audience: Option<String>,
    /// At most 5000 characters.
    #[serde(default)]
    pub description: String,
}

/// Who organises an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganiserView {
    /// `unit` or `partner`.
    pub kind: String,
    pub code: String,
    pub name: String,
}

/// The caller's place at an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationView {
    /// registered, waitlisted, attended or cancelled.
    pub state: String,
    /// On the waitlist: the position (1 is next).
    pub position: Option<u64>,
}

impl RegistrationView {
    fn of(r: &store::Registration) -> RegistrationView {
        match (r.attended_at, r.place) {
            (Some(_), _) => RegistrationView {
                state: "attended".into(),
                position: None,
            },
            (None, Place::Registered) => RegistrationView {
                state: "registered".into(),
                position: None,
            },
            (None, Place::Waitlisted(n)) => RegistrationView {
                state: "waitlisted".into(),
                position: Some(n),
            },
        }
    }

    fn of_place(place: Place) -> RegistrationView {
        match place {
            Place::Registered => RegistrationView {
                state: "registered".into(),
                position: None,
            },
            Place::Waitlisted(n) => RegistrationView {
                state: "waitlisted".into(),
                position: Some(n),
            },
        }
    }
}

/// An event as the API and pages show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: EventId,
    pub title: String,
    pub kind: String,
    /// UTC, RFC 3339.
    pub start: String,
    pub end: String,
    /// WIB, WITA or WIT.
    pub timezone: String,
    /// The start and end in the event's time zone, with its label.
    pub start_local: String,
    pub end_local: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub jp: Jp,
    pub organiser: OrganiserView,
    /// The audience unit's code; none: open to everyone.
    pub audience: Option<String>,
    pub description: String,
    /// Seats taken and people waiting.
    pub registered: u64,
    pub waitlisted: u64,
    /// The caller's place, if any.
    pub mine: Option<RegistrationView>,
    /// Whether it is over.
    pub over: bool,
    /// Whether the caller organises it (the registrations, the check-in code, attendance).
    pub can_manage: bool,
}

/// One person on the organiser's list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendeeView {
    pub name: String,
    pub nip: Option<String>,
    /// registered, waitlisted or attended.
    pub state: String,
    pub position: Option<u64>,
}

/// What an event's organisers see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ManageView {
    pub event: EventView,
    /// The code shown at the venue for check-in.
    pub check_in_code: String,
    pub attendees: Vec<AttendeeView>,
}

/// The organiser's attendance list: NIPs (or usernames) of those present.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AttendanceBody {
    pub users: Vec<String>,
}

/// What an attendance call did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceView {
    /// How many were newly recorded present (those already recorded are not counted).
    pub recorded: usize,
}

/// A check-in with the code shown at the venue.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CheckInBody {
    pub code: String,
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidEvent, message).field(field)
}

fn not_found() -> Error {
    Error::new(ErrorCode::EventNotFound, "No such event")
}

/// The offset of an event time zone.
fn offset(tz: &str) -> Option<FixedOffset> {
    TIME_ZONES
        .iter()
        .find(|(name, _)| *name == tz)
        .and_then(|(_, hours)| FixedOffset::east_opt(hours * 3600))
}

fn time(field: &str, value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            invalid(
                field,
                format!(
                    "{field}: a time as RFC 3339 with an offset, e.g. 2026-12-03T09:00:00+07:00"
                ),
            )
        })
}

fn optional_line(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A new check-in code: six letters and digits that are hard to misread.
fn new_code() -> Result<String> {
    let bytes = crate::keys::random_bytes::<CODE_LENGTH>().map_err(Error::internal)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(CODE_LETTERS[usize::from(*b) % CODE_LETTERS.len()]))
        .collect())
}

/// The fields of a new event that need no database, checked; the message names the field.
fn checked(body: &EventBody) -> Result<NewEvent> {
    if !text::is_line(&body.title, 3, 200) {
        return Err(invalid("title", "title: 3-200 characters, one line"));
    }
    if !KINDS.contains(&body.kind.trim()) {
        return Err(invalid(
            "kind",
            "kind: seminar, workshop, pelatihan or magang",
        ));
    }
    let starts_at = time("start", &body.start)?;
    let ends_at = time("end", &body.end)?;
    if ends_at <= starts_at {
        return Err(invalid("end", "end: after the start"));
    }
    if ends_at - starts_at > Duration::days(366) {
        return Err(invalid("end", "end: within a year of the start"));
    }
    let timezone = body.timezone.trim().to_uppercase();
    if offset(&timezone).is_none() {
        return Err(invalid("timezone", "timezone: WIB, WITA or WIT"));
    }
    let place = optional_line(body.place.as_ref());
    if place.as_deref().is_some_and(|p| !text::is_line(p, 1, 300)) {
        return Err(invalid("place", "place: at most 300 characters, one line"));
    }
    let online_url = optional_line(body.online_url.as_ref());
    if let Some(url) = &online_url {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || !text::is_line(url, 10, 500) || url.contains(char::is_whitespace) {
            return Err(invalid(
                "online_url",
                "online_url: an http:// or https:// link of at most 500 characters",
            ));
        }
    }
    if place.is_none() && online_url.is_none() {
        return Err(invalid("place", "place: a venue, an online link or both"));
    }
    if !(1..=10_000).contains(&body.capacity) {
        return Err(invalid("capacity", "capacity: 1-10000 seats"));
    }
    if !(0..=100).contains(&body.jp) {
        return Err(invalid("jp", "jp: 0-100"));
    }
    if !body.description.trim().is_empty() && !text::is_paragraphs(&body.description, 1, 5000) {
        return Err(invalid(
            "description",
            "description: at most 5000 characters",
        ));
    }
    Ok(NewEvent {
        title: body.title.trim().to_owned(),
        kind: body.kind.trim().to_owned(),
        starts_at,
        ends_at,
        timezone,
        place,
        online_url,
        capacity: i32::try_from(body.capacity).unwrap_or(1),
        jp: Jp(i32::try_from(body.jp).unwrap_or(0)),
        organiser_unit_id: None,
        organiser_partner_id: None,
        audience_unit_id: None,
        description: body.description.trim().to_owned(),
        check_in_code: String::new(),
        created_by: UserId(0),
    })
}

/// Creates an event: admins for any audience (or none: open to all), managers for an
/// audience unit within their units (a unit outside them is "not found"); audit-logged.
pub async fn create(state: &Lentera, me: &CurrentUser, body: &EventBody) -> Result<EventView> {
    let scope = policy::scope(state, me).await?;
    let audience = body
        .audience
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    // The audience first: a unit outside the caller's is "not found" whatever else is sent.
    let audience_unit_id = match audience {
        Some(code) => Some(
            scope
                .unit_by_code(code)
                .ok_or_else(|| {
                    Error::new(ErrorCode::UnitNotFound, "No such unit").field("audience")
                })?
                .id,
        ),
        None if scope.is_admin() => None,
        None => {
            return Err(invalid(
                "audience",
                "audience: the code of one of your units",
            ));
        }
    };
    let mut new = checked(body)?;
    new.audience_unit_id = audience_unit_id;
    let organiser = body.organiser.trim();
    if let Some(unit) = scope.unit_by_code(organiser) {
        new.organiser_unit_id = Some(unit.id);
    } else if let Some(partner) = store::partner_by_code(&state.db, organiser).await? {
        new.organiser_partner_id = Some(partner.id);
    } else if people::unit_by_code(&state.db, organiser).await?.is_some() {
        return Err(Error::new(ErrorCode::UnitNotFound, "No such unit").field("organiser"));
    } else {
        return Err(invalid(
            "organiser",
            "organiser: the code of a unit or of a partner",
        ));
    }
    new.check_in_code = new_code()?;
    new.created_by = me.user.id;
    let event = store::create_event(&state.db, new).await?;
    audit::record(
        &state.db,
        Some(me.user.id),
        AuditAction::EventCreated,
        &format!("event:{}", event.id),
        Some(event.title.clone()),
    )
    .await?;
    one_view(state, me, &event).await
}

/// The view of one event for the caller.
async fn one_view(state: &Lentera, me: &CurrentUser, event: &Event) -> Result<EventView> {
    let access = policy::event_access(state, me).await?;
    let standing = standing(state, me, event.id).await?;
    let partners: Vec<Partner> = match event.organiser_partner_id {
        Some(p) => store::partner_by_id(&state.db, p)
            .await?
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
    view(&access, event, &partners, standing)
}

async fn scope_units(state: &Lentera) -> Result<Vec<Unit>> {
    Ok(lentera_store::org::all_units(&state.db).await?)
}

fn resource(event: &Event) -> Resource {
    Resource::Event {
        audience: event.audience_unit_id,
    }
}

/// The event, if the caller may see it (else "not found").
async fn visible(state: &Lentera, me: &CurrentUser, id: EventId) -> Result<Event> {
    let event = store::event_by_id(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    policy::authorize(state, me, Action::ViewEvent, resource(&event)).await?;
    Ok(event)
}

/// What a view needs beyond the event: seats taken and waiting, the caller's place.
struct Standing {
    registered: u64,
    waitlisted: u64,
    mine: Option<RegistrationView>,
}

async fn standing(state: &Lentera, me: &CurrentUser, id: EventId) -> Result<Standing> {
    let (registered, waitlisted) = store::counts(&state.db, id).await?;
    let mine = store::registration_of(&state.db, id, me.user.id)
        .await?
        .map(|r| RegistrationView::of(&r));
    Ok(Standing {
        registered,
        waitlisted,
        mine,
    })
}

fn view(
    access: &EventAccess,
    e: &Event,
    partners: &[Partner],
    standing: Standing,
) -> Result<EventView> {
    let units = access.units();
    let organiser = match (e.organiser_unit_id, e.organiser_partner_id) {
        (Some(u), _) => units.iter().find(|x| x.id == u).map(|u| OrganiserView {
            kind: "unit".into(),
            code: u.code.clone(),
            name: u.name.clone(),
        }),
        (None, Some(p)) => partners.iter().find(|x| x.id == p).map(|p| OrganiserView {
            kind: "partner".into(),
            code: p.code.clone(),
            name: p.name.clone(),
        }),
        (None, None) => None,
    };
    let Standing {
        registered,
        waitlisted,
        mine,
    } = standing;
    let can_manage = access
        .decide(Action::ManageEvent, e.audience_unit_id)
        .is_ok();
    Ok(EventView {
        id: e.id,
        title: e.title.clone(),
        kind: e.kind.clone(),
        start: e.starts_at.to_rfc3339(),
        end: e.ends_at.to_rfc3339(),
        timezone: e.timezone.clone(),
        start_local: local_time(e.starts_at, &e.timezone),
        end_local: local_time(e.ends_at, &e.timezone),
        place: e.place.clone(),
        online_url: e.online_url.clone(),
        capacity: e.capacity,
        jp: e.jp,
        organiser: organiser.unwrap_or(OrganiserView {
            kind: "unit".into(),
            code: String::new(),
            name: String::new(),
        }),
        audience: e
            .audience_unit_id
            .and_then(|a| units.iter().find(|u| u.id == a))
            .map(|u| u.code.clone()),
        description: e.description.clone(),
        registered,
        waitlisted,
        mine,
        over: e.ends_at < Utc::now(),
        can_manage,
    })
}

/// The events the caller may see: those for their unit (or a unit above it) and those
/// open to all; for managers also those for their units, for admins all. Upcoming ones
/// first, soonest first, then recent past ones. Decided and counted for the whole list at
/// once, not per event.
pub async fn list(state: &Lentera, me: &CurrentUser) -> Result<Vec<EventView>> {
    let access = policy::event_access(state, me).await?;
    let audience = match access.listed_units() {
        None => Audience::All,
        Some(units) => Audience::Units { units, open: true },
    };
    let events = store::events_for(&state.db, &audience, Utc::now(), UPCOMING, PAST).await?;
    let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
    let counts = store::counts_for(&state.db, &ids).await?;
    let mut mine = store::registrations_of_user(&state.db, me.user.id, &ids).await?;
    let partners = store::partners(&state.db, PARTNERS).await?;
    let mut out = Vec::with_capacity(events.len());
    for e in &events {
        let (registered, waitlisted) = counts.get(&e.id).copied().unwrap_or((0, 0));
        let standing = Standing {
            registered,
            waitlisted,
            mine: mine.remove(&e.id).map(|r| RegistrationView::of(&r)),
        };
        out.push(view(&access, e, &partners, standing)?);
    }
    Ok(out)
}

/// One event, if the caller may see it.
pub async fn show(state: &Lentera, me: &CurrentUser, id: EventId) -> Result<EventView> {
    let event = visible(state, me, id).await?;
    one_view(state, me, &event).await
}

/// Registers the caller (in the event's audience): a seat while there is one, else the
/// waitlist with its position; 409 when already registered or the event is over.
pub async fn register(state: &Lentera, me: &CurrentUser, id: EventId) -> Result<RegistrationView> {
    let event = visible(state, me, id).await?;
    policy::authorize(state, me, Action::JoinEvent, resource(&event)).await?;
    if event.ends_at < Utc::now() {
        return Err(Error::new(ErrorCode::EventOver, "This event is over"));
    }
    let place = store::register(&state.db, id, me.user.id)
        .await
        .map_err(crate::error::unique(
            ErrorCode::AlreadyRegistered,
            "You are already registered (or waitlisted) for this event",
        ))?;
    Ok(RegistrationView::of_place(place))
}

/// Cancels the caller's registration; the first on the waitlist takes a freed seat. 409
/// when not registered, or once the event started.
pub async fn cancel(state: &Lentera, me: &CurrentUser, id: EventId) -> Result<RegistrationView> {
    let event = visible(state, me, id).await?;
    policy::authorize(state, me, Action::JoinEvent, resource(&event)).await?;
    if event.starts_at < Utc::now() {
        return Err(Error::new(
            ErrorCode::EventOver,
            "The event has started; a registration can no longer be cancelled",
        ));
    }
    let (cancelled, moved_up) = store::cancel(&state.db, id, me.user.id).await?;
    if !cancelled {
        return Err(Error::new(
            ErrorCode::NotRegistered,
            "You are not registered for this event",
        ));
    }
    // The first on the waitlist now holds the seat: they hear of it (queued after the
    // cancellation is stored; a mail is a notice, the seat is theirs either way).
    if let Some(person) = moved_up
        && state.mail.enabled()
        && let Some(person) = people::user_by_id(&state.db, person).await?
        && let Some(mail) = crate::mail::event_seat(
            state,
            &person,
            &event.title,
            &local_time(event.starts_at, &event.timezone),
            event
                .place
                .as_deref()
                .or(event.online_url.as_deref())
                .unwrap_or(""),
            &format!("{}/acara/{}", state.config.public_url, event.id),
        )
    {
        lentera_store::outbox::enqueue(&state.db, &mail).await?;
        state.mail.wake();
    }
    Ok(RegistrationView {
        state: "cancelled".into(),
        position: None,
    })
}

/// The organisers' view: the event, its check-in code, who registered and waits.
pub async fn manage(state: &Lentera, me: &CurrentUser, id: EventId) -> Result<ManageView> {
    let event = visible(state, me, id).await?;
    policy::authorize(state, me, Action::ManageEvent, resource(&event)).await?;
    let attendees = store::registrations(&state.db, id, MAX_LIST)
        .await?
        .iter()
        .map(|r| {
            let place = RegistrationView::of(r);
            AttendeeView {
                name: r.name.clone(),
                nip: r.nip.as_ref().map(|n| n.as_str().to_owned()),
                state: place.state,
                position: place.position,
            }
        })
        .collect();
    Ok(ManageView {
        check_in_code: event.check_in_code.clone(),
        event: one_view(state, me, &event).await?,
        attendees,
    })
}

/// Records the organiser's attendance list (NIPs or usernames of people in the event's
/// audience); unknown people and people outside the audience are refused, naming them.
pub async fn attendance(
    state: &Lentera,
    me: &CurrentUser,
    id: EventId,
    body: &AttendanceBody,
) -> Result<AttendanceView> {
    let event = visible(state, me, id).await?;
    policy::authorize(state, me, Action::ManageEvent, resource(&event)).await?;
    if body.users.is_empty() || body.users.len() > MAX_ATTENDANCE {
        return Err(Error::new(ErrorCode::InvalidUser, "users: 1-500 NIPs").field("users"));
    }
    if event.starts_at > Utc::now() {
        return Err(Error::new(
            ErrorCode::InvalidEvent,
            "Attendance is recorded once the event has started",
        )
        .field("users"));
    }
    let units = scope_units(state).await?;
    let mut ids = Vec::with_capacity(body.users.len());
    for name in &body.users {
        let person = store::user_by_nip_or_username(&state.db, name.trim())
            .await?
            .filter(|u| in_audience(&units, event.audience_unit_id, u))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::UserNotFound,
                    format!("No one '{}' in this event's audience", name.trim()),
                )
                .field("users")
            })?;
        ids.push(person.id);
    }
    ids.sort_unstable();
    ids.dedup();
    let recorded = record_attendance(state, &event, &ids, me.user.id).await?;
    Ok(AttendanceView {
        recorded: recorded.len(),
    })
}

fn in_audience(units: &[Unit], audience: Option<UnitId>, user: &User) -> bool {
    match (audience, user.unit_id) {
        (None, _) => true,
        (Some(a), Some(home)) => lentera_store::org::subtree(units, a).contains(&home),
        (Some(_), None) => false,
    }
}

/// Checks the caller in with the code shown at the venue: only a registered person (a
/// seat, not the waitlist), from 30 minutes before the start to the end, rate-limited per
/// person.
pub async fn check_in(
    state: &Lentera,
    me: &CurrentUser,
    id: EventId,
    body: &CheckInBody,
) -> Result<RegistrationView> {
    let event = visible(state, me, id).await?;
    policy::authorize(state, me, Action::JoinEvent, resource(&event)).await?;
    if !state
        .check_in_by_user
        .allow(&me.user.id.to_string())
        .await?
    {
        return Err(Error::new(
            ErrorCode::TooManyRequests,
            "Too many check-in tries; wait a minute",
        ));
    }
    let now = Utc::now();
    if now < event.starts_at - Duration::minutes(CHECK_IN_EARLY_MINUTES) || now > event.ends_at {
        return Err(Error::new(
            ErrorCode::CheckInClosed,
            "Check-in opens 30 minutes before the start and closes at the end",
        ));
    }
    let mine = store::registration_of(&state.db, id, me.user.id).await?;
    match mine {
        Some(r) if r.attended_at.is_some() => return Ok(RegistrationView::of(&r)),
        Some(r) if r.place == Place::Registered => {}
        _ => {
            return Err(Error::new(
                ErrorCode::NotRegistered,
                "Only those registered for a seat check in",
            ));
        }
    }
    let given = body.code.trim().to_uppercase();
    let same = given.len() == event.check_in_code.len()
        && given
            .bytes()
            .zip(event.check_in_code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(Error::new(ErrorCode::WrongCheckInCode, "Wrong check-in code").field("code"));
    }
    record_attendance(state, &event, &[me.user.id], me.user.id).await?;
    Ok(RegistrationView {
        state: "attended".into(),
        position: None,
    })
}

/// Records `users` present at `event` (recorded by `by`): the one place attendance is
/// written. Each is recorded once, and with it gets a signed certificate of attendance
/// carrying the event's JP, which is how the JP reach the ledger and the reports (the
/// certificate is the one record of them: nothing else counts attendance). A second call
/// for the same person changes nothing. Returns those newly recorded.
pub async fn record_attendance(
    state: &Lentera,
    event: &Event,
    users: &[UserId],
    by: UserId,
) -> Result<Vec<UserId>> {
    let mut people = Vec::new();
    for id in store::not_attended(&state.db, event.id, users).await? {
        let Some(person) = people::user_by_id(&state.db, id).await? else {
            continue;
        };
        let certificate = OtherCertificate {
            kind: CertificateKind::Event,
            subject: event.id.to_string(),
            slug: format!("acara-{}", event.id),
            title: event.title.clone(),
            jp: event.jp,
            started_at: Some(event.starts_at),
        };
        people.push((
            id,
            certificates::prepare_other(state, &person, certificate).await?,
        ));
    }
    let marked = store::attend(&state.db, event.id, people.clone(), Utc::now()).await?;
    for (id, _) in people.iter().filter(|(id, _)| marked.contains(id)) {
        attended_statements(state, event, *id).await?;
    }
    if !marked.is_empty() {
        audit::record(
            &state.db,
            Some(by),
            AuditAction::EventAttendanceRecorded,
            &format!("event:{}", event.id),
            Some(format!("{} present", marked.len())),
        )
        .await?;
    }
    Ok(marked)
}

/// The xAPI statements of a person's attendance: the event attended, and the certificate
/// of attendance earned.
async fn attended_statements(state: &Lentera, event: &Event, id: UserId) -> Result<()> {
    if !state.xapi.enabled() {
        return Ok(());
    }
    let Some(person) = people::user_by_id(&state.db, id).await? else {
        return Ok(());
    };
    crate::xapi::record(
        state,
        &person,
        crate::xapi::Happened::EventAttended {
            event: event.id.0,
            title: &event.title,
            jp: event.jp.0,
        },
    )
    .await;
    let subject = event.id.to_string();
    let certificates = lentera_store::learning::certificates_of(&state.db, id).await?;
    if let Some(c) = certificates.iter().find(|c| {
        c.kind == CertificateKind::Event && c.subject.as_deref() == Some(subject.as_str())
    }) {
        crate::xapi::record(state, &person, crate::xapi::earned(c)).await;
    }
    Ok(())
}

/// What a certificate of attendance of event `subject` (its id) says the holder did, by
/// the event's kind: "telah mengikuti seminar", "... lokakarya", "... pelatihan klasikal",
/// "... magang". `None` for an unknown event.
pub async fn attended_statement(state: &Lentera, subject: Option<&str>) -> Result<Option<String>> {
    let Some(id) = subject.and_then(|s| s.parse::<i32>().ok()) else {
        return Ok(None);
    };
    let Some(event) = store::event_by_id(&state.db, EventId(id)).await? else {
        return Ok(None);
    };
    let what = match event.kind.as_str() {
        "seminar" => "seminar",
        "workshop" => "lokakarya",
        "pelatihan" => "pelatihan klasikal",
        "magang" => "magang",
        _ => "kegiatan pengembangan kompetensi",
    };
    Ok(Some(format!("telah mengikuti {what}")))
}

/// Queues the "event tomorrow" mail for each seat holder (with an e-mail address) of the
/// events starting tomorrow in their own time zone, once per registration. Returns how
/// many were queued. Without mail configured nothing is queued and nothing is marked.
pub async fn tomorrow_reminders(state: &Lentera, today: NaiveDate) -> Result<usize> {
    if !state.mail.enabled() {
        return Ok(0);
    }
    let Some(tomorrow) = today.succ_opt() else {
        return Ok(0);
    };
    let Some(after) = tomorrow.succ_opt() else {
        return Ok(0);
    };
    // Tomorrow begins first in WIT and ends last in WIB.
    let from = local_midnight(tomorrow, 9);
    let to = local_midnight(after, 7);
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(0);
    };
    let mut queued = 0;
    let dues = store::reminders_due(&state.db, from, to, MAX_LIST).await?;
    // Those who turned reminders off get none (a reminder of an event is one).
    let ids: Vec<UserId> = dues.iter().map(|d| d.user_id).collect();
    let off = lentera_store::assignments::opted_out(
        &state.db,
        &lentera_store::assignments::people_query(&[], &ids),
    )
    .await?;
    for due in dues.iter().filter(|d| !off.contains(&d.user_id)) {
        let Some(tz) = offset(&due.event.timezone) else {
            continue;
        };
        if due.event.starts_at.with_timezone(&tz).date_naive() != tomorrow {
            continue;
        }
        let Some(person) = people::user_by_id(&state.db, due.user_id).await? else {
            continue;
        };
        let mail = crate::mail::event_tomorrow(
            state,
            &person,
            &due.event.title,
            &local_time(due.event.starts_at, &due.event.timezone),
            due.event
                .place
                .as_deref()
                .or(due.event.online_url.as_deref())
                .unwrap_or(""),
            &format!("{}/acara/{}", state.config.public_url, due.event.id),
        );
        if mail.is_some()
            && store::mark_reminded(&state.db, due.registration, mail.as_ref()).await?
        {
            queued += 1;
        }
    }
    if queued > 0 {
        state.mail.wake();
    }
    Ok(queued)
}

fn local_midnight(day: NaiveDate, hours: i32) -> Option<DateTime<Utc>> {
    let tz = FixedOffset::east_opt(hours * 3600)?;
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The event as an iCalendar file (RFC 5545): one VEVENT with a stable UID, times in UTC,
/// text escaped and lines folded at 75 octets.
pub async fn calendar(state: &Lentera, me: &CurrentUser, id: EventId) -> Result<String> {
    let event = visible(state, me, id).await?;
    Ok(ics(&event, &state.config.public_url))
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn ics(e: &Event, public_url: &str) -> String {
    let host = public_url
        .split("://")
        .nth(1)
        .unwrap_or(public_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("lentera");
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let link = format!("{public_url}/acara/{}", e.id);
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Lentera//Acara//ID".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:event-{}@{host}", e.id),
        format!("DTSTAMP:{}", stamp(e.starts_at.min(Utc::now()))),
        format!("DTSTART:{}", stamp(e.starts_at)),
        format!("DTEND:{}", stamp(e.ends_at)),
        format!("SUMMARY:{}", escape(&e.title)),
    ];
    if let Some(place) = e.place.as_deref().or(e.online_url.as_deref()) {
        lines.push(format!("LOCATION:{}", escape(place)));
    }
    lines.push(format!("URL:{}", e.online_url.as_deref().unwrap_or(&link)));
    let description = if e.description.is_empty() {
        link
    } else {
        format!("{}\n\n{link}", e.description)
    };
    lines.push(format!("DESCRIPTION:{}", escape(&description)));
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

/// Scope helper for pages and the API: the units a manager may name as an audience.
pub fn audience_units(scope: &Scope) -> Vec<(String, String)> {
    scope
        .tree()
        .into_iter()
        .map(|(depth, u)| (u.code.clone(), format!("{}{}", "· ".repeat(depth), u.name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{escape, fold};

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let line = format!("SUMMARY:{}", "Inovasi pelayanan publik – ".repeat(8));
        let folded = fold(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{part:?} is {} octets", part.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
