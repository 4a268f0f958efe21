//! # exist-sources
//!
//! Everything in exist that talks to the outside world lives here: the shared
//! HTTP driver (conditional GET, capped decompression, retries), and — as the
//! trackers and lookup issues land — one file per feed, API, enricher and
//! notifier, the built-in source catalogue, and URL inspection.
//!
//! ```no_run
//! # async fn demo() -> Result<(), exist_sources::Error> {
//! use exist_sources::{Fetched, HttpConfig, HttpDriver, Validators};
//!
//! let http = HttpDriver::new(HttpConfig::default())?;
//! match http.get("https://feeds.example/list.txt", &Validators::default(), None).await? {
//!     Fetched::NotModified => println!("unchanged"),
//!     Fetched::Body { bytes, validators, .. } => println!("{} bytes, etag {:?}", bytes.len(), validators.etag),
//! }
//! # Ok(()) }
//! ```

mod catalogue;
mod config;
mod demo;
pub mod enrich;
mod error;
mod exist;
mod feeds;
pub mod formats;
mod http;
pub mod inspect;
pub mod scheduler;

pub use catalogue::{Catalogue, builtin_specs};
pub use config::{CONFIG_FILE, Config, ConfigError, SourceOverride};
pub use demo::DemoReport;
pub use enrich::{EnrichConfig, EnrichOptions, EnricherSettings, Enrichers};
pub use error::{Error, Result};
pub use exist::{AppError, Exist, LocalHits, LookupReport, OpenOptions, SourceListing};
pub use feeds::{AuthSpec, Feed, FeedSpec, Fields, Format, PostSpec, Template};
pub use http::{
    AuthHeader, CONNECT_TIMEOUT, Download, Downloaded, Fetched, HttpConfig, HttpDriver,
    MAX_BODY_BYTES, MAX_DECOMPRESSED_BYTES, MAX_RETRY_AFTER, REQUEST_TIMEOUT, RETRIES, Request,
    Spooled, USER_AGENT, Validators,
};
pub use scheduler::{Runner, Scheduler};
