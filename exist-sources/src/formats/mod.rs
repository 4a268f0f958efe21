//! Upstream formats read into exist's records: MISP events, Mastodon
//! statuses, X (Twitter) v1.1 statuses. The trackers of those sources and the
//! bundled demo data read them through here, so each format is parsed once.

pub mod mastodon;
pub mod misp;
pub mod twitter;

use serde_json::Value;

/// A string field, or a number written as one (MISP writes both).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A small integer field given as a string or a number.
fn small(v: &Value) -> Option<u8> {
    text(v).and_then(|s| s.parse().ok())
}

/// Why a document is not of the expected format.
#[derive(Debug, thiserror::Error)]
#[error("{format}: {why}")]
pub struct FormatError {
    /// The format expected.
    pub format: &'static str,
    /// What is wrong.
    pub why: String,
}

impl FormatError {
    fn new(format: &'static str, why: impl Into<String>) -> Self {
        Self {
            format,
            why: why.into(),
        }
    }
}
