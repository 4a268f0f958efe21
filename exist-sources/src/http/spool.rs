//! Bodies are spooled to an unnamed temporary file, not held in memory: a
//! feed of a million lines costs disk, not RAM. Compressed files served as
//! files (`.gz`, `.zip`), which reqwest's transparent `Content-Encoding`
//! decoding does not touch, are recognised by their magic bytes and decoded
//! into a second temporary file with a cap, so a decompression bomb stops at
//! the limit.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};

use crate::error::{Error, Result};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// A spooled body: the file (rewound), its length and a hash of the content.
#[derive(Debug)]
pub struct Spooled {
    /// The (decompressed) body, positioned at its start.
    pub file: File,
    /// Its length in bytes.
    pub len: u64,
}

/// An unnamed temporary file, gone when dropped.
pub(crate) fn temp_file(url: &str) -> Result<File> {
    tempfile::tempfile().map_err(|e| Error::Spool {
        url: url.to_owned(),
        source: e,
    })
}

pub(crate) fn io_err(url: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Spool {
        url: url.to_owned(),
        source,
    }
}

/// `raw` itself (rewound), or its decompressed content if it is a gzip or zip
/// file, capped at `cap` bytes.
pub(crate) fn decompress(mut raw: File, raw_len: u64, cap: u64, url: &str) -> Result<Spooled> {
    let mut magic = [0u8; 4];
    raw.seek(SeekFrom::Start(0)).map_err(io_err(url))?;
    let n = read_up_to(&mut raw, &mut magic).map_err(io_err(url))?;
    raw.seek(SeekFrom::Start(0)).map_err(io_err(url))?;
    let magic = &magic[..n];
    if magic.starts_with(&GZIP_MAGIC) {
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::new(raw));
        copy_capped(decoder, cap, url, "gzip")
    } else if magic == ZIP_MAGIC {
        let mut archive = zip::ZipArchive::new(raw).map_err(|e| Error::Truncated {
            url: url.to_owned(),
            detail: format!("zip: {e}"),
        })?;
        let index = (0..archive.len())
            .find(|&i| archive.by_index(i).is_ok_and(|f| f.is_file()))
            .ok_or_else(|| Error::Truncated {
                url: url.to_owned(),
                detail: "zip: the archive holds no file".into(),
            })?;
        let entry = archive.by_index(index).map_err(|e| Error::Truncated {
            url: url.to_owned(),
            detail: format!("zip: {e}"),
        })?;
        copy_capped(entry, cap, url, "zip")
    } else {
        Ok(Spooled {
            file: raw,
            len: raw_len,
        })
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn copy_capped(reader: impl Read, cap: u64, url: &str, what: &str) -> Result<Spooled> {
    let mut out = temp_file(url)?;
    let mut limited = reader.take(cap + 1);
    let mut writer = std::io::BufWriter::with_capacity(256 * 1024, &mut out);
    let len = match std::io::copy(&mut limited, &mut writer) {
        Ok(len) => len,
        Err(e) => {
            return Err(Error::Truncated {
                url: url.to_owned(),
                detail: format!("{what}: {e}"),
            });
        }
    };
    writer.flush().map_err(io_err(url))?;
    drop(writer);
    if len > cap {
        return Err(Error::TooLarge {
            url: url.to_owned(),
            limit: cap,
        });
    }
    out.seek(SeekFrom::Start(0)).map_err(io_err(url))?;
    Ok(Spooled { file: out, len })
}
