//! X (Twitter) API v1.1 statuses (`search/tweets.json`, timelines) into
//! [`SocialPost`]s.

use chrono::DateTime;
use exist_core::SocialPost;
use serde_json::Value;

use super::{FormatError, text};

const FORMAT: &str = "X status";

/// One status, from `source`.
pub fn status(source: &str, v: &Value) -> Result<SocialPost, FormatError> {
    let id = text(&v["id_str"]).ok_or_else(|| FormatError::new(FORMAT, "no id_str"))?;
    let author = text(&v["user"]["screen_name"])
        .ok_or_else(|| FormatError::new(FORMAT, format!("status {id}: no user")))?;
    let body = text(&v["full_text"])
        .or_else(|| text(&v["text"]))
        .unwrap_or_default();
    Ok(SocialPost {
        source: source.to_owned(),
        platform: "x".into(),
        url: Some(format!("https://x.com/{author}/status/{id}")),
        author,
        text: body,
        posted_at: v["created_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_str(t, "%a %b %d %H:%M:%S %z %Y").ok())
            .map(|t| t.to_utc()),
        id,
    })
}

/// The statuses of a search answer (`{"statuses": […]}`) or a timeline (an array).
pub fn statuses(source: &str, doc: &Value) -> Result<Vec<SocialPost>, FormatError> {
    let list = doc["statuses"]
        .as_array()
        .or_else(|| doc.as_array())
        .ok_or_else(|| FormatError::new(FORMAT, "expected {\"statuses\": […]} or an array"))?;
    list.iter().map(|s| status(source, s)).collect()
}
