//! The dashboard: counts per tracker and source, 30 days of activity per
//! source (server-drawn SVG bars), the latest entries, source health.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use chrono::{Duration, NaiveDate, Utc};
use exist_core::RecordKind;
use exist_store::{ListFilter, SourceDayCount};
use serde::Serialize;

use super::session::Session;
use super::{base, failed};
use crate::AppState;

/// Days in an activity chart.
const DAYS: i64 = 30;
/// Height of a chart in SVG units.
const HEIGHT: u64 = 40;

/// One bar of an activity chart.
#[derive(Serialize)]
struct Bar {
    x: i64,
    y: u64,
    height: u64,
    day: NaiveDate,
    count: u64,
}

/// One source's activity chart.
#[derive(Serialize)]
struct Chart {
    source: String,
    total: u64,
    bars: Vec<Bar>,
}

/// The charts of the last [`DAYS`] days up to `today`, one per source.
fn charts(counts: &[SourceDayCount], today: NaiveDate) -> Vec<Chart> {
    let first = today - Duration::days(DAYS - 1);
    let mut per_source: BTreeMap<&str, BTreeMap<NaiveDate, u64>> = BTreeMap::new();
    for c in counts.iter().filter(|c| c.day >= first && c.day <= today) {
        *per_source
            .entry(c.source.as_str())
            .or_default()
            .entry(c.day)
            .or_insert(0) += c.count;
    }
    per_source
        .into_iter()
        .map(|(source, days)| {
            let max = days.values().copied().max().unwrap_or(1).max(1);
            let bars = (0..DAYS)
                .map(|i| {
                    let day = first + Duration::days(i);
                    let count = days.get(&day).copied().unwrap_or(0);
                    let height = if count == 0 {
                        0
                    } else {
                        (count * HEIGHT).div_ceil(max).max(2)
                    };
                    Bar {
                        x: i * 10,
                        y: HEIGHT - height,
                        height,
                        day,
                        count,
                    }
                })
                .collect();
            Chart {
                source: source.to_owned(),
                total: days.values().sum(),
                bars,
            }
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    let store = state.exist.store();
    let now = Utc::now();
    let stats = match store.stats(DAYS as u32, now).await {
        Ok(s) => s,
        Err(e) => return failed(&state, &session, &e),
    };
    let sources = match state.exist.sources().await {
        Ok(s) => s,
        Err(e) => return failed(&state, &session, &e),
    };
    let filter = ListFilter::default();
    let latest_reputation = match store.reputation_page(&filter, 10, 0).await {
        Ok(p) => p.items,
        Err(e) => return failed(&state, &session, &e),
    };
    let mut latest_records = Vec::new();
    for kind in RecordKind::ALL.into_iter().skip(1) {
        match store.records_page(kind, &filter, 5, 0).await {
            Ok(p) => latest_records.extend(p.items),
            Err(e) => return failed(&state, &session, &e),
        }
    }
    latest_records.sort_by_key(|r| std::cmp::Reverse(r.last_seen));
    let failing: Vec<_> = sources
        .iter()
        .filter(|s| {
            s.last_run
                .as_ref()
                .is_some_and(|r| r.outcome == exist_core::RunOutcome::Failed)
        })
        .collect();
    let ctx = minijinja::context! {
        stats,
        charts => charts(&stats.by_source_day, now.date_naive()),
        latest_reputation,
        latest_records,
        sources,
        failing,
        ..base(&session, "dashboard")
    };
    state.templates.page("dashboard.html", ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_have_thirty_bars_scaled_to_the_busiest_day() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let counts = vec![
            SourceDayCount {
                source: "ipsum".into(),
                day: today,
                count: 400,
            },
            SourceDayCount {
                source: "ipsum".into(),
                day: today - Duration::days(2),
                count: 100,
            },
            SourceDayCount {
                source: "ipsum".into(),
                day: today - Duration::days(40),
                count: 999,
            },
        ];
        let charts = charts(&counts, today);
        assert_eq!(charts.len(), 1);
        let c = &charts[0];
        assert_eq!(c.total, 500, "the day outside the window is not counted");
        assert_eq!(c.bars.len(), 30);
        assert_eq!(c.bars[29].height, HEIGHT);
        assert_eq!(c.bars[27].height, 10);
        assert_eq!(c.bars[28].height, 0);
        assert_eq!(c.bars[29].day, today);
    }
}
