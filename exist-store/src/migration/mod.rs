//! Schema migrations, one file per migration; the migration's name comes from
//! its file name (`mYYYYMMDD_HHMMSS_what`).

mod m20261128_000001_create_tables;
mod m20261128_000002_source_state;
mod m20261128_000003_enrichment_cache;
mod m20261128_000004_api_tokens;

use sea_orm_migration::prelude::*;

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_tables::Migration),
            Box::new(m20261128_000002_source_state::Migration),
            Box::new(m20261128_000003_enrichment_cache::Migration),
            Box::new(m20261128_000004_api_tokens::Migration),
        ]
    }
}
