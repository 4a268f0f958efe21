//! Every HTTP enricher against recorded answers of its service, served by a
//! local server: what the lookup shows, the request it makes (key where the
//! service wants it), and its faults — a refused key, the rate limit, a
//! server error, a timeout, a missing key — each a status that says why,
//! with no key in it. Then the cache, and that a slow enricher holds up no
//! other.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use exist_core::{EnrichStatus, Enrichment, Indicator};
use exist_sources::{EnrichConfig, EnrichOptions, EnricherSettings, Enrichers};
use exist_store::Store;
use exist_tests::{Reply, TestServer, fixture, sqlite_db};
use serde_json::Value;

const KEY: &str = "k3y-for-tests-0123456789";

fn config(server: &TestServer, timeout: u64) -> EnrichConfig {
    let mut enrichers = BTreeMap::new();
    for name in [
        "virustotal",
        "abuseipdb",
        "shodan",
        "censys",
        "greynoise",
        "urlscan",
        "otx",
        "malwarebazaar",
        "crtsh",
    ] {
        enrichers.insert(
            name.to_owned(),
            EnricherSettings {
                url: Some(server.url(&format!("/{name}"))),
                ..EnricherSettings::default()
            },
        );
    }
    EnrichConfig {
        timeout: Some(timeout),
        enrichers,
    }
}

fn enrichers(server: &TestServer, with_keys: bool) -> Enrichers {
    let env = move |_: &str| with_keys.then(|| KEY.to_owned());
    Enrichers::new(&config(server, 2), &env).expect("enrichers")
}

