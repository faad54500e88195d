//! `repatsim check`: targets on a plan, decided with confidence. A target passes only
//! when its statistic's whole 95% confidence interval lies on the right side of the
//! bound, fails when the whole interval lies on the wrong side, and is otherwise
//! undecided (with the replications that would likely decide it).
//!
//! The makespan is censored: a replication in which not everyone got home has none, but
//! its makespan is known to exceed the horizon. Leaving those replications out (as a
//! mean over the others would) could pass a plan that often never finishes, so here
//! they count as later than any finished one: percentiles are exact lower bounds, and a
//! mean, which they leave unknown, is reported as undefined.

use super::{Batch, ExperimentError, RunOptions, run_network};
use crate::metrics::{MetricKey, Stat};
use crate::model::Network;
use crate::stats::target::{Estimate, StatSpec, Target, bound_text};
use crate::stats::{Summary, Support, quantile_ci, quantile_inverted_cdf};
use std::sync::Arc;

/// How a target came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The whole 95% CI meets the target.
    Pass,
    /// The whole 95% CI misses it.
    Fail,
    /// The CI straddles the bound (or does not exist yet): more replications decide it.
    Undecided,
    /// The statistic cannot be computed from these replications, however many.
    Undefined,
}

/// One target's outcome.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Checked {
    /// `METRIC@STAT OP VALUE`.
    pub target: String,
    pub metric: String,
    pub stat: String,
    pub op: &'static str,
    pub value: f64,
    /// The statistic and its 95% CI (NaN: undefined; +inf: beyond the horizon).
    pub estimate: Estimate,
    /// Replications run.
    pub replications: u64,
    /// Replications without a value of the metric (left out; for the makespan, counted
    /// as later than the horizon).
    pub without_value: u64,
    pub verdict: Verdict,
    /// Why, in a sentence.
    pub reason: String,
    /// For an undecided target: about how many replications would decide it, if the
    /// estimate stayed where it is.
    pub would_decide: Option<u64>,
}

/// Evaluates `target` over the replications of `batch`; its metric must exist.
pub fn evaluate(batch: &Batch, target: &Target) -> Checked {
    let index = batch
        .metric_index(&target.metric)
        .expect("the metric is resolved before the run");
    let column = batch.column(index);
    let n = column.len() as u64;
    let missing = column.iter().filter(|x| !x.is_finite()).count() as u64;
    let censored = is_censored(batch, index);
    let horizon_days = batch.scenario().horizon_hours / 24.0;
    let mut out = Checked {
        target: target.to_string(),
        metric: target.metric.clone(),
        stat: target.stat.label(),
        op: target.op.as_str(),
        value: target.value,
        estimate: Estimate {
            value: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
            n: n - missing,
        },
        replications: n,
        without_value: missing,
        verdict: Verdict::Undefined,
        reason: String::new(),
        would_decide: None,
    };
    if censored && missing > 0 {
        if horizon_days < target.value {
            out.reason = format!(
                "in {missing} of {n} replications not everyone was home within the horizon of {}, shorter than the bound: lengthen horizon_days past {} so they can be placed",
                crate::metrics::fmt_days_span(horizon_days),
                target.value
            );
            return out;
        }
        if target.stat == StatSpec::Mean {
            out.reason = format!(
                "the mean is unknown: in {missing} of {n} replications not everyone was home within the horizon; check a percentile (e.g. {}@p90) or all_home@mean",
                target.metric
            );
            return out;
        }
    }
    // The same estimate as sweep and compare give (censored_estimate for the makespan).
    out.estimate = estimate_of(batch, index, target.stat);
    let xs = sorted_values(&column, censored);
    let proportion =
        target.stat == StatSpec::Mean && batch.catalogue.get(index).support(batch.scenario()) == Support::Indicator;
    let spread = spread_of(batch, index, target.stat);
    decide(&mut out, target, &xs, proportion, &spread);
    if missing > 0 && !censored {
        out.reason.push_str(&format!(
            " ({missing} of {n} replications have no value and are left out)"
        ));
    } else if censored && missing > 0 {
        out.reason.push_str(&format!(
            " ({missing} of {n} replications did not get everyone home within the horizon and count as later than it)"
        ));
    }
    out
}

