//! End to end in real headless Chromium (Debian's `chromium`; `tests/run`
//! installs it), driving the server on loopback: sign in, search an
//! indicator (defanged), see its lookup page with its local hits and an
//! enricher panel loaded by the page's script; and feed entries holding
//! `<script>`, `<img onerror>` and `javascript:` render as text while
//! nothing of them executes; the API docs page sends a request.

mod common;

use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::page::EventJavascriptDialogOpening;
use chromiumoxide::page::Page;
use common::{HOSTILE_IP, Setup, start};
use futures_util::StreamExt;

fn chromium() -> std::path::PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
        .expect("Debian's chromium is needed for the browser tests (tests/run installs it)")
}

async fn eval<T: serde::de::DeserializeOwned>(page: &Page, js: &str) -> T {
    page.evaluate(js)
        .await
        .expect("evaluate")
        .into_value()
        .expect("value")
}

/// Waits until `js` is true in the page (at most 15 s).
async fn until(page: &Page, js: &str) {
    for _ in 0..150 {
        // During a navigation the old context is gone: not yet, try again.
        let done = match page.evaluate(js).await {
            Ok(v) => v.into_value::<bool>().unwrap_or(false),
            Err(_) => false,
        };
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let at: String = eval(page, "location.href + '\\n' + document.body.innerText").await;
    panic!("timed out waiting for {js}; the page is at {at}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_search_and_hostile_entries_stay_inert() {
    let server = start(Setup {
        hostile: true,
        demo: true,
        ..Setup::default()
    })
    .await;
    let profile = tempfile::tempdir().expect("profile");
    let config = BrowserConfig::builder()
        .chrome_executable(chromium())
        .no_sandbox()
        .user_data_dir(profile.path())
        .env("HOME", profile.path().display().to_string())
        .arg("disable-gpu")
        .arg("disable-background-networking")
        .arg("disable-component-update")
        .arg("disable-sync")
        .arg("no-first-run")
        .launch_timeout(Duration::from_secs(30))
        .request_timeout(Duration::from_secs(30))
        .build()
        .expect("browser config");
    let (mut browser, mut handler) = Browser::launch(config).await.expect("chromium starts");
    let events = tokio::spawn(async move { while handler.next().await.is_some() {} });

    let page = browser
        .new_page(format!("{}/", server.root))
        .await
        .expect("page");
    let mut dialogs = page
        .event_listener::<EventJavascriptDialogOpening>()
        .await
        .expect("dialog events");
    page.wait_for_navigation().await.expect("navigation");
    let url = page.url().await.expect("url").unwrap_or_default();
    assert!(
        url.contains("/login?next="),
        "signed out, the login page: {url}"
    );

    page.find_element("#token")
        .await
        .expect("token field")
        .click()
        .await
        .expect("click")
        .type_str(&server.read)
        .await
        .expect("type");
    page.find_element("#sign-in")
        .await
        .expect("button")
        .click()
        .await
        .expect("sign in");
    until(
        &page,
        "location.pathname === '/' && !!document.querySelector('#indicator-count')",
    )
    .await;
    let cookie_visible: bool = eval(&page, "document.cookie.includes('exist_session')").await;
    assert!(!cookie_visible, "the session cookie is HttpOnly");

    page.find_element("input[name=q]")
        .await
        .expect("search box")
        .click()
        .await
        .expect("click")
        .type_str("77[.]90[.]185[.]20")
        .await
        .expect("type")
        .press_key("Enter")
        .await
        .expect("enter");
    until(&page, "location.pathname === '/lookup'").await;
    let shown: String = eval(&page, "document.querySelector('#indicator').textContent").await;
    assert_eq!(shown, "77.90.185.20");
    let local: String = eval(&page, "document.querySelector('#local').innerText").await;
    assert!(local.contains("ipsum"), "{local}");
    until(
        &page,
        "document.querySelector('#panel-geoip').classList.contains('loaded')",
    )
    .await;
    let panel: String = eval(&page, "document.querySelector('#panel-geoip').innerText").await;
    assert!(panel.contains("ok"), "the geoip panel loaded: {panel}");

    for path in [
        format!("/lookup?value={HOSTILE_IP}"),
        "/reputation?source=hostile-feed".to_owned(),
        "/reputation?source=threatfox".to_owned(),
    ] {
        page.goto(format!("{}{path}", server.root))
            .await
            .expect("goto");
        page.wait_for_navigation().await.expect("navigation");
        until(&page, "document.readyState === 'complete'").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let ran: bool = eval(&page, "window.__xss !== undefined").await;
        assert!(!ran, "{path}: hostile markup ran");
        let injected: u32 = eval(
            &page,
            "document.querySelectorAll('main script, img[src=\"x\"], svg[onload], a[href^=\"javascript:\"]').length",
        )
        .await;
        assert_eq!(injected, 0, "{path}: hostile markup became elements");
        if path.contains("hostile") || path.contains(HOSTILE_IP) {
            let text: String = eval(&page, "document.querySelector('main').innerText").await;
            assert!(
                text.contains("<script>window.__xss='script'</script>"),
                "{path}: {text}"
            );
            assert!(text.contains("javascript:window.__xss='href'"), "{path}");
        }
    }
    // The API docs page sends a request with the token typed into it.
    page.goto(format!("{}/api/v1/docs", server.root))
        .await
        .expect("docs");
    until(&page, "!!document.querySelector('#api-token')").await;
    page.find_element("#api-token")
        .await
        .expect("token field")
        .click()
        .await
        .expect("click")
        .type_str(&server.read)
        .await
        .expect("type");
    let form = "form[data-path='/api/v1/indicators/{value}']";
    page.find_element(&format!("{form} input[data-name=value]"))
        .await
        .expect("value field")
        .click()
        .await
        .expect("click")
        .type_str("77.90.185.20")
        .await
        .expect("type");
    page.find_element(&format!("{form} button"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    let answer = format!("document.querySelector(\"{form} .answer\").textContent");
    until(&page, &format!("{answer}.startsWith('200')")).await;
    let text: String = eval(&page, &answer).await;
    assert!(text.contains("\"source\": \"ipsum\""), "{text}");

    assert!(
        tokio::time::timeout(Duration::from_millis(200), dialogs.next())
            .await
            .is_err(),
        "no alert, confirm or prompt opened"
    );
    let _ = browser.close().await;
    let _ = browser.wait().await;
    events.abort();
}
