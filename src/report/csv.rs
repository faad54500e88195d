//! The CSV files of an output directory: `replications.csv` (wide: one row per
//! replication), `metrics.csv` (long: one row per replication and metric),
//! `timeseries.csv`, and `dictionary.csv` (what every column and series means).

use crate::experiment::{Batch, TimeSeries};
use crate::metrics::SeriesInfo;
use crate::model::EndReason;

fn num(x: f64) -> String {
    if x.is_nan() { String::new() } else { format!("{x}") }
}

/// The word for how a replication ended, as in `replications.csv`.
pub fn end_word(r: EndReason) -> &'static str {
    match r {
        EndReason::AllHome => "all_home",
        EndReason::Horizon => "horizon",
        EndReason::Stalled => "stalled",
    }
}

/// The reverse of [`end_word`].
pub fn parse_end_word(s: &str) -> Option<EndReason> {
    match s {
        "all_home" => Some(EndReason::AllHome),
        "horizon" => Some(EndReason::Horizon),
        "stalled" => Some(EndReason::Stalled),
        _ => None,
    }
}

/// A csv error as an I/O error (csv wraps the writer's own errors).
pub fn csv_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Writes `replications.csv`: one row per replication, one column per metric.
pub fn write_replications(out: impl std::io::Write, batch: &Batch) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["replication".to_string(), "end".to_string()];
    header.extend(batch.catalogue.ids().map(String::from));
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

/// Writes `metrics.csv`: `replication,metric,value`, one row per replication and metric
/// (empty value: the metric has none in that replication), for pandas and R.
pub fn write_metrics_long(out: impl std::io::Write, batch: &Batch) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["replication", "metric", "value"]).map_err(csv_error)?;
    for (i, row) in batch.rows.iter().enumerate() {
        let r = (batch.first_replication + i as u64).to_string();
        for (info, &x) in batch.catalogue.iter().zip(row) {
            w.write_record([r.as_str(), info.id.as_str(), num(x).as_str()])
                .map_err(csv_error)?;
        }
    }
    w.flush()
}

/// Writes `dictionary.csv`: `metric,label,unit,kind,better,description` for every metric
/// column of `replications.csv` and every series of `timeseries.csv`.
pub fn write_dictionary(out: impl std::io::Write, batch: &Batch) -> std::io::Result<()> {
    let sc = batch.scenario();
    let mut w = csv::Writer::from_writer(out);
    metric_rows(&mut w, &batch.catalogue, sc)?;
    for &key in &batch.timeseries.spec.sources {
        let s = SeriesInfo::of(sc, key);
        w.write_record([
            s.id.as_str(),
            &s.label,
            &s.unit.name(sc),
            s.kind.as_str(),
            s.better.as_str(),
            &s.description,
        ])
        .map_err(csv_error)?;
    }
    w.flush()
}

/// The header and one row per metric of `catalogue`: the head of `dictionary.csv`.
fn metric_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    catalogue: &crate::metrics::Catalogue,
    sc: &crate::scenario::Scenario,
) -> std::io::Result<()> {
    w.write_record(["metric", "label", "unit", "kind", "better", "description"])
        .map_err(csv_error)?;
    for m in catalogue.iter() {
        w.write_record([
            m.id.as_str(),
            &m.label,
            &m.unit.name(sc),
            m.kind.as_str(),
            m.better.as_str(),
            &m.description,
        ])
        .map_err(csv_error)?;
    }
    Ok(())
}

/// The metric rows of `dictionary.csv` for a scenario's catalogue (`repatsim metrics --csv`).
pub fn write_metric_dictionary(
    out: impl std::io::Write,
    catalogue: &crate::metrics::Catalogue,
    sc: &crate::scenario::Scenario,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    metric_rows(&mut w, catalogue, sc)?;
    w.flush()
}

/// Writes `timeseries.csv`: per series and grid point, the count at the point (mean and
/// 5/25/50/75/95th percentiles across replications), and over the window since the
/// previous point the mean time-averaged count and the percentiles of the largest count
/// (what charts draw, so that short peaks are not lost between points).
pub fn write_timeseries(
    out: impl std::io::Write,
    ts: &TimeSeries,
    start: chrono::NaiveDateTime,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "series",
        "time_hours",
        "time_days",
        "date",
        "mean",
        "p05",
        "p25",
        "p50",
        "p75",
        "p95",
        "window_mean",
        "window_max_p05",
        "window_max_p50",
        "window_max_p95",
        "window_max_max",
    ])
    .map_err(csv_error)?;
    for (j, name) in ts.spec.names.iter().enumerate() {
        for k in 0..ts.spec.points {
            let t = ts.spec.time_hours(k);
            let mut rec = vec![
                name.clone(),
                num(t),
                num(t / 24.0),
                datetime_at(start, t),
                num(ts.mean(k, j)),
            ];
            rec.extend([0.05, 0.25, 0.5, 0.75, 0.95].map(|q| num(ts.quantile(k, j, q))));
            rec.push(num(ts.window_mean(k, j)));
            rec.extend([0.05, 0.5, 0.95].map(|q| num(ts.max_quantile(k, j, q))));
            rec.push(num(ts.max_max(k, j)));
            w.write_record(&rec).map_err(csv_error)?;
        }
    }
    w.flush()
}

/// The local date and time `hours` after `start`, as `2023-08-28T18:00`.
pub fn datetime_at(start: chrono::NaiveDateTime, hours: f64) -> String {
    let at = start + chrono::Duration::milliseconds((hours * 3_600_000.0).round() as i64);
    at.format("%Y-%m-%dT%H:%M").to_string()
}

/// Writes a trace: one row per event (and arrival home) of one replication.
pub fn write_trace(
    out: impl std::io::Write,
    net: &crate::model::Network,
    rows: &[crate::model::TraceRow],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "time_hours",
        "event",
        "stage",
        "person",
        "vehicle",
        "queue_after",
        "count_after",
    ])
    .map_err(csv_error)?;
    let opt = |x: Option<u32>| x.map_or(String::new(), |v| v.to_string());
    for r in rows {
        w.write_record([
            format!("{}", r.time_hours),
            r.kind.as_str().to_string(),
            r.stage.name(net).to_string(),
            opt(r.person),
            opt(r.vehicle),
            r.queue_after.to_string(),
            r.count_after.to_string(),
        ])
        .map_err(csv_error)?;
    }
    w.flush()
}
