//! B against A on common random numbers: both scenarios run on the same replication
//! seeds and per-element streams, so their paired differences show the effect of the
//! change and little else. Metric by metric: the 95% CI of the paired difference and a
//! verdict that reads which way is better from the metric catalogue.

use super::{Batch, ExperimentError, RunOptions, run_network};
use crate::metrics::Better;
use crate::model::Network;
use crate::scenario::params::{self, Override, ParamError};
use crate::scenario::{self, Scenario, ScenarioError};
use crate::stats::Summary;
use crate::stats::target::{StatSpec, negligible};
use std::sync::Arc;

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
    /// The mean makespan of a plan in which some replications did not get everyone
    /// home within the horizon is unknown, and so is its difference: compare a
    /// percentile (`--metric makespan_days@p90`) or `all_home`.
    Undefined,
}

impl Verdict {
    /// In words.
    /// The verdict as data files write it (`compare.csv`, as `compare.json` does):
    /// `b_better`, `no_detectable_difference`...
    pub fn id(self) -> &'static str {
        match self {
            Verdict::BBetter => "b_better",
            Verdict::BWorse => "b_worse",
            Verdict::BHigher => "b_higher",
            Verdict::BLower => "b_lower",
            Verdict::Same => "same",
            Verdict::NoDetectableDifference => "no_detectable_difference",
            Verdict::NotEnoughData => "not_enough_data",
            Verdict::Undefined => "undefined",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::BBetter => "B better",
            Verdict::BWorse => "B worse",
            Verdict::BHigher => "B higher",
            Verdict::BLower => "B lower",
            Verdict::Same => "same",
            Verdict::NoDetectableDifference => "no detectable difference",
            Verdict::NotEnoughData => "not enough data",
            Verdict::Undefined => "undefined: unfinished replications",
        }
    }

    /// True when the runs differ beyond doubt.
    pub fn differs(self) -> bool {
        !matches!(
            self,
            Verdict::Same | Verdict::NoDetectableDifference | Verdict::NotEnoughData | Verdict::Undefined
        )
    }
}

/// One metric compared.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MetricDiff {
    /// The metric's id in the catalogue.
    pub metric: String,
    pub a: Summary,
    pub b: Summary,
    /// Of B - A, paired by replication.
    pub difference: Summary,
    pub better: Better,
    pub verdict: Verdict,
}

/// A statistic of a metric (`makespan_days@p90`) compared: its value in A and in B and
/// the change with a 95% CI: for a mean the paired Student-t interval of the metric
/// table (when every replication of both has a value), else a paired bootstrap.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StatDiff {
    /// `METRIC@STAT`.
    pub statistic: String,
    pub a: f64,
    pub b: f64,
    /// B - A, its 95% CI low and high (null while undefined).
    pub change: [f64; 3],
    /// How the CI was made: `paired_t` or `paired_bootstrap`.
    pub ci_method: &'static str,
    pub better: Better,
    pub verdict: Verdict,
}

/// B against A.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub a: Batch,
    pub b: Batch,
    pub metrics: Vec<MetricDiff>,
    /// The statistics asked for with `--metric`, in that order.
    pub statistics: Vec<StatDiff>,
}

