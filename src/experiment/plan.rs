//! The smallest (or largest) value of one parameter that meets a target, found by
//! bisection with every trial on the same replications, then confirmed on fresh ones.

use super::compare::{CompareError, scenario_with, unknown_metric};
use super::{RunOptions, Target, run_network};
use crate::metrics::fmt_statistic;
use crate::model::Network;
use crate::scenario::params::{self, Override};
use std::sync::Arc;

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
    /// The answer: the value at the boundary where the target starts (or stops) being
    /// met, if the range holds one.
    pub answer: Option<f64>,
    /// "smallest" (the first value scanned does not meet the target) or "largest" (it
    /// does).
    pub direction: &'static str,
    /// True when every value scanned meets the target: no boundary was found in the
    /// range, and there is no answer.
    pub met_everywhere: bool,
    /// False when the values scanned meet the target in a stretch with failing values
    /// on both sides (or in several): the parameter does not move the statistic one
    /// way, and the answer is the boundary of the first stretch that meets it only.
    pub one_way: bool,
    pub trials: Vec<Trial>,
    /// The answer rerun on fresh replications.
    pub confirmation: Option<Trial>,
    /// Whether the answer's statistic still met the target on them, on its point value
    /// (`None` without an answer).
    pub met_on_fresh: Option<bool>,
    /// Whether it did with 95% confidence, as the console's "confirmed" says: met on
    /// the fresh replications and the whole CI meets the target (`confirmation_check`
    /// passes). A point value that meets it alone is not a confirmation.
    pub confirmed: Option<bool>,
    /// The answer's target judged on the fresh replications as `check` judges it: pass
    /// only when the statistic's whole 95% CI meets it (a bisection decides on point
    /// values, so an answer can meet the target by chance).
    pub confirmation_check: Option<super::check::Checked>,
    /// The replications used for the confirmation.
    pub confirm_replications: std::ops::Range<u64>,
    pub message: String,
}

/// The most bisection steps a plan takes.
pub const MAX_STEPS: usize = 1100;

/// How many values, evenly spread with both ends, a plan tries before bisecting.
pub const SCAN_POINTS: usize = 9;

/// The values a plan scans first: `SCAN_POINTS` evenly spread over `[lo, hi]`, both
/// ends included, rounded to whole numbers on a whole-number field (then each once).
pub fn scan_values(lo: f64, hi: f64, whole: bool) -> Vec<f64> {
    let last = (SCAN_POINTS - 1) as f64;
    let mut values: Vec<f64> = (0..SCAN_POINTS)
        .map(|k| match k {
            0 => lo,
            k if k == SCAN_POINTS - 1 => hi,
            k => {
                let v = lo + (hi - lo) * k as f64 / last;
                if whole { v.round() } else { v }
            }
        })
        .collect();
    values.dedup();
    values
}

/// The tolerance of a search over `lo..hi` when none is given: 0.01, or a thousandth of
/// the range if that is finer (a fixed 0.01 on 0..0.02 stopped the search at the scan
/// and answered to the scan's spacing, 0.0025, where the boundary was at 0.0039), and
/// never finer than the numbers near `hi` can tell apart.
pub fn default_tolerance(lo: f64, hi: f64) -> f64 {
    let thousandth = (hi - lo) / 1000.0;
    let resolution = 64.0 * f64::EPSILON * lo.abs().max(hi.abs()).max(f64::MIN_POSITIVE);
    if thousandth > 0.0 {
        0.01_f64.min(thousandth).max(resolution)
    } else {
        0.01
    }
}

/// Refuses a `--vary` that plan cannot search: a step (plan searches the whole range,
/// and used to ignore it) or a list of alternatives.
pub fn check_range(vary: &str) -> Result<(), CompareError> {
    let range = vary.split_once('=').map_or("", |(_, r)| r.trim());
    if range.starts_with('[') {
        return Err(CompareError::Usage(format!(
            "--vary {vary}: plan searches a numeric range LO..HI; to compare a list of alternatives, use sweep --vary"
        )));
    }
    if range.contains(':') {
        return Err(CompareError::Usage(format!(
            "--vary {vary}: plan searches the whole range LO..HI (whole numbers on a whole-number field, else to --tolerance); drop the ':STEP', or use sweep for a grid"
        )));
    }
    Ok(())
}

