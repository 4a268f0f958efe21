//! The read path analysts use most: "what is known about X?".
//!
//! Every step is an index probe: the exact indicator key; for an IP, the keys of
//! every network that could contain it (33 or 129 keys, not a range scan over
//! all networks); for a domain, the host-key range of its subdomains and of URLs
//! and addresses on it; for an IP, the URLs on it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use exist_core::{Indicator, IndicatorKind, Record, RecordKind};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use serde::Serialize;

use crate::error::{Error, QueryContext, Result};
use crate::keys::{
    IndicatorKey, containing_network_keys, domain_range, indicator_key, ip_host_key,
};
use crate::sql::{Sql, from_unix};
use crate::store::Store;

/// How many related indicators (subdomains, URLs on a host) a lookup follows.
pub const LOOKUP_RELATED_LIMIT: usize = 1000;

/// How a stored indicator relates to the one looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Relation {
    /// The indicator itself.
    Exact,
    /// A subdomain of the domain looked up.
    Subdomain,
    /// A URL or e-mail address on the domain or IP looked up.
    OnHost,
    /// A network containing the IP looked up.
    InNetwork,
}

/// A reputation entry that mentions the indicator.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReputationHit {
    /// The stored indicator that matched.
    pub matched: Indicator,
    /// How it relates to the one looked up.
    pub relation: Relation,
    /// The listing source.
    pub source: String,
    /// The source's category.
    pub category: Option<String>,
    /// The source's description.
    pub description: Option<String>,
    /// The source's reference URL.
    pub reference: Option<String>,
    /// When this source first listed it.
    pub first_seen: DateTime<Utc>,
    /// When this source last listed it.
    pub last_seen: DateTime<Utc>,
    /// How many collections saw it.
    pub sightings: u64,
}

/// Another record that mentions the indicator.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordHit {
    /// The stored indicator that matched.
    pub matched: Indicator,
    /// How it relates to the one looked up.
    pub relation: Relation,
    /// The record kind.
    pub kind: RecordKind,
    /// The source.
    pub source: String,
    /// The record's natural key.
    pub key: String,
    /// The record's title.
    pub title: String,
    /// When it was first collected.
    pub first_seen: DateTime<Utc>,
    /// When it was last collected.
    pub last_seen: DateTime<Utc>,
    /// How many collections saw it.
    pub sightings: u64,
    /// The record itself.
    pub record: Record,
}

/// Everything stored about one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Lookup {
    /// The indicator looked up.
    pub indicator: Indicator,
    /// Reputation entries, exact matches first.
    pub reputation: Vec<ReputationHit>,
    /// Other records, exact matches first.
    pub records: Vec<RecordHit>,
    /// True when more than [`LOOKUP_RELATED_LIMIT`] related indicators existed
    /// and only that many were followed.
    pub truncated: bool,
}

/// The hits of one record kind from one source, with their span of time.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookupGroup {
    /// The record kind.
    pub kind: RecordKind,
    /// The source.
    pub source: String,
    /// Earliest first_seen of the group's hits.
    pub first_seen: DateTime<Utc>,
    /// Latest last_seen of the group's hits.
    pub last_seen: DateTime<Utc>,
    /// Sightings of all the group's hits.
    pub sightings: u64,
    /// Reputation hits (for kind `reputation`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reputation: Vec<ReputationHit>,
    /// Record hits (other kinds).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordHit>,
}

impl Lookup {
    /// True when nothing is stored about the indicator.
    pub fn is_empty(&self) -> bool {
        self.reputation.is_empty() && self.records.is_empty()
    }

