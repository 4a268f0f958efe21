//! Store benchmarks (`cargo bench -p exist-store --bench store`): bulk import
//! of an indicator list and lookup latency. Numbers go to docs/benchmarks.md.
//!
//! Environment: `EXIST_BENCH_N` entries (default 1,000,000),
//! `EXIST_BENCH_URL` database (default a temporary SQLite file),
//! `EXIST_BENCH_LOOKUPS` lookups (default 20,000; half present, half absent),
//! `EXIST_BENCH_REIMPORT=0` to skip the second import (for very large N).

use std::io::Write;
use std::time::Instant;

use exist_core::Indicator;
use exist_store::Store;

/// A deterministic list mixing the kinds blocklists carry: half IPv4, a
/// quarter domains, a quarter URLs.
fn line(i: u64) -> String {
    let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    match i % 4 {
        0 | 1 => format!(
            "{}.{}.{}.{}",
            1 + (h >> 56) % 223,
            (h >> 48) & 255,
            (h >> 40) & 255,
            (h >> 32) & 255
        ),
        2 => format!("host{:x}.bad{}.example", h >> 20, i % 997),
        _ => format!(
            "http://dl{}.bad{}.example/p/{:x}.exe",
            i % 5003,
            i % 997,
            h >> 16
        ),
    }
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let n: u64 = std::env::var("EXIST_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let lookups: u64 = std::env::var("EXIST_BENCH_LOOKUPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("EXIST_BENCH_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let list = dir.path().join("list.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&list)?);
        for i in 0..n {
            writeln!(f, "{}", line(i))?;
        }
    }
    let t = Instant::now();
    let parsed =
        exist_core::IndicatorListReader::new(std::fs::File::open(&list)?, "bench")?.count();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "parse only: {parsed} lines in {secs:.2} s = {:.0} lines/s (one core)",
        parsed as f64 / secs
    );
    let store = Store::open(&url).await?;
    let t = Instant::now();
    let summary = store
        .import_list(std::fs::File::open(&list)?, "bench", chrono::Utc::now())
        .await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "import: {} lines ({} new) in {secs:.2} s = {:.0} indicators/s, peak RSS {:.0} MB ({})",
        summary.list.read,
        summary.new,
        summary.list.read as f64 / secs,
        peak_rss_mb(),
        exist_store::redact_url(&url)
    );
    if std::env::var("EXIST_BENCH_REIMPORT").as_deref() != Ok("0") {
        let t = Instant::now();
        let again = store
            .import_list(std::fs::File::open(&list)?, "bench", chrono::Utc::now())
            .await?;
        println!(
            "re-import (unchanged list): {:.2} s, {} updated",
            t.elapsed().as_secs_f64(),
            again.updated
        );
    }

    let mut lat = Vec::with_capacity(lookups as usize);
    let mut hits = 0;
    for k in 0..lookups {
        let value = if k % 2 == 0 {
            line((k * 7919) % n)
        } else {
            format!("198.18.{}.{}", (k >> 8) & 255, k & 255)
        };
        let ind = Indicator::parse(&value)?;
        let t = Instant::now();
        let found = store.lookup(&ind).await?;
        lat.push(t.elapsed().as_secs_f64() * 1e3);
        hits += usize::from(!found.is_empty());
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "lookup: {lookups} lookups ({hits} found) p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        lat[lat.len() - 1]
    );
    Ok(())
}
