//! The charts of a run: people home over time, the level of every capacity-limited
//! place and of border holding (exact maxima and time-averages per grid window, so short
//! peaks show and the chart's peak is the table's), the makespan distribution, where
//! the time goes, utilisation with the bottleneck, and evasion.

use super::palette;
use super::*;
use crate::experiment::{Batch, TimeSeries};
use crate::metrics::{MetricKey, SeriesInfo, SeriesKey, Stat, TimeUse, Unit, fmt_quantity, fmt_value};
use crate::report::waiting::{WaitKind, bottleneck};

/// Adds a chart to the list.
pub(super) fn push(
    out: &mut Vec<Chart>,
    name: String,
    title: String,
    caption: String,
    alt: String,
    drawn: (Vec<u8>, String),
) {
    out.push(Chart {
        name,
        title,
        caption,
        alt,
        png: drawn.0,
        svg: drawn.1,
    });
}

/// Every chart for `batch`, in report order, and one line for each level chart left
/// out because nothing happened there (e.g. nobody waited for beds after a leg).
pub fn charts(batch: &Batch) -> Result<Vec<Chart>, Box<dyn Error>> {
    use rayon::prelude::*;
    type Draw = fn(&Batch, &mut Vec<Chart>) -> Result<(), Box<dyn Error>>;
    let kinds: [Draw; 6] = [
        people_home,
        levels,
        super::makespan::makespan,
        time_use,
        utilization,
        evasion,
    ];
    // Drawn side by side on the current thread pool, listed in report order.
    let drawn: Vec<Result<Vec<Chart>, String>> = kinds
        .par_iter()
        .map(|draw| {
            let mut out = Vec::new();
            draw(batch, &mut out).map_err(|e| e.to_string())?;
            Ok(out)
        })
        .collect();
    let mut out = Vec::new();
    for charts in drawn {
        out.extend(charts?);
    }
    Ok(out)
}

/// One grid window of a level chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// Start and end, in days since the start.
    pub from_day: f64,
    pub to_day: f64,
    /// The largest count held in the window: 5th, 50th and 95th percentiles and the
    /// maximum across replications.
    pub max_p05: f64,
    pub max_p50: f64,
    pub max_p95: f64,
    pub max_max: f64,
    /// The time-averaged count in the window, mean across replications.
    pub mean: f64,
}

/// What a level chart draws, computed exactly from the time series.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelData {
    pub windows: Vec<Window>,
    /// The peak as the tables report it (mean over replications), if the series has a
    /// peak metric.
    pub peak_mean: Option<f64>,
    pub capacity: Option<f64>,
    /// The capacity over time, `(from day, beds or units)`, when `[[change]]`s alter it (empty
    /// otherwise): the capacity line is then drawn as steps.
    pub capacity_steps: Vec<(f64, f64)>,
    /// The range an `[[uncertain]]` capacity is drawn from (each replication has its
    /// own): no line is drawn then, as no one value is the plan's.
    pub capacity_drawn: Option<(f64, f64)>,
}

impl LevelData {
    /// The largest count drawn (the top of the spread).
    pub fn drawn_max(&self) -> f64 {
        self.windows.iter().map(|w| w.max_max).fold(0.0, f64::max)
    }

    /// True if the count never left zero in any replication.
    pub fn is_empty(&self) -> bool {
        self.drawn_max() == 0.0
    }
}

/// The peak metric that goes with a series.
fn peak_key(key: SeriesKey) -> Option<MetricKey> {
    match key {
        SeriesKey::SiteOccupancy(s) => Some(MetricKey::site(s, Stat::PeakOccupancy)),
        SeriesKey::SiteBedQueue(s) => Some(MetricKey::site(s, Stat::PeakBedQueue)),
        SeriesKey::LegHolding(l) => Some(MetricKey::leg(l, Stat::PeakHolding)),
        SeriesKey::CheckpointHolding(k) => Some(MetricKey::checkpoint(k, Stat::PeakHolding)),
        SeriesKey::PoolInUse(p) => Some(MetricKey::new(crate::metrics::Scope::Pool(p), Stat::PeakInUse)),
        SeriesKey::Home => None,
    }
}

