//! `summary.json`: every metric summarised across replications, how replications
//! ended, where people wait and who was left where. Deterministic: timings only in the
//! optional `performance` block.

use super::console::phase_word;
use super::waiting::waiting_by_stage;
use crate::experiment::Batch;
use crate::stats::Summary;
use serde_json::{Map, Value, json};

/// Where a part of a sharded run sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShardInfo {
    pub index: u64,
    pub count: u64,
}

fn json_num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// One metric's summary as JSON.
pub fn summary_value(s: &Summary) -> Value {
    json!({
        "mean": json_num(s.mean),
        "sd": json_num(s.sd),
        "ci95_low": json_num(s.ci95_low),
        "ci95_high": json_num(s.ci95_high),
        "p05": json_num(s.p05),
        "p10": json_num(s.p10),
        "p50": json_num(s.p50),
        "p90": json_num(s.p90),
        "p95": json_num(s.p95),
        "min": json_num(s.min),
        "max": json_num(s.max),
        "n": s.n,
    })
}

/// The summary as JSON: `{"scenario", "seed", "replications", "metrics": {ID: {"mean",
/// "sd", "ci95_low", "ci95_high", "p05", "p10", "p50", "p90", "p95", "min", "max",
/// "n"}}}` plus how replications ended, where people wait and who was left behind.
pub fn summary_json(batch: &Batch) -> Value {
    let sc = batch.scenario();
    let mut metrics = Map::new();
    for (info, s) in batch.summaries() {
        metrics.insert(info.id.clone(), summary_value(&s));
    }
    let (all_home, horizon, stalled) = batch.end_counts();
    json!({
        "scenario": sc.name,
        "seed": sc.seed,
        "replications": batch.len(),
        "first_replication": batch.first_replication,
        "population": sc.population(),
        "repatsim_version": env!("CARGO_PKG_VERSION"),
        "ended": { "all_home": all_home, "horizon": horizon, "stalled": stalled },
        "bottleneck": super::waiting::bottleneck(batch),
        "waiting": waiting_by_stage(batch),
        "left_behind": batch.stuck.iter().map(|g| json!({
            "at": batch.network.step_name(g.at),
            "waiting_for": g.waiting_for.map(|w| batch.network.step_name(w).to_string()),
            "doing": phase_word(g.phase),
            "replications": g.replications,
            "mean_people": g.people as f64 / g.replications as f64,
            "people_per_replication": g.people as f64 / batch.rows.len().max(1) as f64,
        })).collect::<Vec<_>>(),
        "uncertain_inputs": super::inputs::input_effects(batch).iter().map(|e| json!({
            "path": e.path,
            "dist": e.dist,
            "correlations": e.correlations.iter().map(|(id, c)| (id.clone(), json!(c))).collect::<Map<String, Value>>(),
        })).collect::<Vec<_>>(),
        "metrics": metrics,
    })
}

/// The JSON summary written to `summary.json` (and printed by `run --json`): the summary
/// plus the scenario's hash, the grid, the shard and (with `performance`) timings.
pub fn summary_document(batch: &Batch, shard: Option<ShardInfo>, performance: bool) -> Value {
    let mut doc = summary_json(batch);
    let obj = doc.as_object_mut().expect("the summary is an object");
    let mut out = Map::new();
    for (k, v) in std::mem::take(obj) {
        out.insert(k.clone(), v);
        if k == "scenario" {
            out.insert(
                "scenario_sha256".into(),
                json!(super::dir::scenario_sha256(&batch.scenario().source_text)),
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
                // Of the replications run by this process: a resumed run read the
                // others back from disk.
                "events": batch.timed_events,
                "wall_seconds": batch.wall_seconds,
                "events_per_second": batch.timed_events as f64 / batch.wall_seconds,
                "resumed": batch.timed_events < batch.events,
                "threads": batch.threads,
            }),
        );
    }
    Value::Object(out)
}
