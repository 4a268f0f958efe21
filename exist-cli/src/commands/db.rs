//! `exist db migrate|info`.

use crate::{CmdResult, Context, output};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(clap::Subcommand)]
enum DbCommand {
    /// Create or upgrade the schema
    Migrate,
    /// Backend, URL (password hidden) and schema state
    Info {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    if let DbCommand::Migrate = args.command {
        let info = ctx.store().await?.info().await?; // opening migrates
        println!(
            "{} migrated: {} migrations applied",
            info.url,
            info.migrations.len()
        );
        return Ok(());
    }
    let info = ctx.connect().await?.info().await?;
    match args.command {
        DbCommand::Migrate => {}
        DbCommand::Info { json: true } => output::json(&info)?,
        DbCommand::Info { json: false } => {
            println!("backend:    {}", info.backend);
            println!("url:        {}", info.url);
            println!("migrations: {}", info.migrations.join(", "));
            if !info.pending.is_empty() {
                println!("pending:    {}", info.pending.join(", "));
            }
        }
    }
    Ok(())
}
