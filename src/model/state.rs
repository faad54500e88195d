//! Per-replication state of people, sites, legs and checkpoints: compact arrays and
//! queues of person indices, allocated once and reused across replications.

use super::line::WaitingLine;
use super::network::Network;
use super::queue::PersonQueue;
use crate::engine::{Stream, StreamKey, stream};
use crate::scenario::{Checkpoint, Cohort, Leg, Site};
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
    /// Slipped away (from notice until boarding an escorted leg).
    Evaded,
    /// Gave up at a checkpoint (patience out, or its line full) and left the return.
    TurnedAway,
    /// Gave up at a checkpoint and stepped away; comes back to its line later.
    Retrying,
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
    /// Holds a seat promised on the trunk leg ahead (by a feeder with
    /// `reserve_seats_on`), until they join its line.
    pub const SEAT_PROMISED: u8 = 128;
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
    /// The beds as the scenario file sets them (`[[change]]`s alter `beds` during a run).
    pub file_beds: Option<u64>,
    /// Beds over time (for utilisation when they change).
    pub capacity: Level,
    /// Beds promised to passengers of `reserve` legs now under way.
    pub reserved: u64,
    /// Time of stay is always zero: no stay event is needed.
    pub no_stay: bool,
    pub occupancy: Level,
    /// Sojourn from entering to leaving.
    pub stays: Tally,
    /// People waiting elsewhere for a bed here; its waits run from being ready to leave
    /// the previous step until admitted (zero for those admitted at once).
    pub entry: WaitingLine,
    pub tested_positive: u64,
    /// People who reached home here (a home site keeps no occupancy).
    pub home: u64,
    /// Since when every bed has been taken or promised, if it is now.
    pub full_since: Option<f64>,
    /// Hours with every bed taken or promised, up to `full_since`.
    pub full_hours: f64,
    pub rng: Stream,
    pub test_rng: Stream,
    pub admit_pending: bool,
}

impl SiteState {
    /// The state of `site` before any replication.
    pub fn new(site: &Site, levels: usize) -> Self {
        Self {
            beds: site.beds.map(u64::from),
            file_beds: site.beds.map(u64::from),
            capacity: Level::default(),
            reserved: 0,
            // A test at the end of the stay needs the stay's end event, even a zero one.
            no_stay: site.stay_hours.is_fixed() && site.stay_hours.mean() == 0.0 && site.testing.is_none(),
            occupancy: Level::default(),
            stays: Tally::default(),
            entry: WaitingLine::new(levels),
            tested_positive: 0,
            home: 0,
            full_since: None,
            full_hours: 0.0,
            rng: unseeded(),
            test_rng: unseeded(),
            admit_pending: false,
        }
    }

    /// Empty, with the streams of replication `replication`.
    pub fn reset(&mut self, seed: u64, replication: u64, stay: StreamKey, test: StreamKey) {
        self.beds = self.file_beds;
        self.capacity = Level::default();
        self.capacity.set(0.0, self.beds.unwrap_or(0));
        self.reserved = 0;
        self.occupancy = Level::default();
        self.stays = Tally::default();
        self.entry.reset();
        self.tested_positive = 0;
        self.home = 0;
        self.full_since = None;
        self.full_hours = 0.0;
        self.rng = stream(seed, replication, stay);
        self.test_rng = stream(seed, replication, test);
        self.admit_pending = false;
    }

    /// Forgets the statistics before `now` (end of a warm-up).
    pub fn restart(&mut self, now: f64) {
        self.occupancy.restart(now);
        self.capacity.restart(now);
        self.entry.restart(now);
        self.stays = Tally::default();
        self.full_hours = 0.0;
        self.full_since = self.full_since.map(|_| now);
    }

    /// Notes at `now` whether every bed is taken or promised, after a change to either;
    /// the time full is what planners call a site "setting the pace".
    #[inline]
    pub fn claims_changed(&mut self, now: f64) {
        if self.beds.is_none() {
            return;
        }
        let full = self.unclaimed_beds() == 0;
        match (full, self.full_since) {
            (true, None) => self.full_since = Some(now),
            (false, Some(since)) => {
                self.full_hours += now - since;
                self.full_since = None;
            }
            _ => {}
        }
    }

    /// Hours full up to `end`.
    pub fn full_hours_until(&self, end: f64) -> f64 {
        self.full_hours + self.full_since.map_or(0.0, |s| (end - s).max(0.0))
    }

