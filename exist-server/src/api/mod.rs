//! The `/api/v1` routes: JSON in and out, errors as problem+json, every
//! route and schema in the OpenAPI document (`openapi.rs`), which the tests
//! check the live answers against.

mod indicators;
pub(crate) mod listings;

mod openapi;
pub(crate) mod sources;

use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde::Serialize;

pub use openapi::openapi_document;

use crate::AppState;
use crate::auth::authenticate;
use crate::problem::Problem;

/// The most a page holds.
const MAX_LIMIT: u64 = 500;

pub fn routes(state: AppState) -> Router {
    let protected = Router::new()
        .route("/indicators/{value}", get(indicators::indicator))
        .route("/search", get(indicators::search))
        .route("/reputation", get(listings::reputation))
        .route("/threat-events", get(listings::threat_events))
        .route(
            "/threat-events/{uuid}/attributes",
            get(listings::threat_event_attributes),
        )
        .route("/posts", get(listings::posts))
        .route("/exploits", get(listings::exploits))
        .route("/vulnerabilities", get(listings::vulnerabilities))
        .route("/news", get(listings::news))
        .route("/stats", get(sources::stats))
        .route("/sources", get(sources::sources))
        .route("/sources/{name}", get(sources::source))
        .route("/sources/{name}/collect", post(sources::collect))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate));
    let api = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi::document))
        .route("/docs", get(openapi::docs_page))
        .merge(protected)
        .fallback(|| async { Problem::not_found("no such API route") });
    Router::new().nest("/api/v1", api).with_state(state)
}

/// The page size and the offset a `limit` and `cursor` ask for (the cursor
/// is the `next_cursor` of the previous page).
fn paging(limit: Option<u64>, cursor: Option<&str>) -> Result<(u64, u64), Problem> {
    let limit = limit.unwrap_or(50).clamp(1, MAX_LIMIT);
    let offset = match cursor {
        None | Some("") => 0,
        Some(c) => c.parse().map_err(|_| {
            Problem::bad_request("cursor: use the next_cursor of the previous page")
        })?,
    };
    Ok((limit, offset))
}

/// The `next_cursor` of a page.
fn next_cursor(has_more: bool, offset: u64, limit: u64) -> Option<String> {
    has_more.then(|| (offset + limit).to_string())
}

/// The server is up.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    status: String,
    /// exist's version.
    version: String,
}

#[utoipa::path(get, path = "/api/v1/health", tag = "server",
    responses((status = 200, description = "The server is up", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
