//! Reputation entries: one indicator listed by one blocklist or feed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{IndicatorSet, Mentions};
use crate::Indicator;

/// An indicator as listed by a reputation source (URLhaus, Feodo Tracker, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReputationEntry {
    /// The listed indicator.
    pub indicator: Indicator,
    /// The source's name (`urlhaus`, or the name given to `exist import`).
    pub source: String,
    /// The source's classification (`malware_download`, `botnet_cc`, `phishing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Free text from the source (threat name, tags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A URL with the source's details on this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// When the source says it listed the indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen_at: Option<DateTime<Utc>>,
}

impl ReputationEntry {
    /// An entry with only the indicator and the source.
    pub fn new(indicator: Indicator, source: impl Into<String>) -> Self {
        Self {
            indicator,
            source: source.into(),
            category: None,
            description: None,
            reference: None,
            seen_at: None,
        }
    }
}

impl Mentions for ReputationEntry {
    fn indicators(&self) -> Vec<Indicator> {
        let mut set = IndicatorSet::default();
        set.add(self.indicator.clone());
        set.into_vec()
    }
}
