//! One file per subcommand.

pub mod db;
pub mod extract;
pub mod import;
pub mod lookup;
pub mod normalize;
pub mod search;
pub mod stats;
