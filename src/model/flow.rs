//! People flowing along their routes: the event handler that moves them through sites,
//! legs and checkpoints. Built on the engine's clock and calendar; resources (beds,
//! seats, booths) are counters and priority lines driven by events, and cascades run
//! through a small work list instead of recursion.

use super::network::{Network, Step};
use super::queue::PersonQueue;
use super::result::{EndReason, ReplicationResult};
use super::state::*;
use super::timeseries::{SeriesSpec, TraceKind, TraceRow, TraceStage};
use crate::engine::{self, Model, RunEnd, Simulation, Stream};
use crate::metrics::SeriesKey;
use crate::scenario::{Admission, Arrival, Closable, Departure, OnPositive, Quota, SiteKind};
use rand::RngExt;
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::Arc;

/// Something that happens at one instant. Small and `Copy`: no allocation per event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    /// `count` more people of a cohort become ready at their origin.
    Release { cohort: u16, count: u32 },
    /// One person of a cohort with a random arrival process; schedules the next.
    Arrival { cohort: u16 },
    /// A wave notifies its people.
    WaveNotify { wave: u16 },
    /// A wave's people are ready for pickup.
    WaveReady { wave: u16 },
    /// A notified person slips away (if still unescorted).
    Evade { person: u32 },
    /// A person's stay at a site is over.
    StayEnd { person: u32 },
    /// A person's service at a checkpoint is over.
    ServiceEnd { checkpoint: u16, person: u32 },
    /// A closed (or quota-exhausted) checkpoint may serve again.
    CheckpointOpens { checkpoint: u16 },
    /// A new approval period of a cohort begins.
    ApprovalReset { cohort: u16 },
    /// A vehicle reaches the end of its leg.
    VehicleArrives { leg: u16, vehicle: u32 },
    /// A vehicle is back at the start of its leg, empty.
    VehicleBack { leg: u16, vehicle: u32 },
    /// A timetabled departure time.
    Slot { leg: u16 },
    /// Decide departures of a leg after every arrival at this instant has queued.
    DepartureCheck { leg: u16 },
    /// The first passenger waiting for a when-full leg has waited the maximum.
    MaxWait { leg: u16 },
    /// A closure of a leg ends.
    LegReopens { leg: u16 },
    /// Statistics restart here.
    WarmupEnd,
}

/// A deferred "see whether this resource can take someone now", run after the event
/// that made it possible, so cascades never recurse deeply.
#[derive(Clone, Copy, Debug)]
enum Action {
    Admit(u16),
    Serve(u16),
    Depart(u16),
}

/// The state of one replication, reusable for the next one without reallocating.
pub struct World {
    sim: Simulation<Event>,
    flow: Flow,
}

/// Everything the event handler touches.
struct Flow {
    net: Arc<Network>,
    replication: u64,
    people: People,
    sites: Vec<SiteState>,
    legs: Vec<LegState>,
    checkpoints: Vec<CheckpointState>,
    cohorts: Vec<CohortState>,
    categories: Vec<CategoryState>,
    /// Per cohort and priority level, the next person (offset in the cohort) a wave
    /// may notify: waves take people by priority level, then in cohort order.
    wave_cursors: Vec<Vec<u32>>,
    /// The cursors of each wave's cohort when it notified, to find its people again.
    wave_snapshots: Vec<Vec<u32>>,
    work: VecDeque<Action>,
    home: u32,
    evaded: u32,
    last_home_hours: f64,
    stats_since_hours: f64,
    series: SeriesSpec,
    /// `series.points x series.sources.len()` counts, point-major.
    samples: Vec<u32>,
    next_sample: usize,
    /// Rows of the trace, when tracing.
    trace: Option<Vec<TraceRow>>,
    /// Timetabled departures pending in the calendar.
    pending_slots: usize,
    /// Since when only fruitless timetabled departures have happened, with nothing else
    /// pending; a week of that means nothing can ever move again.
    fruitless_since: Option<f64>,
    /// Set when the replication stopped because nothing could move any more.
    stalled: bool,
}

/// The window of `windows` (sorted, disjoint) containing `t`, if any.
#[inline]
fn window_at(windows: &[(f64, f64)], t: f64) -> Option<(f64, f64)> {
    windows.iter().copied().find(|&(a, b)| a <= t && t < b)
}

/// Sorts and merges windows in place.
fn merge_in_place(w: &mut Vec<(f64, f64)>) {
    w.retain(|x| x.1 > x.0);
    w.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = 0;
    for i in 0..w.len() {
        if out > 0 && w[i].0 <= w[out - 1].1 {
            w[out - 1].1 = w[out - 1].1.max(w[i].1);
        } else {
            w[out] = w[i];
            out += 1;
        }
    }
    w.truncate(out);
}

/// One exponential draw with rate `rate`.
#[inline]
fn exp_draw(rng: &mut Stream, rate: f64) -> f64 {
    -(1.0 - rng.random::<f64>()).ln() / rate
}

impl World {
    /// Allocates the state for `net`, sampling time series every 6 hours; call
    /// [`World::run`] for each replication.
    pub fn new(net: Arc<Network>) -> Self {
        let series = SeriesSpec::new(&net, 6.0);
        Self::with_series(net, series)
    }

    /// As [`World::new`] with a chosen time grid.
    pub fn with_series(net: Arc<Network>, series: SeriesSpec) -> Self {
        let sc = &net.scenario;
        let dummy = engine::stream(0, 0, engine::StreamKey(0));
        let levels = net.levels;
        let sites = sc
            .sites
            .iter()
            .map(|s| SiteState {
                beds: s.beds.map(u64::from),
                reserved: 0,
                // A test at the end of the stay needs the stay's end event, even a zero one.
                no_stay: s.stay_hours.is_fixed() && s.stay_hours.mean() == 0.0 && s.testing.is_none(),
                occupancy: Default::default(),
                stays: Default::default(),
                entry_queue: PersonQueue::new(levels),
                entry_waiting: Default::default(),
                bed_waits: Default::default(),
                abandoned: Default::default(),
                tested_positive: 0,
                rng: dummy.clone(),
                test_rng: dummy.clone(),
                admit_pending: false,
            })
            .collect();
        let legs = sc
            .legs
            .iter()
            .map(|l| LegState {
                seats: l.seats,
                idle: Vec::with_capacity(l.vehicles as usize),
                manifest: vec![0; l.vehicles as usize * l.seats as usize],
                load: vec![0; l.vehicles as usize],
                queue: PersonQueue::new(levels),
                waiting: Default::default(),
                waits: Default::default(),
                abandoned: Default::default(),
                aboard: Default::default(),
                rides: Default::default(),
                holding: Default::default(),
                trips: 0,
                passengers: 0,
                missed_departures: 0,
                cancelled_departures: 0,
                closed_departures: 0,
                breakdowns: 0,
                closed: Vec::new(),
                travel_rng: dummy.clone(),
                return_rng: dummy.clone(),
                cancel_rng: dummy.clone(),
                breakdown_rng: dummy.clone(),
                depart_pending: false,
                check_scheduled: false,
                reopen_scheduled: false,
                timer_at: None,
            })
            .collect();
        let checkpoints = sc
            .checkpoints
            .iter()
            .map(|k| CheckpointState {
                servers: u64::from(k.servers),
                queue: PersonQueue::new(1),
                waiting: Default::default(),
                waits: Default::default(),
                abandoned: Default::default(),
                busy: Default::default(),
                services: Default::default(),
                holding: Default::default(),
                closed: Vec::new(),
                quota_used: (i64::MIN, 0),
                rng: dummy.clone(),
                serve_pending: false,
                open_scheduled: false,
            })
            .collect();
        let cohorts = sc
            .cohorts
            .iter()
            .map(|c| CohortState {
                door_to_door: Vec::with_capacity(c.size as usize),
                evaded: vec![0; sc.categories.len()],
                approval_queue: PersonQueue::new(levels),
                ..Default::default()
            })
            .collect();
        let flow = Flow {
            people: People::default(),
            sites,
            legs,
            checkpoints,
            cohorts,
            categories: vec![CategoryState::default(); sc.categories.len()],
            wave_cursors: vec![vec![0; net.levels]; sc.cohorts.len()],
            wave_snapshots: vec![vec![0; net.levels]; sc.waves.len()],
            work: VecDeque::with_capacity(64),
            home: 0,
            evaded: 0,
            last_home_hours: 0.0,
            stats_since_hours: 0.0,
            replication: 0,
            samples: vec![0; series.points * series.sources.len()],
            next_sample: 0,
            series,
            trace: None,
            pending_slots: 0,
            fruitless_since: None,
            stalled: false,
            net,
        };
        World {
            sim: Simulation::with_capacity(1024),
            flow,
        }
    }

