//! The SQLite bulk writer: reputation entries written through one rusqlite
//! connection with cached single-row prepared statements.
//!
//! sqlx runs SQLite on a worker thread and hands it every statement and every
//! bound value through a channel; for multi-row statements of thousands of
//! values that costs ~10 µs per entry, a third of the time budget of a
//! 300k-entries/s import. Here a blocking task owns the connection and steps
//! the same two prepared statements per entry inside one transaction per
//! batch. It uses the same bundled SQLite (libsqlite3-sys) as sqlx and the
//! same file; WAL lets the sqlx pool keep reading meanwhile. In-memory
//! databases (one per connection) keep the sqlx path.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

use crate::error::{Error, Result};
use crate::keys::IndicatorKey;

/// One reputation entry, ready to write.
pub(crate) struct BulkRow {
    pub key: IndicatorKey,
    pub source_id: i64,
    pub kind: &'static str,
    pub value: String,
    pub display: Option<String>,
    pub host_key: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub reference: Option<String>,
    pub first_seen: i64,
}

/// A lazily opened write connection to a SQLite file.
pub(crate) struct SqliteBulk {
    path: PathBuf,
    conn: Mutex<Option<Connection>>,
}

fn sqlite_err(what: &'static str) -> impl FnOnce(rusqlite::Error) -> Error {
    move |source| Error::Sqlite { what, source }
}

const INSERT_INDICATOR: &str = "INSERT INTO indicators (key_hi, key_lo, kind, value, display, host_key) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key_hi, key_lo) DO NOTHING";

const INSERT_REPUTATION: &str = "INSERT INTO reputation (key_hi, key_lo, source_id, category, description, \
     reference, first_seen, last_seen, sightings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1) \
     ON CONFLICT (key_hi, key_lo, source_id) DO NOTHING";

/// Run only when the insert found the entry stored. (An upsert with
/// `RETURNING` would say the same in one statement, but SQLite materialises
/// every `RETURNING` in an ephemeral table.)
const UPDATE_REPUTATION: &str = "UPDATE reputation SET last_seen = ?4, sightings = sightings + 1, \
     category = COALESCE(?5, category), description = COALESCE(?6, description), \
     reference = COALESCE(?7, reference) WHERE key_hi = ?1 AND key_lo = ?2 AND source_id = ?3";

impl SqliteBulk {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            conn: Mutex::new(None),
        }
    }

    fn open(&self) -> Result<Connection> {
        let conn = Connection::open(&self.path)
            .map_err(sqlite_err("opening the SQLite file for bulk writes"))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(sqlite_err("configuring SQLite"))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; \
             PRAGMA temp_store = MEMORY;",
        )
        .map_err(sqlite_err("configuring SQLite"))?;
        conn.set_prepared_statement_cache_capacity(8);
        Ok(conn)
    }

    /// Writes `rows` (sorted by key, no duplicate key+source) in one
    /// transaction; returns (new, updated).
    pub fn upsert(&self, rows: &[BulkRow], last_seen: i64) -> Result<(u64, u64)> {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| Error::Corrupt("bulk connection poisoned".into()))?;
        if guard.is_none() {
            *guard = Some(self.open()?);
        }
        let Some(conn) = guard.as_mut() else {
            return Err(Error::Corrupt("bulk connection missing".into()));
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite_err("starting a bulk transaction"))?;
        let (mut new, mut updated) = (0, 0);
        {
            let mut insert = tx
                .prepare_cached(INSERT_INDICATOR)
                .map_err(sqlite_err("preparing the bulk insert"))?;
            let mut insert_rep = tx
                .prepare_cached(INSERT_REPUTATION)
                .map_err(sqlite_err("preparing the bulk insert"))?;
            let mut update_rep = tx
                .prepare_cached(UPDATE_REPUTATION)
                .map_err(sqlite_err("preparing the bulk update"))?;
            let mut last_key = None;
            for r in rows {
                if last_key != Some(r.key) {
                    insert
                        .execute(params![
                            r.key.hi, r.key.lo, r.kind, r.value, r.display, r.host_key
                        ])
                        .map_err(sqlite_err("inserting indicators"))?;
                    last_key = Some(r.key);
                }
                let (k, src, cat, desc, refr) = (
                    r.key,
                    r.source_id,
                    &r.category,
                    &r.description,
                    &r.reference,
                );
                let inserted = insert_rep
                    .execute(params![
                        k.hi,
                        k.lo,
                        src,
                        cat,
                        desc,
                        refr,
                        r.first_seen,
                        last_seen
                    ])
                    .map_err(sqlite_err("inserting reputation entries"))?;
                if inserted == 1 {
                    new += 1;
                } else {
                    update_rep
                        .execute(params![k.hi, k.lo, src, last_seen, cat, desc, refr])
                        .map_err(sqlite_err("updating reputation entries"))?;
                    updated += 1;
                }
            }
        }
        tx.commit()
            .map_err(sqlite_err("committing reputation entries"))?;
        Ok((new, updated))
    }
}
