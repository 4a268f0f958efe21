//! The kinds with a fixed shape: hashes, CVE identifiers, autonomous systems.

use super::IndicatorKind;

/// The hash kind of an all-hex string of a hash's length.
pub(crate) fn hash_kind(s: &str) -> Option<IndicatorKind> {
    let kind = match s.len() {
        32 => IndicatorKind::Md5,
        40 => IndicatorKind::Sha1,
        64 => IndicatorKind::Sha256,
        128 => IndicatorKind::Sha512,
        _ => return None,
    };
    s.bytes().all(|b| b.is_ascii_hexdigit()).then_some(kind)
}

/// Hyphens seen in CVE identifiers copied from word processors and web pages.
pub(crate) fn is_cve_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '_' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
    )
}

/// `CVE-2021-44228` from any case and hyphen spelling; `None` if not a CVE.
pub(crate) fn canonical_cve(s: &str) -> Option<String> {
    let prefix = s.get(..3)?;
    if !prefix.eq_ignore_ascii_case("cve") {
        return None;
    }
    let mut rest = s[3..].chars();
    if !rest.next().is_some_and(is_cve_hyphen) {
        return None;
    }
    let rest = rest.as_str();
    let year: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if year.len() != 4 || !(year.starts_with("19") || year.starts_with("20")) {
        return None;
    }
    let mut after = rest[4..].chars();
    if !after.next().is_some_and(is_cve_hyphen) {
        return None;
    }
    let number = after.as_str();
    if number.len() < 4 || number.len() > 9 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("CVE-{year}-{number}"))
}

/// `AS13335` from `AS13335`, `as13335`, `ASN13335`, `AS 13335`.
pub(crate) fn canonical_asn(s: &str) -> Option<String> {
    let p = s.get(..2)?;
    if !p.eq_ignore_ascii_case("as") {
        return None;
    }
    let mut rest = &s[2..];
    if rest.starts_with(['n', 'N']) {
        rest = &rest[1..];
    }
    let rest = rest.trim_start();
    if rest.is_empty() || rest.len() > 10 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = rest.parse().ok()?;
    Some(format!("AS{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_spellings() {
        for s in [
            "CVE-2021-44228",
            "cve-2021-44228",
            "CVE\u{2013}2021\u{2013}44228",
            "CVE\u{2011}2021\u{2011}44228",
        ] {
            assert_eq!(canonical_cve(s).as_deref(), Some("CVE-2021-44228"), "{s}");
        }
        assert_eq!(
            canonical_cve("CVE-2021-1234567").as_deref(),
            Some("CVE-2021-1234567")
        );
        assert_eq!(canonical_cve("CVE-21-44228"), None);
        assert_eq!(canonical_cve("CVE-2021-442"), None);
    }

    #[test]
    fn asn_spellings() {
        assert_eq!(canonical_asn("as13335").as_deref(), Some("AS13335"));
        assert_eq!(canonical_asn("ASN 13335").as_deref(), Some("AS13335"));
        assert_eq!(canonical_asn("AS"), None);
        assert_eq!(canonical_asn("ASIA"), None);
        assert_eq!(canonical_asn("AS99999999999"), None);
    }

    #[test]
    fn hashes() {
        assert_eq!(hash_kind(&"a".repeat(64)), Some(IndicatorKind::Sha256));
        assert_eq!(hash_kind(&"g".repeat(32)), None);
        assert_eq!(hash_kind(&"a".repeat(33)), None);
    }
}
