//! Hosts: IP addresses and domain names, the part of the model most prone to
//! false positives.
//!
//! A domain must end in a TLD of the Public Suffix List (or a special-use TLD
//! analysts meet in reports: `.onion`, `.bit`, `.example`, `.test`, …). That alone
//! is not enough: `System.Net`, `this.name` and `libc.so` all end in real TLDs. The
//! rules below refuse the shapes that in security text are almost always code,
//! file names or detection names rather than hosts; each is documented in
//! docs/indicators.md.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Top-level domains reserved or used outside the ICANN root that still name
/// hosts in threat reports (Tor, Namecoin, I2P, documentation examples).
const SPECIAL_USE_TLDS: &[&str] = &[
    "onion", "bit", "i2p", "example", "test", "local", "internal", "invalid",
];

/// Receivers that precede a member in code (`this.name`, `self.id`,
/// `document.domains`): with exactly two labels these are identifiers, not hosts.
const CODE_RECEIVERS: &[&str] = &[
    "this", "self", "super", "window", "document", "console", "math", "json", "object", "string",
    "array", "system", "sys", "os", "args", "argv", "req", "res", "request", "response", "e",
    "err", "error", "event", "evt", "el", "obj", "item", "data", "ctx", "config", "cfg", "options",
    "opts", "params", "props", "state", "module", "exports", "process", "util", "utils", "logger",
    "log", "np", "pd", "str", "int", "list", "dict", "file", "path", "user",
];

/// TLDs that are also common file extensions, with the first-label test that
/// makes a two-label name a file name rather than a host. `.zip` and `.mov` are
/// not here: they are registered and abused for phishing, analysts want them.
fn looks_like_file_name(first: &str, tld: &str) -> bool {
    match tld {
        // Shared objects: libc.so, libssl.so
        "so" => first.starts_with("lib"),
        // Scripts and sources: setup.py, install.sh, main.rs, README.md, Foo.pm, profile.ps
        "py" | "sh" | "rs" | "md" | "pm" | "ps" => true,
        _ => false,
    }
}

/// Why a string is not a domain name, or its canonical forms.
pub(crate) struct CanonicalDomain {
    /// Lowercase ASCII (punycode) form without trailing dot.
    pub ascii: String,
    /// The Unicode form when it differs from `ascii` (IDN).
    pub unicode: Option<String>,
}

/// Checks and canonicalizes a domain name standing on its own, where it may be
/// code or a file name. `original` keeps the case of the input, used by the
/// code-identifier rule.
pub(crate) fn canonical_domain(original: &str) -> Result<CanonicalDomain, &'static str> {
    canonical_host_name(original, true)
}

/// Checks and canonicalizes the host of a URL with a scheme: there it cannot be
/// code or a file name, so only the syntax and the TLD are checked.
pub(crate) fn canonical_url_host(original: &str) -> Result<CanonicalDomain, &'static str> {
    canonical_host_name(original, false)
}

fn canonical_host_name(original: &str, standalone: bool) -> Result<CanonicalDomain, &'static str> {
    let name = original.strip_suffix('.').unwrap_or(original);
    if name.is_empty() {
        return Err("empty host");
    }
    if name.len() > 1024 {
        return Err("host name too long");
    }
    // Most candidates in free text fail on their last label (`invoice.pdf`,
    // `e.g`, `node.js`): check it before allocating anything.
    if name.is_ascii() {
        let tld = name.rsplit('.').next().unwrap_or("");
        let mut buf = [0u8; 63];
        if tld.is_empty() || tld.len() > buf.len() {
            return Err("top-level domain is not in the Public Suffix List");
        }
        let lower = &mut buf[..tld.len()];
        lower.copy_from_slice(tld.as_bytes());
        lower.make_ascii_lowercase();
        let lower = std::str::from_utf8(lower).unwrap_or("");
        if !(lower.bytes().all(|b| b.is_ascii_alphabetic()) || lower.starts_with("xn--")) {
            return Err("top-level domain is not alphabetic");
        }
        if !is_known_tld(lower) {
            return Err("top-level domain is not in the Public Suffix List");
        }
    }
    let (ascii, unicode) = if name.is_ascii() {
        let ascii = name.to_ascii_lowercase();
        let unicode = if ascii.contains("xn--") {
            let (u, res) = idna::domain_to_unicode(&ascii);
            (res.is_ok() && u != ascii).then_some(u)
        } else {
            None
        };
        (ascii, unicode)
    } else {
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("host contains white space");
        }
        let ascii =
            idna::domain_to_ascii(name).map_err(|_| "not a valid internationalized domain name")?;
        let (unicode, _) = idna::domain_to_unicode(&ascii);
        (ascii, Some(unicode))
    };
    if ascii.len() > 253 {
        return Err("host name longer than 253 characters");
    }
    let label_count = ascii.split('.').count();
    if label_count < 2 {
        return Err("a domain needs at least two labels");
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err("empty label in host name");
        }
        if label.len() > 63 {
            return Err("label longer than 63 characters");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err("invalid character in host name");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("label starts or ends with a hyphen");
        }
    }
    let tld = ascii.rsplit('.').next().unwrap_or("");
    if !(tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--")) {
        return Err("top-level domain is not alphabetic");
    }
    if !is_known_tld(tld) {
        return Err("top-level domain is not in the Public Suffix List");
    }
    if !standalone {
        return Ok(CanonicalDomain { ascii, unicode });
    }
    if label_count == 2 {
        let first = ascii.split('.').next().unwrap_or("");
        // .com/.net/.org names like data.com or e.com are real hosts; the rule is
        // for member names that happen to be TLDs (`this.name`, `self.id`).
        if CODE_RECEIVERS.contains(&first) && !matches!(tld, "com" | "net" | "org") {
            return Err("looks like a code identifier (receiver.member)");
        }
        if looks_like_file_name(first, tld) {
            return Err("looks like a file name");
        }
    }
    if is_pascal_case_path(name) {
        return Err("looks like a code identifier (Namespace.Member)");
    }
    Ok(CanonicalDomain { ascii, unicode })
}

