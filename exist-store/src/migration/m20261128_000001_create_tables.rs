//! The first schema: the indicator index, reputation entries, other records and
//! their links to indicators, hunts, and source runs.
//!
//! Timestamps are Unix seconds in BIGINT columns: identical on the three
//! backends, cheap to compare, and per-day counts are integer division.
//! Indicator keys are 128-bit hashes as two BIGINTs (see `keys.rs`).
//!
//! The three tables of the bulk path (`indicators`, `reputation`,
//! `record_indicators`) are written as raw DDL per backend: on SQLite they are
//! `WITHOUT ROWID` tables, so each is a single B-tree ordered by its key, which
//! sea-query cannot express; `reputation` has no secondary index on purpose
//! (every index is one more random B-tree write per entry; stats and prune
//! scan instead). The rest uses sea-query.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Records {
    Table,
    Id,
    Kind,
    Source,
    RecordKey,
    Title,
    Body,
    SearchText,
    ObservedAt,
    FirstSeen,
    LastSeen,
    Sightings,
}

#[derive(DeriveIden)]
enum Hunts {
    Table,
    Id,
    Name,
    QueryText,
    Kinds,
    Notify,
    Enabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum HuntHits {
    Table,
    Id,
    HuntId,
    RecordKind,
    Source,
    RecordKey,
    MatchedAt,
    Notified,
}

#[derive(DeriveIden)]
enum SourceRuns {
    Table,
    Id,
    Source,
    StartedAt,
    FinishedAt,
    Outcome,
    Bytes,
    RecordsRead,
    RecordsNew,
    RecordsUpdated,
    RecordsUnchanged,
    RecordsRejected,
    RejectedSamples,
    Error,
}

/// A column of ASCII keys compared byte-wise, whatever the database's default
/// collation: MySQL's defaults are case- and accent-insensitive, PostgreSQL's
/// linguistic collations order punctuation their own way, and the host-key range
/// scans need plain byte order (`.` < `/`).
fn key_column(manager: &SchemaManager<'_>, col: impl IntoIden, len: u32) -> ColumnDef {
    let mut c = ColumnDef::new(col);
    match manager.get_database_backend() {
        DbBackend::MySql => {
            c.custom(Alias::new(format!(
                "VARCHAR({len}) CHARACTER SET ascii COLLATE ascii_bin"
            )));
        }
        DbBackend::Postgres => {
            c.custom(Alias::new(format!("VARCHAR({len}) COLLATE \"C\"")));
        }
        _ => {
            c.string_len(len);
        }
    }
    c
}

/// Creates index `name` on `table(cols)`.
async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    for c in cols {
        idx.col(c);
    }
    if unique {
        idx.unique();
    }
    manager.create_index(idx.to_owned()).await
}

