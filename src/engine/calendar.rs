//! Time of week: opening hours and recurring timetables on the simulation clock.
//!
//! Simulated time is hours since the scenario start; `start_week_hours` says where in
//! the week (hours since Monday 00:00) that start falls. Nothing here knows what is
//! open or what departs; it only answers "is it open now", "when next", "how long".

/// Hours in a week.
pub const WEEK_HOURS: f64 = 168.0;

/// Tolerance for comparing clock times built from minutes.
const EPS: f64 = 1e-9;

/// Weekly opening hours: disjoint, sorted `[open, close)` intervals in hours of the
/// week, repeated every week.
#[derive(Clone, Debug, PartialEq)]
pub struct WeeklyHours {
    start_week_hours: f64,
    intervals: Vec<(f64, f64)>,
    /// `cumulative[i]` = open hours in the week before `intervals[i].0`.
    cumulative: Vec<f64>,
    open_per_week: f64,
}

impl WeeklyHours {
    /// Always open.
    pub fn always(start_week_hours: f64) -> Self {
        Self::new(start_week_hours, vec![(0.0, WEEK_HOURS)])
    }

    /// Opening hours from `[from, to)` pairs in hours of the week. Pairs may run past the
    /// end of the week (wrapping to Monday) and may overlap; they are normalised here.
    pub fn new(start_week_hours: f64, raw: Vec<(f64, f64)>) -> Self {
        let mut pieces: Vec<(f64, f64)> = Vec::new();
        for (a, b) in raw {
            if b <= a {
                continue;
            }
            if b - a >= WEEK_HOURS - EPS {
                pieces.push((0.0, WEEK_HOURS));
                continue;
            }
            let length = b - a;
            let a = a.rem_euclid(WEEK_HOURS);
            let b = a + length;
            if b <= WEEK_HOURS {
                pieces.push((a, b));
            } else {
                pieces.push((a, WEEK_HOURS));
                pieces.push((0.0, b - WEEK_HOURS));
            }
        }
        pieces.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut intervals: Vec<(f64, f64)> = Vec::new();
        for (a, b) in pieces {
            match intervals.last_mut() {
                Some(last) if a <= last.1 + EPS => last.1 = last.1.max(b),
                _ => intervals.push((a, b)),
            }
        }
        let mut cumulative = Vec::with_capacity(intervals.len());
        let mut acc = 0.0;
        for &(a, b) in &intervals {
            cumulative.push(acc);
            acc += b - a;
        }
        Self {
            start_week_hours: start_week_hours.rem_euclid(WEEK_HOURS),
            intervals,
            cumulative,
            open_per_week: acc,
        }
    }

    /// The open intervals, `[open, close)` in hours since Monday 00:00, sorted.
    pub fn intervals(&self) -> &[(f64, f64)] {
        &self.intervals
    }

