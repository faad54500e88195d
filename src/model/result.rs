//! What one replication produced: structured statistics per element, and the flat list
//! of named metrics that experiments summarise and export.

use super::emit::place_of;
pub use super::line::WaitedHours;
use super::network::{Network, Step};
use super::state::{CohortState, FlowView, Phase, flag};
use crate::metrics::Place;
use crate::metrics::key::TIME_USES;
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
    /// The person-hours of `bed_waits` and `abandoned` in the observed span.
    pub person_hours: WaitedHours,
    pub tested_positive: u64,
    /// Waits for a bed here still under way at the end, so far and whole (per person
    /// waiting; their part after any warm-up is in `person_hours`).
    pub open_waits: Tally,
    /// Hours with every bed taken or promised, in the observed span.
    pub full_hours: f64,
    pub cost: f64,
    /// Bed-hours offered in the observed span when `[[change]]`s alter the beds (the
    /// utilisation's denominator); `None` when the beds never change.
    pub bed_hours: Option<f64>,
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
    /// The person-hours of `waits` and `abandoned` in the observed span.
    pub person_hours: WaitedHours,
    /// People aboard.
    pub aboard: LevelSummary,
    /// Ride times, per person arrived.
    pub rides: Tally,
    /// People off this leg waiting for a bed at the next site.
    pub holding: LevelSummary,
    /// Waits to board still under way at the end, so far and whole (per person waiting;
    /// their part after any warm-up is in `person_hours`).
    pub open_waits: Tally,
    pub cost: f64,
    /// Person-hours people waited to board while departures were held for a pool's
    /// units (part of the waiting; stretches under way at the end included).
    pub pool_person_hours: f64,
    /// Person-hours people waited to board while departures were held for the beds the
    /// leg reserves (part of the waiting; stretches under way at the end included).
    pub bed_person_hours: f64,
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
    /// The person-hours of `waits` and `abandoned` in the observed span.
    pub person_hours: WaitedHours,
    pub busy: LevelSummary,
    /// Service times, per person served.
    pub services: Tally,
    /// People served here waiting for a bed at the next site.
    pub holding: LevelSummary,
    /// Waits in line still under way at the end, so far and whole (per person in line;
    /// their part after any warm-up is in `person_hours`).
    pub open_waits: Tally,
    pub cost: f64,
    /// People still in line when a check-in window closed (each time).
    pub missed_checkins: u64,
    /// People whose patience ran out in line, who found it full, and who left the
    /// return here (each time for the first two, with retries).
    pub gave_up: u64,
    pub balked: u64,
    pub turned_away: u64,
    /// Hours people spent away from the line before coming back to it.
    pub away_hours: f64,
    /// Booth-hours open in the observed span when `[[change]]`s alter the booths;
    /// `None` when they never change.
    pub server_hours: Option<f64>,
    /// Person-hours people waited in line while services were held for staff from a
    /// pool (stretches under way at the end included).
    pub pool_person_hours: f64,
}

