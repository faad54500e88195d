//! Global sensitivity analysis of a model `f` on the unit cube: Sobol indices (Saltelli's
//! sampling; the first-order estimator of Saltelli et al. 2010 and the total-effect
//! estimator of Jansen 1999, both as in Saltelli et al., "Variance based sensitivity
//! analysis of model output", Comput. Phys. Commun. 181, 2010, table 2) with bootstrap
//! confidence intervals, and Morris elementary effects (mu*, sigma) for cheap screening.
//!
//! The design is drawn from a random stream keyed by the seed, so the same seed gives
//! the same points; the estimators take the model's values, so they are checked on a
//! function with known indices (Ishigami, in the tests) through exactly this code.

use crate::engine::{Stream, StreamKey, stream};
use rand::RngExt;

/// Saltelli's design for `d` inputs and `k` base samples: the points of A, then B, then
/// for each input i the matrix AB_i (A with column i taken from B). `k * (d + 2)` points
/// in [0, 1)^d.
pub fn saltelli_design(d: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng: Stream = stream(seed, 0, StreamKey::new("stats", "sensitivity", "sobol-design"));
    let a: Vec<Vec<f64>> = (0..k).map(|_| (0..d).map(|_| rng.random::<f64>()).collect()).collect();
    let b: Vec<Vec<f64>> = (0..k).map(|_| (0..d).map(|_| rng.random::<f64>()).collect()).collect();
    let mut out = Vec::with_capacity(k * (d + 2));
    out.extend(a.iter().cloned());
    out.extend(b.iter().cloned());
    for i in 0..d {
        for j in 0..k {
            let mut p = a[j].clone();
            p[i] = b[j][i];
            out.push(p);
        }
    }
    out
}

/// A Sobol index with its bootstrap 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Index {
    pub value: f64,
    pub ci95: [f64; 2],
}

/// First-order and total-effect indices of one input.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct SobolIndices {
    pub first_order: Index,
    pub total: Index,
}

fn variance(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = xs.clone().count() as f64;
    let mean = xs.clone().sum::<f64>() / n;
    xs.map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)
}

/// Point estimates over the base samples `rows` (indices into 0..k).
fn estimate(y: &[f64], d: usize, k: usize, rows: &[usize]) -> Vec<(f64, f64)> {
    let fa = |j: usize| y[j];
    let fb = |j: usize| y[k + j];
    let fab = |i: usize, j: usize| y[(2 + i) * k + j];
    let v = variance(rows.iter().map(|&j| fa(j)).chain(rows.iter().map(|&j| fb(j))));
    let m = rows.len() as f64;
    (0..d)
        .map(|i| {
            let s = rows.iter().map(|&j| fb(j) * (fab(i, j) - fa(j))).sum::<f64>() / m / v;
            let t = rows.iter().map(|&j| (fa(j) - fab(i, j)).powi(2)).sum::<f64>() / m / 2.0 / v;
            (s, t)
        })
        .collect()
}

/// Sobol indices of each of `d` inputs from the model values `y` at the points of
/// [`saltelli_design`] (same order), with 95% percentile intervals from `resamples`
/// bootstrap resamples of the base samples (seeded). NaN where the output has no
/// variance.
pub fn sobol_indices(y: &[f64], d: usize, k: usize, resamples: usize, seed: u64) -> Vec<SobolIndices> {
    assert_eq!(y.len(), k * (d + 2), "one value per design point");
    // Centred on the mean of A and B: the indices do not change, but the first-order
    // estimator's variance grows with the output's mean (a makespan of 10 days that
    // varies by 1 would otherwise give intervals wider than the index's range).
    let centre = y[..2 * k].iter().sum::<f64>() / (2 * k) as f64;
    let centred: Vec<f64> = y.iter().map(|v| v - centre).collect();
    let y = &centred[..];
    let all: Vec<usize> = (0..k).collect();
    let point = estimate(y, d, k, &all);
    let mut rng: Stream = stream(seed, 0, StreamKey::new("stats", "sensitivity", "bootstrap"));
    let mut boot: Vec<Vec<(f64, f64)>> = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        let rows: Vec<usize> = (0..k).map(|_| rng.random_range(0..k)).collect();
        boot.push(estimate(y, d, k, &rows));
    }
    let interval = |xs: Vec<f64>| -> [f64; 2] {
        let mut xs: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
        if xs.len() < 2 {
            return [f64::NAN, f64::NAN];
        }
        xs.sort_by(f64::total_cmp);
        [super::quantile_sorted(&xs, 0.025), super::quantile_sorted(&xs, 0.975)]
    };
    (0..d)
        .map(|i| SobolIndices {
            first_order: Index {
                value: point[i].0,
                ci95: interval(boot.iter().map(|b| b[i].0).collect()),
            },
            total: Index {
                value: point[i].1,
                ci95: interval(boot.iter().map(|b| b[i].1).collect()),
            },
        })
        .collect()
}

