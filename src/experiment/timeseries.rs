//! Time series across replications: for every grid point and series, an exact histogram
//! of the integer counts seen. Memory depends on the grid and on how many distinct
//! counts occur, not on the number of replications; histograms of disjoint sets of
//! replications add up exactly, so shards merge to the same result in any order.

use crate::model::SeriesSpec;
use std::collections::BTreeMap;

/// Counts per (grid point, series) over replications.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeSeries {
    pub spec: SeriesSpec,
    /// `hist[k * width + j]`: value -> number of replications, for point k, series j.
    pub hist: Vec<BTreeMap<u32, u64>>,
    pub replications: u64,
}

impl TimeSeries {
    /// No replications yet.
    pub fn new(spec: SeriesSpec) -> Self {
        let n = spec.points * spec.sources.len();
        Self {
            spec,
            hist: vec![BTreeMap::new(); n],
            replications: 0,
        }
    }

    fn width(&self) -> usize {
        self.spec.sources.len()
    }

    /// Adds one replication's samples (point-major, as `World::samples`).
    pub fn add(&mut self, samples: &[u32]) {
        for (h, &v) in self.hist.iter_mut().zip(samples) {
            *h.entry(v).or_default() += 1;
        }
        self.replications += 1;
    }

    /// Adds the histograms of another set of replications on the same grid.
    pub fn merge(&mut self, other: &TimeSeries) {
        for (h, o) in self.hist.iter_mut().zip(&other.hist) {
            for (&v, &c) in o {
                *h.entry(v).or_default() += c;
            }
        }
        self.replications += other.replications;
    }

    /// The `i`-th smallest value (0-based) at point `k` of series `j`.
    fn order_statistic(&self, k: usize, j: usize, i: u64) -> f64 {
        let mut seen = 0;
        for (&v, &c) in &self.hist[k * self.width() + j] {
            seen += c;
            if seen > i {
                return f64::from(v);
            }
        }
        f64::NAN
    }

    /// Quantile `q` at point `k` of series `j`, interpolated like
    /// [`crate::stats::quantile_sorted`] (type 7), exact.
    pub fn quantile(&self, k: usize, j: usize, q: f64) -> f64 {
        let n = self.replications;
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
        let lo = h.floor() as u64;
        let a = self.order_statistic(k, j, lo);
        let b = self.order_statistic(k, j, (lo + 1).min(n - 1));
        a + (h - lo as f64) * (b - a)
    }

    /// Mean at point `k` of series `j`.
    pub fn mean(&self, k: usize, j: usize) -> f64 {
        if self.replications == 0 {
            return f64::NAN;
        }
        let sum: f64 = self.hist[k * self.width() + j]
            .iter()
            .map(|(&v, &c)| f64::from(v) * c as f64)
            .sum();
        sum / self.replications as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::SeriesKey;
    use crate::stats::quantile_sorted;

    #[test]
    fn quantiles_match_sorting_and_merging_is_exact() {
        let spec = SeriesSpec {
            grid_hours: 1.0,
            points: 1,
            names: vec!["x".into()],
            sources: vec![SeriesKey::Home],
        };
        let values = [5u32, 1, 9, 9, 3, 7, 2, 2, 8];
        let mut all = TimeSeries::new(spec.clone());
        let (mut a, mut b) = (TimeSeries::new(spec.clone()), TimeSeries::new(spec));
        for (i, &v) in values.iter().enumerate() {
            all.add(&[v]);
            if i < 4 { a.add(&[v]) } else { b.add(&[v]) }
        }
        b.merge(&a);
        assert_eq!(b, all);
        let mut sorted: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            assert_eq!(all.quantile(0, 0, q), quantile_sorted(&sorted, q), "q = {q}");
        }
        assert!((all.mean(0, 0) - 46.0 / 9.0).abs() < 1e-12);
    }
}
