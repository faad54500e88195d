//! The output directory of a run: `summary.json`, `replications.csv`, `timeseries.csv`,
//! a copy of the scenario, and `merge-data.json` (what `repatsim merge` needs to combine
//! shards). Every file is written to a temporary name and renamed into place, so a
//! reader never sees half a file.

use super::summary_json;
use crate::experiment::{Batch, StuckGroup, TimeSeries};
use crate::model::{EndReason, Network, SeriesSpec};
use crate::scenario;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// File names inside an output directory.
pub const SUMMARY: &str = "summary.json";
pub const REPLICATIONS: &str = "replications.csv";
pub const TIMESERIES: &str = "timeseries.csv";
pub const SCENARIO_COPY: &str = "scenario.toml";
pub const MERGE_DATA: &str = "merge-data.json";

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
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
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

/// Creates `dir` if needed; refuses a non-empty one unless `force`.
pub fn prepare_dir(dir: &Path, force: bool) -> Result<(), OutputError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() && !force {
            return Err(OutputError::NotEmpty(dir.display().to_string()));
        }
    } else {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    Ok(())
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(dir, name, |w| w.write_all(bytes))
}

/// Streams `dir/name` through `write` into a temporary file, then renames it into place.
pub fn write_atomic_with(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let target = dir.join(name);
    let f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    let mut w = std::io::BufWriter::new(f);
    let result = write(&mut w)
        .and_then(|_| w.flush())
        .and_then(|_| w.get_ref().sync_all());
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(&tmp)(e));
    }
    drop(w);
    std::fs::rename(&tmp, &target).map_err(io(&target))
}

fn num(x: f64) -> String {
    if x.is_nan() { String::new() } else { format!("{x}") }
}

fn end_word(r: EndReason) -> &'static str {
    match r {
        EndReason::AllHome => "all_home",
        EndReason::Horizon => "horizon",
        EndReason::Stalled => "stalled",
    }
}

fn csv_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Writes `replications.csv`: one row per replication, one column per metric.
pub fn write_replications_csv(out: impl std::io::Write, batch: &Batch) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["replication".to_string(), "end".to_string()];
    header.extend(batch.metric_names.iter().cloned());
    w.write_record(&header).map_err(csv_error)?;
    let mut rec: Vec<String> = Vec::with_capacity(header.len());
    for (i, (row, end)) in batch.rows.iter().zip(&batch.end_reasons).enumerate() {
        rec.clear();
        rec.push((batch.first_replication + i as u64).to_string());
        rec.push(end_word(*end).to_string());
        rec.extend(row.iter().map(|&x| num(x)));
        w.write_record(&rec).map_err(csv_error)?;
    }
    w.flush()
}

/// Writes `timeseries.csv`: per series and grid point, the mean and the 5/25/50/75/95th
/// percentiles across replications.
pub fn write_timeseries_csv(out: impl std::io::Write, ts: &TimeSeries) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "series",
        "time_hours",
        "time_days",
        "mean",
        "p05",
        "p25",
        "p50",
        "p75",
        "p95",
    ])
    .map_err(csv_error)?;
    for (j, name) in ts.spec.names.iter().enumerate() {
        for k in 0..ts.spec.points {
            let t = ts.spec.time_hours(k);
            let mut rec = vec![name.clone(), num(t), num(t / 24.0), num(ts.mean(k, j))];
            rec.extend([0.05, 0.25, 0.5, 0.75, 0.95].map(|q| num(ts.quantile(k, j, q))));
            w.write_record(&rec).map_err(csv_error)?;
        }
    }
    w.flush()
}

/// Where a part of a sharded run sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub index: u64,
    pub count: u64,
}

/// What `merge` needs besides `replications.csv`.
#[derive(Debug, Serialize, Deserialize)]
struct MergeData {
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
    left_behind: Vec<StuckGroup>,
}

/// The JSON summary written to `summary.json` (and printed by `run --json`).
pub fn summary_document(batch: &Batch, shard: Option<ShardInfo>, performance: bool) -> serde_json::Value {
    let mut doc = summary_json(batch);
    let obj = doc.as_object_mut().expect("the summary is an object");
    let mut out = serde_json::Map::new();
    for (k, v) in std::mem::take(obj) {
        out.insert(k.clone(), v);
        if k == "scenario" {
            out.insert(
                "scenario_sha256".into(),
                json!(scenario_sha256(&batch.scenario().source_text)),
            );
        }
    }
    if let Some(s) = shard {
        out.insert("shard".into(), json!(s));
    }
    if batch.interrupted {
        out.insert("partial".into(), json!(true));
    }
    out.insert("grid_hours".into(), json!(batch.timeseries.spec.grid_hours));
    if performance && batch.wall_seconds > 0.0 {
        // Timings differ from run to run; everything above does not. A merged batch
        // was not run here and has none.
        out.insert(
            "performance".into(),
            json!({
                "events": batch.events,
                "wall_seconds": batch.wall_seconds,
                "events_per_second": if batch.wall_seconds > 0.0 { batch.events as f64 / batch.wall_seconds } else { 0.0 },
                "threads": batch.threads,
            }),
        );
    }
    serde_json::Value::Object(out)
}

