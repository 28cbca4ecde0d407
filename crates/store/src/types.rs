//! The types records carry instead of bare integers and strings: an id per table, the
//! roles, attempt states and audit actions as enums, the NIP and the JP as values that
//! are valid by construction. They are what the columns hold, so a user id can never be
//! passed where a course id belongs, and a state the code does not know never reaches it.

use std::fmt;

use sea_orm::entity::prelude::{DeriveActiveEnum, DeriveValueType, EnumIter, StringLen};
use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            DeriveValueType,
        )]
        #[serde(transparent)]
        #[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "schema", schema(value_type = i32))]
        pub struct $name(pub i32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

ids! {
    /// A user's id.
    UserId,
    /// An organisation unit's id.
    UnitId,
    /// A course's id (the course across its versions).
    CourseId,
    /// One published version of a course.
    VersionId,
    /// A quiz attempt's id.
    AttemptId,
    /// A certificate's id (its public code is separate).
    CertificateId,
    /// A completion's id.
    CompletionId,
    /// A partner institution's id.
    PartnerId,
    /// An event's (seminar, workshop, classroom training, internship) id.
    EventId,
    /// An assignment's id.
    AssignmentId,
    /// A learning path's id.
    PathId,
}

/// The roles of Lentera, as `user_roles.role` holds them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    EnumIter,
    DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(rename_all = "snake_case"))]
pub enum Role {
    #[sea_orm(string_value = "learner")]
    Learner,
    #[sea_orm(string_value = "instructor")]
    Instructor,
    #[sea_orm(string_value = "manager")]
    Manager,
    #[sea_orm(string_value = "admin")]
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Learner, Role::Instructor, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Instructor => "instructor",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// The role with this name (any case, surrounding spaces ignored).
    pub fn parse(name: &str) -> Option<Role> {
        let name = name.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name))
    }

    /// Roles as one text, comma-separated (the audit log's detail, CSV exports).
    pub fn join(roles: &[Role]) -> String {
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The names of every role, for messages: "learner, instructor, manager, admin".
    pub fn names() -> String {
        Role::ALL.map(Role::as_str).join(", ")
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a quiz attempt is: open for answers, submitted and waiting for an instructor to
/// grade its essays, or graded.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(rename_all = "snake_case"))]
pub enum AttemptState {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "pending_review")]
    PendingReview,
    #[sea_orm(string_value = "graded")]
    Graded,
}

impl AttemptState {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptState::Open => "open",
            AttemptState::PendingReview => "pending_review",
            AttemptState::Graded => "graded",
        }
    }
}

impl fmt::Display for AttemptState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a mail of the outbox is: waiting for its time, claimed by a worker that is
/// sending it, sent, or given up after the last try.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(rename_all = "snake_case"))]
pub enum MailState {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "sending")]
    Sending,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl MailState {
    pub const ALL: [MailState; 4] = [
        MailState::Pending,
        MailState::Sending,
        MailState::Sent,
        MailState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<MailState> {
        MailState::ALL
            .into_iter()
            .find(|s| s.as_str() == name.trim())
    }
}

/// What a certificate is for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    EnumIter,
    DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(rename_all = "snake_case"))]
pub enum CertificateKind {
    /// A course completed (its `course_id` names it).
    #[default]
    #[sea_orm(string_value = "course")]
    Course,
    /// A learning path completed: every course of it (`subject` is the path's slug). Its
    /// JP is the sum of its courses', already counted by their certificates.
    #[sea_orm(string_value = "path")]
    Path,
    /// An event attended: a seminar, workshop, classroom training or internship
    /// (`subject` is the event's id). Its JP counts in the ledger.
    #[sea_orm(string_value = "event")]
    Event,
}

impl CertificateKind {
    /// Whether the certificate's JP counts in the JP ledger (a path's does not: its
    /// courses' certificates already count).
    pub fn counts_in_ledger(self) -> bool {
        !matches!(self, CertificateKind::Path)
    }
}

