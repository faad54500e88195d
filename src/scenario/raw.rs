//! The scenario file as written: serde structures that mirror the TOML, with spans kept
//! on every value that validation may need to point at.

use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    #[schemars(with = "RawHeader")]
    pub scenario: Spanned<RawHeader>,
    #[serde(default)]
    #[schemars(with = "Vec<RawSite>")]
    pub site: Vec<Spanned<RawSite>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawLeg>")]
    pub leg: Vec<Spanned<RawLeg>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawCheckpoint>")]
    pub checkpoint: Vec<Spanned<RawCheckpoint>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawCohort>")]
    pub cohort: Vec<Spanned<RawCohort>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawCategory>")]
    pub category: Vec<Spanned<RawCategory>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawWave>")]
    pub wave: Vec<Spanned<RawWave>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawClosure>")]
    pub closure: Vec<Spanned<RawClosure>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawOutbreak>")]
    pub outbreak: Vec<Spanned<RawOutbreak>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawChange>")]
    pub change: Vec<Spanned<RawChange>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawTarget>")]
    pub target: Vec<Spanned<RawTarget>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawUncertain>")]
    pub uncertain: Vec<Spanned<RawUncertain>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawPool>")]
    pub pool: Vec<Spanned<RawPool>>,
}

/// `[[pool]]`: named units shared by several stages (escort teams, drivers, screeners or
/// vehicles), e.g. `name = "escorts", size = 4, on_duty_hours = "06:00-22:00"`. A leg
/// takes units for each departure (`needs`, or its vehicles with `fleet`); a checkpoint
/// staffs each service from one (`staff_from`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPool {
    /// Required.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Units in the pool. Required.
    #[schemars(with = "i64")]
    pub size: Spanned<i64>,
    /// The shift: hours on duty, as a checkpoint's open_hours ("06:00-22:00",
    /// "08:00-12:00, 13:00-17:00", "22:00-06:00" or "always", the default). Off duty, no
    /// unit starts a new job; a job under way is finished. Optional.
    #[schemars(with = "Option<String>")]
    pub on_duty_hours: Option<Spanned<String>>,
    /// Days on duty, as a checkpoint's open_days ("daily", the default, "weekdays",
    /// "mon-sat", "mon,wed,fri"). Optional.
    #[schemars(with = "Option<String>")]
    pub on_duty_days: Option<Spanned<String>>,
    /// Cost per unit and hour on duty (paid whether busy or not). Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub cost_per_unit_hour: Option<Spanned<f64>>,
    /// Who gets a unit that frees up when several stages wait for one: first_come (the
    /// stage that has waited longest; the default) or priority (the lowest pool_priority
    /// of the waiting legs and checkpoints, then first come). A stage first in line that
    /// needs more units than are free holds the others back (no overtaking). Optional.
    #[schemars(with = "Option<RawDispatch>")]
    pub dispatch: Option<Spanned<RawDispatch>>,
}

/// How a pool chooses among the stages waiting for its units.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawDispatch {
    /// The stage that has waited longest first (the default).
    FirstCome,
    /// The lowest `pool_priority` first, then the longest waiting.
    Priority,
}

/// `needs = [{ pool = "escorts", units = 1, held = "round_trip" }]`: units a leg takes
/// from a pool for each departure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNeed {
    /// A `[[pool]]` name. Required.
    #[schemars(with = "String")]
    pub pool: Spanned<String>,
    /// Units per departure (per vehicle). Optional (default 1).
    #[schemars(with = "Option<i64>")]
    pub units: Option<Spanned<i64>>,
    /// round_trip (from boarding until the vehicle is back at the start; the default) or
    /// outbound (from boarding until the vehicle arrives). Optional.
    #[schemars(with = "Option<RawHeld>")]
    pub held: Option<Spanned<RawHeld>>,
}

/// How long a leg holds the units it took from a pool.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawHeld {
    /// From boarding until the vehicle is back at the start of the leg.
    RoundTrip,
    /// From boarding until the vehicle arrives at the end of the leg.
    Outbound,
}

