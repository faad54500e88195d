//! `repatsim sensitivity`: which assumptions drive the answer. Parameters vary uniformly
//! over their ranges along a Sobol (Saltelli) or Morris design; every design point runs
//! the same replications (common random numbers), so the indices measure the
//! parameters, not simulation noise; the noise left is estimated per metric and a
//! parameter whose total effect cannot be told from it is said to be within noise.

use super::compare::{CompareError, scenario_with};
use super::{MetricStat, RunOptions, StatSpec, run_network};
use crate::model::{Network, catalogue};
use crate::scenario::params::{self, Override};
use crate::stats::input_dist::InputDist;
use crate::stats::sensitivity::{self as sa, Index, MorrisMeasures};
use std::sync::Arc;

/// A parameter varied: a parameter path and its distribution (uniform over a range
/// unless said otherwise).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Param {
    pub path: String,
    pub dist: InputDist,
    /// Whole-number field: values are rounded.
    pub whole: bool,
}

impl Param {
    /// Parses `PATH=LO..HI`, `PATH=triangular(LO, MODE, HI)` or
    /// `PATH=normal(MEAN, SD[, LO, HI])`.
    pub fn parse(s: &str) -> Result<Param, CompareError> {
        let bad = |m: &str| {
            CompareError::Usage(format!(
                "--vary {s}: {m}; write PATH=LO..HI (uniform), PATH=triangular(LO,MODE,HI) or PATH=normal(MEAN,SD[,LO,HI]), e.g. site.x.beds=200..600"
            ))
        };
        let (path, dist) = s.split_once('=').ok_or_else(|| bad("no ="))?;
        let dist = InputDist::parse(dist).map_err(|m| bad(&m))?;
        Ok(Param::new(path.trim(), dist))
    }

    /// A parameter at `path` with distribution `dist`.
    pub fn new(path: &str, dist: InputDist) -> Param {
        Param {
            whole: params::is_whole_field(path),
            path: path.to_string(),
            dist,
        }
    }

    /// The value at point `u` of the unit interval (rounded for whole-number fields).
    pub fn value(&self, u: f64) -> f64 {
        self.dist.value(u, self.whole)
    }

    fn bounds(&self) -> (f64, f64) {
        self.dist.bounds()
    }
}

/// The method and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Sobol indices from `samples` base samples: `samples * (d + 2)` points.
    Sobol,
    /// Morris elementary effects from `samples` trajectories: `samples * (d + 1)` points.
    Morris,
}

/// One parameter's effect on one statistic.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ParamEffect {
    pub path: String,
    /// The distribution's bounds.
    pub lo: f64,
    pub hi: f64,
    /// The distribution, e.g. `triangular(300, 400, 500)`.
    pub dist: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_order: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_order_ci95: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_ci95: Option<[f64; 2]>,
    /// Morris: mean absolute elementary effect over the whole range, in the metric's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mu_star: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// The effect cannot be told from the simulation noise left.
    pub within_noise: bool,
}

/// The effects on one statistic, most important first.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MetricEffects {
    /// `METRIC@STAT`.
    pub metric: String,
    /// Variance of the statistic over the design points.
    pub variance: f64,
    /// Share of that variance that is simulation noise (the mean squared standard error
    /// of the statistic at a point over the variance; NaN for percentiles).
    pub noise_share: f64,
    pub parameters: Vec<ParamEffect>,
}

/// A sensitivity study's outcome.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SensitivityResult {
    pub method: Method,
    pub samples: usize,
    pub points: usize,
    pub replications: u64,
    pub seed: u64,
    pub metrics: Vec<MetricEffects>,
}