/// The level chart data of series `j`.
pub fn level_data(batch: &Batch, j: usize) -> LevelData {
    let ts = &batch.timeseries;
    let key = ts.spec.sources[j];
    let windows = (1..ts.spec.points)
        .map(|k| Window {
            from_day: ts.spec.time_hours(k - 1) / 24.0,
            to_day: ts.spec.time_hours(k) / 24.0,
            max_p05: ts.max_quantile(k, j, 0.05),
            max_p50: ts.max_quantile(k, j, 0.5),
            max_p95: ts.max_quantile(k, j, 0.95),
            max_max: ts.max_max(k, j),
            mean: ts.window_mean(k, j),
        })
        .collect();
    let sc = batch.scenario();
    let (capacity, path) = match key {
        SeriesKey::SiteOccupancy(s) => (
            sc.sites[s as usize].beds.map(f64::from),
            format!("site.{}.beds", sc.sites[s as usize].name),
        ),
        SeriesKey::PoolInUse(p) => (
            Some(f64::from(sc.pools[p as usize].size)),
            format!("pool.{}.size", sc.pools[p as usize].name),
        ),
        _ => (None, String::new()),
    };
    // Drawn per replication: the file's value is none of theirs (a tester's chart drew
    // "capacity: 30 beds" under replications that had up to 58).
    let capacity_drawn = capacity.and_then(|_| sc.drawn_range(&path));
    let capacity = capacity.filter(|_| capacity_drawn.is_none());
    let mut capacity_steps = Vec::new();
    if let Some(c) = capacity {
        for ch in &sc.changes {
            let to = match (key, &ch.what) {
                (SeriesKey::SiteOccupancy(s), crate::scenario::ChangeWhat::Beds { site, beds }) if site.0 == s => *beds,
                (SeriesKey::PoolInUse(p), crate::scenario::ChangeWhat::PoolSize { pool, size }) if pool.0 == p => *size,
                _ => continue,
            };
            if capacity_steps.is_empty() {
                capacity_steps.push((0.0, c));
            }
            capacity_steps.push((ch.at_hours / 24.0, f64::from(to)));
        }
    }
    let capacity = if capacity_steps.is_empty() {
        capacity
    } else {
        capacity_steps.iter().map(|x| x.1).reduce(f64::max)
    };
    LevelData {
        windows,
        peak_mean: peak_key(key).and_then(|k| batch.summary_of(k)).map(|s| s.mean),
        capacity,
        capacity_steps,
        capacity_drawn,
    }
}

impl LevelData {
    /// The capacity in words, for the legend and the captions: "40 beds", "30 -> 40
    /// beds, changing as planned", "drawn per replication from 10 to 60 beds".
    fn capacity_text(&self, of: &str) -> Option<String> {
        let n = |c: f64| format!("{} {of}{}", axis(c), if c == 1.0 { "" } else { "s" });
        if let Some((lo, hi)) = self.capacity_drawn {
            return Some(format!("drawn per replication from {} to {}", axis(lo), n(hi)));
        }
        if !self.capacity_steps.is_empty() {
            let values: Vec<String> = self.capacity_steps.iter().map(|x| axis(x.1)).collect();
            return Some(format!("{} {of}s, changing as planned", values.join(" -> ")));
        }
        self.capacity.map(n)
    }
}

/// The last day worth showing: a little after the last window in which anything drawn
/// still changes.
fn last_day(days: &[(f64, bool)], horizon_days: f64) -> f64 {
    let last = days
        .iter()
        .rposition(|&(_, changes)| changes)
        .map_or(1.0, |i| days[i].0);
    (last * 1.06 + 1.0).min(horizon_days).max(1.0)
}

