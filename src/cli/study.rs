//! `compare`, `sweep` and `plan`: parse flags, call the experiment, print or write what
//! `report::study` formats.

use super::guard::{overrides, progress_bar, read_text, write_stdout};
use super::{CommonArgs, CompareArgs, Failure, PlanArgs, SensitivityArgs, SweepArgs};
use crate::experiment::compare as cmp;
use crate::experiment::{MetricStat, Progress, RunOptions, Target, plan as planning, sweep as sweeping};
use crate::report::OutputDir;
use crate::report::study::{self, CompareLabels};
use crate::scenario::{
    self,
    params::{Override, ParamValue},
};

/// Run options of a study command for `n` replications per scenario or point, with a
/// progress bar of `total` replications (hidden with --quiet or when stderr is not a
/// terminal).
fn common_options(c: &CommonArgs, n: u64, total: u64) -> (RunOptions, indicatif::ProgressBar) {
    let bar = progress_bar(total, c.quiet, "replications");
    let shown = bar.clone();
    let mut opts = RunOptions::new(0..n).threads(c.threads.map(|t| t as usize));
    opts.progress = Some(Progress(std::sync::Arc::new(move |d| shown.set_position(d))));
    (opts, bar)
}

/// The base overrides plus `--seed` as an override of `scenario.seed`.
fn base_with_seed(c: &CommonArgs) -> Result<Vec<Override>, Failure> {
    let mut base = overrides(&c.set)?;
    if let Some(s) = c.seed {
        let seed = i64::try_from(s)
            .map_err(|_| Failure::BadInput(format!("--seed {s}: the study commands take seeds up to {}", i64::MAX)))?;
        base.push(Override {
            path: "scenario.seed".into(),
            value: ParamValue::Whole(seed),
        });
    }
    Ok(base)
}

/// Warns of each path set or varied that a `[[change]]` of `text` sets again later in
/// the run: only the value before the change moves (a tester's plan over a
/// quarantine's beds found nothing, as a change set them back to 100 on day 1).
fn warn_changed_later<'a>(text: &str, paths: impl IntoIterator<Item = &'a str>) {
    for path in paths {
        for note in crate::scenario::params::changed_later(text, path) {
            eprintln!("warning: {note}");
        }
    }
}

/// Refuses a study whose largest batch (`batch` replications at once, on every
/// thread) would not fit in memory, as `run` refuses one, and says how long the whole
/// study (`total` replications) should take when that is over a minute: a plan with
/// `--confirm 100000000` grew by 50 MB a second without a word.
fn check_study_resources(
    c: &CommonArgs,
    text: &str,
    label: &str,
    base: &[Override],
    batch: u64,
    total: u64,
) -> Result<(), Failure> {
    let net = std::sync::Arc::new(crate::model::Network::new(std::sync::Arc::new(cmp::scenario_with(
        text, label, base,
    )?)));
    let threads = super::guard::threads_or_cores(c.threads);
    let need = crate::experiment::estimate(&net, batch, threads, None, false).bytes;
    if let Some(avail) = crate::experiment::available_memory()
        && need > 0.9 * avail
    {
        return Err(Failure::BadInput(format!(
            "this study runs {batch} replications at a time, which need about {:.1} GB of memory ({} people, {threads} threads) but {:.1} GB is available; use fewer replications (-n, --confirm)",
            need / 1e9,
            net.population,
            avail / 1e9
        )));
    }
    let pilot = f64::from(net.population) * total as f64 > 5e7;
    if let Some(seconds) = crate::experiment::estimate(&net, total, threads, None, pilot).seconds
        && seconds > 60.0
    {
        eprintln!(
            "estimated run time: {:.1} minutes on {} ({total} replications in all)",
            seconds / 60.0,
            crate::metrics::fmt_quantity(threads as u64, "thread")
        );
    }
    Ok(())
}

/// Replications per scenario or point: `-n`, else the scenario's `replications`.
fn replications(c: &CommonArgs, text: &str, label: &str, base: &[Override]) -> Result<u64, Failure> {
    match c.replications {
        Some(n) => Ok(n),
        None => Ok(u64::from(cmp::scenario_with(text, label, base)?.replications).max(2)),
    }
}

