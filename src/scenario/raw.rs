//! The scenario file as written: serde structures that mirror the TOML, with spans kept
//! on every value that validation may need to point at.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub scenario: Spanned<RawHeader>,
    #[serde(default)]
    pub site: Vec<Spanned<RawSite>>,
    #[serde(default)]
    pub leg: Vec<Spanned<RawLeg>>,
    #[serde(default)]
    pub checkpoint: Vec<Spanned<RawCheckpoint>>,
    #[serde(default)]
    pub cohort: Vec<Spanned<RawCohort>>,
    #[serde(default)]
    pub category: Vec<Spanned<RawCategory>>,
    #[serde(default)]
    pub wave: Vec<Spanned<RawWave>>,
    #[serde(default)]
    pub closure: Vec<Spanned<RawClosure>>,
    #[serde(default)]
    pub outbreak: Vec<Spanned<RawOutbreak>>,
    #[serde(default)]
    pub change: Vec<Spanned<RawChange>>,
    #[serde(default)]
    pub target: Vec<Spanned<RawTarget>>,
}

/// `[[target]]`: what the plan must achieve, checked by `repatsim check`
/// (`metric = "makespan_days", stat = "p90", op = "<=", value = 60`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub metric: Spanned<String>,
    pub stat: Option<Spanned<String>>,
    pub op: Spanned<String>,
    pub value: Spanned<f64>,
    #[serde(default)]
    pub description: String,
}

/// `[[change]]`: a capacity that changes on a date (a ward opening, a third flight).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    pub at: Spanned<toml::value::Datetime>,
    pub site: Option<Spanned<String>>,
    pub leg: Option<Spanned<String>>,
    pub checkpoint: Option<Spanned<String>>,
    pub beds: Option<Spanned<i64>>,
    pub servers: Option<Spanned<i64>>,
    pub vehicles: Option<Spanned<i64>>,
    pub timetable: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[[category]]`: a kind of person with a boarding priority and an evasion propensity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub name: Spanned<String>,
    pub priority: Option<Spanned<i64>>,
    pub evasion_multiplier: Option<Spanned<f64>>,
    #[serde(default)]
    pub description: String,
}

/// `[[wave]]`: notify people of a cohort, who are ready for pickup after a lead time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWave {
    pub cohort: Spanned<String>,
    pub at_day: Spanned<f64>,
    pub notify: Spanned<i64>,
    pub lead_hours: Option<Spanned<f64>>,
    pub every_days: Option<Spanned<f64>>,
    pub count: Option<Spanned<i64>>,
}

/// `[[closure]]`: legs and checkpoints closed over a fixed window.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClosure {
    pub name: Spanned<String>,
    pub applies_to: Spanned<Vec<Spanned<String>>>,
    pub from: Spanned<toml::value::Datetime>,
    pub to: Spanned<toml::value::Datetime>,
}

/// `[[outbreak]]`: random closures of legs and checkpoints.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutbreak {
    pub name: Spanned<String>,
    pub applies_to: Spanned<Vec<Spanned<String>>>,
    pub probability_per_week: Spanned<f64>,
    pub duration_days: Spanned<RawDist>,
}

/// `[scenario]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    pub start: Spanned<toml::value::Datetime>,
    pub horizon_days: Spanned<f64>,
    pub seed: Option<Spanned<i64>>,
    pub replications: Option<Spanned<i64>>,
    pub warmup_hours: Option<Spanned<f64>>,
    pub currency: Option<String>,
    pub target_days: Option<Spanned<f64>>,
}

/// What a site is for.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawSiteKind {
    Origin,
    Assembly,
    Transit,
    Quarantine,
    Home,
}

/// `[[site]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub name: Spanned<String>,
    pub kind: Spanned<RawSiteKind>,
    #[serde(default)]
    pub description: String,
    pub beds: Option<Spanned<i64>>,
    pub stay_hours: Option<Spanned<RawDist>>,
    pub cost_per_bed_night: Option<Spanned<f64>>,
    pub test_positive_probability: Option<Spanned<f64>>,
    pub positive_extra_stay_hours: Option<Spanned<RawDist>>,
    pub positive_isolation_site: Option<Spanned<String>>,
    pub area: Option<Spanned<String>>,
}

