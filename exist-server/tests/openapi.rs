//! Conformance with the OpenAPI document: it is OpenAPI 3.1, it lists
//! exactly the routes served, and every answer of every route (successes
//! and errors) validates against the schema the document gives for its
//! status and content type.

mod common;

use std::collections::BTreeSet;

use common::{Answer, Server, Setup, start};
use serde_json::{Value, json};

/// Every API route served, as the document spells it.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("get", "/api/v1/indicators/{value}"),
    ("get", "/api/v1/search"),
    ("get", "/api/v1/reputation"),
    ("get", "/api/v1/threat-events"),
    ("get", "/api/v1/threat-events/{uuid}/attributes"),
    ("get", "/api/v1/posts"),
    ("get", "/api/v1/exploits"),
    ("get", "/api/v1/vulnerabilities"),
    ("get", "/api/v1/news"),
    ("get", "/api/v1/stats"),
    ("get", "/api/v1/sources"),
    ("get", "/api/v1/sources/{name}"),
    ("post", "/api/v1/sources/{name}/collect"),
];

fn document() -> Value {
    serde_json::to_value(exist_server::openapi_document()).expect("document")
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route() {
    let api = start(Setup::default()).await;
    let (status, _, served) = api.get("/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        served,
        document(),
        "the served document is the generated one"
    );
    assert!(
        served["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    let documented: BTreeSet<(String, String)> = served["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("operations")
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(documented, expected);
    assert_eq!(
        served["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let page = api
        .client
        .get(format!("{}/docs", api.base))
        .send()
        .await
        .expect("docs");
    assert_eq!(page.status(), 200);
    // The page escapes `/` as `&#x2f;` like every other text.
    let html = page.text().await.expect("html").replace("&#x2f;", "/");
    for (_, path) in ROUTES {
        assert!(
            html.contains(&format!("<code>{path}</code>")),
            "docs page lists {path}"
        );
    }
}

/// The ways `body` breaks the document's schema for `status`/`media` of
/// `method template` (empty when it conforms).
fn schema_errors(
    doc: &Value,
    method: &str,
    template: &str,
    status: u16,
    media: &str,
    body: &Value,
) -> Vec<String> {
    let op = &doc["paths"][template][method];
    assert!(op.is_object(), "{method} {template} is not documented");
    let response = &op["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "status {status} of {method} {template} is not documented"
    );
    let schema = &response["content"][media]["schema"];
    assert!(
        schema.is_object(),
        "a {media} answer of {method} {template} {status} is not documented"
    );
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [schema],
    });
    let validator = jsonschema::validator_for(&root).expect("a valid schema");
    validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Asserts that one answer conforms to the document.
fn validate(doc: &Value, method: &str, template: &str, answer: &Answer, what: &str) {
    let media = answer.kind.split(';').next().unwrap_or("").trim();
    let errors = schema_errors(doc, method, template, answer.status, media, &answer.json);
    assert!(
        errors.is_empty(),
        "{what}: the answer does not match the document:\n{}\n{}",
        errors.join("\n"),
        answer.text.chars().take(2000).collect::<String>()
    );
}

#[test]
fn a_wrong_answer_is_caught() {
    let doc = document();
    let stats = "/api/v1/stats";
    let broken = json!({"indicators": "many", "by_source": [{"source": 1}]});
    assert!(!schema_errors(&doc, "get", stats, 200, "application/json", &broken).is_empty());
    let problem = json!({"type": "t", "title": "x", "status": "401"});
    let errors = schema_errors(
        &doc,
        "get",
        stats,
        401,
        "application/problem+json",
        &problem,
    );
    assert!(errors.iter().any(|e| e.contains("detail")), "{errors:?}");
}

async fn check(
    api: &Server,
    doc: &Value,
    method: &str,
    template: &str,
    path: &str,
    token: Option<&str>,
) -> u16 {
    let m = if method == "post" {
        reqwest::Method::POST
    } else {
        reqwest::Method::GET
    };
    let answer = api.call(m, path, token).await;
    validate(doc, method, template, &answer, path);
    answer.status
}

#[tokio::test]
async fn every_answer_validates_against_the_document() {
    let api = start(Setup {
        demo: true,
        hostile: true,
        ..Setup::default()
    })
    .await;
    let doc = document();
    let read = Some(api.read.as_str());
    let admin = Some(api.admin.as_str());
    let event = "5acc88e9-265c-4f22-9d2b-b702950d210f";
    let cases: Vec<(&str, &str, String, Option<&str>, u16)> = vec![
        ("get", "/api/v1/health", "/health".into(), None, 200),
        (
            "get",
            "/api/v1/indicators/{value}",
            "/indicators/77.90.185.20".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/indicators/{value}",
            "/indicators/evil.example".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/indicators/{value}",
            "/indicators/203.0.113.66".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/indicators/{value}",
            "/indicators/77.90.185.20?enrich=true&only=geoip,virustotal".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/indicators/{value}",
            "/indicators/invoice.pdf".into(),
            read,
            400,
        ),
        (
            "get",
            "/api/v1/indicators/{value}",
            "/indicators/77.90.185.20?enrich=true&only=nope".into(),
            read,
            400,
        ),
        (
            "get",
            "/api/v1/indicators/{value}",
            "/indicators/77.90.185.20".into(),
            None,
            401,
        ),
        (
            "get",
            "/api/v1/search",
            "/search?q=emotet&limit=2".into(),
            read,
            200,
        ),
        ("get", "/api/v1/search", "/search".into(), read, 400),
        ("get", "/api/v1/search", "/search?q=x".into(), None, 401),
        (
            "get",
            "/api/v1/reputation",
            "/reputation?limit=5".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/reputation",
            "/reputation?source=threatfox".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/reputation",
            "/reputation?kind=planet".into(),
            read,
            400,
        ),
        ("get", "/api/v1/reputation", "/reputation".into(), None, 401),
        (
            "get",
            "/api/v1/threat-events",
            "/threat-events".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/threat-events",
            "/threat-events?since=soon".into(),
            read,
            400,
        ),
        (
            "get",
            "/api/v1/threat-events/{uuid}/attributes",
            format!("/threat-events/{event}/attributes"),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/threat-events/{uuid}/attributes",
            "/threat-events/none/attributes".into(),
            read,
            404,
        ),
        ("get", "/api/v1/posts", "/posts".into(), read, 200),
        ("get", "/api/v1/exploits", "/exploits".into(), read, 200),
        (
            "get",
            "/api/v1/vulnerabilities",
            "/vulnerabilities".into(),
            read,
            200,
        ),
        ("get", "/api/v1/news", "/news?cursor=x".into(), read, 400),
        ("get", "/api/v1/news", "/news".into(), None, 401),
        ("get", "/api/v1/stats", "/stats".into(), read, 200),
        ("get", "/api/v1/sources", "/sources".into(), read, 200),
        (
            "get",
            "/api/v1/sources/{name}",
            "/sources/cins".into(),
            read,
            200,
        ),
        (
            "get",
            "/api/v1/sources/{name}",
            "/sources/nope".into(),
            read,
            404,
        ),
        (
            "post",
            "/api/v1/sources/{name}/collect",
            "/sources/cins/collect".into(),
            admin,
            200,
        ),
        (
            "post",
            "/api/v1/sources/{name}/collect",
            "/sources/cins/collect".into(),
            read,
            403,
        ),
        (
            "post",
            "/api/v1/sources/{name}/collect",
            "/sources/nope/collect".into(),
            admin,
            404,
        ),
    ];
    for (method, template, path, token, status) in &cases {
        assert_eq!(
            check(&api, &doc, method, template, path, *token).await,
            *status,
            "{method} {path}"
        );
    }
    // Every documented route was exercised.
    for (m, p) in ROUTES {
        assert!(
            cases.iter().any(|(cm, cp, ..)| cm == m && cp == p),
            "{m} {p} has no case"
        );
    }
}

#[tokio::test]
async fn a_rate_limited_answer_validates_too() {
    let api = start(Setup {
        rate_per_minute: Some(60),
        ..Setup::default()
    })
    .await;
    let doc = document();
    let mut last = 0;
    for _ in 0..11 {
        last = check(
            &api,
            &doc,
            "get",
            "/api/v1/stats",
            "/stats",
            Some(&api.read),
        )
        .await;
    }
    assert_eq!(last, 429);
}
