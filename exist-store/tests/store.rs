//! The store's behaviour, the same on SQLite, PostgreSQL and MariaDB.

use chrono::{Duration, TimeZone, Utc};
use exist_core::{
    Indicator, IndicatorKind, Record, RecordKind, ReputationEntry, RunOutcome, SocialPost,
    SourceRunStatus,
};
use exist_store::{Relation, Store};
use exist_tests::all_databases;

fn entry(value: &str, source: &str) -> ReputationEntry {
    ReputationEntry::new(Indicator::parse(value).expect("indicator"), source)
}

fn ind(value: &str) -> Indicator {
    Indicator::parse(value).expect("indicator")
}

/// Runs `scenario` on every available backend, naming the backend on failure.
macro_rules! on_every_backend {
    ($name:literal, |$store:ident| $body:block) => {{
        for db in all_databases($name).await {
            let $store = Store::open(&db.url)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}: {e:?}", db.backend));
            let backend = db.backend;
            let result = async { $body }.await;
            if let Err(e) = result {
                panic!("{backend}: {e:?}");
            }
            $store.connection().clone().close().await.ok();
            db.cleanup().await;
        }
    }};
}

#[tokio::test]
async fn same_entry_twice_is_one_entry_whose_last_seen_advances() {
    on_every_backend!("upsert_idempotent", |store| {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let t1 = t0 + Duration::hours(6);
        let mut e = entry("evil.example", "list");
        let c = store.upsert_reputation(&[e.clone(), e.clone()], t0).await?;
        assert_eq!(
            (c.new, c.updated),
            (1, 0),
            "duplicates within a call count once"
        );
        e.category = Some("c2".into());
        let c = store.upsert_reputation(&[e], t1).await?;
        assert_eq!((c.new, c.updated), (0, 1));
        let found = store.lookup(&ind("evil.example")).await?;
        assert_eq!(found.reputation.len(), 1);
        let hit = &found.reputation[0];
        assert_eq!((hit.first_seen, hit.last_seen, hit.sightings), (t0, t1, 2));
        assert_eq!(hit.category.as_deref(), Some("c2"));
        assert_eq!(hit.relation, Relation::Exact);
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn domain_lookup_finds_subdomains_and_urls_ip_lookup_finds_networks() {
    on_every_backend!("lookup_related", |store| {
        let now = Utc::now();
        store
            .upsert_reputation(
                &[
                    entry("evil.example", "a"),
                    entry("cdn.evil.example", "b"),
                    entry("http://www.evil.example/gate.php", "c"),
                    entry("notevil.example", "d"),
                    entry("198.51.100.0/24", "drop"),
                    entry("198.51.0.0/16", "edrop"),
                    entry("http://198.51.100.7:8080/x", "urlhaus"),
                    entry("2001:db8::/32", "v6"),
                ],
                now,
            )
            .await?;
        let found = store.lookup(&ind("evil.example")).await?;
        let got: Vec<(&str, Relation)> = found
            .reputation
            .iter()
            .map(|h| (h.matched.value(), h.relation))
            .collect();
        assert_eq!(
            got,
            [
                ("evil.example", Relation::Exact),
                ("cdn.evil.example", Relation::Subdomain),
                ("http://www.evil.example/gate.php", Relation::OnHost),
            ]
        );
        let found = store.lookup(&ind("198.51.100.7")).await?;
        let mut got: Vec<(&str, Relation)> = found
            .reputation
            .iter()
            .map(|h| (h.matched.value(), h.relation))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("198.51.0.0/16", Relation::InNetwork),
                ("198.51.100.0/24", Relation::InNetwork),
                ("http://198.51.100.7:8080/x", Relation::OnHost),
            ]
        );
        let v6 = store.lookup(&ind("2001:db8::1")).await?;
        assert_eq!(v6.reputation.len(), 1);
        assert!(store.lookup(&ind("192.0.2.1")).await?.is_empty());
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

fn post(id: &str, text: &str) -> Record {
    Record::SocialPost(SocialPost {
        source: "mastodon".into(),
        platform: "mastodon".into(),
        id: id.into(),
        author: "analyst".into(),
        text: text.into(),
        url: None,
        posted_at: None,
    })
}

#[tokio::test]
async fn records_are_indexed_by_what_they_mention() {
    on_every_backend!("records", |store| {
        let now = Utc::now();
        let c = store
            .upsert_records(
                &[
                    post("1", "C2 at hxxp://bad[.]example/gate"),
                    Record::Reputation(entry("bad.example", "list")),
                ],
                now,
            )
            .await?;
        assert_eq!(c.new, 2);
        let again = store
            .upsert_records(&[post("1", "C2 at hxxp://bad[.]example/gate")], now)
            .await?;
        assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 1));
        let changed = store
            .upsert_records(&[post("1", "C2 moved to 192.0.2.10")], now)
            .await?;
        assert_eq!(changed.updated, 1);
        let found = store.lookup(&ind("bad.example")).await?;
        assert_eq!(found.reputation.len(), 1);
        assert!(
            found.records.is_empty(),
            "links are rebuilt when a record changes"
        );
        let found = store.lookup(&ind("192.0.2.10")).await?;
        assert_eq!(found.records.len(), 1);
        let hit = &found.records[0];
        assert_eq!(
            (
                hit.kind,
                hit.source.as_str(),
                hit.key.as_str(),
                hit.sightings
            ),
            (RecordKind::SocialPost, "mastodon", "1", 3)
        );
        assert!(matches!(&hit.record, Record::SocialPost(p) if p.text.contains("192.0.2.10")));
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn search_pages_through_all_kinds() {
    on_every_backend!("search", |store| {
        let now = Utc::now();
        let mut e = entry("emotet-c2.example", "list");
        e.description = Some("Emotet epoch 5".into());
        let mut pct = entry("sure.example", "list");
        pct.description = Some("100% sure".into());
        store.upsert_reputation(&[e, pct], now).await?;
        store
            .upsert_records(
                &[post("7", "New EMOTET wave"), post("8", "unrelated")],
                now + Duration::seconds(5),
            )
            .await?;
        let page = store.search("emotet", 10, 0).await?;
        let kinds: Vec<RecordKind> = page.hits.iter().map(|h| h.kind).collect();
        assert_eq!(
            kinds,
            [RecordKind::SocialPost, RecordKind::Reputation],
            "newest first, case-insensitive"
        );
        let first = store.search("emotet", 1, 0).await?;
        assert!(first.has_more);
        let second = store.search("emotet", 1, 1).await?;
        assert_eq!((second.hits.len(), second.has_more), (1, false));
        let pct = store.search("%", 10, 0).await?;
        assert_eq!(
            pct.hits
                .iter()
                .map(|h| h.title.as_str())
                .collect::<Vec<_>>(),
            ["sure.example"],
            "% is literal"
        );
        assert!(
            store.search("_", 10, 0).await?.hits.is_empty(),
            "_ is literal"
        );
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn stats_prune_and_runs() {
    on_every_backend!("stats_prune_runs", |store| {
        let old = Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap();
        let new = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
        store
            .upsert_reputation(&[entry("old.example", "a"), entry("192.0.2.1", "a")], old)
            .await?;
        store
            .upsert_reputation(&[entry("new.example", "b")], new)
            .await?;
        store
            .upsert_records(&[post("1", "see new.example")], new)
            .await?;
        let stats = store.stats(90, new).await?;
        assert_eq!(stats.indicators, 3);
        assert_eq!(stats.indicators_by_kind.get("domain"), Some(&2));
        assert_eq!(stats.records_by_kind.get("reputation"), Some(&3));
        assert_eq!(stats.records_by_kind.get("social_post"), Some(&1));
        let days: Vec<(String, u64)> = stats
            .by_day
            .iter()
            .map(|d| (d.day.to_string(), d.count))
            .collect();
        assert_eq!(
            days,
            [("2026-10-01".to_owned(), 2), ("2026-11-20".to_owned(), 2)]
        );
        let per_source: Vec<(String, String, u64)> = stats
            .by_source_day
            .iter()
            .map(|d| (d.source.clone(), d.day.to_string(), d.count))
            .collect();
        assert_eq!(
            per_source,
            [
                ("a".to_owned(), "2026-10-01".to_owned(), 2),
                ("b".to_owned(), "2026-11-20".to_owned(), 1),
                ("mastodon".to_owned(), "2026-11-20".to_owned(), 1),
            ]
        );
        let found = store.records_by_key(RecordKind::SocialPost, "1").await?;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].source, "mastodon");
        assert!(
            store
                .records_by_key(RecordKind::SocialPost, "2")
                .await?
                .is_empty()
        );
        assert!(
            store
                .records_by_key(RecordKind::Exploit, "1")
                .await?
                .is_empty()
        );
        let pruned = store.prune(new - Duration::days(7)).await?;
        assert_eq!(
            (pruned.reputation, pruned.records, pruned.indicators),
            (2, 0, 2)
        );
        assert!(store.lookup(&ind("old.example")).await?.is_empty());
        assert_eq!(store.lookup(&ind("new.example")).await?.reputation.len(), 1);

        let mut run = SourceRunStatus::start("urlhaus");
        run.outcome = RunOutcome::Failed;
        run.error = Some("HTTP 401 from https://urlhaus.example/".into());
        run.rejected = 2;
        store.record_run(&run).await?;
        let runs = store.runs(Some("urlhaus"), 5).await?;
        assert_eq!(runs.len(), 1);
        assert_eq!(
            (runs[0].outcome, runs[0].rejected, runs[0].error.as_deref()),
            (RunOutcome::Failed, 2, run.error.as_deref())
        );
        let mut ok = SourceRunStatus::start("urlhaus");
        ok.outcome = RunOutcome::Ok;
        store.record_run(&ok).await?;
        store.record_run(&SourceRunStatus::start("ipsum")).await?;
        let mut last = store.last_runs().await?;
        last.sort_by(|a, b| a.source.cmp(&b.source));
        let last: Vec<(&str, RunOutcome)> = last
            .iter()
            .map(|r| (r.source.as_str(), r.outcome))
            .collect();
        assert_eq!(
            last,
            [("ipsum", RunOutcome::Running), ("urlhaus", RunOutcome::Ok)],
            "one query, the newest run of each source"
        );
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn bulk_batches_and_info() {
    on_every_backend!("bulk", |store| {
        let entries: Vec<ReputationEntry> = (0..2500u32)
            .map(|i| {
                entry(
                    &format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255),
                    "bulk",
                )
            })
            .collect();
        let c = store.upsert_reputation(&entries, Utc::now()).await?;
        assert_eq!(c.new, 2500);
        let c = store.upsert_reputation(&entries, Utc::now()).await?;
        assert_eq!((c.new, c.updated), (0, 2500));
        let stats = store.stats(1, Utc::now()).await?;
        assert_eq!(
            stats.indicators_by_kind.get(IndicatorKind::Ipv4.as_str()),
            Some(&2500)
        );
        let info = store.info().await?;
        assert_eq!(info.migrations.len(), 4);
        assert!(info.pending.is_empty());
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn api_tokens_are_kept_hashed_and_verified() {
    on_every_backend!("tokens", |store| {
        use exist_store::Scope;
        let (token, info) = store.create_token("soc dashboard", Scope::Read).await?;
        assert!(token.starts_with(&format!("exist_{}_", info.id)), "{token}");
        assert_eq!(token.len(), "exist_".len() + 8 + 1 + 32);
        let found = store.verify_token(&token).await?.expect("valid");
        assert_eq!(
            (found.name.as_str(), found.scope),
            ("soc dashboard", Scope::Read)
        );
        let mut wrong = token.clone();
        wrong.pop();
        wrong.push(if token.ends_with('0') { '1' } else { '0' });
        assert!(
            store.verify_token(&wrong).await?.is_none(),
            "another secret"
        );
        for junk in [
            "",
            "Bearer x",
            "exist_",
            "exist_zzzzzzzz_00",
            "exist_00000000_00",
        ] {
            assert!(store.verify_token(junk).await?.is_none(), "{junk}");
        }
        let (admin, _) = store.create_token("ops", Scope::Admin).await?;
        let listed = store.tokens().await?;
        assert_eq!(listed.len(), 2);
        assert!(
            !format!("{listed:?}").contains(&token[15..]),
            "no secret in the listing"
        );
        assert!(store.revoke_token(&info.id).await?);
        assert!(store.verify_token(&token).await?.is_none(), "revoked");
        assert!(store.verify_token(&admin).await?.is_some());
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn enrichment_answers_are_cached_per_enricher_and_indicator() {
    on_every_backend!("enrich_cache", |store| {
        let ip = Indicator::parse("198.51.100.23")?;
        let other = Indicator::parse("198.51.100.24")?;
        let t0 = Utc::now() - chrono::Duration::hours(2);
        let answer = serde_json::json!({"abuse_confidence_score": 87, "hostnames": ["vps23.hosting.example"], "note": "日本語 'quotes' \"and\" \\\\ back"});
        assert!(
            store
                .cached_enrichment("abuseipdb", &ip, t0)
                .await?
                .is_none()
        );
        store
            .save_enrichment("abuseipdb", &ip, t0 + chrono::Duration::hours(1), &answer)
            .await?;
        let (at, data) = store
            .cached_enrichment("abuseipdb", &ip, t0)
            .await?
            .expect("cached");
        assert_eq!(data, answer);
        assert_eq!(
            at.timestamp(),
            (t0 + chrono::Duration::hours(1)).timestamp()
        );
        assert!(
            store
                .cached_enrichment("abuseipdb", &ip, Utc::now())
                .await?
                .is_none(),
            "older than asked for"
        );
        assert!(
            store.cached_enrichment("shodan", &ip, t0).await?.is_none(),
            "per enricher"
        );
        assert!(
            store
                .cached_enrichment("abuseipdb", &other, t0)
                .await?
                .is_none(),
            "per indicator"
        );
        let newer = serde_json::json!({"abuse_confidence_score": 12});
        store
            .save_enrichment("abuseipdb", &ip, Utc::now(), &newer)
            .await?;
        let (_, data) = store
            .cached_enrichment("abuseipdb", &ip, t0)
            .await?
            .expect("cached");
        assert_eq!(data, newer, "a refresh replaces the answer");
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn reputation_listing_filters_and_pages() {
    on_every_backend!("listing", |store| {
        use exist_store::ListFilter;
        let t0 = Utc::now() - Duration::days(3);
        let mut a = entry("evil.example", "feed_a");
        a.category = Some("botnet_cc".into());
        a.description = Some("Emotet epoch 5".into());
        store
            .upsert_reputation(&[a, entry("198.51.100.7", "feed_a")], t0)
            .await?;
        store
            .upsert_reputation(
                &[
                    entry("203.0.113.9", "feed_b"),
                    entry("bad.example", "feed_b"),
                ],
                Utc::now(),
            )
            .await?;
        let all = store.reputation_page(&ListFilter::default(), 10, 0).await?;
        assert_eq!(all.items.len(), 4);
        assert!(!all.has_more);
        assert_eq!(all.items[0].source, "feed_b", "newest first");
        let only_a = ListFilter {
            source: Some("feed_a".into()),
            ..ListFilter::default()
        };
        assert_eq!(store.reputation_page(&only_a, 10, 0).await?.items.len(), 2);
        let domains = ListFilter {
            kind: Some(IndicatorKind::Domain),
            ..ListFilter::default()
        };
        let values: Vec<String> = store
            .reputation_page(&domains, 10, 0)
            .await?
            .items
            .iter()
            .map(|i| i.indicator.value().to_owned())
            .collect();
        assert_eq!(values, ["bad.example", "evil.example"]);
        let recent = ListFilter {
            since: Some(Utc::now() - Duration::days(1)),
            ..ListFilter::default()
        };
        assert_eq!(store.reputation_page(&recent, 10, 0).await?.items.len(), 2);
        let old = ListFilter {
            until: Some(Utc::now() - Duration::days(1)),
            ..ListFilter::default()
        };
        assert_eq!(store.reputation_page(&old, 10, 0).await?.items.len(), 2);
        let text = ListFilter {
            q: Some("EMOTET".into()),
            ..ListFilter::default()
        };
        let hit = store.reputation_page(&text, 10, 0).await?;
        assert_eq!(hit.items.len(), 1);
        assert_eq!(hit.items[0].category.as_deref(), Some("botnet_cc"));
        let wildcard = ListFilter {
            q: Some("%".into()),
            ..ListFilter::default()
        };
        assert!(
            store
                .reputation_page(&wildcard, 10, 0)
                .await?
                .items
                .is_empty(),
            "% is literal"
        );
        let first = store.reputation_page(&ListFilter::default(), 3, 0).await?;
        let second = store.reputation_page(&ListFilter::default(), 3, 3).await?;
        assert_eq!((first.items.len(), first.has_more), (3, true));
        assert_eq!((second.items.len(), second.has_more), (1, false));
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}

#[tokio::test]
async fn record_listing_by_kind_filters_and_pages() {
    on_every_backend!("record_listing", |store| {
        use exist_store::ListFilter;
        let old = Utc::now() - Duration::days(2);
        store
            .upsert_records(
                &[
                    post("1", "Emotet is back via evil.example"),
                    post("2", "quiet day"),
                ],
                old,
            )
            .await?;
        store
            .upsert_records(&[post("3", "new Qakbot C2 198.51.100.7")], Utc::now())
            .await?;
        let all = store
            .records_page(RecordKind::SocialPost, &ListFilter::default(), 10, 0)
            .await?;
        assert_eq!(all.items.len(), 3);
        assert_eq!(all.items[0].key, "3", "newest first");
        assert!(matches!(&all.items[0].record, Record::SocialPost(p) if p.text.contains("Qakbot")));
        let none = store
            .records_page(RecordKind::ThreatEvent, &ListFilter::default(), 10, 0)
            .await?;
        assert!(none.items.is_empty(), "other kinds are not listed");
        let text = ListFilter {
            q: Some("emotet".into()),
            ..ListFilter::default()
        };
        assert_eq!(
            store
                .records_page(RecordKind::SocialPost, &text, 10, 0)
                .await?
                .items
                .len(),
            1
        );
        let recent = ListFilter {
            since: Some(Utc::now() - Duration::days(1)),
            ..ListFilter::default()
        };
        assert_eq!(
            store
                .records_page(RecordKind::SocialPost, &recent, 10, 0)
                .await?
                .items
                .len(),
            1
        );
        let page = store
            .records_page(RecordKind::SocialPost, &ListFilter::default(), 2, 0)
            .await?;
        assert_eq!((page.items.len(), page.has_more), (2, true));
        Ok::<(), Box<dyn std::error::Error>>(())
    });
}