/// Writes every output file of `batch` into `dir` (which [`prepare_dir`] has checked).
pub fn write_outputs(dir: &Path, batch: &Batch, shard: Option<ShardInfo>) -> Result<(), OutputError> {
    let sc = batch.scenario();
    let mut summary = serde_json::to_string_pretty(&summary_document(batch, shard, true)).expect("JSON of numbers");
    summary.push('\n');
    let ts = &batch.timeseries;
    let merge = MergeData {
        format: 1,
        scenario_sha256: scenario_sha256(&sc.source_text),
        seed: sc.seed,
        first_replication: batch.first_replication,
        replications: batch.len() as u64,
        grid_hours: ts.spec.grid_hours,
        points: ts.spec.points,
        series: ts.spec.names.clone(),
        histograms: ts
            .hist
            .iter()
            .map(|h| h.iter().map(|(&v, &c)| (v, c)).collect())
            .collect(),
        left_behind: batch.stuck.clone(),
    };
    write_atomic(dir, SCENARIO_COPY, sc.source_text.as_bytes())?;
    write_atomic_with(dir, REPLICATIONS, |w| write_replications_csv(w, batch))?;
    write_atomic_with(dir, TIMESERIES, |w| write_timeseries_csv(w, ts))?;
    write_atomic_with(dir, MERGE_DATA, |w| {
        serde_json::to_writer(w, &merge).map_err(std::io::Error::other)
    })?;
    write_report(dir, batch)?;
    // Last, so a directory with a summary is complete.
    write_atomic(dir, SUMMARY, summary.as_bytes())
}

/// The report page of an output directory.
pub const REPORT: &str = "report.html";

/// Draws every chart of `batch` into `dir` as PNG and SVG, and `report.html`; returns the
/// chart names.
pub fn write_report(dir: &Path, batch: &Batch) -> Result<Vec<String>, OutputError> {
    let charts = super::charts::charts(batch).map_err(|e| OutputError::Chart(e.to_string()))?;
    for c in &charts {
        write_atomic(dir, &format!("{}.png", c.name), &c.png)?;
        write_atomic(dir, &format!("{}.svg", c.name), c.svg.as_bytes())?;
    }
    write_atomic(dir, REPORT, super::html::report_html(batch, &charts).as_bytes())?;
    Ok(charts.into_iter().map(|c| c.name).collect())
}

fn read(path: &Path) -> Result<String, OutputError> {
    std::fs::read_to_string(path).map_err(io(path))
}

/// Reads a part written by [`write_outputs`] back into a batch.
pub fn read_part(dir: &Path) -> Result<Batch, OutputError> {
    let label = dir.display().to_string();
    let bad = |m: String| OutputError::BadPart(label.clone(), m);
    let text = read(&dir.join(SCENARIO_COPY))?;
    let merge: MergeData =
        serde_json::from_str(&read(&dir.join(MERGE_DATA))?).map_err(|e| bad(format!("{MERGE_DATA}: {e}")))?;
    if merge.scenario_sha256 != scenario_sha256(&text) {
        return Err(bad(format!("{SCENARIO_COPY} does not match the hash in {MERGE_DATA}")));
    }
    let mut sc = scenario::parse(&text, &dir.join(SCENARIO_COPY).display().to_string())
        .map_err(|e| bad(format!("its scenario no longer validates:\n{e}")))?
        .scenario;
    sc.seed = merge.seed;
    let net = Arc::new(Network::new(Arc::new(sc)));
    let mut batch = Batch::empty(&net, merge.first_replication, merge.grid_hours);
    let spec: &SeriesSpec = &batch.timeseries.spec;
    if spec.names != merge.series
        || spec.points != merge.points
        || merge.histograms.len() != spec.points * spec.names.len()
    {
        return Err(bad("its time series do not fit its scenario".into()));
    }
    batch.timeseries.hist = merge
        .histograms
        .iter()
        .map(|h| h.iter().copied().collect::<BTreeMap<u32, u64>>())
        .collect();
    batch.timeseries.replications = merge.replications;
    batch.stuck = merge.left_behind;
    let path = dir.join(REPLICATIONS);
    let mut r = csv::Reader::from_path(&path).map_err(|e| bad(format!("{REPLICATIONS}: {e}")))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    if header.len() != batch.metric_names.len() + 2 || header[2..] != batch.metric_names[..] {
        return Err(bad(format!(
            "{REPLICATIONS} has other columns than its scenario's metrics"
        )));
    }
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
        let end = match &rec[1] {
            "all_home" => EndReason::AllHome,
            "horizon" => EndReason::Horizon,
            "stalled" => EndReason::Stalled,
            other => return Err(bad(format!("{REPLICATIONS} row {}: unknown end `{other}`", i + 1))),
        };
        let row = rec
            .iter()
            .skip(2)
            .map(|f| if f.is_empty() { Ok(f64::NAN) } else { f.parse::<f64>() })
            .collect::<Result<Vec<f64>, _>>();
        let row = row.map_err(|_| bad(format!("{REPLICATIONS} row {}: not a number", i + 1)))?;
        if let Some(ev) = batch.metric_index("events") {
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
    Ok(batch)
}

/// Combines parts (in any order) into one batch covering their replications, which
/// must be contiguous and come from the same scenario, seed and grid.
pub fn merge_parts(dirs: &[PathBuf]) -> Result<Batch, OutputError> {
    let mut parts = dirs.iter().map(|d| read_part(d)).collect::<Result<Vec<Batch>, _>>()?;
    if parts.is_empty() {
        return Err(OutputError::Mismatch("no parts given".into()));
    }
    parts.sort_by_key(|b| b.first_replication);
    let hash = |b: &Batch| scenario_sha256(&b.scenario().source_text);
    let (h0, seed0) = (hash(&parts[0]), parts[0].scenario().seed);
    for (b, d) in parts.iter().zip(dirs) {
        if hash(b) != h0 || b.scenario().seed != seed0 {
            return Err(OutputError::Mismatch(format!(
                "{} ran another scenario or seed than the others",
                d.display()
            )));
        }
    }
    let mut iter = parts.into_iter();
    let mut merged = iter.next().expect("checked non-empty");
    for p in iter {
        merged.append(p).map_err(OutputError::Mismatch)?;
    }
    Ok(merged)
}
