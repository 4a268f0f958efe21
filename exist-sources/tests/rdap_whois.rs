//! RDAP against recorded registry answers on a local server, and whois over
//! TCP against local port-43 servers (a referral followed, as from IANA).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use exist_core::{EnrichStatus, Indicator, IndicatorKind};
use exist_sources::{EnrichConfig, EnrichOptions, EnricherSettings, Enrichers};
use exist_store::Store;
use exist_tests::{Reply, TestServer, fixture, sqlite_db};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn enrichers(name: &str, settings: EnricherSettings) -> Enrichers {
    let mut enrichers = BTreeMap::new();
    enrichers.insert(name.to_owned(), settings);
    let config = EnrichConfig {
        enrichers,
        timeout: Some(5),
    };
    Enrichers::new(&config, &|_| None).expect("enrichers")
}

async fn ask(e: &Enrichers, name: &str, indicator: Indicator) -> exist_core::Enrichment {
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let options = EnrichOptions {
        only: Some(vec![name.into()]),
        refresh: true,
    };
    let mut r = e.enrich(&store, &indicator, &options).await;
    assert_eq!(r.len(), 1);
    r.remove(0)
}

#[tokio::test]
async fn rdap_summarises_ip_asn_and_domain_answers() {
    let server = TestServer::start().await;
    for (path, file) in [
        (
            "/rdap/ip/62.239.237.1",
            "enrichment/rdap/ip_62.239.237.1.json",
        ),
        ("/rdap/autnum/16509", "enrichment/rdap/autnum_16509.json"),
        (
            "/rdap/domain/example.cz",
            "enrichment/rdap/domain_example.cz.rdap.nic.cz.json",
        ),
    ] {
        server.route(
            path,
            vec![Reply::ok(std::fs::read(fixture(file)).expect("fixture"))],
        );
    }
    let e = enrichers(
        "rdap",
        EnricherSettings {
            url: Some(server.url("/rdap")),
            ..EnricherSettings::default()
        },
    );

    let r = ask(&e, "rdap", Indicator::parse("62.239.237.1").expect("ip")).await;
    assert_eq!(r.status, EnrichStatus::Ok, "{:?}", r.error);
    let d = r.data.expect("data");
    assert_eq!(
        (d["name"].clone(), d["country"].clone()),
        (json!("BT-CORPORATE"), json!("GB"))
    );
    assert_eq!(
        d["start_address"], "62.239.237.0/32",
        "as the registry wrote it"
    );
    assert!(d["entities"].as_array().is_some_and(|e| !e.is_empty()));

    let r = ask(&e, "rdap", Indicator::parse("AS16509").expect("asn")).await;
    let d = r.data.expect("data");
    assert_eq!(
        (d["handle"].clone(), d["name"].clone()),
        (json!("AS16509"), json!("AMAZON-02"))
    );

    let r = ask(&e, "rdap", Indicator::parse("example.cz").expect("domain")).await;
    let d = r.data.expect("data");
    assert_eq!(d["name"], "example.cz");
    assert!(d["events"]["registration"].is_string(), "{d}");
    assert!(
        d["nameservers"].as_array().is_some_and(|n| !n.is_empty()),
        "{d}"
    );

    let r = ask(
        &e,
        "rdap",
        Indicator::parse("nothing.example").expect("domain"),
    )
    .await;
    assert_eq!(
        r.data.map(|d| d["found"].clone()),
        Some(json!(false)),
        "404: not found, not an error"
    );
}

/// A whois server answering `answer` to every query; records the queries.
async fn whois_server(answer: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let queries = Arc::new(Mutex::new(Vec::new()));
    let q = queries.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = vec![0u8; 512];
            let n = s.read(&mut buf).await.unwrap_or(0);
            q.lock()
                .expect("lock")
                .push(String::from_utf8_lossy(&buf[..n]).to_string());
            let _ = s.write_all(answer.as_bytes()).await;
            let _ = s.shutdown().await;
        }
    });
    (addr, queries)
}

#[tokio::test]
async fn whois_follows_a_referral_and_picks_out_the_fields() {
    let jprs =
        std::fs::read_to_string(fixture("enrichment/whois/git.jp.whois.txt")).expect("fixture");
    let (registry, registry_queries) = whois_server(jprs).await;
    let iana = format!("% IANA WHOIS server\n\ndomain:       JP\n\nrefer:        {registry}\n");
    let (root, root_queries) = whois_server(iana).await;
    let e = enrichers(
        "whois",
        EnricherSettings {
            server: Some(root.clone()),
            ..EnricherSettings::default()
        },
    );
    let r = ask(&e, "whois", Indicator::parse("git.jp").expect("domain")).await;
    assert_eq!(r.status, EnrichStatus::Ok, "{:?}", r.error);
    let d = r.data.expect("data");
    assert_eq!(d["referrals"], json!([root, registry]));
    assert_eq!(d["fields"]["domain_name"], "GIT.JP");
    assert_eq!(d["fields"]["created_on"], "2001/05/14");
    assert_eq!(
        d["fields"]["name_servers"],
        json!(["ns1.onamae.com", "ns2.onamae.com"])
    );
    assert!(d["raw"].as_str().is_some_and(|t| t.contains("GIT Co.,Ltd")));
    assert_eq!(
        root_queries.lock().expect("lock").as_slice(),
        ["git.jp\r\n"]
    );
    assert_eq!(
        registry_queries.lock().expect("lock").as_slice(),
        ["git.jp\r\n"]
    );

    // A domain the free-text parser refuses is looked up when asked for as a domain.
    let r = ask(
        &e,
        "whois",
        Indicator::parse_as(IndicatorKind::Domain, "crt.sh").expect("domain"),
    )
    .await;
    assert_eq!(r.status, EnrichStatus::Ok);

    let dead = enrichers(
        "whois",
        EnricherSettings {
            server: Some("127.0.0.1:9".into()),
            ..EnricherSettings::default()
        },
    );
    let r = ask(&dead, "whois", Indicator::parse("git.jp").expect("domain")).await;
    assert_eq!(r.status, EnrichStatus::Error);
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.contains("whois 127.0.0.1:9")),
        "{:?}",
        r.error
    );
}