    /// Beds neither taken nor promised.
    #[inline]
    pub fn unclaimed_beds(&self) -> u64 {
        self.beds
            .map_or(u64::MAX, |b| b.saturating_sub(self.occupancy.value() + self.reserved))
    }

    /// True if a person arriving now without a reservation may walk straight in.
    #[inline]
    pub fn has_free_bed(&self) -> bool {
        self.entry.is_empty() && self.unclaimed_beds() > 0
    }
}

/// A stream to fill a slot until `reset` seeds it; never drawn from.
fn unseeded() -> Stream {
    stream(0, 0, StreamKey(0))
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
    /// People ready to board; waits run from ready to boarding.
    pub boarding: WaitingLine,
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
    /// As a trunk: seats promised by feeders to people not yet in this leg's line.
    pub seats_promised: u64,
    /// The fleet as the scenario file sets it, and as it is now (`[[change]]`s).
    pub file_vehicles: u32,
    pub vehicles: u32,
    /// Vehicles taken out of service (their numbers, for reuse), and how many more to
    /// take out when they are next back at the start.
    pub retired: Vec<u32>,
    pub to_retire: u32,
    /// The next never-used vehicle number.
    pub next_vehicle: u32,
    /// The timetable change in force (an index into the scenario's changes), if any,
    /// and the generation of the departures scheduled (older ones are void).
    pub timetable_change: Option<u16>,
    pub slot_gen: u16,
    /// The wait for a pool's units under way, if departures are held for one.
    pub pool_wait: Option<PoolWait>,
    /// Person-hours people waited to board while departures were held for a pool
    /// (ended stretches).
    pub pool_person_hours: f64,
    /// A leg that reserves beds: the people waiting to board beyond the beds it could
    /// reserve, as last counted, and when.
    pub bed_excess: u64,
    pub bed_since: f64,
    /// Person-hours people waited to board beyond the beds the leg could reserve (up
    /// to `bed_since`).
    pub bed_person_hours: f64,
}

impl LegState {
    /// The state of `leg` before any replication.
    pub fn new(leg: &Leg, levels: usize, most_vehicles: u32) -> Self {
        Self {
            seats: leg.seats,
            idle: Vec::with_capacity(most_vehicles as usize),
            manifest: vec![0; most_vehicles as usize * leg.seats as usize],
            load: vec![0; most_vehicles as usize],
            boarding: WaitingLine::new(levels),
            aboard: Level::default(),
            rides: Tally::default(),
            holding: Level::default(),
            trips: 0,
            passengers: 0,
            missed_departures: 0,
            cancelled_departures: 0,
            closed_departures: 0,
            breakdowns: 0,
            closed: Vec::new(),
            travel_rng: unseeded(),
            return_rng: unseeded(),
            cancel_rng: unseeded(),
            breakdown_rng: unseeded(),
            depart_pending: false,
            check_scheduled: false,
            reopen_scheduled: false,
            timer_at: None,
            seats_promised: 0,
            file_vehicles: leg.vehicles,
            vehicles: leg.vehicles,
            retired: Vec::with_capacity(most_vehicles as usize),
            to_retire: 0,
            next_vehicle: leg.vehicles,
            timetable_change: None,
            slot_gen: 0,
            pool_wait: None,
            pool_person_hours: 0.0,
            bed_excess: 0,
            bed_since: 0.0,
            bed_person_hours: 0.0,
        }
    }

    /// Every vehicle idle at the start, nobody waiting, the fixed closures of leg `l`,
    /// and the streams of replication `replication`.
    pub fn reset(&mut self, net: &Network, l: usize, replication: u64) {
        let seed = net.scenario.seed;
        let keys = &net.keys;
        self.idle.clear();
        self.idle.extend((0..self.file_vehicles).rev());
        self.vehicles = self.file_vehicles;
        self.retired.clear();
        self.to_retire = 0;
        self.next_vehicle = self.file_vehicles;
        self.timetable_change = None;
        self.slot_gen = 0;
        self.load.fill(0);
        self.boarding.reset();
        self.aboard = Level::default();
        self.rides = Tally::default();
        self.holding = Level::default();
        self.zero_counts();
        self.closed.clear();
        self.closed.extend_from_slice(&net.leg_closed[l]);
        self.travel_rng = stream(seed, replication, keys.leg_travel[l]);
        self.return_rng = stream(seed, replication, keys.leg_return[l]);
        self.cancel_rng = stream(seed, replication, keys.leg_cancel[l]);
        self.breakdown_rng = stream(seed, replication, keys.leg_breakdown[l]);
        self.depart_pending = false;
        self.check_scheduled = false;
        self.reopen_scheduled = false;
        self.timer_at = None;
        self.seats_promised = 0;
        self.pool_wait = None;
        self.pool_person_hours = 0.0;
        self.bed_excess = 0;
        self.bed_since = 0.0;
        self.bed_person_hours = 0.0;
    }

