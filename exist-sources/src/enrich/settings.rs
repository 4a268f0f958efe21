//! `[enrich]` in `exist.toml`: a default timeout, and per enricher its base
//! URL (a mirror, or a local server in tests), key variable, timeout, cache
//! TTL, and the few settings only one enricher has (DNS nameservers, GeoIP
//! database files). Keys are read from environment variables, never written
//! here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::feeds::interval;

/// The `[enrich]` table. (Unknown enricher names are refused when the
/// configuration is parsed; serde cannot deny unknown fields beside a
/// flattened map.)
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct EnrichConfig {
    /// Default per-enricher timeout: seconds or `"10s"` (default 10 s).
    #[serde(default, deserialize_with = "optional_secs")]
    pub timeout: Option<u64>,
    /// Per-enricher settings, by enricher name.
    #[serde(flatten)]
    pub enrichers: BTreeMap<String, EnricherSettings>,
}

/// Settings of one enricher.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnricherSettings {
    /// Off: never run (reported as not configured).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Base URL of the service's API instead of the real one.
    #[serde(default)]
    pub url: Option<String>,
    /// Read the key from this environment variable instead.
    #[serde(default)]
    pub key_env: Option<String>,
    /// Timeout: seconds or `"10s"`.
    #[serde(default, deserialize_with = "optional_secs")]
    pub timeout: Option<u64>,
    /// How long answers stay cached: seconds or `"1d"`.
    #[serde(default, deserialize_with = "optional_secs")]
    pub ttl: Option<u64>,
    /// Requests per minute allowed to the service (default: its free tier).
    #[serde(default)]
    pub per_minute: Option<u32>,
    /// How many of those may go at once (default: all of them).
    #[serde(default)]
    pub burst: Option<u32>,
    /// DNS: nameservers (`"192.0.2.53"`, `"192.0.2.53:5353"`) instead of the system's.
    #[serde(default)]
    pub nameservers: Vec<String>,
    /// GeoIP: a MaxMind (or compatible) City database.
    #[serde(default)]
    pub city_db: Option<PathBuf>,
    /// GeoIP: a MaxMind (or compatible) ASN database.
    #[serde(default)]
    pub asn_db: Option<PathBuf>,
    /// whois: the server to ask for `whois` fallbacks instead of IANA's referral (`host:port`).
    #[serde(default)]
    pub server: Option<String>,
}

fn optional_secs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    interval::deserialize(d).map(Some)
}

impl EnrichConfig {
    /// The settings of `name` (empty when none are given).
    pub fn of(&self, name: &str) -> EnricherSettings {
        self.enrichers.get(name).cloned().unwrap_or_default()
    }
}
