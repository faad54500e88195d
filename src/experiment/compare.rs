//! The planner's comparative questions, answered with common random numbers: two
//! scenarios run on the same replication seeds and per-element streams, so their paired
//! differences show the effect of the change and little else.
//!
//! - [`compare`]: B against A, metric by metric, with the 95% CI of the paired
//!   difference and a verdict;
//! - [`sweep`]: metrics against one or two parameters over a grid;
//! - [`plan`]: the smallest (or largest) parameter value meeting a target, by bisection,
//!   confirmed on fresh replications.

use super::{Batch, ExperimentError, RunOptions, run_network};
use crate::model::Network;
use crate::scenario::params::{self, Override, ParamError};
use crate::scenario::{self, Scenario, ScenarioError};
use crate::stats::{Summary, quantile_sorted};
use std::sync::Arc;

/// Which way a metric should move for the plan to be better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Preference {
    Lower,
    Higher,
    /// Neither (utilisation, trips, occupancy...): only the direction is reported.
    Neutral,
}

/// Whether lower or higher is better for a metric, from its name.
pub fn preference(name: &str) -> Preference {
    let last = name.rsplit('.').next().unwrap_or(name);
    let lower = [
        "makespan_days",
        "not_home",
        "evaded",
        "stalled",
        "not_notified",
        "total",
        "per_person_home",
        "cost",
        "breakdowns",
    ];
    if matches!(name, "home" | "all_home") || name.ends_with(".home") {
        return Preference::Higher;
    }
    if lower.contains(&last)
        || last.contains("wait")
        || last.contains("door_to_door")
        || last.contains("queue")
        || last.contains("holding")
        || last.ends_with("_departures")
        || name.starts_with("in_stage.")
        || name.contains(".evaded")
    {
        return Preference::Lower;
    }
    Preference::Neutral
}

/// The verdict on one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// B is better, beyond doubt at this number of replications.
    BBetter,
    /// B is worse.
    BWorse,
    /// B is higher (for a metric with no better direction).
    BHigher,
    /// B is lower.
    BLower,
    /// Identical in every replication.
    Same,
    /// The 95% CI of the difference contains zero.
    NoDetectableDifference,
    /// Too few replications with a value in both.
    NotEnoughData,
}

impl Verdict {
    /// In words.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::BBetter => "B better",
            Verdict::BWorse => "B worse",
            Verdict::BHigher => "B higher",
            Verdict::BLower => "B lower",
            Verdict::Same => "same",
            Verdict::NoDetectableDifference => "no detectable difference",
            Verdict::NotEnoughData => "not enough data",
        }
    }
}

/// One metric compared.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MetricDiff {
    pub metric: String,
    pub a: Summary,
    pub b: Summary,
    /// Of B - A, paired by replication.
    pub difference: Summary,
    pub preference: Preference,
    pub verdict: Verdict,
}

/// B against A.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub a: Batch,
    pub b: Batch,
    pub metrics: Vec<MetricDiff>,
}

/// Errors in comparative runs.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Param(#[from] ParamError),
    #[error("{0}")]
    Experiment(#[from] ExperimentError),
    #[error("{0}")]
    Usage(String),
}

fn verdict(d: &Summary, pref: Preference) -> Verdict {
    if d.n < 2 {
        return Verdict::NotEnoughData;
    }
    if d.min == 0.0 && d.max == 0.0 {
        return Verdict::Same;
    }
    let up = d.ci95_low > 0.0;
    let down = d.ci95_high < 0.0;
    match (up, down, pref) {
        (false, false, _) => Verdict::NoDetectableDifference,
        (true, _, Preference::Higher) | (_, true, Preference::Lower) => Verdict::BBetter,
        (true, _, Preference::Lower) | (_, true, Preference::Higher) => Verdict::BWorse,
        (true, _, Preference::Neutral) => Verdict::BHigher,
        (_, true, Preference::Neutral) => Verdict::BLower,
    }
}

