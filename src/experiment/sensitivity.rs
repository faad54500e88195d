//! `repatsim sensitivity`: which assumptions drive the answer. Parameters vary over
//! their distributions (uniform ranges, triangular or truncated normal; by default the
//! scenario's `[[uncertain]]` inputs) along a Sobol (Saltelli) or Morris design, mapped
//! from the unit cube by each distribution's quantile function; every design point runs
//! the same replications (common random numbers), so the indices measure the
//! parameters, not simulation noise; the noise left is estimated per metric and a
//! parameter whose total effect cannot be told from it is said to be within noise.
//!
//! The design is fixed by the seed, so its points can run in parts on different machines
//! ([`evaluate`] on a range of points) and be put together ([`join`], then [`analyse`])
//! with the same result as one run.

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// Design points at which the statistic has no value (e.g. a mean makespan where some
    /// replications never got everyone home); with any, no index is computed.
    pub undefined_points: usize,
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

/// A sensitivity study's design: everything that fixes its points and what is measured
/// at each. Parts of one design run on different machines (`--points`) agree on all of
/// it, which is checked when they are put together.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Design {
    pub method: Method,
    pub samples: usize,
    pub seed: u64,
    /// `PATH dist` per parameter, e.g. `site.x.beds uniform(200, 600)`.
    pub params: Vec<String>,
    /// `METRIC@STAT` per statistic.
    pub metrics: Vec<String>,
    pub replications: [u64; 2],
    /// SHA-256 of the scenario text after the `--set` overrides.
    pub scenario_sha256: String,
    /// Number of design points.
    pub points: usize,
}

/// The statistics measured at a run of consecutive design points.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PointValues {
    pub design: Design,
    /// First design point measured.
    pub start: usize,
    /// `values[m][j]`: statistic m at point `start + j` (null for NaN in JSON).
    pub values: Vec<Vec<Option<f64>>>,
    /// The squared standard error of each value (null where not estimated).
    pub noise: Vec<Vec<Option<f64>>>,
}

/// The parameters of a study: those given with `--vary` (a bare `PATH` takes its
/// distribution from the scenario's `[[uncertain]]` table), or, when none are given,
/// every `[[uncertain]]` input of the scenario.
pub fn resolve_params(text: &str, label: &str, base: &[Override], vary: &[String]) -> Result<Vec<Param>, CompareError> {
    let sc = scenario_with(text, label, base)?;
    let declared = |path: &str| sc.uncertain.iter().find(|u| u.path == path);
    if vary.is_empty() {
        if sc.uncertain.is_empty() {
            return Err(CompareError::Usage(format!(
                "{label} declares no [[uncertain]] inputs: name the parameters with --vary PATH=LO..HI"
            )));
        }
        return Ok(sc.uncertain.iter().map(|u| Param::new(&u.path, u.dist)).collect());
    }
    let params = vary
        .iter()
        .map(|v| match (v.contains('='), declared(v.trim())) {
            (false, Some(u)) => Ok(Param::new(&u.path, u.dist)),
            (false, None) => Err(CompareError::Usage(format!(
                "--vary {v}: {label} declares no [[uncertain]] input `{}`; give its range, PATH=LO..HI",
                v.trim()
            ))),
            (true, _) => Param::parse(v),
        })
        .collect::<Result<Vec<Param>, CompareError>>()?;
    // As sweep and plan: the seed and the replications are the study's own (a seed
    // varied over the design broke its common random numbers and got a "total effect").
    let varied: Vec<&str> = params.iter().map(|p| p.path.as_str()).collect();
    let set: Vec<&str> = base.iter().map(|o| o.path.as_str()).collect();
    super::sweep::check_paths(&varied, &set)?;
    Ok(params)
}

/// Refuses parameters whose range makes an invalid plan, before anything runs: each is
/// tried alone at its lowest and highest value (the others as the file has them).
pub fn check_ranges(text: &str, label: &str, base: &[Override], params: &[Param]) -> Result<(), CompareError> {
    for p in params {
        for (end, u) in [("lowest", 0.0), ("highest", 1.0)] {
            let mut ov = base.to_vec();
            ov.push(Override::number(&p.path, p.value(u)));
            if let Err(e) = scenario_with(text, label, &ov) {
                return Err(CompareError::Usage(format!(
                    "--vary {}: at its {end} value {} the scenario is not valid; narrow the range.\n{e}",
                    p.path,
                    p.value(u)
                )));
            }
        }
    }
    Ok(())
}

