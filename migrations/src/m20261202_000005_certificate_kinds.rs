//! Certificates of more than courses: a learning path completed and an event attended
//! earn certificates numbered, signed, verified and revoked like a course's.
//!
//! `kind` says what the certificate is for (`course`, `path`, `event`; every certificate
//! issued before is a course's) and `subject` names the path or event (its slug or id;
//! NULL for courses, whose `course_id` names them). `course_id` and `completion_id` become
//! nullable, since a path's or an event's certificate has neither. A person holds one
//! certificate per (kind, subject): the unique index makes issuing twice a no-op.
//!
//! SQLite cannot drop a NOT NULL constraint, so there the table is rebuilt with its rows,
//! ids (status lists index certificates by id) and indexes; PostgreSQL alters in place.

use sea_orm_migration::prelude::{
    Alias, ColumnDef, DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table,
};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns every certificate row had before, in order.
const COLUMNS: &str = "id, code, number, user_id, course_id, completion_id, holder_name, \
    holder_nip, course_slug, course_title, course_version, jp, year, issuer, issued_at, \
    revoked_at, revocation_reason, holder_unit, instansi_id, enrolled_at, score";

const SQLITE_TABLE: &str = r#"CREATE TABLE "certificates_new" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" varchar NOT NULL UNIQUE,
    "number" varchar NOT NULL UNIQUE,
    "user_id" integer NOT NULL,
    "course_id" integer NULL,
    "completion_id" integer NULL,
    "holder_name" varchar NOT NULL,
    "holder_nip" varchar NULL,
    "course_slug" varchar NOT NULL,
    "course_title" varchar NOT NULL,
    "course_version" integer NOT NULL,
    "jp" integer NOT NULL,
    "year" integer NOT NULL,
    "issuer" varchar NOT NULL,
    "issued_at" timestamp_with_timezone_text NOT NULL,
    "revoked_at" timestamp_with_timezone_text NULL,
    "revocation_reason" text NULL,
    "holder_unit" varchar NULL,
    "instansi_id" integer NULL,
    "enrolled_at" timestamp_with_timezone_text NULL,
    "score" double NULL,
    "kind" varchar NOT NULL DEFAULT 'course',
    "subject" varchar NULL,
    FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("course_id") REFERENCES "courses" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("completion_id") REFERENCES "completions" ("id") ON DELETE RESTRICT
)"#;

/// (name, columns, unique): the indexes of the table, recreated after the SQLite rebuild.
const OLD_INDEXES: &[(&str, &[&str], bool)] = &[
    ("ux_certificates_completion", &["completion_id"], true),
    ("ix_certificates_user", &["user_id"], false),
    ("ix_certificates_year", &["year", "user_id"], false),
    ("ix_certificates_holder_nip", &["holder_nip"], false),
];

async fn create_index(
    manager: &SchemaManager<'_>,
    name: &str,
    columns: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table("certificates");
    for column in columns {
        index.col(Alias::new(*column));
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.take()).await
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on SQLite too: the rebuild is all or nothing, and every statement
    /// runs on one connection (another pooled connection would still see the old table's
    /// indexes when the new ones are created under their names).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(SQLITE_TABLE).await?;
                db.execute_unprepared(&format!(
                    "INSERT INTO certificates_new ({COLUMNS}) SELECT {COLUMNS} FROM certificates"
                ))
                .await?;
                db.execute_unprepared("DROP TABLE certificates").await?;
                db.execute_unprepared("ALTER TABLE certificates_new RENAME TO certificates")
                    .await?;
                for (name, columns, unique) in OLD_INDEXES {
                    create_index(manager, name, columns, *unique).await?;
                }
            }
            _ => {
                db.execute_unprepared(
                    "ALTER TABLE certificates ALTER COLUMN course_id DROP NOT NULL, \
                     ALTER COLUMN completion_id DROP NOT NULL",
                )
                .await?;
                for mut column in [
                    ColumnDef::new(Alias::new("kind"))
                        .string()
                        .not_null()
                        .default("course")
                        .take(),
                    ColumnDef::new(Alias::new("subject")).string().null().take(),
                ] {
                    manager
                        .alter_table(
                            Table::alter()
                                .table("certificates")
                                .add_column(&mut column)
                                .take(),
                        )
                        .await?;
                }
            }
        }
        create_index(
            manager,
            "ux_certificates_subject",
            &["user_id", "kind", "subject"],
            true,
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Certificates of paths and events cannot be put back into a table that requires
        // a course; going back means restoring a backup.
        Err(DbErr::Migration(
            "m20261202_000005_certificate_kinds cannot be undone; restore a backup".into(),
        ))
    }
}
