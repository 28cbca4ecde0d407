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

use chrono::{Datelike, NaiveDate};

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
        AssignmentTarget::Path => format!("{}/jalur/{slug}", state.config.public_url),
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

/// How many days before the due date the early reminder goes out.
const EARLY_DAYS: i64 = 7;
/// Overdue assignments older than this are left alone (the overdue reminder is sent once;
/// after a long outage of the job, a reminder about a months-old due date is noise).
const OVERDUE_WINDOW_DAYS: i64 = 60;
/// The most assignments one run looks at.
const ASSIGNMENTS_PER_RUN: u64 = 1000;
/// People read at a time for the JP shortfall.
const PAGE: u64 = 500;
/// Courses a JP shortfall mail suggests.
const SUGGESTED: usize = 3;

/// What one run queued.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    pub due_7: usize,
    pub due_1: usize,
    pub overdue: usize,
    pub jp_shortfall: usize,
    /// "Your event starts tomorrow", to people holding a seat.
    pub event_tomorrow: usize,
}

/// Which reminder an assignment calls for on `today`, if any: overdue once the due date
/// passed; "due tomorrow" on its last two days; "due in 7 days" in its last week, unless it
/// was made within that week (its announcement said as much).
fn reminder_kind(due: NaiveDate, created: NaiveDate, today: NaiveDate) -> Option<MailKind> {
    let left = (due - today).num_days();
    if left < 0 {
        (left >= -OVERDUE_WINDOW_DAYS).then_some(MailKind::AssignmentOverdue)
    } else if left <= 1 {
        (created < today).then_some(MailKind::AssignmentDue1)
    } else if left <= EARLY_DAYS {
        ((due - created).num_days() > EARLY_DAYS).then_some(MailKind::AssignmentDue7)
    } else {
        None
    }
}

/// Queues every reminder due on `today` that was not sent before: about assignments (to
/// each person concerned who has not completed it), and in the reminder month the JP
/// shortfall. Nothing without mail. What the periodic job and `lentera reminders run`
/// call; each reminder is recorded once ([`store::remind_once`]), so runs may overlap.
pub async fn run_once(state: &Lentera, today: NaiveDate) -> Result<RunSummary> {
    let mut summary = RunSummary::default();
    if !state.mail.enabled() {
        return Ok(summary);
    }
    let units = lentera_store::org::all_units(&state.db).await?;
    let window = store::due_between(
        &state.db,
        today - chrono::Duration::days(OVERDUE_WINDOW_DAYS),
        today + chrono::Duration::days(EARLY_DAYS),
        ASSIGNMENTS_PER_RUN,
    )
    .await?;
    let titles = crate::assignments::Titles::of(state, &window).await?;
    for a in &window {
        let created = (a.created_at + chrono::Duration::hours(7)).date_naive();
        let Some(kind) = reminder_kind(a.due, created, today) else {
            continue;
        };
        let named = store::named(&state.db, &[a.id])
            .await?
            .remove(&a.id)
            .unwrap_or_default();
        let people =
            crate::assignments::concerned(state, a, &named, &units, crate::assignments::PEOPLE_MAX)
                .await?;
        let ids: Vec<_> = people.iter().map(|p| p.id).collect();
        let done = store::reminded_among(&state.db, &ids, kind, a.id.0).await?;
        let query = store::people_query(&[], &ids);
        let off = store::opted_out(&state.db, &query).await?;
        let progress = store::progress(&state.db, &query, &titles.courses_of(a)).await?;
        let href = link(state, a.target, &a.slug);
        let title = titles.title(a);
        for p in &people {
            let completed = titles.completed_at(a, &progress, p.id).is_some();
            if completed || done.contains(&p.id) || off.contains(&p.id) {
                continue;
            }
            let days = (a.due - today).num_days();
            let Some(mail) = assignment_mail(state, p, kind, &title, &href, a.due, days, None)
            else {
                continue;
            };
            if store::remind_once(&state.db, &mail, p.id, a.id.0, Some(a.id)).await? {
                match kind {
                    MailKind::AssignmentDue7 => summary.due_7 += 1,
                    MailKind::AssignmentDue1 => summary.due_1 += 1,
                    _ => summary.overdue += 1,
                }
            }
        }
    }
    if today.month() == state.config.jp_reminder_month {
        summary.jp_shortfall = jp_shortfall(state, today.year()).await?;
    }
    summary.event_tomorrow = crate::events::tomorrow_reminders(state, today).await?;
    if summary != RunSummary::default() {
        state.mail.wake();
    }
    Ok(summary)
}

