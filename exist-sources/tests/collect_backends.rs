//! The collection pipeline on every backend (SQLite, PostgreSQL, MariaDB):
//! a feed collected, collected again with entries gone (they keep their
//! history, last_seen stops), a broken download (nothing changes), and a
//! feed that suddenly comes back empty.

use std::time::Duration;

use exist_core::{Indicator, RunOutcome};
use exist_sources::{Catalogue, Config, HttpConfig, HttpDriver};
use exist_store::Store;
use exist_tests::{Reply, TestServer, all_databases, fixture};

#[tokio::test]
async fn collect_keeps_history_and_survives_bad_downloads_on_every_backend() {
    let ipsum = std::fs::read_to_string(fixture("feeds/ipsum/ipsum.txt")).expect("fixture");
    // The next day's list: the first 100 entries are gone.
    let mut kept = 0;
    let smaller: String = ipsum
        .lines()
        .filter(|l| {
            if l.starts_with('#') {
                return true;
            }
            kept += 1;
            kept > 100
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let gone = Indicator::parse("77.90.185.20").expect("ip"); // the first entry
    let stays = ipsum
        .lines()
        .filter(|l| !l.starts_with('#'))
        .nth(150)
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| Indicator::parse(v).ok())
        .expect("an entry that stays");

    for db in all_databases("collect_backends").await {
        let backend = db.backend;
        let server = TestServer::start().await;
        server.route(
            "/ipsum.txt",
            vec![
                Reply::ok(ipsum.clone()),
                Reply::ok(smaller.clone()),
                Reply::ok("<html><body>502 Bad Gateway</body></html>"),
                Reply::ok("# IPsum\n# nothing today\n"),
            ],
        );
        let http = HttpDriver::new(HttpConfig {
            backoff: Duration::from_millis(10),
            ..HttpConfig::default()
        })
        .expect("driver");
        let catalogue = Catalogue::new(&Config::default(), &|_| None, &http).expect("catalogue");
        let feed = catalogue
            .get("ipsum")
            .expect("ipsum")
            .clone()
            .with_url(server.url("/ipsum.txt"));
        let store = Store::open(&db.url).await.expect("store");

        let first = store.collect(&feed).await.expect("run 1");
        assert_eq!(
            (first.outcome, first.new),
            (RunOutcome::Ok, 393),
            "{backend}"
        );
        let before = store.lookup(&gone).await.expect("lookup").reputation[0].clone();
        tokio::time::sleep(Duration::from_millis(1100)).await;

        let second = store.collect(&feed).await.expect("run 2");
        assert_eq!(
            (
                second.outcome,
                second.read,
                second.new,
                second.unchanged + second.updated
            ),
            (RunOutcome::Ok, 293, 0, 293),
            "{backend}"
        );
        let after = store.lookup(&gone).await.expect("lookup").reputation[0].clone();
        assert_eq!(
            (after.sightings, after.last_seen),
            (before.sightings, before.last_seen),
            "{backend}: a delisted entry keeps its history, last_seen stops"
        );
        let listed = store.lookup(&stays).await.expect("lookup").reputation[0].clone();
        assert_eq!(listed.sightings, 2, "{backend}");
        assert!(listed.last_seen > before.last_seen, "{backend}");

        for expected in ["HTML page", "no entries where the last run had 293"] {
            let run = store.collect(&feed).await.expect("faulty run");
            assert_eq!(run.outcome, RunOutcome::Failed, "{backend}: {expected}");
            assert!(
                run.error.as_deref().is_some_and(|e| e.contains(expected)),
                "{backend}: {:?}",
                run.error
            );
            let now = store.lookup(&stays).await.expect("lookup").reputation[0].clone();
            assert_eq!(
                (now.sightings, now.last_seen),
                (listed.sightings, listed.last_seen),
                "{backend}"
            );
        }
        assert_eq!(store.runs(Some("ipsum"), 10).await.expect("runs").len(), 4);
        drop(store);
        db.cleanup().await;
    }
}
