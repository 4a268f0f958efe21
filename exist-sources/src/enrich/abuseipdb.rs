//! AbuseIPDB API v2 `check`: the confidence of abuse, reports and who runs
//! the address.

use exist_core::{Indicator, IndicatorKind};
use serde_json::{Value, json};

use super::api::{Api, Call, KeySpec, KeyUse, at, with_query};

pub(crate) struct AbuseIpDb;

impl Api for AbuseIpDb {
    fn name(&self) -> &'static str {
        "abuseipdb"
    }
    fn kinds(&self) -> &'static [IndicatorKind] {
        &[IndicatorKind::Ipv4, IndicatorKind::Ipv6]
    }
    fn base(&self) -> &'static str {
        "https://api.abuseipdb.com/api/v2"
    }
    fn key(&self) -> Option<KeySpec> {
        Some(KeySpec {
            env: "ABUSEIPDB_API_KEY",
            how: KeyUse::Header("Key", ""),
            required: true,
        })
    }
    fn calls(&self, base: &str, indicator: &Indicator, _key: bool) -> Vec<Call> {
        vec![Call::get(with_query(
            &format!("{base}/check"),
            &[("ipAddress", indicator.value()), ("maxAgeInDays", "90")],
        ))]
    }
    fn summarize(&self, indicator: &Indicator, answers: Vec<Option<Value>>) -> Value {
        let Some(Some(v)) = answers.first() else {
            return json!({ "found": false });
        };
        let d = at(v, "/data");
        json!({
            "found": true,
            "link": format!("https://www.abuseipdb.com/check/{}", indicator.value()),
            "abuse_confidence_score": at(&d, "/abuseConfidenceScore"),
            "total_reports": at(&d, "/totalReports"),
            "distinct_users": at(&d, "/numDistinctUsers"),
            "last_reported_at": at(&d, "/lastReportedAt"),
            "country_code": at(&d, "/countryCode"),
            "usage_type": at(&d, "/usageType"),
            "isp": at(&d, "/isp"),
            "domain": at(&d, "/domain"),
            "hostnames": at(&d, "/hostnames"),
            "is_tor": at(&d, "/isTor"),
            "is_whitelisted": at(&d, "/isWhitelisted"),
        })
    }
}
