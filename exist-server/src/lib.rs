//! # exist-server
//!
//! The reference web deployment of exist will live here: an axum REST API with an
//! OpenAPI description and the web UI (dashboard, search, lookup, trackers, hunts).
//! It is a thin frontend: every handler parses its input, calls one entry point of
//! `exist-core`/`exist-store`/`exist-sources` and renders the answer.
//!
//! Nothing is implemented yet; `exist serve` arrives with its own issue.
