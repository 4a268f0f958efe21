//! The SSRF guard of URL inspection: which addresses a fetch (or the
//! browser) may connect to. Private, loopback, link-local (cloud metadata
//! included), CGNAT, multicast, unspecified, broadcast and IPv6 unique-local
//! addresses are refused — IPv4-mapped IPv6 by the address inside — unless
//! the configuration allows them (`allow_private`, or CIDRs in `allow`).
//! Names are resolved here and the connection is pinned to the vetted
//! addresses, so a second DNS answer cannot rebind it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnetwork::IpNetwork;

/// What may be fetched.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Every address allowed.
    pub allow_private: bool,
    /// These networks allowed even though they are private.
    pub allow: Vec<IpNetwork>,
}

/// Why `ip` is not a public internet address, if it is not.
pub fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => forbidden_v4(v4),
            None => forbidden_v6(v6),
        },
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        return Some("a cloud metadata address");
    }
    if ip.is_unspecified() || o[0] == 0 {
        return Some("an unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    if ip.is_private() {
        return Some("a private address");
    }
    if ip.is_link_local() {
        return Some("a link-local address");
    }
    if o[0] == 100 && (64..128).contains(&o[1]) {
        return Some("a carrier-grade NAT address");
    }
    if ip.is_multicast() {
        return Some("a multicast address");
    }
    if ip.is_broadcast() || o[0] >= 240 {
        return Some("a reserved address");
    }
    None
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Some("a cloud metadata address");
    }
    if ip.is_unspecified() {
        return Some("an unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    if (s[0] & 0xfe00) == 0xfc00 {
        return Some("a private (unique local) address");
    }
    if (s[0] & 0xffc0) == 0xfe80 {
        return Some("a link-local address");
    }
    if ip.is_multicast() {
        return Some("a multicast address");
    }
    None
}

impl Guard {
    /// `Err(reason)` when a connection to `ip` is refused.
    pub fn check(&self, ip: IpAddr) -> Result<(), String> {
        if self.allow_private || self.allow.iter().any(|n| n.contains(ip)) {
            return Ok(());
        }
        match forbidden(ip) {
            Some(why) => Err(format!(
                "{ip} is {why}; inspection refuses it ([inspect] allow_private lifts this)"
            )),
            None => Ok(()),
        }
    }

    /// Resolves `host` and vets every address; a name with any forbidden
    /// address is refused (the browser could pick any of them).
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
        let addrs: Vec<SocketAddr> = match host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| format!("cannot resolve {host}: {e}"))?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(format!("{host} has no address"));
        }
        for a in &addrs {
            self.check(a.ip()).map_err(|e| format!("{host}: {e}"))?;
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_public() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.1.1",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "fd00:ec2::254",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            let ip: IpAddr = bad.parse().expect("ip");
            assert!(forbidden(ip).is_some(), "{bad}");
        }
        for good in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "100.128.0.1",
        ] {
            let ip: IpAddr = good.parse().expect("ip");
            assert_eq!(forbidden(ip), None, "{good}");
        }
    }

    #[test]
    fn allow_lists_lift_the_guard() {
        let g = Guard {
            allow_private: false,
            allow: vec!["127.0.0.0/8".parse().expect("net")],
        };
        assert!(g.check("127.0.0.1".parse().expect("ip")).is_ok());
        assert!(g.check("10.0.0.1".parse().expect("ip")).is_err());
        assert!(
            Guard {
                allow_private: true,
                allow: vec![]
            }
            .check("10.0.0.1".parse().expect("ip"))
            .is_ok()
        );
    }
}
