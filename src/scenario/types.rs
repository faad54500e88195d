//! The validated scenario: immutable, names resolved to indices, units in hours.

use crate::engine::{Dist, Timetable, WeeklyHours};

/// Index of a site in [`Scenario::sites`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SiteId(pub u16);
/// Index of a leg in [`Scenario::legs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LegId(pub u16);
/// Index of a checkpoint in [`Scenario::checkpoints`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CheckpointId(pub u16);
/// Index of a cohort in [`Scenario::cohorts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CohortId(pub u16);

/// A checked scenario, ready to simulate.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short identifier, used in reports and output files.
    pub name: String,
    /// Free text for the reader.
    pub description: String,
    /// Where the scenario came from (a path, or a label for text given directly).
    pub file: String,
    /// The scenario text as read, kept so outputs can record exactly what was run.
    pub source_text: String,
    /// Wall-clock start of simulated time 0 (local time of the scenario).
    pub start: chrono::NaiveDateTime,
    /// Hours since Monday 00:00 at simulated time 0.
    pub start_week_hours: f64,
    /// Simulated time after which nothing more happens, in hours.
    pub horizon_hours: f64,
    /// Master seed: replication `i` depends only on (seed, i).
    pub seed: u64,
    /// Replications run when the command line does not say.
    pub replications: u32,
    /// Statistics (not people) restart at this time, to measure steady state.
    pub warmup_hours: f64,
    pub sites: Vec<Site>,
    pub legs: Vec<Leg>,
    pub checkpoints: Vec<Checkpoint>,
    pub cohorts: Vec<Cohort>,
}

/// What a site is for; sets defaults and how it is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteKind {
    /// Where people are when a cohort starts; unlimited.
    Origin,
    /// Where people gather before transport (a hotel, a dormitory).
    Assembly,
    /// A place passed through (a border post, an airport apron).
    Transit,
    /// Where arrivals are held for a stay before release.
    Quarantine,
    /// The end of every route.
    Home,
}

impl SiteKind {
    /// The word used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Origin => "origin",
            SiteKind::Assembly => "assembly",
            SiteKind::Transit => "transit",
            SiteKind::Quarantine => "quarantine",
            SiteKind::Home => "home",
        }
    }
}

/// A place people stay: capacity in beds (`None` = unlimited) and a stay duration.
#[derive(Clone, Debug)]
pub struct Site {
    pub name: String,
    pub kind: SiteKind,
    pub beds: Option<u32>,
    /// Minimum stay after entering, in hours (quarantine: 168 by default; others 0).
    pub stay_hours: Dist,
}

/// Transport mode of a leg.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Bus,
    Coach,
    Train,
    Flight,
    Ship,
    Ferry,
    Truck,
    Van,
    Car,
    Walk,
}

/// When a vehicle waiting at the start of a leg leaves.
#[derive(Clone, Debug)]
pub enum Departure {
    /// Only with every seat taken; optionally also once the first passenger has waited
    /// `max_wait_hours`.
    WhenFull { max_wait_hours: Option<f64> },
    /// As soon as anyone is waiting, taking everyone waiting at that instant up to the
    /// seat count.
    WhenFullOrEmptyQueue,
    /// At fixed clock times: every idle vehicle needed leaves (a convoy), each with up to
    /// `seats` of the people waiting; nobody waiting, no departure.
    Timetable(Timetable),
}

/// Transport between two sites with a fleet of identical vehicles shuttling back and forth.
#[derive(Clone, Debug)]
pub struct Leg {
    pub name: String,
    pub from: SiteId,
    pub to: SiteId,
    pub mode: Mode,
    pub vehicles: u32,
    pub seats: u32,
    /// One draw per trip, in hours.
    pub travel_hours: Dist,
    /// Empty run back to `from`, one draw per trip, in hours.
    pub return_hours: Dist,
    pub departure: Departure,
}

/// A border or customs post: parallel servers (booths) with a per-person service time,
/// serving only during opening hours.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub name: String,
    pub site: Option<SiteId>,
    pub servers: u32,
    /// Per person, in hours.
    pub service_hours: Dist,
    pub open: WeeklyHours,
}

/// One step of a route after the origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Site(SiteId),
    Leg(LegId),
    Checkpoint(CheckpointId),
}

/// How a cohort's people become ready to leave their origin.
#[derive(Clone, Debug)]
pub enum Arrival {
    /// Everyone at `at_hours`.
    AllAtOnce { at_hours: f64 },
    /// A Poisson process at `per_hour` from time 0 until the cohort is complete.
    Poisson { per_hour: f64 },
    /// A Poisson process whose rate is `per_day[d]` people per day during day `d`
    /// (the last rate continues), until the cohort is complete.
    PerDay { per_day: Vec<f64> },
    /// One person every `every_hours`, the first at `at_hours`.
    Regular { at_hours: f64, every_hours: f64 },
    /// Fixed groups at fixed times: `(at_hours, people)`, sorted by time.
    Batches(Vec<(f64, u32)>),
}

/// A group of people with one origin and one route home.
#[derive(Clone, Debug)]
pub struct Cohort {
    pub name: String,
    pub origin: SiteId,
    pub size: u32,
    /// Stages after the origin; the last is a site of kind home.
    pub route: Vec<Stage>,
    pub arrival: Arrival,
}

impl Scenario {
    /// Total number of people in all cohorts.
    pub fn population(&self) -> u64 {
        self.cohorts.iter().map(|c| u64::from(c.size)).sum()
    }

    /// The name of a route stage, as written in the file.
    pub fn stage_name(&self, stage: Stage) -> &str {
        match stage {
            Stage::Site(s) => &self.sites[s.0 as usize].name,
            Stage::Leg(l) => &self.legs[l.0 as usize].name,
            Stage::Checkpoint(c) => &self.checkpoints[c.0 as usize].name,
        }
    }

    /// The site with this name, if any.
    pub fn site_by_name(&self, name: &str) -> Option<SiteId> {
        self.sites.iter().position(|s| s.name == name).map(|i| SiteId(i as u16))
    }
}
