//! People entering the return: released by an arrival process or notified by a wave,
//! held by approval quotas at their origin, and slipping away before escort.

use super::{Event, Flow, exp_draw};
use crate::engine::Simulation;
use crate::model::network::Step;
use crate::model::state::*;
use crate::model::timeseries::{TraceKind, TraceStage};
use crate::scenario::{Arrival, Quota};
use rand::RngExt;

impl Flow {
    /// The next arrival time of cohort `c` after `now` (random processes draw here).
    pub(super) fn next_arrival_time(&mut self, c: usize, now: f64) -> f64 {
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

    /// One person of cohort `c` arrives; the next arrival is scheduled.
    pub(super) fn arrival(&mut self, sim: &mut Simulation<Event>, c: usize) {
        let now = sim.now_hours();
        self.release_one(sim, c);
        if self.cohorts[c].released < self.net.scenario.cohorts[c].size {
            let t = self.next_arrival_time(c, now);
            sim.schedule_at(t, Event::Arrival { cohort: c as u16 });
        }
    }

    /// Wave `w` notifies its people; they will be ready after its lead time.
    pub(super) fn wave_notify(&mut self, sim: &mut Simulation<Event>, w: usize) {
        let c = self.net.scenario.waves[w].cohort.0 as usize;
        let n = self.net.wave_sizes[w];
        self.wave_snapshots[w].copy_from_slice(&self.wave_cursors[c]);
        let mut cursors = std::mem::take(&mut self.wave_cursors[c]);
        self.select_by_priority(c, &mut cursors, n, |flow, p| flow.notify(sim, p));
        self.wave_cursors[c] = cursors;
        let lead = self.net.scenario.waves[w].lead_hours;
        sim.schedule_in(lead, Event::WaveReady { wave: w as u16 });
    }

    /// The people of wave `w` who are still there become ready for pickup.
    pub(super) fn wave_ready(&mut self, sim: &mut Simulation<Event>, w: usize) {
        let now = sim.now_hours();
        let c = self.net.scenario.waves[w].cohort.0 as usize;
        let mut cursors = std::mem::take(&mut self.wave_snapshots[w]);
        self.select_by_priority(c, &mut cursors, self.net.wave_sizes[w], |flow, p| {
            if flow.people.phase[p] == Phase::Notified {
                flow.spend(p, TimeUse::AwaitingPickup, now - flow.people.released_at[p]);
                flow.people.phase[p] = Phase::Done;
                flow.people.ready_at[p] = now;
                flow.cohorts[c].awaiting_pickup -= 1;
                // Asked in the approval line (if any) before the row, so that its
                // queue_after counts them.
                let approved = flow.approved(p);
                flow.note(now, TraceKind::Ready, flow.cohort_stage(p), Some(p), None);
                if approved {
                    flow.enter_next(sim, p);
                }
            }
        });
        self.wave_snapshots[w] = cursors;
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
        let mut v = self.net.person_variant[p] as usize;
        let alternatives = &self.net.branch_alternatives[v];
        if !alternatives.is_empty() {
            // Which branches this person takes: a draw of their own, so a plan that
            // changes anything else sends the same people the same way.
            let c = self.net.variants[v].cohort as usize;
            let key = self.net.keys.cohort_branch[c];
            let u = crate::engine::uniform_for(self.net.scenario.seed, self.replication, key, p as u64);
            v = alternatives
                .iter()
                .find(|(cum, _)| u < *cum)
                .map_or(alternatives[alternatives.len() - 1].1, |a| a.1) as usize;
        }
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

    /// The next person of cohort `c` is released at their origin, ready to go.
    pub(super) fn release_one(&mut self, sim: &mut Simulation<Event>, c: usize) {
        let now = sim.now_hours();
        let k = self.cohorts[c].released;
        self.cohorts[c].released += 1;
        let p = (self.net.cohort_first_person[c] + k) as usize;
        self.enter_origin(p, now);
        self.people.phase[p] = Phase::Done;
        // Asked in the approval line (if any) before the row, so that its queue_after
        // counts them.
        let approved = self.approved(p);
        self.note(now, TraceKind::Release, TraceStage::Cohort(c as u16), Some(p), None);
        if approved {
            self.enter_next(sim, p);
        }
    }

    /// Person `p` is told to get ready; from now until they board an escorted leg they
    /// may slip away at their variant's hazard.
    fn notify(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        self.enter_origin(p, now);
        self.people.phase[p] = Phase::Notified;
        let cohort = &mut self.cohorts[self.net.step_cohort(self.people.pos[p])];
        cohort.released += 1;
        cohort.awaiting_pickup += 1;
        self.note(now, TraceKind::Notify, self.cohort_stage(p), Some(p), None);
        self.schedule_evasion(sim, p);
    }

    /// Draws when person `p` would slip away (the hazard is memoryless) and schedules it
    /// if it falls within the horizon.
    fn schedule_evasion(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let rate = self.net.variant_of(self.people.pos[p]).evasion_per_hour;
        if rate > 0.0 {
            let c = self.net.step_cohort(self.people.pos[p]);
            let rng = self.cohorts[c].evasion_rng.as_mut().expect("set at reset");
            let t = sim.now_hours() + exp_draw(rng, rate);
            if t <= self.net.scenario.horizon_hours {
                sim.schedule_at(t, Event::Evade { person: p as u32 });
            }
        }
    }

    /// Person `p` slips away, if they still can: out of whatever line they are in, and
    /// out of whatever bed they hold.
    pub(super) fn evade(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        let phase = self.people.phase[p];
        let flags = self.people.flags[p];
        if matches!(
            phase,
            Phase::Home | Phase::Evaded | Phase::TurnedAway | Phase::NotReleased
        ) || flags & flag::ESCORTED != 0
        {
            return;
        }
        if matches!(phase, Phase::InService | Phase::Travelling) {
            // Not while being served or on the move: draw the remaining time afresh.
            self.schedule_evasion(sim, p);
            return;
        }
        let pos = self.people.pos[p] as usize;
        let waited = now - self.people.ready_at[p];
        let stage = if self.trace.is_some() {
            self.evading_from(p)
        } else {
            TraceStage::None
        };
        match phase {
            Phase::Notified => {
                self.cohorts[self.net.step_cohort(pos as u32)].awaiting_pickup -= 1;
                self.spend(p, TimeUse::AwaitingPickup, now - self.people.released_at[p]);
            }
            Phase::Done if flags & flag::AWAITING_APPROVAL != 0 => {
                let c = self.net.step_cohort(pos as u32);
                // Their wait counts in the cohort's person-hours of waiting for
                // approval, as a leg's line counts those who left it; the mean wait
                // stays that of the people approved.
                let cohort = &mut self.cohorts[c];
                cohort.approval_queue.remove_one();
                cohort.approval_person_hours += waited.min(now - self.stats_since_hours);
                self.spend(p, TimeUse::WaitingForApproval, waited);
            }
            Phase::Done => match self.waiting_for(p) {
                Step::Leg(l) => {
                    self.legs[l as usize].boarding.abandon(now, waited);
                    self.left_behind_leaves(l, self.people.ready_at[p], now);
                    self.settle_bed_wait(l as usize, now);
                    self.spend(p, TimeUse::WaitingForTransport, waited);
                }
                Step::Site(s) => {
                    self.sites[s as usize].entry.abandon(now, waited);
                    self.holding_down(p, now);
                    self.spend(p, TimeUse::WaitingForBed, waited);
                }
                _ => {}
            },
            Phase::Queued => {
                if let Step::Checkpoint(k) = self.net.steps[pos] {
                    let st = &mut self.checkpoints[k as usize];
                    st.line.abandon(now, waited);
                    st.earlier_hours.remove(&(p as u32));
                }
                self.spend(p, TimeUse::WaitingAtCheckpoint, waited);
            }
            Phase::Staying => {
                let stayed = now - self.people.entered_at[p];
                self.spend(p, self.stay_use(p), stayed);
            }
            Phase::Retrying => {
                if let Step::Checkpoint(k) = self.net.steps[pos] {
                    self.checkpoints[k as usize].earlier_hours.remove(&(p as u32));
                }
                self.spend(p, TimeUse::WaitingAtCheckpoint, waited);
            }
            _ => {}
        }
        self.give_back_promises(p, now);
        self.leave(p, now);
        self.people.phase[p] = Phase::Evaded;
        let v = self.net.variant_of(pos as u32);
        let (c, cat) = (v.cohort as usize, v.category as usize);
        self.cohorts[c].evaded[cat] += 1;
        self.categories[cat].evaded += 1;
        self.evaded += 1;
        self.note(now, TraceKind::Evade, stage, Some(p), None);
    }

    /// Where person `p` is as they slip away, for their trace row: the cohort (awaiting
    /// pickup or approval at the origin), the line they wait in (a leg's, a site's beds,
    /// a checkpoint's, or away from it to come back), or the site they stay at.
    fn evading_from(&self, p: usize) -> TraceStage {
        let step = match self.people.phase[p] {
            Phase::Done if self.people.flags[p] & flag::AWAITING_APPROVAL == 0 => self.waiting_for(p),
            Phase::Queued | Phase::Retrying => self.net.steps[self.people.pos[p] as usize],
            Phase::Staying => self.current_site_step(p),
            _ => return self.cohort_stage(p),
        };
        match step {
            Step::Leg(l) => TraceStage::Leg(l),
            Step::Site(s) | Step::Origin(s) => TraceStage::Site(s),
            Step::Checkpoint(k) => TraceStage::Checkpoint(k),
            _ => self.cohort_stage(p),
        }
    }

    /// Gives back what person `p` was promised on the way (a bed ahead, a seat on a trunk
    /// leg), when they leave the return.
    pub(super) fn give_back_promises(&mut self, p: usize, now: f64) {
        let pos = self.people.pos[p] as usize;
        if self.people.flags[p] & flag::RESERVED != 0 {
            // A bed promised on the way (an unescorted reserving leg) is given back.
            self.people.flags[p] &= !flag::RESERVED;
            if let Some(t) = self.net.bed_site_ahead(pos as u32) {
                self.sites[t as usize].reserved -= 1;
                self.sites[t as usize].claims_changed(now);
                self.bed_freed(t);
            }
        }
        if self.people.flags[p] & flag::SEAT_PROMISED != 0 {
            // A seat promised on the trunk ahead is given back.
            self.people.flags[p] &= !flag::SEAT_PROMISED;
            if let Some(t) = self.net.trunk_ahead(pos as u32) {
                self.legs[t as usize].seats_promised -= 1;
                self.wake_feeders(t);
            }
        }
    }

    /// Takes one of the cohort's approvals for the period containing `now`, if any is left.
    pub(super) fn take_approval(&mut self, c: usize, q: Quota, now: f64) -> bool {
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

    /// Schedules the start of the next approval period of cohort `c`, once.
    pub(super) fn schedule_approval_reset(&mut self, sim: &mut Simulation<Event>, c: usize, q: Quota) {
        if !self.cohorts[c].approval_reset_scheduled {
            self.cohorts[c].approval_reset_scheduled = true;
            let next = self.period_start(self.period(sim.now_hours(), q.period_hours) + 1, q.period_hours);
            sim.schedule_at(next, Event::ApprovalReset { cohort: c as u16 });
        }
    }

    /// A new approval period: approve whoever waits, up to the quota.
    pub(super) fn approve_waiting(&mut self, sim: &mut Simulation<Event>, c: usize) {
        self.cohorts[c].approval_reset_scheduled = false;
        self.approve_in_order(sim, c);
    }

    /// Approves the people waiting in cohort `c`'s approval line, by priority, while
    /// the current period has approvals left; those still waiting wait for the next
    /// period.
    pub(super) fn approve_in_order(&mut self, sim: &mut Simulation<Event>, c: usize) {
        let now = sim.now_hours();
        let Some(q) = self.net.scenario.cohorts[c].approvals else {
            return;
        };
        while !self.cohorts[c].approval_queue.is_empty() {
            if !self.take_approval(c, q, now) {
                break;
            }
            let alive = Self::alive(&self.people.phase);
            let Some((p, _)) = self.cohorts[c].approval_queue.pop(alive) else {
                break;
            };
            let p = p as usize;
            let waited = now - self.people.ready_at[p];
            self.cohorts[c].approval_waits.record(waited);
            self.cohorts[c].approval_person_hours += waited.min(now - self.stats_since_hours);
            self.spend(p, TimeUse::WaitingForApproval, waited);
            let ppl = &mut self.people;
            ppl.flags[p] = (ppl.flags[p] & !flag::AWAITING_APPROVAL) | flag::APPROVED;
            ppl.ready_at[p] = now;
            self.note(now, TraceKind::Approved, TraceStage::Cohort(c as u16), Some(p), None);
            self.request_next(sim, p);
        }
        if !self.cohorts[c].approval_queue.is_empty() {
            self.schedule_approval_reset(sim, c, q);
        }
    }
}
