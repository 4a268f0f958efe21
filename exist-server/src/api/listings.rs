//! The tracker collections: reputation entries and the records of each
//! kind, with the same filters and paging; and the attributes of one event.

use axum::Json;
use axum::extract::{Path, Query, State};
use exist_core::{Record, RecordKind, ThreatAttribute};
use exist_store::{ListFilter, RecordItem, ReputationItem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{next_cursor, paging};
use crate::AppState;
use crate::problem::Problem;

/// Filters and paging of a collection.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this source.
    pub source: Option<String>,
    /// Only entries whose indicator is of this kind (reputation only:
    /// ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, sha512, cve, asn).
    pub kind: Option<String>,
    /// Only entries last seen at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Only entries last seen before this RFC 3339 time.
    pub until: Option<String>,
    /// Only entries whose text contains this (case-insensitive).
    pub q: Option<String>,
    /// Page size (1–500, default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of reputation entries.
#[derive(Serialize, ToSchema)]
pub struct ReputationPage {
    /// The entries, newest first.
    items: Vec<ReputationItem>,
    /// The cursor of the next page, if there is one.
    next_cursor: Option<String>,
}

/// A page of records.
#[derive(Serialize, ToSchema)]
pub struct RecordPage {
    /// The records, newest first.
    items: Vec<RecordItem>,
    /// The cursor of the next page, if there is one.
    next_cursor: Option<String>,
}

/// The attributes of one threat event.
#[derive(Serialize, ToSchema)]
pub struct AttributeList {
    /// The event's source.
    source: String,
    /// The event's title.
    info: String,
    /// Its attributes, those inside objects included (with the object's name).
    items: Vec<EventAttribute>,
}

/// One attribute of an event.
#[derive(Serialize, ToSchema)]
pub struct EventAttribute {
    /// The object it belongs to, if any.
    object: Option<String>,
    /// The attribute.
    #[serde(flatten)]
    attribute: ThreatAttribute,
}

fn time_param(
    name: &str,
    value: Option<&str>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Problem> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| {
                    Problem::bad_request(format!(
                        "{name}: use an RFC 3339 time (2026-11-28T00:00:00Z)"
                    ))
                })
        })
        .transpose()
}

/// The filter, limit and offset of a listing request.
pub fn listing(params: ListParams) -> Result<(ListFilter, u64, u64), Problem> {
    let kind = params
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .map(str::parse::<exist_core::IndicatorKind>)
        .transpose()
        .map_err(|e| Problem::bad_request(format!("kind: {e}")))?;
    let filter = ListFilter {
        source: params.source.filter(|s| !s.is_empty()),
        kind,
        since: time_param("since", params.since.as_deref())?,
        until: time_param("until", params.until.as_deref())?,
        q: params.q,
    };
    let (limit, offset) = paging(params.limit, params.cursor.as_deref())?;
    Ok((filter, limit, offset))
}

/// Reputation entries, newest first.
#[utoipa::path(get, path = "/api/v1/reputation", tag = "trackers", params(ListParams),
    responses(
        (status = 200, description = "A page of entries", body = ReputationPage),
        (status = 400, description = "A bad filter or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn reputation(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<ReputationPage>, Problem> {
    let (filter, limit, offset) = listing(params)?;
    let page = state
        .exist
        .store()
        .reputation_page(&filter, limit, offset)
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(ReputationPage {
        next_cursor: next_cursor(page.has_more, offset, limit),
        items: page.items,
    }))
}

async fn records(
    state: &AppState,
    params: ListParams,
    kind: RecordKind,
) -> Result<Json<RecordPage>, Problem> {
    let (filter, limit, offset) = listing(params)?;
    let page = state
        .exist
        .store()
        .records_page(kind, &filter, limit, offset)
        .await
        .map_err(|e| Problem::internal(&e))?;
    Ok(Json(RecordPage {
        next_cursor: next_cursor(page.has_more, offset, limit),
        items: page.items,
    }))
}

macro_rules! record_route {
    ($name:ident, $path:literal, $kind:expr, $what:literal) => {
        #[doc = concat!("The collected ", $what, ", newest first (empty until its tracker has run).")]
        #[utoipa::path(get, path = $path, tag = "trackers", params(ListParams),
            responses(
                (status = 200, description = "A page of records", body = RecordPage),
                (status = 400, description = "A bad filter or cursor", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
                (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
            ),
            security(("bearer" = [])))]
        pub async fn $name(
            State(state): State<AppState>,
            Query(params): Query<ListParams>,
        ) -> Result<Json<RecordPage>, Problem> {
            records(&state, params, $kind).await
        }
    };
}

record_route!(
    threat_events,
    "/api/v1/threat-events",
    RecordKind::ThreatEvent,
    "threat events"
);
record_route!(
    posts,
    "/api/v1/posts",
    RecordKind::SocialPost,
    "social posts"
);
record_route!(
    exploits,
    "/api/v1/exploits",
    RecordKind::Exploit,
    "exploits"
);
record_route!(
    vulnerabilities,
    "/api/v1/vulnerabilities",
    RecordKind::Vulnerability,
    "vulnerabilities"
);
record_route!(news, "/api/v1/news", RecordKind::News, "news items");

/// The attributes of the threat event `uuid`.
#[utoipa::path(get, path = "/api/v1/threat-events/{uuid}/attributes", tag = "trackers",
    params(("uuid" = String, Path, description = "The event's UUID")),
    responses(
        (status = 200, description = "The event's attributes", body = AttributeList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn threat_event_attributes(
    State(state): State<AppState>,
    Path(uuid): Path<String>,
) -> Result<Json<AttributeList>, Problem> {
    let found = state
        .exist
        .store()
        .records_by_key(RecordKind::ThreatEvent, &uuid)
        .await
        .map_err(|e| Problem::internal(&e))?;
    let Some(RecordItem {
        source,
        record: Record::ThreatEvent(event),
        ..
    }) = found.into_iter().next()
    else {
        return Err(Problem::not_found(format!("no threat event {uuid}")));
    };
    let items = event
        .attributes_with_object()
        .map(|(object, a)| EventAttribute {
            object: object.map(str::to_owned),
            attribute: a.clone(),
        })
        .collect();
    Ok(Json(AttributeList {
        source,
        info: event.info,
        items,
    }))
}
