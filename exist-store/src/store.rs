//! Opening a store: the URL decides the backend, and each backend gets the
//! settings that make the bulk path fast (SQLite: WAL, NORMAL sync, a large
//! page cache).

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use serde::Serialize;

use crate::error::{Error, QueryContext, Result};
use crate::migration::Migrator;

/// The store: records and the indicator index in one database.
///
/// Cloning is cheap (the connection pool is shared).
#[derive(Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    url: String,
    /// The direct writer for SQLite files (`None` for other backends and for
    /// in-memory SQLite), see `sqlite_bulk.rs`.
    pub(crate) sqlite_bulk: Option<std::sync::Arc<crate::sqlite_bulk::SqliteBulk>>,
    /// Source name → id, filled as sources are met (see `sources.rs`).
    pub(crate) source_ids: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, i64>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// What `exist db info` shows.
#[derive(Debug, Clone, Serialize)]
pub struct StoreInfo {
    /// `sqlite`, `postgres` or `mysql`.
    pub backend: &'static str,
    /// The URL with any password removed.
    pub url: String,
    /// Applied migrations, oldest first.
    pub migrations: Vec<String>,
    /// Migrations known to this build but not applied.
    pub pending: Vec<String>,
}

/// Removes the password from a database URL, for messages and `db info`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..auth_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let shown = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            format!("{}://{}{}", &url[..scheme_end], shown, &rest[at..])
        }
        None => url.to_owned(),
    }
}

fn backend_of(url: &str) -> Option<DbBackend> {
    let scheme = url.split(':').next()?;
    match scheme {
        "sqlite" => Some(DbBackend::Sqlite),
        "postgres" | "postgresql" => Some(DbBackend::Postgres),
        "mysql" | "mariadb" => Some(DbBackend::MySql),
        _ => None,
    }
}

impl Store {
    /// Opens the database at `url` (`sqlite://path?mode=rwc`, `sqlite::memory:`,
    /// `postgres://…`, `mysql://…`) without migrating it.
    pub async fn connect(url: &str) -> Result<Self> {
        let shown = redact_url(url);
        let backend =
            backend_of(url).ok_or_else(|| Error::UnsupportedUrl { url: shown.clone() })?;
        let url = match backend {
            DbBackend::MySql if url.starts_with("mariadb:") => {
                url.replacen("mariadb:", "mysql:", 1)
            }
            _ => url.to_owned(),
        };
        let sqlite_file = if backend == DbBackend::Sqlite {
            sqlite_path(&url)
        } else {
            None
        };
        if let Some(dir) = sqlite_file
            .as_deref()
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let mut opts = ConnectOptions::new(url.clone());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if backend == DbBackend::Sqlite {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            // One connection: SQLite has one writer anyway, and an in-memory
            // database exists only on the connection that made it.
            opts.max_connections(if memory { 1 } else { 4 })
                .min_connections(1);
            opts.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("cache_size", "-65536")
                    .pragma("temp_store", "memory")
            });
        } else {
            // A refused connection should fail in seconds, not after sqlx's 30 s.
            opts.max_connections(8)
                .map_sqlx_postgres_pool_opts(|o| o.acquire_timeout(Duration::from_secs(5)))
                .map_sqlx_mysql_pool_opts(|o| o.acquire_timeout(Duration::from_secs(5)));
        }
        let db = Database::connect(opts)
            .await
            .map_err(|source| Error::Connect {
                url: shown.clone(),
                source,
            })?;
        let sqlite_bulk =
            sqlite_file.map(|p| std::sync::Arc::new(crate::sqlite_bulk::SqliteBulk::new(p)));
        Ok(Self {
            db,
            url: shown,
            sqlite_bulk,
            source_ids: Default::default(),
        })
    }

    /// Opens the database at `url` and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<()> {
        Migrator::up(&self.db, None).await.map_err(Error::Migrate)
    }

    /// The backend in use.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// The connection, for code that needs sea-orm directly.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Backend, redacted URL and migration state.
    pub async fn info(&self) -> Result<StoreInfo> {
        let applied = Migrator::get_applied_migrations(&self.db)
            .await
            .ctx("reading migrations")?;
        let pending = Migrator::get_pending_migrations(&self.db)
            .await
            .ctx("reading migrations")?;
        Ok(StoreInfo {
            backend: match self.backend() {
                DbBackend::Sqlite => "sqlite",
                DbBackend::Postgres => "postgres",
                _ => "mysql",
            },
            url: self.url.clone(),
            migrations: applied.iter().map(|m| m.name().to_owned()).collect(),
            pending: pending.iter().map(|m| m.name().to_owned()).collect(),
        })
    }
}

/// The file of a SQLite URL; `None` for in-memory databases.
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or("");
    let memory = path.is_empty() || path.contains(":memory:") || url.contains("mode=memory");
    (!memory).then(|| std::path::PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_shown() {
        assert_eq!(
            redact_url("postgres://u:s3cret@db:5432/x"),
            "postgres://u:***@db:5432/x"
        );
        assert_eq!(
            redact_url("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
        assert_eq!(
            redact_url("sqlite:///tmp/a.db?mode=rwc"),
            "sqlite:///tmp/a.db?mode=rwc"
        );
    }
}
