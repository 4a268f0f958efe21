//! `$EXIST_HOME/exist.toml`: the user's configuration of sources — overrides
//! of built-in sources (`[sources.NAME]`) and feeds of their own
//! (`[[feeds]]`). Secrets are never in this file: it names the environment
//! variable that holds each key. Documented with a commented example in
//! docs/configuration.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::feeds::{FeedSpec, interval};

/// The configuration file's name inside the home directory.
pub const CONFIG_FILE: &str = "exist.toml";

/// The parsed `exist.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Overrides of built-in (or configured) sources, by name.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceOverride>,
    /// The user's own feeds; one named like a built-in replaces it.
    #[serde(default)]
    pub feeds: Vec<FeedSpec>,
    /// Enrichers: timeouts, base URLs, key variables, DNS and GeoIP settings.
    #[serde(default)]
    pub enrich: crate::enrich::EnrichConfig,
    /// URL inspection: the SSRF guard's allow-list, caps, the screenshot.
    #[serde(default)]
    pub inspect: crate::inspect::InspectConfig,
}

/// Settings of one source that replace its defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceOverride {
    /// Run it on schedule and with `--all` (or not).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Another URL (a mirror).
    #[serde(default)]
    pub url: Option<String>,
    /// Another interval: seconds or `"30m"`, `"6h"`, `"1d"`.
    #[serde(default, deserialize_with = "optional_interval")]
    pub interval: Option<u64>,
    /// Read the key from this environment variable instead.
    #[serde(default)]
    pub key_env: Option<String>,
}

fn optional_interval<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    interval::deserialize(d).map(Some)
}

/// Errors of the configuration, with the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for exist.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A setting is not usable.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Reads `home/exist.toml`; no file is the empty configuration.
    pub fn load(home: &Path) -> Result<Self, ConfigError> {
        let path = home.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).map_err(|e| match e {
                ConfigError::Parse { message, .. } => ConfigError::Parse { path, message },
                other => other,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// Parses configuration text.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: PathBuf::from(CONFIG_FILE),
            message: e.to_string(),
        })?;
        for feed in &config.feeds {
            feed.validate().map_err(ConfigError::Invalid)?;
        }
        for name in config.enrich.enrichers.keys() {
            if !crate::enrich::ENRICHERS.contains(&name.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "[enrich.{name}]: no such enricher (known: {})",
                    crate::enrich::ENRICHERS.join(", ")
                )));
            }
        }
        Ok(config)
    }
}
