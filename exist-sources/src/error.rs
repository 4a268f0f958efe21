//! The one error type of exist-sources. Messages name the URL (never a
//! credential: auth goes in headers, and URLs are shown without userinfo).

/// Errors of exist-sources.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The upstream answered with an error status (after retries, for 429/5xx).
    #[error("HTTP {status} from {url}")]
    Status {
        /// The URL, without credentials.
        url: String,
        /// The status code.
        status: u16,
    },
    /// Connecting or reading took longer than the configured timeout.
    #[error("timed out fetching {url}")]
    Timeout {
        /// The URL, without credentials.
        url: String,
    },
    /// The body (or its decompressed form) exceeded the cap.
    #[error("{url}: body larger than the {limit}-byte cap")]
    TooLarge {
        /// The URL, without credentials.
        url: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// The body ended before its announced length, or a compressed body was cut.
    #[error("{url}: truncated body ({detail})")]
    Truncated {
        /// The URL, without credentials.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// Any other transport failure (refused connection, TLS, DNS).
    #[error("fetching {url} failed: {detail}")]
    Transport {
        /// The URL, without credentials.
        url: String,
        /// The cause and its causes, without the URL.
        detail: String,
    },
    /// A header name or value (auth, extra headers) is not valid HTTP; the
    /// value is never shown.
    #[error("{url}: invalid value for header {header}")]
    InvalidHeader {
        /// The URL, without credentials.
        url: String,
        /// The header's name.
        header: String,
    },
    /// The body could not be spooled to (or read from) a local file.
    #[error("{url}: {source}")]
    Spool {
        /// The URL, without credentials.
        url: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The URL is not a valid http(s) URL.
    #[error("invalid URL {0:?}")]
    InvalidUrl(String),
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A transport error of `url`, with `e`'s chain of causes (reqwest's own
    /// message names the full URL, query included, so it is left out).
    pub(crate) fn transport(url: &str, e: reqwest::Error) -> Self {
        let e = e.without_url();
        let mut detail = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            detail.push_str(": ");
            detail.push_str(&c.to_string());
            cause = c.source();
        }
        Self::Transport {
            url: url.to_owned(),
            detail,
        }
    }
}
