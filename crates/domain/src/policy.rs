//! Who may do what to which resource: every authorization decision of Lentera is made
//! here, by [`authorize`] (and [`scope`] for the units a manager may see).
//!
//! A handler names the action and the resource; the policy looks up what it needs (the
//! course's authors, the unit tree) and answers with a [`Granted`] proof or the refusal
//! the client sees. Operations that change or reveal something beyond the caller's own
//! records take a `Granted` (or a [`Scope`](crate::org::Scope), which only
//! [`scope`] builds), so an operation cannot be called without a decision first. The
//! route × identity matrix test (`tests/journey/authz.rs`) checks every route against
//! the decisions made here.
//!
//! Refusals are 403 when the caller may know the resource exists (a course's answer key,
//! an admin page) and 404 when its existence is nobody else's business (another
//! learner's attempt, a unit outside the manager's scope, a grading queue entry of
//! another instructor's course).

use std::collections::HashSet;

use crate::Lentera;
use crate::error::{Error, ErrorCode, Result};
use crate::sessions::CurrentUser;
use lentera_store::people::{Unit, User};
use lentera_store::{CourseId, UnitId, UserId};
use lentera_store::{courses, org};

pub use lentera_store::Role;

/// Something a caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Work as an instructor: the own course list, uploading a new course, the Markdown
    /// preview, the grading queue.
    Teach,
    /// Change a course or read what only its authors see: versions, publish, unpublish,
    /// roll back, edit a lesson, add a co-author, the enrolled learners.
    EditCourse,
    /// Read a quiz's answer key.
    ReadAnswerKey,
    /// Read a quiz's statistics.
    ViewStatistics,
    /// Grade the essays of a submitted attempt.
    Grade,
    /// Read, answer and submit an attempt.
    TakeAttempt,
    /// Download a certificate with the holder's full NIP.
    ReadFullCertificate,
    /// Units, users, JP from outside, revocation, the audit log.
    Administer,
    /// Publish a new version of an existing learning path.
    EditPath,
}

/// What an action is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The instance as a whole (administration, the instructor area).
    Instance,
    /// A course, by id.
    Course(CourseId),
    /// An attempt: its learner and its course.
    Attempt { owner: UserId, course: CourseId },
    /// A certificate, by its holder.
    Certificate { holder: UserId },
    /// A learning path, by who published it first (`None`: the console).
    Path { owner: Option<UserId> },
}

/// Proof that [`authorize`] allowed an action. It has a private field: nothing outside this
/// module can make one.
#[derive(Debug, Clone, Copy)]
pub struct Granted {
    _private: (),
}

const GRANTED: Granted = Granted { _private: () };

fn forbidden(code: ErrorCode, message: &str) -> Error {
    Error::new(code, message)
}

fn not_instructor() -> Error {
    forbidden(
        ErrorCode::Forbidden,
        "Only instructors and admins may do this",
    )
}

/// Whether `who` owns or co-authors the course.
async fn is_author(state: &Lentera, who: &CurrentUser, course: CourseId) -> Result<bool> {
    Ok(courses::is_editor(&state.db, course, who.user.id).await?)
}

