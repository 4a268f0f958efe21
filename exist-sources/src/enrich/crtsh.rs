//! crt.sh: certificates logged for a domain and its subdomains — the
//! subdomain names an analyst pivots on. Keyless; slow at times, so it has a
//! long cache.

use std::collections::BTreeSet;

use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, with_query};

pub(crate) struct CrtSh;

impl Api for CrtSh {
    fn name(&self) -> &'static str {
        "crtsh"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        &[IndicatorKind::Domain]
    }
    fn base(&self) -> &'static str {
        "https://crt.sh"
    }
    fn key(&self) -> Option<KeySpec> {
        None
    }
    fn ttl(&self) -> u64 {
        7 * 86_400
    }
    fn calls(&self, base: &str, indicator: &Indicator, _key: bool) -> Vec<Call> {
        let q = format!("%.{}", indicator.value());
        vec![Call::get(with_query(
            &format!("{base}/"),
            &[("q", &q), ("output", "json")],
        ))]
    }
    fn summarize(&self, indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(Value::Array(certs))) = answers.first() else {
            return json!({ "found": false, "certificates": 0, "subdomains": [] });
        };
        let domain = indicator.value();
        let suffix = format!(".{domain}");
        let mut names = BTreeSet::new();
        let mut newest: Option<&str> = None;
        for c in certs {
            for field in ["name_value", "common_name"] {
                if let Some(v) = c.get(field).and_then(Value::as_str) {
                    for name in v.split('\n') {
                        let name = name.trim().trim_start_matches("*.").to_ascii_lowercase();
                        if name == domain || name.ends_with(&suffix) {
                            names.insert(name);
                        }
                    }
                }
            }
            if let Some(nb) = c.get("not_before").and_then(Value::as_str)
                && newest.is_none_or(|n| nb > n)
            {
                newest = Some(nb);
            }
        }
        let total = names.len();
        json!({
            "found": !certs.is_empty(),
            "certificates": certs.len(),
            "newest_not_before": newest,
            "subdomain_count": total,
            "subdomains": names.into_iter().take(200).collect::<Vec<_>>(),
            "link": format!("https://crt.sh/?q=%25.{domain}"),
        })
    }
}
