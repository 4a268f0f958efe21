//! The write path: reputation entries in bulk, other records one by one, each
//! call in one transaction.
//!
//! Reputation feeds are the volume (a million lines is an ordinary blocklist),
//! so their path is two multi-row statements per 1,000 entries: insert-or-ignore
//! the indicators, upsert the entries. Rows are sorted by key first, so
//! consecutive inserts land on neighbouring B-tree pages. Whether an entry was
//! new comes back from the upsert itself (`RETURNING sightings`, or MySQL's
//! affected-row count), not from an extra probe. Everything else (events, posts,
//! advisories) comes in thousands and goes through the ordinary per-record path.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use exist_core::{Indicator, Mentions, Record, ReputationEntry};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, TransactionTrait, Value};
use serde::Serialize;

use crate::error::{Error, QueryContext, Result};
use crate::keys::{IndicatorKey, host_key, indicator_key};
use crate::sql::{Sql, insert_ignore, insert_ignore_tail};
use crate::sqlite_bulk::BulkRow;
use crate::store::Store;

/// Rows per multi-row statement: 9,000 parameters, well under every backend's
/// limit (SQLite 32,766; PostgreSQL and MySQL 65,535).
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

fn indicator_values(key: IndicatorKey, i: &Indicator) -> [Value; 6] {
    [
        key.hi.into(),
        key.lo.into(),
        i.kind().as_str().into(),
        i.value().into(),
        i.unicode().map(str::to_owned).into(),
        host_key(i).into(),
    ]
}

/// Inserts the indicators not stored yet; `rows` must hold no duplicate keys.
async fn insert_indicators(
    tx: &DatabaseTransaction,
    rows: &[(IndicatorKey, &Indicator)],
) -> Result<()> {
    let backend = tx.get_database_backend();
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut sql = Sql::new(
            backend,
            &insert_ignore(
                backend,
                "indicators (key_hi, key_lo, kind, value, display, host_key)",
            ),
        );
        for (n, (key, i)) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind_list(indicator_values(*key, i));
        }
        sql.push(&insert_ignore_tail(backend, "key_hi, key_lo"));
        tx.execute_raw(sql.build())
            .await
            .ctx("inserting indicators")?;
    }
    Ok(())
}

const REPUTATION_UPSERT_SQLITE_PG: &str = " ON CONFLICT (key_hi, key_lo, source_id) DO UPDATE SET \
     last_seen = excluded.last_seen, sightings = reputation.sightings + 1, \
     category = COALESCE(excluded.category, reputation.category), \
     description = COALESCE(excluded.description, reputation.description), \
     reference = COALESCE(excluded.reference, reputation.reference) RETURNING sightings";

const REPUTATION_UPSERT_MYSQL: &str = " ON DUPLICATE KEY UPDATE last_seen = VALUES(last_seen), \
     sightings = sightings + 1, category = COALESCE(VALUES(category), category), \
     description = COALESCE(VALUES(description), description), \
     reference = COALESCE(VALUES(reference), reference)";

