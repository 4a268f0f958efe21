//! News items (RSS/Atom).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{IndicatorSet, Mentions};
use crate::Indicator;

/// An item of a news feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewsItem {
    /// The source's name.
    pub source: String,
    /// The item's GUID (or link), its natural key.
    pub id: String,
    /// The title.
    pub title: String,
    /// Link to the article.
    #[serde(default)]
    pub url: Option<String>,
    /// Summary, as plain text.
    #[serde(default)]
    pub summary: Option<String>,
    /// Author.
    #[serde(default)]
    pub author: Option<String>,
    /// When it was published.
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
}

impl Mentions for NewsItem {
    fn indicators(&self) -> Vec<Indicator> {
        let mut set = IndicatorSet::default();
        set.add_text(&self.title);
        if let Some(s) = &self.summary {
            set.add_text(s);
        }
        set.into_vec()
    }
}