/// `[[uncertain]]`: a number the plan assumes but nobody knows exactly; each replication
/// draws its own value (`path = "site.x.beds", dist = { dist = "triangular", min = 300,
/// mode = 400, max = 500 }`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawUncertain {
    /// A numeric parameter path, as `repatsim paths` lists them (e.g.
    /// site.sinuiju-quarantine.beds, cohort.workers.stay_hours.mean).
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    /// Its distribution: uniform (min, max), triangular (min, mode, max) or normal (mean,
    /// sd; truncated to min..max, by default 3 sd either side).
    #[schemars(with = "RawDist")]
    pub dist: Spanned<RawDist>,
    /// Optional: where the belief comes from.
    #[serde(default)]
    pub source: String,
}

/// `[[target]]`: what the plan must achieve, checked by `repatsim check`
/// (`metric = "makespan_days", stat = "p90", op = "<=", value = 60`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    /// A metric id, as in dictionary.csv (e.g. makespan_days, site.rason-
    /// quarantine.mean_bed_wait_hours); checked against the scenario's metrics by check and
    /// validate, with did-you-mean.
    #[schemars(with = "String")]
    pub metric: Spanned<String>,
    /// Mean (default) or a percentile pNN (p90, p97.5).
    #[schemars(with = "Option<String>")]
    pub stat: Option<Spanned<String>>,
    /// <=, <, >= or >.
    #[schemars(with = "String")]
    pub op: Spanned<String>,
    /// The bound, in the metric's unit.
    #[schemars(with = "f64")]
    pub value: Spanned<f64>,
    /// Optional: why, shown in the JUnit report and JSON.
    #[serde(default)]
    pub description: String,
}

/// `[[change]]`: a capacity that changes on a date (a ward opening, a third flight).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    /// Local date-time from which the new value holds (within the run).
    #[schemars(with = "String")]
    pub at: Spanned<toml::value::Datetime>,
    /// Exactly one: the element that changes.
    #[schemars(with = "Option<String>")]
    pub site: Option<Spanned<String>>,
    /// Exactly one: the element that changes.
    #[schemars(with = "Option<String>")]
    pub leg: Option<Spanned<String>>,
    /// Exactly one: the element that changes.
    #[schemars(with = "Option<String>")]
    pub checkpoint: Option<Spanned<String>>,
    /// With site (which must have beds): the new bed limit. More beds admit those waiting
    /// at once; fewer take no bed away (people over the limit stay until they leave).
    #[schemars(with = "Option<i64>")]
    pub beds: Option<Spanned<i64>>,
    /// With checkpoint: the new number of booths (a service under way on a removed booth is
    /// finished).
    #[schemars(with = "Option<i64>")]
    pub servers: Option<Spanned<i64>>,
    /// With leg: the new fleet; added vehicles start at from, removed ones are taken out at
    /// once if idle there, else when next back.
    #[schemars(with = "Option<i64>")]
    pub vehicles: Option<Spanned<i64>>,
    /// With a timetabled leg: its departures from then on (the old ones after at are
    /// dropped); not for a leg a checkin follows.
    #[schemars(with = "Option<Vec<String>>")]
    pub timetable: Option<Spanned<Vec<Spanned<String>>>>,
    /// Or exactly one: a `[[pool]]` whose size changes (not a fleet pool).
    #[schemars(with = "Option<String>")]
    pub pool: Option<Spanned<String>>,
    /// With pool: the new number of units. More wake the stages waiting; fewer take no
    /// unit away from a job under way (it is given back when the job ends).
    #[schemars(with = "Option<i64>")]
    pub size: Option<Spanned<i64>>,
}

