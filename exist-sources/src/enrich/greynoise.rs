//! GreyNoise Community API: is the address internet background noise (a
//! scanner) or a known benign service (RIOT)? Works without a key at a low
//! rate; `GREYNOISE_API_KEY` raises it. A 404 means "not observed".

use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, KeyUse, at};

pub(crate) struct GreyNoise;

impl Api for GreyNoise {
    fn name(&self) -> &'static str {
        "greynoise"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        &[IndicatorKind::Ipv4]
    }
    fn base(&self) -> &'static str {
        "https://api.greynoise.io/v3/community"
    }
    fn key(&self) -> Option<KeySpec> {
        Some(KeySpec {
            env: "GREYNOISE_API_KEY",
            how: KeyUse::Header("key", ""),
            required: false,
        })
    }
    fn calls(&self, base: &str, indicator: &Indicator, _key: bool) -> Vec<Call> {
        vec![Call::get(format!("{base}/{}", indicator.value()))]
    }
    fn summarize(&self, indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(v)) = answers.first() else {
            return json!({ "found": false, "message": "not observed by GreyNoise" });
        };
        json!({
            "found": true,
            "noise": at(v, "/noise"),
            "riot": at(v, "/riot"),
            "classification": at(v, "/classification"),
            "name": at(v, "/name"),
            "last_seen": at(v, "/last_seen"),
            "link": v.get("link").cloned().unwrap_or_else(|| json!(format!("https://viz.greynoise.io/ip/{}", indicator.value()))),
        })
    }
}
