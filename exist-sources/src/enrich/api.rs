//! Enrichers that are one or two HTTP JSON calls (VirusTotal, AbuseIPDB,
//! Shodan, Censys, GreyNoise, urlscan, OTX, MalwareBazaar, crt.sh), written
//! once: the key from its environment variable (a header or a query
//! parameter, redacted from every message), one rate limiter per service
//! shared by every caller in the process, the shared HTTP driver, 404 as
//! "nothing known", and errors that say what to do (a 401 names the key's
//! variable). Each service supplies its calls and how to summarise answers.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use exist_core::{EnrichError, Enricher, EnricherInfo, Indicator, IndicatorKind};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::Value;

use crate::http::{Downloaded, HttpDriver, Request};

/// How a service takes its key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyUse {
    /// In this header, after this prefix.
    Header(&'static str, &'static str),
    /// As this query parameter.
    Query(&'static str),
    /// As HTTP Basic credentials: the variable holds `id:secret`.
    Basic,
}

/// A service's key: its default variable, where it goes, whether required.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySpec {
    pub env: &'static str,
    pub how: KeyUse,
    pub required: bool,
}

/// One HTTP call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub url: String,
    pub post: Option<(&'static str, String)>,
}

impl Call {
    pub fn get(url: String) -> Self {
        Self { url, post: None }
    }
}

/// A service's part: what it answers, how to ask, how to summarise.
pub(crate) trait Api: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    fn kinds(&self) -> &'static [IndicatorKind];
    fn base(&self) -> &'static str;
    fn key(&self) -> Option<KeySpec>;
    /// Requests per minute the free tier allows.
    fn per_minute(&self) -> Option<u32> {
        None
    }
    /// Cache lifetime in seconds.
    fn ttl(&self) -> u64 {
        86_400
    }
    /// The calls for `indicator`; `key` tells whether a key is set.
    fn calls(&self, base: &str, indicator: &Indicator, key: bool) -> Vec<Call>;
    /// What to show, from each call's answer (`None`: 404, nothing known).
    fn summarize(&self, indicator: &Indicator, answers: Vec<Option<Value>>) -> Value;
}

/// An [`Api`] as an [`Enricher`].
pub(crate) struct ApiEnricher<A: Api> {
    api: A,
    base: String,
    key: Option<String>,
    key_env: Option<String>,
    ttl: u64,
    http: HttpDriver,
    limiter: Option<Arc<DefaultDirectRateLimiter>>,
}

impl<A: Api> ApiEnricher<A> {
    pub fn new(
        api: A,
        settings: &super::EnricherSettings,
        env: &dyn Fn(&str) -> Option<String>,
        http: HttpDriver,
    ) -> Self {
        let key_env = api
            .key()
            .map(|k| settings.key_env.clone().unwrap_or_else(|| k.env.to_owned()));
        let key = key_env
            .as_deref()
            .and_then(env)
            .filter(|k| !k.trim().is_empty());
        // n per minute, refilled one at a time; up to `burst` (default n) at
        // once, so a lookup's two VirusTotal calls do not wait 15 s each.
        let limiter = settings
            .per_minute
            .or_else(|| api.per_minute())
            .and_then(NonZeroU32::new)
            .map(|n| {
                let burst = settings.burst.and_then(NonZeroU32::new).unwrap_or(n);
                Arc::new(RateLimiter::direct(Quota::per_minute(n).allow_burst(burst)))
            });
        Self {
            base: settings
                .url
                .clone()
                .unwrap_or_else(|| api.base().to_owned())
                .trim_end_matches('/')
                .to_owned(),
            ttl: settings.ttl.unwrap_or_else(|| api.ttl()),
            api,
            key,
            key_env,
            http,
            limiter,
        }
    }

    fn redact(&self, text: String) -> String {
        match &self.key {
            Some(k) => text.replace(k.as_str(), "[redacted]"),
            None => text,
        }
    }

