//! # exist-sources
//!
//! Everything in exist that talks to the outside world will live here: the shared
//! HTTP driver (conditional GET, capped decompression, retries, rate limits), one
//! file per feed, API, enricher and notifier, the built-in source catalogue, and
//! URL inspection with screenshots.
//!
//! Nothing is implemented yet: the source framework arrives with the "Trackers I"
//! issue and the enrichers with the "Lookup" issue. Until then this crate is empty
//! on purpose, so that the workspace already has the shape the design card fixes.
