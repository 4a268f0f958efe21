use super::*;

fn found(text: &str) -> Vec<(IndicatorKind, String)> {
    extract(text)
        .into_iter()
        .map(|e| (e.indicator.kind(), e.indicator.value().to_owned()))
        .collect()
}

fn values(text: &str) -> Vec<String> {
    found(text).into_iter().map(|(_, v)| v).collect()
}

#[test]
fn spans_point_at_the_original_text() {
    let text = "C2: hxxp://evil[.]example/gate.php and 192.0.2[.]1.";
    let got = extract(text);
    let spans: Vec<&str> = got.iter().map(|e| &text[e.start..e.end]).collect();
    assert_eq!(
        spans,
        [
            "hxxp://evil[.]example/gate.php",
            "evil[.]example",
            "192.0.2[.]1"
        ]
    );
}

#[test]
fn strips_wrapping_markup_and_trailing_punctuation() {
    let cases: &[(&str, &str)] = &[
        ("(see https://evil.example/a).", "https://evil.example/a"),
        ("<https://evil.example/b>", "https://evil.example/b"),
        ("++https://evil.example/c++", "https://evil.example/c"),
        ("[link](https://evil.example/d)", "https://evil.example/d"),
        ("https://evil.example/e[Download]", "https://evil.example/e"),
        ("{https://evil.example/f}", "https://evil.example/f"),
        ("https://evil.example/g;", "https://evil.example/g"),
        ("詳細はhttps://evil.example/h。", "https://evil.example/h"),
        ("「https://evil.example/i」", "https://evil.example/i"),
        (
            "https://en.wikipedia.org/wiki/Foo_(bar)",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ("&lt;https://evil.example/j&gt;", "https://evil.example/j"),
    ];
    for (text, url) in cases {
        assert_eq!(
            values(text).first().map(String::as_str),
            Some(*url),
            "{text}"
        );
    }
}

#[test]
fn reports_url_hosts_and_email_domains() {
    assert_eq!(
        found("mail bad.guy@phish.example about http://198.51.100.7:8080/x"),
        [
            (IndicatorKind::Email, "bad.guy@phish.example".to_owned()),
            (IndicatorKind::Domain, "phish.example".to_owned()),
            (IndicatorKind::Url, "http://198.51.100.7:8080/x".to_owned()),
            (IndicatorKind::Ipv4, "198.51.100.7".to_owned()),
        ]
    );
}

#[test]
fn deduplicates_in_order_of_first_appearance() {
    assert_eq!(
        values("b.example a.example B.EXAMPLE b[.]example"),
        ["b.example", "a.example"]
    );
}

#[test]
fn never_cuts_a_hash_out_of_longer_hex() {
    let md5 = "d41d8cd98f00b204e9800998ecf8427e";
    assert_eq!(values(&format!("x {md5} y")), [md5]);
    assert!(values(&format!("{md5}00")).is_empty());
    assert!(values(&format!("0{md5}")).is_empty());
    assert_eq!(values(&format!("md5:{md5},")), [md5]);
}

#[test]
fn keeps_unicode_hosts_whole() {
    let got = extract("Phish at пример.рф and bücher.example today");
    let shown: Vec<&str> = got.iter().map(|e| e.indicator.display()).collect();
    assert_eq!(shown, ["пример.рф", "bücher.example"]);
    assert_eq!(got[0].indicator.value(), "xn--e1afmkfd.xn--p1ai");
}

#[test]
fn finds_hosts_glued_to_japanese_text() {
    assert_eq!(values("詳細はevil.example を参照"), ["evil.example"]);
    assert_eq!(
        values("通信先：malware.example、192.0.2.5"),
        ["malware.example", "192.0.2.5"]
    );
}

#[test]
fn ignores_files_code_versions_and_detection_names() {
    let text = "Dropped invoice.pdf and setup.exe, loads libc.so via System.Net; this.name = x; \
                detected as Win32/Korplug.RU. UA Chrome/131.0.0.0, version 3.3.14.5, OID 1.3.6.1.4.1.311 \
                and 1.3.6.1, e.g. node.js";
    assert_eq!(found(text), []);
}

#[test]
fn cves_asns_and_networks() {
    assert_eq!(
        found(
            "Exploits cve-2021-44228 and CVE\u{2011}2014\u{2011}0160 from AS13335 in 203.0.113.0/24."
        ),
        [
            (IndicatorKind::Cve, "CVE-2021-44228".to_owned()),
            (IndicatorKind::Cve, "CVE-2014-0160".to_owned()),
            (IndicatorKind::Asn, "AS13335".to_owned()),
            (IndicatorKind::Cidr, "203.0.113.0/24".to_owned()),
        ]
    );
}

#[test]
fn defanged_forms() {
    assert_eq!(
        values(
            "hxxps[://]bad[.]example[/]x evil dot example 192[.]0[.]2[.]9 a[@]b(.)example http[:]//c{.}example"
        ),
        [
            "https://bad.example/x",
            "bad.example",
            "evil.example",
            "192.0.2.9",
            "a@b.example",
            "b.example",
            "http://c.example/",
            "c.example",
        ]
    );
}

#[test]
fn host_and_path_without_scheme_is_a_url() {
    assert_eq!(
        values("get cc.example/images/a.html now"),
        ["http://cc.example/images/a.html", "cc.example"]
    );
}

#[test]
fn ipv6_and_ports() {
    assert_eq!(
        values("beacon to 2001:db8::7 and 192.0.2.44:443"),
        ["2001:db8::7", "192.0.2.44"]
    );
    assert!(values("at 10:30:00 std::string").is_empty());
}

#[test]
fn url_hosts_are_reported_only_when_they_stand_alone() {
    // Found by the property test: every reported value must re-parse to itself.
    assert_eq!(values("see http://e.com/ now"), ["http://e.com/", "e.com"]);
    assert_eq!(values("see http://main.rs/x now"), ["http://main.rs/x"]);
}
