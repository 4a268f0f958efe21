//! Cached enricher answers: one row per (enricher, indicator), the answer as
//! JSON, with when it was fetched; freshness is the enricher's TTL, checked
//! on read, so changing a TTL needs no migration.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EnrichmentCache {
    Table,
    Enricher,
    KeyHi,
    KeyLo,
    FetchedAt,
    Data,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EnrichmentCache::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(EnrichmentCache::Enricher)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EnrichmentCache::KeyHi)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EnrichmentCache::KeyLo)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EnrichmentCache::FetchedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(EnrichmentCache::Data).text().not_null())
                    .primary_key(
                        Index::create()
                            .col(EnrichmentCache::Enricher)
                            .col(EnrichmentCache::KeyHi)
                            .col(EnrichmentCache::KeyLo),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(EnrichmentCache::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