/// A pool's statistics.
#[derive(Clone, Debug)]
pub struct PoolResult {
    pub size: u64,
    /// Units in use.
    pub in_use: LevelSummary,
    /// Unit-hours on duty in the observed span (units times hours on duty, each stretch
    /// between `[[change]]`s at its own size).
    pub unit_hours: f64,
    /// Hours stages were held for units, summed over stages (stretches under way at the
    /// end included).
    pub held_hours: f64,
    /// Person-hours people waited at stages while they were held for units.
    pub person_hours: f64,
    /// Timetabled departures lost for want of units.
    pub missed_departures: u64,
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
    /// Gave up at a checkpoint and left the return.
    pub turned_away: u32,
    pub door_to_door_mean_hours: f64,
    pub door_to_door_p50_hours: f64,
    pub door_to_door_p90_hours: f64,
    pub door_to_door_max_hours: f64,
    /// Hours spent by all people of the cohort, by use, up to home, evasion or the end.
    pub time_use_hours: [f64; TIME_USES],
    pub approval_waits: Tally,
    /// The person-hours of `approval_waits` in the observed span (after any warm-up).
    pub approval_person_hours: f64,
    /// Hours of waiting for approval still under way at the end, summed over people.
    pub open_approval_wait_hours: f64,
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
    /// such as bed turnover are counted) or the horizon (also for a stalled run, as if it
    /// had run on: nothing could change any more).
    pub end_hours: f64,
    /// When the run stopped: `end_hours`, or earlier where the model stalled.
    pub stopped_hours: f64,
    /// When the last journey ended (home, evaded or turned away), if every journey did.
    pub makespan_hours: Option<f64>,
    /// Statistics cover `[stats_since_hours, end_hours]` (after any warm-up).
    pub stats_since_hours: f64,
    /// People home when the statistics restarted (0 without a warm-up): the costs,
    /// counted from then, are per person home since.
    pub home_before_statistics: u64,
    pub events: u64,
    pub population: u64,
    /// People ever released or notified.
    pub target: u64,
    pub home: u64,
    pub evaded: u64,
    /// People who gave up at a checkpoint and left the return.
    pub turned_away: u64,
    pub sites: Vec<SiteResult>,
    pub legs: Vec<LegResult>,
    pub checkpoints: Vec<CheckpointResult>,
    pub pools: Vec<PoolResult>,
    pub cohorts: Vec<CohortResult>,
    pub categories: Vec<CategoryResult>,
    /// Everyone neither home nor evaded at the end, grouped by where they are and what
    /// they wait for.
    pub holdings: Vec<Holding>,
    /// The values of the scenario's `[[uncertain]]` inputs this replication ran with.
    pub inputs: Vec<f64>,
}