/// Why a mail is sent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(rename_all = "snake_case"))]
pub enum MailKind {
    /// A link to choose a new password ("Lupa kata sandi?").
    #[sea_orm(string_value = "password_reset")]
    PasswordReset,
    /// An instructor graded the learner's essay.
    #[sea_orm(string_value = "essay_graded")]
    EssayGraded,
    /// An event the person registered for starts tomorrow.
    #[sea_orm(string_value = "event_tomorrow")]
    EventTomorrow,
    /// A seat was freed and the person, first on the waitlist, now holds it.
    #[sea_orm(string_value = "event_seat")]
    EventSeat,
    /// A manager assigned a course (or path) to the person.
    #[sea_orm(string_value = "assignment_new")]
    AssignmentNew,
    /// An assignment not completed is due in 7 days.
    #[sea_orm(string_value = "assignment_due_7")]
    AssignmentDue7,
    /// An assignment not completed is due tomorrow.
    #[sea_orm(string_value = "assignment_due_1")]
    AssignmentDue1,
    /// An assignment is overdue (sent once).
    #[sea_orm(string_value = "assignment_overdue")]
    AssignmentOverdue,
    /// In the reminder month: the person is still short of 20 JP this year.
    #[sea_orm(string_value = "jp_shortfall")]
    JpShortfall,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PasswordReset => "password_reset",
            MailKind::EssayGraded => "essay_graded",
            MailKind::AssignmentNew => "assignment_new",
            MailKind::AssignmentDue7 => "assignment_due_7",
            MailKind::AssignmentDue1 => "assignment_due_1",
            MailKind::AssignmentOverdue => "assignment_overdue",
            MailKind::JpShortfall => "jp_shortfall",
            MailKind::EventTomorrow => "event_tomorrow",
            MailKind::EventSeat => "event_seat",
        }
    }
}

/// What an assignment asks to complete: a course, or a learning path.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, EnumIter, DeriveActiveEnum,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(rename_all = "snake_case"))]
pub enum AssignmentTarget {
    #[sea_orm(string_value = "course")]
    Course,
    #[sea_orm(string_value = "path")]
    Path,
}

impl AssignmentTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentTarget::Course => "course",
            AssignmentTarget::Path => "path",
        }
    }
}

/// What the audit log records, each named `object.past_tense_verb`. The log keeps the
/// name as text, so entries written before an action was renamed still read (a migration
/// renamed the old present-tense names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    UnitCreated,
    UnitUpdated,
    UserCreated,
    UserUpdated,
    UsersImported,
    PasswordChanged,
    JpRecorded,
    CertificateRevoked,
    CoursePublished,
    CourseUnpublished,
    CourseRolledBack,
    CourseVersionPublished,
    CourseEditorAdded,
    AttemptGraded,
    InstansiUpdated,
    PasswordResetByAdmin,
    PasswordResetByMail,
    PartnerCreated,
    EventCreated,
    EventAttendanceRecorded,
    AssignmentCreated,
    AssignmentWithdrawn,
    PathPublished,
}

impl AuditAction {
    pub const ALL: [AuditAction; 23] = [
        AuditAction::UnitCreated,
        AuditAction::UnitUpdated,
        AuditAction::UserCreated,
        AuditAction::UserUpdated,
        AuditAction::UsersImported,
        AuditAction::PasswordChanged,
        AuditAction::JpRecorded,
        AuditAction::CertificateRevoked,
        AuditAction::CoursePublished,
        AuditAction::CourseUnpublished,
        AuditAction::CourseRolledBack,
        AuditAction::CourseVersionPublished,
        AuditAction::CourseEditorAdded,
        AuditAction::AttemptGraded,
        AuditAction::InstansiUpdated,
        AuditAction::PasswordResetByAdmin,
        AuditAction::PasswordResetByMail,
        AuditAction::PartnerCreated,
        AuditAction::EventCreated,
        AuditAction::EventAttendanceRecorded,
        AuditAction::AssignmentCreated,
        AuditAction::AssignmentWithdrawn,
        AuditAction::PathPublished,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::UnitCreated => "unit.created",
            AuditAction::UnitUpdated => "unit.updated",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::UsersImported => "users.imported",
            AuditAction::PasswordChanged => "user.password_changed",
            AuditAction::JpRecorded => "jp.recorded",
            AuditAction::CertificateRevoked => "certificate.revoked",
            AuditAction::CoursePublished => "course.published",
            AuditAction::CourseUnpublished => "course.unpublished",
            AuditAction::CourseRolledBack => "course.rolled_back",
            AuditAction::CourseVersionPublished => "course.version_published",
            AuditAction::CourseEditorAdded => "course.editor_added",
            AuditAction::AttemptGraded => "attempt.graded",
            AuditAction::InstansiUpdated => "instansi.updated",
            AuditAction::PasswordResetByAdmin => "user.one_time_password_issued",
            AuditAction::PasswordResetByMail => "user.reset_link_used",
            AuditAction::PartnerCreated => "partner.created",
            AuditAction::EventCreated => "event.created",
            AuditAction::EventAttendanceRecorded => "event.attendance_recorded",
            AuditAction::AssignmentCreated => "assignment.created",
            AuditAction::AssignmentWithdrawn => "assignment.withdrawn",
            AuditAction::PathPublished => "path.published",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Jam pelajaran: the unit of learning time a course is worth and the ledger counts.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    DeriveValueType,
)]
#[serde(transparent)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(value_type = i32))]
pub struct Jp(pub i32);

