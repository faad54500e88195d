//! Summaries across replications: mean, standard deviation, Student-t confidence
//! interval and quantiles.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// One metric summarised over replications. Missing values (NaN: for example a makespan
/// in a replication where not everyone got home) are left out and counted in `n`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Replications with a value.
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub p05: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub min: f64,
    pub max: f64,
}

/// The values a metric can take in one replication, which its mean's 95% confidence
/// interval must respect: a Student-t interval knows nothing of them, and on a share
/// near 100% or a cost near zero it reaches past what is possible ("88% to 102%", a
/// negative cost), and on a 0/1 outcome that came out the same every time it has width
/// zero, as if 40 replications proved a certainty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Any real number (a difference, a drawn input).
    Real,
    /// Zero or more (counts, durations, levels, costs).
    NonNegative,
    /// A share between 0 and 1.
    UnitInterval,
    /// A number of people from 0 to this many (of a plan or a cohort).
    AtMost(u64),
    /// 1 or 0 in each replication (did everyone get home?): the mean is a proportion,
    /// whose interval is Wilson's score interval.
    Indicator,
}

impl Support {
    /// The 95% CI of the mean of `values` (NaN entries left out) on this support, from
    /// the Student-t interval `(low, high)` computed without it. The t interval is cut
    /// to the possible values: the mean lies among them, so the cut interval covers it
    /// whenever the whole one does. An indicator gets Wilson's score interval (with the
    /// normal quantile), which stays inside [0, 1] and is not empty when every value is
    /// the same: 40 of 40 gives 91.2% to 100%.
    pub fn mean_ci(self, values: &[f64], (low, high): (f64, f64)) -> (f64, f64) {
        // (`clamp` keeps NaN, an undefined bound; `max` would not.)
        let clip = |lo: f64, hi: f64, (a, b): (f64, f64)| (a.clamp(lo, hi), b.clamp(lo, hi));
        match self {
            Support::Real => (low, high),
            Support::NonNegative => clip(0.0, f64::INFINITY, (low, high)),
            Support::UnitInterval => clip(0.0, 1.0, (low, high)),
            Support::AtMost(n) => clip(0.0, n as f64, (low, high)),
            Support::Indicator => {
                let xs = values.iter().filter(|x| !x.is_nan());
                let (mut n, mut ones) = (0u64, 0u64);
                for &x in xs {
                    if x != 0.0 && x != 1.0 {
                        // Not a 0/1 outcome after all: the cut t interval.
                        return Support::UnitInterval.mean_ci(values, (low, high));
                    }
                    n += 1;
                    ones += (x == 1.0) as u64;
                }
                wilson_interval(ones, n)
            }
        }
    }
}

/// Wilson's 95% score interval for a proportion of `ones` in `n` (NaN for n = 0).
pub fn wilson_interval(ones: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let (low, high) = wilson_at(ones as f64 / n as f64, n as f64);
    // At 0 or n ones the interval ends exactly at 0 or 1 (the formula's rounding aside).
    (if ones == 0 { 0.0 } else { low }, if ones == n { 1.0 } else { high })
}

/// Wilson's 95% score interval around the proportion `p` observed in `n` trials (`n`
/// need not be whole: used to ask how many trials a proportion would need).
pub fn wilson_at(p: f64, n: f64) -> (f64, f64) {
    let z: f64 = 1.959_963_984_540_054;
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (1.96 in the limit).
pub fn t975(df: u64) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    if df >= 1000 {
        // statrs' inverse loses digits for very large df; the Cornish-Fisher expansion
        // around the normal quantile is exact to ~1e-12 here.
        let z: f64 = 1.959_963_984_540_054;
        let v = df as f64;
        let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
        return z
            + (z3 + z) / (4.0 * v)
            + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
            + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v * v * v);
    }
    StudentsT::new(0.0, 1.0, df as f64).map_or(1.959_963_984_540_054, |t| t.inverse_cdf(0.975))
}

/// The `q` quantile of sorted `xs` by linear interpolation between order statistics
/// (Hyndman & Fan type 7, the default of R and NumPy).
pub fn quantile_sorted(xs: &[f64], q: f64) -> f64 {
    quantile_sorted_by(xs.len(), q, |i| xs[i])
}