/// `[[category]]`: a kind of person with a boarding priority and an evasion propensity.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    /// E.g. accused, health, out-of-favour, other. Required.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Seats and beds go by priority (1 first), then first come first served; waves notify
    /// by priority too. Optional (default 1).
    #[schemars(with = "Option<i64>")]
    pub priority: Option<Spanned<i64>>,
    /// Multiplies the cohort's evasion_per_hour. Optional (default 1).
    #[schemars(with = "Option<f64>")]
    pub evasion_multiplier: Option<Spanned<f64>>,
    #[serde(default)]
    pub description: String,
}

/// `[[wave]]`: notify people of a cohort, who are ready for pickup after a lead time.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWave {
    #[schemars(with = "String")]
    pub cohort: Spanned<String>,
    /// Days after the start (fractions allowed). Required.
    #[schemars(with = "f64")]
    pub at_day: Spanned<f64>,
    /// People notified (fewer if fewer are left; more than the cohort's size in one wave is
    /// refused). Required.
    #[schemars(with = "i64")]
    pub notify: Spanned<i64>,
    /// From notice to being ready for pickup. Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub lead_hours: Option<Spanned<f64>>,
    /// Repeat the wave count times, every every_days. Optional.
    #[schemars(with = "Option<f64>")]
    pub every_days: Option<Spanned<f64>>,
    /// Repeat the wave count times, every every_days. Optional.
    #[schemars(with = "Option<i64>")]
    pub count: Option<Spanned<i64>>,
}

/// `[[closure]]`: legs and checkpoints closed over a fixed window.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClosure {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Legs and checkpoints it stops: a closed checkpoint serves nobody, a closed leg sends
    /// no vehicle (timetabled departures in the window are lost).
    #[schemars(with = "Vec<String>")]
    pub applies_to: Spanned<Vec<Spanned<String>>>,
    /// [[closure]]: local date-times of a fixed window.
    #[schemars(with = "String")]
    pub from: Spanned<toml::value::Datetime>,
    /// [[closure]]: local date-times of a fixed window.
    #[schemars(with = "String")]
    pub to: Spanned<toml::value::Datetime>,
}

/// `[[outbreak]]`: random closures of legs and checkpoints.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutbreak {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Legs and checkpoints it stops: a closed checkpoint serves nobody, a closed leg sends
    /// no vehicle (timetabled departures in the window are lost).
    #[schemars(with = "Vec<String>")]
    pub applies_to: Spanned<Vec<Spanned<String>>>,
    /// [[outbreak]]: each week an outbreak starts with this probability, at a uniform time
    /// in the week, and lasts a draw of duration_days.
    #[schemars(with = "f64")]
    pub probability_per_week: Spanned<f64>,
    /// [[outbreak]]: each week an outbreak starts with this probability, at a uniform time
    /// in the week, and lasts a draw of duration_days.
    #[schemars(with = "RawDist")]
    pub duration_days: Spanned<RawDist>,
}

/// `[scenario]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    /// Identifier used in reports. Required.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Free text. Optional.
    #[serde(default)]
    pub description: String,
    /// Local date and time of simulated hour 0, e.g. 2023-08-28T06:00:00; sets the weekday
    /// and clock time for opening hours and timetables. Required.
    #[schemars(with = "String")]
    pub start: Spanned<toml::value::Datetime>,
    /// Nothing happens after this (at most 3650). Required.
    #[schemars(with = "f64")]
    pub horizon_days: Spanned<f64>,
    /// Master seed; replication i depends only on (seed, i). Optional (default 1).
    #[schemars(with = "Option<i64>")]
    pub seed: Option<Spanned<i64>>,
    /// Replications run when -n is not given. Optional (default 100).
    #[schemars(with = "Option<i64>")]
    pub replications: Option<Spanned<i64>>,
    /// Statistics of sites, legs and checkpoints restart at this time (people and their
    /// door-to-door times do not), for steady-state measurements; must end before the
    /// horizon. Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub warmup_hours: Option<Spanned<f64>>,
    /// Label of the cost unit, e.g. "USD". Optional.
    pub currency: Option<String>,
    /// The day by which everyone should be home: drawn on the people-home chart; the report
    /// says how many replications make it. Optional.
    #[schemars(with = "Option<f64>")]
    pub target_days: Option<Spanned<f64>>,
}

