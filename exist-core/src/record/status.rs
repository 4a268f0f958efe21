//! The status of one run of a source: what the analyst reads to trust (or not)
//! the data of that source.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RunOutcome {
    /// Still running.
    Running,
    /// Fetched and stored.
    Ok,
    /// The upstream said nothing changed (HTTP 304).
    NotModified,
    /// Failed; nothing stored was changed.
    Failed,
    /// Not run (disabled, missing key).
    Skipped,
}

/// A line a parser refused, kept as a sample in the status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedLine {
    /// 1-based line number in the input.
    pub line: u64,
    /// The line, shortened to [`crate::MAX_QUOTED`] characters.
    pub input: String,
    /// Why it was refused.
    pub reason: String,
}

impl RejectedLine {
    /// A refused input at `line`, quoted to [`crate::MAX_QUOTED`] characters.
    pub fn new(line: u64, input: &str, reason: impl Into<String>) -> Self {
        Self {
            line,
            input: crate::error::quote(input),
            reason: reason.into(),
        }
    }
}

/// One run of one source (or one `exist import`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRunStatus {
    /// The source's name.
    pub source: String,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: RunOutcome,
    /// Bytes downloaded or read.
    pub bytes: u64,
    /// Records read from the input.
    pub read: u64,
    /// Records stored for the first time.
    pub new: u64,
    /// Records already stored, seen again.
    pub updated: u64,
    /// Records unchanged (not re-written).
    pub unchanged: u64,
    /// Inputs refused.
    pub rejected: u64,
    /// The first few refused inputs.
    #[serde(default)]
    pub rejected_samples: Vec<RejectedLine>,
    /// The error, with context, if the run failed.
    #[serde(default)]
    pub error: Option<String>,
}

impl SourceRunStatus {
    /// A run of `source` starting now.
    pub fn start(source: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            started_at: Utc::now(),
            finished_at: None,
            outcome: RunOutcome::Running,
            bytes: 0,
            read: 0,
            new: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            rejected_samples: Vec::new(),
            error: None,
        }
    }
}
