//! Metrics against one or two parameters over a grid of values, every point on the same
//! replications and random numbers.

use super::compare::{CompareError, scenario_with, unknown_metric};
use super::{Estimate, MetricStat, RunOptions, run_network};
use crate::metrics::MetricInfo;
use crate::model::Network;
use crate::scenario::params::{Override, ParamValue, parse_choices};
use crate::stats::Summary;
use std::sync::Arc;

/// A parameter varied over a grid of values: numbers, or a list of alternatives
/// (timetables, opening hours, any value), which the grid then numbers 0, 1, 2...
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub path: String,
    /// The numbers swept, or the positions 0, 1, 2... of `choices`.
    pub values: Vec<f64>,
    /// The alternatives, when the axis is a list of them (else empty).
    pub choices: Vec<ParamValue>,
}

impl Axis {
    /// The override that sets the parameter to grid value `v`.
    pub fn override_at(&self, v: f64) -> Override {
        match self.choices.get(v as usize) {
            Some(c) if !self.choices.is_empty() => Override {
                path: self.path.clone(),
                value: c.clone(),
            },
            _ => Override::number(self.path.clone(), v),
        }
    }

    /// Grid value `v` as a person reads it: the number, or the alternative it stands
    /// for ("" between alternatives, for chart ticks).
    pub fn label(&self, v: f64) -> String {
        if self.choices.is_empty() {
            return crate::metrics::fmt_param(v);
        }
        let i = v.round();
        if (v - i).abs() > 1e-9 || i < 0.0 {
            return String::new();
        }
        self.choices.get(i as usize).map_or(String::new(), ParamValue::plain)
    }

    /// True if the axis is a list of alternatives.
    pub fn is_choice(&self) -> bool {
        !self.choices.is_empty()
    }
}

/// Parses `PATH=START..END:STEP` (inclusive; at most 1,000 values), a list of
/// alternatives `PATH=[A, B, ...]`, or, for [`plan`], `PATH=LO..HI` (then `values`
/// holds the two ends).
pub fn parse_axis(s: &str) -> Result<Axis, CompareError> {
    let bad = |m: &str| CompareError::Usage(format!("--vary {s}: {m}"));
    let (path, range) = s.split_once('=').ok_or_else(|| {
        bad("write PATH=START..END:STEP, e.g. site.sinuiju-quarantine.beds=1000..3000:500, or PATH=[A, B, ...]")
    })?;
    if range.trim_start().starts_with('[') {
        let choices = parse_choices(path.trim(), range.trim()).map_err(|m| bad(&m))?;
        // A list of numbers is a numeric axis (in increasing order): its points then
        // sit at their values on a chart, 3, 5 and 8 booths not evenly spaced.
        const EXACT: i64 = 1 << 53;
        let numbers: Option<Vec<f64>> = choices
            .iter()
            .map(|c| match c {
                ParamValue::Number(x) => Some(*x),
                ParamValue::Whole(i) if i.abs() <= EXACT => Some(*i as f64),
                _ => None,
            })
            .collect();
        if let Some(mut values) = numbers {
            values.sort_by(f64::total_cmp);
            return Ok(Axis {
                path: path.trim().to_string(),
                values,
                choices: Vec::new(),
            });
        }
        return Ok(Axis {
            path: path.trim().to_string(),
            values: (0..choices.len()).map(|i| i as f64).collect(),
            choices,
        });
    }
    let (range, step, step_text) = match range.split_once(':') {
        Some((r, st)) => (
            r,
            Some(st.trim().parse::<f64>().map_err(|_| bad("the step is not a number"))?),
            st.trim(),
        ),
        None => (range, None, ""),
    };
    let (start_text, b) = range
        .split_once("..")
        .ok_or_else(|| bad("write the range as START..END"))?;
    let (a, b): (f64, f64) = (
        start_text.trim().parse().map_err(|_| bad("START is not a number"))?,
        b.trim().parse().map_err(|_| bad("END is not a number"))?,
    );
    if !(a.is_finite() && b.is_finite()) || b < a {
        return Err(bad("need finite START <= END"));
    }
    let values = match step {
        None => vec![a, b],
        Some(st) if st > 0.0 && st.is_finite() => {
            // Counted in floating point: a tiny step gives more values than a usize holds
            // (it wrapped to no values at all).
            let count = ((b - a) / st + 1e-9).floor() + 1.0;
            if count > 1000.0 {
                return Err(bad(&format!(
                    "{} values; at most 1,000",
                    crate::metrics::fmt_num(count)
                )));
            }
            let n = count as usize;
            // START + k STEP in binary floating point drifts (1 + 2 x 0.1 is
            // 1.2000000000000002); each value is the decimal the user means, written to
            // as many places as START and STEP are.
            let places = decimal_places(start_text.trim())
                .zip(decimal_places(step_text))
                .map(|(x, y)| x.max(y));
            (0..n)
                .map(|k| {
                    let v = a + k as f64 * st;
                    places.map_or(v, |d| format!("{v:.d$}").parse().unwrap_or(v))
                })
                .collect()
        }
        Some(_) => return Err(bad("the step must be > 0")),
    };
    Ok(Axis {
        path: path.trim().to_string(),
        values,
        choices: Vec::new(),
    })
}

