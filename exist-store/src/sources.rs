//! Source names ↔ small integer ids: a reputation row carries 8 bytes for its
//! source instead of the name, and the id map is cached per store.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use crate::error::{Error, QueryContext, Result};
use crate::sql::{Sql, insert_ignore, insert_ignore_tail};
use crate::store::Store;

impl Store {
    /// The id of source `name`, created on first use.
    pub(crate) async fn source_id(&self, name: &str) -> Result<i64> {
        if let Some(id) = self.cached_source(name) {
            return Ok(id);
        }
        let backend = self.backend();
        let mut ins = Sql::new(backend, &insert_ignore(backend, "sources (name)"));
        ins.bind_list([name.to_owned()])
            .push(&insert_ignore_tail(backend, "name"));
        self.db
            .execute_raw(ins.build())
            .await
            .ctx("registering a source")?;
        let mut sel = Sql::new(backend, "SELECT id FROM sources WHERE name = ");
        sel.bind(name.to_owned());
        let row = self
            .db
            .query_one_raw(sel.build())
            .await
            .ctx("reading a source id")?;
        let id: i64 = row
            .ok_or_else(|| Error::Corrupt(format!("source {name:?} vanished")))?
            .try_get_by_index(0)
            .ctx("reading a source id")?;
        self.cache_sources([(name.to_owned(), id)]);
        Ok(id)
    }

    /// Every source's name by id (the table holds one row per source, so it is
    /// read whole).
    pub(crate) async fn source_names(&self) -> Result<HashMap<i64, String>> {
        let rows = self
            .db
            .query_all_raw(Sql::new(self.backend(), "SELECT id, name FROM sources").build())
            .await
            .ctx("reading sources")?;
        let mut names = HashMap::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get_by_index(0).ctx("reading sources")?;
            let name: String = row.try_get_by_index(1).ctx("reading sources")?;
            names.insert(id, name);
        }
        self.cache_sources(names.iter().map(|(id, n)| (n.clone(), *id)));
        Ok(names)
    }

    /// Names of the source ids in `ids`, from the cache when it knows them all.
    pub(crate) async fn source_names_of(&self, ids: &[i64]) -> Result<HashMap<i64, String>> {
        if let Ok(map) = self.source_ids.lock() {
            let by_id: HashMap<i64, String> = map.iter().map(|(n, id)| (*id, n.clone())).collect();
            if ids.iter().all(|id| by_id.contains_key(id)) {
                return Ok(by_id);
            }
        }
        self.source_names().await
    }

    fn cached_source(&self, name: &str) -> Option<i64> {
        self.source_ids.lock().ok()?.get(name).copied()
    }

    fn cache_sources(&self, pairs: impl IntoIterator<Item = (String, i64)>) {
        if let Ok(mut map) = self.source_ids.lock() {
            map.extend(pairs);
        }
    }
}
