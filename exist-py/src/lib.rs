//! # exist-py
//!
//! In-process Python bindings for notebooks will live here: a pyo3 `cdylib` built
//! by maturin as `exist._core`, re-exported by a thin pure-Python `exist` package
//! with type stubs. Like the CLI and the server it only converts arguments and
//! results; the work is done by the library crates.
//!
//! Nothing is implemented yet; the bindings arrive with their own issue.
