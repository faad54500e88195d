//! Charts of a batch, drawn with plotters as PNG and SVG: people home over time,
//! occupancy of every capacity-limited place, the makespan distribution, where the time
//! goes, utilisation, and evasion. Text uses DejaVu Sans embedded in the binary, so the
//! charts look the same on any machine, with or without system fonts.

use super::fmt_num;
use crate::experiment::{Batch, TimeSeries};
use crate::model::{SeriesSource, TimeUse};
use crate::scenario::SiteKind;
use crate::stats::quantile_sorted;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::error::Error;

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (1000, 600);

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font once; plotters looks fonts up by family name.
fn fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known to be valid; a failure here is a bug.
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            panic!("the embedded DejaVu Sans font does not load");
        }
    });
}

/// One chart, drawn both as PNG and SVG.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem, e.g. `people-home`.
    pub name: String,
    pub title: String,
    /// One line saying what the chart shows.
    pub caption: String,
    pub png: Vec<u8>,
    pub svg: String,
}

/// A drawing area on one of the two backends.
pub enum Area<'a> {
    Png(DrawingArea<BitMapBackend<'a>, Shift>),
    Svg(DrawingArea<SVGBackend<'a>, Shift>),
}

/// Calls `$body` with `$root` bound to the concrete drawing area, whichever backend.
macro_rules! on_area {
    ($area:expr, |$root:ident| $body:expr) => {
        match $area {
            Area::Png($root) => $body,
            Area::Svg($root) => $body,
        }
    };
}

/// Clears `root` and builds the chart frame every chart shares: title, margins, axis
/// label areas, and the given coordinate ranges.
macro_rules! frame {
    ($root:ident, $title:expr, $font:expr, $y_area:expr, $x:expr, $y:expr) => {{
        $root.fill(&WHITE)?;
        ChartBuilder::on(&$root)
            .caption($title, ("sans-serif", $font))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size($y_area)
            .build_cartesian_2d($x, $y)?
    }};
}

/// Draws the series legend every chart shares (white box, black border) at `$pos`.
macro_rules! legend {
    ($chart:ident, $pos:expr) => {
        $chart
            .configure_series_labels()
            .position($pos)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?
    };
}

/// Draws one chart on a given area.
type Painter<'p> = dyn Fn(Area<'_>) -> Result<(), Box<dyn Error>> + 'p;

/// Renders `draw` to PNG bytes and an SVG string of [`SIZE`].
fn render(draw: &Painter<'_>) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    fonts();
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        draw(Area::Png(root))?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header()?.write_image_data(&rgb)?;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(Area::Svg(root))?;
    }
    Ok((png, svg))
}

const BAND: RGBColor = RGBColor(31, 119, 180);
const CAPACITY: RGBColor = RGBColor(214, 39, 40);
const PALETTE: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
];

/// Quantile bands of one series over the grid: (day, p5, p25, p50, p75, p95).
fn bands(ts: &TimeSeries, j: usize) -> Vec<(f64, [f64; 5])> {
    (0..ts.spec.points)
        .map(|k| {
            let q = [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| ts.quantile(k, j, q));
            (ts.spec.time_hours(k) / 24.0, q)
        })
        .collect()
}

/// The last day worth showing: where every band has reached its final value, plus a margin.
fn last_day(b: &[(f64, [f64; 5])]) -> f64 {
    let Some(last) = b.last() else { return 1.0 };
    let settled = b.iter().rposition(|(_, q)| q != &last.1).map_or(0, |i| i + 1);
    let day = b.get(settled).map_or(last.0, |p| p.0);
    (day * 1.08 + 1.0).min(last.0).max(1.0)
}