/// Runs the design: every point on replications `opts.replications` (the same for all).
#[allow(clippy::too_many_arguments)]
pub fn sensitivity(
    text: &str,
    label: &str,
    base: &[Override],
    params: &[Param],
    metrics: &[MetricStat],
    method: Method,
    samples: usize,
    opts: &RunOptions,
    progress: Option<&(dyn Fn(usize) + Sync)>,
) -> Result<SensitivityResult, CompareError> {
    let base_sc = scenario_with(text, label, base)?;
    let seed = base_sc.seed;
    let cat = catalogue(&Network::new(Arc::new(base_sc)));
    let mut columns = Vec::new();
    for m in metrics {
        let i = cat.index_of_id(&m.metric).ok_or_else(|| {
            let hint = cat
                .suggest(&m.metric)
                .map_or(String::new(), |h| format!(" (did you mean `{h}`?)"));
            CompareError::Usage(format!("--metric {m}: no metric named `{}`{hint}", m.metric))
        })?;
        columns.push(i);
    }
    let d = params.len();
    let (points, steps) = match method {
        Method::Sobol => (sa::saltelli_design(d, samples, seed), Vec::new()),
        Method::Morris => sa::morris_design(d, samples, seed),
    };
    // values[m][point], noise[m][point] (squared standard error of the statistic).
    let mut values = vec![Vec::with_capacity(points.len()); metrics.len()];
    let mut noise = vec![Vec::with_capacity(points.len()); metrics.len()];
    for (done, u) in points.iter().enumerate() {
        let mut ov = base.to_vec();
        ov.extend(
            params
                .iter()
                .zip(u)
                .map(|(p, &x)| Override::number(&p.path, p.value(x))),
        );
        let sc = scenario_with(text, label, &ov)?;
        let batch = run_network(&Arc::new(Network::new(Arc::new(sc))), opts, None)?;
        for (m, (spec, &col)) in metrics.iter().zip(&columns).enumerate() {
            let column = batch.column(col);
            values[m].push(spec.stat.of(&column));
            noise[m].push(match spec.stat {
                StatSpec::Mean => {
                    let s = crate::stats::Summary::of(
                        &column.iter().copied().filter(|x| x.is_finite()).collect::<Vec<_>>(),
                    );
                    s.sd * s.sd / s.n as f64
                }
                StatSpec::Quantile(_) => f64::NAN,
            });
        }
        if let Some(p) = progress {
            p(done + 1);
        }
    }
    let mut out = Vec::new();
    for (m, spec) in metrics.iter().enumerate() {
        let y = &values[m];
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let variance = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let varies = variance > 1e-12 * mean.abs().max(1.0);
        if !varies {
            // Nothing varied it: every parameter is without effect, and there is no
            // variance to divide among them.
            out.push(MetricEffects {
                metric: spec.to_string(),
                variance: 0.0,
                noise_share: f64::NAN,
                parameters: params.iter().map(|p| no_effect(p, method)).collect(),
            });
            continue;
        }
        let noise_share = noise[m].iter().sum::<f64>() / n / variance;
        let floor = if noise_share.is_finite() {
            noise_share.max(0.01)
        } else {
            0.01
        };
        let mut effects: Vec<ParamEffect> = match method {
            Method::Sobol => sa::sobol_indices(y, d, samples, 500, seed)
                .into_iter()
                .zip(params)
                .map(|(s, p)| sobol_effect(p, s.first_order, s.total, floor))
                .collect(),
            Method::Morris => sa::morris_measures(y, d, samples, &steps)
                .into_iter()
                .zip(params)
                .map(|(mm, p)| morris_effect(p, mm, variance.sqrt(), noise_share))
                .collect(),
        };
        let key = |e: &ParamEffect| e.total.or(e.mu_star).unwrap_or(f64::NAN);
        effects.sort_by(|a, b| key(b).total_cmp(&key(a)));
        out.push(MetricEffects {
            metric: spec.to_string(),
            variance,
            noise_share,
            parameters: effects,
        });
    }
    Ok(SensitivityResult {
        method,
        samples,
        points: points.len(),
        replications: opts.replications.end - opts.replications.start,
        seed,
        metrics: out,
    })
}

fn no_effect(p: &Param, method: Method) -> ParamEffect {
    let sobol = method == Method::Sobol;
    ParamEffect {
        path: p.path.clone(),
        lo: p.bounds().0,
        hi: p.bounds().1,
        dist: p.dist.describe(),
        first_order: sobol.then_some(0.0),
        total: sobol.then_some(0.0),
        first_order_ci95: sobol.then_some([0.0, 0.0]),
        total_ci95: sobol.then_some([0.0, 0.0]),
        mu_star: (!sobol).then_some(0.0),
        sigma: (!sobol).then_some(0.0),
        within_noise: true,
    }
}

fn sobol_effect(p: &Param, first: Index, total: Index, floor: f64) -> ParamEffect {
    ParamEffect {
        path: p.path.clone(),
        lo: p.bounds().0,
        hi: p.bounds().1,
        dist: p.dist.describe(),
        first_order: Some(first.value),
        total: Some(total.value),
        first_order_ci95: Some(first.ci95),
        total_ci95: Some(total.ci95),
        mu_star: None,
        sigma: None,
        // Not distinguishable from nothing: the total effect's interval reaches down to
        // the noise share (or 1% of the variance).
        within_noise: total.ci95[0].is_nan() || total.ci95[0] <= floor,
    }
}

fn morris_effect(p: &Param, m: MorrisMeasures, spread: f64, noise_share: f64) -> ParamEffect {
    // An effect below the noise's standard deviation (or 1% of the output's spread).
    let noise_sd = if noise_share.is_finite() {
        (noise_share * spread * spread).sqrt()
    } else {
        0.0
    };
    ParamEffect {
        path: p.path.clone(),
        lo: p.bounds().0,
        hi: p.bounds().1,
        dist: p.dist.describe(),
        first_order: None,
        total: None,
        first_order_ci95: None,
        total_ci95: None,
        mu_star: Some(m.mu_star),
        sigma: Some(m.sigma),
        within_noise: m.mu_star.is_nan() || m.mu_star <= noise_sd.max(0.01 * spread),
    }
}
