//! Duration distributions, parameterised the way planners state them.

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Normal, Triangular, Uniform};

/// A distribution as the planner stated it: the family and its parameters.
///
/// Kept beside the built sampler so it can be shown, scaled (minutes to hours) and
/// rebuilt with a changed parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DistSpec {
    /// Always `value`.
    Fixed { value: f64 },
    /// Exponential with this mean.
    Exponential { mean: f64 },
    /// Normal truncated at zero.
    Normal { mean: f64, sd: f64 },
    /// Log-normal with the mean and sd of the value itself.
    LogNormal { mean: f64, sd: f64 },
    /// Uniform on `[min, max)`.
    Uniform { min: f64, max: f64 },
    /// Triangular.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Gamma with shape and scale.
    Gamma { shape: f64, scale: f64 },
    /// Observations, sorted: each drawn with equal probability, or (`interpolate`)
    /// the piecewise-linear distribution through them (the empirical distribution
    /// function made continuous between the order statistics).
    Empirical { values: &'static [f64], interpolate: bool },
}

/// The tables of empirical distributions, interned for the process's life: `Dist` stays
/// `Copy` (the hot path copies it), and a scenario validated again (per replication,
/// with uncertain inputs) finds its tables already here, so memory grows only with
/// distinct tables.
fn intern(mut values: Vec<f64>) -> &'static [f64] {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static TABLES: OnceLock<Mutex<HashMap<Vec<u64>, &'static [f64]>>> = OnceLock::new();
    values.sort_by(f64::total_cmp);
    let key: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
    let mut tables = TABLES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    tables
        .entry(key)
        .or_insert_with(|| Box::leak(values.into_boxed_slice()))
}

/// The empirical distribution of `values` (sorted and interned).
pub fn empirical(values: Vec<f64>, interpolate: bool) -> DistSpec {
    DistSpec::Empirical {
        values: intern(values),
        interpolate,
    }
}

impl DistSpec {
    /// Every value multiplied by `factor` (for a change of unit).
    pub fn scaled(self, f: f64) -> Self {
        use DistSpec::*;
        match self {
            Fixed { value } => Fixed { value: value * f },
            Exponential { mean } => Exponential { mean: mean * f },
            Normal { mean, sd } => Normal {
                mean: mean * f,
                sd: sd * f,
            },
            LogNormal { mean, sd } => LogNormal {
                mean: mean * f,
                sd: sd * f,
            },
            Uniform { min, max } => Uniform {
                min: min * f,
                max: max * f,
            },
            Triangular { min, mode, max } => Triangular {
                min: min * f,
                mode: mode * f,
                max: max * f,
            },
            Gamma { shape, scale } => Gamma {
                shape,
                scale: scale * f,
            },
            Empirical { values, interpolate } => empirical(values.iter().map(|v| v * f).collect(), interpolate),
        }
    }

    /// Checks the parameters and builds the sampler.
    pub fn build(self) -> Result<Dist, DistError> {
        use DistSpec::*;
        let mut d = match self {
            Fixed { value } => Dist::fixed(value),
            Exponential { mean } => Dist::exponential(mean),
            Normal { mean, sd } => Dist::normal(mean, sd),
            LogNormal { mean, sd } => Dist::lognormal(mean, sd),
            Uniform { min, max } => Dist::uniform(min, max),
            Triangular { min, mode, max } => Dist::triangular(min, mode, max),
            Gamma { shape, scale } => Dist::gamma(shape, scale),
            Empirical { values, interpolate } => Dist::empirical(values, interpolate),
        }?;
        d.spec = self;
        Ok(d)
    }
}

