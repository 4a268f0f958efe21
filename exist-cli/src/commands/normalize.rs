//! `exist normalize VALUE`: the canonical form and kind of one indicator.

use crate::{CmdResult, Failure};

#[derive(clap::Args)]
pub struct Args {
    /// The indicator, defanged or not
    value: String,
}

pub fn run(args: Args) -> CmdResult {
    let indicator = exist_core::Indicator::parse(&args.value).map_err(Failure::invalid)?;
    let mut obj = serde_json::json!({ "kind": indicator.kind(), "value": indicator.value() });
    if let Some(u) = indicator.unicode() {
        obj["unicode"] = u.into();
    }
    println!("{obj}");
    Ok(())
}
