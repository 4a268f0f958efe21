//! The templates, embedded in the binary and rendered with minijinja.
//! Every template is `.html`, so auto-escaping is on for all of them: a
//! value from a feed is always text, never markup. Links to URLs from feeds
//! go through the `href` filter, which keeps only http(s) URLs (no
//! `javascript:`); nothing is ever passed to a script context.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, Value};

/// The loaded templates.
pub struct Templates {
    env: Environment<'static>,
}

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "base.html",
    "login.html",
    "dashboard.html",
    "search.html",
    "lookup.html",
    "enrich_panel.html",
    "list.html",
    "sources.html",
    "source_view.html",
    "api_docs.html",
    "error.html",
);

/// An http(s) URL as given, else the empty string (no `javascript:` links;
/// none or a number is no link either).
fn href(value: Value) -> String {
    let Some(url) = value.as_str() else {
        return String::new();
    };
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        url.to_owned()
    } else {
        String::new()
    }
}

/// A text cut to `chars` characters, with an ellipsis when cut.
fn short(value: String, chars: usize) -> String {
    if value.chars().count() <= chars {
        value
    } else {
        let mut cut: String = value.chars().take(chars).collect();
        cut.push('…');
        cut
    }
}

/// A value as indented JSON (escaped like any other text when shown).
fn pretty(value: Value) -> String {
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// A time as `2026-12-01 07:51 UTC` (the input is RFC 3339).
fn when(value: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or(value)
}

impl Templates {
    /// Loads the embedded templates.
    pub fn load() -> Result<Self, String> {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("{name}: {e}"))?;
        }
        env.add_filter("href", href);
        env.add_filter("short", short);
        env.add_filter("pretty", pretty);
        env.add_filter("when", when);
        Ok(Self { env })
    }

    /// Renders `name` with `context`.
    pub fn render(&self, name: &str, context: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(context)
    }

    /// A page, or an error page when rendering fails.
    pub fn page(&self, name: &str, context: Value) -> Response {
        match self.render(name, context) {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!(error = %e, template = name, "rendering failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the page failed to render",
                )
                    .into_response()
            }
        }
    }

    /// An error page with `status` and a message a person can act on.
    pub fn error(&self, status: StatusCode, message: &str, context: Value) -> Response {
        let ctx = minijinja::context! { status => status.as_u16(), message, ..context };
        let mut response = self.page("error.html", ctx);
        *response.status_mut() = status;
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_become_links() {
        for url in ["https://x.example/a?b=1", "HTTP://x.example/"] {
            assert_eq!(href(Value::from(url)), url);
        }
        for not in [
            "javascript:alert(1)",
            " JaVaScRiPt:x",
            "data:text/html,x",
            "//x.example",
            "/local",
        ] {
            assert_eq!(href(Value::from(not)), "", "{not}");
        }
        assert_eq!(href(Value::from(())), "");
    }

    #[test]
    fn templates_escape_values_and_none_shows_as_nothing() {
        let t = Templates::load().expect("templates");
        let html = t
            .render(
                "error.html",
                minijinja::context! { status => 400, message => "<b onclick=\"x\">&" },
            )
            .expect("render");
        assert!(
            html.contains("&lt;b onclick=&quot;x&quot;&gt;&amp;"),
            "{html}"
        );
        assert!(!html.contains("<b onclick"));
        assert_eq!(short("abcdef".into(), 3), "abc…");
        assert_eq!(short("abc".into(), 3), "abc");
    }
}
