//! Statistics gathered during one replication, updated in O(1) without allocating.

/// Durations shorter than this (3.6 microseconds) are one instant: times are sums of
/// floating-point hours, and such sums carry rounding (0.1 h of service ten times after
/// hour 1 ends 2e-16 h after hour 2), so a bus arriving "when" the booth frees would
/// otherwise make its first passenger wait 4e-16 h and hold the line at its peak for
/// that long. No real wait or level in a plan lasts this little.
pub const INSTANT_HOURS: f64 = 1e-9;

/// A count that changes over time (people in a place, busy booths): its time integral,
/// the integral of its square (for the time-averaged variance), and its peak.
///
/// The peak is the largest value *held for a positive time* (longer than
/// [`INSTANT_HOURS`]). Several changes at one instant (ten people join a line and three
/// start service at once) pass through values nobody could observe; they are not peaks. A value still held when the books close
/// counts if it was held for a positive time before the close.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Level {
    value: u64,
    last_hours: f64,
    since_hours: f64,
    integral: f64,
    integral_sq: f64,
    /// Largest value held for a positive time.
    peak: u64,
    /// Largest value held for a positive time in the current window (see
    /// [`Level::close_window`]).
    window_peak: u64,
    /// Integral over the current window so far.
    window_integral: f64,
}

impl Level {
    /// Accounts for the value held from the last change until `now`.
    #[inline]
    fn advance(&mut self, now: f64) {
        let dt = now - self.last_hours;
        if dt > 0.0 {
            let v = self.value as f64;
            self.integral += v * dt;
            self.integral_sq += v * v * dt;
            self.window_integral += v * dt;
            if dt > INSTANT_HOURS {
                self.peak = self.peak.max(self.value);
                self.window_peak = self.window_peak.max(self.value);
            }
            self.last_hours = now;
        }
    }

    /// One more at time `now`.
    #[inline]
    pub fn up(&mut self, now: f64) {
        self.advance(now);
        self.value += 1;
    }

    /// One fewer at time `now`.
    #[inline]
    pub fn down(&mut self, now: f64) {
        self.advance(now);
        debug_assert!(self.value > 0, "level below zero");
        self.value = self.value.saturating_sub(1);
    }

    /// Set to `value` at time `now` (a capacity that changes).
    #[inline]
    pub fn set(&mut self, now: f64, value: u64) {
        self.advance(now);
        self.value = value;
    }

    /// The current value.
    #[inline]
    pub fn value(&self) -> u64 {
        self.value
    }

    /// Forgets the history before `now` (end of a warm-up), keeping the current value.
    /// The chart windows are not affected: they show the whole run.
    pub fn restart(&mut self, now: f64) {
        self.advance(now);
        *self = Level {
            value: self.value,
            last_hours: now,
            since_hours: now,
            integral: 0.0,
            integral_sq: 0.0,
            peak: 0,
            window_peak: self.window_peak,
            window_integral: self.window_integral,
        };
    }

    /// Closes the current window at `t` (not before the last change) and opens the next:
    /// returns the largest value held for a positive time in the window and the window's
    /// integral (value x hours), exactly as the run's events made them. The windows of a
    /// time grid thus show short peaks that sampling at grid points would miss, and the
    /// largest window maximum is the run's peak.
    pub fn close_window(&mut self, t: f64) -> (u64, f64) {
        let dt = (t - self.last_hours).max(0.0);
        let v = self.value as f64;
        let max = if dt > INSTANT_HOURS {
            self.window_peak.max(self.value)
        } else {
            self.window_peak
        };
        let integral = self.window_integral + v * dt;
        // The value keeps being held after `t`; the next advance adds its whole span
        // since the last change, so the part before `t` is taken off in advance.
        self.window_peak = 0;
        self.window_integral = -(v * dt);
        (max, integral)
    }

    /// Summary over `[start, end]`, where start is 0 or the last restart.
    pub fn summary(&self, end: f64) -> LevelSummary {
        let mut l = *self;
        l.advance(end);
        let span = (end - l.since_hours).max(0.0);
        let (mean, var) = if span > 0.0 {
            let m = l.integral / span;
            (m, (l.integral_sq / span - m * m).max(0.0))
        } else {
            (l.value as f64, 0.0)
        };
        LevelSummary {
            mean,
            variance: var,
            peak: l.peak,
            integral: l.integral,
            final_value: l.value,
            span_hours: span,
        }
    }
}

/// A [`Level`] closed at the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LevelSummary {
    /// Time-averaged value.
    pub mean: f64,
    /// Time-averaged variance.
    pub variance: f64,
    /// Largest value held for a positive time.
    pub peak: u64,
    /// Integral of the value over the observed span (value x hours).
    pub integral: f64,
    /// Value at the end.
    pub final_value: u64,
    /// Length of the observed span in hours.
    pub span_hours: f64,
}

/// Observed durations (waits, stays): count, sum, sum of squares, maximum, and how many
/// were positive (longer than an instant, [`INSTANT_HOURS`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub count: u64,
    pub sum: f64,
    pub sum_sq: f64,
    pub max: f64,
    pub positive: u64,
}