/// Compares each `METRIC@STAT` of `specs` between the runs of `c` (paired by
/// replication, bootstrap CI keyed by `seed`).
pub fn stat_diffs(c: &Comparison, specs: &[super::MetricStat], seed: u64) -> Result<Vec<StatDiff>, CompareError> {
    specs
        .iter()
        .map(|m| {
            let ia =
                c.a.metric_index(&m.metric)
                    .ok_or_else(|| unknown_metric(&c.a, &m.metric))?;
            let ib =
                c.b.metric_index(&m.metric)
                    .ok_or_else(|| unknown_metric(&c.b, &m.metric))?;
            let (xa, xb) = (c.a.column(ia), c.b.column(ib));
            // The makespan as `check` counts it: unfinished replications are later than
            // the horizon (a percentile among them is +inf, and so is a change to it).
            let censored = super::check::is_censored(&c.a, ia);
            let value = |v: &[f64]| {
                if censored {
                    super::check::censored_value(v, m.stat)
                } else {
                    m.stat.of(v)
                }
            };
            let all_finite = xa.iter().chain(&xb).all(|x| x.is_finite());
            let by_t = m.stat == StatSpec::Mean && all_finite;
            let mut change = if by_t {
                // The mean's change is the mean paired difference with its Student-t
                // CI, as the table of every metric gives it: a percentile bootstrap of
                // a mean is too narrow with few replications (a tester's comparison
                // of two plans that differ in nothing found a difference in 12% of
                // seeds at 10 replications, and contradicted the table beside it).
                let d = Summary::of(&paired_differences(&xa, &xb));
                [d.mean, d.ci95_low, d.ci95_high]
            } else {
                crate::stats::paired_change(&xa, &xb, seed, &value)
            };
            // Equal up to the rounding of sums is no change (see `paired_differences`).
            let scale = value(&xa).abs().max(value(&xb).abs());
            for c in &mut change {
                if c.is_finite() && scale.is_finite() && negligible(*c, scale) {
                    *c = 0.0;
                }
            }
            let better = c.a.catalogue.get(ia).better;
            let verdict = if censored && change[0].is_nan() {
                // Beyond the horizon in both plans: no change can be stated.
                Verdict::Undefined
            } else if change[1].is_nan() || change[2].is_nan() {
                if change[0] == 0.0 && xa == xb {
                    Verdict::Same
                } else {
                    Verdict::NotEnoughData
                }
            } else if change[1] == 0.0 && change[2] == 0.0 && change[0] == 0.0 {
                Verdict::Same
            } else if change[1] > 0.0 || change[2] < 0.0 {
                let up = change[0] > 0.0;
                match (better, up) {
                    (Better::Lower, true) | (Better::Higher, false) => Verdict::BWorse,
                    (Better::Lower, false) | (Better::Higher, true) => Verdict::BBetter,
                    (_, true) => Verdict::BHigher,
                    (_, false) => Verdict::BLower,
                }
            } else {
                Verdict::NoDetectableDifference
            };
            Ok(StatDiff {
                statistic: format!("{}@{}", m.metric, m.stat.label()),
                a: value(&xa),
                b: value(&xb),
                change,
                ci_method: if by_t { "paired_t" } else { "paired_bootstrap" },
                better,
                verdict,
            })
        })
        .collect()
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
    /// A stop (Ctrl-C, SIGTERM) came while the replications ran: no answer.
    #[error("stopped before the replications were done")]
    Stopped,
}

/// `b[i] - a[i]` for the replications where both have a value; 0 where the two are
/// equal up to the rounding of floating-point sums (a relative 1e-9, as targets judge a
/// bound): two plans that add the same hours in another order differ by 1e-12, which
/// is no difference a planner should be told of ("B lower" on a service time both
/// plans drew identically).
pub fn paired_differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(&x, &y)| {
            if negligible(y - x, x.abs().max(y.abs())) {
                0.0
            } else {
                y - x
            }
        })
        .collect()
}

/// The verdict on a paired difference `d` for a metric whose better direction is `better`.
pub fn verdict(d: &Summary, better: Better) -> Verdict {
    if d.n < 2 {
        return Verdict::NotEnoughData;
    }
    if d.min == 0.0 && d.max == 0.0 {
        return Verdict::Same;
    }
    let up = d.ci95_low > 0.0;
    let down = d.ci95_high < 0.0;
    match (up, down, better) {
        (false, false, _) => Verdict::NoDetectableDifference,
        (true, _, Better::Higher) | (_, true, Better::Lower) => Verdict::BBetter,
        (true, _, Better::Lower) | (_, true, Better::Higher) => Verdict::BWorse,
        (true, _, Better::Neither) => Verdict::BHigher,
        (_, true, Better::Neither) => Verdict::BLower,
    }
}

