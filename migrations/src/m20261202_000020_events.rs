//! Classical development beside the courses (Perlan LAN 10/2018): partner institutions
//! (`partners`), seminars, workshops, classroom training and internships (`events`) and who
//! registered for them (`event_registrations`: registered or on the waitlist, attended, the
//! "event tomorrow" reminder sent once).

use sea_orm_migration::prelude::{
    DbErr, DeriveMigrationName, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index,
    MigrationTrait, SchemaManager, Table, TableCreateStatement,
};
use sea_orm_migration::schema::{
    integer, integer_null, pk_auto, string, string_null, string_uniq, text,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

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
        // A university, a training agency or another government body that organises events
        // with the instansi. `kind`: universitas, lembaga_pelatihan, instansi, lainnya.
        Table::create()
            .table("partners")
            .col(pk_auto("id"))
            .col(string_uniq("code"))
            .col(string("name"))
            .col(string("kind"))
            .col(integer("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("partners", "created_by", "users"))
            .take(),
        // An event. Times are UTC; `timezone` (WIB, WITA, WIT) is where it is held and how
        // its times are shown. Organised by a unit or a partner; open to `audience_unit_id`
        // and the units below it, or to everyone when none. `check_in_code` is shown at
        // the venue.
        Table::create()
            .table("events")
            .col(pk_auto("id"))
            .col(string("title"))
            .col(string("kind"))
            .col(timestamp_with_time_zone("starts_at"))
            .col(timestamp_with_time_zone("ends_at"))
            .col(string("timezone"))
            .col(string_null("place"))
            .col(string_null("online_url"))
            .col(integer("capacity"))
            .col(integer("jp"))
            .col(integer_null("organiser_unit_id"))
            .col(integer_null("organiser_partner_id"))
            .col(integer_null("audience_unit_id"))
            .col(text("description"))
            .col(string("check_in_code"))
            .col(integer("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(&mut fk("events", "organiser_unit_id", "units"))
            .foreign_key(&mut fk("events", "organiser_partner_id", "partners"))
            .foreign_key(&mut fk("events", "audience_unit_id", "units"))
            .foreign_key(&mut fk("events", "created_by", "users"))
            .take(),
        // One person's place at an event: `state` registered or waitlisted (the waitlist in
        // `id` order); `attended_at` once present; `reminded_at` once the "event tomorrow"
        // mail is queued, so it is queued once.
        Table::create()
            .table("event_registrations")
            .col(pk_auto("id"))
            .col(integer("event_id"))
            .col(integer("user_id"))
            .col(string("state"))
            .col(timestamp_with_time_zone("registered_at"))
            .col(timestamp_with_time_zone_null("attended_at"))
            .col(timestamp_with_time_zone_null("reminded_at"))
            .foreign_key(&mut fk("event_registrations", "event_id", "events"))
            .foreign_key(&mut fk("event_registrations", "user_id", "users"))
            .take(),
    ]
}

/// (index name, table, columns, unique)
const INDEXES: &[(&str, &str, &[&str], bool)] = &[
    ("ix_events_starts", "events", &["starts_at"], false),
    (
        "ux_event_registrations_person",
        "event_registrations",
        &["event_id", "user_id"],
        true,
    ),
    (
        "ix_event_registrations_user",
        "event_registrations",
        &["user_id"],
        false,
    ),
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
            if *unique {
                index.unique();
            }
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.take()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _, _) in INDEXES.iter().rev() {
            manager
                .drop_index(Index::drop().name(*name).table(*table).to_owned())
                .await?;
        }
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
