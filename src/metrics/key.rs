//! Metric keys: which element a number is about ([`Scope`]) and which statistic it is
//! ([`Stat`]), plus the vocabulary their descriptions use (units, kinds, which way is
//! better, how a person's time is spent, which counts are sampled over time).

use crate::scenario::Scenario;

/// A place a person can be at when a run ends: a site, a leg or a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Site(u16),
    Leg(u16),
    Checkpoint(u16),
}

/// Which element of the scenario a metric is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// The whole return.
    Overall,
    /// The whole plan's costs.
    Cost,
    Cohort(u16),
    Category(u16),
    Site(u16),
    Leg(u16),
    Checkpoint(u16),
    /// People not home at the end, by the place they are at.
    InStage(Place),
    /// An `[[uncertain]]` input of the scenario (by index): its value in the replication.
    Input(u16),
    /// A `[[pool]]` of shared units.
    Pool(u16),
}

/// How a person's time is spent; the uses add up to their door-to-door time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(usize)]
pub enum TimeUse {
    AwaitingPickup,
    WaitingForApproval,
    WaitingForTransport,
    Travelling,
    WaitingAtCheckpoint,
    InCheckpoint,
    WaitingForBed,
    AtAssembly,
    InQuarantine,
}

/// Number of [`TimeUse`] values.
pub const TIME_USES: usize = 9;

impl TimeUse {
    /// All uses, in report order.
    pub const ALL: [TimeUse; TIME_USES] = [
        TimeUse::AwaitingPickup,
        TimeUse::WaitingForApproval,
        TimeUse::WaitingForTransport,
        TimeUse::Travelling,
        TimeUse::WaitingAtCheckpoint,
        TimeUse::InCheckpoint,
        TimeUse::WaitingForBed,
        TimeUse::AtAssembly,
        TimeUse::InQuarantine,
    ];

    /// Name used in metric columns.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUse::AwaitingPickup => "awaiting_pickup",
            TimeUse::WaitingForApproval => "waiting_for_approval",
            TimeUse::WaitingForTransport => "waiting_for_transport",
            TimeUse::Travelling => "travelling",
            TimeUse::WaitingAtCheckpoint => "waiting_at_checkpoint",
            TimeUse::InCheckpoint => "in_checkpoint",
            TimeUse::WaitingForBed => "waiting_for_bed",
            TimeUse::AtAssembly => "at_assembly",
            TimeUse::InQuarantine => "in_quarantine",
        }
    }

    /// In words, for labels and legends.
    pub fn words(self) -> &'static str {
        match self {
            TimeUse::AwaitingPickup => "awaiting pickup",
            TimeUse::WaitingForApproval => "waiting for approval",
            TimeUse::WaitingForTransport => "waiting for transport",
            TimeUse::Travelling => "travelling",
            TimeUse::WaitingAtCheckpoint => "waiting at a checkpoint",
            TimeUse::InCheckpoint => "being checked",
            TimeUse::WaitingForBed => "waiting for a bed",
            TimeUse::AtAssembly => "on a planned stay at assembly or transit sites",
            TimeUse::InQuarantine => "in quarantine",
        }
    }

    /// True for the uses that are waiting (time a better plan would remove).
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            TimeUse::AwaitingPickup
                | TimeUse::WaitingForApproval
                | TimeUse::WaitingForTransport
                | TimeUse::WaitingAtCheckpoint
                | TimeUse::WaitingForBed
        )
    }
}

/// Which statistic a metric is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stat {
    // The whole return.
    MakespanDays,
    AllHome,
    Stalled,
    Home,
    Evaded,
    NotHome,
    NotNotified,
    Events,
    // Costs.
    Total,
    PerPersonHome,
    // Cohorts (and categories).
    /// Evaded, of one category (by index).
    EvadedOf(u16),
    MeanDoorToDoorDays,
    P50DoorToDoorDays,
    P90DoorToDoorDays,
    MaxDoorToDoorDays,
    Approved,
    MeanApprovalWaitHours,
    /// Total waiting, including waits still open at the end (person-hours).
    WaitingPersonHours,
    /// Mean hours per member spent this way.
    MeanHours(TimeUse),
    // Sites.
    PeakOccupancy,
    MeanOccupancy,
    BedUtilization,
    /// Share of the time with every bed taken or promised.
    FullShare,
    Admitted,
    MeanStayHours,
    MeanBedWaitHours,
    MaxBedWaitHours,
    PeakBedQueue,
    TestedPositive,
    Cost,
    // Checkpoints.
    Served,
    MeanWaitHours,
    MaxWaitHours,
    PWait,
    MeanQueue,
    PeakQueue,
    Utilization,
    MeanServiceMinutes,
    PeakHolding,
    MeanHolding,
    // Legs.
    Trips,
    Passengers,
    SeatUtilization,
    MeanTravelHours,
    MissedDepartures,
    /// People still in a check-in line when a window closed.
    MissedCheckins,
    /// People whose patience ran out in a checkpoint's line.
    GaveUp,
    /// People who found a checkpoint's line full.
    Balked,
    /// People who left the return at a checkpoint (overall: anywhere).
    TurnedAway,
    CancelledDepartures,
    DeparturesLostToClosures,
    Breakdowns,
    // Pools.
    /// The most units of a pool in use at once.
    PeakInUse,
    /// Hours stages were held for a pool's units, summed over stages.
    HeldHours,
    /// Person-hours people waited at a leg or checkpoint while it was held for a pool.
    PoolWaitPersonHours,
    /// Person-hours people waited to board a leg that reserves beds while it was held
    /// for them.
    BedHoldPersonHours,
    // In stage.
    People,
    /// The value an uncertain input took.
    Drawn,
}

