//! Assignments: a manager (within their units) or an admin requires a course, or later a
//! learning path, by a due date, of a unit with its sub-units or of named people; each
//! person's state in it (not started, in progress, completed, overdue) is computed from
//! their enrolment, progress and completion when read.
//!
//! A unit assignment is stored with its unit, not its people, so someone who joins the unit
//! later has it too. A unit or person outside the caller's scope answers "not found", as
//! reports do. Creating and withdrawing are audit-logged; a new assignment is mailed to each
//! person with an address who did not turn reminders off.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, ErrorCode, Result};
use crate::nip::Nip;
use crate::policy::Scope;
use crate::sessions::CurrentUser;
use crate::{CourseId, Lentera, UnitId, UserId};
use lentera_store::assignments::{self as store, Assignment, NewAssignment, Progress};
use lentera_store::people::{Unit, User};
use lentera_store::{AssignmentId, AssignmentTarget, courses};

pub use lentera_store::outbox::NewMail;

/// The longest note (characters).
pub const NOTE_MAX: usize = 1000;
/// The most people an assignment may name.
pub const USERS_MAX: usize = 500;
/// The most assignments a list shows (newest first).
pub const LIST_MAX: u64 = 200;
/// The most assignments a learner's list shows (soonest due first).
pub const MINE_MAX: u64 = 50;
/// The most people an assignment's detail lists (by name).
pub const PEOPLE_MAX: u64 = 2000;

/// Today in Indonesia's western time (WIB, UTC+7), where most of Lentera's learners are:
/// the day an assignment's due date is compared with.
pub fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// A new assignment: `course` or `path`, for `unit` or `users`, due on `due`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentBody {
    /// A course's slug.
    pub course: Option<String>,
    /// A learning path's slug (instead of a course).
    pub path: Option<String>,
    /// A unit's code: it and its sub-units, including people who join later.
    pub unit: Option<String>,
    /// NIPs of people (instead of a unit), at most 500.
    pub users: Option<Vec<String>>,
    /// YYYY-MM-DD, today or later.
    pub due: String,
    /// At most 1000 characters.
    pub note: Option<String>,
}

/// Where a person stands in an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentState {
    NotStarted,
    InProgress,
    Completed,
    Overdue,
}

impl AssignmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentState::NotStarted => "not_started",
            AssignmentState::InProgress => "in_progress",
            AssignmentState::Completed => "completed",
            AssignmentState::Overdue => "overdue",
        }
    }

    /// Completed (before or after the due date) stays completed; anything else is overdue
    /// once `today` is past the due date.
    pub fn of(due: NaiveDate, today: NaiveDate, completed: bool, started: bool) -> Self {
        if completed {
            AssignmentState::Completed
        } else if today > due {
            AssignmentState::Overdue
        } else if started {
            AssignmentState::InProgress
        } else {
            AssignmentState::NotStarted
        }
    }
}

/// What an assignment asks to complete, resolved.
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: AssignmentTarget,
    pub slug: String,
    pub title: String,
    /// The course (for a course target).
    pub course: Option<CourseId>,
}

/// A published course as an assignment's target; an unknown one is "not found".
async fn course_target(state: &Lentera, slug: &str) -> Result<Target> {
    let head = courses::by_slug(&state.db, slug)
        .await?
        .filter(|h| h.published)
        .ok_or_else(|| {
            Error::new(ErrorCode::CourseNotFound, format!("No course '{slug}'")).field("course")
        })?;
    Ok(Target {
        kind: AssignmentTarget::Course,
        slug: head.slug,
        title: head.title,
        course: Some(head.id),
    })
}

/// A learning path as an assignment's target; an unknown one is "not found".
async fn path_target(state: &Lentera, slug: &str) -> Result<Target> {
    let path = crate::paths::find(state, slug).await?.ok_or_else(|| {
        Error::new(ErrorCode::NotFound, format!("No learning path '{slug}'")).field("path")
    })?;
    Ok(Target {
        kind: AssignmentTarget::Path,
        slug: path.slug,
        title: path.title,
        course: None,
    })
}

/// The titles of stored targets and the courses each asks for: courses by slug, learning
/// paths with their courses (a few queries for any number); a target no longer found keeps
/// its slug as title and asks for nothing.
pub(crate) struct Titles {
    courses: HashMap<String, (CourseId, String)>,
    paths: HashMap<String, (String, Vec<CourseId>)>,
}

