//! The one place that decides where a person goes when they finish a step: the next
//! stage of their route (or their isolation site after a positive test), entered at
//! once or waited for. New routing policies (branching, rerouting, check-in windows)
//! belong here.

use super::{Event, Flow};
use crate::engine::Simulation;
use crate::model::network::Step;
use crate::model::state::*;
use crate::model::timeseries::{TraceKind, TraceStage};

impl Flow {
    /// The step person `p`, done with their current one, goes to next.
    #[inline]
    pub(super) fn waiting_for(&self, p: usize) -> Step {
        let pos = self.people.pos[p] as usize;
        match self.net.steps[pos] {
            Step::Site(s) if self.people.flags[p] & flag::TO_ISOLATION != 0 => {
                Step::Site(self.isolation_site(s).unwrap_or(s))
            }
            _ => self.net.steps[pos + 1],
        }
    }

    /// Person `p` has finished their step: pass the origin's approval quota, then enter
    /// the next step or wait for it.
    pub(super) fn request_next(&mut self, sim: &mut Simulation<Event>, p: usize) {
        if self.approved(p) {
            self.enter_next(sim, p);
        }
    }

    /// Person `p`, approved (or needing no approval), enters their next step or waits
    /// for it.
    pub(super) fn enter_next(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        match self.net.steps[self.people.pos[p] as usize + 1] {
            Step::Home(h) => self.arrive_home(p, h, now),
            Step::Checkpoint(k) => {
                self.leave(p, now);
                self.people.pos[p] += 1;
                self.join_checkpoint(sim, p, k, now);
            }
            Step::Leg(l) => {
                if self.people.flags[p] & flag::SEAT_PROMISED != 0 && !self.net.feeders[l as usize].is_empty() {
                    // The promised seat becomes a place in the trunk's line.
                    self.people.flags[p] &= !flag::SEAT_PROMISED;
                    self.legs[l as usize].seats_promised -= 1;
                }
                let level = self.level(p);
                self.legs[l as usize].boarding.join(p as u32, level, now);
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

    /// At the origin of a cohort with an approval quota: true once `p` is approved;
    /// otherwise `p` joins the approval line, which is served by priority at the end of
    /// this event while the period's approvals last, and at each new period after.
    pub(super) fn approved(&mut self, p: usize) -> bool {
        let pos = self.people.pos[p] as usize;
        if !matches!(self.net.steps[pos], Step::Origin(_)) || self.people.flags[p] & flag::APPROVED != 0 {
            return true;
        }
        let c = self.net.step_cohort(pos as u32);
        if self.net.scenario.cohorts[c].approvals.is_none() {
            return true;
        }
        // Everyone asks in line; the approvals left in this period go at the end of
        // the event, by priority, so people released together (a batch) are approved
        // by priority, not in the order they were released.
        let level = self.level(p);
        self.cohorts[c].approval_queue.push(p as u32, level);
        self.people.flags[p] |= flag::AWAITING_APPROVAL;
        self.push_approve(c);
        false
    }

    /// Person `p` reaches home (site `h`): their journey's figures are recorded.
    fn arrive_home(&mut self, p: usize, h: u16, now: f64) {
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
        self.sites[h as usize].home += 1;
        self.home_level.up(now);
        self.note(now, TraceKind::Home, TraceStage::Site(h), Some(p), None);
    }

    /// Person `p` joins the line for a bed at site `s`, in order of their priority level.
    pub(super) fn wait_at_door(&mut self, p: usize, s: u16, now: f64) {
        let level = self.level(p);
        self.sites[s as usize].entry.join(p as u32, level, now);
    }

    /// Person `p`, off a leg or through a checkpoint, starts waiting there for a bed.
    pub(super) fn holding_up(&mut self, p: usize, now: f64) {
        let step = self.net.steps[self.people.pos[p] as usize];
        debug_assert!(
            !matches!(step, Step::Leg(_) | Step::Checkpoint(_)) || self.net.holds_for_beds(step),
            "held for a bed after {step:?}, which has no holding metric"
        );
        match step {
            Step::Leg(l) => self.legs[l as usize].holding.up(now),
            Step::Checkpoint(k) => self.checkpoints[k as usize].holding.up(now),
            _ => {}
        }
    }

    /// Person `p` stops waiting for a bed after a leg or checkpoint.
    pub(super) fn holding_down(&mut self, p: usize, now: f64) {
        match self.net.steps[self.people.pos[p] as usize] {
            Step::Leg(l) => self.legs[l as usize].holding.down(now),
            Step::Checkpoint(k) => self.checkpoints[k as usize].holding.down(now),
            _ => {}
        }
    }
}