/// Refuses what a study cannot vary or set twice: `scenario.seed` and
/// `scenario.replications` belong to the study (every point runs on the same random
/// numbers, from `--seed`; `-n` sets how many), and a path given twice (`varied`
/// twice, or varied and `set`) would leave the last value silently in force.
pub fn check_paths(varied: &[&str], set: &[&str]) -> Result<(), CompareError> {
    let refuse = |m: String| Err(CompareError::Usage(m));
    for (i, p) in varied.iter().enumerate() {
        match *p {
            "scenario.seed" => {
                return refuse(format!(
                    "--vary {p}: a study does not vary scenario.seed (every point runs on the same random numbers; run the study again with --seed S for another seed)"
                ));
            }
            "scenario.replications" => {
                return refuse(format!(
                    "--vary {p}: a study does not vary scenario.replications (every point runs the same replications; set how many with -n)"
                ));
            }
            _ => {}
        }
        if varied[..i].contains(p) {
            return refuse(format!(
                "--vary {p} is given twice: the last value would silently replace the first; give each path once"
            ));
        }
        if set.contains(p) {
            return refuse(format!(
                "--vary {p} is also set with --set: one of the two would silently replace the other; give the path once"
            ));
        }
    }
    Ok(())
}

/// Refuses a sweep range without a step (it used to run its two ends alone); the
/// note, when END is not on the grid (`1..6:2` runs 1, 3, 5), is to be shown.
pub fn check_range(vary: &str) -> Result<Option<String>, CompareError> {
    let Some((path, range)) = vary.split_once('=') else {
        return Ok(None); // parse_axis says what is wrong
    };
    if range.trim_start().starts_with('[') || !range.contains("..") {
        return Ok(None);
    }
    let Some((ends, _)) = range.split_once(':') else {
        return Err(CompareError::Usage(format!(
            "--vary {vary}: sweep needs a step, PATH=START..END:STEP (e.g. {}={range}:1), or a list of values, PATH=[A, B, ...]",
            path.trim()
        )));
    };
    let end = ends.split_once("..").and_then(|(_, e)| e.trim().parse::<f64>().ok());
    let last = parse_axis(vary).ok().and_then(|a| a.values.last().copied());
    Ok(match (end, last) {
        (Some(end), Some(last)) if (end - last).abs() > 1e-9 * end.abs().max(1.0) => Some(format!(
            "--vary {vary}: {end} is not on the grid; the last value swept is {last}"
        )),
        _ => None,
    })
}

/// The digits after the decimal point of a number as written ("0.25" has 2, "3" has
/// 0); `None` in exponent notation.
fn decimal_places(written: &str) -> Option<usize> {
    if written.contains(['e', 'E']) {
        return None;
    }
    Some(written.split_once('.').map_or(0, |(_, frac)| frac.len()))
}

