//! A replication's starting state: everything emptied and reseeded for (seed,
//! replication), this replication's random closures drawn, and the first events
//! (releases, waves, timetabled departures) scheduled.

use super::{Event, Flow};
use crate::engine::{Simulation, stream};
use crate::scenario::{Arrival, Closable, Departure};
use rand::RngExt;
use std::sync::Arc;

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

impl Flow {
    /// Resets every state for `replication` and schedules its first events on `sim`.
    pub(super) fn reset(&mut self, sim: &mut Simulation<Event>, replication: u64) {
        let net = Arc::clone(&self.net);
        let sc = &net.scenario;
        sim.reset();
        if sc.warmup_hours > 0.0 {
            // Scheduled first, so it precedes anything else at the same instant.
            sim.schedule_at(sc.warmup_hours, Event::WarmupEnd);
        }
        self.replication = replication;
        self.home = 0;
        self.home_level = Default::default();
        self.evaded = 0;
        self.turned_away = 0;
        self.stats_since_hours = 0.0;
        self.home_before_statistics = 0;
        self.work.clear();
        self.next_sample = 0;
        self.next_sample_hours = self.next_sample_time();
        self.fruitless_since = None;
        self.stalled = false;
        self.pending_slots = 0;
        self.people.ensure(net.population as usize);
        for (i, s) in self.sites.iter_mut().enumerate() {
            s.reset(sc.seed, replication, net.keys.site_stay[i], net.keys.site_test[i]);
        }
        for (i, l) in self.legs.iter_mut().enumerate() {
            l.reset(&net, i, replication);
        }
        for (i, k) in self.checkpoints.iter_mut().enumerate() {
            k.reset(&net, i, replication);
        }
        self.pools.iter_mut().for_each(|p| p.reset());
        for (i, c) in self.cohorts.iter_mut().enumerate() {
            c.reset(&net, i, replication);
        }
        self.categories.iter_mut().for_each(|c| *c = Default::default());
        self.wave_cursors.iter_mut().for_each(|c| c.fill(0));
        // Who has been released is read from the phases: reset them (one byte a person).
        self.people.phase[..net.population as usize].fill(crate::model::state::Phase::NotReleased);
        self.draw_outbreaks(replication);
        self.schedule_first_events(sim);
    }

    /// Random closures: each week an outbreak may start at a uniform time in it.
    fn draw_outbreaks(&mut self, replication: u64) {
        let net = Arc::clone(&self.net);
        let sc = &net.scenario;
        for (o, outbreak) in sc.outbreaks.iter().enumerate() {
            let mut rng = stream(sc.seed, replication, net.keys.outbreak[o]);
            let mut week = 0.0;
            while week * 168.0 < sc.horizon_hours {
                let (u, at): (f64, f64) = (rng.random(), rng.random());
                if u < outbreak.probability_per_week {
                    let start = (week + at) * 168.0;
                    let window = (start, start + outbreak.duration_hours.sample(&mut rng));
                    for a in &outbreak.applies_to {
                        match a {
                            Closable::Leg(l) => self.legs[l.0 as usize].closed.push(window),
                            Closable::Checkpoint(k) => self.checkpoints[k.0 as usize].closed.push(window),
                        }
                    }
                }
                week += 1.0;
            }
        }
        if !sc.outbreaks.is_empty() {
            self.legs.iter_mut().for_each(|l| merge_in_place(&mut l.closed));
            self.checkpoints.iter_mut().for_each(|k| merge_in_place(&mut k.closed));
        }
    }

    /// Arrivals, waves and the first timetabled departure of every leg.
    fn schedule_first_events(&mut self, sim: &mut Simulation<Event>) {
        let net = Arc::clone(&self.net);
        let sc = &net.scenario;
        for (i, c) in sc.cohorts.iter().enumerate() {
            if c.has_waves {
                continue;
            }
            let cohort = i as u16;
            match &c.arrival {
                Arrival::AllAtOnce { at_hours } => sim.schedule_at(*at_hours, Event::Release { cohort, count: c.size }),
                Arrival::Batches(batches) => {
                    for &(at, people) in batches {
                        sim.schedule_at(at, Event::Release { cohort, count: people });
                    }
                }
                Arrival::Regular { at_hours, .. } => sim.schedule_at(*at_hours, Event::Arrival { cohort }),
                Arrival::Poisson { .. } | Arrival::PerDay { .. } => {
                    let t = self.next_arrival_time(i, 0.0);
                    sim.schedule_at(t, Event::Arrival { cohort });
                }
            }
        }
        for (w, wave) in sc.waves.iter().enumerate() {
            sim.schedule_at(wave.at_hours, Event::WaveNotify { wave: w as u16 });
        }
        for (i, leg) in sc.legs.iter().enumerate() {
            if let Departure::Timetable(tt) = &leg.departure
                && let Some(t) = tt.next(0.0, true)
            {
                sim.schedule_at(
                    t,
                    Event::Slot {
                        leg: i as u16,
                        generation: 0,
                        settled: false,
                    },
                );
                self.pending_slots += 1;
            }
        }
        for (i, c) in sc.changes.iter().enumerate() {
            sim.schedule_at(c.at_hours, Event::Change { index: i as u16 });
        }
    }
}