/// People home over time: the median and the bands that hold 50% and 90% of
/// replications, against the target date if the scenario has one.
fn people_home(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let ts = &batch.timeseries;
    let Some(j) = ts.spec.sources.iter().position(|s| *s == SeriesKey::Home) else {
        return Ok(());
    };
    let q = |k: usize, p: f64| ts.quantile(k, j, p);
    let points: Vec<(f64, [f64; 5])> = (0..ts.spec.points)
        .map(|k| {
            (
                ts.spec.time_hours(k) / 24.0,
                [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| q(k, p)),
            )
        })
        .collect();
    let final_values = points.last().map(|p| p.1).unwrap_or_default();
    let changes: Vec<(f64, bool)> = points.iter().map(|(d, v)| (*d, *v != final_values)).collect();
    let x_max = last_day(&changes, sc.horizon_hours / 24.0).max(sc.target_days.map_or(0.0, |t| t * 1.05));
    // Everyone to bring home (released or notified), drawn so that those who never got
    // home show as the gap below it; not where uncertain inputs draw the numbers.
    let drawn_sizes = sc
        .uncertain
        .iter()
        .any(|u| u.path.ends_with(".size") || u.path.ends_with(".notify"));
    let everyone = (!drawn_sizes).then(|| f64::from(batch.network.target));
    let y_max = (points
        .iter()
        .map(|p| p.1[4])
        .fold(0.0, f64::max)
        .max(everyone.unwrap_or(0.0))
        .max(1.0))
        * 1.08;
    let shown: Vec<&(f64, [f64; 5])> = points.iter().filter(|(d, _)| *d <= x_max).collect();
    let title = format!("{}: people home", sc.name);
    let target = sc.target_days;
    // The first grid point from which the median stays at its final value (the chart's
    // right edge, which a tester read as a missed target, runs on past it).
    let median_settled = points
        .iter()
        .rposition(|p| p.1[2] != final_values[2])
        .and_then(|i| points.get(i + 1))
        .or(points.first())
        .map_or(0.0, |p| p.0);
    let alt = format!(
        "People home over time across {}: the median reaches {} by day {}{}.",
        fmt_quantity(batch.len() as u64, "replication"),
        fmt_value(final_values[2], Unit::People),
        crate::metrics::fmt_num(median_settled),
        target.map_or(String::new(), |t| format!(
            "; the target is day {}",
            crate::metrics::fmt_num(t)
        ))
    );
    let start = sc.start;
    let drawn = render(&alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(root, side, &title, 80, 0f64..x_max, 0f64..y_max);
            chart
                .configure_mesh()
                .x_desc("day since the start (date)")
                .y_desc("people home")
                .x_labels(day_label_count(start, x_max))
                .x_label_formatter(&|v| day_label(start, *v))
                .y_label_formatter(&|v| axis(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            let step = |i: usize| -> Vec<(f64, f64)> {
                let mut pts = Vec::new();
                for w in shown.windows(2) {
                    pts.push((w[0].0, w[0].1[i]));
                    pts.push((w[1].0, w[0].1[i]));
                }
                pts
            };
            for (lo, hi, alpha) in [(0, 4, 0.15), (1, 3, 0.35)] {
                let mut poly = step(hi);
                poly.extend(step(lo).into_iter().rev());
                chart.draw_series(std::iter::once(Polygon::new(poly, palette::SPREAD.mix(alpha).filled())))?;
            }
            chart.draw_series(LineSeries::new(step(2), palette::TYPICAL.stroke_width(2)))?;
            if let Some(t) = target {
                chart.draw_series(LineSeries::new([(t, 0.0), (t, y_max)], palette::TARGET.stroke_width(2)))?;
            }
            if let Some(n) = everyone {
                chart.draw_series(DashedLineSeries::new(
                    [(0.0, n), (x_max, n)],
                    10,
                    6,
                    palette::EVERYONE.stroke_width(2),
                ))?;
            }
            let mut legend = vec![
                (
                    "90% of replications (p5 to p95)".to_string(),
                    Mark::Fill(palette::SPREAD, 0.15),
                ),
                (
                    "50% of replications (p25 to p75)".to_string(),
                    Mark::Fill(palette::SPREAD, 0.35),
                ),
                ("median".to_string(), Mark::Line(palette::TYPICAL, 2)),
            ];
            if let Some(t) = target {
                legend.push((format!("target: {}", date_of(start, t)), Mark::Line(palette::TARGET, 2)));
            }
            if let Some(n) = everyone {
                legend.push((
                    format!("to bring home: {}", fmt_value(n, Unit::People)),
                    Mark::Dashed(palette::EVERYONE),
                ));
            }
            draw_legend(&side, &legend)?;
            let tips = shown
                .windows(2)
                .map(|w| {
                    let (a, b) = (
                        chart.backend_coord(&(w[0].0, y_max)),
                        chart.backend_coord(&(w[1].0, 0.0)),
                    );
                    let v = w[0].1;
                    Tip {
                        x0: a.0,
                        y0: a.1,
                        x1: b.0,
                        y1: b.1,
                        text: format!(
                            "day {}: median {} home (50% of replications {} to {}, 90% {} to {})",
                            day_label(start, w[0].0),
                            axis(v[2]),
                            axis(v[1]),
                            axis(v[3]),
                            axis(v[0]),
                            axis(v[4])
                        ),
                    }
                })
                .collect();
            root.present()?;
            Ok(tips)
        })
    })?;
    let caption = format!(
        "People home over time: the median and the bands holding 50% and 90% of {}{}.",
        fmt_quantity(batch.len() as u64, "replication"),
        target.map_or(String::new(), |t| format!(
            ", against the target of {}",
            date_of(start, t)
        ))
    );
    push(out, "people-home".into(), title, caption, alt, drawn);
    Ok(())
}

