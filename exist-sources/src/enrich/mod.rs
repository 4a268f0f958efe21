//! Enrichment: live information about an indicator from every enricher that
//! applies to its kind, fetched concurrently, each under its own timeout, each
//! answer cached in the store for the enricher's TTL. A slow or failing
//! enricher never holds up or spoils the others: every one gets a status
//! (ok, not configured, error with the reason, timed out).
//!
//! One file per enricher; the HTTP JSON ones share `api.rs`.

mod abuseipdb;
mod api;
mod censys;
mod crtsh;
mod dns;
mod geoip;
mod greynoise;
mod malwarebazaar;
mod otx;
mod rdap;
mod settings;
mod shodan;
mod urlscan;
mod virustotal;
mod whois;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use exist_core::{EnrichStatus, Enricher, Enrichment, Indicator};
use exist_store::Store;

pub use rdap::IANA_BOOTSTRAP;
pub use settings::{EnrichConfig, EnricherSettings};

use crate::http::{HttpConfig, HttpDriver};

/// Every enricher's name, in the order lookups show them.
pub const ENRICHERS: [&str; 14] = [
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
    "crtsh",
];

/// Default time an enricher gets to answer.
pub const ENRICH_TIMEOUT: Duration = Duration::from_secs(10);

/// Which enrichers a lookup runs, and whether the cache may answer.
#[derive(Debug, Clone, Default)]
pub struct EnrichOptions {
    /// Only these enrichers (by name); all that apply when `None`.
    pub only: Option<Vec<String>>,
    /// Ask every enricher again, bypassing the cache.
    pub refresh: bool,
}

/// The configured enrichers, shared by every lookup of the process (so their
/// rate limiters are too).
#[derive(Clone)]
pub struct Enrichers {
    list: Vec<Entry>,
}

/// One enricher with the settings the fan-out applies to every enricher
/// alike: its timeout, and whether exist.toml turned it off.
#[derive(Clone)]
struct Entry {
    enricher: Arc<dyn Enricher>,
    timeout: Duration,
    disabled: bool,
}

impl Entry {
    /// The enricher's info, with "disabled in exist.toml" when it is.
    fn info(&self) -> exist_core::EnricherInfo {
        let mut info = self.enricher.info();
        if self.disabled {
            info.not_configured = Some("disabled in exist.toml".into());
        }
        info
    }
}

impl std::fmt::Debug for Enrichers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.list.iter().map(|e| e.enricher.info().name))
            .finish()
    }
}

impl Enrichers {
    /// The built-in enrichers configured by `config`, keys read with `env`.
    pub fn new(config: &EnrichConfig, env: &dyn Fn(&str) -> Option<String>) -> crate::Result<Self> {
        Self::with_home(config, env, None)
    }

    /// [`Enrichers::new`], reading refreshed RDAP bootstrap files from
    /// `home/rdap/` when there are any.
    pub fn with_home(
        config: &EnrichConfig,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&std::path::Path>,
    ) -> crate::Result<Self> {
        let default_timeout = config.timeout.map_or(ENRICH_TIMEOUT, Duration::from_secs);
        let http = HttpDriver::new(HttpConfig {
            retries: 0,
            request_timeout: api::API_TIMEOUT,
            connect_timeout: Duration::from_secs(5),
            max_body_bytes: 32 << 20,
            max_decompressed_bytes: 64 << 20,
            ..HttpConfig::default()
        })?;
        let mut list: Vec<Entry> = Vec::new();
        let mut add = |name: &str, enricher: Arc<dyn Enricher>| {
            let settings = config.of(name);
            list.push(Entry {
                enricher,
                timeout: settings
                    .timeout
                    .map_or(default_timeout, Duration::from_secs),
                disabled: settings.enabled == Some(false),
            });
        };
        macro_rules! api {
            ($name:literal, $api:expr) => {
                add(
                    $name,
                    Arc::new(api::ApiEnricher::new(
                        $api,
                        &config.of($name),
                        env,
                        http.clone(),
                    )),
                )
            };
        }
        let resolver = dns::resolver(&config.of("dns"));
        for (name, ttl) in [("dns", 3600), ("rdns", 86_400)] {
            let resolver = resolver.clone();
            let ttl = config.of(name).ttl.unwrap_or(ttl);
            let e: Arc<dyn Enricher> = if name == "dns" {
                Arc::new(dns::Dns { resolver, ttl })
            } else {
                Arc::new(dns::ReverseDns { resolver, ttl })
            };
            add(name, e);
        }
        let rdap = config.of("rdap");
        add(
            "rdap",
            Arc::new(rdap::Rdap {
                bootstrap: rdap::Bootstrap::load(home),
                base: rdap.url.clone(),
                http: http.clone(),
                ttl: rdap.ttl.unwrap_or(86_400),
            }),
        );
        let whois = config.of("whois");
        add(
            "whois",
            Arc::new(whois::Whois {
                server: whois.server.clone(),
                ttl: whois.ttl.unwrap_or(86_400),
            }),
        );
        add("geoip", Arc::new(geoip::GeoIp::new(&config.of("geoip"))));
        api!("virustotal", virustotal::VirusTotal);
        api!("abuseipdb", abuseipdb::AbuseIpDb);
        api!("shodan", shodan::Shodan);
        api!("censys", censys::Censys);
        api!("greynoise", greynoise::GreyNoise);
        api!("urlscan", urlscan::UrlScan);
        api!("otx", otx::Otx);
        api!("malwarebazaar", malwarebazaar::MalwareBazaar);
        api!("crtsh", crtsh::CrtSh);
        // Added in the order of ENRICHERS, the order lookups show them in.
        Ok(Self { list })
    }

