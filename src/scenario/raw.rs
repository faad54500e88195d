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
}

/// `[[target]]`: what the plan must achieve, checked by `repatsim check`
/// (`metric = "makespan_days", stat = "p90", op = "<=", value = 60`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    #[schemars(with = "String")]
    pub metric: Spanned<String>,
    #[schemars(with = "Option<String>")]
    pub stat: Option<Spanned<String>>,
    #[schemars(with = "String")]
    pub op: Spanned<String>,
    #[schemars(with = "f64")]
    pub value: Spanned<f64>,
    #[serde(default)]
    pub description: String,
}

/// `[[change]]`: a capacity that changes on a date (a ward opening, a third flight).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    #[schemars(with = "String")]
    pub at: Spanned<toml::value::Datetime>,
    #[schemars(with = "Option<String>")]
    pub site: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub leg: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub checkpoint: Option<Spanned<String>>,
    #[schemars(with = "Option<i64>")]
    pub beds: Option<Spanned<i64>>,
    #[schemars(with = "Option<i64>")]
    pub servers: Option<Spanned<i64>>,
    #[schemars(with = "Option<i64>")]
    pub vehicles: Option<Spanned<i64>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub timetable: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[[category]]`: a kind of person with a boarding priority and an evasion propensity.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "Option<i64>")]
    pub priority: Option<Spanned<i64>>,
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
    #[schemars(with = "f64")]
    pub at_day: Spanned<f64>,
    #[schemars(with = "i64")]
    pub notify: Spanned<i64>,
    #[schemars(with = "Option<f64>")]
    pub lead_hours: Option<Spanned<f64>>,
    #[schemars(with = "Option<f64>")]
    pub every_days: Option<Spanned<f64>>,
    #[schemars(with = "Option<i64>")]
    pub count: Option<Spanned<i64>>,
}

/// `[[closure]]`: legs and checkpoints closed over a fixed window.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClosure {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "Vec<String>")]
    pub applies_to: Spanned<Vec<Spanned<String>>>,
    #[schemars(with = "String")]
    pub from: Spanned<toml::value::Datetime>,
    #[schemars(with = "String")]
    pub to: Spanned<toml::value::Datetime>,
}

/// `[[outbreak]]`: random closures of legs and checkpoints.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutbreak {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "Vec<String>")]
    pub applies_to: Spanned<Vec<Spanned<String>>>,
    #[schemars(with = "f64")]
    pub probability_per_week: Spanned<f64>,
    #[schemars(with = "RawDist")]
    pub duration_days: Spanned<RawDist>,
}

/// `[scenario]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[schemars(with = "String")]
    pub start: Spanned<toml::value::Datetime>,
    #[schemars(with = "f64")]
    pub horizon_days: Spanned<f64>,
    #[schemars(with = "Option<i64>")]
    pub seed: Option<Spanned<i64>>,
    #[schemars(with = "Option<i64>")]
    pub replications: Option<Spanned<i64>>,
    #[schemars(with = "Option<f64>")]
    pub warmup_hours: Option<Spanned<f64>>,
    pub currency: Option<String>,
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
    #[schemars(with = "RawSiteKind")]
    pub kind: Spanned<RawSiteKind>,
    #[serde(default)]
    pub description: String,
    #[schemars(with = "Option<i64>")]
    pub beds: Option<Spanned<i64>>,
    #[schemars(with = "Option<RawDist>")]
    pub stay_hours: Option<Spanned<RawDist>>,
    #[schemars(with = "Option<f64>")]
    pub cost_per_bed_night: Option<Spanned<f64>>,
    #[schemars(with = "Option<f64>")]
    pub test_positive_probability: Option<Spanned<f64>>,
    #[schemars(with = "Option<RawDist>")]
    pub positive_extra_stay_hours: Option<Spanned<RawDist>>,
    #[schemars(with = "Option<String>")]
    pub positive_isolation_site: Option<Spanned<String>>,
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
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    #[schemars(with = "String")]
    pub to: Spanned<String>,
    #[schemars(with = "RawMode")]
    pub mode: Spanned<RawMode>,
    #[schemars(with = "i64")]
    pub vehicles: Spanned<i64>,
    #[schemars(with = "i64")]
    pub seats: Spanned<i64>,
    #[schemars(with = "RawDist")]
    pub travel_hours: Spanned<RawDist>,
    #[schemars(with = "Option<RawDist>")]
    pub return_hours: Option<Spanned<RawDist>>,
    #[schemars(with = "Option<RawDeparture>")]
    pub departure: Option<Spanned<RawDeparture>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub timetable: Option<Spanned<Vec<Spanned<String>>>>,
    #[schemars(with = "Option<f64>")]
    pub max_wait_hours: Option<Spanned<f64>>,
    #[schemars(with = "Option<bool>")]
    pub escorted: Option<Spanned<bool>>,
    #[schemars(with = "Option<RawAdmission>")]
    pub admission: Option<Spanned<RawAdmission>>,
    #[schemars(with = "Option<f64>")]
    pub cancel_probability: Option<Spanned<f64>>,
    #[schemars(with = "Option<f64>")]
    pub breakdown_probability: Option<Spanned<f64>>,
    #[schemars(with = "Option<RawDist>")]
    pub repair_hours: Option<Spanned<RawDist>>,
    #[schemars(with = "Option<f64>")]
    pub cost_per_trip: Option<Spanned<f64>>,
    #[schemars(with = "Option<f64>")]
    pub cost_per_seat: Option<Spanned<f64>>,
    #[schemars(with = "Option<String>")]
    pub reserve_seats_on: Option<Spanned<String>>,
}

