//! People flowing along their routes: the event handler that moves them through sites,
//! legs and checkpoints. Built on the engine's clock and calendar; resources (beds,
//! seats, booths) are counters and waiting lines driven by events, and cascades run
//! through a small work list instead of recursion.
//!
//! By what happens: [`release`] (arrivals, notice, approvals, evasion), [`route`] (the
//! one place that decides a person's next step), [`sites`] (beds, stays, tests),
//! [`checkpoints`] (service), [`legs`] (boarding, departures, vehicles), [`observe`]
//! (time series, traces, stall detection, warm-up), and [`reset`] (a replication's
//! starting state and first events).

mod changes;
mod checkpoints;
mod giving_up;
mod legs;
mod observe;
mod pools;
mod release;
mod reset;
mod route;
mod sites;

use super::network::{Network, Step};
use super::result::{EndReason, ReplicationResult};
use super::state::*;
use super::timeseries::{Samples, SeriesSpec, TraceKind, TraceRow, TraceStage};
use crate::engine::{self, Model, RunEnd, Simulation, Stream};
use crate::stats::Level;
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
    /// A person's patience in a checkpoint's line may have run out.
    GiveUp { checkpoint: u16, person: u32 },
    /// A person who gave up at a checkpoint comes back to its line.
    Retry { checkpoint: u16, person: u32 },
    /// A closed (or quota-exhausted) checkpoint may serve again.
    CheckpointOpens { checkpoint: u16 },
    /// A check-in window of a checkpoint closes (scheduled only while people wait).
    CheckinCloses { checkpoint: u16 },
    /// A new approval period of a cohort begins.
    ApprovalReset { cohort: u16 },
    /// A vehicle reaches the end of its leg.
    VehicleArrives { leg: u16, vehicle: u32 },
    /// A vehicle is back at the start of its leg, empty.
    VehicleBack { leg: u16, vehicle: u32 },
    /// A timetabled departure time (void if the leg's timetable changed since: `generation`).
    /// It is decided after everything else due at the same instant (`settled`: it has been
    /// put back behind them once), so a vehicle, escort or person back at the departure
    /// time still catches it.
    Slot { leg: u16, generation: u16, settled: bool },
    /// A capacity changes (`[[change]]`, by index in the scenario's changes).
    Change { index: u16 },
    /// Decide departures of a leg after every arrival at this instant has queued.
    DepartureCheck { leg: u16 },
    /// The first passenger waiting for a when-full leg has waited the maximum.
    MaxWait { leg: u16 },
    /// A closure of a leg ends.
    LegReopens { leg: u16 },
    /// A pool's shift starts (scheduled only while a stage waits for it).
    PoolOnDuty { pool: u16 },
    /// Statistics restart here.
    WarmupEnd,
}

/// A deferred "see whether this resource can take someone now", run after the event
/// that made it possible, so cascades never recurse deeply.
#[derive(Clone, Copy, Debug)]
enum Action {
    /// Approvals for a cohort's people who asked during this event, by priority.
    Approve(u16),
    Admit(u16),
    Serve(u16),
    Depart(u16),
}

/// The state of one replication, reusable for the next one without reallocating.
pub struct World {
    sim: Simulation<Event>,
    flow: Flow,
    /// The network as compiled from the scenario; with `[[uncertain]]` inputs, each
    /// replication runs on a network compiled from its own draws instead.
    base: Arc<Network>,
}