/// The statistic of `target` over `batch` as `check` sees it, without its interval:
/// for the makespan, replications in which not everyone got home count as later than
/// the horizon (a percentile is then a lower bound; a mean, or a bound beyond the
/// horizon, cannot be known and is NaN, which meets no target). `plan` searches on it,
/// so it never calls a plan that often does not finish within a deadline.
pub fn censored_statistic(batch: &Batch, target: &Target) -> f64 {
    let Some(index) = batch.metric_index(&target.metric) else {
        return f64::NAN;
    };
    let column = batch.column(index);
    if !is_censored(batch, index) {
        return target.statistic(&column);
    }
    let missing = column.iter().any(|x| !x.is_finite());
    let horizon_days = batch.scenario().horizon_hours / 24.0;
    if missing && horizon_days < target.value {
        return f64::NAN;
    }
    censored_value(&column, target.stat)
}

/// `stat` of column `index` of `batch` with its 95% CI, as `check`, `sweep`, `plan` and
/// `--until-ci` give it: the makespan censored (see [`censored_estimate`]), a mean's CI
/// kept to the values the metric can take (see [`MetricInfo::support`]).
///
/// [`MetricInfo::support`]: crate::metrics::MetricInfo::support
pub fn estimate_of(batch: &Batch, index: usize, stat: StatSpec) -> Estimate {
    estimate_on(batch, index, stat, batch.catalogue.get(index).support(batch.scenario()))
}

/// As [`estimate_of`] with the interval of a mean kept to `support`. The spread of
/// the values, for how many more replications a narrower interval needs, is the
/// interval not cut (`Support::Real`; Wilson's for a 0/1 outcome): a cut interval is
/// narrower than the estimate is precise (a tester's `--until-ci evaded=0.09` stopped
/// at a cut half-width of 0.077 where the spread gave 0.105).
pub fn estimate_on(batch: &Batch, index: usize, stat: StatSpec, support: Support) -> Estimate {
    let column = batch.column(index);
    if is_censored(batch, index) {
        censored_estimate(&column, stat, support)
    } else {
        stat.estimate(&column, support)
    }
}

/// `stat` of column `index` with the interval whose width says how precise it is, for
/// how many more replications are needed: not cut to the metric's possible values (a
/// cut interval is narrower than the values' spread warrants), but Wilson's for a 0/1
/// outcome, whose t interval is no measure at all when every value is the same. Used by
/// `check` and `--until-ci`.
pub fn spread_of(batch: &Batch, index: usize, stat: StatSpec) -> Estimate {
    let support = match batch.catalogue.get(index).support(batch.scenario()) {
        Support::Indicator => Support::Indicator,
        _ => Support::Real,
    };
    estimate_on(batch, index, stat, support)
}

/// True if column `index` of `batch` is censored: the makespan, which a replication in
/// which not everyone got home does not have, but is known to exceed the horizon.
pub fn is_censored(batch: &Batch, index: usize) -> bool {
    batch.catalogue.get(index).key == MetricKey::overall(Stat::MakespanDays)
}

/// `stat` with its 95% CI over a censored column (see [`is_censored`]): replications
/// without a value count as later than any with one, as `check` counts them. A
/// percentile is the order statistic [`quantile_inverted_cdf`] (whether or not any
/// replication is unfinished, so that it never changes its definition; +inf where it
/// falls among the unfinished) with the order statistics' CI; `n` is every
/// replication. A mean, which the unfinished leave unknown, is then NaN (`n` is every
/// replication too, as in `summary.json`: the mean is unknown from all of them; a
/// sweep's mean row said 13 where its p90 row said 20); with every replication
/// finished, the plain mean.
pub fn censored_estimate(column: &[f64], stat: StatSpec, support: Support) -> Estimate {
    let all_finished = column.iter().all(|x| x.is_finite());
    match stat {
        StatSpec::Mean if all_finished => stat.estimate(column, support),
        StatSpec::Mean => Estimate {
            value: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
            n: column.len() as u64,
        },
        StatSpec::Quantile(q) => {
            let xs = sorted_values(column, true);
            let (lo, hi) = quantile_ci(&xs, q);
            Estimate {
                value: quantile_inverted_cdf(&xs, q),
                ci95_low: lo,
                ci95_high: hi,
                n: xs.len() as u64,
            }
        }
    }
}

/// The summary of a censored column (see [`is_censored`]): its percentiles are order
/// statistics ([`quantile_inverted_cdf`]) with unfinished replications counted as later
/// than everything else (+inf where they fall among them, as the maximum then is); with
/// any replication unfinished its mean, deviation and CI are unknown (NaN).
pub fn censored_summary(column: &[f64], support: Support) -> Summary {
    let xs = sorted_values(column, true);
    let base = if column.iter().all(|x| x.is_finite()) {
        Summary::of_on(column, support)
    } else {
        Summary {
            mean: f64::NAN,
            sd: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
            ..Summary::of(&xs)
        }
    };
    let p = |q: f64| quantile_inverted_cdf(&xs, q);
    Summary {
        p05: p(0.05),
        p10: p(0.1),
        p50: p(0.5),
        p90: p(0.9),
        p95: p(0.95),
        ..base
    }
}

