//! Metrics against one or two parameters over a grid of values, every point on the same
//! replications and random numbers.

use super::compare::{CompareError, scenario_with, unknown_metric};
use super::{RunOptions, run_network};
use crate::model::Network;
use crate::scenario::params::Override;
use crate::stats::Summary;
use std::sync::Arc;

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
            let s = batch.summary(m).ok_or_else(|| unknown_metric(&batch, m))?;
            summaries.push((m.clone(), s));
        }
        out.push(SweepPoint {
            values: point,
            metrics: summaries,
        });
    }
    Ok(out)
}
