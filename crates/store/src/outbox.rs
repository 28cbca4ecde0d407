//! The e-mail outbox: mails are written here in the transaction of the action that causes
//! them (so a mail exists if and only if its action happened), and a worker in every
//! server claims due ones, sends them and records the outcome.
//!
//! A claim marks rows `sending` under a random claim id until a lease ends. On PostgreSQL
//! the rows are picked with `FOR UPDATE SKIP LOCKED`, so workers of several replicas claim
//! disjoint rows without waiting on each other; on SQLite the one `UPDATE ... RETURNING`
//! runs under the database's single write lock, which is as exclusive. A worker that dies
//! mid-send leaves its rows `sending` until the lease ends, when any worker claims them
//! again. Every outcome is written only under the claim that sent it, so a worker whose
//! lease ran out cannot overwrite a newer claim's outcome.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, Statement,
};

use crate::entity::mail_outbox;
use crate::types::{MailKind, MailState, UserId};
use crate::{Db, Result};

/// What a blanked secret body says instead of the link it held.
pub const BLANKED: &str = "(isi dihapus setelah dikirim: berisi tautan sekali pakai)";

/// A mail to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: MailKind,
    pub user_id: Option<UserId>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// The body holds a secret (a reset link): it is blanked once sent or given up.
    pub secret: bool,
}

/// Writes `mail`, due now. Call it on the transaction of the action that causes the mail.
pub async fn enqueue<C: ConnectionTrait>(db: &C, mail: &NewMail) -> Result<()> {
    let now = Utc::now();
    mail_outbox::Entity::insert(mail_outbox::ActiveModel {
        kind: Set(mail.kind),
        user_id: Set(mail.user_id),
        recipient: Set(mail.recipient.clone()),
        subject: Set(mail.subject.clone()),
        body: Set(mail.body.clone()),
        secret: Set(mail.secret),
        state: Set(MailState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claim: Set(None),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Whether any mail is due by `now` (a cheap read before the claim, which writes).
pub async fn any_due(db: &Db, now: DateTime<Utc>) -> Result<bool> {
    use sea_orm::Condition;
    Ok(mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Id)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(mail_outbox::Column::State.eq(MailState::Pending))
                        .add(mail_outbox::Column::NextAttemptAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(mail_outbox::Column::State.eq(MailState::Sending))
                        .add(mail_outbox::Column::ClaimedUntil.lt(now)),
                ),
        )
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}

/// A mail a worker claimed and must now send.
#[derive(Debug, Clone)]
pub struct ClaimedMail {
    pub id: i32,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Tries so far, this one included.
    pub attempts: i32,
}

/// Claims up to `limit` due mails (pending and due by `now`, or `sending` under a lease
/// that ended) for the claim `claim` until `lease_until`, counting a try for each.
pub async fn claim(
    db: &Db,
    claim: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ClaimedMail>> {
    let statement = claim_statement(
        db.get_database_backend(),
        "mail_outbox",
        "id, kind, recipient, subject, body, attempts",
        claim,
        now,
        lease_until,
        limit,
    );
    let rows = db.query_all_raw(statement).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(ClaimedMail {
            id: row.try_get("", "id")?,
            kind: row.try_get("", "kind")?,
            recipient: row.try_get("", "recipient")?,
            subject: row.try_get("", "subject")?,
            body: row.try_get("", "body")?,
            attempts: row.try_get("", "attempts")?,
        });
    }
    out.sort_by_key(|m| m.id);
    Ok(out)
}

/// The one statement that claims due rows of an outbox table (`mail_outbox`,
/// `xapi_outbox`: the same columns for state, tries and claims) and returns `returning` of
/// each: pending rows due by `now` and `sending` rows whose lease ended, at most `limit`,
/// oldest first, marked `sending` under `claim` until `lease_until` with a try counted.
pub(crate) fn claim_statement(
    backend: DbBackend,
    table: &str,
    returning: &str,
    claim: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Statement {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE {table} SET state = 'sending', claim = $1, claimed_until = $2, \
                 attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM {table} \
                   WHERE (state = 'pending' AND next_attempt_at <= $3) \
                      OR (state = 'sending' AND claimed_until < $3) \
                   ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 RETURNING {returning}"
            ),
            vec![claim.into(), lease_until.into(), now.into(), limit.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE {table} SET state = 'sending', claim = ?, claimed_until = ?, \
                 attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM {table} \
                   WHERE (state = 'pending' AND next_attempt_at <= ?) \
                      OR (state = 'sending' AND claimed_until < ?) \
                   ORDER BY id LIMIT ?) \
                 RETURNING {returning}"
            ),
            vec![
                claim.into(),
                lease_until.into(),
                now.into(),
                now.into(),
                limit.into(),
            ],
        ),
    }
}

