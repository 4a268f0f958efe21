//! The screenshot of an inspection: Debian's `chromium`, headless, with a
//! fresh throw-away profile and home (nothing it downloads outlives it), a
//! fixed window, a timeout, and every connection it makes sent through a
//! local proxy (`proxy.rs`) that applies the same SSRF guard as the fetch —
//! loopback included, since Chromium would otherwise bypass proxies for it.
//!
//! Chromium's own `--screenshot` does the capture; exist drives no DevTools
//! session. A missing Chromium is not an error of the inspection: the rest
//! of it stands and the status says why there is no picture.

use std::path::{Path, PathBuf};
use std::process::Stdio;
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
    let proxy = GuardProxy::start(guard.clone())
        .await
        .map_err(|e| format!("screenshot proxy: {e}"))?;
    let profile = tempfile::tempdir().map_err(|e| format!("browser profile: {e}"))?;
    let dir = home.join("inspections");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let out = profile.path().join("shot.png");
    let timeout = Duration::from_secs(config.screenshot_timeout_secs.max(1));
    let mut command = tokio::process::Command::new(&binary);
    command
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--hide-scrollbars")
        .arg("--mute-audio")
        .arg("--no-first-run")
        .arg("--no-default-browser-check")
        .arg("--disable-extensions")
        .arg("--disable-sync")
        .arg("--disable-background-networking")
        .arg("--disable-component-update")
        .arg("--disable-dev-shm-usage")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={},{}", config.width, config.height))
        .arg(format!("--proxy-server=http://{}", proxy.addr()))
        .arg("--proxy-bypass-list=<-loopback>")
        .arg(format!(
            "--timeout={}",
            timeout.as_millis().saturating_sub(2000).max(1000)
        ))
        .arg(format!("--screenshot={}", out.display()))
        .arg(url)
        .env("HOME", profile.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| format!("Chromium took longer than {} s", timeout.as_secs()))?
        .map_err(|e| format!("Chromium: {e}"))?;
    let bytes = std::fs::read(&out).map_err(|_| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        format!(
            "Chromium wrote no screenshot (exit {}): {last}",
            output.status
        )
    })?;
    if png_size(&bytes).is_none() {
        return Err("Chromium's screenshot is not a PNG".into());
    }
    let name = format!("{}.png", hex::encode(sha2::Sha256::digest(&bytes)));
    std::fs::write(dir.join(&name), &bytes).map_err(|e| format!("keeping the screenshot: {e}"))?;
    Ok(Screenshot {
        path: format!("inspections/{name}"),
    })
}
