//! `exist sources`, `exist collect` and `exist worker` as users run them:
//! feeds served from a local HTTP server or read from `file://`, keys from
//! the environment (never printed), configuration from `exist.toml`.

use assert_cmd::Command;
use exist_tests::{Reply, TestServer, fixture};
use predicates::prelude::*;

const SECRET: &str = "s3cret-abuse-key-value";

fn exist(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("exist").expect("binary");
    c.env("EXIST_HOME", home)
        .env_remove("EXIST_DATABASE_URL")
        .env_remove("ABUSECH_AUTH_KEY")
        .env_remove("ABUSEIPDB_API_KEY")
        .env_remove("PHISHTANK_APP_KEY");
    c
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

fn file_url(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn sources_list_shows_the_catalogue_and_never_a_key() {
    let home = tempfile::tempdir().expect("tmp");
    let out = exist(home.path())
        .args(["sources", "list", "--json"])
        .assert()
        .success();
    let list = json_of(&out.get_output().stdout);
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 17);
    let urlhaus = &list[0];
    assert_eq!(urlhaus["name"], "urlhaus");
    assert_eq!(urlhaus["enabled"], false);
    assert_eq!(
        urlhaus["disabled_reason"],
        "needs an API key: set ABUSECH_AUTH_KEY"
    );
    assert_eq!(urlhaus["has_key"], false);

    for args in [
        vec!["sources", "list"],
        vec!["sources", "list", "--json"],
        vec!["sources", "show", "urlhaus"],
        vec!["sources", "show", "urlhaus", "--json"],
    ] {
        let out = exist(home.path())
            .env("ABUSECH_AUTH_KEY", SECRET)
            .args(&args)
            .assert()
            .success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(!text.contains(SECRET), "{args:?} printed the key");
        assert!(
            text.contains("ABUSECH_AUTH_KEY"),
            "{args:?} names the variable"
        );
    }
    exist(home.path())
        .args(["sources", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("known: urlhaus"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_runs_the_others_after_a_failure_and_exits_non_zero() {
    let server = TestServer::start().await;
    let ipsum = std::fs::read(fixture("feeds/ipsum/ipsum.txt")).expect("fixture");
    server.route("/ipsum.txt", vec![Reply::ok(ipsum)]);
    server.route(
        "/urlhaus/",
        vec![Reply::status(
            401,
            "{\"query_status\": \"unknown_auth_key\"}",
        )],
    );
    let home = tempfile::tempdir().expect("tmp");
    let (ipsum_url, urlhaus_url) = (server.url("/ipsum.txt"), server.url("/urlhaus/"));
    std::fs::write(
        home.path().join("exist.toml"),
        format!(
            "[sources.ipsum]\nurl = \"{ipsum_url}\"\n[sources.urlhaus]\nurl = \"{urlhaus_url}\"\n"
        ),
    )
    .expect("config");
    let h = home.path().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        exist(&h)
            .args(["collect", "urlhaus", "ipsum", "--json"])
            .assert()
            .code(1)
            .get_output()
            .clone()
    })
    .await
    .expect("run");
    let runs = json_of(&out.stdout);
    assert_eq!(runs[0]["source"], "urlhaus");
    assert_eq!(runs[0]["outcome"], "failed");
    let error = runs[0]["error"].as_str().expect("error");
    assert!(error.contains("HTTP 401"), "{error}");
    assert_eq!(runs[1]["source"], "ipsum");
    assert_eq!(runs[1]["outcome"], "ok");
    assert_eq!(runs[1]["new"], 393);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 2 sources failed: urlhaus"));
    let seen = server.seen();
    assert!(
        seen.iter().all(|s| !s.headers.contains_key("auth-key")),
        "no key, no header"
    );

    let h = home.path().to_owned();
    let lookup = tokio::task::spawn_blocking(move || {
        exist(&h)
            .args(["lookup", "77.90.185.20", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    })
    .await
    .expect("lookup");
    let lookup = json_of(&lookup);
    let hit = &lookup["local"]["groups"][0]["reputation"][0];
    assert_eq!(hit["source"], "ipsum");
    assert_eq!(hit["description"], "on 10 blocklists");
}

#[test]
fn collect_usage_errors_exit_2() {
    let home = tempfile::tempdir().expect("tmp");
    exist(home.path()).arg("collect").assert().code(2);
    exist(home.path())
        .args(["collect", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no source named \"nope\""));
    exist(home.path())
        .args(["collect", "--all", "--url", "file:///x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--url"));
    std::fs::write(
        home.path().join("exist.toml"),
        "[sources.ipsum]\ninterval = \"often\"\n",
    )
    .expect("config");
    exist(home.path())
        .args(["sources", "list"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("exist.toml")
                .and(predicate::str::contains("invalid interval")),
        );
}

#[test]
fn a_feed_defined_in_exist_toml_is_collected_from_a_file_url() {
    let home = tempfile::tempdir().expect("tmp");
    let csv = home.path().join("watchlist.csv");
    std::fs::write(
        &csv,
        "when;what;why;ticket\n2026-11-01 10:00:00;evil-updates[.]example;C2 seen in proxy logs;INC-1\n2026-11-02 11:30:00;hxxp://198.51.100.9/x.ps1;stager;INC-2\n2026-11-02 11:31:00;<script>;bad row;INC-3\n",
    )
    .expect("csv");
    std::fs::write(
        home.path().join("exist.toml"),
        format!(
            r#"
[[feeds]]
name = "soc_watchlist"
about = "our own watchlist"
url = "{}"
format = "csv"
header = true
delimiter = ";"
interval = "10m"
fields = {{ indicator = "{{what}}", category = "watchlist", description = "{{why}}", reference = "https://tickets.example/{{ticket}}", seen = "{{when}}" }}
"#,
            file_url(&csv)
        ),
    )
    .expect("config");
    let out = exist(home.path())
        .args(["collect", "soc_watchlist", "--json"])
        .assert()
        .success();
    let runs = json_of(&out.get_output().stdout);
    assert_eq!(
        (
            runs[0]["read"].as_u64(),
            runs[0]["new"].as_u64(),
            runs[0]["rejected"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(runs[0]["rejected_samples"][0]["line"], 4);
    let out = exist(home.path())
        .args(["lookup", "evil-updates.example", "--json"])
        .assert()
        .success();
    let hit = &json_of(&out.get_output().stdout)["local"]["groups"][0]["reputation"][0];
    assert_eq!(hit["source"], "soc_watchlist");
    assert_eq!(hit["description"], "C2 seen in proxy logs");
    assert_eq!(hit["reference"], "https://tickets.example/INC-1");
    let out = exist(home.path())
        .args(["sources", "list", "--json"])
        .assert()
        .success();
    let list = json_of(&out.get_output().stdout);
    let mine = list
        .as_array()
        .and_then(|l| l.iter().find(|s| s["name"] == "soc_watchlist"))
        .expect("listed")
        .clone();
    assert_eq!(mine["entries"], 2);
    assert_eq!(mine["interval_secs"], 600);
    assert_eq!(mine["last_run"]["outcome"], "ok");
}

#[cfg(unix)]
#[test]
fn worker_collects_on_schedule_and_stops_on_sigterm() {
    let home = tempfile::tempdir().expect("tmp");
    let list = home.path().join("list.txt");
    std::fs::write(&list, "192.0.2.10\n192.0.2.11\n").expect("list");
    let mut config = String::new();
    for name in exist_sources::builtin_specs()
        .iter()
        .map(|s| s.name.clone())
    {
        config.push_str(&format!("[sources.{name}]\nenabled = false\n"));
    }
    config.push_str(&format!(
        "[[feeds]]\nname = \"local\"\nurl = \"{}\"\nformat = \"lines\"\ninterval = 1\n",
        file_url(&list)
    ));
    std::fs::write(home.path().join("exist.toml"), config).expect("config");
    let bin = assert_cmd::cargo::cargo_bin("exist");
    let child = std::process::Command::new(bin)
        .env("EXIST_HOME", home.path())
        .env_remove("EXIST_DATABASE_URL")
        .arg("worker")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("worker");
    // Wait for two runs of the one-second source (the second: not modified).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let runs = loop {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let out = exist(home.path())
            .args(["sources", "show", "local", "--json"])
            .assert()
            .success();
        let runs = json_of(&out.get_output().stdout)["runs"].clone();
        if runs.as_array().is_some_and(|r| r.len() >= 2) || std::time::Instant::now() > deadline {
            break runs;
        }
    };
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("scheduling local"), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    let runs = runs.as_array().expect("runs");
    assert!(runs.len() >= 2, "{runs:?}");
    assert_eq!(runs.last().map(|r| r["outcome"].clone()), Some("ok".into()));
    assert_eq!(runs.last().map(|r| r["new"].clone()), Some(2.into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_enrich_gives_a_section_per_enricher_with_its_status() {
    let server = TestServer::start().await;
    server.route(
        "/abuseipdb/check?ipAddress=198.51.100.23&maxAgeInDays=90",
        vec![Reply::ok(
            std::fs::read(fixture(
                "enrichment/abuseipdb/check_198.51.100.23.sample.json",
            ))
            .expect("fixture"),
        )],
    );
    let home = tempfile::tempdir().expect("tmp");
    std::fs::write(
        home.path().join("exist.toml"),
        format!(
            "[enrich.abuseipdb]\nurl = \"{}\"\n",
            server.url("/abuseipdb")
        ),
    )
    .expect("config");
    let h = home.path().to_owned();
    let (json, text) = tokio::task::spawn_blocking(move || {
        let run = |extra: &[&str]| {
            exist(&h)
                .env("ABUSEIPDB_API_KEY", SECRET)
                .args([
                    "lookup",
                    "198.51.100.23",
                    "--enrich",
                    "--only",
                    "abuseipdb,virustotal",
                ])
                .args(extra)
                .assert()
                .success()
                .get_output()
                .stdout
                .clone()
        };
        (run(&["--json"]), run(&[]))
    })
    .await
    .expect("run");
    let v = json_of(&json);
    assert_eq!(v["indicator"]["value"], "198.51.100.23");
    assert!(v["local"]["groups"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(v["abuseipdb"]["status"], "ok");
    assert_eq!(v["abuseipdb"]["data"]["abuse_confidence_score"], 87);
    assert_eq!(v["virustotal"]["status"], "not_configured");
    assert_eq!(
        v["virustotal"]["error"],
        "needs an API key: set VIRUSTOTAL_API_KEY"
    );
    let text = String::from_utf8_lossy(&text).to_string();
    assert!(text.contains("[abuseipdb] ok (cached"), "{text}");
    assert!(text.contains("abuse_confidence_score: 87"), "{text}");
    assert!(text.contains("[virustotal] not configured"), "{text}");
    assert!(!text.contains(SECRET) && !String::from_utf8_lossy(&json).contains(SECRET));
    assert_eq!(
        server.seen().len(),
        1,
        "the second lookup came from the cache"
    );

    let home2 = tempfile::tempdir().expect("tmp");
    exist(home2.path())
        .args(["lookup", "1.1.1.1", "--enrich", "--only", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no enricher named \"nope\""));
    exist(home2.path())
        .args(["lookup", "crt.sh", "--as", "domain", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"value\": \"crt.sh\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrich_list_and_rdap_bootstrap_update() {
    let server = TestServer::start().await;
    for name in ["dns", "ipv4", "ipv6", "asn"] {
        let body = format!(
            "{{\"version\": \"1.0\", \"services\": [[[\"{name}-key\"], [\"https://rdap.{name}.example/\"]]]}}"
        );
        server.route(&format!("/mirror/{name}.json"), vec![Reply::ok(body)]);
        server.route(
            &format!("/broken/{name}.json"),
            vec![Reply::ok("<html>login</html>")],
        );
    }
    let home = tempfile::tempdir().expect("tmp");
    let (h, mirror, broken) = (
        home.path().to_owned(),
        server.url("/mirror"),
        server.url("/broken"),
    );
    let (list, saved, refused) = tokio::task::spawn_blocking(move || {
        let list = exist(&h)
            .args(["enrich", "list", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let saved = exist(&h)
            .args(["enrich", "update-rdap-bootstrap", "--from", &mirror])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let refused = exist(&h)
            .args(["enrich", "update-rdap-bootstrap", "--from", &broken])
            .assert()
            .code(1)
            .get_output()
            .stderr
            .clone();
        (list, saved, refused)
    })
    .await
    .expect("run");
    let list = json_of(&list);
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "dns",
            "rdns",
            "rdap",
            "whois",
            "geoip",
            "virustotal",
            "abuseipdb",
            "shodan",
            "censys",
            "greynoise",
            "urlscan",
            "otx",
            "malwarebazaar",
            "crtsh"
        ]
    );
    assert!(String::from_utf8_lossy(&saved).contains("rdap/dns.json"));
    assert!(String::from_utf8_lossy(&refused).contains("not an RDAP bootstrap file"));
    let dns = std::fs::read_to_string(home.path().join("rdap/dns.json")).expect("saved");
    assert!(
        dns.contains("dns-key"),
        "the mirror's file stays after the refused update"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspect_fetches_once_then_serves_the_stored_inspection() {
    let server = TestServer::start().await;
    server.route(
        "/login",
        vec![Reply::ok("<html><head><title>Verify your account</title></head><body style=\"background:#2c3e50\"><h1 style=\"color:#fff\">Login</h1></body></html>")
            .header("Content-Type", "text/html")],
    );
    let home = tempfile::tempdir().expect("tmp");
    std::fs::write(
        home.path().join("exist.toml"),
        "[inspect]\nallow = [\"127.0.0.1/32\"]\nwidth = 640\nheight = 480\n",
    )
    .expect("config");
    let (h, url) = (home.path().to_owned(), server.url("/login"));
    let shot = home.path().join("shot.png");
    let s = shot.clone();
    let (first, second, refused) = tokio::task::spawn_blocking(move || {
        let run = |extra: &[&str]| {
            exist(&h)
                .arg("inspect")
                .arg(&url)
                .args(extra)
                .arg("--json")
                .assert()
                .success()
                .get_output()
                .stdout
                .clone()
        };
        let first = run(&["--screenshot", s.to_str().expect("path")]);
        let second = run(&[]);
        let refused = exist(&h)
            .args(["inspect", "http://169.254.169.254/latest/meta-data/"])
            .assert()
            .code(1)
            .get_output()
            .stderr
            .clone();
        (first, second, refused)
    })
    .await
    .expect("run");
    let first = json_of(&first);
    assert_eq!(first["cached"], false);
    assert_eq!(first["inspection"]["title"], "Verify your account");
    assert_eq!(first["inspection"]["status"], 200);
    let png = std::fs::read(&shot).expect("--screenshot wrote the PNG");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
        640
    );
    let second = json_of(&second);
    assert_eq!(second["cached"], true);
    assert_eq!(
        second["inspection"]["sha256"],
        first["inspection"]["sha256"]
    );
    assert_eq!(
        server.seen().iter().filter(|s| s.path == "/login").count(),
        2,
        "one fetch by exist, one by the browser"
    );
    assert!(String::from_utf8_lossy(&refused).contains("cloud metadata"));
}

/// A raw HTTP/1.1 GET (the CLI tests need no HTTP client): status and body.
#[cfg(unix)]
fn http_get(addr: &str, path: &str, token: Option<&str>) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[cfg(unix)]
#[test]
fn serve_demo_prints_a_first_admin_token_once_and_answers_with_it() {
    use std::io::BufRead;
    let home = tempfile::tempdir().expect("tmp");
    let mut config = String::new();
    for name in exist_sources::builtin_specs()
        .iter()
        .map(|s| s.name.clone())
    {
        config.push_str(&format!("[sources.{name}]\nenabled = false\n"));
    }
    std::fs::write(home.path().join("exist.toml"), config).expect("config");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let bin = assert_cmd::cargo::cargo_bin("exist");
    let mut child = std::process::Command::new(bin)
        .env("EXIST_HOME", home.path())
        .env_remove("EXIST_DATABASE_URL")
        .env_remove("EXIST_ADMIN_TOKEN")
        .args(["serve", "--bind", &addr, "--demo"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut token = None;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if line.starts_with("exist_") {
            token = Some(line.clone());
        }
        if line.contains("API on http://") {
            break;
        }
    }
    let token = token.expect("an admin token on the first start");
    let (status, _) = http_get(&addr, "/api/v1/stats", None);
    assert_eq!(status, 401);
    let (status, body) = http_get(&addr, "/api/v1/stats", Some(&token));
    assert_eq!(status, 200, "{body}");
    let stats = json_of(body.as_bytes());
    assert_eq!(stats["indicators"], 767, "the demo data: {stats}");
    assert_eq!(stats["records_by_kind"]["threat_event"], 3);
    let (status, _) = http_get(&addr, "/", None);
    assert_eq!(
        status, 303,
        "the UI sends a signed-out browser to the login page"
    );
    let (status, page) = http_get(&addr, "/login", None);
    assert_eq!(status, 200);
    assert!(page.contains("Sign in"));
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(child.wait().expect("wait").success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");

    let tokens = exist(home.path())
        .args(["token", "list", "--json"])
        .assert()
        .success();
    let tokens = json_of(&tokens.get_output().stdout);
    assert_eq!(tokens[0]["scope"], "admin");
    assert!(
        !tokens.to_string().contains(&token[15..]),
        "the secret is never listed"
    );
}