/// In the reminder month: everyone with an address still short of 20 JP in `year`, once a
/// year, with the published courses they have not completed, most JP first.
async fn jp_shortfall(state: &Lentera, year: i32) -> Result<usize> {
    use lentera_store::UserId;
    let mut courses = lentera_store::courses::list_published(&state.db).await?;
    courses.sort_by(|a, b| b.jp.cmp(&a.jp).then_with(|| a.title.cmp(&b.title)));
    let mut sent = 0;
    let mut after = UserId(0);
    loop {
        let people = store::mailable_after(&state.db, after, PAGE).await?;
        let Some(last) = people.last() else {
            break;
        };
        after = last.id;
        let ids: Vec<UserId> = people.iter().map(|p| p.id).collect();
        let done = store::reminded_among(&state.db, &ids, MailKind::JpShortfall, year).await?;
        let off = store::opted_out(&state.db, &store::people_query(&[], &ids)).await?;
        let jp = store::jp_of(&state.db, &ids, year).await?;
        let completed = store::completed_by(&state.db, &ids).await?;
        for p in &people {
            let earned = jp.get(&p.id).copied().unwrap_or(lentera_store::Jp(0));
            if done.contains(&p.id) || off.contains(&p.id) || earned >= crate::ledger::JP_TARGET {
                continue;
            }
            let theirs = completed.get(&p.id);
            let open: Vec<String> = courses
                .iter()
                .filter(|c| !theirs.is_some_and(|t| t.contains(&c.id)))
                .take(SUGGESTED)
                .map(|c| {
                    format!(
                        "- {} ({} JP): {}",
                        c.title,
                        c.jp.0,
                        link(state, AssignmentTarget::Course, &c.slug)
                    )
                })
                .collect();
            let list = if open.is_empty() {
                crate::mail::text(&p.language, "jp_short_none", &[])
            } else {
                open.join("\n")
            };
            let short = crate::ledger::JP_TARGET.0 - earned.0;
            let Some(mail) = crate::mail::to_user(
                state,
                p,
                MailKind::JpShortfall,
                "jp_short",
                &[
                    ("jp", &earned.0.to_string()),
                    ("short", &short.to_string()),
                    ("year", &year.to_string()),
                    ("courses", &list),
                    ("link", &format!("{}/katalog", state.config.public_url)),
                ],
                false,
            ) else {
                continue;
            };
            if store::remind_once(&state.db, &mail, p.id, year, None).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

/// How often the job looks for reminders to send.
const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The reminder job of this server: [`run_once`] for today (WIB) every hour, the first an
/// hour after start (a replica restarting does not run it again at once), until the server
/// stops. Several servers may run it: each reminder is recorded once. Returns at once when
/// no SMTP server is configured. Operators and tests run it at once, for any day, with
/// `lentera reminders run [--date YYYY-MM-DD]`.
pub async fn run<S>(state: std::sync::Arc<S>)
where
    S: std::ops::Deref<Target = Lentera> + Send + Sync + 'static,
{
    if !state.mail.enabled() {
        return;
    }
    loop {
        tokio::time::sleep(EVERY).await;
        match run_once(&state, crate::assignments::today()).await {
            Ok(summary) => {
                if summary != RunSummary::default() {
                    tracing::info!(?summary, "reminders queued");
                }
            }
            Err(e) => tracing::warn!(error = %e.message, "reminders: the run failed"),
        }
    }
}

/// A person's e-mail preferences.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// Reminder e-mails (assignments, the yearly JP): on unless turned off. Mails about a
    /// graded essay or a password reset are not reminders and always go out.
    pub reminders: bool,
}

/// The signed-in person's preferences.
pub async fn preferences(state: &Lentera, user: &User) -> Result<Preferences> {
    Ok(Preferences {
        reminders: !store::reminders_off(&state.db, user.id).await?,
    })
}

/// Turns the signed-in person's reminder e-mails on or off.
pub async fn set_preferences(state: &Lentera, user: &User, p: &Preferences) -> Result<Preferences> {
    store::set_reminders(&state.db, user.id, p.reminders).await?;
    preferences(state, user).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn each_reminder_has_its_days() {
        let made = d("2026-11-01");
        let due = d("2026-12-20");
        assert_eq!(reminder_kind(due, made, d("2026-12-12")), None);
        assert_eq!(
            reminder_kind(due, made, d("2026-12-13")),
            Some(MailKind::AssignmentDue7)
        );
        assert_eq!(
            reminder_kind(due, made, d("2026-12-18")),
            Some(MailKind::AssignmentDue7)
        );
        assert_eq!(
            reminder_kind(due, made, d("2026-12-19")),
            Some(MailKind::AssignmentDue1)
        );
        assert_eq!(
            reminder_kind(due, made, d("2026-12-20")),
            Some(MailKind::AssignmentDue1)
        );
        assert_eq!(
            reminder_kind(due, made, d("2026-12-21")),
            Some(MailKind::AssignmentOverdue)
        );
        assert_eq!(
            reminder_kind(due, made, d("2027-02-18")),
            Some(MailKind::AssignmentOverdue)
        );
        assert_eq!(reminder_kind(due, made, d("2027-02-19")), None);
        // Made three days before its due date: announced, no "due in 7 days"; made the day
        // before: no "due tomorrow" either on the day it was made.
        assert_eq!(reminder_kind(due, d("2026-12-17"), d("2026-12-17")), None);
        assert_eq!(reminder_kind(due, d("2026-12-19"), d("2026-12-19")), None);
        assert_eq!(
            reminder_kind(due, d("2026-12-19"), d("2026-12-20")),
            Some(MailKind::AssignmentDue1)
        );
    }
}
