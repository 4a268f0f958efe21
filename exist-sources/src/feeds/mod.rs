//! Feeds: sources that download a document and parse it into records.

mod line_list;

pub use line_list::LineListFeed;