    /// The hits grouped by record kind and source, in kind then source order.
    pub fn groups(&self) -> Vec<LookupGroup> {
        let mut groups: std::collections::BTreeMap<(RecordKind, String), LookupGroup> =
            Default::default();
        let mut group =
            |kind: RecordKind, source: &str, first: DateTime<Utc>, last: DateTime<Utc>, n: u64| {
                let g = groups
                    .entry((kind, source.to_owned()))
                    .or_insert_with(|| LookupGroup {
                        kind,
                        source: source.to_owned(),
                        first_seen: first,
                        last_seen: last,
                        sightings: 0,
                        reputation: Vec::new(),
                        records: Vec::new(),
                    });
                g.first_seen = g.first_seen.min(first);
                g.last_seen = g.last_seen.max(last);
                g.sightings += n;
                (kind, source.to_owned())
            };
        let mut rep_keys = Vec::new();
        for h in &self.reputation {
            rep_keys.push((
                group(
                    RecordKind::Reputation,
                    &h.source,
                    h.first_seen,
                    h.last_seen,
                    h.sightings,
                ),
                h,
            ));
        }
        let mut rec_keys = Vec::new();
        for h in &self.records {
            rec_keys.push((
                group(h.kind, &h.source, h.first_seen, h.last_seen, h.sightings),
                h,
            ));
        }
        for (k, h) in rep_keys {
            if let Some(g) = groups.get_mut(&k) {
                g.reputation.push(h.clone());
            }
        }
        for (k, h) in rec_keys {
            if let Some(g) = groups.get_mut(&k) {
                g.records.push(h.clone());
            }
        }
        groups.into_values().collect()
    }
}

pub(crate) fn indicator_of(row: &QueryResult, at: usize) -> Result<Indicator> {
    let kind: String = row.try_get_by_index(at).ctx("reading an indicator")?;
    let value: String = row.try_get_by_index(at + 1).ctx("reading an indicator")?;
    let display: Option<String> = row.try_get_by_index(at + 2).ctx("reading an indicator")?;
    let kind: IndicatorKind = kind
        .parse()
        .map_err(|_| Error::Corrupt(format!("unknown indicator kind {kind:?}")))?;
    Ok(Indicator::from_canonical(kind, value, display))
}

/// Keys per `IN (…)` list.
const PROBE_CHUNK: usize = 500;

impl Store {
    /// Runs `select … IN (values)` in chunks. Every lookup query is a probe of
    /// one table by its key: no joins, so no planner (PostgreSQL's generic plans
    /// with stale statistics, notably) can turn a lookup into a table scan.
    async fn probe<V: Into<Value> + Clone>(
        &self,
        select: &str,
        values: &[V],
        what: &'static str,
    ) -> Result<Vec<QueryResult>> {
        let mut rows = Vec::new();
        for chunk in values.chunks(PROBE_CHUNK) {
            let mut sql = Sql::new(self.backend(), select);
            sql.bind_list(chunk.iter().cloned());
            rows.extend(self.db.query_all_raw(sql.build()).await.ctx(what)?);
        }
        Ok(rows)
    }

