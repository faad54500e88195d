//! The discrete-event engine: clock, event calendar, calendars of the week, and random
//! streams. It knows nothing of people, vehicles or beds.

pub mod calendar;
pub mod dist;
pub mod queue;
pub mod rng;
pub mod sim;

pub use calendar::{Timetable, WEEK_HOURS, WeeklyHours};
pub use dist::{Dist, DistError, DistSpec};
pub use queue::EventQueue;
pub use rng::{Stream, StreamKey, stream, uniform_for};
pub use sim::{Model, RunEnd, Simulation, run};
