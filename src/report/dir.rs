//! Output directories read back (with the files `merge` needs) to merge shards or
//! redraw a report; writing them is [`super::outdir`]'s.

use super::csv::parse_end_word;
use crate::experiment::timeseries::Hist;
use crate::experiment::{Batch, StuckGroup};
use crate::model::{Network, SeriesSpec};
use crate::scenario;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// File names inside an output directory.
pub const SUMMARY: &str = "summary.json";
pub const REPLICATIONS: &str = "replications.csv";
pub const METRICS: &str = "metrics.csv";
pub const DICTIONARY: &str = "dictionary.csv";
pub const TIMESERIES: &str = "timeseries.csv";
pub const SCENARIO_COPY: &str = "scenario.toml";
pub const MERGE_DATA: &str = "merge-data.json";
pub const REPORT: &str = "report.html";
pub const NETWORK: &str = "network.svg";
pub const TIMELINE: &str = "timeline.svg";
pub const PEOPLE: &str = "people.csv";
pub const PEOPLE_DICTIONARY: &str = "people-dictionary.csv";

/// Problems writing or reading output directories.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("output directory {0} exists and is not empty; use --force to overwrite its files")]
    NotEmpty(String),
    #[error("{0}: not a repatsim output directory part: {1}")]
    BadPart(String, String),
    #[error("cannot merge: {0}")]
    Mismatch(String),
    #[error("cannot draw the charts: {0}")]
    Chart(String),
    /// The output place cannot be used (a file, unwritable, locked by another run, a
    /// name too long): the user's to fix.
    #[error("{0}")]
    BadOut(String),
    /// A stop (Ctrl-C, SIGTERM) came during the what-if: the run is to be written as
    /// interrupted, without it.
    #[error("stopped during the what-if")]
    Stopped,
}

/// An I/O error on `path`, as an [`OutputError`].
pub fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// SHA-256 of the scenario text, in hex: identifies exactly what was run.
pub fn scenario_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub use super::outdir::{OutputDir, write_atomic, write_atomic_with, write_file};

/// What `merge` needs besides `replications.csv`.
#[derive(Debug, Serialize, Deserialize)]
pub struct MergeData {
    format: u32,
    scenario_sha256: String,
    seed: u64,
    first_replication: u64,
    replications: u64,
    grid_hours: f64,
    points: usize,
    series: Vec<String>,
    /// Per (point, series), point-major: [value, replications] pairs.
    histograms: Vec<Vec<(u32, u64)>>,
    /// Per (point, series): [largest count in the window, replications] pairs.
    window_max_histograms: Vec<Vec<(u32, u64)>>,
    /// Per (point, series): the sum of the window integrals, in micro count-hours.
    window_integrals: Vec<u128>,
    left_behind: Vec<StuckGroup>,
    /// True if the run was interrupted (its summary is marked partial).
    #[serde(default)]
    partial: bool,
    /// The replications the run was asked for, `[first, end)`: an interrupted run holds
    /// a prefix of them, and `run --resume` continues to `end`.
    #[serde(default)]
    planned: Option<(u64, u64)>,
    /// False if the run was asked for no what-if (`--no-what-if`): a merge of its parts
    /// then runs none either, as the unsharded run would not have.
    #[serde(default = "yes")]
    what_if: bool,
    /// The replications whose people the run was asked to write (`--people`), if any.
    #[serde(default)]
    people: Option<Vec<u64>>,
}

fn yes() -> bool {
    true
}

impl MergeData {
    /// The merge data of `batch`, from a run that wanted the what-if or not and the
    /// people of replications `people`.
    pub fn of(batch: &Batch, what_if: bool, people: Option<Vec<u64>>) -> Self {
        let ts = &batch.timeseries;
        let pairs = |h: &Vec<Hist>| -> Vec<Vec<(u32, u64)>> { h.iter().map(|m| m.pairs().to_vec()).collect() };
        MergeData {
            format: 2,
            scenario_sha256: scenario_sha256(&batch.scenario().source_text),
            seed: batch.scenario().seed,
            first_replication: batch.first_replication,
            replications: batch.len() as u64,
            grid_hours: ts.spec.grid_hours,
            points: ts.spec.points,
            series: ts.spec.names.clone(),
            histograms: pairs(&ts.hist),
            window_max_histograms: pairs(&ts.max_hist),
            window_integrals: ts.integral_sum.clone(),
            left_behind: batch.stuck.clone(),
            partial: batch.interrupted,
            planned: batch.planned.clone().map(|r| (r.start, r.end)),
            what_if,
            people,
        }
    }
}

/// The `--people` list the run in `dir` was asked for (`None` without, or unreadable:
/// then [`read_part`] says why).
pub fn part_people(dir: &Path) -> Option<Vec<u64>> {
    std::fs::read_to_string(dir.join(MERGE_DATA))
        .ok()
        .and_then(|t| serde_json::from_str::<MergeData>(&t).ok())
        .and_then(|m| m.people)
}

