//! Time series across replications, on a fixed grid. For every grid point and series:
//! an exact histogram of the count at the point, an exact histogram of the largest
//! count held in the window ending at the point, and the sum of the windows' integrals
//! (in whole micro-person-hours, so sums are exact integers). Memory depends on the grid
//! and on how many distinct counts occur, not on the number of replications;
//! histograms and sums of disjoint sets of replications add up exactly, so shards merge
//! to the same result in any order.

use crate::model::{Samples, SeriesSpec};

/// An exact histogram of whole counts: (value, replications) pairs sorted by value.
/// A sorted vector rather than a tree: few distinct values occur per cell, so a binary
/// search over contiguous memory is the cheapest way to count one more.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hist(Vec<(u32, u64)>);

impl Hist {
    /// Counts `n` more replications with `value`.
    #[inline]
    pub fn add(&mut self, value: u32, n: u64) {
        match self.0.binary_search_by_key(&value, |e| e.0) {
            Ok(i) => self.0[i].1 += n,
            Err(i) => self.0.insert(i, (value, n)),
        }
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Hist) {
        for &(v, n) in &other.0 {
            self.add(v, n);
        }
    }

    /// The (value, replications) pairs, by value.
    pub fn pairs(&self) -> &[(u32, u64)] {
        &self.0
    }

    /// A histogram from pairs in any order (repeated values are added up).
    pub fn from_pairs(pairs: &[(u32, u64)]) -> Self {
        let mut h = Hist::default();
        for &(v, n) in pairs {
            h.add(v, n);
        }
        h
    }

    /// The largest value counted.
    pub fn max(&self) -> Option<u32> {
        self.0.last().map(|e| e.0)
    }

    /// Replications counted.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|e| e.1).sum()
    }
}

/// Window integrals are summed in these units of count x hours.
pub const INTEGRAL_UNIT: f64 = 1e-6;

/// Counts per (grid point, series) over replications.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeSeries {
    pub spec: SeriesSpec,
    /// `hist[k * width + j]`: count at point k of series j -> number of replications.
    pub hist: Vec<Hist>,
    /// `max_hist[k * width + j]`: largest count in the window ending at point k ->
    /// number of replications.
    pub max_hist: Vec<Hist>,
    /// `integral_sum[k * width + j]`: the window integrals of every replication, summed,
    /// in [`INTEGRAL_UNIT`]s.
    pub integral_sum: Vec<u128>,
    pub replications: u64,
}

/// The `i`-th smallest value (0-based) in a histogram.
fn order_statistic(h: &Hist, i: u64) -> f64 {
    let mut seen = 0;
    for &(v, c) in h.pairs() {
        seen += c;
        if seen > i {
            return f64::from(v);
        }
    }
    f64::NAN
}

/// Quantile `q` of a histogram of `n` values, interpolated like
/// [`crate::stats::quantile_sorted`] (type 7), exact.
fn quantile(h: &Hist, n: u64, q: f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let pos = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = pos.floor() as u64;
    let a = order_statistic(h, lo);
    let b = order_statistic(h, (lo + 1).min(n - 1));
    a + (pos - lo as f64) * (b - a)
}

impl TimeSeries {
    /// No replications yet.
    pub fn new(spec: SeriesSpec) -> Self {
        let n = spec.points * spec.sources.len();
        Self {
            spec,
            hist: vec![Hist::default(); n],
            max_hist: vec![Hist::default(); n],
            integral_sum: vec![0; n],
            replications: 0,
        }
    }

    fn width(&self) -> usize {
        self.spec.sources.len()
    }

    /// Adds one replication's samples.
    pub fn add(&mut self, samples: &Samples) {
        for (h, &v) in self.hist.iter_mut().zip(&samples.value) {
            h.add(v, 1);
        }
        for (h, &v) in self.max_hist.iter_mut().zip(&samples.max) {
            h.add(v, 1);
        }
        for (sum, &x) in self.integral_sum.iter_mut().zip(&samples.integral) {
            *sum += (x.max(0.0) / INTEGRAL_UNIT).round() as u128;
        }
        self.replications += 1;
    }