/// What a sweep keeps of one point's run: each requested statistic, each metric's
/// summary, and each metric's description and unit name.
struct PointStats {
    estimates: Vec<Estimate>,
    summaries: Vec<Summary>,
    without_value: Vec<u64>,
    infos: Vec<(MetricInfo, String)>,
}

/// One grid point of a sweep.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SweepPoint {
    /// The value of each axis.
    pub values: Vec<f64>,
    /// Each requested statistic with its 95% CI, in the order asked for.
    pub estimates: Vec<Estimate>,
    /// The full summary of each requested metric (whatever the statistic).
    pub summaries: Vec<Summary>,
    /// For each requested statistic, the replications without a value of its metric:
    /// left out, except for the makespan, where they are the replications that did not
    /// get everyone home within the horizon and count as later than it (as in `check`
    /// and `plan`: a percentile among them is +inf, the mean unknown).
    pub without_value: Vec<u64>,
    /// The point's horizon, in days: a makespan percentile at +inf lies beyond it.
    pub horizon_days: f64,
}

/// What a sweep found: the metrics asked for (with their catalogue entries and unit
/// names) and every grid point.
#[derive(Clone, Debug)]
pub struct SweepResult {
    pub metrics: Vec<MetricStat>,
    pub infos: Vec<MetricInfo>,
    pub unit_names: Vec<String>,
    pub points: Vec<SweepPoint>,
}

/// Every point of the grid of one or two axes.
fn grid(axes: &[Axis]) -> Result<Vec<Vec<f64>>, CompareError> {
    match axes {
        [x] => Ok(x.values.iter().map(|&v| vec![v]).collect()),
        [x, y] => Ok(x
            .values
            .iter()
            .flat_map(|&a| y.values.iter().map(move |&b| vec![a, b]))
            .collect()),
        _ => Err(CompareError::Usage(
            "sweep one or two parameters (--vary, once or twice)".into(),
        )),
    }
}

