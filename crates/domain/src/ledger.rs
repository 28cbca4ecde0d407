//! The JP ledger: what a person earned in a year, from certificates and from outside
//! Lentera, against the yearly target.

use chrono::{Datelike, Utc};
use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};
use crate::{Jp, Lentera};
use lentera_store::learning::{self, Certificate};
use lentera_store::people::User;

/// The yearly competency-development target, in JP (PP 11/2017 Pasal 203: at least 20 JP of
/// competence development a year).
pub const JP_TARGET: Jp = Jp(20);

/// The JP of one year against the target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JpYear {
    pub year: i32,
    pub earned: Jp,
    pub target: Jp,
    /// How much of the target is reached, 0-100.
    pub percent: u32,
}

/// JP earned this calendar year, against the target.
pub async fn jp_this_year(state: &Lentera, user: &User) -> Result<JpYear> {
    let year = Utc::now().year();
    let earned = learning::jp_in_year(&state.db, user.id, year).await?;
    let percent = (i64::from(earned.0) * 100 / i64::from(JP_TARGET.0).max(1)).clamp(0, 100);
    Ok(JpYear {
        year,
        earned,
        target: JP_TARGET,
        percent: u32::try_from(percent).unwrap_or(100),
    })
}

/// A certificate's line in the ledger.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerCourse {
    pub number: String,
    pub course: String,
    pub course_title: String,
    /// A course's certificate or an event's (attendance).
    pub kind: crate::CertificateKind,
    pub jp: Jp,
    pub issued_at: String,
    /// A revoked certificate's JP do not count.
    pub revoked: bool,
}

/// A learner's JP ledger for a year: each certificate's JP and each outside entry, with the
/// total against the yearly target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub year: i32,
    pub target: Jp,
    pub earned: Jp,
    pub courses: Vec<LedgerCourse>,
    pub outside: Vec<crate::reports::JpEntryView>,
}

pub async fn ledger(state: &Lentera, user: &User, year: i32) -> Result<Ledger> {
    let certs: Vec<Certificate> = learning::certificates_of(&state.db, user.id)
        .await?
        .into_iter()
        // A path's certificate adds no JP (its courses' certificates count), so it is no
        // line of the ledger.
        .filter(|c| c.year == year && c.kind.counts_in_ledger())
        .collect();
    let outside = lentera_store::reports::jp_entries_of(&state.db, user.id, year).await?;
    let from_courses: Jp = certs
        .iter()
        .filter(|c| c.revoked_at.is_none())
        .map(|c| c.jp)
        .sum();
    let from_outside: Jp = outside.iter().map(|e| e.jp).sum();
    Ok(Ledger {
        year,
        target: JP_TARGET,
        earned: from_courses + from_outside,
        courses: certs
            .iter()
            .map(|c| LedgerCourse {
                number: c.number.clone(),
                course: c.course_slug.clone(),
                course_title: c.course_title.clone(),
                kind: c.kind,
                jp: c.jp,
                issued_at: c.issued_at.to_rfc3339(),
                revoked: c.revoked_at.is_some(),
            })
            .collect(),
        outside: outside
            .iter()
            .map(crate::reports::JpEntryView::of)
            .collect(),
    })
}

/// A year a report or ledger may ask for.
pub fn check_year(year: i32) -> Result<i32> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(Error::new(ErrorCode::InvalidYear, "year: 2000-2100"))
    }
}

/// The calendar year now.
pub fn this_year() -> i32 {
    Utc::now().year()
}
