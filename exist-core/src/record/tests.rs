use super::*;
use crate::IndicatorKind;

fn attr(t: &str, v: &str, comment: Option<&str>) -> ThreatAttribute {
    ThreatAttribute {
        uuid: None,
        category: None,
        attr_type: t.into(),
        value: v.into(),
        comment: comment.map(Into::into),
        to_ids: true,
        tags: vec![],
    }
}

#[test]
fn threat_event_mentions_typed_composite_and_free_text_values() {
    // Values from PyMISP's galaxy_1.json / existing_event.json test events.
    let event = ThreatEvent {
        source: "misp".into(),
        uuid: "5ad0a0b4-3f5c-4e4a-a5c3-4c9d950d210f".into(),
        info: "OSINT - PUBG Ransomware Decrypts Your Files".into(),
        date: None,
        threat_level: Some(3),
        analysis: Some(2),
        org: None,
        orgc: Some("CIRCL".into()),
        tags: vec!["tlp:white".into()],
        attributes: vec![
            attr(
                "sha256",
                "3208efe96d14f5a6a2840daecbead6b0f4d73c5a05192a1a8eef8b50bbfb4bc1",
                None,
            ),
            attr(
                "domain|ip",
                "movieultimate.com|198.51.100.7",
                Some("Xagent Samples"),
            ),
            attr(
                "comment",
                "append the .PUBG extension; C2 at meteost[.]com",
                None,
            ),
            attr("attachment", "pubg-ransomware.jpg", None),
        ],
        objects: vec![ThreatObject {
            uuid: None,
            name: "file".into(),
            meta_category: None,
            comment: None,
            attributes: vec![attr("md5", "0997ba7292ddbac1c7e7ade6766ed53c", None)],
        }],
        published_at: None,
    };
    let found: Vec<(IndicatorKind, String)> = event
        .indicators()
        .into_iter()
        .map(|i| (i.kind(), i.value().to_owned()))
        .collect();
    assert_eq!(
        found,
        [
            (
                IndicatorKind::Sha256,
                "3208efe96d14f5a6a2840daecbead6b0f4d73c5a05192a1a8eef8b50bbfb4bc1".into()
            ),
            (IndicatorKind::Domain, "movieultimate.com".into()),
            (IndicatorKind::Ipv4, "198.51.100.7".into()),
            (IndicatorKind::Domain, "meteost.com".into()),
            (
                IndicatorKind::Md5,
                "0997ba7292ddbac1c7e7ade6766ed53c".into()
            ),
        ]
    );
    let record = Record::ThreatEvent(event);
    assert_eq!(record.key(), "5ad0a0b4-3f5c-4e4a-a5c3-4c9d950d210f");
    assert!(record.search_text().contains("Xagent Samples"));
}

#[test]
fn reputation_entry_mentions_the_url_and_its_host() {
    let entry = ReputationEntry::new(
        Indicator::parse("http://evil.example/x").expect("url"),
        "urlhaus",
    );
    let values: Vec<String> = entry
        .indicators()
        .iter()
        .map(|i| i.value().to_owned())
        .collect();
    assert_eq!(values, ["http://evil.example/x", "evil.example"]);
    let record = Record::Reputation(entry);
    assert_eq!(record.key(), "url:http://evil.example/x");
    assert_eq!(record.kind().as_str(), "reputation");
}

#[test]
fn records_round_trip_through_json() {
    let post = Record::SocialPost(SocialPost {
        source: "mastodon".into(),
        platform: "mastodon".into(),
        id: "110".into(),
        author: "analyst".into(),
        text: "New C2 hxxp://bad[.]example/gate".into(),
        url: None,
        posted_at: None,
    });
    let json = serde_json::to_string(&post).expect("json");
    assert!(json.contains(r#""kind":"social_post""#));
    let back: Record = serde_json::from_str(&json).expect("back");
    assert_eq!(back, post);
    assert_eq!(back.indicators().len(), 2);
}

#[test]
fn vulnerability_and_exploit_mention_their_cves() {
    let v = Vulnerability {
        source: "kev".into(),
        id: "CVE-2021-44228".into(),
        title: Some("Apache Log4j2 RCE".into()),
        description: None,
        url: None,
        severity: None,
        cvss_score: Some(10.0),
        cves: vec![],
        references: vec![],
        published_at: None,
        updated_at: None,
    };
    assert_eq!(
        v.indicators()
            .iter()
            .map(Indicator::value)
            .collect::<Vec<_>>(),
        ["CVE-2021-44228"]
    );
    let x = Exploit {
        source: "exploitdb".into(),
        id: "50592".into(),
        title: "Apache Log4j 2 - RCE (CVE-2021-44228)".into(),
        url: None,
        platform: Some("java".into()),
        exploit_type: Some("remote".into()),
        author: None,
        cves: vec!["cve-2021-45046".into()],
        published_at: None,
    };
    assert_eq!(
        x.indicators()
            .iter()
            .map(Indicator::value)
            .collect::<Vec<_>>(),
        ["CVE-2021-45046", "CVE-2021-44228"]
    );
}