/// `System.Net`, `Microsoft.Win32.Registry`: every label capitalised and
/// followed by lower case. Host names in reports are written in lower or upper
/// case, not like namespaces.
fn is_pascal_case_path(name: &str) -> bool {
    name.split('.').all(|label| {
        let mut chars = label.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
            && chars.any(|c| c.is_ascii_lowercase())
    })
}

fn is_known_tld(tld: &str) -> bool {
    if SPECIAL_USE_TLDS.contains(&tld) {
        return true;
    }
    psl::suffix(tld.as_bytes()).is_some_and(|s| s.is_known())
}

/// Parses an IP address the way analysts write it: dotted quad, IPv6 (optionally
/// in brackets). IPv4-mapped IPv6 addresses become the IPv4 address they carry.
pub(crate) fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    if s.contains(':') {
        let v6: Ipv6Addr = s.parse().ok()?;
        return Some(match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        });
    }
    let v4: Ipv4Addr = s.parse().ok()?;
    Some(IpAddr::V4(v4))
}

/// `1.3.6.1` is the SNMP OID arc every MIB starts with; in security text it is
/// an OID, not the APNIC address.
pub(crate) fn is_oid_prefix(s: &str) -> bool {
    s == "1.3.6.1"
}

/// Masks the host bits of `ip/len`.
pub(crate) fn network(ip: IpAddr, len: u8) -> Option<IpAddr> {
    match ip {
        IpAddr::V4(v4) if len <= 32 => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            Some(IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask)))
        }
        IpAddr::V6(v6) if len <= 128 => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            Some(IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        match canonical_domain(s) {
            Ok(d) => d.ascii,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn accepts_real_hosts() {
        assert_eq!(ok("Evil.Example.COM."), "evil.example.com");
        assert_eq!(ok("GOOGLE.COM"), "google.com");
        assert_eq!(ok("abcdefghij.onion"), "abcdefghij.onion");
        assert_eq!(ok("notion.so"), "notion.so");
        assert_eq!(ok("microsoft-update.zip"), "microsoft-update.zip");
        assert_eq!(ok("_dmarc.example.org"), "_dmarc.example.org");
        assert_eq!(ok("e.com"), "e.com");
        assert_eq!(ok("data.net"), "data.net");
    }

    #[test]
    fn idn_becomes_punycode_and_keeps_unicode_for_display() {
        let d = canonical_domain("Bücher.example").expect("idn");
        assert_eq!(d.ascii, "xn--bcher-kva.example");
        assert_eq!(d.unicode.as_deref(), Some("bücher.example"));
        let d = canonical_domain("xn--bcher-kva.example").expect("punycode");
        assert_eq!(d.unicode.as_deref(), Some("bücher.example"));
    }

    #[test]
    fn refuses_files_code_and_detection_names() {
        for s in [
            "invoice.pdf",
            "setup.exe",
            "libc.so",
            "System.Net",
            "this.name",
            "setup.py",
            "README.md",
            "localhost",
            "1.2.3.4.5",
            "-bad.com",
            "a..com",
            "self.id",
        ] {
            assert!(canonical_domain(s).is_err(), "{s} accepted");
        }
    }

    #[test]
    fn mapped_ipv6_is_ipv4() {
        assert_eq!(
            parse_ip("::ffff:192.0.2.1"),
            Some("192.0.2.1".parse().expect("ip"))
        );
        assert_eq!(
            parse_ip("[2001:DB8::1]"),
            Some("2001:db8::1".parse().expect("ip"))
        );
        assert_eq!(parse_ip("01.2.3.4"), None);
    }
}
