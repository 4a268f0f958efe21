//! The conformance harness every built-in source passes. Each source's
//! recorded fixture (tests/fixtures/feeds) is served from a local HTTP server
//! and collected into a fresh store through the real pipeline:
//!
//! 1. the parsed count, refusals and one entry's normalised values;
//! 2. the request the source makes (method, auth header with the key);
//! 3. a 304, the same content again, and the same feed zipped;
//! 4. the faults — HTTP 500, 429 with Retry-After, a timeout, truncated gzip,
//!    a gzip bomb, an HTML page, an empty body, a 404 — each a failed run with
//!    a clear error naming the source, no key in it, and the stored data
//!    exactly as it was.

use std::io::Write;
use std::time::Duration;

use exist_core::{Indicator, RunOutcome};
use exist_sources::{Catalogue, Config, Feed, HttpConfig, HttpDriver};
use exist_store::Store;
use exist_tests::{Reply, TestServer, fixture, sqlite_db};

/// What one source's fixture must give.
struct Case {
    source: &'static str,
    fixture: &'static str,
    /// Inputs read (data lines, rows, objects).
    read: u64,
    /// Distinct entries stored.
    new: u64,
    /// Inputs refused.
    rejected: u64,
    /// One listed indicator, as looked up.
    probe: &'static str,
    category: &'static str,
    description: Option<&'static str>,
    reference: Option<&'static str>,
}

const KEY: &str = "test-key-0123";

fn http() -> HttpDriver {
    HttpDriver::new(HttpConfig {
        request_timeout: Duration::from_millis(1500),
        backoff: Duration::from_millis(10),
        retries: 1,
        max_decompressed_bytes: 4 << 20,
        ..HttpConfig::default()
    })
    .expect("driver")
}

