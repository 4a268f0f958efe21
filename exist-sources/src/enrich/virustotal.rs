//! VirusTotal API v3: the object (detections, reputation, owner, names) and,
//! for addresses and domains, their latest passive-DNS resolutions. The free
//! tier allows 4 requests a minute, shared by every lookup in the process.

use base64::Engine as _;
use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, KeyUse, at, list};

pub(crate) struct VirusTotal;

impl Api for VirusTotal {
    fn name(&self) -> &'static str {
        "virustotal"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        use IndicatorKind::*;
        &[Ipv4, Ipv6, Domain, Url, Md5, Sha1, Sha256]
    }
    fn base(&self) -> &'static str {
        "https://www.virustotal.com/api/v3"
    }
    fn key(&self) -> Option<KeySpec> {
        Some(KeySpec {
            env: "VIRUSTOTAL_API_KEY",
            how: KeyUse::Header("x-apikey", ""),
            required: true,
        })
    }
    fn per_minute(&self) -> Option<u32> {
        Some(4)
    }
    fn calls(&self, base: &str, indicator: &Indicator, _key: bool) -> Vec<Call> {
        let v = indicator.value();
        match indicator.kind() {
            IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => vec![
                Call::get(format!("{base}/ip_addresses/{v}")),
                Call::get(format!("{base}/ip_addresses/{v}/resolutions?limit=10")),
            ],
            IndicatorKind::Domain => vec![
                Call::get(format!("{base}/domains/{v}")),
                Call::get(format!("{base}/domains/{v}/resolutions?limit=10")),
            ],
            IndicatorKind::Url => {
                let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
                vec![Call::get(format!("{base}/urls/{id}"))]
            }
            _ => vec![Call::get(format!("{base}/files/{v}"))],
        }
    }
    fn summarize(&self, indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(object)) = answers.first() else {
            return json!({ "found": false });
        };
        let a = at(object, "/data/attributes");
        let id = at(object, "/data/id");
        let gui = match indicator.kind() {
            IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => "ip-address",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            _ => "file",
        };
        let mut out = json!({
            "found": true,
            "link": format!("https://www.virustotal.com/gui/{gui}/{}", id.as_str().unwrap_or(indicator.value())),
            "last_analysis_stats": at(&a, "/last_analysis_stats"),
            "reputation": at(&a, "/reputation"),
            "tags": at(&a, "/tags"),
        });
        let extra = match indicator.kind() {
            IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => json!({
                "as_owner": at(&a, "/as_owner"), "asn": at(&a, "/asn"),
                "country": at(&a, "/country"), "network": at(&a, "/network"),
            }),
            IndicatorKind::Domain => json!({
                "registrar": at(&a, "/registrar"), "creation_date": at(&a, "/creation_date"),
                "categories": at(&a, "/categories"),
            }),
            IndicatorKind::Url => json!({
                "url": at(&a, "/url"), "last_final_url": at(&a, "/last_final_url"),
                "title": at(&a, "/title"), "categories": at(&a, "/categories"),
                "threat_names": at(&a, "/threat_names"),
            }),
            _ => json!({
                "type_description": at(&a, "/type_description"), "size": at(&a, "/size"),
                "meaningful_name": at(&a, "/meaningful_name"),
                "names": list(&a, "/names", 10, Value::clone),
                "threat_label": at(&a, "/popular_threat_classification/suggested_threat_label"),
                "sha256": at(&a, "/sha256"), "md5": at(&a, "/md5"), "sha1": at(&a, "/sha1"),
            }),
        };
        if let (Value::Object(o), Value::Object(e)) = (&mut out, extra) {
            o.extend(e);
        }
        if let (Some(Some(res)), Value::Object(o)) = (answers.get(1), &mut out) {
            o.insert(
                "resolutions".into(),
                list(res, "/data", 10, |r| {
                    json!({
                        "host_name": at(r, "/attributes/host_name"),
                        "ip_address": at(r, "/attributes/ip_address"),
                        "date": at(r, "/attributes/date"),
                    })
                }),
            );
        }
        out
    }
}
