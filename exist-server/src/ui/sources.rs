//! The sources page: each source's state, last run and last error, and
//! "run now" for admins.

use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use exist_store::Scope;

use super::session::Session;
use super::{CsrfForm, base, check_csrf, check_scope, failed};
use crate::AppState;

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    match state.exist.sources().await {
        Ok(sources) => state.templates.page(
            "sources.html",
            minijinja::context! { sources, ..base(&session, "sources") },
        ),
        Err(e) => failed(&state, &session, &e),
    }
}

pub async fn collect(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(r) = check_csrf(&state, &session, &form.csrf) {
        return r;
    }
    if let Err(r) = check_scope(&state, &session, Scope::Admin) {
        return r;
    }
    match crate::api::sources::run_source(&state, &name).await {
        Ok(_) => Redirect::to("/sources").into_response(),
        Err(p) => state.templates.error(
            axum::http::StatusCode::from_u16(p.status)
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            &p.detail,
            base(&session, "sources"),
        ),
    }
}
