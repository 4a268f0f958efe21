//! URLs: scheme and host lowercased, default port dropped, everything after the
//! host kept byte for byte.
//!
//! We do not use a WHATWG parser here on purpose: it percent-encodes and resolves
//! `..` segments, and an analyst searching for the exact URL from a feed must find
//! exactly that URL.

use std::net::IpAddr;
use std::ops::Range;

use super::host::{canonical_url_host, parse_ip};

/// Schemes exist treats as URLs.
pub(crate) const SCHEMES: &[&str] = &["http", "https", "ftp", "ftps", "sftp", "ws", "wss"];

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        "sftp" => Some(22),
        "ftps" => Some(990),
        _ => None,
    }
}

/// The host of a URL, canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlHost {
    Domain {
        ascii: String,
        unicode: Option<String>,
    },
    Ip(IpAddr),
}

/// A parsed URL in canonical form.
#[derive(Debug, Clone)]
pub(crate) struct CanonicalUrl {
    pub value: String,
    /// The same URL with the host in Unicode (IDN), if that differs.
    pub display: Option<String>,
    pub host: UrlHost,
    /// Where the host stands in the input string.
    pub host_range: Range<usize>,
}

/// Parses `s`, which must start with `scheme://`.
pub(crate) fn canonical_url(s: &str) -> Result<CanonicalUrl, &'static str> {
    let sep = s.find("://").ok_or("no scheme")?;
    let scheme = s[..sep].to_ascii_lowercase();
    if !SCHEMES.contains(&scheme.as_str()) {
        return Err("unsupported URL scheme");
    }
    let after = sep + 3;
    let rest = &s[after..];
    let auth_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let tail = &rest[auth_end..];
    if tail.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("URL contains white space");
    }
    let (userinfo, hostport, host_offset) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..], after + at + 1),
        None => (None, authority, after),
    };
    let (host_str, port) = split_port(hostport)?;
    if host_str.is_empty() {
        return Err("URL has no host");
    }
    let host = match parse_ip(host_str) {
        Some(ip) => UrlHost::Ip(ip),
        None => {
            let d = canonical_url_host(host_str)?;
            UrlHost::Domain {
                ascii: d.ascii,
                unicode: d.unicode,
            }
        }
    };
    let port = match port {
        Some(p) if Some(p) == default_port(&scheme) => None,
        p => p,
    };
    let build = |host_text: &str| {
        let mut v = String::with_capacity(s.len() + 1);
        v.push_str(&scheme);
        v.push_str("://");
        if let Some(u) = userinfo {
            v.push_str(u);
            v.push('@');
        }
        v.push_str(host_text);
        if let Some(p) = port {
            v.push(':');
            v.push_str(&p.to_string());
        }
        if !tail.starts_with('/') {
            v.push('/');
        }
        v.push_str(tail);
        v
    };
    let (value, display) = match &host {
        UrlHost::Ip(IpAddr::V6(v6)) => (build(&format!("[{v6}]")), None),
        UrlHost::Ip(ip) => (build(&ip.to_string()), None),
        UrlHost::Domain { ascii, unicode } => (build(ascii), unicode.as_deref().map(build)),
    };
    Ok(CanonicalUrl {
        value,
        display,
        host,
        host_range: host_offset..host_offset + host_str.len(),
    })
}

/// The host of a URL already in canonical form, without re-validating the rest:
/// cheap enough for the bulk paths that need every URL's host.
pub(crate) fn host_of_canonical(value: &str) -> Option<UrlHost> {
    let rest = &value[value.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, _) = split_port(hostport).ok()?;
    if let Some(ip) = parse_ip(host) {
        return Some(UrlHost::Ip(ip));
    }
    let unicode = if host.contains("xn--") {
        let (u, res) = idna::domain_to_unicode(host);
        (res.is_ok() && u != host).then_some(u)
    } else {
        None
    };
    Some(UrlHost::Domain {
        ascii: host.to_owned(),
        unicode,
    })
}

/// Splits `host[:port]` / `[v6][:port]`.
fn split_port(hostport: &str) -> Result<(&str, Option<u16>), &'static str> {
    if hostport.starts_with('[') {
        let close = hostport.find(']').ok_or("unclosed IPv6 bracket")?;
        let host = &hostport[..=close];
        return match &hostport[close + 1..] {
            "" => Ok((host, None)),
            p => Ok((
                host,
                Some(parse_port(
                    p.strip_prefix(':').ok_or("junk after IPv6 host")?,
                )?),
            )),
        };
    }
    match hostport.rfind(':') {
        Some(c) => Ok((&hostport[..c], Some(parse_port(&hostport[c + 1..])?))),
        None => Ok((hostport, None)),
    }
}

fn parse_port(p: &str) -> Result<u16, &'static str> {
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err("invalid port");
    }
    p.parse().map_err(|_| "port out of range")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> String {
        match canonical_url(s) {
            Ok(u) => u.value,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn canonical_form() {
        assert_eq!(
            value("HTTP://Evil.COM:80/A/../B?x=%41#f"),
            "http://evil.com/A/../B?x=%41#f"
        );
        assert_eq!(value("https://evil.com:8443"), "https://evil.com:8443/");
        assert_eq!(
            value("https://user:pw@Evil.com:443?q"),
            "https://user:pw@evil.com/?q"
        );
        assert_eq!(
            value("http://[2001:DB8::1]:8080/x"),
            "http://[2001:db8::1]:8080/x"
        );
        assert_eq!(value("http://192.0.2.1/x"), "http://192.0.2.1/x");
    }

    #[test]
    fn idn_host() {
        let u = canonical_url("http://Bücher.example/pfad").expect("idn");
        assert_eq!(u.value, "http://xn--bcher-kva.example/pfad");
        assert_eq!(u.display.as_deref(), Some("http://bücher.example/pfad"));
        assert_eq!(u.host_range, 7..22);
    }

    #[test]
    fn host_of_canonical_matches_the_parser() {
        for s in [
            "https://user:pw@evil.example:8443/x?y",
            "http://[2001:db8::1]:8080/",
            "http://xn--bcher-kva.example/",
        ] {
            let parsed = canonical_url(s).expect("url");
            assert_eq!(host_of_canonical(&parsed.value), Some(parsed.host), "{s}");
        }
    }

    #[test]
    fn refuses_bad_urls() {
        for s in [
            "mailto://x.com",
            "http://",
            "http://evil.com:99999/",
            "http://win32/Korplug.RU",
            "http://a b.com/",
        ] {
            assert!(canonical_url(s).is_err(), "{s} accepted");
        }
    }
}
