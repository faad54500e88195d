//! The metrics of a replication: every figure of a [`ReplicationResult`] as a typed
//! [`MetricKey`] and value, in a fixed order determined by the scenario alone, and the
//! scenario's [`Catalogue`] built from the same order.

use super::network::{Network, Step};
use super::result::*;
use crate::metrics::key::{TIME_USES, TimeUse};
use crate::metrics::{Catalogue, MetricKey, Place, Scope, Stat};
use crate::scenario::SiteKind;
use crate::stats::{LevelSummary, Tally};

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

impl ReplicationResult {
    /// Emits every metric, in a fixed order determined by the scenario alone.
    pub fn emit(&self, net: &Network, out: &mut impl MetricSink) {
        let features = Features::of(net);
        self.emit_overall(&features, out);
        self.emit_cohorts(net, &features, out);
        self.emit_categories(&features, out);
        self.emit_sites(net, out);
        self.emit_checkpoints(net, &features, out);
        self.emit_legs(net, &features, out);
        self.emit_pools(net, out);
        self.emit_places(net, out);
        self.emit_inputs(net, out);
    }

    /// The values of the `[[uncertain]]` inputs this replication ran with.
    fn emit_inputs(&self, net: &Network, out: &mut impl MetricSink) {
        for (i, _) in net.scenario.uncertain.iter().enumerate() {
            let v = self.inputs.get(i).copied().unwrap_or(f64::NAN);
            out.metric(MetricKey::new(Scope::Input(i as u16), Stat::Drawn), v);
        }
    }

    /// The whole return: makespan, how it ended, people, events, costs.
    fn emit_overall(&self, features: &Features, out: &mut impl MetricSink) {
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
        if features.turning_away {
            put(MetricKey::overall(Stat::TurnedAway), self.turned_away as f64);
        }
        put(
            MetricKey::overall(Stat::NotHome),
            (self.population - self.home - self.evaded - self.turned_away) as f64,
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
            // The costs restart with the statistics (a warm-up): per person home since.
            let home = self.home - self.home_before_statistics;
            let per = if home > 0 { total / home as f64 } else { f64::NAN };
            put(MetricKey::new(Scope::Cost, Stat::PerPersonHome), per);
        }
    }

    /// Per cohort: people, evasion by category, door-to-door times, approvals, time use.
    fn emit_cohorts(&self, net: &Network, features: &Features, out: &mut impl MetricSink) {
        let sc = &net.scenario;
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
        for (i, (c, spec)) in self.cohorts.iter().zip(&sc.cohorts).enumerate() {
            let key = |stat| MetricKey::cohort(i as u16, stat);
            put(key(Stat::Home), f64::from(c.home));
            if features.evasion {
                put(key(Stat::Evaded), f64::from(c.evaded.iter().sum::<u32>()));
                for &(cat, _) in &spec.mix {
                    put(key(Stat::EvadedOf(cat.0)), f64::from(c.evaded[cat.0 as usize]));
                }
            }
            if features.turning_away {
                put(key(Stat::TurnedAway), f64::from(c.turned_away));
            }
            let left = c.size - c.home - c.evaded.iter().sum::<u32>() - c.turned_away;
            put(key(Stat::NotHome), f64::from(left));
            put(key(Stat::MeanDoorToDoorDays), c.door_to_door_mean_hours / 24.0);
            put(key(Stat::P50DoorToDoorDays), c.door_to_door_p50_hours / 24.0);
            put(key(Stat::P90DoorToDoorDays), c.door_to_door_p90_hours / 24.0);
            put(key(Stat::MaxDoorToDoorDays), c.door_to_door_max_hours / 24.0);
            if spec.approvals.is_some() {
                put(key(Stat::Approved), c.approval_waits.count as f64);
                put(key(Stat::MeanApprovalWaitHours), c.approval_waits.mean());
                put(
                    key(Stat::WaitingPersonHours),
                    c.approval_person_hours + c.open_approval_wait_hours,
                );
            }
            for u in TimeUse::ALL {
                let relevant = match u {
                    TimeUse::AwaitingPickup => spec.has_waves,
                    TimeUse::WaitingForApproval => spec.approvals.is_some(),
                    _ => true,
                };
                if relevant {
                    // Per member who set out (released or notified): those the arrival
                    // process had not yet released spent no time at all, and counting
                    // them would dilute the hours of the rest.
                    let set_out = f64::from(c.released);
                    let hours = if set_out > 0.0 {
                        c.time_use_hours[u as usize] / set_out
                    } else {
                        f64::NAN
                    };
                    put(key(Stat::MeanHours(u)), hours);
                }
            }
        }
    }

    /// Per category, over all cohorts (when there is more than one).
    fn emit_categories(&self, features: &Features, out: &mut impl MetricSink) {
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
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
    }

