//! `exist stats`: counts per kind, source and day.

use anyhow::Context as _;

use crate::{CmdResult, Context, output};

#[derive(clap::Args)]
pub struct Args {
    /// Days of per-day counts
    #[arg(long, default_value_t = 30)]
    days: u32,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let store = ctx.store().await?;
    let stats = store
        .stats(args.days, chrono::Utc::now())
        .await
        .context("counting")?;
    if args.json {
        output::json(&stats)?;
        return Ok(());
    }
    println!("indicators: {}", stats.indicators);
    let kinds: Vec<Vec<String>> = stats
        .indicators_by_kind
        .iter()
        .map(|(k, n)| vec![format!("  {k}"), n.to_string()])
        .collect();
    output::table(&["  KIND", "INDICATORS"], &kinds);
    println!();
    let sources: Vec<Vec<String>> = stats
        .by_source
        .iter()
        .map(|s| {
            vec![
                s.kind.clone(),
                s.source.clone(),
                s.count.to_string(),
                output::when(s.last_seen),
            ]
        })
        .collect();
    output::table(&["RECORD KIND", "SOURCE", "RECORDS", "LAST SEEN"], &sources);
    println!();
    let days: Vec<Vec<String>> = stats
        .by_day
        .iter()
        .map(|d| vec![d.day.to_string(), d.count.to_string()])
        .collect();
    output::table(&["DAY", "NEW RECORDS"], &days);
    Ok(())
}
