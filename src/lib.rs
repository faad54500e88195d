//! repatsim: a discrete-event simulator for repatriation and evacuation logistics.
//!
//! Data flows scenario file -> [`scenario`] (parse, validate) -> [`model`] (people
//! flowing through sites, legs and checkpoints on the [`engine`]) -> [`experiment`]
//! (many replications in parallel) -> [`stats`] -> [`report`].

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
