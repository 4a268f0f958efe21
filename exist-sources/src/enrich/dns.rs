//! DNS (A, AAAA, CNAME, MX, NS, TXT, SOA of a domain) and reverse DNS (PTR of
//! an address) through hickory-resolver: the system's resolvers, or the
//! nameservers set in `[enrich.dns] nameservers`. One resolver (with its
//! cache) serves every lookup of the process. A name that does not exist is
//! an answer ("exists": false), not an error.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use exist_core::{EnrichError, Enricher, EnricherInfo, Indicator, IndicatorKind};
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RecordType;
use serde_json::{Value, json};

use super::EnricherSettings;

/// The record types the `dns` enricher asks for, in output order.
const TYPES: [(RecordType, &str); 7] = [
    (RecordType::A, "a"),
    (RecordType::AAAA, "aaaa"),
    (RecordType::CNAME, "cname"),
    (RecordType::MX, "mx"),
    (RecordType::NS, "ns"),
    (RecordType::TXT, "txt"),
    (RecordType::SOA, "soa"),
];

/// Builds the shared resolver; `Err` says why DNS is unavailable.
pub(crate) fn resolver(settings: &EnricherSettings) -> Result<Arc<TokioResolver>, String> {
    let mut builder = if settings.nameservers.is_empty() {
        TokioResolver::builder_tokio().map_err(|e| format!("no system DNS configuration: {e}"))?
    } else {
        let mut servers = Vec::new();
        for s in &settings.nameservers {
            let addr: SocketAddr = s
                .parse()
                .or_else(|_| s.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
                .map_err(|_| format!("[enrich.dns] nameserver {s:?} is not an address"))?;
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            servers.push(NameServerConfig::new(addr.ip(), true, vec![udp, tcp]));
        }
        TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(servers),
            TokioRuntimeProvider::default(),
        )
    };
    let options = builder.options_mut();
    options.timeout = std::time::Duration::from_secs(3);
    options.attempts = 2;
    options.ndots = 0;
    builder
        .build()
        .map(Arc::new)
        .map_err(|e| format!("DNS resolver: {e}"))
}

/// Forward DNS of a domain.
pub(crate) struct Dns {
    pub resolver: Result<Arc<TokioResolver>, String>,
    pub ttl: u64,
}

/// Reverse DNS of an address.
pub(crate) struct ReverseDns {
    pub resolver: Result<Arc<TokioResolver>, String>,
    pub ttl: u64,
}

fn not_configured(r: &Result<Arc<TokioResolver>, String>) -> Option<String> {
    r.as_ref().err().cloned()
}

fn absent(e: &hickory_resolver::net::NetError) -> bool {
    e.is_no_records_found() || e.is_nx_domain()
}

#[async_trait::async_trait]
impl Enricher for Dns {
    fn info(&self) -> EnricherInfo {
        EnricherInfo {
            name: "dns".into(),
            kinds: vec![IndicatorKind::Domain],
            ttl_secs: self.ttl,
            not_configured: not_configured(&self.resolver),
        }
    }

    async fn enrich(&self, indicator: &Indicator) -> Result<Value, EnrichError> {
        let resolver = self.resolver.as_ref().map_err(Clone::clone)?;
        let name = format!("{}.", indicator.value());
        let lookups = TYPES
            .iter()
            .map(|(t, _)| resolver.lookup(name.as_str(), *t));
        let answers = futures_util::future::join_all(lookups).await;
        let mut out = serde_json::Map::new();
        let mut nx = true;
        for ((t, key), answer) in TYPES.iter().zip(answers) {
            let values: Vec<Value> = match answer {
                Ok(lookup) => {
                    nx = false;
                    lookup
                        .answers()
                        .iter()
                        .filter(|r| r.record_type() == *t)
                        .map(|r| Value::String(r.data.to_string()))
                        .collect()
                }
                Err(e) if absent(&e) => {
                    if !e.is_nx_domain() {
                        nx = false;
                    }
                    Vec::new()
                }
                Err(e) => return Err(format!("DNS {key} lookup of {name}: {e}").into()),
            };
            out.insert((*key).into(), Value::Array(values));
        }
        out.insert("exists".into(), json!(!nx));
        Ok(Value::Object(out))
    }
}

#[async_trait::async_trait]
impl Enricher for ReverseDns {
    fn info(&self) -> EnricherInfo {
        EnricherInfo {
            name: "rdns".into(),
            kinds: vec![IndicatorKind::Ipv4, IndicatorKind::Ipv6],
            ttl_secs: self.ttl,
            not_configured: not_configured(&self.resolver),
        }
    }

    async fn enrich(&self, indicator: &Indicator) -> Result<Value, EnrichError> {
        let resolver = self.resolver.as_ref().map_err(Clone::clone)?;
        let ip: IpAddr = indicator
            .value()
            .parse()
            .map_err(|_| format!("{} is not an address", indicator.value()))?;
        match resolver.reverse_lookup(ip).await {
            Ok(names) => {
                let ptr: Vec<String> = names
                    .answers()
                    .iter()
                    .filter(|r| r.record_type() == RecordType::PTR)
                    .map(|r| r.data.to_string())
                    .collect();
                Ok(json!({ "ptr": ptr }))
            }
            Err(e) if absent(&e) => Ok(json!({ "ptr": [] })),
            Err(e) => Err(format!("reverse DNS of {ip}: {e}").into()),
        }
    }
}
