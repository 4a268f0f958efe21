//! The one entry point the frontends share (CLI, server, Python): open the
//! home directory, its `exist.toml` and the store, wire the source catalogue,
//! and answer "which sources are there, how are they doing, run these".
//! A frontend parses its arguments, calls this, and renders the answer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use exist_core::{Progress, SourceRunStatus};
use exist_store::Store;
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::config::{Config, ConfigError};
use crate::enrich::{EnrichOptions, Enrichers};
use crate::feeds::{Feed, FeedSpec};
use crate::http::{HttpConfig, HttpDriver};
use crate::inspect::{Inspection, Inspector};

/// The cache name inspections are kept under.
const INSPECTION: &str = "inspect";

/// Errors of opening exist or running sources.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] exist_store::Error),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Http(#[from] crate::Error),
    /// A URL could not be inspected.
    #[error("{0}")]
    Inspect(String),
    /// A lookup named an enricher that does not exist.
    #[error("{0}")]
    UnknownEnricher(String),
    /// The bundled demo data could not be loaded.
    #[error("demo data: {0}")]
    Demo(String),
}

/// Where exist's data and configuration are.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The database (default: the SQLite file in the home).
    pub database_url: Option<String>,
    /// The home directory (default: `$EXIST_HOME`, else the platform data dir).
    pub home: Option<PathBuf>,
    /// HTTP driver settings.
    pub http: HttpConfig,
}

/// An opened exist: configuration, store, and source catalogue.
#[derive(Clone)]
pub struct Exist {
    home: PathBuf,
    store: Store,
    catalogue: Catalogue,
    enrichers: Enrichers,
    inspector: Inspector,
}

/// What is known about one indicator: the store's hits and, when asked, each
/// enricher's answer under its name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookupReport {
    /// The indicator looked up.
    pub indicator: exist_core::Indicator,
    /// What the store holds that mentions it.
    pub local: LocalHits,
    /// Each enricher's part, by name (empty without enrichment).
    #[serde(flatten)]
    pub enrichment: std::collections::BTreeMap<String, exist_core::Enrichment>,
}

/// The store's part of a lookup.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalHits {
    /// Hits grouped by record kind and source.
    pub groups: Vec<exist_store::LookupGroup>,
    /// True when more related indicators existed than were followed.
    pub truncated: bool,
}

/// One source as `exist sources list` shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceListing {
    /// Its name.
    pub name: String,
    /// What it is.
    pub about: String,
    /// The record kind it yields.
    pub kind: exist_core::RecordKind,
    /// Run by the scheduler and `--all`.
    pub enabled: bool,
    /// Why not, if not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Whether it takes an API key to be useful.
    pub needs_key: bool,
    /// The environment variable of its key (never the key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_env: Option<String>,
    /// Whether that variable is set.
    pub has_key: bool,
    /// Seconds between scheduled runs.
    pub interval_secs: u64,
    /// The URL it reads (with a key in the URL, the keyless form).
    pub url: String,
    /// Its last run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run: Option<SourceRunStatus>,
    /// Entries stored from it.
    pub entries: u64,
}

impl Exist {
    /// Opens exist: reads `exist.toml` from the home, opens (and migrates)
    /// the store, builds the catalogue with keys from the environment.
    pub async fn open(options: OpenOptions) -> Result<Self, AppError> {
        let home = exist_core::resolve_home(options.home.as_deref());
        let config = Config::load(&home)?;
        let url = options
            .database_url
            .clone()
            .unwrap_or_else(|| exist_core::default_database_url(&home));
        let store = Store::open(&url).await?;
        let http = HttpDriver::new(options.http)?;
        let catalogue = Catalogue::from_env(&config, &http)?;
        let enrichers =
            Enrichers::with_home(&config.enrich, &|var| std::env::var(var).ok(), Some(&home))?;
        let inspector = Inspector::new(config.inspect.clone(), &home)
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        Ok(Self {
            home,
            store,
            catalogue,
            enrichers,
            inspector,
        })
    }

    /// An exist over parts already built (tests, embedding).
    pub fn from_parts(
        home: PathBuf,
        store: Store,
        catalogue: Catalogue,
        enrichers: Enrichers,
        inspector: Inspector,
    ) -> Self {
        Self {
            home,
            store,
            catalogue,
            enrichers,
            inspector,
        }
    }