fn body(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn one(e: &Enrichers, store: &Store, name: &str, value: &str) -> Enrichment {
    // crt.sh reads like a shell script to the free-text parser; as a lookup
    // an analyst asks for the domain.
    let indicator = Indicator::parse(value)
        .or_else(|_| Indicator::parse_as(exist_core::IndicatorKind::Domain, value))
        .expect("indicator");
    let options = EnrichOptions {
        only: Some(vec![name.to_owned()]),
        refresh: true,
    };
    let mut out = e.enrich(store, &indicator, &options).await;
    assert_eq!(out.len(), 1, "{name} applies to {value}");
    out.remove(0)
}

fn data(e: &Enrichment) -> &Value {
    assert_eq!(e.status, EnrichStatus::Ok, "{}: {:?}", e.enricher, e.error);
    e.data.as_ref().expect("data")
}

#[tokio::test]
async fn each_enricher_reads_its_service() {
    let server = TestServer::start().await;
    let routes: &[(&str, &str)] = &[
        (
            "/virustotal/ip_addresses/1.1.1.1",
            "enrichment/virustotal/ip_addresses_1.1.1.1.json",
        ),
        (
            "/virustotal/ip_addresses/1.1.1.1/resolutions?limit=10",
            "enrichment/virustotal/ip_addresses_1.1.1.1_resolutions.json",
        ),
        (
            "/virustotal/urls/aHR0cDovL2V4YW1wbGUuY29tLw",
            "enrichment/virustotal/urls_example.com.json",
        ),
        (
            "/virustotal/files/03bd9a94482f180bb047626cb2f27ccf8daa0e201345480b43585580e09c311b",
            "enrichment/virustotal/files_object.wrapped.json",
        ),
        (
            "/abuseipdb/check?ipAddress=198.51.100.23&maxAgeInDays=90",
            "enrichment/abuseipdb/check_198.51.100.23.sample.json",
        ),
        (
            "/shodan/shodan/host/198.51.100.23?key=k3y-for-tests-0123456789",
            "enrichment/shodan/host_198.51.100.23.sample.json",
        ),
        (
            "/censys/hosts/8.8.8.8",
            "enrichment/censys/v2_hosts_view_8.8.8.8.json",
        ),
        (
            "/greynoise/198.51.100.23",
            "enrichment/greynoise/community_198.51.100.23.sample.json",
        ),
        (
            "/urlscan/search/?q=domain%3Aexample.com&size=10",
            "enrichment/urlscan/search_domain_example.com.first5.json",
        ),
        (
            "/otx/indicators/IPv4/89.35.39.84/passive_dns",
            "enrichment/otx/indicators_IPv4_89.35.39.84_passive_dns.json",
        ),
        (
            "/otx/indicators/domain/jppost-tu.top/passive_dns",
            "enrichment/otx/indicators_domain_passive_dns.json",
        ),
        (
            "/malwarebazaar/",
            "enrichment/malwarebazaar/get_info.sample.json",
        ),
        (
            "/crtsh/?q=%25.crt.sh&output=json",
            "enrichment/crtsh/crtsh_identity_json.json",
        ),
    ];
    for (path, file) in routes {
        server.route(path, vec![Reply::ok(body(file))]);
    }
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let e = enrichers(&server, true);

    let vt = one(&e, &store, "virustotal", "1.1.1.1").await;
    let d = data(&vt);
    assert_eq!(d["as_owner"], "Cloudflare, Inc.");
    assert_eq!(d["country"], "AU");
    assert_eq!(d["resolutions"].as_array().map(Vec::len), Some(10));
    assert_eq!(
        d["link"],
        "https://www.virustotal.com/gui/ip-address/1.1.1.1"
    );
    let vt = one(&e, &store, "virustotal", "http://example.com/").await;
    assert_eq!(data(&vt)["url"], "http://example.com/");
    let vt = one(
        &e,
        &store,
        "virustotal",
        "03bd9a94482f180bb047626cb2f27ccf8daa0e201345480b43585580e09c311b",
    )
    .await;
    assert_eq!(data(&vt)["meaningful_name"], "itami.exe");
    assert_eq!(data(&vt)["size"], 44032);

    let a = one(&e, &store, "abuseipdb", "198.51.100.23").await;
    assert_eq!(data(&a)["abuse_confidence_score"], 87);
    assert_eq!(data(&a)["total_reports"], 152);

    let s = one(&e, &store, "shodan", "198.51.100.23").await;
    assert_eq!(
        (data(&s)["source"].clone(), data(&s)["ports"].clone()),
        ("host".into(), serde_json::json!([22, 80, 443]))
    );
    assert_eq!(data(&s)["services"][0]["product"], "OpenSSH");

    let c = one(&e, &store, "censys", "8.8.8.8").await;
    assert_eq!(data(&c)["location"]["country"], "United States");
    assert_eq!(data(&c)["services"][0]["service_name"], "DNS");

    let g = one(&e, &store, "greynoise", "198.51.100.23").await;
    assert_eq!(
        (
            data(&g)["noise"].clone(),
            data(&g)["classification"].clone()
        ),
        (true.into(), "malicious".into())
    );

    let u = one(&e, &store, "urlscan", "example.com").await;
    assert_eq!(data(&u)["total"], 1511);
    assert_eq!(data(&u)["scans"][0]["url"], "https://example.com/");

    let o = one(&e, &store, "otx", "89.35.39.84").await;
    assert_eq!(data(&o)["count"], 34);
    assert_eq!(data(&o)["passive_dns"][0]["hostname"], "jppost-ga.co");
    let o = one(&e, &store, "otx", "jppost-tu.top").await;
    assert_eq!(data(&o)["passive_dns"][0]["address"], "193.148.69.37");

    let m = one(
        &e,
        &store,
        "malwarebazaar",
        "7d1c0b6e4f3a2918d5c6b7a8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f901234",
    )
    .await;
    assert_eq!(data(&m)["signature"], "RedLineStealer");

    let cr = one(&e, &store, "crtsh", "crt.sh").await;
    assert_eq!(data(&cr)["certificates"], 12);
    assert_eq!(data(&cr)["subdomains"][0], "crt.sh");

    // The requests: each key where its service wants it.
    let seen = server.seen();
    let find = |prefix: &str| {
        seen.iter()
            .find(|s| s.path.starts_with(prefix))
            .cloned()
            .expect(prefix)
    };
    assert_eq!(
        find("/virustotal/")
            .headers
            .get("x-apikey")
            .map(String::as_str),
        Some(KEY)
    );
    assert_eq!(
        find("/abuseipdb/").headers.get("key").map(String::as_str),
        Some(KEY)
    );
    assert!(
        find("/censys/")
            .headers
            .get("authorization")
            .is_some_and(|v| v.starts_with("Basic "))
    );
    assert_eq!(find("/malwarebazaar/").method, "POST");
    assert_eq!(
        find("/malwarebazaar/")
            .headers
            .get("auth-key")
            .map(String::as_str),
        Some(KEY)
    );
    assert_eq!(
        find("/otx/")
            .headers
            .get("x-otx-api-key")
            .map(String::as_str),
        Some(KEY)
    );
}

#[tokio::test]
async fn keyless_services_answer_without_a_key_and_keyed_ones_say_what_is_missing() {
    let server = TestServer::start().await;
    server.route(
        "/shodan/internetdb/120.78.59.202",
        vec![Reply::ok(body(
            "enrichment/shodan/internetdb_120.78.59.202.json",
        ))],
    );
    server.route(
        "/greynoise/192.0.2.77",
        vec![Reply::status(
            404,
            body("enrichment/greynoise/community_not_observed.sample.json"),
        )],
    );
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let e = enrichers(&server, false);
    let s = one(&e, &store, "shodan", "120.78.59.202").await;
    assert_eq!(data(&s)["source"], "internetdb");
    assert_eq!(
        data(&s)["ports"],
        serde_json::json!([22, 80, 443, 3306, 8081, 8090])
    );
    let g = one(&e, &store, "greynoise", "192.0.2.77").await;
    assert_eq!(data(&g)["found"], false);
    for (name, value, env) in [
        ("virustotal", "1.1.1.1", "VIRUSTOTAL_API_KEY"),
        ("abuseipdb", "1.1.1.1", "ABUSEIPDB_API_KEY"),
        ("censys", "1.1.1.1", "CENSYS_API_KEY"),
        (
            "malwarebazaar",
            "0123456789abcdef0123456789abcdef",
            "ABUSECH_AUTH_KEY",
        ),
    ] {
        let r = one(&e, &store, name, value).await;
        assert_eq!(r.status, EnrichStatus::NotConfigured, "{name}");
        assert_eq!(
            r.error.as_deref(),
            Some(format!("needs an API key: set {env}").as_str())
        );
    }
    assert_eq!(
        server.seen().len(),
        2,
        "nothing sent for unconfigured enrichers"
    );
}

#[tokio::test]
async fn faults_are_statuses_that_say_why_without_the_key() {
    let server = TestServer::start().await;
    server.route(
        "/virustotal/ip_addresses/192.0.2.1",
        vec![Reply::status(
            401,
            "{\"error\":{\"code\":\"WrongCredentialsError\"}}",
        )],
    );
    server.route(
        "/censys/hosts/192.0.2.2",
        vec![Reply::status(
            429,
            body("enrichment/censys/v2_error_rate_limit.json"),
        )],
    );
    server.route(
        "/abuseipdb/check?ipAddress=192.0.2.3&maxAgeInDays=90",
        vec![Reply::status(500, "<html>oops</html>")],
    );
    server.route(
        "/otx/indicators/IPv4/192.0.2.4/passive_dns",
        vec![Reply::ok("{}").delayed(Duration::from_secs(5))],
    );
    server.route(
        "/shodan/shodan/host/192.0.2.5?key=k3y-for-tests-0123456789",
        vec![Reply::status(401, "{\"error\": \"Invalid API key\"}")],
    );
    server.route(
        "/urlscan/search/?q=domain%3Abroken.example&size=10",
        vec![Reply::ok("<html>maintenance</html>")],
    );
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let e = enrichers(&server, true);
    for (name, value, status, says) in [
        (
            "virustotal",
            "192.0.2.1",
            EnrichStatus::Error,
            "the key in $VIRUSTOTAL_API_KEY was refused",
        ),
        ("censys", "192.0.2.2", EnrichStatus::Error, "rate limit"),
        ("abuseipdb", "192.0.2.3", EnrichStatus::Error, "HTTP 500"),
        (
            "otx",
            "192.0.2.4",
            EnrichStatus::TimedOut,
            "no answer within 2 s",
        ),
        ("shodan", "192.0.2.5", EnrichStatus::Error, "HTTP 401"),
        ("urlscan", "broken.example", EnrichStatus::Error, "not JSON"),
    ] {
        let r = one(&e, &store, name, value).await;
        assert_eq!(r.status, status, "{name}: {:?}", r.error);
        let error = r.error.unwrap_or_default();
        assert!(error.contains(says), "{name}: {error:?} lacks {says:?}");
        assert!(!error.contains(KEY), "{name}: the key leaked: {error}");
        assert!(r.data.is_none(), "{name}");
    }
}

#[tokio::test]
async fn answers_are_cached_until_refresh_and_slow_enrichers_block_no_other() {
    let server = TestServer::start().await;
    server.route(
        "/abuseipdb/check?ipAddress=198.51.100.23&maxAgeInDays=90",
        vec![Reply::ok(body(
            "enrichment/abuseipdb/check_198.51.100.23.sample.json",
        ))],
    );
    server.route(
        "/greynoise/198.51.100.23",
        vec![
            Reply::ok(body(
                "enrichment/greynoise/community_198.51.100.23.sample.json",
            ))
            .delayed(Duration::from_millis(1500)),
        ],
    );
    server.route(
        "/shodan/shodan/host/198.51.100.23?key=k3y-for-tests-0123456789",
        vec![Reply::ok("{}").delayed(Duration::from_secs(5))],
    );
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let e = enrichers(&server, true);
    let ip = Indicator::parse("198.51.100.23").expect("ip");
    let only = |names: &[&str], refresh| EnrichOptions {
        only: Some(names.iter().map(|s| s.to_string()).collect()),
        refresh,
    };
    let started = Instant::now();
    let all = e
        .enrich(
            &store,
            &ip,
            &only(&["abuseipdb", "greynoise", "shodan"], false),
        )
        .await;
    let took = started.elapsed();
    let status: Vec<(String, EnrichStatus)> =
        all.iter().map(|r| (r.enricher.clone(), r.status)).collect();
    assert_eq!(
        status,
        [
            ("abuseipdb".into(), EnrichStatus::Ok),
            ("shodan".into(), EnrichStatus::TimedOut),
            ("greynoise".into(), EnrichStatus::Ok),
        ]
    );
    assert!(
        took < Duration::from_millis(3500),
        "run concurrently: {took:?}"
    );

    let again = e.enrich(&store, &ip, &only(&["abuseipdb"], false)).await;
    assert!(again[0].cached, "served from the cache");
    assert_eq!(again[0].data, all[0].data);
    let requests = |s: &TestServer| {
        s.seen()
            .iter()
            .filter(|r| r.path.starts_with("/abuseipdb/"))
            .count()
    };
    assert_eq!(requests(&server), 1);
    let fresh = e.enrich(&store, &ip, &only(&["abuseipdb"], true)).await;
    assert!(!fresh[0].cached);
    assert_eq!(requests(&server), 2, "--refresh asks again");
}

#[tokio::test]
async fn one_rate_limiter_per_service_spaces_every_callers_requests() {
    let server = TestServer::start().await;
    for i in 1..=3 {
        server.route(
            &format!("/virustotal/files/{:032x}", i),
            vec![Reply::ok("{\"data\": {\"id\": \"x\", \"attributes\": {}}}")],
        );
    }
    let mut config = config(&server, 10);
    if let Some(vt) = config.enrichers.get_mut("virustotal") {
        vt.per_minute = Some(120); // one request every 0.5 s…
        vt.burst = Some(1); // …none saved up
    }
    let e = Enrichers::new(&config, &|_| Some(KEY.to_owned())).expect("enrichers");
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let started = Instant::now();
    // Three lookups at once, as three users of one server would make them.
    let runs = (1..=3).map(|i| {
        let (e, store) = (&e, &store);
        async move {
            let hash = Indicator::parse(&format!("{:032x}", i)).expect("md5");
            e.enrich(
                store,
                &hash,
                &EnrichOptions {
                    only: Some(vec!["virustotal".into()]),
                    refresh: true,
                },
            )
            .await
        }
    });
    let results = futures_util::future::join_all(runs).await;
    let took = started.elapsed();
    assert!(
        results.iter().all(|r| r[0].status == EnrichStatus::Ok),
        "{results:?}"
    );
    assert!(
        took >= Duration::from_millis(950),
        "three calls spaced 0.5 s apart took {took:?}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
}
