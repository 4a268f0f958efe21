//! `exist lookup VALUE`: everything stored that mentions an indicator.

use anyhow::Context as _;

use crate::{CmdResult, Context, Failure, output};

#[derive(clap::Args)]
pub struct Args {
    /// The indicator, defanged or not
    value: String,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let indicator = exist_core::Indicator::parse(&args.value).map_err(Failure::invalid)?;
    let store = ctx.store().await?;
    let found = store.lookup(&indicator).await.context("looking up")?;
    let groups = found.groups();
    if args.json {
        output::json(&serde_json::json!({
            "indicator": found.indicator,
            "groups": groups,
            "truncated": found.truncated,
        }))?;
        return Ok(());
    }
    println!("{} ({})", indicator.display(), indicator.kind());
    if groups.is_empty() {
        println!("nothing stored mentions it");
        return Ok(());
    }
    for g in &groups {
        println!(
            "\n{} / {}  first {}  last {}  sightings {}",
            g.kind,
            g.source,
            output::when(g.first_seen),
            output::when(g.last_seen),
            g.sightings
        );
        let mut rows: Vec<Vec<String>> = g
            .reputation
            .iter()
            .map(|h| {
                vec![
                    format!("{:?}", h.relation).to_lowercase(),
                    h.matched.display().to_owned(),
                    h.category.clone().unwrap_or_default(),
                    h.description.clone().unwrap_or_default(),
                ]
            })
            .collect();
        rows.extend(g.records.iter().map(|h| {
            vec![
                format!("{:?}", h.relation).to_lowercase(),
                h.matched.display().to_owned(),
                h.key.clone(),
                h.title.clone(),
            ]
        }));
        output::table(
            &["  MATCH", "INDICATOR", "DETAIL", ""],
            &rows.into_iter().map(indent).collect::<Vec<_>>(),
        );
    }
    if found.truncated {
        println!(
            "\n(more related indicators exist than were followed: {})",
            exist_store::LOOKUP_RELATED_LIMIT
        );
    }
    Ok(())
}

fn indent(mut row: Vec<String>) -> Vec<String> {
    if let Some(first) = row.first_mut() {
        first.insert_str(0, "  ");
    }
    row
}