    /// The open windows between simulated times `from` and `to`, clipped to them.
    pub fn open_windows(&self, from: f64, to: f64) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::new();
        if self.is_always_open() {
            return if to > from { vec![(from, to)] } else { out };
        }
        let mut t = from;
        while t < to {
            let Some(open) = self.next_open(t) else { break };
            if open >= to {
                break;
            }
            // The end of this opening: where the interval containing it closes.
            let (week, w) = self.week_parts(open);
            let base = week * WEEK_HOURS - self.start_week_hours;
            let close = self
                .intervals
                .iter()
                .find(|&&(a, b)| w + EPS >= a && w + EPS < b)
                .map_or(open, |&(_, b)| base + b);
            let close = close.max(open + EPS).min(to);
            match out.last_mut() {
                Some(last) if open <= last.1 + EPS => last.1 = close,
                _ => out.push((open, close)),
            }
            t = close;
        }
        out
    }

    /// Open only when both `self` and `other` are (they share the scenario start).
    pub fn intersect(&self, other: &WeeklyHours) -> WeeklyHours {
        let mut out = Vec::new();
        let (a, b) = (&self.intervals, &other.intervals);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (lo, hi) = (a[i].0.max(b[j].0), a[i].1.min(b[j].1));
            if hi > lo + EPS {
                out.push((lo, hi));
            }
            if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
        }
        WeeklyHours::new(self.start_week_hours, out)
    }

    /// The end of the opening under way at simulated time `t`, or of the next one.
    pub fn next_close(&self, t: f64) -> Option<f64> {
        if self.is_always_open() || self.is_never_open() {
            return None;
        }
        let open = if self.is_open(t) { t } else { self.next_open(t)? };
        self.open_windows(open, open + WEEK_HOURS).first().map(|w| w.1)
    }

    /// Open hours in a full week.
    pub fn open_hours_per_week(&self) -> f64 {
        self.open_per_week
    }

    /// True if it is never open.
    pub fn is_never_open(&self) -> bool {
        self.open_per_week <= EPS
    }

    /// True if it is always open.
    pub fn is_always_open(&self) -> bool {
        self.open_per_week >= WEEK_HOURS - EPS
    }

    fn week_parts(&self, t: f64) -> (f64, f64) {
        let abs = t + self.start_week_hours;
        let week = (abs / WEEK_HOURS).floor();
        (week, abs - week * WEEK_HOURS)
    }

    /// Is it open at simulated time `t`?
    pub fn is_open(&self, t: f64) -> bool {
        if self.is_always_open() {
            return true;
        }
        let (_, w) = self.week_parts(t);
        self.intervals.iter().any(|&(a, b)| w + EPS >= a && w + EPS < b)
    }

    /// The earliest time at or after `t` when it is open; `None` if never open.
    pub fn next_open(&self, t: f64) -> Option<f64> {
        if self.is_never_open() {
            return None;
        }
        if self.is_open(t) {
            return Some(t);
        }
        let (week, w) = self.week_parts(t);
        let base = week * WEEK_HOURS - self.start_week_hours;
        let next = match self.intervals.iter().find(|&&(a, _)| a > w) {
            Some(&(a, _)) => base + a,
            None => base + WEEK_HOURS + self.intervals[0].0,
        };
        Some(next.max(t))
    }

    /// Open hours from the Monday 00:00 before the scenario start up to simulated time
    /// `t`; differences give the open hours between two simulated times.
    fn open_before(&self, t: f64) -> f64 {
        let (week, w) = self.week_parts(t);
        let mut within = 0.0;
        for (i, &(a, b)) in self.intervals.iter().enumerate() {
            if w <= a {
                break;
            }
            within = self.cumulative[i] + (w.min(b) - a);
        }
        week * self.open_per_week + within
    }

    /// Open hours between simulated times `from` and `to` (`from <= to`).
    pub fn open_hours_between(&self, from: f64, to: f64) -> f64 {
        if to <= from {
            return 0.0;
        }
        if self.is_always_open() {
            return to - from;
        }
        (self.open_before(to) - self.open_before(from)).max(0.0)
    }
}

/// Recurring weekly departure times plus one-off dated ones, on the simulation clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Timetable {
    start_week_hours: f64,
    /// Sorted hours of the week at which a departure recurs every week.
    weekly: Vec<f64>,
    /// Sorted one-off departure times, in simulated hours.
    once: Vec<f64>,
}

impl Timetable {
    /// A timetable from weekly recurring times (hours of the week) and one-off times
    /// (simulated hours); duplicates are removed.
    pub fn new(start_week_hours: f64, mut weekly: Vec<f64>, mut once: Vec<f64>) -> Self {
        for w in &mut weekly {
            *w = w.rem_euclid(WEEK_HOURS);
        }
        weekly.sort_by(f64::total_cmp);
        weekly.dedup_by(|a, b| (*a - *b).abs() < EPS);
        once.sort_by(f64::total_cmp);
        once.dedup_by(|a, b| (*a - *b).abs() < EPS);
        Self {
            start_week_hours: start_week_hours.rem_euclid(WEEK_HOURS),
            weekly,
            once,
        }
    }

    /// The weekly departure times, in hours since Monday 00:00, sorted.
    pub fn weekly(&self) -> &[f64] {
        &self.weekly
    }

    /// The one-off departure times, in simulated hours, sorted.
    pub fn once(&self) -> &[f64] {
        &self.once
    }

    /// True if a one-off (dated) departure remains after `t`.
    pub fn has_once_after(&self, t: f64) -> bool {
        self.once.last().is_some_and(|&x| x > t + EPS)
    }

    /// True if there is no departure at all.
    pub fn is_empty(&self) -> bool {
        self.weekly.is_empty() && self.once.is_empty()
    }