/// The design of a study on `text` (with `base` overrides applied).
#[allow(clippy::too_many_arguments)]
pub fn design(
    text: &str,
    label: &str,
    base: &[Override],
    params: &[Param],
    metrics: &[MetricStat],
    method: Method,
    samples: usize,
    opts: &RunOptions,
) -> Result<Design, CompareError> {
    let sc = scenario_with(text, label, base)?;
    let d = params.len();
    Ok(Design {
        method,
        samples,
        seed: sc.seed,
        params: params
            .iter()
            .map(|p| format!("{} {}", p.path, p.dist.describe()))
            .collect(),
        metrics: metrics.iter().map(ToString::to_string).collect(),
        replications: [opts.replications.start, opts.replications.end],
        scenario_sha256: crate::report::dir::scenario_sha256(&sc.source_text),
        points: samples * (d + if method == Method::Sobol { 2 } else { 1 }),
    })
}

/// The design's points in the unit cube, and Morris' steps.
fn points_of(design: &Design, d: usize) -> (Vec<Vec<f64>>, Vec<(usize, f64)>) {
    match design.method {
        Method::Sobol => (sa::saltelli_design(d, design.samples, design.seed), Vec::new()),
        Method::Morris => sa::morris_design(d, design.samples, design.seed),
    }
}

/// Runs design points `range`, each on replications `opts.replications` (the same for
/// all): a varied parameter is set to the point's value (and no longer drawn, if the
/// scenario declared it uncertain).
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    text: &str,
    label: &str,
    base: &[Override],
    params: &[Param],
    metrics: &[MetricStat],
    design: &Design,
    range: std::ops::Range<usize>,
    opts: &RunOptions,
    progress: Option<&(dyn Fn(usize) + Sync)>,
) -> Result<PointValues, CompareError> {
    let varied: Vec<&str> = params.iter().map(|p| p.path.as_str()).collect();
    let base_sc = scenario_with(text, label, base)?.fixing(&varied);
    let cat = catalogue(&Network::new(Arc::new(base_sc)));
    for m in metrics {
        if cat.index_of_id(&m.metric).is_none() {
            let hint = cat
                .suggest(&m.metric)
                .map_or(String::new(), |h| format!(" (did you mean `{h}`?)"));
            return Err(CompareError::Usage(format!(
                "--metric {m}: no metric named `{}`{hint}",
                m.metric
            )));
        }
    }
    let (points, _) = points_of(design, params.len());
    let range = range.start.min(points.len())..range.end.min(points.len());
    let mut values = vec![Vec::with_capacity(range.len()); metrics.len()];
    let mut noise = vec![Vec::with_capacity(range.len()); metrics.len()];
    let finite = |x: f64| x.is_finite().then_some(x);
    for (done, u) in points[range.clone()].iter().enumerate() {
        let mut ov = base.to_vec();
        ov.extend(
            params
                .iter()
                .zip(u)
                .map(|(p, &x)| Override::number(&p.path, p.value(x))),
        );
        let sc = scenario_with(text, label, &ov)?.fixing(&varied);
        let batch = run_network(&Arc::new(Network::new(Arc::new(sc))), opts, None)?;
        for (m, spec) in metrics.iter().enumerate() {
            // Found by name in this point's own catalogue: a point can have metrics the
            // base does not (a cost set above zero adds its cost columns), so the
            // columns of one point are not those of another.
            let Some(col) = batch.metric_index(&spec.metric) else {
                values[m].push(None);
                noise[m].push(None);
                continue;
            };
            let column = batch.column(col);
            // The makespan is censored as in `check`: unfinished replications count as
            // later than the horizon, never silently left out.
            let value = if super::check::is_censored(&batch, col) {
                super::check::censored_value(&column, spec.stat)
            } else {
                spec.stat.of(&column)
            };
            values[m].push(finite(value));
            noise[m].push(match spec.stat {
                StatSpec::Mean => {
                    let s = crate::stats::Summary::of(
                        &column.iter().copied().filter(|x| x.is_finite()).collect::<Vec<_>>(),
                    );
                    finite(s.sd * s.sd / s.n as f64)
                }
                StatSpec::Quantile(_) => None,
            });
        }
        if let Some(p) = progress {
            p(done + 1);
        }
    }
    Ok(PointValues {
        design: design.clone(),
        start: range.start,
        values,
        noise,
    })
}

