//! Courses and their immutable, published versions.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use crate::entity::{course, course_asset, course_version};
use crate::{Db, Result, StoreError};

/// A course with its current version's catalogue fields.
#[derive(Debug, Clone)]
pub struct CourseHead {
    pub id: i32,
    pub slug: String,
    pub published: bool,
    pub owner_id: Option<i32>,
    pub version_id: i32,
    pub version: i32,
    pub content_hash: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: i32,
}

/// One version as it is published: its catalogue fields, the serialised course, its assets.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub slug: String,
    pub content_hash: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub jp: i32,
    pub data: String,
    pub assets: Vec<(String, String, Vec<u8>)>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A new version was published.
    Published { version: i32 },
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

/// Publishes `new` as the next version of its course (creating the course on first
/// import), unless the current version already has the same content hash.
pub async fn publish_version(db: &Db, new: NewVersion, actor: Option<i32>) -> Result<Imported> {
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
            published: Set(true),
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
    for (path, content_type, bytes) in new.assets {
        course_asset::ActiveModel {
            version_id: Set(v.id),
            path: Set(path),
            content_type: Set(content_type),
            bytes: Set(bytes),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    course::Entity::update_many()
        .col_expr(course::Column::CurrentVersionId, Some(v.id).into())
        .filter(course::Column::Id.eq(course.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Imported::Published { version })
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
    let version_ids: Vec<i32> = courses
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
pub async fn by_ids(db: &Db, ids: &[i32]) -> Result<Vec<CourseHead>> {
    let courses = course::Entity::find()
        .filter(course::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    with_current_versions(db, courses).await
}

/// The serialised course of one version (the server caches it, keyed by version id).
pub async fn version_data(db: &Db, version_id: i32) -> Result<Option<String>> {
    Ok(course_version::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .map(|v| v.data))
}

/// One asset file of a version: (content type, bytes).
pub async fn asset(db: &Db, version_id: i32, path: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(course_asset::Entity::find()
        .filter(course_asset::Column::VersionId.eq(version_id))
        .filter(course_asset::Column::Path.eq(path))
        .one(db)
        .await?
        .map(|a| (a.content_type, a.bytes)))
}
