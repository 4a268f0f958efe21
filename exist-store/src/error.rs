//! The one error type of exist-store.

/// Errors of exist-store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL names no backend exist supports.
    #[error("unsupported database URL {url:?}: use sqlite://, postgres:// or mysql://")]
    UnsupportedUrl {
        /// The URL, with any password removed.
        url: String,
    },
    /// Connecting to the database failed.
    #[error("cannot open database {url}")]
    Connect {
        /// The URL, with any password removed.
        url: String,
        /// The cause.
        #[source]
        source: sea_orm::DbErr,
    },
    /// Creating the directory of a SQLite file failed.
    #[error("cannot create database directory {path}")]
    CreateDir {
        /// The directory.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Running the migrations failed.
    #[error("database migration failed")]
    Migrate(#[source] sea_orm::DbErr),
    /// A query failed.
    #[error("database query failed while {what}")]
    Query {
        /// What the store was doing ("upserting reputation entries").
        what: &'static str,
        /// The cause.
        #[source]
        source: sea_orm::DbErr,
    },
    /// The SQLite bulk writer failed.
    #[error("SQLite failed while {what}")]
    Sqlite {
        /// What the store was doing.
        what: &'static str,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// Input handed to the store could not be read (an unreadable list file).
    #[error("cannot read input: {0}")]
    Input(String),
    /// A stored value could not be read back (a corrupted or foreign row).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds "what was the store doing" to a database error.
pub(crate) trait QueryContext<T> {
    fn ctx(self, what: &'static str) -> Result<T>;
}

impl<T> QueryContext<T> for std::result::Result<T, sea_orm::DbErr> {
    fn ctx(self, what: &'static str) -> Result<T> {
        self.map_err(|source| Error::Query { what, source })
    }
}
