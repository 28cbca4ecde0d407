//! Learning paths (jalur belajar): the published path files, their courses in order, and
//! what a learner did in those courses.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use crate::courses::Imported;
use crate::entity::{completion, enrollment, learning_path, learning_path_course};
use crate::types::{AuditAction, CourseId, PathId, UserId};
use crate::{Db, Result, StoreError};

/// A published path.
#[derive(Debug, Clone)]
pub struct PathRecord {
    pub id: PathId,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub version: i32,
    pub owner_id: Option<UserId>,
    pub updated_at: DateTime<Utc>,
}

impl From<learning_path::Model> for PathRecord {
    fn from(m: learning_path::Model) -> Self {
        PathRecord {
            id: m.id,
            slug: m.slug,
            title: m.title,
            summary: m.summary,
            version: m.version,
            owner_id: m.owner_id,
            updated_at: m.updated_at,
        }
    }
}

/// One course of a path, in order (`position` from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCourse {
    pub path_id: PathId,
    pub position: i32,
    pub course_id: CourseId,
    /// A course of the same path to complete first.
    pub requires: Option<CourseId>,
}

/// A path file to publish: its fields, its source, and its courses in order with what each
/// requires.
#[derive(Debug, Clone)]
pub struct NewPath {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub source: String,
    pub content_hash: String,
    pub courses: Vec<(CourseId, Option<CourseId>)>,
}

/// Publishes a path (a new one, or a new version of the one with this slug), its courses
/// replaced in the same transaction and the audit entry written with it; the same file
/// again changes nothing.
pub async fn save(db: &Db, new: NewPath, actor: Option<UserId>) -> Result<(PathId, Imported)> {
    let txn = db.begin().await?;
    let existing = learning_path::Entity::find()
        .filter(learning_path::Column::Slug.eq(&new.slug))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let (id, version) = match existing {
        Some(p) if p.content_hash == new.content_hash => {
            return Ok((p.id, Imported::Unchanged { version: p.version }));
        }
        Some(p) => {
            let version = p.version + 1;
            let mut m: learning_path::ActiveModel = p.into();
            m.title = Set(new.title.clone());
            m.summary = Set(new.summary.clone());
            m.source = Set(new.source.clone());
            m.content_hash = Set(new.content_hash.clone());
            m.version = Set(version);
            m.updated_at = Set(now);
            let saved = m.update(&txn).await?;
            learning_path_course::Entity::delete_many()
                .filter(learning_path_course::Column::PathId.eq(saved.id))
                .exec(&txn)
                .await?;
            (saved.id, version)
        }
        None => {
            let saved = learning_path::ActiveModel {
                slug: Set(new.slug.clone()),
                title: Set(new.title.clone()),
                summary: Set(new.summary.clone()),
                source: Set(new.source.clone()),
                content_hash: Set(new.content_hash.clone()),
                version: Set(1),
                owner_id: Set(actor),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| StoreError::from_write(e, &format!("path {}", new.slug)))?;
            (saved.id, 1)
        }
    };
    for (position, (course_id, requires)) in new.courses.iter().enumerate() {
        learning_path_course::ActiveModel {
            path_id: Set(id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            course_id: Set(*course_id),
            requires_course_id: Set(*requires),
        }
        .insert(&txn)
        .await?;
    }
    crate::audit::record(
        &txn,
        actor,
        AuditAction::PathPublished,
        &format!("path:{}", new.slug),
        Some(format!("version {version}")),
    )
    .await?;
    txn.commit().await?;
    Ok((id, Imported::Published { version }))
}

/// The path with this slug.
pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<PathRecord>> {
    Ok(learning_path::Entity::find()
        .filter(learning_path::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(PathRecord::from))
}

/// Paths by title, at most `limit` of them.
pub async fn list(db: &Db, limit: u64) -> Result<Vec<PathRecord>> {
    Ok(learning_path::Entity::find()
        .order_by_asc(learning_path::Column::Title)
        .order_by_asc(learning_path::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(PathRecord::from)
        .collect())
}

/// Paths by id.
pub async fn by_ids(db: &Db, ids: &[PathId]) -> Result<Vec<PathRecord>> {
    Ok(learning_path::Entity::find()
        .filter(learning_path::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(PathRecord::from)
        .collect())
}

/// The courses of these paths, each path's in order.
pub async fn courses_of(db: &Db, ids: &[PathId]) -> Result<Vec<PathCourse>> {
    Ok(learning_path_course::Entity::find()
        .filter(learning_path_course::Column::PathId.is_in(ids.iter().copied()))
        .order_by_asc(learning_path_course::Column::PathId)
        .order_by_asc(learning_path_course::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|m| PathCourse {
            path_id: m.path_id,
            position: m.position,
            course_id: m.course_id,
            requires: m.requires_course_id,
        })
        .collect())
}

/// The paths that hold this course.
pub async fn holding(db: &Db, course_id: CourseId) -> Result<Vec<PathId>> {
    let mut ids: Vec<PathId> = learning_path_course::Entity::find()
        .filter(learning_path_course::Column::CourseId.eq(course_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.path_id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// What a learner did in some courses: those they are enrolled in (since when), and those
/// they completed with when.
#[derive(Debug, Clone, Default)]
pub struct LearnerCourses {
    pub enrolled: Vec<(CourseId, DateTime<Utc>)>,
    pub completed: Vec<(CourseId, DateTime<Utc>)>,
}

pub async fn learner_courses(
    db: &Db,
    user_id: UserId,
    course_ids: &[CourseId],
) -> Result<LearnerCourses> {
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::UserId.eq(user_id))
        .filter(enrollment::Column::CourseId.is_in(course_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.course_id, e.enrolled_at))
        .collect();
    let completed = completion::Entity::find()
        .filter(completion::Column::UserId.eq(user_id))
        .filter(completion::Column::CourseId.is_in(course_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.course_id, c.completed_at))
        .collect();
    Ok(LearnerCourses {
        enrolled,
        completed,
    })
}
