//! The API over a real store on loopback: authentication and scopes, lookup,
//! search, stats, sources, running a source, and errors as
//! `application/problem+json`.

mod common;

use common::{Setup, exist, start};
use exist_sources::Config;
use exist_store::{Scope, Store};
use exist_tests::sqlite_db;
use serde_json::Value;

async fn api(no_auth: bool) -> common::Server {
    start(Setup {
        no_auth,
        ..Setup::default()
    })
    .await
}

#[tokio::test]
async fn every_route_but_health_needs_a_valid_token() {
    let api = api(false).await;
    let (status, _, body) = api.get("/health", None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let forged = "exist_00000000_0000000000000000000000000000000000";
    for path in [
        "/indicators/77.90.185.20",
        "/search?q=ipsum",
        "/reputation",
        "/threat-events",
        "/threat-events/5acc88e9-265c-4f22-9d2b-b702950d210f/attributes",
        "/posts",
        "/exploits",
        "/vulnerabilities",
        "/news",
        "/stats",
        "/sources",
        "/sources/ipsum",
    ] {
        for token in [None, Some(forged), Some("garbage")] {
            let (status, kind, body) = api.get(path, token).await;
            assert_eq!(status, 401, "{path} {token:?}");
            assert_eq!(kind, "application/problem+json");
            assert_eq!(body["type"], "https://exist.dev/problems/unauthorized");
            assert_eq!(body["status"], 401);
        }
        let (status, _, _) = api.get(path, Some(&api.read)).await;
        let expected = if path.contains("/attributes") {
            404
        } else {
            200
        };
        assert_eq!(status, expected, "{path} with a read token");
    }
}

#[tokio::test]
async fn lookup_search_stats_and_sources() {
    let api = api(false).await;
    let t = Some(api.read.as_str());
    let (status, _, body) = api.get("/indicators/77[.]90[.]185[.]20", t).await;
    assert_eq!(status, 200);
    assert_eq!(body["indicator"]["value"], "77.90.185.20");
    assert_eq!(body["local"]["groups"][0]["source"], "ipsum");

    let (status, kind, body) = api.get("/indicators/invoice.pdf", t).await;
    assert_eq!((status, kind.as_str()), (400, "application/problem+json"));
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("invoice.pdf"))
    );

    let (status, _, body) = api.get("/stats", t).await;
    assert_eq!(status, 200);
    assert_eq!(body["indicators"], 393);

    let (_, _, body) = api.get("/sources", t).await;
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 17);
    assert_eq!(
        items
            .iter()
            .find(|s| s["name"] == "ipsum")
            .map(|s| s["entries"].clone()),
        Some(393.into())
    );

    let (status, _, body) = api.get("/search", t).await;
    assert_eq!((status, body["status"].clone()), (400, 400.into()));
    let (status, _, body) = api.get("/nope", t).await;
    assert_eq!(
        (status, body["type"].as_str()),
        (404, Some("https://exist.dev/problems/not-found"))
    );
}

