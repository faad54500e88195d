//! The CSV files of an output directory: `replications.csv` (wide: one row per
//! replication), `metrics.csv` (long: one row per replication and metric),
//! `timeseries.csv`, and `dictionary.csv` (what every column and series means).

use crate::experiment::{Batch, TimeSeries};
use crate::metrics::SeriesInfo;
use crate::model::EndReason;

/// `x` as the CSV files spell it (see [`push_num`]), as a `String`.
fn num(x: f64) -> String {
    let mut buf = Vec::new();
    push_num(&mut buf, x);
    String::from_utf8(buf).expect("numbers are ASCII")
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
pub fn write_replications(mut out: impl std::io::Write, batch: &Batch) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(&mut out);
    let mut header = vec!["replication".to_string(), "end".to_string()];
    header.extend(batch.catalogue.ids().map(String::from));
    w.write_record(&header).map_err(csv_error)?;
    w.flush()?;
    drop(w);
    write_rows_in_parallel(&mut out, batch.rows.len(), |i, buf| {
        push_int(buf, batch.first_replication + i as u64);
        buf.push(b',');
        buf.extend_from_slice(end_word(batch.end_reasons[i]).as_bytes());
        for &x in &batch.rows[i] {
            buf.push(b',');
            push_num(buf, x);
        }
        buf.push(b'\n');
    })?;
    out.flush()
}

/// Writes `metrics.csv`: `replication,metric,value`, one row per replication and metric
/// (empty value: the metric has none in that replication), for pandas and R.
pub fn write_metrics_long(mut out: impl std::io::Write, batch: &Batch) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(&mut out);
    w.write_record(["replication", "metric", "value"]).map_err(csv_error)?;
    w.flush()?;
    drop(w);
    // Each metric's name as a CSV field (quoted if it needs it), encoded once.
    let ids: Vec<Vec<u8>> = batch
        .catalogue
        .iter()
        .map(|m| csv_field(&m.id))
        .collect::<Result<_, _>>()?;
    write_rows_in_parallel(&mut out, batch.rows.len(), |i, buf| {
        let mut replication = Vec::with_capacity(24);
        push_int(&mut replication, batch.first_replication + i as u64);
        replication.push(b',');
        for (id, &x) in ids.iter().zip(&batch.rows[i]) {
            buf.extend_from_slice(&replication);
            buf.extend_from_slice(id);
            buf.push(b',');
            push_num(buf, x);
            buf.push(b'\n');
        }
    })?;
    out.flush()
}

/// Rows formatted together on one thread.
const BLOCK_ROWS: usize = 32;
/// Blocks formatted at once (in parallel) before they are written: bounds the memory
/// held, whatever the number of replications.
const BLOCKS_AT_ONCE: usize = 64;

