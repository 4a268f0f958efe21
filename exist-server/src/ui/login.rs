//! Signing in with an API token, and signing out.

use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{
    LOGIN_COOKIE, SESSION_COOKIE, Session, cookie, over_tls, random_token, same_secret, set_cookie,
};
use super::{CsrfForm, check_csrf};
use crate::AppState;

#[derive(Deserialize, Default)]
pub struct NextParam {
    next: Option<String>,
}

/// Where to go after signing in: a path on this site only (no open
/// redirect; browsers drop tabs and newlines, so `/\t/evil.example` would be
/// `//evil.example`, and read `\` as `/`).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n
        }
        _ => "/",
    }
}

fn with_cookie(mut response: Response, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn login_page(state: &AppState, headers: &HeaderMap, next: &str, error: Option<&str>) -> Response {
    // The browser's login token is kept while it has one, so two tabs (or a
    // page loaded twice) do not invalidate each other's form.
    let kept = cookie(headers, LOGIN_COOKIE)
        .filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned);
    let Some(csrf) = kept.or_else(random_token) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no randomness").into_response();
    };
    let secure = over_tls(headers, state.options.secure_cookies);
    let page = state.templates.page(
        "login.html",
        minijinja::context! { csrf, next, error, nav => "login" },
    );
    let mut page = with_cookie(
        page,
        &set_cookie(LOGIN_COOKIE, &csrf, "Strict", "/login", secure),
    );
    if error.is_some() {
        *page.status_mut() = StatusCode::UNAUTHORIZED;
    }
    page
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<NextParam>,
) -> Response {
    login_page(&state, &headers, safe_next(params.next.as_deref()), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
    csrf: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref()).to_owned();
    let cookie_csrf = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if cookie_csrf.is_empty() || !same_secret(cookie_csrf, &form.csrf) {
        return login_page(
            &state,
            &headers,
            &next,
            Some("The sign-in form was stale: try again."),
        );
    }
    let info = match state.exist.store().verify_token(form.token.trim()).await {
        Ok(Some(info)) => info,
        Ok(None) => {
            return login_page(
                &state,
                &headers,
                &next,
                Some("That is not a valid API token."),
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "verifying a token");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the store failed").into_response();
        }
    };
    let Some(session) = state.sessions.create(info.scope) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no randomness").into_response();
    };
    let secure = over_tls(&headers, state.options.secure_cookies);
    let response = Redirect::to(&next).into_response();
    let response = with_cookie(
        response,
        &set_cookie(SESSION_COOKIE, &session.id, "Lax", "/", secure),
    );
    with_cookie(
        response,
        &set_cookie(LOGIN_COOKIE, "", "Strict", "/login", secure),
    )
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = check_csrf(&state, &session, &form.csrf) {
        return refused;
    }
    state.sessions.remove(&session.id);
    let secure = over_tls(&headers, state.options.secure_cookies);
    with_cookie(
        Redirect::to("/login").into_response(),
        &set_cookie(SESSION_COOKIE, "", "Lax", "/", secure),
    )
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        for ok in ["/", "/sources", "/lookup?value=1.2.3.4&x=%2F%2F"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/\n/x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