/// What a site is for.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawSiteKind {
    Origin,
    Assembly,
    Transit,
    Quarantine,
    Home,
}

/// `[[site]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Origin (where cohorts start; unlimited), assembly (a hotel or dormitory), transit (a
    /// place passed through, e.g. a border post or airport), quarantine, home (the end of
    /// every route). Required.
    #[schemars(with = "RawSiteKind")]
    pub kind: Spanned<RawSiteKind>,
    #[serde(default)]
    pub description: String,
    /// Capacity; omitted = unlimited. Not allowed for origin and home. People who cannot
    /// get a bed wait where they are (holding a bed at the previous site, at the border, or
    /// at the leg's arrival point), first come first served, and the wait is counted.
    /// Optional.
    #[schemars(with = "Option<i64>")]
    pub beds: Option<Spanned<i64>>,
    /// Distribution of the stay after entering; default 168 (one week) for quarantine, 0
    /// for others. After the stay people wait in place (holding the bed) until the next
    /// stage takes them. Optional.
    #[schemars(with = "Option<RawDist>")]
    pub stay_hours: Option<Spanned<RawDist>>,
    /// Cost per occupied bed and 24 hours. With beds, a transit site is a holding area (an
    /// airport or station hall) with a capacity and a nightly cost. Not allowed for origin
    /// and home, which lodge nobody. Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub cost_per_bed_night: Option<Spanned<f64>>,
    /// A test at the end of the stay (once per stay); positive with this probability.
    /// Optional.
    #[schemars(with = "Option<f64>")]
    pub test_positive_probability: Option<Spanned<f64>>,
    /// A positive result extends the stay by this distribution; the bed is kept. Required
    /// with a test.
    #[schemars(with = "Option<RawDist>")]
    pub positive_extra_stay_hours: Option<Spanned<RawDist>>,
    /// Or: a positive person moves to this site (waiting for a bed there while keeping
    /// theirs), stays its stay_hours, then continues the route. It must be another site
    /// with a stay: the site itself, a home or an origin is refused. Required with a test.
    #[schemars(with = "Option<String>")]
    pub positive_isolation_site: Option<Spanned<String>>,
    /// The town or compound the site is in. A route may go from one site to another in the
    /// same area without a leg (a local transfer not worth modelling, taking no time), e.g.
    /// pyongyang-airport and pyongyang-quarantine with area = "pyongyang"; between areas it
    /// needs a leg, or the route is refused ("people are at rason-quarantine ..., but
    /// pyongyang-quarantine is another site"). Optional (default the site's name).
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<String>>,
}

/// Transport mode of a leg (descriptive; used in reports).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawMode {
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

/// Whether a leg waits for beds downstream before leaving.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawAdmission {
    None,
    Reserve,
}

/// When a vehicle leaves.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawDeparture {
    WhenFull,
    WhenFullOrEmptyQueue,
    Timetable,
}

