//! The declarative definition of a feed, as written in `exist.toml` under
//! `[[feeds]]` and in the built-in catalogue (`catalogue.toml`): where it is,
//! its shape (line list, CSV, JSON), and which parts of each line, row or
//! object become the indicator, category, description, reference and date.
//!
//! Field values are templates: `{2}` is the third column, `{url}` the column
//! or JSON key named `url` (`{a.b}` a nested key), and text outside braces is
//! kept as it is, so `category = "phishing"` is a constant and
//! `indicator = "{0}/{2}"` joins two columns.

use std::collections::BTreeMap;

use exist_core::IndicatorKind;
use serde::{Deserialize, Serialize};

use super::template::Template;

/// One feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedSpec {
    /// Unique name; entries are stored under it.
    pub name: String,
    /// What the feed is, for listings.
    #[serde(default)]
    pub about: String,
    /// `http(s)://` or `file://` URL.
    pub url: String,
    /// The document's shape.
    pub format: Format,
    /// How often the scheduler runs it: seconds, or `"30m"`, `"6h"`, `"1d"`.
    #[serde(default = "default_interval", with = "interval")]
    pub interval: u64,
    /// Whether the scheduler and `--all` run it.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The API key, read from an environment variable.
    #[serde(default)]
    pub auth: Option<AuthSpec>,
    /// Extra request headers (`Accept`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Makes the request a POST with this body.
    #[serde(default)]
    pub post: Option<PostSpec>,
    /// Line prefixes that mark comments (lines and CSV); default `#`.
    #[serde(default = "default_comment")]
    pub comment: Vec<String>,
    /// Field separator: a string for line lists (default: whitespace), one
    /// character for CSV (default `,`).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// CSV: the first row names the columns.
    #[serde(default)]
    pub header: bool,
    /// JSON: the dotted path of the array of records (`data`); empty for a
    /// top-level array.
    #[serde(default)]
    pub records: String,
    /// Read the indicator as this kind only (`url`, `ipv4`, …).
    #[serde(default)]
    pub kind: Option<IndicatorKind>,
    /// Which parts become what.
    #[serde(default)]
    pub fields: Fields,
}

/// Line list, CSV or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One entry per line; fields split by `delimiter` or whitespace.
    Lines,
    /// CSV, with a header row or numbered columns.
    Csv,
    /// JSON with an array of objects at `records`.
    Json,
}

/// Templates for the parts of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    /// The indicator (default `{0}`: the first field).
    #[serde(default = "first_field")]
    pub indicator: Template,
    /// The source's classification.
    #[serde(default)]
    pub category: Option<Template>,
    /// Free text (threat name, tags).
    #[serde(default)]
    pub description: Option<Template>,
    /// A link to the source's page on the entry.
    #[serde(default)]
    pub reference: Option<Template>,
    /// When the source listed it (RFC 3339, `YYYY-MM-DD HH:MM:SS` UTC, or a date).
    #[serde(default)]
    pub seen: Option<Template>,
}

impl Default for Fields {
    fn default() -> Self {
        Self {
            indicator: first_field(),
            category: None,
            description: None,
            reference: None,
            seen: None,
        }
    }
}

/// Where the key goes. The value is read from the environment variable `env`
/// at start-up and never printed, logged or stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// The environment variable holding the key.
    pub env: String,
    /// Send the key in this header (`Auth-Key`, `Key`).
    #[serde(default)]
    pub header: Option<String>,
    /// Put before the key in the header (`Bearer `).
    #[serde(default)]
    pub prefix: String,
    /// Or: with a key, fetch this URL instead, `{key}` replaced by the key.
    #[serde(default)]
    pub url: Option<String>,
    /// Without the key the feed is disabled (the scheduler and `--all` skip it).
    #[serde(default = "yes")]
    pub required: bool,
}

/// A POST body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostSpec {
    /// Its content type.
    pub content_type: String,
    /// The body.
    pub body: String,
}

fn yes() -> bool {
    true
}

fn default_interval() -> u64 {
    3600
}

fn default_comment() -> Vec<String> {
    vec!["#".into()]
}

fn first_field() -> Template {
    Template::field("0")
}

/// Intervals as seconds or as `90s`, `30m`, `6h`, `1d`.
pub(crate) mod interval {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(secs: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(*secs)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Secs(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Secs(s) => Ok(s),
            Raw::Text(t) => parse(&t).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "invalid interval {t:?}: use seconds or a number with s, m, h or d"
                ))
            }),
        }
    }

    /// `"30m"` → 1800.
    pub fn parse(text: &str) -> Option<u64> {
        let text = text.trim();
        let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
        let n: u64 = digits.parse().ok()?;
        let mult = match unit.trim() {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return None,
        };
        n.checked_mul(mult).filter(|&s| s > 0)
    }
}

impl FeedSpec {
    /// Checks what serde cannot: a usable name and URL, and field references
    /// the format can resolve.
    pub fn validate(&self) -> Result<(), String> {
        let name = &self.name;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            return Err(format!(
                "feed name {name:?}: use lowercase letters, digits, `_` and `-`"
            ));
        }
        if !["http://", "https://", "file://"]
            .iter()
            .any(|p| self.url.starts_with(p))
        {
            return Err(format!(
                "feed {name}: url must start with http://, https:// or file://"
            ));
        }
        if self.interval == 0 {
            return Err(format!("feed {name}: interval must be positive"));
        }
        if self.comment.iter().any(String::is_empty) {
            return Err(format!(
                "feed {name}: an empty comment prefix would skip every line"
            ));
        }
        let keys = [
            Some(&self.fields.indicator),
            self.fields.category.as_ref(),
            self.fields.description.as_ref(),
            self.fields.reference.as_ref(),
            self.fields.seen.as_ref(),
        ];
        let keys = keys.into_iter().flatten().flat_map(|t| t.keys());
        for key in keys {
            use super::template::Key;
            match (self.format, key) {
                (Format::Lines, Key::Name(n)) => {
                    return Err(format!(
                        "feed {name}: `{{{n}}}`: line lists have numbered fields only ({{0}}, {{1}}, …)"
                    ));
                }
                (Format::Csv, Key::Name(n)) if !self.header => {
                    return Err(format!(
                        "feed {name}: `{{{n}}}` names a column, but the CSV has no header (set header = true or use numbers)"
                    ));
                }
                (Format::Json, Key::Index(i)) => {
                    return Err(format!(
                        "feed {name}: `{{{i}}}`: JSON fields are named ({{ioc}}, {{a.b}})"
                    ));
                }
                _ => {}
            }
        }
        if self.format == Format::Csv {
            match self.delimiter.as_deref() {
                None | Some("\\t") => {}
                Some(d) if d.len() == 1 => {}
                Some(d) => {
                    return Err(format!(
                        "feed {name}: CSV delimiter {d:?} is not one character"
                    ));
                }
            }
            if self.comment.len() > 1 || self.comment.iter().any(|c| c.len() != 1) {
                return Err(format!(
                    "feed {name}: CSV takes one one-character comment prefix"
                ));
            }
        }
        if let Some(auth) = &self.auth {
            if auth.env.is_empty() {
                return Err(format!("feed {name}: auth.env names no variable"));
            }
            if auth.header.is_none() && auth.url.is_none() {
                return Err(format!(
                    "feed {name}: auth needs a header or a url with {{key}}"
                ));
            }
            if auth.url.as_ref().is_some_and(|u| !u.contains("{key}")) {
                return Err(format!("feed {name}: auth.url has no {{key}}"));
            }
        }
        Ok(())
    }
}
