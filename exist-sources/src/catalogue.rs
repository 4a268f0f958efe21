//! The sources exist knows: the built-in catalogue (`catalogue.toml`, in the
//! same form as a user's `[[feeds]]`) merged with the user's `exist.toml`,
//! each with its key read from the environment. The frontends list, select
//! and run sources only through this.

use crate::config::{Config, ConfigError};
use crate::feeds::{Feed, FeedSpec};
use crate::http::HttpDriver;

const BUILTIN: &str = include_str!("catalogue.toml");

/// The built-in feed definitions.
pub fn builtin_specs() -> Vec<FeedSpec> {
    // The file is part of the binary and tested; a parse failure is a build bug.
    Config::parse(BUILTIN)
        .map(|c| c.feeds)
        .unwrap_or_else(|e| panic!("built-in catalogue.toml is invalid: {e}"))
}

/// The configured sources, in catalogue order (built-ins, then the user's).
#[derive(Debug, Clone)]
pub struct Catalogue {
    feeds: Vec<Feed>,
}

impl Catalogue {
    /// The catalogue of `config`, keys read with `env` (the process
    /// environment in [`Catalogue::from_env`]; a map in tests).
    pub fn new(
        config: &Config,
        env: &dyn Fn(&str) -> Option<String>,
        http: &HttpDriver,
    ) -> Result<Self, ConfigError> {
        let mut specs = builtin_specs();
        for user in &config.feeds {
            match specs.iter_mut().find(|s| s.name == user.name) {
                Some(s) => *s = user.clone(),
                None => specs.push(user.clone()),
            }
        }
        for (name, o) in &config.sources {
            let Some(spec) = specs.iter_mut().find(|s| &s.name == name) else {
                return Err(ConfigError::Invalid(format!(
                    "[sources.{name}]: no such source (known: {})",
                    names(&specs)
                )));
            };
            if let Some(e) = o.enabled {
                spec.enabled = e;
            }
            if let Some(u) = &o.url {
                spec.url.clone_from(u);
                if let Some(a) = &mut spec.auth {
                    a.url = None;
                }
            }
            if let Some(i) = o.interval {
                spec.interval = i;
            }
            if let Some(k) = &o.key_env {
                match &mut spec.auth {
                    Some(a) => a.env.clone_from(k),
                    None => {
                        return Err(ConfigError::Invalid(format!(
                            "[sources.{name}]: key_env is set but {name} takes no key"
                        )));
                    }
                }
            }
            spec.validate().map_err(ConfigError::Invalid)?;
        }
        let feeds = specs
            .into_iter()
            .map(|spec| {
                let key = spec.auth.as_ref().and_then(|a| env(&a.env));
                Feed::new(spec, key, http.clone())
            })
            .collect();
        Ok(Self { feeds })
    }

    /// The catalogue of `config` with keys from the process environment.
    pub fn from_env(config: &Config, http: &HttpDriver) -> Result<Self, ConfigError> {
        Self::new(config, &|var| std::env::var(var).ok(), http)
    }

    /// Every source.
    pub fn feeds(&self) -> &[Feed] {
        &self.feeds
    }

    /// The source named `name`.
    pub fn get(&self, name: &str) -> Option<&Feed> {
        self.feeds.iter().find(|f| f.spec().name == name)
    }

    /// The sources the scheduler and `--all` run: enabled, with their key.
    pub fn enabled(&self) -> Vec<Feed> {
        self.feeds
            .iter()
            .filter(|f| f.disabled_reason().is_none())
            .cloned()
            .collect()
    }

    /// The sources named in `names` (an explicit request runs a disabled
    /// source too); an unknown name is an error that lists the known ones.
    pub fn select(&self, names: &[String]) -> Result<Vec<Feed>, ConfigError> {
        names
            .iter()
            .map(|n| {
                self.get(n).cloned().ok_or_else(|| {
                    ConfigError::Invalid(format!(
                        "no source named {n:?} (known: {})",
                        names_of(&self.feeds)
                    ))
                })
            })
            .collect()
    }
}