/// `[[leg]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLeg {
    /// From/to are site names. Required.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// From/to are site names. Required.
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    /// From/to are site names. Required.
    #[schemars(with = "String")]
    pub to: Spanned<String>,
    /// Bus, coach, train, flight, ship, ferry, truck, van, car, walk. Required.
    #[schemars(with = "RawMode")]
    pub mode: Spanned<RawMode>,
    /// Fleet size; every vehicle starts at from. Required unless fleet is given.
    #[schemars(with = "Option<i64>")]
    pub vehicles: Option<Spanned<i64>>,
    /// Or: the leg's vehicles are the units of this `[[pool]]`, shared with other legs
    /// (a vehicle is taken at boarding and given back when it is back at from). Optional.
    #[schemars(with = "Option<String>")]
    pub fleet: Option<Spanned<String>>,
    /// Units from pools each departure (each vehicle) needs besides the vehicle: [{ pool
    /// = "escorts", units = 1, held = "round_trip" }]. A departure waits until the vehicle
    /// and every unit are free. Optional.
    #[schemars(with = "Option<Vec<RawNeed>>")]
    pub needs: Option<Spanned<Vec<Spanned<RawNeed>>>>,
    /// Order among the stages waiting for a pool with dispatch = "priority" (1 first).
    /// Optional (default 1).
    #[schemars(with = "Option<i64>")]
    pub pool_priority: Option<Spanned<i64>>,
    /// Seats per vehicle. Required.
    #[schemars(with = "i64")]
    pub seats: Spanned<i64>,
    /// Distribution, one draw per trip. Required.
    #[schemars(with = "RawDist")]
    pub travel_hours: Spanned<RawDist>,
    /// Empty run back to from, one draw per trip; default: the travel_hours distribution.
    /// Optional.
    #[schemars(with = "Option<RawDist>")]
    pub return_hours: Option<Spanned<RawDist>>,
    /// when_full_or_empty_queue (default): an idle vehicle leaves as soon as anyone waits,
    /// taking everyone waiting at that instant up to its seats; when_full: only with every
    /// seat taken (plus max_wait_hours: or once the first passenger has waited that long);
    /// timetable: at the times in timetable, every idle vehicle needed leaves, each with up
    /// to seats of the people waiting. Optional.
    #[schemars(with = "Option<RawDeparture>")]
    pub departure: Option<Spanned<RawDeparture>>,
    /// List of entries: "daily 09:00", "weekdays 08:00 14:00", "tue,fri 10:30", "mon-wed
    /// 07:15", or a one-off "2023-08-29 10:00". Required with timetable.
    #[schemars(with = "Option<Vec<String>>")]
    pub timetable: Option<Spanned<Vec<Spanned<String>>>>,
    /// With when_full only. Optional.
    #[schemars(with = "Option<f64>")]
    pub max_wait_hours: Option<Spanned<f64>>,
    /// People aboard are under escort: from boarding on they can no longer evade. Optional
    /// (default true).
    #[schemars(with = "Option<bool>")]
    pub escorted: Option<Spanned<bool>>,
    /// None: leave regardless; arrivals that find no bed wait at the destination (counted
    /// as the leg's *holding*). reserve: a vehicle leaves only with a bed reserved for
    /// every passenger at the first bed-limited site ahead (past checkpoints, further legs
    /// and places without a bed limit), so nobody piles up at the border; they wait where
    /// they are instead. A when_full leg whose seats exceed those beds is refused before
    /// the run. Optional (default none).
    #[schemars(with = "Option<RawAdmission>")]
    pub admission: Option<Spanned<RawAdmission>>,
    /// Timetabled departures only: each is cancelled with this probability (the slot is
    /// lost). Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub cancel_probability: Option<Spanned<f64>>,
    /// Each trip breaks down with this probability, adding a draw of repair_hours to its
    /// travel time. Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub breakdown_probability: Option<Spanned<f64>>,
    /// Each trip breaks down with this probability, adding a draw of repair_hours to its
    /// travel time. Optional (default 0).
    #[schemars(with = "Option<RawDist>")]
    pub repair_hours: Option<Spanned<RawDist>>,
    /// Cost per departure, and per seat offered per departure. Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub cost_per_trip: Option<Spanned<f64>>,
    /// Cost per departure, and per seat offered per departure. Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub cost_per_seat: Option<Spanned<f64>>,
    /// A trunk leg this (feeder) leg reserves seats on, e.g. buses feeding a flight: a
    /// vehicle takes no more people than the trunk's next departure (its vehicles x seats)
    /// has seats not yet promised or already waiting, so buses do not bring 450 people for
    /// a 200-seat flight; the rest wait where they are, and the feeders leave again when
    /// the trunk has departed. The trunk must follow the feeder on every route that uses it
    /// (refused otherwise). Optional.
    #[schemars(with = "Option<String>")]
    pub reserve_seats_on: Option<Spanned<String>>,
}

