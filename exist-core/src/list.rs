//! Reading indicator lists: the plain "one indicator per line" files every
//! blocklist and analyst produces, and CSV exports with an `indicator` column.
//!
//! The reader streams (a 1M-line list is never held in memory), and a bad line
//! is an item of its own, never an error that stops the read: the caller counts
//! it and keeps the first few as samples with their line numbers.

use std::io::{BufRead, BufReader, Read};

use crate::error::{Error, Result, quote};
use crate::record::RejectedLine;
use crate::{Indicator, ReputationEntry};

/// How many refused lines a [`ListReport`] keeps as samples.
pub const REJECTED_SAMPLES: usize = 10;

/// The two list formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// One indicator per line; `#` starts a comment line; blank lines skipped. A
    /// line with more fields (IPsum's `IP<TAB>count`) gives its first field.
    Lines,
    /// CSV with a header naming an `indicator` column, and optionally
    /// `category`, `description` and `reference`.
    Csv,
}

/// One item of a list: an accepted entry, or a refused line.
#[derive(Debug, Clone, PartialEq)]
pub enum ListItem {
    /// A line that holds an indicator.
    Entry {
        /// 1-based line number.
        line: u64,
        /// The entry, attributed to the reader's source.
        entry: ReputationEntry,
    },
    /// A line that does not.
    Rejected(RejectedLine),
}

/// Counts of a whole read, with samples of refused lines.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ListReport {
    /// Lines holding data (not blank, not comments).
    pub read: u64,
    /// Lines that gave an indicator.
    pub accepted: u64,
    /// Lines refused.
    pub rejected: u64,
    /// The first [`REJECTED_SAMPLES`] refused lines.
    pub rejected_samples: Vec<RejectedLine>,
}

impl ListReport {
    /// Counts one item.
    pub fn count(&mut self, item: &ListItem) {
        self.read += 1;
        match item {
            ListItem::Entry { .. } => self.accepted += 1,
            ListItem::Rejected(r) => {
                self.rejected += 1;
                if self.rejected_samples.len() < REJECTED_SAMPLES {
                    self.rejected_samples.push(r.clone());
                }
            }
        }
    }
}

/// A streaming reader of an indicator list.
///
/// ```
/// use exist_core::{IndicatorListReader, ListItem};
///
/// let text = "# my list\nevil[.]example\nnot an indicator\n192.0.2.1\t3\n";
/// let items: Vec<ListItem> = IndicatorListReader::new(text.as_bytes(), "mine").unwrap().collect();
/// assert_eq!(items.len(), 3);
/// assert!(matches!(&items[1], ListItem::Rejected(r) if r.line == 3));
/// ```
pub struct IndicatorListReader<R: Read> {
    source: String,
    inner: Inner<R>,
}

enum Inner<R: Read> {
    Lines {
        reader: BufReader<R>,
        line: u64,
        buf: String,
        /// Set after a read error: the error is reported once, then the read ends.
        failed: bool,
    },
    Csv {
        records: csv::StringRecordsIntoIter<BufReader<R>>,
        columns: CsvColumns,
    },
}

struct CsvColumns {
    indicator: usize,
    category: Option<usize>,
    description: Option<usize>,
    reference: Option<usize>,
}

impl<R: Read> IndicatorListReader<R> {
    /// Detects the format from the first data line and prepares to read entries
    /// of source `source`.
    pub fn new(reader: R, source: impl Into<String>) -> Result<Self> {
        let mut reader = BufReader::with_capacity(256 * 1024, reader);
        let head = reader.fill_buf().map_err(|e| Error::Io {
            what: "indicator list".into(),
            source: e,
        })?;
        let columns = detect_csv(head);
        let inner = match columns {
            Some(columns) => {
                let records = csv::ReaderBuilder::new()
                    .comment(Some(b'#'))
                    .flexible(true)
                    .trim(csv::Trim::All)
                    .from_reader(reader)
                    .into_records();
                Inner::Csv { records, columns }
            }
            None => Inner::Lines {
                reader,
                line: 0,
                buf: String::new(),
                failed: false,
            },
        };
        Ok(Self {
            source: source.into(),
            inner,
        })
    }

    /// The detected format.
    pub fn format(&self) -> ListFormat {
        match self.inner {
            Inner::Lines { .. } => ListFormat::Lines,
            Inner::Csv { .. } => ListFormat::Csv,
        }
    }
}

/// The CSV columns when the first data line is a header with `indicator`.
fn detect_csv(head: &[u8]) -> Option<CsvColumns> {
    let text = String::from_utf8_lossy(&head[..head.len().min(64 * 1024)]);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    if !first.contains(',') {
        return None;
    }
    let mut header = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(first.as_bytes());
    let record = header.records().next()?.ok()?;
    let names: Vec<String> = record
        .iter()
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    let find = |n: &str| names.iter().position(|c| c == n);
    Some(CsvColumns {
        indicator: find("indicator")?,
        category: find("category"),
        description: find("description"),
        reference: find("reference"),
    })
}

