//! The paired bootstrap: a 95% CI for the change in any statistic (a percentile, a
//! mean) between two samples paired replication by replication (common random
//! numbers), when no formula gives one.

use super::quantile_sorted;
use crate::engine::{Stream, StreamKey, stream};
use rand::RngExt;

/// Resamples drawn for a bootstrap CI.
pub const RESAMPLES: usize = 1000;

/// `stat(b) - stat(a)` with its 95% percentile-bootstrap CI, resampling the pairs
/// `(a[i], b[i])` [`RESAMPLES`] times from a stream keyed by `seed` (so the interval
/// is reproducible). The CI is undefined (NaN) with fewer than 10 pairs, or when more
/// than a tenth of the resamples give no value (NaN); an infinite change (a censored
/// makespan percentile beyond the horizon in one plan and not the other) is a value.
pub fn paired_change(a: &[f64], b: &[f64], seed: u64, stat: &dyn Fn(&[f64]) -> f64) -> [f64; 3] {
    let point = stat(b) - stat(a);
    let n = a.len().min(b.len());
    if n < 10 {
        return [point, f64::NAN, f64::NAN];
    }
    let mut rng: Stream = stream(seed, 0, StreamKey::new("stats", "bootstrap", "paired"));
    let mut diffs: Vec<f64> = Vec::with_capacity(RESAMPLES);
    let (mut ra, mut rb) = (vec![0.0; n], vec![0.0; n]);
    for _ in 0..RESAMPLES {
        for k in 0..n {
            let i = rng.random_range(0..n);
            ra[k] = a[i];
            rb[k] = b[i];
        }
        // An infinite difference (a censored makespan percentile moving beyond the
        // horizon or back within it) is an outcome and counts; an undefined one does not.
        let d = stat(&rb) - stat(&ra);
        if !d.is_nan() {
            diffs.push(d);
        }
    }
    diffs.sort_by(f64::total_cmp);
    if diffs.len() < RESAMPLES * 9 / 10 {
        return [point, f64::NAN, f64::NAN];
    }
    [point, quantile_sorted(&diffs, 0.025), quantile_sorted(&diffs, 0.975)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_shift_is_recovered_exactly_with_a_zero_width_interval() {
        let a: Vec<f64> = (0..50).map(f64::from).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 2.5).collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let c = paired_change(&a, &b, 7, &mean);
        assert!(c.iter().all(|x| (x - 2.5).abs() < 1e-12), "{c:?}");
    }

    #[test]
    fn too_few_pairs_give_an_undefined_interval() {
        let c = paired_change(&[1.0; 5], &[2.0; 5], 7, &|v: &[f64]| v[0]);
        assert_eq!(c[0], 1.0);
        assert!(c[1].is_nan() && c[2].is_nan());
    }

    #[test]
    fn noise_gives_an_interval_around_the_true_change() {
        // b = a + 1 + small noise: the CI of the mean change holds 1.
        let a: Vec<f64> = (0..200).map(|i| f64::from(i % 17)).collect();
        let b: Vec<f64> = a
            .iter()
            .enumerate()
            .map(|(i, x)| x + 1.0 + if i % 2 == 0 { 0.1 } else { -0.1 })
            .collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let c = paired_change(&a, &b, 7, &mean);
        assert!(c[1] < 1.0 && 1.0 < c[2] && c[2] - c[1] < 0.05, "{c:?}");
    }
}