/// `[[checkpoint]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCheckpoint {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Where it is; visiting it moves people there. Optional.
    #[schemars(with = "Option<String>")]
    pub site: Option<Spanned<String>>,
    /// Parallel booths. Required.
    #[schemars(with = "i64")]
    pub servers: Spanned<i64>,
    /// A `[[pool]]` whose units staff the booths: each service needs a free booth and a
    /// free unit, held until the service ends (screeners shared by two posts). Optional.
    #[schemars(with = "Option<String>")]
    pub staff_from: Option<Spanned<String>>,
    /// Order among the stages waiting for a pool with dispatch = "priority" (1 first).
    /// Optional (default 1).
    #[schemars(with = "Option<i64>")]
    pub pool_priority: Option<Spanned<i64>>,
    /// Distribution per person. Required.
    #[schemars(with = "RawDist")]
    pub service_minutes: Spanned<RawDist>,
    /// "09:00-17:00", "08:00-12:00, 13:00-17:00", "22:00-06:00" (overnight) or "always"
    /// (default). Optional.
    #[schemars(with = "Option<String>")]
    pub open_hours: Option<Spanned<String>>,
    /// "daily" (default), "weekdays", "weekends", "mon-sat", "mon,wed,fri". Optional.
    #[schemars(with = "Option<String>")]
    pub open_days: Option<Spanned<String>>,
    /// Holidays: ["2023-10-01..2023-10-07", "2023-09-09"] (inclusive days). Optional.
    #[schemars(with = "Option<Vec<String>>")]
    pub closed_dates: Option<Spanned<Vec<Spanned<String>>>>,
    /// At most this many services start per calendar day (from midnight) or week (from
    /// Monday 00:00). Optional.
    #[schemars(with = "Option<i64>")]
    pub quota_per_day: Option<Spanned<i64>>,
    /// At most this many services start per calendar day (from midnight) or week (from
    /// Monday 00:00). Optional.
    #[schemars(with = "Option<i64>")]
    pub quota_per_week: Option<Spanned<i64>>,
    /// Cost per hour open (opening hours less closures). Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub cost_per_open_hour: Option<Spanned<f64>>,
    /// Ties the checkpoint to a timetabled leg's departures: { leg = "air-koryo",
    /// opens_hours_before = 4, closes_hours_before = 1 } opens it only from 4 h to 1 h
    /// before each weekly departure (within its own open_hours and days), so nobody clears
    /// exit control days early or after the flight left. People still in line when a window
    /// closes, or arriving after it closed but before the departure, missed it: they wait
    /// for the next departure's window, counted as checkpoint.<k>.missed_checkins and
    /// traced as checkin_missed. Weekly timetable entries only. Optional.
    #[schemars(with = "Option<RawCheckin>")]
    pub checkin: Option<Spanned<RawCheckin>>,
    /// first_come: one first-come-first-served line feeds all booths; priority: the next
    /// person served is the one of the highest category priority (then the earliest), never
    /// interrupting a service under way (non-preemptive; checked against Cobham's formula
    /// in scenarios/validation/priority-mm1.toml). Optional (default first_come).
    #[schemars(with = "Option<RawServe>")]
    pub serve: Option<Spanned<RawServe>>,
    /// How long a person waits in line before giving up, drawn per person as they join (a
    /// distribution in hours, e.g. { dist = "exponential", mean = 2 }); what happens then
    /// is give_up's. Service under way is never abandoned. Optional (default: everyone
    /// waits as long as it takes).
    #[schemars(with = "Option<RawDist>")]
    pub patience_hours: Option<Spanned<RawDist>>,
    /// Most people the line can hold (waiting, not in service); someone arriving to a
    /// full line cannot join, and give_up says what they do. Optional (default:
    /// unlimited).
    #[schemars(with = "Option<i64>")]
    pub max_line: Option<Spanned<i64>>,
    /// What people who give up (patience_hours) or find the line full (max_line) do:
    /// turned_away (they leave the return, counted as turned away; the default) or retry
    /// (they step away and come back after retry_after_hours, as often as needed).
    #[schemars(with = "Option<RawGiveUp>")]
    pub give_up: Option<Spanned<RawGiveUp>>,
    /// With give_up = "retry": how long they stay away before coming back (hours, a
    /// distribution).
    #[schemars(with = "Option<RawDist>")]
    pub retry_after_hours: Option<Spanned<RawDist>>,
}