/// Compares every metric the two batches share (run on the same replications).
pub fn diff_batches(ra: &Batch, rb: &Batch) -> Vec<MetricDiff> {
    // A cost only one plan has is zero in the other: a scenario without costs has no
    // cost columns, and a comparison that left them out would hide what B costs.
    let zeros = |b: &Batch| vec![0.0; b.len()];
    // (metric, censored as the makespan, A's column, B's column)
    let mut pairs: Vec<(&crate::metrics::MetricInfo, bool, Vec<f64>, Vec<f64>)> = Vec::new();
    for (i, info) in ra.catalogue.iter().enumerate() {
        let censored = super::check::is_censored(ra, i);
        match rb.metric_index(&info.id) {
            Some(j) => pairs.push((info, censored, ra.column(i), rb.column(j))),
            None if info.unit == crate::metrics::Unit::Currency => pairs.push((info, false, ra.column(i), zeros(rb))),
            None => {}
        }
    }
    for (j, info) in rb.catalogue.iter().enumerate() {
        if info.unit == crate::metrics::Unit::Currency && ra.metric_index(&info.id).is_none() {
            pairs.push((info, false, zeros(ra), rb.column(j)));
        }
    }
    let mut metrics = Vec::new();
    for (info, censored, ca, cb) in pairs {
        let diffs = paired_differences(&ca, &cb);
        // The makespan as the run reports it: with a replication unfinished in either
        // plan its mean is unknown, and so is the mean difference (the pairs that both
        // finished would leave out exactly the slow ones).
        let identical = ca.len() == cb.len() && ca.iter().zip(&cb).all(|(x, y)| x.to_bits() == y.to_bits());
        // (Two identical runs differ by nothing, unless no replication of either has a
        // makespan at all: then there is nothing to compare either way.)
        let none_finished = ca.iter().chain(&cb).all(|x| !x.is_finite());
        let unfinished = censored && (!identical || none_finished) && ca.iter().chain(&cb).any(|x| !x.is_finite());
        // Each plan's values as its own scenario bounds them (B may have more people).
        let support_in = |b: &Batch| {
            b.catalogue
                .by_id(&info.id)
                .map_or(crate::stats::Support::NonNegative, |i| i.support(b.scenario()))
        };
        let summary = |c: &[f64], support| {
            if censored {
                super::check::censored_summary(c, support)
            } else {
                Summary::of_on(c, support)
            }
        };
        let mut difference = Summary::of(&diffs);
        if unfinished {
            (difference.mean, difference.sd) = (f64::NAN, f64::NAN);
            (difference.ci95_low, difference.ci95_high) = (f64::NAN, f64::NAN);
        }
        metrics.push(MetricDiff {
            metric: info.id.clone(),
            a: summary(&ca, support_in(ra)),
            b: summary(&cb, support_in(rb)),
            verdict: if unfinished {
                Verdict::Undefined
            } else {
                verdict(&difference, info.better)
            },
            difference,
            better: info.better,
        });
    }
    metrics
}

/// Runs `a` and `b` on the same replications and seed (A's), and compares every metric
/// they share.
pub fn compare(a: &Scenario, b: &Scenario, opts: &RunOptions) -> Result<Comparison, CompareError> {
    let mut b = b.clone();
    b.seed = a.seed;
    let net_a = Arc::new(Network::new(Arc::new(a.clone())));
    let net_b = Arc::new(Network::new(Arc::new(b)));
    let ra = run_network(&net_a, opts, None)?;
    let n = opts.replications.end - opts.replications.start;
    let opts_b = RunOptions {
        progress: opts.progress.as_ref().map(|p| p.shifted(n)),
        ..opts.clone()
    };
    let rb = run_network(&net_b, &opts_b, None)?;
    let metrics = diff_batches(&ra, &rb);
    Ok(Comparison {
        a: ra,
        b: rb,
        metrics,
        statistics: Vec::new(),
    })
}

/// A scenario text with overrides, validated. An error quotes the text as rewritten,
/// so its file label says by what (a line reading `beds = 1000000000` is not the
/// file's own line 24).
pub fn scenario_with(text: &str, label: &str, overrides: &[Override]) -> Result<Scenario, CompareError> {
    let t = params::apply(text, overrides)?;
    let parsed = scenario::parse(&t, label).map_err(|mut e| {
        e.file = params::rewritten_label(label, overrides);
        e
    })?;
    Ok(parsed.scenario.fixed_by(overrides))
}

/// "no metric named `x` (did you mean `y`?)", from a batch's catalogue.
pub fn unknown_metric(batch: &Batch, id: &str) -> CompareError {
    let hint = batch
        .catalogue
        .suggest(id)
        .map_or(String::new(), |h| format!(" (did you mean `{h}`?)"));
    CompareError::Usage(format!("no metric named `{id}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::Verdict;

    /// compare.csv and compare.json write the same verdicts: `id` is serde's name.
    #[test]
    fn the_csv_verdict_is_the_json_one() {
        for v in [
            Verdict::BBetter,
            Verdict::BWorse,
            Verdict::BHigher,
            Verdict::BLower,
            Verdict::Same,
            Verdict::NoDetectableDifference,
            Verdict::NotEnoughData,
            Verdict::Undefined,
        ] {
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(v.id()));
        }
    }
}
