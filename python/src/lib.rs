//! `repatsim._native`: the Rust simulator behind the Python package. Each function takes
//! a scenario's text (the Python side reads files and turns dicts into TOML) and returns
//! exactly what the command line writes (CSV text, JSON text, sentences), so the same
//! seed gives the same numbers in both; `repatsim/__init__.py` turns them into pandas
//! DataFrames. Simulation runs with the GIL released, on as many threads as asked.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use repatsim::experiment::compare::{self as cmp, CompareError};
use repatsim::experiment::{self, MetricStat, RunOptions, Target, plan as planning, sweep as sweeping};
use repatsim::model::Network;
use repatsim::report::{self, ReportOptions};
use repatsim::scenario::params::{self, Override, ParamValue};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

create_exception!(
    _native,
    ScenarioError,
    PyValueError,
    "A scenario (or an override, or a study's parameter) is wrong; the message says where and what would be valid."
);

fn scenario_error(e: impl std::fmt::Display) -> PyErr {
    ScenarioError::new_err(e.to_string())
}

fn internal(e: impl std::fmt::Display) -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err(e.to_string())
}

fn compare_error(e: CompareError) -> PyErr {
    match e {
        CompareError::Experiment(e) => internal(e),
        other => scenario_error(other),
    }
}

/// `PATH=VALUE` overrides, as `--set` takes them.
fn overrides(set: &[String]) -> PyResult<Vec<Override>> {
    set.iter()
        .map(|s| params::parse_override(s).map_err(|e| scenario_error(format!("set {e}"))))
        .collect()
}

/// The overrides plus the seed as an override of `scenario.seed` (as the study commands
/// do, so both scenarios of a comparison share it).
fn with_seed(set: &[String], seed: Option<u64>) -> PyResult<Vec<Override>> {
    let mut base = overrides(set)?;
    if let Some(s) = seed {
        let seed = i64::try_from(s).map_err(|_| scenario_error(format!("seed {s}: at most {}", i64::MAX)))?;
        base.push(Override {
            path: "scenario.seed".into(),
            value: ParamValue::Whole(seed),
        });
    }
    Ok(base)
}

fn options(n: u64, threads: Option<usize>) -> RunOptions {
    RunOptions::new(0..n).threads(threads)
}

/// Runs `work` on a thread of its own while the calling thread checks for Ctrl-C every
/// 50 ms (holding the GIL only for the check). On an interrupt, the stop flag handed to
/// `work` (for its `RunOptions`) stops the replications still to run; the partial
/// result is dropped and KeyboardInterrupt is raised. Without this, a long batch in a
/// notebook could not be interrupted: Python saw Ctrl-C only when the call returned.
fn interruptible<T: Send>(py: Python<'_>, work: impl FnOnce(Arc<AtomicBool>) -> T + Send) -> PyResult<T> {
    let stop = Arc::new(AtomicBool::new(false));
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let handle = s.spawn(|| {
            let out = work(Arc::clone(&stop));
            done.store(true, Ordering::Release);
            out
        });
        loop {
            py.detach(|| {
                let since = Instant::now();
                while !done.load(Ordering::Acquire) && since.elapsed() < Duration::from_millis(50) {
                    std::thread::sleep(Duration::from_millis(2));
                }
            });
            if done.load(Ordering::Acquire) {
                break;
            }
            if let Err(interrupt) = py.check_signals() {
                stop.store(true, Ordering::Relaxed);
                // The replications under way finish (each takes milliseconds to a few
                // seconds), then the work returns and is dropped.
                let _ = py.detach(|| handle.join());
                return Err(interrupt);
            }
        }
        py.detach(|| handle.join())
            .map_err(|panic| std::panic::resume_unwind(panic))
    })
}

/// `options(n, threads)` stopped by `stop`.
fn stoppable(n: u64, threads: Option<usize>, stop: Arc<AtomicBool>) -> RunOptions {
    let mut o = options(n, threads);
    o.stop = Some(stop);
    o
}

fn csv_text(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> PyResult<String> {
    let mut v = Vec::new();
    write(&mut v).map_err(internal)?;
    String::from_utf8(v).map_err(internal)
}

/// Checks a scenario; raises ScenarioError with every located problem. Returns the
/// warnings (legal but likely unintended settings), rendered.
#[pyfunction]
#[pyo3(signature = (text, label, set = Vec::new()))]
fn validate(text: &str, label: &str, set: Vec<String>) -> PyResult<String> {
    let t = params::apply(text, &overrides(&set)?).map_err(scenario_error)?;
    let loaded = repatsim::scenario::parse(&t, label).map_err(scenario_error)?;
    Ok(loaded.render_warnings())
}

/// Refuses more replications than the command line takes (`-n` is at most 100,000,000):
/// `replications=10**12` ran until memory ran out.
fn at_most(n: u64) -> PyResult<()> {
    if n > 100_000_000 {
        return Err(scenario_error(format!("replications: {n}, at most 100,000,000")));
    }
    Ok(())
}

/// Refuses a batch the command line refuses: more than 100,000,000 replications, or
/// more memory than the machine has (it grew until the kernel killed Python).
fn fits(net: &Arc<Network>, n: u64, threads: Option<usize>) -> PyResult<()> {
    at_most(n)?;
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |t| t.get()));
    let e = experiment::estimate(net, n, threads, None, false);
    if let Some(avail) = experiment::available_memory()
        && e.bytes > 0.9 * avail
    {
        return Err(scenario_error(format!(
            "{n} replications of {} people need about {:.1} GB of memory, and {:.1} GB is available: ask for fewer",
            net.population,
            e.bytes / 1e9,
            avail / 1e9
        )));
    }
    Ok(())
}