/// Runs `a` and `b` on the same replications and seed (A's), and compares every metric
/// they share.
pub fn compare(a: &Scenario, b: &Scenario, opts: &RunOptions) -> Result<Comparison, CompareError> {
    let mut b = b.clone();
    b.seed = a.seed;
    let net_a = Arc::new(Network::new(Arc::new(a.clone())));
    let net_b = Arc::new(Network::new(Arc::new(b)));
    let ra = run_network(&net_a, opts, None)?;
    let rb = run_network(&net_b, opts, None)?;
    let mut metrics = Vec::new();
    for (i, name) in ra.metric_names.iter().enumerate() {
        let Some(j) = rb.metric_index(name) else { continue };
        let (ca, cb) = (ra.column(i), rb.column(j));
        let diffs: Vec<f64> = ca
            .iter()
            .zip(&cb)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| y - x)
            .collect();
        let difference = Summary::of(&diffs);
        let pref = preference(name);
        metrics.push(MetricDiff {
            metric: name.clone(),
            a: Summary::of(&ca),
            b: Summary::of(&cb),
            verdict: verdict(&difference, pref),
            difference,
            preference: pref,
        });
    }
    Ok(Comparison { a: ra, b: rb, metrics })
}

/// A parameter varied over a grid of values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub path: String,
    pub values: Vec<f64>,
}

/// Parses `PATH=START..END:STEP` (inclusive; at most 1,000 values) or, for [`plan`],
/// `PATH=LO..HI` (then `values` holds the two ends).
pub fn parse_axis(s: &str) -> Result<Axis, CompareError> {
    let bad = |m: &str| CompareError::Usage(format!("--vary {s}: {m}"));
    let (path, range) = s
        .split_once('=')
        .ok_or_else(|| bad("write PATH=START..END:STEP, e.g. site.sinuiju-quarantine.beds=1000..3000:500"))?;
    let (range, step) = match range.split_once(':') {
        Some((r, st)) => (
            r,
            Some(st.trim().parse::<f64>().map_err(|_| bad("the step is not a number"))?),
        ),
        None => (range, None),
    };
    let (a, b) = range
        .split_once("..")
        .ok_or_else(|| bad("write the range as START..END"))?;
    let (a, b): (f64, f64) = (
        a.trim().parse().map_err(|_| bad("START is not a number"))?,
        b.trim().parse().map_err(|_| bad("END is not a number"))?,
    );
    if !(a.is_finite() && b.is_finite()) || b < a {
        return Err(bad("need finite START <= END"));
    }
    let values = match step {
        None => vec![a, b],
        Some(st) if st > 0.0 && st.is_finite() => {
            let n = ((b - a) / st + 1e-9).floor() as usize + 1;
            if n > 1000 {
                return Err(bad(&format!("{n} values; at most 1,000")));
            }
            (0..n).map(|k| a + k as f64 * st).collect()
        }
        Some(_) => return Err(bad("the step must be > 0")),
    };
    Ok(Axis {
        path: path.trim().to_string(),
        values,
    })
}

/// A scenario text with overrides, validated.
fn scenario_with(text: &str, label: &str, overrides: &[Override]) -> Result<Scenario, CompareError> {
    let t = params::apply(text, overrides)?;
    Ok(scenario::parse(&t, label)?.scenario)
}

/// One grid point of a sweep.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SweepPoint {
    /// The value of each axis.
    pub values: Vec<f64>,
    /// The chosen metrics, summarised.
    pub metrics: Vec<(String, Summary)>,
}

