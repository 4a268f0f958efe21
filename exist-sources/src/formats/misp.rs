//! MISP events (`{"Event": {…}}` or the bare event, as the MISP REST API and
//! its JSON exports give them) into [`ThreatEvent`]s.

use chrono::{DateTime, NaiveDate};
use exist_core::{ThreatAttribute, ThreatEvent, ThreatObject};
use serde_json::Value;

use super::{FormatError, small, text};

const FORMAT: &str = "MISP event";

fn tags(v: &Value) -> Vec<String> {
    v["Tag"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| text(&t["name"])).collect())
        .unwrap_or_default()
}

fn attribute(v: &Value) -> Option<ThreatAttribute> {
    Some(ThreatAttribute {
        uuid: text(&v["uuid"]),
        category: text(&v["category"]),
        attr_type: text(&v["type"])?,
        value: text(&v["value"])?,
        comment: text(&v["comment"]),
        to_ids: v["to_ids"].as_bool().unwrap_or(false),
        tags: tags(v),
    })
}

fn attributes(v: &Value) -> Vec<ThreatAttribute> {
    v["Attribute"]
        .as_array()
        .map(|a| a.iter().filter_map(attribute).collect())
        .unwrap_or_default()
}

/// The event in `doc`, from `source`.
pub fn event(source: &str, doc: &Value) -> Result<ThreatEvent, FormatError> {
    let e = if doc.get("Event").is_some() {
        &doc["Event"]
    } else {
        doc
    };
    let uuid = text(&e["uuid"]).ok_or_else(|| FormatError::new(FORMAT, "no uuid"))?;
    let info = text(&e["info"]).ok_or_else(|| FormatError::new(FORMAT, "no info"))?;
    let objects = e["Object"]
        .as_array()
        .map(|objects| {
            objects
                .iter()
                .filter_map(|o| {
                    Some(ThreatObject {
                        uuid: text(&o["uuid"]),
                        name: text(&o["name"])?,
                        meta_category: text(&o["meta-category"]),
                        comment: text(&o["comment"]),
                        attributes: attributes(o),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let published_at = text(&e["publish_timestamp"])
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|t| *t > 0)
        .and_then(|t| DateTime::from_timestamp(t, 0));
    Ok(ThreatEvent {
        source: source.to_owned(),
        uuid,
        info,
        date: text(&e["date"]).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        threat_level: small(&e["threat_level_id"]),
        analysis: small(&e["analysis"]),
        org: text(&e["Org"]["name"]),
        orgc: text(&e["Orgc"]["name"]),
        tags: tags(e),
        attributes: attributes(e),
        objects,
        published_at,
    })
}
