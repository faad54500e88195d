//! What a replication records on a fixed time grid (people home, site occupancy, people
//! waiting for beds), and one-replication traces of every event.

use super::network::{Network, Step};
use crate::metrics::{SeriesInfo, SeriesKey};
use crate::scenario::SiteKind;

/// The grid and the series sampled on it: point `k` is time `k * grid_hours`, and its
/// value is the count after every event at or before that time; when the horizon is not
/// on the grid, a last point at the horizon (its window shorter), so the series end
/// where the run's figures do.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    pub grid_hours: f64,
    pub points: usize,
    /// The last point's time (the horizon).
    pub end_hours: f64,
    pub names: Vec<String>,
    pub sources: Vec<SeriesKey>,
}

/// The finest time grid accepted (`repatsim run --grid-hours` refuses a finer one).
pub const MIN_GRID_HOURS: f64 = 1e-6;

impl SeriesSpec {
    /// People home, then occupancy of every site people stay in, the bed queue of every
    /// site with a bed limit, and holding after legs and checkpoints that lead to one;
    /// points from 0 to the horizon, `grid_hours` apart (`None`: the default grid).
    pub fn new(net: &Network, grid_hours: Option<f64>) -> Self {
        let sc = &net.scenario;
        let mut sources = vec![SeriesKey::Home];
        for (i, s) in sc.sites.iter().enumerate() {
            if net.site_used[i] && !matches!(s.kind, SiteKind::Origin | SiteKind::Home) {
                sources.push(SeriesKey::SiteOccupancy(i as u16));
            }
        }
        for (i, s) in sc.sites.iter().enumerate() {
            if net.site_used[i] && s.beds.is_some() {
                sources.push(SeriesKey::SiteBedQueue(i as u16));
            }
        }
        // Holding: people off a leg or through a checkpoint whose next site may be full.
        let holds = |step: Step| net.holds_for_beds(step);
        for i in 0..sc.legs.len() {
            if holds(Step::Leg(i as u16)) {
                sources.push(SeriesKey::LegHolding(i as u16));
            }
        }
        for i in 0..sc.checkpoints.len() {
            if holds(Step::Checkpoint(i as u16)) {
                sources.push(SeriesKey::CheckpointHolding(i as u16));
            }
        }
        sources.extend((0..sc.pools.len()).map(|p| SeriesKey::PoolInUse(p as u16)));
        let names = sources.iter().map(|&k| SeriesInfo::of(sc, k).id).collect();
        let grid_hours = grid_hours
            .unwrap_or_else(|| auto_grid_hours(sc.horizon_hours))
            .max(MIN_GRID_HOURS);
        let whole = (sc.horizon_hours / grid_hours).floor();
        // (Rounding aside: a horizon 1e-9 past a grid point ends on it.)
        let past = sc.horizon_hours - whole * grid_hours > 1e-9 * sc.horizon_hours.max(1.0);
        let points = whole as usize + 1 + usize::from(past);
        Self {
            grid_hours,
            points,
            end_hours: sc.horizon_hours,
            names,
            sources,
        }
    }

    /// The grid the charts and `timeseries.csv` use unless told otherwise: the finest of
    /// 1, 2, 3, 4, 6, 8, 12 hours, a day, two, three days or a week that gives at most 200
    /// points over the horizon (windows keep every peak, so a coarser grid loses none).
    pub fn default_grid_hours(horizon_hours: f64) -> f64 {
        auto_grid_hours(horizon_hours)
    }

    /// Time of grid point `k` in hours.
    pub fn time_hours(&self, k: usize) -> f64 {
        (k as f64 * self.grid_hours).min(self.end_hours)
    }

    /// The length of the window ending at point `k` (0 for point 0): `grid_hours`, or
    /// less for a last point at the horizon.
    pub fn window_hours(&self, k: usize) -> f64 {
        if k == 0 {
            0.0
        } else {
            self.time_hours(k) - self.time_hours(k - 1)
        }
    }
}

