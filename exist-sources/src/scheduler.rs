//! The scheduler: runs each source on its interval, with jitter so a fleet
//! of workers does not hit an upstream at the same second. One loop per
//! source, so a source never runs twice at once; each run is its own task, so
//! a failing (even panicking) source never stops the others. On shutdown no
//! new run starts; runs in progress get a grace period to finish, then are
//! cancelled — the pipeline stores each batch in one transaction, so a
//! cancelled run leaves whole batches, never half of one.
//!
//! `exist worker` runs only this; `exist serve` embeds it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use exist_core::{RunOutcome, Source};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Default jitter: each wait is the interval ± this fraction of it.
pub const JITTER: f64 = 0.1;
/// Default time runs in progress get to finish after a shutdown request.
pub const GRACE: Duration = Duration::from_secs(30);
/// The longest random delay before a source's first run.
pub const MAX_START_DELAY: Duration = Duration::from_secs(60);

/// What runs one source once (the store's pipeline; a fake in tests).
#[async_trait::async_trait]
pub trait Runner: Send + Sync + 'static {
    /// Runs `source` once. Failures are the runner's to record and log.
    async fn run(&self, source: &dyn Source);
}

#[async_trait::async_trait]
impl Runner for exist_store::Store {
    async fn run(&self, source: &dyn Source) {
        let name = source.info().name;
        match self.collect(source).await {
            Ok(s) if s.outcome == RunOutcome::Failed => {
                tracing::warn!(source = %name, error = s.error.as_deref().unwrap_or(""), "run failed");
            }
            Ok(s) => tracing::info!(
                source = %name, outcome = ?s.outcome, new = s.new, updated = s.updated,
                unchanged = s.unchanged, rejected = s.rejected, "run finished"
            ),
            Err(e) => tracing::error!(source = %name, error = %e, "the store failed during a run"),
        }
    }
}

/// Runs sources on their intervals until shut down.
pub struct Scheduler {
    sources: Vec<Arc<dyn Source>>,
    runner: Arc<dyn Runner>,
    jitter: f64,
    grace: Duration,
}

impl Scheduler {
    /// A scheduler of `sources`, each run by `runner`.
    pub fn new(sources: Vec<Arc<dyn Source>>, runner: Arc<dyn Runner>) -> Self {
        Self {
            sources,
            runner,
            jitter: JITTER,
            grace: GRACE,
        }
    }

    /// Sets the jitter fraction (0 for exact intervals), clamped to 0–0.5.
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter.clamp(0.0, 0.5);
        self
    }

    /// Sets how long runs in progress may finish after shutdown.
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The names of the scheduled sources.
    pub fn sources(&self) -> Vec<String> {
        self.sources.iter().map(|s| s.info().name).collect()
    }

    /// Runs until `shutdown` completes, then stops as described above.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        let (stop, stopped) = watch::channel(false);
        let mut loops = JoinSet::new();
        for source in self.sources {
            loops.spawn(source_loop(
                source,
                self.runner.clone(),
                stopped.clone(),
                self.jitter,
            ));
        }
        shutdown.await;
        tracing::info!("shutting down: no new runs; waiting for runs in progress");
        let _ = stop.send(true);
        let drain = async { while loops.join_next().await.is_some() {} };
        if tokio::time::timeout(self.grace, drain).await.is_err() {
            tracing::warn!(grace = ?self.grace, "runs still in progress after the grace period: cancelled");
            loops.abort_all();
            while loops.join_next().await.is_some() {}
        }
    }
}

/// Aborts the task when dropped, so cancelling a loop cancels its run.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn source_loop(
    source: Arc<dyn Source>,
    runner: Arc<dyn Runner>,
    mut stopped: watch::Receiver<bool>,
    jitter: f64,
) {
    let name = source.info().name;
    let interval = Duration::from_secs(source.info().interval_secs.max(1));
    let start_delay = interval.mul_f64(jitter).min(MAX_START_DELAY);
    let mut next = Instant::now() + start_delay.mul_f64(unit_random(&name, 0));
    for n in 1u64.. {
        tokio::select! {
            () = tokio::time::sleep_until(next) => {}
            _ = stopped.changed() => return,
        }
        if *stopped.borrow() {
            return;
        }
        let started = Instant::now();
        let (r, s) = (runner.clone(), source.clone());
        let mut run = AbortOnDrop(tokio::spawn(async move { r.run(s.as_ref()).await }));
        if let Err(e) = (&mut run.0).await
            && e.is_panic()
        {
            tracing::error!(source = %name, "a run panicked; the source stays scheduled");
        }
        let spread = 1.0 + jitter * (2.0 * unit_random(&name, n) - 1.0);
        next = started + interval.mul_f64(spread);
    }
}

/// A number in [0, 1) that differs per source, per run and per process.
fn unit_random(name: &str, n: u64) -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let seed = format!("{name}/{n}/{nanos}/{}", std::process::id());
    (xxhash_rust::xxh3::xxh3_64(seed.as_bytes()) >> 11) as f64 / (1u64 << 53) as f64
}
