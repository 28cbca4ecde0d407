//! Administration of the organisation: the unit tree, users and their roles.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use crate::entity::{instansi_logo, instansi_settings, unit, user, user_role};
use crate::people::{Unit, User};
use crate::types::{Nip, Role, UnitId, UserId};
use crate::{Db, Result, StoreError};

/// Every unit, by code. Unit trees are small (hundreds), so callers walk them in memory.
pub async fn all_units(db: &Db) -> Result<Vec<Unit>> {
    Ok(unit::Entity::find()
        .order_by_asc(unit::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(Unit::from)
        .collect())
}

/// `root` and every unit below it, however deep. A broken tree (a cycle written by hand)
/// cannot loop: each unit is visited once.
pub fn subtree(units: &[Unit], root: UnitId) -> Vec<UnitId> {
    let mut children: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for u in units {
        if let Some(p) = u.parent_id {
            children.entry(p).or_default().push(u.id);
        }
    }
    let mut seen = HashSet::from([root]);
    let mut out = vec![root];
    let mut i = 0;
    while let Some(&id) = out.get(i) {
        for &c in children.get(&id).into_iter().flatten() {
            if seen.insert(c) {
                out.push(c);
            }
        }
        i += 1;
    }
    out
}

/// Renames a unit or moves it under another. Refuses (`Conflict`) to move a unit below
/// itself, which would cut its subtree off from the tree.
pub async fn update_unit(
    db: &Db,
    id: UnitId,
    name: &str,
    parent_id: Option<UnitId>,
) -> Result<bool> {
    if let Some(p) = parent_id {
        let units = all_units(db).await?;
        if subtree(&units, id).contains(&p) {
            return Err(StoreError::Conflict(
                "a unit cannot be placed below itself".into(),
            ));
        }
    }
    let Some(model) = unit::Entity::find_by_id(id).one(db).await? else {
        return Ok(false);
    };
    let mut active: unit::ActiveModel = model.into();
    active.name = Set(name.to_owned());
    active.parent_id = Set(parent_id);
    active.update(db).await?;
    Ok(true)
}

/// Users of the given units (all users when `units` is `None`), filtered by a search on
/// name, username or NIP, one page at a time; with the total count.
pub async fn users_in(
    db: &Db,
    units: Option<&[UnitId]>,
    search: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<User>, u64)> {
    let mut q = user::Entity::find();
    if let Some(ids) = units {
        q = q.filter(user::Column::UnitId.is_in(ids.iter().copied()));
    }
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(user::Column::Name.contains(s))
                .add(user::Column::Username.contains(s))
                .add(user::Column::Nip.contains(s)),
        );
    }
    let total = q.clone().count(db).await?;
    let models = q
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let roles = roles_of_many(db, &models.iter().map(|m| m.id).collect::<Vec<_>>()).await?;
    let users = models
        .into_iter()
        .map(|m| {
            let r = roles.get(&m.id).cloned().unwrap_or_default();
            crate::people::user_from(m, r)
        })
        .collect();
    Ok((users, total))
}

async fn roles_of_many(db: &Db, ids: &[UserId]) -> Result<HashMap<UserId, Vec<Role>>> {
    let mut out: HashMap<UserId, Vec<Role>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in user_role::Entity::find()
            .filter(user_role::Column::UserId.is_in(chunk.iter().copied()))
            .order_by_asc(user_role::Column::Role)
            .all(db)
            .await?
        {
            out.entry(r.user_id).or_default().push(r.role);
        }
    }
    Ok(out)
}

/// What an admin may change about a user.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub name: String,
    pub email: Option<String>,
    pub unit_id: Option<UnitId>,
    pub active: bool,
    pub roles: Vec<Role>,
}

