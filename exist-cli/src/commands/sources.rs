//! `exist sources list|show`: the sources, their state and recent runs.

use crate::commands::collect::outcome;
use crate::{CmdResult, Context, Failure, output};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Every source: kind, enabled (or why not), key, interval, last run, entries
    List {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// One source: its definition, key variable, and its last runs
    Show {
        /// The source's name
        name: String,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let exist = ctx.exist().await?;
    match args.command {
        Command::List { json } => {
            let sources = exist.sources().await?;
            if json {
                return Ok(output::json(&sources)?);
            }
            let rows: Vec<Vec<String>> = sources
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        "reputation".into(),
                        match &s.disabled_reason {
                            None => "yes".into(),
                            Some(r) => format!("no: {r}"),
                        },
                        match (&s.key_env, s.needs_key) {
                            (None, _) => "-".into(),
                            (Some(env), true) => {
                                format!("{env}{}", if s.has_key { " (set)" } else { "" })
                            }
                            (Some(env), false) => {
                                format!("optional {env}{}", if s.has_key { " (set)" } else { "" })
                            }
                        },
                        output::interval(s.interval_secs),
                        s.last_run
                            .as_ref()
                            .map_or("never".into(), |r| output::when(r.started_at)),
                        s.last_run
                            .as_ref()
                            .map_or(String::new(), |r| match &r.error {
                                Some(e) => format!("{}: {e}", outcome(r.outcome)),
                                None => outcome(r.outcome).into(),
                            }),
                        s.entries.to_string(),
                    ]
                })
                .collect();
            output::table(
                &[
                    "NAME",
                    "KIND",
                    "ENABLED",
                    "KEY",
                    "EVERY",
                    "LAST RUN",
                    "LAST STATUS",
                    "ENTRIES",
                ],
                &rows,
            );
        }
        Command::Show { name, json } => {
            let Some(feed) = exist.catalogue().get(&name) else {
                let known: Vec<&str> = exist
                    .catalogue()
                    .feeds()
                    .iter()
                    .map(|f| f.spec().name.as_str())
                    .collect();
                return Err(Failure::invalid(anyhow::anyhow!(
                    "no source named {name:?} (known: {})",
                    known.join(", ")
                )));
            };
            let listing = exist.sources().await?.into_iter().find(|s| s.name == name);
            let runs = exist.store().runs(Some(&name), 10).await?;
            if json {
                return Ok(output::json(&serde_json::json!({
                    "source": listing,
                    "definition": feed.spec(),
                    "runs": runs,
                }))?);
            }
            let spec = feed.spec();
            println!("{}: {}", spec.name, spec.about);
            println!("  url:       {}", spec.url);
            println!("  format:    {:?}", spec.format);
            println!("  every:     {}", output::interval(spec.interval));
            match feed.disabled_reason() {
                None => println!("  enabled:   yes"),
                Some(r) => println!("  enabled:   no ({r})"),
            }
            if let Some(a) = &spec.auth {
                let state = if feed.has_key() { "set" } else { "not set" };
                let how = a
                    .header
                    .as_deref()
                    .map_or("in the URL".to_owned(), |h| format!("header {h}"));
                println!("  key:       ${} ({state}; sent as {how})", a.env);
            }
            println!("  indicator: {}", spec.fields.indicator);
            for (label, t) in [
                ("category", &spec.fields.category),
                ("description", &spec.fields.description),
                ("reference", &spec.fields.reference),
                ("seen", &spec.fields.seen),
            ] {
                if let Some(t) = t {
                    println!("  {:<11}{t}", format!("{label}:"));
                }
            }
            if let Some(l) = listing {
                println!("  entries:   {}", l.entries);
            }
            if runs.is_empty() {
                println!("\nnever run");
            } else {
                println!();
                let rows: Vec<Vec<String>> = runs
                    .iter()
                    .map(|r| {
                        vec![
                            output::when(r.started_at),
                            outcome(r.outcome).into(),
                            r.read.to_string(),
                            r.new.to_string(),
                            r.updated.to_string(),
                            r.rejected.to_string(),
                            r.error.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "STARTED", "OUTCOME", "READ", "NEW", "UPDATED", "REJECTED", "ERROR",
                    ],
                    &rows,
                );
            }
        }
    }
    Ok(())
}