/// A statistic of the makespan over replications of which some may not have got
/// everyone home: those count as later than anything observed, so a mean is then
/// unknown (NaN) and a percentile is the order statistic [`quantile_inverted_cdf`]
/// (infinite when it falls among the unfinished).
pub fn censored_value(column: &[f64], stat: StatSpec) -> f64 {
    match stat {
        StatSpec::Mean if column.iter().all(|x| x.is_finite()) => stat.of(column),
        StatSpec::Mean => f64::NAN,
        StatSpec::Quantile(q) => quantile_inverted_cdf(&sorted_values(column, true), q),
    }
}

/// The values of a column, sorted: missing ones left out, or, for a censored metric
/// (the makespan), counted as later than anything observed (+inf).
fn sorted_values(column: &[f64], censored: bool) -> Vec<f64> {
    let mut xs: Vec<f64> = column
        .iter()
        .filter_map(|&x| match (x.is_finite(), censored) {
            (true, _) => Some(x),
            (false, true) => Some(f64::INFINITY),
            (false, false) => None,
        })
        .collect();
    xs.sort_by(f64::total_cmp);
    xs
}

/// Sets the verdict, reason and replications that would decide it (`proportion`: the
/// mean of a 0/1 outcome, whose CI is Wilson's).
fn decide(out: &mut Checked, target: &Target, xs: &[f64], proportion: bool, spread: &Estimate) {
    let e = out.estimate;
    let v = target.value;
    let vt = bound_text(v);
    if xs.is_empty() || e.value.is_nan() {
        out.verdict = Verdict::Undefined;
        out.reason = "no replication has a value of this metric".into();
        return;
    }
    // A bound the values cannot give (too few of them below or above a percentile)
    // leaves that side open: the interval still covers, so one side may decide.
    let open_low = e.ci95_low.is_nan();
    let open_high = e.ci95_high.is_nan();
    let (lo, hi) = (
        if open_low { f64::NEG_INFINITY } else { e.ci95_low },
        if open_high { f64::INFINITY } else { e.ci95_high },
    );
    let (lo_ok, hi_ok) = (target.op.holds(lo, v), target.op.holds(hi, v));
    let decided = lo_ok == hi_ok;
    if (open_low || open_high) && !decided {
        out.verdict = Verdict::Undecided;
        out.would_decide = replications_for_a_ci(target.stat, xs.len() as u64);
        let needed = out.would_decide.map_or(String::new(), |m| {
            format!("; {} would give one", crate::metrics::fmt_count(m))
        });
        out.reason = match target.stat {
            StatSpec::Mean => format!("a confidence interval needs at least 2 values{needed}"),
            StatSpec::Quantile(_) => format!(
                "{} values are too few for a confidence interval of the {} (order statistics){needed}",
                xs.len(),
                target.stat.label()
            ),
        };
        return;
    }
    // Decimals enough to tell the interval's ends, the estimate and the bound apart.
    let texts = crate::metrics::fmt_statistics_apart(&[lo, hi, e.value, v]);
    let (lo_text, hi_text, value_text) = (&texts[0], &texts[1], &texts[2]);
    let interval = match (open_low, open_high) {
        (false, false) => format!("95% CI {lo_text} to {hi_text}"),
        (true, _) => format!("95% CI up to {hi_text}; {} values give no lower bound", xs.len()),
        (_, true) => format!("95% CI from {lo_text}; {} values give no upper bound", xs.len()),
    };
    let ci = format!("{} {value_text} ({interval})", target.stat.label());
    if lo_ok && hi_ok {
        out.verdict = Verdict::Pass;
        out.reason = format!("{ci}: the whole interval is {} {vt}", target.op.as_str());
    } else if !lo_ok && !hi_ok {
        out.verdict = Verdict::Fail;
        out.reason = format!("{ci}: the whole interval misses {} {vt}", target.op.as_str());
    } else {
        out.verdict = Verdict::Undecided;
        out.would_decide = replications_to_decide(spread, v, proportion);
        out.reason = match out.would_decide {
            Some(m) => format!(
                "{ci} straddles {vt}; about {} replications would decide it if the estimate held",
                crate::metrics::fmt_count(m)
            ),
            None if e.value.is_infinite() => format!(
                "{ci} straddles {vt}: the {} lies beyond the horizon in these replications, but not surely",
                target.stat.label()
            ),
            None => format!("{ci} straddles {vt}, and the estimate sits on the bound"),
        };
    }
}