    /// Per site people stay in: occupancy, stays, waits for beds, tests, cost.
    fn emit_sites(&self, net: &Network, out: &mut impl MetricSink) {
        let sc = &net.scenario;
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
        for (i, (s, spec)) in self.sites.iter().zip(&sc.sites).enumerate() {
            // Only places people stay in: not origins, homes or mere locations.
            if matches!(spec.kind, SiteKind::Origin | SiteKind::Home) || !net.site_used[i] {
                continue;
            }
            let key = |stat| MetricKey::site(i as u16, stat);
            put(key(Stat::PeakOccupancy), s.occupancy.peak as f64);
            put(key(Stat::MeanOccupancy), s.occupancy.mean);
            if let Some(b) = s.beds {
                let utilization = match s.bed_hours {
                    Some(h) => ratio(s.occupancy.integral, h),
                    None => s.occupancy.mean / b as f64,
                };
                put(key(Stat::BedUtilization), utilization);
                let span = s.occupancy.span_hours;
                put(
                    key(Stat::FullShare),
                    if span > 0.0 { s.full_hours / span } else { f64::NAN },
                );
            }
            put(key(Stat::Admitted), s.bed_waits.count as f64);
            put(key(Stat::MeanStayHours), s.stays.mean());
            // Those still waiting at the end count with their wait so far: a line of
            // people stuck behind a full site is not left out of its mean.
            let bed_waits = s.bed_waits.merged(&s.open_waits);
            put(key(Stat::MeanBedWaitHours), bed_waits.mean());
            put(key(Stat::MaxBedWaitHours), bed_waits.max_or_nan());
            if s.beds.is_some() {
                // Counted from the warm-up's end, as the line's length is.
                let total = s.person_hours.total();
                put(key(Stat::WaitingPersonHours), total);
            }
            put(key(Stat::PeakBedQueue), s.bed_queue.peak as f64);
            if spec.testing.is_some() {
                put(key(Stat::TestedPositive), s.tested_positive as f64);
            }
            if spec.costed {
                put(key(Stat::Cost), s.cost);
            }
        }
    }

    /// Per checkpoint: service, waits, line, utilisation, holding, cost.
    fn emit_checkpoints(&self, net: &Network, features: &Features, out: &mut impl MetricSink) {
        let sc = &net.scenario;
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
        for (i, (k, spec)) in self.checkpoints.iter().zip(&sc.checkpoints).enumerate() {
            let key = |stat| MetricKey::checkpoint(i as u16, stat);
            put(key(Stat::Served), k.services.count as f64);
            // Those still in line at the end count with their wait so far: a closed
            // post's line is not left out of its mean.
            let waits = k.waits.merged(&k.open_waits);
            put(key(Stat::MeanWaitHours), waits.mean());
            put(key(Stat::MaxWaitHours), waits.max_or_nan());
            put(key(Stat::WaitingPersonHours), k.person_hours.total() + k.away_hours);
            put(key(Stat::PWait), waits.fraction_positive());
            put(key(Stat::MeanQueue), k.queue.mean);
            put(key(Stat::PeakQueue), k.queue.peak as f64);
            put(
                key(Stat::Utilization),
                ratio(
                    k.busy.integral,
                    k.server_hours.unwrap_or(k.servers as f64 * k.open_hours),
                ),
            );
            put(key(Stat::MeanServiceMinutes), k.services.mean() * 60.0);
            if spec.checkin.is_some() {
                put(key(Stat::MissedCheckins), k.missed_checkins as f64);
            }
            if spec.patience_hours.is_some() {
                put(key(Stat::GaveUp), k.gave_up as f64);
            }
            if spec.max_line.is_some() {
                put(key(Stat::Balked), k.balked as f64);
            }
            if (spec.patience_hours.is_some() || spec.max_line.is_some())
                && spec.give_up == crate::scenario::GiveUp::TurnedAway
            {
                put(key(Stat::TurnedAway), k.turned_away as f64);
            }
            if features.holding(net, Step::Checkpoint(i as u16)) {
                put(key(Stat::PeakHolding), k.holding.peak as f64);
                put(key(Stat::MeanHolding), k.holding.mean);
            }
            if spec.costed {
                put(key(Stat::Cost), k.cost);
            }
            if spec.staff_from.is_some() {
                put(key(Stat::PoolWaitPersonHours), k.pool_person_hours);
            }
        }
    }

