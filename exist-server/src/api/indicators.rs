//! The lookup (`/indicators/{value}`) and keyword search (`/search`).

use axum::Json;
use axum::extract::{Path, Query, State};
use exist_core::Indicator;
use exist_sources::{EnrichOptions, LookupReport};
use exist_store::SearchHit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{next_cursor, paging};
use crate::AppState;
use crate::problem::Problem;

/// Options of a lookup.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// Also ask the enrichers (DNS, RDAP, VirusTotal, …), one key each in the answer.
    #[serde(default)]
    enrich: bool,
    /// Only these enrichers (comma-separated names).
    only: Option<String>,
    /// Ask the enrichers again instead of using cached answers.
    #[serde(default)]
    refresh: bool,
}

/// Everything known about one indicator.
#[utoipa::path(get, path = "/api/v1/indicators/{value}", tag = "lookup",
    params(("value" = String, Path, description = "An IP, CIDR, domain, URL, e-mail, hash, CVE or ASN (defanged forms accepted)"), LookupParams),
    responses(
        (status = 200, description = "The store's hits (and each enricher's answer)", body = LookupReport),
        (status = 400, description = "Not an indicator, or an unknown enricher", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn indicator(
    State(state): State<AppState>,
    Path(value): Path<String>,
    Query(params): Query<LookupParams>,
) -> Result<Json<LookupReport>, Problem> {
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
    Ok(Json(report))
}

/// A search.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The text to find in any record (case-insensitive).
    q: Option<String>,
    /// Page size (1–500, default 50).
    limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of search results.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    /// The hits, newest first.
    items: Vec<SearchHit>,
    /// The cursor of the next page, if there is one.
    next_cursor: Option<String>,
}

/// Records whose text contains `q`, newest first.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses(
        (status = 200, description = "A page of hits", body = SearchResults),
        (status = 400, description = "No search text, or a bad cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResults>, Problem> {
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
    Ok(Json(SearchResults {
        next_cursor: next_cursor(page.has_more, offset, limit),
        items: page.hits,
    }))
}
