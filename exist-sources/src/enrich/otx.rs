//! AlienVault OTX passive DNS: which names pointed at an address, or where a
//! domain pointed, and when. Works without a key; `OTX_API_KEY` raises the
//! limits.

use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, KeyUse, at, list};

pub(crate) struct Otx;

impl Api for Otx {
    fn name(&self) -> &'static str {
        "otx"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        use IndicatorKind::*;
        &[Ipv4, Ipv6, Domain]
    }
    fn base(&self) -> &'static str {
        "https://otx.alienvault.com/api/v1"
    }
    fn key(&self) -> Option<KeySpec> {
        Some(KeySpec {
            env: "OTX_API_KEY",
            how: KeyUse::Header("X-OTX-API-KEY", ""),
            required: false,
        })
    }
    fn calls(&self, base: &str, indicator: &Indicator, _key: bool) -> Vec<Call> {
        let section = match indicator.kind() {
            IndicatorKind::Ipv4 => "IPv4",
            IndicatorKind::Ipv6 => "IPv6",
            _ => "domain",
        };
        vec![Call::get(format!(
            "{base}/indicators/{section}/{}/passive_dns",
            indicator.value()
        ))]
    }
    fn summarize(&self, _indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(v)) = answers.first() else {
            return json!({ "found": false });
        };
        json!({
            "found": at(v, "/count").as_u64().is_some_and(|n| n > 0),
            "count": at(v, "/count"),
            "passive_dns": list(v, "/passive_dns", 50, |r| json!({
                "hostname": at(r, "/hostname"),
                "address": at(r, "/address"),
                "record_type": at(r, "/record_type"),
                "first": at(r, "/first"),
                "last": at(r, "/last"),
                "asn": at(r, "/asn"),
            })),
        })
    }
}
