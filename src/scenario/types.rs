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
/// Index of a category in [`Scenario::categories`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryId(pub u16);
/// Index of a pool in [`Scenario::pools`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PoolId(pub u16);
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
    /// Kinds of people; every cohort's people belong to these (an implicit `all` when a
    /// cohort gives no mix).
    pub categories: Vec<Category>,
    /// Notification waves, sorted by time.
    pub waves: Vec<Wave>,
    /// Fixed closures of legs and checkpoints.
    pub closures: Vec<Closure>,
    /// Random closures of legs and checkpoints.
    pub outbreaks: Vec<Outbreak>,
    /// Capacities that change on dates, sorted by time (file order at one time).
    pub changes: Vec<Change>,
    /// Label of the cost unit (e.g. "USD").
    pub currency: String,
    /// The day by which everyone should be home, if the plan has one (drawn on charts
    /// and checked in the findings).
    pub target_days: Option<f64>,
    /// `[[target]]`s: statistics the plan must meet, checked by `repatsim check`.
    pub targets: Vec<PlanTarget>,
    /// `[[uncertain]]` inputs: each replication runs on its own draw of these (see
    /// [`Scenario::for_replication`]).
    pub uncertain: Vec<Uncertain>,
    /// `[[pool]]`s: units (escorts, drivers, screeners, vehicles) shared by legs and
    /// checkpoints.
    pub pools: Vec<Pool>,
}

/// Named units shared by several stages: each departure of a leg that needs them, or
/// each service of a checkpoint staffed from them, takes units while free and on duty.
#[derive(Clone, Debug)]
pub struct Pool {
    pub name: String,
    pub size: u32,
    /// The shift: no unit starts a new job off duty (a job under way is finished).
    pub on_duty: WeeklyHours,
    /// Per unit and hour on duty.
    pub cost_per_unit_hour: f64,
    /// A cost field is written in the file (even as 0): the cost metric exists, so a
    /// sweep or plan of the cost from 0 finds it.
    pub costed: bool,
    /// A freed unit goes to the waiting stage of the lowest `pool_priority` first
    /// (else to the one that has waited longest).
    pub by_priority: bool,
}

/// Units of a pool a leg takes for each departure (each vehicle).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Need {
    pub pool: PoolId,
    pub units: u32,
    /// Given back when the vehicle arrives, not when it is back at the start.
    pub outbound_only: bool,
}

/// An `[[uncertain]]` input of the scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertain {
    /// The parameter path (as `--set` takes it).
    pub path: String,
    pub dist: crate::stats::input_dist::InputDist,
    /// Whole-number field: draws are rounded.
    pub whole: bool,
    /// The value this scenario runs with: the draw, in a replication's scenario; NaN in
    /// the scenario as read (whose replications each draw their own).
    pub value: f64,
    /// Where the belief comes from, as the file says.
    pub source: String,
    /// Byte range of the table in the file, for located errors.
    pub span: std::ops::Range<usize>,
}

/// A `[[target]]` of the scenario file. Its metric is resolved against the metric
/// catalogue when checked (the catalogue is built from the compiled network), so its
/// place in the file is kept for a located error.
#[derive(Clone, Debug)]
pub struct PlanTarget {
    pub target: crate::stats::target::Target,
    pub description: String,
    /// Byte range of the metric's name in the file.
    pub metric_span: std::ops::Range<usize>,
    /// Byte range of the bound (`value`) in the file.
    pub value_span: std::ops::Range<usize>,
}

/// A kind of person: who boards first and who is likely to slip away.
#[derive(Clone, Debug)]
pub struct Category {
    pub name: String,
    /// 1 is served first; seats and beds go by priority, then first come first served.
    pub priority: u32,
    /// Multiplies the cohort's evasion hazard.
    pub evasion_multiplier: f64,
}

/// "At day D, notify N people of cohort X; they are ready for pickup L hours later."
#[derive(Clone, Debug)]
pub struct Wave {
    pub cohort: CohortId,
    pub at_hours: f64,
    pub notify: u32,
    pub lead_hours: f64,
}

/// A leg or checkpoint that a closure can stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closable {
    Leg(LegId),
    Checkpoint(CheckpointId),
}

/// A capacity that changes at a time: from `at_hours` on, the element has the new value.
#[derive(Clone, Debug)]
pub struct Change {
    pub at_hours: f64,
    pub what: ChangeWhat,
}

