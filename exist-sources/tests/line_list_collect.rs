//! A line-list feed collected into the store through the pipeline, on the
//! repository's IPsum fixture served locally: the normal runs and the faults
//! (server error, HTML page, a feed that suddenly comes back empty), each with
//! its status and stored data left as it was.

use std::time::Duration;

use exist_core::{Indicator, RunOutcome};
use exist_sources::{HttpConfig, HttpDriver, LineListFeed};
use exist_store::Store;
use exist_tests::{Reply, TestServer, fixture, sqlite_db};

fn feed(server: &TestServer) -> LineListFeed {
    let http = HttpDriver::new(HttpConfig {
        backoff: Duration::from_millis(10),
        request_timeout: Duration::from_secs(5),
        ..HttpConfig::default()
    })
    .expect("driver");
    LineListFeed {
        name: "ipsum".into(),
        url: server.url("/ipsum.txt"),
        category: Some("malicious_ip".into()),
        interval_secs: 86_400,
        auth: None,
        http,
    }
}

#[tokio::test]
async fn collects_then_skips_unchanged_then_survives_bad_downloads() {
    let ipsum = std::fs::read(fixture("feeds/ipsum/ipsum.txt")).expect("fixture");
    let server = TestServer::start().await;
    // The 500 is served for the first try and each retry of the driver.
    let error = Reply::status(500, "<html><body>Internal error</body></html>");
    let mut replies = vec![
        Reply::ok(ipsum).header("ETag", "\"day1\""),
        Reply::status(304, ""),
    ];
    replies.extend(std::iter::repeat_n(
        error,
        1 + exist_sources::RETRIES as usize,
    ));
    replies.push(Reply::ok(
        "<!DOCTYPE html><html><head><title>Login</title></head></html>",
    ));
    replies.push(Reply::ok("# IPsum\n# (empty today)\n"));
    server.route("/ipsum.txt", replies);
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let feed = feed(&server);
    let probe = Indicator::parse("77.90.185.20").expect("ip");

    let first = store.collect(&feed).await.expect("run 1");
    assert_eq!(
        (first.outcome, first.read, first.new, first.rejected),
        (RunOutcome::Ok, 393, 393, 0)
    );
    let hit = store.lookup(&probe).await.expect("lookup");
    assert_eq!(hit.reputation[0].category.as_deref(), Some("malicious_ip"));

    let second = store.collect(&feed).await.expect("run 2");
    assert_eq!(second.outcome, RunOutcome::NotModified);
    assert_eq!(
        server.seen()[1]
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"day1\"")
    );

    for expected in [
        "HTTP 500",
        "HTML page",
        "no entries where the last run had 393",
    ] {
        let run = store.collect(&feed).await.expect("faulty run");
        assert_eq!(run.outcome, RunOutcome::Failed, "{expected}");
        assert!(
            run.error.as_deref().is_some_and(|e| e.contains(expected)),
            "{:?} lacks {expected}",
            run.error
        );
        let still = store.lookup(&probe).await.expect("lookup");
        assert_eq!(
            (still.reputation.len(), still.reputation[0].sightings),
            (1, 1),
            "stored data unchanged"
        );
    }
    let runs = store.runs(Some("ipsum"), 10).await.expect("runs");
    assert_eq!(runs.len(), 5, "every run is recorded");
}
