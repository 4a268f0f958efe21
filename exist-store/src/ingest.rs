//! The write path: reputation entries in bulk, other records one by one, each
//! batch in one transaction.
//!
//! Reputation feeds are the volume (a million lines is an ordinary blocklist),
//! so their path is multi-row raw statements: one insert-or-ignore of the
//! indicators, one probe of which entries exist, one upsert of the entries.
//! Everything else (events, posts, advisories) comes in thousands and goes
//! through the ordinary per-record path.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use exist_core::{Indicator, Mentions, Record, ReputationEntry};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, TransactionTrait, Value};
use serde::Serialize;

use crate::error::{Error, QueryContext, Result};
use crate::keys::{host_key, indicator_key};
use crate::sql::{Sql, insert_ignore, insert_ignore_tail};
use crate::store::Store;

/// Rows per multi-row statement: well under every backend's parameter limit.
pub const BATCH_ROWS: usize = 1000;

/// What an upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpsertCounts {
    /// Records stored for the first time.
    pub new: u64,
    /// Records already stored, seen again (last_seen advanced, content updated).
    pub updated: u64,
    /// Records seen again with identical content (last_seen advanced only).
    pub unchanged: u64,
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, o: Self) {
        self.new += o.new;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

struct IndicatorRow {
    key: String,
    kind: &'static str,
    value: String,
    display: Option<String>,
    host_key: Option<String>,
}

impl IndicatorRow {
    fn of(i: &Indicator) -> Self {
        Self {
            key: indicator_key(i.kind(), i.value()),
            kind: i.kind().as_str(),
            value: i.value().to_owned(),
            display: i.unicode().map(str::to_owned),
            host_key: host_key(i),
        }
    }
}

async fn insert_indicators(tx: &DatabaseTransaction, rows: &[IndicatorRow]) -> Result<()> {
    let backend = tx.get_database_backend();
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut sql = Sql::new(
            backend,
            &insert_ignore(
                backend,
                "indicators (indicator_key, kind, value, display, host_key)",
            ),
        );
        for (n, r) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind_list::<Value>([
                r.key.clone().into(),
                r.kind.into(),
                r.value.clone().into(),
                r.display.clone().into(),
                r.host_key.clone().into(),
            ]);
        }
        sql.push(&insert_ignore_tail(backend, "indicator_key"));
        tx.execute_raw(sql.build())
            .await
            .ctx("inserting indicators")?;
    }
    Ok(())
}