/// What a [`Change`] changes.
#[derive(Clone, Debug)]
pub enum ChangeWhat {
    /// A site's beds (people over the new limit stay until they leave).
    Beds { site: SiteId, beds: u32 },
    /// A checkpoint's booths (a service under way on a removed booth is finished).
    Servers { checkpoint: CheckpointId, servers: u32 },
    /// A leg's fleet (removed vehicles are taken out when next idle at the start).
    Vehicles { leg: LegId, vehicles: u32 },
    /// A timetabled leg's departures from then on.
    Timetable {
        leg: LegId,
        timetable: crate::engine::Timetable,
    },
    /// A pool's units (a job under way on a removed unit is finished).
    PoolSize { pool: PoolId, size: u32 },
}

/// A fixed window during which legs and checkpoints are closed.
#[derive(Clone, Debug)]
pub struct Closure {
    pub name: String,
    pub applies_to: Vec<Closable>,
    pub from_hours: f64,
    pub to_hours: f64,
}

/// Random closures: in each week an outbreak starts with this probability, at a uniform
/// time within the week, and closes the listed elements for a random duration.
#[derive(Clone, Debug)]
pub struct Outbreak {
    pub name: String,
    pub applies_to: Vec<Closable>,
    pub probability_per_week: f64,
    pub duration_hours: Dist,
}

/// A cap on how many people may pass in a calendar period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quota {
    pub count: u32,
    /// 24 (a calendar day, from midnight) or 168 (a week, from Monday 00:00).
    pub period_hours: f64,
}

/// What a positive test at the end of a stay does.
#[derive(Clone, Copy, Debug)]
pub enum OnPositive {
    /// The stay is extended by a draw of this distribution (the bed is kept).
    Extend(Dist),
    /// The person moves to this site (waiting for a bed there while keeping theirs), stays
    /// its stay, then continues their route.
    Isolate(SiteId),
}

/// A test at the end of a stay.
#[derive(Clone, Copy, Debug)]
pub struct Testing {
    pub positive_probability: f64,
    pub on_positive: OnPositive,
}

/// Whether a leg waits for beds downstream before it leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Leave regardless; arrivals that find no bed wait at the destination.
    None,
    /// Leave only with a bed reserved at the next bed-limited site for every passenger.
    Reserve,
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
    pub testing: Option<Testing>,
    pub cost_per_bed_night: f64,
    /// A cost field is written in the file (even as 0): the cost metric exists, so a
    /// sweep or plan of the cost from 0 finds it.
    pub costed: bool,
    /// The town or compound the site is in (default: its own name). A route may go
    /// from one site to another in the same area without a leg (a local transfer not
    /// worth modelling, taking no time); between areas it needs a leg.
    pub area: String,
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
    /// People aboard are under escort: from here on they cannot evade.
    pub escorted: bool,
    pub admission: Admission,
    /// Probability that a timetabled departure is cancelled (the slot is lost).
    pub cancel_probability: f64,
    /// Probability that a trip breaks down, adding a repair time to it.
    pub breakdown_probability: f64,
    pub repair_hours: Option<Dist>,
    pub cost_per_trip: f64,
    /// Per seat offered, per trip.
    pub cost_per_seat: f64,
    /// A cost field is written in the file (even as 0): the cost metric exists, so a
    /// sweep or plan of the cost from 0 finds it.
    pub costed: bool,
    /// A feeder leg boards only as many as the seats of this (trunk) leg's next
    /// departure not yet promised or waiting: the seat analogue of reserving beds.
    pub reserve_seats_on: Option<LegId>,
    /// The pool the vehicles come from (`vehicles` is then its size), if shared.
    pub fleet: Option<PoolId>,
    /// Units each departure takes from pools (the fleet's vehicle first, if any).
    pub needs: Vec<Need>,
    /// Order among stages waiting for a pool that dispatches by priority (1 first).
    pub pool_priority: u32,
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
    /// Closed windows (holidays), in simulated hours, sorted and disjoint.
    pub closed: Vec<(f64, f64)>,
    pub quota: Option<Quota>,
    pub cost_per_open_hour: f64,
    /// A cost field is written in the file (even as 0): the cost metric exists, so a
    /// sweep or plan of the cost from 0 finds it.
    pub costed: bool,
    /// A check-in tied to a timetabled leg's departures; `open` is then already the
    /// check-in windows within the checkpoint's own hours.
    pub checkin: Option<Checkin>,
    /// Serve waiting people by category priority (then first come), not first come
    /// only; a service under way is never interrupted.
    pub by_priority: bool,
    /// How long a person waits in line before giving up (hours), if they ever do.
    pub patience_hours: Option<Dist>,
    /// Most people the line holds (waiting, not in service), if limited.
    pub max_line: Option<u32>,
    /// What people who give up or find the line full do.
    pub give_up: GiveUp,
    /// The pool whose units staff the booths (one per service), if any.
    pub staff_from: Option<PoolId>,
    /// Order among stages waiting for a pool that dispatches by priority (1 first).
    pub pool_priority: u32,
}