/// Transport mode of a leg (descriptive; used in reports).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
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
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawAdmission {
    None,
    Reserve,
}

/// When a vehicle leaves.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawDeparture {
    WhenFull,
    WhenFullOrEmptyQueue,
    Timetable,
}

/// `[[leg]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLeg {
    pub name: Spanned<String>,
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub mode: Spanned<RawMode>,
    pub vehicles: Spanned<i64>,
    pub seats: Spanned<i64>,
    pub travel_hours: Spanned<RawDist>,
    pub return_hours: Option<Spanned<RawDist>>,
    pub departure: Option<Spanned<RawDeparture>>,
    pub timetable: Option<Spanned<Vec<Spanned<String>>>>,
    pub max_wait_hours: Option<Spanned<f64>>,
    pub escorted: Option<Spanned<bool>>,
    pub admission: Option<Spanned<RawAdmission>>,
    pub cancel_probability: Option<Spanned<f64>>,
    pub breakdown_probability: Option<Spanned<f64>>,
    pub repair_hours: Option<Spanned<RawDist>>,
    pub cost_per_trip: Option<Spanned<f64>>,
    pub cost_per_seat: Option<Spanned<f64>>,
    pub reserve_seats_on: Option<Spanned<String>>,
}

/// `[[checkpoint]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheckpoint {
    pub name: Spanned<String>,
    pub site: Option<Spanned<String>>,
    pub servers: Spanned<i64>,
    pub service_minutes: Spanned<RawDist>,
    pub open_hours: Option<Spanned<String>>,
    pub open_days: Option<Spanned<String>>,
    pub closed_dates: Option<Spanned<Vec<Spanned<String>>>>,
    pub quota_per_day: Option<Spanned<i64>>,
    pub quota_per_week: Option<Spanned<i64>>,
    pub cost_per_open_hour: Option<Spanned<f64>>,
    pub checkin: Option<Spanned<RawCheckin>>,
}

/// `checkin = { leg = "flight", opens_hours_before = 4, closes_hours_before = 1 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheckin {
    pub leg: Spanned<String>,
    pub opens_hours_before: Spanned<f64>,
    pub closes_hours_before: Option<Spanned<f64>>,
}

/// `[[cohort]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCohort {
    pub name: Spanned<String>,
    pub origin: Spanned<String>,
    pub size: Spanned<i64>,
    pub route: Spanned<Vec<Spanned<String>>>,
    pub arrival: Option<Spanned<RawArrival>>,
    pub mix: Option<Spanned<BTreeMap<String, f64>>>,
    pub category_routes: Option<Spanned<BTreeMap<String, RawRoute>>>,
    pub evasion_per_hour: Option<Spanned<f64>>,
    pub approvals_per_day: Option<Spanned<i64>>,
    pub approvals_per_week: Option<Spanned<i64>>,
}

/// A route as written: stage names with their spans.
pub type RawRoute = Spanned<Vec<Spanned<String>>>;

/// How a cohort's people become ready to leave their origin.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawArrivalProcess {
    AllAtOnce,
    Poisson,
    PerDay,
    Regular,
    Batches,
}

/// `[cohort.arrival]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrival {
    pub process: Spanned<RawArrivalProcess>,
    pub at_hours: Option<Spanned<f64>>,
    pub per_hour: Option<Spanned<f64>>,
    pub per_day: Option<Spanned<Vec<f64>>>,
    pub every_hours: Option<Spanned<f64>>,
    pub batches: Option<Spanned<Vec<Spanned<RawBatch>>>>,
}

/// One batch of a batch arrival timetable.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    pub at_hours: f64,
    pub people: i64,
}

/// Which distribution family a table names.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawDistKind {
    Fixed,
    Exponential,
    Normal,
    Lognormal,
    Uniform,
    Triangular,
    Gamma,
}

/// A distribution as written: a bare number (fixed) or a table naming the family.
#[derive(Debug, Clone, PartialEq)]
pub enum RawDist {
    Number(f64),
    Table(RawDistTable),
}

/// `{ dist = "triangular", min = 9, mode = 10, max = 13 }`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
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
