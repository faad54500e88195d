//! Legs: a boarding line, a fleet of vehicles shuttling between two sites, departure
//! rules (when full, as soon as anyone waits, or by timetable), reservations of beds
//! ahead, cancellations, closures and breakdowns.

use super::{Event, Flow, window_at};
use crate::engine::Simulation;
use crate::model::state::*;
use crate::model::timeseries::{TraceKind, TraceStage};
use crate::scenario::{Admission, Departure};
use rand::RngExt;

impl Flow {
    /// A timetabled departure time of leg `leg`: lost to a closure or cancellation, or
    /// every idle vehicle needed leaves; the next departure is scheduled.
    pub(super) fn slot(&mut self, sim: &mut Simulation<Event>, leg: u16, generation: u16, settled: bool) {
        let now = sim.now_hours();
        if !settled && sim.peek_time() == Some(now) {
            // Something else is due now (a vehicle or escort back, a stay ending): it
            // goes first, so the departure does not leave without what is back in time.
            sim.schedule_at(
                now,
                Event::Slot {
                    leg,
                    generation,
                    settled: true,
                },
            );
            return;
        }
        self.pending_slots -= 1;
        let l = leg as usize;
        if generation != self.legs[l].slot_gen {
            return; // a departure of a timetable since replaced
        }
        let spec = &self.net.scenario.legs[l];
        let st = &mut self.legs[l];
        // One draw per slot, whatever happens, so the stream stays aligned.
        let cancelled = spec.cancel_probability > 0.0 && st.cancel_rng.random::<f64>() < spec.cancel_probability;
        let waiting = !st.boarding.is_empty();
        if window_at(&st.closed, now).is_some() {
            if waiting {
                st.closed_departures += 1;
                self.note(now, TraceKind::DepartureClosed, TraceStage::Leg(leg), None, None);
            }
        } else if cancelled {
            if waiting {
                st.cancelled_departures += 1;
                self.note(now, TraceKind::DepartureCancelled, TraceStage::Leg(leg), None, None);
            }
        } else {
            if waiting && st.idle.is_empty() {
                st.missed_departures += 1;
                self.note(now, TraceKind::DepartureMissed, TraceStage::Leg(leg), None, None);
            }
            self.dispatch_all(sim, leg);
        }
        // Scheduled even beyond the horizon: a run that ends with people waiting for a
        // later departure reached the horizon, it did not stall.
        if let Some(tt) = self.timetable(l)
            && let Some(t) = tt.next(now, false)
        {
            sim.schedule_at(
                t,
                Event::Slot {
                    leg,
                    generation,
                    settled: false,
                },
            );
            self.pending_slots += 1;
        }
    }

    /// The timetable of leg `l` in force now: the file's, or the latest change's.
    pub(super) fn timetable(&self, l: usize) -> Option<&crate::engine::Timetable> {
        let sc = &self.net.scenario;
        match self.legs[l].timetable_change {
            Some(i) => match &sc.changes[i as usize].what {
                crate::scenario::ChangeWhat::Timetable { timetable, .. } => Some(timetable),
                _ => None,
            },
            None => match &sc.legs[l].departure {
                Departure::Timetable(tt) => Some(tt),
                _ => None,
            },
        }
    }

    /// Leg `l`'s fleet becomes `n` vehicles: more are put at the start (numbers taken
    /// out before first), fewer are taken out now if idle, else when next back.
    pub(super) fn set_vehicles(&mut self, l: u16, n: u32) {
        let st = &mut self.legs[l as usize];
        if n >= st.vehicles {
            let mut more = n - st.vehicles;
            let cancel = more.min(st.to_retire);
            st.to_retire -= cancel;
            more -= cancel;
            for _ in 0..more {
                let v = st.retired.pop().unwrap_or_else(|| {
                    st.next_vehicle += 1;
                    st.next_vehicle - 1
                });
                st.idle.push(v);
            }
        } else {
            let mut fewer = st.vehicles - n;
            while fewer > 0 {
                let Some(v) = st.idle.pop() else { break };
                st.retired.push(v);
                fewer -= 1;
            }
            st.to_retire += fewer;
        }
        st.vehicles = n;
        self.push_depart(l);
    }

    /// How many passengers leg `l` may take now: no more than the beds it can still
    /// reserve ahead, and (a feeder) than the seats of its trunk's next departure not
    /// yet promised or waiting.
    pub(super) fn reservable(&self, l: usize) -> u64 {
        let beds = self.reservable_beds(l);
        let seats = match self.net.scenario.legs[l].reserve_seats_on {
            Some(t) => {
                let st = &self.legs[t.0 as usize];
                (u64::from(st.vehicles) * u64::from(st.seats))
                    .saturating_sub(st.seats_promised + st.boarding.len() as u64)
            }
            None => u64::MAX,
        };
        beds.min(seats)
    }

