//! Listing reputation entries with filters (source, indicator kind, time
//! window, text) and paging: the API's `/reputation` collection.

use chrono::{DateTime, Utc};
use exist_core::{Indicator, IndicatorKind};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::error::{QueryContext, Result};
use crate::lookup::indicator_of;
use crate::sql::{Sql, contains_pattern, from_unix, ilike, like_escape};
use crate::store::Store;

/// Filters of a listing; all optional.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this source.
    pub source: Option<String>,
    /// Only indicators of this kind.
    pub kind: Option<IndicatorKind>,
    /// Only entries last seen at or after.
    pub since: Option<DateTime<Utc>>,
    /// Only entries last seen before.
    pub until: Option<DateTime<Utc>>,
    /// Only entries whose indicator, category or description contains this.
    pub q: Option<String>,
}

/// One listed reputation entry.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReputationItem {
    /// The indicator.
    pub indicator: Indicator,
    /// The listing source.
    pub source: String,
    /// The source's category.
    pub category: Option<String>,
    /// The source's description.
    pub description: Option<String>,
    /// The source's reference URL.
    pub reference: Option<String>,
    /// When the source first listed it.
    pub first_seen: DateTime<Utc>,
    /// When the source last listed it.
    pub last_seen: DateTime<Utc>,
    /// How many collections saw it.
    pub sightings: u64,
}

/// A page of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Whether a next page exists.
    pub has_more: bool,
}

impl Store {
    /// Reputation entries matching `filter`, newest first, skipping `offset`.
    pub async fn reputation_page(
        &self,
        filter: &ListFilter,
        limit: u64,
        offset: u64,
    ) -> Result<Page<ReputationItem>> {
        let backend = self.backend();
        let mut sql = Sql::new(
            backend,
            "SELECT i.kind, i.value, i.display, s.name, r.category, r.description, r.reference, \
             r.first_seen, r.last_seen, r.sightings FROM reputation r \
             JOIN indicators i ON i.key_hi = r.key_hi AND i.key_lo = r.key_lo \
             JOIN sources s ON s.id = r.source_id WHERE 1 = 1",
        );
        if let Some(source) = &filter.source {
            sql.push(" AND s.name = ").bind(source.clone());
        }
        if let Some(kind) = filter.kind {
            sql.push(" AND i.kind = ").bind(kind.as_str().to_owned());
        }
        if let Some(since) = filter.since {
            sql.push(" AND r.last_seen >= ").bind(since.timestamp());
        }
        if let Some(until) = filter.until {
            sql.push(" AND r.last_seen < ").bind(until.timestamp());
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = contains_pattern(q);
            let like = format!(" {} ", ilike(backend));
            let esc = like_escape(backend);
            sql.push(" AND (i.value")
                .push(&like)
                .bind(pattern.clone())
                .push(esc);
            sql.push(" OR r.category")
                .push(&like)
                .bind(pattern.clone())
                .push(esc);
            sql.push(" OR r.description")
                .push(&like)
                .bind(pattern)
                .push(esc);
            sql.push(")");
        }
        sql.push(&format!(
            " ORDER BY r.last_seen DESC, i.value, s.name LIMIT {} OFFSET {offset}",
            limit + 1
        ));
        let rows = self
            .db
            .query_all_raw(sql.build())
            .await
            .ctx("listing reputation entries")?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows.iter().take(limit as usize) {
            let ctx = "listing reputation entries";
            let indicator = indicator_of(row, 0)?;
            let sightings: i64 = row.try_get_by_index(9).ctx(ctx)?;
            items.push(ReputationItem {
                indicator,
                source: row.try_get_by_index(3).ctx(ctx)?,
                category: row.try_get_by_index(4).ctx(ctx)?,
                description: row.try_get_by_index(5).ctx(ctx)?,
                reference: row.try_get_by_index(6).ctx(ctx)?,
                first_seen: from_unix(row.try_get_by_index(7).ctx(ctx)?),
                last_seen: from_unix(row.try_get_by_index(8).ctx(ctx)?),
                sightings: u64::try_from(sightings).unwrap_or(0),
            });
        }
        Ok(Page {
            has_more: rows.len() as u64 > limit,
            items,
        })
    }
}