impl Titles {
    pub(crate) async fn of(state: &Lentera, assignments: &[Assignment]) -> Result<Titles> {
        let slugs_of = |kind: AssignmentTarget| -> Vec<String> {
            assignments
                .iter()
                .filter(|a| a.target == kind)
                .map(|a| a.slug.clone())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect()
        };
        let slugs = slugs_of(AssignmentTarget::Course);
        let ids = store::course_ids(&state.db, &slugs).await?;
        let id_list: Vec<CourseId> = ids.values().copied().collect();
        let heads = courses::by_ids(&state.db, &id_list).await?;
        let courses = ids
            .into_iter()
            .map(|(slug, id)| {
                let title = heads
                    .iter()
                    .find(|h| h.id == id)
                    .map_or_else(|| slug.clone(), |h| h.title.clone());
                (slug, (id, title))
            })
            .collect();
        let mut paths = HashMap::new();
        for slug in slugs_of(AssignmentTarget::Path) {
            if let Some(path) = lentera_store::paths::by_slug(&state.db, &slug).await? {
                let courses = lentera_store::paths::courses_of(&state.db, &[path.id])
                    .await?
                    .into_iter()
                    .map(|c| c.course_id)
                    .collect();
                paths.insert(slug, (path.title, courses));
            }
        }
        Ok(Titles { courses, paths })
    }

    pub(crate) fn title(&self, a: &Assignment) -> String {
        match a.target {
            AssignmentTarget::Course => self
                .courses
                .get(&a.slug)
                .map_or_else(|| a.slug.clone(), |(_, t)| t.clone()),
            AssignmentTarget::Path => self
                .paths
                .get(&a.slug)
                .map_or_else(|| a.slug.clone(), |(t, _)| t.clone()),
        }
    }

    /// The course of a course assignment (where its link leads).
    pub(crate) fn course(&self, a: &Assignment) -> Option<CourseId> {
        match a.target {
            AssignmentTarget::Course => self.courses.get(&a.slug).map(|(id, _)| *id),
            AssignmentTarget::Path => None,
        }
    }

    /// The courses `a` asks to complete: its course, or every course of its path.
    pub(crate) fn courses_of(&self, a: &Assignment) -> Vec<CourseId> {
        match a.target {
            AssignmentTarget::Course => self.course(a).into_iter().collect(),
            AssignmentTarget::Path => self
                .paths
                .get(&a.slug)
                .map(|(_, c)| c.clone())
                .unwrap_or_default(),
        }
    }

    /// Every course any of the targets asks for.
    pub(crate) fn ids(&self) -> Vec<CourseId> {
        let mut ids: Vec<CourseId> = self.courses.values().map(|(id, _)| *id).collect();
        ids.extend(self.paths.values().flat_map(|(_, c)| c.iter().copied()));
        ids.sort_by_key(|c| c.0);
        ids.dedup();
        ids
    }

    /// When `user` completed what `a` asks (the last of a path's courses), if they did.
    pub(crate) fn completed_at(
        &self,
        a: &Assignment,
        progress: &Progress,
        user: UserId,
    ) -> Option<DateTime<Utc>> {
        let courses = self.courses_of(a);
        if courses.is_empty() {
            return None;
        }
        courses
            .iter()
            .map(|c| progress.completed.get(&(user, *c)).copied())
            .collect::<Option<Vec<_>>>()
            .and_then(|at| at.into_iter().max())
    }
}

/// The state of `user` in `a` from `progress`.
fn person_state(
    a: &Assignment,
    titles: &Titles,
    progress: &Progress,
    user: UserId,
    today: NaiveDate,
) -> (AssignmentState, Option<DateTime<Utc>>) {
    let completed_at = titles.completed_at(a, progress, user);
    let started = titles.courses_of(a).iter().any(|c| {
        progress.started.contains(&(user, *c)) || progress.completed.contains_key(&(user, *c))
    });
    (
        AssignmentState::of(a.due, today, completed_at.is_some(), started),
        completed_at,
    )
}

fn day(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|d| d.format("%Y-%m-%d").to_string())
}

