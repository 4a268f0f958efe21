//! Web login: an analyst signs in with an API token; the server keeps a
//! session (in memory, 12 hours) with the token's scope and a CSRF token,
//! and hands the browser only a random session id in a cookie that is
//! HttpOnly, SameSite=Lax and Secure behind TLS. Every form carries the
//! session's CSRF token and every POST checks it; the login form itself is
//! protected by a double-submit cookie.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use exist_store::Scope;

/// The session cookie.
pub const SESSION_COOKIE: &str = "exist_session";
/// The login form's double-submit cookie.
pub const LOGIN_COOKIE: &str = "exist_login";
/// How long a session lasts.
const LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// The most sessions kept; past it the one closest to its end is dropped
/// (bounds memory under `--no-auth`, where every new browser gets one).
const MAX_SESSIONS: usize = 10_000;

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// Its id (the cookie's value).
    pub id: String,
    /// What it may do.
    pub scope: Scope,
    /// The token its forms must carry.
    pub csrf: String,
    expires: Instant,
}

/// The live sessions.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

/// 32 random bytes, hex (`None` when the OS has no randomness to give).
pub fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(hex::encode(bytes))
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sessions {
    /// A new session of `scope` (`None` without OS randomness).
    pub fn create(&self, scope: Scope) -> Option<Session> {
        let session = Session {
            id: random_token()?,
            scope,
            csrf: random_token()?,
            expires: Instant::now() + LIFETIME,
        };
        if let Ok(mut map) = self.map.lock() {
            let now = Instant::now();
            map.retain(|_, s| s.expires > now);
            while map.len() >= MAX_SESSIONS {
                let Some(oldest) = map.values().min_by_key(|s| s.expires).map(|s| s.id.clone())
                else {
                    break;
                };
                map.remove(&oldest);
            }
            map.insert(session.id.clone(), session.clone());
        }
        Some(session)
    }

    /// The live session `id`, if any.
    pub fn get(&self, id: &str) -> Option<Session> {
        let map = self.map.lock().ok()?;
        map.get(id).filter(|s| s.expires > Instant::now()).cloned()
    }

    /// Ends the session `id`.
    pub fn remove(&self, id: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(id);
        }
    }
}

/// The value of cookie `name` in a request's headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, the given SameSite, Secure when asked.
pub fn set_cookie(name: &str, value: &str, same_site: &str, path: &str, secure: bool) -> String {
    let max_age = if value.is_empty() {
        "; Max-Age=0".to_owned()
    } else {
        String::new()
    };
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; HttpOnly; SameSite={same_site}{max_age}{secure}")
}

/// Whether the request came over TLS (directly or through a proxy that says so).
pub fn over_tls(headers: &HeaderMap, configured: bool) -> bool {
    configured
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_random_bounded_and_end() {
        let sessions = Sessions::default();
        let first = sessions.create(Scope::Read).expect("session");
        assert_eq!(first.id.len(), 64);
        assert_ne!(first.id, first.csrf);
        assert!(sessions.get(&first.id).is_some());
        for _ in 0..MAX_SESSIONS {
            sessions.create(Scope::Read).expect("session");
        }
        assert!(sessions.get(&first.id).is_none(), "the oldest made room");
        assert_eq!(
            sessions.map.lock().map(|m| m.len()).unwrap_or(0),
            MAX_SESSIONS
        );
        let last = sessions.create(Scope::Admin).expect("session");
        sessions.remove(&last.id);
        assert!(sessions.get(&last.id).is_none());
        assert!(
            same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("abc", "ab")
        );
    }

    #[test]
    fn cookies_are_read_and_written_with_their_flags() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; exist_session=xyz; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(
            set_cookie(SESSION_COOKIE, "xyz", "Lax", "/", true),
            "exist_session=xyz; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(set_cookie(SESSION_COOKIE, "", "Lax", "/", false).contains("Max-Age=0"));
    }
}