    /// Inspects `url` (docs/inspection.md): served from the store when it
    /// was inspected before, unless `refresh`.
    pub async fn inspect_url(
        &self,
        url: &str,
        refresh: bool,
    ) -> Result<(Inspection, bool), AppError> {
        let indicator = exist_core::Indicator::parse_as(exist_core::IndicatorKind::Url, url)
            .map_err(|e| AppError::Inspect(e.to_string()))?;
        if !refresh
            && let Some((_, data)) = self
                .store
                .cached_enrichment(INSPECTION, &indicator, chrono::DateTime::UNIX_EPOCH)
                .await?
            && let Ok(found) = serde_json::from_value::<Inspection>(data)
            && self.home.join(&found.body_path).is_file()
        {
            return Ok((found, true));
        }
        let inspection = self
            .inspector
            .inspect(url)
            .await
            .map_err(|e| AppError::Inspect(e.to_string()))?;
        let data = serde_json::to_value(&inspection)
            .map_err(|e| AppError::Inspect(format!("recording the inspection: {e}")))?;
        self.store
            .save_enrichment(INSPECTION, &indicator, inspection.fetched_at, &data)
            .await?;
        Ok((inspection, false))
    }

    /// The stored inspection of `url`, if it was inspected (never fetches).
    pub async fn stored_inspection(&self, url: &str) -> Result<Option<Inspection>, AppError> {
        let indicator = exist_core::Indicator::parse_as(exist_core::IndicatorKind::Url, url)
            .map_err(|e| AppError::Inspect(e.to_string()))?;
        let found = self
            .store
            .cached_enrichment(INSPECTION, &indicator, chrono::DateTime::UNIX_EPOCH)
            .await?;
        Ok(found.and_then(|(_, data)| serde_json::from_value(data).ok()))
    }

    /// The file of an inspection (`body_path` or `screenshot_path`), only if
    /// it resolves to a file under `$EXIST_HOME/inspections/`: a stored path
    /// never leads a file route anywhere else.
    pub fn inspection_file(&self, relative: &str) -> Option<PathBuf> {
        let root = self.home.join("inspections").canonicalize().ok()?;
        let path = self.home.join(relative).canonicalize().ok()?;
        (path.starts_with(&root) && path.is_file()).then_some(path)
    }

