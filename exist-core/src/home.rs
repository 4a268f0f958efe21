//! Where exist keeps its data: `$EXIST_HOME`, by default `~/.local/share/exist`.
//!
//! Every frontend resolves the home and the default database the same way, so
//! the CLI, the server and the Python bindings open the same store by default.

use std::path::{Path, PathBuf};

/// The environment variable naming exist's home directory.
pub const HOME_ENV: &str = "EXIST_HOME";

/// The SQLite file inside the home used when no database URL is given.
pub const DATABASE_FILE: &str = "exist.db";

/// The home directory: `explicit` if given, else `$EXIST_HOME`, else
/// `$XDG_DATA_HOME/exist`, else `~/.local/share/exist`, else `./.exist`.
pub fn resolve_home(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(HOME_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("XDG_DATA_HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(p).join("exist");
    }
    match std::env::var_os("HOME").filter(|p| !p.is_empty()) {
        Some(h) => PathBuf::from(h).join(".local/share/exist"),
        None => PathBuf::from(".exist"),
    }
}

/// The SQLite URL of the default database in `home` (created on first open).
pub fn default_database_url(home: &Path) -> String {
    format!("sqlite://{}?mode=rwc", home.join(DATABASE_FILE).display())
}
