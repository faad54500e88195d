//! The repatriation network on top of the engine: people flowing along routes through
//! sites (beds, stays), legs (vehicles, seats) and checkpoints (booths, opening hours).

pub mod emit;
pub mod flow;
pub mod line;
pub mod network;
pub mod queue;
pub mod result;
pub mod state;
pub mod timeseries;

pub use emit::{MetricSink, catalogue, place_of};
pub use flow::{Event, World};
pub use network::{Network, Step};
pub use result::{EndReason, Holding, ReplicationResult};
pub use state::{Phase, TimeUse};
pub use timeseries::{Samples, SeriesSpec, TraceKind, TraceRow, TraceStage};
