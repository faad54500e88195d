//! Charts of a batch, drawn with plotters as PNG and SVG: people home over time,
//! occupancy of every capacity-limited place, the makespan distribution, where the time
//! goes, utilisation, and evasion. Text uses DejaVu Sans embedded in the binary, so the
//! charts look the same on any machine, with or without system fonts.

use crate::experiment::TimeSeries;
use crate::metrics::fmt_num;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::error::Error;

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (1000, 600);

static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

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
pub(crate) type Painter<'p> = dyn Fn(Area<'_>) -> Result<(), Box<dyn Error>> + 'p;

/// Renders `draw` to PNG bytes and an SVG string of [`SIZE`].
pub(crate) fn render(draw: &Painter<'_>) -> Result<(Vec<u8>, String), Box<dyn Error>> {
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

pub(crate) const BAND: RGBColor = RGBColor(31, 119, 180);
pub(crate) const CAPACITY: RGBColor = RGBColor(214, 39, 40);
pub(crate) const PALETTE: [RGBColor; 9] = [
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
pub(crate) fn bands(ts: &TimeSeries, j: usize) -> Vec<(f64, [f64; 5])> {
    (0..ts.spec.points)
        .map(|k| {
            let q = [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| ts.quantile(k, j, q));
            (ts.spec.time_hours(k) / 24.0, q)
        })
        .collect()
}

/// The last day worth showing: where every band has reached its final value, plus a margin.
pub(crate) fn last_day(b: &[(f64, [f64; 5])]) -> f64 {
    let Some(last) = b.last() else { return 1.0 };
    let settled = b.iter().rposition(|(_, q)| q != &last.1).map_or(0, |i| i + 1);
    let day = b.get(settled).map_or(last.0, |p| p.0);
    (day * 1.08 + 1.0).min(last.0).max(1.0)
}

/// A median line with 50% and 90% bands, optional horizontal capacity and vertical target.
pub(crate) fn band_chart(
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
pub(crate) fn bar_chart(
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
pub(crate) fn row_label(rows: &[(String, Vec<f64>)], v: &SegmentValue<i32>) -> String {
    let n = rows.len() as i32;
    match v {
        SegmentValue::CenterOf(i) if (0..n).contains(i) => rows[(n - 1 - i) as usize].0.clone(),
        _ => String::new(),
    }
}

/// Horizontal stacked bars: one row per entry (first at the top), one coloured segment
/// per part (a single unlabelled part for plain bars, `highlight` in red).
pub(crate) fn stacked(
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
pub(crate) fn axis(v: f64) -> String {
    if v.abs() >= 10.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        fmt_num(v)
    }
}

// After the macros above, which the chart modules use.
pub mod run;
pub mod study;

pub use run::charts;
pub use study::{compare_chart, heatmap, sweep_chart};
