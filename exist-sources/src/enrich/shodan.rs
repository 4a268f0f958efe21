//! Shodan: with `SHODAN_API_KEY`, the host API (open ports, banners' products,
//! vulnerabilities); without, the keyless InternetDB (ports, CPEs, tags,
//! vulnerabilities). A base URL set in exist.toml serves both, InternetDB
//! under `/internetdb/`.

use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, KeyUse, at, list};

pub(crate) struct Shodan;

const API: &str = "https://api.shodan.io";
const INTERNETDB: &str = "https://internetdb.shodan.io";

impl Api for Shodan {
    fn name(&self) -> &'static str {
        "shodan"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        &[IndicatorKind::Ipv4, IndicatorKind::Ipv6]
    }
    fn base(&self) -> &'static str {
        API
    }
    fn key(&self) -> Option<KeySpec> {
        Some(KeySpec {
            env: "SHODAN_API_KEY",
            how: KeyUse::Query("key"),
            required: false,
        })
    }
    fn calls(&self, base: &str, indicator: &Indicator, key: bool) -> Vec<Call> {
        let ip = indicator.value();
        if key {
            vec![Call::get(format!("{base}/shodan/host/{ip}"))]
        } else if base == API {
            vec![Call::get(format!("{INTERNETDB}/{ip}"))]
        } else {
            vec![Call::get(format!("{base}/internetdb/{ip}"))]
        }
    }
    fn summarize(&self, indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(v)) = answers.first() else {
            return json!({ "found": false });
        };
        let link = format!("https://www.shodan.io/host/{}", indicator.value());
        if v.get("data").is_some() || v.get("ip_str").is_some() {
            json!({
                "found": true, "source": "host", "link": link,
                "ports": at(v, "/ports"), "hostnames": at(v, "/hostnames"),
                "org": at(v, "/org"), "isp": at(v, "/isp"), "asn": at(v, "/asn"),
                "os": at(v, "/os"), "country_code": at(v, "/country_code"),
                "vulns": at(v, "/vulns"), "tags": at(v, "/tags"),
                "last_update": at(v, "/last_update"),
                "services": list(v, "/data", 20, |s| json!({
                    "port": at(s, "/port"), "transport": at(s, "/transport"),
                    "product": at(s, "/product"), "version": at(s, "/version"),
                    "timestamp": at(s, "/timestamp"),
                })),
            })
        } else {
            json!({
                "found": true, "source": "internetdb", "link": link,
                "ports": at(v, "/ports"), "hostnames": at(v, "/hostnames"),
                "cpes": at(v, "/cpes"), "tags": at(v, "/tags"), "vulns": at(v, "/vulns"),
            })
        }
    }
}