/// Runs the replications of a scenario as `repatsim run` does; returns a dict of the
/// files `run --out` writes (CSV and JSON text) and the report's findings.
#[pyfunction]
#[pyo3(signature = (text, label, replications = None, seed = None, threads = None, set = Vec::new(), what_if = false, people = Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn run<'py>(
    py: Python<'py>,
    text: &str,
    label: &str,
    replications: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
    what_if: bool,
    people: Vec<u64>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut sc = cmp::scenario_with(text, label, &overrides(&set)?).map_err(compare_error)?;
    if let Some(s) = seed {
        sc.seed = s;
    }
    let n = replications.unwrap_or(u64::from(sc.replications));
    if n == 0 {
        return Err(scenario_error("replications must be at least 1"));
    }
    if let Some(k) = people.iter().find(|&&k| k >= n) {
        return Err(scenario_error(format!(
            "people: replication {k} is not among those run (0..{n})"
        )));
    }
    // Each replication once, as --people writes them (a repeated index doubled every
    // record of it).
    let mut people = people;
    people.sort_unstable();
    people.dedup();
    let net = Arc::new(Network::new(Arc::new(sc)));
    fits(&net, n, threads)?;
    let records = u64::from(net.population) * people.len() as u64;
    if records > repatsim::report::people::MAX_PEOPLE_RECORDS {
        return Err(scenario_error(format!(
            "people: {} people x {} replications is {records} person records, more than {}: ask for fewer replications",
            net.population,
            people.len(),
            repatsim::report::people::MAX_PEOPLE_RECORDS
        )));
    }
    let (batch, what_if) = interruptible(py, |stop| {
        let batch = experiment::run_network(&net, &stoppable(n, threads, Arc::clone(&stop)), None)
            .map_err(|e| e.to_string())?;
        let options = ReportOptions {
            what_if,
            timeline: false,
            threads,
            known_what_if: None,
            people: None,
            stop: Some(stop),
        };
        let w = if what_if {
            report::findings::what_if_for(&batch, &options, label).map_err(|e| e.to_string())?
        } else {
            None
        };
        Ok::<_, String>((batch, w))
    })?
    .map_err(internal)?;
    let out = PyDict::new(py);
    out.set_item(
        "replications_csv",
        csv_text(|w| report::csv::write_replications(w, &batch))?,
    )?;
    out.set_item(
        "timeseries_csv",
        csv_text(|w| report::csv::write_timeseries(w, &batch.timeseries, batch.scenario().start))?,
    )?;
    out.set_item(
        "dictionary_csv",
        csv_text(|w| report::csv::write_dictionary(w, &batch))?,
    )?;
    let mut summary = report::summary_document(&batch, None, false);
    if let (Some(w), Some(obj)) = (&what_if, summary.as_object_mut()) {
        obj.insert("what_if".into(), serde_json::to_value(w).map_err(internal)?);
    }
    out.set_item("summary_json", summary.to_string())?;
    out.set_item("findings", report::findings::findings(&batch, what_if.as_ref()))?;
    if !people.is_empty() {
        let text = py
            .detach(|| {
                let mut w = csv::Writer::from_writer(Vec::new());
                let mut world = repatsim::model::World::new(Arc::clone(&net));
                for (i, &k) in people.iter().enumerate() {
                    let (_, rows) = world.run_traced(k);
                    report::people::write_people(&mut w, &net, k, &rows, i == 0)?;
                }
                w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
            })
            .map_err(internal)?;
        out.set_item("people_csv", String::from_utf8(text).map_err(internal)?)?;
    }
    Ok(out)
}