fn names(specs: &[FeedSpec]) -> String {
    specs
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn names_of(feeds: &[Feed]) -> String {
    feeds
        .iter()
        .map(|f| f.spec().name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpConfig;

    fn http() -> HttpDriver {
        HttpDriver::new(HttpConfig::default()).expect("driver")
    }

    const NAMES: [&str; 17] = [
        "urlhaus",
        "threatfox",
        "feodotracker",
        "sslbl",
        "malwarebazaar",
        "openphish",
        "phishtank",
        "cins",
        "blocklist_de",
        "et_compromised",
        "spamhaus_drop",
        "spamhaus_edrop",
        "dshield_block",
        "dshield_domains",
        "abuseipdb",
        "ipsum",
        "maltrail",
    ];

    #[test]
    fn the_builtin_catalogue_has_the_seventeen_sources_with_real_urls() {
        let specs = builtin_specs();
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, NAMES);
        for s in &specs {
            assert!(s.url.starts_with("https://"), "{}: {}", s.name, s.url);
            s.validate().expect("valid");
        }
    }

    #[test]
    fn keyless_sources_are_disabled_with_the_reason_and_keys_enable_them() {
        let none = Catalogue::new(&Config::default(), &|_| None, &http()).expect("catalogue");
        let reason = none.get("urlhaus").and_then(Feed::disabled_reason);
        assert_eq!(
            reason.as_deref(),
            Some("needs an API key: set ABUSECH_AUTH_KEY")
        );
        assert!(
            none.get("phishtank")
                .and_then(Feed::disabled_reason)
                .is_none(),
            "key optional"
        );
        let enabled: Vec<String> = none
            .enabled()
            .iter()
            .map(|f| f.spec().name.clone())
            .collect();
        assert!(!enabled.contains(&"abuseipdb".to_owned()));
        assert!(enabled.contains(&"ipsum".to_owned()));

        let env = |v: &str| (v == "ABUSECH_AUTH_KEY").then(|| "k3y".to_owned());
        let keyed = Catalogue::new(&Config::default(), &env, &http()).expect("catalogue");
        assert!(keyed.get("urlhaus").is_some_and(Feed::has_key));
        assert!(
            keyed
                .get("urlhaus")
                .and_then(Feed::disabled_reason)
                .is_none()
        );
        assert!(
            !format!("{keyed:?}").contains("k3y"),
            "the key never shows in Debug"
        );
    }

    #[test]
    fn user_config_overrides_and_adds() {
        let config = Config::parse(
            r#"
            [sources.ipsum]
            enabled = false
            interval = "6h"
            [sources.urlhaus]
            key_env = "MY_ABUSE_KEY"
            url = "https://mirror.example/urlhaus.csv"

            [[feeds]]
            name = "my_list"
            url = "https://lists.example/bad.txt"
            format = "lines"
            interval = 600
            "#,
        )
        .expect("config");
        let c = Catalogue::new(&config, &|_| None, &http()).expect("catalogue");
        let ipsum = c.get("ipsum").expect("ipsum");
        assert_eq!(ipsum.spec().interval, 6 * 3600);
        assert_eq!(
            ipsum.disabled_reason().as_deref(),
            Some("disabled in exist.toml")
        );
        let urlhaus = c.get("urlhaus").expect("urlhaus");
        assert_eq!(urlhaus.spec().url, "https://mirror.example/urlhaus.csv");
        assert_eq!(
            urlhaus.disabled_reason().as_deref(),
            Some("needs an API key: set MY_ABUSE_KEY")
        );
        assert_eq!(c.get("my_list").map(|f| f.spec().interval), Some(600));
        assert_eq!(c.feeds().len(), 18);
        let err = c.select(&["nope".into()]).expect_err("unknown");
        assert!(err.to_string().contains("known: urlhaus"), "{err}");
    }

    #[test]
    fn bad_config_says_where_and_what() {
        for (text, want) in [
            ("[sources.nope]\nenabled = false\n", "no such source"),
            ("[sources.ipsum]\ninterval = \"soon\"\n", "invalid interval"),
            ("[sources.ipsum]\nkey_env = \"X\"\n", "takes no key"),
            (
                "[[feeds]]\nname = \"x\"\nurl = \"ftp://x\"\nformat = \"lines\"\n",
                "url must start",
            ),
            (
                "[[feeds]]\nname = \"x\"\nurl = \"https://x\"\nformat = \"lines\"\nfields = { indicator = \"{ip}\" }\n",
                "numbered fields",
            ),
            (
                "[[feeds]]\nname = \"x\"\nurl = \"https://x\"\nformat = \"yaml\"\n",
                "unknown variant",
            ),
            ("[typo]\n", "unknown field"),
        ] {
            let err = Config::parse(text)
                .map_err(|e| e.to_string())
                .and_then(|c| {
                    Catalogue::new(&c, &|_| None, &http())
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })
                .expect_err(text);
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
