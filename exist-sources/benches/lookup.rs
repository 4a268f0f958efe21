//! Lookup with the local enrichers: the store's hits plus GeoIP (MaxMind
//! test databases) and reverse DNS (answered once by a UDP responder on
//! loopback, then from the enrichment cache), all at once as `exist lookup
//! --enrich --only geoip,rdns` does. Reports p50/p99 in docs/benchmarks.md.
//!
//! Environment: `EXIST_BENCH_N` stored addresses (default 1,000,000),
//! `EXIST_BENCH_LOOKUPS` (default 20,000, over 1,000 distinct addresses).

use std::collections::BTreeMap;
use std::time::Instant;

use exist_core::Indicator;
use exist_sources::{EnrichConfig, EnrichOptions, EnricherSettings, Enrichers};
use exist_tests::bench::{env_u64, spread_ipv4, store_of_addresses};
use exist_tests::dns::{DnsServer, Name, RData, RecordType};
use hickory_proto::rr::rdata::PTR;

/// Answers every PTR query with `host.bench.example.`.
async fn ptr_responder() -> Result<DnsServer, Box<dyn std::error::Error>> {
    let target: Name = "host.bench.example.".parse()?;
    Ok(
        DnsServer::start(std::sync::Arc::new(move |_: &str, _: RecordType| {
            Some(vec![RData::PTR(PTR(target.clone()))])
        }))
        .await,
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = env_u64("EXIST_BENCH_N", 1_000_000);
    let lookups = env_u64("EXIST_BENCH_LOOKUPS", 20_000);
    let dir = tempfile::tempdir()?;
    let store = store_of_addresses(dir.path(), n).await?;

    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/geoip");
    let mut enrichers = BTreeMap::new();
    enrichers.insert(
        "geoip".to_owned(),
        EnricherSettings {
            city_db: Some(format!("{fixtures}/GeoIP2-City-Test.mmdb").into()),
            asn_db: Some(format!("{fixtures}/GeoLite2-ASN-Test.mmdb").into()),
            ..EnricherSettings::default()
        },
    );
    let dns = ptr_responder().await?;
    enrichers.insert(
        "dns".to_owned(),
        EnricherSettings {
            nameservers: vec![dns.addr.clone()],
            ..EnricherSettings::default()
        },
    );
    let config = EnrichConfig {
        enrichers,
        timeout: Some(5),
    };
    let e = Enrichers::new(&config, &|_| None)?;
    let options = EnrichOptions {
        only: Some(vec!["geoip".into(), "rdns".into()]),
        refresh: false,
    };
    // Half the addresses are stored, half not; 1,000 distinct, warmed once.
    let sample: Vec<Indicator> = (0..1000u64)
        .map(|i| {
            if i % 2 == 0 {
                spread_ipv4(i * 997 % n.max(1))
            } else {
                spread_ipv4(n + i)
            }
        })
        .map(|v| Indicator::parse(&v))
        .collect::<Result<_, _>>()?;
    for ind in &sample {
        let _ = e.enrich(&store, ind, &options).await;
    }
    let mut times = Vec::with_capacity(lookups as usize);
    for i in 0..lookups {
        let ind = &sample[(i % 1000) as usize];
        let t = Instant::now();
        let (local, remote) = tokio::join!(store.lookup(ind), e.enrich(&store, ind, &options));
        local?;
        if let Some(bad) = remote
            .iter()
            .find(|r| r.status != exist_core::EnrichStatus::Ok)
        {
            return Err(format!("{}: {:?}", bad.enricher, bad.error).into());
        }
        times.push(t.elapsed());
    }
    times.sort();
    let pct = |p: f64| {
        times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
    };
    println!(
        "lookup + geoip + cached rdns, {n} stored, {lookups} lookups: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}
