//! # exist-store
//!
//! Storage for exist: every collected record and the **indicator index** that
//! answers "what is known about X?" with index probes only, on SQLite (the
//! zero-setup default), PostgreSQL or MariaDB/MySQL.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use exist_core::{Indicator, ReputationEntry};
//! use exist_store::Store;
//!
//! let store = Store::open("sqlite::memory:").await?;
//! let entry = ReputationEntry::new(Indicator::parse("http://evil.example/x")?, "mylist");
//! store.upsert_reputation(&[entry], chrono::Utc::now()).await?;
//! let found = store.lookup(&Indicator::parse("evil.example")?).await?;
//! assert_eq!(found.reputation.len(), 1); // the URL on that host
//! # Ok(()) }
//! ```
//!
//! The schema is built with sea-orm migrations; ordinary queries are plain
//! statements through sea-orm's connection, and the bulk write path uses
//! multi-row statements in one transaction per call (see `ingest`).

mod collect;
mod enrichment;
mod error;
mod import;
mod ingest;
mod keys;
mod listing;
mod lookup;
mod migration;
mod prune;
mod runs;
mod search;
mod sources;
mod sql;
mod sqlite_bulk;
mod stats;
mod store;
mod tokens;

pub use collect::{COLLECT_BATCH, SUDDENLY_EMPTY_MIN};
pub use error::{Error, Result};
pub use import::{IMPORT_BATCH, ImportSummary};
pub use ingest::{BATCH_ROWS, UpsertCounts};
pub use keys::{IndicatorKey, host_key, indicator_key, ip_host_key, reversed_domain};
pub use listing::{ListFilter, Page, RecordItem, ReputationItem};
pub use lookup::{LOOKUP_RELATED_LIMIT, Lookup, LookupGroup, RecordHit, Relation, ReputationHit};
pub use migration::Migrator;
pub use prune::PruneReport;
pub use search::{SearchHit, SearchPage};
pub use stats::{DayCount, SourceCount, SourceDayCount, Stats};
pub use store::{Store, StoreInfo, redact_url};
pub use tokens::{Scope, TokenInfo};
