//! What the replication records besides its statistics: counts on the time grid, the
//! trace of every event, the test for a run that can never move again, and the restart
//! of statistics at the end of a warm-up.

use super::{Event, Flow};
use crate::engine::Simulation;
use crate::metrics::SeriesKey;
use crate::model::timeseries::{TraceKind, TraceRow, TraceStage};
use crate::scenario::{Departure, SiteKind};
use crate::stats::Level;

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

    /// Records every grid point strictly before `now`: the counts there, and the
    /// maximum and integral of each count over the window ending there. Called before
    /// every event, so the test that no point is due is one comparison.
    #[inline]
    pub(super) fn sample_until(&mut self, now: f64) {
        if self.next_sample_hours < now {
            self.sample_points_before(now);
        }
    }

    /// The time of the next grid point to record (infinite when every point is).
    pub(super) fn next_sample_time(&self) -> f64 {
        if self.next_sample < self.series.points {
            self.series.time_hours(self.next_sample)
        } else {
            f64::INFINITY
        }
    }

    /// Records the grid points from the next one up to (not including) `now`, series by
    /// series: nothing changes between them, and each count's windows close in order.
    #[inline(never)]
    fn sample_points_before(&mut self, now: f64) {
        let first = self.next_sample;
        let mut end = first;
        while end < self.series.points && self.series.time_hours(end) < now {
            end += 1;
        }
        let width = self.series.sources.len();
        let (grid_hours, end_hours) = (self.series.grid_hours, self.series.end_hours);
        let mut samples = std::mem::take(&mut self.samples);
        for j in 0..width {
            let level = self.level_of(self.series.sources[j]);
            let value = level.value() as u32;
            for k in first..end {
                // As `SeriesSpec::time_hours`, without borrowing the spec.
                let t = (k as f64 * grid_hours).min(end_hours);
                let (max, integral) = level.close_window(t);
                let cell = k * width + j;
                samples.value[cell] = value;
                samples.max[cell] = max as u32;
                samples.integral[cell] = integral;
            }
        }
        self.samples = samples;
        self.next_sample = end;
        self.next_sample_hours = self.next_sample_time();
    }

    /// The count behind a time series.
    #[inline]
    fn level_of(&mut self, key: SeriesKey) -> &mut Level {
        match key {
            SeriesKey::Home => &mut self.home_level,
            SeriesKey::SiteOccupancy(s) => &mut self.sites[s as usize].occupancy,
            SeriesKey::SiteBedQueue(s) => self.sites[s as usize].entry.length_mut(),
            SeriesKey::LegHolding(l) => &mut self.legs[l as usize].holding,
            SeriesKey::CheckpointHolding(k) => &mut self.checkpoints[k as usize].holding,
            SeriesKey::PoolInUse(p) => &mut self.pools[p as usize].in_use,
        }
    }

    /// Adds a row to the trace, when tracing: `kind` happened now at `stage`.
    #[inline]
    pub(super) fn note(
        &mut self,
        now: f64,
        kind: TraceKind,
        stage: TraceStage,
        person: Option<usize>,
        vehicle: Option<u32>,
    ) {
        if self.trace.is_none() {
            return;
        }
        let (queue_after, count_after) = self.counts_at(stage);
        self.push_row(now, kind, stage, person, vehicle, queue_after, count_after);
    }

    /// Adds a vehicle's departure or arrival to the trace, with its load.
    #[inline]
    pub(super) fn note_trip(&mut self, now: f64, kind: TraceKind, leg: u16, vehicle: u32, load: u32) {
        if self.trace.is_none() {
            return;
        }
        let queue_after = self.legs[leg as usize].boarding.len() as u64;
        self.push_row(
            now,
            kind,
            TraceStage::Leg(leg),
            None,
            Some(vehicle),
            queue_after,
            u64::from(load),
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_row(
        &mut self,
        now: f64,
        kind: TraceKind,
        stage: TraceStage,
        person: Option<usize>,
        vehicle: Option<u32>,
        queue_after: u64,
        count_after: u64,
    ) {
        if let Some(t) = &mut self.trace {
            t.push(TraceRow {
                time_hours: now,
                kind,
                stage,
                person: person.map(|p| p as u32),
                vehicle,
                queue_after,
                count_after,
            });
        }
    }

    /// The cohort of person `p`, as a trace stage.
    pub(super) fn cohort_stage(&self, p: usize) -> TraceStage {
        TraceStage::Cohort(self.net.step_cohort(self.people.pos[p]) as u16)
    }

    /// The queue and count at a stage now (see [`TraceRow`]).
    fn counts_at(&self, stage: TraceStage) -> (u64, u64) {
        match stage {
            TraceStage::None => (0, 0),
            TraceStage::Site(s) => {
                let st = &self.sites[s as usize];
                let present = if self.net.scenario.sites[s as usize].kind == SiteKind::Home {
                    st.home
                } else {
                    st.occupancy.value()
                };
                (st.entry.len() as u64, present)
            }
            TraceStage::Leg(l) => {
                let st = &self.legs[l as usize];
                (st.boarding.len() as u64, st.aboard.value())
            }
            TraceStage::Checkpoint(k) => {
                let st = &self.checkpoints[k as usize];
                (st.line.len() as u64, st.busy.value())
            }
            TraceStage::Pool(p) => {
                let st = &self.pools[p as usize];
                (st.waiting.len() as u64, st.in_use.value())
            }
            TraceStage::Cohort(c) => {
                let cs = &self.cohorts[c as usize];
                let size = self.net.scenario.cohorts[c as usize].size;
                (
                    u64::from(size - cs.released + cs.awaiting_pickup) + cs.approval_queue.len() as u64,
                    u64::from(cs.home),
                )
            }
        }
    }

    /// The end of a warm-up: statistics (not people) start afresh.
    pub(super) fn restart_statistics(&mut self, now: f64) {
        // The excess waiting for beds so far belongs before the warm-up's end.
        for l in 0..self.legs.len() {
            self.settle_bed_wait(l, now);
        }
        self.stats_since_hours = now;
        self.home_before_statistics = self.home;
        self.sites.iter_mut().for_each(|s| s.restart(now));
        self.legs.iter_mut().for_each(|l| l.restart(now));
        self.checkpoints.iter_mut().for_each(|k| k.restart(now));
        self.pools.iter_mut().for_each(|p| p.restart(now));
        // Approval waits restart as every other line's do (they ran on from the start,
        // and a warm-up named them the bottleneck with waits that all ended before it).
        for c in &mut self.cohorts {
            c.approval_waits = crate::stats::Tally::default();
            c.approval_person_hours = 0.0;
        }
        self.restart_pool_waits(now);
    }
}
