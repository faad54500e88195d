//! Limited patience and limited room at checkpoints: a person joining a line draws how
//! long they will wait; one whose patience runs out before service starts, or who finds
//! the line full, gives up. Then, as the checkpoint says, they leave the return (turned
//! away, a final state like home or evaded) or step away and come back later (retry),
//! keeping their place in the route but not in the line.
//!
//! While a person is in a line with patience, `entered_at` holds the time their patience
//! runs out (it becomes the service start when served), so a `GiveUp` event is current
//! only if the person is still queued here with that deadline.

use super::{Event, Flow};
use crate::engine::Simulation;
use crate::model::Step;
use crate::model::state::*;
use crate::model::timeseries::{TraceKind, TraceStage};
use crate::scenario::GiveUp;

impl Flow {
    /// Person `p`, at checkpoint step `k` (their position), joins its line at `now`, or
    /// gives up at once when the line is full.
    pub(super) fn join_checkpoint(&mut self, sim: &mut Simulation<Event>, p: usize, k: u16, now: f64) {
        let spec = &self.net.scenario.checkpoints[k as usize];
        let (by_priority, max_line, patience) = (spec.by_priority, spec.max_line, spec.patience_hours);
        self.people.phase[p] = Phase::Queued;
        self.people.ready_at[p] = now; // joined the line
        let level = if by_priority { self.level(p) } else { 0 };
        self.checkpoints[k as usize].line.join(p as u32, level, now);
        if let Some(room) = max_line {
            // Booths free at this instant take people first: only those left waiting
            // count against the room (as for the peak line length).
            self.serve(sim, k);
            let st = &mut self.checkpoints[k as usize];
            if self.people.phase[p] == Phase::Queued && st.line.len() > room as usize {
                st.line.give_up(p as u32, now, 0.0);
                st.balked += 1;
                self.note(now, TraceKind::LineFull, TraceStage::Checkpoint(k), Some(p), None);
                self.after_giving_up(sim, p, k, now, 0.0);
                return;
            }
        }
        if let Some(patience) = patience
            && self.people.phase[p] == Phase::Queued
        {
            let deadline = now + patience.sample(&mut self.checkpoints[k as usize].patience_rng);
            self.people.entered_at[p] = deadline;
            if deadline <= self.net.scenario.horizon_hours {
                sim.schedule_at(
                    deadline,
                    Event::GiveUp {
                        checkpoint: k,
                        person: p as u32,
                    },
                );
            }
        }
        self.watch_checkin(sim, k, p);
        self.push_serve(k);
    }

    /// Person `p`'s patience at checkpoint `k` may have run out.
    pub(super) fn patience_out(&mut self, sim: &mut Simulation<Event>, k: u16, p: usize) {
        let now = sim.now_hours();
        let here = matches!(self.net.steps[self.people.pos[p] as usize], Step::Checkpoint(x) if x == k);
        if !(here && self.people.phase[p] == Phase::Queued && self.people.entered_at[p] == now) {
            return; // served, evaded, or a deadline of an earlier visit
        }
        let waited = now - self.people.ready_at[p];
        let st = &mut self.checkpoints[k as usize];
        st.line.give_up(p as u32, now, waited);
        st.gave_up += 1;
        self.spend(p, TimeUse::WaitingAtCheckpoint, waited);
        self.note(now, TraceKind::GiveUp, TraceStage::Checkpoint(k), Some(p), None);
        self.after_giving_up(sim, p, k, now, waited);
    }

    /// Person `p` left checkpoint `k`'s line after waiting `waited` hours (or never got
    /// in): turned away, or away until they retry.
    fn after_giving_up(&mut self, sim: &mut Simulation<Event>, p: usize, k: u16, now: f64, waited: f64) {
        match self.net.scenario.checkpoints[k as usize].give_up {
            GiveUp::Retry(after) => {
                *self.checkpoints[k as usize]
                    .earlier_hours
                    .entry(p as u32)
                    .or_insert(0.0) += waited;
                self.people.phase[p] = Phase::Retrying;
                self.people.ready_at[p] = now; // away since
                let back = now + after.sample(&mut self.checkpoints[k as usize].retry_rng);
                if back <= self.net.scenario.horizon_hours {
                    sim.schedule_at(
                        back,
                        Event::Retry {
                            checkpoint: k,
                            person: p as u32,
                        },
                    );
                }
            }
            GiveUp::TurnedAway => {
                self.give_back_promises(p, now);
                self.people.phase[p] = Phase::TurnedAway;
                self.checkpoints[k as usize].turned_away += 1;
                let c = self.net.step_cohort(self.people.pos[p]);
                self.cohorts[c].turned_away += 1;
                self.turned_away += 1;
                self.note(now, TraceKind::TurnedAway, TraceStage::Checkpoint(k), Some(p), None);
            }
        }
    }

    /// Person `p` comes back to checkpoint `k` after giving up, if still waiting to.
    pub(super) fn retry(&mut self, sim: &mut Simulation<Event>, k: u16, p: usize) {
        if self.people.phase[p] != Phase::Retrying {
            return; // evaded meanwhile
        }
        let now = sim.now_hours();
        let away = now - self.people.ready_at[p];
        *self.checkpoints[k as usize]
            .earlier_hours
            .entry(p as u32)
            .or_insert(0.0) += away;
        self.spend(p, TimeUse::WaitingAtCheckpoint, away);
        let counted = now - self.people.ready_at[p].max(self.stats_since_hours);
        self.checkpoints[k as usize].away_hours += counted.max(0.0);
        self.note(now, TraceKind::Retry, TraceStage::Checkpoint(k), Some(p), None);
        self.join_checkpoint(sim, p, k, now);
    }
}