/// A median line with 50% and 90% bands, optional horizontal capacity and vertical target.
fn band_chart(
    title: &str,
    y_desc: &str,
    b: &[(f64, [f64; 5])],
    capacity: Option<f64>,
    target_day: Option<f64>,
) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    let x_max = last_day(b).max(target_day.map_or(0.0, |t| t * 1.05));
    let y_max = b
        .iter()
        .map(|(_, q)| q[4])
        .fold(capacity.unwrap_or(0.0), f64::max)
        .max(1.0)
        * 1.08;
    let shown: Vec<&(f64, [f64; 5])> = b.iter().filter(|(d, _)| *d <= x_max).collect();
    render(&|area| {
        on_area!(area, |root| {
            let mut chart = frame!(root, title, 22, 80, 0f64..x_max, 0f64..y_max);
            chart
                .configure_mesh()
                .x_desc("days since the start")
                .y_desc(y_desc)
                .x_label_formatter(&|v| axis(*v))
                .y_label_formatter(&|v| axis(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            let polygon = |lo: usize, hi: usize| {
                let mut pts: Vec<(f64, f64)> = shown.iter().map(|(d, q)| (*d, q[hi])).collect();
                pts.extend(shown.iter().rev().map(|(d, q)| (*d, q[lo])));
                pts
            };
            chart
                .draw_series(std::iter::once(Polygon::new(polygon(0, 4), BAND.mix(0.15).filled())))?
                .label("90% of replications (p5-p95)")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], BAND.mix(0.15).filled()));
            chart
                .draw_series(std::iter::once(Polygon::new(polygon(1, 3), BAND.mix(0.35).filled())))?
                .label("50% of replications (p25-p75)")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], BAND.mix(0.35).filled()));
            chart
                .draw_series(LineSeries::new(
                    shown.iter().map(|(d, q)| (*d, q[2])),
                    BAND.stroke_width(2),
                ))?
                .label("median")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BAND.stroke_width(2)));
            if let Some(c) = capacity {
                chart
                    .draw_series(LineSeries::new([(0.0, c), (x_max, c)], CAPACITY.stroke_width(2)))?
                    .label(format!("capacity ({})", axis(c)))
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], CAPACITY.stroke_width(2)));
            }
            if let Some(t) = target_day {
                chart
                    .draw_series(LineSeries::new([(t, 0.0), (t, y_max)], BLACK.stroke_width(2)))?
                    .label(format!("target: day {}", fmt_num(t)))
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK.stroke_width(2)));
            }
            legend!(chart, SeriesLabelPosition::LowerRight);
            root.present()?;
            Ok(())
        })
    })
}

/// Horizontal bars, one per (label, value), top to bottom; `highlight` drawn in red.
fn bar_chart(
    title: &str,
    x_desc: &str,
    bars: &[(String, f64)],
    highlight: Option<usize>,
    x_max: Option<f64>,
) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    let rows: Vec<(String, Vec<f64>)> = bars.iter().map(|(l, v)| (l.clone(), vec![*v])).collect();
    stacked(title, x_desc, &rows, &[], highlight, x_max)
}

/// The label of row `i` of `n` (row 0 at the top) at a segment centre, else nothing.
fn row_label(rows: &[(String, Vec<f64>)], v: &SegmentValue<i32>) -> String {
    let n = rows.len() as i32;
    match v {
        SegmentValue::CenterOf(i) if (0..n).contains(i) => rows[(n - 1 - i) as usize].0.clone(),
        _ => String::new(),
    }
}

/// Horizontal stacked bars: one row per entry (first at the top), one coloured segment
/// per part (a single unlabelled part for plain bars, `highlight` in red).
fn stacked(
    title: &str,
    x_desc: &str,
    rows: &[(String, Vec<f64>)],
    parts: &[String],
    highlight: Option<usize>,
    x_max: Option<f64>,
) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    let n = rows.len().max(1) as i32;
    let top = rows.iter().map(|(_, v)| v.iter().sum::<f64>()).fold(0.0, f64::max);
    // Room on the right for the legend of a stacked chart.
    let headroom = if parts.is_empty() { 1.1 } else { 1.5 };
    let x_max = x_max.unwrap_or(top * headroom).max(top * 1.02).max(1e-9);
    let label_width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(8).clamp(8, 48) as u32 * 7 + 12;
    render(&|area| {
        on_area!(area, |root| {
            let mut chart = frame!(root, title, 22, label_width, 0f64..x_max, (0..n - 1).into_segmented());
            chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(WHITE.mix(0.0))
                .x_desc(x_desc)
                .x_label_formatter(&|v| axis(*v))
                .y_labels(rows.len() * 2 + 1)
                .y_label_formatter(&|v| row_label(rows, v))
                .draw()?;
            let segments = rows.first().map_or(0, |r| r.1.len());
            for p in 0..segments {
                let color = if parts.is_empty() {
                    BAND
                } else {
                    PALETTE[p % PALETTE.len()]
                };
                let series = chart.draw_series(rows.iter().enumerate().map(move |(i, (_, v))| {
                    let y = n - 1 - i as i32;
                    let start: f64 = v[..p].iter().sum();
                    let fill = if Some(i) == highlight { CAPACITY } else { color };
                    let mut bar = Rectangle::new(
                        [
                            (start, SegmentValue::Exact(y)),
                            (start + v[p], SegmentValue::Exact(y + 1)),
                        ],
                        fill.filled(),
                    );
                    bar.set_margin(3, 3, 0, 0);
                    bar
                }))?;
                if let Some(part) = parts.get(p) {
                    series
                        .label(part.clone())
                        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], color.filled()));
                }
            }
            if !parts.is_empty() {
                legend!(chart, SeriesLabelPosition::MiddleRight);
            }
            root.present()?;
            Ok(())
        })
    })
}

