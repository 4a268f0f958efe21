//! What the lookup benchmarks share: their settings from the environment
//! and a SQLite store holding `n` distinct IPv4 addresses.

use std::time::Instant;

use exist_store::Store;

/// The `i`-th benchmark address, spread over 11.0.0.0–210.255.255.255
/// (distinct for every `i` below 200 × 2²⁴).
pub fn spread_ipv4(i: u64) -> String {
    let x = (i.wrapping_mul(2_654_435_761) % (200 << 24)) as u32 + (11 << 24);
    std::net::Ipv4Addr::from(x).to_string()
}

/// The whole number in environment variable `name`, else `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A SQLite store in `dir` with the first `n` [`spread_ipv4`] addresses
/// imported as source `bench` (the time it took is printed).
pub async fn store_of_addresses(
    dir: &std::path::Path,
    n: u64,
) -> Result<Store, Box<dyn std::error::Error>> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let store = Store::open(&url).await?;
    let list: String = (0..n).map(|i| spread_ipv4(i) + "\n").collect();
    let t = Instant::now();
    store
        .import_list(
            std::io::Cursor::new(list.into_bytes()),
            "bench",
            chrono::Utc::now(),
        )
        .await?;
    eprintln!("stored {n} addresses in {:.1} s", t.elapsed().as_secs_f64());
    Ok(store)
}