/// One replication's counts on the grid, per (point, series), point-major: element
/// `k * width + j` is series `j` at point `k`. Point `k`'s window is the grid interval
/// ending at it, `(t(k-1), t(k)]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Samples {
    /// The count right after every event at or before the point.
    pub value: Vec<u32>,
    /// The largest count held for a positive time in the point's window.
    pub max: Vec<u32>,
    /// The integral of the count over the point's window (count x hours).
    pub integral: Vec<f64>,
}

impl Samples {
    /// Room for `n` (point, series) cells.
    pub fn new(n: usize) -> Self {
        Samples {
            value: vec![0; n],
            max: vec![0; n],
            integral: vec![0.0; n],
        }
    }
}

fn auto_grid_hours(horizon_hours: f64) -> f64 {
    const STEPS: [f64; 11] = [1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 24.0, 48.0, 72.0, 168.0];
    STEPS.into_iter().find(|g| horizon_hours / g <= 200.0).unwrap_or(168.0)
}

/// What happened in one row of a trace: every row is a real happening, to a person, a
/// vehicle or an element, in the order it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceKind {
    /// A person is released at their origin by the cohort's arrival process (stage: the
    /// cohort).
    Release,
    /// A person is told by a wave to get ready (stage: the cohort).
    Notify,
    /// A notified person is ready for pickup (stage: the cohort).
    Ready,
    /// A person passes the cohort's approval quota at the origin (stage: the cohort).
    Approved,
    /// A person slips away (stage: where they were: the cohort, awaiting pickup or
    /// approval; the leg, site or checkpoint whose line they left; the site they stayed
    /// at).
    Evade,
    /// A person takes a bed at a site (stage: the site; their isolation site after a
    /// positive test).
    Admit,
    /// A person's stay at a site ends (stage: the site).
    StayEnd,
    /// A person tests positive at the end of a stay (stage: the site).
    TestPositive,
    /// A person's service at a checkpoint starts (stage: the checkpoint).
    ServiceStart,
    /// A person's service at a checkpoint ends (stage: the checkpoint).
    ServiceEnd,
    /// A person boards a vehicle (stage: the leg; vehicle: which).
    Board,
    /// A vehicle leaves the start of its leg (count_after: its load).
    Depart,
    /// A vehicle reaches the end of its leg (count_after: its load).
    Arrive,
    /// A person gets off a vehicle at the end of the leg.
    Alight,
    /// An empty vehicle is back at the start of its leg.
    VehicleBack,
    /// A timetabled departure with people waiting is cancelled.
    DepartureCancelled,
    /// A timetabled departure with people waiting falls in a closure.
    DepartureClosed,
    /// A timetabled departure with people waiting finds no vehicle at hand.
    DepartureMissed,
    /// A checkpoint with people in line opens (after its hours, a holiday, a closure or
    /// a used-up quota).
    CheckpointOpens,
    /// A check-in window closes with people still in line: they missed it and wait
    /// for the next departure's window (queue_after: how many).
    CheckinMissed,
    /// A closure of a leg ends.
    LegReopens,
    /// A capacity changes as the plan says (`[[change]]`): a site's beds, a
    /// checkpoint's booths, a leg's fleet or timetable.
    CapacityChange,
    /// A person reaches home (stage: the home site).
    Home,
    /// A person's patience ran out in a checkpoint's line (stage: the checkpoint).
    GiveUp,
    /// A person found a checkpoint's line full (stage: the checkpoint).
    LineFull,
    /// A person who gave up left the return (stage: the checkpoint).
    TurnedAway,
    /// A person who gave up comes back to a checkpoint's line (stage: the checkpoint).
    Retry,
    /// A leg's departures or a checkpoint's services, with people waiting, start waiting
    /// for units of a pool (stage: the leg or checkpoint; count_after: units of that pool
    /// in use, the first of its pools short of units).
    HeldForPool,
    /// A timetabled departure time with people waiting and a vehicle at hand is lost: no
    /// vehicle leaves for want of a pool's units (stage: the leg; count_after: units of
    /// that pool in use).
    DepartureShortOfUnits,
}