/// Axis numbers without needless decimals.
fn axis(v: f64) -> String {
    if v.abs() >= 10.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        fmt_num(v)
    }
}

fn mean(batch: &Batch, name: &str) -> f64 {
    batch.summary(name).map_or(f64::NAN, |s| s.mean)
}

/// One row per cohort for a stacked chart: the mean of the metric `name(cohort, part)`
/// for each part, missing or negative means drawn as zero (`f64::max` drops a NaN).
fn cohort_rows<T>(batch: &Batch, parts: &[T], name: impl Fn(&str, &T) -> String) -> Vec<(String, Vec<f64>)> {
    batch
        .scenario()
        .cohorts
        .iter()
        .map(|c| {
            let values = parts.iter().map(|x| mean(batch, &name(&c.name, x)).max(0.0)).collect();
            (c.name.clone(), values)
        })
        .collect()
}

/// Every chart for `batch`, in report order.
pub fn charts(batch: &Batch) -> Result<Vec<Chart>, Box<dyn Error>> {
    let sc = batch.scenario();
    let ts = &batch.timeseries;
    let mut out = Vec::new();
    let mut push = |name: String, title: String, caption: String, (png, svg): (Vec<u8>, String)| {
        out.push(Chart {
            name,
            title,
            caption,
            png,
            svg,
        });
    };

    // 1. People home over time.
    if let Some(j) = ts.spec.sources.iter().position(|s| *s == SeriesSource::Home) {
        let title = format!("{}: people home", sc.name);
        let b = bands(ts, j);
        let caption = match sc.target_days {
            Some(t) => format!(
                "People home over time across {} replications, against the target of day {}.",
                batch.len(),
                fmt_num(t)
            ),
            None => format!(
                "People home over time: the median and the bands that hold 50% and 90% of {} replications.",
                batch.len()
            ),
        };
        push(
            "people-home".into(),
            title.clone(),
            caption,
            band_chart(&title, "people home", &b, None, sc.target_days)?,
        );
    }

    // 2. Occupancy of every capacity-limited place, and holding at borders.
    let holding = |after: &str, how: &str| {
        (
            format!("holding-{after}"),
            format!("{}: waiting for beds after {after}", sc.name),
            None,
            format!("People {how} {after} waiting for a bed at the next site (border holding)."),
        )
    };
    for (j, src) in ts.spec.sources.iter().enumerate() {
        let (name, label, capacity, caption) = match *src {
            SeriesSource::SiteOccupancy(s) => {
                let site = &sc.sites[s as usize];
                let Some(beds) = site.beds else { continue };
                let kind = if site.kind == SiteKind::Quarantine {
                    "quarantine"
                } else {
                    "site"
                };
                (
                    format!("occupancy-{}", site.name),
                    format!("{}: occupancy of {kind} {}", sc.name, site.name),
                    Some(f64::from(beds)),
                    format!("People holding a bed at {} ({beds} beds).", site.name),
                )
            }
            SeriesSource::LegHolding(l) => holding(&sc.legs[l as usize].name, "off"),
            SeriesSource::CheckpointHolding(k) => holding(&sc.checkpoints[k as usize].name, "through"),
            _ => continue,
        };
        let b = bands(ts, j);
        push(
            name,
            label.clone(),
            caption,
            band_chart(&label, "people", &b, capacity, None)?,
        );
    }

    // 3. Makespan distribution.
    if let Some(i) = batch.metric_index("makespan_days") {
        let mut xs: Vec<f64> = batch.column(i).into_iter().filter(|x| x.is_finite()).collect();
        xs.sort_by(f64::total_cmp);
        if !xs.is_empty() {
            let title = format!("{}: days until everyone is home", sc.name);
            let caption = format!(
                "Days until the last person is home, over the {} of {} replications that finished; mean, median and 90th percentile marked.",
                xs.len(),
                batch.len()
            );
            push("makespan".into(), title.clone(), caption, makespan_chart(&title, &xs)?);
        }
    }

    // 4. Where the time goes, per cohort.
    let uses: Vec<TimeUse> = TimeUse::ALL
        .into_iter()
        .filter(|u| {
            sc.cohorts
                .iter()
                .any(|c| mean(batch, &format!("cohort.{}.mean_hours_{}", c.name, u.as_str())) > 0.0)
        })
        .collect();
    if !uses.is_empty() {
        let rows = cohort_rows(batch, &uses, |c, u| format!("cohort.{c}.mean_hours_{}", u.as_str()));
        let title = format!("{}: where the time goes", sc.name);
        let caption =
            "Mean hours per person of each cohort, by what they were doing, from notice or release until home."
                .to_string();
        let parts: Vec<String> = uses.iter().map(|u| u.as_str().replace('_', " ")).collect();
        push(
            "time-use".into(),
            title.clone(),
            caption,
            stacked(&title, "hours per person (mean)", &rows, &parts, None, None)?,
        );
    }

    // 5. Utilisation, sorted, the bottleneck highlighted.
    let mut util: Vec<(String, f64)> = Vec::new();
    for k in &sc.checkpoints {
        util.push((
            format!("checkpoint {}", k.name),
            mean(batch, &format!("checkpoint.{}.utilization", k.name)),
        ));
    }
    for l in &sc.legs {
        util.push((
            format!("leg {} (seats)", l.name),
            mean(batch, &format!("leg.{}.seat_utilization", l.name)),
        ));
    }
    for s in sc.sites.iter().filter(|s| s.beds.is_some()) {
        util.push((
            format!("site {} (beds)", s.name),
            mean(batch, &format!("site.{}.bed_utilization", s.name)),
        ));
    }
    util.retain(|u| u.1.is_finite());
    util.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if !util.is_empty() {
        // The bottleneck: the stage people wait for longest in total.
        let bottleneck = super::waiting_by_stage(batch).first().and_then(|w| {
            let label = match w.kind {
                "site" => format!("site {} (beds)", w.stage),
                "leg" => format!("leg {} (seats)", w.stage),
                "checkpoint" => format!("checkpoint {}", w.stage),
                _ => return None,
            };
            util.iter().position(|u| u.0 == label)
        });
        let title = format!("{}: utilisation", sc.name);
        let caption = match bottleneck {
            Some(i) => format!(
                "Share of capacity in use (booths over open hours, seats over trips, beds over time), sorted; in red the bottleneck, {}, where people wait longest in total.",
                util[i].0
            ),
            None => "Share of capacity in use (booths over open hours, seats over trips, beds over time), sorted."
                .to_string(),
        };
        push(
            "utilization".into(),
            title.clone(),
            caption,
            bar_chart(
                &title,
                "utilisation (mean over replications)",
                &util,
                bottleneck,
                Some(1.0),
            )?,
        );
    }

    // 6. Evasion, when people get notice.
    if batch.metric_index("evaded").is_some() {
        let cats: Vec<&str> = sc.categories.iter().map(|c| c.name.as_str()).collect();
        let rows = cohort_rows(batch, &cats, |c, g| format!("cohort.{c}.evaded.{g}"));
        let title = format!("{}: people who slipped away", sc.name);
        let caption = format!(
            "Mean number of people evading before pickup, by cohort and category ({} on average in all).",
            fmt_num(mean(batch, "evaded"))
        );
        let parts: Vec<String> = cats.iter().map(|s| s.to_string()).collect();
        push(
            "evasion".into(),
            title.clone(),
            caption,
            stacked(&title, "people evaded (mean)", &rows, &parts, None, None)?,
        );
    }
    Ok(out)
}