pub(super) fn ratio(a: f64, b: f64) -> f64 {
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

/// True if a `[[change]]` alters the beds of site `i`.
fn changes_beds(sc: &crate::scenario::Scenario, i: usize) -> bool {
    sc.changes
        .iter()
        .any(|c| matches!(c.what, crate::scenario::ChangeWhat::Beds { site, .. } if site.0 as usize == i))
}

/// Booth-hours open from `from` to `to` when `[[change]]`s alter the booths of
/// checkpoint `k`
/// (each stretch between changes at its own number of booths); `None` without changes.
fn server_hours(
    sc: &crate::scenario::Scenario,
    k: usize,
    closed: &[(f64, f64)],
    file_servers: u64,
    from: f64,
    to: f64,
) -> Option<f64> {
    let steps: Vec<(f64, u32)> = sc
        .changes
        .iter()
        .filter_map(|c| match c.what {
            crate::scenario::ChangeWhat::Servers { checkpoint, servers } if checkpoint.0 as usize == k => {
                Some((c.at_hours, servers))
            }
            _ => None,
        })
        .collect();
    if steps.is_empty() {
        return None;
    }
    let cp = &sc.checkpoints[k];
    let (mut t, mut n, mut total) = (from, file_servers as f64, 0.0);
    for (at, servers) in steps {
        if at > t {
            let until = at.min(to);
            total += n * open_hours(&cp.open, closed, t, until);
            t = until;
        }
        n = f64::from(servers);
    }
    if to > t {
        total += n * open_hours(&cp.open, closed, t, to);
    }
    Some(total)
}

/// Unit-hours on duty of pool `p` from `from` to `to`, each stretch between the
/// `[[change]]`s of its size at its own number of units.
fn pool_unit_hours(sc: &crate::scenario::Scenario, p: usize, file_size: u64, from: f64, to: f64) -> f64 {
    let duty = &sc.pools[p].on_duty;
    let (mut t, mut n, mut total) = (from, file_size as f64, 0.0);
    for c in &sc.changes {
        if let crate::scenario::ChangeWhat::PoolSize { pool, size } = c.what
            && pool.0 as usize == p
        {
            if c.at_hours > t {
                let until = c.at_hours.min(to);
                total += n * duty.open_hours_between(t, until);
                t = until;
            }
            n = f64::from(size);
        }
    }
    if to > t {
        total += n * duty.open_hours_between(t, to);
    }
    total
}

/// The P50 and P90 of door-to-door times kept as `f32` (half the memory of `f64`, which
/// at a million people is the largest thing alive at a replication's end), read as `f64`
/// exactly as [`crate::stats::quantile_sorted_by`] reads them sorted. A large cohort is
/// not sorted: selection finds the same two order statistics each quantile reads, so
/// the result is the same to the bit, in linear rather than n log n time (sorting a
/// cohort of 100,000 at the end of every replication was 3% of a full-return run). A
/// small one is sorted, which is quicker there (times arrive almost in order). `d` is
/// reordered.
fn door_to_door_quantiles(d: &mut [f32]) -> (f64, f64) {
    const SORT_AT_MOST: usize = 4096;
    if d.len() <= SORT_AT_MOST {
        d.sort_unstable_by(f32::total_cmp);
        let at = |i: usize| f64::from(d[i]);
        return (
            crate::stats::quantile_sorted_by(d.len(), 0.5, at),
            crate::stats::quantile_sorted_by(d.len(), 0.9, at),
        );
    }
    (quantile_by_selection_f32(d, 0.5), quantile_by_selection_f32(d, 0.9))
}

/// The `q` quantile of `d` as [`door_to_door_quantiles`] finds it for a large cohort:
/// the order statistic at `floor((n - 1) q)` by selection, and the next one as the least
/// of the values after it. `d` is reordered.
fn quantile_by_selection_f32(d: &mut [f32], q: f64) -> f64 {
    let n = d.len();
    if n < 2 {
        return d.first().map_or(f64::NAN, |&x| f64::from(x));
    }
    let lo = ((n - 1) as f64 * q.clamp(0.0, 1.0)).floor() as usize;
    let (_, &mut x_lo, above) = d.select_nth_unstable_by(lo, f32::total_cmp);
    // Every value after position `lo` is at least `x_lo`: the next order statistic is
    // their least.
    let x_hi = above.iter().copied().min_by(f32::total_cmp).unwrap_or(x_lo);
    crate::stats::quantile_sorted_by(n, q, |i| f64::from(if i == lo { x_lo } else { x_hi }))
}

impl ReplicationResult {
    pub(crate) fn collect(net: &Network, replication: u64, end_reason: EndReason, f: &FlowView) -> Self {
        let sc = &net.scenario;
        // The books close at the last event handled. With everyone home, evaded or
        // turned away that is when the last journey ended (an evasion after the last
        // arrival home included): the makespan.
        let end = f.end_hours;
        let since = f.stats_since_hours;
        let mut sites: Vec<SiteResult> = f
            .sites
            .iter()
            .zip(&sc.sites)
            .enumerate()
            .map(|(i, (s, spec))| {
                let occupancy = s.occupancy.summary(end);
                SiteResult {
                    beds: s.beds,
                    cost: spec.cost_per_bed_night * occupancy.integral / 24.0,
                    occupancy,
                    stays: s.stays,
                    bed_queue: s.entry.length(end),
                    bed_waits: s.entry.waits,
                    abandoned: s.entry.abandoned,
                    person_hours: s.entry.person_hours,
                    tested_positive: s.tested_positive,
                    open_waits: Tally::default(),
                    full_hours: s.full_hours_until(end),
                    bed_hours: changes_beds(sc, i).then(|| s.capacity.summary(end).integral),
                }
            })
            .collect();
        let mut legs: Vec<LegResult> = f
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
                person_hours: l.boarding.person_hours,
                aboard: l.aboard.summary(end),
                rides: l.rides,
                holding: l.holding.summary(end),
                open_waits: Tally::default(),
                cost: l.trips as f64 * (spec.cost_per_trip + spec.cost_per_seat * f64::from(l.seats)),
                pool_person_hours: l.pool_person_hours,
                // Up to the end, at the last count.
                bed_person_hours: l.bed_person_hours + l.bed_excess as f64 * (end - l.bed_since).max(0.0),
            })
            .collect();
        let mut checkpoints: Vec<CheckpointResult> = f
            .checkpoints
            .iter()
            .zip(&sc.checkpoints)
            .enumerate()
            .map(|(ki, (k, spec))| {
                let open = open_hours(&spec.open, &k.closed, since, end);
                CheckpointResult {
                    servers: k.servers,
                    open_hours: open,
                    queue: k.line.length(end),
                    waits: k.line.waits,
                    abandoned: k.line.abandoned,
                    person_hours: k.line.person_hours,
                    busy: k.busy.summary(end),
                    services: k.services,
                    holding: k.holding.summary(end),
                    open_waits: Tally::default(),
                    cost: spec.cost_per_open_hour * open,
                    missed_checkins: k.missed_checkins,
                    gave_up: k.gave_up,
                    balked: k.balked,
                    turned_away: k.turned_away,
                    away_hours: k.away_hours,
                    server_hours: server_hours(sc, ki, &k.closed, k.file_servers, since, end),
                    pool_person_hours: k.pool_person_hours,
                }
            })
            .collect();
        let mut pools: Vec<PoolResult> = f
            .pools
            .iter()
            .zip(&sc.pools)
            .enumerate()
            .map(|(i, (p, spec))| {
                let unit_hours = pool_unit_hours(sc, i, p.file_size, since, end);
                PoolResult {
                    size: p.size,
                    in_use: p.in_use.summary(end),
                    unit_hours,
                    held_hours: p.held_hours,
                    person_hours: p.person_hours,
                    missed_departures: p.missed_departures,
                    cost: spec.cost_per_unit_hour * unit_hours,
                }
            })
            .collect();
        add_open_pool_waits(f, end, &mut pools, &mut legs, &mut checkpoints);
        let mut cohorts: Vec<CohortResult> = f.cohorts.iter().zip(&sc.cohorts).map(CohortResult::of).collect();
        let categories = f
            .categories
            .iter()
            .map(|c| CategoryResult {
                home: c.home,
                evaded: c.evaded,
                door_to_door: c.door_to_door,
            })
            .collect();
        let holdings = if end_reason != EndReason::AllHome || net.target < net.population {
            let mut open = OpenWaits {
                sites: &mut sites,
                legs: &mut legs,
                checkpoints: &mut checkpoints,
                cohorts: &mut cohorts,
            };
            open.add(net, f);
            holdings(net, f)
        } else {
            Vec::new()
        };
        ReplicationResult {
            replication,
            end_reason,
            end_hours: end,
            stopped_hours: f.stopped_hours,
            makespan_hours: (end_reason == EndReason::AllHome).then_some(end),
            stats_since_hours: since,
            home_before_statistics: u64::from(f.home_before_statistics),
            events: f.events,
            population: u64::from(net.population),
            target: u64::from(net.target),
            home: u64::from(f.home),
            evaded: u64::from(f.evaded),
            turned_away: u64::from(f.turned_away),
            sites,
            legs,
            checkpoints,
            pools,
            cohorts,
            categories,
            holdings,
            inputs: sc.uncertain.iter().map(|u| u.value).collect(),
        }
    }

    /// People not home at the end, per place (sites, legs, checkpoints) that holds them
    /// up: the one they are in, or the one they wait to enter when done with the last.
    pub fn not_home_by_place(&self) -> Vec<(Place, u64)> {
        let mut out: Vec<(Place, u64)> = Vec::new();
        for h in &self.holdings {
            // Done with a stage and waiting to enter the next (to board a leg, for a
            // bed): held up by the next, and counted there.
            let place = match (h.phase, h.waiting_for) {
                (Phase::Done, Some(next @ (Step::Leg(_) | Step::Site(_)))) => place_of(next),
                _ => place_of(h.at),
            };
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
            + self.pools.iter().map(|p| p.cost).sum::<f64>()
    }
}