/// `--metric METRIC@STAT` flags (default `makespan_days@mean`), parsed.
fn metric_stats(flags: &[String]) -> Result<Vec<MetricStat>, Failure> {
    if flags.is_empty() {
        return Ok(vec![MetricStat::parse("makespan_days").expect("a valid default")]);
    }
    flags
        .iter()
        .map(|m| MetricStat::parse(m).map_err(|e| Failure::BadInput(format!("--metric {e}"))))
        .collect()
}

/// `repatsim compare`.
pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let base = overrides(&args.common.set)?;
    let mut vs = base.clone();
    vs.extend(super::guard::overrides_of("--vs-set", &args.vs_set)?);
    // Each side says every change it runs with: --set on both, --vs-set on B.
    let with = |file: &std::path::Path, sets: &[&String]| {
        let sets: Vec<&str> = sets.iter().map(|s| s.as_str()).collect();
        if sets.is_empty() {
            file.display().to_string()
        } else {
            format!("{} with {}", file.display(), sets.join(", "))
        }
    };
    let set: Vec<&String> = args.common.set.iter().collect();
    let both: Vec<&String> = args.common.set.iter().chain(&args.vs_set).collect();
    let a_label = with(&args.a, &set);
    let (b_path, b_label) = match &args.b {
        Some(b) => (b.clone(), with(b, &both)),
        None if !args.vs_set.is_empty() => (args.a.clone(), with(&args.a, &both)),
        None => {
            return Err(Failure::BadInput(
                "compare needs a second scenario, or --vs-set changes to A".into(),
            ));
        }
    };
    // --vs-set always makes B: from A when B is omitted, else applied to B itself.
    // (The loads warn of a value set that a [[change]] sets again later.)
    let (a, b) = (scenario::load_with(&args.a, &base)?, scenario::load_with(&b_path, &vs)?);
    for (loaded, side) in [(&a, "A"), (&b, "B")] {
        for w in loaded.warnings.iter().filter(|w| vs.iter().any(|o| o.path == w.field)) {
            eprintln!("warning ({side}): {}", w.message);
        }
    }
    let (mut a, b) = (a.scenario, b.scenario);
    let n = args.common.replications.unwrap_or(u64::from(a.replications)).max(2);
    if let Some(s) = args.common.seed {
        a.seed = s;
    }
    if b.seed != a.seed && args.common.seed.is_none() {
        eprintln!(
            "note: B runs on A's seed ({}) so that both share their random numbers",
            a.seed
        );
    }
    let mut out = args
        .out
        .as_deref()
        .map(|d| OutputDir::prepare(d, args.force))
        .transpose()?;
    let specs = args
        .metrics
        .iter()
        .map(|m| MetricStat::parse(m).map_err(|e| Failure::BadInput(format!("--metric {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let (opts, bar) = common_options(&args.common, n, 2 * n);
    let mut c = cmp::compare(&a, &b, &opts)?;
    c.statistics = cmp::stat_diffs(&c, &specs, a.seed)?;
    bar.finish_and_clear();
    let labels = CompareLabels {
        a: &a_label,
        b: &b_label,
        seed: a.seed,
        replications: n,
    };
    if let Some(dir) = &mut out {
        study::write_compare(dir, &c, &labels)?;
        dir.commit()?;
    }
    if args.common.json {
        let doc = study::compare_json(&c, &labels);
        return write_stdout(&(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"));
    }
    write_stdout(&study::compare_table(&c, &labels, args.all))
}

/// `repatsim sweep`.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let text = read_text(&args.file)?;
    let label = args.file.display().to_string();
    let axes = args
        .vary
        .iter()
        .map(|v| sweeping::parse_axis(v))
        .collect::<Result<Vec<_>, _>>()?;
    let set = overrides(&args.common.set)?;
    let varied: Vec<&str> = axes.iter().map(|a| a.path.as_str()).collect();
    let set_paths: Vec<&str> = set.iter().map(|o| o.path.as_str()).collect();
    sweeping::check_paths(&varied, &set_paths)?;
    for v in &args.vary {
        if let Some(note) = sweeping::check_range(v)? {
            eprintln!("warning: {note}");
        }
    }
    warn_changed_later(
        &text,
        axes.iter()
            .map(|a| a.path.as_str())
            .chain(set.iter().map(|o| o.path.as_str())),
    );
    let mut metrics = metric_stats(&args.metrics)?;
    let target = args
        .target
        .as_deref()
        .map(|t| Target::parse(t).map_err(|m| Failure::BadInput(format!("--target {m}"))))
        .transpose()?;
    // A target is drawn on its statistic's chart: that statistic is swept too, asked
    // for or not (it was dropped without a word).
    if let Some(t) = &target
        && !metrics.iter().any(|m| m.metric == t.metric && m.stat == t.stat)
    {
        metrics.push(MetricStat {
            metric: t.metric.clone(),
            stat: t.stat,
        });
    }
    let mut out = args
        .out
        .as_deref()
        .map(|d| OutputDir::prepare(d, args.force))
        .transpose()?;
    let base = base_with_seed(&args.common)?;
    if let Some(t) = &target {
        crate::experiment::check::refuse_decided_target(&text, &label, &base, t)?;
    }
    let n = replications(&args.common, &text, &label, &base)?;
    let points: u64 = axes.iter().map(|a| a.values.len() as u64).product();
    check_study_resources(&args.common, &text, &label, &base, n, points * n)?;
    let (opts, bar) = common_options(&args.common, n, points * n);
    let result = sweeping::sweep(&text, &label, &base, &axes, &metrics, &opts, None)?;
    bar.finish_and_clear();
    if let Some(dir) = &mut out {
        study::write_sweep(dir, &axes, &result, target.as_ref())?;
        dir.commit()?;
    }
    if args.common.json {
        let doc = study::sweep_json(&axes, &result);
        return write_stdout(&(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"));
    }
    let csv = study::sweep_csv(&axes, &result).map_err(|e| Failure::Internal(e.to_string()))?;
    write_stdout(&String::from_utf8_lossy(&csv))
}

/// `repatsim sensitivity`.
pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    use crate::experiment::sensitivity::{self as sens, Method, PointValues};
    let text = read_text(&args.file)?;
    let label = args.file.display().to_string();
    let base = base_with_seed(&args.common)?;
    let params = sens::resolve_params(&text, &label, &base, &args.vary)?;
    warn_changed_later(
        &text,
        params
            .iter()
            .map(|p| p.path.as_str())
            .chain(base.iter().map(|o| o.path.as_str())),
    );
    sens::check_ranges(&text, &label, &base, &params)?;
    let metrics = metric_stats(&args.metrics)?;
    let method = if args.method == "morris" {
        Method::Morris
    } else {
        Method::Sobol
    };
    let mut out = args
        .out
        .as_deref()
        .map(|d| OutputDir::prepare(d, args.force))
        .transpose()?;
    let n = replications(&args.common, &text, &label, &base)?;
    let plain = RunOptions::new(0..n);
    let design = sens::design(
        &text,
        &label,
        &base,
        &params,
        &metrics,
        method,
        args.samples as usize,
        &plain,
    )?;
    let range = match &args.points {
        Some(r) => point_range(r, design.points)?,
        None => 0..design.points,
    };
    let values = if args.from.is_empty() {
        let (opts, bar) = common_options(&args.common, n, range.len() as u64 * n);
        let v = sens::evaluate(
            &text,
            &label,
            &base,
            &params,
            &metrics,
            &design,
            range.clone(),
            &opts,
            None,
        )?;
        bar.finish_and_clear();
        v
    } else {
        let mut parts = Vec::new();
        for dir in &args.from {
            let file = dir.join("sensitivity-part.json");
            let bytes =
                std::fs::read(&file).map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", file.display())))?;
            let part: PointValues = serde_json::from_slice(&bytes)
                .map_err(|e| Failure::BadInput(format!("{}: not a sensitivity part: {e}", file.display())))?;
            if part.design != design {
                return Err(Failure::BadInput(format!(
                    "{}: another design than these arguments give: {}",
                    file.display(),
                    sens::design_difference(&design, &part.design)
                )));
            }
            parts.push(part);
        }
        sens::join(parts)?
    };
    if args.points.is_some() {
        let json = serde_json::to_string(&values).unwrap_or_default() + "\n";
        if let Some(dir) = &mut out {
            dir.write("sensitivity-part.json", json.as_bytes())?;
            dir.commit()?;
        }
        eprintln!(
            "points {}..{} of {} written; put the parts together with --from DIR (repeatable)",
            range.start, range.end, design.points
        );
        return Ok(());
    }
    let result = sens::analyse(&params, &values);
    let json = serde_json::to_string_pretty(&result).unwrap_or_default() + "\n";
    if let Some(dir) = &mut out {
        dir.write("sensitivity.json", json.as_bytes())?;
        let mut charts = Vec::new();
        for m in &result.metrics {
            if m.undefined_points > 0 {
                charts.push(None);
                continue;
            }
            let c = crate::report::charts::sensitivity::sensitivity_chart(result.method, m)
                .map_err(|e| Failure::Internal(e.to_string()))?;
            dir.write(&format!("{}.png", c.name), &c.png)?;
            dir.write(&format!("{}.svg", c.name), c.svg.as_bytes())?;
            charts.push(Some(c));
        }
        let title = format!("Sensitivity of {}", label);
        dir.write(
            "report.html",
            study::sensitivity_html(&title, &result, &charts).as_bytes(),
        )?;
        dir.commit()?;
    }
    if args.common.json {
        return write_stdout(&json);
    }
    write_stdout(&study::sensitivity_table(&result))
}

/// `A..B` within the design's `points`.
fn point_range(s: &str, points: usize) -> Result<std::ops::Range<usize>, Failure> {
    let bad = |m: String| Failure::BadInput(format!("--points {s}: {m}"));
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| bad("write A..B, e.g. 0..100".into()))?;
    let (a, b): (usize, usize) = (
        a.trim().parse().map_err(|_| bad("A is not a whole number".into()))?,
        b.trim().parse().map_err(|_| bad("B is not a whole number".into()))?,
    );
    if a >= b || b > points {
        return Err(bad(format!("need A < B <= {points} (the design's points)")));
    }
    Ok(a..b)
}

/// `repatsim plan`.
pub fn plan(args: PlanArgs) -> Result<(), Failure> {
    let text = read_text(&args.file)?;
    let label = args.file.display().to_string();
    let base = base_with_seed(&args.common)?;
    let axis = sweeping::parse_axis(&args.vary)?;
    let set_paths: Vec<&str> = base.iter().map(|o| o.path.as_str()).collect();
    sweeping::check_paths(&[axis.path.as_str()], &set_paths)?;
    warn_changed_later(
        &text,
        std::iter::once(axis.path.as_str()).chain(base.iter().map(|o| o.path.as_str())),
    );
    planning::check_range(&args.vary)?;
    let (lo, hi) = (axis.values[0], axis.values[axis.values.len() - 1]);
    let target = Target::parse(&args.target).map_err(|m| Failure::BadInput(format!("--target {m}")))?;
    crate::experiment::check::refuse_decided_target(&text, &label, &base, &target)?;
    let tolerance = args.tolerance.unwrap_or_else(|| planning::default_tolerance(lo, hi));
    if tolerance.is_nan() || tolerance <= 0.0 {
        return Err(Failure::BadInput("--tolerance must be > 0".into()));
    }
    let n = replications(&args.common, &text, &label, &base)?;
    let confirm = args.confirm.unwrap_or(n);
    // The scan, about log2(scan spacing / resolution) bisection steps, and the
    // confirmation.
    let resolution = if crate::scenario::params::is_whole_field(&axis.path) {
        1.0
    } else {
        tolerance
    };
    let spacing = (hi - lo) / (planning::SCAN_POINTS - 1) as f64;
    let steps = planning::SCAN_POINTS as u64 + (spacing / resolution).max(1.0).log2().ceil().min(64.0) as u64;
    check_study_resources(&args.common, &text, &label, &base, n.max(confirm), steps * n + confirm)?;
    let (opts, bar) = common_options(&args.common, n, steps * n + confirm);
    let result = planning::plan(
        &text, &label, &base, &axis.path, lo, hi, &target, &opts, confirm, tolerance,
    )?;
    bar.finish_and_clear();
    if args.common.json {
        write_stdout(&(serde_json::to_string_pretty(&result).unwrap_or_default() + "\n"))?;
    } else {
        write_stdout(&study::plan_table(&result, &args.target, &axis.path, n, lo, hi))?;
    }
    if result.met_everywhere {
        return Err(Failure::Undecided(
            "every value tried in the range meets the target: widen the range to find the boundary".into(),
        ));
    }
    if result.answer.is_none() {
        return Err(Failure::NotMet("no value in the range meets the target".into()));
    }
    if result.met_on_fresh == Some(false) {
        return Err(Failure::NotMet(
            "the answer did not hold on the fresh replications of the confirmation".into(),
        ));
    }
    Ok(())
}
