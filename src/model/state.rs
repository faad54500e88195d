//! Per-replication state of people, sites, legs and checkpoints: compact arrays and
//! queues of person indices, allocated once and reused across replications.

use super::queue::PersonQueue;
use crate::engine::Stream;
use crate::stats::{Level, Tally};

/// What a person is doing at their current step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[repr(u8)]
pub enum Phase {
    /// Not yet released (by the arrival process) or notified (by a wave).
    NotReleased,
    /// Notified by a wave, not yet ready for pickup.
    Notified,
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
    /// Slipped away before pickup.
    Evaded,
    /// (Reported only, never a state in the run.) Waiting at the origin for approval.
    AwaitingApproval,
}

/// Per-person flags.
pub mod flag {
    /// Has boarded an escorted leg: can no longer evade.
    pub const ESCORTED: u8 = 1;
    /// Holds a bed reserved at the next bed-limited site.
    pub const RESERVED: u8 = 2;
    /// Passed the cohort's approval quota.
    pub const APPROVED: u8 = 4;
    /// Waiting in the cohort's approval line.
    pub const AWAITING_APPROVAL: u8 = 8;
    /// Tested at the end of the current stay.
    pub const TESTED: u8 = 16;
    /// Tested positive; waiting for a bed at the isolation site.
    pub const TO_ISOLATION: u8 = 32;
    /// Holds a bed at the isolation site of their current step's site.
    pub const ISOLATING: u8 = 64;
}

/// People as parallel arrays indexed by person.
#[derive(Clone, Debug, Default)]
pub struct People {
    /// Index into the network's flattened steps.
    pub pos: Vec<u32>,
    pub phase: Vec<Phase>,
    pub flags: Vec<u8>,
    /// When the person entered the current step (or started service at a checkpoint).
    pub entered_at: Vec<f64>,
    /// When the person became ready for the next step (or joined a checkpoint queue).
    pub ready_at: Vec<f64>,
    /// When the person was released at the origin or notified.
    pub released_at: Vec<f64>,
}

impl People {
    /// Makes room for `n` people. Contents are not reset between replications: a
    /// person's fields are written when they are released, and nobody reads them before.
    pub fn ensure(&mut self, n: usize) {
        if self.pos.len() < n {
            self.pos.resize(n, 0);
            self.phase.resize(n, Phase::NotReleased);
            self.flags.resize(n, 0);
            self.entered_at.resize(n, 0.0);
            self.ready_at.resize(n, 0.0);
            self.released_at.resize(n, 0.0);
        }
    }
}

/// A place people stay in: occupancy, a line of people waiting for a bed.
#[derive(Clone, Debug)]
pub struct SiteState {
    pub beds: Option<u64>,
    /// Beds promised to passengers of `reserve` legs now under way.
    pub reserved: u64,
    /// Time of stay is always zero: no stay event is needed.
    pub no_stay: bool,
    pub occupancy: Level,
    /// Sojourn from entering to leaving.
    pub stays: Tally,
    pub entry_queue: PersonQueue,
    pub entry_waiting: Level,
    /// Waits for a bed (from ready to leave the previous step until admitted).
    pub bed_waits: Tally,
    /// Waits of people who evaded while waiting for a bed here.
    pub abandoned: Tally,
    pub tested_positive: u64,
    pub rng: Stream,
    pub test_rng: Stream,
    pub admit_pending: bool,
}

impl SiteState {
    /// Beds neither taken nor promised.
    #[inline]
    pub fn unclaimed_beds(&self) -> u64 {
        self.beds
            .map_or(u64::MAX, |b| b.saturating_sub(self.occupancy.value() + self.reserved))
    }

    /// True if a person arriving now without a reservation may walk straight in.
    #[inline]
    pub fn has_free_bed(&self) -> bool {
        self.entry_queue.is_empty() && self.unclaimed_beds() > 0
    }
}

/// A transport leg: vehicles idle at its start, a boarding line, manifests of the
/// vehicles under way.
#[derive(Clone, Debug)]
pub struct LegState {
    pub seats: u32,
    /// Idle vehicles at the start of the leg (a stack of vehicle numbers).
    pub idle: Vec<u32>,
    /// `seats` slots per vehicle holding the people aboard.
    pub manifest: Vec<u32>,
    pub load: Vec<u32>,
    pub queue: PersonQueue,
    pub waiting: Level,
    /// Waits from ready to boarding.
    pub waits: Tally,
    /// Waits of people who evaded while waiting to board.
    pub abandoned: Tally,
    pub aboard: Level,
    /// Travel time per passenger.
    pub rides: Tally,
    /// People off this leg waiting for a bed at the next site.
    pub holding: Level,
    pub trips: u64,
    pub passengers: u64,
    /// Timetabled departures that found people waiting but no vehicle at the start.
    pub missed_departures: u64,
    pub cancelled_departures: u64,
    pub closed_departures: u64,
    pub breakdowns: u64,
    /// Closed windows this replication (fixed and outbreaks), sorted and disjoint.
    pub closed: Vec<(f64, f64)>,
    pub travel_rng: Stream,
    pub return_rng: Stream,
    pub cancel_rng: Stream,
    pub breakdown_rng: Stream,
    pub depart_pending: bool,
    pub check_scheduled: bool,
    pub reopen_scheduled: bool,
    /// Time of the pending max-wait timer, if any.
    pub timer_at: Option<f64>,
}

/// A checkpoint: one line and parallel servers.
#[derive(Clone, Debug)]
pub struct CheckpointState {
    pub servers: u64,
    pub queue: PersonQueue,
    pub waiting: Level,
    pub waits: Tally,
    pub abandoned: Tally,
    pub busy: Level,
    pub services: Tally,
    /// People served here waiting for a bed at the next site.
    pub holding: Level,
    /// Closed windows this replication (holidays, closures, outbreaks), sorted and disjoint.
    pub closed: Vec<(f64, f64)>,
    /// (period index, services started in it) for a quota.
    pub quota_used: (i64, u32),
    pub rng: Stream,
    pub serve_pending: bool,
    pub open_scheduled: bool,
}

pub use crate::metrics::key::{TIME_USES, TimeUse};

/// Per cohort: people released, home, evaded, door-to-door times and time use.
#[derive(Clone, Debug, Default)]
pub struct CohortState {
    /// People released or notified so far (a prefix of the network's release order).
    pub released: u32,
    pub home: u32,
    /// Evaded, per category of the scenario.
    pub evaded: Vec<u32>,
    /// Door-to-door hours of everyone home, in order of arrival home, as `f32` (for
    /// quantiles: half the memory, and rounding far below a second); the mean and the
    /// maximum are kept exactly in `door_to_door_sum` and `door_to_door_max`.
    pub door_to_door: Vec<f32>,
    pub door_to_door_sum: f64,
    pub door_to_door_max: f64,
    pub time_use_hours: [f64; TIME_USES],
    /// People waiting for approval, by priority level.
    pub approval_queue: PersonQueue,
    pub approval_waits: Tally,
    /// (period index, approvals given in it).
    pub approvals_used: (i64, u32),
    pub approval_reset_scheduled: bool,
    pub rng: Option<Stream>,
    pub evasion_rng: Option<Stream>,
}

/// Per category (across cohorts): people home and their door-to-door hours.
#[derive(Clone, Debug, Default)]
pub struct CategoryState {
    pub home: u32,
    pub evaded: u32,
    pub door_to_door: Tally,
}
