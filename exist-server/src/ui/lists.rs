//! The tracker pages: reputation entries and each record kind, with the
//! API's filters (source, kind, since, until, text) and paging.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use exist_core::RecordKind;

use super::session::Session;
use super::{base, failed, urlencode};
use crate::AppState;
use crate::api::listings::{ListParams, listing};

/// The query string of the current filters plus `cursor`.
fn page_link(params: &ListParams, cursor: &str) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("source", &params.source),
        ("kind", &params.kind),
        ("since", &params.since),
        ("until", &params.until),
        ("q", &params.q),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    }
    parts.push(format!("cursor={}", urlencode(cursor)));
    format!("?{}", parts.join("&"))
}

fn filters(params: &ListParams) -> minijinja::Value {
    minijinja::context! {
        source => params.source, kind => params.kind, since => params.since,
        until => params.until, q => params.q,
    }
}

pub async fn reputation(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<ListParams>,
) -> Response {
    let shown = filters(&params);
    let link_params = ListParams {
        source: params.source.clone(),
        kind: params.kind.clone(),
        since: params.since.clone(),
        until: params.until.clone(),
        q: params.q.clone(),
        ..ListParams::default()
    };
    let (filter, limit, offset) = match listing(params) {
        Ok(f) => f,
        Err(p) => {
            return state.templates.error(
                StatusCode::BAD_REQUEST,
                &p.detail,
                base(&session, "reputation"),
            );
        }
    };
    let page = match state
        .exist
        .store()
        .reputation_page(&filter, limit, offset)
        .await
    {
        Ok(p) => p,
        Err(e) => return failed(&state, &session, &e),
    };
    let next = page
        .has_more
        .then(|| page_link(&link_params, &(offset + limit).to_string()));
    state.templates.page(
        "list.html",
        minijinja::context! {
            title => "Reputation", path => "/reputation", reputation => true,
            items => page.items, next, filters => shown,
            ..base(&session, "reputation")
        },
    )
}

async fn records(
    state: AppState,
    session: Session,
    params: ListParams,
    kind: RecordKind,
    title: &str,
    path: &str,
) -> Response {
    let shown = filters(&params);
    let link_params = ListParams {
        source: params.source.clone(),
        since: params.since.clone(),
        until: params.until.clone(),
        q: params.q.clone(),
        ..ListParams::default()
    };
    let nav = path.trim_start_matches('/');
    let (filter, limit, offset) = match listing(params) {
        Ok(f) => f,
        Err(p) => {
            return state
                .templates
                .error(StatusCode::BAD_REQUEST, &p.detail, base(&session, nav));
        }
    };
    let page = match state
        .exist
        .store()
        .records_page(kind, &filter, limit, offset)
        .await
    {
        Ok(p) => p,
        Err(e) => return failed(&state, &session, &e),
    };
    let next = page
        .has_more
        .then(|| page_link(&link_params, &(offset + limit).to_string()));
    state.templates.page(
        "list.html",
        minijinja::context! {
            title, path, reputation => false, record_kind => kind.as_str(),
            items => page.items, next, filters => shown,
            ..base(&session, nav)
        },
    )
}

macro_rules! record_page {
    ($name:ident, $kind:expr, $title:literal, $path:literal) => {
        pub async fn $name(
            State(state): State<AppState>,
            Extension(session): Extension<Session>,
            Query(params): Query<ListParams>,
        ) -> Response {
            records(state, session, params, $kind, $title, $path).await
        }
    };
}

record_page!(
    threat_events,
    RecordKind::ThreatEvent,
    "Threat events",
    "/threat-events"
);
record_page!(posts, RecordKind::SocialPost, "Posts", "/posts");
record_page!(exploits, RecordKind::Exploit, "Exploits", "/exploits");
record_page!(
    vulnerabilities,
    RecordKind::Vulnerability,
    "Vulnerabilities",
    "/vulnerabilities"
);
record_page!(news, RecordKind::News, "News", "/news");
