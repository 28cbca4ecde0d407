//! Courses and their immutable, published versions.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};

use crate::entity::{
    completion, course, course_editor, course_file, course_version, enrollment, user,
};
use crate::types::{CourseId, Jp, UserId, VersionId};
use crate::{Db, Result, StoreError};

/// A course with its current version's catalogue fields.
#[derive(Debug, Clone)]
pub struct CourseHead {
    pub id: CourseId,
    pub slug: String,
    pub published: bool,
    pub owner_id: Option<UserId>,
    pub version_id: VersionId,
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: Jp,
}

/// One version as it is published: its catalogue fields, the serialised course, and every
/// source file as (path relative to the course folder, content type, bytes).
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub slug: String,
    pub content_hash: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: Jp,
    pub data: String,
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A new version was published.
    Published { version: i32 },
    /// A new version was stored as a draft: learners keep the current one until it is
    /// published (a new course is stored hidden).
    Draft { version: i32 },
    /// The current version has the same content hash: nothing changed.
    Unchanged { version: i32 },
}

fn head(c: course::Model, v: course_version::Model) -> CourseHead {
    CourseHead {
        id: c.id,
        slug: c.slug,
        published: c.published,
        owner_id: c.owner_id,
        version_id: v.id,
        version: v.version,
        content_hash: v.content_hash,
        title: v.title,
        summary: v.summary,
        category: v.category,
        jp: v.jp,
    }
}

/// How a new version arrives: live at once (`lentera content import`, the demo) or as a
/// draft its authors preview and then publish (uploads and lesson edits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    Live,
    Draft,
}

