//! The simulation clock and the loop that feeds events to a model.

use super::queue::EventQueue;
use std::ops::ControlFlow;

/// A clock in hours plus the calendar of pending events of type `E`.
///
/// `E` is the model's own small `Copy` event type; the engine never looks inside it.
#[derive(Clone, Debug)]
pub struct Simulation<E> {
    now_hours: f64,
    queue: EventQueue<E>,
    processed: u64,
}

/// Why [`run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// The model asked to stop (for example: everyone is home).
    Stopped,
    /// The next pending event lies beyond the horizon; the clock stands at the horizon.
    Horizon,
    /// No events are left: nothing more can ever happen.
    Exhausted,
}

/// A model driven by the engine: it handles one event at a time and may schedule more.
pub trait Model<E> {
    /// Handles `event` at `sim.now_hours()`; `Break` ends the run.
    fn handle(&mut self, sim: &mut Simulation<E>, event: E) -> ControlFlow<()>;
}

impl<E: Copy> Default for Simulation<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Simulation<E> {
    /// A clock at zero with nothing scheduled.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// As [`Simulation::new`], with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            now_hours: 0.0,
            queue: EventQueue::with_capacity(capacity),
            processed: 0,
        }
    }

    /// Resets the clock to zero and drops pending events, keeping allocated memory.
    pub fn reset(&mut self) {
        self.now_hours = 0.0;
        self.queue.clear();
        self.processed = 0;
    }

    /// Current simulated time in hours since the scenario start.
    #[inline]
    pub fn now_hours(&self) -> f64 {
        self.now_hours
    }

    /// Schedules `event` at absolute time `time_hours` (not earlier than now).
    #[inline]
    pub fn schedule_at(&mut self, time_hours: f64, event: E) {
        debug_assert!(time_hours >= self.now_hours, "scheduled in the past");
        self.queue.push(time_hours.max(self.now_hours), event);
    }

    /// Schedules `event` after `delay_hours` (clamped at zero).
    #[inline]
    pub fn schedule_in(&mut self, delay_hours: f64, event: E) {
        self.queue.push(self.now_hours + delay_hours.max(0.0), event);
    }

    /// Number of events still pending.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Number of events handed out by [`Simulation::next_event`] since the last reset.
    pub fn events_processed(&self) -> u64 {
        self.processed
    }

    /// Time of the next pending event, if any.
    pub fn peek_time(&mut self) -> Option<f64> {
        self.queue.peek_time()
    }

    /// Pops the next event if it fires no later than `horizon_hours` and advances the
    /// clock to it. Otherwise leaves it pending and returns `None`.
    #[inline]
    pub fn next_event(&mut self, horizon_hours: f64) -> Option<E> {
        let t = self.queue.peek_time()?;
        if t > horizon_hours {
            return None;
        }
        let (t, e) = self.queue.pop()?;
        self.now_hours = t;
        self.processed += 1;
        Some(e)
    }

    /// Sets the clock forward to `time_hours` without handling any event (used to close
    /// the books at the horizon).
    pub fn advance_to(&mut self, time_hours: f64) {
        if time_hours > self.now_hours {
            self.now_hours = time_hours;
        }
    }
}

/// Feeds events to `model` in (time, scheduling order) until it stops, the calendar is
/// empty, or the next event lies beyond `horizon_hours`.
pub fn run<E: Copy, M: Model<E>>(sim: &mut Simulation<E>, model: &mut M, horizon_hours: f64) -> RunEnd {
    loop {
        let Some(event) = sim.next_event(horizon_hours) else {
            if sim.pending() == 0 {
                return RunEnd::Exhausted;
            }
            sim.advance_to(horizon_hours);
            return RunEnd::Horizon;
        };
        if model.handle(sim, event).is_break() {
            return RunEnd::Stopped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each event reschedules itself `period` later; records what it saw.
    struct Ticker {
        seen: Vec<(f64, u8)>,
        stop_after: usize,
    }

    impl Model<(u8, f64)> for Ticker {
        fn handle(&mut self, sim: &mut Simulation<(u8, f64)>, (id, period): (u8, f64)) -> ControlFlow<()> {
            self.seen.push((sim.now_hours(), id));
            if self.seen.len() >= self.stop_after {
                return ControlFlow::Break(());
            }
            sim.schedule_in(period, (id, period));
            ControlFlow::Continue(())
        }
    }

    #[test]
    fn runs_to_horizon_in_order() {
        let mut sim = Simulation::new();
        sim.schedule_at(0.0, (1, 2.0));
        sim.schedule_at(0.0, (2, 3.0));
        let mut m = Ticker {
            seen: vec![],
            stop_after: usize::MAX,
        };
        assert_eq!(run(&mut sim, &mut m, 6.0), RunEnd::Horizon);
        assert_eq!(sim.now_hours(), 6.0);
        assert_eq!(
            m.seen,
            // At 6.0 both fire; 2's was scheduled first (at 3.0, before 1's at 4.0).
            vec![(0.0, 1), (0.0, 2), (2.0, 1), (3.0, 2), (4.0, 1), (6.0, 2), (6.0, 1)]
        );
        assert_eq!(sim.events_processed(), 7);
    }

    #[test]
    fn stops_when_model_says_so_and_when_exhausted() {
        let mut sim = Simulation::new();
        sim.schedule_at(1.0, (1, 1.0));
        let mut m = Ticker {
            seen: vec![],
            stop_after: 3,
        };
        assert_eq!(run(&mut sim, &mut m, 100.0), RunEnd::Stopped);
        assert_eq!(sim.now_hours(), 3.0);

        let mut empty: Simulation<(u8, f64)> = Simulation::new();
        assert_eq!(run(&mut empty, &mut m, 100.0), RunEnd::Exhausted);
    }
}
