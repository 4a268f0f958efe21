//! URL inspection: fetch a URL the way a browser would, safely, and record
//! what came back — the redirect chain and final URL, status, headers,
//! content type and length, SHA-256 of the body, the HTML title — keeping
//! the body under `$EXIST_HOME/inspections/` (capped) for the source view
//! and the download, plus a screenshot when Chromium is there.
//!
//! Every hop is resolved here, checked by the SSRF guard (`guard.rs`), and
//! the connection pinned to the vetted addresses; redirects are followed by
//! hand so each target is checked too.

mod guard;
mod proxy;
mod screenshot;
mod title;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

pub use guard::{Guard, forbidden};
pub use screenshot::Screenshot;

/// The User-Agent of inspections: a current desktop browser, since phishing
/// kits serve scanners something else.
pub const BROWSER_USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// `[inspect]` in exist.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InspectConfig {
    /// Allow private, loopback and link-local targets (a lab; tests).
    pub allow_private: bool,
    /// Networks allowed although private (`"10.20.0.0/16"`).
    pub allow: Vec<String>,
    /// The most of a body kept, in bytes.
    pub max_body_bytes: u64,
    /// Timeout of the whole fetch, in seconds.
    pub timeout_secs: u64,
    /// Redirects followed at most.
    pub max_redirects: usize,
    /// Take a screenshot with Chromium.
    pub screenshot: bool,
    /// The Chromium binary (default: `chromium`, `chromium-browser`, `google-chrome` on PATH).
    pub chromium: Option<PathBuf>,
    /// Screenshot viewport width.
    pub width: u32,
    /// Screenshot viewport height.
    pub height: u32,
    /// Seconds the browser gets to load the page and take the shot.
    pub screenshot_timeout_secs: u64,
}

impl Default for InspectConfig {
    fn default() -> Self {
        Self {
            allow_private: false,
            allow: Vec::new(),
            max_body_bytes: 32 << 20,
            timeout_secs: 30,
            max_redirects: 10,
            screenshot: true,
            chromium: None,
            width: 1280,
            height: 800,
            screenshot_timeout_secs: 30,
        }
    }
}

/// One redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// Its status.
    pub status: u16,
    /// Where it sent the client.
    pub location: String,
}

/// What an inspection found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inspection {
    /// The URL asked for.
    pub url: String,
    /// The URL that answered (after redirects).
    pub final_url: String,
    /// The redirects, in order.
    pub redirects: Vec<Hop>,
    /// The final status.
    pub status: u16,
    /// The final response's headers (lowercase names; repeated ones joined).
    pub headers: BTreeMap<String, String>,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// Bytes of body read (at most the cap).
    pub length: u64,
    /// True when the body was longer than the cap (hash and file cover the kept part).
    pub truncated: bool,
    /// SHA-256 of the kept body, hex.
    pub sha256: String,
    /// The HTML `<title>`, if any.
    pub title: Option<String>,
    /// The kept body, relative to the home directory.
    pub body_path: String,
    /// The screenshot, relative to the home directory.
    pub screenshot_path: Option<String>,
    /// Why there is no screenshot, when there is none.
    pub screenshot_error: Option<String>,
    /// When it was fetched.
    pub fetched_at: DateTime<Utc>,
}

/// Errors of an inspection that yields nothing (the target refused, the
/// fetch failed); a missing screenshot is not one.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InspectError(pub String);

/// Inspects URLs into a home directory.
#[derive(Debug, Clone)]
pub struct Inspector {
    config: InspectConfig,
    guard: Guard,
    home: PathBuf,
}

