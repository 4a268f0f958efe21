//! # exist-core
//!
//! The vocabulary of exist, a threat-intelligence aggregator: indicators (what an
//! analyst looks up), their canonical form, extraction from free text, and the
//! records collected about them. No database and no HTTP client live here, so
//! every frontend and plugin can depend on it cheaply.
//!
//! ```
//! use exist_core::{extract, Indicator, IndicatorKind};
//!
//! let ip = Indicator::parse("192.0.2[.]1").unwrap();
//! assert_eq!((ip.kind(), ip.value()), (IndicatorKind::Ipv4, "192.0.2.1"));
//!
//! let found = extract("Payload from hxxps://bad[.]example/x.exe, C2 198.51.100.7");
//! assert_eq!(found.len(), 3); // the URL, its host, the IP
//! ```

mod enrich;
mod error;
mod extract;
mod home;
mod indicator;
mod list;
mod record;
mod source;

pub use enrich::{EnrichError, EnrichStatus, Enricher, EnricherInfo, Enrichment};
pub use error::{Error, MAX_QUOTED, Result};
pub use extract::{Extracted, extract};
pub use home::{DATABASE_FILE, HOME_ENV, default_database_url, resolve_home};
pub use indicator::{Indicator, IndicatorKind};
pub use list::{IndicatorListReader, ListFormat, ListItem, ListReport, REJECTED_SAMPLES};
pub use record::{
    Exploit, Hunt, HuntHit, Mentions, NewsItem, Record, RecordKind, RejectedLine, ReputationEntry,
    RunOutcome, SocialPost, SourceRunStatus, ThreatAttribute, ThreatEvent, ThreatObject,
    Vulnerability,
};
pub use source::{
    Collected, Item, Items, NoProgress, Progress, Source, SourceError, SourceInfo, SourceState,
};
