//! RDAP for addresses, AS numbers and domains. The server is found through
//! the IANA bootstrap files: bundled (`rdap/*.json`), replaced by newer ones
//! saved under `$EXIST_HOME/rdap/` (`exist enrich update-rdap-bootstrap`).
//! A domain whose TLD the bootstrap does not list goes through the rdap.org
//! redirector; a TLD with no RDAP at all (.jp, .de) answers "not found" here
//! and is the whois enricher's. `[enrich.rdap] url` sends every query to one
//! server (a mirror; tests).

use std::net::IpAddr;
use std::path::Path;

use exist_core::{EnrichError, Enricher, EnricherInfo, Indicator, IndicatorKind};
use ipnetwork::IpNetwork;
use serde::Deserialize;
use serde_json::{Value, json};

use super::api::{at, list};
use crate::http::{Downloaded, HttpDriver, Request};

/// The IANA bootstrap URLs, for refreshing the bundled copies.
pub const IANA_BOOTSTRAP: [(&str, &str); 4] = [
    ("dns", "https://data.iana.org/rdap/dns.json"),
    ("ipv4", "https://data.iana.org/rdap/ipv4.json"),
    ("ipv6", "https://data.iana.org/rdap/ipv6.json"),
    ("asn", "https://data.iana.org/rdap/asn.json"),
];

const FALLBACK: &str = "https://rdap.org/";

#[derive(Deserialize)]
struct BootstrapFile {
    services: Vec<(Vec<String>, Vec<String>)>,
}

/// The four bootstrap registries, as (key, base URL) pairs.
#[derive(Default)]
pub(crate) struct Bootstrap {
    dns: Vec<(String, String)>,
    ip: Vec<(IpNetwork, String)>,
    asn: Vec<(u32, u32, String)>,
}

fn read(home: Option<&Path>, name: &str, bundled: &'static str) -> Result<BootstrapFile, String> {
    let saved = home.map(|h| h.join("rdap").join(format!("{name}.json")));
    let text = match saved
        .as_deref()
        .and_then(|p| std::fs::read_to_string(p).ok())
    {
        Some(t) => t,
        None => bundled.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| format!("RDAP bootstrap {name}.json: {e}"))
}

/// The https URL of a service (bootstrap files list http and https).
fn https(urls: &[String]) -> Option<String> {
    urls.iter()
        .find(|u| u.starts_with("https://"))
        .or(urls.first())
        .map(|u| {
            if u.ends_with('/') {
                u.clone()
            } else {
                format!("{u}/")
            }
        })
}

impl Bootstrap {
    pub fn load(home: Option<&Path>) -> Result<Self, String> {
        let mut b = Self::default();
        for (keys, urls) in read(home, "dns", include_str!("rdap/dns.json"))?.services {
            if let Some(u) = https(&urls) {
                b.dns.extend(
                    keys.into_iter()
                        .map(|k| (k.to_ascii_lowercase(), u.clone())),
                );
            }
        }
        for (name, bundled) in [
            ("ipv4", include_str!("rdap/ipv4.json")),
            ("ipv6", include_str!("rdap/ipv6.json")),
        ] {
            for (keys, urls) in read(home, name, bundled)?.services {
                if let Some(u) = https(&urls) {
                    b.ip.extend(
                        keys.iter()
                            .filter_map(|k| k.parse().ok())
                            .map(|n| (n, u.clone())),
                    );
                }
            }
        }
        for (keys, urls) in read(home, "asn", include_str!("rdap/asn.json"))?.services {
            if let Some(u) = https(&urls) {
                for k in keys {
                    let (lo, hi) = k.split_once('-').unwrap_or((&k, &k));
                    if let (Ok(lo), Ok(hi)) = (lo.parse(), hi.parse()) {
                        b.asn.push((lo, hi, u.clone()));
                    }
                }
            }
        }
        Ok(b)
    }

    /// The base URL for a domain: the longest listed suffix.
    fn for_domain(&self, domain: &str) -> Option<&str> {
        self.dns
            .iter()
            .filter(|(tld, _)| domain == tld || domain.ends_with(&format!(".{tld}")))
            .max_by_key(|(tld, _)| tld.len())
            .map(|(_, u)| u.as_str())
    }

    /// The base URL for an address: the most specific listed network.
    fn for_ip(&self, ip: IpAddr) -> Option<&str> {
        self.ip
            .iter()
            .filter(|(n, _)| n.contains(ip))
            .max_by_key(|(n, _)| n.prefix())
            .map(|(_, u)| u.as_str())
    }

    fn for_asn(&self, asn: u32) -> Option<&str> {
        self.asn
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&asn))
            .map(|(_, _, u)| u.as_str())
    }
}

/// The RDAP enricher.
pub(crate) struct Rdap {
    pub bootstrap: Result<Bootstrap, String>,
    pub base: Option<String>,
    pub http: HttpDriver,
    pub ttl: u64,
}

