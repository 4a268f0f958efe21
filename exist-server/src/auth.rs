//! Bearer-token authentication of the API: every route but `/api/v1/health`,
//! the OpenAPI document and its docs page needs a token
//! (`Authorization: Bearer exist_…`) with the route's scope. Tokens are
//! checked against the store, which keeps only their hashes; each token then
//! spends from its own rate budget. `--no-auth` (loopback binds only) lets
//! every request through as admin. The web UI has its own login
//! (`ui/session.rs`); the API never reads cookies, so it needs no CSRF check.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use exist_store::Scope;

use crate::AppState;
use crate::problem::Problem;

/// Who is calling: the scope and the key of its rate budget. Set by
/// [`authenticate`] (API) or the session layer (UI) for handlers to check.
#[derive(Debug, Clone)]
pub struct Caller {
    /// What the caller may do.
    pub scope: Scope,
    /// The key of its rate budget (`token:<id>`, `session:<id>`).
    pub key: String,
}

impl Caller {
    /// `Err(403)` unless the caller may `needed`.
    pub fn require(&self, needed: Scope) -> Result<(), Problem> {
        if self.scope >= needed {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "this needs a token with the {} scope",
                needed.as_str()
            )))
        }
    }
}

/// The answer for a caller over its rate budget.
pub fn too_many(wait: std::time::Duration) -> Response {
    let secs = wait.as_secs().max(1);
    let mut response = Problem::new(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        format!("too many requests for this token; retry in {secs} s"),
    )
    .into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, v);
    }
    response
}

/// Middleware: resolves the bearer token to a [`Caller`] (or answers 401),
/// then spends one request of its budget (or answers 429).
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let caller = if state.options.no_auth {
        Caller {
            scope: Scope::Admin,
            key: "no-auth".into(),
        }
    } else {
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
            Ok(Some(info)) => Caller {
                scope: info.scope,
                key: format!("token:{}", info.id),
            },
            Ok(None) => return Problem::unauthorized().into_response(),
            Err(e) => return Problem::internal(&e).into_response(),
        }
    };
    if let Err(wait) = state.limiter.check(&caller.key) {
        return too_many(wait);
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}
