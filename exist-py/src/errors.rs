//! The exceptions: `ExistError`, and under it `InvalidIndicator` (the input
//! is no indicator), `ConfigError` (exist.toml, unknown names), `StoreError`
//! (the database), `SourceError` (fetching a source or an enricher) and
//! `InspectError` (a URL could not be inspected, or was refused). A file
//! that cannot be read is Python's own `OSError`.

use exist_sources::AppError;
use pyo3::create_exception;
use pyo3::prelude::*;

create_exception!(
    exist,
    ExistError,
    pyo3::exceptions::PyException,
    "Any error of exist."
);
create_exception!(
    exist,
    InvalidIndicator,
    ExistError,
    "The input is not an indicator (IP, domain, URL, hash, CVE, …)."
);
create_exception!(
    exist,
    ConfigError,
    ExistError,
    "The configuration (exist.toml, a name given) is wrong."
);
create_exception!(exist, StoreError, ExistError, "The database failed.");
create_exception!(
    exist,
    SourceError,
    ExistError,
    "A source or an enricher could not be reached or read."
);
create_exception!(
    exist,
    InspectError,
    ExistError,
    "A URL could not be inspected, or was refused by the SSRF guard."
);

/// Adds the exceptions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ExistError", py.get_type::<ExistError>())?;
    m.add("InvalidIndicator", py.get_type::<InvalidIndicator>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("StoreError", py.get_type::<StoreError>())?;
    m.add("SourceError", py.get_type::<SourceError>())?;
    m.add("InspectError", py.get_type::<InspectError>())?;
    Ok(())
}

/// The exception of a library error.
pub fn app(e: AppError) -> PyErr {
    let text = e.to_string();
    match e {
        AppError::Config(_) | AppError::UnknownEnricher(_) => ConfigError::new_err(text),
        AppError::Store(_) => StoreError::new_err(text),
        AppError::Http(_) => SourceError::new_err(text),
        AppError::Inspect(_) => InspectError::new_err(text),
        _ => ExistError::new_err(text),
    }
}

/// The exception of a store error.
pub fn store(e: exist_store::Error) -> PyErr {
    StoreError::new_err(e.to_string())
}

/// The exception of an input that is no indicator.
pub fn indicator(e: exist_core::Error) -> PyErr {
    InvalidIndicator::new_err(e.to_string())
}