impl Rdap {
    /// The query URL for `indicator`.
    fn url(&self, indicator: &Indicator) -> Result<String, String> {
        let b = self.bootstrap.as_ref().map_err(Clone::clone)?;
        let v = indicator.value();
        let (path, base) = match indicator.kind() {
            IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => {
                let ip: IpAddr = v.parse().map_err(|_| format!("{v} is not an address"))?;
                (format!("ip/{v}"), b.for_ip(ip))
            }
            IndicatorKind::Asn => {
                let n: u32 = v
                    .trim_start_matches("AS")
                    .parse()
                    .map_err(|_| format!("{v} is not an AS number"))?;
                (format!("autnum/{n}"), b.for_asn(n))
            }
            _ => (format!("domain/{v}"), b.for_domain(v)),
        };
        let base = match &self.base {
            Some(u) => format!("{}/", u.trim_end_matches('/')),
            None => base.unwrap_or(FALLBACK).to_owned(),
        };
        Ok(format!("{base}{path}"))
    }
}

/// The `fn` (formatted name) of an RDAP entity's vCard.
fn vcard_name(entity: &Value) -> Value {
    entity
        .pointer("/vcardArray/1")
        .and_then(Value::as_array)
        .and_then(|props| {
            props
                .iter()
                .find(|p| p.get(0).and_then(Value::as_str) == Some("fn"))
        })
        .map(|p| at(p, "/3"))
        .unwrap_or(Value::Null)
}

fn summarize(url: &str, v: &Value) -> Value {
    let events: serde_json::Map<String, Value> = v
        .get("events")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e.get("eventAction")?.as_str()?.to_owned(),
                at(e, "/eventDate"),
            ))
        })
        .collect();
    json!({
        "found": true,
        "server": url,
        "handle": at(v, "/handle"),
        "name": v.get("name").or(v.get("ldhName")).cloned().unwrap_or(Value::Null),
        "type": at(v, "/type"),
        "country": at(v, "/country"),
        "start_address": at(v, "/startAddress"),
        "end_address": at(v, "/endAddress"),
        "start_autnum": at(v, "/startAutnum"),
        "status": at(v, "/status"),
        "events": events,
        "nameservers": list(v, "/nameservers", 20, |n| at(n, "/ldhName")),
        "entities": list(v, "/entities", 20, |e| json!({
            "handle": at(e, "/handle"),
            "roles": at(e, "/roles"),
            "name": vcard_name(e),
        })),
        "port43": at(v, "/port43"),
    })
}

#[async_trait::async_trait]
impl Enricher for Rdap {
    fn info(&self) -> EnricherInfo {
        EnricherInfo {
            name: "rdap".into(),
            kinds: vec![
                IndicatorKind::Ipv4,
                IndicatorKind::Ipv6,
                IndicatorKind::Asn,
                IndicatorKind::Domain,
            ],
            ttl_secs: self.ttl,
            not_configured: self.bootstrap.as_ref().err().cloned(),
        }
    }

    async fn enrich(&self, indicator: &Indicator) -> Result<Value, EnrichError> {
        let url = self.url(indicator)?;
        let headers = [(
            "Accept".to_owned(),
            "application/rdap+json, application/json".to_owned(),
        )];
        let request = Request {
            url: &url,
            headers: &headers,
            ..Request::default()
        };
        let mut body = match self.http.fetch(&request).await {
            Ok(Downloaded::Body(d)) => d.body.file,
            Ok(Downloaded::NotModified) => return Err("unexpected 304".into()),
            Err(crate::Error::Status { status: 404, .. }) => {
                return Ok(json!({ "found": false, "server": url }));
            }
            Err(e) => return Err(e.to_string().into()),
        };
        let v: Value = tokio::task::spawn_blocking(move || {
            serde_json::from_reader(std::io::BufReader::new(&mut body))
        })
        .await
        .map_err(|e| format!("parsing the RDAP answer failed: {e}"))?
        .map_err(|e| format!("{url}: the answer is not RDAP JSON ({e})"))?;
        Ok(summarize(&url, &v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_bootstrap_routes_each_kind() {
        let b = Bootstrap::load(None).expect("bundled bootstrap");
        let ip = |s: &str| b.for_ip(s.parse().expect("ip")).map(str::to_owned);
        assert_eq!(
            ip("62.239.237.1").as_deref(),
            Some("https://rdap.db.ripe.net/")
        );
        assert_eq!(ip("1.1.1.1").as_deref(), Some("https://rdap.apnic.net/"));
        assert!(ip("2001:4860:4860::8888").is_some_and(|u| u.contains("arin")));
        assert!(b.for_asn(16509).is_some_and(|u| u.contains("arin")));
        assert_eq!(b.for_domain("example.cz"), Some("https://rdap.nic.cz/"));
        assert_eq!(
            b.for_domain("www.example.com"),
            Some("https://rdap.verisign.com/com/v1/")
        );
        assert_eq!(b.for_domain("git.jp"), None);
    }
}
