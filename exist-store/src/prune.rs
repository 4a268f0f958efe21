//! Forgetting: records and entries not seen since a cutoff, and the
//! indicators nothing mentions any more.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use crate::error::{QueryContext, Result};
use crate::sql::Sql;
use crate::store::Store;

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    /// Reputation entries removed.
    pub reputation: u64,
    /// Other records removed.
    pub records: u64,
    /// Indicators no longer mentioned by anything, removed from the index.
    pub indicators: u64,
}

impl Store {
    /// Removes what was last seen before `cutoff`, in one transaction.
    pub async fn prune(&self, cutoff: DateTime<Utc>) -> Result<PruneReport> {
        let backend = self.backend();
        let tx = self.db.begin().await.ctx("starting a transaction")?;
        let c = cutoff.timestamp();
        let mut sql = Sql::new(backend, "DELETE FROM reputation WHERE last_seen < ");
        sql.bind(c);
        let reputation = tx
            .execute_raw(sql.build())
            .await
            .ctx("pruning reputation")?
            .rows_affected();
        let mut sql = Sql::new(
            backend,
            "DELETE FROM record_indicators WHERE record_id IN (SELECT id FROM records WHERE last_seen < ",
        );
        sql.bind(c).push(")");
        tx.execute_raw(sql.build())
            .await
            .ctx("pruning record links")?;
        let mut sql = Sql::new(backend, "DELETE FROM records WHERE last_seen < ");
        sql.bind(c);
        let records = tx
            .execute_raw(sql.build())
            .await
            .ctx("pruning records")?
            .rows_affected();
        let sql = Sql::new(
            backend,
            "DELETE FROM indicators WHERE NOT EXISTS (SELECT 1 FROM reputation r WHERE r.key_hi = \
             indicators.key_hi AND r.key_lo = indicators.key_lo) AND NOT EXISTS (SELECT 1 FROM \
             record_indicators ri WHERE ri.key_hi = indicators.key_hi AND ri.key_lo = indicators.key_lo)",
        );
        let indicators = tx
            .execute_raw(sql.build())
            .await
            .ctx("pruning indicators")?
            .rows_affected();
        tx.commit().await.ctx("committing the prune")?;
        Ok(PruneReport {
            reputation,
            records,
            indicators,
        })
    }
}
