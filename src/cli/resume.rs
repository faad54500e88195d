//! `run --resume DIR`: continue a run that was stopped (Ctrl-C, SIGTERM on preemption)
//! from the replications its output directory already holds.
//!
//! An interrupted run writes the replications it completed without a gap from the first
//! (see [`crate::experiment::Batch::interrupted`]) and records the range it was asked
//! for. Resuming reads them back exactly (the same files `merge` reads), runs only the
//! rest and writes the whole directory again, so the result is byte for byte the
//! uninterrupted run's (apart from the timings in `summary.json`).

use super::Failure;
use crate::experiment::Batch;
use crate::metrics::fmt_num;
use crate::model::Network;
use crate::report::dir;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// What a directory to resume holds.
pub enum Resumed {
    /// Every planned replication already ran: nothing to do.
    Complete(u64),
    /// A prefix of the planned replications, to continue after.
    Partial(Box<Batch>),
}

/// What the resuming command asks for besides the replications, which must be what
/// the stopped run asked for: otherwise the directory would end as neither command's
/// uninterrupted run (a tester's resume without `--no-what-if` added a what-if, and
/// one without `--people` deleted people.csv).
pub struct Asked {
    /// The what-if (not `--no-what-if`).
    pub what_if: bool,
    /// The `--people` list.
    pub people: Option<Vec<u64>>,
}

/// Checks that `path` holds a run of this scenario, seed, grid, replication range and
/// outputs asked for, and reads back what it completed.
pub fn read(
    path: &Path,
    net: &Arc<Network>,
    range: &Range<u64>,
    grid_hours: Option<f64>,
    asked: &Asked,
) -> Result<Resumed, Failure> {
    let label = path.display();
    if !path.join(dir::SUMMARY).is_file() {
        return Err(Failure::BadInput(format!(
            "--resume {label}: nothing to resume ({} is missing); start the run with --out {label}",
            path.join(dir::SUMMARY).display()
        )));
    }
    let mut part = dir::read_part(path)?;
    let refuse = |what: String| {
        Failure::BadInput(format!(
            "--resume {label}: {what}; resume with the command that started it, or start afresh with --out {label} --force"
        ))
    };
    let ours = &net.scenario;
    if dir::scenario_sha256(&part.scenario().source_text) != dir::scenario_sha256(&ours.source_text) {
        return Err(refuse(
            "it ran another scenario text (its scenario.toml, with any --set applied, differs from this one)".into(),
        ));
    }
    if part.scenario().seed != ours.seed {
        return Err(refuse(format!(
            "it ran seed {}, this command seed {}",
            part.scenario().seed,
            ours.seed
        )));
    }
    let grid = Batch::empty(net, range.start, grid_hours).timeseries.spec;
    if part.timeseries.spec != grid {
        return Err(refuse(format!(
            "it used a time grid of {} hours, this command {} hours (--grid-hours)",
            fmt_num(part.timeseries.spec.grid_hours),
            fmt_num(grid.grid_hours)
        )));
    }
    let done = part.first_replication..part.first_replication + part.len() as u64;
    // A run that does not say how many replications it was to run (one with --until-ci,
    // which stops where its precision is reached) cannot be continued to the
    // uninterrupted run's end: it was resumed (or extended, when complete) to -n's,
    // another run altogether.
    if part.planned.is_none() && (part.interrupted || done.end != range.end) {
        return Err(Failure::BadInput(format!(
            "--resume {label}: it does not record how many replications it was to run (a run with --until-ci stops where its precision is reached, which a resume cannot know), so it cannot be continued as the uninterrupted run; start afresh with --out {label} --force"
        )));
    }
    let fits = match &part.planned {
        Some(p) => p == range,
        None => done.start == range.start && done.end <= range.end,
    };
    if !fits {
        let planned = part.planned.clone().unwrap_or(done);
        return Err(refuse(format!(
            "it was asked for replications {}..{}, this command for {}..{} (check -n and --shard)",
            planned.start, planned.end, range.start, range.end
        )));
    }
    if dir::part_wants_what_if(path) != asked.what_if {
        return Err(refuse(if asked.what_if {
            "it was run with --no-what-if, this command without".into()
        } else {
            "it was run without --no-what-if, this command with it".into()
        }));
    }
    let people = dir::part_people(path);
    if people != asked.people {
        let list = |p: &Option<Vec<u64>>| match p {
            Some(l) => format!(
                "--people {}",
                l.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
            ),
            None => "no --people".to_string(),
        };
        return Err(refuse(format!(
            "it was run with {}, this command with {}",
            list(&people),
            list(&asked.people)
        )));
    }
    if !part.interrupted && done.end == range.end {
        return Ok(Resumed::Complete(part.len() as u64));
    }
    // The rest is run and appended with this command's network (the same text).
    part.interrupted = false;
    part.network = Arc::clone(net);
    part.planned = Some(range.clone());
    Ok(Resumed::Partial(Box::new(part)))
}
