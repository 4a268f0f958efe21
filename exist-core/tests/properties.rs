//! Properties of the indicator model that must hold for every input:
//! normalization is idempotent and extracted values re-parse to themselves.

use exist_core::{Indicator, extract};
use proptest::prelude::*;

/// Strings that look like indicators, defanged or not, with noise around.
fn indicatorish() -> impl Strategy<Value = String> {
    let label = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?";
    let tld = prop::sample::select(vec![
        "com", "net", "org", "jp", "example", "onion", "co.uk", "xn--p1ai",
    ]);
    let domain = (prop::collection::vec(label, 1..4), tld)
        .prop_map(|(ls, t)| format!("{}.{t}", ls.join(".")));
    let ipv4 = any::<[u8; 4]>().prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]));
    let ipv6 = any::<[u16; 8]>().prop_map(|g| {
        g.iter()
            .map(|x| format!("{x:x}"))
            .collect::<Vec<_>>()
            .join(":")
    });
    let cidr = (any::<[u8; 4]>(), 0u8..=32)
        .prop_map(|(o, l)| format!("{}.{}.{}.{}/{l}", o[0], o[1], o[2], o[3]));
    let hash = prop::sample::select(vec![32usize, 40, 64, 128]).prop_flat_map(|n| {
        prop::string::string_regex(&format!("[0-9a-fA-F]{{{n}}}")).expect("regex")
    });
    let url = (
        prop::sample::select(vec!["http", "https", "hxxp", "HTTPS"]),
        domain.clone(),
        "[/a-zA-Z0-9._~%?=&-]{0,20}",
    )
        .prop_map(|(s, d, p)| format!("{s}://{d}/{p}"));
    let email = ("[a-z0-9._+-]{1,10}", domain.clone()).prop_map(|(l, d)| format!("{l}@{d}"));
    let cve = (1999u32..2030, 1u32..999_999).prop_map(|(y, n)| format!("CVE-{y}-{n:04}"));
    let asn = any::<u32>().prop_map(|n| format!("AS{n}"));
    let defang = prop::sample::select(vec![".", "[.]", "(.)", "{.}", "[dot]"]);
    let value = prop_oneof![
        domain,
        ipv4,
        ipv6,
        cidr,
        hash,
        url,
        email,
        cve,
        asn,
        "\\PC{0,30}"
    ];
    (value, defang).prop_map(|(v, d)| {
        if v.contains("://") {
            v
        } else {
            v.replacen('.', d, 1)
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn normalization_is_idempotent(input in indicatorish()) {
        if let Ok(first) = Indicator::parse(&input) {
            let again = Indicator::parse(first.value());
            prop_assert_eq!(again.as_ref().ok(), Some(&first), "{} -> {} -> {:?}", input, first.value(), again);
        }
    }

    #[test]
    fn extracted_values_reparse_to_themselves(
        before in "[ a-zA-Z(\\[<\"]{0,6}", input in indicatorish(), after in "[ .,;:)\\]>\"]{0,4}[ a-z]{0,6}",
    ) {
        let text = format!("{before}{input}{after}");
        for e in extract(&text) {
            let again = Indicator::parse(e.indicator.value());
            prop_assert_eq!(again.as_ref().ok(), Some(&e.indicator), "{:?} in {:?}: {:?}", e.indicator, text, again);
            prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end) && e.start < e.end);
        }
    }

    #[test]
    fn extract_never_panics(text in "\\PC{0,200}") {
        let _ = extract(&text);
    }
}