impl Tally {
    /// Records one duration.
    #[inline]
    pub fn record(&mut self, x: f64) {
        self.count += 1;
        self.sum += x;
        self.sum_sq += x * x;
        if x > self.max {
            self.max = x;
        }
        if x > INSTANT_HOURS {
            self.positive += 1;
        }
    }

    /// Mean of the recorded values (NaN if none).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.sum / self.count as f64
        }
    }

    /// Fraction of recorded values longer than an instant (NaN if none).
    pub fn fraction_positive(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.positive as f64 / self.count as f64
        }
    }

    /// Largest recorded value (NaN if none).
    pub fn max_or_nan(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.max }
    }

    /// The values of `self` and of `other` together; exactly `self` when `other` is
    /// empty.
    pub fn merged(&self, other: &Tally) -> Tally {
        if other.count == 0 {
            return *self;
        }
        Tally {
            count: self.count + other.count,
            sum: self.sum + other.sum,
            sum_sq: self.sum_sq + other.sum_sq,
            max: if self.count == 0 {
                other.max
            } else {
                self.max.max(other.max)
            },
            positive: self.positive + other.positive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_integrates_by_hand() {
        let mut l = Level::default();
        l.up(1.0); // 1 from t=1
        l.up(2.0); // 2 from t=2
        l.down(4.0); // 1 from t=4
        let s = l.summary(5.0);
        // integral = 1*1 + 2*2 + 1*1 = 6 over 5 hours
        assert_eq!(s.integral, 6.0);
        assert_eq!(s.mean, 1.2);
        assert_eq!(s.peak, 2);
        // E[X^2] = (1 + 8 + 1)/5 = 2, var = 2 - 1.44
        assert!((s.variance - 0.56).abs() < 1e-12);
        let mut r = l;
        r.restart(4.0);
        let s = r.summary(6.0);
        assert_eq!((s.mean, s.peak, s.span_hours), (1.0, 1, 2.0));
    }

    /// Rounding in sums of hours is not a happening: a line held at 20 for 2e-16 h (the
    /// last service of a busload ends that long after the next bus, both "at hour 3") has
    /// a peak of 19, and a wait of 4e-16 h is no wait.
    #[test]
    fn an_instant_of_rounding_is_neither_a_peak_nor_a_wait() {
        let ends: f64 = (0..20).fold(1.0, |t, _| t + 0.1);
        assert!(ends > 3.0 && ends - 3.0 < INSTANT_HOURS, "{ends}");
        let mut line = Level::default();
        for _ in 0..19 {
            line.up(1.0);
        }
        line.up(3.0);
        line.down(ends);
        line.down(4.0);
        assert_eq!(line.summary(5.0).peak, 19);
        let (window_max, _) = line.close_window(5.0);
        assert_eq!(window_max, 19);
        let mut waits = Tally::default();
        waits.record(ends - 3.0);
        waits.record(0.5);
        assert_eq!(waits.fraction_positive(), 0.5);
    }

    /// Windows split the run exactly: their maxima reach the peak and their integrals
    /// add up to the whole integral.
    #[test]
    fn windows_see_short_peaks_and_add_up() {
        // As a run does it: a window closes before the changes after it.
        let mut l = Level::default();
        l.up(1.0);
        let mut w = vec![l.close_window(2.0)];
        l.up(2.5); // 2 for half an hour only, inside the window (2, 4]
        l.down(3.0);
        w.push(l.close_window(4.0));
        w.push(l.close_window(6.0));
        l.down(7.0);
        w.push(l.close_window(8.0));
        assert_eq!(w, vec![(1, 1.0), (2, 2.5), (1, 2.0), (1, 1.0)]);
        let total: f64 = w.iter().map(|x| x.1).sum();
        assert_eq!(total, l.summary(8.0).integral);
        assert_eq!(w.iter().map(|x| x.0).max(), Some(l.summary(8.0).peak));
    }

    /// Ten join at once and three leave at the same instant: seven were ever seen.
    #[test]
    fn a_momentary_value_is_not_a_peak() {
        let mut l = Level::default();
        for _ in 0..10 {
            l.up(10.0);
        }
        for _ in 0..3 {
            l.down(10.0);
        }
        for _ in 0..7 {
            l.down(10.1);
        }
        assert_eq!(l.summary(11.0).peak, 7);
        // Up and down again at one instant: nothing was ever held.
        let mut z = Level::default();
        z.up(5.0);
        z.down(5.0);
        assert_eq!(z.summary(9.0).peak, 0);
        // Held until the books close, after a positive time: a peak.
        let mut h = Level::default();
        h.up(1.0);
        assert_eq!(h.summary(1.0).peak, 0);
        assert_eq!(h.summary(2.0).peak, 1);
    }

    #[test]
    fn tally() {
        let mut t = Tally::default();
        assert!(t.mean().is_nan());
        for x in [0.0, 2.0, 4.0] {
            t.record(x);
        }
        assert_eq!(t.mean(), 2.0);
        assert_eq!(t.max, 4.0);
        assert!((t.fraction_positive() - 2.0 / 3.0).abs() < 1e-12);
    }
}
