//! Sites: beds taken and freed, the line at the door, stays and the test at the end of
//! a stay (a longer stay, or a move to an isolation site).

use super::{Event, Flow};
use crate::engine::Simulation;
use crate::model::network::Step;
use crate::model::state::*;
use crate::model::timeseries::{TraceKind, TraceStage};
use crate::scenario::{OnPositive, SiteKind};
use rand::RngExt;

impl Flow {
    /// The site step a staying person occupies (their isolation site while isolating).
    pub(super) fn current_site_step(&self, p: usize) -> Step {
        let step = self.net.steps[self.people.pos[p] as usize];
        match step {
            Step::Site(s) if self.people.flags[p] & flag::ISOLATING != 0 => {
                Step::Site(self.isolation_site(s).unwrap_or(s))
            }
            other => other,
        }
    }

    /// Where positives of site `s` are isolated, if they are.
    pub(super) fn isolation_site(&self, s: u16) -> Option<u16> {
        match &self.net.scenario.sites[s as usize].testing {
            Some(t) => match t.on_positive {
                OnPositive::Isolate(iso) => Some(iso.0),
                OnPositive::Extend(_) => None,
            },
            None => None,
        }
    }

    /// Releases whatever person `p` holds at their current step.
    pub(super) fn leave(&mut self, p: usize, now: f64) {
        let s = match self.current_site_step(p) {
            Step::Origin(s) | Step::Site(s) => s,
            _ => return,
        };
        self.people.flags[p] &= !flag::ISOLATING;
        let st = &mut self.sites[s as usize];
        st.occupancy.down(now);
        st.claims_changed(now);
        st.stays.record(now - self.people.entered_at[p]);
        if st.beds.is_some() {
            self.bed_freed(s);
        }
    }

    /// A bed at bed-limited site `s` came free: the people waiting at its door go first,
    /// then the legs that reserve beds there may leave.
    pub(super) fn bed_freed(&mut self, s: u16) {
        if !self.sites[s as usize].entry.is_empty() {
            self.push_admit(s);
        }
        for i in 0..self.net.reserving_legs[s as usize].len() {
            self.push_depart(self.net.reserving_legs[s as usize][i]);
        }
    }

    /// Admits people waiting at the door of site `s` while beds are unclaimed.
    pub(super) fn admit_waiting(&mut self, sim: &mut Simulation<Event>, s: u16) {
        let now = sim.now_hours();
        while self.sites[s as usize].unclaimed_beds() > 0 {
            let alive = Self::alive(&self.people.phase);
            let Some(p) = self.sites[s as usize].entry.pop(now, alive) else {
                break;
            };
            self.holding_down(p as usize, now);
            self.admit(sim, p as usize, s);
        }
    }

    /// Person `p`, ready at the step before site `s` (or positive and bound for its
    /// isolation site), takes a bed there.
    pub(super) fn admit(&mut self, sim: &mut Simulation<Event>, p: usize, s: u16) {
        if self.people.flags[p] & flag::TO_ISOLATION != 0 {
            return self.move_to_isolation(sim, p, s);
        }
        let now = sim.now_hours();
        let waited = now - self.people.ready_at[p];
        self.sites[s as usize].entry.got_through(now, waited);
        self.spend(p, TimeUse::WaitingForBed, waited);
        if self.people.flags[p] & flag::RESERVED != 0 && self.sites[s as usize].beds.is_some() {
            // The first bed-limited site ahead is the one reserved.
            self.people.flags[p] &= !flag::RESERVED;
            self.sites[s as usize].reserved -= 1;
            self.sites[s as usize].claims_changed(now);
        }
        self.leave(p, now);
        let ppl = &mut self.people;
        ppl.pos[p] += 1;
        ppl.entered_at[p] = now;
        ppl.flags[p] &= !flag::TESTED;
        let st = &mut self.sites[s as usize];
        st.occupancy.up(now);
        st.claims_changed(now);
        self.note(now, TraceKind::Admit, TraceStage::Site(s), Some(p), None);
        let st = &mut self.sites[s as usize];
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

    /// What a stay at the current site counts as.
    pub(super) fn stay_use(&self, p: usize) -> TimeUse {
        match self.current_site_step(p) {
            Step::Site(s) if self.net.scenario.sites[s as usize].kind == SiteKind::Quarantine => TimeUse::InQuarantine,
            _ if self.people.flags[p] & flag::ISOLATING != 0 => TimeUse::InQuarantine,
            _ => TimeUse::AtAssembly,
        }
    }

    /// A stay at a site ended: the person is ready to move on.
    fn note_stay_over(&mut self, p: usize, now: f64) {
        if self.trace.is_some()
            && let Step::Site(s) | Step::Origin(s) = self.current_site_step(p)
        {
            self.note(now, TraceKind::StayEnd, TraceStage::Site(s), Some(p), None);
        }
        let stayed = now - self.people.entered_at[p];
        self.spend(p, self.stay_use(p), stayed);
        self.people.phase[p] = Phase::Done;
        self.people.ready_at[p] = now;
    }

    /// The end of a stay: a test if the site tests (once), then onwards.
    pub(super) fn stay_end(&mut self, sim: &mut Simulation<Event>, p: usize) {
        let now = sim.now_hours();
        let flags = self.people.flags[p];
        // Copied out, not borrowed: cloning the network's Arc here (every stay's end)
        // made the threads of a batch fight over its reference count.
        if let Step::Site(s) = self.net.steps[self.people.pos[p] as usize]
            && flags & (flag::ISOLATING | flag::TESTED) == 0
            && let Some(testing) = self.net.scenario.sites[s as usize].testing
        {
            self.people.flags[p] |= flag::TESTED;
            let st = &mut self.sites[s as usize];
            if st.test_rng.random::<f64>() < testing.positive_probability {
                st.tested_positive += 1;
                self.note(now, TraceKind::TestPositive, TraceStage::Site(s), Some(p), None);
                let st = &mut self.sites[s as usize];
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
        self.sites[iso as usize].entry.got_through(now, waited);
        self.spend(p, TimeUse::WaitingForBed, waited);
        self.leave(p, now);
        let ppl = &mut self.people;
        ppl.flags[p] = (ppl.flags[p] & !flag::TO_ISOLATION) | flag::ISOLATING;
        ppl.entered_at[p] = now;
        ppl.phase[p] = Phase::Staying;
        let st = &mut self.sites[iso as usize];
        st.occupancy.up(now);
        st.claims_changed(now);
        self.note(now, TraceKind::Admit, TraceStage::Site(iso), Some(p), None);
        let st = &mut self.sites[iso as usize];
        let stay = self.net.scenario.sites[iso as usize].stay_hours.sample(&mut st.rng);
        sim.schedule_in(stay, Event::StayEnd { person: p as u32 });
    }
}