/// Finds the smallest (or largest) value of `axis.path` in `[lo, hi]` meeting `target`:
/// scans [`SCAN_POINTS`] values across the range, then bisects the first place where
/// the verdict changes, every trial on the same replications (`opts`); then reruns the
/// answer on `confirm` fresh replications that follow them. Whole-number fields are
/// searched over whole numbers; others to within `tolerance`.
///
/// See [`default_tolerance`] for the tolerance to use when none is asked for.
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
    // A tolerance finer than the floats between LO and HI can tell apart would never
    // end the search: refused, with the finest that works.
    let resolution = 64.0 * f64::EPSILON * lo.abs().max(hi.abs()).max(f64::MIN_POSITIVE);
    if !whole && tolerance < resolution {
        return Err(CompareError::Usage(format!(
            "--tolerance {tolerance}: finer than numbers near {} can be told apart; use at least {resolution:.3e}",
            lo.abs().max(hi.abs())
        )));
    }
    // Replications run so far over all trials, for the progress callback.
    let done = std::sync::atomic::AtomicU64::new(0);
    let evaluate = |v: f64, opts: &RunOptions| -> Result<(Trial, super::check::Checked), CompareError> {
        let before = done.load(std::sync::atomic::Ordering::Relaxed);
        let opts = &RunOptions {
            progress: opts.progress.as_ref().map(|p| p.shifted(before)),
            ..opts.clone()
        };
        done.fetch_add(
            opts.replications.end - opts.replications.start,
            std::sync::atomic::Ordering::Relaxed,
        );
        let mut o = base.to_vec();
        o.push(Override::number(path, v));
        let mut sc = scenario_with(text, label, &o).map_err(|e| {
            CompareError::Usage(format!(
                "--vary: at {path}={v}, a value the search tried, the scenario is refused, so plan stops (the values tried: the range's ends, {} values spread between them, then halves of the gap where the verdict changes):\n{e}",
                SCAN_POINTS - 2
            ))
        })?;
        sc.seed = base_sc.seed;
        let batch = run_network(&Arc::new(Network::new(Arc::new(sc))), opts, None)?;
        batch
            .metric_index(&target.metric)
            .ok_or_else(|| unknown_metric(&batch, &target.metric))?;
        // Unfinished replications count against a makespan target, as in `check`.
        let statistic = super::check::censored_statistic(&batch, target);
        let trial = Trial {
            value: v,
            statistic,
            met: target.met(statistic),
        };
        Ok((trial, super::check::evaluate(&batch, target)))
    };
    // A scan across the range first: the target is judged at SCAN_POINTS values before
    // any bisection, so a metric that does not move one way with the parameter (a bus
    // that leaves when full: small buses never clear the line, big ones take long to
    // fill) is seen, and its stretch that meets the target found, not missed between
    // two failing ends.
    let mut trials = Vec::new();
    for v in scan_values(lo, hi, whole) {
        trials.push(evaluate(v, opts)?.0);
    }
    let scan = trials.clone();
    let first_change = scan.iter().position(|t| t.met != scan[0].met);
    let switches = scan.windows(2).filter(|w| w[0].met != w[1].met).count();
    let direction = if scan[0].met { "largest" } else { "smallest" };
    let met_everywhere = first_change.is_none() && scan[0].met;
    let answer = match first_change {
        None => None,
        Some(f) => {
            // Bisection: `good` meets the target, `bad` does not.
            let (mut good, mut bad) = if scan[f].met {
                (scan[f].value, scan[f - 1].value)
            } else {
                (scan[f - 1].value, scan[f].value)
            };
            // Every step halves the gap: at most 1,100 steps from the widest f64 range
            // to the finest tolerance, and the loop is bounded besides.
            for _ in 0..MAX_STEPS {
                let gap = (good - bad).abs();
                if (whole && gap <= 1.0) || (!whole && gap <= tolerance) {
                    break;
                }
                let mid = if whole {
                    ((good + bad) / 2.0).floor()
                } else {
                    (good + bad) / 2.0
                };
                if !whole && (mid == bad || mid == good) {
                    break; // no float lies between them
                }
                let mid = if whole && (mid == bad || mid == good) {
                    if good > bad { bad + 1.0 } else { bad - 1.0 }
                } else {
                    mid
                };
                let t = evaluate(mid, opts)?.0;
                trials.push(t.clone());
                if t.met { good = mid } else { bad = mid }
            }
            Some(good)
        }
    };
    let n = opts.replications.end - opts.replications.start;
    let confirm_replications = opts.replications.end..opts.replications.end + confirm;
    let (confirmation, confirmation_check) = match answer {
        Some(v) if confirm > 0 => {
            let (t, c) = evaluate(
                v,
                &RunOptions {
                    replications: confirm_replications.clone(),
                    ..opts.clone()
                },
            )?;
            (Some(t), Some(c))
        }
        _ => (None, None),
    };
    let tried = scan
        .iter()
        .map(|t| format!("{} at {}", fmt_statistic(t.statistic), t.value))
        .collect::<Vec<_>>()
        .join(", ");
    let stretch = if switches > 1 { "of the first stretch " } else { "" };
    let mut message = match (answer, &confirmation) {
        (None, _) if met_everywhere => format!(
            "every value tried in {lo}..{hi} meets the target on {n} replications ({tried}): the boundary lies outside the range; widen it to find the smallest or largest value that meets it"
        ),
        (None, _) => format!(
            "the target is not met at any of the {} values tried in {lo}..{hi} on {n} replications ({tried})",
            scan.len()
        ),
        (Some(v), Some(c)) => format!(
            "{direction} value {stretch}meeting the target: {path} = {v}; rerun on {} fresh replications: {} ({})",
            confirm,
            fmt_statistic(c.statistic),
            match (c.met, confirmation_check.as_ref().map(|k| k.verdict)) {
                (true, Some(super::check::Verdict::Pass)) =>
                    "met, confirmed: its whole 95% CI meets the target".to_string(),
                (true, _) => format!(
                    "met, but not with 95% confidence: {}; the search decided on point values, so the answer may be one step off, and more replications (-n) narrow it",
                    confirmation_check.as_ref().map_or(String::new(), |k| k.reason.clone())
                ),
                (false, _) => "NOT met: the answer is marginal, rerun with more replications".to_string(),
            }
        ),
        (Some(v), None) => format!("{direction} value {stretch}meeting the target: {path} = {v}"),
    };
    if switches > 1 {
        let met: Vec<String> = scan.iter().filter(|t| t.met).map(|t| t.value.to_string()).collect();
        let not: Vec<String> = scan.iter().filter(|t| !t.met).map(|t| t.value.to_string()).collect();
        message += &format!(
            ". Beware: {path} does not move the statistic one way over this range (of the values scanned, {} meet the target and {} do not), so this is the boundary of the first stretch that meets it; `sweep` shows the whole range",
            met.join(", "),
            not.join(", ")
        );
    }
    Ok(PlanResult {
        answer,
        met_everywhere,
        one_way: switches <= 1,
        direction,
        trials,
        met_on_fresh: confirmation.as_ref().map(|t| t.met),
        confirmed: confirmation
            .as_ref()
            .map(|t| t.met && confirmation_check.as_ref().map(|k| k.verdict) == Some(super::check::Verdict::Pass)),
        confirmation,
        confirmation_check,
        confirm_replications,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::default_tolerance;

    /// 0.01 on a range of ordinary size (answers unchanged), a thousandth of a small
    /// range (0..0.02 was searched to 0.01, wider than its scan spacing: no bisection at
    /// all), and never finer than floats near the range can tell apart.
    #[test]
    fn the_default_tolerance_fits_the_range() {
        assert_eq!(default_tolerance(100.0, 1000.0), 0.01);
        assert_eq!(default_tolerance(0.0, 10.0), 0.01);
        assert_eq!(default_tolerance(0.0, 0.02), 0.02 / 1000.0);
        let spacing = 0.02 / (super::SCAN_POINTS - 1) as f64;
        assert!(default_tolerance(0.0, 0.02) < spacing / 10.0);
        let tiny = default_tolerance(1e9, 1e9 + 1e-6);
        assert!(tiny >= 64.0 * f64::EPSILON * (1e9 + 1e-6), "{tiny}");
        assert_eq!(default_tolerance(5.0, 5.0), 0.01);
    }
}
