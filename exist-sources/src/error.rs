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
    /// Any other transport failure.
    #[error("fetching {url} failed")]
    Transport {
        /// The URL, without credentials.
        url: String,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
    /// The URL is not a valid http(s) URL.
    #[error("invalid URL {0:?}")]
    InvalidUrl(String),
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
