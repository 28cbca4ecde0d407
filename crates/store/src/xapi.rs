//! The xAPI outbox: statements for the Learning Record Store. A statement is written when
//! its action happens, under its own id (derived from the action, so the same action never
//! queues twice), and a worker in every server claims due ones, sends them and records the
//! outcome, exactly as the e-mail outbox does (`crate::outbox`): claims under a lease,
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, outcomes written only under their claim.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entity::xapi_outbox;
use crate::types::{MailState, UserId};
use crate::{Db, Result};

/// A statement to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewStatement {
    /// The statement's id (a UUID), unique: the same action gives the same id.
    pub statement_id: String,
    pub user_id: Option<UserId>,
    /// The verb's IRI, for the admins' view.
    pub verb: String,
    /// The statement, as JSON, exactly as it will be sent on every try.
    pub body: String,
}

/// Writes `statement`, due now. `false` when a statement with its id is there already
/// (the action was recorded before).
pub async fn enqueue<C: ConnectionTrait>(db: &C, statement: &NewStatement) -> Result<bool> {
    let now = Utc::now();
    let inserted = xapi_outbox::Entity::insert(xapi_outbox::ActiveModel {
        statement_id: Set(statement.statement_id.clone()),
        user_id: Set(statement.user_id),
        verb: Set(statement.verb.clone()),
        body: Set(statement.body.clone()),
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
    .on_conflict(
        OnConflict::column(xapi_outbox::Column::StatementId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Whether any statement is due by `now` (a cheap read before the claim, which writes).
pub async fn any_due(db: &Db, now: DateTime<Utc>) -> Result<bool> {
    use sea_orm::Condition;
    Ok(xapi_outbox::Entity::find()
        .select_only()
        .column(xapi_outbox::Column::Id)
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(xapi_outbox::Column::State.eq(MailState::Pending))
                        .add(xapi_outbox::Column::NextAttemptAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(xapi_outbox::Column::State.eq(MailState::Sending))
                        .add(xapi_outbox::Column::ClaimedUntil.lt(now)),
                ),
        )
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}

/// A statement a worker claimed and must now send.
#[derive(Debug, Clone)]
pub struct ClaimedStatement {
    pub id: i32,
    pub statement_id: String,
    pub body: String,
    /// Tries so far, this one included.
    pub attempts: i32,
}

/// Claims up to `limit` due statements for `claim` until `lease_until`, counting a try
/// for each.
pub async fn claim(
    db: &Db,
    claim: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<ClaimedStatement>> {
    let statement = crate::outbox::claim_statement(
        db.get_database_backend(),
        "xapi_outbox",
        "id, statement_id, body, attempts",
        claim,
        now,
        lease_until,
        limit,
    );
    let rows = db.query_all_raw(statement).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(ClaimedStatement {
            id: row.try_get("", "id")?,
            statement_id: row.try_get("", "statement_id")?,
            body: row.try_get("", "body")?,
            attempts: row.try_get("", "attempts")?,
        });
    }
    out.sort_by_key(|s| s.id);
    Ok(out)
}

/// An update of the row `id` that holds only while `claim` still holds it.
fn under_claim(id: i32, claim: &str) -> sea_orm::UpdateMany<xapi_outbox::Entity> {
    xapi_outbox::Entity::update_many()
        .filter(xapi_outbox::Column::Id.eq(id))
        .filter(xapi_outbox::Column::State.eq(MailState::Sending))
        .filter(xapi_outbox::Column::Claim.eq(claim))
        .col_expr(xapi_outbox::Column::Claim, Option::<String>::None.into())
        .col_expr(
            xapi_outbox::Column::ClaimedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
}

/// The LRS stored the statement (or had it already). False when the claim had been lost.
pub async fn mark_sent(db: &Db, id: i32, claim: &str, at: DateTime<Utc>) -> Result<bool> {
    let done = under_claim(id, claim)
        .col_expr(xapi_outbox::Column::State, MailState::Sent.into())
        .col_expr(xapi_outbox::Column::SentAt, Some(at).into())
        .col_expr(
            xapi_outbox::Column::LastError,
            Option::<String>::None.into(),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The try failed with `error` (the LRS's answer or the network's): tried again from
/// `next_at`, or given up (`failed`) when `next_at` is `None`.
pub async fn mark_unsent(
    db: &Db,
    id: i32,
    claim: &str,
    error: &str,
    next_at: Option<DateTime<Utc>>,
) -> Result<bool> {
    let error: String = error.chars().take(500).collect();
    let update =
        under_claim(id, claim).col_expr(xapi_outbox::Column::LastError, Some(error).into());
    let update = match next_at {
        Some(at) => update
            .col_expr(xapi_outbox::Column::State, MailState::Pending.into())
            .col_expr(xapi_outbox::Column::NextAttemptAt, at.into()),
        None => update.col_expr(xapi_outbox::Column::State, MailState::Failed.into()),
    };
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// A statement as an admin sees it in the outbox.
#[derive(Debug, Clone)]
pub struct StatementRecord {
    pub id: i32,
    pub statement_id: String,
    pub user_id: Option<UserId>,
    pub verb: String,
    pub state: MailState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The latest `limit` statements, newest first, of one state or all.
pub async fn recent(db: &Db, state: Option<MailState>, limit: u64) -> Result<Vec<StatementRecord>> {
    let mut query = xapi_outbox::Entity::find()
        .order_by_desc(xapi_outbox::Column::Id)
        .limit(limit);
    if let Some(state) = state {
        query = query.filter(xapi_outbox::Column::State.eq(state));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|m| StatementRecord {
            id: m.id,
            statement_id: m.statement_id,
            user_id: m.user_id,
            verb: m.verb,
            state: m.state,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        })
        .collect())
}

/// How many statements are in each state.
pub async fn counts(db: &Db) -> Result<Vec<(MailState, i64)>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Ok(xapi_outbox::Entity::find()
        .select_only()
        .column(xapi_outbox::Column::State)
        .column_as(Expr::col(xapi_outbox::Column::Id).count(), "n")
        .group_by(xapi_outbox::Column::State)
        .into_tuple::<(MailState, i64)>()
        .all(db)
        .await?)
}