/// One listed record (threat event, post, exploit, vulnerability, news item).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordItem {
    /// The source.
    pub source: String,
    /// The record's natural key (event UUID, post id, CVE, URL).
    pub key: String,
    /// Its title.
    pub title: String,
    /// When the source says it happened.
    pub observed_at: Option<DateTime<Utc>>,
    /// When it was first collected.
    pub first_seen: DateTime<Utc>,
    /// When it was last collected.
    pub last_seen: DateTime<Utc>,
    /// How many collections saw it.
    pub sightings: u64,
    /// The record itself.
    pub record: exist_core::Record,
}

impl Store {
    /// Records of `kind` matching `filter` (`kind` of the filter is the kind
    /// of an indicator they mention and is not applied here), newest first.
    pub async fn records_page(
        &self,
        kind: exist_core::RecordKind,
        filter: &ListFilter,
        limit: u64,
        offset: u64,
    ) -> Result<Page<RecordItem>> {
        let backend = self.backend();
        let mut sql = Sql::new(backend, RECORD_SELECT);
        sql.bind(kind.as_str().to_owned());
        if let Some(source) = &filter.source {
            sql.push(" AND source = ").bind(source.clone());
        }
        if let Some(since) = filter.since {
            sql.push(" AND last_seen >= ").bind(since.timestamp());
        }
        if let Some(until) = filter.until {
            sql.push(" AND last_seen < ").bind(until.timestamp());
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            sql.push(" AND search_text")
                .push(&format!(" {} ", ilike(backend)))
                .bind(contains_pattern(q))
                .push(like_escape(backend));
        }
        sql.push(&format!(
            " ORDER BY last_seen DESC, id DESC LIMIT {} OFFSET {offset}",
            limit + 1
        ));
        let ctx = "listing records";
        let rows = self.db.query_all_raw(sql.build()).await.ctx(ctx)?;
        let items = rows
            .iter()
            .take(limit as usize)
            .map(record_item)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            has_more: rows.len() as u64 > limit,
            items,
        })
    }
}

impl Store {
    /// The records of `kind` with natural key `key` (one per source that has
    /// it), newest first.
    pub async fn records_by_key(
        &self,
        kind: exist_core::RecordKind,
        key: &str,
    ) -> Result<Vec<RecordItem>> {
        let mut sql = Sql::new(self.backend(), RECORD_SELECT);
        sql.bind(kind.as_str().to_owned())
            .push(" AND record_key = ")
            .bind(key.to_owned())
            .push(" ORDER BY last_seen DESC, id DESC LIMIT 100");
        let ctx = "reading a record";
        let rows = self.db.query_all_raw(sql.build()).await.ctx(ctx)?;
        rows.iter().map(record_item).collect()
    }
}

/// The columns [`record_item`] reads, up to the record kind's placeholder.
const RECORD_SELECT: &str = "SELECT source, record_key, title, observed_at, first_seen, \
     last_seen, sightings, body FROM records WHERE kind = ";

/// A [`RecordItem`] from a row of [`RECORD_SELECT`].
fn record_item(row: &sea_orm::QueryResult) -> Result<RecordItem> {
    let ctx = "reading records";
    let body: String = row.try_get_by_index(7).ctx(ctx)?;
    let record = serde_json::from_str(&body)
        .map_err(|e| crate::error::Error::Corrupt(format!("stored record: {e}")))?;
    let observed: Option<i64> = row.try_get_by_index(3).ctx(ctx)?;
    let sightings: i64 = row.try_get_by_index(6).ctx(ctx)?;
    Ok(RecordItem {
        source: row.try_get_by_index(0).ctx(ctx)?,
        key: row.try_get_by_index(1).ctx(ctx)?,
        title: row.try_get_by_index(2).ctx(ctx)?,
        observed_at: observed.map(from_unix),
        first_seen: from_unix(row.try_get_by_index(4).ctx(ctx)?),
        last_seen: from_unix(row.try_get_by_index(5).ctx(ctx)?),
        sightings: u64::try_from(sightings).unwrap_or(0),
        record,
    })
}
