//! `exist search QUERY`: keyword search across everything stored.

use anyhow::Context as _;

use crate::{CmdResult, Context, output};

#[derive(clap::Args)]
pub struct Args {
    /// Words to look for (case-insensitive substring)
    query: String,
    /// Results per page
    #[arg(long, default_value_t = 50)]
    limit: u64,
    /// Results to skip
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let store = ctx.store().await?;
    let page = store
        .search(&args.query, args.limit, args.offset)
        .await
        .context("searching")?;
    if args.json {
        output::json(&page)?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = page
        .hits
        .iter()
        .map(|h| {
            vec![
                output::when(h.last_seen),
                h.kind.to_string(),
                h.source.clone(),
                h.title.clone(),
            ]
        })
        .collect();
    output::table(&["LAST SEEN", "KIND", "SOURCE", "TITLE"], &rows);
    if page.has_more {
        println!("(more: --offset {})", args.offset + args.limit);
    }
    Ok(())
}
