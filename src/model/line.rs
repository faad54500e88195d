//! A waiting line that owns its statistics: people in priority order, how many wait
//! over time, how long those who got through waited, and how long those who gave up
//! had waited. Every element with a line (beds at a site, boarding a leg, a checkpoint)
//! records its waiting through these few methods, so a statistic is written once.

use super::queue::PersonQueue;
use crate::stats::{Level, LevelSummary, Tally};

/// People waiting for one resource, with the statistics of their waiting.
#[derive(Clone, Debug)]
pub struct WaitingLine {
    queue: PersonQueue,
    /// People in the line over time.
    length: Level,
    /// Waits of people who got through (and of those who never had to wait).
    pub waits: Tally,
    /// Waits of people who left the line without getting through (evaded).
    pub abandoned: Tally,
    /// The waits in `waits` and in `abandoned`, each counted only from when the
    /// statistics restarted (the warm-up's end): person-hours of waiting in the observed
    /// span, as the line's length over time counts them. Equal to their sums without a
    /// warm-up.
    pub person_hours: WaitedHours,
    /// When the statistics restarted (0 without a warm-up).
    since_hours: f64,
}

/// Person-hours waited in the observed span by those who got through, by those who
/// gave up (see [`WaitingLine::person_hours`]) and, once the books close, by those still
/// waiting.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WaitedHours {
    pub through: f64,
    pub abandoned: f64,
    pub open: f64,
}

impl WaitedHours {
    /// Their sum: the person-hours of waiting in the observed span.
    pub fn total(&self) -> f64 {
        self.through + self.abandoned + self.open
    }
}

impl WaitingLine {
    /// An empty line with `levels` priority levels.
    pub fn new(levels: usize) -> Self {
        Self {
            queue: PersonQueue::new(levels),
            length: Level::default(),
            waits: Tally::default(),
            abandoned: Tally::default(),
            person_hours: WaitedHours::default(),
            since_hours: 0.0,
        }
    }

    /// Empties the line and its statistics for a new replication, keeping memory.
    pub fn reset(&mut self) {
        self.queue.clear();
        self.length = Level::default();
        self.waits = Tally::default();
        self.abandoned = Tally::default();
        self.person_hours = WaitedHours::default();
        self.since_hours = 0.0;
    }

    /// Forgets the statistics before `now` (end of a warm-up); the people stay.
    pub fn restart(&mut self, now: f64) {
        self.length.restart(now);
        self.waits = Tally::default();
        self.abandoned = Tally::default();
        self.person_hours = WaitedHours::default();
        self.since_hours = now;
    }

    /// The part of a wait of `waited_hours` ending at `now` after the statistics
    /// restarted.
    #[inline]
    fn observed(&self, now: f64, waited_hours: f64) -> f64 {
        waited_hours.min(now - self.since_hours)
    }

    /// People waiting now.
    #[inline]
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// True if nobody waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// `person` joins the back of priority `level` at `now`.
    #[inline]
    pub fn join(&mut self, person: u32, level: usize, now: f64) {
        self.queue.push(person, level);
        self.length.up(now);
    }

    /// The next live person (highest priority, then earliest) leaves the line at `now`
    /// to be served; record their wait with [`WaitingLine::got_through`].
    #[inline]
    pub fn pop(&mut self, now: f64, alive: impl Fn(u32) -> bool) -> Option<u32> {
        let (p, _) = self.queue.pop(alive)?;
        self.length.down(now);
        Some(p)
    }

    /// Records the wait of someone who got through at `now` (from this line, or straight
    /// away).
    #[inline]
    pub fn got_through(&mut self, now: f64, waited_hours: f64) {
        self.waits.record(waited_hours);
        self.person_hours.through += self.observed(now, waited_hours);
    }

    /// As [`WaitingLine::got_through`] for someone who had waited `earlier_hours`
    /// before this try (earlier tries and time away, counted where they happened): the
    /// wait recorded for them is the whole, the person-hours only this try's.
    #[inline]
    pub fn got_through_after(&mut self, now: f64, waited_hours: f64, earlier_hours: f64) {
        self.waits.record(waited_hours + earlier_hours);
        self.person_hours.through += self.observed(now, waited_hours);
    }

    /// A waiting person gave up at `now` after `waited_hours`; their entry is skipped
    /// when it reaches the front.
    #[inline]
    pub fn abandon(&mut self, now: f64, waited_hours: f64) {
        self.queue.remove_one();
        self.length.down(now);
        self.abandoned.record(waited_hours);
        self.person_hours.abandoned += self.observed(now, waited_hours);
    }

    /// `person` gives up waiting at `now` after `waited_hours` (patience out, or a full
    /// line): taken out of the line at once, their wait recorded with the abandoned.
    pub fn give_up(&mut self, person: u32, now: f64, waited_hours: f64) {
        if self.queue.remove(person) {
            self.length.down(now);
            self.abandoned.record(waited_hours);
            self.person_hours.abandoned += self.observed(now, waited_hours);
        }
    }

    /// The live person at the front of each priority level.
    pub fn fronts(&mut self, alive: impl Fn(u32) -> bool) -> impl Iterator<Item = u32> + '_ {
        self.queue.fronts(alive)
    }

    /// The line's length over time, closed at `end`.
    pub fn length(&self, end: f64) -> LevelSummary {
        self.length.summary(end)
    }

    /// The line's length over time, open (for the time series' windows).
    pub fn length_mut(&mut self) -> &mut Level {
        &mut self.length
    }
}