/// An assignment as its managers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: AssignmentId,
    /// The course's slug (a course assignment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    /// The learning path's slug (a path assignment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub title: String,
    /// The unit's code (with its sub-units), or none: named people.
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    /// How many people it names (0 for a unit assignment).
    pub named: usize,
    /// YYYY-MM-DD.
    pub due: String,
    pub note: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl AssignmentView {
    fn of(a: &Assignment, titles: &Titles, units: &[Unit], named: usize) -> AssignmentView {
        let unit = a.unit_id.and_then(|id| units.iter().find(|u| u.id == id));
        let (course, path) = match a.target {
            AssignmentTarget::Course => (Some(a.slug.clone()), None),
            AssignmentTarget::Path => (None, Some(a.slug.clone())),
        };
        AssignmentView {
            id: a.id,
            course,
            path,
            title: titles.title(a),
            unit: unit.map(|u| u.code.clone()),
            unit_name: unit.map(|u| u.name.clone()),
            named,
            due: a.due.to_string(),
            note: a.note.clone(),
            created_at: a.created_at.to_rfc3339(),
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidAssignment, message).field(field)
}

/// The due date of a body: a day, not before `today`.
fn parse_due(due: &str, today: NaiveDate) -> Result<NaiveDate> {
    let due = NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d")
        .map_err(|_| invalid("due", "due: a day as YYYY-MM-DD"))?;
    if due < today {
        return Err(invalid("due", "due: today or later"));
    }
    Ok(due)
}

fn parse_note(note: Option<&str>) -> Result<Option<String>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > NOTE_MAX || !crate::text::is_paragraphs(note, 1, NOTE_MAX) {
        return Err(invalid(
            "note",
            format!("note: at most {NOTE_MAX} characters of text"),
        ));
    }
    Ok(Some(note.to_owned()))
}

/// Whom an assignment is for: a unit in scope, or people of units in scope.
enum Audience {
    Unit(Unit),
    People(Vec<User>),
}

async fn audience(state: &Lentera, scope: &Scope, body: &AssignmentBody) -> Result<Audience> {
    let unit = body
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    match (unit, &body.users) {
        (Some(code), None) => {
            let unit = lentera_store::people::unit_by_code(&state.db, code)
                .await?
                .filter(|u| scope.contains(u.id))
                .ok_or_else(|| {
                    Error::new(ErrorCode::UnitNotFound, format!("No unit '{code}'")).field("unit")
                })?;
            Ok(Audience::Unit(unit))
        }
        (None, Some(nips)) => {
            if nips.is_empty() || nips.len() > USERS_MAX {
                return Err(invalid("users", format!("users: 1 to {USERS_MAX} NIPs")));
            }
            let mut parsed = Vec::new();
            for nip in nips {
                let nip = Nip::parse(nip.trim()).map_err(|e| {
                    invalid(
                        "users",
                        format!("users: '{}' is not a NIP: {e}", nip.trim()),
                    )
                })?;
                if !parsed.contains(&nip) {
                    parsed.push(nip);
                }
            }
            let found = store::users_by_nip(&state.db, &parsed).await?;
            for nip in &parsed {
                // Someone outside the scope is as unknown as someone who does not exist.
                let visible = found.iter().any(|u| {
                    u.nip.as_ref() == Some(nip) && u.unit_id.is_some_and(|id| scope.contains(id))
                });
                if !visible {
                    return Err(Error::new(
                        ErrorCode::UserNotFound,
                        format!("No person with NIP {nip}"),
                    )
                    .field("users"));
                }
            }
            Ok(Audience::People(found))
        }
        _ => Err(invalid(
            "unit",
            "Name either a unit (unit) or people (users), not both",
        )),
    }
}

