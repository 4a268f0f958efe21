//! Feeds: sources that download a document (line list, CSV, JSON) and parse
//! it into reputation entries, defined declaratively — the built-in catalogue
//! and the user's `[[feeds]]` in `exist.toml` are the same kind of entry.

mod feed;
mod parse;
mod spec;
mod template;

pub use feed::Feed;
pub(crate) use spec::interval;
pub use spec::{AuthSpec, FeedSpec, Fields, Format, PostSpec};
pub use template::Template;
