//! `exist import FILE --source NAME`: an indicator list into the store.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::{CmdResult, Context, output};

#[derive(clap::Args)]
pub struct Args {
    /// The list: one indicator per line (`#` comments), or CSV with an `indicator` column
    file: PathBuf,
    /// The source name the entries are stored under
    #[arg(long)]
    source: String,
    /// Print the summary as JSON
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("opening {}", args.file.display()))?;
    let store = ctx.store().await?;
    let summary = store
        .import_list(file, &args.source, chrono::Utc::now())
        .await
        .with_context(|| format!("importing {}", args.file.display()))?;
    if args.json {
        output::json(&summary)?;
        return Ok(());
    }
    println!(
        "{}: read {}, new {}, updated {}, rejected {}",
        args.source, summary.list.read, summary.new, summary.updated, summary.list.rejected
    );
    for r in &summary.list.rejected_samples {
        println!("  line {}: {:?}: {}", r.line, r.input, r.reason);
    }
    if summary.list.rejected > summary.list.rejected_samples.len() as u64 {
        println!(
            "  … and {} more",
            summary.list.rejected - summary.list.rejected_samples.len() as u64
        );
    }
    Ok(())
}
