//! The first schema: organisation, people, courses, learning records, certificates, audit.

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index,
    MigrationTrait, SchemaManager, Table, TableCreateStatement,
};
use sea_orm_migration::schema::{
    blob, boolean, double_null, integer, integer_null, pk_auto, string, string_null, string_uniq,
    text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key from `table.column` to `target.id`; deleting the target is refused so that
/// nothing a learner did disappears with it.
fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table("units")
            .col(pk_auto("id"))
            .col(string_uniq("code"))
            .col(string("name"))
            .col(integer_null("parent_id"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("units", "parent_id", "units"))
            .take(),
        Table::create()
            .table("users")
            .col(pk_auto("id"))
            .col(string_uniq("username"))
            .col(string_null("nip"))
            .col(string("name"))
            .col(string_null("email"))
            .col(integer_null("unit_id"))
            .col(string("password_hash"))
            .col(string("language"))
            .col(string("time_zone"))
            .col(boolean("active"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("password_changed_at"))
            .foreign_key(&mut fk("users", "unit_id", "units"))
            .take(),
        Table::create()
            .table("user_roles")
            .col(integer("user_id"))
            .col(string("role"))
            .primary_key(Index::create().col("user_id").col("role"))
            .foreign_key(&mut fk("user_roles", "user_id", "users"))
            .take(),
        // A signed-in session. The JWT names its session, so a logout or a password change
        // ends sessions without the app servers holding any state of their own.
        Table::create()
            .table("sessions")
            .col(string("id").primary_key())
            .col(integer("user_id"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("expires_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .foreign_key(&mut fk("sessions", "user_id", "users"))
            .take(),
        Table::create()
            .table("courses")
            .col(pk_auto("id"))
            .col(string_uniq("slug"))
            .col(integer_null("owner_id"))
            .col(integer_null("current_version_id"))
            .col(boolean("published"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("courses", "owner_id", "users"))
            .take(),
        Table::create()
            .table("course_versions")
            .col(pk_auto("id"))
            .col(integer("course_id"))
            .col(integer("version"))
            .col(string("content_hash"))
            .col(string("title"))
            .col(text("summary"))
            .col(string("category"))
            .col(integer("jp"))
            .col(text("data"))
            .col(integer_null("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("course_versions", "course_id", "courses"))
            .foreign_key(&mut fk("course_versions", "created_by", "users"))
            .take(),
        // Every source file of a version (course.toml, lessons, quizzes, assets), so a
        // version can be served, re-checked and edited without the author's folder.
        Table::create()
            .table("course_files")
            .col(pk_auto("id"))
            .col(integer("version_id"))
            .col(string("path"))
            .col(string("content_type"))
            .col(blob("bytes"))
            .foreign_key(&mut fk("course_files", "version_id", "course_versions"))
            .take(),
        // Co-authors: instructors besides the owner who may publish a course.
        Table::create()
            .table("course_editors")
            .col(integer("course_id"))
            .col(integer("user_id"))
            .primary_key(Index::create().col("course_id").col("user_id"))
            .foreign_key(&mut fk("course_editors", "course_id", "courses"))
            .foreign_key(&mut fk("course_editors", "user_id", "users"))
            .take(),
        Table::create()
            .table("enrollments")
            .col(pk_auto("id"))
            .col(integer("user_id"))
            .col(integer("course_id"))
            .col(timestamp_with_time_zone("enrolled_at"))
            .foreign_key(&mut fk("enrollments", "user_id", "users"))
            .foreign_key(&mut fk("enrollments", "course_id", "courses"))
            .take(),
        // Keyed by the lesson's stable slug, not a version's row, so a new course version
        // keeps what learners already did.
        Table::create()
            .table("lesson_progress")
            .col(pk_auto("id"))
            .col(integer("user_id"))
            .col(integer("course_id"))
            .col(string("lesson_slug"))
            .col(timestamp_with_time_zone("completed_at"))
            .foreign_key(&mut fk("lesson_progress", "user_id", "users"))
            .foreign_key(&mut fk("lesson_progress", "course_id", "courses"))
            .take(),
        Table::create()
            .table("quiz_attempts")
            .col(pk_auto("id"))
            .col(integer("user_id"))
            .col(integer("course_id"))
            .col(integer("course_version_id"))
            .col(string("quiz_slug"))
            .col(integer("number"))
            .col(string("seed"))
            .col(text("layout"))
            .col(string("state"))
            .col(timestamp_with_time_zone("started_at"))
            .col(timestamp_with_time_zone_null("deadline"))
            .col(timestamp_with_time_zone_null("submitted_at"))
            .col(double_null("score"))
            .col(double_null("max_score"))
            .col(double_null("percent"))
            .col(sea_orm_migration::schema::boolean_null("passed"))
            .foreign_key(&mut fk("quiz_attempts", "user_id", "users"))
            .foreign_key(&mut fk("quiz_attempts", "course_id", "courses"))
            .foreign_key(&mut fk(
                "quiz_attempts",
                "course_version_id",
                "course_versions",
            ))
            .take(),
        Table::create()
            .table("attempt_responses")
            .col(integer("attempt_id"))
            .col(string("question_id"))
            .col(text("response"))
            .col(timestamp_with_time_zone("updated_at"))
            .primary_key(Index::create().col("attempt_id").col("question_id"))
            .foreign_key(&mut fk("attempt_responses", "attempt_id", "quiz_attempts"))
            .take(),
        Table::create()
            .table("completions")
            .col(pk_auto("id"))
            .col(integer("user_id"))
            .col(integer("course_id"))
            .col(integer("course_version_id"))
            .col(integer("version"))
            .col(integer("jp"))
            .col(timestamp_with_time_zone("completed_at"))
            .foreign_key(&mut fk("completions", "user_id", "users"))
            .foreign_key(&mut fk("completions", "course_id", "courses"))
            .foreign_key(&mut fk(
                "completions",
                "course_version_id",
                "course_versions",
            ))
            .take(),
        Table::create()
            .table("certificates")
            .col(pk_auto("id"))
            .col(string_uniq("code"))
            .col(string_uniq("number"))
            .col(integer("user_id"))
            .col(integer("course_id"))
            .col(integer("completion_id"))
            .col(string("holder_name"))
            .col(string_null("holder_nip"))
            .col(string("course_slug"))
            .col(string("course_title"))
            .col(integer("course_version"))
            .col(integer("jp"))
            .col(integer("year"))
            .col(string("issuer"))
            .col(timestamp_with_time_zone("issued_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .col(text_null("revocation_reason"))
            .foreign_key(&mut fk("certificates", "user_id", "users"))
            .foreign_key(&mut fk("certificates", "course_id", "courses"))
            .foreign_key(&mut fk("certificates", "completion_id", "completions"))
            .take(),
        Table::create()
            .table("audit_log")
            .col(pk_auto("id"))
            .col(timestamp_with_time_zone("at"))
            .col(integer_null("actor_id"))
            .col(string("action"))
            .col(string("target"))
            .col(text_null("detail"))
            .foreign_key(&mut fk("audit_log", "actor_id", "users"))
            .take(),
    ]
}

/// (index name, table, columns, unique)
const INDEXES: &[(&str, &str, &[&str], bool)] = &[
    ("ux_users_nip", "users", &["nip"], true),
    ("ix_users_unit", "users", &["unit_id"], false),
    ("ix_units_parent", "units", &["parent_id"], false),
    ("ix_sessions_user", "sessions", &["user_id"], false),
    (
        "ux_course_versions",
        "course_versions",
        &["course_id", "version"],
        true,
    ),
    (
        "ux_course_files",
        "course_files",
        &["version_id", "path"],
        true,
    ),
    (
        "ux_enrollments",
        "enrollments",
        &["user_id", "course_id"],
        true,
    ),
    (
        "ix_enrollments_course",
        "enrollments",
        &["course_id"],
        false,
    ),
    (
        "ux_lesson_progress",
        "lesson_progress",
        &["user_id", "course_id", "lesson_slug"],
        true,
    ),
    (
        "ux_quiz_attempts",
        "quiz_attempts",
        &["user_id", "course_id", "quiz_slug", "number"],
        true,
    ),
    (
        "ux_completions",
        "completions",
        &["user_id", "course_id"],
        true,
    ),
    (
        "ix_completions_course",
        "completions",
        &["course_id"],
        false,
    ),
    (
        "ux_certificates_completion",
        "certificates",
        &["completion_id"],
        true,
    ),
    ("ix_certificates_user", "certificates", &["user_id"], false),
    ("ix_audit_at", "audit_log", &["at"], false),
];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for (name, table, columns, unique) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(*table);
            for column in *columns {
                index.col(*column);
            }
            if *unique {
                index.unique();
            }
            manager.create_index(index.take()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables().iter().rev() {
            if let Some(name) = table.get_table_name() {
                manager
                    .drop_table(Table::drop().table(name.clone()).take())
                    .await?;
            }
        }
        Ok(())
    }
}
