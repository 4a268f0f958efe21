//! Mastodon statuses (`GET /api/v1/timelines/…`, `/accounts/:id/statuses`)
//! into [`SocialPost`]s. The content is HTML; it becomes plain text (tags
//! dropped, entities decoded, paragraphs and line breaks kept as newlines).

use chrono::DateTime;
use exist_core::SocialPost;
use serde_json::Value;

use super::{FormatError, text};

const FORMAT: &str = "Mastodon status";

/// Plain text of a status's HTML content.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        if (tag.starts_with("br") || tag.starts_with('p'))
            && !out.ends_with('\n')
            && !out.is_empty()
        {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    decode_entities(out.trim())
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One status, from `source`.
pub fn status(source: &str, v: &Value) -> Result<SocialPost, FormatError> {
    let id = text(&v["id"]).ok_or_else(|| FormatError::new(FORMAT, "no id"))?;
    let author = text(&v["account"]["acct"])
        .ok_or_else(|| FormatError::new(FORMAT, format!("status {id}: no account")))?;
    Ok(SocialPost {
        source: source.to_owned(),
        platform: "mastodon".into(),
        author,
        text: html_to_text(v["content"].as_str().unwrap_or("")),
        url: text(&v["url"]),
        posted_at: v["created_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.to_utc()),
        id,
    })
}

/// Every status of a timeline (a JSON array).
pub fn timeline(source: &str, doc: &Value) -> Result<Vec<SocialPost>, FormatError> {
    doc.as_array()
        .ok_or_else(|| FormatError::new(FORMAT, "a timeline is a JSON array"))?
        .iter()
        .map(|s| status(source, s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_with_entities_decoded() {
        assert_eq!(
            html_to_text(
                "<p>C2 at <a href=\"x\">evil[.]example</a> &amp; 198.51.100.7</p><p>2nd&#39;s</p>"
            ),
            "C2 at evil[.]example & 198.51.100.7\n2nd's"
        );
        assert_eq!(html_to_text("a<br>b &unknown; &#x41;"), "a\nb &unknown; A");
    }
}
