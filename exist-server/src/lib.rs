//! # exist-server
//!
//! The reference web deployment of exist: a REST API under `/api/v1` (so far
//! lookup, search, stats, sources and running a source; the OpenAPI document
//! and the web UI follow). A thin frontend: each handler parses its input,
//! calls one entry point of `exist_sources::Exist` and renders the answer;
//! errors are `application/problem+json`.
//!
//! [`serve`] takes a bound listener (tests bind port 0) and a shutdown
//! future; `exist serve` runs it beside the scheduler.

mod api;
mod auth;
mod problem;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use exist_sources::Exist;

pub use problem::Problem;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    exist: Arc<Exist>,
    no_auth: bool,
}

/// How to serve.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Let every request through without a token. Refused unless the
    /// listener is on a loopback address.
    pub no_auth: bool,
}

/// Errors of starting the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// `--no-auth` on an address other machines can reach.
    #[error("--no-auth is allowed only on a loopback address, not {0}")]
    NoAuthExposed(SocketAddr),
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

/// The router, for embedding or tests.
pub fn router(exist: Arc<Exist>, options: &ServeOptions) -> Router {
    let state = AppState {
        exist,
        no_auth: options.no_auth,
    };
    api::routes(state)
}

/// Serves the API on `listener` until `shutdown` completes.
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
    axum::serve(listener, router(exist, &options))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
