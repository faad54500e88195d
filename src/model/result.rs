//! What one replication produced: structured statistics per element, and the flat list
//! of named metrics that experiments summarise and export.

use super::network::{Network, Step};
use super::state::{FlowView, Phase, flag};
use crate::metrics::key::{TIME_USES, TimeUse};
use crate::metrics::{Catalogue, MetricKey, Place, Scope, Stat};
use crate::scenario::SiteKind;
use crate::stats::{LevelSummary, Tally};

/// Why a replication stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// Everyone released or notified reached home (or evaded).
    AllHome,
    /// The horizon was reached with people still on their way.
    Horizon,
    /// Nothing more could happen (no pending events) with people still on their way.
    Stalled,
}

/// A site's statistics.
#[derive(Clone, Debug)]
pub struct SiteResult {
    pub beds: Option<u64>,
    /// People holding a bed (or present, if unlimited).
    pub occupancy: LevelSummary,
    /// Time from entering to leaving, per person who left.
    pub stays: Tally,
    /// People waiting elsewhere for a bed here.
    pub bed_queue: LevelSummary,
    /// Waits for a bed, per person admitted.
    pub bed_waits: Tally,
    /// Waits of people who evaded while waiting for a bed here.
    pub abandoned: Tally,
    pub tested_positive: u64,
    pub cost: f64,
}

/// A leg's statistics.
#[derive(Clone, Debug)]
pub struct LegResult {
    pub seats: u32,
    pub trips: u64,
    pub passengers: u64,
    pub missed_departures: u64,
    pub cancelled_departures: u64,
    pub closed_departures: u64,
    pub breakdowns: u64,
    /// People ready to board and waiting.
    pub queue: LevelSummary,
    /// Waits from ready to boarding, per person boarded.
    pub waits: Tally,
    /// Waits of people who evaded before boarding.
    pub abandoned: Tally,
    /// People aboard.
    pub aboard: LevelSummary,
    /// Ride times, per person arrived.
    pub rides: Tally,
    /// People off this leg waiting for a bed at the next site.
    pub holding: LevelSummary,
    pub cost: f64,
}

/// A checkpoint's statistics.
#[derive(Clone, Debug)]
pub struct CheckpointResult {
    pub servers: u64,
    /// Open hours in the observed span (opening hours less closures).
    pub open_hours: f64,
    pub queue: LevelSummary,
    /// Waits in the queue, per person whose service started.
    pub waits: Tally,
    pub abandoned: Tally,
    pub busy: LevelSummary,
    /// Service times, per person served.
    pub services: Tally,
    /// People served here waiting for a bed at the next site.
    pub holding: LevelSummary,
    pub cost: f64,
}

/// A cohort's statistics.
#[derive(Clone, Debug)]
pub struct CohortResult {
    pub size: u32,
    pub released: u32,
    pub home: u32,
    /// Evaded, per category of the scenario.
    pub evaded: Vec<u32>,
    pub door_to_door_mean_hours: f64,
    pub door_to_door_p50_hours: f64,
    pub door_to_door_p90_hours: f64,
    pub door_to_door_max_hours: f64,
    /// Hours spent by all people of the cohort, by use, up to home, evasion or the end.
    pub time_use_hours: [f64; TIME_USES],
    pub approval_waits: Tally,
}

/// A category's statistics, over all cohorts.
#[derive(Clone, Debug)]
pub struct CategoryResult {
    pub home: u32,
    pub evaded: u32,
    pub door_to_door: Tally,
}

/// People left at one place at the end, and what they were waiting for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    /// The route step they are at.
    pub at: Step,
    /// Their phase there.
    pub phase: Phase,
    /// The step they wait to enter, when they are done with `at`.
    pub waiting_for: Option<Step>,
    pub people: u64,
}

/// Everything one replication produced.
#[derive(Clone, Debug)]
pub struct ReplicationResult {
    pub replication: u64,
    pub end_reason: EndReason,
    /// The time the books were closed: the last event handled (so trailing releases
    /// such as bed turnover are counted), the horizon, or the time the model stalled.
    pub end_hours: f64,
    /// The last arrival home, if everyone got home or evaded.
    pub makespan_hours: Option<f64>,
    /// Statistics cover `[stats_since_hours, end_hours]` (after any warm-up).
    pub stats_since_hours: f64,
    pub events: u64,
    pub population: u64,
    /// People ever released or notified.
    pub target: u64,
    pub home: u64,
    pub evaded: u64,
    pub sites: Vec<SiteResult>,
    pub legs: Vec<LegResult>,
    pub checkpoints: Vec<CheckpointResult>,
    pub cohorts: Vec<CohortResult>,
    pub categories: Vec<CategoryResult>,
    /// Everyone neither home nor evaded at the end, grouped by where they are and what
    /// they wait for.
    pub holdings: Vec<Holding>,
}