impl Inspector {
    /// An inspector by `config`, keeping files under `home`.
    pub fn new(config: InspectConfig, home: &Path) -> Result<Self, InspectError> {
        let allow = config
            .allow
            .iter()
            .map(|n| {
                n.parse()
                    .map_err(|_| InspectError(format!("[inspect] allow: {n:?} is not a network")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            guard: Guard {
                allow_private: config.allow_private,
                allow,
            },
            config,
            home: home.to_path_buf(),
        })
    }

    /// The SSRF guard in force.
    pub fn guard(&self) -> &Guard {
        &self.guard
    }

    /// Fetches `url`, following and checking redirects; keeps the body and,
    /// when configured and available, a screenshot.
    pub async fn inspect(&self, url: &str) -> Result<Inspection, InspectError> {
        let deadline = Duration::from_secs(self.config.timeout_secs.max(1));
        let fetched = tokio::time::timeout(deadline, self.fetch(url))
            .await
            .map_err(|_| {
                InspectError(format!(
                    "{url}: no complete answer within {} s",
                    deadline.as_secs()
                ))
            })??;
        let mut inspection = fetched;
        if self.config.screenshot {
            let shot =
                screenshot::take(&self.config, &self.guard, &inspection.final_url, &self.home)
                    .await;
            match shot {
                Ok(s) => inspection.screenshot_path = Some(s.path),
                Err(e) => inspection.screenshot_error = Some(e),
            }
        } else {
            inspection.screenshot_error =
                Some("screenshots are off ([inspect] screenshot = false)".into());
        }
        Ok(inspection)
    }

    async fn fetch(&self, url: &str) -> Result<Inspection, InspectError> {
        let err = |e: String| InspectError(e);
        let mut current =
            reqwest::Url::parse(url).map_err(|e| err(format!("{url}: not a URL ({e})")))?;
        let mut redirects = Vec::new();
        loop {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(err(format!(
                    "{current}: only http and https URLs are inspected"
                )));
            }
            let host = current
                .host_str()
                .ok_or_else(|| err(format!("{current}: no host")))?
                .to_owned();
            let port = current.port_or_known_default().unwrap_or(80);
            let addrs = self.guard.resolve(&host, port).await.map_err(err)?;
            crate::http::install_tls_provider();
            let client = reqwest::Client::builder()
                .user_agent(BROWSER_USER_AGENT)
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .resolve_to_addrs(host.trim_start_matches('[').trim_end_matches(']'), &addrs)
                .connect_timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| err(format!("HTTP client: {e}")))?;
            let response = client
                .get(current.clone())
                .header(
                    reqwest::header::ACCEPT,
                    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                )
                .send()
                .await
                .map_err(|e| err(format!("{current}: {}", e.without_url())))?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response.headers().get(reqwest::header::LOCATION)
            {
                let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
                let next = current.join(&location).map_err(|_| {
                    err(format!(
                        "{current}: redirect to an invalid URL {location:?}"
                    ))
                })?;
                redirects.push(Hop {
                    url: current.to_string(),
                    status: status.as_u16(),
                    location,
                });
                if redirects.len() > self.config.max_redirects {
                    return Err(err(format!(
                        "{url}: more than {} redirects",
                        self.config.max_redirects
                    )));
                }
                current = next;
                continue;
            }
            return self.keep(url, current, redirects, response).await;
        }
    }

    /// Stores the final response's body and describes it.
    async fn keep(
        &self,
        url: &str,
        final_url: reqwest::Url,
        redirects: Vec<Hop>,
        mut response: reqwest::Response,
    ) -> Result<Inspection, InspectError> {
        let err = |e: String| InspectError(e);
        let dir = self.home.join("inspections");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| err(format!("cannot create {}: {e}", dir.display())))?;
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in response.headers() {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            headers
                .entry(k.as_str().to_owned())
                .and_modify(|e| {
                    e.push_str(", ");
                    e.push_str(&v);
                })
                .or_insert(v);
        }
        let status = response.status().as_u16();
        let content_type = headers.get("content-type").cloned();
        let tmp = tempfile::NamedTempFile::new_in(&dir)
            .map_err(|e| err(format!("temporary file: {e}")))?;
        let mut file = tokio::fs::File::from_std(
            tmp.reopen()
                .map_err(|e| err(format!("temporary file: {e}")))?,
        );
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::new();
        let (mut length, mut truncated) = (0u64, false);
        let cap = self.config.max_body_bytes;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    return Err(err(format!(
                        "{final_url}: reading the body: {}",
                        e.without_url()
                    )));
                }
            };
            let room = (cap - length) as usize;
            let part = &chunk[..chunk.len().min(room)];
            hasher.update(part);
            if head.len() < title::HEAD_BYTES {
                head.extend_from_slice(&part[..part.len().min(title::HEAD_BYTES - head.len())]);
            }
            file.write_all(part)
                .await
                .map_err(|e| err(format!("writing the body: {e}")))?;
            length += part.len() as u64;
            if part.len() < chunk.len() {
                truncated = true;
                break;
            }
        }
        file.flush()
            .await
            .map_err(|e| err(format!("writing the body: {e}")))?;
        let sha256 = hex::encode(hasher.finalize());
        let name = format!("{sha256}.body");
        tmp.persist(dir.join(&name))
            .map_err(|e| err(format!("keeping the body: {e}")))?;
        let is_html = content_type.as_deref().is_none_or(|t| t.contains("html"));
        Ok(Inspection {
            url: url.to_owned(),
            final_url: final_url.to_string(),
            redirects,
            status,
            headers,
            content_type,
            length,
            truncated,
            sha256,
            title: if is_html { title::of(&head) } else { None },
            body_path: format!("inspections/{name}"),
            screenshot_path: None,
            screenshot_error: None,
            fetched_at: Utc::now(),
        })
    }
}
