//! # exist-py
//!
//! In-process Python bindings: the native module `exist._core`, re-exported
//! by the pure-Python package `exist` (`python/exist/`), with type stubs.
//! Like the CLI and the server it only converts arguments and results; the
//! work is done by the library crates. Results are plain dicts and lists
//! (what the library serializes), so they go straight into `json.dumps` or
//! `pandas.DataFrame`.
//!
//! - `runtime.rs`: the one tokio runtime of the process, new after a fork;
//!   every blocking call releases the GIL while it waits;
//! - `errors.rs`: `ExistError` and its subclasses, and the library's errors
//!   mapped onto them;
//! - `text.rs`: `extract` and `normalize`;
//! - `handle.rs`: the `Exist` class (open, lookup, search, stats, sources,
//!   collect, import_list, inspect_url).

mod errors;
mod handle;
mod runtime;
mod text;

use pyo3::prelude::*;

/// The native part of the `exist` package.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(text::extract, m)?)?;
    m.add_function(wrap_pyfunction!(text::normalize, m)?)?;
    m.add_class::<handle::Exist>()?;
    errors::register(m)?;
    Ok(())
}

/// A serializable value as Python objects (dicts, lists, str, int, float,
/// bool, None).
fn to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| errors::ExistError::new_err(e.to_string()))
}