/// The unit a metric is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    People,
    Hours,
    /// Hours summed over people.
    PersonHours,
    Days,
    Minutes,
    /// A share between 0 and 1 (shown as a percentage).
    Fraction,
    /// The scenario's currency.
    Currency,
    Trips,
    Departures,
    Breakdowns,
    Events,
    /// Units of a pool (escort teams, drivers, screeners, vehicles).
    Units,
    /// The unit of the scenario field an input sets (beds, hours, a share...).
    Input,
}

impl Unit {
    /// The unit's name in `dictionary.csv` (the currency is the scenario's label).
    pub fn name(self, sc: &Scenario) -> String {
        match self {
            Unit::People => "people".into(),
            Unit::Hours => "hours".into(),
            Unit::PersonHours => "person-hours".into(),
            Unit::Days => "days".into(),
            Unit::Minutes => "minutes".into(),
            Unit::Fraction => "fraction".into(),
            Unit::Currency if sc.currency.is_empty() => "currency".into(),
            Unit::Currency => sc.currency.clone(),
            Unit::Trips => "trips".into(),
            Unit::Departures => "departures".into(),
            Unit::Breakdowns => "breakdowns".into(),
            Unit::Events => "events".into(),
            Unit::Units => "units".into(),
            Unit::Input => "as in the scenario field".into(),
        }
    }

    /// True for units that count whole things.
    pub fn is_whole(self) -> bool {
        matches!(
            self,
            Unit::People | Unit::Trips | Unit::Departures | Unit::Breakdowns | Unit::Events | Unit::Units
        )
    }
}

/// What sort of quantity a metric is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A number of things that happened or people in a state.
    Count,
    /// A length of time.
    Duration,
    /// A count that changes over time (occupancy, a queue), summarised.
    Level,
    /// A share.
    Fraction,
    /// Money.
    Money,
    /// A value the replication ran with (an uncertain input), not an outcome.
    Input,
}

impl Kind {
    /// The kind's name in `dictionary.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Duration => "duration",
            Kind::Level => "level",
            Kind::Fraction => "fraction",
            Kind::Money => "money",
            Kind::Input => "input",
        }
    }
}

/// Which way a metric should move for a plan to be better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
    /// Neither (utilisation, trips, occupancy...): only the direction is reported.
    Neither,
}

impl Better {
    /// The direction's name in `dictionary.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
            Better::Neither => "neither",
        }
    }
}

/// One metric: an element and a statistic of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricKey {
    pub scope: Scope,
    pub stat: Stat,
}

impl MetricKey {
    /// A metric of the whole return.
    pub const fn overall(stat: Stat) -> Self {
        MetricKey {
            scope: Scope::Overall,
            stat,
        }
    }

    /// A metric of `scope`.
    pub const fn new(scope: Scope, stat: Stat) -> Self {
        MetricKey { scope, stat }
    }

    /// A site's metric.
    pub const fn site(s: u16, stat: Stat) -> Self {
        Self::new(Scope::Site(s), stat)
    }

    /// A leg's metric.
    pub const fn leg(l: u16, stat: Stat) -> Self {
        Self::new(Scope::Leg(l), stat)
    }

    /// A checkpoint's metric.
    pub const fn checkpoint(k: u16, stat: Stat) -> Self {
        Self::new(Scope::Checkpoint(k), stat)
    }

    /// A cohort's metric.
    pub const fn cohort(c: u16, stat: Stat) -> Self {
        Self::new(Scope::Cohort(c), stat)
    }

    /// A category's metric.
    pub const fn category(g: u16, stat: Stat) -> Self {
        Self::new(Scope::Category(g), stat)
    }
}

/// A count sampled over time on the grid of `timeseries.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SeriesKey {
    /// People home.
    Home,
    /// People holding a bed at a site.
    SiteOccupancy(u16),
    /// People waiting elsewhere for a bed at a site.
    SiteBedQueue(u16),
    /// People off a leg waiting for a bed at the next site (border holding).
    LegHolding(u16),
    /// People through a checkpoint waiting for a bed at the next site.
    CheckpointHolding(u16),
    /// Units of a pool in use.
    PoolInUse(u16),
}