/// Writes rows `0..rows`, each appended to a buffer by `write_row`: blocks of rows are
/// formatted on the current thread pool and written in order, so the bytes are the same
/// as row by row on one thread. Formatting numbers is most of the time an output
/// directory takes; this spreads it over the run's threads.
fn write_rows_in_parallel(
    out: &mut impl std::io::Write,
    rows: usize,
    write_row: impl Fn(usize, &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let step = BLOCK_ROWS * BLOCKS_AT_ONCE;
    for start in (0..rows).step_by(step) {
        let end = (start + step).min(rows);
        let blocks: Vec<Vec<u8>> = (start..end)
            .into_par_iter()
            .step_by(BLOCK_ROWS)
            .map(|first| {
                let mut buf = Vec::new();
                for i in first..(first + BLOCK_ROWS).min(end) {
                    write_row(i, &mut buf);
                }
                buf
            })
            .collect();
        for block in &blocks {
            out.write_all(block)?;
        }
    }
    Ok(())
}

/// `x` exactly as `format!("{x}")` writes it (the shortest text that reads back as
/// `x`, never in exponent notation); nothing for NaN (no value). Ryu finds the same
/// shortest digits several times faster than `std`'s formatter, with two exceptions
/// that go through `std` instead: what it writes with an exponent (`1e-7` for
/// `0.0000001`), and a tie, where two shortest texts are equally close to `x` and the
/// two pick differently (`978990279916555.2` against `.3` for 978990279916555.25). A
/// tie needs `x` to be exactly the midpoint, so its exact decimal expansion has just
/// one digit more than the text; any other `x` has at least two more (a whole number
/// below 1e16 has no tie: its shortest text is itself). A whole number loses Ryu's
/// `.0`.
fn push_num(buf: &mut Vec<u8>, x: f64) {
    use std::io::Write;
    if x.is_nan() {
        return;
    }
    if x.is_finite() {
        let mut ryu = ryu::Buffer::new();
        let text = ryu.format_finite(x).as_bytes();
        if !text.contains(&b'e') {
            let text = text.strip_suffix(b".0").unwrap_or(text);
            let written = text
                .iter()
                .position(|&c| c == b'.')
                .map_or(0, |dot| text.len() - dot - 1);
            let exact = exact_fraction_digits(x);
            if exact == 0 || exact > written + 1 {
                buf.extend_from_slice(text);
                return;
            }
        }
    }
    write!(buf, "{x}").expect("writing to memory");
}

/// The number of digits after the decimal point in the exact value of finite `x`
/// (`m * 2^-k` with `m` odd has exactly `k`; a whole number none).
fn exact_fraction_digits(x: f64) -> usize {
    let bits = x.to_bits();
    let (biased, fraction) = ((bits >> 52) & 0x7ff, bits & ((1 << 52) - 1));
    let mantissa = if biased == 0 { fraction } else { fraction | (1 << 52) };
    if mantissa == 0 {
        return 0;
    }
    // x = mantissa * 2^(exponent), exponent counted from the lowest mantissa bit.
    let exponent = biased.max(1) as i64 - 1075 + i64::from(mantissa.trailing_zeros());
    (-exponent).max(0) as usize
}

fn push_int(buf: &mut Vec<u8>, n: u64) {
    use std::io::Write;
    write!(buf, "{n}").expect("writing to memory");
}

/// `text` as one CSV field, quoted as the `csv` crate quotes it.
fn csv_field(text: &str) -> std::io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    w.write_field(text).map_err(csv_error)?;
    w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
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
            // The first point ends no window: its window columns are empty.
            let windowed = |x: f64| num(if k == 0 { f64::NAN } else { x });
            rec.push(windowed(ts.window_mean(k, j)));
            rec.extend([0.05, 0.5, 0.95].map(|q| windowed(ts.max_quantile(k, j, q))));
            rec.push(windowed(ts.max_max(k, j)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// The fast path writes every number exactly as `format!("{x}")` does: random bit
    /// patterns over every exponent, and the kinds of values the metrics hold (whole
    /// numbers, decimals, the ends of Ryu's plain notation, signs, infinities).
    #[test]
    fn numbers_are_written_as_std_writes_them() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(19);
        let check = |x: f64| {
            let want = if x.is_nan() { String::new() } else { format!("{x}") };
            assert_eq!(num(x), want, "bits {:#x}", x.to_bits());
        };
        for _ in 0..300_000 {
            check(f64::from_bits(rng.random::<u64>()));
            check(rng.random::<f64>() * 10f64.powi(rng.random_range(-8..18)));
            check(f64::from(rng.random_range(-100_000..100_000i32)) / 1000.0);
        }
        for x in [
            f64::from_bits(0x430b_d317_7efb_e05a), // a tie: Ryu and std pick differently
            0.5,
            2.5,
            0.0,
            -0.0,
            1.0,
            -1.0,
            1e-5,
            9.99e-6,
            1e-7,
            1e15,
            1e16,
            9.9e15,
            1.5e16,
            2f64.powi(53),
        ] {
            check(x);
        }
        for x in [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            check(x);
        }
    }
}