/// Replications after which the CI, shrinking as 1/sqrt(n), would clear the bound.
fn replications_to_decide(e: &Estimate, bound: f64, proportion: bool) -> Option<u64> {
    let gap = (e.value - bound).abs();
    if proportion {
        return replications_to_decide_proportion(e.value, bound, e.n);
    }
    let reach = if bound > e.value {
        e.ci95_high - e.value
    } else {
        e.value - e.ci95_low
    };
    if !(gap > 0.0 && gap.is_finite() && reach.is_finite()) {
        return None;
    }
    let m = (e.n as f64 * (reach / gap).powi(2)).ceil();
    (m.is_finite() && m < 1e12).then_some((m as u64).max(e.n + 1))
}

/// As [`replications_to_decide`] for a proportion `p` (the mean of a 0/1 outcome): the
/// fewest trials after `n` whose Wilson interval around `p` leaves `bound` out. Its
/// width shrinks like 1/m near 0% and 100%, not like 1/sqrt(m) as a t interval's does,
/// so the t rule would overstate it (378 instead of 73 for 5 of 5 against 95%).
fn replications_to_decide_proportion(p: f64, bound: f64, n: u64) -> Option<u64> {
    if !(p.is_finite() && bound.is_finite()) || p == bound {
        return None;
    }
    let decided = |m: f64| {
        let (lo, hi) = crate::stats::wilson_at(p, m);
        if p > bound { lo > bound } else { hi < bound }
    };
    let (mut a, mut z) = (n as f64, (n as f64 + 1.0).max(2.0));
    while !decided(z) {
        if z > 1e12 {
            return None;
        }
        (a, z) = (z, z * 2.0);
    }
    // The first whole m in (a, z] that decides.
    while z - a > 1.0 {
        let mid = ((a + z) / 2.0).floor();
        if decided(mid) { z = mid } else { a = mid }
    }
    Some((z as u64).max(n + 1))
}

/// The fewest replications with which the statistic has a 95% CI at all (for a
/// quantile, the order-statistic ranks of [`quantile_ci`] must fall within 1..=n).
fn replications_for_a_ci(stat: StatSpec, n: u64) -> Option<u64> {
    match stat {
        StatSpec::Mean => Some(2.max(n + 1)),
        StatSpec::Quantile(q) => crate::stats::replications_for_quantile_ci(q).map(|m| m.max(n + 1)),
    }
}

/// How far `check` may go to decide undecided targets.
#[derive(Clone, Copy, Debug)]
pub struct UntilDecided {
    /// Most replications in all.
    pub max_replications: u64,
    /// Fewest replications added at a time.
    pub block: u64,
}

/// Refuses a target whose bound decides it whatever happens (a share's above 1, see
/// [`Target::bound_outside`]) on the scenario `text` with `base` overrides.
pub fn refuse_decided_target(
    text: &str,
    label: &str,
    base: &[crate::scenario::params::Override],
    target: &Target,
) -> Result<(), super::compare::CompareError> {
    let net = Network::new(Arc::new(super::compare::scenario_with(text, label, base)?));
    let cat = crate::model::emit::catalogue(&net);
    match cat
        .index_of_id(&target.metric)
        .and_then(|i| cat.get(i).bound_problem(&net.scenario, target))
    {
        Some(m) => Err(super::compare::CompareError::Usage(format!("--target {target}: {m}"))),
        None => Ok(()),
    }
}

/// Runs `opts.replications` and evaluates `targets`; with `until`, adds replications
/// (the next indices, so the result is reproducible) while a target is undecided and
/// an estimate says more would decide it, up to the cap.
pub fn run_check(
    net: &Arc<Network>,
    opts: &RunOptions,
    targets: &[Target],
    until: Option<UntilDecided>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<(Batch, Vec<Checked>), ExperimentError> {
    let mut batch = run_network(net, opts, progress)?;
    loop {
        let checked: Vec<Checked> = targets.iter().map(|t| evaluate(&batch, t)).collect();
        let Some(u) = until else {
            return Ok((batch, checked));
        };
        let done = opts.replications.start + batch.len() as u64;
        let cap = opts.replications.start + u.max_replications;
        let wanted = checked
            .iter()
            .filter(|c| c.verdict == Verdict::Undecided)
            .filter_map(|c| c.would_decide)
            .max();
        let next = match wanted {
            Some(m) => (opts.replications.start + m).max(done + u.block).min(cap),
            None => done,
        };
        if batch.interrupted || next <= done {
            return Ok((batch, checked));
        }
        let more = run_network(
            net,
            &RunOptions {
                replications: done..next,
                ..opts.clone()
            },
            progress,
        )?;
        batch.append(more).expect("the added replications follow the others");
    }
}
