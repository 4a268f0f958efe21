//! Bearer-token authentication of the API: every route but `/api/v1/health`
//! needs a token (`Authorization: Bearer exist_…`) with the route's scope.
//! Tokens are checked against the store, which keeps only their hashes.
//! `--no-auth` (loopback binds only) lets every request through as admin.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use exist_store::Scope;

use crate::AppState;
use crate::problem::Problem;

/// The caller's scope, set by [`authenticate`] for handlers to check.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Scope);

impl Caller {
    /// `Err(403)` unless the caller may `needed`.
    pub fn require(self, needed: Scope) -> Result<(), Problem> {
        if self.0 >= needed {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this needs a token with the {} scope",
                needed.as_str()
            )))
        }
    }
}

/// Middleware: resolves the bearer token to a [`Caller`], or answers 401.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if state.no_auth {
        request.extensions_mut().insert(Caller(Scope::Admin));
        return next.run(request).await;
    }
    let token = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token else {
        return Problem::unauthorized().into_response();
    };
    match state.exist.store().verify_token(token).await {
        Ok(Some(info)) => {
            request.extensions_mut().insert(Caller(info.scope));
            next.run(request).await
        }
        Ok(None) => Problem::unauthorized().into_response(),
        Err(e) => Problem::internal(&e).into_response(),
    }
}
