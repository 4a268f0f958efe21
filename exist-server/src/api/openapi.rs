//! The OpenAPI 3.1 document, generated from the handlers' annotations and
//! the API types' `ToSchema` derives (utoipa), served at
//! `/api/v1/openapi.json`; and a docs page rendered from it on the server
//! (no script, no CDN: every route with its parameters and answers).

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "exist", description = "Threat-intelligence aggregator: lookups, trackers, sources. Send `Authorization: Bearer exist_…`; errors are application/problem+json (RFC 9457)."),
    paths(
        super::health,
        super::indicators::indicator,
        super::indicators::search,
        super::listings::reputation,
        super::listings::threat_events,
        super::listings::threat_event_attributes,
        super::listings::posts,
        super::listings::exploits,
        super::listings::vulnerabilities,
        super::listings::news,
        super::sources::stats,
        super::sources::sources,
        super::sources::source,
        super::sources::collect,
    ),
    // Reached only through LookupReport's flattened map, which the
    // automatic collection does not follow.
    components(schemas(exist_core::Enrichment)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document of the API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

pub async fn document() -> Response {
    match openapi_document().to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => crate::Problem::internal(&e).into_response(),
    }
}

pub async fn docs_page(State(state): State<AppState>) -> Response {
    let doc = match serde_json::to_value(openapi_document()) {
        Ok(v) => v,
        Err(e) => return crate::Problem::internal(&e).into_response(),
    };
    let mut routes = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else {
                continue;
            };
            for (method, op) in ops {
                routes.push(serde_json::json!({
                    "method": method.to_uppercase(),
                    "path": path,
                    "summary": op["summary"],
                    "description": op["description"],
                    "parameters": op["parameters"],
                    "responses": op["responses"],
                    "secured": op.get("security").is_some(),
                }));
            }
        }
    }
    match state.templates.render(
        "api_docs.html",
        minijinja::context! { routes, title => "API", info => doc["info"] },
    ) {
        Ok(html) => Html(html).into_response(),
        Err(e) => crate::Problem::internal(&e).into_response(),
    }
}
