//! The one error type of exist-core.
//!
//! Inputs that reach this crate are attacker-controlled (feed lines, tweets, MISP
//! comments), so every message quotes the offending input shortened to
//! [`MAX_QUOTED`] characters: an error must never become a way to flood a log.

use crate::IndicatorKind;

/// How many characters of a bad input an error message quotes.
pub const MAX_QUOTED: usize = 120;

/// Errors of exist-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not an indicator of any kind exist knows.
    #[error("not an indicator: {input:?}: {reason}")]
    NotAnIndicator {
        /// The input, shortened to [`MAX_QUOTED`] characters.
        input: String,
        /// Why it was refused, for people.
        reason: &'static str,
    },
    /// The input was expected to be of one kind and is not.
    #[error("not a valid {expected}: {input:?}: {reason}")]
    WrongKind {
        /// The kind asked for.
        expected: IndicatorKind,
        /// The input, shortened to [`MAX_QUOTED`] characters.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A name does not denote an indicator kind.
    #[error("unknown indicator kind {0:?}")]
    UnknownKind(String),
    /// An indicator list or CSV could not be read at all (not a single bad line:
    /// those are counted, see [`crate::ListReport`]).
    #[error("cannot read indicator list: {0}")]
    List(String),
    /// Reading input failed.
    #[error("I/O error while reading {what}")]
    Io {
        /// What was being read (a path, "standard input").
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shortens an attacker-controlled input for quoting in a message.
pub(crate) fn quote(input: &str) -> String {
    if input.chars().count() <= MAX_QUOTED {
        input.to_owned()
    } else {
        let mut s: String = input.chars().take(MAX_QUOTED).collect();
        s.push('…');
        s
    }
}

pub(crate) fn not_an_indicator(input: &str, reason: &'static str) -> Error {
    Error::NotAnIndicator {
        input: quote(input),
        reason,
    }
}