fn makespan_chart(title: &str, xs: &[f64]) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    let (lo, hi) = (xs[0], xs[xs.len() - 1]);
    let span = (hi - lo).max(1e-6);
    let bins = 30usize;
    let width = span / bins as f64;
    let mut counts = vec![0u32; bins];
    for &x in xs {
        counts[(((x - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let y_max = f64::from(*counts.iter().max().unwrap_or(&1)) * 1.15;
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let (p50, p90) = (quantile_sorted(xs, 0.5), quantile_sorted(xs, 0.9));
    let (x0, x1) = (lo - width, hi + width);
    render(&|area| {
        on_area!(area, |root| {
            let mut chart = frame!(root, title, 22, 70, x0..x1, 0f64..y_max);
            chart
                .configure_mesh()
                .x_desc("days until everyone is home")
                .y_desc("replications")
                .y_label_formatter(&|v| axis(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let a = lo + i as f64 * width;
                Rectangle::new([(a, 0.0), (a + width, f64::from(c))], BAND.mix(0.7).filled())
            }))?;
            for (x, label, color) in [
                (mean, "mean", BLACK),
                (p50, "median", PALETTE[2]),
                (p90, "90th percentile", CAPACITY),
            ] {
                chart
                    .draw_series(LineSeries::new([(x, 0.0), (x, y_max)], color.stroke_width(2)))?
                    .label(format!("{label}: {}", fmt_num(x)))
                    .legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + 18, ly)], color.stroke_width(2)));
            }
            legend!(chart, SeriesLabelPosition::UpperRight);
            root.present()?;
            Ok(())
        })
    })
}

