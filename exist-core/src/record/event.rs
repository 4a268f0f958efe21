//! Threat events in MISP's shape: an event with attributes, objects grouping
//! attributes, tags and organisations.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{IndicatorSet, Mentions};
use crate::Indicator;

/// A threat event (a MISP event, or anything shaped like one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreatEvent {
    /// The source's name.
    pub source: String,
    /// The event's UUID, its natural key.
    pub uuid: String,
    /// The event's title (MISP `info`).
    pub info: String,
    /// The event date.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// MISP threat level: 1 high, 2 medium, 3 low, 4 undefined.
    #[serde(default)]
    pub threat_level: Option<u8>,
    /// MISP analysis state: 0 initial, 1 ongoing, 2 complete.
    #[serde(default)]
    pub analysis: Option<u8>,
    /// The organisation owning the event on this instance.
    #[serde(default)]
    pub org: Option<String>,
    /// The organisation that created the event.
    #[serde(default)]
    pub orgc: Option<String>,
    /// Tag names (`tlp:white`, `misp-galaxy:…`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Attributes outside objects.
    #[serde(default)]
    pub attributes: Vec<ThreatAttribute>,
    /// Objects (groups of attributes).
    #[serde(default)]
    pub objects: Vec<ThreatObject>,
    /// When the event was published.
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
}

/// One MISP attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreatAttribute {
    /// The attribute's UUID.
    #[serde(default)]
    pub uuid: Option<String>,
    /// MISP category (`Network activity`, `Payload delivery`).
    #[serde(default)]
    pub category: Option<String>,
    /// MISP type (`ip-dst`, `domain|ip`, `sha256`, `comment`).
    #[serde(rename = "type")]
    pub attr_type: String,
    /// The value; composite types hold `a|b`.
    pub value: String,
    /// The analyst's comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// Whether the attribute is meant for detection.
    #[serde(default)]
    pub to_ids: bool,
    /// Tag names.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A MISP object: named group of attributes (`file`, `domain-ip`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreatObject {
    /// The object's UUID.
    #[serde(default)]
    pub uuid: Option<String>,
    /// The object template name.
    pub name: String,
    /// Its meta category.
    #[serde(default)]
    pub meta_category: Option<String>,
    /// The analyst's comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The attributes.
    #[serde(default)]
    pub attributes: Vec<ThreatAttribute>,
}

/// Attribute types whose value is prose, searched with [`crate::extract`].
const FREE_TEXT_TYPES: &[&str] = &["comment", "text", "other", "email-body", "email-subject"];

impl ThreatEvent {
    /// Every attribute, inside objects or not.
    pub fn all_attributes(&self) -> impl Iterator<Item = &ThreatAttribute> {
        self.attributes_with_object().map(|(_, a)| a)
    }

    /// Every attribute with the name of the object it is in (`None` for the
    /// event's own): the event's own first, then each object's in order.
    pub fn attributes_with_object(&self) -> impl Iterator<Item = (Option<&str>, &ThreatAttribute)> {
        self.attributes.iter().map(|a| (None, a)).chain(
            self.objects
                .iter()
                .flat_map(|o| o.attributes.iter().map(move |a| (Some(o.name.as_str()), a))),
        )
    }
}

impl ThreatAttribute {
    fn add_to(&self, set: &mut IndicatorSet) {
        if FREE_TEXT_TYPES.contains(&self.attr_type.as_str()) {
            set.add_text(&self.value);
        } else {
            // Composite types (`domain|ip`, `filename|sha256`) hold one value per part.
            for part in self.value.split('|') {
                if let Ok(i) = Indicator::parse(part) {
                    set.add(i);
                }
            }
        }
        if let Some(c) = &self.comment {
            set.add_text(c);
        }
    }
}

impl Mentions for ThreatEvent {
    fn indicators(&self) -> Vec<Indicator> {
        let mut set = IndicatorSet::default();
        set.add_text(&self.info);
        for a in &self.attributes {
            a.add_to(&mut set);
        }
        for o in &self.objects {
            if let Some(c) = &o.comment {
                set.add_text(c);
            }
            for a in &o.attributes {
                a.add_to(&mut set);
            }
        }
        set.into_vec()
    }
}