impl std::fmt::Display for DistSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use DistSpec::*;
        match *self {
            Fixed { value } => write!(f, "fixed {value}"),
            Exponential { mean } => write!(f, "exponential(mean {mean})"),
            Normal { mean, sd } => write!(f, "normal(mean {mean}, sd {sd})"),
            LogNormal { mean, sd } => write!(f, "lognormal(mean {mean}, sd {sd})"),
            Uniform { min, max } => write!(f, "uniform({min}, {max})"),
            Triangular { min, mode, max } => write!(f, "triangular({min}, {mode}, {max})"),
            Gamma { shape, scale } => write!(f, "gamma(shape {shape}, scale {scale})"),
            Empirical { values, interpolate } => write!(
                f,
                "empirical({} values{})",
                values.len(),
                if interpolate { ", interpolated" } else { "" }
            ),
        }
    }
}

/// A non-negative random duration (the unit is the caller's; the model uses hours).
///
/// Built from the figures planners know (a mean and a standard deviation, or a
/// minimum, most likely and maximum) and checked when built, so sampling never fails.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dist {
    sampler: Sampler,
    mean: f64,
    spec: DistSpec,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sampler {
    Fixed(f64),
    Exponential(Exp<f64>),
    /// Normal truncated at zero by redrawing negative values.
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    Gamma(Gamma<f64>),
    /// Sorted observations; `interpolate` between them.
    Empirical(&'static [f64], bool),
}

/// Why a distribution's parameters were refused; the text says what would be valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DistError(pub String);

fn check(ok: bool, msg: impl FnOnce() -> String) -> Result<(), DistError> {
    if ok { Ok(()) } else { Err(DistError(msg())) }
}

fn finite_nonneg(name: &str, v: f64) -> Result<(), DistError> {
    check(v.is_finite() && v >= 0.0, || {
        format!("{name} must be a finite number >= 0, got {v}")
    })
}

/// The widest spread a distribution given by its mean and sd takes: an sd this many
/// times the mean. Wider ones cannot be meant, and their shape parameters leave the
/// floats (a gamma's shape underflowed to 0, a log-normal's sigma overflowed), which
/// the sampling library reported in its own words.
const MAX_SD_PER_MEAN: f64 = 1000.0;

fn spread_ok(mean: f64, sd: f64) -> Result<(), DistError> {
    check(sd / mean <= MAX_SD_PER_MEAN, || {
        format!(
            "sd ({}) is more than {MAX_SD_PER_MEAN} times the mean ({}): a spread this wide cannot be meant; give an sd of at most {} here",
            short(sd),
            short(mean),
            short(MAX_SD_PER_MEAN * mean)
        )
    })
}

/// `x` as a message quotes it: in exponent notation when very large or small (1e300,
/// not its 301 digits).
pub fn short(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn finite_pos(name: &str, v: f64) -> Result<(), DistError> {
    check(v.is_finite() && v > 0.0, || {
        format!("{name} must be a finite number > 0, got {v}")
    })
}

/// The mean of a normal(`mean`, `sd`) cut at zero (negative draws redrawn):
/// mean + sd * pdf(a) / (1 - cdf(a)) with a = -mean / sd, for the standard normal.
fn truncated_normal_mean(mean: f64, sd: f64) -> f64 {
    use statrs::distribution::{Continuous, ContinuousCDF};
    let z = statrs::distribution::Normal::new(0.0, 1.0).expect("the standard normal");
    let a = -mean / sd;
    let kept = z.sf(a);
    if kept > 0.0 { mean + sd * z.pdf(a) / kept } else { mean }
}

impl Dist {
    /// Always `value`.
    pub fn fixed(value: f64) -> Result<Self, DistError> {
        finite_nonneg("value", value)?;
        Ok(Self {
            sampler: Sampler::Fixed(value),
            mean: value,
            spec: DistSpec::Fixed { value },
        })
    }

    /// Exponential with the given mean (memoryless: Poisson-like service or arrivals).
    pub fn exponential(mean: f64) -> Result<Self, DistError> {
        finite_pos("mean", mean)?;
        let exp = Exp::new(1.0 / mean).map_err(|e| DistError(e.to_string()))?;
        Ok(Self {
            sampler: Sampler::Exponential(exp),
            mean,
            spec: DistSpec::Exponential { mean },
        })
    }

    /// Normal with this mean and standard deviation, truncated at zero. The stated mean
    /// must be positive; when `sd` is large against it the truncation raises the mean
    /// actually sampled, which [`Dist::mean`] reports (mean 6, sd 6: 7.73).
    pub fn normal(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite_pos("mean", mean)?;
        finite_nonneg("sd", sd)?;
        if sd == 0.0 {
            return Self::fixed(mean);
        }
        let n = Normal::new(mean, sd).map_err(|e| DistError(e.to_string()))?;
        Ok(Self {
            sampler: Sampler::Normal(n),
            mean: truncated_normal_mean(mean, sd),
            spec: DistSpec::Normal { mean, sd },
        })
    }

    /// Log-normal with this mean and standard deviation of the duration itself (not of
    /// its logarithm): right-skewed, never negative.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite_pos("mean", mean)?;
        finite_nonneg("sd", sd)?;
        if sd == 0.0 {
            return Self::fixed(mean);
        }
        spread_ok(mean, sd)?;
        let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        let d = LogNormal::new(mu, sigma2.sqrt()).map_err(|e| DistError(e.to_string()))?;
        Ok(Self {
            sampler: Sampler::LogNormal(d),
            mean,
            spec: DistSpec::LogNormal { mean, sd },
        })
    }

    /// Uniform between `min` and `max`.
    pub fn uniform(min: f64, max: f64) -> Result<Self, DistError> {
        finite_nonneg("min", min)?;
        finite_nonneg("max", max)?;
        check(min <= max, || format!("min ({min}) must not exceed max ({max})"))?;
        if min == max {
            return Self::fixed(min);
        }
        let u = Uniform::new(min, max).map_err(|e| DistError(e.to_string()))?;
        Ok(Self {
            sampler: Sampler::Uniform(u),
            mean: (min + max) / 2.0,
            spec: DistSpec::Uniform { min, max },
        })
    }

    /// Triangular with minimum, most likely value (`mode`) and maximum.
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        finite_nonneg("min", min)?;
        finite_nonneg("mode", mode)?;
        finite_nonneg("max", max)?;
        check(min <= mode && mode <= max, || {
            format!("need min <= mode <= max, got min = {min}, mode = {mode}, max = {max}")
        })?;
        if min == max {
            return Self::fixed(min);
        }
        let t = Triangular::new(min, max, mode).map_err(|e| DistError(e.to_string()))?;
        Ok(Self {
            sampler: Sampler::Triangular(t),
            mean: (min + mode + max) / 3.0,
            spec: DistSpec::Triangular { min, mode, max },
        })
    }

    /// Gamma with shape k and scale theta (mean k * theta).
    pub fn gamma(shape: f64, scale: f64) -> Result<Self, DistError> {
        finite_pos("shape", shape)?;
        finite_pos("scale", scale)?;
        let g = Gamma::new(shape, scale).map_err(|e| DistError(e.to_string()))?;
        Ok(Self {
            sampler: Sampler::Gamma(g),
            mean: shape * scale,
            spec: DistSpec::Gamma { shape, scale },
        })
    }

    /// The observations `values` (sorted), each drawn with equal probability, or with
    /// `interpolate` the continuous piecewise-linear distribution through them.
    pub fn empirical(values: &'static [f64], interpolate: bool) -> Result<Self, DistError> {
        check(!values.is_empty(), || {
            "values must list at least one observation".into()
        })?;
        for &v in values {
            finite_nonneg("every value", v)?;
        }
        check(!interpolate || values.len() >= 2, || {
            "interpolate needs at least two values to draw between".into()
        })?;
        let n = values.len() as f64;
        let mean = if interpolate {
            // Each of the n - 1 segments is equally likely, and uniform: mean of midpoints.
            values.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum::<f64>() / (n - 1.0)
        } else {
            values.iter().sum::<f64>() / n
        };
        Ok(Self {
            sampler: Sampler::Empirical(values, interpolate),
            mean,
            spec: DistSpec::Empirical { values, interpolate },
        })
    }

    /// Gamma with this mean and standard deviation.
    pub fn gamma_mean_sd(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite_pos("mean", mean)?;
        finite_pos("sd", sd)?;
        spread_ok(mean, sd)?;
        let shape = (mean / sd).powi(2);
        Self::gamma(shape, mean / shape)
    }

    /// The mean of the distribution as stated.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The parameters this distribution was built from.
    pub fn spec(&self) -> DistSpec {
        self.spec
    }

    /// The smallest value a draw can take (0 where the family reaches down to zero).
    pub fn min(&self) -> f64 {
        match self.spec {
            DistSpec::Fixed { value } => value,
            DistSpec::Uniform { min, .. } | DistSpec::Triangular { min, .. } => min,
            DistSpec::Empirical { values, .. } => values.first().copied().unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// True if every draw is the same number.
    pub fn is_fixed(&self) -> bool {
        matches!(self.sampler, Sampler::Fixed(_))
    }

    /// One draw (never negative).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Fixed(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::Normal(d) => {
                for _ in 0..64 {
                    let x = d.sample(rng);
                    if x >= 0.0 {
                        return x;
                    }
                }
                0.0
            }
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Empirical(values, interpolate) => {
                let u: f64 = rand::distr::StandardUniform.sample(rng);
                if *interpolate {
                    let at = u * (values.len() - 1) as f64;
                    let i = (at as usize).min(values.len() - 2);
                    values[i] + (at - i as f64) * (values[i + 1] - values[i])
                } else {
                    values[((u * values.len() as f64) as usize).min(values.len() - 1)]
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// A spread too wide for the floats is refused in words, not in the sampling
    /// library's ("shape must be ... got 0" for sd 1e300 around a mean of 1e-300).
    #[test]
    fn a_spread_beyond_reason_is_refused_in_words() {
        for e in [
            Dist::gamma_mean_sd(1e-300, 1e300).unwrap_err(),
            Dist::lognormal(1.0, 1e300).unwrap_err(),
        ] {
            let m = e.to_string();
            assert!(
                m.contains("more than 1000 times the mean") && m.contains("1e300"),
                "{m}"
            );
        }
        assert!(Dist::gamma_mean_sd(1.0, 999.0).is_ok());
        assert!(Dist::lognormal(2.0, 1500.0).is_ok());
    }

    use super::*;
    use rand::SeedableRng;

    fn sample_mean_sd(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        assert!(xs.iter().all(|&x| x >= 0.0));
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v.sqrt())
    }

    /// A normal cut at zero draws more than its stated mean; `mean()` says how much
    /// (mean 6, sd 6: 6 + 6 x 0.2420 / 0.8413 = 7.73), and a narrow one is unchanged.
    #[test]
    fn a_truncated_normal_reports_the_mean_it_draws() {
        let d = Dist::normal(6.0, 6.0).unwrap();
        assert!((d.mean() - 7.726).abs() < 0.001, "{}", d.mean());
        let (m, _) = sample_mean_sd(&d, 400_000);
        assert!((m - d.mean()).abs() < 0.03, "{m} vs {}", d.mean());
        assert!((Dist::normal(6.0, 1.0).unwrap().mean() - 6.0).abs() < 1e-8);
    }

    #[test]
    fn planner_parameters_give_the_stated_moments() {
        let n = 200_000;
        for (spec, sd) in [
            (DistSpec::Exponential { mean: 3.0 }, 3.0),
            (DistSpec::LogNormal { mean: 10.0, sd: 4.0 }, 4.0),
            (DistSpec::Uniform { min: 2.0, max: 8.0 }, 6.0 / 12f64.sqrt()),
            (
                DistSpec::Triangular {
                    min: 1.0,
                    mode: 2.0,
                    max: 6.0,
                },
                ((1.0 + 4.0 + 36.0 - 2.0 - 6.0 - 12.0) / 18.0f64).sqrt(),
            ),
            (DistSpec::Gamma { shape: 4.0, scale: 0.5 }, 1.0),
            (DistSpec::Normal { mean: 50.0, sd: 5.0 }, 5.0),
        ] {
            let d = spec.build().unwrap();
            let (m, s) = sample_mean_sd(&d, n);
            // Five standard errors: fails only if the parameterisation is wrong.
            assert!((m - d.mean()).abs() < 5.0 * sd / (n as f64).sqrt(), "{spec}: mean {m}");
            assert!((s - sd).abs() < 0.02 * sd, "{spec}: sd {s} vs {sd}");
        }
    }

    #[test]
    fn gamma_from_mean_and_sd() {
        let d = Dist::gamma_mean_sd(6.0, 2.0).unwrap();
        assert!((d.mean() - 6.0).abs() < 1e-12);
        let (m, s) = sample_mean_sd(&d, 200_000);
        assert!((m - 6.0).abs() < 0.03 && (s - 2.0).abs() < 0.03);
    }

    #[test]
    fn bad_parameters_are_refused_with_a_reason() {
        assert!(
            Dist::triangular(5.0, 2.0, 1.0)
                .unwrap_err()
                .0
                .contains("min <= mode <= max")
        );
        assert!(Dist::normal(1.0, -1.0).unwrap_err().0.contains("sd"));
        assert!(Dist::exponential(0.0).is_err());
        assert!(Dist::fixed(f64::NAN).is_err());
        assert!(Dist::uniform(3.0, 1.0).is_err());
    }

    #[test]
    fn scaling_changes_unit() {
        let d = DistSpec::Triangular {
            min: 1.0,
            mode: 2.0,
            max: 3.0,
        }
        .scaled(1.0 / 60.0)
        .build()
        .unwrap();
        assert!((d.mean() - 2.0 / 60.0).abs() < 1e-12);
    }

    #[test]
    fn empirical_draws_are_the_observations_in_their_proportions() {
        let spec = empirical(vec![3.0, 1.0, 1.0, 2.0], false);
        let d = spec.build().unwrap();
        assert_eq!(d.mean(), 1.75);
        assert_eq!(d.min(), 1.0);
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            let x = d.sample(&mut rng);
            counts[x as usize - 1] += 1;
        }
        // 1 twice as often as 2 or 3 (binomial sd ~87 at 10,000).
        assert!((f64::from(counts[0]) - 20_000.0).abs() < 400.0, "{counts:?}");
        assert!((f64::from(counts[1]) - 10_000.0).abs() < 400.0, "{counts:?}");
        // The same table is interned once, whatever its order.
        let DistSpec::Empirical { values: a, .. } = spec else {
            unreachable!()
        };
        let DistSpec::Empirical { values: b, .. } = empirical(vec![2.0, 1.0, 3.0, 1.0], true) else {
            unreachable!()
        };
        assert!(std::ptr::eq(a, b));
    }

    #[test]
    fn interpolated_empirical_draws_fill_the_gaps_with_the_stated_mean() {
        // Segments [0, 1] and [1, 4], each drawn with probability 1/2: mean (0.5 + 2.5) / 2.
        let d = empirical(vec![0.0, 1.0, 4.0], true).build().unwrap();
        assert_eq!(d.mean(), 1.5);
        let (m, _) = sample_mean_sd(&d, 100_000);
        assert!((m - 1.5).abs() < 0.02, "{m}");
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(6);
        let below_one = (0..20_000).filter(|_| d.sample(&mut rng) < 1.0).count();
        assert!((below_one as f64 - 10_000.0).abs() < 300.0, "{below_one}");
        assert!(empirical(vec![2.0], true).build().is_err());
        assert!(empirical(vec![-1.0, 2.0], false).build().is_err());
        assert!(Dist::empirical(&[], false).is_err());
    }
}
