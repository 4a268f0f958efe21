//! DNS and reverse DNS against a DNS server started by the test on loopback:
//! a small UDP responder over a fixed zone (hickory-proto encodes the
//! messages), so the resolver's real wire path is exercised.

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::Arc;

use exist_core::{EnrichStatus, Indicator};
use exist_sources::{EnrichConfig, EnrichOptions, EnricherSettings, Enrichers};
use exist_store::Store;
use exist_tests::dns::{DnsServer, Name, RData, RecordType};
use exist_tests::sqlite_db;
use hickory_proto::rr::rdata::{A, AAAA, CNAME, MX, NS, PTR, SOA, TXT};
use serde_json::json;

type Zone = HashMap<(String, RecordType), Vec<RData>>;

fn name(s: &str) -> Name {
    Name::from_str(s).expect("name")
}

fn zone() -> Zone {
    let mut z: Zone = HashMap::new();
    let mut add =
        |n: &str, t: RecordType, d: RData| z.entry((n.to_owned(), t)).or_default().push(d);
    add(
        "evil.example.",
        RecordType::A,
        RData::A(A(Ipv4Addr::new(198, 51, 100, 7))),
    );
    add(
        "evil.example.",
        RecordType::A,
        RData::A(A(Ipv4Addr::new(198, 51, 100, 8))),
    );
    add(
        "evil.example.",
        RecordType::AAAA,
        RData::AAAA(AAAA(Ipv6Addr::from_str("2001:db8::7").expect("v6"))),
    );
    add(
        "evil.example.",
        RecordType::MX,
        RData::MX(MX::new(10, name("mx.evil.example."))),
    );
    add(
        "evil.example.",
        RecordType::NS,
        RData::NS(NS(name("ns1.dns.example."))),
    );
    add(
        "evil.example.",
        RecordType::TXT,
        RData::TXT(TXT::new(vec!["v=spf1 -all".into()])),
    );
    add(
        "evil.example.",
        RecordType::SOA,
        RData::SOA(SOA::new(
            name("ns1.dns.example."),
            name("hostmaster.evil.example."),
            2026112801,
            3600,
            600,
            86400,
            300,
        )),
    );
    add(
        "www.evil.example.",
        RecordType::CNAME,
        RData::CNAME(CNAME(name("evil.example."))),
    );
    add(
        "7.100.51.198.in-addr.arpa.",
        RecordType::PTR,
        RData::PTR(PTR(name("host7.evil.example."))),
    );
    z
}

/// Serves `zone` on a loopback port: a name not in it is NXDOMAIN.
async fn dns_server(zone: Zone) -> DnsServer {
    let names: Vec<String> = zone.keys().map(|(n, _)| n.clone()).collect();
    DnsServer::start(Arc::new(move |name: &str, t: RecordType| {
        names
            .iter()
            .any(|n| n == name)
            .then(|| zone.get(&(name.to_owned(), t)).cloned().unwrap_or_default())
    }))
    .await
}

async fn enrichers(addr: &str) -> Enrichers {
    let mut enrichers = BTreeMap::new();
    enrichers.insert(
        "dns".to_owned(),
        EnricherSettings {
            nameservers: vec![addr.to_owned()],
            ..EnricherSettings::default()
        },
    );
    let config = EnrichConfig {
        enrichers,
        timeout: Some(5),
    };
    Enrichers::new(&config, &|_| None).expect("enrichers")
}

fn only(names: &[&str]) -> EnrichOptions {
    EnrichOptions {
        only: Some(names.iter().map(|s| s.to_string()).collect()),
        refresh: false,
    }
}

#[tokio::test]
async fn dns_reads_every_record_type_and_rdns_the_ptr() {
    let server = dns_server(zone()).await;
    let e = enrichers(&server.addr).await;
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");

    let domain = Indicator::parse("evil.example").expect("domain");
    let r = e.enrich(&store, &domain, &only(&["dns"])).await;
    assert_eq!(r[0].status, EnrichStatus::Ok, "{:?}", r[0].error);
    let d = r[0].data.clone().expect("data");
    let mut a: Vec<String> = serde_json::from_value(d["a"].clone()).expect("a");
    a.sort();
    assert_eq!(a, ["198.51.100.7", "198.51.100.8"]);
    assert_eq!(d["aaaa"], json!(["2001:db8::7"]));
    assert_eq!(d["mx"], json!(["10 mx.evil.example."]));
    assert_eq!(d["ns"], json!(["ns1.dns.example."]));
    assert!(
        d["txt"][0]
            .as_str()
            .is_some_and(|t| t.contains("v=spf1 -all")),
        "{d}"
    );
    assert!(
        d["soa"][0]
            .as_str()
            .is_some_and(|s| s.starts_with("ns1.dns.example. hostmaster.evil.example. 2026112801")),
        "{d}"
    );
    assert_eq!(d["exists"], true);

    let www = Indicator::parse("www.evil.example").expect("domain");
    let r = e.enrich(&store, &www, &only(&["dns"])).await;
    assert_eq!(
        r[0].data.as_ref().map(|d| d["cname"].clone()),
        Some(json!(["evil.example."]))
    );

    let missing = Indicator::parse("nothing-here.example").expect("domain");
    let r = e.enrich(&store, &missing, &only(&["dns"])).await;
    assert_eq!(
        r[0].status,
        EnrichStatus::Ok,
        "NXDOMAIN is an answer: {:?}",
        r[0].error
    );
    assert_eq!(
        r[0].data.as_ref().map(|d| d["exists"].clone()),
        Some(json!(false))
    );

    let ip = Indicator::parse("198.51.100.7").expect("ip");
    let r = e.enrich(&store, &ip, &only(&["rdns"])).await;
    assert_eq!(
        r[0].data.as_ref().map(|d| d["ptr"].clone()),
        Some(json!(["host7.evil.example."]))
    );

    let asked = server.queries();
    let again = e.enrich(&store, &domain, &only(&["dns"])).await;
    assert!(again[0].cached);
    assert_eq!(server.queries(), asked, "a cached answer asks no server");
}

#[tokio::test]
async fn a_dead_nameserver_times_out_and_a_bad_one_is_not_configured() {
    // A bound socket that never answers.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = silent.local_addr().expect("addr").to_string();
    let mut enrichers = BTreeMap::new();
    enrichers.insert(
        "dns".to_owned(),
        EnricherSettings {
            nameservers: vec![addr],
            ..EnricherSettings::default()
        },
    );
    let config = EnrichConfig {
        enrichers,
        timeout: Some(2),
    };
    let e = Enrichers::new(&config, &|_| None).expect("enrichers");
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let domain = Indicator::parse("evil.example").expect("domain");
    let r = e.enrich(&store, &domain, &only(&["dns"])).await;
    assert!(
        matches!(r[0].status, EnrichStatus::TimedOut | EnrichStatus::Error),
        "{:?}",
        r[0]
    );
    assert!(r[0].error.is_some());

    let mut enrichers = BTreeMap::new();
    enrichers.insert(
        "dns".to_owned(),
        EnricherSettings {
            nameservers: vec!["not-an-address".into()],
            ..EnricherSettings::default()
        },
    );
    let config = EnrichConfig {
        enrichers,
        timeout: None,
    };
    let e = Enrichers::new(&config, &|_| None).expect("enrichers");
    let r = e.enrich(&store, &domain, &only(&["dns"])).await;
    assert_eq!(r[0].status, EnrichStatus::NotConfigured);
    assert!(
        r[0].error
            .as_deref()
            .is_some_and(|e| e.contains("not-an-address"))
    );
}
