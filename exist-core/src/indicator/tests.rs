use super::*;

fn canon(s: &str) -> (IndicatorKind, String) {
    match Indicator::parse(s) {
        Ok(i) => (i.kind(), i.value().to_owned()),
        Err(e) => panic!("{s}: {e}"),
    }
}

#[test]
fn classifies_and_canonicalizes_every_kind() {
    use IndicatorKind::*;
    let cases: &[(&str, IndicatorKind, &str)] = &[
        ("192.0.2.1", Ipv4, "192.0.2.1"),
        ("192.0.2[.]1", Ipv4, "192.0.2.1"),
        ("::ffff:192.0.2.1", Ipv4, "192.0.2.1"),
        (
            "2001:0DB8:0000:0000:0000:0000:0000:0001",
            Ipv6,
            "2001:db8::1",
        ),
        ("[2001:db8::1]", Ipv6, "2001:db8::1"),
        ("192.0.2.77/24", Cidr, "192.0.2.0/24"),
        ("2001:db8::1/32", Cidr, "2001:db8::/32"),
        ("::ffff:192.0.2.0/120", Cidr, "192.0.2.0/24"),
        ("192.0.2.1/32", Ipv4, "192.0.2.1"),
        ("EVIL.Example.COM.", Domain, "evil.example.com"),
        ("evil[.]com", Domain, "evil.com"),
        ("evil dot com", Domain, "evil.com"),
        ("münchen.de", Domain, "xn--mnchen-3ya.de"),
        (
            "hxxp://evil[.]com/Path?Q=1",
            Url,
            "http://evil.com/Path?Q=1",
        ),
        ("fxp://files.example.org", Url, "ftp://files.example.org/"),
        ("http[:]//evil.com:80", Url, "http://evil.com/"),
        ("evil.com/gate.php", Url, "http://evil.com/gate.php"),
        ("evil.com:8080", Url, "http://evil.com:8080/"),
        ("Bad.Guy[@]Evil[.]com", Email, "bad.guy@evil.com"),
        ("user[at]evil.com", Email, "user@evil.com"),
        (
            "D41D8CD98F00B204E9800998ECF8427E",
            Md5,
            "d41d8cd98f00b204e9800998ecf8427e",
        ),
        (
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            Sha1,
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        ),
        (
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            Sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("cve-2021-44228", Cve, "CVE-2021-44228"),
        ("CVE\u{2013}2014\u{2013}0160", Cve, "CVE-2014-0160"),
        ("CVE\u{2011}2014\u{2011}0160", Cve, "CVE-2014-0160"),
        ("as13335", Asn, "AS13335"),
        ("AS 64496", Asn, "AS64496"),
    ];
    for (input, kind, value) in cases {
        assert_eq!(canon(input), (*kind, (*value).to_owned()), "{input}");
    }
}

#[test]
fn refuses_what_is_not_an_indicator() {
    for s in [
        "",
        "   ",
        "hello",
        "invoice.pdf",
        "setup.exe",
        "libc.so",
        "System.Net",
        "this.name",
        "Win32/Korplug.RU",
        "Chrome/131.0.0.0",
        "version 3.3.14.5",
        "1.3.6.1",
        "1.2.3.4.5",
        "999.1.1.1",
        "192.0.2.1/33",
        "CVE-21-1",
        "mailto:someone",
    ] {
        match Indicator::parse(s) {
            Err(Error::NotAnIndicator { .. }) => {}
            other => panic!("{s:?} gave {other:?}"),
        }
    }
}

#[test]
fn idn_keeps_unicode_for_display() {
    let i = Indicator::parse("http://пример.рф/путь").expect("idn url");
    assert_eq!(i.value(), "http://xn--e1afmkfd.xn--p1ai/путь");
    assert_eq!(i.display(), "http://пример.рф/путь");
    let host = i.host().expect("host");
    assert_eq!(
        (host.kind(), host.value(), host.display()),
        (IndicatorKind::Domain, "xn--e1afmkfd.xn--p1ai", "пример.рф")
    );
}

#[test]
fn host_of_url_and_email() {
    let ip_url = Indicator::parse("http://192.0.2.1:8080/x").expect("url");
    assert_eq!(
        ip_url.host().map(|h| (h.kind(), h.value().to_owned())),
        Some((IndicatorKind::Ipv4, "192.0.2.1".into()))
    );
    let email = Indicator::parse("a@Mail.Example.org").expect("email");
    assert_eq!(
        email.host().map(|h| h.value().to_owned()),
        Some("mail.example.org".into())
    );
}

#[test]
fn parse_as_checks_the_kind() {
    assert!(Indicator::parse_as(IndicatorKind::Domain, "evil.com").is_ok());
    assert!(matches!(
        Indicator::parse_as(IndicatorKind::Md5, "evil.com"),
        Err(Error::WrongKind { .. })
    ));
    assert_eq!(
        Indicator::parse_as(IndicatorKind::Url, "evil.com")
            .expect("url")
            .value(),
        "http://evil.com/"
    );
    assert_eq!(
        Indicator::parse_as(IndicatorKind::Cidr, "192.0.2.1")
            .expect("cidr")
            .value(),
        "192.0.2.1"
    );
}

#[test]
fn hostile_input_is_quoted_short() {
    let long = "x".repeat(10_000);
    let msg = Indicator::parse(&long).expect_err("refused").to_string();
    assert!(msg.len() < 400, "{}", msg.len());
}

#[test]
fn host_str_of_urls_and_emails() {
    let cases = [
        ("https://user:pw@evil.example:8443/a?b", "evil.example"),
        ("http://[2001:db8::1]:8080/", "2001:db8::1"),
        ("http://192.0.2.1/x", "192.0.2.1"),
        ("a@mail.example", "mail.example"),
    ];
    for (input, host) in cases {
        assert_eq!(
            Indicator::parse(input).expect("parse").host_str(),
            Some(host),
            "{input}"
        );
    }
    assert_eq!(
        Indicator::parse("evil.example").expect("domain").host_str(),
        None
    );
}

#[test]
fn a_domain_asked_for_as_such_skips_the_free_text_heuristics() {
    assert!(
        Indicator::parse("crt.sh").is_err(),
        "free text: a script name"
    );
    let d = Indicator::parse_as(IndicatorKind::Domain, "crt[.]sh").expect("explicit");
    assert_eq!((d.kind(), d.value()), (IndicatorKind::Domain, "crt.sh"));
    let d = Indicator::parse_as(IndicatorKind::Domain, "Setup.PY").expect("explicit");
    assert_eq!(d.value(), "setup.py");
    for not_a_domain in ["http://crt.sh/", "192.0.2.1", "crt.notatld", "a b.com", "x"] {
        assert!(
            Indicator::parse_as(IndicatorKind::Domain, not_a_domain).is_err(),
            "{not_a_domain}"
        );
    }
}
