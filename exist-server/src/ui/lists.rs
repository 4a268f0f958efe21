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

/// What a listing page needs from its query: the filters to show in the
/// form, the ones to keep in the next-page link, and the store's filter,
/// limit and offset (or the error page for a bad filter).
struct Prepared {
    shown: minijinja::Value,
    link: ListParams,
    filter: exist_store::ListFilter,
    limit: u64,
    offset: u64,
}

fn prepare(
    state: &AppState,
    session: &Session,
    params: ListParams,
    nav: &str,
) -> Result<Prepared, Response> {
    let shown = filters(&params);
    let link = ListParams {
        source: params.source.clone(),
        kind: params.kind.clone(),
        since: params.since.clone(),
        until: params.until.clone(),
        q: params.q.clone(),
        ..ListParams::default()
    };
    let (filter, limit, offset) = listing(params).map_err(|p| {
        state
            .templates
            .error(StatusCode::BAD_REQUEST, &p.detail, base(session, nav))
    })?;
    Ok(Prepared {
        shown,
        link,
        filter,
        limit,
        offset,
    })
}

impl Prepared {
    /// The next page's link, when there is one.
    fn next(&self, has_more: bool) -> Option<String> {
        has_more.then(|| page_link(&self.link, &(self.offset + self.limit).to_string()))
    }
}

pub async fn reputation(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<ListParams>,
) -> Response {
    let p = match prepare(&state, &session, params, "reputation") {
        Ok(p) => p,
        Err(r) => return r,
    };
    let page = match state
        .exist
        .store()
        .reputation_page(&p.filter, p.limit, p.offset)
        .await
    {
        Ok(page) => page,
        Err(e) => return failed(&state, &session, &e),
    };
    state.templates.page(
        "list.html",
        minijinja::context! {
            title => "Reputation", path => "/reputation", reputation => true,
            next => p.next(page.has_more), items => page.items, filters => p.shown,
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
    let nav = path.trim_start_matches('/');
    let p = match prepare(&state, &session, params, nav) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let page = match state
        .exist
        .store()
        .records_page(kind, &p.filter, p.limit, p.offset)
        .await
    {
        Ok(page) => page,
        Err(e) => return failed(&state, &session, &e),
    };
    state.templates.page(
        "list.html",
        minijinja::context! {
            title, path, reputation => false, record_kind => kind.as_str(),
            next => p.next(page.has_more), items => page.items, filters => p.shown,
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