    /// Runs replication `replication` from scratch. The result depends only on the
    /// scenario, its seed and `replication`.
    pub fn run(&mut self, replication: u64) -> ReplicationResult {
        self.flow.trace = None;
        self.run_inner(replication)
    }

    /// Runs `replication` exactly as [`World::run`] does and also returns every event it
    /// handled (and every arrival home), in order.
    pub fn run_traced(&mut self, replication: u64) -> (ReplicationResult, Vec<TraceRow>) {
        self.flow.trace = Some(Vec::new());
        let r = self.run_inner(replication);
        (r, self.flow.trace.take().unwrap_or_default())
    }

    /// The time-series counts of the last replication run, point-major
    /// (`samples()[k * series().sources.len() + j]` is series `j` at point `k`).
    pub fn samples(&self) -> &[u32] {
        &self.flow.samples
    }

    /// The time grid and series sampled.
    pub fn series(&self) -> &SeriesSpec {
        &self.flow.series
    }

    fn run_inner(&mut self, replication: u64) -> ReplicationResult {
        self.reset(replication);
        let horizon = self.flow.net.scenario.horizon_hours;
        let end = if self.flow.finished() {
            RunEnd::Stopped
        } else {
            engine::run(&mut self.sim, &mut self.flow, horizon)
        };
        // Nothing changes after the end: the remaining grid points see the final state.
        self.flow.sample_until(f64::INFINITY);
        let reason = match end {
            RunEnd::Stopped if self.flow.stalled => EndReason::Stalled,
            RunEnd::Stopped => EndReason::AllHome,
            RunEnd::Horizon => EndReason::Horizon,
            RunEnd::Exhausted => EndReason::Stalled,
        };
        ReplicationResult::collect(
            &self.flow.net,
            replication,
            reason,
            &self.sim,
            &FlowView::of(&self.flow),
        )
    }

    fn reset(&mut self, replication: u64) {
        let f = &mut self.flow;
        let net = Arc::clone(&f.net);
        let sc = &net.scenario;
        let seed = sc.seed;
        self.sim.reset();
        if sc.warmup_hours > 0.0 {
            // Scheduled first, so it precedes anything else at the same instant.
            self.sim.schedule_at(sc.warmup_hours, Event::WarmupEnd);
        }
        f.replication = replication;
        f.home = 0;
        f.evaded = 0;
        f.last_home_hours = 0.0;
        f.stats_since_hours = 0.0;
        f.work.clear();
        f.next_sample = 0;
        f.fruitless_since = None;
        f.stalled = false;
        f.pending_slots = 0;
        f.people.ensure(net.population as usize);
        let stream = |key| engine::stream(seed, replication, key);
        for (i, s) in f.sites.iter_mut().enumerate() {
            s.reserved = 0;
            s.occupancy = Default::default();
            s.stays = Default::default();
            s.entry_queue.clear();
            s.entry_waiting = Default::default();
            s.bed_waits = Default::default();
            s.abandoned = Default::default();
            s.tested_positive = 0;
            s.rng = stream(net.keys.site_stay[i]);
            s.test_rng = stream(net.keys.site_test[i]);
            s.admit_pending = false;
        }
        for (i, l) in f.legs.iter_mut().enumerate() {
            l.idle.clear();
            l.idle.extend((0..l.load.len() as u32).rev());
            l.load.fill(0);
            l.queue.clear();
            l.waiting = Default::default();
            l.waits = Default::default();
            l.abandoned = Default::default();
            l.aboard = Default::default();
            l.rides = Default::default();
            l.holding = Default::default();
            l.trips = 0;
            l.passengers = 0;
            l.missed_departures = 0;
            l.cancelled_departures = 0;
            l.closed_departures = 0;
            l.breakdowns = 0;
            l.closed.clear();
            l.closed.extend_from_slice(&net.leg_closed[i]);
            l.travel_rng = stream(net.keys.leg_travel[i]);
            l.return_rng = stream(net.keys.leg_return[i]);
            l.cancel_rng = stream(net.keys.leg_cancel[i]);
            l.breakdown_rng = stream(net.keys.leg_breakdown[i]);
            l.depart_pending = false;
            l.check_scheduled = false;
            l.reopen_scheduled = false;
            l.timer_at = None;
        }
        for (i, k) in f.checkpoints.iter_mut().enumerate() {
            k.queue.clear();
            k.waiting = Default::default();
            k.waits = Default::default();
            k.abandoned = Default::default();
            k.busy = Default::default();
            k.services = Default::default();
            k.holding = Default::default();
            k.closed.clear();
            k.closed.extend_from_slice(&net.checkpoint_closed[i]);
            k.quota_used = (i64::MIN, 0);
            k.rng = stream(net.keys.checkpoint_service[i]);
            k.serve_pending = false;
            k.open_scheduled = false;
        }
        for (i, c) in f.cohorts.iter_mut().enumerate() {
            c.released = 0;
            c.home = 0;
            c.evaded.fill(0);
            c.door_to_door.clear();
            c.door_to_door_sum = 0.0;
            c.door_to_door_max = f64::NAN;
            c.time_use_hours = [0.0; TIME_USES];
            c.approval_queue.clear();
            c.approval_waits = Default::default();
            c.approvals_used = (i64::MIN, 0);
            c.approval_reset_scheduled = false;
            c.rng = Some(stream(net.keys.cohort_arrival[i]));
            c.evasion_rng = Some(stream(net.keys.cohort_evasion[i]));
        }
        f.categories.iter_mut().for_each(|c| *c = CategoryState::default());
        f.wave_cursors.iter_mut().for_each(|c| c.fill(0));
        // Who has been released is read from the phases: reset them (one byte a person).
        f.people.phase[..net.population as usize].fill(Phase::NotReleased);
        // Random closures: each week an outbreak may start at a uniform time in it.
        for (o, outbreak) in sc.outbreaks.iter().enumerate() {
            let mut rng = stream(net.keys.outbreak[o]);
            let mut week = 0.0;
            while week * 168.0 < sc.horizon_hours {
                let (u, at): (f64, f64) = (rng.random(), rng.random());
                if u < outbreak.probability_per_week {
                    let start = (week + at) * 168.0;
                    let window = (start, start + outbreak.duration_hours.sample(&mut rng));
                    for a in &outbreak.applies_to {
                        match a {
                            Closable::Leg(l) => f.legs[l.0 as usize].closed.push(window),
                            Closable::Checkpoint(k) => f.checkpoints[k.0 as usize].closed.push(window),
                        }
                    }
                }
                week += 1.0;
            }
        }
        if !sc.outbreaks.is_empty() {
            f.legs.iter_mut().for_each(|l| merge_in_place(&mut l.closed));
            f.checkpoints.iter_mut().for_each(|k| merge_in_place(&mut k.closed));
        }
        // Initial events: arrivals, waves, timetables.
        for (i, c) in sc.cohorts.iter().enumerate() {
            if c.has_waves {
                continue;
            }
            let cohort = i as u16;
            match &c.arrival {
                Arrival::AllAtOnce { at_hours } => self
                    .sim
                    .schedule_at(*at_hours, Event::Release { cohort, count: c.size }),
                Arrival::Batches(batches) => {
                    for &(at, people) in batches {
                        self.sim.schedule_at(at, Event::Release { cohort, count: people });
                    }
                }
                Arrival::Regular { at_hours, .. } => self.sim.schedule_at(*at_hours, Event::Arrival { cohort }),
                Arrival::Poisson { .. } | Arrival::PerDay { .. } => {
                    let t = f.next_arrival_time(i, 0.0);
                    self.sim.schedule_at(t, Event::Arrival { cohort });
                }
            }
        }
        for (w, wave) in sc.waves.iter().enumerate() {
            self.sim
                .schedule_at(wave.at_hours, Event::WaveNotify { wave: w as u16 });
        }
        for (i, leg) in sc.legs.iter().enumerate() {
            if let Departure::Timetable(tt) = &leg.departure
                && let Some(t) = tt.next(0.0, true)
            {
                self.sim.schedule_at(t, Event::Slot { leg: i as u16 });
                f.pending_slots += 1;
            }
        }
    }
}

