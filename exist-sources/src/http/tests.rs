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

fn zipped(data: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.add_directory("feeds/", options).expect("zip");
    zip.start_file("feeds/list.txt", options).expect("zip");
    zip.write_all(data).expect("zip");
    zip.finish().expect("zip").into_inner()
}

#[tokio::test]
async fn zip_is_decoded_with_a_cap() {
    let server = TestServer::start().await;
    let list = b"198.51.100.1\n198.51.100.2\n".repeat(100);
    let mut cut = zipped(&list);
    cut.truncate(cut.len() / 2);
    server.route("/list.zip", vec![Reply::ok(zipped(&list))]);
    server.route("/bomb.zip", vec![Reply::ok(zipped(&vec![0u8; 50 << 20]))]);
    server.route("/cut.zip", vec![Reply::ok(cut)]);
    match get(&server, "/list.zip", &Validators::default()).await {
        Ok(Fetched::Body { bytes, .. }) => {
            assert_eq!(bytes, list, "the first file, not the directory")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        get(&server, "/bomb.zip", &Validators::default()).await,
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        get(&server, "/cut.zip", &Validators::default()).await,
        Err(Error::Truncated { .. })
    ));
}

#[tokio::test]
async fn post_sends_its_body_type_and_extra_headers() {
    let server = TestServer::start().await;
    server.route(
        "/api/v1/",
        vec![Reply::ok("{\"query_status\":\"ok\",\"data\":[]}")],
    );
    let driver = HttpDriver::new(fast()).expect("driver");
    let headers = vec![("Accept".to_owned(), "application/json".to_owned())];
    let url = server.url("/api/v1/");
    let request = Request {
        url: &url,
        headers: &headers,
        post: Some(("application/json", br#"{"query":"get_iocs","days":1}"#)),
        ..Request::default()
    };
    let Downloaded::Body(d) = driver.fetch(&request).await.expect("fetch") else {
        panic!("a body")
    };
    assert_eq!(d.body.len, 31);
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    assert_eq!(
        seen.headers.get("accept").map(String::as_str),
        Some("application/json")
    );
}

#[tokio::test]
async fn a_key_in_the_url_is_redacted_from_errors() {
    let server = TestServer::start().await;
    let driver = HttpDriver::new(fast()).expect("driver");
    let url = server.url("/data/K3Y-VALUE/online-valid.csv");
    let request = Request {
        url: &url,
        secret: Some("K3Y-VALUE"),
        ..Request::default()
    };
    let err = driver.fetch(&request).await.expect_err("404");
    let text = err.to_string();
    assert!(
        text.contains("HTTP 404") && text.contains("/data/[redacted]/"),
        "{text}"
    );
    assert!(!format!("{request:?}").contains("K3Y-VALUE"));
}

#[tokio::test]
async fn file_urls_read_local_files_through_the_same_caps() {
    let dir = tempfile::tempdir().expect("tmp");
    let plain = dir.path().join("list.txt");
    std::fs::write(&plain, "192.0.2.1\n").expect("write");
    let gz = dir.path().join("list.txt.gz");
    std::fs::write(&gz, gzip(b"192.0.2.2\n")).expect("write");
    let driver = HttpDriver::new(fast()).expect("driver");
    for (path, want) in [(&plain, "192.0.2.1\n"), (&gz, "192.0.2.2\n")] {
        let url = format!("file://{}", path.display());
        match driver.get(&url, &Validators::default(), None).await {
            Ok(Fetched::Body { bytes, .. }) => assert_eq!(bytes, want.as_bytes()),
            other => panic!("{other:?}"),
        }
    }
    let missing = format!("file://{}/nope.txt", dir.path().display());
    let err = driver
        .get(&missing, &Validators::default(), None)
        .await
        .expect_err("missing");
    assert!(err.to_string().contains("nope.txt"), "{err}");
}
