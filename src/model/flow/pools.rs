//! Pools: units (escort teams, drivers, screeners, vehicles) shared by legs and
//! checkpoints. A departure takes its units when it leaves and gives them back when the
//! vehicle arrives or is back; a service takes one when it starts and gives it back when
//! it ends. A stage that finds too few units free (or the pool off duty) waits for them:
//! it is recorded as held, and woken when units free up or the shift starts.
//!
//! Dispatch: a unit that frees up goes to the stage first in the pool's line: the lowest
//! `pool_priority` when the pool dispatches by priority, then the stage whose first
//! person has waited longest (first come, person by person), then legs before
//! checkpoints in file order. The stage giving units back tries first, then the stages
//! waiting, each against the line; no stage overtakes one ahead of it, even one that
//! needs more units than are free (a departure needing two escorts is not starved by
//! services needing one).

use super::{Event, Flow};
use crate::engine::Simulation;
use crate::model::state::{Claimant, LeftBehind, PoolWait};
use crate::model::timeseries::{TraceKind, TraceStage};
use std::sync::Arc;

impl Flow {
    /// When the person first in line at claimant `c` became ready (infinity if nobody
    /// waits there).
    fn head_ready(&mut self, c: Claimant) -> f64 {
        let phases = &self.people.phase;
        let ready = &self.people.ready_at;
        let line = match c {
            Claimant::Leg(l) => &mut self.legs[l as usize].boarding,
            Claimant::Checkpoint(k) => &mut self.checkpoints[k as usize].line,
        };
        line.fronts(Self::alive(phases))
            .map(|p| ready[p as usize])
            .min_by(f64::total_cmp)
            .unwrap_or(f64::INFINITY)
    }

    /// The place of `c` in the line of pool `p`: (priority when the pool dispatches by
    /// priority, when its first person became ready, stage order: legs, then
    /// checkpoints, in file order).
    fn pool_key(&mut self, p: u16, c: Claimant) -> (u32, f64, u32) {
        let sc = &self.net.scenario;
        let (priority, order) = match c {
            Claimant::Leg(l) => (sc.legs[l as usize].pool_priority, u32::from(l)),
            Claimant::Checkpoint(k) => (
                sc.checkpoints[k as usize].pool_priority,
                sc.legs.len() as u32 + u32::from(k),
            ),
        };
        let priority = if sc.pools[p as usize].by_priority { priority } else { 0 };
        (priority, self.head_ready(c), order)
    }

    /// True if a stage other than `c` waits for pool `p` ahead of it (a timetabled leg
    /// takes units only at its departure times, so it is never ahead in between).
    fn someone_ahead(&mut self, p: u16, c: Claimant) -> bool {
        let mine = self.pool_key(p, c);
        for i in 0..self.pools[p as usize].waiting.len() {
            let w = self.pools[p as usize].waiting[i];
            let timetabled = matches!(w, Claimant::Leg(l)
                if matches!(self.net.scenario.legs[l as usize].departure, crate::scenario::Departure::Timetable(_)));
            if w != c && !timetabled && self.pool_key(p, w).partial_cmp(&mine) == Some(std::cmp::Ordering::Less) {
                return true;
            }
        }
        false
    }

    /// The first pool that cannot give claimant `c` what one departure or service needs
    /// now (off duty, too few units free, or another stage ahead in its line); `None`
    /// if every pool can (or `c` needs none). Off duty, the start of the next shift is
    /// scheduled.
    pub(super) fn pool_short(&mut self, sim: &mut Simulation<Event>, c: Claimant) -> Option<u16> {
        if self.net.needs_of(c).is_empty() {
            return None; // most stages take nothing from a pool: no work on their path
        }
        let net = Arc::clone(&self.net);
        let now = sim.now_hours();
        for need in net.needs_of(c) {
            let p = need.pool.0;
            let duty = &net.scenario.pools[p as usize].on_duty;
            if !duty.is_open(now) {
                let st = &mut self.pools[p as usize];
                if !st.duty_scheduled
                    && let Some(t) = duty.next_open(now)
                {
                    st.duty_scheduled = true;
                    sim.schedule_at(t, Event::PoolOnDuty { pool: p });
                }
                return Some(p);
            }
            if self.pools[p as usize].free() < u64::from(need.units) || self.someone_ahead(p, c) {
                return Some(p);
            }
        }
        None
    }

    /// Claimant `c` takes the units of one departure or service (checked free by
    /// [`Flow::pool_short`]).
    pub(super) fn take_units(&mut self, c: Claimant, now: f64) {
        // This departure's or service's wait is over; the next one's starts now.
        self.set_pool_wait(c, None, now);
        let net = Arc::clone(&self.net);
        for need in net.needs_of(c) {
            let st = &mut self.pools[need.pool.0 as usize];
            let used = st.in_use.value() + u64::from(need.units);
            debug_assert!(used <= st.size, "more units taken than the pool has now");
            st.in_use.set(now, used);
        }
    }

    /// Claimant `c` gives back the units of one departure or service: those held for
    /// the outbound trip only (`outbound`) or the others; the pools' lines are woken.
    pub(super) fn give_units(&mut self, c: Claimant, outbound: bool, now: f64) {
        let net = Arc::clone(&self.net);
        for need in net.needs_of(c) {
            if need.outbound_only != outbound {
                continue;
            }
            let p = need.pool.0;
            let st = &mut self.pools[p as usize];
            let used = st.in_use.value() - u64::from(need.units);
            st.in_use.set(now, used);
            self.wake_pool(p);
        }
    }

