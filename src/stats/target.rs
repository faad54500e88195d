//! Statistics of a metric over replications (`makespan_days@p90`) and targets on them
//! (`makespan_days@p90<=60`): the syntax shared by `plan`, `sweep`, `--until-ci` and
//! `check`.

use super::{Summary, Support, quantile_ci, quantile_sorted};

/// A statistic of a metric over replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StatSpec {
    Mean,
    /// A quantile in [0, 1].
    Quantile(f64),
}

impl StatSpec {
    /// Parses `mean` or a percentile `pNN` (`p90`, `p97.5`).
    pub fn parse(s: &str) -> Result<StatSpec, String> {
        let s = s.trim();
        if s == "mean" {
            return Ok(StatSpec::Mean);
        }
        let bad = || format!("`{s}`: the statistic is `mean` or a percentile such as p90");
        let q: f64 = s.strip_prefix('p').ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if !(0.0..=100.0).contains(&q) {
            return Err(format!("`{s}`: percentiles run from p0 to p100"));
        }
        Ok(StatSpec::Quantile(q / 100.0))
    }

    /// Why a bound on this statistic could never be shown to hold: p0 and p100 are the
    /// smallest and largest of the replications, which no number of them gives a
    /// confidence interval (a later one may always go beyond). `None` for the others.
    pub fn never_bounded(self) -> Option<String> {
        let StatSpec::Quantile(q) = self else {
            return None;
        };
        let (which, beyond, instead) = match q {
            q if q >= 1.0 => ("largest", "higher", "p99"),
            q if q <= 0.0 => ("smallest", "lower", "p1"),
            _ => return None,
        };
        Some(format!(
            "{} is the {which} value over the replications, which no number of them gives a confidence interval (the next one may always go {beyond}), so a target or precision on it could never be settled; use e.g. {instead}",
            self.label()
        ))
    }

    /// The statistic over `values` (missing values left out; NaN when none is left).
    pub fn of(self, values: &[f64]) -> f64 {
        let mut xs: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        xs.sort_by(f64::total_cmp);
        match self {
            StatSpec::Mean => Summary::of(&xs).mean,
            StatSpec::Quantile(q) => quantile_sorted(&xs, q),
        }
    }

    /// The statistic over `values` with its 95% confidence interval (Student t for the
    /// mean, kept to the values the metric can take, see [`Support::mean_ci`]; order
    /// statistics for a quantile; undefined bounds are NaN) and the number of values it
    /// rests on (missing values left out).
    pub fn estimate(self, values: &[f64], support: Support) -> Estimate {
        let mut xs: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        xs.sort_by(f64::total_cmp);
        let n = xs.len() as u64;
        match self {
            StatSpec::Mean => {
                let s = Summary::of_on(&xs, support);
                Estimate {
                    value: s.mean,
                    ci95_low: s.ci95_low,
                    ci95_high: s.ci95_high,
                    n,
                }
            }
            StatSpec::Quantile(q) => {
                let (lo, hi) = quantile_ci(&xs, q);
                Estimate {
                    value: quantile_sorted(&xs, q),
                    ci95_low: lo,
                    ci95_high: hi,
                    n,
                }
            }
        }
    }

    /// As written: `mean`, `p90`.
    pub fn label(self) -> String {
        match self {
            StatSpec::Mean => "mean".into(),
            StatSpec::Quantile(q) => format!("p{}", 100.0 * q),
        }
    }
}

/// A statistic's value over replications with its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    pub value: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// Replications with a value.
    pub n: u64,
}

/// `METRIC@STAT`, e.g. `makespan_days@p90` (the statistic defaults to the mean).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricStat {
    /// The metric's id in the catalogue.
    pub metric: String,
    pub stat: StatSpec,
}

impl MetricStat {
    /// Parses `METRIC` or `METRIC@STAT`.
    pub fn parse(s: &str) -> Result<MetricStat, String> {
        let (metric, stat) = s.split_once('@').unwrap_or((s, "mean"));
        let metric = metric.trim();
        if metric.is_empty() {
            return Err(format!("`{s}`: no metric; write e.g. makespan_days@p90"));
        }
        Ok(MetricStat {
            metric: metric.to_string(),
            stat: StatSpec::parse(stat).map_err(|m| format!("{m}; write e.g. makespan_days@p90"))?,
        })
    }
}

impl std::fmt::Display for MetricStat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.metric, self.stat.label())
    }
}

