//! `exist enrich list|update-rdap-bootstrap`: the enrichers and their state;
//! refreshing the RDAP bootstrap files.

use crate::{CmdResult, Context, output};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Every enricher: the kinds it answers, cache lifetime, and why not configured
    List {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Download IANA's current RDAP bootstrap files into the home directory
    UpdateRdapBootstrap {
        /// Read them from this base URL instead (a mirror): BASE/dns.json, …
        #[arg(long, value_name = "URL")]
        from: Option<String>,
    },
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let exist = ctx.exist().await?;
    match args.command {
        Command::List { json } => {
            let infos = exist.enrichers().infos();
            if json {
                return Ok(output::json(&infos)?);
            }
            let rows: Vec<Vec<String>> = infos
                .iter()
                .map(|i| {
                    vec![
                        i.name.clone(),
                        i.kinds
                            .iter()
                            .map(|k| k.to_string())
                            .collect::<Vec<_>>()
                            .join(","),
                        output::interval(i.ttl_secs.max(1)),
                        i.not_configured.clone().unwrap_or_else(|| "ready".into()),
                    ]
                })
                .collect();
            output::table(&["ENRICHER", "KINDS", "CACHE", "STATE"], &rows);
        }
        Command::UpdateRdapBootstrap { from } => {
            for path in exist.update_rdap_bootstrap(from.as_deref()).await? {
                println!("saved {}", path.display());
            }
        }
    }
    Ok(())
}