/// Everyone neither home nor evaded at the end, grouped by where they really are
/// (isolated people at their isolation site, positives waiting for it, people waiting
/// for approval) and what they wait for.
fn holdings(net: &Network, f: &FlowView) -> Vec<Holding> {
    let isolation = |s: u16| isolation_of(net, s);
    let mut counts: std::collections::BTreeMap<(Step, Phase, Option<Step>), u64> = Default::default();
    for p in 0..net.population as usize {
        let phase = f.people.phase[p];
        let flags = f.people.flags[p];
        let key = match phase {
            Phase::Home | Phase::Evaded | Phase::TurnedAway => continue,
            Phase::NotReleased => {
                let first = net.variants[net.person_variant[p] as usize].first_step as usize;
                (net.steps[first], phase, Some(net.steps[first + 1]))
            }
            _ => {
                let pos = f.people.pos[p] as usize;
                let (at, next) = (net.steps[pos], net.steps.get(pos + 1).copied());
                match at {
                    Step::Site(s) if flags & flag::ISOLATING != 0 => (Step::Site(isolation(s)), phase, None),
                    Step::Site(s) if flags & flag::TO_ISOLATION != 0 => (at, phase, Some(Step::Site(isolation(s)))),
                    _ if flags & flag::AWAITING_APPROVAL != 0 => (at, Phase::AwaitingApproval, next),
                    _ if matches!(phase, Phase::Done | Phase::Notified) => (at, phase, next),
                    _ => (at, phase, None),
                }
            }
        };
        *counts.entry(key).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|((at, phase, waiting_for), people)| Holding {
            at,
            phase,
            waiting_for,
            people,
        })
        .collect()
}

