//! Migrations on a database that already holds data, on SQLite and PostgreSQL alike.

use lentera_tests::empty_database;
use migration::{Migrate, Migrator};
use sea_orm::{ConnectionTrait, Statement};

/// The audit log speaks one tense: entries an older release wrote as `user.create`,
/// `jp.record`, `users.import`... read as `user.created`, `jp.recorded`, `users.imported`
/// after the upgrade, so a search by action finds them; entries already in the past tense
/// are left alone.
#[tokio::test]
async fn old_audit_action_names_are_renamed_to_the_past_tense() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, _) = empty_database(dir.path()).await;
    let db = lentera_store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    // The schema as the release before the rename left it.
    Migrator::up(&db, Some(2))
        .await
        .unwrap_or_else(|e| panic!("migrate to 2: {e}"));
    let old = [
        "user.create",
        "user.update",
        "unit.create",
        "unit.update",
        "users.import",
        "jp.record",
        "certificate.revoke",
        "attempt.grade",
        "course.published",
    ];
    for action in old {
        db.execute_unprepared(&format!(
            "INSERT INTO audit_log (at, actor_id, action, target, detail) \
             VALUES ('2026-11-01T00:00:00Z', NULL, '{action}', 'x', NULL)"
        ))
        .await
        .unwrap_or_else(|e| panic!("insert {action}: {e}"));
    }
    Migrator::up(&db, None)
        .await
        .unwrap_or_else(|e| panic!("migrate: {e}"));
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT action FROM audit_log ORDER BY id",
        ))
        .await
        .unwrap_or_else(|e| panic!("select: {e}"));
    let actions: Vec<String> = rows
        .iter()
        .map(|r| {
            r.try_get::<String>("", "action")
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    assert_eq!(
        actions,
        [
            "user.created",
            "user.updated",
            "unit.created",
            "unit.updated",
            "users.imported",
            "jp.recorded",
            "certificate.revoked",
            "attempt.graded",
            "course.published",
        ]
    );
    // Every name the code writes now is one the log can hold as is.
    for action in lentera_store::AuditAction::ALL {
        assert!(
            !old[..8].contains(&action.as_str()),
            "{} is an old name",
            action.as_str()
        );
    }
}

/// Certificates of paths and events: the table that required a course becomes one whose
/// course is optional (rebuilt on SQLite), and every certificate issued before keeps its
/// row, its id (status lists index by it) and its uniqueness, now as a course's.
#[tokio::test]
async fn certificates_issued_before_kinds_keep_their_rows_ids_and_indexes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (url, _) = empty_database(dir.path()).await;
    let db = lentera_store::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    // The schema as the release before certificate kinds left it.
    Migrator::up(&db, Some(6))
        .await
        .unwrap_or_else(|e| panic!("migrate to 6: {e}"));
    let at = "'2026-11-01T00:00:00Z'";
    for sql in [
        format!(
            "INSERT INTO users (id, username, nip, name, email, unit_id, password_hash, language, \
             time_zone, active, created_at, password_changed_at) VALUES (3, 'siti', NULL, 'Siti', \
             NULL, NULL, 'x', 'id', 'Asia/Jakarta', true, {at}, {at})"
        ),
        format!(
            "INSERT INTO courses (id, slug, owner_id, current_version_id, published, created_at) \
             VALUES (4, 'spbe', NULL, NULL, true, {at})"
        ),
        format!(
            "INSERT INTO course_versions (id, course_id, version, content_hash, title, summary, \
             category, jp, data, created_by, created_at) VALUES (5, 4, 1, 'h', 'SPBE', 's', 'ti', \
             5, '{{}}', NULL, {at})"
        ),
        format!(
            "INSERT INTO completions (id, user_id, course_id, course_version_id, version, jp, \
             completed_at) VALUES (6, 3, 4, 5, 1, 5, {at})"
        ),
        format!(
            "INSERT INTO certificates (id, code, number, user_id, course_id, completion_id, \
             holder_name, holder_nip, course_slug, course_title, course_version, jp, year, issuer, \
             issued_at, revoked_at, revocation_reason, holder_unit, instansi_id, enrolled_at, score) \
             VALUES (7, 'kode7', 'LNT-2026-000007', 3, 4, 6, 'Siti', NULL, 'spbe', 'SPBE', 1, 5, \
             2026, 'Lentera', {at}, NULL, NULL, 'Bagian Umum', NULL, NULL, 87.5)"
        ),
    ] {
        db.execute_unprepared(&sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    Migrator::up(&db, None)
        .await
        .unwrap_or_else(|e| panic!("migrate: {e}"));
    let query = |sql: &str| {
        let db = db.clone();
        let sql = sql.to_owned();
        async move {
            db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap_or_else(|e| panic!("select: {e}"))
        }
    };
    let rows = query(
        "SELECT id, kind, subject, course_id, completion_id, number, holder_unit, score \
         FROM certificates",
    )
    .await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let get_i = |c: &str| {
        row.try_get::<i32>("", c)
            .unwrap_or_else(|e| panic!("{c}: {e}"))
    };
    assert_eq!(
        (get_i("id"), get_i("course_id"), get_i("completion_id")),
        (7, 4, 6)
    );
    assert_eq!(
        row.try_get::<String>("", "kind")
            .unwrap_or_else(|e| panic!("{e}")),
        "course"
    );
    assert_eq!(
        row.try_get::<Option<String>>("", "subject")
            .unwrap_or_else(|e| panic!("{e}")),
        None
    );
    assert_eq!(
        row.try_get::<String>("", "holder_unit")
            .unwrap_or_else(|e| panic!("{e}")),
        "Bagian Umum"
    );
    // A second certificate of the same completion is still refused.
    let again = db
        .execute_unprepared(&format!(
            "INSERT INTO certificates (code, number, user_id, course_id, completion_id, \
             holder_name, course_slug, course_title, course_version, jp, year, issuer, issued_at) \
             VALUES ('kode8', 'LNT-2026-000008', 3, 4, 6, 'Siti', 'spbe', 'SPBE', 1, 5, 2026, \
             'Lentera', {at})"
        ))
        .await;
    assert!(again.is_err(), "a completion certified twice");
    // A path's certificate has no course; the same path twice for one holder is refused.
    let path = format!(
        "INSERT INTO certificates (code, number, user_id, course_id, completion_id, holder_name, \
         course_slug, course_title, course_version, jp, year, issuer, issued_at, kind, subject) \
         VALUES ('{{code}}', '{{number}}', 3, NULL, NULL, 'Siti', 'literasi', 'Literasi', 1, 10, \
         2026, 'Lentera', {at}, 'path', 'literasi')"
    );
    db.execute_unprepared(&path.replace("{code}", "p1").replace("{number}", "P-1"))
        .await
        .unwrap_or_else(|e| panic!("path certificate: {e}"));
    let twice = db
        .execute_unprepared(&path.replace("{code}", "p2").replace("{number}", "P-2"))
        .await;
    assert!(twice.is_err(), "a path certified twice for one holder");
    let ids = query("SELECT id FROM certificates WHERE kind = 'path'").await;
    let new_id = ids[0]
        .try_get::<i32>("", "id")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(new_id, 7, "an id reused");
}
