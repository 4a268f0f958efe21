//! The web UI over HTTP: signing in (cookie flags, CSRF, no open redirect),
//! CSRF on every form, scopes, escaping of hostile feed text, the search box,
//! URL inspection files (attachment download, escaped source, no path
//! traversal), and `--no-auth` sessions.

mod common;

use common::{
    HOSTILE_CATEGORY, HOSTILE_DESCRIPTION, HOSTILE_IP, HOSTILE_REFERENCE, Server, Setup, answer,
    start,
};
use exist_sources::inspect::InspectConfig;
use exist_tests::{Reply, TestServer};

/// The value of `name="csrf"` in a page.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + 64].to_owned()
}

/// Percent-encodes `s` for a URL query or form.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An `application/x-www-form-urlencoded` body.
fn form_body(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `name=value` of a Set-Cookie header for `name`, and the whole header.
fn set_cookie(a: &common::Answer, name: &str) -> Option<(String, String)> {
    a.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| (v.split(';').next().unwrap_or("").to_owned(), v.to_owned()))
}

/// A browser-like client: remembers its session cookie by hand.
struct Browser<'a> {
    server: &'a Server,
    cookie: String,
}

impl<'a> Browser<'a> {
    async fn get(&self, path: &str) -> common::Answer {
        let req = self
            .server
            .client
            .get(format!("{}{path}", self.server.root))
            .header("cookie", &self.cookie);
        answer(req.send().await.expect("get")).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> common::Answer {
        let req = self
            .server
            .client
            .post(format!("{}{path}", self.server.root))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(form));
        answer(req.send().await.expect("post")).await
    }
}

