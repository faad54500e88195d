//! What the replication records besides its statistics: counts on the time grid, the
//! trace of every event, the test for a run that can never move again, and the restart
//! of statistics at the end of a warm-up.

use super::{Event, Flow};
use crate::engine::Simulation;
use crate::metrics::SeriesKey;
use crate::model::network::Step;
use crate::model::timeseries::{TraceKind, TraceRow, TraceStage};
use crate::scenario::Departure;

/// Where an event's trace row sits, reserved before the event is handled so that the
/// arrivals home it causes follow it.
pub(super) struct RowSlot {
    at: usize,
    /// For a stay's end: the site stayed at (read before the person moves on).
    stay_site: Option<Step>,
}

impl Flow {
    /// True when nothing can ever move again although people remain: only timetabled
    /// departures are pending, and for more than a week (every weekly pattern repeats)
    /// none of them left, with no dated departure still to come.
    pub(super) fn stall_check(&mut self, sim: &Simulation<Event>, event: Event, departed: bool) -> bool {
        let Event::Slot { .. } = event else {
            self.fruitless_since = None; // anything but a departure time moves people
            return false;
        };
        let now = sim.now_hours();
        let only_slots = sim.pending() == self.pending_slots;
        let dated_ahead = self
            .net
            .scenario
            .legs
            .iter()
            .any(|l| matches!(&l.departure, Departure::Timetable(t) if t.has_once_after(now)));
        if departed || !only_slots || dated_ahead {
            self.fruitless_since = None;
            return false;
        }
        let since = *self.fruitless_since.get_or_insert(now);
        self.stalled = now - since > crate::engine::WEEK_HOURS;
        self.stalled
    }

    /// Records every grid point strictly before `now` with the current counts.
    #[inline]
    pub(super) fn sample_until(&mut self, now: f64) {
        while self.next_sample < self.series.points && self.series.time_hours(self.next_sample) < now {
            let width = self.series.sources.len();
            let base = self.next_sample * width;
            for (j, src) in self.series.sources.iter().enumerate() {
                self.samples[base + j] = match *src {
                    SeriesKey::Home => self.home,
                    SeriesKey::SiteOccupancy(s) => self.sites[s as usize].occupancy.value() as u32,
                    SeriesKey::SiteBedQueue(s) => self.sites[s as usize].entry.len() as u32,
                    SeriesKey::LegHolding(l) => self.legs[l as usize].holding.value() as u32,
                    SeriesKey::CheckpointHolding(k) => self.checkpoints[k as usize].holding.value() as u32,
                };
            }
            self.next_sample += 1;
        }
    }

    /// Reserves the trace row of `event`, when tracing.
    pub(super) fn trace_begin(&mut self, now: f64, event: Event) -> Option<RowSlot> {
        let stay_site = match event {
            Event::StayEnd { person } if self.trace.is_some() => Some(self.current_site_step(person as usize)),
            _ => None,
        };
        let t = self.trace.as_mut()?;
        t.push(TraceRow {
            time_hours: now,
            kind: TraceKind::WarmupEnd,
            stage: TraceStage::None,
            person: None,
            vehicle: None,
            queue_after: 0,
            count_after: 0,
        });
        Some(RowSlot {
            at: t.len() - 1,
            stay_site,
        })
    }

    /// Fills the reserved row of `event` with what it was about and the counts after it.
    pub(super) fn trace_event(&mut self, slot: RowSlot, now: f64, event: Event) {
        let (kind, stage, person, vehicle) = self.describe(event, slot.stay_site);
        let (queue_after, count_after) = self.counts_at(stage);
        if let Some(t) = &mut self.trace {
            t[slot.at] = TraceRow {
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

    /// An event as a trace row's kind, stage, person and vehicle.
    fn describe(&self, event: Event, stay_site: Option<Step>) -> (TraceKind, TraceStage, Option<u32>, Option<u32>) {
        match event {
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
            Event::WaveNotify { wave } | Event::WaveReady { wave } => {
                let kind = if matches!(event, Event::WaveNotify { .. }) {
                    TraceKind::WaveNotify
                } else {
                    TraceKind::WaveReady
                };
                let cohort = self.net.scenario.waves[wave as usize].cohort.0;
                (kind, TraceStage::Cohort(cohort), None, None)
            }
            Event::Evade { person } => {
                let c = self.net.step_cohort(self.people.pos[person as usize]) as u16;
                (TraceKind::Evade, TraceStage::Cohort(c), Some(person), None)
            }
            Event::ApprovalReset { cohort } => (TraceKind::ApprovalReset, TraceStage::Cohort(cohort), None, None),
            Event::LegReopens { leg } => (TraceKind::LegReopens, TraceStage::Leg(leg), None, None),
        }
    }

    /// The queue and count at a stage now (see [`TraceRow`]).
    fn counts_at(&self, stage: TraceStage) -> (u64, u64) {
        match stage {
            TraceStage::None => (0, 0),
            TraceStage::Site(s) => {
                let st = &self.sites[s as usize];
                (st.entry.len() as u64, st.occupancy.value())
            }
            TraceStage::Leg(l) => {
                let st = &self.legs[l as usize];
                (st.boarding.len() as u64, st.aboard.value())
            }
            TraceStage::Checkpoint(k) => {
                let st = &self.checkpoints[k as usize];
                (st.line.len() as u64, st.busy.value())
            }
            TraceStage::Cohort(c) => {
                let cs = &self.cohorts[c as usize];
                let size = self.net.scenario.cohorts[c as usize].size;
                (
                    u64::from(size - cs.released) + cs.approval_queue.len() as u64,
                    u64::from(cs.home),
                )
            }
        }
    }

    /// A row for a person reaching home (inside the handling of another event).
    pub(super) fn trace_home(&mut self, now: f64, p: usize, site: u16) {
        let home = u64::from(self.home);
        if let Some(t) = &mut self.trace {
            t.push(TraceRow {
                time_hours: now,
                kind: TraceKind::Home,
                stage: TraceStage::Site(site),
                person: Some(p as u32),
                vehicle: None,
                queue_after: 0,
                count_after: home,
            });
        }
    }

    /// The end of a warm-up: statistics (not people) start afresh.
    pub(super) fn restart_statistics(&mut self, now: f64) {
        self.stats_since_hours = now;
        self.sites.iter_mut().for_each(|s| s.restart(now));
        self.legs.iter_mut().for_each(|l| l.restart(now));
        self.checkpoints.iter_mut().for_each(|k| k.restart(now));
    }
}
