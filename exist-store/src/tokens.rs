//! API tokens: `exist_<id>_<secret>`, 128 random bits of secret. The store
//! keeps the id, a name, the scope and the SHA-256 of the whole token; the
//! token itself exists only in the answer to its creation. Verification looks
//! the row up by id and compares hashes in constant time.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, QueryContext, Result};
use crate::sql::{Sql, from_unix};
use crate::store::Store;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Read everything.
    Read,
    /// Read, and change things (run sources, manage hunts).
    Admin,
}

impl Scope {
    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Admin => "admin",
        }
    }

    /// `read` or `admin`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Self::Read),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// A stored token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// Its public id (the part after `exist_`).
    pub id: String,
    /// What it is for.
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The public id of a token of the form `exist_<8 hex>_<secret>`.
fn token_id(token: &str) -> Option<&str> {
    token
        .strip_prefix("exist_")
        .and_then(|rest| rest.split_once('_'))
        .map(|(id, _)| id)
        .filter(|id| id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::Corrupt(format!("no randomness for a token: {e}")))?;
    Ok(hex::encode(buf))
}

impl Store {
    /// Creates a token; returns it (the only time it is shown) and its info.
    pub async fn create_token(&self, name: &str, scope: Scope) -> Result<(String, TokenInfo)> {
        let id = random_hex(4)?;
        let token = format!("exist_{id}_{}", random_hex(16)?);
        let info = self.insert_token(&id, &token, name, scope).await?;
        Ok((token, info))
    }

    /// Stores a token the operator chose (`EXIST_ADMIN_TOKEN`), if it has the
    /// token form and is not stored yet; returns its info.
    pub async fn import_token(&self, token: &str, name: &str, scope: Scope) -> Result<TokenInfo> {
        if let Some(info) = self.verify_token(token).await? {
            return Ok(info);
        }
        let id = token_id(token)
            .filter(|_| token.len() >= "exist_".len() + 8 + 1 + 32)
            .ok_or_else(|| {
                Error::Corrupt(
                    "a token must look like exist_<8 hex>_<32 or more characters>".into(),
                )
            })?;
        self.insert_token(id, token, name, scope).await
    }

    /// Stores the hash of `token` under `id`.
    async fn insert_token(
        &self,
        id: &str,
        token: &str,
        name: &str,
        scope: Scope,
    ) -> Result<TokenInfo> {
        let name: String = name.chars().take(128).collect();
        let now = Utc::now();
        let mut sql = Sql::new(
            self.backend(),
            "INSERT INTO api_tokens (id, name, scope, hash, created_at) VALUES (",
        );
        sql.bind(id.to_owned());
        sql.push(", ").bind(name.clone());
        sql.push(", ").bind(scope.as_str().to_owned());
        sql.push(", ").bind(hash(token));
        sql.push(", ").bind(now.timestamp());
        sql.push(")");
        self.db
            .execute_raw(sql.build())
            .await
            .ctx("storing a token")?;
        Ok(TokenInfo {
            id: id.to_owned(),
            name,
            scope,
            created_at: from_unix(now.timestamp()),
        })
    }

    /// The token's info when `token` is a valid, unrevoked token.
    pub async fn verify_token(&self, token: &str) -> Result<Option<TokenInfo>> {
        let Some(id) = token_id(token) else {
            return Ok(None);
        };
        let mut sql = Sql::new(
            self.backend(),
            "SELECT id, name, scope, hash, created_at FROM api_tokens WHERE id = ",
        );
        sql.bind(id.to_owned());
        let Some(row) = self
            .db
            .query_one_raw(sql.build())
            .await
            .ctx("checking a token")?
        else {
            return Ok(None);
        };
        let stored: String = row.try_get_by_index(3).ctx("checking a token")?;
        let given = hash(token);
        let same = stored.len() == given.len()
            && stored
                .bytes()
                .zip(given.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return Ok(None);
        }
        Ok(Some(self.token_row(&row)?))
    }

    fn token_row(&self, row: &sea_orm::QueryResult) -> Result<TokenInfo> {
        let scope: String = row.try_get_by_index(2).ctx("reading a token")?;
        Ok(TokenInfo {
            id: row.try_get_by_index(0).ctx("reading a token")?,
            name: row.try_get_by_index(1).ctx("reading a token")?,
            scope: Scope::parse(&scope)
                .ok_or_else(|| Error::Corrupt(format!("token scope {scope:?}")))?,
            created_at: from_unix(row.try_get_by_index(4).ctx("reading a token")?),
        })
    }

    /// Every token, without secrets.
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let rows = self
            .db
            .query_all_raw(
                Sql::new(self.backend(), "SELECT id, name, scope, hash, created_at FROM api_tokens ORDER BY created_at, id").build(),
            )
            .await
            .ctx("listing tokens")?;
        rows.iter().map(|r| self.token_row(r)).collect()
    }

    /// Revokes the token with `id`; false when there was none.
    pub async fn revoke_token(&self, id: &str) -> Result<bool> {
        let mut sql = Sql::new(self.backend(), "DELETE FROM api_tokens WHERE id = ");
        sql.bind(id.to_owned());
        let done = self
            .db
            .execute_raw(sql.build())
            .await
            .ctx("revoking a token")?;
        Ok(done.rows_affected() > 0)
    }
}
