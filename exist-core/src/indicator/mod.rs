//! The indicator model: what exist can look up, and its one canonical spelling.
//!
//! Every feed, report and API spells indicators its own way (`hxxp://`,
//! `EVIL[.]COM.`, `::ffff:192.0.2.1`, `cve‑2021‑44228` with a non-breaking
//! hyphen). Stored and compared, they must be one value, so everything entering
//! exist goes through [`Indicator::parse`].

mod host;
mod refang;
mod simple;
mod url;

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, not_an_indicator, quote};

pub(crate) use host::{canonical_domain, is_oid_prefix, parse_ip};
pub(crate) use refang::{Refanged, may_be_defanged, refang_range, utf8_len};
pub(crate) use simple::{canonical_asn, canonical_cve, hash_kind, is_cve_hyphen};
pub(crate) use url::{SCHEMES, UrlHost, canonical_url};

/// The kinds of indicator exist knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IndicatorKind {
    /// An IPv4 address, dotted quad.
    Ipv4,
    /// An IPv6 address, RFC 5952 compressed form.
    Ipv6,
    /// An IPv4 or IPv6 network, host bits cleared (`192.0.2.0/24`).
    Cidr,
    /// A domain name, lowercase ASCII (punycode).
    Domain,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// An MD5 digest, lowercase hex.
    Md5,
    /// A SHA-1 digest, lowercase hex.
    Sha1,
    /// A SHA-256 digest, lowercase hex.
    Sha256,
    /// A SHA-512 digest, lowercase hex.
    Sha512,
    /// A CVE identifier (`CVE-2021-44228`).
    Cve,
    /// An autonomous system number (`AS13335`).
    Asn,
}

impl IndicatorKind {
    /// Every kind, in a stable order.
    pub const ALL: [IndicatorKind; 12] = [
        Self::Ipv4,
        Self::Ipv6,
        Self::Cidr,
        Self::Domain,
        Self::Url,
        Self::Email,
        Self::Md5,
        Self::Sha1,
        Self::Sha256,
        Self::Sha512,
        Self::Cve,
        Self::Asn,
    ];

    /// The lowercase name used in JSON, the database and the CLI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ipv4 => "ipv4",
            Self::Ipv6 => "ipv6",
            Self::Cidr => "cidr",
            Self::Domain => "domain",
            Self::Url => "url",
            Self::Email => "email",
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
            Self::Cve => "cve",
            Self::Asn => "asn",
        }
    }

    /// True for the digest kinds.
    pub const fn is_hash(self) -> bool {
        matches!(self, Self::Md5 | Self::Sha1 | Self::Sha256 | Self::Sha512)
    }
}

impl fmt::Display for IndicatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IndicatorKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::UnknownKind(quote(s)))
    }
}

/// An indicator in canonical form.
///
/// ```
/// use exist_core::{Indicator, IndicatorKind};
///
/// let url = Indicator::parse("hxxps://Evil[.]Example:443/Login.php?a=B").unwrap();
/// assert_eq!(url.kind(), IndicatorKind::Url);
/// assert_eq!(url.value(), "https://evil.example/Login.php?a=B");
/// assert_eq!(url.host().unwrap().value(), "evil.example");
///
/// assert!(Indicator::parse("invoice.pdf").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    kind: IndicatorKind,
    value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

