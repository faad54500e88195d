//! repatsim: a discrete-event simulator for repatriation and evacuation logistics.
//!
//! A scenario (TOML) describes sites with beds, transport legs with fleets and
//! timetables, checkpoints with booths and opening hours, and cohorts of people with
//! their routes home. repatsim runs it many times with random travel, service and stay
//! times and summarises every metric across replications with confidence intervals.
//!
//! # A run in a few lines
//!
//! Ten people at a camp, one ten-seat bus (two hours), a week of quarantine, home. By
//! hand: the bus leaves at once, arrives at hour 2, the stay ends at hour 170, so
//! everyone is home after 170 hours in every replication.
//!
//! ```
//! use repatsim::experiment::{self, RunOptions};
//! use repatsim::metrics::{Better, MetricKey, Stat, Unit};
//!
//! let text = r#"
//! [scenario]
//! name = "one-bus"
//! start = 2023-08-28T06:00:00
//! horizon_days = 30
//!
//! [[site]]
//! name = "camp"
//! kind = "origin"
//!
//! [[site]]
//! name = "quarantine"
//! kind = "quarantine"
//! beds = 10
//!
//! [[site]]
//! name = "home"
//! kind = "home"
//!
//! [[leg]]
//! name = "bus"
//! from = "camp"
//! to = "quarantine"
//! mode = "bus"
//! vehicles = 1
//! seats = 10
//! travel_hours = 2
//!
//! [[cohort]]
//! name = "workers"
//! origin = "camp"
//! size = 10
//! route = ["bus", "quarantine", "home"]
//! "#;
//! // Parse and validate (errors come back located: file, line, column, field).
//! let scenario = repatsim::scenario::parse(text, "one-bus.toml")?.scenario;
//! // Twenty replications on two threads; results never depend on the thread count.
//! let batch = experiment::run(&scenario, &RunOptions::new(0..20).threads(Some(2)))?;
//!
//! // Metrics are typed keys; the catalogue says what each one is.
//! let key = MetricKey::overall(Stat::MakespanDays);
//! let info = batch.catalogue.get(batch.catalogue.index(key).unwrap());
//! assert_eq!((info.id.as_str(), info.unit, info.better), ("makespan_days", Unit::Days, Better::Lower));
//! let makespan = batch.summary_of(key).unwrap();
//! assert_eq!(makespan.mean, 170.0 / 24.0);
//! let peak = batch.summary("site.quarantine.peak_occupancy").unwrap();
//! assert_eq!(peak.max, 10.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The rooms
//!
//! Data flows scenario file -> [`scenario`] (parse, validate) -> [`model`] (people
//! flowing through sites, legs and checkpoints on the [`engine`], emitting typed
//! [`metrics`]) -> [`experiment`] (many replications in parallel; compare, sweep, plan)
//! -> [`stats`] -> [`report`] (console, JSON, CSV, charts, HTML). [`cli`] is the thin
//! command line; [`validation`] checks the simulator against queueing theory.

/// `eprintln!` that never panics: a closed or full standard error (`2>&1 | head`, `|
/// true`) loses the message instead of ending the command with a panic and exit code
/// 101 after its work (and its files) were done. Shadows the standard macro in every
/// module below.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that never panics, as `eprintln!` above.
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod cli;
pub mod engine;
pub mod experiment;
pub mod fuzz;
pub mod metrics;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod validation;