fn feed(name: &str, url: String) -> Feed {
    let catalogue =
        Catalogue::new(&Config::default(), &|_| Some(KEY.to_owned()), &http()).expect("catalogue");
    catalogue
        .get(name)
        .expect("built-in source")
        .clone()
        .with_url(url)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

fn zipped(name: &str, data: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .expect("zip");
    zip.write_all(data).expect("zip");
    zip.finish().expect("zip").into_inner()
}

/// Everything a user could see of the stored data for `probe`.
async fn snapshot(store: &Store, probe: &Indicator) -> String {
    let lookup = store.lookup(probe).await.expect("lookup");
    let stats = store
        .stats(36_500, chrono::Utc::now())
        .await
        .expect("stats");
    serde_json::json!({ "lookup": lookup, "sources": stats.by_source, "indicators": stats.indicators })
        .to_string()
}

fn seen_header(server: &TestServer, i: usize, name: &str) -> Option<String> {
    server
        .seen()
        .get(i)
        .and_then(|s| s.headers.get(name).cloned())
}

async fn conform(case: Case) {
    let body = std::fs::read(fixture(case.fixture)).expect("fixture");
    let server = TestServer::start().await;
    let path = "/feed";
    let html = "<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>";
    let mut cut = gzip(&body);
    cut.truncate(cut.len() / 2);
    let bomb = gzip(&vec![b'1'; 16 << 20]);
    let retry = Reply::status(429, "slow down").header("Retry-After", "1");
    let error = Reply::status(500, "<html><body>Internal Server Error</body></html>");
    server.route(
        path,
        vec![
            Reply::ok(body.clone()).header("ETag", "\"v1\""),
            Reply::status(304, ""),
            Reply::ok(body.clone()),
            Reply::ok(zipped("feed", &body)),
            error.clone(),
            error,
            retry.clone(),
            retry,
            Reply::ok(body.clone()).delayed(Duration::from_secs(4)),
            Reply::ok(cut),
            Reply::ok(bomb),
            Reply::ok(html),
            Reply::ok("\n"),
            Reply::status(404, "gone"),
        ],
    );

    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let feed = feed(case.source, server.url(path));
    let probe = Indicator::parse(case.probe).expect("probe");
    let name = case.source;

    // 1. The fixture.
    let run = store.collect(&feed).await.expect("collect");
    assert_eq!(run.outcome, RunOutcome::Ok, "{name}: {:?}", run.error);
    assert_eq!(
        (run.read, run.new, run.rejected),
        (case.read, case.new, case.rejected),
        "{name}: read, new, rejected; samples {:?}",
        run.rejected_samples
    );
    assert_eq!(run.rejected_samples.len() as u64, case.rejected.min(10));
    let hit = store.lookup(&probe).await.expect("lookup");
    let entry = hit
        .reputation
        .iter()
        .find(|h| h.source == name)
        .unwrap_or_else(|| panic!("{name}: {} not stored", case.probe));
    assert_eq!(entry.category.as_deref(), Some(case.category), "{name}");
    assert_eq!(entry.description.as_deref(), case.description, "{name}");
    assert_eq!(entry.reference.as_deref(), case.reference, "{name}");

    // 2. The request.
    let seen = server.seen();
    let spec = feed.spec();
    let method = if spec.post.is_some() { "POST" } else { "GET" };
    assert_eq!(seen[0].method, method, "{name}");
    if let Some(header) = spec.auth.as_ref().and_then(|a| a.header.as_ref()) {
        let sent = seen[0].headers.get(&header.to_ascii_lowercase());
        assert_eq!(sent.map(String::as_str), Some(KEY), "{name}: {header}");
    }
    for (k, v) in &spec.headers {
        let sent = seen[0].headers.get(&k.to_ascii_lowercase());
        assert_eq!(sent, Some(v), "{name}: {k}");
    }

    // 3. Unchanged content is skipped; a zipped copy parses the same.
    let before = snapshot(&store, &probe).await;
    for what in ["304", "same content"] {
        let run = store.collect(&feed).await.expect("collect");
        assert_eq!(run.outcome, RunOutcome::NotModified, "{name}: {what}");
    }
    assert_eq!(
        seen_header(&server, 1, "if-none-match").as_deref(),
        Some("\"v1\""),
        "{name}: conditional GET"
    );
    assert_eq!(snapshot(&store, &probe).await, before, "{name}: unchanged");
    let run = store.collect(&feed).await.expect("collect");
    assert_eq!(
        (run.outcome, run.read, run.new, run.rejected),
        (RunOutcome::Ok, case.read, 0, case.rejected),
        "{name}: zip {:?}",
        run.error
    );
    let before = snapshot(&store, &probe).await;

    // 4. Faults.
    for expected in [
        "HTTP 500",
        "HTTP 429",
        "timed out",
        "truncated",
        "larger than",
        "HTML page",
        "empty body",
        "HTTP 404",
    ] {
        let run = store.collect(&feed).await.expect("collect");
        assert_eq!(run.outcome, RunOutcome::Failed, "{name}: {expected}");
        let error = run.error.unwrap_or_default();
        assert!(
            error.contains(expected),
            "{name}: {error:?} lacks {expected:?}"
        );
        assert!(
            error.starts_with(name),
            "{name}: the error names the source: {error}"
        );
        assert!(!error.contains(KEY), "{name}: the key leaked: {error}");
        assert_eq!(
            snapshot(&store, &probe).await,
            before,
            "{name}: {expected} changed data"
        );
    }
    let runs = store.runs(Some(name), 100).await.expect("runs");
    assert_eq!(runs.len(), 12, "{name}: every run is recorded");
}

macro_rules! conformance {
    ($($test:ident: $case:expr;)*) => {$(
        #[tokio::test]
        async fn $test() {
            conform($case).await;
        }
    )*};
}

conformance! {
    urlhaus: Case {
        source: "urlhaus", fixture: "feeds/abusech/urlhaus/csv_recent.sample.csv",
        read: 61, new: 60, rejected: 1,
        probe: "http://124.255.20.23:51099/Mozi.m", category: "malware_download",
        description: Some("32-bit,elf,mips,Mozi"), reference: Some("https://urlhaus.abuse.ch/url/1938400/"),
    };
    threatfox: Case {
        source: "threatfox", fixture: "feeds/abusech/threatfox/get_iocs.sample.json",
        read: 6, new: 5, rejected: 1,
        probe: "67.213.75.205", category: "botnet_cc",
        description: Some("Cobalt Strike"), reference: Some("https://threatfox.abuse.ch/ioc/1290001/"),
    };
    feodotracker: Case {
        source: "feodotracker", fixture: "feeds/abusech/feodotracker/ipblocklist.sample.json",
        read: 10, new: 10, rejected: 0,
        probe: "50.116.78.109", category: "botnet_cc",
        description: Some("QakBot"), reference: Some("https://feodotracker.abuse.ch/browse/host/50.116.78.109/"),
    };
    sslbl: Case {
        source: "sslbl", fixture: "feeds/abusech/sslbl/sslipblacklist.cps.txt",
        read: 200, new: 197, rejected: 0,
        probe: "67.213.75.205", category: "botnet_cc", description: None, reference: None,
    };
    malwarebazaar: Case {
        source: "malwarebazaar", fixture: "feeds/abusech/malwarebazaar/get_recent.sample.json",
        read: 3, new: 2, rejected: 1,
        probe: "7d1c0b6e4f3a2918d5c6b7a8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f901234", category: "malware_sample",
        description: Some("RedLineStealer"),
        reference: Some("https://bazaar.abuse.ch/sample/7d1c0b6e4f3a2918d5c6b7a8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f901234/"),
    };
    openphish: Case {
        source: "openphish", fixture: "feeds/openphish/feed.sample.txt",
        read: 10, new: 10, rejected: 0,
        probe: "https://microsoft-365-mail.example/owa/login.php", category: "phishing", description: None, reference: None,
    };
    phishtank: Case {
        source: "phishtank", fixture: "feeds/phishtank/online-valid.sample.csv",
        read: 9, new: 8, rejected: 1,
        probe: "https://secure.bank-alerts.example/absa/login,verify.html", category: "phishing",
        description: Some("ABSA Bank"), reference: Some("http://www.phishtank.com/phish_detail.php?phish_id=8501003"),
    };
    cins: Case {
        source: "cins", fixture: "feeds/cins/ci-badguys.sample.txt",
        read: 40, new: 40, rejected: 0,
        probe: "77.90.185.20", category: "malicious_ip", description: None, reference: None,
    };
    blocklist_de: Case {
        source: "blocklist_de", fixture: "feeds/blocklistde/all.sample.txt",
        read: 50, new: 50, rejected: 0,
        probe: "66.132.224.234", category: "attacker", description: None, reference: None,
    };
    et_compromised: Case {
        source: "et_compromised", fixture: "feeds/emergingthreats/compromised-ips.sample.txt",
        read: 30, new: 30, rejected: 0,
        probe: "45.156.129.138", category: "compromised", description: None, reference: None,
    };
    spamhaus_drop: Case {
        source: "spamhaus_drop", fixture: "feeds/spamhaus/drop.sample.txt",
        read: 12, new: 12, rejected: 0,
        probe: "1.10.16.0/20", category: "drop",
        description: Some("SBL300100"), reference: Some("https://check.spamhaus.org/sbl/query/SBL300100"),
    };
    spamhaus_edrop: Case {
        source: "spamhaus_edrop", fixture: "feeds/spamhaus/edrop.sample.txt",
        read: 6, new: 6, rejected: 0,
        probe: "91.212.166.0/24", category: "drop",
        description: Some("SBL300217"), reference: Some("https://check.spamhaus.org/sbl/query/SBL300217"),
    };
    dshield_block: Case {
        source: "dshield_block", fixture: "feeds/dshield/block.sample.txt",
        read: 20, new: 20, rejected: 0,
        probe: "65.49.1.0/24", category: "attacker", description: Some("900 targets scanned"), reference: None,
    };
    dshield_domains: Case {
        source: "dshield_domains", fixture: "feeds/dshield/suspiciousdomains_High.sample.txt",
        read: 7, new: 6, rejected: 1,
        probe: "secure-0ffice365.example", category: "suspicious_domain", description: None, reference: None,
    };
    abuseipdb: Case {
        source: "abuseipdb", fixture: "feeds/abuseipdb/blacklist.sample.json",
        read: 4, new: 4, rejected: 0,
        probe: "2001:db8:85a3::8a2e:370:7334", category: "abusive_ip",
        description: Some("confidence 96%"), reference: Some("https://www.abuseipdb.com/check/2001:db8:85a3::8a2e:370:7334"),
    };
    ipsum: Case {
        source: "ipsum", fixture: "feeds/ipsum/ipsum.txt",
        read: 393, new: 393, rejected: 0,
        probe: "77.90.185.20", category: "malicious_ip", description: Some("on 10 blocklists"), reference: None,
    };
    maltrail: Case {
        source: "maltrail", fixture: "feeds/maltrail/emotet.txt",
        read: 2687, new: 1502, rejected: 5,
        probe: "66.210.228.178", category: "malware", description: Some("emotet"),
        reference: Some("https://github.com/stamparm/maltrail/blob/master/trails/static/malware/emotet.txt"),
    };
}