/// Receives metrics one at a time, as typed keys (names are built only by the catalogue).
pub trait MetricSink {
    /// One metric and its value in this replication.
    fn metric(&mut self, key: MetricKey, value: f64);
}

/// Collects metric keys.
#[derive(Default)]
pub struct KeySink(pub Vec<MetricKey>);
impl MetricSink for KeySink {
    fn metric(&mut self, key: MetricKey, _: f64) {
        self.0.push(key);
    }
}

/// Collects metric values.
#[derive(Default)]
pub struct ValueSink(pub Vec<f64>);
impl MetricSink for ValueSink {
    fn metric(&mut self, _: MetricKey, value: f64) {
        self.0.push(value);
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Open hours of `open` within `[from, to]`, less the closed `windows`.
fn open_hours(open: &crate::engine::WeeklyHours, windows: &[(f64, f64)], from: f64, to: f64) -> f64 {
    let closed: f64 = windows
        .iter()
        .map(|&(a, b)| open.open_hours_between(a.max(from), b.min(to)))
        .sum();
    (open.open_hours_between(from, to) - closed).max(0.0)
}

fn quantile_of(d: &mut [f64], q: f64) -> f64 {
    if d.is_empty() {
        return f64::NAN;
    }
    d.sort_unstable_by(f64::total_cmp);
    crate::stats::quantile_sorted(d, q)
}

impl ReplicationResult {
    pub(crate) fn collect(net: &Network, replication: u64, end_reason: EndReason, f: &FlowView) -> Self {
        let sc = &net.scenario;
        // The books close at the last event handled (which may be an evasion after the last
        // arrival home); the makespan is the last arrival home.
        let end = f.end_hours;
        let since = f.stats_since_hours;
        let sites = f
            .sites
            .iter()
            .zip(&sc.sites)
            .map(|(s, spec)| {
                let occupancy = s.occupancy.summary(end);
                SiteResult {
                    beds: s.beds,
                    cost: spec.cost_per_bed_night * occupancy.integral / 24.0,
                    occupancy,
                    stays: s.stays,
                    bed_queue: s.entry.length(end),
                    bed_waits: s.entry.waits,
                    abandoned: s.entry.abandoned,
                    tested_positive: s.tested_positive,
                }
            })
            .collect();
        let legs = f
            .legs
            .iter()
            .zip(&sc.legs)
            .map(|(l, spec)| LegResult {
                seats: l.seats,
                trips: l.trips,
                passengers: l.passengers,
                missed_departures: l.missed_departures,
                cancelled_departures: l.cancelled_departures,
                closed_departures: l.closed_departures,
                breakdowns: l.breakdowns,
                queue: l.boarding.length(end),
                waits: l.boarding.waits,
                abandoned: l.boarding.abandoned,
                aboard: l.aboard.summary(end),
                rides: l.rides,
                holding: l.holding.summary(end),
                cost: l.trips as f64 * (spec.cost_per_trip + spec.cost_per_seat * f64::from(l.seats)),
            })
            .collect();
        let checkpoints = f
            .checkpoints
            .iter()
            .zip(&sc.checkpoints)
            .map(|(k, spec)| {
                let open = open_hours(&spec.open, &k.closed, since, end);
                CheckpointResult {
                    servers: k.servers,
                    open_hours: open,
                    queue: k.line.length(end),
                    waits: k.line.waits,
                    abandoned: k.line.abandoned,
                    busy: k.busy.summary(end),
                    services: k.services,
                    holding: k.holding.summary(end),
                    cost: spec.cost_per_open_hour * open,
                }
            })
            .collect();
        let cohorts = f
            .cohorts
            .iter()
            .zip(&sc.cohorts)
            .map(|(c, spec)| {
                let mut d: Vec<f64> = c.door_to_door.iter().map(|&x| f64::from(x)).collect();
                let home = c.door_to_door.len();
                CohortResult {
                    size: spec.size,
                    released: c.released,
                    home: c.home,
                    evaded: c.evaded.clone(),
                    door_to_door_mean_hours: if home == 0 {
                        f64::NAN
                    } else {
                        c.door_to_door_sum / home as f64
                    },
                    door_to_door_p50_hours: quantile_of(&mut d, 0.5),
                    door_to_door_p90_hours: quantile_of(&mut d, 0.9),
                    door_to_door_max_hours: if home == 0 { f64::NAN } else { c.door_to_door_max },
                    time_use_hours: c.time_use_hours,
                    approval_waits: c.approval_waits,
                }
            })
            .collect();
        let categories = f
            .categories
            .iter()
            .map(|c| CategoryResult {
                home: c.home,
                evaded: c.evaded,
                door_to_door: c.door_to_door,
            })
            .collect();
        let mut holdings: Vec<Holding> = Vec::new();
        if end_reason != EndReason::AllHome || u64::from(net.target) < u64::from(net.population) {
            // Everyone neither home nor evaded, where they really are: isolated people at
            // their isolation site, positives waiting for it, people waiting for approval.
            let isolation = |s: u16| match &net.scenario.sites[s as usize].testing {
                Some(crate::scenario::Testing {
                    on_positive: crate::scenario::OnPositive::Isolate(i),
                    ..
                }) => i.0,
                _ => s,
            };
            let mut counts: std::collections::BTreeMap<(Step, Phase, Option<Step>), u64> = Default::default();
            for p in 0..net.population as usize {
                let phase = f.people.phase[p];
                let flags = f.people.flags[p];
                let key = match phase {
                    Phase::Home | Phase::Evaded => continue,
                    Phase::NotReleased => {
                        let first = net.variants[net.person_variant[p] as usize].first_step as usize;
                        (net.steps[first], phase, Some(net.steps[first + 1]))
                    }
                    _ => {
                        let pos = f.people.pos[p] as usize;
                        let (at, next) = (net.steps[pos], net.steps.get(pos + 1).copied());
                        match at {
                            Step::Site(s) if flags & flag::ISOLATING != 0 => (Step::Site(isolation(s)), phase, None),
                            Step::Site(s) if flags & flag::TO_ISOLATION != 0 => {
                                (at, phase, Some(Step::Site(isolation(s))))
                            }
                            _ if flags & flag::AWAITING_APPROVAL != 0 => (at, Phase::AwaitingApproval, next),
                            _ if matches!(phase, Phase::Done | Phase::Notified) => (at, phase, next),
                            _ => (at, phase, None),
                        }
                    }
                };
                *counts.entry(key).or_default() += 1;
            }
            for ((at, phase, waiting_for), people) in counts {
                holdings.push(Holding {
                    at,
                    phase,
                    waiting_for,
                    people,
                });
            }
        }
        ReplicationResult {
            replication,
            end_reason,
            end_hours: end,
            makespan_hours: (end_reason == EndReason::AllHome).then_some(f.last_home_hours),
            stats_since_hours: since,
            events: f.events,
            population: u64::from(net.population),
            target: u64::from(net.target),
            home: u64::from(f.home),
            evaded: u64::from(f.evaded),
            sites,
            legs,
            checkpoints,
            cohorts,
            categories,
            holdings,
        }
    }

    /// People not home at the end, per place (sites, legs, checkpoints).
    pub fn not_home_by_place(&self) -> Vec<(Place, u64)> {
        let mut out: Vec<(Place, u64)> = Vec::new();
        for h in &self.holdings {
            let place = place_of(h.at);
            match out.iter_mut().find(|(p, _)| *p == place) {
                Some((_, c)) => *c += h.people,
                None => out.push((place, h.people)),
            }
        }
        out
    }

    /// Total cost of the replication.
    pub fn total_cost(&self) -> f64 {
        self.sites.iter().map(|s| s.cost).sum::<f64>()
            + self.legs.iter().map(|l| l.cost).sum::<f64>()
            + self.checkpoints.iter().map(|k| k.cost).sum::<f64>()
    }

    /// Emits every metric, in a fixed order determined by the scenario alone.
    pub fn emit(&self, net: &Network, out: &mut impl MetricSink) {
        let sc = &net.scenario;
        let features = Features::of(net);
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
        let makespan = self.makespan_hours.map_or(f64::NAN, |h| h / 24.0);
        put(MetricKey::overall(Stat::MakespanDays), makespan);
        let flag01 = |b: bool| f64::from(u8::from(b));
        put(
            MetricKey::overall(Stat::AllHome),
            flag01(self.end_reason == EndReason::AllHome),
        );
        put(
            MetricKey::overall(Stat::Stalled),
            flag01(self.end_reason == EndReason::Stalled),
        );
        put(MetricKey::overall(Stat::Home), self.home as f64);
        if features.evasion {
            put(MetricKey::overall(Stat::Evaded), self.evaded as f64);
        }
        put(
            MetricKey::overall(Stat::NotHome),
            (self.population - self.home - self.evaded) as f64,
        );
        if features.waves {
            put(
                MetricKey::overall(Stat::NotNotified),
                (self.population - self.target) as f64,
            );
        }
        put(MetricKey::overall(Stat::Events), self.events as f64);
        if features.costs {
            let total = self.total_cost();
            put(MetricKey::new(Scope::Cost, Stat::Total), total);
            let per = if self.home > 0 {
                total / self.home as f64
            } else {
                f64::NAN
            };
            put(MetricKey::new(Scope::Cost, Stat::PerPersonHome), per);
        }
        for (i, (c, spec)) in self.cohorts.iter().zip(&sc.cohorts).enumerate() {
            let key = |stat| MetricKey::cohort(i as u16, stat);
            put(key(Stat::Home), f64::from(c.home));
            if features.evasion {
                put(key(Stat::Evaded), f64::from(c.evaded.iter().sum::<u32>()));
                for &(cat, _) in &spec.mix {
                    put(key(Stat::EvadedOf(cat.0)), f64::from(c.evaded[cat.0 as usize]));
                }
            }
            let left = c.size - c.home - c.evaded.iter().sum::<u32>();
            put(key(Stat::NotHome), f64::from(left));
            put(key(Stat::MeanDoorToDoorDays), c.door_to_door_mean_hours / 24.0);
            put(key(Stat::P50DoorToDoorDays), c.door_to_door_p50_hours / 24.0);
            put(key(Stat::P90DoorToDoorDays), c.door_to_door_p90_hours / 24.0);
            put(key(Stat::MaxDoorToDoorDays), c.door_to_door_max_hours / 24.0);
            if spec.approvals.is_some() {
                put(key(Stat::Approved), c.approval_waits.count as f64);
                put(key(Stat::MeanApprovalWaitHours), c.approval_waits.mean());
            }
            for u in TimeUse::ALL {
                let relevant = match u {
                    TimeUse::AwaitingPickup => spec.has_waves,
                    TimeUse::WaitingForApproval => spec.approvals.is_some(),
                    _ => true,
                };
                if relevant {
                    put(
                        key(Stat::MeanHours(u)),
                        c.time_use_hours[u as usize] / f64::from(c.size),
                    );
                }
            }
        }
        if features.categories {
            for (g, c) in self.categories.iter().enumerate() {
                let key = |stat| MetricKey::category(g as u16, stat);
                put(key(Stat::Home), f64::from(c.home));
                if features.evasion {
                    put(key(Stat::Evaded), f64::from(c.evaded));
                }
                put(key(Stat::MeanDoorToDoorDays), c.door_to_door.mean() / 24.0);
            }
        }
        for (i, (s, spec)) in self.sites.iter().zip(&sc.sites).enumerate() {
            // Only places people stay in: not origins, homes or mere locations.
            if matches!(spec.kind, SiteKind::Origin | SiteKind::Home) || !net.site_used[i] {
                continue;
            }
            let key = |stat| MetricKey::site(i as u16, stat);
            put(key(Stat::PeakOccupancy), s.occupancy.peak as f64);
            put(key(Stat::MeanOccupancy), s.occupancy.mean);
            if let Some(b) = s.beds {
                put(key(Stat::BedUtilization), s.occupancy.mean / b as f64);
            }
            put(key(Stat::Admitted), s.bed_waits.count as f64);
            put(key(Stat::MeanStayHours), s.stays.mean());
            put(key(Stat::MeanBedWaitHours), s.bed_waits.mean());
            put(key(Stat::MaxBedWaitHours), s.bed_waits.max_or_nan());
            put(key(Stat::PeakBedQueue), s.bed_queue.peak as f64);
            if spec.testing.is_some() {
                put(key(Stat::TestedPositive), s.tested_positive as f64);
            }
            if spec.cost_per_bed_night > 0.0 {
                put(key(Stat::Cost), s.cost);
            }
        }
        for (i, (k, spec)) in self.checkpoints.iter().zip(&sc.checkpoints).enumerate() {
            let key = |stat| MetricKey::checkpoint(i as u16, stat);
            put(key(Stat::Served), k.services.count as f64);
            put(key(Stat::MeanWaitHours), k.waits.mean());
            put(key(Stat::MaxWaitHours), k.waits.max_or_nan());
            put(key(Stat::PWait), k.waits.fraction_positive());
            put(key(Stat::MeanQueue), k.queue.mean);
            put(key(Stat::PeakQueue), k.queue.peak as f64);
            put(
                key(Stat::Utilization),
                ratio(k.busy.integral, k.servers as f64 * k.open_hours),
            );
            put(key(Stat::MeanServiceMinutes), k.services.mean() * 60.0);
            if features.holding(net, Step::Checkpoint(i as u16)) {
                put(key(Stat::PeakHolding), k.holding.peak as f64);
                put(key(Stat::MeanHolding), k.holding.mean);
            }
            if spec.cost_per_open_hour > 0.0 {
                put(key(Stat::Cost), k.cost);
            }
        }
        for (i, (l, spec)) in self.legs.iter().zip(&sc.legs).enumerate() {
            let key = |stat| MetricKey::leg(i as u16, stat);
            put(key(Stat::Trips), l.trips as f64);
            put(key(Stat::Passengers), l.passengers as f64);
            put(
                key(Stat::SeatUtilization),
                ratio(l.passengers as f64, (l.trips * u64::from(l.seats)) as f64),
            );
            put(key(Stat::MeanWaitHours), l.waits.mean());
            put(key(Stat::MaxWaitHours), l.waits.max_or_nan());
            put(key(Stat::PeakQueue), l.queue.peak as f64);
            put(key(Stat::MeanTravelHours), l.rides.mean());
            let timetabled = matches!(spec.departure, crate::scenario::Departure::Timetable(_));
            if timetabled {
                put(key(Stat::MissedDepartures), l.missed_departures as f64);
            }
            if spec.cancel_probability > 0.0 {
                put(key(Stat::CancelledDepartures), l.cancelled_departures as f64);
            }
            if timetabled && features.closable_leg(net, i) {
                put(key(Stat::DeparturesLostToClosures), l.closed_departures as f64);
            }
            if spec.breakdown_probability > 0.0 {
                put(key(Stat::Breakdowns), l.breakdowns as f64);
            }
            if features.holding(net, Step::Leg(i as u16)) {
                put(key(Stat::PeakHolding), l.holding.peak as f64);
                put(key(Stat::MeanHolding), l.holding.mean);
            }
            if spec.cost_per_trip > 0.0 || spec.cost_per_seat > 0.0 {
                put(key(Stat::Cost), l.cost);
            }
        }
        // Where everyone not home is, by place; every place on a route always appears.
        let left = self.not_home_by_place();
        for place in places(net) {
            let count = left.iter().find(|(p, _)| *p == place).map_or(0, |(_, c)| *c);
            put(MetricKey::new(Scope::InStage(place), Stat::People), count as f64);
        }
    }

    /// The metric values in [`ReplicationResult::emit`] order.
    pub fn metric_values(&self, net: &Network) -> Vec<f64> {
        let mut s = ValueSink(Vec::with_capacity(64));
        self.emit(net, &mut s);
        s.0
    }
}

/// The place of a route step (origins and homes are sites).
pub fn place_of(step: Step) -> Place {
    match step {
        Step::Origin(s) | Step::Site(s) | Step::Home(s) => Place::Site(s),
        Step::Leg(l) => Place::Leg(l),
        Step::Checkpoint(k) => Place::Checkpoint(k),
    }
}

/// Every place someone can be left at, in route order, each once: the route steps
/// other than home, then the isolation sites.
fn places(net: &Network) -> Vec<Place> {
    let sc = &net.scenario;
    let mut out: Vec<Place> = Vec::new();
    let isolation_sites = (0..sc.sites.len())
        .filter(|&s| net.site_used[s])
        .map(|s| Step::Site(s as u16));
    for st in net.steps.iter().copied().chain(isolation_sites) {
        if let Step::Home(_) = st {
            continue;
        }
        let place = place_of(st);
        if !out.contains(&place) {
            out.push(place);
        }
    }
    out
}

/// Which optional metrics a scenario has.
struct Features {
    evasion: bool,
    waves: bool,
    costs: bool,
    categories: bool,
}

impl Features {
    fn of(net: &Network) -> Self {
        let sc = &net.scenario;
        Features {
            evasion: net.evasion,
            waves: !sc.waves.is_empty(),
            costs: sc.sites.iter().any(|s| s.cost_per_bed_night > 0.0)
                || sc.legs.iter().any(|l| l.cost_per_trip > 0.0 || l.cost_per_seat > 0.0)
                || sc.checkpoints.iter().any(|k| k.cost_per_open_hour > 0.0),
            categories: sc.categories.len() > 1,
        }
    }

    /// Can people finish `step` and then wait for a bed (holding)?
    fn holding(&self, net: &Network, step: Step) -> bool {
        net.steps
            .windows(2)
            .any(|w| w[0] == step && matches!(w[1], Step::Site(s) if net.scenario.sites[s as usize].beds.is_some()))
    }

    /// Can leg `l` be closed?
    fn closable_leg(&self, net: &Network, l: usize) -> bool {
        let sc = &net.scenario;
        let leg = crate::scenario::Closable::Leg(crate::scenario::LegId(l as u16));
        !net.leg_closed[l].is_empty() || sc.outbreaks.iter().any(|o| o.applies_to.contains(&leg))
    }
}

/// The catalogue of a scenario's metrics, in [`ReplicationResult::emit`] order.
pub fn catalogue(net: &Network) -> Catalogue {
    let mut keys = KeySink::default();
    empty_result(net).emit(net, &mut keys);
    Catalogue::new(&net.scenario, &keys.0)
}

/// A result with the scenario's shape and no data, for listing names.
fn empty_result(net: &Network) -> ReplicationResult {
    let sc = &net.scenario;
    let tally = Tally::default();
    let level = LevelSummary::default();
    ReplicationResult {
        replication: 0,
        end_reason: EndReason::Horizon,
        end_hours: 0.0,
        makespan_hours: None,
        stats_since_hours: 0.0,
        events: 0,
        population: u64::from(net.population),
        target: u64::from(net.target),
        home: 0,
        evaded: 0,
        sites: sc
            .sites
            .iter()
            .map(|s| SiteResult {
                beds: s.beds.map(u64::from),
                occupancy: level,
                stays: tally,
                bed_queue: level,
                bed_waits: tally,
                abandoned: tally,
                tested_positive: 0,
                cost: 0.0,
            })
            .collect(),
        legs: sc
            .legs
            .iter()
            .map(|l| LegResult {
                seats: l.seats,
                trips: 0,
                passengers: 0,
                missed_departures: 0,
                cancelled_departures: 0,
                closed_departures: 0,
                breakdowns: 0,
                queue: level,
                waits: tally,
                abandoned: tally,
                aboard: level,
                rides: tally,
                holding: level,
                cost: 0.0,
            })
            .collect(),
        checkpoints: sc
            .checkpoints
            .iter()
            .map(|k| CheckpointResult {
                servers: u64::from(k.servers),
                open_hours: 0.0,
                queue: level,
                waits: tally,
                abandoned: tally,
                busy: level,
                services: tally,
                holding: level,
                cost: 0.0,
            })
            .collect(),
        cohorts: sc
            .cohorts
            .iter()
            .map(|c| CohortResult {
                size: c.size,
                released: 0,
                home: 0,
                evaded: vec![0; sc.categories.len()],
                door_to_door_mean_hours: 0.0,
                door_to_door_p50_hours: 0.0,
                door_to_door_p90_hours: 0.0,
                door_to_door_max_hours: 0.0,
                time_use_hours: [0.0; TIME_USES],
                approval_waits: tally,
            })
            .collect(),
        categories: sc
            .categories
            .iter()
            .map(|_| CategoryResult {
                home: 0,
                evaded: 0,
                door_to_door: tally,
            })
            .collect(),
        holdings: Vec::new(),
    }
}
