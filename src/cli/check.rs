//! `repatsim check FILE... [--target T]...`: every plan against its targets (its own
//! `[[target]]`s and the command line's), each decided with confidence; JUnit XML and
//! JSON for CI systems. Exit 0 all pass, 3 any fails, 4 any undecided (and none fails).

use super::guard::{check_resources, interrupt_flag, overrides, progress_bar, write_stdout};
use super::{CheckArgs, Failure};
use crate::experiment::check::{Checked, UntilDecided, Verdict, run_check};
use crate::experiment::{RunOptions, Target};
use crate::metrics::{fmt_count, fmt_quantity};
use crate::model::{Network, catalogue};
use crate::scenario::{self, Scenario, error::Diagnostic};
use quick_xml::escape::escape;
use std::sync::Arc;

/// One plan's outcome.
#[derive(serde::Serialize)]
struct PlanResult {
    file: String,
    scenario: String,
    seed: u64,
    replications: u64,
    /// Replications of the first look (`-n`): more means --until-decided looked again.
    #[serde(skip)]
    first_look: u64,
    wall_seconds: f64,
    targets: Vec<TargetResult>,
}

#[derive(serde::Serialize)]
struct TargetResult {
    /// `scenario` ([[target]] in the file) or `command line` (--target).
    source: &'static str,
    /// The metric's label in the catalogue.
    label: String,
    description: String,
    #[serde(flatten)]
    checked: Checked,
}

/// `repatsim check`.
pub fn check(args: CheckArgs) -> Result<(), Failure> {
    let from_command: Vec<Target> = args
        .targets
        .iter()
        .map(|t| Target::parse(t).map_err(|m| Failure::BadInput(format!("--target {m}"))))
        .collect::<Result<_, _>>()?;
    let set = overrides(&args.common.set)?;
    // Every plan is loaded and its targets resolved before anything runs.
    let mut errors = String::new();
    let mut plans = Vec::new();
    for file in &args.files {
        match scenario::load_with(file, &set) {
            Ok(loaded) => {
                if !loaded.warnings.is_empty() {
                    eprint!("{}", loaded.render_warnings());
                }
                let mut sc = loaded.scenario;
                if let Some(s) = args.common.seed {
                    sc.seed = s;
                }
                match resolve(&sc, &from_command) {
                    Ok(targets) => plans.push((file.display().to_string(), sc, targets)),
                    Err(e) => errors.push_str(&e),
                }
            }
            Err(e) => errors.push_str(&e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::BadInput(errors));
    }
    if let Some(path) = &args.junit {
        junit_place(path, args.force)?;
    }
    let stop = interrupt_flag();
    let mut results = Vec::new();
    for (file, sc, targets) in plans {
        let n = args.common.replications.unwrap_or(u64::from(sc.replications));
        let net = Arc::new(Network::new(Arc::new(sc)));
        let until = args.until_decided.then_some(UntilDecided {
            max_replications: args.max_replications.max(n),
            block: args.block,
        });
        check_resources(
            &net,
            until.map_or(n, |u| u.max_replications),
            args.common.threads,
            None,
            args.yes,
            !args.until_decided,
        )?;
        let opts = RunOptions {
            replications: 0..n,
            threads: args.common.threads.map(|t| t as usize),
            grid_hours: None,
            block: args.block,
            stop: Some(stop.clone()),
            progress: None,
        };
        let bar = progress_bar(n, args.common.quiet, "replications");
        let plain: Vec<Target> = targets.iter().map(|(t, ..)| t.clone()).collect();
        let (batch, checked) = run_check(&net, &opts, &plain, until, Some(&|d| bar.set_position(d)))
            .map_err(|e| Failure::Internal(e.to_string()))?;
        bar.finish_and_clear();
        if batch.interrupted {
            return Err(Failure::Interrupted(format!(
                "interrupted while checking {file}: nothing is decided"
            )));
        }
        let labels = catalogue(&net);
        results.push(PlanResult {
            file,
            scenario: batch.scenario().name.clone(),
            seed: batch.scenario().seed,
            replications: batch.len() as u64,
            first_look: n,
            wall_seconds: batch.wall_seconds,
            targets: targets
                .into_iter()
                .zip(checked)
                .map(|((t, source, description), checked)| TargetResult {
                    source,
                    label: labels
                        .get(labels.index_of_id(&t.metric).expect("resolved"))
                        .label
                        .clone(),
                    description,
                    checked,
                })
                .collect(),
        });
    }
    if let Some(path) = &args.junit {
        write_junit(path, &results)?;
    }
    if args.common.json {
        let mut s = serde_json::to_string_pretty(&serde_json::json!({ "plans": results }))
            .map_err(|e| Failure::Internal(e.to_string()))?;
        s.push('\n');
        write_stdout(&s)?;
    } else {
        write_stdout(&console(&results))?;
    }
    verdict(&results, args.until_decided.then_some(args.max_replications))
}

/// The `[[target]]`s of `sc` whose metric is not in its catalogue, or whose bound
/// decides them whatever happens (a share's above 1), as located errors (empty if all
/// resolve). `validate` reports them too.
pub(super) fn unknown_target_metrics(sc: &Scenario, cat: &crate::metrics::Catalogue) -> String {
    let bad: Vec<Diagnostic> = sc
        .targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match cat.index_of_id(&t.target.metric) {
            None => Some(
                Diagnostic::new(
                    format!("target[{i}].metric"),
                    Some(t.metric_span.clone()),
                    format!("no metric named `{}`", t.target.metric),
                )
                .help(match cat.suggest(&t.target.metric) {
                    Some(m) => {
                        format!("did you mean `{m}`? (the metrics are listed in dictionary.csv of an output directory)")
                    }
                    None => {
                        "name a metric as listed in dictionary.csv of an output directory, e.g. makespan_days".into()
                    }
                }),
            ),
            Some(index) => cat.get(index).bound_problem(sc, &t.target).map(|m| {
                Diagnostic::new(format!("target[{i}].value"), Some(t.value_span.clone()), m)
                    .help("a bound inside the values the metric can take".to_string())
            }),
        })
        .collect();
    if bad.is_empty() {
        return String::new();
    }
    scenario::error::render(
        &sc.file,
        &sc.source_text,
        &bad,
        codespan_reporting::diagnostic::Severity::Error,
    )
}