/// What people do who give up waiting at a checkpoint, or find its line full.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawGiveUp {
    /// They leave the return, counted as turned away.
    TurnedAway,
    /// They step away and come back after `retry_after_hours`.
    Retry,
}

/// Who a checkpoint serves next.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawServe {
    /// First come, first served (the default).
    FirstCome,
    /// By category priority, then first come (non-preemptive).
    Priority,
}

/// `checkin = { leg = "flight", opens_hours_before = 4, closes_hours_before = 1 }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCheckin {
    #[schemars(with = "String")]
    pub leg: Spanned<String>,
    #[schemars(with = "f64")]
    pub opens_hours_before: Spanned<f64>,
    #[schemars(with = "Option<f64>")]
    pub closes_hours_before: Option<Spanned<f64>>,
}

/// `[[cohort]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCohort {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// A site of kind origin. Required.
    #[schemars(with = "String")]
    pub origin: Spanned<String>,
    /// Number of people (at most 50,000,000 in all). Required.
    #[schemars(with = "i64")]
    pub size: Spanned<i64>,
    /// Ordered list of legs, sites and checkpoints ending with a home site, e.g. ["coach",
    /// "hotel", "shuttle", "customs", "bridge-bus", "quarantine", "home"]. A route must
    /// make physical sense, or it is refused with the stage and the fix: every leg starts
    /// where people are; every site and every checkpoint's site is where the route has
    /// brought them (or in the same area); no site or checkpoint appears twice; origins
    /// only start routes; home (where people disperse to) comes last and may follow any
    /// stage. A step may instead be a branch, { share = 0.1, via = ["screening-bus",
    /// "secondary-screening"] }: that share of people (drawn per person, from a random stream
    /// of its own) take the via stages there, then go on with the route; via must start
    /// and end where the route is. Required.
    #[schemars(with = "Vec<RawRouteStep>")]
    pub route: Spanned<Vec<Spanned<RawRouteStep>>>,
    /// When people become ready at the origin (not with waves): omitted = everyone at time
    /// 0; { process = "all_at_once", at_hours = 12 }; { process = "poisson", per_hour = 2.5
    /// }; { process = "per_day", per_day = [100, 250, 50] } (Poisson with a rate for each
    /// day; the last rate continues); { process = "regular", every_hours = 0.5, at_hours =
    /// 0 } (one person every half hour, the first at at_hours); { process = "batches",
    /// batches = [{ at_hours = 0, people = 60 }, { at_hours = 24, people = 40 }] } (must
    /// add up to size). Optional.
    #[schemars(with = "Option<RawArrival>")]
    pub arrival: Option<Spanned<RawArrival>>,
    /// Shares of categories, e.g. { accused = 0.05, health = 0.10, other = 0.85 } (adding
    /// up to 1); whole people are apportioned exactly (largest remainder) and interleaved
    /// evenly. Without it everyone is in an implicit category all (priority 1). Optional.
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub mix: Option<Spanned<BTreeMap<String, f64>>>,
    /// Routes replacing route for some categories, e.g. { health = ["ambulance", "customs",
    /// "isolation-ward", "home"] }. Optional.
    #[schemars(with = "Option<BTreeMap<String, Vec<String>>>")]
    pub category_routes: Option<Spanned<BTreeMap<String, RawRoute>>>,
    /// Hazard of slipping away per hour (times the category's evasion_multiplier), from
    /// notice (a [[wave]]) until boarding an escorted leg; not while being served or
    /// travelling. Optional (default 0).
    #[schemars(with = "Option<f64>")]
    pub evasion_per_hour: Option<Spanned<f64>>,
    /// At most this many may leave the origin per calendar day or week; the rest wait, by
    /// priority. Optional.
    #[schemars(with = "Option<i64>")]
    pub approvals_per_day: Option<Spanned<i64>>,
    /// At most this many may leave the origin per calendar day or week; the rest wait, by
    /// priority. Optional.
    #[schemars(with = "Option<i64>")]
    pub approvals_per_week: Option<Spanned<i64>>,
}

