//! Spearman's rank correlation with a confidence interval: how closely an outcome
//! follows an uncertain input across replications, without assuming the relation is
//! a straight line.

/// Ranks of `xs` (1-based; ties share their average rank). NaN counts as larger than
/// every number (an unfinished replication's makespan is later than any finished one).
pub fn ranks(xs: &[f64]) -> Vec<f64> {
    let key = |x: f64| if x.is_nan() { f64::INFINITY } else { x };
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| key(xs[a]).total_cmp(&key(xs[b])));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && key(xs[order[j + 1]]) == key(xs[order[i]]) {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// A rank correlation and its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Correlation {
    pub rho: f64,
    pub ci95: [f64; 2],
    pub n: usize,
}

impl Correlation {
    /// True if the interval excludes zero.
    pub fn detectable(&self) -> bool {
        self.ci95[0] > 0.0 || self.ci95[1] < 0.0
    }
}

/// Spearman's rho of `x` and `y` (paired), with the Fisher-z interval using the
/// variance 1.06 / (n - 3) of Fieller, Hartley and Pearson (1957). `None` with fewer
/// than 4 pairs or when either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<Correlation> {
    let n = x.len().min(y.len());
    if n < 4 {
        return None;
    }
    let (rx, ry) = (ranks(&x[..n]), ranks(&y[..n]));
    let mean = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mean) * (b - mean);
        sxx += (a - mean) * (a - mean);
        syy += (b - mean) * (b - mean);
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    let rho = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let z = rho.clamp(-0.999_999, 0.999_999).atanh();
    let half = 1.96 * (1.06 / (n as f64 - 3.0)).sqrt();
    Some(Correlation {
        rho,
        ci95: [(z - half).tanh(), (z + half).tanh()],
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_share_ties_and_put_nan_last() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, f64::NAN, 2.0]), vec![3.5, 1.0, 3.5, 5.0, 2.0]);
    }

    #[test]
    fn hand_computed_cases() {
        // A monotone but curved relation is a perfect rank correlation.
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(3)).collect();
        assert_eq!(spearman(&x, &y).unwrap().rho, 1.0);
        let down: Vec<f64> = x.iter().map(|v| -v).collect();
        assert_eq!(spearman(&x, &down).unwrap().rho, -1.0);
        // Ranks 1..5 against 2,1,4,3,5: sum d^2 = 4, rho = 1 - 6*4/(5*24) = 0.8.
        let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]).unwrap();
        assert!((r.rho - 0.8).abs() < 1e-12);
        assert!(r.ci95[0] < 0.8 && 0.8 < r.ci95[1]);
        assert!(spearman(&[1.0, 1.0, 1.0, 1.0], &[1.0, 2.0, 3.0, 4.0]).is_none());
    }

    #[test]
    fn independent_draws_are_rarely_called_correlated() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut detected = 0;
        for _ in 0..400 {
            let x: Vec<f64> = (0..50).map(|_| rng.random::<f64>()).collect();
            let y: Vec<f64> = (0..50).map(|_| rng.random::<f64>()).collect();
            detected += usize::from(spearman(&x, &y).unwrap().detectable());
        }
        // 5% expected: 20 of 400; allow for chance (binomial sd ~4.4).
        assert!(detected <= 36, "{detected} of 400 independent pairs called correlated");
    }
}
