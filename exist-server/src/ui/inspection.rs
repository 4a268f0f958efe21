//! A URL's inspection from the UI: "inspect now" (admin), and the files of
//! a stored inspection — the screenshot, the fetched body as a download of
//! opaque bytes, and its HTML source as escaped text. The files are found
//! through the stored inspection of the URL asked for, never from a path in
//! the request, and served only from under the home's `inspections/`.

use axum::Extension;
use axum::body::Body;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use exist_sources::inspect::Inspection;
use exist_store::Scope;
use serde::Deserialize;
use tokio::io::AsyncReadExt;

use super::session::Session;
use super::{base, check_csrf, check_scope, failed, urlencode};
use crate::AppState;

/// The most of an HTML source the source view shows.
const SOURCE_VIEW_BYTES: usize = 1024 * 1024;

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

/// The stored inspection of a URL and the contents of the file `pick`
/// names in it, at most `max` bytes (404 when there is none, or it is not
/// under `inspections/`).
async fn inspection_bytes(
    state: &AppState,
    session: &Session,
    url: &str,
    pick: fn(&Inspection) -> Option<&str>,
    max: u64,
) -> Result<(Inspection, Vec<u8>), Response> {
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
    let mut bytes = Vec::new();
    let read = async {
        let file = tokio::fs::File::open(&path).await?;
        file.take(max).read_to_end(&mut bytes).await
    };
    read.await.map_err(|e| failed(state, session, &e))?;
    Ok((inspection, bytes))
}

pub async fn screenshot(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<UrlParam>,
) -> Response {
    let (_, bytes) = match inspection_bytes(
        &state,
        &session,
        &params.url,
        |i| i.screenshot_path.as_deref(),
        u64::MAX,
    )
    .await
    {
        Ok(f) => f,
        Err(r) => return r,
    };
    ([(header::CONTENT_TYPE, "image/png")], bytes).into_response()
}

/// The fetched body, always as a download of opaque bytes.
pub async fn body(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(params): Query<UrlParam>,
) -> Response {
    let (inspection, bytes) = match inspection_bytes(
        &state,
        &session,
        &params.url,
        |i| Some(i.body_path.as_str()),
        u64::MAX,
    )
    .await
    {
        Ok(f) => f,
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
    // One byte past the view tells whether the body was longer.
    let (inspection, bytes) = match inspection_bytes(
        &state,
        &session,
        &params.url,
        |i| Some(i.body_path.as_str()),
        SOURCE_VIEW_BYTES as u64 + 1,
    )
    .await
    {
        Ok(f) => f,
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