/// People home over time in two runs, overlaid: each median with its 90% band.
pub fn compare_chart(a: &Batch, b: &Batch, label_a: &str, label_b: &str) -> Result<Chart, Box<dyn Error>> {
    let home = |batch: &Batch| {
        let ts = &batch.timeseries;
        ts.spec
            .sources
            .iter()
            .position(|s| *s == SeriesSource::Home)
            .map(|j| bands(ts, j))
            .unwrap_or_default()
    };
    let (ba, bb) = (home(a), home(b));
    let x_max = last_day(&ba).max(last_day(&bb));
    let y_max = ba.iter().chain(&bb).map(|(_, q)| q[4]).fold(1.0, f64::max) * 1.08;
    let title = "people home: A against B".to_string();
    let (png, svg) = render(&|area| {
        on_area!(area, |root| {
            let mut chart = frame!(root, &title, 22, 80, 0f64..x_max, 0f64..y_max);
            chart
                .configure_mesh()
                .x_desc("days since the start")
                .y_desc("people home")
                .x_label_formatter(&|v| axis(*v))
                .y_label_formatter(&|v| axis(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            for (b, label, color) in [(&ba, label_a, PALETTE[0]), (&bb, label_b, PALETTE[1])] {
                let shown: Vec<&(f64, [f64; 5])> = b.iter().filter(|(d, _)| *d <= x_max).collect();
                let mut pts: Vec<(f64, f64)> = shown.iter().map(|(d, q)| (*d, q[4])).collect();
                pts.extend(shown.iter().rev().map(|(d, q)| (*d, q[0])));
                chart.draw_series(std::iter::once(Polygon::new(pts, color.mix(0.2).filled())))?;
                chart
                    .draw_series(LineSeries::new(
                        shown.iter().map(|(d, q)| (*d, q[2])),
                        color.stroke_width(2),
                    ))?
                    .label(format!("{label}: median, band of 90% of replications"))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
            }
            legend!(chart, SeriesLabelPosition::LowerRight);
            root.present()?;
            Ok(())
        })
    })?;
    Ok(Chart {
        name: "compare-people-home".into(),
        title: title.clone(),
        caption: format!("People home over time in {label_a} (A) and {label_b} (B), on the same replications."),
        png,
        svg,
    })
}

/// A metric's mean and 95% CI against one swept parameter.
pub fn sweep_chart(
    parameter: &str,
    metric: &str,
    points: &[(f64, crate::stats::Summary)],
) -> Result<Chart, Box<dyn Error>> {
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let (x0, x1) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let pad = ((x1 - x0) * 0.05).max(0.5);
    let finite = |x: f64| if x.is_finite() { Some(x) } else { None };
    let lo = points
        .iter()
        .filter_map(|p| finite(p.1.ci95_low).or(finite(p.1.mean)))
        .fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .filter_map(|p| finite(p.1.ci95_high).or(finite(p.1.mean)))
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let span = (hi - lo).max(hi.abs() * 0.02).max(1e-6);
    let title = format!("{metric} against {parameter}");
    let (png, svg) = render(&|area| {
        on_area!(area, |root| {
            let mut chart = frame!(
                root,
                &title,
                20,
                80,
                (x0 - pad)..(x1 + pad),
                (lo - span * 0.1)..(hi + span * 0.1)
            );
            chart
                .configure_mesh()
                .x_desc(parameter)
                .y_desc(metric)
                .x_label_formatter(&|v| axis(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            let ok: Vec<&(f64, crate::stats::Summary)> = points.iter().filter(|p| p.1.mean.is_finite()).collect();
            let mut band: Vec<(f64, f64)> = ok
                .iter()
                .map(|p| {
                    (
                        p.0,
                        if p.1.ci95_high.is_finite() {
                            p.1.ci95_high
                        } else {
                            p.1.mean
                        },
                    )
                })
                .collect();
            band.extend(ok.iter().rev().map(|p| {
                (
                    p.0,
                    if p.1.ci95_low.is_finite() {
                        p.1.ci95_low
                    } else {
                        p.1.mean
                    },
                )
            }));
            chart
                .draw_series(std::iter::once(Polygon::new(band, BAND.mix(0.25).filled())))?
                .label("95% CI of the mean")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], BAND.mix(0.25).filled()));
            chart
                .draw_series(LineSeries::new(
                    ok.iter().map(|p| (p.0, p.1.mean)),
                    BAND.stroke_width(2),
                ))?
                .label("mean")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BAND.stroke_width(2)));
            chart.draw_series(ok.iter().map(|p| Circle::new((p.0, p.1.mean), 4, BAND.filled())))?;
            legend!(chart, SeriesLabelPosition::UpperRight);
            root.present()?;
            Ok(())
        })
    })?;
    let safe: String = metric
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    Ok(Chart {
        name: format!("sweep-{safe}"),
        title: title.clone(),
        caption: format!("Mean {metric} and its 95% CI for each value of {parameter}, on the same replications."),
        png,
        svg,
    })
}

