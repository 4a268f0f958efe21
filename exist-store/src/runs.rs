//! Source run statuses: the history `exist sources list` and the UI show.

use chrono::DateTime;
use exist_core::{RunOutcome, SourceRunStatus};
use sea_orm::{ConnectionTrait, Value};

use crate::error::{Error, QueryContext, Result};
use crate::sql::{Sql, from_unix};
use crate::store::Store;

fn outcome_name(o: RunOutcome) -> &'static str {
    match o {
        RunOutcome::Running => "running",
        RunOutcome::Ok => "ok",
        RunOutcome::NotModified => "not_modified",
        RunOutcome::Failed => "failed",
        RunOutcome::Skipped => "skipped",
    }
}

fn outcome_of(s: &str) -> Result<RunOutcome> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| Error::Corrupt(format!("unknown run outcome {s:?}")))
}

impl Store {
    /// Records a finished (or failed) run.
    pub async fn record_run(&self, run: &SourceRunStatus) -> Result<()> {
        let samples = serde_json::to_string(&run.rejected_samples)
            .map_err(|e| Error::Corrupt(format!("cannot serialize samples: {e}")))?;
        let mut sql = Sql::new(
            self.backend(),
            "INSERT INTO source_runs (source, started_at, finished_at, outcome, bytes, records_read, records_new, \
             records_updated, records_unchanged, records_rejected, rejected_samples, error) VALUES ",
        );
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        sql.bind_list::<Value>([
            run.source.clone().into(),
            run.started_at.timestamp().into(),
            run.finished_at.map(|t| t.timestamp()).into(),
            outcome_name(run.outcome).into(),
            n(run.bytes).into(),
            n(run.read).into(),
            n(run.new).into(),
            n(run.updated).into(),
            n(run.unchanged).into(),
            n(run.rejected).into(),
            samples.into(),
            run.error.clone().into(),
        ]);
        self.db
            .execute_raw(sql.build())
            .await
            .ctx("recording a source run")?;
        Ok(())
    }

    /// The latest runs of `source` (all sources when `None`), newest first.
    pub async fn runs(&self, source: Option<&str>, limit: u64) -> Result<Vec<SourceRunStatus>> {
        let mut sql = Sql::new(self.backend(), RUN_COLUMNS);
        if let Some(s) = source {
            sql.push(" WHERE source = ").bind(s.to_owned());
        }
        sql.push(&format!(" ORDER BY started_at DESC, id DESC LIMIT {limit}"));
        let rows = self
            .db
            .query_all_raw(sql.build())
            .await
            .ctx("reading source runs")?;
        rows.iter().map(run_of).collect()
    }

    /// The last recorded run of every source that has one, in one query.
    pub async fn last_runs(&self) -> Result<Vec<SourceRunStatus>> {
        let mut sql = Sql::new(self.backend(), RUN_COLUMNS);
        sql.push(" WHERE id IN (SELECT MAX(id) FROM source_runs GROUP BY source)");
        let rows = self
            .db
            .query_all_raw(sql.build())
            .await
            .ctx("reading source runs")?;
        rows.iter().map(run_of).collect()
    }
}

const RUN_COLUMNS: &str = "SELECT source, started_at, finished_at, outcome, bytes, records_read, records_new, \
     records_updated, records_unchanged, records_rejected, rejected_samples, error FROM source_runs";

/// A run from a row of [`RUN_COLUMNS`].
fn run_of(r: &sea_orm::QueryResult) -> Result<SourceRunStatus> {
    let g = |i: usize| -> Result<i64> { r.try_get_by_index(i).ctx("reading source runs") };
    let u = |i: usize| -> Result<u64> { Ok(u64::try_from(g(i)?).unwrap_or(0)) };
    let samples: String = r.try_get_by_index(10).ctx("reading source runs")?;
    let finished: Option<i64> = r.try_get_by_index(2).ctx("reading source runs")?;
    let outcome: String = r.try_get_by_index(3).ctx("reading source runs")?;
    Ok(SourceRunStatus {
        source: r.try_get_by_index(0).ctx("reading source runs")?,
        started_at: from_unix(g(1)?),
        finished_at: finished.and_then(|t| DateTime::from_timestamp(t, 0)),
        outcome: outcome_of(&outcome)?,
        bytes: u(4)?,
        read: u(5)?,
        new: u(6)?,
        updated: u(7)?,
        unchanged: u(8)?,
        rejected: u(9)?,
        rejected_samples: serde_json::from_str(&samples).unwrap_or_default(),
        error: r.try_get_by_index(11).ctx("reading source runs")?,
    })
}