/// As [`quantile_sorted`], for `n` sorted values read by position through `at` (values
/// kept in another type, e.g. `f32`, without a copy).
pub fn quantile_sorted_by(n: usize, q: f64, at: impl Fn(usize) -> f64) -> f64 {
    match n {
        0 => f64::NAN,
        1 => at(0),
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            let (x_lo, x_hi) = (at(lo), at(hi));
            // Exactly on an order statistic, or between equal ones, the value is that
            // one; between an infinite one and another the infinite one (an infinite
            // value, e.g. a censored makespan or a change to or from one, never makes
            // NaN: -inf + inf would).
            if h == lo as f64 || x_hi == x_lo || x_lo == f64::NEG_INFINITY {
                x_lo
            } else if x_hi == f64::INFINITY {
                x_hi
            } else {
                x_lo + (h - lo as f64) * (x_hi - x_lo)
            }
        }
    }
}

/// The `q` quantile of sorted `xs` as the smallest of them that at least a share `q`
/// do not exceed: the `ceil(q n)`-th smallest (Hyndman & Fan type 1, NumPy's
/// `method="inverted_cdf"`). The makespan's percentiles are these: a replication in
/// which not everyone got home is later than the horizon (+inf), and between it and a
/// finished one there is nothing to interpolate (this is the Kaplan-Meier quantile
/// with every unfinished replication censored at the horizon). So "everyone home by
/// day X in at least 90% of replications" holds for X = the P90 with any number of
/// replications, and the P90 is beyond the horizon only when fewer than 90% finished
/// (interpolated, 36 of 40 finished gave "> horizon" beside a finding of day 8.40).
/// NaN for no values.
pub fn quantile_inverted_cdf(xs: &[f64], q: f64) -> f64 {
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    let share = q.clamp(0.0, 1.0) * n as f64;
    // q n is a whole number more often than its floating-point product says
    // (0.7 * 10 = 7.000000000000001): within rounding of one, it is that number.
    let whole = share.round();
    let rank = if (share - whole).abs() <= 1e-9 * whole.max(1.0) {
        whole
    } else {
        share.ceil()
    };
    xs[(rank as usize).clamp(1, n) - 1]
}

/// A distribution-free 95% confidence interval for the `q` quantile of the population
/// that sorted `xs` were drawn from: order statistics `X(l)` and `X(u)` whose ranks come
/// from the exact binomial distribution of how many of `n` values fall below the
/// quantile, `B ~ Bin(n, q)`: the largest `l` with `P(B < l) <= 2.5%` and the smallest
/// `u` with `P(B >= u) <= 2.5%`, so that each side misses with at most 2.5%. `NaN` for
/// a bound that does not exist (too few values below or above the quantile: below
/// [`replications_for_quantile_ci`] values, or with fewer than two).
pub fn quantile_ci(xs: &[f64], q: f64) -> (f64, f64) {
    let n = xs.len() as u64;
    if n < 2 || !(q > 0.0 && q < 1.0) {
        return (f64::NAN, f64::NAN);
    }
    let (lo, hi) = quantile_ci_ranks(n, q);
    let at = |rank: Option<u64>| rank.map_or(f64::NAN, |r| xs[r as usize - 1]);
    (at(lo), at(hi))
}

/// The 1-based ranks of [`quantile_ci`]'s bounds among `n` values, where they exist.
pub fn quantile_ci_ranks(n: u64, q: f64) -> (Option<u64>, Option<u64>) {
    use statrs::distribution::{Binomial, DiscreteCDF};
    const TAIL: f64 = 0.025;
    let Ok(b) = Binomial::new(q, n) else {
        return (None, None);
    };
    // The first k in 0..=n with pred(k), for a predicate false then true.
    let first = |pred: &dyn Fn(u64) -> bool| {
        let (mut a, mut z) = (0u64, n + 1);
        while a < z {
            let mid = a + (z - a) / 2;
            if pred(mid) {
                z = mid;
            } else {
                a = mid + 1;
            }
        }
        a
    };
    // P(B <= l - 1) <= TAIL: the largest such l is the first k with P(B <= k) > TAIL.
    let lo = first(&|k| b.cdf(k) > TAIL);
    // P(B >= u) = 1 - P(B <= u - 1) <= TAIL: the first u - 1 with P(B <= u - 1) >= 1 - TAIL.
    let hi = first(&|k| b.cdf(k) >= 1.0 - TAIL) + 1;
    ((lo >= 1).then_some(lo), (hi <= n).then_some(hi))
}

