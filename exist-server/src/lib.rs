//! # exist-server
//!
//! The reference web deployment of exist: a REST API under `/api/v1` with
//! its OpenAPI 3.1 document, and a server-rendered web UI. A thin frontend:
//! each handler parses its input, calls one entry point of
//! `exist_sources::Exist` and renders the answer.
//!
//! - `api/`: the JSON routes, their OpenAPI annotations, problem+json errors;
//! - `ui/`: the pages (minijinja, auto-escaped), login sessions and CSRF;
//! - `auth.rs`: bearer tokens and scopes; `ratelimit.rs`: per-token limits;
//! - `security.rs`: the headers every answer carries (CSP, nosniff, …).
//!
//! [`serve`] takes a bound listener (tests bind port 0) and a shutdown
//! future; `exist serve` runs it beside the scheduler.

pub(crate) mod api;
mod auth;
mod problem;
mod ratelimit;
mod security;
// UI helpers answer early with a ready `Response`, as axum handlers do; boxing
// it would only add an allocation to every refusal.
#[allow(clippy::result_large_err)]
mod ui;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use exist_sources::Exist;

pub use api::openapi_document;
pub use problem::Problem;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    exist: Arc<Exist>,
    options: Arc<ServeOptions>,
    limiter: Arc<ratelimit::TokenLimiter>,
    sessions: Arc<ui::session::Sessions>,
    templates: Arc<ui::render::Templates>,
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Let every request through without a token (as admin). Refused unless
    /// the listener is on a loopback address.
    pub no_auth: bool,
    /// Requests per minute allowed to one token (or one session); 0: no limit.
    pub rate_per_minute: u32,
    /// Mark the session cookie `Secure` (set when a TLS proxy is in front;
    /// it is also set for requests that arrive with `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            no_auth: false,
            rate_per_minute: ratelimit::DEFAULT_PER_MINUTE,
            secure_cookies: false,
        }
    }
}

/// Errors of starting the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// `--no-auth` on an address other machines can reach.
    #[error("--no-auth is allowed only on a loopback address, not {0}")]
    NoAuthExposed(SocketAddr),
    /// The templates did not load (a bug in this build).
    #[error("the web UI templates are broken: {0}")]
    Templates(String),
    /// The listener failed.
    #[error("serving failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What the first start of a server did about tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstToken {
    /// Tokens exist already; nothing done.
    Existing,
    /// The operator's `EXIST_ADMIN_TOKEN` was stored (its id).
    Imported(String),
    /// A new admin token was created; shown this once.
    Created(String),
}

/// On a store without tokens, stores `preset` (the operator's
/// `EXIST_ADMIN_TOKEN`) as an admin token, or creates one to show once.
pub async fn first_admin_token(
    store: &exist_store::Store,
    preset: Option<&str>,
) -> Result<FirstToken, exist_store::Error> {
    use exist_store::Scope;
    if !store.tokens().await?.is_empty() {
        return Ok(FirstToken::Existing);
    }
    match preset.filter(|t| !t.is_empty()) {
        Some(token) => {
            let info = store
                .import_token(token, "EXIST_ADMIN_TOKEN", Scope::Admin)
                .await?;
            Ok(FirstToken::Imported(info.id))
        }
        None => {
            let (token, _) = store.create_token("first admin", Scope::Admin).await?;
            Ok(FirstToken::Created(token))
        }
    }
}

/// The router (API, UI, assets), for embedding or tests.
pub fn router(exist: Arc<Exist>, options: ServeOptions) -> Result<Router, ServeError> {
    let state = AppState {
        exist,
        limiter: Arc::new(ratelimit::TokenLimiter::new(options.rate_per_minute)),
        options: Arc::new(options),
        sessions: Arc::new(ui::session::Sessions::default()),
        templates: Arc::new(ui::render::Templates::load().map_err(ServeError::Templates)?),
    };
    Ok(Router::new()
        .merge(api::routes(state.clone()))
        .merge(ui::routes(state))
        .layer(axum::middleware::from_fn(security::headers)))
}

/// Serves on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    exist: Arc<Exist>,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    if options.no_auth && !addr.ip().is_loopback() {
        return Err(ServeError::NoAuthExposed(addr));
    }
    axum::serve(listener, router(exist, options)?)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