    /// Units of pool `p` may be had: every stage waiting for them gets a try, in the
    /// pool's dispatch order (the first in line takes them; see [`Flow::pool_short`]).
    pub(super) fn wake_pool(&mut self, p: u16) {
        let n = self.pools[p as usize].waiting.len();
        let mut keyed = std::mem::take(&mut self.pool_scratch);
        keyed.clear();
        for i in 0..n {
            let c = self.pools[p as usize].waiting[i];
            keyed.push((self.pool_key(p, c), c));
        }
        keyed.sort_by(|a, b| a.0.partial_cmp(&b.0).expect("times are not NaN"));
        for &(_, c) in &keyed {
            match c {
                Claimant::Leg(l) => self.push_depart(l),
                Claimant::Checkpoint(k) => self.push_serve(k),
            }
        }
        self.pool_scratch = keyed;
    }

    /// The shift of pool `p` starts: the stages waiting for it get a try.
    pub(super) fn pool_on_duty(&mut self, p: u16) {
        self.pools[p as usize].duty_scheduled = false;
        self.wake_pool(p);
    }

    /// The length integral of the line at claimant `c` (people waiting to board, or in
    /// line), up to `now`.
    fn line_integral(&self, c: Claimant, now: f64) -> f64 {
        match c {
            Claimant::Leg(l) => self.legs[l as usize].boarding.length(now).integral,
            Claimant::Checkpoint(k) => self.checkpoints[k as usize].line.length(now).integral,
        }
    }

    fn wait_of(&mut self, c: Claimant) -> &mut Option<PoolWait> {
        match c {
            Claimant::Leg(l) => &mut self.legs[l as usize].pool_wait,
            Claimant::Checkpoint(k) => &mut self.checkpoints[k as usize].pool_wait,
        }
    }

    /// Claimant `c` is now held for pool `held` (or for none): a wait starts, ends, or
    /// goes on. An ended wait adds its hours and person-hours to the pool, and lets the
    /// stages behind it try.
    pub(super) fn set_pool_wait(&mut self, c: Claimant, held: Option<u16>, now: f64) {
        let current = *self.wait_of(c);
        if current.map(|w| w.pool) == held {
            return;
        }
        if let Some(w) = current {
            let person_hours = w.person_hours(self.line_integral(c, now), now);
            let st = &mut self.pools[w.pool as usize];
            st.held_hours += now - w.since;
            st.person_hours += person_hours;
            st.waiting.retain(|&x| x != c);
            match c {
                Claimant::Leg(l) => self.legs[l as usize].pool_person_hours += person_hours,
                Claimant::Checkpoint(k) => self.checkpoints[k as usize].pool_person_hours += person_hours,
            }
            *self.wait_of(c) = None;
            if self.pools[w.pool as usize].free() > 0 {
                self.wake_pool(w.pool);
            }
        }
        if let Some(p) = held {
            let line_integral = self.line_integral(c, now);
            *self.wait_of(c) = Some(PoolWait {
                pool: p,
                since: now,
                line_integral,
                left_behind: None,
            });
            self.pools[p as usize].waiting.push(c);
            self.note_pool(now, TraceKind::HeldForPool, c, p);
        }
    }

    /// Timetabled leg `l`, held for units at its departure time `now`: the people it
    /// leaves behind are held until the next, as many as its idle vehicles (held back)
    /// could have taken; the rest wait for lack of seats, not of units.
    pub(super) fn left_behind_for_units(&mut self, l: u16, now: f64) {
        let st = &self.legs[l as usize];
        let present = st.boarding.len() as u32;
        let held_seats = (st.idle.len() as u64 * u64::from(st.seats)).min(self.reservable(l as usize));
        let seats = u32::try_from(held_seats).unwrap_or(u32::MAX);
        if let Some(w) = &mut self.legs[l as usize].pool_wait {
            let mut lb = w.left_behind.unwrap_or(LeftBehind {
                at: now,
                present: 0,
                seats: 0,
                person_hours: 0.0,
                since: now,
            });
            lb.settle(now);
            lb.at = now;
            lb.present = present;
            lb.seats = seats;
            w.left_behind = Some(lb);
        }
    }

    /// Person `p`, who became ready at `ready_hours`, left leg `l`'s line without
    /// boarding: one fewer held for units, if a departure time left them behind.
    pub(super) fn left_behind_leaves(&mut self, l: u16, ready_hours: f64, now: f64) {
        if let Some(w) = &mut self.legs[l as usize].pool_wait
            && let Some(lb) = &mut w.left_behind
            && ready_hours <= lb.at
            && lb.present > 0
        {
            lb.settle(now);
            lb.present -= 1;
        }
    }

    /// Adds a row about claimant `c` and pool `p` to the trace, when tracing: the people
    /// waiting at `c`, and the units of `p` in use.
    pub(super) fn note_pool(&mut self, now: f64, kind: TraceKind, c: Claimant, p: u16) {
        if self.trace.is_none() {
            return;
        }
        let (stage, waiting) = match c {
            Claimant::Leg(l) => (TraceStage::Leg(l), self.legs[l as usize].boarding.len()),
            Claimant::Checkpoint(k) => (TraceStage::Checkpoint(k), self.checkpoints[k as usize].line.len()),
        };
        let in_use = self.pools[p as usize].in_use.value();
        self.push_row(now, kind, stage, None, None, waiting as u64, in_use);
    }

    /// The statistics restart at `now` (warm-up): waits under way count from here.
    pub(super) fn restart_pool_waits(&mut self, now: f64) {
        for w in self
            .legs
            .iter_mut()
            .filter_map(|l| l.pool_wait.as_mut())
            .chain(self.checkpoints.iter_mut().filter_map(|k| k.pool_wait.as_mut()))
        {
            w.since = now;
            w.line_integral = 0.0;
            if let Some(lb) = &mut w.left_behind {
                lb.person_hours = 0.0;
                lb.since = now;
            }
        }
    }
}
