//! A feed that is a plain list of indicators, one per line (`#` comments,
//! extra columns ignored): IPsum, CINS, blocklist.de, Feodo Tracker's IP list,
//! and any list a user points exist at. Each line becomes a reputation entry of
//! the feed's source.
//!
//! The download goes through the shared [`HttpDriver`]; a body that is an HTML
//! page (a captive portal, a login or error page) is refused rather than parsed
//! line by line into rejects.

use exist_core::{
    Collected, IndicatorListReader, ListItem, ListReport, Record, RecordKind, Source, SourceError,
    SourceInfo, SourceState,
};

use crate::http::{AuthHeader, Fetched, HttpDriver, Validators};

/// A line-list reputation feed.
#[derive(Debug, Clone)]
pub struct LineListFeed {
    /// The source name its entries are stored under.
    pub name: String,
    /// Where the list is.
    pub url: String,
    /// The category every entry gets (`malicious_ip`, `botnet_cc`).
    pub category: Option<String>,
    /// How often to collect, in seconds.
    pub interval_secs: u64,
    /// An auth header, if the feed wants one.
    pub auth: Option<AuthHeader>,
    /// The HTTP driver.
    pub http: HttpDriver,
}

/// True when `body` starts like an HTML document.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

#[async_trait::async_trait]
impl Source for LineListFeed {
    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: self.name.clone(),
            kind: RecordKind::Reputation,
            needs_key: self.auth.is_some(),
            interval_secs: self.interval_secs,
        }
    }

    async fn collect(&self, state: &SourceState) -> Result<Collected, SourceError> {
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let (bytes, transferred, validators) = match self
            .http
            .get(&self.url, &validators, self.auth.as_ref())
            .await?
        {
            Fetched::NotModified => return Ok(Collected::NotModified),
            Fetched::Body {
                bytes,
                transferred,
                validators,
            } => (bytes, transferred, validators),
        };
        if looks_like_html(&bytes) {
            return Err(
                format!("{}: the server sent an HTML page, not the feed", self.name).into(),
            );
        }
        let mut report = ListReport::default();
        let mut records = Vec::new();
        for item in IndicatorListReader::new(bytes.as_slice(), self.name.clone())? {
            report.count(&item);
            if let ListItem::Entry { mut entry, .. } = item {
                entry.category.clone_from(&self.category);
                records.push(Record::Reputation(entry));
            }
        }
        Ok(Collected::Records {
            records,
            read: report.read,
            bytes: transferred,
            rejected: report.rejected,
            rejected_samples: report.rejected_samples,
            state: SourceState {
                etag: validators.etag,
                last_modified: validators.last_modified,
                last_count: None,
            },
        })
    }
}