    /// The beds leg `l` can still reserve ahead (unlimited if it reserves none).
    fn reservable_beds(&self, l: usize) -> u64 {
        match self.net.reserve_target[l] {
            Some(t) => {
                let st = &self.sites[t as usize];
                st.unclaimed_beds().saturating_sub(st.entry.len() as u64)
            }
            None => u64::MAX,
        }
    }

    /// For a leg that reserves beds: adds the person-hours since the last call of the
    /// people waiting to board beyond the beds it could reserve, and counts them afresh.
    /// They wait for beds only while the beds are fewer than the fleet could carry of
    /// the line at once (they would wait even if every vehicle were there); while the
    /// beds suffice for that, the seats hold them back and the whole line waits for
    /// transport (a daily 5-seat flight reserving in 10 free beds holds nobody for
    /// beds, however long its line). Called after every departure decision, freed bed
    /// and evasion from its line.
    pub(super) fn settle_bed_wait(&mut self, l: usize, now: f64) {
        if self.net.reserve_target[l].is_none() {
            return;
        }
        let beds = self.reservable_beds(l);
        let st = &mut self.legs[l];
        let line = st.boarding.len() as u64;
        let fleet_seats = u64::from(st.vehicles) * u64::from(st.seats);
        let excess = if beds < line.min(fleet_seats) { line - beds } else { 0 };
        st.bed_person_hours += st.bed_excess as f64 * (now - st.bed_since);
        st.bed_since = now;
        st.bed_excess = excess;
    }