impl Indicator {
    /// Classifies `input` and returns it in canonical form; refuses what is not
    /// an indicator with [`Error::NotAnIndicator`].
    pub fn parse(input: &str) -> Result<Self> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(not_an_indicator(input, "empty"));
        }
        let refanged = refang::refang(trimmed);
        let s = refanged.trim();
        if let Some(asn) = canonical_asn(s) {
            return Ok(Self::new(IndicatorKind::Asn, asn));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(not_an_indicator(input, "contains white space"));
        }
        classify(s).map_err(|reason| not_an_indicator(input, reason))
    }

    /// Parses `input` and checks it is of `kind` (for typed inputs such as MISP
    /// attributes); a URL given as `host/path` is accepted for [`IndicatorKind::Url`].
    ///
    /// A domain asked for as such skips the free-text heuristics that refuse
    /// file names and code identifiers (`crt.sh`, `setup.py`): the caller says
    /// it is a host.
    pub fn parse_as(kind: IndicatorKind, input: &str) -> Result<Self> {
        if kind == IndicatorKind::Domain
            && let Some(d) = Self::explicit_domain(input)
        {
            return Ok(d);
        }
        let parsed = Self::parse(input).map_err(|e| match e {
            Error::NotAnIndicator { input, reason } => Error::WrongKind {
                expected: kind,
                input,
                reason,
            },
            other => other,
        })?;
        if parsed.kind == kind {
            return Ok(parsed);
        }
        // An IP where a CIDR is expected is the network of one address, whose
        // canonical form is the address itself.
        if kind == IndicatorKind::Cidr
            && matches!(parsed.kind, IndicatorKind::Ipv4 | IndicatorKind::Ipv6)
        {
            return Ok(parsed);
        }
        if kind == IndicatorKind::Url
            && matches!(parsed.kind, IndicatorKind::Domain | IndicatorKind::Ipv4)
        {
            return Self::parse(&format!("http://{}/", parsed.value));
        }
        Err(Error::WrongKind {
            expected: kind,
            input: quote(input),
            reason: "is another kind of indicator",
        })
    }

    /// Builds an indicator from values already canonical (read back from the
    /// store). Prefer [`Indicator::parse`] for anything from outside.
    pub fn from_canonical(
        kind: IndicatorKind,
        value: impl Into<String>,
        display: Option<String>,
    ) -> Self {
        Self {
            kind,
            value: value.into(),
            display,
        }
    }

    pub(crate) fn new(kind: IndicatorKind, value: String) -> Self {
        Self {
            kind,
            value,
            display: None,
        }
    }

    pub(crate) fn with_display(
        kind: IndicatorKind,
        value: String,
        display: Option<String>,
    ) -> Self {
        Self {
            kind,
            value,
            display,
        }
    }

    /// The kind.
    pub fn kind(&self) -> IndicatorKind {
        self.kind
    }

    /// The canonical value (ASCII for hosts).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The Unicode form of an internationalized domain, e-mail or URL, if any.
    pub fn unicode(&self) -> Option<&str> {
        self.display.as_deref()
    }

    /// The form to show people: Unicode where there is one, else the value.
    pub fn display(&self) -> &str {
        self.display.as_deref().unwrap_or(&self.value)
    }

    /// The host an indicator points at: a URL's host (domain or IP), an
    /// e-mail's domain. `None` for other kinds.
    pub fn host(&self) -> Option<Indicator> {
        match self.kind {
            IndicatorKind::Url => host_indicator(url::host_of_canonical(&self.value)?),
            IndicatorKind::Email => {
                let domain = &self.value[self.value.rfind('@')? + 1..];
                let d = canonical_domain(domain).ok()?;
                Some(Self::with_display(
                    IndicatorKind::Domain,
                    d.ascii,
                    d.unicode,
                ))
            }
            _ => None,
        }
    }

    /// The host part of a URL or e-mail address as written in the canonical
    /// value (a domain in ASCII, or an IP address without brackets), without
    /// validating or allocating. `None` for other kinds.
    pub fn host_str(&self) -> Option<&str> {
        match self.kind {
            IndicatorKind::Email => self.value.rsplit_once('@').map(|(_, d)| d),
            IndicatorKind::Url => {
                let rest = &self.value[self.value.find("://")? + 3..];
                let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
                let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                if let Some(v6) = hostport.strip_prefix('[') {
                    return v6.split(']').next();
                }
                Some(hostport.rsplit_once(':').map_or(hostport, |(h, _)| h))
            }
            _ => None,
        }
    }

    /// For an IP address, every network that contains it, as CIDR indicators
    /// from `/0` to one bit short of the address itself (the store finds
    /// blocklisted networks by probing exactly these). Empty for other kinds.
    pub fn containing_networks(&self) -> Vec<Indicator> {
        let Some(ip) = self.ip() else {
            return Vec::new();
        };
        let full = if ip.is_ipv4() { 32 } else { 128 };
        (0..full)
            .filter_map(|len| {
                let net = host::network(ip, len)?;
                Some(Self::new(IndicatorKind::Cidr, format!("{net}/{len}")))
            })
            .collect()
    }

    /// The address of an IP indicator.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.kind {
            IndicatorKind::Ipv4 | IndicatorKind::Ipv6 => self.value.parse().ok(),
            _ => None,
        }
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl FromStr for Indicator {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// The host of a URL as an indicator of its own. `None` when the name, fine as
/// the host of a URL with a scheme, would not stand alone as a domain (`main.rs`
/// in `http://main.rs/`): every reported indicator must re-parse to itself.
pub(crate) fn host_indicator(host: UrlHost) -> Option<Indicator> {
    match host {
        UrlHost::Domain { ascii, unicode } => {
            canonical_domain(&ascii).ok()?;
            Some(Indicator::with_display(
                IndicatorKind::Domain,
                ascii,
                unicode,
            ))
        }
        UrlHost::Ip(ip) => Some(ip_indicator(ip)),
    }
}

pub(crate) fn ip_indicator(ip: IpAddr) -> Indicator {
    match ip {
        IpAddr::V4(v4) => Indicator::new(IndicatorKind::Ipv4, v4.to_string()),
        IpAddr::V6(v6) => Indicator::new(IndicatorKind::Ipv6, v6.to_string()),
    }
}

/// Classifies a refanged, trimmed string without white space.
fn classify(s: &str) -> std::result::Result<Indicator, &'static str> {
    if let Some(ip) = parse_ip(s) {
        if is_oid_prefix(s) {
            return Err("1.3.6.1 is the SNMP OID prefix, not an address");
        }
        return Ok(ip_indicator(ip));
    }
    if let Some(kind) = hash_kind(s) {
        return Ok(Indicator::new(kind, s.to_ascii_lowercase()));
    }
    if let Some(cve) = canonical_cve(s) {
        return Ok(Indicator::new(IndicatorKind::Cve, cve));
    }
    if s.contains("://") {
        let u = canonical_url(s)?;
        return Ok(Indicator::with_display(
            IndicatorKind::Url,
            u.value,
            u.display,
        ));
    }
    if let Some((addr, len)) = s.split_once('/')
        && let Some(cidr) = canonical_cidr(addr, len)
    {
        return cidr;
    }
    if let Some(at) = s.rfind('@') {
        return canonical_email(&s[..at], &s[at + 1..]);
    }
    if s.contains(['/', '?', '#']) || host_with_port(s) {
        // host/path without a scheme, as feeds and reports write URLs
        let with_scheme = format!("http://{s}");
        let u = canonical_url(&with_scheme).map_err(|_| "neither a domain nor a URL")?;
        return Ok(Indicator::with_display(
            IndicatorKind::Url,
            u.value,
            u.display,
        ));
    }
    let d = canonical_domain(s)?;
    Ok(Indicator::with_display(
        IndicatorKind::Domain,
        d.ascii,
        d.unicode,
    ))
}

