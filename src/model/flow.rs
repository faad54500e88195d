//! People flowing along their routes: the event handler that moves them through sites,
//! legs and checkpoints. Built on the engine's clock and calendar; resources (beds,
//! seats, booths) are counters and FIFO queues driven by events.

use super::network::{Network, Step};
use super::result::{EndReason, ReplicationResult};
use super::state::*;
use super::timeseries::{SeriesSource, SeriesSpec, TraceKind, TraceRow, TraceStage};
use crate::engine::{self, Model, RunEnd, Simulation};
use crate::scenario::{Arrival, Departure, SiteKind};
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
    /// A person's stay at a site is over.
    StayEnd { person: u32 },
    /// A person's service at a checkpoint is over.
    ServiceEnd { checkpoint: u16, person: u32 },
    /// A closed checkpoint opens.
    CheckpointOpens { checkpoint: u16 },
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
    work: VecDeque<Action>,
    home: u32,
    last_home_hours: f64,
    stats_since_hours: f64,
    series: SeriesSpec,
    /// `series.points x series.sources.len()` counts, point-major.
    samples: Vec<u32>,
    next_sample: usize,
    /// Rows of the trace, when tracing.
    trace: Option<Vec<TraceRow>>,
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
        let sites = sc
            .sites
            .iter()
            .map(|s| SiteState {
                beds: s.beds.map(u64::from),
                no_stay: s.stay_hours.is_fixed() && s.stay_hours.mean() == 0.0,
                occupancy: Default::default(),
                stays: Default::default(),
                entry_queue: VecDeque::new(),
                entry_waiting: Default::default(),
                bed_waits: Default::default(),
                rng: dummy.clone(),
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
                queue: VecDeque::new(),
                waiting: Default::default(),
                waits: Default::default(),
                aboard: Default::default(),
                rides: Default::default(),
                trips: 0,
                passengers: 0,
                missed_departures: 0,
                travel_rng: dummy.clone(),
                return_rng: dummy.clone(),
                depart_pending: false,
                check_scheduled: false,
                timer_at: None,
            })
            .collect();
        let checkpoints = sc
            .checkpoints
            .iter()
            .map(|k| CheckpointState {
                servers: u64::from(k.servers),
                queue: VecDeque::new(),
                waiting: Default::default(),
                waits: Default::default(),
                busy: Default::default(),
                services: Default::default(),
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
                ..Default::default()
            })
            .collect();
        let flow = Flow {
            people: People::default(),
            sites,
            legs,
            checkpoints,
            cohorts,
            work: VecDeque::with_capacity(64),
            home: 0,
            last_home_hours: 0.0,
            stats_since_hours: 0.0,
            replication: 0,
            samples: vec![0; series.points * series.sources.len()],
            next_sample: 0,
            series,
            trace: None,
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
        let end = if self.flow.home == self.flow.net.population {
            RunEnd::Stopped
        } else {
            engine::run(&mut self.sim, &mut self.flow, horizon)
        };
        // Nothing changes after the end: the remaining grid points see the final state.
        self.flow.sample_until(f64::INFINITY);
        let reason = match end {
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
        f.last_home_hours = 0.0;
        f.stats_since_hours = 0.0;
        f.work.clear();
        f.next_sample = 0;
        f.people.ensure(net.population as usize);
        for (i, s) in f.sites.iter_mut().enumerate() {
            s.occupancy = Default::default();
            s.stays = Default::default();
            s.entry_queue.clear();
            s.entry_waiting = Default::default();
            s.bed_waits = Default::default();
            s.rng = engine::stream(seed, replication, net.keys.site_stay[i]);
            s.admit_pending = false;
        }
        for (i, l) in f.legs.iter_mut().enumerate() {
            l.idle.clear();
            l.idle.extend((0..l.load.len() as u32).rev());
            l.load.fill(0);
            l.queue.clear();
            l.waiting = Default::default();
            l.waits = Default::default();
            l.aboard = Default::default();
            l.rides = Default::default();
            l.trips = 0;
            l.passengers = 0;
            l.missed_departures = 0;
            l.travel_rng = engine::stream(seed, replication, net.keys.leg_travel[i]);
            l.return_rng = engine::stream(seed, replication, net.keys.leg_return[i]);
            l.depart_pending = false;
            l.check_scheduled = false;
            l.timer_at = None;
        }
        for (i, k) in f.checkpoints.iter_mut().enumerate() {
            k.queue.clear();
            k.waiting = Default::default();
            k.waits = Default::default();
            k.busy = Default::default();
            k.services = Default::default();
            k.rng = engine::stream(seed, replication, net.keys.checkpoint_service[i]);
            k.serve_pending = false;
            k.open_scheduled = false;
        }
        for (i, c) in f.cohorts.iter_mut().enumerate() {
            c.released = 0;
            c.home = 0;
            c.door_to_door.clear();
            c.time_use_hours = [0.0; 7];
            c.rng = Some(engine::stream(seed, replication, net.keys.cohort_arrival[i]));
        }
        // Initial events: arrivals, timetables.
        for (i, c) in sc.cohorts.iter().enumerate() {
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
        for (i, leg) in sc.legs.iter().enumerate() {
            if let Departure::Timetable(tt) = &leg.departure
                && let Some(t) = tt.next(0.0, true)
            {
                self.sim.schedule_at(t, Event::Slot { leg: i as u16 });
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
    pub home: u32,
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
            home: f.home,
            last_home_hours: f.last_home_hours,
            stats_since_hours: f.stats_since_hours,
        }
    }
}

impl Model<Event> for Flow {
    fn handle(&mut self, sim: &mut Simulation<Event>, event: Event) -> ControlFlow<()> {
        let now = sim.now_hours();
        self.sample_until(now);
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
                stay_site = Some(self.net.steps[self.people.pos[person as usize] as usize]);
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
            Event::StayEnd { person } => {
                let p = person as usize;
                self.note_stay_over(p, now);
                self.request_next(sim, p);
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
            Event::VehicleArrives { leg, vehicle } => self.vehicle_arrives(sim, leg, vehicle),
            Event::VehicleBack { leg, vehicle } => {
                self.legs[leg as usize].idle.push(vehicle);
                self.push_depart(leg);
            }
            Event::Slot { leg } => {
                let l = leg as usize;
                let st = &mut self.legs[l];
                if !st.queue.is_empty() && st.idle.is_empty() {
                    st.missed_departures += 1;
                }
                self.dispatch_all(sim, leg);
                if let Departure::Timetable(tt) = &self.net.scenario.legs[l].departure
                    && let Some(t) = tt.next(now, false)
                    && t <= self.net.scenario.horizon_hours
                {
                    sim.schedule_at(t, Event::Slot { leg });
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
            Event::WarmupEnd => self.restart_statistics(now),
        }
        self.drain(sim);
        if let Some(at) = row_at {
            self.trace_event(at, now, event, stay_site);
        }
        if self.home == self.net.population {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

impl Flow {
    /// Records every grid point strictly before `now` with the current counts.
    #[inline]
    fn sample_until(&mut self, now: f64) {
        while self.next_sample < self.series.points && self.series.time_hours(self.next_sample) < now {
            let width = self.series.sources.len();
            let base = self.next_sample * width;
            for (j, src) in self.series.sources.iter().enumerate() {
                self.samples[base + j] = match *src {
                    SeriesSource::Home => self.home,
                    SeriesSource::SiteOccupancy(s) => self.sites[s as usize].occupancy.value() as u32,
                    SeriesSource::SiteBedQueue(s) => self.sites[s as usize].entry_queue.len() as u32,
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
                let size = self.net.scenario.cohorts[c as usize].size;
                (
                    u64::from(size - self.cohorts[c as usize].released),
                    u64::from(self.cohorts[c as usize].home),
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
        let c = self.net.step_cohort[self.people.pos[p] as usize] as usize;
        self.cohorts[c].time_use_hours[what as usize] += hours;
    }

    fn release_one(&mut self, sim: &mut Simulation<Event>, c: usize) {
        let now = sim.now_hours();
        let cohort = &mut self.cohorts[c];
        let p = (self.net.cohort_first_person[c] + cohort.released) as usize;
        cohort.released += 1;
        let ppl = &mut self.people;
        ppl.pos[p] = self.net.cohort_first_step[c];
        ppl.phase[p] = Phase::Done;
        ppl.released_at[p] = now;
        ppl.entered_at[p] = now;
        ppl.ready_at[p] = now;
        if let Step::Origin(s) = self.net.steps[ppl.pos[p] as usize] {
            self.sites[s as usize].occupancy.up(now);
        }
        debug_assert!(matches!(self.net.steps[ppl.pos[p] as usize], Step::Origin(_)));
        self.request_next(sim, p);
    }

    /// A stay at a site ended: the person is ready to move on.
    fn note_stay_over(&mut self, p: usize, now: f64) {
        let stayed = now - self.people.entered_at[p];
        let use_ = match self.net.steps[self.people.pos[p] as usize] {
            Step::Site(s) if self.net.scenario.sites[s as usize].kind == SiteKind::Quarantine => TimeUse::InQuarantine,
            _ => TimeUse::AtAssembly,
        };
        self.spend(p, use_, stayed);
        self.people.phase[p] = Phase::Done;
        self.people.ready_at[p] = now;
    }

    /// Person `p` has finished their step: try to enter the next one.
    fn request_next(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        let next = self.net.steps[self.people.pos[p] as usize + 1];
        match next {
            Step::Home(_) => {
                self.leave(p, now);
                self.people.pos[p] += 1;
                self.people.phase[p] = Phase::Home;
                let c = self.net.step_cohort[self.people.pos[p] as usize] as usize;
                let cs = &mut self.cohorts[c];
                cs.home += 1;
                cs.door_to_door.push(now - self.people.released_at[p]);
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
                self.people.ready_at[p] = now; // joined the queue
                let st = &mut self.checkpoints[k as usize];
                st.queue.push_back(p as u32);
                st.waiting.up(now);
                self.push_serve(k);
            }
            Step::Leg(l) => {
                let st = &mut self.legs[l as usize];
                st.queue.push_back(p as u32);
                st.waiting.up(now);
                self.push_depart(l);
            }
            Step::Site(s) => {
                let st = &mut self.sites[s as usize];
                if st.has_free_bed() {
                    self.admit(sim, p, s);
                } else {
                    st.entry_queue.push_back(p as u32);
                    st.entry_waiting.up(now);
                }
            }
            Step::Origin(_) => unreachable!("routes never lead back to an origin"),
        }
    }

    /// Releases whatever person `p` holds at their current step.
    fn leave(&mut self, p: usize, now: f64) {
        match self.net.steps[self.people.pos[p] as usize] {
            Step::Origin(s) | Step::Site(s) => {
                let st = &mut self.sites[s as usize];
                st.occupancy.down(now);
                st.stays.record(now - self.people.entered_at[p]);
                if st.beds.is_some() && !st.entry_queue.is_empty() {
                    self.push_admit(s);
                }
            }
            Step::Leg(_) | Step::Checkpoint(_) | Step::Home(_) => {}
        }
    }

    /// Person `p`, ready at the step before site `s`, takes a bed there.
    fn admit(&mut self, sim: &mut Simulation<Event>, p: usize, s: u16) {
        let now = sim.now_hours();
        let waited = now - self.people.ready_at[p];
        self.sites[s as usize].bed_waits.record(waited);
        self.spend(p, TimeUse::WaitingForBed, waited);
        self.leave(p, now);
        self.people.pos[p] += 1;
        self.people.entered_at[p] = now;
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
                    loop {
                        let st = &mut self.sites[s as usize];
                        if st.beds.is_some_and(|b| st.occupancy.value() >= b) {
                            break;
                        }
                        let Some(p) = st.entry_queue.pop_front() else { break };
                        st.entry_waiting.down(sim.now_hours());
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

    fn serve(&mut self, sim: &mut Simulation<Event>, k: u16) {
        let now = sim.now_hours();
        let spec = &self.net.scenario.checkpoints[k as usize];
        let st = &mut self.checkpoints[k as usize];
        if st.queue.is_empty() {
            return;
        }
        if !spec.open.is_open(now) {
            if !st.open_scheduled
                && let Some(t) = spec.open.next_open(now)
            {
                st.open_scheduled = true;
                sim.schedule_at(t, Event::CheckpointOpens { checkpoint: k });
            }
            return;
        }
        while st.busy.value() < st.servers {
            let Some(p) = st.queue.pop_front() else { break };
            let p = p as usize;
            st.waiting.down(now);
            let waited = now - self.people.ready_at[p];
            st.waits.record(waited);
            let c = self.net.step_cohort[self.people.pos[p] as usize] as usize;
            self.cohorts[c].time_use_hours[TimeUse::WaitingAtCheckpoint as usize] += waited;
            st.busy.up(now);
            self.people.phase[p] = Phase::InService;
            self.people.entered_at[p] = now; // service start
            let service = spec.service_hours.sample(&mut st.rng);
            sim.schedule_in(
                service,
                Event::ServiceEnd {
                    checkpoint: k,
                    person: p as u32,
                },
            );
        }
    }

    fn try_depart(&mut self, sim: &mut Simulation<Event>, l: u16) {
        let now = sim.now_hours();
        match self.net.scenario.legs[l as usize].departure {
            Departure::WhenFull { max_wait_hours } => loop {
                let st = &self.legs[l as usize];
                let Some(&head) = st.queue.front() else { break };
                if st.idle.is_empty() {
                    break;
                }
                let seats = st.seats as usize;
                if st.queue.len() >= seats {
                    self.depart(sim, l, seats as u32);
                    continue;
                }
                let Some(mw) = max_wait_hours else { break };
                let due = self.people.ready_at[head as usize] + mw;
                if due <= now {
                    let n = st.queue.len() as u32;
                    self.depart(sim, l, n);
                    continue;
                }
                let st = &mut self.legs[l as usize];
                if st.timer_at.is_none_or(|t| t > due) {
                    st.timer_at = Some(due);
                    sim.schedule_at(due, Event::MaxWait { leg: l });
                }
                break;
            },
            Departure::WhenFullOrEmptyQueue => {
                let st = &mut self.legs[l as usize];
                if !st.queue.is_empty() && !st.idle.is_empty() && !st.check_scheduled {
                    st.check_scheduled = true;
                    sim.schedule_at(now, Event::DepartureCheck { leg: l });
                }
            }
            Departure::Timetable(_) => {}
        }
    }

    /// Every idle vehicle needed leaves now, each with up to `seats` of the people waiting.
    fn dispatch_all(&mut self, sim: &mut Simulation<Event>, l: u16) {
        loop {
            let st = &self.legs[l as usize];
            if st.idle.is_empty() || st.queue.is_empty() {
                break;
            }
            let n = st.queue.len().min(st.seats as usize) as u32;
            self.depart(sim, l, n);
        }
    }

    /// The first `n` people in the leg's queue board an idle vehicle, which leaves now.
    fn depart(&mut self, sim: &mut Simulation<Event>, l: u16, n: u32) {
        let now = sim.now_hours();
        let li = l as usize;
        let v = self.legs[li].idle.pop().expect("caller checked for an idle vehicle");
        let seats = self.legs[li].seats as usize;
        for k in 0..n as usize {
            let st = &mut self.legs[li];
            let p = st.queue.pop_front().expect("caller checked the queue") as usize;
            st.waiting.down(now);
            let waited = now - self.people.ready_at[p];
            st.waits.record(waited);
            st.aboard.up(now);
            st.manifest[v as usize * seats + k] = p as u32;
            self.spend(p, TimeUse::WaitingForTransport, waited);
            self.leave(p, now);
            self.people.pos[p] += 1;
            self.people.phase[p] = Phase::Travelling;
            self.people.entered_at[p] = now;
        }
        let st = &mut self.legs[li];
        st.load[v as usize] = n;
        st.trips += 1;
        st.passengers += u64::from(n);
        let travel = self.net.scenario.legs[li].travel_hours.sample(&mut st.travel_rng);
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
        }
        for l in &mut self.legs {
            l.waiting.restart(now);
            l.aboard.restart(now);
            l.waits = Default::default();
            l.rides = Default::default();
        }
        for k in &mut self.checkpoints {
            k.waiting.restart(now);
            k.busy.restart(now);
            k.waits = Default::default();
            k.services = Default::default();
        }
    }
}
