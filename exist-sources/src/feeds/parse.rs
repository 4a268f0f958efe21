//! Turning a downloaded feed into a stream of items, by its [`FeedSpec`]:
//! line lists and CSV are read lazily from the spooled file (a million lines
//! never sit in memory as records), JSON is parsed whole (API answers are
//! small). Every line, row or object gives either an entry or a refusal with
//! its line (or item) number and reason; nothing is dropped silently.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use exist_core::{Indicator, IndicatorKind, Item, Items, Record, RejectedLine, ReputationEntry};
use serde_json::Value;

use super::spec::{FeedSpec, Fields, Format};
use super::template::{Key, Template};

/// What maps one input's fields to an entry.
struct Mapper {
    source: String,
    fields: Fields,
    kind: Option<IndicatorKind>,
}

impl Mapper {
    fn item<'a>(&self, line: u64, raw: &str, lookup: impl Fn(&Key) -> Option<&'a str>) -> Item {
        let render = |t: &Template| t.render(&lookup);
        let Some(value) = render(&self.fields.indicator) else {
            return Item::Rejected(RejectedLine::new(line, raw, "no indicator in this entry"));
        };
        match parse_indicator(&value, self.kind) {
            Ok(indicator) => {
                let mut entry = ReputationEntry::new(indicator, self.source.clone());
                entry.category = self.fields.category.as_ref().and_then(render);
                entry.description = self.fields.description.as_ref().and_then(render);
                entry.reference = self.fields.reference.as_ref().and_then(render);
                entry.seen_at = self
                    .fields
                    .seen
                    .as_ref()
                    .and_then(render)
                    .and_then(|s| parse_seen(&s));
                Item::Record(Record::Reputation(entry))
            }
            Err(e) => Item::Rejected(RejectedLine::new(line, raw, e.to_string())),
        }
    }
}

/// `value` as an indicator. A bare `host:port` (Maltrail trails, ThreatFox
/// `ip:port` IOCs) is its host: the listed thing is the address.
fn parse_indicator(value: &str, kind: Option<IndicatorKind>) -> exist_core::Result<Indicator> {
    let value = strip_port(value.trim());
    match kind {
        Some(k) => Indicator::parse_as(k, value),
        None => Indicator::parse(value),
    }
}

fn strip_port(value: &str) -> &str {
    if value.contains("://") || value.matches(':').count() != 1 {
        return value;
    }
    match value.split_once(':') {
        Some((host, port))
            if !host.is_empty()
                && (1..=5).contains(&port.len())
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            host
        }
        _ => value,
    }
}

/// A date as feeds write it: RFC 3339, `YYYY-MM-DD HH:MM:SS` (UTC, with or
/// without a trailing `UTC`), or a bare date.
pub(crate) fn parse_seen(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let bare = text.trim_end_matches("UTC").trim();
    if let Ok(t) = NaiveDateTime::parse_from_str(bare, "%Y-%m-%d %H:%M:%S") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(bare, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// The items of `body`, read by `spec`. Errors are about the document as a
/// whole (a CSV header without a mapped column, JSON without its array).
pub(crate) fn items(spec: &FeedSpec, body: File) -> Result<Items, String> {
    let mapper = Arc::new(Mapper {
        source: spec.name.clone(),
        fields: spec.fields.clone(),
        kind: spec.kind,
    });
    let reader = BufReader::with_capacity(256 * 1024, body);
    match spec.format {
        Format::Lines => Ok(Box::new(LineItems {
            reader,
            line: 0,
            bytes: Vec::new(),
            failed: false,
            delimiter: spec.delimiter.clone().filter(|d| !d.is_empty()),
            comments: spec.comment.clone(),
            mapper,
        })),
        Format::Csv => csv_items(spec, reader, mapper),
        Format::Json => json_items(spec, reader, mapper),
    }
}

struct LineItems {
    reader: BufReader<File>,
    line: u64,
    bytes: Vec<u8>,
    /// Set after a read error: reported once, then the read ends.
    failed: bool,
    delimiter: Option<String>,
    comments: Vec<String>,
    mapper: Arc<Mapper>,
}

impl Iterator for LineItems {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if self.failed {
                return None;
            }
            self.bytes.clear();
            match self.reader.read_until(b'\n', &mut self.bytes) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(e) => {
                    self.line += 1;
                    self.failed = true;
                    let reason = format!("read error: {e}");
                    return Some(Item::Rejected(RejectedLine::new(self.line, "", reason)));
                }
            }
            let text = String::from_utf8_lossy(&self.bytes);
            let text = text.trim();
            if text.is_empty() || self.comments.iter().any(|c| text.starts_with(c.as_str())) {
                continue;
            }
            let fields: Vec<&str> = match &self.delimiter {
                Some(d) => text.split(d.as_str()).map(str::trim).collect(),
                None => text.split_whitespace().collect(),
            };
            return Some(self.mapper.item(self.line, text, |k| match k {
                Key::Index(i) => fields.get(*i).copied(),
                Key::Name(_) => None,
            }));
        }
    }
}

