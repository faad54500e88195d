//! What a replication records on a fixed time grid (people home, site occupancy, people
//! waiting for beds), and one-replication traces of every event.

use super::network::{Network, Step};
use crate::metrics::{SeriesInfo, SeriesKey};
use crate::scenario::SiteKind;

/// The grid and the series sampled on it: point `k` is time `k * grid_hours`, and its
/// value is the count after every event at or before that time.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    pub grid_hours: f64,
    pub points: usize,
    pub names: Vec<String>,
    pub sources: Vec<SeriesKey>,
}

impl SeriesSpec {
    /// People home, then occupancy of every site people stay in, the bed queue of every
    /// site with a bed limit, and holding after legs and checkpoints that lead to one;
    /// points from 0 to the horizon.
    pub fn new(net: &Network, grid_hours: f64) -> Self {
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
        let holds = |step: Step| {
            net.steps
                .windows(2)
                .any(|w| w[0] == step && matches!(w[1], Step::Site(s) if sc.sites[s as usize].beds.is_some()))
        };
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
        let names = sources.iter().map(|&k| SeriesInfo::of(sc, k).id).collect();
        let grid_hours = grid_hours.max(1e-6);
        let points = (sc.horizon_hours / grid_hours).floor() as usize + 1;
        Self {
            grid_hours,
            points,
            names,
            sources,
        }
    }

    /// Time of grid point `k` in hours.
    pub fn time_hours(&self, k: usize) -> f64 {
        k as f64 * self.grid_hours
    }
}

/// What happened in one row of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceKind {
    Release,
    Arrival,
    StayEnd,
    ServiceEnd,
    CheckpointOpens,
    VehicleArrives,
    VehicleBack,
    Slot,
    DepartureCheck,
    MaxWait,
    WarmupEnd,
    WaveNotify,
    WaveReady,
    Evade,
    ApprovalReset,
    LegReopens,
    /// A person reached home (inside the handling of another event).
    Home,
}

impl TraceKind {
    /// Name in trace files.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceKind::Release => "release",
            TraceKind::Arrival => "arrival",
            TraceKind::StayEnd => "stay_end",
            TraceKind::ServiceEnd => "service_end",
            TraceKind::CheckpointOpens => "checkpoint_opens",
            TraceKind::VehicleArrives => "vehicle_arrives",
            TraceKind::VehicleBack => "vehicle_back",
            TraceKind::Slot => "timetable_slot",
            TraceKind::DepartureCheck => "departure_check",
            TraceKind::MaxWait => "max_wait",
            TraceKind::WarmupEnd => "warmup_end",
            TraceKind::WaveNotify => "wave_notify",
            TraceKind::WaveReady => "wave_ready",
            TraceKind::Evade => "evade",
            TraceKind::ApprovalReset => "approval_reset",
            TraceKind::LegReopens => "leg_reopens",
            TraceKind::Home => "home",
        }
    }
}

/// Which element a trace row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceStage {
    None,
    Site(u16),
    Leg(u16),
    Checkpoint(u16),
    Cohort(u16),
}

/// One row of a replication's trace: an event (or a person reaching home) and the
/// queue length and count at its stage right after it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceRow {
    pub time_hours: f64,
    pub kind: TraceKind,
    pub stage: TraceStage,
    pub person: Option<u32>,
    pub vehicle: Option<u32>,
    /// Queue at the stage after the event: people waiting for a bed (site), to board
    /// (leg), in line (checkpoint), or still to be released (cohort).
    pub queue_after: u64,
    /// Count at the stage after the event: occupancy (site), aboard (leg), busy booths
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
        }
    }
}