    /// A trunk's line got shorter or a promise was given back: its feeders may leave.
    pub(super) fn wake_feeders(&mut self, trunk: u16) {
        for i in 0..self.net.feeders[trunk as usize].len() {
            self.push_depart(self.net.feeders[trunk as usize][i]);
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

    /// Decides departures of leg `l` under its rule (timetabled legs leave only at
    /// their times).
    pub(super) fn try_depart(&mut self, sim: &mut Simulation<Event>, l: u16) {
        let now = sim.now_hours();
        let li = l as usize;
        match self.net.scenario.legs[li].departure {
            Departure::WhenFull { max_wait_hours } => {
                let held = self.depart_when_full(sim, l, max_wait_hours);
                self.set_pool_wait(Claimant::Leg(l), held, now);
            }
            Departure::WhenFullOrEmptyQueue => {
                let st = &mut self.legs[li];
                if !st.boarding.is_empty() && !st.idle.is_empty() && !st.check_scheduled {
                    st.check_scheduled = true;
                    sim.schedule_at(now, Event::DepartureCheck { leg: l });
                }
            }
            Departure::Timetable(_) => {}
        }
        self.settle_bed_wait(li, now);
    }

    /// The departures of when-full leg `l` due now; the pool it is held for, if any.
    fn depart_when_full(&mut self, sim: &mut Simulation<Event>, l: u16, max_wait_hours: Option<f64>) -> Option<u16> {
        let now = sim.now_hours();
        let li = l as usize;
        loop {
            let st = &self.legs[li];
            if st.boarding.is_empty() || st.idle.is_empty() || self.leg_closed(sim, l) {
                break;
            }
            let st = &self.legs[li];
            let seats = st.seats as usize;
            let cap = (self.reservable(li).min(seats as u64)) as usize;
            if st.boarding.len() >= seats && cap >= seats {
                if let Some(p) = self.pool_short(sim, Claimant::Leg(l)) {
                    return Some(p);
                }
                self.depart(sim, l, seats as u32);
                continue;
            }
            let Some(mw) = max_wait_hours else { break };
            let phases = &self.people.phase;
            let ready = &self.people.ready_at;
            let st = &mut self.legs[li];
            let Some(longest) = st
                .boarding
                .fronts(Self::alive(phases))
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
                let n = st.boarding.len().min(cap) as u32;
                if let Some(p) = self.pool_short(sim, Claimant::Leg(l)) {
                    return Some(p);
                }
                self.depart(sim, l, n);
                continue;
            }
            if st.timer_at.is_none_or(|t| t > due) {
                st.timer_at = Some(due);
                sim.schedule_at(due, Event::MaxWait { leg: l });
            }
            break;
        }
        None
    }

    /// Every idle vehicle needed leaves now, each with up to `seats` of the people waiting
    /// (and, for a reserving leg, no more than there are beds to reserve).
    pub(super) fn dispatch_all(&mut self, sim: &mut Simulation<Event>, l: u16) {
        let now = sim.now_hours();
        let (held, departed) = if self.leg_closed(sim, l) {
            (None, 0)
        } else {
            self.dispatch_idle(sim, l)
        };
        let timetabled = matches!(self.net.scenario.legs[l as usize].departure, Departure::Timetable(_));
        // A timetabled departure time at which no vehicle left for want of units is
        // counted as lost.
        if let Some(p) = held
            && timetabled
            && departed == 0
        {
            self.pools[p as usize].missed_departures += 1;
            self.note_pool(now, TraceKind::DepartureShortOfUnits, Claimant::Leg(l), p);
        }
        self.set_pool_wait(Claimant::Leg(l), held, now);
        // The people a timetabled departure time leaves behind wait for the pool until
        // the next (the leg stays held until then, but never takes units between its
        // times, so it holds nobody else back); who joins meanwhile waits for the
        // timetable.
        if held.is_some() && timetabled {
            self.left_behind_for_units(l, now);
        }
        self.settle_bed_wait(l as usize, now);
    }

    /// Sends every idle vehicle needed; the pool that held the next one back, if any,
    /// and how many left.
    fn dispatch_idle(&mut self, sim: &mut Simulation<Event>, l: u16) -> (Option<u16>, u32) {
        let mut departed = 0;
        loop {
            let st = &self.legs[l as usize];
            if st.idle.is_empty() || st.boarding.is_empty() {
                break;
            }
            let n = (st.boarding.len() as u64)
                .min(u64::from(st.seats))
                .min(self.reservable(l as usize)) as u32;
            if n == 0 {
                break;
            }
            if let Some(p) = self.pool_short(sim, Claimant::Leg(l)) {
                return (Some(p), departed);
            }
            self.depart(sim, l, n);
            departed += 1;
        }
        (None, departed)
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
        let trunk = spec.reserve_seats_on.map(|t| t.0);
        if !spec.needs.is_empty() {
            self.take_units(Claimant::Leg(l), now);
        }
        let v = self.legs[li].idle.pop().expect("caller checked for an idle vehicle");
        let seats = self.legs[li].seats as usize;
        let mut boarded = 0;
        while boarded < n as usize {
            let alive = Self::alive(&self.people.phase);
            let st = &mut self.legs[li];
            let Some(p) = st.boarding.pop(now, alive) else {
                break;
            };
            let p = p as usize;
            let waited = now - self.people.ready_at[p];
            st.boarding.got_through(now, waited);
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
                self.sites[t as usize].claims_changed(now);
            }
            if let Some(t) = trunk
                && self.net.trunk_ahead(self.people.pos[p]) == Some(t)
            {
                self.people.flags[p] |= flag::SEAT_PROMISED;
                self.legs[t as usize].seats_promised += 1;
            }
            self.note(now, TraceKind::Board, TraceStage::Leg(l), Some(p), Some(v));
        }
        self.note_trip(now, TraceKind::Depart, l, v, boarded as u32);
        if !self.net.feeders[li].is_empty() {
            self.wake_feeders(l);
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

    /// A vehicle of leg `l` arrives: its passengers get off and move on; it heads back.
    pub(super) fn vehicle_arrives(&mut self, sim: &mut Simulation<Event>, l: u16, v: u32) {
        let now = sim.now_hours();
        let li = l as usize;
        let seats = self.legs[li].seats as usize;
        let n = self.legs[li].load[v as usize] as usize;
        self.note_trip(now, TraceKind::Arrive, l, v, n as u32);
        for k in 0..n {
            let p = self.legs[li].manifest[v as usize * seats + k] as usize;
            let rode = now - self.people.entered_at[p];
            let st = &mut self.legs[li];
            st.aboard.down(now);
            st.rides.record(rode);
            self.spend(p, TimeUse::Travelling, rode);
            self.note(now, TraceKind::Alight, TraceStage::Leg(l), Some(p), Some(v));
            self.people.phase[p] = Phase::Done;
            self.people.ready_at[p] = now;
            self.request_next(sim, p);
        }
        if !self.net.scenario.legs[li].needs.is_empty() {
            self.give_units(Claimant::Leg(l), true, now);
        }
        let st = &mut self.legs[li];
        st.load[v as usize] = 0;
        let back = self.net.scenario.legs[li].return_hours.sample(&mut st.return_rng);
        sim.schedule_in(back, Event::VehicleBack { leg: l, vehicle: v });
    }
}