/// Everything the event handler touches.
struct Flow {
    net: Arc<Network>,
    replication: u64,
    people: People,
    sites: Vec<SiteState>,
    legs: Vec<LegState>,
    checkpoints: Vec<CheckpointState>,
    pools: Vec<PoolState>,
    /// Scratch space for ordering the stages waiting for a pool (reused).
    pool_scratch: Vec<((u32, f64, u32), Claimant)>,
    cohorts: Vec<CohortState>,
    categories: Vec<CategoryState>,
    /// Per cohort and priority level, the next person (offset in the cohort) a wave
    /// may notify: waves take people by priority level, then in cohort order.
    wave_cursors: Vec<Vec<u32>>,
    /// The cursors of each wave's cohort when it notified, to find its people again.
    wave_snapshots: Vec<Vec<u32>>,
    work: VecDeque<Action>,
    home: u32,
    /// People home over time (for the time series' windows).
    home_level: Level,
    evaded: u32,
    /// People who gave up at a checkpoint and left the return.
    turned_away: u32,
    stats_since_hours: f64,
    /// People home when the statistics restarted (the warm-up's end; 0 without one).
    home_before_statistics: u32,
    series: SeriesSpec,
    /// The time series of the current replication.
    samples: Samples,
    next_sample: usize,
    /// The time of grid point `next_sample` (infinite when none is left).
    next_sample_hours: f64,
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

/// One exponential draw with rate `rate`.
#[inline]
fn exp_draw(rng: &mut Stream, rate: f64) -> f64 {
    -(1.0 - rng.random::<f64>()).ln() / rate
}

impl World {
    /// Allocates the state for `net`, sampling time series on the default grid; call
    /// [`World::run`] for each replication.
    pub fn new(net: Arc<Network>) -> Self {
        let series = SeriesSpec::new(&net, None);
        Self::with_series(net, series)
    }