fn csv_items(
    spec: &FeedSpec,
    reader: BufReader<File>,
    mapper: Arc<Mapper>,
) -> Result<Items, String> {
    let delimiter = match spec.delimiter.as_deref() {
        None => b',',
        Some(d) if d.len() == 1 => d.as_bytes()[0],
        Some("\\t") => b'\t',
        Some(d) => return Err(format!("CSV delimiter {d:?} is not one character")),
    };
    let comment = spec.comment.first().and_then(|c| c.bytes().next());
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .comment(comment)
        .has_headers(spec.header)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut columns: HashMap<String, usize> = HashMap::new();
    if spec.header {
        let header = csv
            .headers()
            .map_err(|e| format!("the CSV header could not be read: {e}"))?;
        for (i, name) in header.iter().enumerate() {
            columns.entry(name.trim().to_ascii_lowercase()).or_insert(i);
        }
        let names: Vec<&str> = header.iter().collect();
        for key in spec_keys(&spec.fields) {
            if let Key::Name(n) = key
                && !columns.contains_key(&n.to_ascii_lowercase())
            {
                return Err(format!(
                    "column `{n}` is not in the CSV header ({})",
                    names.join(", ")
                ));
            }
        }
    }
    let columns: HashMap<String, usize> = columns;
    let records = csv.into_records();
    Ok(Box::new(records.map(move |record| match record {
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            Item::Rejected(RejectedLine::new(line, "", format!("malformed CSV: {e}")))
        }
        Ok(r) => {
            let line = r.position().map_or(0, |p| p.line());
            let raw = r.iter().collect::<Vec<_>>().join(",");
            mapper.item(line, &raw, |k| match k {
                Key::Index(i) => r.get(*i),
                Key::Name(n) => columns.get(&n.to_ascii_lowercase()).and_then(|&i| r.get(i)),
            })
        }
    })))
}

fn spec_keys(fields: &Fields) -> impl Iterator<Item = &Key> {
    std::iter::once(&fields.indicator)
        .chain(&fields.category)
        .chain(&fields.description)
        .chain(&fields.reference)
        .chain(&fields.seen)
        .flat_map(Template::keys)
}

fn json_items(
    spec: &FeedSpec,
    reader: BufReader<File>,
    mapper: Arc<Mapper>,
) -> Result<Items, String> {
    let doc: Value = serde_json::from_reader(reader).map_err(|e| format!("invalid JSON: {e}"))?;
    let found = if spec.records.is_empty() {
        Some(&doc)
    } else {
        spec.records.split('.').try_fold(&doc, |v, k| v.get(k))
    };
    let array = match found {
        Some(Value::Array(a)) => a.clone(),
        _ => {
            let at = if spec.records.is_empty() {
                "the top level"
            } else {
                spec.records.as_str()
            };
            let mut msg = format!("the JSON has no array at {at}");
            for k in ["query_status", "error", "errors", "message", "detail"] {
                if let Some(v) = doc.get(k) {
                    let text: String = v.to_string().chars().take(120).collect();
                    msg.push_str(&format!("; {k}: {text}"));
                }
            }
            return Err(msg);
        }
    };
    Ok(Box::new(array.into_iter().enumerate().map(
        move |(i, obj)| {
            let raw = obj.to_string();
            let texts: HashMap<String, Option<String>> = spec_keys(&mapper.fields)
                .map(|k| {
                    let name = match k {
                        Key::Name(n) => n.clone(),
                        Key::Index(i) => i.to_string(),
                    };
                    let value = name
                        .split('.')
                        .try_fold(&obj, |v, k| v.get(k))
                        .and_then(json_text);
                    (name, value)
                })
                .collect();
            mapper.item(i as u64 + 1, &raw, |k| {
                let name = match k {
                    Key::Name(n) => n.clone(),
                    Key::Index(i) => i.to_string(),
                };
                texts.get(&name).and_then(Option::as_deref)
            })
        },
    )))
}

/// A JSON value as field text: strings as they are, numbers and booleans
/// printed, arrays joined with commas, null and objects absent.
fn json_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(json_text).collect();
            (!parts.is_empty()).then(|| parts.join(","))
        }
        Value::Null | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_is_the_host() {
        assert_eq!(strip_port("192.0.2.1:443"), "192.0.2.1");
        assert_eq!(strip_port("evil.example:8080"), "evil.example");
        assert_eq!(
            strip_port("http://evil.example:8080/x"),
            "http://evil.example:8080/x"
        );
        assert_eq!(strip_port("2001:db8::1"), "2001:db8::1");
        assert_eq!(strip_port("host:http"), "host:http");
    }

    #[test]
    fn dates_in_feed_spellings() {
        let want = "2022-08-05T19:43:08Z";
        for s in [
            "2022-08-05 19:43:08 UTC",
            "2022-08-05 19:43:08",
            "2022-08-05T19:43:08+00:00",
        ] {
            assert_eq!(
                parse_seen(s)
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .as_deref(),
                Some(want),
                "{s}"
            );
        }
        assert!(parse_seen("2022-08-05").is_some());
        assert!(parse_seen("yesterday").is_none());
    }
}