    /// Adds the histograms and sums of another set of replications on the same grid.
    pub fn merge(&mut self, other: &TimeSeries) {
        for (h, o) in self.hist.iter_mut().zip(&other.hist) {
            h.merge(o);
        }
        for (h, o) in self.max_hist.iter_mut().zip(&other.max_hist) {
            h.merge(o);
        }
        for (s, o) in self.integral_sum.iter_mut().zip(&other.integral_sum) {
            *s += o;
        }
        self.replications += other.replications;
    }

    /// Quantile `q` across replications of the count at point `k` of series `j`.
    pub fn quantile(&self, k: usize, j: usize, q: f64) -> f64 {
        quantile(&self.hist[k * self.width() + j], self.replications, q)
    }

    /// Mean across replications of the count at point `k` of series `j`.
    pub fn mean(&self, k: usize, j: usize) -> f64 {
        if self.replications == 0 {
            return f64::NAN;
        }
        let sum: f64 = self.hist[k * self.width() + j]
            .pairs()
            .iter()
            .map(|&(v, c)| f64::from(v) * c as f64)
            .sum();
        sum / self.replications as f64
    }

    /// Quantile `q` across replications of the largest count in the window ending at
    /// point `k` of series `j`.
    pub fn max_quantile(&self, k: usize, j: usize, q: f64) -> f64 {
        quantile(&self.max_hist[k * self.width() + j], self.replications, q)
    }

    /// The largest count in the window ending at point `k` of series `j` in any
    /// replication.
    pub fn max_max(&self, k: usize, j: usize) -> f64 {
        self.max_hist[k * self.width() + j].max().map_or(f64::NAN, f64::from)
    }

    /// Mean across replications of the time-averaged count over the window ending at
    /// point `k` of series `j` (NaN for point 0, whose window is empty).
    pub fn window_mean(&self, k: usize, j: usize) -> f64 {
        if self.replications == 0 || k == 0 {
            return f64::NAN;
        }
        let total = self.integral_sum[k * self.width() + j] as f64 * INTEGRAL_UNIT;
        total / self.replications as f64 / self.spec.window_hours(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::SeriesKey;
    use crate::stats::quantile_sorted;

    fn one(value: u32, max: u32, integral: f64) -> Samples {
        Samples {
            value: vec![value],
            max: vec![max],
            integral: vec![integral],
        }
    }

    #[test]
    fn quantiles_match_sorting_and_merging_is_exact() {
        let spec = SeriesSpec {
            grid_hours: 2.0,
            points: 1,
            end_hours: 0.0,
            names: vec!["x".into()],
            sources: vec![SeriesKey::Home],
        };
        let values = [5u32, 1, 9, 9, 3, 7, 2, 2, 8];
        let mut all = TimeSeries::new(spec.clone());
        let (mut a, mut b) = (TimeSeries::new(spec.clone()), TimeSeries::new(spec));
        for (i, &v) in values.iter().enumerate() {
            let s = one(v, v + 1, 0.1 * f64::from(v));
            all.add(&s);
            if i < 4 { a.add(&s) } else { b.add(&s) }
        }
        b.merge(&a);
        assert_eq!(b, all);
        let mut sorted: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            assert_eq!(all.quantile(0, 0, q), quantile_sorted(&sorted, q), "q = {q}");
            assert_eq!(all.max_quantile(0, 0, q), quantile_sorted(&sorted, q) + 1.0, "q = {q}");
        }
        assert!((all.mean(0, 0) - 46.0 / 9.0).abs() < 1e-12);
        assert_eq!(all.max_max(0, 0), 10.0);
        assert!(all.window_mean(0, 0).is_nan(), "point 0's window is empty");
    }
}