/// The fewest values from which [`quantile_ci`] bounds the `q` quantile on both sides:
/// `(1 - q)^n` and `q^n` at most 2.5% (all values above, or all below, the quantile
/// must be that unlikely).
pub fn replications_for_quantile_ci(q: f64) -> Option<u64> {
    if !(q > 0.0 && q < 1.0) {
        return None;
    }
    let tail = 0.025f64.ln();
    let guess = (tail / (1.0 - q).ln()).max(tail / q.ln()).floor();
    if guess.is_nan() || guess >= 1e9 {
        return None;
    }
    let from = (guess as u64).saturating_sub(2).max(2);
    (from..from + 10).find(|&n| {
        let (lo, hi) = quantile_ci_ranks(n, q);
        lo.is_some() && hi.is_some()
    })
}

/// Mean and sample standard deviation (Welford's method, stable for large n); the
/// standard deviation is NaN (undefined) from fewer than two values.
pub fn mean_sd(xs: impl IntoIterator<Item = f64>) -> (u64, f64, f64) {
    let (mut n, mut mean, mut m2) = (0u64, 0.0f64, 0.0f64);
    for x in xs {
        n += 1;
        let d = x - mean;
        mean += d / n as f64;
        m2 += d * (x - mean);
    }
    // A sample's spread needs two values: from one it is undefined (written as null),
    // not zero, which would claim a certainty one replication cannot give.
    let sd = if n > 1 { (m2 / (n - 1) as f64).sqrt() } else { f64::NAN };
    (n, if n > 0 { mean } else { f64::NAN }, sd)
}

impl Summary {
    /// Summarises `values` (NaN entries skipped). `values` need not be sorted.
    pub fn of(values: &[f64]) -> Self {
        let mut xs: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        xs.sort_by(f64::total_cmp);
        let (n, mean, sd) = mean_sd(xs.iter().copied());
        let half = if n > 1 {
            t975(n - 1) * sd / (n as f64).sqrt()
        } else {
            f64::NAN
        };
        // A confidence interval needs at least two values; from one it is undefined.
        let (lo, hi) = (mean - half, mean + half);
        Summary {
            n,
            mean,
            sd,
            ci95_low: lo,
            ci95_high: hi,
            p05: quantile_sorted(&xs, 0.05),
            p10: quantile_sorted(&xs, 0.1),
            p50: quantile_sorted(&xs, 0.5),
            p90: quantile_sorted(&xs, 0.9),
            p95: quantile_sorted(&xs, 0.95),
            min: xs.first().copied().unwrap_or(f64::NAN),
            max: xs.last().copied().unwrap_or(f64::NAN),
        }
    }

    /// As [`Summary::of`], with the mean's 95% CI kept to `support` (see
    /// [`Support::mean_ci`]).
    pub fn of_on(values: &[f64], support: Support) -> Self {
        let mut s = Summary::of(values);
        if s.n > 0 {
            (s.ci95_low, s.ci95_high) = support.mean_ci(values, (s.ci95_low, s.ci95_high));
        }
        s
    }