/// DDL of the bulk-path tables for `backend`.
fn bulk_tables(backend: DbBackend) -> Vec<String> {
    let (int, text_key, suffix, serial) = match backend {
        DbBackend::Sqlite => ("INTEGER", "TEXT", " WITHOUT ROWID", "INTEGER PRIMARY KEY"),
        DbBackend::Postgres => (
            "BIGINT",
            "VARCHAR(300) COLLATE \"C\"",
            "",
            "BIGSERIAL PRIMARY KEY",
        ),
        _ => (
            "BIGINT",
            "VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin",
            "",
            "BIGINT AUTO_INCREMENT PRIMARY KEY",
        ),
    };
    let partial = if backend == DbBackend::MySql {
        ""
    } else {
        " WHERE host_key IS NOT NULL"
    };
    let mut ddl = vec![
        format!(
            "CREATE TABLE IF NOT EXISTS indicators (key_hi {int} NOT NULL, key_lo {int} NOT NULL, \
             kind VARCHAR(16) NOT NULL, value TEXT NOT NULL, display TEXT, host_key {text_key}, \
             PRIMARY KEY (key_hi, key_lo)){suffix}"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS sources (id {serial}, name VARCHAR(64) NOT NULL UNIQUE)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS reputation (key_hi {int} NOT NULL, key_lo {int} NOT NULL, \
             source_id {int} NOT NULL, category VARCHAR(255), description TEXT, reference TEXT, \
             first_seen {int} NOT NULL, last_seen {int} NOT NULL, sightings {int} NOT NULL, \
             PRIMARY KEY (key_hi, key_lo, source_id)){suffix}"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS record_indicators (key_hi {int} NOT NULL, key_lo {int} NOT NULL, \
             record_id {int} NOT NULL, PRIMARY KEY (key_hi, key_lo, record_id)){suffix}"
        ),
    ];
    if backend == DbBackend::MySql {
        // MySQL has no CREATE INDEX IF NOT EXISTS; the migration runs once.
        ddl.push("CREATE INDEX idx_indicators_host_key ON indicators (host_key)".into());
        ddl.push(
            "CREATE INDEX idx_record_indicators_record ON record_indicators (record_id)".into(),
        );
    } else {
        ddl.push(format!(
            "CREATE INDEX IF NOT EXISTS idx_indicators_host_key ON indicators (host_key){partial}"
        ));
        ddl.push("CREATE INDEX IF NOT EXISTS idx_record_indicators_record ON record_indicators (record_id)".into());
    }
    ddl
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for ddl in bulk_tables(manager.get_database_backend()) {
            db.execute_unprepared(&ddl).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Records::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Records::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Records::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(Records::Source).string_len(64).not_null())
                    .col(key_column(manager, Records::RecordKey, 255).not_null())
                    .col(ColumnDef::new(Records::Title).text().not_null())
                    .col(ColumnDef::new(Records::Body).text().not_null())
                    .col(ColumnDef::new(Records::SearchText).text().not_null())
                    .col(ColumnDef::new(Records::ObservedAt).big_integer().null())
                    .col(ColumnDef::new(Records::FirstSeen).big_integer().not_null())
                    .col(ColumnDef::new(Records::LastSeen).big_integer().not_null())
                    .col(ColumnDef::new(Records::Sightings).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_records_natural_key",
            Records::Table,
            vec![
                Records::Kind.into_iden(),
                Records::Source.into_iden(),
                Records::RecordKey.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_records_last_seen",
            Records::Table,
            vec![Records::LastSeen.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Hunts::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Hunts::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Hunts::Name).string_len(255).not_null())
                    .col(ColumnDef::new(Hunts::QueryText).text().not_null())
                    .col(ColumnDef::new(Hunts::Kinds).text().not_null())
                    .col(ColumnDef::new(Hunts::Notify).text().not_null())
                    .col(ColumnDef::new(Hunts::Enabled).boolean().not_null())
                    .col(ColumnDef::new(Hunts::CreatedAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(HuntHits::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(HuntHits::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(HuntHits::HuntId).big_integer().not_null())
                    .col(
                        ColumnDef::new(HuntHits::RecordKind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(HuntHits::Source).string_len(64).not_null())
                    .col(key_column(manager, HuntHits::RecordKey, 255).not_null())
                    .col(ColumnDef::new(HuntHits::MatchedAt).big_integer().not_null())
                    .col(ColumnDef::new(HuntHits::Notified).boolean().not_null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_hunt_hits_once",
            HuntHits::Table,
            vec![
                HuntHits::HuntId.into_iden(),
                HuntHits::RecordKind.into_iden(),
                HuntHits::Source.into_iden(),
                HuntHits::RecordKey.into_iden(),
            ],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SourceRuns::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(SourceRuns::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SourceRuns::Source).string_len(64).not_null())
                    .col(
                        ColumnDef::new(SourceRuns::StartedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SourceRuns::FinishedAt).big_integer().null())
                    .col(
                        ColumnDef::new(SourceRuns::Outcome)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SourceRuns::Bytes).big_integer().not_null())
                    .col(
                        ColumnDef::new(SourceRuns::RecordsRead)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceRuns::RecordsNew)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceRuns::RecordsUpdated)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceRuns::RecordsUnchanged)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceRuns::RecordsRejected)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceRuns::RejectedSamples)
                            .text()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SourceRuns::Error).text().null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_source_runs_source",
            SourceRuns::Table,
            vec![
                SourceRuns::Source.into_iden(),
                SourceRuns::StartedAt.into_iden(),
            ],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "source_runs",
            "hunt_hits",
            "hunts",
            "record_indicators",
            "records",
            "reputation",
            "indicators",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
