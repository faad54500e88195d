//! Distributions of uncertain inputs: what a planner believes about a number the
//! scenario assumes (a bed count, a stay, a share). Unlike `engine::Dist` (durations drawn
//! many times inside a replication), an input is drawn once per replication or set by a
//! sensitivity design, so it is given by its quantile function: a point `u` of the unit
//! interval maps to a value, which lets Sobol and Morris designs on the unit cube run on
//! any of these distributions. Every distribution here is bounded, so a range can be
//! checked before the run.

use statrs::distribution::{ContinuousCDF, Normal};

/// A bounded distribution of one input.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum InputDist {
    /// Every value between `min` and `max` equally likely.
    Uniform { min: f64, max: f64 },
    /// Most likely at `mode`, falling linearly to `min` and `max`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// A normal distribution of `mean` and `sd`, truncated to `min..max`.
    Normal { mean: f64, sd: f64, min: f64, max: f64 },
}

impl InputDist {
    /// Checks the parameters: finite, `min < max`, the mode or mean inside, `sd > 0`.
    pub fn checked(self) -> Result<InputDist, String> {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match self {
            InputDist::Uniform { min, max } => {
                if !finite(&[min, max]) || min >= max {
                    return Err(format!("needs finite min < max (got {min} and {max})"));
                }
            }
            InputDist::Triangular { min, mode, max } => {
                if !finite(&[min, mode, max]) || min >= max || mode < min || mode > max {
                    return Err(format!(
                        "needs finite min <= mode <= max with min < max (got {min}, {mode}, {max})"
                    ));
                }
            }
            InputDist::Normal { mean, sd, min, max } => {
                if !finite(&[mean, sd, min, max]) || sd <= 0.0 {
                    return Err(format!("needs a finite mean and sd > 0 (got {mean} and {sd})"));
                }
                if min >= max || mean < min || mean > max {
                    return Err(format!(
                        "the truncation range must contain the mean: min {min} <= mean {mean} <= max {max}, min < max"
                    ));
                }
            }
        }
        Ok(self)
    }

    /// A normal distribution truncated to three standard deviations either side (99.7% of
    /// it), the default when no bounds are given.
    pub fn normal(mean: f64, sd: f64) -> InputDist {
        InputDist::Normal {
            mean,
            sd,
            min: mean - 3.0 * sd,
            max: mean + 3.0 * sd,
        }
    }

