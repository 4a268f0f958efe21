//! urlscan.io search: earlier scans of the domain, URL or address, newest
//! first, with their result and screenshot links. Works without a key;
//! `URLSCAN_API_KEY` raises the limits.

use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, KeyUse, at, list, with_query};

pub(crate) struct UrlScan;

impl Api for UrlScan {
    fn name(&self) -> &'static str {
        "urlscan"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        use IndicatorKind::*;
        &[Ipv4, Ipv6, Domain, Url]
    }
    fn base(&self) -> &'static str {
        "https://urlscan.io/api/v1"
    }
    fn key(&self) -> Option<KeySpec> {
        Some(KeySpec {
            env: "URLSCAN_API_KEY",
            how: KeyUse::Header("API-Key", ""),
            required: false,
        })
    }
    fn calls(&self, base: &str, indicator: &Indicator, _key: bool) -> Vec<Call> {
        let v = indicator.value();
        let q = match indicator.kind() {
            IndicatorKind::Domain => format!("domain:{v}"),
            IndicatorKind::Url => format!("page.url:\"{}\"", v.replace('"', "\\\"")),
            _ => format!("ip:\"{v}\""),
        };
        vec![Call::get(with_query(
            &format!("{base}/search/"),
            &[("q", &q), ("size", "10")],
        ))]
    }
    fn summarize(&self, _indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(v)) = answers.first() else {
            return json!({ "found": false });
        };
        json!({
            "found": at(v, "/total").as_u64().is_some_and(|n| n > 0),
            "total": at(v, "/total"),
            "scans": list(v, "/results", 10, |r| json!({
                "time": at(r, "/task/time"),
                "url": at(r, "/page/url"),
                "domain": at(r, "/page/domain"),
                "ip": at(r, "/page/ip"),
                "country": at(r, "/page/country"),
                "status": at(r, "/page/status"),
                "result": at(r, "/result"),
                "screenshot": at(r, "/screenshot"),
            })),
        })
    }
}
