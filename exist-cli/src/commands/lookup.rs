//! `exist lookup VALUE [--enrich [--only dns,geoip,…] [--refresh]] [--json]`:
//! everything stored that mentions an indicator, and with `--enrich` what
//! every applicable enricher knows, a section each with its status.

use exist_core::{EnrichStatus, Indicator, IndicatorKind};
use exist_sources::EnrichOptions;

use crate::{CmdResult, Context, Failure, output};

#[derive(clap::Args)]
pub struct Args {
    /// The indicator, defanged or not
    value: String,
    /// Read the value as this kind (e.g. `domain` for crt.sh, which free text would take for a script)
    #[arg(long = "as", value_name = "KIND")]
    kind: Option<String>,
    /// Also ask the enrichers (DNS, RDAP, GeoIP, VirusTotal, …)
    #[arg(long)]
    enrich: bool,
    /// Only these enrichers (comma-separated names)
    #[arg(long, value_delimiter = ',', requires = "enrich")]
    only: Option<Vec<String>>,
    /// Ask the enrichers again instead of using cached answers
    #[arg(long, requires = "enrich")]
    refresh: bool,
    /// Print the result as JSON: `local` for the store, one key per enricher
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: Args) -> CmdResult {
    let indicator = match &args.kind {
        None => Indicator::parse(&args.value),
        Some(k) => k
            .parse::<IndicatorKind>()
            .and_then(|kind| Indicator::parse_as(kind, &args.value)),
    }
    .map_err(Failure::invalid)?;
    let exist = ctx.exist().await?;
    let options = args.enrich.then(|| EnrichOptions {
        only: args.only.clone(),
        refresh: args.refresh,
    });
    let report = match exist.lookup(&indicator, options.as_ref()).await {
        Err(e @ exist_sources::AppError::UnknownEnricher(_)) => return Err(Failure::invalid(e)),
        other => other?,
    };
    if args.json {
        return Ok(output::json(&report)?);
    }
    println!("{} ({})", indicator.display(), indicator.kind());
    let groups = &report.local.groups;
    if groups.is_empty() {
        println!("nothing stored mentions it");
    }
    for g in groups {
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
    if report.local.truncated {
        println!(
            "\n(more related indicators exist than were followed: {})",
            exist_store::LOOKUP_RELATED_LIMIT
        );
    }
    for (name, e) in &report.enrichment {
        let how = match e.status {
            EnrichStatus::Ok if e.cached => format!(
                "ok (cached {})",
                e.fetched_at.map(output::when).unwrap_or_default()
            ),
            EnrichStatus::Ok => format!("ok ({} ms)", e.elapsed_ms),
            EnrichStatus::NotConfigured => "not configured".into(),
            EnrichStatus::Error => "error".into(),
            EnrichStatus::TimedOut => "timed out".into(),
        };
        println!("\n[{name}] {how}");
        if let Some(err) = &e.error {
            println!("  {err}");
        }
        if let Some(data) = &e.data {
            output::yaml_like(data, 1);
        }
    }
    Ok(())
}

fn indent(mut row: Vec<String>) -> Vec<String> {
    if let Some(first) = row.first_mut() {
        first.insert_str(0, "  ");
    }
    row
}