/// The chart of one level series: per grid window, the spread across replications of
/// the most people present at once and the mean time-averaged count; the peak the
/// tables report; the capacity.
fn level_chart(batch: &Batch, j: usize, data: &LevelData) -> Result<Chart, Box<dyn Error>> {
    let sc = batch.scenario();
    let ts: &TimeSeries = &batch.timeseries;
    let key = ts.spec.sources[j];
    let info = SeriesInfo::of(sc, key);
    let name = match key {
        SeriesKey::LegHolding(l) => format!("holding-{}", sc.legs[l as usize].name),
        SeriesKey::CheckpointHolding(k) => format!("holding-{}", sc.checkpoints[k as usize].name),
        SeriesKey::SiteBedQueue(s) => format!("bed-queue-{}", sc.sites[s as usize].name),
        SeriesKey::SiteOccupancy(s) => format!("occupancy-{}", sc.sites[s as usize].name),
        SeriesKey::PoolInUse(p) => format!("in-use-{}", sc.pools[p as usize].name),
        SeriesKey::Home => "people-home".to_string(),
    };
    // What is counted, and what the capacity line is made of.
    let (what, unit, capacity_of) = match key {
        SeriesKey::PoolInUse(_) => ("units in use", Unit::Units, "unit"),
        _ => ("people present", Unit::People, "bed"),
    };
    let title = format!("{}: {}", sc.name, info.label.to_lowercase());
    // Up to the end of the last window with anyone present in any replication.
    let changes: Vec<(f64, bool)> = data.windows.iter().map(|w| (w.to_day, w.max_max > 0.0)).collect();
    let x_max = last_day(&changes, sc.horizon_hours / 24.0);
    let top = data
        .drawn_max()
        .max(data.capacity.unwrap_or(0.0))
        .max(data.peak_mean.unwrap_or(0.0))
        .max(1.0);
    let y_max = top * 1.08;
    let shown: Vec<&Window> = data.windows.iter().filter(|w| w.from_day < x_max).collect();
    let peak_text = data.peak_mean.map(|p| fmt_value(p, unit));
    let alt = format!(
        "{} over time across {}; the most at once averages {} (as in the table){}.",
        info.label,
        fmt_quantity(batch.len() as u64, "replication"),
        peak_text.clone().unwrap_or_else(|| "-".into()),
        data.capacity_text(capacity_of)
            .map_or(String::new(), |c| format!(", against its capacity {c}"))
    );
    let start = sc.start;
    let drawn = render(&alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(root, side, &title, 80, 0f64..x_max, 0f64..y_max);
            chart
                .configure_mesh()
                .x_desc("day since the start (date)")
                .y_desc(if unit == Unit::Units { "units" } else { "people" })
                .x_labels(day_label_count(start, x_max))
                .x_label_formatter(&|v| day_label(start, *v))
                .y_label_formatter(&|v| axis(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            // Areas from zero up to the most people present at once in each window.
            let area = |top: &dyn Fn(&Window) -> f64| -> Vec<(f64, f64)> {
                let mut pts = vec![(shown.first().map_or(0.0, |w| w.from_day), 0.0)];
                pts.extend(shown.iter().flat_map(|w| [(w.from_day, top(w)), (w.to_day, top(w))]));
                pts.push((shown.last().map_or(0.0, |w| w.to_day), 0.0));
                pts
            };
            chart.draw_series(std::iter::once(Polygon::new(
                area(&|w| w.max_p95),
                palette::SPREAD.mix(0.2).filled(),
            )))?;
            chart.draw_series(std::iter::once(Polygon::new(
                area(&|w| w.max_p50),
                palette::SPREAD.mix(0.45).filled(),
            )))?;
            // The highest of any replication, so a rare spike is never invisible.
            let highest: Vec<(f64, f64)> = shown
                .iter()
                .flat_map(|w| [(w.from_day, w.max_max), (w.to_day, w.max_max)])
                .collect();
            chart.draw_series(LineSeries::new(highest, palette::SPREAD.mix(0.8).stroke_width(1)))?;
            let mean: Vec<(f64, f64)> = shown
                .iter()
                .flat_map(|w| [(w.from_day, w.mean), (w.to_day, w.mean)])
                .collect();
            chart.draw_series(LineSeries::new(mean, palette::TYPICAL.stroke_width(2)))?;
            let mut legend = vec![
                (
                    "most at once in each window: highest of any replication".to_string(),
                    Mark::Line(palette::SPREAD, 1),
                ),
                (
                    "most at once in each window: in 95% of replications no more than".to_string(),
                    Mark::Fill(palette::SPREAD, 0.2),
                ),
                (
                    "most at once in each window: median of replications".to_string(),
                    Mark::Fill(palette::SPREAD, 0.45),
                ),
                (
                    "time-averaged in each window (mean of replications)".to_string(),
                    Mark::Line(palette::TYPICAL, 2),
                ),
            ];
            if !data.capacity_steps.is_empty() {
                let steps = &data.capacity_steps;
                let mut pts = Vec::new();
                for (i, &(from, beds)) in steps.iter().enumerate() {
                    let to = steps.get(i + 1).map_or(x_max, |n| n.0).min(x_max);
                    pts.extend([(from.min(x_max), beds), (to, beds)]);
                }
                chart.draw_series(LineSeries::new(pts, palette::CAPACITY.stroke_width(2)))?;
            } else if let Some(c) = data.capacity {
                chart.draw_series(LineSeries::new(
                    [(0.0, c), (x_max, c)],
                    palette::CAPACITY.stroke_width(2),
                ))?;
            }
            // A drawn capacity has no line: no one value of it is the plan's.
            let cap_legend = data.capacity_text(capacity_of).map(|t| match data.capacity_drawn {
                Some(_) => (format!("capacity: {t} (no line)"), Mark::Fill(WHITE, 0.0)),
                None => (format!("capacity: {t}"), Mark::Line(palette::CAPACITY, 2)),
            });
            if let Some(p) = data.peak_mean {
                chart.draw_series(DashedLineSeries::new(
                    [(0.0, p), (x_max, p)],
                    10,
                    6,
                    palette::PEAK.stroke_width(2),
                ))?;
                legend.push((
                    format!(
                        "peak: {} (mean over replications, as in the table)",
                        fmt_value(p, Unit::People)
                    ),
                    Mark::Dashed(palette::PEAK),
                ));
            }
            legend.extend(cap_legend);
            draw_legend(&side, &legend)?;
            let tips = shown
                .iter()
                .map(|w| {
                    let (a, b) = (chart.backend_coord(&(w.from_day, y_max)), chart.backend_coord(&(w.to_day, 0.0)));
                    Tip {
                        x0: a.0,
                        y0: a.1,
                        x1: b.0,
                        y1: b.1,
                        text: format!(
                            "day {} to {}: most at once {} (median of replications; 90% between {} and {}, highest {}); time-averaged {}",
                            day_label(start, w.from_day),
                            day_label(start, w.to_day),
                            axis(w.max_p50),
                            axis(w.max_p05),
                            axis(w.max_p95),
                            axis(w.max_max),
                            crate::metrics::fmt_num(w.mean)
                        ),
                    }
                })
                .collect();
            root.present()?;
            Ok(tips)
        })
    })?;
    let caption = format!(
        "{}: per {} window, the most {what} at once (shaded: the median and the 95th percentile of replications; thin line: the highest of any replication) and the time-averaged number (thick line){}{}.",
        info.description.trim_end_matches('.'),
        window_words(ts.spec.grid_hours),
        peak_text.map_or(String::new(), |p| format!(
            "; the dashed line is the peak of {p} reported in the table"
        )),
        data.capacity_text(capacity_of)
            .map_or(String::new(), |c| format!("; capacity {c}"))
    );
    Ok(Chart {
        name,
        title,
        caption,
        alt,
        png: drawn.0,
        svg: drawn.1,
    })
}