    /// Adds an enricher of one's own (embedding; tests), with its timeout.
    pub fn push(&mut self, enricher: Arc<dyn Enricher>, timeout: Duration) {
        self.list.push(Entry {
            enricher,
            timeout,
            disabled: false,
        });
    }

    /// What each enricher is.
    pub fn infos(&self) -> Vec<exist_core::EnricherInfo> {
        self.list.iter().map(Entry::info).collect()
    }

    /// The enrichers' names.
    pub fn names(&self) -> Vec<String> {
        self.list.iter().map(|e| e.enricher.info().name).collect()
    }

    /// `Err` naming the first of `names` that is no enricher, with the known ones.
    pub fn check_names(&self, names: &[String]) -> Result<(), String> {
        let known = self.names();
        match names.iter().find(|n| !known.contains(n)) {
            Some(bad) => Err(format!(
                "no enricher named {bad:?} (known: {})",
                known.join(", ")
            )),
            None => Ok(()),
        }
    }

    /// Runs every enricher that applies to `indicator` (and is in
    /// `options.only`) concurrently, through the cache in `store`.
    pub async fn enrich(
        &self,
        store: &Store,
        indicator: &Indicator,
        options: &EnrichOptions,
    ) -> Vec<Enrichment> {
        let runs = self
            .list
            .iter()
            .map(|e| (e, e.info()))
            .filter(|(_, info)| {
                info.applies_to(indicator.kind())
                    && options
                        .only
                        .as_ref()
                        .is_none_or(|only| only.contains(&info.name))
            })
            .map(|(e, info)| run_one(store, e, info, indicator, options.refresh));
        futures_util::future::join_all(runs).await
    }
}

async fn run_one(
    store: &Store,
    entry: &Entry,
    info: exist_core::EnricherInfo,
    indicator: &Indicator,
    refresh: bool,
) -> Enrichment {
    let (enricher, timeout) = (entry.enricher.as_ref(), entry.timeout);
    let mut out = Enrichment {
        enricher: info.name.clone(),
        status: EnrichStatus::Ok,
        data: None,
        error: None,
        fetched_at: None,
        cached: false,
        elapsed_ms: 0,
    };
    if let Some(reason) = info.not_configured {
        out.status = EnrichStatus::NotConfigured;
        out.error = Some(reason);
        return out;
    }
    if !refresh && info.ttl_secs > 0 {
        let since =
            Utc::now() - chrono::Duration::seconds(info.ttl_secs.min(i64::MAX as u64) as i64);
        match store.cached_enrichment(&info.name, indicator, since).await {
            Ok(Some((at, data))) => {
                out.data = Some(data);
                out.fetched_at = Some(at);
                out.cached = true;
                return out;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(enricher = %info.name, error = %e, "enrichment cache unreadable")
            }
        }
    }
    let started = Instant::now();
    let result = tokio::time::timeout(timeout, enricher.enrich(indicator)).await;
    out.elapsed_ms = started.elapsed().as_millis() as u64;
    match result {
        Err(_) => {
            out.status = EnrichStatus::TimedOut;
            out.error = Some(format!("no answer within {} s", timeout.as_secs_f32()));
        }
        Ok(Err(e)) => {
            out.status = EnrichStatus::Error;
            out.error = Some(e.to_string());
        }
        Ok(Ok(data)) => {
            let now = Utc::now();
            if info.ttl_secs > 0
                && let Err(e) = store
                    .save_enrichment(&info.name, indicator, now, &data)
                    .await
            {
                tracing::warn!(enricher = %info.name, error = %e, "enrichment cache not written");
            }
            out.data = Some(data);
            out.fetched_at = Some(now);
        }
    }
    out
}
