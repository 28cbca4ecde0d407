//! An instansi's logo, printed on its certificates: the file as an admin uploaded it (a
//! PNG or JPEG that the certificate crate checked), one per instansi (a root unit).

use sea_orm_migration::prelude::{
    ColumnDef, DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, MigrationTrait,
    SchemaManager, Table,
};
use sea_orm_migration::schema::{integer, string, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("instansi_logos")
                    .col(integer("unit_id").primary_key())
                    .col(string("content_type"))
                    .col(ColumnDef::new("data").blob().not_null())
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_instansi_logos_unit_id")
                            .from("instansi_logos", "unit_id")
                            .to("units", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("instansi_logos").take())
            .await
    }
}