/// Decides whether `who` may do `action` to `resource`.
pub async fn authorize(
    state: &Lentera,
    who: &CurrentUser,
    action: Action,
    resource: Resource,
) -> Result<Granted> {
    let admin = who.has(Role::Admin);
    let instructor = who.has(Role::Instructor);
    match (action, resource) {
        (Action::Teach, Resource::Instance) => {
            if admin || instructor {
                Ok(GRANTED)
            } else {
                Err(not_instructor())
            }
        }
        (
            Action::EditCourse | Action::ReadAnswerKey | Action::ViewStatistics,
            Resource::Course(course),
        ) => {
            if admin {
                Ok(GRANTED)
            } else if !instructor {
                Err(not_instructor())
            } else if is_author(state, who, course).await? {
                Ok(GRANTED)
            } else {
                Err(forbidden(
                    ErrorCode::NotCourseEditor,
                    "Only the course's owner, its co-authors and admins may do this",
                ))
            }
        }
        (Action::Grade, Resource::Attempt { course, .. }) => {
            if admin {
                Ok(GRANTED)
            } else if !instructor {
                Err(not_instructor())
            } else if is_author(state, who, course).await? {
                Ok(GRANTED)
            } else {
                // Another course's learners are not this instructor's business.
                Err(attempt_not_found())
            }
        }
        (Action::TakeAttempt, Resource::Attempt { owner, .. }) => own_attempt(&who.user, owner),
        (Action::ReadFullCertificate, Resource::Certificate { holder }) => {
            if admin || holder == who.user.id {
                return Ok(GRANTED);
            }
            if who.has(Role::Manager)
                && let Some(unit) = lentera_store::people::user_by_id(&state.db, holder)
                    .await?
                    .and_then(|u| u.unit_id)
                && scope(state, who).await?.contains(unit)
            {
                return Ok(GRANTED);
            }
            Err(forbidden(
                ErrorCode::Forbidden,
                "Only the holder, their managers and admins see the full certificate",
            ))
        }
        (Action::Administer, Resource::Instance) => {
            if admin {
                Ok(GRANTED)
            } else {
                Err(forbidden(ErrorCode::Forbidden, "Only admins may do this"))
            }
        }
        (Action::EditPath, Resource::Path { owner }) => {
            if admin {
                Ok(GRANTED)
            } else if !instructor {
                Err(not_instructor())
            } else if owner == Some(who.user.id) {
                Ok(GRANTED)
            } else {
                Err(forbidden(
                    ErrorCode::Forbidden,
                    "Only the instructor who published this path and admins may change it",
                ))
            }
        }
        (action, resource) => Err(Error::internal(format!(
            "no policy for {action:?} on {resource:?}"
        ))),
    }
}

/// An attempt is its learner's alone: anyone else, admins included, is told there is no
/// such attempt (instructors grade through [`Action::Grade`]).
pub fn own_attempt(user: &User, owner: UserId) -> Result<Granted> {
    if owner == user.id {
        Ok(GRANTED)
    } else {
        Err(attempt_not_found())
    }
}

/// A user an admin gave a one-time password may do one thing before anything else: choose
/// their own (and sign out). Every other request of theirs is refused with
/// `password_change_required`, which pages turn into a redirect to the change-password page.
pub fn own_password_chosen(who: &CurrentUser) -> Result<Granted> {
    if who.user.must_change_password {
        Err(forbidden(
            ErrorCode::PasswordChangeRequired,
            "Choose a new password first (PUT /api/v1/me/password): an admin reset yours",
        ))
    } else {
        Ok(GRANTED)
    }
}

