use std::io::Write;
use std::time::{Duration, Instant};

use exist_tests::{Reply, TestServer};

use super::*;

fn fast() -> HttpConfig {
    HttpConfig {
        request_timeout: Duration::from_secs(5),
        backoff: Duration::from_millis(10),
        max_body_bytes: 1 << 20,
        max_decompressed_bytes: 2 << 20,
        ..HttpConfig::default()
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

async fn get(server: &TestServer, path: &str, v: &Validators) -> Result<Fetched> {
    HttpDriver::new(fast())
        .expect("driver")
        .get(&server.url(path), v, None)
        .await
}

#[tokio::test]
async fn conditional_get_gives_not_modified_and_sends_user_agent() {
    let server = TestServer::start().await;
    server.route(
        "/list.txt",
        vec![
            Reply::ok("192.0.2.1\n")
                .header("ETag", "\"v1\"")
                .header("Last-Modified", "Tue, 24 Nov 2026 09:00:00 GMT"),
            Reply::status(304, ""),
        ],
    );
    let first = get(&server, "/list.txt", &Validators::default())
        .await
        .expect("first");
    let Fetched::Body {
        bytes, validators, ..
    } = first
    else {
        panic!("expected a body")
    };
    assert_eq!(bytes, b"192.0.2.1\n");
    assert_eq!(validators.etag.as_deref(), Some("\"v1\""));
    let second = get(&server, "/list.txt", &validators)
        .await
        .expect("second");
    assert_eq!(second, Fetched::NotModified);
    let seen = server.seen();
    assert_eq!(
        seen[1].headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );
    assert!(seen[1].headers.contains_key("if-modified-since"));
    assert!(
        seen[0]
            .headers
            .get("user-agent")
            .is_some_and(|ua| ua.starts_with("exist/"))
    );
}

#[tokio::test]
async fn retries_5xx_then_succeeds_or_reports_the_status() {
    let server = TestServer::start().await;
    server.route(
        "/flaky",
        vec![Reply::status(502, "bad gateway"), Reply::ok("ok")],
    );
    server.route("/down", vec![Reply::status(500, "<html>error</html>")]);
    assert!(matches!(
        get(&server, "/flaky", &Validators::default()).await,
        Ok(Fetched::Body { .. })
    ));
    match get(&server, "/down", &Validators::default()).await {
        Err(Error::Status { status: 500, url }) => assert!(url.ends_with("/down")),
        other => panic!("{other:?}"),
    }
    let tries = server.seen().iter().filter(|s| s.path == "/down").count();
    assert_eq!(tries as u32, RETRIES + 1);
}

#[tokio::test]
async fn honours_retry_after_and_refuses_a_too_long_one() {
    let server = TestServer::start().await;
    server.route(
        "/limited",
        vec![
            Reply::status(429, "slow down").header("Retry-After", "1"),
            Reply::ok("ok"),
        ],
    );
    server.route(
        "/closed",
        vec![Reply::status(429, "").header("Retry-After", "86400")],
    );
    let t = Instant::now();
    assert!(matches!(
        get(&server, "/limited", &Validators::default()).await,
        Ok(Fetched::Body { .. })
    ));
    assert!(
        t.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        t.elapsed()
    );
    assert!(matches!(
        get(&server, "/closed", &Validators::default()).await,
        Err(Error::Status { status: 429, .. })
    ));
    assert_eq!(
        server.seen().iter().filter(|s| s.path == "/closed").count(),
        1,
        "no retry after a day-long wait"
    );
}

#[tokio::test]
async fn timeouts_and_truncated_bodies_are_errors() {
    let server = TestServer::start().await;
    server.route(
        "/slow",
        vec![Reply::ok("late").delayed(Duration::from_secs(3))],
    );
    server.route("/short", vec![Reply::ok("only this").announcing(10_000)]);
    let driver = HttpDriver::new(HttpConfig {
        request_timeout: Duration::from_millis(500),
        ..fast()
    })
    .expect("driver");
    assert!(matches!(
        driver
            .get(&server.url("/slow"), &Validators::default(), None)
            .await,
        Err(Error::Timeout { .. })
    ));
    match get(&server, "/short", &Validators::default()).await {
        Err(Error::Truncated { .. } | Error::Transport { .. }) => {}
        other => panic!("a short body must fail, got {other:?}"),
    }
}

#[tokio::test]
async fn gzip_is_decoded_with_a_cap() {
    let server = TestServer::start().await;
    let list = b"198.51.100.1\n198.51.100.2\n".repeat(100);
    let bomb = gzip(&vec![0u8; 50 << 20]);
    let mut cut = gzip(&list);
    cut.truncate(cut.len() / 2);
    server.route(
        "/list.gz",
        vec![Reply::ok(gzip(&list)).header("Content-Type", "application/gzip")],
    );
    server.route(
        "/encoded",
        vec![Reply::ok(gzip(&list)).header("Content-Encoding", "gzip")],
    );
    server.route("/bomb.gz", vec![Reply::ok(bomb.clone())]);
    server.route(
        "/bomb",
        vec![Reply::ok(bomb).header("Content-Encoding", "gzip")],
    );
    server.route("/cut.gz", vec![Reply::ok(cut)]);
    for path in ["/list.gz", "/encoded"] {
        match get(&server, path, &Validators::default()).await {
            Ok(Fetched::Body { bytes, .. }) => assert_eq!(bytes, list, "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }
    for path in ["/bomb.gz", "/bomb"] {
        assert!(
            matches!(
                get(&server, path, &Validators::default()).await,
                Err(Error::TooLarge { .. })
            ),
            "{path}"
        );
    }
    assert!(matches!(
        get(&server, "/cut.gz", &Validators::default()).await,
        Err(Error::Truncated { .. })
    ));
}

#[tokio::test]
async fn auth_header_is_sent_but_never_shown() {
    let server = TestServer::start().await;
    server.route(
        "/api",
        vec![Reply::status(
            401,
            "{\"query_status\":\"unknown_auth_key\"}",
        )],
    );
    let auth = AuthHeader {
        name: "Auth-Key".into(),
        value: "s3cret-key".into(),
    };
    let driver = HttpDriver::new(fast()).expect("driver");
    let err = driver
        .get(&server.url("/api"), &Validators::default(), Some(&auth))
        .await
        .expect_err("401");
    assert!(matches!(err, Error::Status { status: 401, .. }));
    assert_eq!(
        server.seen()[0].headers.get("auth-key").map(String::as_str),
        Some("s3cret-key")
    );
    for shown in [err.to_string(), format!("{err:?}"), format!("{auth:?}")] {
        assert!(!shown.contains("s3cret"), "{shown}");
    }
    let with_userinfo = server.url("/api").replace("http://", "http://user:pw@");
    let err = driver
        .get(&with_userinfo, &Validators::default(), None)
        .await
        .expect_err("401");
    assert!(!err.to_string().contains("pw@"), "{err}");
}