impl Store {
    /// Stores reputation entries: new ones are inserted, known ones (same
    /// indicator and source) get `last_seen = now`, one more sighting, and the
    /// newest category/description/reference. Entries repeated within `entries`
    /// count once (the last one wins). One transaction for the whole call.
    pub async fn upsert_reputation(
        &self,
        entries: &[ReputationEntry],
        now: DateTime<Utc>,
    ) -> Result<UpsertCounts> {
        let mut source_ids: HashMap<&str, i64> = HashMap::new();
        for e in entries {
            if !source_ids.contains_key(e.source.as_str()) {
                source_ids.insert(&e.source, self.source_id(&e.source).await?);
            }
        }
        let mut rows: HashMap<(IndicatorKey, i64), &ReputationEntry> =
            HashMap::with_capacity(entries.len());
        for e in entries {
            let key = indicator_key(e.indicator.kind(), e.indicator.value());
            rows.insert((key, source_ids[e.source.as_str()]), e);
        }
        let mut rows: Vec<((IndicatorKey, i64), &ReputationEntry)> = rows.into_iter().collect();
        rows.sort_unstable_by_key(|(k, _)| *k);
        if let Some(bulk) = self.sqlite_bulk.clone() {
            let ts = now.timestamp();
            let rows: Vec<BulkRow> = rows
                .iter()
                .map(|((key, source_id), e)| BulkRow {
                    key: *key,
                    source_id: *source_id,
                    kind: e.indicator.kind().as_str(),
                    value: e.indicator.value().to_owned(),
                    display: e.indicator.unicode().map(str::to_owned),
                    host_key: host_key(&e.indicator),
                    category: e.category.clone(),
                    description: e.description.clone(),
                    reference: e.reference.clone(),
                    first_seen: e.seen_at.map_or(ts, |s| s.timestamp().min(ts)),
                })
                .collect();
            let (new, updated) = tokio::task::spawn_blocking(move || bulk.upsert(&rows, ts))
                .await
                .map_err(|e| Error::Corrupt(format!("bulk writer stopped: {e}")))??;
            return Ok(UpsertCounts {
                new,
                updated,
                unchanged: 0,
            });
        }
        let mut indicators: Vec<(IndicatorKey, &Indicator)> =
            rows.iter().map(|((k, _), e)| (*k, &e.indicator)).collect();
        indicators.dedup_by_key(|(k, _)| *k);
        let tx = self.db.begin().await.ctx("starting a transaction")?;
        let backend = tx.get_database_backend();
        insert_indicators(&tx, &indicators).await?;
        let ts = now.timestamp();
        let mut counts = UpsertCounts::default();
        for chunk in rows.chunks(BATCH_ROWS) {
            let mut sql = Sql::new(
                backend,
                "INSERT INTO reputation (key_hi, key_lo, source_id, category, description, reference, first_seen, \
                 last_seen, sightings) VALUES ",
            );
            for (n, ((key, source), e)) in chunk.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                let first = e.seen_at.map_or(ts, |s| s.timestamp().min(ts));
                sql.bind_list::<Value>([
                    key.hi.into(),
                    key.lo.into(),
                    (*source).into(),
                    e.category.clone().into(),
                    e.description.clone().into(),
                    e.reference.clone().into(),
                    first.into(),
                    ts.into(),
                    1i64.into(),
                ]);
            }
            let n = chunk.len() as u64;
            let new = if backend == DbBackend::MySql {
                sql.push(REPUTATION_UPSERT_MYSQL);
                // An insert counts 1 affected row, an update (always a change:
                // sightings grows) counts 2.
                let affected = tx
                    .execute_raw(sql.build())
                    .await
                    .ctx("upserting reputation entries")?
                    .rows_affected();
                (2 * n).saturating_sub(affected)
            } else {
                sql.push(REPUTATION_UPSERT_SQLITE_PG);
                let returned = tx
                    .query_all_raw(sql.build())
                    .await
                    .ctx("upserting reputation entries")?;
                let mut new = 0;
                for row in returned {
                    let sightings: i64 = row.try_get_by_index(0).ctx("reading upsert results")?;
                    new += u64::from(sightings == 1);
                }
                new
            };
            counts.new += new;
            counts.updated += n - new;
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
        self.upsert_owned(records.to_vec(), now).await
    }

    /// [`Store::upsert_records`] of records it may consume (the pipeline's
    /// batches), sparing a copy of every entry.
    pub(crate) async fn upsert_owned(
        &self,
        records: Vec<Record>,
        now: DateTime<Utc>,
    ) -> Result<UpsertCounts> {
        let mut reputation = Vec::with_capacity(records.len());
        let mut others = Vec::new();
        for r in records {
            match r {
                Record::Reputation(e) => reputation.push(e),
                other => others.push(other),
            }
        }
        let mut counts = UpsertCounts::default();
        if !reputation.is_empty() {
            counts += self.upsert_reputation(&reputation, now).await?;
        }
        if others.is_empty() {
            return Ok(counts);
        }
        let tx = self.db.begin().await.ctx("starting a transaction")?;
        for record in &others {
            counts += upsert_record(&tx, record, now.timestamp()).await?;
        }
        tx.commit().await.ctx("committing records")?;
        Ok(counts)
    }
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
    let mentioned = record.indicators();
    if mentioned.is_empty() {
        return Ok(counts);
    }
    let mut keyed: Vec<(IndicatorKey, &Indicator)> = mentioned
        .iter()
        .map(|i| (indicator_key(i.kind(), i.value()), i))
        .collect();
    keyed.sort_unstable_by_key(|(k, _)| *k);
    keyed.dedup_by_key(|(k, _)| *k);
    insert_indicators(tx, &keyed).await?;
    for chunk in keyed.chunks(BATCH_ROWS) {
        let mut link = Sql::new(
            backend,
            &insert_ignore(backend, "record_indicators (key_hi, key_lo, record_id)"),
        );
        for (n, (k, _)) in chunk.iter().enumerate() {
            if n > 0 {
                link.push(", ");
            }
            link.bind_list::<Value>([k.hi.into(), k.lo.into(), id.into()]);
        }
        link.push(&insert_ignore_tail(backend, "key_hi, key_lo, record_id"));
        tx.execute_raw(link.build())
            .await
            .ctx("linking a record to its indicators")?;
    }
    Ok(counts)
}
