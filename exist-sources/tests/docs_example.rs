//! The commented example of docs/configuration.md is valid configuration, and
//! the sources named in docs/sources.md are the catalogue's.

use exist_sources::{Catalogue, Config, HttpConfig, HttpDriver, builtin_specs};

fn doc(name: &str) -> String {
    let path = format!("{}/../docs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_configuration_example_parses_and_builds_a_catalogue() {
    let text = doc("configuration.md");
    let start = text.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + text[start..].find("```").expect("closed");
    let config = Config::parse(&text[start..end]).expect("the documented example is valid");
    let http = HttpDriver::new(HttpConfig::default()).expect("driver");
    let catalogue = Catalogue::new(&config, &|_| None, &http).expect("catalogue");
    assert_eq!(config.feeds.len(), 5);
    assert!(catalogue.get("soc_watchlist").is_some());
    assert_eq!(
        catalogue.get("urlhaus").map(|f| f.spec().interval),
        Some(1800)
    );
}

#[test]
fn every_toml_block_of_the_enrichment_and_inspection_docs_parses() {
    for name in ["enrichment.md", "inspection.md"] {
        let text = doc(name);
        let mut blocks = 0;
        for part in text.split("```toml\n").skip(1) {
            let block = part.split("```").next().unwrap_or("");
            Config::parse(block).unwrap_or_else(|e| panic!("{name}: {e}\n{block}"));
            blocks += 1;
        }
        assert!(blocks > 0, "{name} has a configuration example");
    }
}

#[test]
fn docs_sources_lists_every_builtin_source() {
    let text = doc("sources.md");
    for spec in builtin_specs() {
        assert!(
            text.contains(&format!("| `{}` |", spec.name)),
            "docs/sources.md lacks {}",
            spec.name
        );
        assert!(
            text.contains(&spec.url),
            "docs/sources.md lacks {}",
            spec.url
        );
    }
}