/// "6-hour", "1-day" and so on.
fn window_words(grid_hours: f64) -> String {
    if grid_hours >= 24.0 && (grid_hours / 24.0).fract() == 0.0 {
        format!("{}-day", grid_hours / 24.0)
    } else {
        format!("{}-hour", crate::metrics::fmt_num(grid_hours))
    }
}

/// Level charts of every bed-limited site, of border holding and of the units in use of
/// every pool; holding charts with nothing to show are left out (the report says so in
/// one line).
fn levels(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    use rayon::prelude::*;
    let sc = batch.scenario();
    let wanted = |key: &SeriesKey| match *key {
        SeriesKey::SiteOccupancy(s) => sc.sites[s as usize].beds.is_some(),
        SeriesKey::LegHolding(_) | SeriesKey::CheckpointHolding(_) | SeriesKey::PoolInUse(_) => true,
        _ => false,
    };
    let sources = &batch.timeseries.spec.sources;
    let drawn: Vec<Result<Option<Chart>, String>> = (0..sources.len())
        .into_par_iter()
        .filter(|&j| wanted(&sources[j]))
        .map(|j| {
            let data = level_data(batch, j);
            if data.is_empty() {
                return Ok(None);
            }
            level_chart(batch, j, &data).map(Some).map_err(|e| e.to_string())
        })
        .collect();
    for chart in drawn {
        out.extend(chart?);
    }
    Ok(())
}