    /// The first departure at or after `t` (`inclusive`) or strictly after `t`.
    pub fn next(&self, t: f64, inclusive: bool) -> Option<f64> {
        let after = |x: f64| if inclusive { x >= t - EPS } else { x > t + EPS };
        let mut best: Option<f64> = self.once.iter().copied().find(|&x| after(x));
        if !self.weekly.is_empty() {
            let abs = t + self.start_week_hours;
            let week = (abs / WEEK_HOURS).floor();
            'weeks: for k in 0..2 {
                let base = (week + f64::from(k)) * WEEK_HOURS - self.start_week_hours;
                for &w in &self.weekly {
                    let x = base + w;
                    if after(x) {
                        best = Some(best.map_or(x, |b| b.min(x)));
                        break 'weeks;
                    }
                }
            }
        }
        best.map(|x| x.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weekdays 09:00-17:00, scenario starting Monday 08:00.
    fn office() -> WeeklyHours {
        let raw = (0..5)
            .map(|d| (d as f64 * 24.0 + 9.0, d as f64 * 24.0 + 17.0))
            .collect();
        WeeklyHours::new(8.0, raw)
    }

    #[test]
    fn office_hours() {
        let h = office();
        assert!(!h.is_open(0.0)); // Monday 08:00
        assert!(h.is_open(1.0)); // 09:00
        assert!(!h.is_open(9.0)); // 17:00: closed at the end instant
        assert_eq!(h.next_open(0.0), Some(1.0));
        assert_eq!(h.next_open(9.0), Some(25.0)); // Tuesday 09:00
        // Friday 17:00 is 4*24+9 = 105 h after start; next open Monday 09:00 = 168+1.
        assert_eq!(h.next_open(105.0), Some(169.0));
        assert_eq!(h.open_hours_per_week(), 40.0);
        assert!((h.open_hours_between(0.0, 168.0) - 40.0).abs() < 1e-9);
        assert!((h.open_hours_between(0.0, 5.0) - 4.0).abs() < 1e-9);
        assert!((h.open_hours_between(3.0, 27.0) - (6.0 + 2.0)).abs() < 1e-9);
        assert!((h.open_hours_between(0.0, 168.0 * 3.0 + 2.0) - 121.0).abs() < 1e-9);
    }

    #[test]
    fn open_windows_follow_the_hours() {
        let h = office();
        // From Monday 08:00 for two days: Monday 09-17 and Tuesday 09-17.
        assert_eq!(h.open_windows(0.0, 48.0), vec![(1.0, 9.0), (25.0, 33.0)]);
        assert_eq!(h.open_windows(3.0, 26.0), vec![(3.0, 9.0), (25.0, 26.0)]);
        assert_eq!(WeeklyHours::always(0.0).open_windows(2.0, 5.0), vec![(2.0, 5.0)]);
        // Overnight across the week's end is one window.
        let night = WeeklyHours::new(0.0, vec![(6.0 * 24.0 + 22.0, 7.0 * 24.0 + 6.0)]);
        assert_eq!(night.open_windows(160.0, 180.0), vec![(166.0, 174.0)]);
    }

    #[test]
    fn overnight_wraps_across_the_week() {
        // Sunday 22:00 to Monday 06:00.
        let h = WeeklyHours::new(0.0, vec![(6.0 * 24.0 + 22.0, 7.0 * 24.0 + 6.0)]);
        assert!(h.is_open(0.0));
        assert!(h.is_open(5.5));
        assert!(!h.is_open(6.0));
        assert!(h.is_open(6.0 * 24.0 + 23.0));
        assert_eq!(h.open_hours_per_week(), 8.0);
        assert_eq!(h.next_open(7.0), Some(166.0));
    }

    #[test]
    fn never_and_always() {
        let never = WeeklyHours::new(0.0, vec![]);
        assert!(never.is_never_open());
        assert_eq!(never.next_open(3.0), None);
        let always = WeeklyHours::always(17.0);
        assert!(always.is_open(1234.5));
        assert_eq!(always.open_hours_between(2.0, 5.0), 3.0);
    }

    #[test]
    fn timetable_daily_and_dated() {
        // Daily 09:00, starting Wednesday 10:00 (hour of week 58).
        let weekly = (0..7).map(|d| d as f64 * 24.0 + 9.0).collect();
        let t = Timetable::new(58.0, weekly, vec![5.0]);
        assert_eq!(t.next(0.0, true), Some(5.0));
        assert_eq!(t.next(5.0, false), Some(23.0)); // Thursday 09:00
        assert_eq!(t.next(23.0, true), Some(23.0));
        assert_eq!(t.next(23.0, false), Some(47.0));
        // Crosses the week boundary: Sunday 09:00 then Monday 09:00.
        let sunday = 6.0 * 24.0 + 9.0 - 58.0;
        assert_eq!(t.next(sunday, false), Some(sunday + 24.0));
        assert_eq!(Timetable::new(0.0, vec![], vec![]).next(0.0, true), None);
    }
}
