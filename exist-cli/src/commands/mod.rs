//! One file per subcommand.

pub mod collect;
pub mod db;
pub mod demo;
pub mod enrich;
pub mod extract;
pub mod import;
pub mod inspect;
pub mod lookup;
pub mod normalize;
pub mod search;
pub mod serve;
pub mod sources;
pub mod stats;
pub mod token;
pub mod worker;
