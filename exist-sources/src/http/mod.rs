//! The HTTP driver every feed and API uses, written once: conditional GET
//! (ETag / Last-Modified), retries with backoff on 429 and 5xx honouring
//! `Retry-After`, connect and read timeouts, a cap on the body and on its
//! decompressed size (gzip by `Content-Encoding` or by magic bytes), a
//! User-Agent naming exist and its version, an optional auth header, and the
//! proxy from the environment. A feed supplies only its parse step.
//!
//! [`HttpDriver::fetch`] spools the body to a temporary file (feeds);
//! [`HttpDriver::get`] reads it into memory (small API answers). A `file://`
//! URL reads a local file through the same decompression, for mirrors and
//! `exist collect --url file://…`.

mod spool;

use std::io::{Read, Write};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ETAG, HeaderMap, HeaderName, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    RETRY_AFTER,
};

use exist_core::Progress;

use crate::error::{Error, Result};
pub use spool::Spooled;
use spool::{io_err, temp_file};

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

/// A downloaded body, spooled to a temporary file.
#[derive(Debug)]
pub struct Download {
    /// The decompressed body, rewound.
    pub body: Spooled,
    /// Bytes transferred (before decompression).
    pub transferred: u64,
    /// Validators for the next conditional request.
    pub validators: Validators,
    /// A hash of the transferred bytes (hex), to recognise the same content.
    pub digest: String,
}

/// What a fetch brought.
#[derive(Debug)]
pub enum Downloaded {
    /// 304: nothing changed since the validators sent.
    NotModified,
    /// A body.
    Body(Download),
}

