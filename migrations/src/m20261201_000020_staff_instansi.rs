//! Instansi settings and what a certificate keeps from the moment it was issued.
//!
//! An instansi is a root unit; its name is the unit's name. `instansi_settings` holds its
//! optional signatory (name, jabatan, NIP) and its predikat thresholds (NULL: the
//! default). A certificate now keeps the holder's unit name, the instansi that issued it,
//! the enrolment time (the training period runs from it to the issue date) and the counted
//! score, so a later move of the holder or a regrade does not change a printed certificate.

use sea_orm_migration::prelude::{
    Alias, ColumnDef, DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, MigrationTrait,
    SchemaManager, Table, TableCreateStatement,
};
use sea_orm_migration::schema::{double_null, integer, string_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn settings() -> TableCreateStatement {
    Table::create()
        .table("instansi_settings")
        .col(integer("unit_id").primary_key())
        .col(string_null("signatory_name"))
        .col(string_null("signatory_jabatan"))
        .col(string_null("signatory_nip"))
        .col(double_null("sangat_memuaskan"))
        .col(double_null("memuaskan"))
        .col(double_null("baik"))
        .col(double_null("cukup"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(
            ForeignKey::create()
                .name("fk_instansi_settings_unit_id")
                .from("instansi_settings", "unit_id")
                .to("units", "id")
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

/// The certificate's new columns, all nullable (certificates issued before have none).
fn certificate_columns() -> Vec<ColumnDef> {
    vec![
        string_null("holder_unit"),
        ColumnDef::new(Alias::new("instansi_id"))
            .integer()
            .null()
            .take(),
        ColumnDef::new(Alias::new("enrolled_at"))
            .timestamp_with_time_zone()
            .null()
            .take(),
        double_null("score"),
    ]
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(settings()).await?;
        // One column per statement: SQLite adds one at a time.
        for mut column in certificate_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("certificates")
                        .add_column(&mut column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["score", "enrolled_at", "instansi_id", "holder_unit"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("certificates")
                        .drop_column(Alias::new(column))
                        .take(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("instansi_settings").take())
            .await
    }
}