impl CohortResult {
    /// A cohort's figures from its end state.
    fn of((c, spec): (&CohortState, &crate::scenario::Cohort)) -> Self {
        let mut d = c.door_to_door.clone();
        let (p50, p90) = door_to_door_quantiles(&mut d);
        let home = c.door_to_door.len();
        CohortResult {
            size: spec.size,
            released: c.released,
            home: c.home,
            evaded: c.evaded.clone(),
            turned_away: c.turned_away,
            door_to_door_mean_hours: if home == 0 {
                f64::NAN
            } else {
                c.door_to_door_sum / home as f64
            },
            door_to_door_p50_hours: p50,
            door_to_door_p90_hours: p90,
            door_to_door_max_hours: if home == 0 { f64::NAN } else { c.door_to_door_max },
            time_use_hours: c.time_use_hours,
            approval_waits: c.approval_waits,
            approval_person_hours: c.approval_person_hours,
            open_approval_wait_hours: 0.0,
        }
    }
}

/// Adds the stretches of stages still held for a pool at the end to the pool's hours and
/// person-hours (and the stage's).
fn add_open_pool_waits(
    f: &FlowView,
    end: f64,
    pools: &mut [PoolResult],
    legs: &mut [LegResult],
    checkpoints: &mut [CheckpointResult],
) {
    for (l, st) in f.legs.iter().enumerate() {
        if let Some(w) = st.pool_wait {
            let person_hours = w.person_hours(st.boarding.length(end).integral, end);
            pools[w.pool as usize].held_hours += end - w.since;
            pools[w.pool as usize].person_hours += person_hours;
            legs[l].pool_person_hours += person_hours;
        }
    }
    for (k, st) in f.checkpoints.iter().enumerate() {
        if let Some(w) = st.pool_wait {
            let person_hours = w.person_hours(st.line.length(end).integral, end);
            pools[w.pool as usize].held_hours += end - w.since;
            pools[w.pool as usize].person_hours += person_hours;
            checkpoints[k].pool_person_hours += person_hours;
        }
    }
}

/// The element results that waits still open at the end are added to.
struct OpenWaits<'a> {
    sites: &'a mut [SiteResult],
    legs: &'a mut [LegResult],
    checkpoints: &'a mut [CheckpointResult],
    cohorts: &'a mut [CohortResult],
}

