//! `exist inspect URL [--screenshot FILE] [--refresh] [--json]`: fetch a URL
//! safely and show what came back.

use crate::{CmdResult, Context, Failure, output};

#[derive(clap::Args)]
pub struct Args {
    /// The URL (defanged or not)
    url: String,
    /// Also write the screenshot (PNG) to FILE
    #[arg(long, value_name = "FILE")]
    screenshot: Option<std::path::PathBuf>,
    /// Fetch again instead of showing the stored inspection
    #[arg(long)]
    refresh: bool,
    /// Print as JSON
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let url = exist_core::Indicator::parse_as(exist_core::IndicatorKind::Url, &args.url)
        .map_err(Failure::invalid)?;
    let exist = ctx.exist().await?;
    let (i, cached) = exist.inspect_url(url.value(), args.refresh).await?;
    if let Some(dest) = &args.screenshot {
        match &i.screenshot_path {
            Some(p) => {
                std::fs::copy(exist.home().join(p), dest).map_err(|e| {
                    anyhow::anyhow!("writing the screenshot to {}: {e}", dest.display())
                })?;
            }
            None => eprintln!(
                "exist: no screenshot: {}",
                i.screenshot_error.as_deref().unwrap_or("none taken")
            ),
        }
    }
    if args.json {
        return Ok(output::json(
            &serde_json::json!({ "inspection": i, "cached": cached }),
        )?);
    }
    println!("{}", i.url);
    for hop in &i.redirects {
        println!("  {} {} → {}", hop.status, hop.url, hop.location);
    }
    println!("  {} {}", i.status, i.final_url);
    println!("  type:       {}", i.content_type.as_deref().unwrap_or("-"));
    println!(
        "  length:     {}{}",
        i.length,
        if i.truncated { " (capped)" } else { "" }
    );
    println!("  sha256:     {}", i.sha256);
    println!("  title:      {}", i.title.as_deref().unwrap_or("-"));
    println!(
        "  body:       {}",
        exist.home().join(&i.body_path).display()
    );
    match (&i.screenshot_path, &i.screenshot_error) {
        (Some(p), _) => println!("  screenshot: {}", exist.home().join(p).display()),
        (None, Some(e)) => println!("  screenshot: none ({e})"),
        (None, None) => println!("  screenshot: none"),
    }
    println!(
        "  fetched:    {}{}",
        output::when(i.fetched_at),
        if cached {
            " (stored; --refresh fetches again)"
        } else {
            ""
        }
    );
    Ok(())
}
