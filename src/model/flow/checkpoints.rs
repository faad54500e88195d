//! Checkpoints: one line feeding parallel booths, serving only while open (opening
//! hours, closed dates, closures and outbreaks) and within any quota.

use super::{Event, Flow, window_at};
use crate::engine::Simulation;
use crate::model::state::*;
use crate::model::timeseries::{TraceKind, TraceStage};

impl Flow {
    /// Person `p`'s service at checkpoint `k` is over: they move on, a booth frees up.
    pub(super) fn service_end(&mut self, sim: &mut Simulation<Event>, k: u16, p: usize) {
        let now = sim.now_hours();
        let st = &mut self.checkpoints[k as usize];
        st.busy.down(now);
        let served = now - self.people.entered_at[p];
        st.services.record(served);
        self.spend(p, TimeUse::InCheckpoint, served);
        self.note(now, TraceKind::ServiceEnd, TraceStage::Checkpoint(k), Some(p), None);
        self.people.phase[p] = Phase::Done;
        self.people.ready_at[p] = now;
        self.request_next(sim, p);
        self.push_serve(k);
        // After the checkpoint's own try: it competes for the unit with the stages
        // waiting for one, by the pool's order.
        if self.net.scenario.checkpoints[k as usize].staff_from.is_some() {
            self.give_units(Claimant::Checkpoint(k), false, now);
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

    /// Starts service for as many people in line as booths, quota and staff allow, or
    /// schedules the reopening if closed; records whether services wait for staff.
    pub(super) fn serve(&mut self, sim: &mut Simulation<Event>, k: u16) {
        let held = self.serve_line(sim, k);
        if self.net.scenario.checkpoints[k as usize].staff_from.is_some() {
            self.set_pool_wait(Claimant::Checkpoint(k), held, sim.now_hours());
        }
    }

    /// [`Flow::serve`]'s work; the pool of staff that held a service back, if any.
    fn serve_line(&mut self, sim: &mut Simulation<Event>, k: u16) -> Option<u16> {
        let now = sim.now_hours();
        let ki = k as usize;
        if self.checkpoints[ki].line.is_empty() {
            return None;
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
            return None;
        }
        let staffed = spec.staff_from.is_some();
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
            if staffed && let Some(pool) = self.pool_short(sim, Claimant::Checkpoint(k)) {
                // Nobody to serve (everyone in line slipped away) is not a wait for staff.
                let alive = Self::alive(&self.people.phase);
                let anyone = self.checkpoints[ki].line.fronts(alive).next().is_some();
                return anyone.then_some(pool);
            }
            let alive = Self::alive(&self.people.phase);
            let st = &mut self.checkpoints[ki];
            let Some(p) = st.line.pop(now, alive) else {
                break;
            };
            if staffed {
                self.take_units(Claimant::Checkpoint(k), now);
            }
            let st = &mut self.checkpoints[ki];
            let p = p as usize;
            st.quota_used.1 += 1;
            let waited = now - self.people.ready_at[p];
            // (Most checkpoints never have anyone retrying: no hashing for them.)
            let earlier = if st.earlier_hours.is_empty() {
                None
            } else {
                st.earlier_hours.remove(&(p as u32))
            };
            match earlier {
                Some(earlier) => st.line.got_through_after(now, waited, earlier),
                None => st.line.got_through(now, waited),
            }
            st.busy.up(now);
            let service = service_hours.sample(&mut st.rng);
            self.spend(p, TimeUse::WaitingAtCheckpoint, waited);
            self.people.phase[p] = Phase::InService;
            self.people.entered_at[p] = now; // service start
            self.note(now, TraceKind::ServiceStart, TraceStage::Checkpoint(k), Some(p), None);
            sim.schedule_in(
                service,
                Event::ServiceEnd {
                    checkpoint: k,
                    person: p as u32,
                },
            );
        }
        None
    }

    /// Person `p` joined the line of check-in checkpoint `k`: the end of the current (or
    /// next) window is scheduled, to count who misses it.
    pub(super) fn watch_checkin(&mut self, sim: &mut Simulation<Event>, k: u16, p: usize) {
        let now = sim.now_hours();
        let spec = &self.net.scenario.checkpoints[k as usize];
        let Some(c) = spec.checkin else {
            return;
        };
        // Arriving after the window of the next departure closed: that departure is
        // missed (counted); they wait for the next one's window.
        if let crate::scenario::Departure::Timetable(tt) = &self.net.scenario.legs[c.leg.0 as usize].departure
            && let Some(d) = tt.next(now, true)
            && d - now < c.closes_hours_before
            && !spec.open.is_open(now)
        {
            self.checkpoints[k as usize].missed_checkins += 1;
            self.note(now, TraceKind::CheckinMissed, TraceStage::Checkpoint(k), Some(p), None);
        }
        if !self.checkpoints[k as usize].close_scheduled {
            self.watch_checkin_after(sim, k, now);
        }
    }

    /// A check-in window closes: everyone still in line missed it (they wait for the
    /// next departure's window, counted).
    pub(super) fn checkin_closes(&mut self, sim: &mut Simulation<Event>, k: u16) {
        let now = sim.now_hours();
        let st = &mut self.checkpoints[k as usize];
        st.close_scheduled = false;
        let missed = st.line.len() as u64;
        if missed > 0 {
            st.missed_checkins += missed;
            // queue_after: the people who missed this window.
            self.note(now, TraceKind::CheckinMissed, TraceStage::Checkpoint(k), None, None);
            // From just after this close, so the next window's end is found.
            self.watch_checkin_after(sim, k, now + 1e-6);
        }
    }

    /// Schedules the end of the check-in window under way at `t`, or the next one.
    fn watch_checkin_after(&mut self, sim: &mut Simulation<Event>, k: u16, t: f64) {
        let spec = &self.net.scenario.checkpoints[k as usize];
        if let Some(close) = spec.open.next_close(t) {
            self.checkpoints[k as usize].close_scheduled = true;
            sim.schedule_at(close, Event::CheckinCloses { checkpoint: k });
        }
    }
}
