//! `compare`, `sweep` and `plan`: parse flags, call the experiment, print or write what
//! `report::study` formats.

use super::guard::{overrides, read_text, write_stdout};
use super::{CommonArgs, CompareArgs, Failure, PlanArgs, SweepArgs};
use crate::experiment::compare as cmp;
use crate::experiment::{RunOptions, Target, plan as planning, sweep as sweeping};
use crate::report::OutputDir;
use crate::report::study::{self, CompareLabels};
use crate::scenario::{self, params::Override};

fn common_options(c: &CommonArgs) -> RunOptions {
    RunOptions::new(0..c.replications).threads(c.threads.map(|t| t as usize))
}

/// The base overrides plus `--seed` as an override of `scenario.seed`.
fn base_with_seed(c: &CommonArgs) -> Result<Vec<Override>, Failure> {
    let mut base = overrides(&c.set)?;
    if let Some(s) = c.seed {
        base.push(Override {
            path: "scenario.seed".into(),
            value: s as f64,
        });
    }
    Ok(base)
}

/// `repatsim compare`.
pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let base = overrides(&args.common.set)?;
    let mut vs = base.clone();
    vs.extend(overrides(&args.vs_set)?);
    let a_label = args.a.display().to_string();
    let (b_path, b_label) = match &args.b {
        Some(b) => (b.clone(), b.display().to_string()),
        None if !args.vs_set.is_empty() => (args.a.clone(), format!("{a_label} with {}", args.vs_set.join(", "))),
        None => {
            return Err(Failure::BadInput(
                "compare needs a second scenario, or --vs-set changes to A".into(),
            ));
        }
    };
    let mut a = scenario::load_with(&args.a, &base)?.scenario;
    let b = scenario::load_with(&b_path, if args.b.is_some() { &base } else { &vs })?.scenario;
    if let Some(s) = args.common.seed {
        a.seed = s;
    }
    if b.seed != a.seed && args.common.seed.is_none() {
        eprintln!(
            "note: B runs on A's seed ({}) so that both share their random numbers",
            a.seed
        );
    }
    let out = args
        .out
        .as_deref()
        .map(|d| OutputDir::prepare(d, args.force))
        .transpose()?;
    let c = cmp::compare(&a, &b, &common_options(&args.common))?;
    let labels = CompareLabels {
        a: &a_label,
        b: &b_label,
        seed: a.seed,
        replications: args.common.replications,
    };
    if let Some(dir) = &out {
        study::write_compare(dir, &c, &labels)?;
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
    let metrics = if args.metrics.is_empty() {
        vec!["makespan_days".to_string()]
    } else {
        args.metrics.clone()
    };
    let out = args
        .out
        .as_deref()
        .map(|d| OutputDir::prepare(d, args.force))
        .transpose()?;
    let base = base_with_seed(&args.common)?;
    let points = sweeping::sweep(&text, &label, &base, &axes, &metrics, &common_options(&args.common))?;
    if let Some(dir) = &out {
        study::write_sweep(dir, &axes, &metrics, &points)?;
    }
    if args.common.json {
        return write_stdout(&(serde_json::to_string_pretty(&points).unwrap_or_default() + "\n"));
    }
    let csv = study::sweep_csv(&axes, &points).map_err(|e| Failure::Internal(e.to_string()))?;
    write_stdout(&String::from_utf8_lossy(&csv))
}

/// `repatsim plan`.
pub fn plan(args: PlanArgs) -> Result<(), Failure> {
    let text = read_text(&args.file)?;
    let label = args.file.display().to_string();
    let base = base_with_seed(&args.common)?;
    let axis = sweeping::parse_axis(&args.vary)?;
    let (lo, hi) = (axis.values[0], axis.values[axis.values.len() - 1]);
    let target = Target::parse(&args.target).map_err(|m| Failure::BadInput(format!("--target {m}")))?;
    if args.tolerance.is_nan() || args.tolerance <= 0.0 {
        return Err(Failure::BadInput("--tolerance must be > 0".into()));
    }
    let confirm = args.confirm.unwrap_or(args.common.replications);
    let result = planning::plan(
        &text,
        &label,
        &base,
        &axis.path,
        lo,
        hi,
        &target,
        &common_options(&args.common),
        confirm,
        args.tolerance,
    )?;
    if args.common.json {
        return write_stdout(&(serde_json::to_string_pretty(&result).unwrap_or_default() + "\n"));
    }
    write_stdout(&study::plan_table(
        &result,
        &args.target,
        &axis.path,
        args.common.replications,
        lo,
        hi,
    ))?;
    if result.answer.is_none() {
        return Err(Failure::BadInput("no value in the range meets the target".into()));
    }
    Ok(())
}