/// Signs in with `token` the way the login form does.
async fn sign_in<'a>(server: &'a Server, token: &str) -> Browser<'a> {
    let anon = Browser {
        server,
        cookie: String::new(),
    };
    let form = anon.get("/login?next=%2Fsources").await;
    let (login_cookie, _) = set_cookie(&form, "exist_login").expect("login cookie");
    let browser = Browser {
        server,
        cookie: login_cookie,
    };
    let done = browser
        .post(
            "/login",
            &[
                ("token", token),
                ("csrf", &csrf_of(&form.text)),
                ("next", "/sources"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(done.headers["location"], "/sources");
    let (session, _) = set_cookie(&done, "exist_session").expect("session cookie");
    Browser {
        server,
        cookie: session,
    }
}

#[tokio::test]
async fn signing_in_sets_a_safe_session_cookie() {
    let server = start(Setup::default()).await;
    let anon = Browser {
        server: &server,
        cookie: String::new(),
    };
    let home = anon.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.headers["location"], "/login?next=%2F");

    let form = anon.get("/login").await;
    assert_eq!(form.status, 200);
    let (login_cookie, header) = set_cookie(&form, "exist_login").expect("login cookie");
    assert!(header.contains("HttpOnly") && header.contains("SameSite=Strict"));
    let csrf = csrf_of(&form.text);
    let with_login = Browser {
        server: &server,
        cookie: login_cookie.clone(),
    };
    // A form without the matching cookie value (cross-site login) is refused.
    let forged = anon
        .post(
            "/login",
            &[("token", server.read.as_str()), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(forged.status, 401);
    assert!(set_cookie(&forged, "exist_session").is_none());
    let wrong = with_login
        .post(
            "/login",
            &[("token", "exist_00000000_nope"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.text.contains("not a valid API token"));
    assert!(
        !wrong.text.contains("exist_00000000_nope"),
        "the token is not echoed"
    );

    // An off-site `next` is not followed.
    let done = with_login
        .post(
            "/login",
            &[
                ("token", server.read.as_str()),
                ("csrf", &csrf),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.headers["location"], "/");
    let (_, header) = set_cookie(&done, "exist_session").expect("session");
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Lax"), "{header}");
    assert!(
        !header.contains("Secure"),
        "plain HTTP on loopback: {header}"
    );

    // Behind a TLS proxy the cookie is Secure.
    let tls = server
        .client
        .post(format!("{}/login", server.root))
        .header("cookie", &login_cookie)
        .header("x-forwarded-proto", "https")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("token", server.read.as_str()),
            ("csrf", &csrf),
        ]))
        .send()
        .await
        .expect("post");
    let tls = answer(tls).await;
    let (_, header) = set_cookie(&tls, "exist_session").expect("session");
    assert!(header.contains("; Secure"), "{header}");
}

#[tokio::test]
async fn pages_render_for_a_signed_in_reader_and_forms_need_csrf_and_scope() {
    let server = start(Setup {
        demo: true,
        ..Setup::default()
    })
    .await;
    let reader = sign_in(&server, &server.read).await;
    for path in [
        "/",
        "/reputation?source=ipsum&limit=5",
        "/threat-events",
        "/posts",
        "/exploits",
        "/vulnerabilities",
        "/news",
        "/sources",
        "/search?q=ransomware",
        "/lookup?value=77.90.185.20",
        "/reputation?source=sslbl",
        "/lookup?value=115.21.224.117",
    ] {
        let page = reader.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        assert!(
            !page.text.contains(">None<"),
            "{path}: a missing value shows as nothing"
        );
        assert!(page.kind.starts_with("text/html"), "{path}");
        assert_eq!(page.headers["x-content-type-options"], "nosniff");
    }
    let dashboard = reader.get("/").await.text;
    assert!(dashboard.contains("id=\"indicator-count\">"));
    assert!(dashboard.contains("<svg"), "activity charts");
    assert!(dashboard.contains("misp-demo"));
    let list = reader.get("/reputation?source=ipsum&limit=5").await.text;
    assert!(list.contains("rel=\"next\""), "a next page link");
    assert!(list.contains("cursor=5"));

    // The search box: an indicator opens its lookup page (defanged too).
    let found = reader.get("/search?q=77%5B.%5D90.185.20").await;
    assert_eq!(found.status, 303);
    assert_eq!(found.headers["location"], "/lookup?value=77.90.185.20");
    let lookup = reader.get("/lookup?value=77.90.185.20").await.text;
    assert!(lookup.contains("ipsum"));
    assert!(lookup.contains("data-panel=\"/ui/enrich?value=77.90.185.20&amp;name=geoip\""));
    let panel = reader.get("/ui/enrich?value=81.2.69.142&name=geoip").await;
    assert_eq!(panel.status, 200);
    assert!(panel.text.contains("status-ok"), "{}", panel.text);
    assert!(panel.text.contains("London"), "{}", panel.text);
    let unknown = reader.get("/ui/enrich?value=81.2.69.142&name=nope").await;
    assert_eq!(unknown.status, 404);
    let bad = reader.get("/lookup?value=invoice.pdf").await;
    assert_eq!(bad.status, 400);

    // Run now: the CSRF token is checked first, then the scope.
    let page = reader.get("/sources").await.text;
    assert!(!page.contains("Run now"), "a reader sees no run button");
    let csrf = csrf_of(&page);
    let no_csrf = reader.post("/sources/cins/collect", &[("csrf", "0")]).await;
    assert_eq!(no_csrf.status, 403);
    assert!(no_csrf.text.contains("CSRF"));
    let not_admin = reader
        .post("/sources/cins/collect", &[("csrf", &csrf)])
        .await;
    assert_eq!(not_admin.status, 403);
    assert!(not_admin.text.contains("admin"));

    let admin = sign_in(&server, &server.admin).await;
    let page = admin.get("/sources").await.text;
    assert!(page.contains("Run now"));
    let other_csrf = admin
        .post("/sources/cins/collect", &[("csrf", &csrf)])
        .await;
    assert_eq!(
        other_csrf.status, 403,
        "another session's token does not pass"
    );
    let run = admin
        .post("/sources/cins/collect", &[("csrf", &csrf_of(&page))])
        .await;
    assert_eq!(run.status, 303, "{}", run.text);
    let page = admin.get("/sources").await.text;
    let row = &page[page.find("id=\"source-cins\"").expect("cins row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    assert!(row.contains("status-ok"), "{row}");
    assert!(row.contains("40 / 40"), "{row}");

    // Signing out ends the session.
    let out = admin.post("/logout", &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(out.status, 303);
    assert_eq!(admin.get("/").await.status, 303, "back to the login page");
}

#[tokio::test]
async fn hostile_feed_text_is_shown_as_text() {
    let server = start(Setup {
        hostile: true,
        ..Setup::default()
    })
    .await;
    let reader = sign_in(&server, &server.read).await;
    for path in [
        format!("/lookup?value={HOSTILE_IP}"),
        "/reputation?source=hostile-feed".to_owned(),
        "/".to_owned(),
    ] {
        let html = reader.get(&path).await.text;
        // The dashboard lists only the latest ten entries.
        assert!(
            path == "/" || html.contains("&lt;script&gt;window.__xss="),
            "{path}: escaped text shown"
        );
        assert!(!html.contains(HOSTILE_DESCRIPTION), "{path}: raw markup");
        assert!(!html.contains("<script>window"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(!html.contains("<svg onload"), "{path}");
        if path.starts_with("/lookup") || path.starts_with("/reputation") {
            assert!(
                html.contains("&quot;&gt;&lt;svg onload="),
                "{path}: category as text"
            );
            assert!(
                !html.contains("href=\"javascript:"),
                "{path}: no script link"
            );
            assert!(
                html.contains("javascript:window.__xss="),
                "{path}: shown as text"
            );
        }
        assert!(!html.contains(HOSTILE_CATEGORY));
        assert!(!html.contains(&format!("href=\"{HOSTILE_REFERENCE}")));
    }
}

#[tokio::test]
async fn inspection_files_are_downloads_and_never_leave_the_inspections() {
    let site = TestServer::start().await;
    site.route(
        "/login",
        vec![Reply::ok(
            "<html><head><title>Verify</title></head><body><script>alert(1)</script></body></html>",
        )
        .header("content-type", "text/html")],
    );
    let server = start(Setup {
        inspect: Some(InspectConfig {
            allow: vec!["127.0.0.1/32".into()],
            screenshot: false,
            ..InspectConfig::default()
        }),
        ..Setup::default()
    })
    .await;
    let url = site.url("/login");
    let encoded = encode(&url);
    let admin = sign_in(&server, &server.admin).await;
    let before = admin.get(&format!("/inspection/body?url={encoded}")).await;
    assert_eq!(before.status, 404, "nothing before an inspection");
    let page = admin.get(&format!("/lookup?value={encoded}")).await;
    assert!(page.text.contains("Not inspected yet"));
    let done = admin
        .post("/inspect", &[("csrf", &csrf_of(&page.text)), ("url", &url)])
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    let page = admin.get(&format!("/lookup?value={encoded}")).await.text;
    assert!(page.contains("Verify"), "the title");
    let body = admin.get(&format!("/inspection/body?url={encoded}")).await;
    assert_eq!(body.status, 200);
    assert_eq!(body.kind, "application/octet-stream");
    let disposition = body.headers["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment; filename=\"inspection-"),
        "{disposition}"
    );
    assert!(
        body.text.contains("<script>alert(1)</script>"),
        "the bytes as fetched"
    );
    let source = admin
        .get(&format!("/inspection/source?url={encoded}"))
        .await;
    assert_eq!(source.status, 200);
    assert!(
        source
            .text
            .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
    );
    assert!(!source.text.contains("<script>alert(1)"));
    let shot = admin
        .get(&format!("/inspection/screenshot?url={encoded}"))
        .await;
    assert_eq!(shot.status, 404, "no screenshot was taken");

    // A stored inspection whose paths point elsewhere serves nothing.
    let indicator = exist_core::Indicator::parse(&url).expect("url");
    let mut tampered = server
        .exist
        .stored_inspection(&url)
        .await
        .expect("stored")
        .expect("inspection");
    std::fs::write(server.home.path().join("secret.txt"), "secret").expect("write");
    for path in [
        "../../../../etc/passwd",
        "secret.txt",
        "inspections/../secret.txt",
    ] {
        tampered.body_path = path.into();
        server
            .exist
            .store()
            .save_enrichment(
                "inspect",
                &indicator,
                chrono::Utc::now(),
                &serde_json::to_value(&tampered).expect("json"),
            )
            .await
            .expect("save");
        let body = admin.get(&format!("/inspection/body?url={encoded}")).await;
        assert_eq!(body.status, 404, "{path}");
        assert!(!body.text.contains("secret") && !body.text.contains("root:"));
    }
    for path in [
        "/static/..%2F..%2FCargo.toml",
        "/static/%2e%2e%2fsrc%2flib.rs",
        "/static/../Cargo.toml",
        "/static/app.js%00.css",
    ] {
        let a = admin.get(path).await;
        assert!(a.status == 404, "{path}: {}", a.status);
    }
    assert_eq!(admin.get("/static/app.js").await.status, 200);
}

#[tokio::test]
async fn no_auth_gives_each_browser_an_admin_session() {
    let server = start(Setup {
        no_auth: true,
        ..Setup::default()
    })
    .await;
    let anon = Browser {
        server: &server,
        cookie: String::new(),
    };
    let home = anon.get("/").await;
    assert_eq!(home.status, 200);
    let (cookie, header) = set_cookie(&home, "exist_session").expect("a session");
    assert!(header.contains("HttpOnly"));
    let browser = Browser {
        server: &server,
        cookie,
    };
    let page = browser.get("/sources").await.text;
    assert!(page.contains("Run now"));
    let refused = anon.post("/sources/cins/collect", &[("csrf", "x")]).await;
    assert!(refused.status == 403, "CSRF is checked without auth too");
}