/// Updates a user and replaces their roles in one transaction. A deactivated user's
/// sessions end at once.
pub async fn update_user(db: &Db, id: UserId, update: &UserUpdate) -> Result<bool> {
    let txn = db.begin().await?;
    let Some(model) = user::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(false);
    };
    let was_active = model.active;
    let mut active: user::ActiveModel = model.into();
    active.name = Set(update.name.clone());
    active.email = Set(update.email.clone());
    active.unit_id = Set(update.unit_id);
    active.active = Set(update.active);
    active.update(&txn).await?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    for role in &update.roles {
        user_role::ActiveModel {
            user_id: Set(id),
            role: Set(*role),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    if was_active && !update.active {
        crate::people::revoke_all_sessions(db, id).await?;
    }
    Ok(true)
}

/// Which of these NIPs and usernames are taken already (CSV import checks).
pub async fn taken(db: &Db, nips: &[Nip], usernames: &[String]) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    for chunk in nips.chunks(500) {
        for m in user::Entity::find()
            .filter(user::Column::Nip.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            out.extend(m.nip.map(|n| n.as_str().to_owned()));
        }
    }
    for chunk in usernames.chunks(500) {
        for m in user::Entity::find()
            .filter(user::Column::Username.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            out.insert(m.username);
        }
    }
    Ok(out)
}

/// An instansi's settings: who signs its certificates and its predikat thresholds
/// (`None`: the default).
#[derive(Debug, Clone, PartialEq)]
pub struct InstansiSettings {
    pub unit_id: UnitId,
    /// (name, jabatan, NIP)
    pub signatory: Option<(String, String, Option<String>)>,
    /// (sangat memuaskan, memuaskan, baik, cukup), from percent.
    pub thresholds: Option<[f64; 4]>,
}

/// The settings of an instansi (a root unit); `None` when never set.
pub async fn instansi_settings(db: &Db, unit_id: UnitId) -> Result<Option<InstansiSettings>> {
    Ok(instansi_settings::Entity::find_by_id(unit_id)
        .one(db)
        .await?
        .map(|m| InstansiSettings {
            unit_id: m.unit_id,
            signatory: match (m.signatory_name, m.signatory_jabatan) {
                (Some(name), Some(jabatan)) => Some((name, jabatan, m.signatory_nip)),
                _ => None,
            },
            thresholds: match (m.sangat_memuaskan, m.memuaskan, m.baik, m.cukup) {
                (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
                _ => None,
            },
        }))
}

/// Stores an instansi's settings, replacing what was there.
pub async fn set_instansi_settings(db: &Db, s: &InstansiSettings) -> Result<()> {
    let txn = db.begin().await?;
    instansi_settings::Entity::delete_by_id(s.unit_id)
        .exec(&txn)
        .await?;
    let (name, jabatan, nip) = match &s.signatory {
        Some((n, j, nip)) => (Some(n.clone()), Some(j.clone()), nip.clone()),
        None => (None, None, None),
    };
    let t = s.thresholds;
    instansi_settings::ActiveModel {
        unit_id: Set(s.unit_id),
        signatory_name: Set(name),
        signatory_jabatan: Set(jabatan),
        signatory_nip: Set(nip),
        sangat_memuaskan: Set(t.map(|t| t[0])),
        memuaskan: Set(t.map(|t| t[1])),
        baik: Set(t.map(|t| t[2])),
        cukup: Set(t.map(|t| t[3])),
        updated_at: Set(chrono::Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An instansi's logo: (content type, the file).
pub async fn instansi_logo(db: &Db, unit_id: UnitId) -> Result<Option<(String, Vec<u8>)>> {
    Ok(instansi_logo::Entity::find_by_id(unit_id)
        .one(db)
        .await?
        .map(|m| (m.content_type, m.data)))
}

/// Stores an instansi's logo, replacing the one before; `None` removes it.
pub async fn set_instansi_logo(
    db: &Db,
    unit_id: UnitId,
    logo: Option<(&str, &[u8])>,
) -> Result<()> {
    let txn = db.begin().await?;
    instansi_logo::Entity::delete_by_id(unit_id)
        .exec(&txn)
        .await?;
    if let Some((content_type, data)) = logo {
        instansi_logo::ActiveModel {
            unit_id: Set(unit_id),
            content_type: Set(content_type.to_owned()),
            data: Set(data.to_vec()),
            updated_at: Set(chrono::Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