/// Creates an assignment (a manager within their scope, or an admin): audit-logged, and
/// mailed to each person concerned who has an address and takes reminders.
pub async fn create(
    state: &Lentera,
    me: &CurrentUser,
    scope: &Scope,
    body: &AssignmentBody,
) -> Result<AssignmentView> {
    let target = match (
        body.course
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        body.path
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    ) {
        (Some(course), None) => course_target(state, course).await?,
        (None, Some(path)) => path_target(state, path).await?,
        _ => {
            return Err(invalid(
                "course",
                "Name either a course (course) or a learning path (path)",
            ));
        }
    };
    let due = parse_due(&body.due, today())?;
    let note = parse_note(body.note.as_deref())?;
    let audience = audience(state, scope, body).await?;
    let units = lentera_store::org::all_units(&state.db).await?;
    let (unit_id, users, detail) = match &audience {
        Audience::Unit(u) => (
            Some(u.id),
            Vec::new(),
            format!("{} {} unit:{}", target.kind.as_str(), target.slug, u.code),
        ),
        Audience::People(people) => (
            None,
            people.iter().map(|u| u.id).collect(),
            format!(
                "{} {} people:{}",
                target.kind.as_str(),
                target.slug,
                people.len()
            ),
        ),
    };
    let new = NewAssignment {
        target: target.kind,
        slug: target.slug.clone(),
        unit_id,
        users: users.clone(),
        note: note.clone(),
        due,
        created_by: me.user.id,
    };
    // Whom to tell (read only when mail is on: without it nothing is queued).
    let recipients = match &audience {
        _ if !state.mail.enabled() => Vec::new(),
        Audience::Unit(u) => {
            let below = lentera_store::org::subtree(&units, u.id);
            store::people(&state.db, &below, &[], PEOPLE_MAX).await?
        }
        Audience::People(people) => people.clone(),
    };
    let mails =
        crate::reminders::new_assignment_mails(state, &recipients, &target, due, note.as_deref())
            .await?;
    let saved = store::create(&state.db, &new, &detail, &mails).await?;
    if !mails.is_empty() {
        state.mail.wake();
    }
    let titles = Titles::of(state, std::slice::from_ref(&saved)).await?;
    Ok(AssignmentView::of(&saved, &titles, &units, users.len()))
}

/// Whether `scope` covers an assignment: admins see all; a manager sees one they made, one
/// for a unit in their scope, or one naming only people of their units.
async fn covers(
    state: &Lentera,
    me: &CurrentUser,
    scope: &Scope,
    a: &Assignment,
    named: &[UserId],
) -> Result<bool> {
    if scope.is_admin() || a.created_by == me.user.id {
        return Ok(true);
    }
    if let Some(unit) = a.unit_id {
        return Ok(scope.contains(unit));
    }
    let people = store::people(&state.db, &[], named, USERS_MAX as u64).await?;
    Ok(!people.is_empty()
        && people
            .iter()
            .all(|p| p.unit_id.is_some_and(|u| scope.contains(u))))
}

fn not_found(id: AssignmentId) -> Error {
    Error::new(ErrorCode::AssignmentNotFound, format!("No assignment {id}"))
}

/// An assignment the caller may see, with the people it names.
async fn visible(
    state: &Lentera,
    me: &CurrentUser,
    scope: &Scope,
    id: AssignmentId,
) -> Result<(Assignment, Vec<UserId>)> {
    let a = store::by_id(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let named = store::named(&state.db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    if !covers(state, me, scope, &a, &named).await? {
        return Err(not_found(id));
    }
    Ok((a, named))
}

/// Withdraws an assignment the caller may see (audit-logged); reminders about it stop.
pub async fn withdraw(
    state: &Lentera,
    me: &CurrentUser,
    scope: &Scope,
    id: AssignmentId,
) -> Result<()> {
    let (a, _) = visible(state, me, scope, id).await?;
    let detail = format!("{} {}", a.target.as_str(), a.slug);
    if !store::withdraw(&state.db, id, me.user.id, &detail).await? {
        return Err(not_found(id));
    }
    Ok(())
}

/// The caller's assignments (an admin's: everyone's), newest first, at most [`LIST_MAX`].
pub async fn list(state: &Lentera, me: &CurrentUser, scope: &Scope) -> Result<Vec<AssignmentView>> {
    let by = (!scope.is_admin()).then_some(me.user.id);
    let found = store::list(&state.db, by, LIST_MAX).await?;
    views(state, &found).await
}

async fn views(state: &Lentera, found: &[Assignment]) -> Result<Vec<AssignmentView>> {
    let titles = Titles::of(state, found).await?;
    let ids: Vec<AssignmentId> = found.iter().map(|a| a.id).collect();
    let named = store::named(&state.db, &ids).await?;
    let units = lentera_store::org::all_units(&state.db).await?;
    Ok(found
        .iter()
        .map(|a| AssignmentView::of(a, &titles, &units, named.get(&a.id).map_or(0, Vec::len)))
        .collect())
}

/// The last reminder a person got about an assignment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReminderView {
    /// assignment_new, assignment_due_7, assignment_due_1 or assignment_overdue.
    pub kind: String,
    /// RFC 3339.
    pub sent_at: String,
}

/// A person's state in an assignment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonState {
    pub nip: Option<String>,
    pub name: String,
    pub unit: String,
    pub state: AssignmentState,
    /// YYYY-MM-DD.
    pub completed_at: Option<String>,
    pub last_reminder: Option<ReminderView>,
}

