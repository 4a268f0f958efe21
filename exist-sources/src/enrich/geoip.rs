//! GeoIP and ASN from MaxMind DB files (GeoIP2/GeoLite2 City and ASN, or any
//! compatible database): `[enrich.geoip] city_db = "…", asn_db = "…"`. The
//! files are read into memory once at start-up; a lookup is a tree walk, so
//! answers are not cached.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use exist_core::{EnrichError, Enricher, EnricherInfo, Indicator, IndicatorKind};
use maxminddb::{Reader, geoip2};
use serde_json::{Value, json};

use super::EnricherSettings;

type Db = Arc<Reader<Vec<u8>>>;

/// The GeoIP enricher.
pub(crate) struct GeoIp {
    city: Option<Db>,
    asn: Option<Db>,
    not_configured: Option<String>,
}

fn open(path: &Path) -> Result<Db, String> {
    Reader::open_readfile(path)
        .map(Arc::new)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

impl GeoIp {
    pub fn new(settings: &EnricherSettings) -> Self {
        if settings.city_db.is_none() && settings.asn_db.is_none() {
            return Self::unavailable(
                "no database: set [enrich.geoip] city_db and/or asn_db in exist.toml".into(),
            );
        }
        let city = settings.city_db.as_deref().map(open).transpose();
        let asn = settings.asn_db.as_deref().map(open).transpose();
        match (city, asn) {
            (Ok(city), Ok(asn)) => Self {
                city,
                asn,
                not_configured: None,
            },
            (Err(e), _) | (_, Err(e)) => Self::unavailable(e),
        }
    }

    fn unavailable(reason: String) -> Self {
        Self {
            city: None,
            asn: None,
            not_configured: Some(reason),
        }
    }

    fn lookup(&self, ip: IpAddr) -> Result<Value, String> {
        let mut out = serde_json::Map::new();
        let mut found = false;
        if let Some(db) = &self.city {
            let r = db
                .lookup(ip)
                .map_err(|e| format!("GeoIP city lookup: {e}"))?;
            if let Some(c) = r
                .decode::<geoip2::City>()
                .map_err(|e| format!("GeoIP city record: {e}"))?
            {
                found = true;
                out.insert("country_code".into(), json!(c.country.iso_code));
                out.insert("country".into(), json!(c.country.names.english));
                out.insert(
                    "registered_country_code".into(),
                    json!(c.registered_country.iso_code),
                );
                out.insert("continent".into(), json!(c.continent.code));
                out.insert(
                    "subdivisions".into(),
                    json!(
                        c.subdivisions
                            .iter()
                            .filter_map(|s| s.names.english)
                            .collect::<Vec<_>>()
                    ),
                );
                out.insert("city".into(), json!(c.city.names.english));
                out.insert("postal_code".into(), json!(c.postal.code));
                out.insert("latitude".into(), json!(c.location.latitude));
                out.insert("longitude".into(), json!(c.location.longitude));
                out.insert(
                    "accuracy_radius_km".into(),
                    json!(c.location.accuracy_radius),
                );
                out.insert("time_zone".into(), json!(c.location.time_zone));
            }
            if let Ok(net) = r.network() {
                out.insert("network".into(), json!(net.to_string()));
            }
        }
        if let Some(db) = &self.asn {
            let r = db
                .lookup(ip)
                .map_err(|e| format!("GeoIP ASN lookup: {e}"))?;
            if let Some(a) = r
                .decode::<geoip2::Asn>()
                .map_err(|e| format!("GeoIP ASN record: {e}"))?
            {
                found = true;
                out.insert("asn".into(), json!(a.autonomous_system_number));
                out.insert(
                    "as_organization".into(),
                    json!(a.autonomous_system_organization),
                );
            }
        }
        out.insert("found".into(), json!(found));
        Ok(Value::Object(out))
    }
}

#[async_trait::async_trait]
impl Enricher for GeoIp {
    fn info(&self) -> EnricherInfo {
        EnricherInfo {
            name: "geoip".into(),
            kinds: vec![IndicatorKind::Ipv4, IndicatorKind::Ipv6],
            ttl_secs: 0,
            not_configured: self.not_configured.clone(),
        }
    }

    async fn enrich(&self, indicator: &Indicator) -> Result<Value, EnrichError> {
        let ip: IpAddr = indicator
            .value()
            .parse()
            .map_err(|_| format!("{} is not an address", indicator.value()))?;
        Ok(self.lookup(ip)?)
    }
}
