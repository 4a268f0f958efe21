//! The keys of the indicator index.
//!
//! * The indicator key is a 128-bit xxh3 hash of `kind\0value`, hex: fixed
//!   width, so it indexes on every backend however long the URL, and an exact
//!   lookup is one primary-key probe.
//! * The host key makes "everything on this domain" a range scan: a domain's
//!   labels reversed (`com.example.www.`), so all subdomains share the prefix of
//!   their parent; URLs and e-mail addresses carry the key of their host, IP
//!   addresses and URLs on an IP carry `ip:<address>`.

use exist_core::{Indicator, IndicatorKind};
use xxhash_rust::xxh3::xxh3_128;

/// The index key of an indicator.
pub fn indicator_key(kind: IndicatorKind, value: &str) -> String {
    let mut buf = Vec::with_capacity(value.len() + 8);
    buf.extend_from_slice(kind.as_str().as_bytes());
    buf.push(0);
    buf.extend_from_slice(value.as_bytes());
    format!("{:032x}", xxh3_128(&buf))
}

/// The host key of an indicator, if it has a host.
pub fn host_key(indicator: &Indicator) -> Option<String> {
    match indicator.kind() {
        IndicatorKind::Domain => Some(reversed_domain(indicator.value())),
        IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => Some(format!("ip:{}", indicator.value())),
        IndicatorKind::Url | IndicatorKind::Email => indicator.host().and_then(|h| host_key(&h)),
        _ => None,
    }
}

/// `www.example.com` → `com.example.www.`
pub fn reversed_domain(domain: &str) -> String {
    let mut s = String::with_capacity(domain.len() + 1);
    for label in domain.rsplit('.') {
        s.push_str(label);
        s.push('.');
    }
    s
}

/// The host-key range `[from, to)` holding a domain and everything below it.
pub fn domain_range(domain: &str) -> (String, String) {
    let from = reversed_domain(domain);
    let mut to = from.clone();
    to.pop();
    to.push('/'); // the byte after '.'
    (from, to)
}

/// The keys (and values) of every CIDR network that contains the IP `ip`.
pub fn containing_network_keys(ip: &Indicator) -> Vec<(String, String)> {
    ip.containing_networks()
        .into_iter()
        .map(|net| {
            (
                indicator_key(IndicatorKind::Cidr, net.value()),
                net.value().to_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct_per_kind() {
        let k = indicator_key(IndicatorKind::Domain, "evil.example");
        assert_eq!(k.len(), 32);
        assert_eq!(k, indicator_key(IndicatorKind::Domain, "evil.example"));
        assert_ne!(k, indicator_key(IndicatorKind::Url, "evil.example"));
    }

    #[test]
    fn domain_ranges_hold_subdomains_only() {
        let (from, to) = domain_range("evil.example");
        let inside = reversed_domain("a.b.evil.example");
        let outside = reversed_domain("notevil.example");
        let sibling = reversed_domain("evil.examples");
        assert!(from <= inside && inside < to);
        assert!(!(from <= outside && outside < to));
        assert!(!(from <= sibling && sibling < to));
    }

    #[test]
    fn url_and_email_carry_their_host_key() {
        let url = Indicator::parse("http://www.evil.example/x").expect("url");
        assert_eq!(host_key(&url).as_deref(), Some("example.evil.www."));
        let ip_url = Indicator::parse("http://192.0.2.1/x").expect("url");
        assert_eq!(host_key(&ip_url).as_deref(), Some("ip:192.0.2.1"));
    }

    #[test]
    fn containing_networks() {
        let nets = containing_network_keys(&Indicator::parse("192.0.2.77").expect("ip"));
        assert_eq!(nets.len(), 32);
        assert!(nets.iter().any(|(_, v)| v == "192.0.2.0/24"));
        assert!(nets.iter().any(|(_, v)| v == "0.0.0.0/0"));
    }
}