    /// Everything stored that mentions `indicator`, grouped as reputation
    /// entries and other records.
    ///
    /// At most three round trips, each one statement whose `UNION ALL`
    /// branches are single-table key probes: (1) the host-key range, and the
    /// entries, record links and stored forms of the indicator and its
    /// networks; (2) only when the range found related indicators, their
    /// entries and links; (3) only when there are links, the records.
    pub async fn lookup(&self, indicator: &Indicator) -> Result<Lookup> {
        let mut relation: HashMap<IndicatorKey, Relation> = HashMap::new();
        relation.insert(
            indicator_key(indicator.kind(), indicator.value()),
            Relation::Exact,
        );
        for k in containing_network_keys(indicator) {
            relation.insert(k, Relation::InNetwork);
        }
        let his: Vec<i64> = relation.keys().map(|k| k.hi).collect();
        let first = self.probe_round(&his, host_range(indicator), true).await?;

        let mut known: HashMap<IndicatorKey, Indicator> = HashMap::new();
        let mut related_his = Vec::new();
        let mut related = 0;
        for row in &first {
            let tag: String = row.try_get_by_index(0).ctx("reading a lookup")?;
            let key = key_of_at(row, 1)?;
            match tag.as_str() {
                "i" if relation.contains_key(&key) => {
                    known.insert(key, indicator_of(row, 4)?);
                }
                "h" => {
                    related += 1;
                    if related > LOOKUP_RELATED_LIMIT {
                        continue; // the range returns one row more than it follows
                    }
                    let found = indicator_of(row, 4)?;
                    if let std::collections::hash_map::Entry::Vacant(slot) = relation.entry(key) {
                        let rel = if found.kind() == IndicatorKind::Domain {
                            Relation::Subdomain
                        } else {
                            Relation::OnHost
                        };
                        slot.insert(rel);
                        related_his.push(key.hi);
                    }
                    known.entry(key).or_insert(found);
                }
                _ => {}
            }
        }
        let truncated = related > LOOKUP_RELATED_LIMIT;
        let second = if related_his.is_empty() {
            Vec::new()
        } else {
            self.probe_round(&related_his, None, false).await?
        };

        // Probes went by the leading key column: keep rows whose full key matched.
        let matched = |key: &IndicatorKey| -> Option<(Indicator, Relation)> {
            Some((known.get(key)?.clone(), *relation.get(key)?))
        };
        let mut links: HashMap<i64, Vec<IndicatorKey>> = HashMap::new();
        let mut entries = Vec::new();
        for row in first.iter().chain(&second) {
            let tag: String = row.try_get_by_index(0).ctx("reading a lookup")?;
            let key = key_of_at(row, 1)?;
            if !known.contains_key(&key) {
                continue;
            }
            match tag.as_str() {
                "l" => links
                    .entry(row.try_get_by_index(3).ctx("reading record links")?)
                    .or_default()
                    .push(key),
                "r" => entries.push((key, row)),
                _ => {}
            }
        }
        let records = self.records_for(&links, &matched).await?;

        let mut source_ids = Vec::with_capacity(entries.len());
        for (_, row) in &entries {
            source_ids.push(row.try_get_by_index::<i64>(3).ctx("reading reputation")?);
        }
        let names = if entries.is_empty() {
            HashMap::new()
        } else {
            self.source_names_of(&source_ids).await?
        };
        let mut reputation = Vec::new();
        for ((key, row), source_id) in entries.into_iter().zip(source_ids) {
            let Some((matched, relation)) = matched(&key) else {
                continue;
            };
            let sightings: i64 = row.try_get_by_index(9).ctx("reading reputation")?;
            reputation.push(ReputationHit {
                matched,
                relation,
                source: names
                    .get(&source_id)
                    .cloned()
                    .unwrap_or_else(|| format!("source#{source_id}")),
                category: row.try_get_by_index(4).ctx("reading reputation")?,
                description: row.try_get_by_index(5).ctx("reading reputation")?,
                reference: row.try_get_by_index(6).ctx("reading reputation")?,
                first_seen: from_unix(row.try_get_by_index(7).ctx("reading reputation")?),
                last_seen: from_unix(row.try_get_by_index(8).ctx("reading reputation")?),
                sightings: u64::try_from(sightings).unwrap_or(0),
            });
        }
        reputation.sort_by(|a, b| {
            (a.relation, &a.source, a.matched.value()).cmp(&(
                b.relation,
                &b.source,
                b.matched.value(),
            ))
        });
        Ok(Lookup {
            indicator: indicator.clone(),
            reputation,
            records,
            truncated,
        })
    }