/// What people do who give up waiting at a checkpoint, or find its line full.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GiveUp {
    /// They leave the return, counted as turned away.
    TurnedAway,
    /// They step away and come back after a time drawn from this distribution (hours).
    Retry(Dist),
}

/// A checkpoint open only from `opens_hours_before` to `closes_hours_before` each
/// departure of `leg` (e.g. exit customs for a flight's passengers).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Checkin {
    pub leg: LegId,
    pub opens_hours_before: f64,
    pub closes_hours_before: f64,
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
    /// How many people of each category (adds up to `size`).
    pub mix: Vec<(CategoryId, u32)>,
    /// `route`'s alternatives when it branches: each full route with its probability
    /// (the first takes no branch); empty when it does not branch.
    pub branch_routes: Vec<(f64, Vec<Stage>)>,
    /// Routes that replace `route` for some categories.
    pub category_routes: Vec<(CategoryId, Vec<Stage>)>,
    /// Hazard of slipping away per hour, from notice until boarding an escorted leg.
    pub evasion_per_hour: f64,
    /// A cap on how many may leave the origin per day or week.
    pub approvals: Option<Quota>,
    /// True if people are released by waves rather than by `arrival`.
    pub has_waves: bool,
}

impl Cohort {
    /// The route a category of this cohort follows.
    pub fn route_of(&self, category: CategoryId) -> &[Stage] {
        self.category_routes
            .iter()
            .find(|(c, _)| *c == category)
            .map_or(&self.route, |(_, r)| r)
    }

    /// The routes a category may follow, with their probabilities: its own route, or
    /// `route`'s branch alternatives, or `route`.
    pub fn routes_of(&self, category: CategoryId) -> Vec<(f64, &[Stage])> {
        match self.category_routes.iter().find(|(c, _)| *c == category) {
            Some((_, r)) => vec![(1.0, r.as_slice())],
            None if self.branch_routes.is_empty() => vec![(1.0, self.route.as_slice())],
            None => self.branch_routes.iter().map(|(p, r)| (*p, r.as_slice())).collect(),
        }
    }

    /// Every route anyone of this cohort may follow (branch alternatives and category
    /// routes included), for checks that must hold on each.
    pub fn all_routes(&self) -> Vec<&[Stage]> {
        let mut out: Vec<&[Stage]> = if self.branch_routes.is_empty() {
            vec![self.route.as_slice()]
        } else {
            self.branch_routes.iter().map(|(_, r)| r.as_slice()).collect()
        };
        out.extend(self.category_routes.iter().map(|(_, r)| r.as_slice()));
        out
    }
}

impl Scenario {
    /// How many of cohort `c` ever set out: all of them, or with waves as many as the
    /// waves notify (fewer than the cohort holds leave the rest where they are).
    pub fn people_who_set_out(&self, c: usize) -> u64 {
        let size = u64::from(self.cohorts[c].size);
        if !self.cohorts[c].has_waves {
            return size;
        }
        let notified: u64 = self
            .waves
            .iter()
            .filter(|w| w.cohort.0 as usize == c)
            .map(|w| u64::from(w.notify))
            .sum();
        notified.min(size)
    }

    /// The smallest and largest value of the `[[uncertain]]` input at `path` (as
    /// `--set` names it, e.g. `site.ward.beds`), if it is one: each replication runs
    /// with its own draw, so no single value of it is the plan's.
    pub fn drawn_range(&self, path: &str) -> Option<(f64, f64)> {
        self.uncertain.iter().find(|u| u.path == path).map(|u| u.dist.bounds())
    }

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