/// An update of the row `id` that holds only while `claim` still holds it.
fn under_claim(id: i32, claim: &str) -> sea_orm::UpdateMany<mail_outbox::Entity> {
    mail_outbox::Entity::update_many()
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::State.eq(MailState::Sending))
        .filter(mail_outbox::Column::Claim.eq(claim))
        .col_expr(mail_outbox::Column::Claim, Option::<String>::None.into())
        .col_expr(
            mail_outbox::Column::ClaimedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
}

/// A secret body is blanked with its outcome.
fn blank_secret(
    update: sea_orm::UpdateMany<mail_outbox::Entity>,
) -> sea_orm::UpdateMany<mail_outbox::Entity> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    update.col_expr(
        mail_outbox::Column::Body,
        Expr::case(Expr::col(mail_outbox::Column::Secret).eq(true), BLANKED)
            .finally(Expr::col(mail_outbox::Column::Body))
            .into(),
    )
}

/// The mail went out. False when the claim had been lost (its lease ended and another
/// worker took the row).
pub async fn mark_sent(db: &Db, id: i32, claim: &str, at: DateTime<Utc>) -> Result<bool> {
    let done = blank_secret(under_claim(id, claim))
        .col_expr(mail_outbox::Column::State, MailState::Sent.into())
        .col_expr(mail_outbox::Column::SentAt, Some(at).into())
        .col_expr(
            mail_outbox::Column::LastError,
            Option::<String>::None.into(),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The try failed with `error` (never a secret: the SMTP server's answer or the network's):
/// tried again from `next_at`, or given up (`failed`) when `next_at` is `None`.
pub async fn mark_unsent(
    db: &Db,
    id: i32,
    claim: &str,
    error: &str,
    next_at: Option<DateTime<Utc>>,
) -> Result<bool> {
    let error: String = error.chars().take(500).collect();
    let update =
        under_claim(id, claim).col_expr(mail_outbox::Column::LastError, Some(error).into());
    let update = match next_at {
        Some(at) => update
            .col_expr(mail_outbox::Column::State, MailState::Pending.into())
            .col_expr(mail_outbox::Column::NextAttemptAt, at.into()),
        None => blank_secret(update).col_expr(mail_outbox::Column::State, MailState::Failed.into()),
    };
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// A mail as an admin sees it in the outbox: never its body.
#[derive(Debug, Clone)]
pub struct MailRecord {
    pub id: i32,
    pub kind: MailKind,
    pub user_id: Option<UserId>,
    pub recipient: String,
    pub subject: String,
    pub state: MailState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The latest `limit` mails, newest first, of one state or all.
pub async fn recent(db: &Db, state: Option<MailState>, limit: u64) -> Result<Vec<MailRecord>> {
    let mut query = mail_outbox::Entity::find()
        .order_by_desc(mail_outbox::Column::Id)
        .limit(limit);
    if let Some(state) = state {
        query = query.filter(mail_outbox::Column::State.eq(state));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|m| MailRecord {
            id: m.id,
            kind: m.kind,
            user_id: m.user_id,
            recipient: m.recipient,
            subject: m.subject,
            state: m.state,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
        })
        .collect())
}

/// How many mails are in each state.
pub async fn counts(db: &Db) -> Result<Vec<(MailState, i64)>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Ok(mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::State)
        .column_as(Expr::col(mail_outbox::Column::Id).count(), "n")
        .group_by(mail_outbox::Column::State)
        .into_tuple::<(MailState, i64)>()
        .all(db)
        .await?)
}