/// Puts parts of one design together in point order: they must share the design and
/// cover every point exactly once.
pub fn join(mut parts: Vec<PointValues>) -> Result<PointValues, CompareError> {
    parts.sort_by_key(|p| p.start);
    let mut it = parts.into_iter();
    let mut all = it
        .next()
        .ok_or_else(|| CompareError::Usage("no parts to put together".into()))?;
    for p in it {
        if p.design != all.design {
            return Err(CompareError::Usage(format!(
                "parts of different designs: {}",
                design_difference(&all.design, &p.design)
            )));
        }
        let next = all.start + all.values.first().map_or(0, Vec::len);
        if p.start != next {
            return Err(CompareError::Usage(format!(
                "the parts do not join up: the parts before hold points {} to {} (--points {}..{}, the end left out), so the next should start at point {next}, not {}{}",
                all.start,
                next.saturating_sub(1),
                all.start,
                next,
                p.start,
                if p.start > next {
                    " (points are missing)"
                } else {
                    " (points overlap)"
                }
            )));
        }
        for (a, b) in all.values.iter_mut().zip(p.values) {
            a.extend(b);
        }
        for (a, b) in all.noise.iter_mut().zip(p.noise) {
            a.extend(b);
        }
    }
    let covered = all.values.first().map_or(0, Vec::len);
    if all.start != 0 || covered != all.design.points {
        return Err(CompareError::Usage(format!(
            "the parts cover points {}..{} of {}; run the missing ones with --points",
            all.start,
            all.start + covered,
            all.design.points
        )));
    }
    Ok(all)
}

/// What differs between two designs, in words.
pub fn design_difference(a: &Design, b: &Design) -> String {
    let (ja, jb) = (
        serde_json::to_value(a).unwrap_or_default(),
        serde_json::to_value(b).unwrap_or_default(),
    );
    let mut out = Vec::new();
    if let (Some(ma), Some(mb)) = (ja.as_object(), jb.as_object()) {
        for (k, va) in ma {
            if mb.get(k) != Some(va) {
                out.push(format!("{k} {} vs {}", va, mb.get(k).cloned().unwrap_or_default()));
            }
        }
    }
    out.join("; ")
}

/// Runs the whole design: every point on replications `opts.replications`.
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
    let design = design(text, label, base, params, metrics, method, samples, opts)?;
    let values = evaluate(
        text,
        label,
        base,
        params,
        metrics,
        &design,
        0..design.points,
        opts,
        progress,
    )?;
    Ok(analyse(params, &values))
}

/// The indices from the statistics at every design point.
pub fn analyse(params: &[Param], all: &PointValues) -> SensitivityResult {
    let design = &all.design;
    let (method, samples, seed) = (design.method, design.samples, design.seed);
    let d = params.len();
    let (_, steps) = points_of(design, d);
    let mut out = Vec::new();
    for (m, spec) in design.metrics.iter().enumerate() {
        let y: Vec<f64> = all.values[m].iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        let noise: Vec<f64> = all.noise[m].iter().map(|v| v.unwrap_or(f64::NAN)).collect();
        let undefined = y.iter().filter(|v| !v.is_finite()).count();
        if undefined > 0 {
            out.push(MetricEffects {
                metric: spec.clone(),
                variance: f64::NAN,
                noise_share: f64::NAN,
                undefined_points: undefined,
                parameters: Vec::new(),
            });
            continue;
        }
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let variance = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let varies = variance > 1e-12 * mean.abs().max(1.0);
        if !varies {
            // Nothing varied it: every parameter is without effect, and there is no
            // variance to divide among them.
            out.push(MetricEffects {
                metric: spec.clone(),
                variance: 0.0,
                noise_share: f64::NAN,
                undefined_points: 0,
                parameters: params.iter().map(|p| no_effect(p, method)).collect(),
            });
            continue;
        }
        let noise_share = noise.iter().sum::<f64>() / n / variance;
        let floor = if noise_share.is_finite() {
            noise_share.max(0.01)
        } else {
            0.01
        };
        let mut effects: Vec<ParamEffect> = match method {
            Method::Sobol => sa::sobol_indices(&y, d, samples, 500, seed)
                .into_iter()
                .zip(params)
                .map(|(s, p)| sobol_effect(p, s.first_order, s.total, floor))
                .collect(),
            Method::Morris => sa::morris_measures(&y, d, samples, &steps)
                .into_iter()
                .zip(params)
                .map(|(mm, p)| morris_effect(p, mm, variance.sqrt(), noise_share))
                .collect(),
        };
        let key = |e: &ParamEffect| e.total.or(e.mu_star).unwrap_or(f64::NAN);
        effects.sort_by(|a, b| key(b).total_cmp(&key(a)));
        out.push(MetricEffects {
            metric: spec.clone(),
            variance,
            noise_share,
            undefined_points: 0,
            parameters: effects,
        });
    }
    SensitivityResult {
        method,
        samples,
        points: design.points,
        replications: design.replications[1] - design.replications[0],
        seed,
        metrics: out,
    }
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