    /// Forgets the statistics before `now` (end of a warm-up).
    pub fn restart(&mut self, now: f64) {
        self.boarding.restart(now);
        self.aboard.restart(now);
        self.holding.restart(now);
        self.rides = Tally::default();
        self.pool_person_hours = 0.0;
        // Its counts (and so its cost) restart too, as a site's and a checkpoint's do:
        // the cost per person home divides by those home since the warm-up.
        self.zero_counts();
        // (The excess waiting for beds counts from here: see `Flow::restart_statistics`.)
        self.bed_person_hours = 0.0;
        self.bed_since = now;
    }

    /// Trips, passengers, lost departures and breakdowns back to zero.
    fn zero_counts(&mut self) {
        self.trips = 0;
        self.passengers = 0;
        self.missed_departures = 0;
        self.cancelled_departures = 0;
        self.closed_departures = 0;
        self.breakdowns = 0;
    }
}

/// A checkpoint: one line and parallel servers.
#[derive(Clone, Debug)]
pub struct CheckpointState {
    pub servers: u64,
    /// The booths as the scenario file sets them (`[[change]]`s alter `servers`).
    pub file_servers: u64,
    /// People in line; waits run from joining to the start of service.
    pub line: WaitingLine,
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
    /// A check-in: the end of the current window is scheduled.
    pub close_scheduled: bool,
    /// A check-in: people still in line when a window closed (each time).
    pub missed_checkins: u64,
    /// Draws of patience and of the time away before a retry.
    pub patience_rng: Stream,
    pub retry_rng: Stream,
    /// People whose patience ran out in line (each time).
    pub gave_up: u64,
    /// People who found the line full (each time).
    pub balked: u64,
    /// People who left the return here.
    pub turned_away: u64,
    /// Hours people spent away from the line before retrying (ended stints).
    pub away_hours: f64,
    /// Hours each person trying again here has waited already (earlier tries in line
    /// and time away), so that the wait of a person served after retrying is counted
    /// whole, not only their last try (a mean of 2 h per person where people waited
    /// 42). Only people who gave up and retry are in it; memory is kept between
    /// replications.
    pub earlier_hours: std::collections::HashMap<u32, f64>,
    /// The wait for a pool's units under way, if services are held for one.
    pub pool_wait: Option<PoolWait>,
    /// Person-hours people waited in line while services were held for a pool (ended
    /// stretches).
    pub pool_person_hours: f64,
}

impl CheckpointState {
    /// The state of `checkpoint` before any replication (`levels` priority levels in its
    /// line if it serves by priority).
    pub fn new(checkpoint: &Checkpoint, levels: usize) -> Self {
        Self {
            servers: u64::from(checkpoint.servers),
            file_servers: u64::from(checkpoint.servers),
            line: WaitingLine::new(if checkpoint.by_priority { levels } else { 1 }),
            busy: Level::default(),
            services: Tally::default(),
            holding: Level::default(),
            closed: Vec::new(),
            quota_used: (i64::MIN, 0),
            rng: unseeded(),
            serve_pending: false,
            open_scheduled: false,
            close_scheduled: false,
            missed_checkins: 0,
            patience_rng: unseeded(),
            retry_rng: unseeded(),
            gave_up: 0,
            balked: 0,
            turned_away: 0,
            away_hours: 0.0,
            earlier_hours: std::collections::HashMap::new(),
            pool_wait: None,
            pool_person_hours: 0.0,
        }
    }