/// Who may read `/metrics`: with `LENTERA_METRICS_TOKEN` set, whoever presents it as a
/// bearer token; without, only a direct local connection (a scraper on the same machine),
/// never a request relayed by a reverse proxy (which would be local too).
pub fn may_read_metrics(
    token: Option<&str>,
    presented: Option<&str>,
    local_direct: bool,
) -> Result<Granted> {
    match token {
        Some(token) => {
            let given = presented.unwrap_or("").as_bytes();
            let same = given.len() == token.len()
                && given
                    .iter()
                    .zip(token.as_bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0;
            if same {
                Ok(GRANTED)
            } else {
                Err(Error::new(
                    ErrorCode::Unauthenticated,
                    "Send the metrics token: Authorization: Bearer TOKEN",
                ))
            }
        }
        None if local_direct => Ok(GRANTED),
        None => Err(forbidden(
            ErrorCode::Forbidden,
            "Metrics are read on this machine, or with LENTERA_METRICS_TOKEN set",
        )),
    }
}

fn attempt_not_found() -> Error {
    Error::new(ErrorCode::AttemptNotFound, "No such attempt")
}

/// The units `who` may see: all of them for an admin, the own unit and everything below it
/// for a manager. Anyone else is refused (403), and a manager without a unit too.
pub async fn scope(state: &Lentera, who: &CurrentUser) -> Result<Scope> {
    let units = lentera_store::org::all_units(&state.db).await?;
    if who.has(Role::Admin) {
        return Ok(Scope::everything(units));
    }
    if who.has(Role::Manager) {
        let Some(home) = who.user.unit_id else {
            return Err(forbidden(
                ErrorCode::NoUnit,
                "Your account is not attached to a unit; ask an admin",
            ));
        };
        return Ok(Scope::below(units, home));
    }
    Err(forbidden(
        ErrorCode::Forbidden,
        "Only managers and admins see units and reports",
    ))
}

/// The units a caller may see ([`scope`]): everything for an admin, a manager's own unit
/// and everything below it. Only [`scope`] makes one, so holding a `Scope` is proof of the
/// decision; every report, export, user list and look-up is filtered by it, and a unit
/// outside it is "not found".
#[derive(Debug, Clone)]
pub struct Scope {
    units: Vec<Unit>,
    visible: HashSet<UnitId>,
    admin: bool,
}

impl Scope {
    fn everything(units: Vec<Unit>) -> Scope {
        let visible = units.iter().map(|u| u.id).collect();
        Scope {
            units,
            visible,
            admin: true,
        }
    }

    fn below(units: Vec<Unit>, home: UnitId) -> Scope {
        let visible = org::subtree(&units, home).into_iter().collect();
        Scope {
            units,
            visible,
            admin: false,
        }
    }

    /// Certificates found through this scope are of people in it: their managers see them
    /// whole ([`Action::ReadFullCertificate`]).
    pub fn full_certificates(&self) -> Granted {
        GRANTED
    }

    /// Whether the caller is an admin (who sees every unit and may change them).
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    pub fn contains(&self, unit: UnitId) -> bool {
        self.visible.contains(&unit)
    }

    /// A unit in scope, by id.
    pub fn unit(&self, id: UnitId) -> Option<&Unit> {
        self.units
            .iter()
            .find(|u| u.id == id && self.visible.contains(&u.id))
    }

    /// Every unit in scope, by id.
    pub fn ids(&self) -> Vec<UnitId> {
        let mut ids: Vec<UnitId> = self.visible.iter().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Units visible in this scope, in tree order with their depth (for indented lists).
    pub fn tree(&self) -> Vec<(usize, &Unit)> {
        let visible = &self.visible;
        let mut out = Vec::new();
        let mut roots: Vec<&Unit> = self
            .units
            .iter()
            .filter(|u| visible.contains(&u.id))
            .filter(|u| !u.parent_id.is_some_and(|p| visible.contains(&p)))
            .collect();
        roots.sort_by(|a, b| b.code.cmp(&a.code));
        let mut stack: Vec<(usize, &Unit)> = roots.into_iter().map(|u| (0, u)).collect();
        let mut seen = HashSet::new();
        while let Some((depth, u)) = stack.pop() {
            if !seen.insert(u.id) {
                continue;
            }
            out.push((depth, u));
            let mut children: Vec<&Unit> = self
                .units
                .iter()
                .filter(|c| c.parent_id == Some(u.id) && visible.contains(&c.id))
                .collect();
            children.sort_by(|a, b| b.code.cmp(&a.code));
            stack.extend(children.into_iter().map(|c| (depth + 1, c)));
        }
        out
    }

    /// The units named by an optional `unit` filter (with everything below), within scope.
    /// A unit outside the scope is "not found", as if it did not exist.
    pub fn filter(&self, code: Option<&str>) -> Result<Vec<UnitId>> {
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(self.ids());
        };
        let unit = self
            .units
            .iter()
            .find(|u| u.code == code && self.visible.contains(&u.id))
            .ok_or_else(|| Error::new(ErrorCode::UnitNotFound, "No such unit"))?;
        Ok(org::subtree(&self.units, unit.id)
            .into_iter()
            .filter(|id| self.visible.contains(id))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_parse_by_name_in_any_case() {
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("pengajar"), None);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::names(), "learner, instructor, manager, admin");
    }
}
