//! `exist serve [--bind ADDR] [--no-auth] [--demo]`: the web UI, the API and the scheduler,
//! until Ctrl-C or SIGTERM. On a store without tokens it creates an admin
//! token and prints it once (or stores `EXIST_ADMIN_TOKEN`).

use std::sync::Arc;

use exist_server::FirstToken;

use crate::commands::worker::shutdown_signal;
use crate::{CmdResult, Context};

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8000")]
    bind: String,
    /// No API tokens needed (allowed only on a loopback address)
    #[arg(long)]
    no_auth: bool,
    /// Requests per minute allowed to each token or UI session (0: no limit)
    #[arg(long, default_value_t = exist_server::ServeOptions::default().rate_per_minute)]
    rate_limit: u32,
    /// Mark the session cookie Secure (a TLS proxy is in front)
    #[arg(long)]
    secure_cookies: bool,
    /// Load the bundled demo dataset first (real samples, works offline)
    #[arg(long)]
    demo: bool,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let exist = Arc::new(ctx.exist().await?);
    if args.demo {
        crate::commands::demo::load(&exist, false).await?;
    }
    if !args.no_auth {
        let preset = std::env::var("EXIST_ADMIN_TOKEN").ok();
        match exist_server::first_admin_token(exist.store(), preset.as_deref()).await? {
            FirstToken::Existing => {}
            FirstToken::Imported(id) => {
                eprintln!("exist serve: admin token {id} taken from EXIST_ADMIN_TOKEN");
            }
            FirstToken::Created(token) => {
                eprintln!(
                    "exist serve: created an admin API token — shown this once, keep it:\n{token}"
                );
            }
        }
    }
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.bind))?;
    let addr = listener.local_addr().map_err(|e| anyhow::anyhow!("{e}"))?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = exist.scheduler();
    let mut on_stop = stopped.clone();
    let worker = tokio::spawn(scheduler.run(async move {
        let _ = on_stop.changed().await;
    }));
    eprintln!(
        "exist serve: web UI on http://{addr}/, API on http://{addr}/api/v1 (scheduler running)"
    );
    let mut on_stop = stopped;
    let options = exist_server::ServeOptions {
        no_auth: args.no_auth,
        rate_per_minute: args.rate_limit,
        secure_cookies: args.secure_cookies,
    };
    let server = exist_server::serve(listener, exist.clone(), options, async move {
        let _ = on_stop.changed().await;
    });
    let signal = async {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    let (served, ()) = tokio::join!(server, signal);
    let _ = worker.await;
    served.map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!("exist serve: stopped");
    Ok(())
}
