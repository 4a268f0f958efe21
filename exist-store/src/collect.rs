//! The collection pipeline, written once for every source: run it with its
//! saved state, store what it brought in batches, record the run's status, and
//! keep stored data safe from a bad run.
//!
//! Nothing a run brings ever deletes or ages stored data: entries that vanish
//! from a feed keep their history (their `last_seen` stops advancing), and a
//! failed or suspicious run only records its error. A feed that suddenly has no
//! entries where it had many is treated as broken, not as "everything was
//! delisted".

use chrono::Utc;
use exist_core::{
    Collected, Item, Items, NoProgress, Progress, REJECTED_SAMPLES, Record, RejectedLine,
    RunOutcome, Source, SourceRunStatus, SourceState,
};
use sea_orm::ConnectionTrait;

use crate::error::{Error, QueryContext, Result};
use crate::sql::Sql;
use crate::store::Store;

/// Inputs per batch (one transaction) during a collection. Two batches are in
/// memory at once (one parsed while the other is stored); 75,000 keeps a
/// 1M-row URL feed under 200 MB peak RSS at full speed (docs/benchmarks.md).
pub const COLLECT_BATCH: usize = 75_000;

/// A healthy feed with at least this many entries that comes back empty is
/// treated as broken.
pub const SUDDENLY_EMPTY_MIN: u64 = 100;

impl Store {
    /// Runs `source` once and returns the recorded status. A source error is
    /// a failed status, not an `Err`: `Err` means the store itself failed.
    pub async fn collect(&self, source: &dyn Source) -> Result<SourceRunStatus> {
        self.collect_with(source, &NoProgress).await
    }

    /// [`Store::collect`], reporting bytes and stored records to `progress`.
    ///
    /// Cancelling the returned future (a shutdown) between or during batches
    /// never leaves a half-written batch: each batch is one transaction, and
    /// one not committed is rolled back.
    pub async fn collect_with(
        &self,
        source: &dyn Source,
        progress: &dyn Progress,
    ) -> Result<SourceRunStatus> {
        let name = source.info().name;
        let state = self.source_state(&name).await?;
        let mut status = SourceRunStatus::start(&name);
        match source.collect(&state, progress).await {
            Err(e) => {
                status.outcome = RunOutcome::Failed;
                status.error = Some(e.to_string());
            }
            Ok(Collected::NotModified) => status.outcome = RunOutcome::NotModified,
            Ok(Collected::Records {
                items,
                bytes,
                state: new_state,
            }) => {
                status.bytes = bytes;
                let stored = self.store_items(items, &mut status, progress).await?;
                let had = state.last_count.unwrap_or(0);
                if stored == 0 && had >= SUDDENLY_EMPTY_MIN {
                    status.outcome = RunOutcome::Failed;
                    status.error = Some(format!(
                        "the feed has no entries where the last run had {had}: treated as a broken download, \
                         stored data left as it was"
                    ));
                } else {
                    status.outcome = RunOutcome::Ok;
                    self.save_source_state(
                        &name,
                        &SourceState {
                            last_count: Some(stored),
                            ..new_state
                        },
                    )
                    .await?;
                }
            }
        }
        status.finished_at = Some(Utc::now());
        self.record_run(&status).await?;
        Ok(status)
    }

    /// Parses `items` batch by batch on a blocking thread while storing the
    /// previous batch; counts and samples refusals. Returns the records stored.
    async fn store_items(
        &self,
        items: Items,
        status: &mut SourceRunStatus,
        progress: &dyn Progress,
    ) -> Result<u64> {
        let now = Utc::now();
        let mut stored = 0u64;
        let mut next = Some(tokio::task::spawn_blocking(move || next_batch(items)));
        while let Some(pending) = next.take() {
            let (batch, rejected, items) = pending
                .await
                .map_err(|e| Error::Corrupt(format!("parsing a batch: {e}")))?;
            let more = batch.len() + rejected.len() == COLLECT_BATCH;
            if more {
                next = Some(tokio::task::spawn_blocking(move || next_batch(items)));
            }
            status.read += (batch.len() + rejected.len()) as u64;
            status.rejected += rejected.len() as u64;
            for r in rejected {
                if status.rejected_samples.len() < REJECTED_SAMPLES {
                    status.rejected_samples.push(r);
                }
            }
            if !batch.is_empty() {
                let n = batch.len() as u64;
                let c = self.upsert_owned(batch, now).await?;
                status.new += c.new;
                status.updated += c.updated;
                status.unchanged += c.unchanged;
                stored += n;
                progress.records(stored);
            }
        }
        Ok(stored)
    }

    /// The state `source` saved after its last healthy run.
    pub async fn source_state(&self, source: &str) -> Result<SourceState> {
        let mut sql = Sql::new(
            self.backend(),
            "SELECT state FROM source_state WHERE source = ",
        );
        sql.bind(source.to_owned());
        let Some(row) = self
            .db
            .query_one_raw(sql.build())
            .await
            .ctx("reading source state")?
        else {
            return Ok(SourceState::default());
        };
        let json: String = row.try_get_by_index(0).ctx("reading source state")?;
        serde_json::from_str(&json)
            .map_err(|e| Error::Corrupt(format!("source state of {source}: {e}")))
    }

    /// Saves `state` for `source`.
    pub async fn save_source_state(&self, source: &str, state: &SourceState) -> Result<()> {
        let json = serde_json::to_string(state)
            .map_err(|e| Error::Corrupt(format!("source state: {e}")))?;
        let mut del = Sql::new(self.backend(), "DELETE FROM source_state WHERE source = ");
        del.bind(source.to_owned());
        let mut ins = Sql::new(
            self.backend(),
            "INSERT INTO source_state (source, state) VALUES ",
        );
        ins.bind_list([source.to_owned(), json]);
        use sea_orm::TransactionTrait;
        let tx = self.db.begin().await.ctx("starting a transaction")?;
        tx.execute_raw(del.build())
            .await
            .ctx("saving source state")?;
        tx.execute_raw(ins.build())
            .await
            .ctx("saving source state")?;
        tx.commit().await.ctx("saving source state")?;
        Ok(())
    }
}

/// Up to [`COLLECT_BATCH`] inputs from `items`: the records, the refusals met on the way,
/// and the rest of the stream.
fn next_batch(mut items: Items) -> (Vec<Record>, Vec<RejectedLine>, Items) {
    let mut batch = Vec::with_capacity(COLLECT_BATCH.min(4096));
    let mut rejected = Vec::new();
    for item in items.by_ref() {
        match item {
            Item::Record(r) => batch.push(r),
            Item::Rejected(r) => rejected.push(r),
        }
        if batch.len() + rejected.len() == COLLECT_BATCH {
            break;
        }
    }
    (batch, rejected, items)
}
