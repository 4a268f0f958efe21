//! The bundled demo dataset: real samples (the permissively licensed
//! fixtures of the test suite, provenance in tests/fixtures/SOURCES.md) so a
//! first-time user without internet sees a populated exist. Feeds go through
//! the real pipeline from `file://` copies, so their runs show on the
//! sources page like any other; MISP events and social posts are read by
//! the same format readers the trackers use. Loading twice changes nothing
//! but sightings.

use std::io::Write;

use chrono::Utc;
use exist_core::{NoProgress, Record, SourceRunStatus};
use serde::Serialize;

use crate::exist::{AppError, Exist};
use crate::formats::{mastodon, misp, twitter};

macro_rules! fixture {
    ($path:literal) => {
        include_bytes!(concat!("../../tests/fixtures/", $path))
    };
}

/// (source, file name, contents) of the demo feeds.
const FEEDS: &[(&str, &str, &[u8])] = &[
    ("ipsum", "ipsum.txt", fixture!("feeds/ipsum/ipsum.txt")),
    (
        "urlhaus",
        "csv_recent.csv",
        fixture!("feeds/abusech/urlhaus/csv_recent.sample.csv"),
    ),
    (
        "threatfox",
        "get_iocs.json",
        fixture!("feeds/abusech/threatfox/get_iocs.sample.json"),
    ),
    (
        "feodotracker",
        "ipblocklist.json",
        fixture!("feeds/abusech/feodotracker/ipblocklist.sample.json"),
    ),
    (
        "sslbl",
        "sslipblacklist.txt",
        fixture!("feeds/abusech/sslbl/sslipblacklist.cps.txt"),
    ),
    (
        "openphish",
        "feed.txt",
        fixture!("feeds/openphish/feed.sample.txt"),
    ),
    (
        "phishtank",
        "online-valid.csv",
        fixture!("feeds/phishtank/online-valid.sample.csv"),
    ),
    (
        "spamhaus_drop",
        "drop.txt",
        fixture!("feeds/spamhaus/drop.sample.txt"),
    ),
];

/// The demo MISP events.
const EVENTS: &[&[u8]] = &[
    fixture!("misp/event_existing_unwrapped.json"),
    fixture!("misp/event_galaxy_objects_tags.json"),
    fixture!("misp/event_japanese_text.json"),
];

/// What loading the demo stored.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    /// The run of each demo feed.
    pub runs: Vec<SourceRunStatus>,
    /// Threat events stored (new or updated).
    pub events: u64,
    /// Social posts stored (new or updated).
    pub posts: u64,
}

fn demo_error(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Demo(format!("{what}: {e}"))
}

impl Exist {
    /// Loads the bundled demo dataset into the store.
    pub async fn load_demo(&self) -> Result<DemoReport, AppError> {
        let dir = tempfile::tempdir().map_err(|e| demo_error("temporary directory", e))?;
        let mut runs = Vec::new();
        for (source, name, bytes) in FEEDS {
            let path = dir.path().join(name);
            std::fs::File::create(&path)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(|e| demo_error("writing a demo feed", e))?;
            let url = format!("file://{}", path.display());
            for feed in self.select(&[(*source).to_owned()], false, Some(&url))? {
                runs.push(self.collect(&feed, &NoProgress).await?);
            }
        }
        let mut records = Vec::new();
        for bytes in EVENTS {
            let doc = serde_json::from_slice(bytes).map_err(|e| demo_error("a demo event", e))?;
            let event =
                misp::event("misp-demo", &doc).map_err(|e| demo_error("a demo event", e))?;
            records.push(Record::ThreatEvent(event));
        }
        let events = records.len() as u64;
        let timeline = serde_json::from_slice(fixture!("social/mastodon/timelines_public.json"))
            .map_err(|e| demo_error("the demo timeline", e))?;
        let search = serde_json::from_slice(fixture!("social/twitter/search_tweets.json"))
            .map_err(|e| demo_error("the demo tweets", e))?;
        let posts: Vec<Record> = mastodon::timeline("mastodon-demo", &timeline)
            .map_err(|e| demo_error("the demo timeline", e))?
            .into_iter()
            .chain(
                twitter::statuses("x-demo", &search)
                    .map_err(|e| demo_error("the demo tweets", e))?,
            )
            .map(Record::SocialPost)
            .collect();
        let post_count = posts.len() as u64;
        records.extend(posts);
        self.store().upsert_records(&records, Utc::now()).await?;
        Ok(DemoReport {
            runs,
            events,
            posts: post_count,
        })
    }
}
