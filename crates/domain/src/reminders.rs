//! Reminder mails about assignments and the yearly 20 JP: a new assignment, due in 7 days
//! and in 1 day, overdue (once), and in the reminder month (`LENTERA_JP_REMINDER_MONTH`,
//! October unless set) everyone still short of 20 JP this year, with the courses open to
//! them.
//!
//! Each reminder is recorded in `reminders_sent` in the transaction of its outbox row, under
//! a unique (person, kind, assignment or year) key: a second insert fails, so each reminder
//! goes out once however many servers run the job and however often. People who turned
//! reminders off (`PUT /api/v1/me/preferences`) get none of these; mails that are not
//! reminders (a password reset, an essay graded) still go out. [`run_once`] takes the day,
//! so the job ([`run`]) and `lentera reminders run --date` share one clock that tests set.

use chrono::NaiveDate;

use crate::Lentera;
use crate::assignments::Target;
use crate::error::Result;
use lentera_store::assignments as store;
use lentera_store::outbox::NewMail;
use lentera_store::people::User;
use lentera_store::{AssignmentTarget, MailKind};

/// A day as the recipient reads it: "5 Desember 2026", or "5 December 2026" in English.
fn date_for(lang: &str, day: NaiveDate) -> String {
    if lang == "en" {
        day.format("%-d %B %Y").to_string()
    } else {
        lentera_certificate::tanggal_indonesia(day)
    }
}

/// Where a target is learnt, on this instance's public address.
fn link(state: &Lentera, kind: AssignmentTarget, slug: &str) -> String {
    match kind {
        AssignmentTarget::Course => format!("{}/kursus/{slug}", state.config.public_url),
        AssignmentTarget::Path => format!("{}/", state.config.public_url),
    }
}

/// A mail about an assignment to `user`: new, due soon or overdue (by `kind`).
#[allow(clippy::too_many_arguments)]
fn assignment_mail(
    state: &Lentera,
    user: &User,
    kind: MailKind,
    title: &str,
    href: &str,
    due: NaiveDate,
    days: i64,
    note: Option<&str>,
) -> Option<NewMail> {
    let key = match kind {
        MailKind::AssignmentNew => "assigned",
        MailKind::AssignmentOverdue => "overdue",
        _ => "due_soon",
    };
    let note = note
        .map(|n| crate::mail::text(&user.language, "assigned_note", &[("note", n)]))
        .unwrap_or_default();
    let due = date_for(&user.language, due);
    let days = days.abs().to_string();
    crate::mail::to_user(
        state,
        user,
        kind,
        key,
        &[
            ("title", title),
            ("due", &due),
            ("days", &days),
            ("link", href),
            ("note", &note),
        ],
        false,
    )
}

/// The mails announcing a new assignment to the people it concerns who have an address and
/// did not turn reminders off (none when mail is off).
pub(crate) async fn new_assignment_mails(
    state: &Lentera,
    people: &[User],
    target: &Target,
    due: NaiveDate,
    note: Option<&str>,
) -> Result<Vec<NewMail>> {
    if !state.mail.enabled() || people.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<_> = people.iter().map(|p| p.id).collect();
    let off = store::opted_out(&state.db, &store::people_query(&[], &ids)).await?;
    let href = link(state, target.kind, &target.slug);
    let today = crate::assignments::today();
    Ok(people
        .iter()
        .filter(|p| !off.contains(&p.id))
        .filter_map(|p| {
            assignment_mail(
                state,
                p,
                MailKind::AssignmentNew,
                &target.title,
                &href,
                due,
                (due - today).num_days(),
                note,
            )
        })
        .collect())
}
