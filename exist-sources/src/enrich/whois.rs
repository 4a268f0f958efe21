//! whois over TCP port 43: the fallback for TLDs without RDAP (.jp at JPRS,
//! .de at DENIC, …) and for registries whose whois says more than their
//! RDAP (JPNIC for Japanese address space). Other queries start at
//! whois.iana.org and follow its `refer:` line; an APNIC answer for JPNIC
//! space is followed to whois.nic.ad.jp. The answer is kept as text (capped)
//! with the common fields picked out.

use std::time::Duration;

use exist_core::{EnrichError, Enricher, EnricherInfo, Indicator, IndicatorKind};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The most a whois answer may be.
const MAX_ANSWER: u64 = 1 << 20;
/// The most of the raw text shown.
const MAX_SHOWN: usize = 16 * 1024;
/// Referrals followed at most.
const MAX_HOPS: usize = 2;

/// Registries of TLDs that have no RDAP, asked directly (with the query
/// suffix that asks for English).
const NO_RDAP: [(&str, &str, &str); 3] = [
    ("jp", "whois.jprs.jp", "/e"),
    ("de", "whois.denic.de", ""),
    ("cn", "whois.cnnic.cn", ""),
];

/// The whois enricher.
pub(crate) struct Whois {
    pub server: Option<String>,
    pub ttl: u64,
}

fn with_port(server: &str) -> String {
    if server.contains(':') {
        server.to_owned()
    } else {
        format!("{server}:43")
    }
}

async fn ask(server: &str, query: &str) -> Result<String, String> {
    let addr = with_port(server);
    let mut stream = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(&addr))
        .await
        .map_err(|_| format!("whois {addr}: connect timed out"))?
        .map_err(|e| format!("whois {addr}: {e}"))?;
    stream
        .write_all(format!("{query}\r\n").as_bytes())
        .await
        .map_err(|e| format!("whois {addr}: {e}"))?;
    let mut raw = Vec::new();
    (&mut stream)
        .take(MAX_ANSWER)
        .read_to_end(&mut raw)
        .await
        .map_err(|e| format!("whois {addr}: {e}"))?;
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

/// The server a whois answer refers to, if any.
fn referral(text: &str) -> Option<String> {
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        if (k == "refer" || k == "whois" || k == "referralserver") && !v.is_empty() {
            let v = v
                .trim_start_matches("whois://")
                .trim_start_matches("rwhois://");
            return Some(v.trim_end_matches('/').to_owned());
        }
    }
    // APNIC answers for address space JPNIC manages point at it only in prose.
    if text.contains("JPNIC") {
        return Some("whois.nic.ad.jp".into());
    }
    None
}

/// `key: value` and JPRS/JPNIC `[key] value` lines, first value per key
/// (lists for name servers).
fn fields(text: &str) -> Value {
    let mut out = serde_json::Map::new();
    let mut nameservers: Vec<Value> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with('%') || line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let kv = if let Some(rest) = line.strip_prefix('[') {
            rest.split_once(']').map(|(k, v)| (k.trim(), v.trim()))
        } else {
            line.split_once(':').map(|(k, v)| (k.trim(), v.trim()))
        };
        let Some((k, v)) = kv else { continue };
        if k.is_empty() || v.is_empty() || k.len() > 40 || k.starts_with("http") {
            continue;
        }
        let key = k.to_ascii_lowercase().replace(' ', "_");
        if key.contains("name_server") || key == "nserver" || key == "nameserver" {
            nameservers.push(json!(v.to_ascii_lowercase()));
            continue;
        }
        out.entry(key).or_insert_with(|| json!(v));
    }
    if !nameservers.is_empty() {
        out.insert("name_servers".into(), Value::Array(nameservers));
    }
    Value::Object(out)
}

impl Whois {
    /// The first server and query for `indicator`.
    fn start(&self, indicator: &Indicator) -> (String, String) {
        let v = indicator.value().to_owned();
        if let Some(s) = &self.server {
            return (s.clone(), v);
        }
        if indicator.kind() == IndicatorKind::Domain {
            let tld = v.rsplit('.').next().unwrap_or("");
            if let Some((_, server, suffix)) = NO_RDAP.iter().find(|(t, _, _)| *t == tld) {
                return ((*server).to_owned(), format!("{v}{suffix}"));
            }
        }
        ("whois.iana.org".into(), v)
    }
}

#[async_trait::async_trait]
impl Enricher for Whois {
    fn info(&self) -> EnricherInfo {
        EnricherInfo {
            name: "whois".into(),
            kinds: vec![
                IndicatorKind::Domain,
                IndicatorKind::Ipv4,
                IndicatorKind::Ipv6,
                IndicatorKind::Asn,
            ],
            ttl_secs: self.ttl,
            not_configured: None,
        }
    }

    async fn enrich(&self, indicator: &Indicator) -> Result<Value, EnrichError> {
        let (mut server, query) = self.start(indicator);
        let mut text = ask(&server, &query).await?;
        let mut chain = vec![server.clone()];
        for _ in 0..MAX_HOPS {
            let Some(next) = referral(&text) else { break };
            if chain.contains(&next) {
                break;
            }
            let q = if next == "whois.nic.ad.jp" {
                format!("{query}/e")
            } else {
                query.clone()
            };
            text = ask(&next, &q).await?;
            server = next;
            chain.push(server.clone());
        }
        let shown: String = text.chars().take(MAX_SHOWN).collect();
        Ok(json!({
            "server": server,
            "referrals": chain,
            "fields": fields(&text),
            "raw": shown,
            "truncated": text.chars().count() > MAX_SHOWN,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrals_and_fields() {
        assert_eq!(
            referral("refer:        whois.apnic.net\n").as_deref(),
            Some("whois.apnic.net")
        );
        assert_eq!(
            referral("ReferralServer:  whois://whois.ripe.net\n").as_deref(),
            Some("whois.ripe.net")
        );
        assert_eq!(referral("netname: X\n"), None);
        let apnic = "inetnum: 133.0.0.0 - 133.255.255.255\nnetname: JPNIC-NET-JP\ndescr: Japan Network Information Center\n";
        assert_eq!(
            referral(apnic).as_deref(),
            Some("whois.nic.ad.jp"),
            "JPNIC space goes to JPNIC"
        );
        let f = fields(
            "[Domain Name]  GIT.JP\n[Name Server]  ns1.onamae.com\n[Name Server] ns2.onamae.com\nRegistrar: Example\n",
        );
        assert_eq!(f["domain_name"], "GIT.JP");
        assert_eq!(
            f["name_servers"],
            json!(["ns1.onamae.com", "ns2.onamae.com"])
        );
        assert_eq!(f["registrar"], "Example");
    }
}