/// A comparison in a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Le,
    Lt,
    Ge,
    Gt,
}

impl Op {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    /// True if `x OP bound`, where `x` within a relative 1e-9 of `bound` counts as equal
    /// to it: statistics are sums of floating-point hours, and 146.4 hours is 6.1 days
    /// by hand but 6.100000000000001 as 146.4 / 24, which must meet `<= 6.1`.
    pub fn holds(self, x: f64, bound: f64) -> bool {
        let equal = equal_to_bound(x, bound);
        match self {
            Op::Le => x <= bound || equal,
            Op::Lt => x < bound && !equal,
            Op::Ge => x >= bound || equal,
            Op::Gt => x > bound && !equal,
        }
    }
}

/// True when `x` is `bound` up to the rounding of sums of floating-point hours (a
/// relative 1e-9): how targets judge a statistic that lands on their bound.
pub fn equal_to_bound(x: f64, bound: f64) -> bool {
    negligible(x - bound, bound)
}

/// True when the difference `d` between values of about `scale` is only the rounding of
/// sums of floating-point hours (at most a relative 1e-9, or 1e-9 below 1).
pub fn negligible(d: f64, scale: f64) -> bool {
    d.abs() <= 1e-9 * scale.abs().max(1.0)
}

/// `METRIC@STAT OP VALUE`, e.g. `makespan_days@p90<=60` or `evaded@mean<50`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The metric's id in the catalogue.
    pub metric: String,
    pub stat: StatSpec,
    pub op: Op,
    pub value: f64,
}

impl Target {
    /// Parses the target syntax; the error says what would be valid.
    pub fn parse(s: &str) -> Result<Target, String> {
        let bad = |m: &str| format!("{s}: {m}; write e.g. 'makespan_days@p90<=60' or 'evaded@mean<50'");
        let (op, at) = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)]
            .into_iter()
            .find_map(|(text, op)| s.find(text).map(|i| ((op, text.len()), i)))
            .ok_or_else(|| bad("no comparison (<=, <, >=, >)"))?;
        let (left, value) = (&s[..at], &s[at + op.1..]);
        let value: f64 = value.trim().parse().map_err(|_| bad("the value is not a number"))?;
        if !value.is_finite() {
            return Err(bad("the value must be finite"));
        }
        // -0 is 0 ("straddles -0" was printed).
        let value = value + 0.0;
        let (metric, stat) = left.split_once('@').unwrap_or((left, "mean"));
        let stat = StatSpec::parse(stat).map_err(|m| bad(&m))?;
        if let Some(why) = stat.never_bounded() {
            return Err(bad(&why));
        }
        let metric = metric.trim();
        if metric.is_empty() {
            return Err(bad("no metric"));
        }
        Ok(Target {
            metric: metric.to_string(),
            stat,
            op: op.0,
            value,
        })
    }

    /// The statistic over `values` (missing values left out).
    pub fn statistic(&self, values: &[f64]) -> f64 {
        self.stat.of(values)
    }

    /// Whether a statistic meets the target (a missing statistic never does).
    pub fn met(&self, x: f64) -> bool {
        !x.is_nan() && self.op.holds(x, self.value)
    }

    /// Why the target's bound decides it whatever happens, for a metric that takes
    /// values on `support` (`share`: a metric shown as a percentage and written as a
    /// share): a share's bound above 1 ("utilization<=70", meant as 70%), `> 1` or
    /// `>= 0` on a share, `< 0` on a count or duration. `None` when the bound can go
    /// either way. Such a target is refused, not checked: it could never fail (or
    /// never pass) and would read as a finding.
    pub fn bound_outside(&self, support: Support, share: bool) -> Option<String> {
        let v = self.value;
        // The values the metric can take. A share that is not a 0-1 support (a
        // checkpoint's utilisation may pass 100% a little, finishing a job after
        // hours) is held to 0-1 only for a bound above 1, a percentage mistaken.
        let (lo, hi) = match support {
            Support::UnitInterval | Support::Indicator => (0.0, 1.0),
            Support::AtMost(n) => (0.0, n as f64),
            Support::NonNegative => (0.0, f64::INFINITY),
            Support::Real => return None,
        };
        let percent = share && v > 1.0;
        let (always, never) = match self.op {
            Op::Le => (hi <= v, lo > v),
            Op::Lt => (hi < v, lo >= v),
            Op::Ge => (lo >= v, hi < v),
            Op::Gt => (lo > v, hi <= v),
        };
        if !(always || never || percent) {
            return None;
        }
        let range = if hi.is_finite() {
            format!("from {} to {}", lo, hi)
        } else {
            format!("from {lo} up")
        };
        let outcome = if always || (percent && matches!(self.op, Op::Le | Op::Lt)) {
            "is met whatever happens"
        } else {
            "can never be met"
        };
        let mut m = format!(
            "`{}` takes values {range}, so `{} {v}` {outcome}",
            self.metric,
            self.op.as_str()
        );
        if percent {
            m += "; a share is written from 0 to 1, not as a percentage";
            if v <= 100.0 {
                m += &format!(" (if you meant {v}%, write {})", v / 100.0);
            }
        }
        Some(m)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}@{}{}{}",
            self.metric,
            self.stat.label(),
            self.op.as_str(),
            bound_text(self.value)
        )
    }
}

