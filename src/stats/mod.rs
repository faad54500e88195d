//! Statistics: online accumulators used inside a replication ([`online`]) and
//! summaries across replications ([`summary`]).

pub mod bootstrap;
pub mod correlation;
pub mod fit;
pub mod input_dist;
pub mod online;
pub mod queueing;
pub mod sensitivity;
pub mod summary;
pub mod target;

pub use bootstrap::paired_change;
pub use online::{Level, LevelSummary, Tally};
pub use summary::{
    Summary, Support, quantile_ci, quantile_ci_ranks, quantile_inverted_cdf, quantile_sorted, quantile_sorted_by,
    replications_for_quantile_ci, t975, wilson_at, wilson_interval,
};