/// Runs the scenario at every point of the grid (one or two axes) on the same
/// replications and seed, and estimates each requested statistic; `progress` is told
/// how many replications have run in all.
pub fn sweep(
    text: &str,
    label: &str,
    base: &[Override],
    axes: &[Axis],
    metrics: &[MetricStat],
    opts: &RunOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<SweepResult, CompareError> {
    let grid = grid(axes)?;
    let base_sc = scenario_with(text, label, base)?;
    let mut out = SweepResult {
        metrics: metrics.to_vec(),
        infos: Vec::new(),
        unit_names: Vec::new(),
        points: Vec::new(),
    };
    // Every point's scenario first, so a value the scenario refuses stops the sweep
    // before anything runs.
    let mut scenarios = Vec::with_capacity(grid.len());
    for point in &grid {
        let mut o = base.to_vec();
        o.extend(axes.iter().zip(point).map(|(a, &v)| a.override_at(v)));
        let mut sc = scenario_with(text, label, &o).map_err(|e| {
            let at: Vec<String> = axes
                .iter()
                .zip(point)
                .map(|(a, &v)| match a.choices.get(v as usize) {
                    Some(c) if a.is_choice() => format!("{}={}", a.path, c),
                    _ => format!("{}={v}", a.path),
                })
                .collect();
            CompareError::Usage(format!(
                "--vary: at {} the scenario is refused, so the sweep stops before anything runs (leave that value out, e.g. with a list [A, B, ...]):\n{e}",
                at.join(", ")
            ))
        })?;
        sc.seed = base_sc.seed;
        scenarios.push(sc);
    }
    // The points run side by side as well as their replications (one pool for all), so
    // the threads stay busy through each point's start and end; every point's numbers
    // are its own, whatever ran beside it.
    let done = std::sync::atomic::AtomicU64::new(0);
    let count = || {
        let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(p) = progress {
            p(d)
        } else if let Some(p) = &opts.progress {
            p.report(d)
        }
    };
    // Each point reduced to its statistics where it ran: only those are kept.
    let run_point = |sc| -> Result<PointStats, CompareError> {
        let batch = run_network(&Arc::new(Network::new(Arc::new(sc))), opts, Some(&|_| count()))?;
        let mut estimates = Vec::new();
        let mut summaries = Vec::new();
        let mut without_value = Vec::new();
        let mut infos = Vec::new();
        for m in metrics {
            let c = batch
                .metric_index(&m.metric)
                .ok_or_else(|| unknown_metric(&batch, &m.metric))?;
            let column = batch.column(c);
            // The makespan as `check` and `plan` see it: leaving the unfinished
            // replications out would show a plan that often never finishes as on time.
            estimates.push(super::check::estimate_of(&batch, c, m.stat));
            summaries.push(batch.fresh_summary(c));
            without_value.push(column.iter().filter(|x| !x.is_finite()).count() as u64);
            let info = batch.catalogue.get(c);
            infos.push((info.clone(), info.unit.name(batch.scenario())));
        }
        Ok(PointStats {
            estimates,
            summaries,
            without_value,
            infos,
        })
    };
    let horizons: Vec<f64> = scenarios.iter().map(|sc| sc.horizon_hours / 24.0).collect();
    let (runs, _) = super::on_pool(opts.threads, || {
        use rayon::prelude::*;
        scenarios.into_par_iter().map(run_point).collect::<Vec<_>>()
    })?;
    for ((point, run), horizon_days) in grid.into_iter().zip(runs).zip(horizons) {
        let PointStats {
            estimates,
            summaries,
            without_value,
            infos,
        } = run?;
        if out.infos.is_empty() {
            (out.infos, out.unit_names) = infos.into_iter().unzip();
        }
        out.points.push(SweepPoint {
            values: point,
            estimates,
            summaries,
            without_value,
            horizon_days,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_values_are_the_decimals_written() {
        let axis = parse_axis("checkpoint.desk.service_minutes=1..2:0.2").unwrap();
        assert_eq!(axis.values, [1.0, 1.2, 1.4, 1.6, 1.8, 2.0]);
        let axis = parse_axis("site.camp.beds=0.05..0.35:0.1").unwrap();
        assert_eq!(axis.values, [0.05, 0.15, 0.25, 0.35]);
        let axis = parse_axis("site.camp.beds=1000..3000:500").unwrap();
        assert_eq!(axis.values, [1000.0, 1500.0, 2000.0, 2500.0, 3000.0]);
        // A list of numbers is a numeric axis, in increasing order.
        let axis = parse_axis("checkpoint.desk.servers=[8, 3, 5]").unwrap();
        assert!(!axis.is_choice());
        assert_eq!(axis.values, [3.0, 5.0, 8.0]);
        // Texts stay alternatives, in the order given.
        let axis = parse_axis(r#"checkpoint.desk.open_hours=["08:00-16:00", "06:00-22:00"]"#).unwrap();
        assert!(axis.is_choice());
        assert_eq!(axis.values, [0.0, 1.0]);
        // In exponent notation the values are left as computed.
        let axis = parse_axis("x=0..3e-1:1e-1").unwrap();
        assert_eq!(axis.values, [0.0, 0.1, 0.2, 0.30000000000000004]);
    }

    /// A step so small that the values would outnumber a usize is refused by count; it
    /// wrapped to no values at all (an empty sweep, and a panic drawing its chart).
    #[test]
    fn a_tiny_step_is_refused_not_wrapped() {
        for vary in [
            "site.camp.beds=600..700:1e-18",
            "site.camp.beds=600..700:5.4e-18",
            "x=0..1:1e-300",
        ] {
            let e = parse_axis(vary).err().unwrap_or_else(|| panic!("{vary} accepted"));
            assert!(e.to_string().contains("at most 1,000"), "{vary}: {e}");
        }
    }
}