fn rejected(line: u64, input: &str, reason: impl ToString) -> ListItem {
    ListItem::Rejected(RejectedLine {
        line,
        input: quote(input),
        reason: reason.to_string(),
    })
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl<R: Read> Iterator for IndicatorListReader<R> {
    type Item = ListItem;

    fn next(&mut self) -> Option<ListItem> {
        match &mut self.inner {
            Inner::Lines {
                reader,
                line,
                buf,
                failed,
            } => loop {
                if *failed {
                    return None;
                }
                buf.clear();
                let mut bytes = Vec::new();
                match reader.read_until(b'\n', &mut bytes) {
                    Ok(0) => return None,
                    Ok(_) => {}
                    Err(e) => {
                        // Reported once; a reader that failed is not read again.
                        *failed = true;
                        *line += 1;
                        return Some(rejected(*line, "", format!("read error: {e}")));
                    }
                }
                *line += 1;
                buf.push_str(&String::from_utf8_lossy(&bytes));
                let text = buf.trim();
                if text.is_empty() || text.starts_with('#') {
                    continue;
                }
                let parsed =
                    Indicator::parse(text).or_else(|e| match text.split_whitespace().next() {
                        Some(first) if first != text => Indicator::parse(first),
                        _ => Err(e),
                    });
                return Some(match parsed {
                    Ok(indicator) => ListItem::Entry {
                        line: *line,
                        entry: ReputationEntry::new(indicator, self.source.clone()),
                    },
                    Err(e) => rejected(*line, text, reason_of(&e)),
                });
            },
            Inner::Csv { records, columns } => {
                let record = records.next()?;
                Some(match record {
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        rejected(line, "", format!("malformed CSV: {e}"))
                    }
                    Ok(r) => {
                        let line = r.position().map_or(0, |p| p.line());
                        let value = r.get(columns.indicator).unwrap_or("");
                        match Indicator::parse(value) {
                            Ok(indicator) => {
                                let mut entry =
                                    ReputationEntry::new(indicator, self.source.clone());
                                entry.category = non_empty(columns.category.and_then(|c| r.get(c)));
                                entry.description =
                                    non_empty(columns.description.and_then(|c| r.get(c)));
                                entry.reference =
                                    non_empty(columns.reference.and_then(|c| r.get(c)));
                                ListItem::Entry { line, entry }
                            }
                            Err(e) => rejected(
                                line,
                                &r.iter().collect::<Vec<_>>().join(","),
                                reason_of(&e),
                            ),
                        }
                    }
                })
            }
        }
    }
}

fn reason_of(e: &Error) -> String {
    match e {
        Error::NotAnIndicator { reason, .. } | Error::WrongKind { reason, .. } => {
            format!("not an indicator: {reason}")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str) -> (ListFormat, ListReport, Vec<String>) {
        let reader = IndicatorListReader::new(text.as_bytes(), "t").expect("reader");
        let format = reader.format();
        let mut report = ListReport::default();
        let mut values = Vec::new();
        for item in reader {
            report.count(&item);
            if let ListItem::Entry { entry, .. } = item {
                values.push(entry.indicator.value().to_owned());
            }
        }
        (format, report, values)
    }

    #[test]
    fn plain_list_counts_and_samples_bad_lines() {
        let (format, r, values) = report(
            "# header\n\nevil.example\n  192.0.2.1\t7\nbogus line here\nhxxp://x[.]example/a\n",
        );
        assert_eq!(format, ListFormat::Lines);
        assert_eq!((r.read, r.accepted, r.rejected), (4, 3, 1));
        assert_eq!(values, ["evil.example", "192.0.2.1", "http://x.example/a"]);
        assert_eq!(r.rejected_samples[0].line, 5);
        assert_eq!(r.rejected_samples[0].input, "bogus line here");
    }

    #[test]
    fn csv_with_indicator_column() {
        let text = "# export\nid,Indicator,category,description\n1,evil.example,c2,\"Emotet, epoch 4\"\n2,,x,y\n3,192.0.2.9,scan,\n";
        let reader = IndicatorListReader::new(text.as_bytes(), "t").expect("reader");
        assert_eq!(reader.format(), ListFormat::Csv);
        let items: Vec<_> = reader.collect();
        assert_eq!(items.len(), 3);
        match &items[0] {
            ListItem::Entry { line, entry } => {
                assert_eq!(*line, 3);
                assert_eq!(entry.category.as_deref(), Some("c2"));
                assert_eq!(entry.description.as_deref(), Some("Emotet, epoch 4"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&items[1], ListItem::Rejected(r) if r.line == 4));
    }

    /// A reader that fails every read, like a file on a vanished mount.
    struct Broken;

    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("device gone"))
        }
    }

    #[test]
    fn a_failing_reader_ends_the_list() {
        match IndicatorListReader::new(Broken, "t") {
            Err(e) => assert!(e.to_string().contains("indicator list")),
            Ok(r) => assert!(r.count() <= 1),
        }
    }

    #[test]
    fn samples_are_capped() {
        let text = "x\n".repeat(100);
        let (_, r, _) = report(&text);
        assert_eq!(r.rejected, 100);
        assert_eq!(r.rejected_samples.len(), REJECTED_SAMPLES);
    }
}
