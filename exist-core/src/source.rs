//! The `Source` trait: what every tracker (feed, API) implements.
//!
//! A source describes itself and, given what it saved last time, collects
//! records. Storing them, counting, recording the run's status and keeping
//! stored data safe from a bad download is the pipeline's job
//! (`exist_store::Store::collect`), written once.

use serde::{Deserialize, Serialize};

use crate::{Record, RecordKind, RejectedLine};

/// What a source is, for listings and the scheduler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Its unique name (`urlhaus`, `ipsum`).
    pub name: String,
    /// The kind of record it yields.
    pub kind: RecordKind,
    /// Whether it needs an API key to be useful.
    pub needs_key: bool,
    /// How often the scheduler runs it, in seconds.
    pub interval_secs: u64,
}

/// What a source keeps between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceState {
    /// The ETag of the last download.
    #[serde(default)]
    pub etag: Option<String>,
    /// The Last-Modified of the last download.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// How many records the last healthy run had.
    #[serde(default)]
    pub last_count: Option<u64>,
}

/// What one collection brought.
#[derive(Debug, Clone, PartialEq)]
pub enum Collected {
    /// The upstream says nothing changed.
    NotModified,
    /// Records, with what was refused.
    Records {
        /// The records.
        records: Vec<Record>,
        /// Inputs read (lines, items).
        read: u64,
        /// Bytes downloaded.
        bytes: u64,
        /// Inputs refused, all counted.
        rejected: u64,
        /// The first few refused inputs.
        rejected_samples: Vec<RejectedLine>,
        /// State to save for the next run (validators).
        state: SourceState,
    },
}

/// The error of a collection, with its context in the message (never a secret).
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// A tracker.
///
/// ```
/// use exist_core::{Collected, Source, SourceError, SourceInfo, SourceState, RecordKind};
///
/// struct Nothing;
///
/// #[async_trait::async_trait]
/// impl Source for Nothing {
///     fn info(&self) -> SourceInfo {
///         SourceInfo { name: "nothing".into(), kind: RecordKind::Reputation, needs_key: false, interval_secs: 3600 }
///     }
///     async fn collect(&self, _state: &SourceState) -> Result<Collected, SourceError> {
///         Ok(Collected::NotModified)
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Source: Send + Sync {
    /// What the source is.
    fn info(&self) -> SourceInfo;

    /// Collects what is new or current, given the state saved by the last run.
    async fn collect(&self, state: &SourceState) -> Result<Collected, SourceError>;
}
