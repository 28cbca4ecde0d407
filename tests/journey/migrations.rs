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
