//! `exist demo load`: the bundled demo dataset (real samples: feed entries,
//! MISP events, social posts) into the store, for a first look offline.
//! `exist serve --demo` does the same before serving.

use crate::{CmdResult, Context, output};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Load the demo dataset (loading it again stores nothing new)
    Load {
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Loads the demo into `exist` and prints one line of what it stored.
pub async fn load(exist: &exist_sources::Exist, json: bool) -> CmdResult {
    let report = exist.load_demo().await?;
    if json {
        output::json(&report)?;
    } else {
        let entries: u64 = report.runs.iter().map(|r| r.new + r.updated).sum();
        eprintln!(
            "demo: {entries} feed entries from {} sources, {} threat events, {} posts",
            report.runs.len(),
            report.events,
            report.posts
        );
    }
    Ok(())
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let exist = ctx.exist().await?;
    match args.command {
        Command::Load { json } => load(&exist, json).await,
    }
}
