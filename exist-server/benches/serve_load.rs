//! Load on the lookup route: `GET /api/v1/indicators/{value}` over HTTP at a
//! fixed rate (open loop: each request is sent at its scheduled time and its
//! latency counted from then, so a stall is not hidden by waiting), against
//! `exist serve` with 1M indicators in SQLite, a bearer token and the per-
//! token rate limiter on. Reports p50/p90/p99/max and errors; the numbers
//! are in docs/benchmarks.md.
//!
//! Environment: `EXIST_BENCH_N` stored indicators (default 1,000,000),
//! `EXIST_BENCH_RATE` requests per second (500), `EXIST_BENCH_SECONDS` (30).
//! 9 lookups in 10 are of stored addresses, 1 in 10 of absent ones.

use std::sync::Arc;
use std::time::Duration;

use exist_sources::inspect::{InspectConfig, Inspector};
use exist_sources::{Catalogue, Config, EnrichConfig, Enrichers, Exist, HttpConfig, HttpDriver};
use exist_store::Scope;
use exist_tests::bench::{env_u64, spread_ipv4, store_of_addresses};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let n = env_u64("EXIST_BENCH_N", 1_000_000);
    let rate = env_u64("EXIST_BENCH_RATE", 500).max(1);
    let seconds = env_u64("EXIST_BENCH_SECONDS", 30).max(1);

    let dir = tempfile::tempdir()?;
    let store = store_of_addresses(dir.path(), n).await?;
    let (token, _) = store.create_token("bench", Scope::Read).await?;

    let home = dir.path().join("home");
    std::fs::create_dir_all(&home)?;
    let http = HttpDriver::new(HttpConfig::default())?;
    let catalogue = Catalogue::new(&Config::default(), &|_| None, &http)?;
    let enrichers = Enrichers::new(&EnrichConfig::default(), &|_| None)?;
    let inspector = Inspector::new(InspectConfig::default(), &home)?;
    let exist = Arc::new(Exist::from_parts(
        home, store, catalogue, enrichers, inspector,
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/api/v1/indicators", listener.local_addr()?);
    let options = exist_server::ServeOptions {
        // Twice the offered load: the limiter is on but never refuses.
        rate_per_minute: u32::try_from(rate * 120).unwrap_or(u32::MAX),
        ..Default::default()
    };
    tokio::spawn(exist_server::serve(
        listener,
        exist,
        options,
        std::future::pending(),
    ));

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(5))
        .build()?;
    // Warm-up: connections and the page cache.
    for i in 0..200 {
        let _ = client
            .get(format!("{base}/{}", spread_ipv4(i * 7919)))
            .bearer_auth(&token)
            .send()
            .await;
    }

    let total = rate * seconds;
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let at = start + interval * u32::try_from(i).unwrap_or(u32::MAX);
        tokio::time::sleep_until(at).await;
        let value = if i % 10 == 9 {
            format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)
        } else {
            spread_ipv4((i * 104_729) % n)
        };
        let req = client.get(format!("{base}/{value}")).bearer_auth(&token);
        tasks.push(tokio::spawn(async move {
            let ok = match req.send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            };
            (at.elapsed(), ok)
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    let mut errors = 0u64;
    for t in tasks {
        let (latency, ok) = t.await?;
        if !ok {
            errors += 1;
        }
        latencies.push(latency);
    }
    let wall = start.elapsed().as_secs_f64();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "GET /api/v1/indicators/{{value}}: {n} stored, {total} requests at {rate}/s over {wall:.1} s"
    );
    println!(
        "  p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms  errors {errors} ({:.3}%)",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0)),
        errors as f64 * 100.0 / total as f64
    );
    Ok(())
}
