//! DNS and reverse DNS against a DNS server started by the test on loopback:
//! a small UDP responder over a fixed zone (hickory-proto encodes the
//! messages), so the resolver's real wire path is exercised.

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use exist_core::{EnrichStatus, Indicator};
use exist_sources::{EnrichConfig, EnrichOptions, EnricherSettings, Enrichers};
use exist_store::Store;
use exist_tests::sqlite_db;
use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, MX, NS, PTR, SOA, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use serde_json::json;
use tokio::net::UdpSocket;

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

/// Serves `zone` on a loopback UDP port; counts the queries it answers.
async fn dns_server(zone: Zone) -> (String, Arc<Mutex<usize>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    let addr = socket.local_addr().expect("addr").to_string();
    let count = Arc::new(Mutex::new(0usize));
    let counter = count.clone();
    let names: Vec<String> = zone.keys().map(|(n, _)| n.clone()).collect();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            *counter.lock().expect("lock") += 1;
            let mut reply = Message::new(query.metadata.id, MessageType::Response, OpCode::Query);
            reply.metadata.recursion_desired = query.metadata.recursion_desired;
            reply.metadata.recursion_available = true;
            reply.metadata.authoritative = true;
            for q in &query.queries {
                reply.add_query(q.clone());
                let qname = q.name().to_ascii().to_ascii_lowercase();
                let qname = if qname.ends_with('.') {
                    qname
                } else {
                    format!("{qname}.")
                };
                if !names.contains(&qname) {
                    reply.metadata.response_code = ResponseCode::NXDomain;
                    continue;
                }
                for data in zone
                    .get(&(qname.clone(), q.query_type()))
                    .into_iter()
                    .flatten()
                {
                    reply.add_answer(Record::from_rdata(q.name().clone(), 300, data.clone()));
                }
            }
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    (addr, count)
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
    let (addr, queries) = dns_server(zone()).await;
    let e = enrichers(&addr).await;
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

    let asked = *queries.lock().expect("lock");
    let again = e.enrich(&store, &domain, &only(&["dns"])).await;
    assert!(again[0].cached);
    assert_eq!(
        *queries.lock().expect("lock"),
        asked,
        "a cached answer asks no server"
    );
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