    /// Half-width of the 95% confidence interval of the mean.
    pub fn ci95_half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        assert!((t975(1) - 12.706_204_736).abs() < 1e-6);
        assert!((t975(10) - 2.228_138_852).abs() < 1e-6);
        assert!((t975(999) - 1.962_341_461).abs() < 1e-6);
        assert!((t975(1000) - 1.962_339_081).abs() < 1e-8);
        assert!((t975(1_000_000) - 1.959_966).abs() < 1e-5);
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(s.p50, 2.5);
        assert!((s.p05 - 1.15).abs() < 1e-12);
        assert!((s.p10 - 1.3).abs() < 1e-12);
        assert!((s.p90 - 3.7).abs() < 1e-12);
        assert!((s.ci95_half_width() - 3.182_446_305 * s.sd / 2.0).abs() < 1e-6);
        assert_eq!((s.min, s.max), (1.0, 4.0));
    }

    #[test]
    fn quantile_intervals_bracket_the_quantile() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let (lo, hi) = quantile_ci(&xs, 0.5);
        // n q = 50, half-width 1.96 * 5 = 9.8: ranks 40 and 61.
        assert_eq!((lo, hi), (40.0, 61.0));
        let (lo, hi) = quantile_ci(&xs, 0.9);
        assert!(lo < 90.0 && hi > 90.0, "{lo} {hi}");
        // Ten values cannot bound the 99th percentile from above.
        assert!(quantile_ci(&xs[..10], 0.99).1.is_nan());
        assert!(quantile_ci(&[1.0], 0.5).0.is_nan());
    }

    /// The ranks are exact binomial ones: each side misses with at most 2.5%, and one
    /// rank further in would miss with more (checked against the binomial terms summed
    /// here); the P90 is bounded on both sides from 36 values (0.9^35 is just above 2.5%).
    #[test]
    fn quantile_ranks_are_exact_binomial() {
        let pmf = |n: u64, q: f64, k: u64| {
            let ln_choose: f64 = (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum();
            (ln_choose + k as f64 * q.ln() + (n - k) as f64 * (1.0 - q).ln()).exp()
        };
        let below = |n: u64, q: f64, l: u64| (0..l).map(|k| pmf(n, q, k)).sum::<f64>();
        for (n, q) in [(50, 0.9), (100, 0.5), (200, 0.95), (37, 0.1), (1000, 0.99)] {
            let (lo, hi) = quantile_ci_ranks(n, q);
            let (l, u) = (lo.unwrap(), hi.unwrap());
            assert!(below(n, q, l) <= 0.025 && below(n, q, l + 1) > 0.025, "{n} {q}: l {l}");
            let above = |u: u64| 1.0 - below(n, q, u);
            assert!(above(u) <= 0.025 + 1e-12 && above(u - 1) > 0.025, "{n} {q}: u {u}");
        }
        assert_eq!(quantile_ci_ranks(50, 0.9).1, Some(50));
        assert_eq!(replications_for_quantile_ci(0.9), Some(36));
        assert_eq!(quantile_ci_ranks(35, 0.9).1, None);
        assert_eq!(replications_for_quantile_ci(0.5), Some(6));
    }

    /// Between an infinite order statistic and another the quantile is the infinite one
    /// (a censored makespan, or a change to or from one), never NaN.
    #[test]
    fn infinite_order_statistics_are_not_interpolated() {
        let xs = [f64::NEG_INFINITY, f64::NEG_INFINITY, 1.0, 2.0, f64::INFINITY];
        assert_eq!(quantile_sorted(&xs, 0.3), f64::NEG_INFINITY);
        assert_eq!(quantile_sorted(&xs, 0.5), 1.0);
        assert_eq!(quantile_sorted(&xs, 0.6), 1.4);
        assert_eq!(quantile_sorted(&xs, 0.9), f64::INFINITY);
        assert_eq!(quantile_sorted(&[1.0, f64::INFINITY], 0.5), f64::INFINITY);
    }

    /// The smallest value at least a share q of them do not exceed, exactly on the
    /// boundary when q n is whole (0.7 * 10 is 7.000000000000001 in floating point),
    /// and +inf only when fewer than q of them are finite.
    #[test]
    fn inverted_cdf_quantiles_are_order_statistics() {
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_inverted_cdf(&ten, 0.7), 7.0);
        assert_eq!(quantile_inverted_cdf(&ten, 0.71), 8.0);
        assert_eq!(quantile_inverted_cdf(&ten, 0.9), 9.0);
        assert_eq!(quantile_inverted_cdf(&ten, 0.0), 1.0);
        assert_eq!(quantile_inverted_cdf(&ten, 1.0), 10.0);
        assert_eq!(quantile_inverted_cdf(&ten, 0.5), 5.0);
        let five = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_inverted_cdf(&five, 0.9), 5.0, "4 of 5 is not 90%");
        let mut forty: Vec<f64> = (1..=36).map(f64::from).collect();
        forty.extend([f64::INFINITY; 4]);
        assert_eq!(quantile_inverted_cdf(&forty, 0.9), 36.0, "36 of 40 finished is 90%");
        assert_eq!(quantile_inverted_cdf(&forty, 0.91), f64::INFINITY);
        assert!(quantile_inverted_cdf(&[], 0.5).is_nan());
        for n in 1..=2000usize {
            for q in [0.05, 0.1, 0.5, 0.9, 0.95, 0.975, 0.99] {
                let xs: Vec<f64> = (1..=n).map(|i| i as f64).collect();
                let x = quantile_inverted_cdf(&xs, q);
                let at_most = x as usize;
                assert!(at_most as f64 >= q * n as f64 - 1e-9, "n {n} q {q}: {x}");
                assert!(
                    ((at_most - 1) as f64) < q * n as f64 - 1e-9 || at_most == 1,
                    "n {n} q {q}: {x}"
                );
            }
        }
    }

    #[test]
    fn empty_and_single() {
        let e = Summary::of(&[]);
        assert_eq!(e.n, 0);
        assert!(e.mean.is_nan());
        let one = Summary::of(&[7.0]);
        assert_eq!(one.mean, 7.0);
        assert!(one.sd.is_nan(), "no spread from one value");
        assert!(
            one.ci95_low.is_nan() && one.ci95_high.is_nan(),
            "no interval from one value"
        );
    }

    #[test]
    fn wilson_matches_newcombes_examples() {
        // Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score
        // interval without continuity correction), to the four decimals printed.
        for (ones, n, low, high) in [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ] {
            let (lo, hi) = wilson_interval(ones, n);
            assert!(
                (lo - low).abs() < 5e-5 && (hi - high).abs() < 5e-5,
                "{ones}/{n}: {lo} to {hi}"
            );
        }
        // All ones: n / (n + z^2) to exactly 1.
        let (lo, hi) = wilson_interval(40, 40);
        assert!((lo - 40.0 / (40.0 + 1.959_963_984_540_054f64.powi(2))).abs() < 1e-12);
        assert_eq!(hi, 1.0);
        assert!(wilson_interval(0, 0).0.is_nan());
    }

    #[test]
    fn a_mean_ci_keeps_to_what_the_metric_can_take() {
        // 40 replications that all got everyone home: the t interval has width zero,
        // Wilson's says 91.2% to 100%.
        let all = vec![1.0; 40];
        let t = Summary::of(&all);
        assert_eq!((t.ci95_low, t.ci95_high), (1.0, 1.0));
        let w = Summary::of_on(&all, Support::Indicator);
        assert!((w.ci95_low - 0.9124).abs() < 1e-4 && w.ci95_high == 1.0, "{w:?}");
        assert_eq!(w.mean, 1.0, "only the interval changes");
        // One replication of a 0/1 outcome has an interval; a missing one is left out.
        let one = Summary::of_on(&[1.0, f64::NAN], Support::Indicator);
        assert!(
            one.ci95_low > 0.2 && one.ci95_low < 0.21 && one.ci95_high == 1.0,
            "{one:?}"
        );
        // A share near 100%: the t interval passes 1, the kept one ends there.
        let shares = [1.0, 1.0, 0.9, 1.0, 0.7];
        let t = Summary::of(&shares);
        assert!(t.ci95_high > 1.0, "{t:?}");
        let kept = Summary::of_on(&shares, Support::UnitInterval);
        assert_eq!((kept.ci95_low, kept.ci95_high), (t.ci95_low, 1.0));
        // Shares that are not all 0 or 1 under Indicator fall back to the cut t interval.
        assert_eq!(Summary::of_on(&shares, Support::Indicator), kept);
        // A cost that is mostly zero: the t interval goes below zero, the kept one not.
        let costs = [0.0, 0.0, 0.0, 0.0, 900.0];
        let t = Summary::of(&costs);
        assert!(t.ci95_low < 0.0);
        let kept = Summary::of_on(&costs, Support::NonNegative);
        assert_eq!((kept.ci95_low, kept.ci95_high), (0.0, t.ci95_high));
        // People of a plan of 100: never more than 100 (a tester saw "97.35 to 101").
        let home = [100.0, 100.0, 97.0, 100.0, 99.0];
        let uncut = Summary::of(&home);
        assert!(uncut.ci95_high > 100.0, "{uncut:?}");
        let kept = Summary::of_on(&home, Support::AtMost(100));
        assert_eq!((kept.ci95_low, kept.ci95_high), (uncut.ci95_low, 100.0));
        // A difference may be anything.
        assert_eq!(Summary::of_on(&costs, Support::Real), t);
        // Undefined stays undefined.
        assert!(Summary::of_on(&[3.0], Support::NonNegative).ci95_low.is_nan());
        assert!(Summary::of_on(&[], Support::Indicator).ci95_low.is_nan());
    }
}
