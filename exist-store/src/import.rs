//! Importing an indicator list (`exist import`): stream the list, store it in
//! batches, record the run like any source's.

use std::io::Read;

use chrono::{DateTime, Utc};
use exist_core::{
    IndicatorListReader, ListItem, ListReport, ReputationEntry, RunOutcome, SourceRunStatus,
};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::Store;

/// Entries stored per transaction during an import.
pub const IMPORT_BATCH: usize = 20_000;

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    /// Lines read, accepted, refused, with samples of refused lines.
    #[serde(flatten)]
    pub list: ListReport,
    /// Entries stored for the first time.
    pub new: u64,
    /// Entries already stored (same indicator and source), seen again.
    pub updated: u64,
}

impl Store {
    /// Imports the list `reader` as reputation entries of `source`. Refused
    /// lines are counted and sampled, never fatal; the run is recorded in the
    /// source's status.
    pub async fn import_list<R: Read>(
        &self,
        reader: R,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let mut status = SourceRunStatus::start(source);
        let result = self.import_batches(reader, source, now).await;
        status.finished_at = Some(Utc::now());
        match &result {
            Ok(s) => {
                status.outcome = RunOutcome::Ok;
                status.read = s.list.read;
                status.new = s.new;
                status.updated = s.updated;
                status.rejected = s.list.rejected;
                status.rejected_samples = s.list.rejected_samples.clone();
            }
            Err(e) => {
                status.outcome = RunOutcome::Failed;
                status.error = Some(e.to_string());
            }
        }
        self.record_run(&status).await?;
        if result.is_ok() {
            self.refresh_statistics().await?;
        }
        result
    }

    async fn import_batches<R: Read>(
        &self,
        reader: R,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let items =
            IndicatorListReader::new(reader, source).map_err(|e| Error::Input(e.to_string()))?;
        let mut summary = ImportSummary {
            list: ListReport::default(),
            new: 0,
            updated: 0,
        };
        let mut batch: Vec<ReputationEntry> = Vec::with_capacity(IMPORT_BATCH);
        for item in items {
            summary.list.count(&item);
            if let ListItem::Entry { entry, .. } = item {
                batch.push(entry);
                if batch.len() == IMPORT_BATCH {
                    let c = self.upsert_reputation(&batch, now).await?;
                    summary.new += c.new;
                    summary.updated += c.updated;
                    batch.clear();
                }
            }
        }
        if !batch.is_empty() {
            let c = self.upsert_reputation(&batch, now).await?;
            summary.new += c.new;
            summary.updated += c.updated;
        }
        Ok(summary)
    }
}

impl Store {
    /// Refreshes the query planner's statistics after a bulk change, so that
    /// plans chosen for an empty table are not kept for a million rows.
    pub async fn refresh_statistics(&self) -> Result<()> {
        use sea_orm::{ConnectionTrait, DbBackend};
        let sql = match self.backend() {
            DbBackend::Postgres => "ANALYZE indicators, reputation",
            DbBackend::MySql => "ANALYZE TABLE indicators, reputation",
            _ => "PRAGMA optimize",
        };
        self.db
            .execute_unprepared(sql)
            .await
            .map_err(|source| Error::Query {
                what: "refreshing statistics",
                source,
            })?;
        Ok(())
    }
}
