//! The HTTP driver every feed and API uses, written once: conditional GET
//! (ETag / Last-Modified), retries with backoff on 429 and 5xx honouring
//! `Retry-After`, connect and read timeouts, a cap on the body and on its
//! decompressed size (gzip by `Content-Encoding` or by magic bytes), a
//! User-Agent naming exist and its version, an optional auth header, and the
//! proxy from the environment. A feed supplies only its parse step.

mod decompress;

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ETAG, HeaderMap, HeaderName, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    RETRY_AFTER,
};

use crate::error::{Error, Result};

/// The User-Agent of every request exist makes to a feed or API.
pub const USER_AGENT: &str = concat!(
    "exist/",
    env!("CARGO_PKG_VERSION"),
    " (threat-intelligence aggregator)"
);
/// Default connect timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Default timeout for the whole request, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// Default cap on a downloaded body (compressed, as transferred).
pub const MAX_BODY_BYTES: u64 = 512 << 20;
/// Default cap on a decompressed body.
pub const MAX_DECOMPRESSED_BYTES: u64 = 1 << 30;
/// Default number of retries on 429 and 5xx.
pub const RETRIES: u32 = 3;
/// The longest `Retry-After` honoured; a longer one fails the run.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Settings of the driver.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Timeout of a whole request, body included.
    pub request_timeout: Duration,
    /// Cap on the transferred body.
    pub max_body_bytes: u64,
    /// Cap on the decompressed body.
    pub max_decompressed_bytes: u64,
    /// Retries on 429 and 5xx.
    pub retries: u32,
    /// First backoff; doubled on each retry when the server gives no Retry-After.
    pub backoff: Duration,
    /// The longest Retry-After honoured.
    pub max_retry_after: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            max_body_bytes: MAX_BODY_BYTES,
            max_decompressed_bytes: MAX_DECOMPRESSED_BYTES,
            retries: RETRIES,
            backoff: Duration::from_secs(2),
            max_retry_after: MAX_RETRY_AFTER,
        }
    }
}

/// The validators of a previous download, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` the server sent.
    pub etag: Option<String>,
    /// The `Last-Modified` the server sent.
    pub last_modified: Option<String>,
}

/// What a GET brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the upstream says nothing changed since `validators`.
    NotModified,
    /// A body, decompressed, with the validators to send next time.
    Body {
        /// The body.
        bytes: Vec<u8>,
        /// Bytes transferred (before decompression).
        transferred: u64,
        /// Validators for the next conditional GET.
        validators: Validators,
    },
}

/// An auth header for one source; its value never appears in logs or errors.
#[derive(Clone)]
pub struct AuthHeader {
    /// Header name (`Auth-Key`, `Key`, `Authorization`).
    pub name: String,
    /// Header value.
    pub value: String,
}

impl std::fmt::Debug for AuthHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthHeader")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// The shared HTTP driver. Cloning is cheap (one connection pool).
#[derive(Debug, Clone)]
pub struct HttpDriver {
    client: reqwest::Client,
    config: HttpConfig,
}

/// A URL as it may be shown: without userinfo.
fn shown(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

/// Installs the ring TLS provider once (reqwest is built without one).
fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl HttpDriver {
    /// A driver with `config`.
    pub fn new(config: HttpConfig) -> Result<Self> {
        install_tls_provider();
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|source| Error::Transport {
                url: String::new(),
                source,
            })?;
        Ok(Self { client, config })
    }

    /// GETs `url`, conditionally on `previous`, with `auth` if given. Retries
    /// 429 and 5xx; every other error status is returned as [`Error::Status`].
    pub async fn get(
        &self,
        url: &str,
        previous: &Validators,
        auth: Option<&AuthHeader>,
    ) -> Result<Fetched> {
        let parsed = reqwest::Url::parse(url).map_err(|_| Error::InvalidUrl(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::InvalidUrl(url.to_owned()));
        }
        let name = shown(&parsed);
        let mut headers = HeaderMap::new();
        if let Some(etag) = previous
            .etag
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = previous
            .last_modified
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_MODIFIED_SINCE, lm);
        }
        if let Some(a) = auth {
            let name = HeaderName::from_bytes(a.name.as_bytes())
                .map_err(|_| Error::InvalidUrl(url.to_owned()))?;
            let mut value =
                HeaderValue::from_str(&a.value).map_err(|_| Error::InvalidUrl(url.to_owned()))?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        let mut attempt = 0;
        loop {
            let response = self
                .client
                .get(parsed.clone())
                .headers(headers.clone())
                .send()
                .await;
            let response = match response {
                Ok(r) => r,
                Err(e) if e.is_timeout() => return Err(Error::Timeout { url: name }),
                Err(source) => return Err(Error::Transport { url: name, source }),
            };
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified);
            }
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                if attempt < self.config.retries {
                    let wait = retry_after(response.headers())
                        .unwrap_or(self.config.backoff * 2u32.pow(attempt));
                    if wait > self.config.max_retry_after {
                        return Err(Error::Status {
                            url: name,
                            status: status.as_u16(),
                        });
                    }
                    tracing::info!(url = %name, status = status.as_u16(), ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                return Err(Error::Status {
                    url: name,
                    status: status.as_u16(),
                });
            }
            if !status.is_success() {
                return Err(Error::Status {
                    url: name,
                    status: status.as_u16(),
                });
            }
            let validators = Validators {
                etag: header_string(response.headers(), &ETAG),
                last_modified: header_string(response.headers(), &LAST_MODIFIED),
            };
            let (raw, transferred) = self.read_capped(response, &name).await?;
            let bytes = decompress::maybe_gunzip(raw, self.config.max_decompressed_bytes, &name)?;
            return Ok(Fetched::Body {
                bytes,
                transferred,
                validators,
            });
        }
    }

    /// Reads the body, failing past the cap or on a short body.
    async fn read_capped(
        &self,
        mut response: reqwest::Response,
        name: &str,
    ) -> Result<(Vec<u8>, u64)> {
        let announced = response.content_length();
        // With transparent gzip the stream is decompressed: cap it by the larger limit.
        let limit = self
            .config
            .max_body_bytes
            .max(self.config.max_decompressed_bytes);
        let mut body = Vec::with_capacity(announced.unwrap_or(0).min(limit) as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(Error::TooLarge {
                            url: name.to_owned(),
                            limit,
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(Error::Timeout {
                        url: name.to_owned(),
                    });
                }
                Err(e) if e.is_body() || e.is_decode() => {
                    return Err(Error::Truncated {
                        url: name.to_owned(),
                        detail: e.to_string(),
                    });
                }
                Err(source) => {
                    return Err(Error::Transport {
                        url: name.to_owned(),
                        source,
                    });
                }
            }
        }
        let len = body.len() as u64;
        Ok((body, len))
    }
}

fn header_string(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `Retry-After` in seconds (the HTTP-date form is treated as absent).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests;