impl Indicator {
    /// `input` as a host name with only the structural checks (labels,
    /// characters, a known TLD), when it has no URL or address syntax.
    fn explicit_domain(input: &str) -> Option<Self> {
        let refanged = refang::refang(input.trim());
        let s = refanged.trim().trim_end_matches('.');
        if s.is_empty() || s.contains(['/', ':', '@', ' ']) || host::parse_ip(s).is_some() {
            return None;
        }
        let d = host::canonical_url_host(s).ok()?;
        Some(Indicator::with_display(
            IndicatorKind::Domain,
            d.ascii,
            d.unicode,
        ))
    }
}

/// `evil.com:8080` (a host with a port) reads as a URL.
fn host_with_port(s: &str) -> bool {
    s.rsplit_once(':').is_some_and(|(h, p)| {
        !h.is_empty() && !h.contains(':') && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `Some` when `addr` is an IP address: then the result says whether the prefix
/// is valid. A full-length prefix is the address itself.
fn canonical_cidr(addr: &str, len: &str) -> Option<std::result::Result<Indicator, &'static str>> {
    let ip = parse_ip(addr)?;
    let Ok(mut len) = len.parse::<u8>() else {
        return Some(Err("invalid network prefix length"));
    };
    let ip = match (ip, addr.contains(':')) {
        // ::ffff:a.b.c.d/120 was turned into a.b.c.d: its prefix shrinks by 96.
        (IpAddr::V4(_), true) => {
            if len < 96 {
                return Some(Err("IPv4-mapped network shorter than /96"));
            }
            len -= 96;
            ip
        }
        _ => ip,
    };
    let full = if ip.is_ipv4() { 32 } else { 128 };
    let Some(net) = host::network(ip, len) else {
        return Some(Err("network prefix length too long for the address"));
    };
    if len == full {
        return Some(Ok(ip_indicator(net)));
    }
    Some(Ok(Indicator::new(
        IndicatorKind::Cidr,
        format!("{net}/{len}"),
    )))
}

fn canonical_email(local: &str, domain: &str) -> std::result::Result<Indicator, &'static str> {
    if !is_email_local_part(local) {
        return Err("invalid e-mail local part");
    }
    let d = canonical_domain(domain)?;
    let local = local.to_lowercase();
    let display = d.unicode.map(|u| format!("{local}@{u}"));
    Ok(Indicator::with_display(
        IndicatorKind::Email,
        format!("{local}@{}", d.ascii),
        display,
    ))
}

pub(crate) fn is_email_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "._%+-!#$&'*/=?^`{|}~".contains(c))
}

#[cfg(test)]
mod tests;
