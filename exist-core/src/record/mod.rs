//! Record types: everything exist collects and stores.
//!
//! Each record names its source and a natural key (so collecting the same thing
//! twice updates one record), and can say which indicators it mentions — the
//! store indexes records under exactly those.

mod event;
mod exploit;
mod hunt;
mod news;
mod reputation;
mod social;
mod status;
mod vulnerability;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use event::{ThreatAttribute, ThreatEvent, ThreatObject};
pub use exploit::Exploit;
pub use hunt::{Hunt, HuntHit};
pub use news::NewsItem;
pub use reputation::ReputationEntry;
pub use social::SocialPost;
pub use status::{RejectedLine, RunOutcome, SourceRunStatus};
pub use vulnerability::Vulnerability;

use crate::{Indicator, extract};

/// The kinds of collected record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RecordKind {
    /// A blocklist / reputation feed entry.
    Reputation,
    /// A MISP-style event.
    ThreatEvent,
    /// A post of a followed account (X, Mastodon).
    SocialPost,
    /// An exploit (Exploit-DB, CXSecurity).
    Exploit,
    /// A vulnerability (NVD, JVN, CISA KEV).
    Vulnerability,
    /// A news item (RSS).
    News,
}

impl RecordKind {
    /// Every kind, in a stable order.
    pub const ALL: [RecordKind; 6] = [
        Self::Reputation,
        Self::ThreatEvent,
        Self::SocialPost,
        Self::Exploit,
        Self::Vulnerability,
        Self::News,
    ];

    /// The snake_case name used in JSON and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Reputation => "reputation",
            Self::ThreatEvent => "threat_event",
            Self::SocialPost => "social_post",
            Self::Exploit => "exploit",
            Self::Vulnerability => "vulnerability",
            Self::News => "news",
        }
    }

    /// The kind named `s`, if any.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any collected record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Record {
    /// See [`ReputationEntry`].
    Reputation(ReputationEntry),
    /// See [`ThreatEvent`].
    ThreatEvent(ThreatEvent),
    /// See [`SocialPost`].
    SocialPost(SocialPost),
    /// See [`Exploit`].
    Exploit(Exploit),
    /// See [`Vulnerability`].
    Vulnerability(Vulnerability),
    /// See [`NewsItem`].
    News(NewsItem),
}

/// What every record can tell about itself.
pub trait Mentions {
    /// The indicators this record mentions, canonical, without duplicates.
    fn indicators(&self) -> Vec<Indicator>;
}

macro_rules! each_record {
    ($self:ident, $r:ident => $e:expr) => {
        match $self {
            Record::Reputation($r) => $e,
            Record::ThreatEvent($r) => $e,
            Record::SocialPost($r) => $e,
            Record::Exploit($r) => $e,
            Record::Vulnerability($r) => $e,
            Record::News($r) => $e,
        }
    };
}

impl Record {
    /// The record's kind.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Reputation(_) => RecordKind::Reputation,
            Record::ThreatEvent(_) => RecordKind::ThreatEvent,
            Record::SocialPost(_) => RecordKind::SocialPost,
            Record::Exploit(_) => RecordKind::Exploit,
            Record::Vulnerability(_) => RecordKind::Vulnerability,
            Record::News(_) => RecordKind::News,
        }
    }

    /// The source that collected it.
    pub fn source(&self) -> &str {
        each_record!(self, r => &r.source)
    }

    /// Its natural key within its source and kind: collecting a record with the
    /// same key again updates it.
    pub fn key(&self) -> String {
        match self {
            Record::Reputation(r) => format!("{}:{}", r.indicator.kind(), r.indicator.value()),
            Record::ThreatEvent(r) => r.uuid.clone(),
            Record::SocialPost(r) => r.id.clone(),
            Record::Exploit(r) => r.id.clone(),
            Record::Vulnerability(r) => r.id.clone(),
            Record::News(r) => r.id.clone(),
        }
    }

    /// A one-line title for lists.
    pub fn title(&self) -> String {
        match self {
            Record::Reputation(r) => r.indicator.display().to_owned(),
            Record::ThreatEvent(r) => r.info.clone(),
            Record::SocialPost(r) => format!(
                "@{}: {}",
                r.author,
                r.text.chars().take(120).collect::<String>()
            ),
            Record::Exploit(r) => r.title.clone(),
            Record::Vulnerability(r) => r.title.clone().unwrap_or_else(|| r.id.clone()),
            Record::News(r) => r.title.clone(),
        }
    }

    /// The text keyword search looks in.
    pub fn search_text(&self) -> String {
        let parts: Vec<&str> = match self {
            Record::Reputation(r) => {
                vec![
                    r.indicator.value(),
                    r.category.as_deref().unwrap_or(""),
                    r.description.as_deref().unwrap_or(""),
                ]
            }
            Record::ThreatEvent(r) => {
                let mut v = vec![r.info.as_str()];
                v.extend(r.tags.iter().map(String::as_str));
                v.extend(
                    r.all_attributes()
                        .flat_map(|a| [a.value.as_str(), a.comment.as_deref().unwrap_or("")]),
                );
                v
            }
            Record::SocialPost(r) => vec![r.author.as_str(), r.text.as_str()],
            Record::Exploit(r) => vec![
                r.id.as_str(),
                r.title.as_str(),
                r.platform.as_deref().unwrap_or(""),
            ],
            Record::Vulnerability(r) => {
                vec![
                    r.id.as_str(),
                    r.title.as_deref().unwrap_or(""),
                    r.description.as_deref().unwrap_or(""),
                ]
            }
            Record::News(r) => vec![r.title.as_str(), r.summary.as_deref().unwrap_or("")],
        };
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// When the source says it happened (published, posted, listed), if it says.
    pub fn observed_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Record::Reputation(r) => r.seen_at,
            Record::ThreatEvent(r) => r.published_at,
            Record::SocialPost(r) => r.posted_at,
            Record::Exploit(r) => r.published_at,
            Record::Vulnerability(r) => r.published_at,
            Record::News(r) => r.published_at,
        }
    }
}

impl Mentions for Record {
    fn indicators(&self) -> Vec<Indicator> {
        each_record!(self, r => r.indicators())
    }
}

/// Collects indicators without duplicates, keeping first-seen order.
#[derive(Default)]
pub(crate) struct IndicatorSet(Vec<Indicator>);

impl IndicatorSet {
    pub fn add(&mut self, i: Indicator) {
        if let Some(host) = i.host() {
            self.push(i);
            self.push(host);
        } else {
            self.push(i);
        }
    }

    fn push(&mut self, i: Indicator) {
        if !self.0.contains(&i) {
            self.0.push(i);
        }
    }

    pub fn add_text(&mut self, text: &str) {
        for e in extract(text) {
            self.push(e.indicator);
        }
    }

    pub fn into_vec(self) -> Vec<Indicator> {
        self.0
    }
}

#[cfg(test)]
mod tests;
