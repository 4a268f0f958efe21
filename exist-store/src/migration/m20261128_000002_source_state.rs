//! What each source keeps between runs (validators, last healthy count), as
//! JSON so a source can grow its state without a migration.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SourceState {
    Table,
    Source,
    State,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SourceState::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(SourceState::Source)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SourceState::State).text().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(SourceState::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