    /// Idle and empty, with the fixed closures of checkpoint `k` and the stream of
    /// replication `replication`.
    pub fn reset(&mut self, net: &Network, k: usize, replication: u64) {
        self.servers = self.file_servers;
        self.line.reset();
        self.busy = Level::default();
        self.services = Tally::default();
        self.holding = Level::default();
        self.closed.clear();
        self.closed.extend_from_slice(&net.checkpoint_closed[k]);
        self.quota_used = (i64::MIN, 0);
        self.rng = stream(net.scenario.seed, replication, net.keys.checkpoint_service[k]);
        self.serve_pending = false;
        self.open_scheduled = false;
        self.close_scheduled = false;
        self.missed_checkins = 0;
        if net.scenario.checkpoints[k].patience_hours.is_some() || net.scenario.checkpoints[k].max_line.is_some() {
            self.patience_rng = stream(net.scenario.seed, replication, net.keys.checkpoint_patience[k]);
            self.retry_rng = stream(net.scenario.seed, replication, net.keys.checkpoint_retry[k]);
        }
        self.gave_up = 0;
        self.earlier_hours.clear();
        self.balked = 0;
        self.turned_away = 0;
        self.away_hours = 0.0;
        self.pool_wait = None;
        self.pool_person_hours = 0.0;
    }

    /// Forgets the statistics before `now` (end of a warm-up).
    pub fn restart(&mut self, now: f64) {
        self.line.restart(now);
        self.busy.restart(now);
        self.holding.restart(now);
        self.services = Tally::default();
        self.away_hours = 0.0;
        self.pool_person_hours = 0.0;
        // Counts of happenings are statistics too (who ends turned away is the people's
        // account, kept by the cohort and the flow, and does not restart).
        self.gave_up = 0;
        self.balked = 0;
        self.turned_away = 0;
        self.missed_checkins = 0;
    }
}

/// A stage that takes units from pools: a leg (per departure) or a checkpoint (per
/// service).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claimant {
    Leg(u16),
    Checkpoint(u16),
}

/// A stage held for a pool's units: since when, and its line's length integral then
/// (so the person-hours waited meanwhile are a difference), or, for a timetabled leg,
/// the people its lost departure left behind.
#[derive(Clone, Copy, Debug)]
pub struct PoolWait {
    pub pool: u16,
    pub since: f64,
    pub line_integral: f64,
    /// A timetabled leg: only those its departure time left behind are held for the
    /// units (who joins later would wait for the next departure time anyway).
    pub left_behind: Option<LeftBehind>,
}

impl PoolWait {
    /// The person-hours held so far, given the line's length integral `line_integral`
    /// at `now`.
    pub fn person_hours(&self, line_integral: f64, now: f64) -> f64 {
        match self.left_behind {
            Some(lb) => lb.person_hours + f64::from(lb.people()) * (now - lb.since),
            None => line_integral - self.line_integral,
        }
    }
}

/// The people a timetabled departure time left behind for want of units, still
/// waiting, and their person-hours so far: of those in line then and still waiting, as
/// many as the vehicles held back could have taken.
#[derive(Clone, Copy, Debug)]
pub struct LeftBehind {
    /// The departure time that left them.
    pub at: f64,
    /// People in line at `at` still waiting.
    pub present: u32,
    /// Seats of the vehicles held back for units at `at` (the most who could have left).
    pub seats: u32,
    pub person_hours: f64,
    /// Since when the count has been the same.
    pub since: f64,
}

impl LeftBehind {
    /// People held for units now.
    pub fn people(&self) -> u32 {
        self.present.min(self.seats)
    }

    /// Adds the person-hours up to `now`.
    pub fn settle(&mut self, now: f64) {
        self.person_hours += f64::from(self.people()) * (now - self.since);
        self.since = now;
    }
}

/// A pool of units shared by stages: how many are in use, and who waits for them.
#[derive(Clone, Debug)]
pub struct PoolState {
    /// Units now (`[[change]]`s alter it), and as the file sets them.
    pub size: u64,
    pub file_size: u64,
    /// Units taken.
    pub in_use: Level,
    /// Stages held for units now (dispatch order is computed when units free up).
    pub waiting: Vec<Claimant>,
    /// A wake-up at the start of the next shift is scheduled.
    pub duty_scheduled: bool,
    /// Hours stages were held for units (ended stretches, summed over stages).
    pub held_hours: f64,
    /// Person-hours people waited at stages while they were held (ended stretches).
    pub person_hours: f64,
    /// Timetabled departures lost for want of units.
    pub missed_departures: u64,
}

impl PoolState {
    /// The state of `pool` before any replication.
    pub fn new(pool: &crate::scenario::Pool) -> Self {
        Self {
            size: u64::from(pool.size),
            file_size: u64::from(pool.size),
            in_use: Level::default(),
            waiting: Vec::with_capacity(8),
            duty_scheduled: false,
            held_hours: 0.0,
            person_hours: 0.0,
            missed_departures: 0,
        }
    }