/// An assignment with each person's state and the last reminder they got.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentDetail {
    #[serde(flatten)]
    pub assignment: AssignmentView,
    pub people: Vec<PersonState>,
    /// More people than listed (the list stops at 2000).
    pub truncated: bool,
}

/// The people an assignment concerns now: its unit and everything below (as the unit is
/// today), or the people it names; active ones, by name, at most `limit`.
pub(crate) async fn concerned(
    state: &Lentera,
    a: &Assignment,
    named: &[UserId],
    units: &[Unit],
    limit: u64,
) -> Result<Vec<User>> {
    match a.unit_id {
        Some(unit) => {
            let below = lentera_store::org::subtree(units, unit);
            Ok(store::people(&state.db, &below, &[], limit).await?)
        }
        None => Ok(store::people(&state.db, &[], named, limit).await?),
    }
}

/// One assignment the caller may see, with each person's state and last reminder.
pub async fn detail(
    state: &Lentera,
    me: &CurrentUser,
    scope: &Scope,
    id: AssignmentId,
) -> Result<AssignmentDetail> {
    let (a, named) = visible(state, me, scope, id).await?;
    let units = lentera_store::org::all_units(&state.db).await?;
    let mut people = concerned(state, &a, &named, &units, PEOPLE_MAX + 1).await?;
    let truncated = people.len() as u64 > PEOPLE_MAX;
    people.truncate(PEOPLE_MAX as usize);
    let titles = Titles::of(state, std::slice::from_ref(&a)).await?;
    let ids: Vec<UserId> = people.iter().map(|p| p.id).collect();
    let progress = store::progress(
        &state.reports_db,
        &store::people_query(&[], &ids),
        &titles.ids(),
    )
    .await?;
    let reminders = store::last_reminders(&state.db, &[a.id]).await?;
    let today = today();
    Ok(AssignmentDetail {
        people: people
            .iter()
            .map(|p| {
                let (st, completed_at) = person_state(&a, &titles, &progress, p.id, today);
                PersonState {
                    nip: p.nip.as_ref().map(Nip::to_string),
                    name: p.name.clone(),
                    unit: p
                        .unit_id
                        .and_then(|id| units.iter().find(|u| u.id == id))
                        .map(|u| u.code.clone())
                        .unwrap_or_default(),
                    state: st,
                    completed_at: day(completed_at),
                    last_reminder: reminders.get(&(a.id, p.id)).map(|(k, at)| ReminderView {
                        kind: k.as_str().to_owned(),
                        sent_at: at.to_rfc3339(),
                    }),
                }
            })
            .collect(),
        truncated,
        assignment: AssignmentView::of(&a, &titles, &units, named.len()),
    })
}

/// An assignment as the person who must do it sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyAssignment {
    pub id: AssignmentId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub title: String,
    /// YYYY-MM-DD.
    pub due: String,
    pub state: AssignmentState,
    /// YYYY-MM-DD.
    pub completed_at: Option<String>,
    pub note: Option<String>,
    /// Days from today to the due date (negative when it has passed).
    pub days_left: i64,
}

/// The units from `unit` up to the top of its tree.
fn up_from(units: &[Unit], unit: UnitId) -> Vec<UnitId> {
    let mut out = vec![unit];
    let mut at = unit;
    while let Some(parent) = units.iter().find(|u| u.id == at).and_then(|u| u.parent_id) {
        if out.contains(&parent) {
            break;
        }
        out.push(parent);
        at = parent;
    }
    out
}

