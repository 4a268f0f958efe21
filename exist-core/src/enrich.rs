//! The `Enricher` trait: live information about an indicator from somewhere
//! other than the store (DNS, RDAP, GeoIP databases, VirusTotal, …).
//!
//! An enricher says which indicator kinds it applies to and answers one
//! indicator with a JSON object of what it found. Fanning out to every
//! applicable enricher at once, each under its own timeout, caching answers
//! with a per-enricher TTL and reporting a status per enricher is the
//! library's job (`exist_sources::Exist::lookup`), written once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Indicator, IndicatorKind};

/// What an enricher is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnricherInfo {
    /// Its name, the key of its section in lookup output (`dns`, `virustotal`).
    pub name: String,
    /// The indicator kinds it answers.
    pub kinds: Vec<IndicatorKind>,
    /// How long an answer stays fresh in the cache, in seconds (0: never cached).
    pub ttl_secs: u64,
    /// Why it cannot run, when it cannot (no API key, no database file).
    pub not_configured: Option<String>,
}

impl EnricherInfo {
    /// Whether it answers indicators of `kind`.
    pub fn applies_to(&self, kind: IndicatorKind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// How an enricher's part of a lookup went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EnrichStatus {
    /// It answered (`data` holds what it found; possibly "nothing known").
    Ok,
    /// It needs configuration it does not have (a key, a database file).
    NotConfigured,
    /// It failed; `error` says why.
    Error,
    /// It did not answer within its timeout.
    TimedOut,
}

/// One enricher's part of a lookup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrichment {
    /// The enricher.
    pub enricher: String,
    /// How it went.
    pub status: EnrichStatus,
    /// What it found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// Why it failed or cannot run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the answer was fetched (earlier than now when it came from the cache).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<DateTime<Utc>>,
    /// True when served from the cache.
    #[serde(default)]
    pub cached: bool,
    /// How long the enricher took, in milliseconds (0 from the cache).
    #[serde(default)]
    pub elapsed_ms: u64,
}

/// The error of an enrichment, with its context (never a secret).
pub type EnrichError = Box<dyn std::error::Error + Send + Sync>;

/// A source of live information about indicators.
///
/// ```
/// use exist_core::{Enricher, EnricherInfo, EnrichError, Indicator, IndicatorKind};
///
/// struct Length;
///
/// #[async_trait::async_trait]
/// impl Enricher for Length {
///     fn info(&self) -> EnricherInfo {
///         EnricherInfo { name: "length".into(), kinds: vec![IndicatorKind::Domain], ttl_secs: 0, not_configured: None }
///     }
///     async fn enrich(&self, indicator: &Indicator) -> Result<serde_json::Value, EnrichError> {
///         Ok(serde_json::json!({ "length": indicator.value().len() }))
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Enricher: Send + Sync {
    /// What the enricher is.
    fn info(&self) -> EnricherInfo;

    /// What it knows about `indicator` (of a kind it applies to).
    async fn enrich(&self, indicator: &Indicator) -> Result<serde_json::Value, EnrichError>;
}