    async fn call(&self, call: &Call) -> Result<Option<Value>, EnrichError> {
        if let Some(l) = &self.limiter {
            l.until_ready().await;
        }
        let mut url = call.url.clone();
        let mut auth = None;
        if let (Some(key), Some(spec)) = (&self.key, self.api.key()) {
            match spec.how {
                KeyUse::Header(name, prefix) => {
                    auth = Some(crate::http::AuthHeader {
                        name: name.to_owned(),
                        value: format!("{prefix}{key}"),
                    });
                }
                KeyUse::Basic => {
                    use base64::Engine as _;
                    let encoded = base64::engine::general_purpose::STANDARD.encode(key);
                    auth = Some(crate::http::AuthHeader {
                        name: "Authorization".to_owned(),
                        value: format!("Basic {encoded}"),
                    });
                }
                KeyUse::Query(param) => {
                    let sep = if url.contains('?') { '&' } else { '?' };
                    url = format!("{url}{sep}{param}={key}");
                }
            }
        }
        let headers = [("Accept".to_owned(), "application/json".to_owned())];
        let request = Request {
            url: &url,
            auth: auth.as_ref(),
            headers: &headers,
            post: call.post.as_ref().map(|(t, b)| (*t, b.as_bytes())),
            secret: self.key.as_deref(),
            ..Request::default()
        };
        let download = match self.http.fetch(&request).await {
            Ok(Downloaded::Body(d)) => d,
            Ok(Downloaded::NotModified) => return Ok(None),
            Err(crate::Error::Status { status: 404, .. }) => return Ok(None),
            Err(crate::Error::Status { status, url }) if status == 401 || status == 403 => {
                let hint = match &self.key_env {
                    Some(env) if self.key.is_some() => format!("the key in ${env} was refused"),
                    Some(env) => format!("set ${env}"),
                    None => "the service refused the request".to_owned(),
                };
                return Err(self
                    .redact(format!("HTTP {status} from {url}: {hint}"))
                    .into());
            }
            Err(crate::Error::Status { status: 429, url }) => {
                return Err(self
                    .redact(format!(
                        "HTTP 429 from {url}: the service's rate limit was reached"
                    ))
                    .into());
            }
            Err(e) => return Err(self.redact(e.to_string()).into()),
        };
        let mut file = download.body.file;
        let value: Value = tokio::task::spawn_blocking(move || {
            serde_json::from_reader(std::io::BufReader::new(&mut file))
        })
        .await
        .map_err(|e| format!("parsing the answer failed: {e}"))?
        .map_err(|e| self.redact(format!("{}: the answer is not JSON ({e})", self.api.name())))?;
        Ok(Some(value))
    }
}

#[async_trait::async_trait]
impl<A: Api> Enricher for ApiEnricher<A> {
    fn info(&self) -> EnricherInfo {
        let not_configured = match (self.api.key(), &self.key, &self.key_env) {
            (Some(k), None, Some(env)) if k.required => {
                Some(format!("needs an API key: set {env}"))
            }
            _ => None,
        };
        EnricherInfo {
            name: self.api.name().to_owned(),
            kinds: self.api.kinds().to_vec(),
            ttl_secs: self.ttl,
            not_configured,
        }
    }

    async fn enrich(&self, indicator: &Indicator) -> Result<Value, EnrichError> {
        let calls = self.api.calls(&self.base, indicator, self.key.is_some());
        let mut answers = Vec::with_capacity(calls.len());
        for call in &calls {
            answers.push(self.call(call).await?);
        }
        Ok(self.api.summarize(indicator, answers))
    }
}

/// `v` at the JSON pointer `path`, cloned; `Null` when absent.
pub(crate) fn at(v: &Value, path: &str) -> Value {
    v.pointer(path).cloned().unwrap_or(Value::Null)
}

/// The first `n` items of the array at `path`, each reduced by `f`.
pub(crate) fn list(v: &Value, path: &str, n: usize, f: impl Fn(&Value) -> Value) -> Value {
    match v.pointer(path) {
        Some(Value::Array(a)) => Value::Array(a.iter().take(n).map(f).collect()),
        _ => Value::Array(Vec::new()),
    }
}

/// A timeout long enough for a slow API on a free tier.
pub(crate) const API_TIMEOUT: Duration = Duration::from_secs(15);

/// `url` with `params` as its query, percent-encoded.
pub(crate) fn with_query(url: &str, params: &[(&str, &str)]) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            u.query_pairs_mut().extend_pairs(params);
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}
