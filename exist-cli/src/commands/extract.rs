//! `exist extract [FILE]`: indicators in a text, one JSON object per line.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context as _;

use crate::{CmdResult, output};

/// Output formats of `exist extract`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line
    Jsonl,
    /// Aligned columns for people
    Table,
}

#[derive(clap::Args)]
pub struct Args {
    /// The text file; standard input when absent
    file: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
}

pub fn run(args: Args) -> CmdResult {
    let mut bytes = Vec::new();
    match &args.file {
        Some(p) => bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?,
        None => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading standard input")?;
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    let found = exist_core::extract(&text);
    match args.format {
        Format::Jsonl => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for e in &found {
                serde_json::to_writer(&mut out, e).context("writing output")?;
                out.write_all(b"\n").context("writing output")?;
            }
            out.flush().context("writing output")?;
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|e| {
                    vec![
                        e.indicator.kind().to_string(),
                        e.indicator.display().to_owned(),
                        format!("{}..{}", e.start, e.end),
                    ]
                })
                .collect();
            output::table(&["KIND", "VALUE", "SPAN"], &rows);
        }
    }
    Ok(())
}