/// The assignments `user` has (of their unit or a unit above it, or naming them), soonest
/// due first, at most [`MINE_MAX`], each with their state.
pub async fn mine(state: &Lentera, user: &User) -> Result<Vec<MyAssignment>> {
    let units = match user.unit_id {
        Some(unit) => up_from(&lentera_store::org::all_units(&state.db).await?, unit),
        None => Vec::new(),
    };
    let found = store::of_person(&state.db, user.id, &units, MINE_MAX).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let titles = Titles::of(state, &found).await?;
    let progress = store::progress(
        &state.db,
        &store::people_query(&[], &[user.id]),
        &titles.ids(),
    )
    .await?;
    let today = today();
    Ok(found
        .iter()
        .map(|a| {
            let (st, completed_at) = person_state(a, &titles, &progress, user.id, today);
            MyAssignment {
                id: a.id,
                course: (a.target == AssignmentTarget::Course).then(|| a.slug.clone()),
                path: (a.target == AssignmentTarget::Path).then(|| a.slug.clone()),
                title: titles.title(a),
                due: a.due.to_string(),
                state: st,
                completed_at: day(completed_at),
                note: a.note.clone(),
                days_left: (a.due - today).num_days(),
            }
        })
        .collect())
}

/// The most rows the assignment report holds (people × assignments).
pub const REPORT_ROWS_MAX: usize = 20_000;
/// The most people of the selected units the assignment report reads.
const REPORT_PEOPLE_MAX: u64 = 20_000;

/// A person's state in an assignment, in the assignment report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentLine {
    pub assignment: AssignmentId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub title: String,
    /// YYYY-MM-DD.
    pub due: String,
    pub nip: Option<String>,
    pub name: String,
    pub unit: String,
    pub state: AssignmentState,
    /// YYYY-MM-DD.
    pub completed_at: Option<String>,
    /// The last reminder mailed about it: its kind and day (YYYY-MM-DD).
    pub last_reminder: Option<String>,
    pub last_reminder_at: Option<String>,
}

/// Per unit (each on its own, not its subtree): people × assignments at each state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentUnitLine {
    pub unit: String,
    pub name: String,
    pub depth: usize,
    pub assigned: usize,
    pub completed: usize,
    pub in_progress: usize,
    pub not_started: usize,
    pub overdue: usize,
}

/// Every person of some units in every assignment that concerns them, with counts per unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentReport {
    pub rows: Vec<AssignmentLine>,
    pub units: Vec<AssignmentUnitLine>,
    /// More rows than listed (the report stops at 20,000).
    pub truncated: bool,
}

