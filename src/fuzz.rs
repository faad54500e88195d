//! The entry point of the fuzz target (`fuzz/`): any bytes as a scenario file are
//! parsed, validated and, if valid and small, simulated for one replication. It must
//! never panic, hang or lose anyone; a test runs it over every scenario shipped and every
//! malformed one in `tests/bad_scenarios/`.

use crate::model::{Network, World};
use std::sync::Arc;

/// Largest population simulated (bigger valid scenarios are only validated).
const MAX_PEOPLE: u64 = 20_000;
/// Longest horizon simulated, in hours.
const MAX_HORIZON_HOURS: f64 = 90.0 * 24.0;

/// What became of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rejected with located diagnostics.
    Rejected,
    /// Valid; simulated, with everyone accounted for.
    Simulated { events: u64 },
    /// Valid but too big to simulate here.
    Validated,
}

/// Parses, validates and (when small) runs `data`; panics only on a broken invariant
/// (someone lost), which is what a fuzzer should find.
pub fn parse_validate_run(data: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(data);
    let Ok(loaded) = crate::scenario::parse(&text, "fuzz.toml") else {
        return Verdict::Rejected;
    };
    let mut sc = loaded.scenario;
    if sc.population() > MAX_PEOPLE {
        return Verdict::Validated;
    }
    sc.horizon_hours = sc.horizon_hours.min(MAX_HORIZON_HOURS);
    sc.warmup_hours = sc.warmup_hours.min(sc.horizon_hours / 2.0);
    let net = Arc::new(Network::new(Arc::new(sc)));
    let r = World::new(Arc::clone(&net)).run(0);
    let held: u64 = r.holdings.iter().map(|h| h.people).sum();
    assert_eq!(r.home + r.evaded + held, r.population, "people lost");
    Verdict::Simulated { events: r.events }
}

/// Population and horizon (hours) below which [`drive_commands`] also runs searches.
const SEARCH_PEOPLE: u64 = 300;
const SEARCH_HORIZON_HOURS: f64 = 15.0 * 24.0;

/// The command-line paths on fuzzed input: `data` is a scenario, then a line `---`,
/// then one command per line: `set PATH=VALUE` (an override, applied and validated),
/// `vary SPEC` (a sweep axis, run at two replications on a small scenario), `plan SPEC
/// | TARGET | TOLERANCE` (a search on a small scenario), `target SPEC`, `metric SPEC`,
/// or `part JSON` (a tampered `merge-data.json` read back beside a real part). It must
/// never panic, hang or allocate without bound; a test runs it over a corpus of the
/// inputs that once did.
pub fn drive_commands(data: &[u8]) {
    use crate::experiment::{MetricStat, RunOptions, Target, plan, sweep};
    use crate::scenario::params;
    let text = String::from_utf8_lossy(data);
    let (scenario, commands) = text.split_once("\n---\n").unwrap_or((&text, ""));
    let Ok(loaded) = crate::scenario::parse(scenario, "fuzz.toml") else {
        return;
    };
    let sc = loaded.scenario;
    let small = sc.population() <= SEARCH_PEOPLE && sc.horizon_hours <= SEARCH_HORIZON_HOURS;
    let opts = RunOptions::new(0..2).threads(Some(1));
    for line in commands.lines().take(16) {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        match verb {
            "set" => {
                if let Ok(o) = params::parse_override(rest)
                    && let Ok(t) = params::apply(scenario, &[o])
                {
                    let _ = crate::scenario::parse(&t, "fuzz.toml");
                }
            }
            "vary" => {
                if let Ok(axis) = sweep::parse_axis(rest)
                    && small
                    && axis.values.len() <= 4
                {
                    let m = [MetricStat::parse("makespan_days@p90").expect("valid")];
                    let _ = sweep::sweep(scenario, "fuzz.toml", &[], &[axis], &m, &opts, None);
                }
            }
            "plan" => {
                let parts: Vec<&str> = rest.split(" | ").collect();
                if let [axis, target, tolerance] = parts[..]
                    && let (Ok(axis), Ok(target), Ok(tol)) = (
                        sweep::parse_axis(axis),
                        Target::parse(target),
                        tolerance.trim().parse::<f64>(),
                    )
                    && small
                    && !axis.is_choice()
                    && tol > 0.0
                {
                    let (lo, hi) = (axis.values[0], axis.values[axis.values.len() - 1]);
                    let _ = plan::plan(scenario, "fuzz.toml", &[], &axis.path, lo, hi, &target, &opts, 2, tol);
                }
            }
            "target" => {
                let _ = Target::parse(rest);
            }
            "metric" => {
                let _ = MetricStat::parse(rest);
            }
            "part" if small => tampered_part(&sc, rest),
            _ => {}
        }
    }
}

/// Writes a real part of `sc`, replaces its `merge-data.json` with `json`, and reads it
/// back: refused or read, never a panic or an unbounded allocation.
fn tampered_part(sc: &crate::scenario::Scenario, json: &str) {
    use crate::experiment::{RunOptions, run_network};
    use crate::report::{OutputDir, ReportOptions, dir, write_run};
    let Ok(tmp) = tempfile_dir() else { return };
    let path = tmp.join("part");
    let net = Arc::new(Network::new(Arc::new(sc.clone())));
    let Ok(batch) = run_network(&net, &RunOptions::new(0..2).threads(Some(1)), None) else {
        return;
    };
    let options = ReportOptions {
        what_if: false,
        ..ReportOptions::default()
    };
    if let Ok(mut out) = OutputDir::prepare(&path, true)
        && write_run(&out, &batch, None, &options).is_ok()
        && out.commit().is_ok()
    {
        let _ = std::fs::write(path.join(dir::MERGE_DATA), json);
        let _ = dir::read_part(&path);
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// A fresh directory under the system's temporary directory.
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let p = std::env::temp_dir().join(format!(
        "repatsim-fuzz-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&p)?;
    Ok(p)
}
