//! Password resets: a single-use link sent by e-mail (stored as the hash of its token) and
//! a one-time password an admin gives. Both end every session of the user.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};

use crate::entity::{password_reset, session, user};
use crate::outbox::{self, NewMail};
use crate::types::UserId;
use crate::{Db, Result};

/// Stores a reset link for `user_id` (the hash of its token) and the mail that carries it,
/// in one transaction: no mail without a link, no link without its mail.
pub async fn create(
    db: &Db,
    user_id: UserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    mail: &NewMail,
) -> Result<()> {
    let txn = db.begin().await?;
    password_reset::ActiveModel {
        token_hash: Set(token_hash.to_owned()),
        user_id: Set(user_id),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    outbox::enqueue(&txn, mail).await?;
    txn.commit().await?;
    Ok(())
}

/// How many links were made for `user_id` since `since` (the limit per account, which every
/// replica sees alike).
pub async fn made_since(db: &Db, user_id: UserId, since: DateTime<Utc>) -> Result<u64> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::CreatedAt.gt(since))
        .count(db)
        .await?)
}

/// The user a link is for, while it is unused, unexpired and its user active.
pub async fn valid(db: &Db, token_hash: &str) -> Result<Option<UserId>> {
    let Some(reset) = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let active = user::Entity::find_by_id(reset.user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.active);
    Ok(active.then_some(reset.user_id))
}

/// Ends every session of the user and every reset link not used yet.
async fn end_sessions_and_links<C: ConnectionTrait>(
    db: &C,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Some(now).into())
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Some(now).into())
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Uses the link `token_hash` to set a new password: in one transaction the link is taken
/// (only while unused and unexpired, so two submissions of it cannot both succeed), the
/// password stored, every session and every other link of the user ended. Returns the user,
/// or `None` when the link is not (or no longer) valid.
pub async fn use_link(db: &Db, token_hash: &str, password_hash: &str) -> Result<Option<UserId>> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let Some(reset) = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let taken = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Some(now).into())
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    let changed = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, password_hash.into())
        .col_expr(user::Column::PasswordChangedAt, now.into())
        .col_expr(user::Column::MustChangePassword, false.into())
        .filter(user::Column::Id.eq(reset.user_id))
        .filter(user::Column::Active.eq(true))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Ok(None);
    }
    end_sessions_and_links(&txn, reset.user_id, now).await?;
    txn.commit().await?;
    Ok(Some(reset.user_id))
}

/// An admin's reset: stores the hash of a one-time password the user must change at their
/// next sign-in, and ends every session and reset link of the user, in one transaction.
pub async fn set_one_time_password(db: &Db, user_id: UserId, password_hash: &str) -> Result<()> {
    let txn = db.begin().await?;
    let now = Utc::now();
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, password_hash.into())
        .col_expr(user::Column::PasswordChangedAt, now.into())
        .col_expr(user::Column::MustChangePassword, true.into())
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    end_sessions_and_links(&txn, user_id, now).await?;
    txn.commit().await?;
    Ok(())
}