    /// Downloads IANA's current RDAP bootstrap files (or those under `from`,
    /// a mirror) into `$EXIST_HOME/rdap/`, where the next start reads them.
    /// Each file is checked to be a bootstrap file before it replaces the
    /// saved one; returns the paths written.
    pub async fn update_rdap_bootstrap(
        &self,
        from: Option<&str>,
    ) -> Result<Vec<PathBuf>, AppError> {
        let http = HttpDriver::new(HttpConfig::default())?;
        let dir = self.home.join("rdap");
        std::fs::create_dir_all(&dir)
            .map_err(|e| ConfigError::Invalid(format!("cannot create {}: {e}", dir.display())))?;
        let mut written = Vec::new();
        for (name, iana) in crate::enrich::IANA_BOOTSTRAP {
            let url = match from {
                Some(base) => format!("{}/{name}.json", base.trim_end_matches('/')),
                None => iana.to_owned(),
            };
            let bytes = match http
                .get(&url, &crate::http::Validators::default(), None)
                .await?
            {
                crate::http::Fetched::Body { bytes, .. } => bytes,
                crate::http::Fetched::NotModified => continue,
            };
            let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&bytes);
            if !parsed.as_ref().is_ok_and(|v| v["services"].is_array()) {
                return Err(ConfigError::Invalid(format!(
                    "{url} is not an RDAP bootstrap file; the saved files are unchanged"
                ))
                .into());
            }
            let path = dir.join(format!("{name}.json"));
            let tmp = dir.join(format!(".{name}.json.tmp"));
            std::fs::write(&tmp, &bytes)
                .and_then(|()| std::fs::rename(&tmp, &path))
                .map_err(|e| {
                    ConfigError::Invalid(format!("cannot write {}: {e}", path.display()))
                })?;
            written.push(path);
        }
        Ok(written)
    }

    /// The enrichers.
    pub fn enrichers(&self) -> &Enrichers {
        &self.enrichers
    }

    /// The answers of the enrichers `options` selects for `indicator`, all
    /// at once, each under its own timeout (an unknown name in `only` is
    /// [`AppError::UnknownEnricher`]).
    pub async fn enrich(
        &self,
        indicator: &exist_core::Indicator,
        options: &EnrichOptions,
    ) -> Result<Vec<exist_core::Enrichment>, AppError> {
        if let Some(only) = options.only.as_deref() {
            self.enrichers
                .check_names(only)
                .map_err(AppError::UnknownEnricher)?;
        }
        Ok(self.enrichers.enrich(&self.store, indicator, options).await)
    }

    /// Everything known about `indicator`: the store's hits and, with
    /// `enrich`, every applicable enricher's answer — all at once; a slow
    /// enricher delays only its own part, up to its timeout.
    pub async fn lookup(
        &self,
        indicator: &exist_core::Indicator,
        enrich: Option<&EnrichOptions>,
    ) -> Result<LookupReport, AppError> {
        let local = self.store.lookup(indicator);
        let remote = async {
            match enrich {
                Some(options) => self.enrich(indicator, options).await,
                None => Ok(Vec::new()),
            }
        };
        let (local, remote) = tokio::join!(local, remote);
        let (local, remote) = (local?, remote?);
        Ok(LookupReport {
            indicator: indicator.clone(),
            local: LocalHits {
                groups: local.groups(),
                truncated: local.truncated,
            },
            enrichment: remote
                .into_iter()
                .map(|e| (e.enricher.clone(), e))
                .collect(),
        })
    }

    /// The home directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The sources.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Every source with its state, last run and entry count.
    pub async fn sources(&self) -> Result<Vec<SourceListing>, AppError> {
        let counts: HashMap<String, u64> = self
            .store
            .source_entry_counts()
            .await?
            .into_iter()
            .collect();
        let mut last: HashMap<String, SourceRunStatus> = self
            .store
            .last_runs()
            .await?
            .into_iter()
            .map(|r| (r.source.clone(), r))
            .collect();
        let out = self
            .catalogue
            .feeds()
            .iter()
            .map(|feed| {
                let spec = feed.spec();
                let last_run = last.remove(&spec.name);
                listing(feed, spec, last_run, counts.get(&spec.name).copied())
            })
            .collect();
        Ok(out)
    }

    /// The sources to run: `names` (each must exist; disabled ones run too,
    /// as asked), or with `all` every enabled one. `url` replaces the URL of
    /// the single source named.
    pub fn select(
        &self,
        names: &[String],
        all: bool,
        url: Option<&str>,
    ) -> Result<Vec<Feed>, AppError> {
        let mut feeds = if all && names.is_empty() {
            self.catalogue.enabled()
        } else {
            let mut f = self.catalogue.select(names)?;
            if all {
                for e in self.catalogue.enabled() {
                    if !f.iter().any(|x| x.spec().name == e.spec().name) {
                        f.push(e);
                    }
                }
            }
            f
        };
        if let Some(url) = url {
            if feeds.len() != 1 || all {
                return Err(ConfigError::Invalid(
                    "--url replaces the URL of one source: name exactly one".into(),
                )
                .into());
            }
            feeds = feeds.into_iter().map(|f| f.with_url(url)).collect();
        }
        Ok(feeds)
    }

    /// Runs `feed` once through the pipeline and returns its recorded status.
    pub async fn collect(
        &self,
        feed: &Feed,
        progress: &dyn Progress,
    ) -> Result<SourceRunStatus, AppError> {
        Ok(self.store.collect_with(feed, progress).await?)
    }

    /// Runs the sources `names` (disabled ones too), or with `all` every
    /// enabled one, one after another, and returns each run's status by
    /// name (a failed run is a status, not an error; an unknown name is
    /// [`AppError::Config`]).
    pub async fn run_sources(
        &self,
        names: &[String],
        all: bool,
    ) -> Result<std::collections::BTreeMap<String, SourceRunStatus>, AppError> {
        let mut runs = std::collections::BTreeMap::new();
        for feed in &self.select(names, all, None)? {
            let status = self.collect(feed, &exist_core::NoProgress).await?;
            runs.insert(feed.spec().name.clone(), status);
        }
        Ok(runs)
    }

    /// The scheduler over every enabled source, running them into this store.
    pub fn scheduler(&self) -> crate::scheduler::Scheduler {
        let sources = self
            .catalogue
            .enabled()
            .into_iter()
            .map(|f| Arc::new(f) as Arc<dyn exist_core::Source>)
            .collect();
        crate::scheduler::Scheduler::new(sources, Arc::new(self.store.clone()))
    }
}

fn listing(
    feed: &Feed,
    spec: &FeedSpec,
    last_run: Option<SourceRunStatus>,
    entries: Option<u64>,
) -> SourceListing {
    let reason = feed.disabled_reason();
    SourceListing {
        name: spec.name.clone(),
        about: spec.about.clone(),
        kind: exist_core::RecordKind::Reputation,
        enabled: reason.is_none(),
        disabled_reason: reason,
        needs_key: spec.auth.as_ref().is_some_and(|a| a.required),
        key_env: spec.auth.as_ref().map(|a| a.env.clone()),
        has_key: feed.has_key(),
        interval_secs: spec.interval,
        url: spec.url.clone(),
        last_run,
        entries: entries.unwrap_or(0),
    }
}