/// Runs the scenario at every point of the grid (one or two axes) on the same
/// replications and seed, and summarises `metrics`.
pub fn sweep(
    text: &str,
    label: &str,
    base: &[Override],
    axes: &[Axis],
    metrics: &[String],
    opts: &RunOptions,
) -> Result<Vec<SweepPoint>, CompareError> {
    if axes.is_empty() || axes.len() > 2 {
        return Err(CompareError::Usage(
            "sweep one or two parameters (--vary, once or twice)".into(),
        ));
    }
    let grid: Vec<Vec<f64>> = match axes {
        [x] => x.values.iter().map(|&v| vec![v]).collect(),
        [x, y] => x
            .values
            .iter()
            .flat_map(|&a| y.values.iter().map(move |&b| vec![a, b]))
            .collect(),
        _ => unreachable!(),
    };
    let base_sc = scenario_with(text, label, base)?;
    let mut out = Vec::new();
    for point in grid {
        let mut o = base.to_vec();
        o.extend(axes.iter().zip(&point).map(|(a, &v)| Override {
            path: a.path.clone(),
            value: v,
        }));
        let mut sc = scenario_with(text, label, &o)?;
        sc.seed = base_sc.seed;
        let batch = run_network(&Arc::new(Network::new(Arc::new(sc))), opts, None)?;
        let mut summaries = Vec::new();
        for m in metrics {
            let s = batch.summary(m).ok_or_else(|| {
                let hint = scenario::error::did_you_mean(m, batch.metric_names.iter().map(String::as_str))
                    .map_or(String::new(), |h| format!(" (did you mean `{h}`?)"));
                CompareError::Usage(format!("no metric named `{m}`{hint}"))
            })?;
            summaries.push((m.clone(), s));
        }
        out.push(SweepPoint {
            values: point,
            metrics: summaries,
        });
    }
    Ok(out)
}

/// A statistic of a metric over replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stat {
    Mean,
    /// A quantile in [0, 1].
    Quantile(f64),
}

/// `METRIC@STAT OP VALUE`, e.g. `makespan_days@p90<=60` or `evaded@mean<50`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub metric: String,
    pub stat: Stat,
    /// `<=`, `<`, `>=` or `>`.
    pub op: String,
    pub value: f64,
}

impl Target {
    /// Parses the target syntax.
    pub fn parse(s: &str) -> Result<Target, CompareError> {
        let bad = |m: &str| {
            CompareError::Usage(format!(
                "--target {s}: {m}; write e.g. 'makespan_days@p90<=60' or 'evaded@mean<50'"
            ))
        };
        let op = ["<=", ">=", "<", ">"]
            .into_iter()
            .find(|op| s.contains(op))
            .ok_or_else(|| bad("no comparison"))?;
        let (left, value) = s.split_once(op).expect("found above");
        let value: f64 = value.trim().parse().map_err(|_| bad("the value is not a number"))?;
        let (metric, stat) = left.split_once('@').unwrap_or((left, "mean"));
        let stat = match stat.trim() {
            "mean" => Stat::Mean,
            p if p.starts_with('p') => {
                let q: f64 = p[1..]
                    .parse()
                    .map_err(|_| bad("the statistic is `mean` or a percentile such as p90"))?;
                if !(0.0..=100.0).contains(&q) {
                    return Err(bad("percentiles run from p0 to p100"));
                }
                Stat::Quantile(q / 100.0)
            }
            _ => return Err(bad("the statistic is `mean` or a percentile such as p90")),
        };
        Ok(Target {
            metric: metric.trim().to_string(),
            stat,
            op: op.to_string(),
            value,
        })
    }

    /// The statistic over `values` (missing values left out).
    pub fn statistic(&self, values: &[f64]) -> f64 {
        let mut xs: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        xs.sort_by(f64::total_cmp);
        match self.stat {
            Stat::Mean => Summary::of(&xs).mean,
            Stat::Quantile(q) => quantile_sorted(&xs, q),
        }
    }

    /// Whether a statistic meets the target (a missing statistic never does).
    pub fn met(&self, x: f64) -> bool {
        !x.is_nan()
            && match self.op.as_str() {
                "<=" => x <= self.value,
                "<" => x < self.value,
                ">=" => x >= self.value,
                _ => x > self.value,
            }
    }
}

/// One value tried by [`plan`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct Trial {
    pub value: f64,
    pub statistic: f64,
    pub met: bool,
}

/// What [`plan`] found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanResult {
    /// The answer, if the target is met anywhere in the range.
    pub answer: Option<f64>,
    /// "smallest" or "largest".
    pub direction: &'static str,
    pub trials: Vec<Trial>,
    /// The answer rerun on fresh replications.
    pub confirmation: Option<Trial>,
    /// The replications used for the confirmation.
    pub confirm_replications: std::ops::Range<u64>,
    pub message: String,
}

