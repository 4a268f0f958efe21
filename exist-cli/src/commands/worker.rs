//! `exist worker`: only the scheduler, until Ctrl-C or SIGTERM.

use crate::{CmdResult, Context};

#[derive(clap::Args)]
pub struct Args {
    /// Seconds runs in progress may take to finish after a shutdown request
    #[arg(long, default_value_t = 30)]
    grace: u64,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let exist = ctx.exist().await?;
    let scheduler = exist
        .scheduler()
        .with_grace(std::time::Duration::from_secs(args.grace));
    let names = scheduler.sources();
    if names.is_empty() {
        eprintln!("exist worker: no enabled source (see `exist sources list`)");
    } else {
        eprintln!("exist worker: scheduling {}", names.join(", "));
    }
    scheduler.run(shutdown_signal()).await;
    eprintln!("exist worker: stopped");
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