impl Store {
    /// Stores reputation entries: new ones are inserted, known ones (same
    /// indicator and source) get `last_seen = now`, one more sighting, and the
    /// newest category/description/reference. Entries repeated within `entries`
    /// count once. One transaction for the whole call.
    pub async fn upsert_reputation(
        &self,
        entries: &[ReputationEntry],
        now: DateTime<Utc>,
    ) -> Result<UpsertCounts> {
        // Last one wins for duplicates within the call.
        let mut order: Vec<(String, &ReputationEntry)> = Vec::with_capacity(entries.len());
        let mut index: HashMap<(String, &str), usize> = HashMap::with_capacity(entries.len());
        for e in entries {
            let key = indicator_key(e.indicator.kind(), e.indicator.value());
            match index.get(&(key.clone(), e.source.as_str())) {
                Some(&i) => order[i].1 = e,
                None => {
                    index.insert((key.clone(), e.source.as_str()), order.len());
                    order.push((key, e));
                }
            }
        }
        let tx = self.db.begin().await.ctx("starting a transaction")?;
        let backend = tx.get_database_backend();
        let mut counts = UpsertCounts::default();
        let ts = now.timestamp();
        for chunk in order.chunks(BATCH_ROWS) {
            let rows: Vec<IndicatorRow> = chunk
                .iter()
                .map(|(key, e)| IndicatorRow {
                    key: key.clone(),
                    ..IndicatorRow::of(&e.indicator)
                })
                .collect();
            insert_indicators(&tx, &rows).await?;

            let existing = existing_reputation(&tx, chunk).await?;
            let mut sql = Sql::new(
                backend,
                "INSERT INTO reputation (indicator_key, source, category, description, reference, first_seen, \
                 last_seen, sightings) VALUES ",
            );
            for (n, (key, e)) in chunk.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                if existing.contains(&(key.clone(), e.source.clone())) {
                    counts.updated += 1;
                } else {
                    counts.new += 1;
                }
                let first = e.seen_at.map_or(ts, |s| s.timestamp().min(ts));
                sql.bind_list::<Value>([
                    key.clone().into(),
                    e.source.clone().into(),
                    e.category.clone().into(),
                    e.description.clone().into(),
                    e.reference.clone().into(),
                    first.into(),
                    ts.into(),
                    1i64.into(),
                ]);
            }
            sql.push(match backend {
                DbBackend::MySql => {
                    " ON DUPLICATE KEY UPDATE last_seen = VALUES(last_seen), sightings = sightings + 1, \
                     category = COALESCE(VALUES(category), category), \
                     description = COALESCE(VALUES(description), description), \
                     reference = COALESCE(VALUES(reference), reference)"
                }
                _ => {
                    " ON CONFLICT (indicator_key, source) DO UPDATE SET last_seen = excluded.last_seen, \
                     sightings = reputation.sightings + 1, \
                     category = COALESCE(excluded.category, reputation.category), \
                     description = COALESCE(excluded.description, reputation.description), \
                     reference = COALESCE(excluded.reference, reputation.reference)"
                }
            });
            tx.execute_raw(sql.build())
                .await
                .ctx("upserting reputation entries")?;
        }
        tx.commit().await.ctx("committing reputation entries")?;
        Ok(counts)
    }

    /// Stores records of any kind (reputation entries take the bulk path). A
    /// record with the natural key of a stored one updates it: content
    /// replaced if it changed, `last_seen = now`, one more sighting; its
    /// indicator links are rebuilt. One transaction for the whole call.
    pub async fn upsert_records(
        &self,
        records: &[Record],
        now: DateTime<Utc>,
    ) -> Result<UpsertCounts> {
        let (reputation, others): (Vec<&Record>, Vec<&Record>) = records
            .iter()
            .partition(|r| matches!(r, Record::Reputation(_)));
        let mut counts = UpsertCounts::default();
        if !reputation.is_empty() {
            let entries: Vec<ReputationEntry> = reputation
                .into_iter()
                .filter_map(|r| match r {
                    Record::Reputation(e) => Some(e.clone()),
                    _ => None,
                })
                .collect();
            counts += self.upsert_reputation(&entries, now).await?;
        }
        if others.is_empty() {
            return Ok(counts);
        }
        let tx = self.db.begin().await.ctx("starting a transaction")?;
        for record in others {
            counts += upsert_record(&tx, record, now.timestamp()).await?;
        }
        tx.commit().await.ctx("committing records")?;
        Ok(counts)
    }
}

/// Which of `chunk` are already stored, as (indicator key, source).
async fn existing_reputation(
    tx: &DatabaseTransaction,
    chunk: &[(String, &ReputationEntry)],
) -> Result<HashSet<(String, String)>> {
    let backend = tx.get_database_backend();
    let mut sql = Sql::new(
        backend,
        "SELECT indicator_key, source FROM reputation WHERE indicator_key IN ",
    );
    sql.bind_list(chunk.iter().map(|(k, _)| k.clone()));
    let rows = tx
        .query_all_raw(sql.build())
        .await
        .ctx("probing stored reputation entries")?;
    let mut found = HashSet::with_capacity(rows.len());
    for row in rows {
        let key: String = row.try_get_by_index(0).ctx("reading reputation keys")?;
        let source: String = row.try_get_by_index(1).ctx("reading reputation keys")?;
        found.insert((key, source));
    }
    Ok(found)
}

