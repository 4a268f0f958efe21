//! The `Exist` class: an opened exist (home, exist.toml, store, sources,
//! enrichers) and the calls a notebook makes on it. Each call releases the
//! GIL while the library works, so other Python threads run meanwhile;
//! one `Exist` may be used from several threads at once.

use std::path::PathBuf;
use std::sync::Arc;

use exist_core::Indicator;
use exist_sources::{EnrichOptions, OpenOptions};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::runtime::block_on;
use crate::{errors, to_py};

/// An opened exist: its home directory, configuration and store.
#[pyclass(frozen, module = "exist")]
pub struct Exist {
    inner: Arc<exist_sources::Exist>,
    /// The process that opened it: its database connections live there.
    pid: u32,
}

impl Exist {
    /// The library handle, if this process opened it. After a fork the
    /// parent's connections are not usable in the child: it opens its own.
    fn exist(&self) -> PyResult<Arc<exist_sources::Exist>> {
        if self.pid == std::process::id() {
            Ok(self.inner.clone())
        } else {
            Err(errors::ExistError::new_err(
                "this Exist was opened in the parent process (before a fork); \
                 open one in this process: exist.Exist.open(...)",
            ))
        }
    }
}

#[pymethods]
impl Exist {
    /// Opens exist: `database_url` (default: the SQLite file in the home;
    /// `postgres://…`, `mysql://…`), `home` (default: `$EXIST_HOME`, else
    /// `~/.local/share/exist`) with its `exist.toml`. Creates and migrates
    /// the database as needed.
    #[staticmethod]
    #[pyo3(signature = (database_url=None, home=None))]
    fn open(py: Python<'_>, database_url: Option<String>, home: Option<PathBuf>) -> PyResult<Self> {
        let options = OpenOptions {
            database_url,
            home,
            ..OpenOptions::default()
        };
        let inner = block_on(py, exist_sources::Exist::open(options))?.map_err(errors::app)?;
        Ok(Self {
            inner: Arc::new(inner),
            pid: std::process::id(),
        })
    }

    /// Everything known about `value` (an IP, CIDR, domain, URL, e-mail,
    /// hash, CVE or ASN; defanged forms accepted): `indicator`, `local` (the
    /// stored hits, grouped by kind and source) and, with `enrich=True`, one
    /// key per enricher (`dns`, `geoip`, `virustotal`, …) with its `status`.
    #[pyo3(signature = (value, enrich=false))]
    fn lookup<'py>(
        &self,
        py: Python<'py>,
        value: &str,
        enrich: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let indicator = Indicator::parse(value).map_err(errors::indicator)?;
        let exist = self.exist()?;
        let options = enrich.then(EnrichOptions::default);
        let report = block_on(py, async move {
            exist.lookup(&indicator, options.as_ref()).await
        })?
        .map_err(errors::app)?;
        to_py(py, &report)
    }

    /// Records whose text contains `query` (case-insensitive), newest first:
    /// a list of dicts (`kind`, `source`, `title`, `last_seen`).
    #[pyo3(signature = (query, limit=50))]
    fn search<'py>(&self, py: Python<'py>, query: &str, limit: u64) -> PyResult<Bound<'py, PyAny>> {
        let exist = self.exist()?;
        let query = query.to_owned();
        let page = block_on(
            py,
            async move { exist.store().search(&query, limit, 0).await },
        )?
        .map_err(errors::store)?;
        to_py(py, &page.hits)
    }

    /// Counts per indicator kind, record kind, source and day (30 days).
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let exist = self.exist()?;
        let stats = block_on(py, async move {
            exist.store().stats(30, chrono::Utc::now()).await
        })?
        .map_err(errors::store)?;
        to_py(py, &stats)
    }

    /// Every source: enabled or why not, its key variable (never the key),
    /// interval, URL, last run and entry count.
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let exist = self.exist()?;
        let list = block_on(py, async move { exist.sources().await })?.map_err(errors::app)?;
        to_py(py, &list)
    }

    /// Runs the sources named (disabled ones too), or with no names every
    /// enabled one, now; returns each run's status by name. A failed run is
    /// a status with its `error`, not an exception; an unknown name raises
    /// `ConfigError`.
    #[pyo3(signature = (*names))]
    fn collect<'py>(
        &self,
        py: Python<'py>,
        names: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let names: Vec<String> = names.extract()?;
        let exist = self.exist()?;
        let runs = block_on(py, async move {
            exist.run_sources(&names, names.is_empty()).await
        })?
        .map_err(errors::app)?;
        to_py(py, &runs)
    }

    /// Imports an indicator list (one per line, `#` comments, or a CSV with an
    /// `indicator` column) from `path` as source `source`; returns the counts
    /// and samples of refused lines.
    fn import_list<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        source: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let file = std::fs::File::open(&path)?;
        let exist = self.exist()?;
        let source = source.to_owned();
        let report = block_on(py, async move {
            exist
                .store()
                .import_list(file, &source, chrono::Utc::now())
                .await
        })?
        .map_err(errors::store)?;
        to_py(py, &report)
    }

    /// Fetches `url` through the SSRF guard (redirects followed and checked)
    /// and records status, headers, hash, title, the body and a screenshot;
    /// a URL inspected before is answered from the store unless `refresh`.
    /// The dict has `cached` besides the inspection's fields.
    #[pyo3(signature = (url, refresh=false))]
    fn inspect_url<'py>(
        &self,
        py: Python<'py>,
        url: &str,
        refresh: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let exist = self.exist()?;
        let url = url.to_owned();
        let (inspection, cached) =
            block_on(py, async move { exist.inspect_url(&url, refresh).await })?
                .map_err(errors::app)?;
        let mut value = serde_json::to_value(&inspection)
            .map_err(|e| errors::ExistError::new_err(e.to_string()))?;
        if let Some(map) = value.as_object_mut() {
            map.insert("cached".into(), cached.into());
        }
        to_py(py, &value)
    }

    /// The home directory.
    #[getter]
    fn home(&self) -> PathBuf {
        self.inner.home().to_owned()
    }

    fn __repr__(&self) -> String {
        format!("Exist(home={:?})", self.inner.home())
    }
}
