//! `exist`: the command line of the exist threat-intelligence aggregator.
//!
//! A thin frontend: each subcommand parses its arguments, calls one entry point
//! of the libraries (`exist_sources::Exist` for anything with configuration
//! and sources), and renders the answer for people (tables, progress bars) or
//! programs (`--json`, JSON lines).

mod commands;
mod output;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for success.
const EXIT_OK: u8 = 0;
/// Exit code for a failure at run time (database, I/O).
const EXIT_ERROR: u8 = 1;
/// Exit code for invalid input or usage.
const EXIT_INVALID: u8 = 2;

#[derive(Parser)]
#[command(
    name = "exist",
    version,
    about = "exist: collect threat intelligence, extract and normalize indicators, look them up",
    after_help = "Exit codes:\n  0  success\n  1  failure at run time (database, file, network)\n  2  invalid input (not an indicator) or invalid usage"
)]
struct Cli {
    /// Database URL: sqlite://PATH, postgres://…, mysql://… [default: sqlite file exist.db in the home]
    #[arg(
        long,
        global = true,
        env = "EXIST_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Home directory for the database, configuration and downloads [default: ~/.local/share/exist]
    #[arg(long, global = true, env = "EXIST_HOME")]
    home: Option<PathBuf>,
    /// More log output (-v info, -vv debug, -vvv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find every indicator in a text (a file, or standard input)
    Extract(commands::extract::Args),
    /// Print the canonical form and kind of one indicator
    Normalize(commands::normalize::Args),
    /// Import an indicator list (one per line, or CSV with an `indicator` column)
    Import(commands::import::Args),
    /// Everything stored that mentions an indicator
    Lookup(commands::lookup::Args),
    /// Fetch a URL safely: redirects, status, headers, hash, title, body and screenshot
    Inspect(commands::inspect::Args),
    /// Keyword search across everything stored
    Search(commands::search::Args),
    /// Counts per kind, source and day
    Stats(commands::stats::Args),
    /// The sources: list them, or show one with its recent runs
    Sources(commands::sources::Args),
    /// Run sources now: named ones, or --all enabled ones
    Collect(commands::collect::Args),
    /// The web UI, the API and the scheduler, until stopped
    Serve(commands::serve::Args),
    /// The bundled demo dataset: load it
    Demo(commands::demo::Args),
    /// API tokens for `exist serve`: create, list, revoke
    Token(commands::token::Args),
    /// Run the scheduler only: every enabled source on its interval, until stopped
    Worker(commands::worker::Args),
    /// The enrichers: list them; refresh the RDAP bootstrap files
    Enrich(commands::enrich::Args),
    /// Database administration
    Db(commands::db::Args),
}

/// An error with the exit code it maps to.
pub(crate) struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl Failure {
    pub(crate) fn invalid(error: impl Into<anyhow::Error>) -> Self {
        Self {
            code: EXIT_INVALID,
            error: error.into(),
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Self {
            code: EXIT_ERROR,
            error: e.into(),
        }
    }
}

pub(crate) type CmdResult = Result<(), Failure>;

/// Global settings every command may need.
pub(crate) struct Context {
    database_url: Option<String>,
    home: Option<PathBuf>,
}

impl Context {
    fn url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => {
                exist_core::default_database_url(&exist_core::resolve_home(self.home.as_deref()))
            }
        }
    }

    /// Opens (and migrates) the configured store.
    pub(crate) async fn store(&self) -> anyhow::Result<exist_store::Store> {
        use anyhow::Context as _;
        let url = self.url();
        exist_store::Store::open(&url)
            .await
            .with_context(|| format!("opening {}", exist_store::redact_url(&url)))
    }

    /// Opens exist: the home's exist.toml, the store, the sources.
    pub(crate) async fn exist(&self) -> anyhow::Result<exist_sources::Exist> {
        use anyhow::Context as _;
        let url = self.url();
        exist_sources::Exist::open(exist_sources::OpenOptions {
            database_url: Some(url.clone()),
            home: self.home.clone(),
            ..Default::default()
        })
        .await
        .with_context(|| format!("opening exist ({})", exist_store::redact_url(&url)))
    }

    /// Opens the configured store without migrating it.
    pub(crate) async fn connect(&self) -> anyhow::Result<exist_store::Store> {
        use anyhow::Context as _;
        let url = self.url();
        exist_store::Store::connect(&url)
            .await
            .with_context(|| format!("opening {}", exist_store::redact_url(&url)))
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        (_, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("EXIST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

/// Ends the process quietly when stdout is closed early (`exist stats |
/// head`): Rust's `println!` panics on a broken pipe, where command-line
/// tools are expected to stop without a message.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    let quiet = cli.quiet;
    let ctx = Context {
        database_url: cli.database_url,
        home: cli.home,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("exist: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Extract(a) => commands::extract::run(a),
            Command::Normalize(a) => commands::normalize::run(a),
            Command::Import(a) => commands::import::run(&ctx, a).await,
            Command::Lookup(a) => commands::lookup::run(&ctx, a).await,
            Command::Inspect(a) => commands::inspect::run(&ctx, a).await,
            Command::Search(a) => commands::search::run(&ctx, a).await,
            Command::Stats(a) => commands::stats::run(&ctx, a).await,
            Command::Sources(a) => commands::sources::run(&ctx, a).await,
            Command::Collect(a) => commands::collect::run(&ctx, a, quiet).await,
            Command::Worker(a) => commands::worker::run(&ctx, a).await,
            Command::Serve(a) => commands::serve::run(&ctx, a).await,
            Command::Demo(a) => commands::demo::run(&ctx, a).await,
            Command::Token(a) => commands::token::run(&ctx, a).await,
            Command::Enrich(a) => commands::enrich::run(&ctx, a).await,
            Command::Db(a) => commands::db::run(&ctx, a).await,
        }
    });
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(Failure { code, error }) => {
            eprintln!("exist: {error:#}");
            ExitCode::from(code)
        }
    }
}
