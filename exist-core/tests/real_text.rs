//! Extraction on real text from the fixtures (MISP events, tweets, Mastodon
//! statuses): what an analyst would expect to be found, and nothing else.

use std::path::PathBuf;

use exist_core::{IndicatorKind, extract};

fn fixture(path: &str) -> serde_json::Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(path);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn event_texts(path: &str) -> Vec<String> {
    let v = fixture(path);
    let e = v.get("Event").unwrap_or(&v);
    let mut out = vec![e["info"].as_str().unwrap_or_default().to_owned()];
    for a in e["Attribute"].as_array().into_iter().flatten() {
        out.push(a["value"].as_str().unwrap_or_default().to_owned());
        out.push(a["comment"].as_str().unwrap_or_default().to_owned());
    }
    out
}

fn found(text: &str) -> Vec<(IndicatorKind, String)> {
    extract(text)
        .into_iter()
        .map(|e| (e.indicator.kind(), e.indicator.value().to_owned()))
        .collect()
}

#[test]
fn misp_event_values_and_prose() {
    let texts = event_texts("misp/event_existing_unwrapped.json");
    let all: Vec<(IndicatorKind, String)> = texts.iter().flat_map(|t| found(t)).collect();
    let domains: Vec<&str> = all
        .iter()
        .filter(|(k, _)| *k == IndicatorKind::Domain)
        .map(|(_, v)| v.as_str())
        .collect();
    for d in [
        "movieultimate.com",
        "meteost.com",
        "faststoragefiles.org",
        "fastdataexchange.org",
        "newfilmts.com",
    ] {
        assert!(domains.contains(&d), "{d} missing from {domains:?}");
    }
    assert!(all.contains(&(
        IndicatorKind::Url,
        "https://www.welivesecurity.com/2017/12/21/sednit-update-fancy-bear-spent-year/".to_owned()
    )));
    // The prose attribute ("Sednit group — also known as Strontium, APT28 ...")
    // holds no indicator.
    let prose = texts
        .iter()
        .find(|t| t.starts_with("The Sednit group"))
        .expect("text attribute");
    assert_eq!(found(prose), []);
}

#[test]
fn misp_comment_with_file_extension_is_not_a_domain() {
    let texts = event_texts("misp/event_galaxy_objects_tags.json");
    let comment = texts
        .iter()
        .find(|t| t.contains("PUBG extension"))
        .expect("comment attribute");
    assert_eq!(
        found(comment),
        [],
        "'.PUBG extension' and 'user's' are prose"
    );
    let hashes: Vec<_> = texts
        .iter()
        .flat_map(|t| found(t))
        .filter(|(k, _)| k.is_hash())
        .collect();
    assert_eq!(
        hashes,
        [(
            IndicatorKind::Sha256,
            "3208efe96d14f5a6a2840daecbead6b0f4d73c5a05192a1a8eef8b50bbfb4bc1".to_owned()
        )]
    );
}

#[test]
fn japanese_prose_yields_nothing() {
    for t in event_texts("misp/event_japanese_text.json") {
        assert_eq!(found(&t), [], "{t}");
    }
}

#[test]
fn tweets_give_their_links_and_no_mentions() {
    let v = fixture("social/twitter/search_tweets.json");
    let mut urls = 0;
    for s in v["statuses"].as_array().expect("statuses") {
        let text = s["text"].as_str().expect("text");
        for (kind, value) in found(text) {
            match kind {
                IndicatorKind::Url => {
                    assert!(value.starts_with("https://t.co/"), "{value}");
                    urls += 1;
                }
                IndicatorKind::Domain => assert_eq!(value, "t.co"),
                other => panic!("unexpected {other} {value} in {text:?}"),
            }
        }
    }
    assert!(urls >= 5, "only {urls} t.co links");
}

#[test]
fn mastodon_html_statuses() {
    let v = fixture("social/mastodon/timelines_public.json");
    let all: Vec<(IndicatorKind, String)> = v
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|s| found(s["content"].as_str().unwrap_or_default()))
        .collect();
    // The only indicator-like things in these statuses are mention links to the
    // test instance's profile, inside href="…" attributes.
    assert!(
        all.iter().all(|(k, v)| *k == IndicatorKind::Url
            && v.starts_with("http://localhost:3000/")
            || *k == IndicatorKind::Domain),
        "{all:?}"
    );
}

fn fixture_text(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn rss_items_raw_xml_with_escaped_html_and_cdata() {
    let xml = fixture_text("news/exist_sample_feed.rss.xml");
    let all = found(&xml);
    let expected: &[(IndicatorKind, &str)] = &[
        (IndicatorKind::Cve, "CVE-2026-1234"),
        (
            IndicatorKind::Url,
            "https://cdn-update.example/dl/setup.exe",
        ),
        (
            IndicatorKind::Sha256,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
        (IndicatorKind::Url, "http://198.51.100.23:8080/gate.php"),
        (IndicatorKind::Ipv4, "198.51.100.23"),
        (IndicatorKind::Domain, "update-check.example"),
        (IndicatorKind::Ipv4, "203.0.113.9"),
        (IndicatorKind::Email, "it-support@mail.example"),
        (IndicatorKind::Asn, "AS64500"),
    ];
    for (kind, value) in expected {
        assert!(
            all.contains(&(*kind, (*value).to_owned())),
            "{kind} {value} missing from {all:?}"
        );
    }
    for (kind, value) in &all {
        assert!(
            !value.contains("&quot;") && !value.contains("&gt;"),
            "markup kept in {value}"
        );
        assert!(
            ![
                "invoice.pdf",
                "setup.exe",
                "libc.so",
                "system.net",
                "4.2.1.7"
            ]
            .contains(&value.as_str()),
            "{kind} {value} is not an indicator"
        );
    }
}
