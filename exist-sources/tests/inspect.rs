//! URL inspection against local pages: a redirect chain, a redirect to a
//! forbidden address, the guard's default refusal of loopback, binary
//! content kept for download, a huge body capped, and the screenshot — a PNG
//! of the configured size that is not blank, taken by a browser that cannot
//! reach an address the guard refuses.

use exist_sources::inspect::{InspectConfig, Inspector};
use exist_tests::{Reply, TestServer};

const PAGE: &str = "<!DOCTYPE html><html><head><title>Sign in &amp; verify</title></head>\
<body style=\"background:#c0392b;color:#fff;font:40px sans-serif\"><h1>Account locked</h1>\
<p>Enter your password to continue.</p></body></html>";

fn inspector(home: &std::path::Path, config: InspectConfig) -> Inspector {
    Inspector::new(config, home).expect("inspector")
}

fn loopback_only() -> InspectConfig {
    InspectConfig {
        allow: vec!["127.0.0.1/32".into()],
        screenshot: false,
        ..InspectConfig::default()
    }
}

#[tokio::test]
async fn redirects_are_followed_and_the_page_described_and_kept() {
    let server = TestServer::start().await;
    server.route(
        "/start",
        vec![Reply::status(302, "").header("Location", "/next?a=1")],
    );
    server.route(
        "/next?a=1",
        vec![Reply::status(301, "").header("Location", &server.url("/final"))],
    );
    server.route(
        "/final",
        vec![
            Reply::ok(PAGE)
                .header("Content-Type", "text/html; charset=utf-8")
                .header("X-Kit", "16shop"),
        ],
    );
    let home = tempfile::tempdir().expect("tmp");
    let i = inspector(home.path(), loopback_only())
        .inspect(&server.url("/start"))
        .await
        .expect("inspect");
    let chain: Vec<(u16, String)> = i
        .redirects
        .iter()
        .map(|h| (h.status, h.location.clone()))
        .collect();
    assert_eq!(
        chain,
        [(302, "/next?a=1".to_owned()), (301, server.url("/final"))]
    );
    assert_eq!(
        (i.status, i.final_url.as_str()),
        (200, server.url("/final").as_str())
    );
    assert_eq!(i.title.as_deref(), Some("Sign in & verify"));
    assert_eq!(i.headers.get("x-kit").map(String::as_str), Some("16shop"));
    assert_eq!(i.length, PAGE.len() as u64);
    let kept = std::fs::read(home.path().join(&i.body_path)).expect("body kept");
    assert_eq!(kept, PAGE.as_bytes());
    use sha2::Digest;
    assert_eq!(i.sha256, hex::encode(sha2::Sha256::digest(PAGE.as_bytes())));
    let ua = server.seen()[0]
        .headers
        .get("user-agent")
        .cloned()
        .unwrap_or_default();
    assert!(
        ua.starts_with("Mozilla/5.0"),
        "a browser-like User-Agent: {ua}"
    );
}

#[tokio::test]
async fn forbidden_targets_are_refused_before_any_connection() {
    let server = TestServer::start().await;
    server.route(
        "/metadata",
        vec![Reply::status(302, "").header("Location", "http://169.254.169.254/latest/meta-data/")],
    );
    server.route(
        "/private",
        vec![Reply::status(307, "").header("Location", "http://10.0.0.1/admin")],
    );
    server.route(
        "/mapped",
        vec![Reply::status(302, "").header("Location", "http://[::ffff:127.0.0.2]/")],
    );
    let home = tempfile::tempdir().expect("tmp");
    let guarded = inspector(home.path(), loopback_only());
    for (path, why) in [
        ("/metadata", "cloud metadata"),
        ("/private", "private address"),
        ("/mapped", "loopback"),
    ] {
        let err = guarded.inspect(&server.url(path)).await.expect_err(path);
        assert!(err.to_string().contains(why), "{path}: {err}");
    }
    let strict = inspector(
        home.path(),
        InspectConfig {
            screenshot: false,
            ..InspectConfig::default()
        },
    );
    let err = strict
        .inspect(&server.url("/metadata"))
        .await
        .expect_err("loopback");
    assert!(err.to_string().contains("loopback address"), "{err}");
    assert_eq!(
        server.seen().len(),
        3,
        "the strict guard sent nothing; the others stopped at the redirect"
    );
    let err = strict
        .inspect("ftp://example.com/x")
        .await
        .expect_err("scheme");
    assert!(err.to_string().contains("only http and https"));
}

