//! Rate limits shared by every replica (sign-in, password changes, certificate look-ups),
//! used on PostgreSQL; on SQLite one process keeps them in memory and the table stays empty.

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, Index, MigrationTrait, SchemaManager, Table,
};
use sea_orm_migration::schema::{big_integer, string};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("rate_limits")
                    .col(string("name"))
                    .col(string("key"))
                    .col(big_integer("tat"))
                    .primary_key(Index::create().col("name").col("key"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("rate_limits").to_owned())
            .await
    }
}