/// Morris' design: `r` trajectories of `d + 1` points on a 4-level grid of [0, 1]^d,
/// each moving one input at a time by 2/3 (in a random order and direction that stays in
/// the cube). Returns the points and, per trajectory step, which input moved and by how
/// much (+-2/3).
pub fn morris_design(d: usize, r: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<(usize, f64)>) {
    let mut rng: Stream = stream(seed, 0, StreamKey::new("stats", "sensitivity", "morris-design"));
    let delta = 2.0 / 3.0;
    let mut points = Vec::with_capacity(r * (d + 1));
    let mut steps = Vec::with_capacity(r * d);
    for _ in 0..r {
        let mut x: Vec<f64> = (0..d).map(|_| f64::from(rng.random_range(0..4u8)) / 3.0).collect();
        points.push(x.clone());
        let mut order: Vec<usize> = (0..d).collect();
        for i in (1..d).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        for &i in &order {
            let step = if x[i] + delta <= 1.0 + 1e-12 { delta } else { -delta };
            x[i] += step;
            points.push(x.clone());
            steps.push((i, step));
        }
    }
    (points, steps)
}

/// Morris' measures of one input: the mean of absolute elementary effects (importance)
/// and their standard deviation (interaction or non-linearity), per unit of the input's
/// whole range.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct MorrisMeasures {
    pub mu_star: f64,
    pub sigma: f64,
}

/// Morris measures from the model values `y` at the points of [`morris_design`].
pub fn morris_measures(y: &[f64], d: usize, r: usize, steps: &[(usize, f64)]) -> Vec<MorrisMeasures> {
    let mut effects: Vec<Vec<f64>> = vec![Vec::with_capacity(r); d];
    for t in 0..r {
        for s in 0..d {
            let (i, step) = steps[t * d + s];
            let before = y[t * (d + 1) + s];
            let after = y[t * (d + 1) + s + 1];
            effects[i].push((after - before) / step);
        }
    }
    effects
        .into_iter()
        .map(|e| {
            let n = e.len() as f64;
            let mean = e.iter().sum::<f64>() / n;
            MorrisMeasures {
                mu_star: e.iter().map(|x| x.abs()).sum::<f64>() / n,
                sigma: (e.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// The Ishigami function on [-pi, pi]^3 (a = 7, b = 0.1), from the unit cube.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn sobol_indices_of_the_ishigami_function_match_the_analytic_ones() {
        let (a, b) = (7.0f64, 0.1f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * 8.0 / 225.0;
        let v = v1 + v2 + v13;
        let first = [v1 / v, v2 / v, 0.0];
        let total = [(v1 + v13) / v, v2 / v, v13 / v];
        let k = 8192;
        let y: Vec<f64> = saltelli_design(3, k, 42).iter().map(|p| ishigami(p)).collect();
        let s = sobol_indices(&y, 3, k, 300, 42);
        for i in 0..3 {
            let (f, t) = (s[i].first_order, s[i].total);
            assert!(
                f.ci95[0] <= first[i] && first[i] <= f.ci95[1],
                "S{}: {f:?} vs {}",
                i + 1,
                first[i]
            );
            assert!(
                t.ci95[0] <= total[i] && total[i] <= t.ci95[1],
                "ST{}: {t:?} vs {}",
                i + 1,
                total[i]
            );
            assert!((f.value - first[i]).abs() < 0.05 && (t.value - total[i]).abs() < 0.05);
        }
    }

    #[test]
    fn morris_ranks_the_ishigami_inputs_and_finds_a_linear_input_exactly() {
        let r = 200;
        let (points, steps) = morris_design(3, r, 7);
        assert_eq!(points.len(), r * 4);
        assert!(points.iter().flatten().all(|x| (-1e-12..=1.0 + 1e-12).contains(x)));
        let y: Vec<f64> = points.iter().map(|p| ishigami(p)).collect();
        let m = morris_measures(&y, 3, r, &steps);
        // x3 matters only through its interaction with x1: large sigma relative to mu*.
        assert!(m[0].mu_star > m[2].mu_star * 0.5 && m[1].mu_star > 0.0);
        // A linear function: every elementary effect is its slope, sigma 0.
        let y: Vec<f64> = points.iter().map(|p| 3.0 * p[0] - 2.0 * p[1]).collect();
        let m = morris_measures(&y, 3, r, &steps);
        assert!((m[0].mu_star - 3.0).abs() < 1e-9 && m[0].sigma < 1e-9);
        assert!((m[1].mu_star - 2.0).abs() < 1e-9 && m[2].mu_star == 0.0);
    }
}