/// The targets of a plan: its own `[[target]]`s, then the command line's; an unknown
/// metric is an error located in the file (or named on the command line).
fn resolve(sc: &Scenario, from_command: &[Target]) -> Result<Vec<(Target, &'static str, String)>, String> {
    let cat = catalogue(&Network::new(Arc::new(sc.clone())));
    let mut errors = unknown_target_metrics(sc, &cat);
    let mut out: Vec<(Target, &'static str, String)> = sc
        .targets
        .iter()
        .map(|t| (t.target.clone(), "scenario", t.description.clone()))
        .collect();
    for t in from_command {
        if let Some(m) = cat.index_of_id(&t.metric).and_then(|i| cat.get(i).bound_problem(sc, t)) {
            errors.push_str(&format!("--target {t}: {m}\n"));
        } else if cat.index_of_id(&t.metric).is_none() {
            let hint = cat
                .suggest(&t.metric)
                .map_or(String::new(), |m| format!(" (did you mean `{m}`?)"));
            errors.push_str(&format!(
                "--target {t}: {} has no metric named `{}`{hint}\n",
                sc.file, t.metric
            ));
        } else {
            out.push((t.clone(), "command line", String::new()));
        }
    }
    if errors.is_empty() && out.is_empty() {
        errors = format!(
            "{}: no targets to check: add [[target]] tables (metric, stat, op, value) or give --target 'makespan_days@p90<=60'\n",
            sc.file
        );
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn word(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Undecided => "UNDECIDED",
        Verdict::Undefined => "UNDEFINED",
    }
}

fn console(results: &[PlanResult]) -> String {
    let mut s = String::new();
    for p in results {
        s.push_str(&format!(
            "{} ({}): {} replications, seed {}\n",
            p.file,
            p.scenario,
            fmt_count(p.replications),
            p.seed
        ));
        let width = p.targets.iter().map(|t| t.checked.target.len()).max().unwrap_or(0);
        for t in &p.targets {
            s.push_str(&format!(
                "  {:<9}  {:<width$}  {}\n",
                word(t.checked.verdict),
                t.checked.target,
                t.checked.reason
            ));
        }
    }
    let all: Vec<&TargetResult> = results.iter().flat_map(|p| &p.targets).collect();
    let count = |v: Verdict| all.iter().filter(|t| t.checked.verdict == v).count();
    s.push_str(&format!(
        "{} in {}: {} passed, {} failed, {} undecided, {} undefined\n",
        fmt_quantity(all.len() as u64, "target"),
        fmt_quantity(results.len() as u64, "plan"),
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Undecided),
        count(Verdict::Undefined)
    ));
    s
}

/// Exit status: any failure first (3), then anything not decided (4).
fn verdict(results: &[PlanResult], until_decided: Option<u64>) -> Result<(), Failure> {
    let all: Vec<&Checked> = results
        .iter()
        .flat_map(|p| p.targets.iter().map(|t| &t.checked))
        .collect();
    let failed = all.iter().filter(|c| c.verdict == Verdict::Fail).count();
    let decided = all
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Pass | Verdict::Fail))
        .count();
    let looked_again = results.iter().any(|p| p.replications > p.first_look);
    if until_decided.is_some() && decided > 0 && looked_again {
        // Stopping as soon as an interval decides is optional stopping: every block is
        // another chance for a 95% interval to miss, so the verdicts are less sure.
        eprintln!(
            "note: --until-decided looked again after every block and stopped once the intervals decided; with repeated looks a verdict is wrong more often than 5% of the time. To confirm at 95%, run check again with a fixed -n (at least the replications it needed) and another --seed."
        );
    }
    let open = all
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Undecided | Verdict::Undefined))
        .count();
    if failed > 0 {
        Err(Failure::NotMet(format!(
            "check: {failed} of {} targets failed",
            all.len()
        )))
    } else if open > 0 {
        Err(Failure::Undecided(format!(
            "check: {open} of {} targets are not decided ({})",
            all.len(),
            match until_decided {
                Some(cap) => format!(
                    "--until-decided reached its cap (--max-replications {}, or -n if larger), or more replications would not decide them",
                    fmt_count(cap)
                ),
                // An undefined target is not decided by more replications (its reason
                // says what would: a longer horizon, another statistic).
                None if all.iter().all(|c| c.verdict != Verdict::Undecided) => {
                    "more replications would not decide them: see the reasons above".into()
                }
                None => "run more replications: -n, or --until-decided".into(),
            }
        )))
    } else {
        Ok(())
    }
}