/// `[[checkpoint]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCheckpoint {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "Option<String>")]
    pub site: Option<Spanned<String>>,
    #[schemars(with = "i64")]
    pub servers: Spanned<i64>,
    #[schemars(with = "RawDist")]
    pub service_minutes: Spanned<RawDist>,
    #[schemars(with = "Option<String>")]
    pub open_hours: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub open_days: Option<Spanned<String>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub closed_dates: Option<Spanned<Vec<Spanned<String>>>>,
    #[schemars(with = "Option<i64>")]
    pub quota_per_day: Option<Spanned<i64>>,
    #[schemars(with = "Option<i64>")]
    pub quota_per_week: Option<Spanned<i64>>,
    #[schemars(with = "Option<f64>")]
    pub cost_per_open_hour: Option<Spanned<f64>>,
    #[schemars(with = "Option<RawCheckin>")]
    pub checkin: Option<Spanned<RawCheckin>>,
    #[schemars(with = "Option<RawServe>")]
    pub serve: Option<Spanned<RawServe>>,
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
    #[schemars(with = "String")]
    pub origin: Spanned<String>,
    #[schemars(with = "i64")]
    pub size: Spanned<i64>,
    #[schemars(with = "Vec<String>")]
    pub route: Spanned<Vec<Spanned<String>>>,
    #[schemars(with = "Option<RawArrival>")]
    pub arrival: Option<Spanned<RawArrival>>,
    #[schemars(with = "Option<BTreeMap<String, f64>>")]
    pub mix: Option<Spanned<BTreeMap<String, f64>>>,
    #[schemars(with = "Option<BTreeMap<String, Vec<String>>>")]
    pub category_routes: Option<Spanned<BTreeMap<String, RawRoute>>>,
    #[schemars(with = "Option<f64>")]
    pub evasion_per_hour: Option<Spanned<f64>>,
    #[schemars(with = "Option<i64>")]
    pub approvals_per_day: Option<Spanned<i64>>,
    #[schemars(with = "Option<i64>")]
    pub approvals_per_week: Option<Spanned<i64>>,
}

/// A route as written: stage names with their spans.
pub type RawRoute = Spanned<Vec<Spanned<String>>>;

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
