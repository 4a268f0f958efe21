//! GeoIP against MaxMind's own test databases (GeoIP2-City-Test and
//! GeoLite2-ASN-Test, tests/fixtures/geoip).

use std::collections::BTreeMap;

use exist_core::{EnrichStatus, Indicator};
use exist_sources::{EnrichConfig, EnrichOptions, EnricherSettings, Enrichers};
use exist_store::Store;
use exist_tests::{fixture, sqlite_db};
use serde_json::json;

fn geoip(settings: EnricherSettings) -> Enrichers {
    let mut enrichers = BTreeMap::new();
    enrichers.insert("geoip".to_owned(), settings);
    let config = EnrichConfig {
        enrichers,
        timeout: None,
    };
    Enrichers::new(&config, &|_| None).expect("enrichers")
}

async fn ask(e: &Enrichers, value: &str) -> exist_core::Enrichment {
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let options = EnrichOptions {
        only: Some(vec!["geoip".into()]),
        refresh: false,
    };
    let ip = Indicator::parse(value).expect("ip");
    e.enrich(&store, &ip, &options).await.remove(0)
}

#[tokio::test]
async fn city_and_asn_from_the_maxmind_test_databases() {
    let e = geoip(EnricherSettings {
        city_db: Some(fixture("geoip/GeoIP2-City-Test.mmdb")),
        asn_db: Some(fixture("geoip/GeoLite2-ASN-Test.mmdb")),
        ..EnricherSettings::default()
    });
    let r = ask(&e, "81.2.69.142").await;
    assert_eq!(r.status, EnrichStatus::Ok, "{:?}", r.error);
    let d = r.data.expect("data");
    assert_eq!(
        (d["country_code"].clone(), d["city"].clone()),
        (json!("GB"), json!("London"))
    );
    assert_eq!(d["found"], true);
    assert!(
        d["latitude"].is_number() && d["time_zone"] == "Europe/London",
        "{d}"
    );

    let r = ask(&e, "1.128.0.0").await;
    let d = r.data.expect("data");
    assert_eq!(d["asn"], 1221);
    assert_eq!(d["as_organization"], "Telstra Pty Ltd");

    let r = ask(&e, "2001:db8::1").await;
    assert_eq!(
        r.data.map(|d| d["found"].clone()),
        Some(json!(false)),
        "an address in neither database"
    );
}

#[tokio::test]
async fn without_databases_geoip_is_not_configured_and_says_how() {
    let r = ask(&geoip(EnricherSettings::default()), "81.2.69.142").await;
    assert_eq!(r.status, EnrichStatus::NotConfigured);
    assert!(r.error.as_deref().is_some_and(|e| e.contains("city_db")));
    let missing = geoip(EnricherSettings {
        city_db: Some("/nonexistent/GeoLite2-City.mmdb".into()),
        ..EnricherSettings::default()
    });
    let r = ask(&missing, "81.2.69.142").await;
    assert_eq!(r.status, EnrichStatus::NotConfigured);
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.contains("/nonexistent/GeoLite2-City.mmdb"))
    );
}
