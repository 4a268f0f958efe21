//! `exist token create|list|revoke`: API tokens of `exist serve`.

use exist_store::Scope;

use crate::{CmdResult, Context, Failure, output};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Create a token and print it (shown this once; only its hash is kept)
    Create {
        /// read (look up, search, list) or admin (also run sources)
        #[arg(long, default_value = "read")]
        scope: String,
        /// What the token is for
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// The tokens: id, name, scope, created (never the secret)
    List {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id
    Revoke {
        /// The id (the 8 characters after `exist_`)
        id: String,
    },
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let store = ctx.store().await?;
    match args.command {
        Command::Create { scope, name } => {
            let scope = Scope::parse(&scope).ok_or_else(|| {
                Failure::invalid(anyhow::anyhow!("scope is read or admin, not {scope:?}"))
            })?;
            let (token, info) = store.create_token(&name, scope).await?;
            eprintln!(
                "token {} ({}, scope {}) — shown this once:",
                info.id,
                info.name,
                scope.as_str()
            );
            println!("{token}");
        }
        Command::List { json } => {
            let tokens = store.tokens().await?;
            if json {
                return Ok(output::json(&tokens)?);
            }
            let rows: Vec<Vec<String>> = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.id.clone(),
                        t.scope.as_str().into(),
                        output::when(t.created_at),
                        t.name.clone(),
                    ]
                })
                .collect();
            output::table(&["ID", "SCOPE", "CREATED", "NAME"], &rows);
        }
        Command::Revoke { id } => {
            if !store.revoke_token(&id).await? {
                return Err(Failure::invalid(anyhow::anyhow!("no token with id {id:?}")));
            }
            println!("revoked {id}");
        }
    }
    Ok(())
}