/// Refuses a --junit path that cannot be written (or, without `force`, exists), before
/// anything runs.
fn junit_place(path: &std::path::Path, force: bool) -> Result<(), Failure> {
    let bad = |why: &str| Failure::BadInput(format!("--junit {}: {why}", path.display()));
    if path.is_dir() {
        return Err(bad("is a directory; name a file, e.g. plan-checks.xml"));
    }
    // (A dangling link counts: written through, it would create a file where it points.)
    if (path.exists() || std::fs::symlink_metadata(path).is_ok()) && !force {
        return Err(bad("exists; name a new file, or give --force to replace it"));
    }
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() && !d.is_dir() => Err(bad("its directory does not exist")),
        _ => Ok(()),
    }
}

/// JUnit XML: a test suite per plan, a test case per target; a failed target is a
/// `<failure>`, an undecided or undefined one an `<error>` (it could not be judged).
fn write_junit(path: &std::path::Path, results: &[PlanResult]) -> Result<(), Failure> {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let count = |p: &PlanResult, f: &dyn Fn(Verdict) -> bool| p.targets.iter().filter(|t| f(t.checked.verdict)).count();
    let is_fail = |v: Verdict| v == Verdict::Fail;
    let is_open = |v: Verdict| matches!(v, Verdict::Undecided | Verdict::Undefined);
    let total = |f: &dyn Fn(Verdict) -> bool| results.iter().map(|p| count(p, f)).sum::<usize>();
    x.push_str(&format!(
        "<testsuites name=\"repatsim check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        results.iter().map(|p| p.targets.len()).sum::<usize>(),
        total(&is_fail),
        total(&is_open)
    ));
    for p in results {
        let per_case = p.wall_seconds / p.targets.len().max(1) as f64;
        x.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n",
            escape(&p.file),
            p.targets.len(),
            count(p, &is_fail),
            count(p, &is_open),
            p.wall_seconds
        ));
        x.push_str(&format!(
            "    <properties><property name=\"scenario\" value=\"{}\"/><property name=\"seed\" value=\"{}\"/><property name=\"replications\" value=\"{}\"/></properties>\n",
            escape(&p.scenario),
            p.seed,
            p.replications
        ));
        for t in &p.targets {
            let c = &t.checked;
            let message = format!("{}: {} ({})", word(c.verdict), c.reason, t.label);
            x.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{per_case:.3}\">",
                escape(&p.file),
                escape(&c.target)
            ));
            let detail = format!(
                "{} {} {}; from {}; {} replications{}",
                c.stat,
                c.op,
                c.value,
                t.source,
                c.replications,
                if t.description.is_empty() {
                    String::new()
                } else {
                    format!("; {}", t.description)
                }
            );
            match c.verdict {
                Verdict::Pass => x.push_str(&format!("<system-out>{}</system-out>", escape(&message))),
                Verdict::Fail => x.push_str(&format!(
                    "<failure type=\"fail\" message=\"{}\">{}</failure>",
                    escape(&message),
                    escape(&detail)
                )),
                v => x.push_str(&format!(
                    "<error type=\"{}\" message=\"{}\">{}</error>",
                    if v == Verdict::Undecided {
                        "undecided"
                    } else {
                        "undefined"
                    },
                    escape(&message),
                    escape(&detail)
                )),
            }
            x.push_str("</testcase>\n");
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    if path.file_name().is_none() {
        return Err(Failure::BadInput(format!(
            "--junit {}: not a file name",
            path.display()
        )));
    }
    crate::report::dir::write_file(path, x.as_bytes()).map_err(|e| Failure::BadInput(format!("--junit: {e}")))
}
