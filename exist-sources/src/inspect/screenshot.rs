//! The screenshot of an inspection: Debian's `chromium`, headless, driven
//! over the DevTools protocol (chromiumoxide), with a fresh throw-away
//! profile and home, downloads denied, a fixed viewport, a timeout, and every
//! connection it makes sent through a local proxy (`proxy.rs`) that applies
//! the same SSRF guard as the fetch — loopback included, since Chromium would
//! otherwise bypass proxies for it.
//!
//! A missing Chromium (or a build without the `browser` feature) is not an
//! error of the inspection: the rest of it stands and the status says why
//! there is no picture.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::Digest;

use super::proxy::GuardProxy;
use super::{Guard, InspectConfig};

/// A screenshot taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screenshot {
    /// The PNG, relative to the home directory.
    pub path: String,
}

/// The Chromium to run: the configured one, or the first on PATH.
fn chromium(config: &InspectConfig) -> Option<PathBuf> {
    if let Some(p) = &config.chromium {
        return Some(p.clone());
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Width and height of a PNG, from its IHDR chunk.
pub(crate) fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

/// Takes a screenshot of `url` into `home/inspections/`.
pub(crate) async fn take(
    config: &InspectConfig,
    guard: &Guard,
    url: &str,
    home: &Path,
) -> Result<Screenshot, String> {
    let Some(binary) = chromium(config) else {
        return Err(
            "no Chromium found (install Debian's `chromium`, or set [inspect] chromium)".into(),
        );
    };
    if !binary.is_file() {
        return Err(format!("no Chromium at {}", binary.display()));
    }
    let proxy = GuardProxy::start(guard.clone())
        .await
        .map_err(|e| format!("screenshot proxy: {e}"))?;
    let profile = tempfile::tempdir().map_err(|e| format!("browser profile: {e}"))?;
    let dir = home.join("inspections");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let timeout = Duration::from_secs(config.screenshot_timeout_secs.max(1));
    let bytes = tokio::time::timeout(
        timeout,
        capture(
            config,
            &binary,
            profile.path(),
            &proxy.addr().to_string(),
            url,
            timeout,
        ),
    )
    .await
    .map_err(|_| format!("Chromium took longer than {} s", timeout.as_secs()))??;
    match png_size(&bytes) {
        Some((w, h)) if (w, h) == (config.width, config.height) => {}
        Some((w, h)) => {
            return Err(format!(
                "Chromium's screenshot is {w}×{h}, not {}×{}",
                config.width, config.height
            ));
        }
        None => return Err("Chromium's screenshot is not a PNG".into()),
    }
    let name = format!("{}.png", hex::encode(sha2::Sha256::digest(&bytes)));
    std::fs::write(dir.join(&name), &bytes).map_err(|e| format!("keeping the screenshot: {e}"))?;
    Ok(Screenshot {
        path: format!("inspections/{name}"),
    })
}

#[cfg(feature = "browser")]
async fn capture(
    config: &InspectConfig,
    binary: &Path,
    profile: &Path,
    proxy: &str,
    url: &str,
    timeout: Duration,
) -> Result<Vec<u8>, String> {
    use chromiumoxide::browser::{Browser, BrowserConfig};
    use chromiumoxide::cdp::browser_protocol::browser::{
        SetDownloadBehaviorBehavior, SetDownloadBehaviorParams,
    };
    use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
    use chromiumoxide::handler::viewport::Viewport;
    use chromiumoxide::page::ScreenshotParams;
    use futures_util::StreamExt;

    let viewport = Viewport {
        width: config.width,
        height: config.height,
        device_scale_factor: Some(1.0),
        emulating_mobile: false,
        is_landscape: false,
        has_touch: false,
    };
    let browser_config = BrowserConfig::builder()
        .chrome_executable(binary)
        .no_sandbox()
        .user_data_dir(profile)
        .window_size(config.width, config.height)
        .viewport(viewport)
        .env("HOME", profile.display().to_string())
        // chromiumoxide adds the leading `--` itself.
        .arg(("proxy-server", format!("http://{proxy}").as_str()))
        .arg(("proxy-bypass-list", "<-loopback>"))
        .arg("hide-scrollbars")
        .arg("mute-audio")
        .launch_timeout(timeout)
        .request_timeout(timeout)
        .build()?;
    let (mut browser, mut handler) = Browser::launch(browser_config)
        .await
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let events = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let shot = async {
        browser
            .execute(SetDownloadBehaviorParams::new(
                SetDownloadBehaviorBehavior::Deny,
            ))
            .await
            .map_err(|e| format!("Chromium: denying downloads: {e}"))?;
        let page = browser
            .new_page("about:blank")
            .await
            .map_err(|e| format!("Chromium: {e}"))?;
        page.goto(url)
            .await
            .map_err(|e| format!("Chromium: loading the page: {e}"))?;
        page.screenshot(
            ScreenshotParams::builder()
                .format(CaptureScreenshotFormat::Png)
                .build(),
        )
        .await
        .map_err(|e| format!("Chromium: taking the screenshot: {e}"))
    }
    .await;
    let _ = browser.close().await;
    let _ = browser.wait().await;
    events.abort();
    shot
}

#[cfg(not(feature = "browser"))]
async fn capture(
    _config: &InspectConfig,
    _binary: &Path,
    _profile: &Path,
    _proxy: &str,
    _url: &str,
    _timeout: Duration,
) -> Result<Vec<u8>, String> {
    Err("this build of exist has no browser (cargo feature `browser`)".into())
}
