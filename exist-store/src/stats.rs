//! Counts for dashboards and `exist stats`: per indicator kind, per record kind
//! and source, and per day.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::error::{QueryContext, Result};
use crate::sql::{Sql, day_of, from_unix};
use crate::store::Store;

/// Counts of one source.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceCount {
    /// The source.
    pub source: String,
    /// The record kind.
    pub kind: String,
    /// How many records.
    pub count: u64,
    /// When the source last listed anything.
    pub last_seen: DateTime<Utc>,
}

/// New records on one day (by first_seen, UTC).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCount {
    /// The day.
    pub day: NaiveDate,
    /// Records first seen that day.
    pub count: u64,
}

/// Store-wide counts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// Distinct indicators in the index.
    pub indicators: u64,
    /// Distinct indicators per kind.
    pub indicators_by_kind: BTreeMap<String, u64>,
    /// Records per record kind (reputation entries included).
    pub records_by_kind: BTreeMap<String, u64>,
    /// Records per source.
    pub by_source: Vec<SourceCount>,
    /// Records first seen per day, the last `days` days with any.
    pub by_day: Vec<DayCount>,
    /// The same per source (the dashboard's activity charts), by source then day.
    pub by_source_day: Vec<SourceDayCount>,
}

/// New records of one source on one day (by first_seen, UTC).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceDayCount {
    /// The source.
    pub source: String,
    /// The day.
    pub day: NaiveDate,
    /// Records of that source first seen that day.
    pub count: u64,
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Store {
    /// Counts per kind, per source, and per day over the last `days` days.
    pub async fn stats(&self, days: u32, now: DateTime<Utc>) -> Result<Stats> {
        let backend = self.backend();
        let q = |text: &str| Sql::new(backend, text).build();
        let mut indicators_by_kind = BTreeMap::new();
        for row in self
            .db
            .query_all_raw(q("SELECT kind, COUNT(*) FROM indicators GROUP BY kind"))
            .await
            .ctx("counting indicators")?
        {
            let n: i64 = row.try_get_by_index(1).ctx("counting indicators")?;
            indicators_by_kind.insert(
                row.try_get_by_index(0).ctx("counting indicators")?,
                count(n),
            );
        }
        let mut by_source = Vec::new();
        let mut records_by_kind = BTreeMap::new();
        let names = self.source_names().await?;
        for (sql, what) in [
            (
                "SELECT source_id, 'reputation', COUNT(*), MAX(last_seen) FROM reputation GROUP BY source_id",
                "reputation",
            ),
            (
                "SELECT source, kind, COUNT(*), MAX(last_seen) FROM records GROUP BY source, kind",
                "records",
            ),
        ] {
            for row in self
                .db
                .query_all_raw(q(sql))
                .await
                .ctx("counting records per source")?
            {
                let n: i64 = row.try_get_by_index(2).ctx(what)?;
                let last: i64 = row.try_get_by_index(3).ctx(what)?;
                let source = if what == "reputation" {
                    let id: i64 = row.try_get_by_index(0).ctx(what)?;
                    names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("source#{id}"))
                } else {
                    row.try_get_by_index(0).ctx(what)?
                };
                let sc = SourceCount {
                    source,
                    kind: row.try_get_by_index(1).ctx(what)?,
                    count: count(n),
                    last_seen: from_unix(last),
                };
                *records_by_kind.entry(sc.kind.clone()).or_insert(0) += sc.count;
                by_source.push(sc);
            }
        }
        by_source.sort_by(|a, b| (&a.kind, &a.source).cmp(&(&b.kind, &b.source)));
        let since = now.timestamp() - i64::from(days) * 86_400;
        let mut per_day: BTreeMap<i64, u64> = BTreeMap::new();
        let mut per_source_day: BTreeMap<(String, i64), u64> = BTreeMap::new();
        for (table, source_col) in [("reputation", "source_id"), ("records", "source")] {
            let mut sql = Sql::new(
                backend,
                &format!(
                    "SELECT {source_col}, {day} AS d, COUNT(*) FROM {table} WHERE first_seen >= ",
                    day = day_of(backend, "first_seen")
                ),
            );
            sql.bind(since).push(&format!(" GROUP BY {source_col}, d"));
            let ctx = "counting records per day";
            for row in self.db.query_all_raw(sql.build()).await.ctx(ctx)? {
                let source = if table == "reputation" {
                    let id: i64 = row.try_get_by_index(0).ctx(ctx)?;
                    names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("source#{id}"))
                } else {
                    row.try_get_by_index(0).ctx(ctx)?
                };
                let d: i64 = row.try_get_by_index(1).ctx(ctx)?;
                let n: i64 = row.try_get_by_index(2).ctx(ctx)?;
                *per_day.entry(d).or_insert(0) += count(n);
                *per_source_day.entry((source, d)).or_insert(0) += count(n);
            }
        }
        let day = |d: i64| DateTime::from_timestamp(d * 86_400, 0).map(|t| t.date_naive());
        let by_day = per_day
            .into_iter()
            .filter_map(|(d, n)| {
                Some(DayCount {
                    day: day(d)?,
                    count: n,
                })
            })
            .collect();
        let by_source_day = per_source_day
            .into_iter()
            .filter_map(|((source, d), n)| {
                Some(SourceDayCount {
                    source,
                    day: day(d)?,
                    count: n,
                })
            })
            .collect();
        Ok(Stats {
            indicators: indicators_by_kind.values().sum(),
            indicators_by_kind,
            records_by_kind,
            by_source,
            by_day,
            by_source_day,
        })
    }
}

impl Store {
    /// Reputation entries stored per source name (sources with none absent).
    pub async fn source_entry_counts(&self) -> Result<Vec<(String, u64)>> {
        let rows = self
            .db
            .query_all_raw(
                Sql::new(
                    self.backend(),
                    "SELECT s.name, COUNT(*) FROM reputation r JOIN sources s ON s.id = r.source_id GROUP BY s.name",
                )
                .build(),
            )
            .await
            .ctx("counting entries per source")?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let name: String = row.try_get_by_index(0).ctx("counting entries per source")?;
            let n: i64 = row.try_get_by_index(1).ctx("counting entries per source")?;
            out.push((name, count(n)));
        }
        Ok(out)
    }
}
