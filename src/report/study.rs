//! The outputs of the study commands: `compare` (table, `compare.csv`, `compare.json`,
//! the overlaid chart), `sweep` (`sweep.csv` and its charts) and `plan` (its trials).

use super::charts::Chart;
use super::csv::csv_error;
use super::dir::{OutputDir, OutputError};
use crate::experiment::compare::{Comparison, MetricDiff, Verdict};
use crate::experiment::plan::PlanResult;
use crate::experiment::sweep::{Axis, SweepResult};
use crate::experiment::{Estimate, Target};
use crate::metrics::{Stat, Unit, fmt_num};
use serde_json::json;

fn num(x: f64) -> String {
    if x.is_nan() { String::new() } else { format!("{x}") }
}

/// Labels of the two sides of a comparison and what was run.
pub struct CompareLabels<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub seed: u64,
    pub replications: u64,
}

/// `compare.json` (and `compare --json`).
pub fn compare_json(c: &Comparison, l: &CompareLabels) -> serde_json::Value {
    json!({
        "a": l.a,
        "b": l.b,
        "seed": l.seed,
        "replications": l.replications,
        "statistics": c.statistics,
        "metrics": c.metrics,
    })
}

/// `compare.csv`: per metric the means, the paired difference with its CI, and the verdict.
pub fn compare_csv(c: &Comparison) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric",
        "a_mean",
        "b_mean",
        "difference_mean",
        "difference_ci95_low",
        "difference_ci95_high",
        "n",
        "verdict",
    ])
    .map_err(csv_error)?;
    for m in &c.metrics {
        w.write_record([
            m.metric.clone(),
            num(m.a.mean),
            num(m.b.mean),
            num(m.difference.mean),
            num(m.difference.ci95_low),
            num(m.difference.ci95_high),
            m.difference.n.to_string(),
            m.verdict.id().to_string(),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
}

/// `compare-statistics.csv`: per statistic asked for with `--metric` (a percentile, or
/// a mean), its value in A and B and the change with its 95% CI and how it was made
/// (they were in `compare.json` alone). `inf` is a makespan percentile beyond the
/// horizon; an empty field is undefined.
pub fn compare_statistics_csv(c: &Comparison) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric",
        "stat",
        "a",
        "b",
        "change",
        "change_ci95_low",
        "change_ci95_high",
        "ci_method",
        "verdict",
    ])
    .map_err(csv_error)?;
    for s in &c.statistics {
        let (metric, stat) = s.statistic.split_once('@').unwrap_or((s.statistic.as_str(), "mean"));
        w.write_record([
            metric.to_string(),
            stat.to_string(),
            num(s.a),
            num(s.b),
            num(s.change[0]),
            num(s.change[1]),
            num(s.change[2]),
            s.ci_method.to_string(),
            s.verdict.id().to_string(),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
}

/// Writes `compare.csv`, `compare-statistics.csv` (with `--metric`), `compare.json`
/// and the overlaid people-home chart into `dir`.
pub fn write_compare(dir: &OutputDir, c: &Comparison, l: &CompareLabels) -> Result<(), OutputError> {
    let io = |e: std::io::Error| OutputError::Io {
        path: dir.path().join("compare.csv").display().to_string(),
        source: e,
    };
    dir.write("compare.csv", &compare_csv(c).map_err(io)?)?;
    if !c.statistics.is_empty() {
        let io = |e: std::io::Error| OutputError::Io {
            path: dir.path().join("compare-statistics.csv").display().to_string(),
            source: e,
        };
        dir.write("compare-statistics.csv", &compare_statistics_csv(c).map_err(io)?)?;
    }
    let text = serde_json::to_string_pretty(&compare_json(c, l)).expect("JSON of numbers") + "\n";
    dir.write("compare.json", text.as_bytes())?;
    let chart = super::charts::compare_chart(&c.a, &c.b, l.a, l.b).map_err(|e| OutputError::Chart(e.to_string()))?;
    dir.write(&format!("{}.png", chart.name), &chart.png)?;
    dir.write(&format!("{}.svg", chart.name), chart.svg.as_bytes())
}

/// A statistic's value in a table: "> horizon" for a makespan percentile beyond the
/// horizon (+inf), else as [`fmt_num`].
fn beyond_or_num(x: f64) -> String {
    if x == f64::INFINITY {
        "> horizon".into()
    } else {
        fmt_num(x)
    }
}

/// A metric's mean in the comparison table: a share (`share`) as a percentage (0.9999 is "99.99%",
/// never "1.000", which reads as all), anything else as [`fmt_num`].
fn mean_cell(x: f64, share: bool) -> String {
    if share && x.is_finite() {
        // As precise as the difference in pp beside it, so the two means subtract to it
        // as printed (a tester read "62%" and "68%" next to "5.00 pp").
        format!("{}%", fmt_num(100.0 * x))
    } else if share {
        crate::metrics::fmt_value(x, Unit::Fraction)
    } else {
        fmt_num(x)
    }
}

/// The comparison as a table: the headline metrics and those that differ (all with
/// `all`), with a count of those left out.
pub fn compare_table(c: &Comparison, l: &CompareLabels, all: bool) -> String {
    let catalogue = &c.a.catalogue;
    let shown: Vec<&MetricDiff> = c
        .metrics
        .iter()
        .filter(|m| all || catalogue.by_id(&m.metric).is_some_and(|i| i.headline) || m.verdict.differs())
        .collect();
    let mut t = format!(
        "A: {}\nB: {}\n{} replications each on the same random numbers (seed {}).\n\n",
        l.a, l.b, l.replications, l.seed
    );
    if !c.statistics.is_empty() {
        let width = c
            .statistics
            .iter()
            .map(|m| m.statistic.len())
            .max()
            .unwrap_or(10)
            .max(10);
        t.push_str(&format!(
            "  {:<width$} {:>10} {:>10} {:>28}  verdict\n",
            "statistic", "A", "B", "B - A [95% CI]"
        ));
        for m in &c.statistics {
            let ci = if !m.change[1].is_nan() && !m.change[2].is_nan() {
                format!("[{}, {}]", fmt_num(m.change[1]), fmt_num(m.change[2]))
            } else {
                "[undefined]".to_string()
            };
            t.push_str(&format!(
                "  {:<width$} {:>10} {:>10} {:>28}  {}\n",
                m.statistic,
                beyond_or_num(m.a),
                beyond_or_num(m.b),
                format!("{} {ci}", fmt_num(m.change[0])),
                m.verdict.as_str()
            ));
        }
        let methods: Vec<&str> = c.statistics.iter().map(|m| m.ci_method).collect();
        let note = match (methods.contains(&"paired_t"), methods.contains(&"paired_bootstrap")) {
            (true, true) => {
                "  (CIs: a mean's paired Student t, as in the table below; a percentile's paired bootstrap)\n"
            }
            (true, false) => "  (CI: paired Student t, as in the table below)\n",
            _ => "  (CI: paired bootstrap)\n",
        };
        t.push_str(note);
        t.push('\n');
    }
    let width = shown.iter().map(|m| m.metric.len()).max().unwrap_or(10).max(10);
    t.push_str(&format!(
        "  {:<width$} {:>10} {:>10} {:>28}  verdict\n",
        "metric", "A mean", "B mean", "B - A [95% CI]"
    ));
    for m in &shown {
        let d = &m.difference;
        let share = catalogue.by_id(&m.metric).is_some_and(|i| i.unit == Unit::Fraction);
        let diff = if share && d.mean.is_finite() {
            // One "pp" for the three numbers.
            format!(
                "{} [{}, {}] pp",
                fmt_num(100.0 * d.mean),
                fmt_num(100.0 * d.ci95_low),
                fmt_num(100.0 * d.ci95_high)
            )
        } else {
            format!(
                "{} [{}, {}]",
                fmt_num(d.mean),
                fmt_num(d.ci95_low),
                fmt_num(d.ci95_high)
            )
        };
        t.push_str(&format!(
            "  {:<width$} {:>10} {:>10} {:>28}  {}\n",
            m.metric,
            mean_cell(m.a.mean, share),
            mean_cell(m.b.mean, share),
            diff,
            m.verdict.as_str()
        ));
    }
    let hidden = c.metrics.len() - shown.len();
    if hidden > 0 {
        // Said as they are: the hidden ones were all "same" in a tester's run, not
        // "no detectable difference".
        let same = c
            .metrics
            .iter()
            .filter(|m| m.verdict == Verdict::Same && !shown.iter().any(|s| s.metric == m.metric))
            .count();
        let words = match (same, hidden - same) {
            (_, 0) => "are the same in every replication".to_string(),
            (0, _) => "show no detectable difference".to_string(),
            (s, n) => format!("show no detectable difference ({n}) or are the same in every replication ({s})"),
        };
        t.push_str(&format!("  ({hidden} more metrics {words}; --all lists them)\n"));
    }
    t.push_str(&compare_caveats(c));
    t
}

/// What to keep in mind reading a comparison: with many metrics each judged at 95%,
/// about one in twenty of those that do not differ is flagged anyway; and means over
/// time are over each run's own length, which a change of the makespan changes.
fn compare_caveats(c: &Comparison) -> String {
    let mut out = String::new();
    // Only a difference that varies from replication to replication can be flagged by
    // chance: one that is the same in every pair (a deterministic plan) cannot.
    let varies = |m: &&MetricDiff| m.difference.ci95_high > m.difference.ci95_low;
    let tested = c
        .metrics
        .iter()
        .filter(|m| m.verdict.differs() || m.verdict == Verdict::NoDetectableDifference)
        .filter(varies)
        .count();
    let flagged = c.metrics.iter().filter(|m| m.verdict.differs()).filter(varies).count();
    // Said whenever a varying difference was flagged (a tester saw three of fourteen
    // flagged between plans that differ in nothing, and no word of chance), and for
    // every long table.
    if (flagged > 0 && tested >= 2) || tested >= 20 {
        let expected = tested as f64 / 20.0;
        let expected = if expected >= 10.0 {
            format!("{}", expected.round())
        } else {
            format!("{expected:.1}")
        };
        out.push_str(&format!(
            "\n{flagged} of the {tested} metrics whose difference varies between replications differ at 95% each; between identical plans about 1 in 20 would by chance (about {expected} of {tested}), so read a lone small difference with care.\n"
        ));
    }
    let makespan = c.metrics.iter().find(|m| m.metric == "makespan_days");
    // Seat utilisation (passengers over seats offered) does not depend on run length.
    let over_time = |m: &&MetricDiff| {
        c.a.catalogue.by_id(&m.metric).is_some_and(|i| {
            matches!(
                i.key.stat,
                Stat::MeanQueue | Stat::MeanOccupancy | Stat::MeanHolding | Stat::Utilization | Stat::BedUtilization
            )
        }) && m.verdict.differs()
    };
    // Run lengths differ where the makespan does, or where it is unknown (replications
    // that ran to the horizon).
    if let Some(mk) = makespan.filter(|m| m.verdict.differs() || m.verdict == Verdict::Undefined)
        && c.metrics.iter().any(|m| over_time(&m))
    {
        let lengths = if mk.a.mean.is_finite() && mk.b.mean.is_finite() {
            format!(
                "B's runs are {} (makespan {} -> {} days)",
                if mk.b.mean < mk.a.mean { "shorter" } else { "longer" },
                fmt_num(mk.a.mean),
                fmt_num(mk.b.mean)
            )
        } else {
            "the runs end at different times (some run to the horizon)".to_string()
        };
        out.push_str(&format!(
            "Means over time (line lengths, occupancy, utilisation) are over each replication's own length, and {lengths}: such a mean can change while the person-hours behind it do not.\n"
        ));
    }
    out.push_str(&journeys_ended_otherwise(c));
    out
}

/// A plan that turns fewer away or lets fewer slip away may end later while bringing
/// more home: the makespan and `all_home` count a journey as ended however it ended,
/// so their verdicts alone would call it worse.
fn journeys_ended_otherwise(c: &Comparison) -> String {
    let find = |id: &str| c.metrics.iter().find(|m| m.metric == id);
    let gone: Vec<String> = [("turned_away", "turned away"), ("evaded", "slipped away")]
        .into_iter()
        .filter_map(|(id, words)| {
            let m = find(id).filter(|m| m.verdict.differs())?;
            Some(format!("{words} {} -> {}", fmt_num(m.a.mean), fmt_num(m.b.mean)))
        })
        .collect();
    let ended = ["makespan_days", "all_home"]
        .into_iter()
        .filter(|id| find(id).is_some_and(|m| m.verdict.differs() || m.verdict == Verdict::Undefined))
        .collect::<Vec<_>>();
    if gone.is_empty() || ended.is_empty() {
        return String::new();
    }
    let home = find("home").map_or(String::new(), |m| {
        format!(" (home: {} -> {})", fmt_num(m.a.mean), fmt_num(m.b.mean))
    });
    format!(
        "{} {} a journey as ended when the person is home, slipped away or turned away, and the plans differ in those who left the return ({}): the one that loses fewer may end later while bringing more people home{home}. Judge them on `home` as well.\n",
        ended
            .iter()
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(" and "),
        if ended.len() == 1 { "counts" } else { "count" },
        gone.join("; ")
    )
}

/// `sweep.csv`: per grid point and requested statistic, its value with the 95% CI and
/// the metric's mean and percentiles across replications, the replications it rests on
/// (`n`) and those without a value (`without_value`: for the makespan, the unfinished
/// ones, counted as later than the horizon: `inf` where a percentile falls among them,
/// an empty mean).
pub fn sweep_csv(axes: &[Axis], result: &SweepResult) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    header.extend(
        [
            "metric",
            "stat",
            "value",
            "ci95_low",
            "ci95_high",
            "mean",
            "p05",
            "p50",
            "p95",
            "n",
            "without_value",
        ]
        .map(String::from),
    );
    w.write_record(&header).map_err(csv_error)?;
    for p in &result.points {
        for (((m, e), s), missing) in result
            .metrics
            .iter()
            .zip(&p.estimates)
            .zip(&p.summaries)
            .zip(&p.without_value)
        {
            let mut rec: Vec<String> = axes
                .iter()
                .zip(&p.values)
                .map(|(a, v)| if a.is_choice() { a.label(*v) } else { num(*v) })
                .collect();
            rec.extend([
                m.metric.clone(),
                m.stat.label(),
                num(e.value),
                num(e.ci95_low),
                num(e.ci95_high),
                num(s.mean),
                num(s.p05),
                num(s.p50),
                num(s.p95),
                e.n.to_string(),
                missing.to_string(),
            ]);
            w.write_record(&rec).map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
}

/// `sweep --json`: the parameters varied, then each point with its values by path and,
/// per statistic asked for, its metric, statistic, unit and numbers (as `sweep.csv`).
/// A number JSON cannot hold is `null`; `beyond_horizon` says when the value is a
/// makespan percentile among replications that did not finish (`inf` in the CSV).
/// (It was a bare list of numbers, naming neither the parameters nor the metrics.)
pub fn sweep_json(axes: &[Axis], result: &SweepResult) -> serde_json::Value {
    let finite = |x: f64| x.is_finite().then_some(x);
    let points: Vec<serde_json::Value> = result
        .points
        .iter()
        .map(|p| {
            let at: serde_json::Map<String, serde_json::Value> = axes
                .iter()
                .zip(&p.values)
                .map(|(a, &v)| {
                    let value = if a.is_choice() { json!(a.label(v)) } else { json!(v) };
                    (a.path.clone(), value)
                })
                .collect();
            let statistics: Vec<serde_json::Value> = result
                .metrics
                .iter()
                .enumerate()
                .map(|(k, m)| {
                    let (e, s) = (&p.estimates[k], &p.summaries[k]);
                    json!({
                        "metric": m.metric,
                        "stat": m.stat.label(),
                        "unit": result.unit_names.get(k),
                        "value": finite(e.value),
                        "beyond_horizon": e.value == f64::INFINITY,
                        "ci95_low": finite(e.ci95_low),
                        "ci95_high": finite(e.ci95_high),
                        "mean": finite(s.mean),
                        "p05": finite(s.p05),
                        "p50": finite(s.p50),
                        "p95": finite(s.p95),
                        "n": e.n,
                        "without_value": p.without_value[k],
                    })
                })
                .collect();
            json!({ "at": at, "statistics": statistics })
        })
        .collect();
    let varied: Vec<serde_json::Value> = axes
        .iter()
        .map(|a| {
            let values: Vec<serde_json::Value> = a
                .values
                .iter()
                .map(|&v| if a.is_choice() { json!(a.label(v)) } else { json!(v) })
                .collect();
            json!({ "path": a.path, "values": values })
        })
        .collect();
    json!({ "varied": varied, "points": points })
}

/// Writes `sweep.csv` and the charts of a sweep into `dir`: one chart per requested
/// statistic (against the parameter, or a heatmap over two), with the target when one
/// is given for that metric.
pub fn write_sweep(
    dir: &OutputDir,
    axes: &[Axis],
    result: &SweepResult,
    target: Option<&Target>,
) -> Result<Vec<Chart>, OutputError> {
    let csv = sweep_csv(axes, result).map_err(|e| OutputError::Io {
        path: dir.path().join("sweep.csv").display().to_string(),
        source: e,
    })?;
    dir.write("sweep.csv", &csv)?;
    let chart_err = |e: Box<dyn std::error::Error>| OutputError::Chart(e.to_string());
    let mut charts = Vec::new();
    for (k, m) in result.metrics.iter().enumerate() {
        let info = &result.infos[k];
        let stat = m.stat.label();
        let t = target.filter(|t| t.metric == m.metric && t.stat == m.stat);
        let chart = if axes.len() == 1 {
            let pts: Vec<(f64, Estimate)> = result.points.iter().map(|p| (p.values[0], p.estimates[k])).collect();
            // A makespan percentile at +inf lies beyond the horizon: the chart draws it.
            let horizons: Vec<f64> = result.points.iter().map(|p| p.horizon_days).collect();
            let censored = info.key == crate::metrics::MetricKey::overall(Stat::MakespanDays);
            super::charts::sweep_chart(
                &axes[0],
                info,
                &stat,
                &result.unit_names[k],
                &pts,
                t.map(|t| t.value),
                censored.then_some(horizons.as_slice()),
            )
        } else {
            let cells: Vec<(f64, f64, f64)> = result
                .points
                .iter()
                .map(|p| (p.values[0], p.values[1], p.estimates[k].value))
                .collect();
            super::charts::heatmap(&axes[0], &axes[1], info, &stat, &cells, t)
        };
        charts.push(chart.map_err(chart_err)?);
    }
    for c in &charts {
        dir.write(&format!("{}.png", c.name), &c.png)?;
        dir.write(&format!("{}.svg", c.name), c.svg.as_bytes())?;
    }
    Ok(charts)
}

/// A statistic as [`crate::metrics::fmt_statistic`] writes it, with more decimals where
/// that would read the same as the target's `bound` it differs from: 3.0047 against
/// `<= 3` is "3.0047 (not met)", not "3.00 (not met)".
fn beside_bound(x: f64, bound: f64) -> String {
    let shown = crate::metrics::fmt_statistic(x);
    // Equal up to rounding (as targets judge it): 6.100000000000001 is the bound 6.1.
    if !x.is_finite() || crate::stats::target::equal_to_bound(x, bound) || shown != crate::metrics::fmt_num(bound) {
        return shown;
    }
    let mut d = 3;
    while d < 15 && format!("{x:.d$}") == format!("{bound:.d$}") {
        d += 1;
    }
    format!("{x:.d$}")
}

/// The trials of a plan and its conclusion, as printed by `plan`.
pub fn plan_table(result: &PlanResult, target: &str, path: &str, replications: u64, lo: f64, hi: f64) -> String {
    let mut t = format!("target: {target} on {replications} replications; searching {path} in {lo}..{hi}\n");
    let bound = crate::experiment::Target::parse(target).map_or(f64::NAN, |t| t.value);
    for tr in &result.trials {
        t.push_str(&format!(
            "  {} = {:<10} -> {} ({})\n",
            path,
            tr.value,
            beside_bound(tr.statistic, bound),
            if tr.met { "met" } else { "not met" }
        ));
    }
    t.push_str(&result.message);
    t.push('\n');
    t
}

/// The console table of a sensitivity study: per statistic, the parameters ranked.
pub fn sensitivity_table(r: &crate::experiment::sensitivity::SensitivityResult) -> String {
    use crate::experiment::sensitivity::Method;
    let mut s = format!(
        "{} design: {} points x {} replications (the same at every point), seed {}\n",
        match r.method {
            Method::Sobol => "Sobol (Saltelli sampling; first-order: Saltelli 2010, total: Jansen 1999)",
            Method::Morris => "Morris (elementary effects over each range)",
        },
        r.points,
        r.replications,
        r.seed
    );
    for m in &r.metrics {
        if m.undefined_points > 0 {
            s.push_str(&format!("\n{}: {}\n", m.metric, undefined_text(m, r.points)));
            continue;
        }
        if m.variance == 0.0 {
            s.push_str(&format!(
                "\n{}: the same at every point of the design: none of these parameters moves it\n",
                m.metric
            ));
            continue;
        }
        s.push_str(&format!(
            "\n{}: variance over the design {}; simulation noise {} of it\n",
            m.metric,
            fmt_num(m.variance),
            if m.noise_share.is_finite() {
                format!("{:.1}%", 100.0 * m.noise_share)
            } else {
                "not estimated (a percentile)".into()
            }
        ));
        let width = m.parameters.iter().map(|p| p.path.len()).max().unwrap_or(9).max(9);
        let range = |p: &crate::experiment::sensitivity::ParamEffect| {
            if p.dist.starts_with("uniform(") {
                format!(
                    "{}..{}",
                    crate::metrics::fmt_param(p.lo),
                    crate::metrics::fmt_param(p.hi)
                )
            } else {
                p.dist.clone()
            }
        };
        let rw = m.parameters.iter().map(|p| range(p).len()).max().unwrap_or(5).max(5);
        match r.method {
            Method::Sobol => {
                s.push_str(&format!(
                    "  {:<width$}  {:>rw$}  {:>24}  {:>24}\n",
                    "parameter", "range", "first-order [95% CI]", "total effect [95% CI]"
                ));
                for p in &m.parameters {
                    let ci = |x: Option<[f64; 2]>| x.map_or(String::new(), |c| format!("[{:.3}, {:.3}]", c[0], c[1]));
                    s.push_str(&format!(
                        "  {:<width$}  {:>rw$}  {:>7.3} {:>16}  {:>7.3} {:>16}{}\n",
                        p.path,
                        range(p),
                        p.first_order.unwrap_or(f64::NAN),
                        ci(p.first_order_ci95),
                        p.total.unwrap_or(f64::NAN),
                        ci(p.total_ci95),
                        if p.within_noise { "  within noise" } else { "" }
                    ));
                }
                let beyond_one = m
                    .parameters
                    .iter()
                    .any(|p| p.first_order.unwrap_or(0.0) > 1.0 || p.total.unwrap_or(0.0) > 1.0);
                if beyond_one {
                    s.push_str("  (a share cannot pass 1: estimates above it are sampling error of a small design; more --samples narrow them)\n");
                }
            }
            Method::Morris => {
                s.push_str(&format!(
                    "  {:<width$}  {:>rw$}  {:>12}  {:>12}\n",
                    "parameter", "range", "mu*", "sigma"
                ));
                for p in &m.parameters {
                    s.push_str(&format!(
                        "  {:<width$}  {:>rw$}  {:>12}  {:>12}{}\n",
                        p.path,
                        range(p),
                        fmt_num(p.mu_star.unwrap_or(f64::NAN)),
                        fmt_num(p.sigma.unwrap_or(f64::NAN)),
                        if p.within_noise { "  within noise" } else { "" }
                    ));
                }
            }
        }
    }
    s
}

/// `report.html` of a sensitivity study: the design, then per statistic the ranked
/// table (as the console prints it) beside its chart.
pub fn sensitivity_html(
    title: &str,
    r: &crate::experiment::sensitivity::SensitivityResult,
    charts: &[Option<super::charts::Chart>],
) -> String {
    use super::charts::escape;
    use crate::experiment::sensitivity::Method;
    use std::fmt::Write;
    let sobol = r.method == Method::Sobol;
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>repatsim: {0}</title>\n<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>",
        escape(title),
        super::html::STYLE
    );
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} design: {} points, each on the same {} replications (seed {}), so the indices measure the parameters, not simulation noise. {}</p>",
        if sobol {
            "Sobol (Saltelli sampling; first-order index: Saltelli 2010, total effect: Jansen 1999; 95% bootstrap intervals)"
        } else {
            "Morris (elementary effects; mu*: mean absolute effect over each parameter's range, sigma: its spread)"
        },
        r.points,
        r.replications,
        r.seed,
        if sobol {
            "A total effect is the share of the statistic's variance over the design that goes away if the parameter is known; first-order counts the parameter alone, without its interactions. Shares lie between 0 and 1: an estimate below 0 or above 1 is sampling error of a small design (more --samples narrow it)."
        } else {
            "mu* is in the statistic's unit per the parameter's whole range: the mean size of the change over a step of two thirds of the range, scaled up to the whole range as if the response were straight (where it bends, mu* need not equal the change from one end to the other). sigma is the spread of those effects: large against mu*, the effect depends on where the other parameters are (interactions) or bends."
        }
    );
    h.push_str("<nav><h2>Contents</h2><ol>");
    for m in &r.metrics {
        let _ = write!(h, "<li><a href=\"#{0}\">{0}</a></li>", escape(&m.metric));
    }
    h.push_str("</ol></nav>\n");
    for (m, chart) in r.metrics.iter().zip(charts) {
        let _ = writeln!(h, "<h2 id=\"{0}\">{0}</h2>", escape(&m.metric));
        if m.undefined_points > 0 {
            let _ = writeln!(h, "<p>{}</p>", escape(&undefined_text(m, r.points)));
            continue;
        }
        if m.variance == 0.0 {
            h.push_str("<p>The same at every point of the design: none of these parameters moves it.</p>\n");
            continue;
        }
        let _ = writeln!(
            h,
            "<p>Variance over the design {}; simulation noise {} of it.</p>",
            fmt_num(m.variance),
            if m.noise_share.is_finite() {
                format!("{:.1}%", 100.0 * m.noise_share)
            } else {
                "not estimated (a percentile)".into()
            }
        );
        h.push_str("<table><thead><tr><th class=\"l\">parameter</th><th class=\"l\">distribution</th>");
        if sobol {
            h.push_str("<th>first-order</th><th>95% CI</th><th>total effect</th><th>95% CI</th>");
        } else {
            h.push_str("<th>mu*</th><th>sigma</th>");
        }
        h.push_str("<th class=\"l\"></th></tr></thead><tbody>\n");
        for p in &m.parameters {
            let ci = |x: Option<[f64; 2]>| x.map_or(String::new(), |c| format!("[{:.3}, {:.3}]", c[0], c[1]));
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"l\">{}</td>",
                escape(&p.path),
                escape(&p.dist)
            );
            if sobol {
                let _ = write!(
                    h,
                    "<td>{:.3}</td><td>{}</td><td>{:.3}</td><td>{}</td>",
                    p.first_order.unwrap_or(f64::NAN),
                    ci(p.first_order_ci95),
                    p.total.unwrap_or(f64::NAN),
                    ci(p.total_ci95)
                );
            } else {
                let _ = write!(
                    h,
                    "<td>{}</td><td>{}</td>",
                    fmt_num(p.mu_star.unwrap_or(f64::NAN)),
                    fmt_num(p.sigma.unwrap_or(f64::NAN))
                );
            }
            let _ = writeln!(
                h,
                "<td class=\"l\">{}</td></tr>",
                if p.within_noise { "within noise" } else { "" }
            );
        }
        h.push_str("</tbody></table>\n");
        let Some(chart) = chart else { continue };
        h.push_str("<figure>");
        h.push_str(&chart.svg);
        let _ = writeln!(
            h,
            "<figcaption>{} <a href=\"{1}.png\">{1}.png</a> <a href=\"{1}.svg\">{1}.svg</a></figcaption></figure>",
            escape(&chart.caption),
            escape(&chart.name)
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// Why a statistic has no indices: it is undefined at some design points.
fn undefined_text(m: &crate::experiment::sensitivity::MetricEffects, points: usize) -> String {
    let makespan = m.metric.starts_with("makespan_days@");
    format!(
        "undefined at {} of {} design points, so no index can be computed{}",
        m.undefined_points,
        points,
        if makespan {
            ": there, some replications never got everyone home within the horizon (they count as later than it, so a mean is unknown and a percentile among them too); explain a percentile low enough to fall among the replications that did get everyone home (below the share of them at every point), all_home, or lengthen the horizon"
        } else {
            ": no replication there has a value of it"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::beside_bound;

    #[test]
    fn a_statistic_beside_its_bound_shows_the_digits_that_differ() {
        assert_eq!(beside_bound(3.0047, 3.0), "3.005");
        assert_eq!(beside_bound(3.00004, 3.0), "3.00004");
        assert_eq!(beside_bound(2.9, 3.0), "2.90");
        assert_eq!(beside_bound(3.0, 3.0), "3.00");
        assert_eq!(beside_bound(146.4 / 24.0, 6.1), "6.10");
        assert_eq!(beside_bound(f64::INFINITY, 3.0), "beyond the horizon");
        assert_eq!(beside_bound(1.5, f64::NAN), "1.50");
    }
}