/// One request: GET by default, or POST with a body (the abuse.ch APIs).
#[derive(Clone, Default)]
pub struct Request<'a> {
    /// `http(s)://` or `file://` URL.
    pub url: &'a str,
    /// Validators of the previous download.
    pub validators: Validators,
    /// The source's auth header, if any.
    pub auth: Option<&'a AuthHeader>,
    /// Extra headers (`Accept`).
    pub headers: &'a [(String, String)],
    /// A POST body and its content type; `None` makes a GET.
    pub post: Option<(&'a str, &'a [u8])>,
    /// A key inside the URL, replaced in every message and log line.
    pub secret: Option<&'a str>,
    /// Where to report bytes downloaded.
    pub progress: Option<&'a dyn Progress>,
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field(
                "url",
                &match self.secret.filter(|s| !s.is_empty()) {
                    Some(secret) => self.url.replace(secret, "[redacted]"),
                    None => self.url.to_owned(),
                },
            )
            .field("validators", &self.validators)
            .field("auth", &self.auth)
            .field("post", &self.post.map(|(t, b)| (t, b.len())))
            .finish_non_exhaustive()
    }
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
pub(crate) fn install_tls_provider() {
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
            .map_err(|e| Error::transport("(client set-up)", e))?;
        Ok(Self { client, config })
    }

    /// GETs `url` into memory, conditionally on `previous`, with `auth` if
    /// given. Retries 429 and 5xx; every other error status is returned as
    /// [`Error::Status`].
    pub async fn get(
        &self,
        url: &str,
        previous: &Validators,
        auth: Option<&AuthHeader>,
    ) -> Result<Fetched> {
        let request = Request {
            url,
            validators: previous.clone(),
            auth,
            ..Request::default()
        };
        match self.fetch(&request).await? {
            Downloaded::NotModified => Ok(Fetched::NotModified),
            Downloaded::Body(mut d) => {
                let mut bytes = Vec::with_capacity(d.body.len as usize);
                d.body.file.read_to_end(&mut bytes).map_err(io_err(url))?;
                Ok(Fetched::Body {
                    bytes,
                    transferred: d.transferred,
                    validators: d.validators,
                })
            }
        }
    }

    /// Performs `request`, spooling the body to a temporary file.
    pub async fn fetch(&self, request: &Request<'_>) -> Result<Downloaded> {
        let url = request.url;
        let parsed = reqwest::Url::parse(url).map_err(|_| Error::InvalidUrl(shown_raw(url)))?;
        if parsed.scheme() == "file" {
            return self.read_local(&parsed).await.map(Downloaded::Body);
        }
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::InvalidUrl(shown(&parsed)));
        }
        let mut name = shown(&parsed);
        if let Some(secret) = request.secret.filter(|s| !s.is_empty()) {
            name = name.replace(secret, "[redacted]");
        }
        let headers = request_headers(request, &name)?;
        let mut attempt = 0;
        loop {
            let builder = match request.post {
                Some((content_type, body)) => self
                    .client
                    .post(parsed.clone())
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(body.to_vec()),
                None => self.client.get(parsed.clone()),
            };
            let response = match builder.headers(headers.clone()).send().await {
                Ok(r) => r,
                Err(e) if e.is_timeout() => return Err(Error::Timeout { url: name }),
                Err(e) => return Err(Error::transport(&name, e)),
            };
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Downloaded::NotModified);
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
            let (raw, transferred, digest) =
                self.spool_capped(response, &name, request.progress).await?;
            let cap = self.config.max_decompressed_bytes;
            let body = tokio::task::spawn_blocking(move || {
                spool::decompress(raw, transferred, cap, &name)
            })
            .await
            .map_err(|e| Error::InvalidUrl(format!("decompression task failed: {e}")))??;
            return Ok(Downloaded::Body(Download {
                body,
                transferred,
                validators,
                digest,
            }));
        }
    }

    /// A `file://` URL: the file through the same caps and decompression.
    async fn read_local(&self, url: &reqwest::Url) -> Result<Download> {
        let name = url.to_string();
        let path = url
            .to_file_path()
            .map_err(|()| Error::InvalidUrl(name.clone()))?;
        let (max_body, cap) = (
            self.config.max_body_bytes,
            self.config.max_decompressed_bytes,
        );
        tokio::task::spawn_blocking(move || {
            let mut file = std::fs::File::open(&path).map_err(io_err(&name))?;
            let len = file.metadata().map_err(io_err(&name))?.len();
            if len > max_body {
                return Err(Error::TooLarge {
                    url: name,
                    limit: max_body,
                });
            }
            let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                match file.read(&mut buf).map_err(io_err(&name))? {
                    0 => break,
                    n => hasher.update(&buf[..n]),
                }
            }
            let body = spool::decompress(file, len, cap, &name)?;
            Ok(Download {
                body,
                transferred: len,
                validators: Validators::default(),
                digest: format!("{:032x}", hasher.digest128()),
            })
        })
        .await
        .map_err(|e| Error::InvalidUrl(format!("reading a local file failed: {e}")))?
    }

    /// Spools the body to a temporary file, failing past the cap or on a
    /// short body; returns the file, the bytes written and their hash.
    async fn spool_capped(
        &self,
        mut response: reqwest::Response,
        name: &str,
        progress: Option<&dyn Progress>,
    ) -> Result<(std::fs::File, u64, String)> {
        let total = response.content_length();
        // With transparent gzip the stream is decompressed: cap it by the larger limit.
        let limit = self
            .config
            .max_body_bytes
            .max(self.config.max_decompressed_bytes);
        let mut file = std::io::BufWriter::with_capacity(256 * 1024, temp_file(name)?);
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        let mut len = 0u64;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    len += chunk.len() as u64;
                    if len > limit {
                        return Err(Error::TooLarge {
                            url: name.to_owned(),
                            limit,
                        });
                    }
                    hasher.update(&chunk);
                    file.write_all(&chunk).map_err(io_err(name))?;
                    if let Some(p) = progress {
                        p.bytes(len, total);
                    }
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
                Err(e) => return Err(Error::transport(name, e)),
            }
        }
        let file = file
            .into_inner()
            .map_err(|e| io_err(name)(e.into_error()))?;
        Ok((file, len, format!("{:032x}", hasher.digest128())))
    }
}

/// The headers of `request`: validators, the auth header (marked sensitive),
/// and the extra headers.
fn request_headers(request: &Request<'_>, name: &str) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    let previous = &request.validators;
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
    let bad_header = |what: &str| Error::InvalidHeader {
        url: name.to_owned(),
        header: what.to_owned(),
    };
    for (k, v) in request.headers {
        let key = HeaderName::from_bytes(k.as_bytes()).map_err(|_| bad_header(k))?;
        let value = HeaderValue::from_str(v).map_err(|_| bad_header(k))?;
        headers.insert(key, value);
    }
    if let Some(a) = request.auth {
        let key = HeaderName::from_bytes(a.name.as_bytes()).map_err(|_| bad_header(&a.name))?;
        let mut value = HeaderValue::from_str(&a.value).map_err(|_| bad_header(&a.name))?;
        value.set_sensitive(true);
        headers.insert(key, value);
    }
    Ok(headers)
}

/// An unparsable URL as it may be shown: cut before any `@` (userinfo).
fn shown_raw(url: &str) -> String {
    match url.split_once('@') {
        Some((_, rest)) => format!("…@{rest}"),
        None => url.to_owned(),
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
