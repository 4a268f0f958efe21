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
pub const IMPORT_BATCH: usize = 100_000;

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
    pub async fn import_list<R: Read + Send + 'static>(
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

    /// Reads and parses the list on a blocking thread while this task stores
    /// the previous batch: parsing and writing overlap on two cores.
    async fn import_batches<R: Read + Send + 'static>(
        &self,
        reader: R,
        source: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<ReputationEntry>>(2);
        let source_name = source.to_owned();
        let parser = tokio::task::spawn_blocking(move || -> Result<ListReport> {
            let items = IndicatorListReader::new(reader, source_name)
                .map_err(|e| Error::Input(e.to_string()))?;
            let mut report = ListReport::default();
            let mut batch = Vec::with_capacity(IMPORT_BATCH);
            for item in items {
                report.count(&item);
                if let ListItem::Entry { entry, .. } = item {
                    batch.push(entry);
                    if batch.len() == IMPORT_BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(IMPORT_BATCH));
                        if tx.blocking_send(full).is_err() {
                            return Ok(report); // the writer stopped on an error
                        }
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.blocking_send(batch);
            }
            Ok(report)
        });
        let mut new = 0;
        let mut updated = 0;
        let mut write_error = None;
        while let Some(batch) = rx.recv().await {
            match self.upsert_reputation(&batch, now).await {
                Ok(c) => {
                    new += c.new;
                    updated += c.updated;
                }
                Err(e) => {
                    write_error = Some(e);
                    break;
                }
            }
        }
        drop(rx);
        let list = parser
            .await
            .map_err(|e| Error::Input(format!("list reader failed: {e}")))??;
        if let Some(e) = write_error {
            return Err(e);
        }
        Ok(ImportSummary { list, new, updated })
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