/// One line naming the border holding charts left out because nobody waited there.
pub fn empty_levels(batch: &Batch) -> Vec<String> {
    let sc = batch.scenario();
    let names: Vec<String> = batch
        .timeseries
        .spec
        .sources
        .iter()
        .enumerate()
        .filter(|(_, k)| matches!(k, SeriesKey::LegHolding(_) | SeriesKey::CheckpointHolding(_)))
        .filter(|(j, _)| level_data(batch, *j).is_empty())
        .map(|(_, k)| match *k {
            SeriesKey::LegHolding(l) => format!("leg `{}`", sc.legs[l as usize].name),
            SeriesKey::CheckpointHolding(c) => format!("checkpoint `{}`", sc.checkpoints[c as usize].name),
            _ => String::new(),
        })
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "In no replication did anyone wait for a bed after {} (no holding chart is drawn for them).",
        names.join(", ")
    )]
}

/// Horizontal bars, one row per entry (first at the top), one coloured segment per part.
pub(crate) struct Bars<'a> {
    pub title: &'a str,
    pub alt: &'a str,
    pub x_desc: &'a str,
    /// (row label, the value of each part)
    pub rows: &'a [(String, Vec<f64>)],
    /// (part label, colour); one part for plain bars.
    pub parts: &'a [(String, RGBColor)],
    /// A row drawn in another colour (the bottleneck), with the legend entry for it.
    pub highlight: Option<(usize, RGBColor, String)>,
    pub x_max: Option<f64>,
    /// How a value is written on the axis and in tooltips.
    pub fmt: &'a dyn Fn(f64) -> String,
}

/// Draws horizontal (stacked) bars.
pub(crate) fn bars(b: &Bars) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    let rows = b.rows;
    let n = rows.len().max(1) as i32;
    let top = rows.iter().map(|(_, v)| v.iter().sum::<f64>()).fold(0.0, f64::max);
    let x_max = b.x_max.unwrap_or(top * 1.1).max(top * 1.02).max(1e-9);
    let label_width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(8).clamp(8, 40) as u32 * 7 + 12;
    // Row i (from the top) fills [n - 1 - i, n - i] of a plain axis, its label written
    // beside its centre: one row fills the plot, with no empty row beside it.
    render(b.alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(root, side, b.title, label_width, 0f64..x_max, 0f64..f64::from(n));
            chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(WHITE.mix(0.0))
                .x_desc(b.x_desc)
                .x_label_formatter(&|v| (b.fmt)(*v))
                .y_labels(0)
                .draw()?;
            let label_style = ("sans-serif", 12)
                .into_font()
                .color(&BLACK)
                .pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Right,
                    plotters::style::text_anchor::VPos::Center,
                ));
            for (i, (label, _)) in rows.iter().enumerate() {
                let (x, y) = chart.backend_coord(&(0.0, f64::from(n - 1 - i as i32) + 0.5));
                root.draw(&Text::new(label.clone(), (x - 8, y), label_style.clone()))?;
            }
            let mut tips = Vec::new();
            for (p, (part, color)) in b.parts.iter().enumerate() {
                let boxes: Vec<(usize, f64, f64)> = rows
                    .iter()
                    .enumerate()
                    .map(|(i, (_, v))| (i, v[..p].iter().sum::<f64>(), v[p]))
                    .collect();
                chart.draw_series(boxes.iter().map(|&(i, start, value)| {
                    let y = n - 1 - i as i32;
                    let fill = match &b.highlight {
                        Some((h, c, _)) if *h == i => *c,
                        _ => *color,
                    };
                    let mut bar = Rectangle::new(
                        [(start, f64::from(y)), (start + value, f64::from(y + 1))],
                        fill.filled(),
                    );
                    bar.set_margin(3, 3, 0, 0);
                    bar
                }))?;
                for &(i, start, value) in &boxes {
                    let y = n - 1 - i as i32;
                    let a = chart.backend_coord(&(start, f64::from(y + 1)));
                    let c = chart.backend_coord(&(start + value, f64::from(y)));
                    let what = if b.parts.len() > 1 {
                        format!(", {part}")
                    } else {
                        String::new()
                    };
                    tips.push(Tip {
                        x0: a.0,
                        y0: a.1,
                        x1: c.0,
                        y1: c.1,
                        text: format!("{}{what}: {}", rows[i].0, (b.fmt)(value)),
                    });
                }
            }
            let mut legend: Vec<(String, Mark)> =
                b.parts.iter().map(|(l, c)| (l.clone(), Mark::Fill(*c, 1.0))).collect();
            if let Some((_, c, label)) = &b.highlight {
                legend.push((label.clone(), Mark::Fill(*c, 1.0)));
            }
            draw_legend(&side, &legend)?;
            root.present()?;
            Ok(tips)
        })
    })
}

