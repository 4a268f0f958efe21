//! The enrichment cache: an enricher's last answer for an indicator, read
//! back while it is younger than the enricher's TTL, so repeated lookups (and
//! free-tier rate limits) are spared.

use chrono::{DateTime, Utc};
use exist_core::Indicator;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::error::{Error, QueryContext, Result};
use crate::keys::indicator_key;
use crate::sql::{Sql, from_unix};
use crate::store::Store;

impl Store {
    /// The cached answer of `enricher` for `indicator`, if fetched after `since`.
    pub async fn cached_enrichment(
        &self,
        enricher: &str,
        indicator: &Indicator,
        since: DateTime<Utc>,
    ) -> Result<Option<(DateTime<Utc>, serde_json::Value)>> {
        let key = indicator_key(indicator.kind(), indicator.value());
        let mut sql = Sql::new(
            self.backend(),
            "SELECT fetched_at, data FROM enrichment_cache WHERE enricher = ",
        );
        sql.bind(enricher.to_owned())
            .push(" AND key_hi = ")
            .bind(key.hi)
            .push(" AND key_lo = ")
            .bind(key.lo)
            .push(" AND fetched_at >= ")
            .bind(since.timestamp());
        let Some(row) = self
            .db
            .query_one_raw(sql.build())
            .await
            .ctx("reading the enrichment cache")?
        else {
            return Ok(None);
        };
        let at: i64 = row
            .try_get_by_index(0)
            .ctx("reading the enrichment cache")?;
        let data: String = row
            .try_get_by_index(1)
            .ctx("reading the enrichment cache")?;
        let data = serde_json::from_str(&data)
            .map_err(|e| Error::Corrupt(format!("cached {enricher} answer: {e}")))?;
        Ok(Some((from_unix(at), data)))
    }

    /// Caches `data` as `enricher`'s answer for `indicator`, fetched at `at`.
    pub async fn save_enrichment(
        &self,
        enricher: &str,
        indicator: &Indicator,
        at: DateTime<Utc>,
        data: &serde_json::Value,
    ) -> Result<()> {
        let key = indicator_key(indicator.kind(), indicator.value());
        let json = data.to_string();
        let mut del = Sql::new(
            self.backend(),
            "DELETE FROM enrichment_cache WHERE enricher = ",
        );
        del.bind(enricher.to_owned())
            .push(" AND key_hi = ")
            .bind(key.hi)
            .push(" AND key_lo = ")
            .bind(key.lo);
        let mut ins = Sql::new(
            self.backend(),
            "INSERT INTO enrichment_cache (enricher, key_hi, key_lo, fetched_at, data) VALUES (",
        );
        ins.bind(enricher.to_owned());
        ins.push(", ").bind(key.hi);
        ins.push(", ").bind(key.lo);
        ins.push(", ").bind(at.timestamp());
        ins.push(", ").bind(json);
        ins.push(")");
        let tx = self.db.begin().await.ctx("starting a transaction")?;
        tx.execute_raw(del.build())
            .await
            .ctx("writing the enrichment cache")?;
        tx.execute_raw(ins.build())
            .await
            .ctx("writing the enrichment cache")?;
        tx.commit().await.ctx("writing the enrichment cache")?;
        Ok(())
    }
}
