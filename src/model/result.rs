//! What one replication produced: structured statistics per element, and the flat list
//! of named metrics that experiments summarise and export.

use super::flow::FlowView;
use super::network::{Network, Step};
use super::state::{Phase, TimeUse};
use crate::engine::Simulation;
use crate::scenario::SiteKind;
use crate::stats::{LevelSummary, Tally};

/// Why a replication stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// Everyone reached home.
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
}

/// A leg's statistics.
#[derive(Clone, Debug)]
pub struct LegResult {
    pub seats: u32,
    pub trips: u64,
    pub passengers: u64,
    pub missed_departures: u64,
    /// People ready to board and waiting.
    pub queue: LevelSummary,
    /// Waits from ready to boarding, per person boarded.
    pub waits: Tally,
    /// People aboard.
    pub aboard: LevelSummary,
    /// Ride times, per person arrived.
    pub rides: Tally,
}

/// A checkpoint's statistics.
#[derive(Clone, Debug)]
pub struct CheckpointResult {
    pub servers: u64,
    /// Open hours in the observed span.
    pub open_hours: f64,
    pub queue: LevelSummary,
    /// Waits in the queue, per person whose service started.
    pub waits: Tally,
    pub busy: LevelSummary,
    /// Service times, per person served.
    pub services: Tally,
}

/// A cohort's statistics.
#[derive(Clone, Debug)]
pub struct CohortResult {
    pub size: u32,
    pub released: u32,
    pub home: u32,
    pub door_to_door_mean_hours: f64,
    pub door_to_door_p50_hours: f64,
    pub door_to_door_p90_hours: f64,
    pub door_to_door_max_hours: f64,
    /// Hours spent by all people of the cohort, by use, up to the end of the run.
    pub time_use_hours: [f64; 7],
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
    /// The time the books were closed: the last arrival home, the horizon, or the time
    /// the model stalled.
    pub end_hours: f64,
    /// Statistics cover `[stats_since_hours, end_hours]` (after any warm-up).
    pub stats_since_hours: f64,
    pub events: u64,
    pub population: u64,
    pub home: u64,
    pub sites: Vec<SiteResult>,
    pub legs: Vec<LegResult>,
    pub checkpoints: Vec<CheckpointResult>,
    pub cohorts: Vec<CohortResult>,
    /// Everyone not home at the end, grouped by where they are and what they wait for.
    pub holdings: Vec<Holding>,
}

/// Receives named metrics one at a time (names are built only by sinks that want them).
pub trait MetricSink {
    /// One metric: `scope.element.name`, or just `name` when `scope` is empty.
    fn metric(&mut self, scope: &str, element: &str, name: &str, value: f64);
}

/// Collects metric names.
#[derive(Default)]
pub struct NameSink(pub Vec<String>);
impl MetricSink for NameSink {
    fn metric(&mut self, scope: &str, element: &str, name: &str, _: f64) {
        self.0.push(if scope.is_empty() {
            name.to_string()
        } else {
            format!("{scope}.{element}.{name}")
        });
    }
}

