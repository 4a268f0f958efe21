//! A small builder for the raw statements of the bulk and lookup paths, where
//! sea-orm's query builder would cost more than the query: placeholders are
//! numbered for PostgreSQL and `?` elsewhere, and the few dialect differences
//! (upsert syntax, integer division) are spelled once here.

use chrono::{DateTime, Utc};
use sea_orm::{DbBackend, Statement, Value};

pub(crate) struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend, text: &str) -> Self {
        Self {
            backend,
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.values.len().to_string());
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `(?, ?, …)` for a list of values.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.text.push('(');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self.text.push(')');
        self
    }

    pub fn build(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// `ON CONFLICT … DO NOTHING` / `INSERT IGNORE`.
pub(crate) fn insert_ignore(backend: DbBackend, table_and_columns: &str) -> String {
    match backend {
        DbBackend::MySql => format!("INSERT IGNORE INTO {table_and_columns} VALUES "),
        _ => format!("INSERT INTO {table_and_columns} VALUES "),
    }
}

pub(crate) fn insert_ignore_tail(backend: DbBackend, conflict_columns: &str) -> String {
    match backend {
        DbBackend::MySql => String::new(),
        _ => format!(" ON CONFLICT ({conflict_columns}) DO NOTHING"),
    }
}

/// Integer division of a Unix-seconds column into days.
pub(crate) fn day_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::MySql => format!("({column} DIV 86400)"),
        _ => format!("({column} / 86400)"),
    }
}

/// Case-insensitive LIKE.
pub(crate) fn ilike(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "ILIKE",
        _ => "LIKE",
    }
}

/// A LIKE pattern matching `needle` anywhere, with wildcards escaped.
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The ESCAPE clause matching [`contains_pattern`], in each dialect's quoting.
pub(crate) fn like_escape(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::MySql => " ESCAPE '\\\\'",
        _ => " ESCAPE '\\'",
    }
}

/// A Unix-seconds column value as a time (the epoch for values out of range,
/// which only a foreign row could hold).
pub(crate) fn from_unix(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}
