//! Field templates of declarative feeds: `"{2}"`, `"{url}"`, `"{0}/{2}"`,
//! `"https://threatfox.abuse.ch/ioc/{id}/"`, or plain constant text.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    text: String,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(Key),
}

/// A field reference: a column number, or a column / JSON key name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// 0-based column.
    Index(usize),
    /// Column name or dotted JSON path.
    Name(String),
}

impl Template {
    /// Parses `text`; an unclosed or empty `{}` is an error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in template {text:?}"))?;
            let name = rest[open + 1..open + close].trim();
            if name.is_empty() {
                return Err(format!("empty `{{}}` in template {text:?}"));
            }
            pieces.push(Piece::Field(match name.parse() {
                Ok(i) => Key::Index(i),
                Err(_) => Key::Name(name.to_owned()),
            }));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(Self {
            text: text.to_owned(),
            pieces,
        })
    }

    /// The template of one field, `{name}`.
    pub(crate) fn field(name: &str) -> Self {
        Self::parse(&format!("{{{name}}}")).unwrap_or_else(|_| Self {
            text: String::new(),
            pieces: Vec::new(),
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The fields it refers to.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &Key> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Field(k) => Some(k),
            Piece::Text(_) => None,
        })
    }

    /// Fills the template; `lookup` gives a field's text (`None` when absent,
    /// rendered empty). Returns `None` when every field was absent or empty
    /// and the template has fields, so `"{tags}"` of an untagged entry is no
    /// description rather than an empty one.
    pub(crate) fn render<'a>(
        &self,
        mut lookup: impl FnMut(&Key) -> Option<&'a str>,
    ) -> Option<String> {
        let mut out = String::new();
        let mut any_field = false;
        let mut any_value = false;
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(k) => {
                    any_field = true;
                    if let Some(v) = lookup(k).map(str::trim).filter(|v| !v.is_empty()) {
                        any_value = true;
                        out.push_str(v);
                    }
                }
            }
        }
        let out = out.trim();
        (!out.is_empty() && (any_value || !any_field)).then(|| out.to_owned())
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Template::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(t: &str, fields: &[&str]) -> Option<String> {
        let t = Template::parse(t).expect("template");
        t.render(|k| match k {
            Key::Index(i) => fields.get(*i).copied(),
            Key::Name(n) => (n == "url").then_some("http://x.example/"),
        })
    }

    #[test]
    fn fields_constants_and_joins() {
        assert_eq!(fill("{1}", &["a", "b"]).as_deref(), Some("b"));
        assert_eq!(
            fill("{0}/{2}", &["192.0.2.0", "x", "24"]).as_deref(),
            Some("192.0.2.0/24")
        );
        assert_eq!(fill("phishing", &[]).as_deref(), Some("phishing"));
        assert_eq!(
            fill("see {url}", &[]).as_deref(),
            Some("see http://x.example/")
        );
        assert_eq!(fill("{5}", &["a"]), None, "an absent field renders nothing");
        assert_eq!(
            fill("tags: {1}", &["a", " "]),
            None,
            "only constant text left"
        );
    }

    #[test]
    fn bad_templates_are_refused() {
        assert!(Template::parse("{url").is_err());
        assert!(Template::parse("{}").is_err());
    }
}
