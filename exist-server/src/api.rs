//! The `/api/v1` routes.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Extension, Json, Router, middleware};
use exist_core::{Indicator, NoProgress, RecordKind};
use exist_sources::EnrichOptions;
use exist_store::Scope;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{Caller, authenticate};
use crate::problem::Problem;

/// The most a page holds.
const MAX_LIMIT: u64 = 500;

pub fn routes(state: AppState) -> Router {
    let protected = Router::new()
        .route("/indicators/{value}", get(indicator))
        .route("/search", get(search))
        .route("/reputation", get(reputation))
        .route(
            "/threat-events",
            get(|s: State<AppState>, q: Query<ListParams>| records(s, q, RecordKind::ThreatEvent)),
        )
        .route(
            "/posts",
            get(|s: State<AppState>, q: Query<ListParams>| records(s, q, RecordKind::SocialPost)),
        )
        .route(
            "/exploits",
            get(|s: State<AppState>, q: Query<ListParams>| records(s, q, RecordKind::Exploit)),
        )
        .route(
            "/vulnerabilities",
            get(|s: State<AppState>, q: Query<ListParams>| {
                records(s, q, RecordKind::Vulnerability)
            }),
        )
        .route(
            "/news",
            get(|s: State<AppState>, q: Query<ListParams>| records(s, q, RecordKind::News)),
        )
        .route("/stats", get(stats))
        .route("/sources", get(sources))
        .route("/sources/{name}/collect", post(collect))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate));
    let api = Router::new()
        .route("/health", get(health))
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

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

#[derive(Deserialize)]
struct LookupParams {
    #[serde(default)]
    enrich: bool,
    only: Option<String>,
    #[serde(default)]
    refresh: bool,
}

async fn indicator(
    State(state): State<AppState>,
    Path(value): Path<String>,
    Query(params): Query<LookupParams>,
) -> Result<Json<Value>, Problem> {
    let indicator = Indicator::parse(&value).map_err(|e| Problem::bad_request(e.to_string()))?;
    let options = params.enrich.then(|| EnrichOptions {
        only: params
            .only
            .map(|o| o.split(',').map(|s| s.trim().to_owned()).collect()),
        refresh: params.refresh,
    });
    let report = state
        .exist
        .lookup(&indicator, options.as_ref())
        .await
        .map_err(|e| match e {
            exist_sources::AppError::UnknownEnricher(why) => Problem::bad_request(why),
            other => Problem::internal(&other),
        })?;
    Ok(Json(
        serde_json::to_value(report).map_err(|e| Problem::internal(&e))?,
    ))
}

#[derive(Deserialize)]
struct SearchParams {
    q: Option<String>,
    limit: Option<u64>,
    cursor: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<Value>, Problem> {
    let q = params.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(Problem::bad_request("give a search text: ?q=…"));
    }
    let (limit, offset) = paging(params.limit, params.cursor.as_deref())?;
    let page = state
        .exist
        .store()
        .search(&q, limit, offset)
        .await
        .map_err(|e| Problem::internal(&e))?;
    let next = page.has_more.then(|| (offset + limit).to_string());
    Ok(Json(json!({ "items": page.hits, "next_cursor": next })))
}

async fn stats(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let stats = state
        .exist
        .store()
        .stats(30, chrono::Utc::now())
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(
        serde_json::to_value(stats).map_err(|e| Problem::internal(&e))?,
    ))
}

async fn sources(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let list = state
        .exist
        .sources()
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(json!({ "items": list })))
}

async fn collect(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
) -> Result<Json<Value>, Problem> {
    caller.require(Scope::Admin)?;
    let feeds = state
        .exist
        .select(std::slice::from_ref(&name), false, None)
        .map_err(|e| Problem::not_found(e.to_string()))?;
    let mut runs = BTreeMap::new();
    for feed in &feeds {
        let status = state
            .exist
            .collect(feed, &NoProgress)
            .await
            .map_err(|e| Problem::internal(&e))?;
        runs.insert(feed.spec().name.clone(), status);
    }
    Ok(Json(json!({ "runs": runs })))
}

#[derive(Deserialize)]
struct ListParams {
    source: Option<String>,
    kind: Option<String>,
    since: Option<String>,
    until: Option<String>,
    q: Option<String>,
    limit: Option<u64>,
    cursor: Option<String>,
}

fn time_param(
    name: &str,
    value: Option<&str>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Problem> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| {
                    Problem::bad_request(format!(
                        "{name}: use an RFC 3339 time (2026-11-28T00:00:00Z)"
                    ))
                })
        })
        .transpose()
}

/// The filter, limit and offset of a listing request.
fn listing(params: ListParams) -> Result<(exist_store::ListFilter, u64, u64), Problem> {
    let kind = params
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .map(str::parse::<exist_core::IndicatorKind>)
        .transpose()
        .map_err(|e| Problem::bad_request(format!("kind: {e}")))?;
    let filter = exist_store::ListFilter {
        source: params.source.filter(|s| !s.is_empty()),
        kind,
        since: time_param("since", params.since.as_deref())?,
        until: time_param("until", params.until.as_deref())?,
        q: params.q,
    };
    let (limit, offset) = paging(params.limit, params.cursor.as_deref())?;
    Ok((filter, limit, offset))
}

async fn reputation(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, Problem> {
    let (filter, limit, offset) = listing(params)?;
    let page = state
        .exist
        .store()
        .reputation_page(&filter, limit, offset)
        .await
        .map_err(|e| Problem::internal(&e))?;
    let next = page.has_more.then(|| (offset + limit).to_string());
    Ok(Json(json!({ "items": page.items, "next_cursor": next })))
}

/// Records of `kind` (empty until that kind's tracker has collected
/// anything; the route and its shape are the final ones).
async fn records(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
    kind: RecordKind,
) -> Result<Json<Value>, Problem> {
    let (filter, limit, offset) = listing(params)?;
    let page = state
        .exist
        .store()
        .records_page(kind, &filter, limit, offset)
        .await
        .map_err(|e| Problem::internal(&e))?;
    let next = page.has_more.then(|| (offset + limit).to_string());
    Ok(Json(json!({ "items": page.items, "next_cursor": next })))
}