async fn upsert_record(tx: &DatabaseTransaction, record: &Record, ts: i64) -> Result<UpsertCounts> {
    let backend = tx.get_database_backend();
    let kind = record.kind().as_str();
    let source = record.source().to_owned();
    let key: String = record.key().chars().take(255).collect();
    let body = serde_json::to_string(record)
        .map_err(|e| Error::Corrupt(format!("cannot serialize record: {e}")))?;
    let title = record.title();
    let search = record.search_text();
    let observed = record.observed_at().map(|t| t.timestamp());

    let mut find = Sql::new(backend, "SELECT id, body FROM records WHERE kind = ");
    find.bind(kind)
        .push(" AND source = ")
        .bind(source.clone())
        .push(" AND record_key = ")
        .bind(key.clone());
    let existing = tx
        .query_one_raw(find.build())
        .await
        .ctx("looking up a record")?;
    let mut counts = UpsertCounts::default();
    let id: i64 = match existing {
        Some(row) => {
            let id: i64 = row.try_get_by_index(0).ctx("reading a record")?;
            let old_body: String = row.try_get_by_index(1).ctx("reading a record")?;
            let same = old_body == body;
            let mut up = Sql::new(backend, "UPDATE records SET last_seen = ");
            up.bind(ts).push(", sightings = sightings + 1");
            if same {
                counts.unchanged += 1;
            } else {
                counts.updated += 1;
                up.push(", title = ")
                    .bind(title)
                    .push(", body = ")
                    .bind(body)
                    .push(", search_text = ")
                    .bind(search);
                up.push(", observed_at = ").bind(observed);
            }
            up.push(" WHERE id = ").bind(id);
            tx.execute_raw(up.build()).await.ctx("updating a record")?;
            if same {
                return Ok(counts);
            }
            let mut del = Sql::new(backend, "DELETE FROM record_indicators WHERE record_id = ");
            del.bind(id);
            tx.execute_raw(del.build())
                .await
                .ctx("relinking a record")?;
            id
        }
        None => {
            counts.new += 1;
            let mut ins = Sql::new(
                backend,
                "INSERT INTO records (kind, source, record_key, title, body, search_text, observed_at, first_seen, \
                 last_seen, sightings) VALUES ",
            );
            ins.bind_list::<Value>([
                kind.into(),
                source.into(),
                key.into(),
                title.into(),
                body.into(),
                search.into(),
                observed.into(),
                ts.into(),
                ts.into(),
                1i64.into(),
            ]);
            if backend == DbBackend::MySql {
                let res = tx
                    .execute_raw(ins.build())
                    .await
                    .ctx("inserting a record")?;
                i64::try_from(res.last_insert_id())
                    .map_err(|_| Error::Corrupt("record id out of range".into()))?
            } else {
                ins.push(" RETURNING id");
                let row = tx
                    .query_one_raw(ins.build())
                    .await
                    .ctx("inserting a record")?;
                let row = row.ok_or_else(|| Error::Corrupt("insert returned no id".into()))?;
                row.try_get_by_index(0).ctx("reading a record id")?
            }
        }
    };
    let rows: Vec<IndicatorRow> = record.indicators().iter().map(IndicatorRow::of).collect();
    if rows.is_empty() {
        return Ok(counts);
    }
    insert_indicators(tx, &rows).await?;
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut link = Sql::new(
            backend,
            &insert_ignore(backend, "record_indicators (record_id, indicator_key)"),
        );
        for (n, r) in chunk.iter().enumerate() {
            if n > 0 {
                link.push(", ");
            }
            link.bind_list::<Value>([id.into(), r.key.clone().into()]);
        }
        link.push(&insert_ignore_tail(backend, "indicator_key, record_id"));
        tx.execute_raw(link.build())
            .await
            .ctx("linking a record to its indicators")?;
    }
    Ok(counts)
}