/// Finds the smallest (or largest) value of `axis.path` in `[lo, hi]` meeting `target`,
/// by bisection with every trial on the same replications (`opts`), then reruns the
/// answer on `confirm` fresh replications that follow them. Whole-number fields are
/// searched over whole numbers; others to within `tolerance`.
#[allow(clippy::too_many_arguments)]
pub fn plan(
    text: &str,
    label: &str,
    base: &[Override],
    path: &str,
    lo: f64,
    hi: f64,
    target: &Target,
    opts: &RunOptions,
    confirm: u64,
    tolerance: f64,
) -> Result<PlanResult, CompareError> {
    let base_sc = scenario_with(text, label, base)?;
    let whole = lo.fract() == 0.0 && hi.fract() == 0.0 && params::is_whole_field(path);
    let evaluate = |v: f64, opts: &RunOptions| -> Result<Trial, CompareError> {
        let mut o = base.to_vec();
        o.push(Override {
            path: path.to_string(),
            value: v,
        });
        let mut sc = scenario_with(text, label, &o)?;
        sc.seed = base_sc.seed;
        let batch = run_network(&Arc::new(Network::new(Arc::new(sc))), opts, None)?;
        let i = batch.metric_index(&target.metric).ok_or_else(|| {
            let hint = scenario::error::did_you_mean(&target.metric, batch.metric_names.iter().map(String::as_str))
                .map_or(String::new(), |h| format!(" (did you mean `{h}`?)"));
            CompareError::Usage(format!("no metric named `{}`{hint}", target.metric))
        })?;
        let statistic = target.statistic(&batch.column(i));
        Ok(Trial {
            value: v,
            statistic,
            met: target.met(statistic),
        })
    };
    let mut trials = Vec::new();
    let at_lo = evaluate(lo, opts)?;
    let at_hi = evaluate(hi, opts)?;
    trials.push(at_lo.clone());
    trials.push(at_hi.clone());
    let direction = if !at_lo.met && at_hi.met { "smallest" } else { "largest" };
    let answer = match (at_lo.met, at_hi.met) {
        (false, false) => None,
        (true, true) => Some(if direction == "smallest" { lo } else { hi }),
        _ => {
            // Bisection: `good` meets the target, `bad` does not.
            let (mut good, mut bad) = if at_hi.met { (hi, lo) } else { (lo, hi) };
            loop {
                let gap = (good - bad).abs();
                if (whole && gap <= 1.0) || (!whole && gap <= tolerance) {
                    break;
                }
                let mid = if whole {
                    ((good + bad) / 2.0).floor()
                } else {
                    (good + bad) / 2.0
                };
                let mid = if whole && (mid == bad || mid == good) {
                    if good > bad { bad + 1.0 } else { bad - 1.0 }
                } else {
                    mid
                };
                let t = evaluate(mid, opts)?;
                trials.push(t.clone());
                if t.met { good = mid } else { bad = mid }
            }
            Some(good)
        }
    };
    let n = opts.replications.end - opts.replications.start;
    let confirm_replications = opts.replications.end..opts.replications.end + confirm;
    let confirmation = match answer {
        Some(v) if confirm > 0 => Some(evaluate(
            v,
            &RunOptions {
                replications: confirm_replications.clone(),
                ..opts.clone()
            },
        )?),
        _ => None,
    };
    let message = match (answer, &confirmation) {
        (None, _) => format!(
            "the target is not met anywhere in {lo}..{hi} on {n} replications (at {lo}: {}; at {hi}: {})",
            crate::report::fmt_num(at_lo.statistic),
            crate::report::fmt_num(at_hi.statistic)
        ),
        (Some(v), Some(c)) => format!(
            "{direction} value meeting the target: {path} = {v}; confirmed on {} fresh replications: {} ({})",
            confirm,
            crate::report::fmt_num(c.statistic),
            if c.met {
                "met"
            } else {
                "NOT met: the answer is marginal, rerun with more replications"
            }
        ),
        (Some(v), None) => format!("{direction} value meeting the target: {path} = {v}"),
    };
    Ok(PlanResult {
        answer,
        direction,
        trials,
        confirmation,
        confirm_replications,
        message,
    })
}