/// True unless the part in `dir` was run with `--no-what-if` (or cannot be read: then
/// [`read_part`] says why).
pub fn part_wants_what_if(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(MERGE_DATA))
        .ok()
        .and_then(|t| serde_json::from_str::<MergeData>(&t).ok())
        .is_none_or(|m| m.what_if)
}

/// The most grid points a part read back may hold (the default grid has at most 200).
const MAX_POINTS: usize = 1_000_000;

/// Reads a part written by a run back into a batch. Everything read is checked like
/// user input: a missing or tampered file is refused with what is wrong, never a panic
/// or a huge allocation.
pub fn read_part(dir: &Path) -> Result<Batch, OutputError> {
    let label = dir.display().to_string();
    let bad = |m: String| OutputError::BadPart(label.clone(), m);
    if !dir.is_dir() {
        return Err(bad("no such directory".into()));
    }
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|e| {
            bad(format!(
                "cannot read {name} ({e}); name a directory written by `repatsim run --out`"
            ))
        })
    };
    let text = read(SCENARIO_COPY)?;
    let mut merge: MergeData =
        serde_json::from_str(&read(MERGE_DATA)?).map_err(|e| bad(format!("{MERGE_DATA}: {e}")))?;
    if merge.scenario_sha256 != scenario_sha256(&text) {
        return Err(bad(format!("{SCENARIO_COPY} does not match the hash in {MERGE_DATA}")));
    }
    let mut sc = scenario::parse(&text, &dir.join(SCENARIO_COPY).display().to_string())
        .map_err(|e| bad(format!("its scenario no longer validates:\n{e}")))?
        .scenario;
    sc.seed = merge.seed;
    let g = merge.grid_hours;
    let implied = sc.horizon_hours / g;
    if !(g.is_finite() && g > 0.0 && implied.is_finite() && implied < MAX_POINTS as f64) {
        return Err(bad(format!(
            "{MERGE_DATA}: grid_hours {g} does not fit the scenario's horizon of {} hours",
            sc.horizon_hours
        )));
    }
    let net = Arc::new(Network::new(Arc::new(sc)));
    let mut batch = Batch::empty(&net, merge.first_replication, Some(merge.grid_hours));
    let spec: &SeriesSpec = &batch.timeseries.spec;
    let cells = spec.points * spec.names.len();
    // The series of people home was named `home` before it was `people_home` (the
    // count at the end has that id): directories written then still read.
    for name in merge.series.iter_mut().filter(|n| *n == "home") {
        *name = "people_home".to_string();
    }
    if spec.names != merge.series
        || spec.points != merge.points
        || merge.histograms.len() != cells
        || merge.window_max_histograms.len() != cells
        || merge.window_integrals.len() != cells
    {
        return Err(bad("its time series do not fit its scenario".into()));
    }
    let maps = |h: &[Vec<(u32, u64)>]| -> Vec<Hist> { h.iter().map(|v| Hist::from_pairs(v)).collect() };
    batch.timeseries.hist = maps(&merge.histograms);
    batch.timeseries.max_hist = maps(&merge.window_max_histograms);
    batch.timeseries.integral_sum = std::mem::take(&mut merge.window_integrals);
    batch.timeseries.replications = merge.replications;
    batch.stuck = std::mem::take(&mut merge.left_behind);
    batch.interrupted = merge.partial;
    batch.planned = merge.planned.map(|(a, b)| a..b);
    read_rows(dir, &mut batch, &merge, &bad)?;
    Ok(batch)
}

/// Reads `replications.csv` of a part into `batch`, checking it against the catalogue.
fn read_rows(
    dir: &Path,
    batch: &mut Batch,
    merge: &MergeData,
    bad: &dyn Fn(String) -> OutputError,
) -> Result<(), OutputError> {
    let path = dir.join(REPLICATIONS);
    let mut r = csv::Reader::from_path(&path).map_err(|e| bad(format!("{REPLICATIONS}: {e}")))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    if header.len() != batch.catalogue.len() + 2 || !header[2..].iter().map(String::as_str).eq(batch.catalogue.ids()) {
        return Err(bad(format!(
            "{REPLICATIONS} has other columns than its scenario's metrics"
        )));
    }
    let events = batch.metric_index("events");
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(format!("{REPLICATIONS}: {e}")))?;
        let index: u64 = rec[0]
            .parse()
            .map_err(|_| bad(format!("{REPLICATIONS} row {}: bad replication number", i + 1)))?;
        if index != merge.first_replication + i as u64 {
            return Err(bad(format!(
                "{REPLICATIONS} row {}: replication {index} out of order",
                i + 1
            )));
        }
        let end = parse_end_word(&rec[1])
            .ok_or_else(|| bad(format!("{REPLICATIONS} row {}: unknown end `{}`", i + 1, &rec[1])))?;
        let row = rec
            .iter()
            .skip(2)
            .map(|f| if f.is_empty() { Ok(f64::NAN) } else { f.parse::<f64>() })
            .collect::<Result<Vec<f64>, _>>();
        let row = row.map_err(|_| bad(format!("{REPLICATIONS} row {}: not a number", i + 1)))?;
        if let Some(ev) = events {
            batch.events += row[ev] as u64;
        }
        batch.rows.push(row);
        batch.end_reasons.push(end);
    }
    if batch.rows.len() as u64 != merge.replications {
        return Err(bad(format!(
            "{REPLICATIONS} holds {} rows, {MERGE_DATA} says {}",
            batch.rows.len(),
            merge.replications
        )));
    }
    Ok(())
}