/// A metric's mean over a grid of two swept parameters, as coloured cells.
pub fn heatmap(px: &str, py: &str, metric: &str, cells: &[(f64, f64, f64)]) -> Result<Chart, Box<dyn Error>> {
    let mut xs: Vec<f64> = cells.iter().map(|c| c.0).collect();
    let mut ys: Vec<f64> = cells.iter().map(|c| c.1).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    ys.sort_by(f64::total_cmp);
    ys.dedup();
    let finite: Vec<f64> = cells.iter().map(|c| c.2).filter(|v| v.is_finite()).collect();
    let (lo, hi) = (
        finite.iter().copied().fold(f64::INFINITY, f64::min),
        finite.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let title = format!("{metric} (mean) over {px} and {py}");
    let (nx, ny) = (xs.len() as i32, ys.len() as i32);
    let (png, svg) = render(&|area| {
        on_area!(area, |root| {
            let mut chart = frame!(
                root,
                &title,
                20,
                80,
                (0..nx - 1).into_segmented(),
                (0..ny - 1).into_segmented()
            );
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(px)
                .y_desc(py)
                .x_labels(xs.len() * 2 + 1)
                .y_labels(ys.len() * 2 + 1)
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => xs.get(*i as usize).map_or(String::new(), |x| axis(*x)),
                    _ => String::new(),
                })
                .y_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => ys.get(*i as usize).map_or(String::new(), |y| axis(*y)),
                    _ => String::new(),
                })
                .draw()?;
            chart.draw_series(cells.iter().map(|&(x, y, v)| {
                let i = xs.iter().position(|&a| a == x).unwrap_or(0) as i32;
                let j = ys.iter().position(|&b| b == y).unwrap_or(0) as i32;
                let t = if v.is_finite() && hi > lo {
                    (v - lo) / (hi - lo)
                } else {
                    0.5
                };
                let color = if v.is_finite() {
                    RGBColor(
                        (30.0 + 200.0 * t) as u8,
                        (120.0 - 60.0 * t) as u8,
                        (200.0 - 170.0 * t) as u8,
                    )
                } else {
                    RGBColor(220, 220, 220)
                };
                Rectangle::new(
                    [
                        (SegmentValue::Exact(i), SegmentValue::Exact(j)),
                        (SegmentValue::Exact(i + 1), SegmentValue::Exact(j + 1)),
                    ],
                    color.filled(),
                )
            }))?;
            chart.draw_series(cells.iter().map(|&(x, y, v)| {
                let i = xs.iter().position(|&a| a == x).unwrap_or(0) as i32;
                let j = ys.iter().position(|&b| b == y).unwrap_or(0) as i32;
                Text::new(
                    fmt_num(v),
                    (SegmentValue::CenterOf(i), SegmentValue::CenterOf(j)),
                    ("sans-serif", 13).into_font().color(&WHITE),
                )
            }))?;
            root.present()?;
            Ok(())
        })
    })?;
    Ok(Chart {
        name: "sweep-heatmap".into(),
        title: title.clone(),
        caption: format!(
            "Mean {metric} for each pair of {px} and {py} (blue low, red high), on the same replications."
        ),
        png,
        svg,
    })
}
