//! Units, users, their roles and their sign-in sessions.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use crate::entity::{session, unit, user, user_role};
use crate::types::{Nip, Role, UnitId, UserId};
use crate::{Db, Result, StoreError};

/// A unit kerja (or an instansi at the top of the tree).
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
}

impl From<unit::Model> for Unit {
    fn from(m: unit::Model) -> Self {
        Unit {
            id: m.id,
            code: m.code,
            name: m.name,
            parent_id: m.parent_id,
        }
    }
}

/// A user as the rest of Lentera sees one: never the password hash.
#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub nip: Option<Nip>,
    pub name: String,
    pub email: Option<String>,
    pub unit_id: Option<UnitId>,
    pub language: String,
    pub time_zone: String,
    pub active: bool,
    pub roles: Vec<Role>,
    /// An admin gave a one-time password: nothing but choosing a new one until it is done.
    pub must_change_password: bool,
}

pub(crate) fn user_from(m: user::Model, roles: Vec<Role>) -> User {
    User {
        id: m.id,
        username: m.username,
        nip: m.nip,
        name: m.name,
        email: m.email,
        unit_id: m.unit_id,
        language: m.language,
        time_zone: m.time_zone,
        active: m.active,
        roles,
        must_change_password: m.must_change_password,
    }
}

/// What sign-in needs: the user and the stored argon2 hash to check against.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

/// The fields of a new user; roles must already be validated by the caller.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub nip: Option<Nip>,
    pub name: String,
    pub email: Option<String>,
    pub unit_id: Option<UnitId>,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub language: String,
}

pub async fn create_unit(
    db: &Db,
    code: &str,
    name: &str,
    parent_id: Option<UnitId>,
) -> Result<Unit> {
    let model = unit::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        parent_id: Set(parent_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| StoreError::from_write(e, &format!("unit {code}")))?;
    Ok(model.into())
}

pub async fn unit_by_code(db: &Db, code: &str) -> Result<Option<Unit>> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Code.eq(code))
        .one(db)
        .await?
        .map(Unit::from))
}

/// Creates a user with their roles in one transaction: never a user without roles.
pub async fn create_user(db: &Db, new: NewUser) -> Result<User> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let model = user::ActiveModel {
        username: Set(new.username.clone()),
        nip: Set(new.nip.clone()),
        name: Set(new.name.clone()),
        email: Set(new.email.clone()),
        unit_id: Set(new.unit_id),
        password_hash: Set(new.password_hash.clone()),
        language: Set(new.language.clone()),
        time_zone: Set("WIB".to_owned()),
        active: Set(true),
        created_at: Set(now),
        password_changed_at: Set(now),
        must_change_password: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::from_write(e, &format!("user {}", new.username)))?;
    for role in &new.roles {
        user_role::ActiveModel {
            user_id: Set(model.id),
            role: Set(*role),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(user_from(model, new.roles))
}

async fn roles_of(db: &Db, user_id: UserId) -> Result<Vec<Role>> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Role)
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect())
}

pub async fn user_by_id(db: &Db, id: UserId) -> Result<Option<User>> {
    match user::Entity::find_by_id(id).one(db).await? {
        Some(m) => {
            let roles = roles_of(db, m.id).await?;
            Ok(Some(user_from(m, roles)))
        }
        None => Ok(None),
    }
}

pub async fn credentials(db: &Db, username: &str) -> Result<Option<Credentials>> {
    match user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?
    {
        Some(m) => {
            let roles = roles_of(db, m.id).await?;
            let password_hash = m.password_hash.clone();
            Ok(Some(Credentials {
                user: user_from(m, roles),
                password_hash,
            }))
        }
        None => Ok(None),
    }
}

/// Stores a new password hash (the user's own: a one-time password no longer needs
/// changing) and ends every session of the user in one transaction, so a token issued
/// before the change stops working the moment the change is saved.
pub async fn set_password(db: &Db, user_id: UserId, password_hash: &str) -> Result<()> {
    let txn = db.begin().await?;
    let now = Utc::now();
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, password_hash.into())
        .col_expr(user::Column::PasswordChangedAt, now.into())
        .col_expr(user::Column::MustChangePassword, false.into())
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Some(now).into())
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_language(db: &Db, user_id: UserId, language: &str) -> Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::Language, language.into())
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn create_session(
    db: &Db,
    id: &str,
    user_id: UserId,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    session::ActiveModel {
        id: Set(id.to_owned()),
        user_id: Set(user_id),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The user behind a live session: not revoked, not expired, user still active. One query
/// (session, user and roles joined): it runs on every authenticated request.
pub async fn session_user(db: &Db, session_id: &str) -> Result<Option<User>> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
    use sea_orm::{ConnectionTrait, FromQueryResult, Iterable};
    let stmt = Query::select()
        .columns(user::Column::iter().map(|c| (user::Entity, c)))
        .expr_as(
            Expr::col((user_role::Entity, user_role::Column::Role)),
            Alias::new("role_name"),
        )
        .from(session::Entity)
        .join(
            JoinType::InnerJoin,
            user::Entity,
            Expr::col((user::Entity, user::Column::Id))
                .equals((session::Entity, session::Column::UserId)),
        )
        .join(
            JoinType::LeftJoin,
            user_role::Entity,
            Expr::col((user_role::Entity, user_role::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .and_where(Expr::col((session::Entity, session::Column::Id)).eq(session_id))
        .and_where(Expr::col((session::Entity, session::Column::RevokedAt)).is_null())
        .and_where(Expr::col((session::Entity, session::Column::ExpiresAt)).gt(Utc::now()))
        .and_where(Expr::col((user::Entity, user::Column::Active)).eq(true))
        .to_owned();
    let rows = db
        .query_all_raw(db.get_database_backend().build(&stmt))
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let model = user::Model::from_query_result(first, "")?;
    let mut roles: Vec<Role> = rows
        .iter()
        .filter_map(|r| r.try_get::<Option<Role>>("", "role_name").ok().flatten())
        .collect();
    roles.sort();
    roles.dedup();
    Ok(Some(user_from(model, roles)))
}

/// Ends every live session of a user (deactivation).
pub async fn revoke_all_sessions(db: &Db, user_id: UserId) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Some(Utc::now()).into())
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn revoke_session(db: &Db, session_id: &str) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Some(Utc::now()).into())
        .filter(session::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Names and NIPs of several users by id, in one query (lists of learners).
pub async fn names_of(
    db: &Db,
    ids: &[UserId],
) -> Result<std::collections::HashMap<UserId, (String, Option<Nip>)>> {
    use sea_orm::QuerySelect;
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(UserId, String, Option<Nip>)> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Name, user::Column::Nip])
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|(id, name, nip)| (id, (name, nip))));
    }
    Ok(out)
}
