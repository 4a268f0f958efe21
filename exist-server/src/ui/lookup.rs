//! The search box, the lookup page of an indicator (local hits, one panel
//! per enricher loaded on its own), and a URL's inspection: screenshot,
//! escaped HTML source, download of the fetched body. The inspection files
//! are found through the stored inspection of the URL asked for, never from
//! a path in the request, and only under the home's `inspections/`.

use axum::Extension;
use axum::body::Body;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use exist_core::{Indicator, IndicatorKind};
use exist_sources::EnrichOptions;
use exist_store::Scope;
use serde::Deserialize;

use super::session::Session;
use super::{base, check_csrf, check_scope, failed, urlencode};
use crate::AppState;

/// The most of an HTML source the source view shows.
const SOURCE_VIEW_BYTES: usize = 1024 * 1024;

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
    let report = match state.exist.lookup(&indicator, Some(&options)).await {
        Ok(r) => r,
        Err(exist_sources::AppError::UnknownEnricher(why)) => {
            return state
                .templates
                .error(StatusCode::NOT_FOUND, &why, base(&session, ""));
        }
        Err(e) => return failed(&state, &session, &e),
    };
    let enrichment = report.enrichment.get(&params.name);
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

#[derive(Deserialize)]
pub struct InspectForm {
    url: String,
    csrf: String,
}

/// Inspects a URL now (admin: it fetches from the outside and writes files).
pub async fn inspect(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<InspectForm>,
) -> Response {
    if let Err(r) = check_csrf(&state, &session, &form.csrf) {
        return r;
    }
    if let Err(r) = check_scope(&state, &session, Scope::Admin) {
        return r;
    }
    match state.exist.inspect_url(&form.url, true).await {
        Ok((inspection, _)) => {
            Redirect::to(&format!("/lookup?value={}", urlencode(&inspection.url))).into_response()
        }
        Err(exist_sources::AppError::Inspect(why)) => state.templates.error(
            StatusCode::BAD_GATEWAY,
            &format!("The inspection failed: {why}"),
            base(&session, "search"),
        ),
        Err(e) => failed(&state, &session, &e),
    }
}

#[derive(Deserialize)]
pub struct UrlParam {
    url: String,
}

/// The stored inspection of a URL and the file `pick` names in it.
async fn inspection_file(
    state: &AppState,
    session: &Session,
    url: &str,
    pick: fn(&exist_sources::inspect::Inspection) -> Option<&str>,
) -> Result<(exist_sources::inspect::Inspection, std::path::PathBuf), Response> {
    let not_found = || {
        state.templates.error(
            StatusCode::NOT_FOUND,
            "No such file: inspect the URL first.",
            base(session, "search"),
        )
    };
    let inspection = match state.exist.stored_inspection(url).await {
        Ok(Some(i)) => i,
        Ok(None) | Err(exist_sources::AppError::Inspect(_)) => return Err(not_found()),
        Err(e) => return Err(failed(state, session, &e)),
    };
    let path = pick(&inspection)
        .and_then(|p| state.exist.inspection_file(p))
        .ok_or_else(not_found)?;
    Ok((inspection, path))
}

async fn read(
    state: &AppState,
    session: &Session,
    path: &std::path::Path,
) -> Result<Vec<u8>, Response> {
    tokio::fs::read(path)
        .await
        .map_err(|e| failed(state, session, &e))
}

pub async fn screenshot(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<UrlParam>,
) -> Response {
    let (_, path) = match inspection_file(&state, &session, &params.url, |i| {
        i.screenshot_path.as_deref()
    })
    .await
    {
        Ok(f) => f,
        Err(r) => return r,
    };
    match read(&state, &session, &path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "image/png")], bytes).into_response(),
        Err(r) => r,
    }
}

/// The fetched body, always as a download of opaque bytes.
pub async fn body(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<UrlParam>,
) -> Response {
    let (inspection, path) = match inspection_file(&state, &session, &params.url, |i| {
        Some(i.body_path.as_str())
    })
    .await
    {
        Ok(f) => f,
        Err(r) => return r,
    };
    let bytes = match read(&state, &session, &path).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let name = format!(
        "attachment; filename=\"inspection-{}.bin\"",
        &inspection.sha256.get(..16).unwrap_or("body")
    );
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        Body::from(bytes),
    )
        .into_response()
}

/// The fetched body as text, escaped, in a page.
pub async fn source(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<UrlParam>,
) -> Response {
    let (inspection, path) = match inspection_file(&state, &session, &params.url, |i| {
        Some(i.body_path.as_str())
    })
    .await
    {
        Ok(f) => f,
        Err(r) => return r,
    };
    let bytes = match read(&state, &session, &path).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let cut = bytes.len() > SOURCE_VIEW_BYTES;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SOURCE_VIEW_BYTES)]).into_owned();
    state.templates.page(
        "source_view.html",
        minijinja::context! {
            inspection,
            encoded => urlencode(&inspection.url),
            text,
            cut,
            ..base(&session, "search")
        },
    )
}
