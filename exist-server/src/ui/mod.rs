//! The web UI: server-rendered pages over the same library calls as the
//! API, with one small script (`assets/app.js`, loading the enricher panels)
//! and every asset embedded in the binary.
//!
//! - `login.rs`: sign in with an API token, sign out;
//! - `dashboard.rs`: counts, 30-day activity per source, latest entries, health;
//! - `lookup.rs`: the search box, lookup pages, enricher panels;
//! - `inspection.rs`: inspecting a URL, the inspection's screenshot, source, body;
//! - `lists.rs`: the tracker pages with filters and paging;
//! - `sources.rs`: source status and "run now";
//! - `session.rs`, `render.rs`, `assets.rs`: sessions and CSRF, templates, files.

mod assets;
mod dashboard;
mod inspection;
mod lists;
mod login;
mod lookup;
pub mod render;
pub mod session;
mod sources;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, middleware};
use exist_store::Scope;
use minijinja::Value;

use crate::AppState;
use session::{SESSION_COOKIE, Session, cookie, over_tls, same_secret, set_cookie};

pub fn routes(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(dashboard::page))
        .route("/search", get(lookup::search))
        .route("/lookup", get(lookup::page))
        .route("/ui/enrich", get(lookup::enrich_panel))
        .route("/inspect", post(inspection::inspect))
        .route("/inspection/screenshot", get(inspection::screenshot))
        .route("/inspection/body", get(inspection::body))
        .route("/inspection/source", get(inspection::source))
        .route("/reputation", get(lists::reputation))
        .route("/threat-events", get(lists::threat_events))
        .route("/posts", get(lists::posts))
        .route("/exploits", get(lists::exploits))
        .route("/vulnerabilities", get(lists::vulnerabilities))
        .route("/news", get(lists::news))
        .route("/sources", get(sources::page))
        .route("/sources/{name}/collect", post(sources::collect))
        .route("/logout", post(login::logout))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_session,
        ));
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/static/{file}", get(assets::file))
        .merge(pages)
        .with_state(state)
}

/// Middleware: the request's session (or, with `--no-auth`, a new admin
/// session for this browser); without one, GETs go to the login page and
/// anything else is refused. Each session spends from its own rate budget.
async fn require_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), SESSION_COOKIE).and_then(|id| state.sessions.get(id));
    let mut new_cookie = None;
    let session = match existing {
        Some(s) => s,
        None if state.options.no_auth => {
            let Some(s) = state.sessions.create(Scope::Admin) else {
                return (StatusCode::INTERNAL_SERVER_ERROR, "no randomness").into_response();
            };
            let secure = over_tls(req.headers(), state.options.secure_cookies);
            new_cookie = Some(set_cookie(SESSION_COOKIE, &s.id, "Lax", "/", secure));
            s
        }
        None if req.method() == Method::GET && !req.uri().path().starts_with("/ui/") => {
            let next = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into());
            let target = format!("/login?next={}", urlencode(&next));
            return Redirect::to(&target).into_response();
        }
        None => {
            return state.templates.error(
                StatusCode::UNAUTHORIZED,
                "Your session has ended: sign in again.",
                Value::UNDEFINED,
            );
        }
    };
    let key = format!("session:{}", &session.id[..16]);
    if let Err(wait) = state.limiter.check(&key) {
        return crate::auth::too_many(wait);
    }
    req.extensions_mut().insert(session);
    let mut response = next.run(req).await;
    if let Some(c) = new_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

/// A form that carries nothing but its CSRF token.
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF token, from the page the form came from.
    pub csrf: String,
}

/// Refuses a form whose CSRF token is not the session's.
fn check_csrf(state: &AppState, session: &Session, given: &str) -> Result<(), Response> {
    if same_secret(&session.csrf, given) {
        Ok(())
    } else {
        Err(state.templates.error(
            StatusCode::FORBIDDEN,
            "This form is stale or did not come from this site (CSRF check failed): reload the page and try again.",
            base(session, ""),
        ))
    }
}

/// Refuses a caller whose scope is below `needed`.
fn check_scope(state: &AppState, session: &Session, needed: Scope) -> Result<(), Response> {
    if session.scope >= needed {
        Ok(())
    } else {
        Err(state.templates.error(
            StatusCode::FORBIDDEN,
            "This needs an admin token: sign in with one.",
            base(session, ""),
        ))
    }
}

/// What every page's frame needs: the CSRF token of its forms, whether the
/// caller is an admin, and which navigation entry is current.
fn base(session: &Session, nav: &str) -> Value {
    minijinja::context! {
        signed_in => true,
        csrf => session.csrf,
        admin => session.scope >= Scope::Admin,
        nav,
    }
}

/// Percent-encodes a query value.
fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A 500 page for a failed library call (the cause goes to the log only).
fn failed(state: &AppState, session: &Session, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "page failed");
    state.templates.error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The server failed to answer; the log has the cause.",
        base(session, ""),
    )
}
