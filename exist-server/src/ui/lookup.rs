//! The search box and the lookup page of an indicator: local hits, one panel
//! per enricher loaded on its own, and for a URL its stored inspection
//! (`inspection.rs` serves the inspection's files).

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use exist_core::{Indicator, IndicatorKind};
use exist_sources::EnrichOptions;
use serde::Deserialize;

use super::session::Session;
use super::{base, failed, urlencode};
use crate::AppState;

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

/// An indicator opens its lookup page; any other text is a keyword search.
pub async fn search(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<SearchParams>,
) -> Response {
    let q = params.q.trim();
    if q.is_empty() {
        return Redirect::to("/").into_response();
    }
    if let Ok(indicator) = Indicator::parse(q) {
        return Redirect::to(&format!("/lookup?value={}", urlencode(indicator.value())))
            .into_response();
    }
    let offset: u64 = params
        .cursor
        .as_deref()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let limit = 50;
    let page = match state.exist.store().search(q, limit, offset).await {
        Ok(p) => p,
        Err(e) => return failed(&state, &session, &e),
    };
    let next = page.has_more.then(|| (offset + limit).to_string());
    state.templates.page(
        "search.html",
        minijinja::context! { q, hits => page.hits, next, ..base(&session, "search") },
    )
}

#[derive(Deserialize)]
pub struct ValueParam {
    #[serde(default)]
    value: String,
}

fn parse(state: &AppState, session: &Session, value: &str) -> Result<Indicator, Response> {
    Indicator::parse(value).map_err(|e| {
        state.templates.error(
            StatusCode::BAD_REQUEST,
            &format!("Not an indicator: {e}"),
            base(session, "search"),
        )
    })
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<ValueParam>,
) -> Response {
    let indicator = match parse(&state, &session, &params.value) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let report = match state.exist.lookup(&indicator, None).await {
        Ok(r) => r,
        Err(e) => return failed(&state, &session, &e),
    };
    let enrichers: Vec<_> = state
        .exist
        .enrichers()
        .infos()
        .into_iter()
        .filter(|e| e.applies_to(indicator.kind()))
        .collect();
    let inspection = if indicator.kind() == IndicatorKind::Url {
        match state.exist.stored_inspection(indicator.value()).await {
            Ok(i) => i,
            Err(e) => return failed(&state, &session, &e),
        }
    } else {
        None
    };
    let ctx = minijinja::context! {
        indicator,
        encoded => urlencode(indicator.value()),
        groups => report.local.groups,
        truncated => report.local.truncated,
        enrichers,
        is_url => indicator.kind() == IndicatorKind::Url,
        inspection,
        ..base(&session, "search")
    };
    state.templates.page("lookup.html", ctx)
}

#[derive(Deserialize)]
pub struct PanelParams {
    value: String,
    name: String,
}

/// One enricher's panel (an HTML fragment the lookup page loads on its own).
pub async fn enrich_panel(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<PanelParams>,
) -> Response {
    let indicator = match parse(&state, &session, &params.value) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let options = EnrichOptions {
        only: Some(vec![params.name.clone()]),
        refresh: false,
    };
    // Only the enricher: the page has the store's hits already.
    let answers = match state.exist.enrich(&indicator, &options).await {
        Ok(a) => a,
        Err(exist_sources::AppError::UnknownEnricher(why)) => {
            return state
                .templates
                .error(StatusCode::NOT_FOUND, &why, base(&session, ""));
        }
        Err(e) => return failed(&state, &session, &e),
    };
    let enrichment = answers.iter().find(|e| e.enricher == params.name);
    let fields: Vec<(String, String)> = enrichment
        .and_then(|e| e.data.as_ref())
        .and_then(|d| d.as_object())
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let shown = match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => serde_json::to_string_pretty(other).unwrap_or_default(),
                    };
                    (k.clone(), shown)
                })
                .collect()
        })
        .unwrap_or_default();
    state.templates.page(
        "enrich_panel.html",
        minijinja::context! { name => params.name, enrichment, fields },
    )
}
