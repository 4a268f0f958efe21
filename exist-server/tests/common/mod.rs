//! The server under test: a real store (SQLite in a temp dir) seeded with
//! the IPsum fixture, optionally the demo dataset and a hostile feed entry,
//! served on loopback port 0, with a read and an admin token.

#![allow(dead_code)]

use std::sync::Arc;

use exist_core::{Indicator, Record, ReputationEntry};
use exist_sources::inspect::{InspectConfig, Inspector};
use exist_sources::{Catalogue, Config, Enrichers, Exist, HttpConfig, HttpDriver};
use exist_store::{Scope, Store};
use exist_tests::{fixture, sqlite_db};
use serde_json::Value;

/// The hostile entry's indicator.
pub const HOSTILE_IP: &str = "203.0.113.66";
/// Its description: markup that must show as text and never run.
pub const HOSTILE_DESCRIPTION: &str =
    "<script>window.__xss='script'</script><img src=x onerror=\"window.__xss='img'\">";
/// Its category: an attribute break-out attempt.
pub const HOSTILE_CATEGORY: &str = "\"><svg onload=\"window.__xss='svg'\">";
/// Its reference: a script URL that must never become a link.
pub const HOSTILE_REFERENCE: &str = "javascript:window.__xss='href'";

/// What to start.
#[derive(Default)]
pub struct Setup {
    pub no_auth: bool,
    pub rate_per_minute: Option<u32>,
    pub demo: bool,
    pub hostile: bool,
    pub inspect: Option<InspectConfig>,
}

pub struct Server {
    /// `http://127.0.0.1:port`
    pub root: String,
    /// `{root}/api/v1`
    pub base: String,
    pub client: reqwest::Client,
    pub read: String,
    pub admin: String,
    pub exist: Arc<Exist>,
    pub home: tempfile::TempDir,
    _db: exist_tests::TestDb,
}

/// The test configuration: `cins` reads its fixture from a file; every
/// enricher that would reach out to the network is off, and GeoIP reads
/// MaxMind's test databases, so no test ever contacts a real host.
pub fn config_toml() -> String {
    let mut toml = format!(
        "[sources.cins]\nurl = \"file://{}\"\n\n[enrich.geoip]\ncity_db = \"{}\"\nasn_db = \"{}\"\n",
        fixture("feeds/cins/ci-badguys.sample.txt").display(),
        fixture("geoip/GeoIP2-City-Test.mmdb").display(),
        fixture("geoip/GeoLite2-ASN-Test.mmdb").display(),
    );
    for name in exist_sources::enrich::ENRICHERS {
        if name != "geoip" {
            toml.push_str(&format!("\n[enrich.{name}]\nenabled = false\n"));
        }
    }
    toml
}

pub fn exist(
    home: &std::path::Path,
    store: Store,
    config: &Config,
    inspect: InspectConfig,
) -> Arc<Exist> {
    let http = HttpDriver::new(HttpConfig::default()).expect("http");
    let catalogue = Catalogue::new(config, &|_| None, &http).expect("catalogue");
    let enrichers = Enrichers::new(&config.enrich, &|_| None).expect("enrichers");
    let inspector = Inspector::new(inspect, home).expect("inspector");
    Arc::new(Exist::from_parts(
        home.to_owned(),
        store,
        catalogue,
        enrichers,
        inspector,
    ))
}

pub async fn start(setup: Setup) -> Server {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    store
        .import_list(
            std::fs::File::open(fixture("feeds/ipsum/ipsum.txt")).expect("fixture"),
            "ipsum",
            chrono::Utc::now(),
        )
        .await
        .expect("import");
    if setup.hostile {
        let mut entry =
            ReputationEntry::new(Indicator::parse(HOSTILE_IP).expect("ip"), "hostile-feed");
        entry.description = Some(HOSTILE_DESCRIPTION.into());
        entry.category = Some(HOSTILE_CATEGORY.into());
        entry.reference = Some(HOSTILE_REFERENCE.into());
        store
            .upsert_records(&[Record::Reputation(entry)], chrono::Utc::now())
            .await
            .expect("hostile entry");
    }
    let home = tempfile::tempdir().expect("home");
    let config = Config::parse(&config_toml()).expect("config");
    let (read, _) = store
        .create_token("reader", Scope::Read)
        .await
        .expect("token");
    let (admin, _) = store
        .create_token("ops", Scope::Admin)
        .await
        .expect("token");
    let exist = exist(
        home.path(),
        store,
        &config,
        setup.inspect.unwrap_or_default(),
    );
    if setup.demo {
        exist.load_demo().await.expect("demo");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let root = format!("http://{}", listener.local_addr().expect("addr"));
    let mut options = exist_server::ServeOptions {
        no_auth: setup.no_auth,
        ..Default::default()
    };
    if let Some(rate) = setup.rate_per_minute {
        options.rate_per_minute = rate;
    }
    tokio::spawn(exist_server::serve(
        listener,
        exist.clone(),
        options,
        std::future::pending(),
    ));
    Server {
        base: format!("{root}/api/v1"),
        root,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        read,
        admin,
        exist,
        home,
        _db: db,
    }
}

/// An answer: status, content type, headers, body text, body as JSON (or null).
pub struct Answer {
    pub status: u16,
    pub kind: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Server {
    /// `method` on an API `path` (under /api/v1) with `token`.
    pub async fn call(&self, method: reqwest::Method, path: &str, token: Option<&str>) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        answer(req.send().await.expect("request")).await
    }

    /// `method` on an API `path` with `token`: (status, content type, JSON).
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> (u16, String, Value) {
        let a = self.call(method, path, token).await;
        (a.status, a.kind, a.json)
    }

    /// GET an API `path` with `token`: (status, content type, JSON).
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, String, Value) {
        self.request(reqwest::Method::GET, path, token).await
    }
}

pub async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let kind = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = res.text().await.expect("body");
    Answer {
        status,
        kind,
        headers,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}