    /// One round trip: entries (`r`) and record links (`l`) of keys whose high
    /// halves are `his`, their stored forms (`i`) when `with_forms`, and the
    /// indicators on a host-key range (`h`). Every row has the shape
    /// (tag, key_hi, key_lo, n, t1, t2, t3, n2, n3, n4).
    async fn probe_round(
        &self,
        his: &[i64],
        range: Option<(String, String)>,
        with_forms: bool,
    ) -> Result<Vec<QueryResult>> {
        let mut sql = Sql::new(
            self.backend(),
            "SELECT 'r' AS tag, key_hi, key_lo, source_id AS n, category AS t1, description AS t2, \
             reference AS t3, first_seen AS n2, last_seen AS n3, sightings AS n4 FROM reputation WHERE key_hi IN ",
        );
        sql.bind_list(his.iter().copied());
        sql.push(
            " UNION ALL SELECT 'l', key_hi, key_lo, record_id, NULL, NULL, NULL, NULL, NULL, NULL \
             FROM record_indicators WHERE key_hi IN ",
        );
        sql.bind_list(his.iter().copied());
        if with_forms {
            sql.push(
                " UNION ALL SELECT 'i', key_hi, key_lo, NULL, kind, value, display, NULL, NULL, NULL \
                 FROM indicators WHERE key_hi IN ",
            );
            sql.bind_list(his.iter().copied());
        }
        if let Some((from, to)) = range {
            // Inside a subquery PostgreSQL types a bare NULL as text: cast it.
            let int = if self.backend() == sea_orm::DbBackend::MySql {
                "SIGNED"
            } else {
                "BIGINT"
            };
            sql.push(&format!(
                " UNION ALL SELECT * FROM (SELECT 'h' AS tag, key_hi, key_lo, CAST(NULL AS {int}) AS n, kind, \
                 value, display, CAST(NULL AS {int}) AS n2, CAST(NULL AS {int}) AS n3, CAST(NULL AS {int}) AS n4 \
                 FROM indicators WHERE "
            ));
            if from == to {
                sql.push("host_key = ").bind(from);
            } else {
                sql.push("host_key >= ")
                    .bind(from)
                    .push(" AND host_key < ")
                    .bind(to);
            }
            sql.push(&format!(" LIMIT {}) related", LOOKUP_RELATED_LIMIT + 1));
        }
        self.db.query_all_raw(sql.build()).await.ctx("looking up")
    }

    /// The records behind `links` (record id → matched keys), one hit per
    /// matched key.
    async fn records_for(
        &self,
        links: &HashMap<i64, Vec<IndicatorKey>>,
        matched: &impl Fn(&IndicatorKey) -> Option<(Indicator, Relation)>,
    ) -> Result<Vec<RecordHit>> {
        let ids: Vec<i64> = links.keys().copied().collect();
        let sql = "SELECT id, kind, source, record_key, title, body, first_seen, last_seen, sightings \
                   FROM records WHERE id IN ";
        let mut records = Vec::new();
        for row in self.probe(sql, &ids, "looking up records").await? {
            let id: i64 = row.try_get_by_index(0).ctx("reading records")?;
            let kind: String = row.try_get_by_index(1).ctx("reading records")?;
            let body: String = row.try_get_by_index(5).ctx("reading records")?;
            let sightings: i64 = row.try_get_by_index(8).ctx("reading records")?;
            let record: Record = serde_json::from_str(&body)
                .map_err(|e| Error::Corrupt(format!("record body is not valid JSON: {e}")))?;
            let kind = RecordKind::from_name(&kind)
                .ok_or_else(|| Error::Corrupt(format!("unknown record kind {kind:?}")))?;
            for key in links.get(&id).into_iter().flatten() {
                let Some((matched, relation)) = matched(key) else {
                    continue;
                };
                records.push(RecordHit {
                    matched,
                    relation,
                    kind,
                    source: row.try_get_by_index(2).ctx("reading records")?,
                    key: row.try_get_by_index(3).ctx("reading records")?,
                    title: row.try_get_by_index(4).ctx("reading records")?,
                    first_seen: from_unix(row.try_get_by_index(6).ctx("reading records")?),
                    last_seen: from_unix(row.try_get_by_index(7).ctx("reading records")?),
                    sightings: u64::try_from(sightings).unwrap_or(0),
                    record: record.clone(),
                });
            }
        }
        records.sort_by(|a, b| {
            (a.relation, a.kind, &a.source, &a.key).cmp(&(b.relation, b.kind, &b.source, &b.key))
        });
        Ok(records)
    }
}

/// The indicator key in columns `at` and `at + 1` of `row`.
fn key_of_at(row: &QueryResult, at: usize) -> Result<IndicatorKey> {
    Ok(IndicatorKey {
        hi: row.try_get_by_index(at).ctx("reading an indicator key")?,
        lo: row
            .try_get_by_index(at + 1)
            .ctx("reading an indicator key")?,
    })
}

/// The host-key range holding what is on a domain or an IP address.
fn host_range(indicator: &Indicator) -> Option<(String, String)> {
    match indicator.kind() {
        IndicatorKind::Domain => Some(domain_range(indicator.value())),
        IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => {
            let k = ip_host_key(indicator.value());
            Some((k.clone(), k))
        }
        _ => None,
    }
}
