//! Gzip files served as files (`.gz`, `application/gzip`), which reqwest's
//! transparent `Content-Encoding` decoding does not touch: recognised by their
//! magic bytes and decoded with a cap, so a gzip bomb stops at the limit.

use std::io::Read;

use crate::error::{Error, Result};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// `raw` itself, or its gzip content if it is a gzip file.
pub(crate) fn maybe_gunzip(raw: Vec<u8>, cap: u64, url: &str) -> Result<Vec<u8>> {
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }
    let mut out = Vec::new();
    let decoder = flate2::read::MultiGzDecoder::new(raw.as_slice());
    match decoder.take(cap + 1).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > cap => Err(Error::TooLarge {
            url: url.to_owned(),
            limit: cap,
        }),
        Ok(_) => Ok(out),
        Err(e) => Err(Error::Truncated {
            url: url.to_owned(),
            detail: format!("gzip: {e}"),
        }),
    }
}