    /// Per leg: trips, passengers, waits, rides, lost departures, holding, cost.
    fn emit_legs(&self, net: &Network, features: &Features, out: &mut impl MetricSink) {
        let sc = &net.scenario;
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
        for (i, (l, spec)) in self.legs.iter().zip(&sc.legs).enumerate() {
            let key = |stat| MetricKey::leg(i as u16, stat);
            put(key(Stat::Trips), l.trips as f64);
            put(key(Stat::Passengers), l.passengers as f64);
            put(
                key(Stat::SeatUtilization),
                ratio(l.passengers as f64, (l.trips * u64::from(l.seats)) as f64),
            );
            // Those still waiting to board at the end count with their wait so far.
            let waits = l.waits.merged(&l.open_waits);
            put(key(Stat::MeanWaitHours), waits.mean());
            put(key(Stat::MaxWaitHours), waits.max_or_nan());
            put(key(Stat::WaitingPersonHours), l.person_hours.total());
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
            if spec.costed {
                put(key(Stat::Cost), l.cost);
            }
            if !spec.needs.is_empty() {
                put(key(Stat::PoolWaitPersonHours), l.pool_person_hours);
            }
            if net.reserve_target[i].is_some() {
                put(key(Stat::BedHoldPersonHours), l.bed_person_hours);
            }
        }
    }

    /// Per pool: utilisation, peak in use, how long and how many people stages were
    /// held for its units, departures lost for them, cost.
    fn emit_pools(&self, net: &Network, out: &mut impl MetricSink) {
        let sc = &net.scenario;
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
        for (i, (p, spec)) in self.pools.iter().zip(&sc.pools).enumerate() {
            let key = |stat| MetricKey::new(Scope::Pool(i as u16), stat);
            let id = crate::scenario::PoolId(i as u16);
            put(key(Stat::Utilization), ratio(p.in_use.integral, p.unit_hours));
            put(key(Stat::PeakInUse), p.in_use.peak as f64);
            put(key(Stat::HeldHours), p.held_hours);
            put(key(Stat::WaitingPersonHours), p.person_hours);
            let timetabled = sc.legs.iter().any(|l| {
                matches!(l.departure, crate::scenario::Departure::Timetable(_)) && l.needs.iter().any(|n| n.pool == id)
            });
            if timetabled {
                put(key(Stat::MissedDepartures), p.missed_departures as f64);
            }
            if spec.costed {
                put(key(Stat::Cost), p.cost);
            }
        }
    }

    /// Where everyone not home is, by place; every place on a route always appears.
    fn emit_places(&self, net: &Network, out: &mut impl MetricSink) {
        let mut put = |key: MetricKey, v: f64| out.metric(key, v);
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
    /// Someone can be turned away: a checkpoint with patience or a line limit sends
    /// those who give up away (rather than back to retry).
    turning_away: bool,
}

impl Features {
    fn of(net: &Network) -> Self {
        let sc = &net.scenario;
        Features {
            evasion: net.evasion,
            waves: !sc.waves.is_empty(),
            costs: sc.sites.iter().any(|s| s.costed)
                || sc.legs.iter().any(|l| l.costed)
                || sc.checkpoints.iter().any(|k| k.costed)
                || sc.pools.iter().any(|p| p.costed),
            categories: sc.categories.len() > 1,
            turning_away: sc.checkpoints.iter().any(|k| {
                (k.patience_hours.is_some() || k.max_line.is_some()) && k.give_up == crate::scenario::GiveUp::TurnedAway
            }),
        }
    }

    /// Can people finish `step` and then wait for a bed (holding)?
    fn holding(&self, net: &Network, step: Step) -> bool {
        net.holds_for_beds(step)
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
        stopped_hours: 0.0,
        makespan_hours: None,
        stats_since_hours: 0.0,
        home_before_statistics: 0,
        events: 0,
        population: u64::from(net.population),
        target: u64::from(net.target),
        home: 0,
        evaded: 0,
        turned_away: 0,
        inputs: vec![f64::NAN; sc.uncertain.len()],
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
                person_hours: WaitedHours::default(),
                tested_positive: 0,
                open_waits: tally,
                full_hours: 0.0,
                cost: 0.0,
                bed_hours: None,
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
                person_hours: WaitedHours::default(),
                aboard: level,
                rides: tally,
                holding: level,
                open_waits: tally,
                cost: 0.0,
                pool_person_hours: 0.0,
                bed_person_hours: 0.0,
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
                person_hours: WaitedHours::default(),
                busy: level,
                services: tally,
                holding: level,
                open_waits: tally,
                cost: 0.0,
                missed_checkins: 0,
                gave_up: 0,
                balked: 0,
                turned_away: 0,
                away_hours: 0.0,
                server_hours: None,
                pool_person_hours: 0.0,
            })
            .collect(),
        pools: sc
            .pools
            .iter()
            .map(|p| PoolResult {
                size: u64::from(p.size),
                in_use: level,
                unit_hours: 0.0,
                held_hours: 0.0,
                person_hours: 0.0,
                missed_departures: 0,
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
                turned_away: 0,
                door_to_door_mean_hours: 0.0,
                door_to_door_p50_hours: 0.0,
                door_to_door_p90_hours: 0.0,
                door_to_door_max_hours: 0.0,
                time_use_hours: [0.0; TIME_USES],
                approval_waits: tally,
                approval_person_hours: 0.0,
                open_approval_wait_hours: 0.0,
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