/// Read-only view of the end state, for collecting results.
pub struct FlowView<'a> {
    pub people: &'a People,
    pub sites: &'a [SiteState],
    pub legs: &'a [LegState],
    pub checkpoints: &'a [CheckpointState],
    pub cohorts: &'a [CohortState],
    pub categories: &'a [CategoryState],
    pub home: u32,
    pub evaded: u32,
    pub last_home_hours: f64,
    pub stats_since_hours: f64,
}

impl<'a> FlowView<'a> {
    fn of(f: &'a Flow) -> Self {
        FlowView {
            people: &f.people,
            sites: &f.sites,
            legs: &f.legs,
            checkpoints: &f.checkpoints,
            cohorts: &f.cohorts,
            categories: &f.categories,
            home: f.home,
            evaded: f.evaded,
            last_home_hours: f.last_home_hours,
            stats_since_hours: f.stats_since_hours,
        }
    }
}

impl Model<Event> for Flow {
    fn handle(&mut self, sim: &mut Simulation<Event>, event: Event) -> ControlFlow<()> {
        let now = sim.now_hours();
        self.sample_until(now);
        // A departure, or one lost to chance (cancelled, or in a closure that will end),
        // means later departures may still move people.
        let chances = |l: &LegState| l.trips + l.cancelled_departures + l.closed_departures;
        let trips_before = match event {
            Event::Slot { leg } => chances(&self.legs[leg as usize]),
            _ => 0,
        };
        // When tracing, the event's row goes first (filled in after handling), so the
        // arrivals home it causes follow it.
        let mut row_at = None;
        let mut stay_site = None;
        if let Some(t) = &mut self.trace {
            row_at = Some(t.len());
            t.push(TraceRow {
                time_hours: now,
                kind: TraceKind::WarmupEnd,
                stage: TraceStage::None,
                person: None,
                vehicle: None,
                queue_after: 0,
                count_after: 0,
            });
            if let Event::StayEnd { person } = event {
                stay_site = Some(self.current_site_step(person as usize));
            }
        }
        match event {
            Event::Release { cohort, count } => {
                for _ in 0..count {
                    self.release_one(sim, cohort as usize);
                }
            }
            Event::Arrival { cohort } => {
                let c = cohort as usize;
                self.release_one(sim, c);
                if self.cohorts[c].released < self.net.scenario.cohorts[c].size {
                    let t = self.next_arrival_time(c, now);
                    sim.schedule_at(t, Event::Arrival { cohort });
                }
            }
            Event::WaveNotify { wave } => {
                let w = wave as usize;
                let c = self.net.scenario.waves[w].cohort.0 as usize;
                let n = self.net.wave_sizes[w];
                self.wave_snapshots[w].copy_from_slice(&self.wave_cursors[c]);
                let mut cursors = std::mem::take(&mut self.wave_cursors[c]);
                self.select_by_priority(c, &mut cursors, n, |flow, p| flow.notify(sim, p));
                self.wave_cursors[c] = cursors;
                self.cohorts[c].released += n;
                sim.schedule_in(self.net.scenario.waves[w].lead_hours, Event::WaveReady { wave });
            }
            Event::WaveReady { wave } => {
                let w = wave as usize;
                let c = self.net.scenario.waves[w].cohort.0 as usize;
                let mut cursors = std::mem::take(&mut self.wave_snapshots[w]);
                self.select_by_priority(c, &mut cursors, self.net.wave_sizes[w], |flow, p| {
                    if flow.people.phase[p] == Phase::Notified {
                        flow.spend(p, TimeUse::AwaitingPickup, now - flow.people.released_at[p]);
                        flow.people.phase[p] = Phase::Done;
                        flow.people.ready_at[p] = now;
                        flow.request_next(sim, p);
                    }
                });
                self.wave_snapshots[w] = cursors;
            }
            Event::Evade { person } => self.evade(sim, person as usize),
            Event::StayEnd { person } => {
                if self.people.phase[person as usize] == Phase::Staying {
                    self.stay_end(sim, person as usize);
                }
            }
            Event::ServiceEnd { checkpoint, person } => {
                let p = person as usize;
                let k = &mut self.checkpoints[checkpoint as usize];
                k.busy.down(now);
                let served = now - self.people.entered_at[p];
                k.services.record(served);
                self.spend(p, TimeUse::InCheckpoint, served);
                self.people.phase[p] = Phase::Done;
                self.people.ready_at[p] = now;
                self.request_next(sim, p);
                self.push_serve(checkpoint);
            }
            Event::CheckpointOpens { checkpoint } => {
                self.checkpoints[checkpoint as usize].open_scheduled = false;
                self.push_serve(checkpoint);
            }
            Event::ApprovalReset { cohort } => self.approve_waiting(sim, cohort as usize),
            Event::VehicleArrives { leg, vehicle } => self.vehicle_arrives(sim, leg, vehicle),
            Event::VehicleBack { leg, vehicle } => {
                self.legs[leg as usize].idle.push(vehicle);
                self.push_depart(leg);
            }
            Event::Slot { leg } => {
                self.pending_slots -= 1;
                let l = leg as usize;
                let spec = &self.net.scenario.legs[l];
                let st = &mut self.legs[l];
                // One draw per slot, whatever happens, so the stream stays aligned.
                let cancelled =
                    spec.cancel_probability > 0.0 && st.cancel_rng.random::<f64>() < spec.cancel_probability;
                if window_at(&st.closed, now).is_some() {
                    if !st.queue.is_empty() {
                        st.closed_departures += 1;
                    }
                } else if cancelled {
                    if !st.queue.is_empty() {
                        st.cancelled_departures += 1;
                    }
                } else {
                    if !st.queue.is_empty() && st.idle.is_empty() {
                        st.missed_departures += 1;
                    }
                    self.dispatch_all(sim, leg);
                }
                // Scheduled even beyond the horizon: a run that ends with people waiting
                // for a later departure reached the horizon, it did not stall.
                if let Departure::Timetable(tt) = &self.net.scenario.legs[l].departure
                    && let Some(t) = tt.next(now, false)
                {
                    sim.schedule_at(t, Event::Slot { leg });
                    self.pending_slots += 1;
                }
            }
            Event::DepartureCheck { leg } => {
                self.legs[leg as usize].check_scheduled = false;
                self.dispatch_all(sim, leg);
            }
            Event::MaxWait { leg } => {
                self.legs[leg as usize].timer_at = None;
                self.push_depart(leg);
            }
            Event::LegReopens { leg } => {
                self.legs[leg as usize].reopen_scheduled = false;
                self.push_depart(leg);
            }
            Event::WarmupEnd => self.restart_statistics(now),
        }
        self.drain(sim);
        if let Some(at) = row_at {
            self.trace_event(at, now, event, stay_site);
        }
        let trips_after = match event {
            Event::Slot { leg } => chances(&self.legs[leg as usize]),
            _ => 0,
        };
        if self.finished() || self.stall_check(sim, event, trips_after > trips_before) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

impl Flow {
    /// True when nothing can ever move again although people remain: only timetabled
    /// departures are pending, and for more than a week (every weekly pattern repeats)
    /// none of them left, with no dated departure still to come.
    fn stall_check(&mut self, sim: &Simulation<Event>, event: Event, departed: bool) -> bool {
        let Event::Slot { leg } = event else {
            self.fruitless_since = None; // anything but a departure time moves people
            return false;
        };
        let _ = leg;
        let now = sim.now_hours();
        let only_slots = sim.pending() == self.pending_slots;
        let dated_ahead = self
            .net
            .scenario
            .legs
            .iter()
            .any(|l| matches!(&l.departure, Departure::Timetable(t) if t.has_once_after(now)));
        if departed || !only_slots || dated_ahead {
            self.fruitless_since = None;
            return false;
        }
        let since = *self.fruitless_since.get_or_insert(now);
        self.stalled = now - since > crate::engine::WEEK_HOURS;
        self.stalled
    }

    /// Everyone who will ever be released or notified is home or has evaded.
    fn finished(&self) -> bool {
        self.home + self.evaded == self.net.target
    }

    /// Records every grid point strictly before `now` with the current counts.
    #[inline]
    fn sample_until(&mut self, now: f64) {
        while self.next_sample < self.series.points && self.series.time_hours(self.next_sample) < now {
            let width = self.series.sources.len();
            let base = self.next_sample * width;
            for (j, src) in self.series.sources.iter().enumerate() {
                self.samples[base + j] = match *src {
                    SeriesKey::Home => self.home,
                    SeriesKey::SiteOccupancy(s) => self.sites[s as usize].occupancy.value() as u32,
                    SeriesKey::SiteBedQueue(s) => self.sites[s as usize].entry_queue.len() as u32,
                    SeriesKey::LegHolding(l) => self.legs[l as usize].holding.value() as u32,
                    SeriesKey::CheckpointHolding(k) => self.checkpoints[k as usize].holding.value() as u32,
                };
            }
            self.next_sample += 1;
        }
    }

    fn trace_event(&mut self, at: usize, now: f64, event: Event, stay_site: Option<Step>) {
        let (kind, stage, person, vehicle) = match event {
            Event::Release { cohort, .. } => (TraceKind::Release, TraceStage::Cohort(cohort), None, None),
            Event::Arrival { cohort } => (TraceKind::Arrival, TraceStage::Cohort(cohort), None, None),
            Event::StayEnd { person } => {
                let site = match stay_site {
                    Some(Step::Site(s) | Step::Origin(s)) => TraceStage::Site(s),
                    _ => TraceStage::None,
                };
                (TraceKind::StayEnd, site, Some(person), None)
            }
            Event::ServiceEnd { checkpoint, person } => (
                TraceKind::ServiceEnd,
                TraceStage::Checkpoint(checkpoint),
                Some(person),
                None,
            ),
            Event::CheckpointOpens { checkpoint } => (
                TraceKind::CheckpointOpens,
                TraceStage::Checkpoint(checkpoint),
                None,
                None,
            ),
            Event::VehicleArrives { leg, vehicle } => {
                (TraceKind::VehicleArrives, TraceStage::Leg(leg), None, Some(vehicle))
            }
            Event::VehicleBack { leg, vehicle } => (TraceKind::VehicleBack, TraceStage::Leg(leg), None, Some(vehicle)),
            Event::Slot { leg } => (TraceKind::Slot, TraceStage::Leg(leg), None, None),
            Event::DepartureCheck { leg } => (TraceKind::DepartureCheck, TraceStage::Leg(leg), None, None),
            Event::MaxWait { leg } => (TraceKind::MaxWait, TraceStage::Leg(leg), None, None),
            Event::WarmupEnd => (TraceKind::WarmupEnd, TraceStage::None, None, None),
            Event::WaveNotify { wave } | Event::WaveReady { wave } => {
                let kind = if matches!(event, Event::WaveNotify { .. }) {
                    TraceKind::WaveNotify
                } else {
                    TraceKind::WaveReady
                };
                (
                    kind,
                    TraceStage::Cohort(self.net.scenario.waves[wave as usize].cohort.0),
                    None,
                    None,
                )
            }
            Event::Evade { person } => {
                let c = self.net.step_cohort(self.people.pos[person as usize]) as u16;
                (TraceKind::Evade, TraceStage::Cohort(c), Some(person), None)
            }
            Event::ApprovalReset { cohort } => (TraceKind::ApprovalReset, TraceStage::Cohort(cohort), None, None),
            Event::LegReopens { leg } => (TraceKind::LegReopens, TraceStage::Leg(leg), None, None),
        };
        let (queue_after, count_after) = match stage {
            TraceStage::None => (0, 0),
            TraceStage::Site(s) => {
                let st = &self.sites[s as usize];
                (st.entry_queue.len() as u64, st.occupancy.value())
            }
            TraceStage::Leg(l) => {
                let st = &self.legs[l as usize];
                (st.queue.len() as u64, st.aboard.value())
            }
            TraceStage::Checkpoint(k) => {
                let st = &self.checkpoints[k as usize];
                (st.queue.len() as u64, st.busy.value())
            }
            TraceStage::Cohort(c) => {
                let cs = &self.cohorts[c as usize];
                let size = self.net.scenario.cohorts[c as usize].size;
                (
                    u64::from(size - cs.released) + cs.approval_queue.len() as u64,
                    u64::from(cs.home),
                )
            }
        };
        if let Some(t) = &mut self.trace {
            t[at] = TraceRow {
                time_hours: now,
                kind,
                stage,
                person,
                vehicle,
                queue_after,
                count_after,
            };
        }
    }

    fn next_arrival_time(&mut self, c: usize, now: f64) -> f64 {
        let arrival = &self.net.scenario.cohorts[c].arrival;
        if let Arrival::Regular { every_hours, .. } = arrival {
            return now + every_hours;
        }
        let rng = self.cohorts[c].rng.as_mut().expect("cohort stream set at reset");
        let e: f64 = -(1.0 - rng.random::<f64>()).ln(); // Exp(1)
        match arrival {
            Arrival::Poisson { per_hour } => now + e / per_hour,
            Arrival::PerDay { per_day } => {
                // Inversion of a piecewise-constant rate: walk day by day spending E.
                let (mut t, mut left) = (now, e);
                loop {
                    let day = (t / 24.0).floor() as usize;
                    let rate = per_day[day.min(per_day.len() - 1)] / 24.0;
                    let end = if day + 1 >= per_day.len() {
                        f64::INFINITY
                    } else {
                        (day + 1) as f64 * 24.0
                    };
                    if rate > 0.0 && rate * (end - t) >= left {
                        return t + left / rate;
                    }
                    left -= rate * (end - t);
                    t = end;
                }
            }
            _ => now,
        }
    }

    #[inline]
    fn spend(&mut self, p: usize, what: TimeUse, hours: f64) {
        let c = self.net.step_cohort(self.people.pos[p]);
        self.cohorts[c].time_use_hours[what as usize] += hours;
    }

    /// The priority level of person `p`.
    #[inline]
    fn level(&self, p: usize) -> usize {
        self.net.variant_of(self.people.pos[p]).level
    }

    /// The site step a staying person occupies (their isolation site while isolating).
    fn current_site_step(&self, p: usize) -> Step {
        let step = self.net.steps[self.people.pos[p] as usize];
        match step {
            Step::Site(s) if self.people.flags[p] & flag::ISOLATING != 0 => {
                Step::Site(self.isolation_site(s).unwrap_or(s))
            }
            other => other,
        }
    }

    /// Where positives of site `s` are isolated, if they are.
    fn isolation_site(&self, s: u16) -> Option<u16> {
        match &self.net.scenario.sites[s as usize].testing {
            Some(t) => match t.on_positive {
                OnPositive::Isolate(iso) => Some(iso.0),
                OnPositive::Extend(_) => None,
            },
            None => None,
        }
    }

    /// Calls `each` on the next `n` people of cohort `c` by priority level, then cohort
    /// order, advancing `cursors` (one per level, offsets within the cohort).
    fn select_by_priority(&mut self, c: usize, cursors: &mut [u32], n: u32, mut each: impl FnMut(&mut Self, usize)) {
        let first = self.net.cohort_first_person[c];
        let size = self.net.scenario.cohorts[c].size;
        let mut taken = 0;
        for (level, cursor) in cursors.iter_mut().enumerate() {
            while taken < n && *cursor < size {
                let p = (first + *cursor) as usize;
                *cursor += 1;
                if self.net.variants[self.net.person_variant[p] as usize].level == level {
                    each(self, p);
                    taken += 1;
                }
            }
            if taken == n {
                break;
            }
        }
    }

    /// Puts person `p` at their origin, with every field written afresh.
    fn enter_origin(&mut self, p: usize, now: f64) {
        let v = self.net.person_variant[p] as usize;
        let ppl = &mut self.people;
        ppl.pos[p] = self.net.variants[v].first_step;
        ppl.flags[p] = 0;
        ppl.released_at[p] = now;
        ppl.entered_at[p] = now;
        ppl.ready_at[p] = now;
        if let Step::Origin(s) = self.net.steps[ppl.pos[p] as usize] {
            self.sites[s as usize].occupancy.up(now);
        }
    }

    fn release_one(&mut self, sim: &mut Simulation<Event>, c: usize) {
        let now = sim.now_hours();
        let k = self.cohorts[c].released;
        self.cohorts[c].released += 1;
        let p = (self.net.cohort_first_person[c] + k) as usize;
        self.enter_origin(p, now);
        self.people.phase[p] = Phase::Done;
        self.request_next(sim, p);
    }

    /// Person `p` is told to get ready; from now until they board an escorted leg they
    /// may slip away at their variant's hazard.
    fn notify(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        self.enter_origin(p, now);
        self.people.phase[p] = Phase::Notified;
        let rate = self.net.variant_of(self.people.pos[p]).evasion_per_hour;
        if rate > 0.0 {
            let c = self.net.step_cohort(self.people.pos[p]);
            let rng = self.cohorts[c].evasion_rng.as_mut().expect("set at reset");
            let t = now + exp_draw(rng, rate);
            if t <= self.net.scenario.horizon_hours {
                sim.schedule_at(t, Event::Evade { person: p as u32 });
            }
        }
    }

    /// Person `p` slips away, if they still can: out of whatever line they are in, and
    /// out of whatever bed they hold.
    fn evade(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        let phase = self.people.phase[p];
        let flags = self.people.flags[p];
        if matches!(phase, Phase::Home | Phase::Evaded | Phase::NotReleased) || flags & flag::ESCORTED != 0 {
            return;
        }
        if matches!(phase, Phase::InService | Phase::Travelling) {
            // Not while being served or on the move; the hazard is memoryless, so draw
            // the remaining time afresh.
            let rate = self.net.variant_of(self.people.pos[p]).evasion_per_hour;
            let c = self.net.step_cohort(self.people.pos[p]);
            let rng = self.cohorts[c].evasion_rng.as_mut().expect("set at reset");
            let t = now + exp_draw(rng, rate);
            if t <= self.net.scenario.horizon_hours {
                sim.schedule_at(t, Event::Evade { person: p as u32 });
            }
            return;
        }
        let pos = self.people.pos[p] as usize;
        let waited = now - self.people.ready_at[p];
        match phase {
            Phase::Notified => self.spend(p, TimeUse::AwaitingPickup, now - self.people.released_at[p]),
            Phase::Done if flags & flag::AWAITING_APPROVAL != 0 => {
                let c = self.net.step_cohort(pos as u32);
                self.cohorts[c].approval_queue.remove_one();
                self.spend(p, TimeUse::WaitingForApproval, waited);
            }
            Phase::Done => {
                let next = match self.net.steps[pos] {
                    Step::Site(s) if flags & flag::TO_ISOLATION != 0 => Step::Site(self.isolation_site(s).unwrap_or(s)),
                    _ => self.net.steps[pos + 1],
                };
                match next {
                    Step::Leg(l) => {
                        let st = &mut self.legs[l as usize];
                        st.queue.remove_one();
                        st.waiting.down(now);
                        st.abandoned.record(waited);
                        self.spend(p, TimeUse::WaitingForTransport, waited);
                    }
                    Step::Site(s) => {
                        let st = &mut self.sites[s as usize];
                        st.entry_queue.remove_one();
                        st.entry_waiting.down(now);
                        st.abandoned.record(waited);
                        self.holding_down(p, now);
                        self.spend(p, TimeUse::WaitingForBed, waited);
                    }
                    _ => {}
                }
            }
            Phase::Queued => {
                if let Step::Checkpoint(k) = self.net.steps[pos] {
                    let st = &mut self.checkpoints[k as usize];
                    st.queue.remove_one();
                    st.waiting.down(now);
                    st.abandoned.record(waited);
                }
                self.spend(p, TimeUse::WaitingAtCheckpoint, waited);
            }
            Phase::Staying => {
                let stayed = now - self.people.entered_at[p];
                self.spend(p, self.stay_use(p), stayed);
            }
            _ => {}
        }
        if self.people.flags[p] & flag::RESERVED != 0 {
            // A bed promised on the way (an unescorted reserving leg) is given back.
            self.people.flags[p] &= !flag::RESERVED;
            if let Some(t) = self.net.bed_site_ahead(pos as u32) {
                self.sites[t as usize].reserved -= 1;
                self.bed_freed(t);
            }
        }
        self.leave(p, now);
        self.people.phase[p] = Phase::Evaded;
        let v = self.net.variant_of(pos as u32);
        let (c, cat) = (v.cohort as usize, v.category as usize);
        self.cohorts[c].evaded[cat] += 1;
        self.categories[cat].evaded += 1;
        self.evaded += 1;
    }

    /// What a stay at the current site counts as.
    fn stay_use(&self, p: usize) -> TimeUse {
        match self.current_site_step(p) {
            Step::Site(s) if self.net.scenario.sites[s as usize].kind == SiteKind::Quarantine => TimeUse::InQuarantine,
            _ if self.people.flags[p] & flag::ISOLATING != 0 => TimeUse::InQuarantine,
            _ => TimeUse::AtAssembly,
        }
    }

    /// A stay at a site ended: the person is ready to move on.
    fn note_stay_over(&mut self, p: usize, now: f64) {
        let stayed = now - self.people.entered_at[p];
        self.spend(p, self.stay_use(p), stayed);
        self.people.phase[p] = Phase::Done;
        self.people.ready_at[p] = now;
    }

    /// The end of a stay: a test if the site tests (once), then onwards.
    fn stay_end(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        let flags = self.people.flags[p];
        if let Step::Site(s) = self.net.steps[self.people.pos[p] as usize]
            && flags & (flag::ISOLATING | flag::TESTED) == 0
            && let Some(testing) = &self.net.scenario.sites[s as usize].testing
        {
            self.people.flags[p] |= flag::TESTED;
            let st = &mut self.sites[s as usize];
            if st.test_rng.random::<f64>() < testing.positive_probability {
                st.tested_positive += 1;
                match testing.on_positive {
                    OnPositive::Extend(extra) => {
                        let more = extra.sample(&mut st.test_rng);
                        sim.schedule_in(more, Event::StayEnd { person: p as u32 });
                        return;
                    }
                    OnPositive::Isolate(iso) => {
                        self.note_stay_over(p, now);
                        self.people.flags[p] |= flag::TO_ISOLATION;
                        let iso = iso.0;
                        if self.sites[iso as usize].has_free_bed() {
                            self.move_to_isolation(sim, p, iso);
                        } else {
                            self.wait_at_door(p, iso, now);
                        }
                        return;
                    }
                }
            }
        }
        self.note_stay_over(p, now);
        self.request_next(sim, p);
    }

    /// A positive person leaves their bed for one at the isolation site `iso`.
    fn move_to_isolation(&mut self, sim: &mut Simulation<Event>, p: usize, iso: u16) {
        let now = sim.now_hours();
        let waited = now - self.people.ready_at[p];
        self.sites[iso as usize].bed_waits.record(waited);
        self.spend(p, TimeUse::WaitingForBed, waited);
        self.leave(p, now);
        let ppl = &mut self.people;
        ppl.flags[p] = (ppl.flags[p] & !flag::TO_ISOLATION) | flag::ISOLATING;
        ppl.entered_at[p] = now;
        ppl.phase[p] = Phase::Staying;
        let st = &mut self.sites[iso as usize];
        st.occupancy.up(now);
        let stay = self.net.scenario.sites[iso as usize].stay_hours.sample(&mut st.rng);
        sim.schedule_in(stay, Event::StayEnd { person: p as u32 });
    }

    /// The calendar period (of `period_hours`) containing `t`, counted from Monday 00:00.
    fn period(&self, t: f64, period_hours: f64) -> i64 {
        ((self.net.scenario.start_week_hours + t) / period_hours).floor() as i64
    }

    /// When period `index` begins, in simulated hours.
    fn period_start(&self, index: i64, period_hours: f64) -> f64 {
        index as f64 * period_hours - self.net.scenario.start_week_hours
    }

    /// Takes one of the cohort's approvals for the period containing `now`, if any is left.
    fn take_approval(&mut self, c: usize, q: Quota, now: f64) -> bool {
        let period = self.period(now, q.period_hours);
        let used = &mut self.cohorts[c].approvals_used;
        if used.0 != period {
            *used = (period, 0);
        }
        if used.1 < q.count {
            used.1 += 1;
            true
        } else {
            false
        }
    }

    fn schedule_approval_reset(&mut self, sim: &mut Simulation<Event>, c: usize, q: Quota) {
        if !self.cohorts[c].approval_reset_scheduled {
            self.cohorts[c].approval_reset_scheduled = true;
            let next = self.period_start(self.period(sim.now_hours(), q.period_hours) + 1, q.period_hours);
            sim.schedule_at(next, Event::ApprovalReset { cohort: c as u16 });
        }
    }

    /// A new approval period: approve whoever waits, up to the quota.
    fn approve_waiting(&mut self, sim: &mut Simulation<Event>, c: usize) {
        let now = sim.now_hours();
        self.cohorts[c].approval_reset_scheduled = false;
        let Some(q) = self.net.scenario.cohorts[c].approvals else {
            return;
        };
        while !self.cohorts[c].approval_queue.is_empty() {
            if !self.take_approval(c, q, now) {
                break;
            }
            let phases = &self.people.phase;
            let Some((p, _)) = self.cohorts[c]
                .approval_queue
                .pop(|x| phases[x as usize] != Phase::Evaded)
            else {
                break;
            };
            let p = p as usize;
            let waited = now - self.people.ready_at[p];
            self.cohorts[c].approval_waits.record(waited);
            self.spend(p, TimeUse::WaitingForApproval, waited);
            let ppl = &mut self.people;
            ppl.flags[p] = (ppl.flags[p] & !flag::AWAITING_APPROVAL) | flag::APPROVED;
            ppl.ready_at[p] = now;
            self.request_next(sim, p);
        }
        if !self.cohorts[c].approval_queue.is_empty() {
            self.schedule_approval_reset(sim, c, q);
        }
    }

    fn holding_up(&mut self, p: usize, now: f64) {
        match self.net.steps[self.people.pos[p] as usize] {
            Step::Leg(l) => self.legs[l as usize].holding.up(now),
            Step::Checkpoint(k) => self.checkpoints[k as usize].holding.up(now),
            _ => {}
        }
    }

    fn holding_down(&mut self, p: usize, now: f64) {
        match self.net.steps[self.people.pos[p] as usize] {
            Step::Leg(l) => self.legs[l as usize].holding.down(now),
            Step::Checkpoint(k) => self.checkpoints[k as usize].holding.down(now),
            _ => {}
        }
    }

    /// Person `p` has finished their step: try to enter the next one.
    fn request_next(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        let pos = self.people.pos[p] as usize;
        if let Step::Origin(_) = self.net.steps[pos]
            && self.people.flags[p] & flag::APPROVED == 0
        {
            let c = self.net.step_cohort(pos as u32);
            if let Some(q) = self.net.scenario.cohorts[c].approvals {
                // Nobody overtakes the people already waiting for approval: while the line
                // is not empty, newcomers join it (it is served by priority at each new
                // period).
                if self.cohorts[c].approval_queue.is_empty() && self.take_approval(c, q, now) {
                    self.cohorts[c].approval_waits.record(0.0);
                } else {
                    let level = self.level(p);
                    self.cohorts[c].approval_queue.push(p as u32, level);
                    self.people.flags[p] |= flag::AWAITING_APPROVAL;
                    self.schedule_approval_reset(sim, c, q);
                    return;
                }
                self.people.flags[p] |= flag::APPROVED;
            }
        }
        let next = self.net.steps[pos + 1];
        match next {
            Step::Home(_) => {
                self.leave(p, now);
                self.people.pos[p] += 1;
                self.people.phase[p] = Phase::Home;
                let v = self.net.variant_of(self.people.pos[p]);
                let (c, cat) = (v.cohort as usize, v.category as usize);
                let d = now - self.people.released_at[p];
                let cs = &mut self.cohorts[c];
                cs.home += 1;
                cs.door_to_door.push(d as f32);
                cs.door_to_door_sum += d;
                cs.door_to_door_max = cs.door_to_door_max.max(d);
                self.categories[cat].home += 1;
                self.categories[cat].door_to_door.record(d);
                self.home += 1;
                self.last_home_hours = now;
                if let Some(t) = &mut self.trace {
                    let Step::Home(h) = next else { unreachable!() };
                    t.push(TraceRow {
                        time_hours: now,
                        kind: TraceKind::Home,
                        stage: TraceStage::Site(h),
                        person: Some(p as u32),
                        vehicle: None,
                        queue_after: 0,
                        count_after: u64::from(self.home),
                    });
                }
            }
            Step::Checkpoint(k) => {
                self.leave(p, now);
                self.people.pos[p] += 1;
                self.people.phase[p] = Phase::Queued;
                self.people.ready_at[p] = now; // joined the line
                let st = &mut self.checkpoints[k as usize];
                st.queue.push(p as u32, 0);
                st.waiting.up(now);
                self.push_serve(k);
            }
            Step::Leg(l) => {
                let level = self.level(p);
                let st = &mut self.legs[l as usize];
                st.queue.push(p as u32, level);
                st.waiting.up(now);
                self.push_depart(l);
            }
            Step::Site(s) => {
                let reserved_here = self.people.flags[p] & flag::RESERVED != 0 && self.sites[s as usize].beds.is_some();
                if reserved_here || self.sites[s as usize].has_free_bed() {
                    self.admit(sim, p, s);
                } else {
                    self.wait_at_door(p, s, now);
                    self.holding_up(p, now);
                }
            }
            Step::Origin(_) => unreachable!("routes never lead back to an origin"),
        }
    }

    /// Person `p` joins the line for a bed at site `s`, in order of their priority level.
    fn wait_at_door(&mut self, p: usize, s: u16, now: f64) {
        let level = self.level(p);
        let st = &mut self.sites[s as usize];
        st.entry_queue.push(p as u32, level);
        st.entry_waiting.up(now);
    }

    /// Releases whatever person `p` holds at their current step.
    fn leave(&mut self, p: usize, now: f64) {
        let s = match self.current_site_step(p) {
            Step::Origin(s) | Step::Site(s) => s,
            _ => return,
        };
        self.people.flags[p] &= !flag::ISOLATING;
        let st = &mut self.sites[s as usize];
        st.occupancy.down(now);
        st.stays.record(now - self.people.entered_at[p]);
        if st.beds.is_some() {
            self.bed_freed(s);
        }
    }

    /// A bed at bed-limited site `s` came free: the people waiting at its door go first,
    /// then the legs that reserve beds there may leave.
    fn bed_freed(&mut self, s: u16) {
        if !self.sites[s as usize].entry_queue.is_empty() {
            self.push_admit(s);
        }
        for i in 0..self.net.reserving_legs[s as usize].len() {
            self.push_depart(self.net.reserving_legs[s as usize][i]);
        }
    }

    /// Person `p`, ready at the step before site `s` (or positive and bound for its
    /// isolation site), takes a bed there.
    fn admit(&mut self, sim: &mut Simulation<Event>, p: usize, s: u16) {
        if self.people.flags[p] & flag::TO_ISOLATION != 0 {
            return self.move_to_isolation(sim, p, s);
        }
        let now = sim.now_hours();
        let waited = now - self.people.ready_at[p];
        self.sites[s as usize].bed_waits.record(waited);
        self.spend(p, TimeUse::WaitingForBed, waited);
        if self.people.flags[p] & flag::RESERVED != 0 && self.sites[s as usize].beds.is_some() {
            // The first bed-limited site ahead is the one reserved.
            self.people.flags[p] &= !flag::RESERVED;
            self.sites[s as usize].reserved -= 1;
        }
        self.leave(p, now);
        let ppl = &mut self.people;
        ppl.pos[p] += 1;
        ppl.entered_at[p] = now;
        ppl.flags[p] &= !flag::TESTED;
        let st = &mut self.sites[s as usize];
        st.occupancy.up(now);
        if st.no_stay {
            self.people.phase[p] = Phase::Done;
            self.people.ready_at[p] = now;
            self.request_next(sim, p);
        } else {
            self.people.phase[p] = Phase::Staying;
            let stay = self.net.scenario.sites[s as usize].stay_hours.sample(&mut st.rng);
            sim.schedule_in(stay, Event::StayEnd { person: p as u32 });
        }
    }

    fn push_admit(&mut self, s: u16) {
        let st = &mut self.sites[s as usize];
        if !st.admit_pending {
            st.admit_pending = true;
            self.work.push_back(Action::Admit(s));
        }
    }

    fn push_serve(&mut self, k: u16) {
        let st = &mut self.checkpoints[k as usize];
        if !st.serve_pending {
            st.serve_pending = true;
            self.work.push_back(Action::Serve(k));
        }
    }

    fn push_depart(&mut self, l: u16) {
        let st = &mut self.legs[l as usize];
        if !st.depart_pending {
            st.depart_pending = true;
            self.work.push_back(Action::Depart(l));
        }
    }

    /// Runs deferred actions until none are left.
    fn drain(&mut self, sim: &mut Simulation<Event>) {
        while let Some(a) = self.work.pop_front() {
            match a {
                Action::Admit(s) => {
                    self.sites[s as usize].admit_pending = false;
                    let now = sim.now_hours();
                    while self.sites[s as usize].unclaimed_beds() > 0 {
                        let phases = &self.people.phase;
                        let st = &mut self.sites[s as usize];
                        let Some((p, _)) = st.entry_queue.pop(|x| phases[x as usize] != Phase::Evaded) else {
                            break;
                        };
                        st.entry_waiting.down(now);
                        self.holding_down(p as usize, now);
                        self.admit(sim, p as usize, s);
                    }
                }
                Action::Serve(k) => {
                    self.checkpoints[k as usize].serve_pending = false;
                    self.serve(sim, k);
                }
                Action::Depart(l) => {
                    self.legs[l as usize].depart_pending = false;
                    self.try_depart(sim, l);
                }
            }
        }
    }

    /// The first time at or after `t` when checkpoint `k` is open and not closed.
    fn checkpoint_next_open(&self, k: usize, t: f64) -> Option<f64> {
        let spec = &self.net.scenario.checkpoints[k];
        let mut t = t;
        for _ in 0..10_000 {
            let o = spec.open.next_open(t)?;
            match window_at(&self.checkpoints[k].closed, o) {
                Some((_, end)) => t = end,
                None => return Some(o),
            }
        }
        None
    }

    fn serve(&mut self, sim: &mut Simulation<Event>, k: u16) {
        let now = sim.now_hours();
        let ki = k as usize;
        if self.checkpoints[ki].queue.is_empty() {
            return;
        }
        let spec = &self.net.scenario.checkpoints[ki];
        let (quota, service_hours) = (spec.quota, spec.service_hours);
        let open = spec.open.is_open(now) && window_at(&self.checkpoints[ki].closed, now).is_none();
        if !open {
            if !self.checkpoints[ki].open_scheduled
                && let Some(t) = self.checkpoint_next_open(ki, now)
            {
                self.checkpoints[ki].open_scheduled = true;
                sim.schedule_at(t, Event::CheckpointOpens { checkpoint: k });
            }
            return;
        }
        while self.checkpoints[ki].busy.value() < self.checkpoints[ki].servers {
            if let Some(q) = quota {
                let period = self.period(now, q.period_hours);
                let next = self.period_start(period + 1, q.period_hours);
                let st = &mut self.checkpoints[ki];
                if st.quota_used.0 != period {
                    st.quota_used = (period, 0);
                }
                if st.quota_used.1 >= q.count {
                    if !st.open_scheduled {
                        st.open_scheduled = true;
                        sim.schedule_at(next, Event::CheckpointOpens { checkpoint: k });
                    }
                    break;
                }
            }
            let phases = &self.people.phase;
            let st = &mut self.checkpoints[ki];
            let Some((p, _)) = st.queue.pop(|x| phases[x as usize] != Phase::Evaded) else {
                break;
            };
            let p = p as usize;
            st.quota_used.1 += 1;
            st.waiting.down(now);
            let waited = now - self.people.ready_at[p];
            st.waits.record(waited);
            st.busy.up(now);
            let service = service_hours.sample(&mut st.rng);
            self.spend(p, TimeUse::WaitingAtCheckpoint, waited);
            self.people.phase[p] = Phase::InService;
            self.people.entered_at[p] = now; // service start
            sim.schedule_in(
                service,
                Event::ServiceEnd {
                    checkpoint: k,
                    person: p as u32,
                },
            );
        }
    }

    /// Beds that passengers of leg `l` could still have reserved for them now.
    fn reservable(&self, l: usize) -> u64 {
        match self.net.reserve_target[l] {
            Some(t) => {
                let st = &self.sites[t as usize];
                st.unclaimed_beds().saturating_sub(st.entry_queue.len() as u64)
            }
            None => u64::MAX,
        }
    }

    /// True (and a reopening scheduled) if leg `l` is closed now.
    fn leg_closed(&mut self, sim: &mut Simulation<Event>, l: u16) -> bool {
        let st = &mut self.legs[l as usize];
        match window_at(&st.closed, sim.now_hours()) {
            Some((_, end)) => {
                if !st.reopen_scheduled {
                    st.reopen_scheduled = true;
                    sim.schedule_at(end, Event::LegReopens { leg: l });
                }
                true
            }
            None => false,
        }
    }

    fn try_depart(&mut self, sim: &mut Simulation<Event>, l: u16) {
        let now = sim.now_hours();
        let li = l as usize;
        match self.net.scenario.legs[li].departure {
            Departure::WhenFull { max_wait_hours } => loop {
                let st = &self.legs[li];
                if st.queue.is_empty() || st.idle.is_empty() || self.leg_closed(sim, l) {
                    break;
                }
                let st = &self.legs[li];
                let seats = st.seats as usize;
                let cap = (self.reservable(li).min(seats as u64)) as usize;
                if st.queue.len() >= seats && cap >= seats {
                    self.depart(sim, l, seats as u32);
                    continue;
                }
                let Some(mw) = max_wait_hours else { break };
                let phases = &self.people.phase;
                let ready = &self.people.ready_at;
                let st = &mut self.legs[li];
                let Some(longest) = st
                    .queue
                    .fronts(|x| phases[x as usize] != Phase::Evaded)
                    .map(|p| ready[p as usize])
                    .min_by(f64::total_cmp)
                else {
                    break;
                };
                let due = longest + mw;
                if due <= now {
                    if cap == 0 {
                        break; // waits for a bed to free up downstream
                    }
                    let n = st.queue.len().min(cap) as u32;
                    self.depart(sim, l, n);
                    continue;
                }
                if st.timer_at.is_none_or(|t| t > due) {
                    st.timer_at = Some(due);
                    sim.schedule_at(due, Event::MaxWait { leg: l });
                }
                break;
            },
            Departure::WhenFullOrEmptyQueue => {
                let st = &mut self.legs[li];
                if !st.queue.is_empty() && !st.idle.is_empty() && !st.check_scheduled {
                    st.check_scheduled = true;
                    sim.schedule_at(now, Event::DepartureCheck { leg: l });
                }
            }
            Departure::Timetable(_) => {}
        }
    }

    /// Every idle vehicle needed leaves now, each with up to `seats` of the people waiting
    /// (and, for a reserving leg, no more than there are beds to reserve).
    fn dispatch_all(&mut self, sim: &mut Simulation<Event>, l: u16) {
        if self.leg_closed(sim, l) {
            return;
        }
        loop {
            let st = &self.legs[l as usize];
            if st.idle.is_empty() || st.queue.is_empty() {
                break;
            }
            let n = (st.queue.len() as u64)
                .min(u64::from(st.seats))
                .min(self.reservable(l as usize)) as u32;
            if n == 0 {
                break;
            }
            self.depart(sim, l, n);
        }
    }

    /// The next `n` people in the leg's line board an idle vehicle, which leaves now.
    fn depart(&mut self, sim: &mut Simulation<Event>, l: u16, n: u32) {
        let now = sim.now_hours();
        let li = l as usize;
        let spec = &self.net.scenario.legs[li];
        let (escorted, travel_hours, breakdown_probability, repair_hours) = (
            spec.escorted,
            spec.travel_hours,
            spec.breakdown_probability,
            spec.repair_hours,
        );
        let target = match spec.admission {
            Admission::Reserve => self.net.reserve_target[li],
            Admission::None => None,
        };
        let v = self.legs[li].idle.pop().expect("caller checked for an idle vehicle");
        let seats = self.legs[li].seats as usize;
        let mut boarded = 0;
        while boarded < n as usize {
            let phases = &self.people.phase;
            let st = &mut self.legs[li];
            let Some((p, _)) = st.queue.pop(|x| phases[x as usize] != Phase::Evaded) else {
                break;
            };
            let p = p as usize;
            st.waiting.down(now);
            let waited = now - self.people.ready_at[p];
            st.waits.record(waited);
            st.aboard.up(now);
            st.manifest[v as usize * seats + boarded] = p as u32;
            boarded += 1;
            self.spend(p, TimeUse::WaitingForTransport, waited);
            self.leave(p, now);
            let ppl = &mut self.people;
            ppl.pos[p] += 1;
            ppl.phase[p] = Phase::Travelling;
            ppl.entered_at[p] = now;
            if escorted {
                ppl.flags[p] |= flag::ESCORTED;
            }
            // Only passengers whose own route leads to the reserved site need a bed there.
            if let Some(t) = target
                && self.net.bed_site_ahead(ppl.pos[p]) == Some(t)
            {
                ppl.flags[p] |= flag::RESERVED;
                self.sites[t as usize].reserved += 1;
            }
        }
        let st = &mut self.legs[li];
        st.load[v as usize] = boarded as u32;
        st.trips += 1;
        st.passengers += boarded as u64;
        let mut travel = travel_hours.sample(&mut st.travel_rng);
        if breakdown_probability > 0.0 {
            // Two draws per trip, whatever happens, so the stream stays aligned.
            let (u, repair) = (
                st.breakdown_rng.random::<f64>(),
                repair_hours.map_or(0.0, |d| d.sample(&mut st.breakdown_rng)),
            );
            if u < breakdown_probability {
                st.breakdowns += 1;
                travel += repair;
            }
        }
        sim.schedule_in(travel, Event::VehicleArrives { leg: l, vehicle: v });
    }

    fn vehicle_arrives(&mut self, sim: &mut Simulation<Event>, l: u16, v: u32) {
        let now = sim.now_hours();
        let li = l as usize;
        let seats = self.legs[li].seats as usize;
        let n = self.legs[li].load[v as usize] as usize;
        for k in 0..n {
            let p = self.legs[li].manifest[v as usize * seats + k] as usize;
            let rode = now - self.people.entered_at[p];
            let st = &mut self.legs[li];
            st.aboard.down(now);
            st.rides.record(rode);
            self.spend(p, TimeUse::Travelling, rode);
            self.people.phase[p] = Phase::Done;
            self.people.ready_at[p] = now;
            self.request_next(sim, p);
        }
        let st = &mut self.legs[li];
        st.load[v as usize] = 0;
        let back = self.net.scenario.legs[li].return_hours.sample(&mut st.return_rng);
        sim.schedule_in(back, Event::VehicleBack { leg: l, vehicle: v });
    }

    fn restart_statistics(&mut self, now: f64) {
        self.stats_since_hours = now;
        for s in &mut self.sites {
            s.occupancy.restart(now);
            s.entry_waiting.restart(now);
            s.stays = Default::default();
            s.bed_waits = Default::default();
            s.abandoned = Default::default();
        }
        for l in &mut self.legs {
            l.waiting.restart(now);
            l.aboard.restart(now);
            l.holding.restart(now);
            l.waits = Default::default();
            l.rides = Default::default();
            l.abandoned = Default::default();
        }
        for k in &mut self.checkpoints {
            k.waiting.restart(now);
            k.busy.restart(now);
            k.holding.restart(now);
            k.waits = Default::default();
            k.services = Default::default();
            k.abandoned = Default::default();
        }
    }
}
