//! Shared test helpers: fixture paths and fresh databases on every backend.
//!
//! Store tests run the same scenario on SQLite (always), PostgreSQL (when
//! `EXIST_TEST_POSTGRES_URL` is set) and MariaDB/MySQL (when
//! `EXIST_TEST_MYSQL_URL` is set). Each test gets its own database, created on
//! the server and dropped by [`TestDb::cleanup`], so tests run in parallel.
//! A backend without a URL is skipped with a message saying so.

pub mod bench;
pub mod dns;
mod http;

pub use http::{Reply, Seen, TestServer};

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};

/// Environment variable with a PostgreSQL server URL for tests.
pub const POSTGRES_ENV: &str = "EXIST_TEST_POSTGRES_URL";
/// Environment variable with a MariaDB/MySQL server URL for tests.
pub const MYSQL_ENV: &str = "EXIST_TEST_MYSQL_URL";

/// The path of a file under the repository's `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// A fresh, empty database for one test.
pub struct TestDb {
    /// `sqlite`, `postgres` or `mysql`.
    pub backend: &'static str,
    /// The URL to open it with.
    pub url: String,
    server: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Drops the database on its server (SQLite files go with their temp dir).
    pub async fn cleanup(self) {
        if let Some((server, name)) = &self.server
            && let Ok(db) = Database::connect(server.as_str()).await
        {
            let _ = db
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await;
            let _ = db.close().await;
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(test: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let salt = xxhash_rust::xxh3::xxh3_64(format!("{test}{}{n}", std::process::id()).as_bytes());
    format!("exist_t_{}_{n}_{:08x}", std::process::id(), salt as u32)
}

/// A temporary SQLite file database.
pub fn sqlite_db() -> TestDb {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("cannot create a temp dir: {e}"),
    };
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("exist.db").display()
    );
    TestDb {
        backend: "sqlite",
        url,
        server: None,
        _dir: Some(dir),
    }
}

async fn server_db(backend: &'static str, env: &str, test: &str) -> Option<TestDb> {
    let Some(server) = std::env::var(env).ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipping {backend} for {test}: {env} is not set");
        return None;
    };
    let name = unique_name(test);
    let db = match Database::connect(server.as_str()).await {
        Ok(db) => db,
        Err(e) => panic!("{env}={server} is set but unreachable: {e}"),
    };
    if let Err(e) = db
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
    {
        panic!("cannot create test database {name} on {backend}: {e}");
    }
    let _ = db.close().await;
    // Replace the database name (the path) of the server URL.
    let (base, query) = server
        .split_once('?')
        .map_or((server.as_str(), None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut url = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    Some(TestDb {
        backend,
        url,
        server: Some((server, name)),
        _dir: None,
    })
}

/// One fresh database per available backend: SQLite always, PostgreSQL and
/// MariaDB/MySQL when their environment variables are set.
pub async fn all_databases(test: &str) -> Vec<TestDb> {
    let mut dbs = vec![sqlite_db()];
    dbs.extend(server_db("postgres", POSTGRES_ENV, test).await);
    dbs.extend(server_db("mysql", MYSQL_ENV, test).await);
    dbs
}