#[tokio::test]
async fn binary_bodies_are_kept_and_huge_ones_capped() {
    let server = TestServer::start().await;
    let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    server.route(
        "/payload.exe",
        vec![Reply::ok(binary.clone()).header("Content-Type", "application/octet-stream")],
    );
    server.route(
        "/huge",
        vec![Reply::ok(vec![b'A'; 3 << 20]).header("Content-Type", "text/plain")],
    );
    let home = tempfile::tempdir().expect("tmp");
    let small = InspectConfig {
        max_body_bytes: 1 << 20,
        ..loopback_only()
    };
    let i = inspector(home.path(), small.clone())
        .inspect(&server.url("/payload.exe"))
        .await
        .expect("binary");
    assert_eq!(
        (i.length, i.truncated, i.title.clone()),
        (70_000, false, None)
    );
    assert_eq!(
        std::fs::read(home.path().join(&i.body_path)).expect("kept"),
        binary
    );
    let i = inspector(home.path(), small)
        .inspect(&server.url("/huge"))
        .await
        .expect("huge");
    assert_eq!((i.length, i.truncated), (1 << 20, true));
    assert_eq!(
        std::fs::metadata(home.path().join(&i.body_path))
            .expect("kept")
            .len(),
        1 << 20
    );
}

#[tokio::test]
async fn the_screenshot_is_a_png_of_the_viewport_and_the_browser_is_guarded_too() {
    // A server on another loopback address the guard does not allow: the page
    // asks the browser to load from it; nothing may arrive.
    let secret = TestServer::start_on("127.0.0.2").await;
    secret.route("/secret.png", vec![Reply::ok("x")]);
    let page = PAGE.replace(
        "</body>",
        &format!("<img src=\"{}\"></body>", secret.url("/secret.png")),
    );
    let server = TestServer::start().await;
    server.route(
        "/page",
        vec![Reply::ok(page).header("Content-Type", "text/html")],
    );
    let home = tempfile::tempdir().expect("tmp");
    let config = InspectConfig {
        screenshot: true,
        width: 800,
        height: 600,
        ..loopback_only()
    };
    let i = inspector(home.path(), config)
        .inspect(&server.url("/page"))
        .await
        .expect("inspect");
    let path = i.screenshot_path.unwrap_or_else(|| {
        panic!(
            "no screenshot ({:?}); install Debian's chromium (.ci/run does)",
            i.screenshot_error
        )
    });
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(home.path().join(&path)).expect("png"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("frame");
    assert_eq!((frame.width, frame.height), (800, 600));
    let bytes = &pixels[..frame.buffer_size()];
    let distinct: std::collections::BTreeSet<&[u8]> = bytes
        .chunks(frame.line_size / frame.width as usize)
        .collect();
    assert!(
        distinct.len() > 2,
        "not blank: {} distinct colours",
        distinct.len()
    );
    assert!(
        secret.seen().is_empty(),
        "the browser reached a refused address"
    );
}

#[tokio::test]
async fn without_chromium_the_rest_of_the_inspection_stands() {
    let server = TestServer::start().await;
    server.route(
        "/page",
        vec![Reply::ok(PAGE).header("Content-Type", "text/html")],
    );
    let home = tempfile::tempdir().expect("tmp");
    let config = InspectConfig {
        screenshot: true,
        chromium: Some("/nonexistent/chromium".into()),
        ..loopback_only()
    };
    let i = inspector(home.path(), config)
        .inspect(&server.url("/page"))
        .await
        .expect("inspect");
    assert_eq!(i.title.as_deref(), Some("Sign in & verify"));
    assert!(i.screenshot_path.is_none());
    assert!(
        i.screenshot_error
            .as_deref()
            .is_some_and(|e| e.contains("/nonexistent/chromium")),
        "{:?}",
        i.screenshot_error
    );
}