    /// The smallest and largest value it can take.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            InputDist::Uniform { min, max }
            | InputDist::Triangular { min, max, .. }
            | InputDist::Normal { min, max, .. } => (min, max),
        }
    }

    /// The value at probability `u` in [0, 1] (the inverse of the distribution function),
    /// clamped to the bounds.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        let x = match *self {
            InputDist::Uniform { min, max } => min + u * (max - min),
            InputDist::Triangular { min, mode, max } => {
                let width = max - min;
                let split = (mode - min) / width;
                if u < split {
                    min + (u * width * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * width * (max - mode)).sqrt()
                }
            }
            InputDist::Normal { mean, sd, min, max } => {
                let n = Normal::standard();
                let (a, b) = (n.cdf((min - mean) / sd), n.cdf((max - mean) / sd));
                mean + sd * n.inverse_cdf(a + u * (b - a))
            }
        };
        let (lo, hi) = self.bounds();
        x.clamp(lo, hi)
    }

    /// The value at `u` for a field that takes `whole` numbers or not: a whole-number
    /// uniform input takes each whole number of its range with equal probability (rounding
    /// would give its two ends half the chance); the others are rounded.
    pub fn value(&self, u: f64, whole: bool) -> f64 {
        match *self {
            _ if !whole => self.quantile(u),
            InputDist::Uniform { min, max } => {
                let (lo, hi) = (min.ceil(), max.floor());
                if hi < lo {
                    return self.quantile(u).round();
                }
                let n = hi - lo + 1.0;
                (lo + (u.clamp(0.0, 1.0) * n).floor()).min(hi)
            }
            _ => self.quantile(u).round(),
        }
    }

    /// As written on the command line, e.g. `triangular(300, 400, 500)`.
    pub fn describe(&self) -> String {
        match *self {
            InputDist::Uniform { min, max } => format!("uniform({min}, {max})"),
            InputDist::Triangular { min, mode, max } => format!("triangular({min}, {mode}, {max})"),
            InputDist::Normal { mean, sd, min, max } => format!("normal({mean}, {sd}, {min}, {max})"),
        }
    }

    /// Parses the command line's forms: `LO..HI` (uniform), `uniform(LO, HI)`,
    /// `triangular(LO, MODE, HI)`, `normal(MEAN, SD)` (truncated at 3 sd) or
    /// `normal(MEAN, SD, LO, HI)`.
    pub fn parse(s: &str) -> Result<InputDist, String> {
        let s = s.trim();
        let num = |t: &str| -> Result<f64, String> {
            t.trim()
                .parse::<f64>()
                .map_err(|_| format!("`{}` is not a number", t.trim()))
        };
        if let Some((a, b)) = s.split_once("..")
            && !s.contains('(')
        {
            return InputDist::Uniform {
                min: num(a)?,
                max: num(b)?,
            }
            .checked();
        }
        let (name, rest) = s
            .split_once('(')
            .ok_or_else(|| "write LO..HI, triangular(LO, MODE, HI) or normal(MEAN, SD[, LO, HI])".to_string())?;
        let args = rest
            .strip_suffix(')')
            .ok_or_else(|| format!("`{s}` has no closing parenthesis"))?;
        let xs: Vec<f64> = args.split(',').map(num).collect::<Result<_, _>>()?;
        let d = match (name.trim(), xs.as_slice()) {
            ("uniform", &[min, max]) => InputDist::Uniform { min, max },
            ("triangular", &[min, mode, max]) => InputDist::Triangular { min, mode, max },
            ("normal", &[mean, sd]) => InputDist::normal(mean, sd),
            ("normal", &[mean, sd, min, max]) => InputDist::Normal { mean, sd, min, max },
            ("uniform" | "triangular" | "normal", _) => {
                return Err(format!(
                    "{} takes {}",
                    name.trim(),
                    match name.trim() {
                        "uniform" => "(LO, HI)",
                        "triangular" => "(LO, MODE, HI)",
                        _ => "(MEAN, SD) or (MEAN, SD, LO, HI)",
                    }
                ));
            }
            (other, _) => {
                return Err(format!("no distribution `{other}`; use uniform, triangular or normal"));
            }
        };
        d.checked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_hand_computable_cases() {
        let u = InputDist::Uniform { min: 10.0, max: 20.0 };
        assert_eq!(u.quantile(0.25), 12.5);
        // Triangular(0, 1, 2) is symmetric: the median is the mode; F(x) = x^2 / 2 below it.
        let t = InputDist::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 2.0,
        };
        assert!((t.quantile(0.5) - 1.0).abs() < 1e-12);
        assert!((t.quantile(0.125) - 0.5).abs() < 1e-12);
        assert!((t.quantile(0.875) - 1.5).abs() < 1e-12);
        // Mode at an end: triangular(0, 0, 1) has F(x) = 1 - (1 - x)^2.
        let r = InputDist::Triangular {
            min: 0.0,
            mode: 0.0,
            max: 1.0,
        };
        assert!((r.quantile(0.75) - 0.5).abs() < 1e-12);
        // A normal truncated symmetrically has its median at the mean; 84.13% of an
        // untruncated normal lies below mean + sd.
        let n = InputDist::normal(100.0, 10.0);
        assert!((n.quantile(0.5) - 100.0).abs() < 1e-9);
        let wide = InputDist::Normal {
            mean: 0.0,
            sd: 1.0,
            min: -40.0,
            max: 40.0,
        };
        assert!((wide.quantile(0.841_344_746) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn quantiles_rise_and_stay_within_bounds() {
        for d in [
            InputDist::Uniform { min: -1.0, max: 3.0 },
            InputDist::Triangular {
                min: 2.0,
                mode: 5.0,
                max: 6.0,
            },
            InputDist::Normal {
                mean: 7.0,
                sd: 2.0,
                min: 6.0,
                max: 12.0,
            },
        ] {
            let (lo, hi) = d.bounds();
            assert_eq!(d.quantile(0.0), lo, "{d:?}");
            assert_eq!(d.quantile(1.0), hi, "{d:?}");
            let mut last = f64::NEG_INFINITY;
            for i in 0..=1000 {
                let x = d.quantile(f64::from(i) / 1000.0);
                assert!(x >= last && (lo..=hi).contains(&x), "{d:?} at {i}: {x}");
                last = x;
            }
        }
    }

    #[test]
    fn whole_number_uniform_inputs_give_every_number_the_same_chance() {
        let d = InputDist::Uniform { min: 8.0, max: 14.0 };
        let mut counts = [0u32; 7];
        for i in 0..7000 {
            let v = d.value((f64::from(i) + 0.5) / 7000.0, true);
            counts[(v - 8.0) as usize] += 1;
        }
        assert_eq!(counts, [1000; 7]);
        assert_eq!(d.value(1.0, true), 14.0);
        assert_eq!(d.value(0.3, false), 9.8);
    }

    #[test]
    fn the_command_line_forms_parse_and_bad_ones_say_why() {
        assert_eq!(
            InputDist::parse("200..600"),
            Ok(InputDist::Uniform { min: 200.0, max: 600.0 })
        );
        assert_eq!(
            InputDist::parse("triangular(1, 2, 4)"),
            Ok(InputDist::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 4.0
            })
        );
        assert_eq!(InputDist::parse("normal(10, 1)"), Ok(InputDist::normal(10.0, 1.0)));
        assert!(InputDist::parse("5..1").unwrap_err().contains("min < max"));
        assert!(InputDist::parse("triangular(1, 5, 4)").unwrap_err().contains("mode"));
        assert!(InputDist::parse("normal(1, 0)").unwrap_err().contains("sd > 0"));
        assert!(InputDist::parse("gamma(1, 2)").unwrap_err().contains("no distribution"));
        assert!(InputDist::parse("uniform(1)").unwrap_err().contains("(LO, HI)"));
        assert!(InputDist::parse("x..2").unwrap_err().contains("not a number"));
    }
}
