//! Store statistics, the sources and their status, running one now.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::{Extension, Json};
use exist_core::SourceRunStatus;
use exist_sources::SourceListing;
use exist_store::{Scope, Stats};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;

/// Counts per indicator kind, record kind, source and day (the last 30 days).
#[utoipa::path(get, path = "/api/v1/stats", tag = "server",
    responses(
        (status = 200, description = "Store-wide counts", body = Stats),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn stats(State(state): State<AppState>) -> Result<Json<Stats>, Problem> {
    let stats = state
        .exist
        .store()
        .stats(30, chrono::Utc::now())
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(stats))
}

/// The sources.
#[derive(Serialize, ToSchema)]
pub struct SourceList {
    /// Every source with its state, last run and entry count.
    items: Vec<SourceListing>,
}

/// Every source, enabled or why not, with its last run.
#[utoipa::path(get, path = "/api/v1/sources", tag = "sources",
    responses(
        (status = 200, description = "The sources", body = SourceList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn sources(State(state): State<AppState>) -> Result<Json<SourceList>, Problem> {
    let items = state
        .exist
        .sources()
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(SourceList { items }))
}

/// One source and its recent runs.
#[derive(Serialize, ToSchema)]
pub struct SourceStatus {
    /// The source, as in the list.
    source: SourceListing,
    /// Its last 10 runs, newest first.
    runs: Vec<SourceRunStatus>,
}

/// One source's state and its last 10 runs (as `exist sources show`).
#[utoipa::path(get, path = "/api/v1/sources/{name}", tag = "sources",
    params(("name" = String, Path, description = "The source's name")),
    responses(
        (status = 200, description = "The source and its runs", body = SourceStatus),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such source", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn source(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<SourceStatus>, Problem> {
    let listing = state
        .exist
        .sources()
        .await
        .map_err(|e| Problem::internal(&e))?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Problem::not_found(format!("no source named {name:?}")))?;
    let runs = state
        .exist
        .store()
        .runs(Some(&name), 10)
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(SourceStatus {
        source: listing,
        runs,
    }))
}

/// What running sources did.
#[derive(Serialize, ToSchema)]
pub struct CollectResult {
    /// Each source's recorded run status, by name.
    runs: BTreeMap<String, SourceRunStatus>,
}

/// Runs one source now (disabled ones too) and answers its run status.
#[utoipa::path(post, path = "/api/v1/sources/{name}/collect", tag = "sources",
    params(("name" = String, Path, description = "The source's name")),
    responses(
        (status = 200, description = "The run's status (a failed run is a status too)", body = CollectResult),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token is not an admin token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such source", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn collect(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
) -> Result<Json<CollectResult>, Problem> {
    caller.require(Scope::Admin)?;
    let runs = run_source(&state, &name).await?;
    Ok(Json(CollectResult { runs }))
}

/// Runs the source `name` (shared with the UI's "run now").
pub async fn run_source(
    state: &AppState,
    name: &str,
) -> Result<BTreeMap<String, SourceRunStatus>, Problem> {
    state
        .exist
        .run_sources(&[name.to_owned()], false)
        .await
        .map_err(|e| match e {
            exist_sources::AppError::Config(why) => Problem::not_found(why.to_string()),
            other => Problem::internal(&other),
        })
}