/// `repatsim compare`: A and B (B is A when `b_text` is None) on the same replications
/// and random numbers, B changed by `vs_set`; returns compare.csv's text.
#[pyfunction]
#[pyo3(signature = (a_text, a_label, b_text = None, b_label = None, vs_set = Vec::new(), replications = None, seed = None, threads = None, set = Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    a_text: &str,
    a_label: &str,
    b_text: Option<&str>,
    b_label: Option<&str>,
    vs_set: Vec<String>,
    replications: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
) -> PyResult<String> {
    let base = overrides(&set)?;
    let mut vs = base.clone();
    vs.extend(overrides(&vs_set)?);
    if b_text.is_none() && vs_set.is_empty() {
        return Err(scenario_error(
            "compare needs a second scenario, or vs_set changes to A",
        ));
    }
    let mut a = cmp::scenario_with(a_text, a_label, &base).map_err(compare_error)?;
    let b = cmp::scenario_with(b_text.unwrap_or(a_text), b_label.unwrap_or(a_label), &vs).map_err(compare_error)?;
    if let Some(s) = seed {
        a.seed = s;
    }
    let n = replications.unwrap_or(u64::from(a.replications)).max(2);
    at_most(n)?;
    let c = interruptible(py, |stop| cmp::compare(&a, &b, &stoppable(n, threads, stop)))?.map_err(compare_error)?;
    String::from_utf8(report::study::compare_csv(&c).map_err(internal)?).map_err(internal)
}

/// `repatsim sweep`: returns sweep.csv's text.
#[pyfunction]
#[pyo3(signature = (text, label, vary, metrics = Vec::new(), replications = None, seed = None, threads = None, set = Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn sweep(
    py: Python<'_>,
    text: &str,
    label: &str,
    vary: Vec<String>,
    metrics: Vec<String>,
    replications: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
) -> PyResult<String> {
    let axes = vary
        .iter()
        .map(|v| sweeping::parse_axis(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(compare_error)?;
    for v in &vary {
        if let Some(note) = sweeping::check_range(v).map_err(compare_error)? {
            eprintln!("warning: {note}");
        }
    }
    let set_paths = overrides(&set)?;
    let set_paths: Vec<&str> = set_paths.iter().map(|o| o.path.as_str()).collect();
    let varied: Vec<&str> = axes.iter().map(|a| a.path.as_str()).collect();
    sweeping::check_paths(&varied, &set_paths).map_err(compare_error)?;
    let specs = if metrics.is_empty() {
        vec!["makespan_days".to_string()]
    } else {
        metrics
    };
    let metrics = specs
        .iter()
        .map(|m| MetricStat::parse(m).map_err(|e| scenario_error(format!("metric {e}"))))
        .collect::<PyResult<Vec<_>>>()?;
    let base = with_seed(&set, seed)?;
    let n = match replications {
        Some(n) => n,
        None => u64::from(
            cmp::scenario_with(text, label, &base)
                .map_err(compare_error)?
                .replications,
        )
        .max(2),
    };
    at_most(n)?;
    let result = interruptible(py, |stop| {
        sweeping::sweep(text, label, &base, &axes, &metrics, &stoppable(n, threads, stop), None)
    })?
    .map_err(compare_error)?;
    String::from_utf8(report::study::sweep_csv(&axes, &result).map_err(internal)?).map_err(internal)
}

/// `repatsim plan`: returns the JSON `plan --json` prints.
#[pyfunction]
#[pyo3(signature = (text, label, vary, target, replications = None, seed = None, threads = None, set = Vec::new(), confirm = None, tolerance = None))]
#[allow(clippy::too_many_arguments)]
fn plan(
    py: Python<'_>,
    text: &str,
    label: &str,
    vary: &str,
    target: &str,
    replications: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    set: Vec<String>,
    confirm: Option<u64>,
    tolerance: Option<f64>,
) -> PyResult<String> {
    let axis = sweeping::parse_axis(vary).map_err(compare_error)?;
    planning::check_range(vary).map_err(compare_error)?;
    let (lo, hi) = (axis.values[0], axis.values[axis.values.len() - 1]);
    let tolerance = tolerance.unwrap_or_else(|| planning::default_tolerance(lo, hi));
    let target = Target::parse(target).map_err(|m| scenario_error(format!("target {m}")))?;
    if tolerance.is_nan() || tolerance <= 0.0 {
        return Err(scenario_error("tolerance must be > 0"));
    }
    let base = with_seed(&set, seed)?;
    let set_paths: Vec<&str> = base.iter().map(|o| o.path.as_str()).collect();
    sweeping::check_paths(&[axis.path.as_str()], &set_paths).map_err(compare_error)?;
    repatsim::experiment::check::refuse_decided_target(text, label, &base, &target).map_err(compare_error)?;
    let n = match replications {
        Some(n) => n,
        None => u64::from(
            cmp::scenario_with(text, label, &base)
                .map_err(compare_error)?
                .replications,
        )
        .max(2),
    };
    at_most(n)?;
    let result = interruptible(py, |stop| {
        planning::plan(
            text,
            label,
            &base,
            &axis.path,
            lo,
            hi,
            &target,
            &stoppable(n, threads, stop),
            confirm.unwrap_or(n),
            tolerance,
        )
    })?
    .map_err(compare_error)?;
    serde_json::to_string(&result).map_err(internal)
}

/// The native part of the `repatsim` Python package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
