//! Censys Search API v2 `hosts/{ip}`: services seen on the address, where it
//! is and who announces it. The key variable holds `API_ID:SECRET`.

use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, KeyUse, at, list};

pub(crate) struct Censys;

impl Api for Censys {
    fn name(&self) -> &'static str {
        "censys"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        &[IndicatorKind::Ipv4, IndicatorKind::Ipv6]
    }
    fn base(&self) -> &'static str {
        "https://search.censys.io/api/v2"
    }
    fn key(&self) -> Option<KeySpec> {
        Some(KeySpec {
            env: "CENSYS_API_KEY",
            how: KeyUse::Basic,
            required: true,
        })
    }
    fn per_minute(&self) -> Option<u32> {
        Some(10)
    }
    fn calls(&self, base: &str, indicator: &Indicator, _key: bool) -> Vec<Call> {
        vec![Call::get(format!("{base}/hosts/{}", indicator.value()))]
    }
    fn summarize(&self, indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(v)) = answers.first() else {
            return json!({ "found": false });
        };
        let r = at(v, "/result");
        json!({
            "found": true,
            "link": format!("https://search.censys.io/hosts/{}", indicator.value()),
            "last_updated_at": at(&r, "/last_updated_at"),
            "location": {
                "country": at(&r, "/location/country"), "country_code": at(&r, "/location/country_code"),
                "city": at(&r, "/location/city"), "continent": at(&r, "/location/continent"),
            },
            "autonomous_system": {
                "asn": at(&r, "/autonomous_system/asn"), "name": at(&r, "/autonomous_system/name"),
                "prefix": at(&r, "/autonomous_system/bgp_prefix"),
            },
            "services": list(&r, "/services", 50, |s| json!({
                "port": at(s, "/port"), "service_name": at(s, "/service_name"),
                "transport_protocol": at(s, "/transport_protocol"),
                "extended_service_name": at(s, "/extended_service_name"),
                "observed_at": at(s, "/observed_at"),
            })),
        })
    }
}
