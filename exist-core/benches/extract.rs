//! Extraction throughput on a threat-report-like corpus (`cargo bench -p
//! exist-core --bench extract`). Prints MB/s of one core; results are recorded
//! in docs/benchmarks.md.
//!
//! The corpus mixes prose with indicators the way reports do: defanged URLs and
//! hosts, hashes, CVEs, addresses with ports, Markdown links, Japanese text, and
//! the repository's real fixture texts (MISP events, tweets), about 1 indicator
//! per 150 bytes.

use std::time::Instant;

fn corpus(target_bytes: usize) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");
    let mut real = String::new();
    for f in [
        "misp/event_existing_unwrapped.json",
        "misp/event_japanese_text.json",
        "social/twitter/search_tweets.json",
    ] {
        real.push_str(&std::fs::read_to_string(format!("{root}{f}")).unwrap_or_default());
    }
    let paragraphs = [
        "The actor delivered the loader from hxxps://cdn-update[.]example/dl/setup.exe and beaconed to 198.51.100.23:8443 \
         every 60 seconds. The sample (SHA-256 3208efe96d14f5a6a2840daecbead6b0f4d73c5a05192a1a8eef8b50bbfb4bc1) exploits \
         CVE-2023-4966 on unpatched gateways. ",
        "## Infrastructure\n\n| host | first seen |\n|---|---|\n| mail[.]bad-actor[.]example | 2024-03-01 |\n| \
         [portal.login-secure.example](https://portal.login-secure.example/auth?next=%2F) | 2024-03-02 |\n\n",
        "攻撃者は phishing-site.example に誘導し、認証情報を窃取した。通信先：203.0.113.77、C2 ドメインは c2[.]example.jp である。\n",
        "Defenders should block the md5 d41d8cd98f00b204e9800998ecf8427e and monitor for connections to AS64496 and \
         2001:db8:85a3::8a2e:370:7334. Version 3.3.14.5 of the agent and Chrome/131.0.0.0 user agents were observed; \
         the file invoice.pdf dropped libc.so. Contact soc@victim.example for details.\n",
        "In what could only be a joke, a new ransomware has been discovered that will decrypt your files if you play a \
         game for an hour. It encrypts files on the user's desktop and appends the .PUBG extension to them. ",
    ];
    let mut text = String::with_capacity(target_bytes + 100_000);
    let mut i = 0;
    while text.len() < target_bytes {
        text.push_str(paragraphs[i % paragraphs.len()]);
        if i % 50 == 0 {
            text.push_str(&real[..real.len().min(20_000)]);
        }
        i += 1;
    }
    text
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return; // `cargo test --benches` only checks that it runs
    }
    let text = corpus(32 << 20);
    let mb = text.len() as f64 / 1e6;
    let mut best = f64::MAX;
    let mut found = 0;
    for _ in 0..5 {
        let t = Instant::now();
        found = exist_core::extract(&text).len();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let parsed_per_sec = {
        let lines: Vec<&str> = text.split_whitespace().take(1_000_000).collect();
        let t = Instant::now();
        let ok = lines
            .iter()
            .filter(|w| exist_core::Indicator::parse(w).is_ok())
            .count();
        (lines.len() as f64 / t.elapsed().as_secs_f64(), ok)
    };
    println!(
        "extract: {mb:.1} MB corpus, best of 5: {best:.3} s = {:.0} MB/s, {found} distinct indicators",
        mb / best
    );
    println!(
        "parse:   {:.0} words/s ({} indicators among 1M whitespace-separated words)",
        parsed_per_sec.0, parsed_per_sec.1
    );
}