/// One row per cohort: the mean of `key(cohort, part)` for each part (missing or
/// negative means as zero).
fn cohort_rows<T>(batch: &Batch, parts: &[T], key: impl Fn(u16, &T) -> MetricKey) -> Vec<(String, Vec<f64>)> {
    batch
        .scenario()
        .cohorts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let values = parts.iter().map(|x| batch.mean_of(key(i as u16, x)).max(0.0)).collect();
            (crate::metrics::catalogue::humanize(&c.name), values)
        })
        .collect()
}

/// Where the time goes: per cohort, days per person by what they were doing.
fn time_use(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let present = |u: &TimeUse| {
        (0..sc.cohorts.len()).any(|i| batch.mean_of(MetricKey::cohort(i as u16, Stat::MeanHours(*u))) > 0.0)
    };
    let uses: Vec<TimeUse> = TimeUse::ALL.into_iter().filter(present).collect();
    if uses.is_empty() {
        return Ok(());
    }
    let hours = cohort_rows(batch, &uses, |c, u| MetricKey::cohort(c, Stat::MeanHours(*u)));
    let rows: Vec<(String, Vec<f64>)> = hours
        .into_iter()
        .map(|(l, v)| (l, v.into_iter().map(|h| h / 24.0).collect()))
        .collect();
    let parts: Vec<(String, RGBColor)> = uses
        .iter()
        .map(|u| (crate::metrics::catalogue::time_use_label(*u), palette::time_use(*u)))
        .collect();
    let title = format!("{}: where the time goes", sc.name);
    // Per member who set out: the parts add up to the mean door-to-door time only
    // where every one of them got home (nobody evaded, was turned away or still on the way).
    let adds_up = rows.iter().enumerate().all(|(c, (_, days))| {
        let d2d = batch.mean_of(MetricKey::cohort(c as u16, Stat::MeanDoorToDoorDays));
        let sum: f64 = days.iter().sum();
        (sum - d2d).abs() <= 1e-9 * d2d.abs().max(1.0)
    });
    let caption = if adds_up {
        "Days per person of each cohort, by what they were doing, from notice or release until home (the parts add up to the door-to-door time).".to_string()
    } else {
        "Days per member of each cohort who set out (released or notified), by what they were doing until home, evasion, turning away or the end of the run: those who evaded or were still on their way count too, so the parts do not add up to the door-to-door time of those who got home.".to_string()
    };
    let alt = format!(
        "Stacked bars per cohort of days per person: {}.",
        rows.iter()
            .map(|(l, v)| format!("{l} {} days in all", crate::metrics::fmt_num(v.iter().sum())))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let fmt = |v: f64| format!("{} days", crate::metrics::fmt_num(v));
    let drawn = bars(&Bars {
        title: &title,
        alt: &alt,
        x_desc: "days per person (mean over replications)",
        rows: &rows,
        parts: &parts,
        highlight: None,
        x_max: None,
        fmt: &|v| if v == 0.0 { "0".into() } else { fmt(v) },
    })?;
    push(out, "time-use".into(), title, caption, alt, drawn);
    Ok(())
}

/// Utilisation of booths, seats, beds and pool units, sorted, the bottleneck in its own colour.
fn utilization(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    use crate::metrics::catalogue::humanize;
    // (label, value, which stage of the waiting analysis it is)
    let mut util: Vec<(String, f64, WaitKind, u16)> = Vec::new();
    for (i, k) in sc.checkpoints.iter().enumerate() {
        let v = batch.mean_of(MetricKey::checkpoint(i as u16, Stat::Utilization));
        util.push((
            format!("{} (booths)", humanize(&k.name)),
            v,
            WaitKind::Checkpoint,
            i as u16,
        ));
    }
    for (i, l) in sc.legs.iter().enumerate() {
        let v = batch.mean_of(MetricKey::leg(i as u16, Stat::SeatUtilization));
        util.push((format!("{} (seats)", humanize(&l.name)), v, WaitKind::Leg, i as u16));
    }
    for (i, s) in sc.sites.iter().enumerate().filter(|(_, s)| s.beds.is_some()) {
        let v = batch.mean_of(MetricKey::site(i as u16, Stat::BedUtilization));
        util.push((format!("{} (beds)", humanize(&s.name)), v, WaitKind::Site, i as u16));
    }
    for (i, p) in sc.pools.iter().enumerate() {
        let v = batch.mean_of(MetricKey::new(crate::metrics::Scope::Pool(i as u16), Stat::Utilization));
        util.push((
            format!("{} (units on duty)", humanize(&p.name)),
            v,
            WaitKind::Pool,
            i as u16,
        ));
    }
    util.retain(|u| u.1.is_finite());
    util.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if util.is_empty() {
        return Ok(());
    }
    let worst = bottleneck(batch);
    let highlight = worst
        .as_ref()
        .and_then(|w| util.iter().position(|u| u.2 == w.kind && u.3 == w.index));
    let title = format!("{}: utilisation", sc.name);
    let caption = match (&worst, highlight) {
        (Some(w), Some(i)) => format!(
            "Share of capacity in use (booths over open hours, seats over trips, beds over time, pool units over hours on duty), sorted. In orange the bottleneck, {}: where people wait longest in total ({} of all waiting), whatever its utilisation.",
            util[i].0,
            crate::metrics::fmt_value(w.share, crate::metrics::Unit::Fraction)
        ),
        (Some(w), None) => format!(
            "Share of capacity in use (booths over open hours, seats over trips, beds over time, pool units over hours on duty), sorted. The bottleneck, {}, has no utilisation to show.",
            w.what.replace('`', "")
        ),
        _ => "Share of capacity in use (booths over open hours, seats over trips, beds over time, pool units over hours on duty), sorted; nobody waited anywhere.".to_string(),
    };
    let rows: Vec<(String, Vec<f64>)> = util.iter().map(|u| (u.0.clone(), vec![u.1])).collect();
    let alt = format!(
        "Utilisation, highest first: {}.",
        util.iter()
            .map(|u| format!("{} {}", u.0, percent(u.1)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let drawn = bars(&Bars {
        title: &title,
        alt: &alt,
        x_desc: "share of capacity in use (mean over replications)",
        rows: &rows,
        parts: &[("utilisation".to_string(), palette::OTHER)],
        highlight: highlight.map(|i| (i, palette::BOTTLENECK, "the bottleneck (most waiting)".to_string())),
        x_max: Some(1.0),
        fmt: &|v| crate::metrics::fmt_value(v, crate::metrics::Unit::Fraction),
    })?;
    push(out, "utilization".into(), title, caption, alt, drawn);
    Ok(())
}

/// People who slipped away, by cohort and category (when people get notice).
fn evasion(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let Some(total) = batch.summary_of(MetricKey::overall(Stat::Evaded)) else {
        return Ok(());
    };
    let cats: Vec<u16> = (0..sc.categories.len() as u16).collect();
    let rows = cohort_rows(batch, &cats, |c, g| MetricKey::cohort(c, Stat::EvadedOf(*g)));
    let parts: Vec<(String, RGBColor)> = sc
        .categories
        .iter()
        .enumerate()
        .map(|(g, c)| (c.name.clone(), palette::category(g)))
        .collect();
    let title = format!("{}: people who slipped away", sc.name);
    let caption = format!(
        "Mean number of people slipping away {}, by cohort and category ({} on average in all).",
        batch.network.evasion_window(),
        fmt_value(total.mean, Unit::People)
    );
    let alt = caption.clone();
    let drawn = bars(&Bars {
        title: &title,
        alt: &alt,
        x_desc: "people who slipped away (mean over replications)",
        rows: &rows,
        parts: &parts,
        highlight: None,
        x_max: None,
        fmt: &|v| fmt_value(v, Unit::People),
    })?;
    push(out, "evasion".into(), title, caption, alt, drawn);
    Ok(())
}