/// The assignment report of `units` (already scoped): each active person of them in each
/// assignment for their unit, a unit above it, or naming them.
pub async fn report(state: &Lentera, scope: &Scope, units: &[UnitId]) -> Result<AssignmentReport> {
    let all_units = lentera_store::org::all_units(&state.db).await?;
    let mut wide: Vec<UnitId> = Vec::new();
    for unit in units {
        for up in up_from(&all_units, *unit) {
            if !wide.contains(&up) {
                wide.push(up);
            }
        }
    }
    let people_q = store::people_query(units, &[]);
    let found = store::touching(&state.reports_db, &wide, people_q.clone(), LIST_MAX).await?;
    let people = store::people(&state.reports_db, units, &[], REPORT_PEOPLE_MAX).await?;
    let titles = Titles::of(state, &found).await?;
    let ids: Vec<AssignmentId> = found.iter().map(|a| a.id).collect();
    let named = store::named(&state.reports_db, &ids).await?;
    let progress = store::progress(&state.reports_db, &people_q, &titles.ids()).await?;
    let reminders = store::last_reminders(&state.reports_db, &ids).await?;
    let today = today();
    let mut rows = Vec::new();
    let mut truncated = false;
    'outer: for a in &found {
        let below: HashSet<UnitId> = a
            .unit_id
            .map(|u| {
                lentera_store::org::subtree(&all_units, u)
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default();
        let names = named.get(&a.id);
        for p in &people {
            let concerned = match a.unit_id {
                Some(_) => p.unit_id.is_some_and(|u| below.contains(&u)),
                None => names.is_some_and(|n| n.contains(&p.id)),
            };
            if !concerned {
                continue;
            }
            if rows.len() >= REPORT_ROWS_MAX {
                truncated = true;
                break 'outer;
            }
            let (st, completed_at) = person_state(a, &titles, &progress, p.id, today);
            let reminder = reminders.get(&(a.id, p.id));
            rows.push(AssignmentLine {
                assignment: a.id,
                course: (a.target == AssignmentTarget::Course).then(|| a.slug.clone()),
                path: (a.target == AssignmentTarget::Path).then(|| a.slug.clone()),
                title: titles.title(a),
                due: a.due.to_string(),
                nip: p.nip.as_ref().map(Nip::to_string),
                name: p.name.clone(),
                unit: p
                    .unit_id
                    .and_then(|id| all_units.iter().find(|u| u.id == id))
                    .map(|u| u.code.clone())
                    .unwrap_or_default(),
                state: st,
                completed_at: day(completed_at),
                last_reminder: reminder.map(|(k, _)| k.as_str().to_owned()),
                last_reminder_at: reminder.and_then(|(_, at)| day(Some(*at))),
            });
        }
    }
    let unit_lines = scope
        .tree()
        .into_iter()
        .filter(|(_, u)| units.contains(&u.id))
        .map(|(depth, u)| {
            let mine: Vec<&AssignmentLine> = rows.iter().filter(|r| r.unit == u.code).collect();
            let count = |s: AssignmentState| mine.iter().filter(|r| r.state == s).count();
            AssignmentUnitLine {
                unit: u.code.clone(),
                name: u.name.clone(),
                depth,
                assigned: mine.len(),
                completed: count(AssignmentState::Completed),
                in_progress: count(AssignmentState::InProgress),
                not_started: count(AssignmentState::NotStarted),
                overdue: count(AssignmentState::Overdue),
            }
        })
        .collect();
    Ok(AssignmentReport {
        rows,
        units: unit_lines,
        truncated,
    })
}

/// The state as an Indonesian reader says it.
pub fn state_id(state: AssignmentState) -> &'static str {
    match state {
        AssignmentState::NotStarted => "belum mulai",
        AssignmentState::InProgress => "sedang belajar",
        AssignmentState::Completed => "selesai",
        AssignmentState::Overdue => "terlambat",
    }
}

/// The report's rows as a table for export: states and reminder kinds as the API names
/// them, or (for the Indonesian Excel CSV, `csv-id`) as an Indonesian reader says them.
pub fn table(lines: &[AssignmentLine], format: &str) -> crate::reports::Table {
    use crate::reports::Cell;
    let indonesian = format == "csv-id";
    let date = |d: &Option<String>| {
        Cell::Date(
            d.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        )
    };
    crate::reports::Table {
        name: "Penugasan",
        header: vec![
            "penugasan",
            "kursus",
            "judul",
            "tenggat",
            "nip",
            "nama",
            "unit",
            "status",
            "selesai",
            "pengingat_terakhir",
            "tanggal_pengingat",
        ],
        labels: vec![
            "Penugasan",
            "Kursus",
            "Judul",
            "Tenggat",
            "NIP",
            "Nama",
            "Unit",
            "Status",
            "Tanggal selesai",
            "Pengingat terakhir",
            "Tanggal pengingat",
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::Number(i64::from(l.assignment.0)),
                    l.course.clone().or_else(|| l.path.clone()).into(),
                    l.title.clone().into(),
                    date(&Some(l.due.clone())),
                    l.nip.clone().into(),
                    l.name.clone().into(),
                    l.unit.clone().into(),
                    Cell::Text(
                        if indonesian {
                            state_id(l.state)
                        } else {
                            l.state.as_str()
                        }
                        .to_owned(),
                    ),
                    date(&l.completed_at),
                    l.last_reminder.clone().into(),
                    date(&l.last_reminder_at),
                ]
            })
            .collect(),
    }
}

/// What a manager's assignment page shows: the courses one may assign, the caller's
/// assignments, and the assignment report of the selected units.
pub struct Overview {
    pub courses: Vec<crate::catalog::CourseSummary>,
    pub assignments: Vec<AssignmentView>,
    pub report: AssignmentReport,
}

pub async fn overview(
    state: &Lentera,
    me: &CurrentUser,
    scope: &Scope,
    units: &[UnitId],
) -> Result<Overview> {
    Ok(Overview {
        courses: crate::catalog::published(state).await?,
        assignments: list(state, me, scope).await?,
        report: report(state, scope, units).await?,
    })
}
