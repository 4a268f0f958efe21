//! The `Source` trait: what every tracker (feed, API) implements.
//!
//! A source describes itself and, given what it saved last time, collects
//! records. Storing them, counting, recording the run's status and keeping
//! stored data safe from a bad download is the pipeline's job
//! (`exist_store::Store::collect`), written once.
//!
//! Records come as a stream of [`Item`]s, not a vector: a feed of a million
//! lines is parsed batch by batch while the previous batch is stored, so memory
//! stays flat whatever the feed's size.

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
    /// A hash of the last healthy download: the same content served again
    /// with a 200 is skipped like a 304.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
}

/// One parsed input of a source: a record, or an input it refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A record to store.
    Record(Record),
    /// An input (line, row, object) that gave no record, with why.
    Rejected(RejectedLine),
}

/// The stream of items of one collection. Iterating may block on a local
/// file; the pipeline drives it off the async threads.
pub type Items = Box<dyn Iterator<Item = Item> + Send>;

/// What one collection brought.
pub enum Collected {
    /// The upstream says nothing changed (a 304, or the same content again).
    NotModified,
    /// Records to store, with the inputs that were refused.
    Records {
        /// The parsed inputs, in order.
        items: Items,
        /// Bytes downloaded.
        bytes: u64,
        /// State to save for the next run once the records are stored.
        state: SourceState,
    },
}

impl Collected {
    /// Records given as a vector (an API page, a test), with no refusals.
    pub fn from_records(records: Vec<Record>, bytes: u64, state: SourceState) -> Self {
        Self::Records {
            items: Box::new(records.into_iter().map(Item::Record)),
            bytes,
            state,
        }
    }
}

impl std::fmt::Debug for Collected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotModified => f.write_str("NotModified"),
            Self::Records { bytes, state, .. } => f
                .debug_struct("Records")
                .field("bytes", bytes)
                .field("state", state)
                .finish_non_exhaustive(),
        }
    }
}

/// Where a collection reports how far it got (a progress bar, a log line).
/// Called from async and blocking threads alike; keep it cheap.
pub trait Progress: Send + Sync {
    /// `done` bytes downloaded, of `total` when the server announced it.
    fn bytes(&self, done: u64, total: Option<u64>) {
        let _ = (done, total);
    }
    /// `done` records stored so far.
    fn records(&self, done: u64) {
        let _ = done;
    }
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// The error of a collection, with its context in the message (never a secret).
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// A tracker.
///
/// ```
/// use exist_core::{Collected, Progress, Source, SourceError, SourceInfo, SourceState, RecordKind};
///
/// struct Nothing;
///
/// #[async_trait::async_trait]
/// impl Source for Nothing {
///     fn info(&self) -> SourceInfo {
///         SourceInfo { name: "nothing".into(), kind: RecordKind::Reputation, needs_key: false, interval_secs: 3600 }
///     }
///     async fn collect(&self, _state: &SourceState, _progress: &dyn Progress) -> Result<Collected, SourceError> {
///         Ok(Collected::NotModified)
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Source: Send + Sync {
    /// What the source is.
    fn info(&self) -> SourceInfo;

    /// Collects what is new or current, given the state saved by the last
    /// run, reporting the download's progress to `progress`.
    async fn collect(
        &self,
        state: &SourceState,
        progress: &dyn Progress,
    ) -> Result<Collected, SourceError>;
}