impl Jp {
    /// A JP total from a database sum (`SUM` gives a 64-bit integer, or nothing for no
    /// rows), held at the largest JP rather than wrapped.
    pub fn from_sum(sum: Option<i64>) -> Jp {
        Jp(sum.map_or(0, |s| i32::try_from(s).unwrap_or(i32::MAX)))
    }

    /// How many JP short of `target` this is (none when it is reached).
    pub fn short_of(self, target: Jp) -> Jp {
        Jp(target.0.saturating_sub(self.0).max(0))
    }
}

impl std::ops::Add for Jp {
    type Output = Jp;

    fn add(self, other: Jp) -> Jp {
        Jp(self.0.saturating_add(other.0))
    }
}

impl std::ops::AddAssign for Jp {
    fn add_assign(&mut self, other: Jp) {
        *self = *self + other;
    }
}

impl std::iter::Sum for Jp {
    fn sum<I: Iterator<Item = Jp>>(iter: I) -> Jp {
        iter.fold(Jp(0), |a, b| a + b)
    }
}

impl fmt::Display for Jp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A structurally valid NIP (Nomor Induk Pegawai): 18 digits, the birth date YYYYMMDD,
/// the appointment YYYYMM, the sex digit 1 or 2 and a 3-digit sequence. Built by
/// [`Nip::parse`]; the store keeps only NIPs that passed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, DeriveValueType)]
#[serde(transparent)]
pub struct Nip(String);

/// Why a text is not a NIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("a NIP has exactly 18 digits")]
    Length,
    #[error("digits 1-8 must be a real birth date (YYYYMMDD)")]
    BirthDate,
    #[error("digits 9-14 must be the appointment year and month (YYYYMM)")]
    Appointment,
    #[error("digit 15 (sex) must be 1 or 2")]
    Sex,
}

impl NipError {
    /// The message in Bahasa Indonesia.
    pub fn pesan(self) -> &'static str {
        match self {
            NipError::Length => "NIP harus terdiri atas tepat 18 angka",
            NipError::BirthDate => {
                "angka ke-1 sampai ke-8 harus tanggal lahir yang benar (TTTTBBHH)"
            }
            NipError::Appointment => {
                "angka ke-9 sampai ke-14 harus tahun dan bulan pengangkatan (TTTTBB)"
            }
            NipError::Sex => "angka ke-15 (jenis kelamin) harus 1 atau 2",
        }
    }
}

impl Nip {
    /// The NIP in `input` (spaces allowed between groups), if its structure is valid.
    pub fn parse(input: &str) -> Result<Nip, NipError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.len() != 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NipError::Length);
        }
        let num = |range: std::ops::Range<usize>| s[range].parse::<u32>().unwrap_or(0);
        let birth_year = i32::try_from(num(0..4)).unwrap_or(0);
        if chrono::NaiveDate::from_ymd_opt(birth_year, num(4..6), num(6..8)).is_none()
            || !(1940..=2015).contains(&birth_year)
        {
            return Err(NipError::BirthDate);
        }
        let (appointed_year, appointed_month) = (num(8..12), num(12..14));
        if !(1960..=2100).contains(&appointed_year) || !(1..=12).contains(&appointed_month) {
            return Err(NipError::Appointment);
        }
        if !matches!(&s[14..15], "1" | "2") {
            return Err(NipError::Sex);
        }
        Ok(Nip(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{AuditAction, Nip, NipError};

    #[test]
    fn accepts_a_valid_nip_and_rejects_broken_ones() {
        assert!(Nip::parse("198503152010011003").is_ok());
        assert_eq!(
            Nip::parse("1985 0315 201001 1 003").map(|n| n.to_string()),
            Ok("198503152010011003".to_owned())
        );
        assert_eq!(Nip::parse("12345"), Err(NipError::Length));
        assert_eq!(Nip::parse("198513152010011003"), Err(NipError::BirthDate));
        assert_eq!(Nip::parse("198503152010131003"), Err(NipError::Appointment));
        assert_eq!(Nip::parse("198503152010013003"), Err(NipError::Sex));
    }

    #[test]
    fn audit_actions_are_object_dot_past_tense_and_distinct() {
        let names: std::collections::HashSet<_> =
            AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), AuditAction::ALL.len());
        for name in names {
            let (object, verb) = name.split_once('.').unwrap_or(("", ""));
            assert!(!object.is_empty(), "{name}");
            assert!(
                verb.ends_with("ed")
                    || verb.ends_with("_back")
                    || verb.ends_with("_added")
                    // Irregular past participles.
                    || verb == "withdrawn",
                "{name} is not in the past tense"
            );
        }
    }
}
