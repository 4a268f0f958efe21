//! Keyword search across every record kind, newest first, with paging.

use chrono::{DateTime, Utc};
use exist_core::RecordKind;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::error::{Error, QueryContext, Result};
use crate::sql::{Sql, contains_pattern, from_unix, ilike, like_escape};
use crate::store::Store;

/// One search result.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// The record kind.
    pub kind: RecordKind,
    /// The source.
    pub source: String,
    /// The record's title (for reputation entries, the indicator).
    pub title: String,
    /// When it was last collected.
    pub last_seen: DateTime<Utc>,
}

/// A page of search results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    /// The hits of this page.
    pub hits: Vec<SearchHit>,
    /// Whether a next page exists.
    pub has_more: bool,
}

impl Store {
    /// Records whose text contains `query` (case-insensitive), newest first,
    /// skipping `offset` and returning at most `limit`.
    pub async fn search(&self, query: &str, limit: u64, offset: u64) -> Result<SearchPage> {
        let backend = self.backend();
        let pattern = contains_pattern(query.trim());
        let like = format!(" {} ", ilike(backend));
        let esc = like_escape(backend);
        let mut sql = Sql::new(
            backend,
            "SELECT kind, source, title, last_seen FROM (SELECT 'reputation' AS kind, s.name AS source, \
             i.value AS title, r.last_seen AS last_seen FROM reputation r JOIN indicators i ON \
             i.key_hi = r.key_hi AND i.key_lo = r.key_lo JOIN sources s ON s.id = r.source_id WHERE i.value",
        );
        sql.push(&like).bind(pattern.clone()).push(esc);
        sql.push(" OR r.description")
            .push(&like)
            .bind(pattern.clone())
            .push(esc);
        sql.push(" OR r.category")
            .push(&like)
            .bind(pattern.clone())
            .push(esc);
        sql.push(" UNION ALL SELECT kind, source, title, last_seen FROM records WHERE search_text");
        sql.push(&like).bind(pattern).push(esc);
        sql.push(&format!(
            ") hits ORDER BY last_seen DESC, title LIMIT {} OFFSET {offset}",
            limit.saturating_add(1)
        ));
        let rows = self.db.query_all_raw(sql.build()).await.ctx("searching")?;
        let mut hits = Vec::with_capacity(rows.len());
        for row in &rows {
            let kind: String = row.try_get_by_index(0).ctx("reading search hits")?;
            let last_seen: i64 = row.try_get_by_index(3).ctx("reading search hits")?;
            hits.push(SearchHit {
                kind: RecordKind::from_name(&kind)
                    .ok_or_else(|| Error::Corrupt(format!("unknown record kind {kind:?}")))?,
                source: row.try_get_by_index(1).ctx("reading search hits")?,
                title: row.try_get_by_index(2).ctx("reading search hits")?,
                last_seen: from_unix(last_seen),
            });
        }
        let has_more = hits.len() as u64 > limit;
        hits.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(SearchPage { hits, has_more })
    }
}
