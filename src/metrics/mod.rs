//! The metric catalogue: every number a run reports, as typed data.
//!
//! The model emits `(MetricKey, value)` pairs ([`MetricKey`]: which element, which
//! statistic); a [`Catalogue`] lists the keys a scenario produces, in a fixed order, each
//! with its column name, human label, unit, kind, which way is better, whether it is a
//! headline figure, and a one-line description. Every output (console, JSON, CSV,
//! charts, HTML, compare verdicts) reads these fields; nothing outside this room builds
//! or parses a metric name.

pub mod catalogue;
pub mod format;
pub mod key;

pub use catalogue::{Catalogue, MetricInfo, SeriesInfo};
pub use format::{
    fmt_cell, fmt_count, fmt_days, fmt_days_span, fmt_num, fmt_param, fmt_people, fmt_quantity, fmt_replications,
    fmt_statistic, fmt_statistics_apart, fmt_value,
};
pub use key::{Better, Kind, MetricKey, Place, Scope, SeriesKey, Stat, TimeUse, Unit};