/// Collects metric values.
#[derive(Default)]
pub struct ValueSink(pub Vec<f64>);
impl MetricSink for ValueSink {
    fn metric(&mut self, _: &str, _: &str, _: &str, value: f64) {
        self.0.push(value);
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

impl ReplicationResult {
    pub(crate) fn collect(
        net: &Network,
        replication: u64,
        end_reason: EndReason,
        sim: &Simulation<super::flow::Event>,
        f: &FlowView,
    ) -> Self {
        let sc = &net.scenario;
        let end = match end_reason {
            EndReason::AllHome => f.last_home_hours,
            _ => sim.now_hours(),
        };
        let sites = f
            .sites
            .iter()
            .map(|s| SiteResult {
                beds: s.beds,
                occupancy: s.occupancy.summary(end),
                stays: s.stays,
                bed_queue: s.entry_waiting.summary(end),
                bed_waits: s.bed_waits,
            })
            .collect();
        let legs = f
            .legs
            .iter()
            .map(|l| LegResult {
                seats: l.seats,
                trips: l.trips,
                passengers: l.passengers,
                missed_departures: l.missed_departures,
                queue: l.waiting.summary(end),
                waits: l.waits,
                aboard: l.aboard.summary(end),
                rides: l.rides,
            })
            .collect();
        let checkpoints = f
            .checkpoints
            .iter()
            .zip(&sc.checkpoints)
            .map(|(k, spec)| CheckpointResult {
                servers: k.servers,
                open_hours: spec.open.open_hours_between(f.stats_since_hours, end),
                queue: k.waiting.summary(end),
                waits: k.waits,
                busy: k.busy.summary(end),
                services: k.services,
            })
            .collect();
        let cohorts = f
            .cohorts
            .iter()
            .zip(&sc.cohorts)
            .map(|(c, spec)| {
                let mut d = c.door_to_door.clone();
                let q = |d: &mut Vec<f64>, p: f64| {
                    if d.is_empty() {
                        return f64::NAN;
                    }
                    // Same interpolation as across replications (type 7).
                    d.sort_unstable_by(f64::total_cmp);
                    crate::stats::quantile_sorted(d, p)
                };
                let mean = if d.is_empty() {
                    f64::NAN
                } else {
                    d.iter().sum::<f64>() / d.len() as f64
                };
                let p50 = q(&mut d, 0.5);
                let p90 = crate::stats::quantile_sorted(&d, 0.9);
                let max = d.last().copied().unwrap_or(f64::NAN);
                CohortResult {
                    size: spec.size,
                    released: c.released,
                    home: c.home,
                    door_to_door_mean_hours: mean,
                    door_to_door_p50_hours: p50,
                    door_to_door_p90_hours: if d.is_empty() { f64::NAN } else { p90 },
                    door_to_door_max_hours: max,
                    time_use_hours: c.time_use_hours,
                }
            })
            .collect();
        let mut holdings: Vec<Holding> = Vec::new();
        if end_reason != EndReason::AllHome {
            // One pass over people: group by (position, phase).
            // Released people, one by one; the unreleased wait at their origin.
            let mut counts: std::collections::BTreeMap<(u32, Phase), u64> = Default::default();
            for (c, cohort) in f.cohorts.iter().enumerate() {
                let first = net.cohort_first_person[c] as usize;
                for p in first..first + cohort.released as usize {
                    let phase = f.people.phase[p];
                    if phase != Phase::Home {
                        *counts.entry((f.people.pos[p], phase)).or_default() += 1;
                    }
                }
                let unreleased = u64::from(net.scenario.cohorts[c].size - cohort.released);
                if unreleased > 0 {
                    *counts
                        .entry((net.cohort_first_step[c], Phase::NotReleased))
                        .or_default() += unreleased;
                }
            }
            for ((pos, phase), people) in counts {
                let at = net.steps[pos as usize];
                let waiting_for =
                    matches!(phase, Phase::Done | Phase::NotReleased).then(|| net.steps[pos as usize + 1]);
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
            stats_since_hours: f.stats_since_hours,
            events: sim.events_processed(),
            population: u64::from(net.population),
            home: u64::from(f.home),
            sites,
            legs,
            checkpoints,
            cohorts,
            holdings,
        }
    }

    /// Time the last person got home, if everyone did.
    pub fn makespan_hours(&self) -> Option<f64> {
        (self.end_reason == EndReason::AllHome).then_some(self.end_hours)
    }

    /// People not home at the end, per place name (sites, legs, checkpoints).
    pub fn not_home_by_place(&self, net: &Network) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = Vec::new();
        for h in &self.holdings {
            let name = net.step_name(h.at).to_string();
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += h.people,
                None => out.push((name, h.people)),
            }
        }
        out
    }

    /// Emits every metric, in a fixed order determined by the scenario alone.
    pub fn emit(&self, net: &Network, out: &mut impl MetricSink) {
        let sc = &net.scenario;
        let makespan = self.makespan_hours().map_or(f64::NAN, |h| h / 24.0);
        out.metric("", "", "makespan_days", makespan);
        out.metric(
            "",
            "",
            "all_home",
            f64::from(u8::from(self.end_reason == EndReason::AllHome)),
        );
        out.metric(
            "",
            "",
            "stalled",
            f64::from(u8::from(self.end_reason == EndReason::Stalled)),
        );
        out.metric("", "", "home", self.home as f64);
        out.metric("", "", "not_home", (self.population - self.home) as f64);
        out.metric("", "", "events", self.events as f64);
        for (c, spec) in self.cohorts.iter().zip(&sc.cohorts) {
            let n = &spec.name;
            out.metric("cohort", n, "home", f64::from(c.home));
            out.metric("cohort", n, "not_home", f64::from(c.size - c.home));
            out.metric("cohort", n, "mean_door_to_door_days", c.door_to_door_mean_hours / 24.0);
            out.metric("cohort", n, "p50_door_to_door_days", c.door_to_door_p50_hours / 24.0);
            out.metric("cohort", n, "p90_door_to_door_days", c.door_to_door_p90_hours / 24.0);
            out.metric("cohort", n, "max_door_to_door_days", c.door_to_door_max_hours / 24.0);
            for u in TimeUse::ALL {
                let name = format!("mean_hours_{}", u.as_str());
                out.metric("cohort", n, &name, c.time_use_hours[u as usize] / f64::from(c.size));
            }
        }
        for (i, (s, spec)) in self.sites.iter().zip(&sc.sites).enumerate() {
            // Only places people stay in: not origins, homes or mere locations.
            if matches!(spec.kind, SiteKind::Origin | SiteKind::Home) || !net.steps.contains(&Step::Site(i as u16)) {
                continue;
            }
            let n = &spec.name;
            out.metric("site", n, "peak_occupancy", s.occupancy.peak as f64);
            out.metric("site", n, "mean_occupancy", s.occupancy.mean);
            if let Some(b) = s.beds {
                out.metric("site", n, "bed_utilization", s.occupancy.mean / b as f64);
            }
            out.metric("site", n, "admitted", s.bed_waits.count as f64);
            out.metric("site", n, "mean_stay_hours", s.stays.mean());
            out.metric("site", n, "mean_bed_wait_hours", s.bed_waits.mean());
            out.metric("site", n, "max_bed_wait_hours", s.bed_waits.max_or_nan());
            out.metric("site", n, "peak_bed_queue", s.bed_queue.peak as f64);
        }
        for (k, spec) in self.checkpoints.iter().zip(&sc.checkpoints) {
            let n = &spec.name;
            out.metric("checkpoint", n, "served", k.services.count as f64);
            out.metric("checkpoint", n, "mean_wait_hours", k.waits.mean());
            out.metric("checkpoint", n, "max_wait_hours", k.waits.max_or_nan());
            out.metric("checkpoint", n, "p_wait", k.waits.fraction_positive());
            out.metric("checkpoint", n, "mean_queue", k.queue.mean);
            out.metric("checkpoint", n, "peak_queue", k.queue.peak as f64);
            out.metric(
                "checkpoint",
                n,
                "utilization",
                ratio(k.busy.integral, k.servers as f64 * k.open_hours),
            );
            out.metric("checkpoint", n, "mean_service_minutes", k.services.mean() * 60.0);
        }
        for (l, spec) in self.legs.iter().zip(&sc.legs) {
            let n = &spec.name;
            out.metric("leg", n, "trips", l.trips as f64);
            out.metric("leg", n, "passengers", l.passengers as f64);
            out.metric(
                "leg",
                n,
                "seat_utilization",
                ratio(l.passengers as f64, (l.trips * u64::from(l.seats)) as f64),
            );
            out.metric("leg", n, "mean_wait_hours", l.waits.mean());
            out.metric("leg", n, "max_wait_hours", l.waits.max_or_nan());
            out.metric("leg", n, "peak_queue", l.queue.peak as f64);
            out.metric("leg", n, "mean_travel_hours", l.rides.mean());
            if matches!(spec.departure, crate::scenario::Departure::Timetable(_)) {
                out.metric("leg", n, "missed_departures", l.missed_departures as f64);
            }
        }
        // Where everyone not home is, by place; every place on a route always appears.
        let mut places: Vec<&str> = Vec::new();
        for &st in &net.steps {
            if let Step::Home(_) = st {
                continue;
            }
            let name = net.step_name(st);
            if !places.contains(&name) {
                places.push(name);
            }
        }
        let left = self.not_home_by_place(net);
        for name in places {
            let count = left.iter().find(|(n, _)| n == name).map_or(0, |(_, c)| *c);
            out.metric("in_stage", name, "people", count as f64);
        }
    }

    /// The metric values in [`ReplicationResult::emit`] order.
    pub fn metric_values(&self, net: &Network) -> Vec<f64> {
        let mut s = ValueSink(Vec::with_capacity(64));
        self.emit(net, &mut s);
        s.0
    }
}

/// The metric names of a scenario, in [`ReplicationResult::emit`] order.
pub fn metric_names(net: &Network) -> Vec<String> {
    let empty = ReplicationResult {
        replication: 0,
        end_reason: EndReason::Horizon,
        end_hours: 0.0,
        stats_since_hours: 0.0,
        events: 0,
        population: u64::from(net.population),
        home: 0,
        sites: net
            .scenario
            .sites
            .iter()
            .map(|_| SiteResult {
                beds: None,
                occupancy: Default::default(),
                stays: Default::default(),
                bed_queue: Default::default(),
                bed_waits: Default::default(),
            })
            .collect(),
        legs: net
            .scenario
            .legs
            .iter()
            .map(|l| LegResult {
                seats: l.seats,
                trips: 0,
                passengers: 0,
                missed_departures: 0,
                queue: Default::default(),
                waits: Default::default(),
                aboard: Default::default(),
                rides: Default::default(),
            })
            .collect(),
        checkpoints: net
            .scenario
            .checkpoints
            .iter()
            .map(|k| CheckpointResult {
                servers: u64::from(k.servers),
                open_hours: 0.0,
                queue: Default::default(),
                waits: Default::default(),
                busy: Default::default(),
                services: Default::default(),
            })
            .collect(),
        cohorts: net
            .scenario
            .cohorts
            .iter()
            .map(|c| CohortResult {
                size: c.size,
                released: 0,
                home: 0,
                door_to_door_mean_hours: 0.0,
                door_to_door_p50_hours: 0.0,
                door_to_door_p90_hours: 0.0,
                door_to_door_max_hours: 0.0,
                time_use_hours: [0.0; 7],
            })
            .collect(),
        holdings: Vec::new(),
    };
    let mut names = NameSink::default();
    // Site beds decide whether bed_utilization appears: mirror the scenario.
    let mut r = empty;
    for (s, spec) in r.sites.iter_mut().zip(&net.scenario.sites) {
        s.beds = spec.beds.map(u64::from);
    }
    r.emit(net, &mut names);
    names.0
}
