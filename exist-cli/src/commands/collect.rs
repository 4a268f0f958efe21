//! `exist collect [NAME…] [--all] [--url URL] [--json]`: run sources now.

use exist_core::{RunOutcome, SourceRunStatus};

use crate::progress::Bars;
use crate::{CmdResult, Context, Failure, output};

#[derive(clap::Args)]
pub struct Args {
    /// Sources to run (see `exist sources list`); a disabled source runs when named
    names: Vec<String>,
    /// Run every enabled source (those with their key)
    #[arg(long)]
    all: bool,
    /// Read the one named source from this URL instead (a mirror, or file:///path)
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Print the run statuses as JSON
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: Args, quiet: bool) -> CmdResult {
    if args.names.is_empty() && !args.all {
        return Err(Failure::invalid(anyhow::anyhow!(
            "name the sources to collect, or use --all (see `exist sources list`)"
        )));
    }
    let exist = ctx.exist().await?;
    let feeds = exist
        .select(&args.names, args.all, args.url.as_deref())
        .map_err(Failure::invalid)?;
    let bars = Bars::new(args.json || quiet);
    let mut statuses: Vec<SourceRunStatus> = Vec::with_capacity(feeds.len());
    // One after the other: the runs share one database writer.
    for feed in &feeds {
        let bar = bars.source(&feed.spec().name);
        let status = exist.collect(feed, &bar).await?;
        bar.finish(one_line(&status));
        statuses.push(status);
    }
    if args.json {
        output::json(&statuses)?;
    } else {
        summary(&statuses);
    }
    let failed: Vec<&str> = statuses
        .iter()
        .filter(|s| s.outcome == RunOutcome::Failed)
        .map(|s| s.source.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!(
            "{} of {} sources failed: {}",
            failed.len(),
            statuses.len(),
            failed.join(", ")
        )
        .into())
    }
}

pub(crate) fn outcome(o: RunOutcome) -> &'static str {
    match o {
        RunOutcome::Running => "running",
        RunOutcome::Ok => "ok",
        RunOutcome::NotModified => "not modified",
        RunOutcome::Failed => "FAILED",
        RunOutcome::Skipped => "skipped",
    }
}

fn one_line(s: &SourceRunStatus) -> String {
    match s.outcome {
        RunOutcome::Failed => format!("FAILED: {}", s.error.as_deref().unwrap_or("")),
        RunOutcome::NotModified => "not modified".into(),
        o => format!(
            "{}: {} new, {} updated, {} rejected",
            outcome(o),
            s.new,
            s.updated,
            s.rejected
        ),
    }
}

fn summary(statuses: &[SourceRunStatus]) {
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .map(|s| {
            let secs = s
                .finished_at
                .map(|f| (f - s.started_at).num_milliseconds() as f64 / 1000.0)
                .unwrap_or(0.0);
            vec![
                s.source.clone(),
                outcome(s.outcome).into(),
                s.read.to_string(),
                s.new.to_string(),
                s.updated.to_string(),
                s.unchanged.to_string(),
                s.rejected.to_string(),
                output::bytes(s.bytes),
                format!("{secs:.1}s"),
                s.error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &[
            "SOURCE",
            "OUTCOME",
            "READ",
            "NEW",
            "UPDATED",
            "UNCHANGED",
            "REJECTED",
            "BYTES",
            "TIME",
            "ERROR",
        ],
        &rows,
    );
    for s in statuses {
        for r in &s.rejected_samples {
            println!("{}: line {}: {:?}: {}", s.source, r.line, r.input, r.reason);
        }
        let more = s.rejected.saturating_sub(s.rejected_samples.len() as u64);
        if more > 0 {
            println!("{}: … and {more} more rejected", s.source);
        }
    }
}