/// A route as written: stage names with their spans.
pub type RawRoute = Spanned<Vec<Spanned<String>>>;

/// A step of a cohort's route as written: a stage's name, or a branch.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[schemars(untagged)]
pub enum RawRouteStep {
    Stage(String),
    Branch(RawBranch),
}

/// `{ share = 0.1, via = ["screening-bus", "secondary-screening"] }`: a share of people
/// take these stages here, then go on with the route.
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBranch {
    /// The share of people taking the branch (0 to 1), each drawn at random.
    pub share: f64,
    /// The stages they take, in order.
    pub via: Vec<String>,
}

impl<'de> Deserialize<'de> for RawRouteStep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawRouteStep;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a stage's name or a branch such as { share = 0.1, via = [\"screening\"] }")
            }
            fn visit_str<E>(self, v: &str) -> Result<RawRouteStep, E> {
                Ok(RawRouteStep::Stage(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawRouteStep, A::Error> {
                RawBranch::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawRouteStep::Branch)
            }
        }
        d.deserialize_any(V)
    }
}

/// How a cohort's people become ready to leave their origin.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawArrivalProcess {
    AllAtOnce,
    Poisson,
    PerDay,
    Regular,
    Batches,
}

/// `[cohort.arrival]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrival {
    #[schemars(with = "RawArrivalProcess")]
    pub process: Spanned<RawArrivalProcess>,
    #[schemars(with = "Option<f64>")]
    pub at_hours: Option<Spanned<f64>>,
    #[schemars(with = "Option<f64>")]
    pub per_hour: Option<Spanned<f64>>,
    #[schemars(with = "Option<Vec<f64>>")]
    pub per_day: Option<Spanned<Vec<f64>>>,
    #[schemars(with = "Option<f64>")]
    pub every_hours: Option<Spanned<f64>>,
    #[schemars(with = "Option<Vec<RawBatch>>")]
    pub batches: Option<Spanned<Vec<Spanned<RawBatch>>>>,
}

/// One batch of a batch arrival timetable.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    pub at_hours: f64,
    pub people: i64,
}

/// Which distribution family a table names.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawDistKind {
    Fixed,
    Exponential,
    Normal,
    Lognormal,
    Uniform,
    Triangular,
    Gamma,
    Empirical,
}

/// A distribution as written: a bare number (fixed) or a table naming the family.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[schemars(untagged)]
pub enum RawDist {
    Number(f64),
    Table(RawDistTable),
}

/// `{ dist = "triangular", min = 9, mode = 10, max = 13 }`.
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDistTable {
    pub dist: RawDistKind,
    pub value: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub mode: Option<f64>,
    pub max: Option<f64>,
    pub shape: Option<f64>,
    pub scale: Option<f64>,
    /// Empirical: the observations.
    pub values: Option<Vec<f64>>,
    /// Empirical: draw between the observations (continuous) rather than only them.
    pub interpolate: Option<bool>,
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawDist;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number (a fixed value) or a table such as { dist = \"exponential\", mean = 3 }")
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawDist, E> {
                Ok(RawDist::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawDist, E> {
                Ok(RawDist::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawDist, E> {
                Ok(RawDist::Number(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawDist, A::Error> {
                RawDistTable::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawDist::Table)
            }
        }
        d.deserialize_any(V)
    }
}