    /// Every unit free, nobody waiting.
    pub fn reset(&mut self) {
        self.size = self.file_size;
        self.in_use = Level::default();
        self.waiting.clear();
        self.duty_scheduled = false;
        self.held_hours = 0.0;
        self.person_hours = 0.0;
        self.missed_departures = 0;
    }

    /// Forgets the statistics before `now` (end of a warm-up).
    pub fn restart(&mut self, now: f64) {
        self.in_use.restart(now);
        self.held_hours = 0.0;
        self.person_hours = 0.0;
        self.missed_departures = 0;
    }

    /// Units free now (none while more are in use than a change left).
    pub fn free(&self) -> u64 {
        self.size.saturating_sub(self.in_use.value())
    }
}

pub use crate::metrics::key::{TIME_USES, TimeUse};

/// Per cohort: people released, home, evaded, door-to-door times and time use.
#[derive(Clone, Debug, Default)]
pub struct CohortState {
    /// People released or notified so far (a prefix of the network's release order).
    pub released: u32,
    /// People notified and not yet ready (nor slipped away).
    pub awaiting_pickup: u32,
    pub home: u32,
    /// Evaded, per category of the scenario.
    pub evaded: Vec<u32>,
    /// Gave up at a checkpoint and left the return.
    pub turned_away: u32,
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
    /// The waits for approval that ended, approved (`approval_waits`) or slipped away
    /// from, each counted only from the warm-up's end: the person-hours of waiting for
    /// approval in the observed span.
    pub approval_person_hours: f64,
    /// (period index, approvals given in it).
    pub approvals_used: (i64, u32),
    pub approval_reset_scheduled: bool,
    /// Approvals are to be given at the end of the current event (to everyone who asked
    /// in it at once, by priority).
    pub approve_pending: bool,
    pub rng: Option<Stream>,
    pub evasion_rng: Option<Stream>,
}

impl CohortState {
    /// The state of `cohort` before any replication, with room for everyone's
    /// door-to-door time.
    pub fn new(cohort: &Cohort, categories: usize, levels: usize) -> Self {
        Self {
            door_to_door: Vec::with_capacity(cohort.size as usize),
            evaded: vec![0; categories],
            turned_away: 0,
            approval_queue: PersonQueue::new(levels),
            ..Default::default()
        }
    }

    /// Nobody released, with the streams of cohort `c` in replication `replication`.
    pub fn reset(&mut self, net: &Network, c: usize, replication: u64) {
        let seed = net.scenario.seed;
        self.released = 0;
        self.awaiting_pickup = 0;
        self.home = 0;
        self.evaded.fill(0);
        self.turned_away = 0;
        self.door_to_door.clear();
        self.door_to_door_sum = 0.0;
        self.door_to_door_max = f64::NAN;
        self.time_use_hours = [0.0; TIME_USES];
        self.approval_queue.clear();
        self.approval_waits = Tally::default();
        self.approval_person_hours = 0.0;
        self.approvals_used = (i64::MIN, 0);
        self.approval_reset_scheduled = false;
        self.approve_pending = false;
        self.rng = Some(stream(seed, replication, net.keys.cohort_arrival[c]));
        self.evasion_rng = Some(stream(seed, replication, net.keys.cohort_evasion[c]));
    }
}

/// Per category (across cohorts): people home and their door-to-door hours.
#[derive(Clone, Debug, Default)]
pub struct CategoryState {
    pub home: u32,
    pub evaded: u32,
    pub door_to_door: Tally,
}

/// Read-only view of a replication's end state, for collecting results.
pub struct FlowView<'a> {
    pub people: &'a People,
    pub sites: &'a [SiteState],
    pub legs: &'a [LegState],
    pub checkpoints: &'a [CheckpointState],
    pub pools: &'a [PoolState],
    pub cohorts: &'a [CohortState],
    pub categories: &'a [CategoryState],
    pub home: u32,
    pub evaded: u32,
    pub turned_away: u32,
    pub stats_since_hours: f64,
    /// People home when the statistics restarted (0 without a warm-up).
    pub home_before_statistics: u32,
    /// When the books are closed (the last event handled, or the horizon).
    pub end_hours: f64,
    /// When the run stopped (before `end_hours` if it stalled).
    pub stopped_hours: f64,
    pub events: u64,
}