/// Stores `new` as the next version of its course (creating the course on first import),
/// unless the newest version already has the same content hash. `Live`: it becomes the
/// current version. `Draft`: the current version stays; a new course is created hidden,
/// with this version as its current one.
pub async fn publish_version(
    db: &Db,
    new: NewVersion,
    actor: Option<UserId>,
    arrival: Arrival,
) -> Result<Imported> {
    let txn = db.begin().await?;
    let existing = course::Entity::find()
        .filter(course::Column::Slug.eq(&new.slug))
        .one(&txn)
        .await?;
    let course = match existing {
        Some(c) => c,
        None => course::ActiveModel {
            slug: Set(new.slug.clone()),
            owner_id: Set(actor),
            current_version_id: Set(None),
            published: Set(arrival == Arrival::Live),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("course {}", new.slug)))?,
    };
    let latest = course_version::Entity::find()
        .filter(course_version::Column::CourseId.eq(course.id))
        .order_by_desc(course_version::Column::Version)
        .limit(1)
        .one(&txn)
        .await?;
    if let Some(current_id) = course.current_version_id {
        let current = course_version::Entity::find_by_id(current_id)
            .one(&txn)
            .await?;
        if let Some(current) = current
            && current.content_hash == new.content_hash
        {
            return Ok(Imported::Unchanged {
                version: current.version,
            });
        }
    }
    // A draft identical to the newest version (itself a draft) changes nothing either.
    if arrival == Arrival::Draft
        && let Some(newest) = &latest
        && newest.content_hash == new.content_hash
    {
        return Ok(Imported::Unchanged {
            version: newest.version,
        });
    }
    let version = latest.map_or(1, |v| v.version + 1);
    let v = course_version::ActiveModel {
        course_id: Set(course.id),
        version: Set(version),
        content_hash: Set(new.content_hash),
        title: Set(new.title),
        summary: Set(new.summary),
        category: Set(new.category),
        jp: Set(new.jp),
        data: Set(new.data),
        created_by: Set(actor),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::from_write(e, &format!("course {} version {version}", new.slug)))?;
    for (path, content_type, bytes) in new.files {
        course_file::ActiveModel {
            version_id: Set(v.id),
            path: Set(path),
            content_type: Set(content_type),
            bytes: Set(bytes),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let goes_live = arrival == Arrival::Live || course.current_version_id.is_none();
    if goes_live {
        course::Entity::update_many()
            .col_expr(course::Column::CurrentVersionId, Some(v.id).into())
            .filter(course::Column::Id.eq(course.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(match arrival {
        Arrival::Live => Imported::Published { version },
        Arrival::Draft => Imported::Draft { version },
    })
}

/// The newest version of a course (a draft when it is newer than the current one).
pub async fn latest_version(db: &Db, course_id: CourseId) -> Result<Option<(VersionId, i32)>> {
    Ok(course_version::Entity::find()
        .filter(course_version::Column::CourseId.eq(course_id))
        .order_by_desc(course_version::Column::Version)
        .limit(1)
        .one(db)
        .await?
        .map(|v| (v.id, v.version)))
}

/// Published courses with their current version, ordered by title.
pub async fn list_published(db: &Db) -> Result<Vec<CourseHead>> {
    let courses = course::Entity::find()
        .filter(course::Column::Published.eq(true))
        .all(db)
        .await?;
    with_current_versions(db, courses).await
}

/// Pairs courses with their current version in two queries (not one per course).
async fn with_current_versions(db: &Db, courses: Vec<course::Model>) -> Result<Vec<CourseHead>> {
    let version_ids: Vec<VersionId> = courses
        .iter()
        .filter_map(|c| c.current_version_id)
        .collect();
    let versions = course_version::Entity::find()
        .filter(course_version::Column::Id.is_in(version_ids))
        .all(db)
        .await?;
    let mut out: Vec<CourseHead> = courses
        .into_iter()
        .filter_map(|c| {
            let v = versions
                .iter()
                .find(|v| Some(v.id) == c.current_version_id)?
                .clone();
            Some(head(c, v))
        })
        .collect();
    out.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(out)
}

/// The course with this slug and its current version, published or not.
pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<CourseHead>> {
    let Some(c) = course::Entity::find()
        .filter(course::Column::Slug.eq(slug))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(vid) = c.current_version_id else {
        return Ok(None);
    };
    let Some(v) = course_version::Entity::find_by_id(vid).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(head(c, v)))
}

/// Courses by id, with their current version (for a learner's list of courses).
pub async fn by_ids(db: &Db, ids: &[CourseId]) -> Result<Vec<CourseHead>> {
    let courses = course::Entity::find()
        .filter(course::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    with_current_versions(db, courses).await
}

/// The serialised course of one version (the server caches it, keyed by version id).
pub async fn version_data(db: &Db, version_id: VersionId) -> Result<Option<String>> {
    Ok(course_version::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .map(|v| v.data))
}

/// One source file of a version (e.g. `assets/peta.svg`): (content type, bytes).
pub async fn file(db: &Db, version_id: VersionId, path: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(course_file::Entity::find()
        .filter(course_file::Column::VersionId.eq(version_id))
        .filter(course_file::Column::Path.eq(path))
        .one(db)
        .await?
        .map(|a| (a.content_type, a.bytes)))
}

/// Every source file of a version: (path, bytes).
pub async fn files(db: &Db, version_id: VersionId) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(course_file::Entity::find()
        .filter(course_file::Column::VersionId.eq(version_id))
        .order_by_asc(course_file::Column::Path)
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect())
}

/// One published version of a course, for the instructor's list.
#[derive(Debug, Clone)]
pub struct VersionInfo {
    pub id: VersionId,
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub current: bool,
    /// Newer than the current version: not yet published.
    pub draft: bool,
}

pub async fn versions(db: &Db, course_id: CourseId) -> Result<Vec<VersionInfo>> {
    let current = course::Entity::find_by_id(course_id)
        .one(db)
        .await?
        .and_then(|c| c.current_version_id);
    let all = course_version::Entity::find()
        .filter(course_version::Column::CourseId.eq(course_id))
        .order_by_desc(course_version::Column::Version)
        .all(db)
        .await?;
    let current_number = all
        .iter()
        .find(|v| Some(v.id) == current)
        .map(|v| v.version);
    Ok(all
        .into_iter()
        .map(|v| VersionInfo {
            current: Some(v.id) == current,
            draft: current_number.is_some_and(|c| v.version > c),
            id: v.id,
            version: v.version,
            content_hash: v.content_hash,
            title: v.title,
            created_at: v.created_at,
        })
        .collect())
}

/// Makes an earlier (or later) version current again: versions stay immutable, only
/// which one learners see changes. `false` when the course has no such version.
pub async fn set_current_version(db: &Db, course_id: CourseId, version: i32) -> Result<bool> {
    let found = course_version::Entity::find()
        .filter(course_version::Column::CourseId.eq(course_id))
        .filter(course_version::Column::Version.eq(version))
        .one(db)
        .await?;
    let Some(v) = found else { return Ok(false) };
    course::Entity::update_many()
        .col_expr(course::Column::CurrentVersionId, Some(v.id).into())
        .filter(course::Column::Id.eq(course_id))
        .exec(db)
        .await?;
    Ok(true)
}

/// Shows or hides a course in the catalogue. Learners' records are never touched.
pub async fn set_published(db: &Db, course_id: CourseId, published: bool) -> Result<()> {
    course::Entity::update_many()
        .col_expr(course::Column::Published, published.into())
        .filter(course::Column::Id.eq(course_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Courses a user may edit (owner or co-author); every course for `all`.
pub async fn editable_by(db: &Db, user_id: UserId, all: bool) -> Result<Vec<CourseHead>> {
    let courses = if all {
        course::Entity::find().all(db).await?
    } else {
        let co: Vec<CourseId> = course_editor::Entity::find()
            .filter(course_editor::Column::UserId.eq(user_id))
            .all(db)
            .await?
            .into_iter()
            .map(|e| e.course_id)
            .collect();
        course::Entity::find()
            .filter(
                Condition::any()
                    .add(course::Column::OwnerId.eq(user_id))
                    .add(course::Column::Id.is_in(co)),
            )
            .all(db)
            .await?
    };
    with_current_versions(db, courses).await
}

/// Whether `user_id` owns or co-authors the course.
pub async fn is_editor(db: &Db, course_id: CourseId, user_id: UserId) -> Result<bool> {
    let owner = course::Entity::find_by_id(course_id)
        .one(db)
        .await?
        .and_then(|c| c.owner_id);
    if owner == Some(user_id) {
        return Ok(true);
    }
    Ok(course_editor::Entity::find_by_id((course_id, user_id))
        .one(db)
        .await?
        .is_some())
}

/// Adds a co-author; `false` when they already were one.
pub async fn add_editor(db: &Db, course_id: CourseId, user_id: UserId) -> Result<bool> {
    match (course_editor::ActiveModel {
        course_id: Set(course_id),
        user_id: Set(user_id),
    })
    .insert(db)
    .await
    {
        Ok(_) => Ok(true),
        Err(e) => match StoreError::from_write(e, "editor") {
            StoreError::Conflict(_) => Ok(false),
            other => Err(other),
        },
    }
}

/// Whether a course with this slug exists (published or not), and its id and owner.
pub async fn find_course(db: &Db, slug: &str) -> Result<Option<(CourseId, Option<UserId>)>> {
    Ok(course::Entity::find()
        .filter(course::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|c| (c.id, c.owner_id)))
}

/// Who is enrolled in a course: (username, name, enrolled at, completed at).
#[derive(Debug, Clone)]
pub struct Enrolled {
    pub username: String,
    pub name: String,
    pub enrolled_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

pub async fn enrolled(db: &Db, course_id: CourseId) -> Result<Vec<Enrolled>> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::CourseId.eq(course_id))
        .order_by_asc(enrollment::Column::EnrolledAt)
        .all(db)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().map(|r| r.user_id)))
        .all(db)
        .await?;
    let done = completion::Entity::find()
        .filter(completion::Column::CourseId.eq(course_id))
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let u = users.iter().find(|u| u.id == r.user_id)?;
            Some(Enrolled {
                username: u.username.clone(),
                name: u.name.clone(),
                enrolled_at: r.enrolled_at,
                completed_at: done
                    .iter()
                    .find(|c| c.user_id == r.user_id)
                    .map(|c| c.completed_at),
            })
        })
        .collect())
}

/// Makes `user_id` the owner of a course that has none (a course imported at the console);
/// `false` when the course already had an owner, which is left alone.
pub async fn claim_owner(db: &Db, course_id: CourseId, user_id: UserId) -> Result<bool> {
    let done = course::Entity::update_many()
        .col_expr(course::Column::OwnerId, Some(user_id).into())
        .filter(course::Column::Id.eq(course_id))
        .filter(course::Column::OwnerId.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}
