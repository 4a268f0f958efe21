//! Hunts: saved keyword queries that notify once per new matching record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::RecordKind;

/// A saved hunt. The query language (comma = OR, space = AND) arrives with the
/// hunters issue; the record is defined now so the store has its table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hunt {
    /// Store id; `None` before it is saved.
    #[serde(default)]
    pub id: Option<i64>,
    /// A name for people.
    pub name: String,
    /// The keyword query.
    pub query: String,
    /// Which record kinds it watches; empty means all.
    #[serde(default)]
    pub kinds: Vec<RecordKind>,
    /// Notifier names to tell about hits.
    #[serde(default)]
    pub notify: Vec<String>,
    /// Whether it runs.
    pub enabled: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A record a hunt matched; a hunt notifies once per hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HuntHit {
    /// The hunt's id.
    pub hunt_id: i64,
    /// The matched record's kind.
    pub record_kind: RecordKind,
    /// The matched record's source.
    pub source: String,
    /// The matched record's key.
    pub record_key: String,
    /// When it matched.
    pub matched_at: DateTime<Utc>,
    /// Whether the notification went out.
    pub notified: bool,
}