    /// As [`World::new`] with a chosen time grid.
    pub fn with_series(net: Arc<Network>, series: SeriesSpec) -> Self {
        // A copy of the network of its own (a few vectors per scenario): the event
        // handler clones its Arc now and then to read the network while it changes the
        // state, and with one network shared by every thread each clone and drop would
        // pull the reference count's cache line from the other cores.
        let net = Arc::new(Network::clone(&net));
        World {
            sim: Simulation::with_capacity(1024),
            flow: Flow::new(Arc::clone(&net), series),
            base: net,
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

    /// The time series of the last replication run.
    pub fn samples(&self) -> &Samples {
        &self.flow.samples
    }

    /// The time grid and series sampled.
    pub fn series(&self) -> &SeriesSpec {
        &self.flow.series
    }

    /// The network the last replication ran on: with `[[uncertain]]` inputs, compiled
    /// from that replication's own draws (its beds, seats, booths...).
    pub fn network(&self) -> &Arc<Network> {
        &self.flow.net
    }

    /// When checkpoint `k` was closed in the last replication (fixed closures and that
    /// replication's outbreaks), sorted and disjoint.
    pub fn checkpoint_closed(&self, k: usize) -> &[(f64, f64)] {
        &self.flow.checkpoints[k].closed
    }

    /// With uncertain inputs, compiles replication `replication`'s own network from its
    /// draws and moves the state onto it (keeping the time grid and any trace).
    fn draw_inputs(&mut self, replication: u64) {
        if self.base.scenario.uncertain.is_empty() {
            return;
        }
        // Every value a draw can take was validated with the scenario (the ends of each
        // range and their corners), so a refusal here is a bug, not bad input.
        let sc = self
            .base
            .scenario
            .for_replication(replication)
            .unwrap_or_else(|e| panic!("replication {replication}: the drawn uncertain inputs were refused: {e}"));
        let trace = self.flow.trace.take();
        let series = self.flow.series.clone();
        self.flow = Flow::new(Arc::new(Network::new(Arc::new(sc))), series);
        self.flow.trace = trace;
    }

    fn run_inner(&mut self, replication: u64) -> ReplicationResult {
        self.draw_inputs(replication);
        self.flow.reset(&mut self.sim, replication);
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
        // A stalled run stops early only because nothing can change any more: its books
        // close at the horizon, as if it had run on (as the time series already do), so
        // those stuck for good wait until the horizon, not until the stall was seen.
        let end_hours = match reason {
            EndReason::Stalled => horizon.max(self.sim.now_hours()),
            _ => self.sim.now_hours(),
        };
        // With everyone home, evaded or turned away nothing is under way.
        if !self.flow.finished() {
            self.flow.spend_open_stretches(end_hours);
        }
        // Ended before the warm-up did: nothing is observed after it, so the statistics
        // restart at the end (they kept the whole run's, averaged with the restarted
        // replications' as if they were alike).
        let warmup = self.flow.net.scenario.warmup_hours;
        if warmup > 0.0 && self.flow.stats_since_hours < warmup && end_hours < warmup {
            self.flow.restart_statistics(end_hours);
        }
        let f = &self.flow;
        let view = FlowView {
            people: &f.people,
            sites: &f.sites,
            legs: &f.legs,
            checkpoints: &f.checkpoints,
            pools: &f.pools,
            cohorts: &f.cohorts,
            categories: &f.categories,
            home: f.home,
            evaded: f.evaded,
            turned_away: f.turned_away,
            stats_since_hours: f.stats_since_hours,
            home_before_statistics: f.home_before_statistics,
            end_hours,
            stopped_hours: self.sim.now_hours(),
            events: self.sim.events_processed(),
        };
        ReplicationResult::collect(&f.net, replication, reason, &view)
    }
}

impl Flow {
    /// The state for `net`, sampling `series`.
    fn new(net: Arc<Network>, series: SeriesSpec) -> Flow {
        let sc = &net.scenario;
        let levels = net.levels;
        Flow {
            people: People::default(),
            sites: sc.sites.iter().map(|s| SiteState::new(s, levels)).collect(),
            legs: sc
                .legs
                .iter()
                .enumerate()
                .map(|(i, l)| LegState::new(l, levels, net.most_vehicles[i]))
                .collect(),
            checkpoints: sc.checkpoints.iter().map(|k| CheckpointState::new(k, levels)).collect(),
            pools: sc.pools.iter().map(PoolState::new).collect(),
            pool_scratch: Vec::with_capacity(8),
            cohorts: sc
                .cohorts
                .iter()
                .map(|c| CohortState::new(c, sc.categories.len(), levels))
                .collect(),
            categories: vec![CategoryState::default(); sc.categories.len()],
            wave_cursors: vec![vec![0; levels]; sc.cohorts.len()],
            wave_snapshots: vec![vec![0; levels]; sc.waves.len()],
            work: VecDeque::with_capacity(64),
            home: 0,
            home_level: Level::default(),
            evaded: 0,
            turned_away: 0,
            stats_since_hours: 0.0,
            home_before_statistics: 0,
            replication: 0,
            samples: Samples::new(series.points * series.sources.len()),
            next_sample: 0,
            next_sample_hours: 0.0,
            series,
            trace: None,
            pending_slots: 0,
            fruitless_since: None,
            stalled: false,
            net,
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
            Event::Slot { leg, .. } => chances(&self.legs[leg as usize]),
            _ => 0,
        };
        match event {
            Event::Release { cohort, count } => {
                for _ in 0..count {
                    self.release_one(sim, cohort as usize);
                }
            }
            Event::Arrival { cohort } => self.arrival(sim, cohort as usize),
            Event::WaveNotify { wave } => self.wave_notify(sim, wave as usize),
            Event::WaveReady { wave } => self.wave_ready(sim, wave as usize),
            Event::Evade { person } => self.evade(sim, person as usize),
            Event::StayEnd { person } => {
                if self.people.phase[person as usize] == Phase::Staying {
                    self.stay_end(sim, person as usize);
                }
            }
            Event::ServiceEnd { checkpoint, person } => self.service_end(sim, checkpoint, person as usize),
            Event::GiveUp { checkpoint, person } => self.patience_out(sim, checkpoint, person as usize),
            Event::Retry { checkpoint, person } => self.retry(sim, checkpoint, person as usize),
            Event::CheckinCloses { checkpoint } => self.checkin_closes(sim, checkpoint),
            Event::CheckpointOpens { checkpoint } => {
                let k = checkpoint as usize;
                self.checkpoints[k].open_scheduled = false;
                // A new quota period may begin while opening hours keep the checkpoint
                // closed (a daily quota at midnight, opening at 08:00): then it does
                // not open now, and the trace says so only when it does.
                let open = self.net.scenario.checkpoints[k].open.is_open(now)
                    && window_at(&self.checkpoints[k].closed, now).is_none();
                if open && !self.checkpoints[k].line.is_empty() {
                    self.note(
                        now,
                        TraceKind::CheckpointOpens,
                        TraceStage::Checkpoint(checkpoint),
                        None,
                        None,
                    );
                }
                self.push_serve(checkpoint);
            }
            Event::ApprovalReset { cohort } => self.approve_waiting(sim, cohort as usize),
            Event::VehicleArrives { leg, vehicle } => self.vehicle_arrives(sim, leg, vehicle),
            Event::VehicleBack { leg, vehicle } => {
                self.note(now, TraceKind::VehicleBack, TraceStage::Leg(leg), None, Some(vehicle));
                let st = &mut self.legs[leg as usize];
                if st.to_retire > 0 {
                    // Taken out of service, as a change asked, now that it is back.
                    st.to_retire -= 1;
                    st.retired.push(vehicle);
                } else {
                    st.idle.push(vehicle);
                    self.push_depart(leg);
                }
                // After the leg's own try: it competes for the units with the stages
                // waiting for them, by the pool's order.
                if !self.net.scenario.legs[leg as usize].needs.is_empty() {
                    self.give_units(Claimant::Leg(leg), false, now);
                }
            }
            Event::Slot {
                leg,
                generation,
                settled,
            } => self.slot(sim, leg, generation, settled),
            Event::Change { index } => self.change(sim, index as usize),
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
                self.note(now, TraceKind::LegReopens, TraceStage::Leg(leg), None, None);
                self.push_depart(leg);
            }
            Event::PoolOnDuty { pool } => self.pool_on_duty(pool),
            Event::WarmupEnd => self.restart_statistics(now),
        }
        self.drain(sim);
        let trips_after = match event {
            Event::Slot { leg, .. } => chances(&self.legs[leg as usize]),
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
    /// Everyone who will ever be released or notified is home, has evaded or was turned
    /// away.
    fn finished(&self) -> bool {
        self.home + self.evaded + self.turned_away == self.net.target
    }

    /// Adds to the cohorts' time use the stretches still under way at `end` (waiting,
    /// staying, travelling, in service), as the stretches that ended were added: the
    /// hours per member of each use then run until home, evasion or the end, as their
    /// description says, not only over what was finished (people stuck in a line at the
    /// horizon count).
    fn spend_open_stretches(&mut self, end: f64) {
        for p in 0..self.net.population as usize {
            let ready = self.people.ready_at[p];
            let entered = self.people.entered_at[p];
            let (what, from) = match self.people.phase[p] {
                Phase::Notified => (TimeUse::AwaitingPickup, self.people.released_at[p]),
                Phase::Done if self.people.flags[p] & flag::AWAITING_APPROVAL != 0 => {
                    (TimeUse::WaitingForApproval, ready)
                }
                Phase::Done => match self.waiting_for(p) {
                    Step::Leg(_) => (TimeUse::WaitingForTransport, ready),
                    Step::Site(_) => (TimeUse::WaitingForBed, ready),
                    _ => continue,
                },
                Phase::Queued | Phase::Retrying => (TimeUse::WaitingAtCheckpoint, ready),
                Phase::InService => (TimeUse::InCheckpoint, entered),
                Phase::Staying => (self.stay_use(p), entered),
                Phase::Travelling => (TimeUse::Travelling, entered),
                Phase::NotReleased | Phase::Home | Phase::Evaded | Phase::TurnedAway | Phase::AwaitingApproval => {
                    continue;
                }
            };
            self.spend(p, what, (end - from).max(0.0));
        }
    }

    /// Adds `hours` to the time use `what` of person `p`'s cohort.
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

    /// True unless person `x` has evaded (their entries in lines are skipped).
    #[inline]
    fn alive(phases: &[Phase]) -> impl Fn(u32) -> bool + '_ {
        move |x| phases[x as usize] != Phase::Evaded
    }

    /// The calendar period (of `period_hours`) containing `t`, counted from Monday 00:00.
    fn period(&self, t: f64, period_hours: f64) -> i64 {
        ((self.net.scenario.start_week_hours + t) / period_hours).floor() as i64
    }

    /// When period `index` begins, in simulated hours.
    fn period_start(&self, index: i64, period_hours: f64) -> f64 {
        index as f64 * period_hours - self.net.scenario.start_week_hours
    }

    fn push_admit(&mut self, s: u16) {
        let st = &mut self.sites[s as usize];
        if !st.admit_pending {
            st.admit_pending = true;
            self.work.push_back(Action::Admit(s));
        }
    }

    fn push_approve(&mut self, c: usize) {
        let st = &mut self.cohorts[c];
        if !st.approve_pending {
            st.approve_pending = true;
            self.work.push_back(Action::Approve(c as u16));
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
                Action::Approve(c) => {
                    self.cohorts[c as usize].approve_pending = false;
                    self.approve_in_order(sim, c as usize);
                }
                Action::Admit(s) => {
                    self.sites[s as usize].admit_pending = false;
                    self.admit_waiting(sim, s);
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
}
