//! Per-replication state of people, sites, legs and checkpoints: compact arrays and
//! queues of person indices, allocated once and reused across replications.

use crate::engine::Stream;
use crate::stats::{Level, Tally};
use std::collections::VecDeque;

/// What a person is doing at their current step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[repr(u8)]
pub enum Phase {
    /// Not yet released by their cohort's arrival process.
    NotReleased,
    /// Staying at a site until the stay ends.
    Staying,
    /// Finished the current step; waiting for the next one to take them.
    Done,
    /// In a checkpoint's queue.
    Queued,
    /// Being served at a checkpoint.
    InService,
    /// Aboard a vehicle.
    Travelling,
    /// Home.
    Home,
}

/// People as parallel arrays indexed by person.
#[derive(Clone, Debug, Default)]
pub struct People {
    /// Index into the network's flattened steps.
    pub pos: Vec<u32>,
    pub phase: Vec<Phase>,
    /// When the person entered the current step (or started service at a checkpoint).
    pub entered_at: Vec<f64>,
    /// When the person became ready for the next step (or joined a checkpoint queue).
    pub ready_at: Vec<f64>,
    /// When the person was released at the origin.
    pub released_at: Vec<f64>,
}

impl People {
    /// Makes room for `n` people. Contents are not reset between replications: a
    /// person's fields are written when they are released, and nobody reads them before.
    pub fn ensure(&mut self, n: usize) {
        if self.pos.len() < n {
            self.pos.resize(n, 0);
            self.phase.resize(n, Phase::NotReleased);
            self.entered_at.resize(n, 0.0);
            self.ready_at.resize(n, 0.0);
            self.released_at.resize(n, 0.0);
        }
    }
}

/// A place people stay in: occupancy, a FIFO of people waiting for a bed.
#[derive(Clone, Debug)]
pub struct SiteState {
    pub beds: Option<u64>,
    /// Time of stay is always zero: no stay event is needed.
    pub no_stay: bool,
    pub occupancy: Level,
    /// Sojourn from entering to leaving.
    pub stays: Tally,
    pub entry_queue: VecDeque<u32>,
    pub entry_waiting: Level,
    /// Waits for a bed (from ready to leave the previous step until admitted).
    pub bed_waits: Tally,
    pub rng: Stream,
    pub admit_pending: bool,
}

impl SiteState {
    /// True if a person arriving now may walk straight in.
    #[inline]
    pub fn has_free_bed(&self) -> bool {
        self.entry_queue.is_empty() && self.beds.is_none_or(|b| self.occupancy.value() < b)
    }
}

/// A transport leg: vehicles idle at its start, a boarding queue, manifests of the
/// vehicles under way.
#[derive(Clone, Debug)]
pub struct LegState {
    pub seats: u32,
    /// Idle vehicles at the start of the leg (a stack of vehicle numbers).
    pub idle: Vec<u32>,
    /// `seats` slots per vehicle holding the people aboard.
    pub manifest: Vec<u32>,
    pub load: Vec<u32>,
    pub queue: VecDeque<u32>,
    pub waiting: Level,
    /// Waits from ready to boarding.
    pub waits: Tally,
    pub aboard: Level,
    /// Travel time per passenger.
    pub rides: Tally,
    pub trips: u64,
    pub passengers: u64,
    /// Timetabled departures that found no vehicle at the start.
    pub missed_departures: u64,
    pub travel_rng: Stream,
    pub return_rng: Stream,
    pub depart_pending: bool,
    pub check_scheduled: bool,
    /// Time of the pending max-wait timer, if any.
    pub timer_at: Option<f64>,
}

/// A checkpoint: FIFO queue and parallel servers.
#[derive(Clone, Debug)]
pub struct CheckpointState {
    pub servers: u64,
    pub queue: VecDeque<u32>,
    pub waiting: Level,
    pub waits: Tally,
    pub busy: Level,
    pub services: Tally,
    pub rng: Stream,
    pub serve_pending: bool,
    pub open_scheduled: bool,
}

/// How a person's time is spent; these add up to their door-to-door time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum TimeUse {
    WaitingForTransport,
    Travelling,
    WaitingAtCheckpoint,
    InCheckpoint,
    WaitingForBed,
    AtAssembly,
    InQuarantine,
}

impl TimeUse {
    /// All uses, in report order.
    pub const ALL: [TimeUse; 7] = [
        TimeUse::WaitingForTransport,
        TimeUse::Travelling,
        TimeUse::WaitingAtCheckpoint,
        TimeUse::InCheckpoint,
        TimeUse::WaitingForBed,
        TimeUse::AtAssembly,
        TimeUse::InQuarantine,
    ];

    /// Name used in metric paths.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUse::WaitingForTransport => "waiting_for_transport",
            TimeUse::Travelling => "travelling",
            TimeUse::WaitingAtCheckpoint => "waiting_at_checkpoint",
            TimeUse::InCheckpoint => "in_checkpoint",
            TimeUse::WaitingForBed => "waiting_for_bed",
            TimeUse::AtAssembly => "at_assembly",
            TimeUse::InQuarantine => "in_quarantine",
        }
    }
}

/// Per cohort: people released, home, door-to-door times and time use.
#[derive(Clone, Debug, Default)]
pub struct CohortState {
    pub released: u32,
    pub home: u32,
    /// Door-to-door hours of everyone home, in order of arrival home.
    pub door_to_door: Vec<f64>,
    pub time_use_hours: [f64; 7],
    pub rng: Option<Stream>,
}