#[tokio::test]
async fn running_a_source_needs_the_admin_scope() {
    let api = api(false).await;
    let post = reqwest::Method::POST;
    let (status, _, body) = api
        .request(post.clone(), "/sources/cins/collect", Some(&api.read))
        .await;
    assert_eq!(status, 403);
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("admin scope"))
    );
    let (status, _, body) = api
        .request(post.clone(), "/sources/cins/collect", Some(&api.admin))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["runs"]["cins"]["outcome"], "ok");
    assert_eq!(body["runs"]["cins"]["new"], 40);
    let (status, _, _) = api
        .request(post.clone(), "/sources/nope/collect", Some(&api.admin))
        .await;
    assert_eq!(status, 404);
    let (status, kind, _) = api.request(post, "/sources/cins/collect", None).await;
    assert_eq!((status, kind.as_str()), (401, "application/problem+json"));
    let (status, _, shown) = api.get("/sources/cins", Some(&api.read)).await;
    assert_eq!(status, 200);
    assert_eq!(shown["source"]["name"], "cins");
    assert_eq!(shown["source"]["entries"], 40);
    assert_eq!(shown["runs"][0]["outcome"], "ok");
    assert_eq!(shown["runs"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn no_auth_is_loopback_only() {
    let api = api(true).await;
    let (status, _, _) = api.get("/stats", None).await;
    assert_eq!(status, 200, "--no-auth on loopback lets requests through");

    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let home = tempfile::tempdir().expect("home");
    let exist = exist(home.path(), store, &Config::default(), Default::default());
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0")
        .await
        .expect("bind");
    let options = exist_server::ServeOptions {
        no_auth: true,
        ..Default::default()
    };
    let err = exist_server::serve(listener, exist, options, std::future::pending())
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("only on a loopback address"),
        "{err}"
    );
}

#[tokio::test]
async fn the_first_start_creates_or_imports_one_admin_token() {
    use exist_server::{FirstToken, first_admin_token};
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let FirstToken::Created(token) = first_admin_token(&store, None).await.expect("first") else {
        panic!("a token is created on an empty store")
    };
    let info = store
        .verify_token(&token)
        .await
        .expect("verify")
        .expect("valid");
    assert_eq!(info.scope, Scope::Admin);
    assert_eq!(
        first_admin_token(&store, None).await.expect("again"),
        FirstToken::Existing
    );

    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    let preset = "exist_0badc0de_my-own-long-enough-secret-0123456789";
    assert_eq!(
        first_admin_token(&store, Some(preset))
            .await
            .expect("import"),
        FirstToken::Imported("0badc0de".into())
    );
    assert!(store.verify_token(preset).await.expect("verify").is_some());
    let db = sqlite_db();
    let store = Store::open(&db.url).await.expect("store");
    assert!(
        first_admin_token(&store, Some("short")).await.is_err(),
        "a malformed preset is refused"
    );
}

#[tokio::test]
async fn reputation_entries_page_and_filter() {
    let api = api(false).await;
    let t = Some(api.read.as_str());
    let (status, _, first) = api
        .get("/reputation?source=ipsum&kind=ipv4&limit=100", t)
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["items"].as_array().map(Vec::len), Some(100));
    assert_eq!(first["next_cursor"], "100");
    let (_, _, last) = api
        .get("/reputation?source=ipsum&limit=100&cursor=300", t)
        .await;
    assert_eq!(last["items"].as_array().map(Vec::len), Some(93));
    assert_eq!(last["next_cursor"], Value::Null);
    let (_, _, none) = api.get("/reputation?source=nope", t).await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
    let (_, _, hit) = api.get("/reputation?q=77.90.185", t).await;
    assert_eq!(hit["items"][0]["indicator"]["value"], "77.90.185.20");
    for bad in [
        "/reputation?kind=planet",
        "/reputation?since=yesterday",
        "/reputation?cursor=x",
    ] {
        let (status, kind, _) = api.get(bad, t).await;
        assert_eq!(
            (status, kind.as_str()),
            (400, "application/problem+json"),
            "{bad}"
        );
    }
    let (status, _, _) = api.get("/reputation", None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn record_collections_answer_with_their_final_shape() {
    let api = api(false).await;
    let t = Some(api.read.as_str());
    for path in [
        "/threat-events",
        "/posts",
        "/exploits",
        "/vulnerabilities",
        "/news",
    ] {
        let (status, _, body) = api.get(&format!("{path}?limit=10&q=emotet"), t).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            body["items"],
            serde_json::json!([]),
            "{path}: nothing collected yet"
        );
        assert_eq!(body["next_cursor"], Value::Null);
        let (status, _, _) = api.get(path, None).await;
        assert_eq!(status, 401, "{path}");
        let (status, _, _) = api.get(&format!("{path}?since=soon"), t).await;
        assert_eq!(status, 400, "{path}");
    }
}

#[tokio::test]
async fn each_token_has_its_own_rate_budget() {
    // 60 a minute: a burst of 10, then one a second.
    let api = start(Setup {
        rate_per_minute: Some(60),
        ..Setup::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            api.call(reqwest::Method::GET, "/stats", Some(&api.read))
                .await,
        );
    }
    assert!(statuses[..10].iter().all(|a| a.status == 200));
    let limited = statuses.last().expect("answers");
    assert_eq!(limited.status, 429);
    assert_eq!(limited.kind, "application/problem+json");
    assert_eq!(
        limited.json["type"],
        "https://exist.dev/problems/rate-limited"
    );
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    let (status, _, _) = api.get("/stats", Some(&api.admin)).await;
    assert_eq!(status, 200, "another token is not held back");
    let (status, _, _) = api.get("/health", None).await;
    assert_eq!(status, 200, "health is not limited");
}

#[tokio::test]
async fn threat_events_list_and_their_attributes() {
    let api = start(Setup {
        demo: true,
        ..Setup::default()
    })
    .await;
    let t = Some(api.read.as_str());
    let (status, _, body) = api.get("/threat-events?q=PUBG", t).await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    let uuid = items[0]["key"].as_str().expect("key");
    assert_eq!(uuid, "5acc88e9-265c-4f22-9d2b-b702950d210f");
    let (status, _, attrs) = api
        .get(&format!("/threat-events/{uuid}/attributes"), t)
        .await;
    assert_eq!(status, 200);
    assert_eq!(attrs["source"], "misp-demo");
    let items = attrs["items"].as_array().expect("attributes");
    assert!(
        items.iter().any(|a| a["type"] == "link"
            && a["object"].is_null()
            && a["value"]
                .as_str()
                .is_some_and(|v| v.contains("bleepingcomputer.com"))),
        "the event's own link attribute"
    );
    assert!(
        items.iter().any(|a| a["object"].is_string()),
        "attributes inside objects carry the object's name"
    );
    let (status, kind, _) = api.get("/threat-events/no-such-uuid/attributes", t).await;
    assert_eq!((status, kind.as_str()), (404, "application/problem+json"));
    let (_, _, posts) = api.get("/posts?source=mastodon-demo", t).await;
    assert_eq!(posts["items"].as_array().map(Vec::len), Some(8));
}

#[tokio::test]
async fn answers_carry_the_security_headers() {
    let api = api(false).await;
    for path in ["/health", "/stats"] {
        let a = api.call(reqwest::Method::GET, path, None).await;
        assert_eq!(a.headers["x-content-type-options"], "nosniff", "{path}");
        let csp = a.headers["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    }
}
