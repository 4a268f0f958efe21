//! A feed defined by a [`FeedSpec`] (built in, or in `exist.toml`) as a
//! [`Source`]: download through the shared driver, refuse what is not the
//! feed (an empty body, an HTML page), skip content already stored, and hand
//! the pipeline a lazy stream of parsed items.

use std::io::{Read, Seek, SeekFrom};

use exist_core::{Collected, Progress, RecordKind, Source, SourceError, SourceInfo, SourceState};

use super::parse;
use super::spec::FeedSpec;
use crate::http::{AuthHeader, Downloaded, HttpDriver, Request, Validators};

/// A declarative feed with its key (if any) and the HTTP driver.
#[derive(Clone)]
pub struct Feed {
    spec: FeedSpec,
    key: Option<String>,
    http: HttpDriver,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed")
            .field("spec", &self.spec)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Feed {
    /// A feed by `spec`, with `key` (the value of its auth variable, if set).
    pub fn new(spec: FeedSpec, key: Option<String>, http: HttpDriver) -> Self {
        let key = key.filter(|k| !k.trim().is_empty());
        Self { spec, key, http }
    }

    /// The feed's definition.
    pub fn spec(&self) -> &FeedSpec {
        &self.spec
    }

    /// Whether its key is set.
    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// Reads from `url` instead (a mirror, a `file://` copy) for this feed.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.spec.url = url.into();
        if let Some(auth) = &mut self.spec.auth {
            auth.url = None;
        }
        self
    }

    /// Why the scheduler and `--all` skip it, if they do.
    pub fn disabled_reason(&self) -> Option<String> {
        if !self.spec.enabled {
            return Some("disabled in exist.toml".into());
        }
        match &self.spec.auth {
            Some(a) if a.required && self.key.is_none() => {
                Some(format!("needs an API key: set {}", a.env))
            }
            _ => None,
        }
    }

    /// The URL and auth header of a request: with a key, the keyed URL or
    /// the header; without, the plain URL (an explicit run reports what the
    /// upstream answers, a 401 say).
    fn target(&self) -> (String, Option<AuthHeader>) {
        let (Some(auth), Some(key)) = (&self.spec.auth, &self.key) else {
            return (self.spec.url.clone(), None);
        };
        let url = auth
            .url
            .as_ref()
            .map_or_else(|| self.spec.url.clone(), |u| u.replace("{key}", key));
        let header = auth.header.as_ref().map(|name| AuthHeader {
            name: name.clone(),
            value: format!("{}{key}", auth.prefix),
        });
        (url, header)
    }

    /// `text` with the key replaced, for errors.
    fn redact(&self, text: String) -> String {
        match &self.key {
            Some(k) => text.replace(k.as_str(), "[redacted]"),
            None => text,
        }
    }
}

/// The first bytes of `file` (then rewound), to recognise what it is.
fn head(file: &mut std::fs::File) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(512);
    file.by_ref().take(512).read_to_end(&mut buf)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(buf)
}

/// True when `body` starts like an HTML document.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(body).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

#[async_trait::async_trait]
impl Source for Feed {
    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: self.spec.name.clone(),
            kind: RecordKind::Reputation,
            needs_key: self.spec.auth.as_ref().is_some_and(|a| a.required),
            interval_secs: self.spec.interval,
        }
    }

    async fn collect(
        &self,
        state: &SourceState,
        progress: &dyn Progress,
    ) -> Result<Collected, SourceError> {
        let name = &self.spec.name;
        let (url, auth) = self.target();
        let headers: Vec<(String, String)> = self
            .spec
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let request = Request {
            url: &url,
            validators: Validators {
                etag: state.etag.clone(),
                last_modified: state.last_modified.clone(),
            },
            auth: auth.as_ref(),
            headers: &headers,
            post: self
                .spec
                .post
                .as_ref()
                .map(|p| (p.content_type.as_str(), p.body.as_bytes())),
            secret: self.key.as_deref(),
            progress: Some(progress),
        };
        let download = match self.http.fetch(&request).await {
            Ok(Downloaded::NotModified) => return Ok(Collected::NotModified),
            Ok(Downloaded::Body(d)) => d,
            Err(e) => return Err(self.redact(format!("{name}: {e}")).into()),
        };
        if state.content_hash.as_deref() == Some(download.digest.as_str()) {
            return Ok(Collected::NotModified);
        }
        let spec = self.spec.clone();
        let mut file = download.body.file;
        let items = tokio::task::spawn_blocking(move || {
            let start = head(&mut file).map_err(|e| format!("reading the download: {e}"))?;
            if String::from_utf8_lossy(&start).trim().is_empty() {
                return Err("the server sent an empty body, not the feed".to_owned());
            }
            if looks_like_html(&start) {
                return Err("the server sent an HTML page, not the feed".to_owned());
            }
            parse::items(&spec, file)
        })
        .await
        .map_err(|e| format!("{name}: parsing failed: {e}"))?
        .map_err(|e| self.redact(format!("{name}: {e}")))?;
        Ok(Collected::Records {
            items,
            bytes: download.transferred,
            state: SourceState {
                etag: download.validators.etag,
                last_modified: download.validators.last_modified,
                last_count: None,
                content_hash: Some(download.digest),
            },
        })
    }
}
