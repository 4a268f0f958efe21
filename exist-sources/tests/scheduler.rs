//! The scheduler on a paused clock: intervals kept, jitter bounded, never two
//! runs of one source at once, a panicking source isolated, and shutdown
//! waiting for (or, past the grace period, cancelling) runs in progress.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use exist_core::{Collected, Progress, RecordKind, Source, SourceError, SourceInfo, SourceState};
use exist_sources::{Runner, Scheduler};
use tokio::time::Instant;

struct Fake {
    name: &'static str,
    interval: u64,
}

#[async_trait::async_trait]
impl Source for Fake {
    fn info(&self) -> SourceInfo {
        SourceInfo {
            name: self.name.into(),
            kind: RecordKind::Reputation,
            needs_key: false,
            interval_secs: self.interval,
        }
    }
    async fn collect(&self, _: &SourceState, _: &dyn Progress) -> Result<Collected, SourceError> {
        Ok(Collected::NotModified)
    }
}

/// A run: which source, when it started and ended (seconds since t0).
#[derive(Debug, Clone, PartialEq)]
struct Run {
    source: String,
    start: f64,
    end: Option<f64>,
}

struct Recorder {
    t0: Instant,
    runs: Mutex<Vec<Run>>,
    /// How long each source's run takes.
    takes: fn(&str) -> Duration,
}

#[async_trait::async_trait]
impl Runner for Recorder {
    async fn run(&self, source: &dyn Source) {
        let name = source.info().name;
        let i = {
            let mut runs = self.runs.lock().expect("lock");
            runs.push(Run {
                source: name.clone(),
                start: self.t0.elapsed().as_secs_f64(),
                end: None,
            });
            runs.len() - 1
        };
        if name == "panics" {
            panic!("a broken source");
        }
        tokio::time::sleep((self.takes)(&name)).await;
        self.runs.lock().expect("lock")[i].end = Some(self.t0.elapsed().as_secs_f64());
    }
}

fn sources(list: &[(&'static str, u64)]) -> Vec<Arc<dyn Source>> {
    list.iter()
        .map(|&(name, interval)| Arc::new(Fake { name, interval }) as Arc<dyn Source>)
        .collect()
}

fn recorder(takes: fn(&str) -> Duration) -> Arc<Recorder> {
    Arc::new(Recorder {
        t0: Instant::now(),
        runs: Mutex::new(Vec::new()),
        takes,
    })
}

fn starts(r: &Recorder, source: &str) -> Vec<f64> {
    r.runs
        .lock()
        .expect("lock")
        .iter()
        .filter(|x| x.source == source)
        .map(|x| x.start.round())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn each_source_runs_on_its_interval() {
    let rec = recorder(|_| Duration::from_secs(1));
    Scheduler::new(sources(&[("a", 60), ("b", 300)]), rec.clone())
        .with_jitter(0.0)
        .run(tokio::time::sleep(Duration::from_secs(610)))
        .await;
    let want_a: Vec<f64> = (0..=10).map(|i| f64::from(i) * 60.0).collect();
    assert_eq!(starts(&rec, "a"), want_a);
    assert_eq!(starts(&rec, "b"), [0.0, 300.0, 600.0]);
}

#[tokio::test(start_paused = true)]
async fn jitter_spreads_runs_within_bounds() {
    let rec = recorder(|_| Duration::ZERO);
    Scheduler::new(sources(&[("a", 100)]), rec.clone())
        .with_jitter(0.1)
        .run(tokio::time::sleep(Duration::from_secs(2000)))
        .await;
    let s = starts(&rec, "a");
    assert!(s[0] <= 10.0, "first run within the start delay: {s:?}");
    assert!(s.len() >= 17, "{s:?}");
    for w in s.windows(2) {
        let gap = w[1] - w[0];
        assert!((90.0..=110.0).contains(&gap), "gap {gap} in {s:?}");
    }
    let gaps: std::collections::BTreeSet<i64> =
        s.windows(2).map(|w| (w[1] - w[0]) as i64).collect();
    assert!(gaps.len() > 1, "jitter varies the gaps: {s:?}");
}

#[tokio::test(start_paused = true)]
async fn a_slow_source_never_overlaps_itself() {
    let rec = recorder(|name| {
        if name == "slow" {
            Duration::from_secs(90)
        } else {
            Duration::ZERO
        }
    });
    Scheduler::new(sources(&[("slow", 60)]), rec.clone())
        .with_jitter(0.0)
        .run(tokio::time::sleep(Duration::from_secs(400)))
        .await;
    let runs = rec.runs.lock().expect("lock").clone();
    assert!(runs.len() >= 4, "{runs:?}");
    for w in runs.windows(2) {
        let end = w[0].end.expect("finished before the next started");
        assert!(w[1].start >= end, "overlap: {runs:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_source_does_not_stop_the_others() {
    let rec = recorder(|_| Duration::ZERO);
    Scheduler::new(sources(&[("panics", 60), ("good", 60)]), rec.clone())
        .with_jitter(0.0)
        .run(tokio::time::sleep(Duration::from_secs(250)))
        .await;
    assert_eq!(starts(&rec, "good"), [0.0, 60.0, 120.0, 180.0, 240.0]);
    assert_eq!(starts(&rec, "panics").len(), 5, "it stays scheduled");
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_a_run_then_cancels_past_the_grace() {
    let rec = recorder(|_| Duration::from_secs(20));
    let t0 = Instant::now();
    Scheduler::new(sources(&[("a", 3600)]), rec.clone())
        .with_jitter(0.0)
        .with_grace(Duration::from_secs(30))
        .run(tokio::time::sleep(Duration::from_secs(5)))
        .await;
    assert_eq!(rec.runs.lock().expect("lock")[0].end, Some(20.0));
    assert_eq!(t0.elapsed().as_secs(), 20, "returned when the run finished");

    let rec = recorder(|_| Duration::from_secs(20));
    let t0 = Instant::now();
    Scheduler::new(sources(&[("a", 3600)]), rec.clone())
        .with_jitter(0.0)
        .with_grace(Duration::from_secs(3))
        .run(tokio::time::sleep(Duration::from_secs(5)))
        .await;
    assert_eq!(
        t0.elapsed().as_secs(),
        8,
        "cancelled after the grace period"
    );
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(
        rec.runs.lock().expect("lock")[0].end,
        None,
        "the cancelled run never finished"
    );
}
