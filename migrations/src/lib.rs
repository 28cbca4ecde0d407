//! Lentera's database schema as sea-orm migrations, run on SQLite and PostgreSQL alike.
//!
//! An applied migration is never edited: change the schema with a new migration file.

use sea_orm_migration::{MigrationTrait, MigratorTrait};

mod m20261123_000001_initial;
mod m20261124_000002_grading_and_ledger;
mod m20261130_000003_audit_action_names;
mod m20261201_000020_staff_instansi;
mod m20261201_000030_account_mail;
mod m20261201_000040_rate_limits;
mod m20261202_000005_certificate_kinds;
mod m20261202_000010_assignments;
mod m20261202_000020_events;
mod m20261202_000030_paths;
mod m20261202_000040_xapi;
mod m20261202_000050_instansi_logos;

pub use sea_orm_migration::MigratorTrait as Migrate;

/// Every migration, in order.
pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261124_000002_grading_and_ledger::Migration),
            Box::new(m20261130_000003_audit_action_names::Migration),
            Box::new(m20261201_000020_staff_instansi::Migration),
            Box::new(m20261201_000030_account_mail::Migration),
            Box::new(m20261201_000040_rate_limits::Migration),
            Box::new(m20261202_000005_certificate_kinds::Migration),
            Box::new(m20261202_000010_assignments::Migration),
            Box::new(m20261202_000020_events::Migration),
            Box::new(m20261202_000030_paths::Migration),
            Box::new(m20261202_000040_xapi::Migration),
            Box::new(m20261202_000050_instansi_logos::Migration),
        ]
    }
}