/// A bound as people write it: `60`, `0.25`, and `1e308` rather than 309 digits.
pub fn bound_text(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e15 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_met_up_to_rounding_is_met() {
        let days = 146.4 / 24.0;
        assert!(days > 6.1);
        assert!(Op::Le.holds(days, 6.1) && Op::Ge.holds(days, 6.1));
        assert!(!Op::Lt.holds(days, 6.1) && !Op::Gt.holds(days, 6.1));
        assert!(!Op::Le.holds(6.1001, 6.1) && Op::Lt.holds(6.0999, 6.1));
        assert!(Op::Le.holds(f64::NEG_INFINITY, 0.0) && !Op::Le.holds(f64::INFINITY, 1e300));
    }

    #[test]
    fn parses_targets() {
        let t = Target::parse("makespan_days@p90<=60").unwrap();
        assert_eq!(
            (t.metric.as_str(), t.stat, t.op, t.value),
            ("makespan_days", StatSpec::Quantile(0.9), Op::Le, 60.0)
        );
        let t = Target::parse("evaded<50").unwrap();
        assert_eq!((t.stat, t.op), (StatSpec::Mean, Op::Lt));
        assert_eq!(t.to_string(), "evaded@mean<50");
        assert!(Target::parse("x@p101<=1").is_err());
        for never in ["x@p100<=9", "x@p0>=1"] {
            let e = Target::parse(never).unwrap_err();
            assert!(e.contains("no number of them gives a confidence interval"), "{e}");
        }
        assert!(Target::parse("x@p99.9<=9").is_ok());
        assert!(Target::parse("x@median<=1").is_err());
        assert!(Target::parse("x=1").is_err());
        assert!(Target::parse("<=3").is_err());
        assert!(Target::parse("x<=inf").is_err());
    }

    #[test]
    fn a_bound_the_metric_cannot_cross_is_named() {
        let refused = |t: &str, support: Support, share: bool| Target::parse(t).unwrap().bound_outside(support, share);
        // A share's percentage, and bounds at its ends that decide it alone.
        assert!(
            refused("u<=70", Support::NonNegative, true)
                .unwrap()
                .contains("if you meant 70%, write 0.7")
        );
        assert!(
            refused("u>1", Support::UnitInterval, false)
                .unwrap()
                .contains("can never be met")
        );
        assert!(
            refused("u>=0", Support::UnitInterval, false)
                .unwrap()
                .contains("is met whatever happens")
        );
        assert!(
            refused("u<=1", Support::Indicator, false)
                .unwrap()
                .contains("is met whatever happens")
        );
        assert!(
            refused("x<0", Support::NonNegative, false)
                .unwrap()
                .contains("can never be met")
        );
        assert!(refused("x<=5000", Support::AtMost(700), false).is_some());
        // Bounds that can go either way are checked.
        for (t, support) in [
            ("u<=0.7", Support::UnitInterval),
            ("u>=1", Support::UnitInterval),
            ("u<=0", Support::Indicator),
            ("x<=0", Support::NonNegative),
            ("x>0", Support::NonNegative),
            ("x<=-3", Support::Real),
        ] {
            assert_eq!(refused(t, support, false), None, "{t}");
        }
        // -0 is 0.
        assert_eq!(Target::parse("x<=-0").unwrap().value.to_bits(), 0.0f64.to_bits());
        assert_eq!(StatSpec::Quantile(0.9).of(&[1.0, f64::NAN, 2.0, 3.0]), 2.8);
    }
}
