//! The keys of the indicator index.
//!
//! * The indicator key is a 128-bit xxh3 hash of `kind\0value`, stored as two
//!   64-bit integers: fixed width however long the URL, compared as integers,
//!   and the primary key of `WITHOUT ROWID`-style tables, so an exact lookup is
//!   one B-tree probe and an insert touches one B-tree.
//! * The host key makes "everything on this domain" a range scan: a domain's
//!   labels reversed (`com.example.www.`), so all subdomains share the prefix of
//!   their parent; URLs and e-mail addresses carry the key of their host, URLs on
//!   an IP carry `ip:<address>`. Only domains, URLs and e-mail addresses have
//!   one: IP addresses are found by their own key.

use std::fmt;

use exist_core::{Indicator, IndicatorKind};
use xxhash_rust::xxh3::xxh3_128;

/// The index key of an indicator: a 128-bit hash as two signed 64-bit halves
/// (the integer type all three databases have).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndicatorKey {
    /// High 64 bits; the leading key column, used in `IN (…)` probes.
    pub hi: i64,
    /// Low 64 bits.
    pub lo: i64,
}

impl fmt::Display for IndicatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}{:016x}", self.hi as u64, self.lo as u64)
    }
}

/// The index key of an indicator.
pub fn indicator_key(kind: IndicatorKind, value: &str) -> IndicatorKey {
    let mut buf = Vec::with_capacity(value.len() + 8);
    buf.extend_from_slice(kind.as_str().as_bytes());
    buf.push(0);
    buf.extend_from_slice(value.as_bytes());
    let h = xxh3_128(&buf);
    IndicatorKey {
        hi: (h >> 64) as u64 as i64,
        lo: h as u64 as i64,
    }
}

/// The host key of an indicator, if it has one (domains, URLs, e-mail).
pub fn host_key(indicator: &Indicator) -> Option<String> {
    match indicator.kind() {
        IndicatorKind::Domain => Some(reversed_domain(indicator.value())),
        IndicatorKind::Url | IndicatorKind::Email => indicator.host_str().map(host_key_of),
        _ => None,
    }
}

/// The host key of a host name or address.
fn host_key_of(host: &str) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() {
        ip_host_key(host)
    } else {
        reversed_domain(host)
    }
}

/// The host key of URLs on the IP address `ip`.
pub fn ip_host_key(ip: &str) -> String {
    format!("ip:{ip}")
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

/// The keys of every CIDR network that contains the IP `ip`.
pub fn containing_network_keys(ip: &Indicator) -> Vec<IndicatorKey> {
    ip.containing_networks()
        .iter()
        .map(|net| indicator_key(IndicatorKind::Cidr, net.value()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_distinct_per_kind() {
        let k = indicator_key(IndicatorKind::Domain, "evil.example");
        assert_eq!(k, indicator_key(IndicatorKind::Domain, "evil.example"));
        assert_ne!(k, indicator_key(IndicatorKind::Url, "evil.example"));
        assert_eq!(k.to_string().len(), 32);
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
    fn url_and_email_carry_their_host_key_ips_have_none() {
        let url = Indicator::parse("http://www.evil.example/x").expect("url");
        assert_eq!(host_key(&url).as_deref(), Some("example.evil.www."));
        let ip_url = Indicator::parse("http://192.0.2.1/x").expect("url");
        assert_eq!(host_key(&ip_url).as_deref(), Some("ip:192.0.2.1"));
        assert_eq!(host_key(&Indicator::parse("192.0.2.1").expect("ip")), None);
    }

    #[test]
    fn containing_networks() {
        let ip = Indicator::parse("192.0.2.77").expect("ip");
        let nets = containing_network_keys(&ip);
        assert_eq!(nets.len(), 32);
        assert!(nets.contains(&indicator_key(IndicatorKind::Cidr, "192.0.2.0/24")));
        assert!(nets.contains(&indicator_key(IndicatorKind::Cidr, "0.0.0.0/0")));
    }
}