impl OpenWaits<'_> {
    /// Adds the wait so far of everyone still waiting at the end (for approval, to
    /// board, in a checkpoint's line, for a bed) to what they wait for: whole to the
    /// waits (their mean and longest), and to the person-hours from the later of when
    /// they started waiting and the end of any warm-up. A closed checkpoint with a
    /// hundred people in line thus counts, not only the waits that ended.
    fn add(&mut self, net: &Network, f: &FlowView) {
        for p in 0..net.population as usize {
            let phase = f.people.phase[p];
            if !matches!(phase, Phase::Done | Phase::Queued | Phase::Retrying) {
                continue;
            }
            let hours = (f.end_hours - f.people.ready_at[p].max(f.stats_since_hours)).max(0.0);
            let whole = (f.end_hours - f.people.ready_at[p]).max(0.0);
            let pos = f.people.pos[p] as usize;
            let flags = f.people.flags[p];
            if matches!(phase, Phase::Queued | Phase::Retrying) {
                if let Step::Checkpoint(k) = net.steps[pos] {
                    // Whole: with the earlier tries and time away of one who retries.
                    let earlier = f.checkpoints[k as usize].earlier_hours.get(&(p as u32));
                    let k = &mut self.checkpoints[k as usize];
                    k.open_waits.record(earlier.map_or(whole, |e| whole + e));
                    k.person_hours.open += hours;
                }
                continue;
            }
            if flags & flag::AWAITING_APPROVAL != 0 {
                self.cohorts[net.step_cohort(pos as u32)].open_approval_wait_hours += hours;
                continue;
            }
            let next = match net.steps[pos] {
                Step::Site(s) if flags & flag::TO_ISOLATION != 0 => Step::Site(isolation_of(net, s)),
                _ => net.steps[pos + 1],
            };
            match next {
                Step::Leg(l) => {
                    let l = &mut self.legs[l as usize];
                    l.open_waits.record(whole);
                    l.person_hours.open += hours;
                }
                Step::Site(s) => {
                    let s = &mut self.sites[s as usize];
                    s.open_waits.record(whole);
                    s.person_hours.open += hours;
                }
                _ => {}
            }
        }
    }
}

/// Where positives of site `s` are isolated (`s` itself if they are not).
fn isolation_of(net: &Network, s: u16) -> u16 {
    match &net.scenario.sites[s as usize].testing {
        Some(crate::scenario::Testing {
            on_positive: crate::scenario::OnPositive::Isolate(i),
            ..
        }) => i.0,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::{door_to_door_quantiles, quantile_by_selection_f32};
    use crate::stats::quantile_sorted_by;
    use rand::{RngExt, SeedableRng};

    /// Selection reads the same two order statistics a sort does, so the quantiles are
    /// equal to the bit, with ties, signed zeros and one or two values included.
    #[test]
    fn selection_gives_the_sorted_quantiles_bit_for_bit() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        for n in [0usize, 1, 2, 3, 10, 11, 101, 1000, 5001] {
            for round in 0..20 {
                let d: Vec<f32> = (0..n)
                    .map(|_| match round % 3 {
                        0 => rng.random::<f32>() * 300.0,
                        // Many ties.
                        1 => (rng.random::<f32>() * 4.0).floor() * 24.0,
                        _ => [0.0, -0.0, 1.5][rng.random_range(0..3)],
                    })
                    .collect();
                let mut sorted = d.clone();
                sorted.sort_unstable_by(f32::total_cmp);
                for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
                    let want = quantile_sorted_by(n, q, |i| f64::from(sorted[i]));
                    let got = quantile_by_selection_f32(&mut d.clone(), q);
                    assert_eq!(
                        got.to_bits(),
                        want.to_bits(),
                        "n {n} round {round} q {q}: {got} vs {want}"
                    );
                }
                // Reused after a first selection, as for the P50 then the P90.
                let mut twice = d.clone();
                quantile_by_selection_f32(&mut twice, 0.5);
                let want = quantile_sorted_by(n, 0.9, |i| f64::from(sorted[i]));
                assert_eq!(quantile_by_selection_f32(&mut twice, 0.9).to_bits(), want.to_bits());
                let want50 = quantile_sorted_by(n, 0.5, |i| f64::from(sorted[i]));
                let (p50, p90) = door_to_door_quantiles(&mut d.clone());
                assert_eq!((p50.to_bits(), p90.to_bits()), (want50.to_bits(), want.to_bits()));
            }
        }
    }
}
