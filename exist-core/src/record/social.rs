//! Posts of followed security accounts (X, Mastodon).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{IndicatorSet, Mentions};
use crate::Indicator;

/// A post on a social platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SocialPost {
    /// The source's name.
    pub source: String,
    /// `x`, `mastodon`, …
    pub platform: String,
    /// The platform's post id, its natural key.
    pub id: String,
    /// The author's handle.
    pub author: String,
    /// The text, as plain text.
    pub text: String,
    /// Link to the post.
    #[serde(default)]
    pub url: Option<String>,
    /// When it was posted.
    #[serde(default)]
    pub posted_at: Option<DateTime<Utc>>,
}

impl Mentions for SocialPost {
    fn indicators(&self) -> Vec<Indicator> {
        let mut set = IndicatorSet::default();
        set.add_text(&self.text);
        set.into_vec()
    }
}