/// A part's `summary.json`, parsed (`None` if it has none or it does not parse).
fn part_summary(dir: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(dir.join(SUMMARY)).ok()?).ok()
}

/// The shard a part was run as (`run --shard I/N`), from its `summary.json`.
pub fn part_shard(dir: &Path) -> Option<super::json::ShardInfo> {
    let v = part_summary(dir)?;
    serde_json::from_value(v.get("shard")?.clone()).ok()
}

/// The replication after the last one a part holds, from its `summary.json`.
fn part_end(dir: &Path) -> Option<u64> {
    let v = part_summary(dir)?;
    Some(v.get("first_replication")?.as_u64()? + v.get("replications")?.as_u64()?)
}

/// Refuses a merge of shards of one run that leaves some out: the result would read as
/// the whole run (a tester's 2 of 3 shards merged into "66 replications", unmarked).
/// Shards of one split are checked by index; of different splits, that the first and
/// the last are there (the parts' ranges must then join, which merging checks). A shard
/// left without replications (2 split 3 ways) writes nothing and is not asked for: the
/// last shard, never empty, says how many the run had.
fn missing_shards(dirs: &[PathBuf]) -> Result<(), OutputError> {
    let shards: Vec<super::json::ShardInfo> = dirs.iter().filter_map(|d| part_shard(d)).collect();
    if shards.is_empty() || shards.len() != dirs.len() {
        return Ok(());
    }
    let count = shards[0].count;
    let total = dirs
        .iter()
        .zip(&shards)
        .find(|(_, s)| s.index == s.count)
        .and_then(|(d, _)| part_end(d));
    let empty = |i: u64| total.is_some_and(|n| crate::experiment::shard_range(n, i, count).is_empty());
    let missing: Vec<String> = if shards.iter().all(|s| s.count == count) {
        (1..=count)
            .filter(|i| !shards.iter().any(|s| s.index == *i) && !empty(*i))
            .map(|i| format!("{i}/{count}"))
            .collect()
    } else {
        let mut m = Vec::new();
        if !shards.iter().any(|s| s.index == 1) {
            m.push("1/N (the first)".to_string());
        }
        if !shards.iter().any(|s| s.index == s.count) {
            m.push("N/N (the last)".to_string());
        }
        m
    };
    if missing.is_empty() {
        return Ok(());
    }
    Err(OutputError::Mismatch(format!(
        "these are {} of the shards of one run; missing: --shard {} (merge every shard, or look at one part with `repatsim report DIR`)",
        shards.len(),
        missing.join(", --shard ")
    )))
}

/// When the part in `dir` (the last appended to `merged`) was stopped early, what to do
/// about it: a gap after it is the rest of its range, which `--resume` runs.
fn last_dir_stopped(merged: &Batch, dir: &Path) -> Option<String> {
    let v = part_summary(dir)?;
    if v.get("partial") != Some(&serde_json::Value::Bool(true)) {
        return None;
    }
    let end = merged.first_replication + merged.rows.len() as u64;
    Some(format!(
        "{} was stopped before its range was done (at replication {end}; marked partial): finish it with `repatsim run ... --resume {}` (the same scenario, -n and --shard), then merge",
        dir.display(),
        dir.display()
    ))
}

/// Combines parts (in any order) into one batch covering their replications, which
/// must be contiguous and come from the same scenario, seed and grid; shards of
/// one run must all be there.
pub fn merge_parts(dirs: &[PathBuf]) -> Result<Batch, OutputError> {
    let mut parts = dirs
        .iter()
        .map(|d| read_part(d).map(|b| (b, d)))
        .collect::<Result<Vec<(Batch, &PathBuf)>, _>>()?;
    if parts.is_empty() {
        return Err(OutputError::Mismatch("no parts given".into()));
    }
    parts.sort_by_key(|(b, _)| b.first_replication);
    let hash = |b: &Batch| scenario_sha256(&b.scenario().source_text);
    let (h0, seed0) = (hash(&parts[0].0), parts[0].0.scenario().seed);
    for (b, d) in &parts {
        if hash(b) != h0 || b.scenario().seed != seed0 {
            return Err(OutputError::Mismatch(format!(
                "{} ran another scenario or seed than the others",
                d.display()
            )));
        }
    }
    missing_shards(dirs)?;
    let mut iter = parts.into_iter();
    let (mut merged, mut last_dir) = iter.next().expect("checked non-empty");
    for (p, dir) in iter {
        let stopped = last_dir_stopped(&merged, last_dir);
        merged.append(p).map_err(|m| match stopped {
            // The gap is a part that was stopped before its range was done.
            Some(hint) => OutputError::Mismatch(format!("{m}; {hint}")),
            None => OutputError::Mismatch(m),
        })?;
        last_dir = dir;
    }
    Ok(merged)
}