impl TraceKind {
    /// Name in trace files.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceKind::Release => "release",
            TraceKind::Notify => "notify",
            TraceKind::Ready => "ready",
            TraceKind::Approved => "approved",
            TraceKind::Evade => "evade",
            TraceKind::Admit => "admit",
            TraceKind::StayEnd => "stay_end",
            TraceKind::TestPositive => "test_positive",
            TraceKind::ServiceStart => "service_start",
            TraceKind::ServiceEnd => "service_end",
            TraceKind::Board => "board",
            TraceKind::Depart => "depart",
            TraceKind::Arrive => "arrive",
            TraceKind::Alight => "alight",
            TraceKind::VehicleBack => "vehicle_back",
            TraceKind::DepartureCancelled => "departure_cancelled",
            TraceKind::DepartureClosed => "departure_closed",
            TraceKind::DepartureMissed => "departure_missed",
            TraceKind::CheckpointOpens => "checkpoint_opens",
            TraceKind::CheckinMissed => "checkin_missed",
            TraceKind::LegReopens => "leg_reopens",
            TraceKind::CapacityChange => "capacity_change",
            TraceKind::Home => "home",
            TraceKind::GiveUp => "give_up",
            TraceKind::LineFull => "line_full",
            TraceKind::TurnedAway => "turned_away",
            TraceKind::Retry => "retry",
            TraceKind::HeldForPool => "held_for_pool",
            TraceKind::DepartureShortOfUnits => "departure_short_of_units",
        }
    }

    /// Every kind, in the order above (for documentation and tests).
    pub const ALL: [TraceKind; 29] = [
        TraceKind::Release,
        TraceKind::Notify,
        TraceKind::Ready,
        TraceKind::Approved,
        TraceKind::Evade,
        TraceKind::Admit,
        TraceKind::StayEnd,
        TraceKind::TestPositive,
        TraceKind::ServiceStart,
        TraceKind::ServiceEnd,
        TraceKind::Board,
        TraceKind::Depart,
        TraceKind::Arrive,
        TraceKind::Alight,
        TraceKind::VehicleBack,
        TraceKind::DepartureCancelled,
        TraceKind::DepartureClosed,
        TraceKind::DepartureMissed,
        TraceKind::CheckpointOpens,
        TraceKind::CheckinMissed,
        TraceKind::LegReopens,
        TraceKind::CapacityChange,
        TraceKind::Home,
        TraceKind::GiveUp,
        TraceKind::LineFull,
        TraceKind::TurnedAway,
        TraceKind::Retry,
        TraceKind::HeldForPool,
        TraceKind::DepartureShortOfUnits,
    ];
}

/// Which element a trace row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceStage {
    None,
    Site(u16),
    Leg(u16),
    Checkpoint(u16),
    Cohort(u16),
    /// A pool (its size changes).
    Pool(u16),
}

/// One row of a replication's trace: a happening and the queue length and count at its
/// stage right after it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceRow {
    pub time_hours: f64,
    pub kind: TraceKind,
    pub stage: TraceStage,
    pub person: Option<u32>,
    pub vehicle: Option<u32>,
    /// Queue at the stage after the event: people waiting for a bed (site), to board
    /// (leg), in line (checkpoint), or who have not set out: not yet released or
    /// notified, notified and not yet ready, or waiting for approval (cohort).
    pub queue_after: u64,
    /// Count at the stage after the event: occupancy (site), people aboard the leg's
    /// vehicles (leg; for `depart` and `arrive`, the vehicle's load), busy booths
    /// (checkpoint), people home (home rows and cohorts).
    pub count_after: u64,
}

impl TraceStage {
    /// The element's name, or "" when the row has no stage.
    pub fn name(self, net: &Network) -> &str {
        let sc = &net.scenario;
        match self {
            TraceStage::None => "",
            TraceStage::Site(s) => &sc.sites[s as usize].name,
            TraceStage::Leg(l) => &sc.legs[l as usize].name,
            TraceStage::Checkpoint(k) => &sc.checkpoints[k as usize].name,
            TraceStage::Cohort(c) => &sc.cohorts[c as usize].name,
            TraceStage::Pool(p) => &sc.pools[p as usize].name,
        }
    }
}
