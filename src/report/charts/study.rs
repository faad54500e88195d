//! The charts of the study commands: two runs overlaid (`compare`), a metric against a
//! parameter (`sweep`), and a metric over two parameters (a heatmap per metric, with a
//! colour bar and the target's contour when one is given).

use super::palette;
use super::*;
use crate::experiment::Batch;
use crate::experiment::Estimate;
use crate::metrics::{MetricInfo, SeriesKey, Unit, fmt_value};

/// Quantiles (p5, p50, p95) of people home at every grid point, by day.
fn home_bands(batch: &Batch) -> Vec<(f64, [f64; 3])> {
    let ts = &batch.timeseries;
    let Some(j) = ts.spec.sources.iter().position(|s| *s == SeriesKey::Home) else {
        return Vec::new();
    };
    (0..ts.spec.points)
        .map(|k| {
            let q = [0.05, 0.5, 0.95].map(|p| ts.quantile(k, j, p));
            (ts.spec.time_hours(k) / 24.0, q)
        })
        .collect()
}

/// The day after which a band no longer changes, plus a margin.
fn settled_day(b: &[(f64, [f64; 3])]) -> f64 {
    let Some(last) = b.last() else { return 1.0 };
    let i = b.iter().rposition(|(_, q)| q != &last.1).map_or(0, |i| i + 1);
    let day = b.get(i).map_or(last.0, |p| p.0);
    (day * 1.06 + 1.0).min(last.0).max(1.0)
}

/// People home over time in two runs, overlaid: each median with its 90% band; the
/// legend names both scenarios.
pub fn compare_chart(a: &Batch, b: &Batch, label_a: &str, label_b: &str) -> Result<Chart, Box<dyn Error>> {
    let (ba, bb) = (home_bands(a), home_bands(b));
    let x_max = settled_day(&ba).max(settled_day(&bb));
    let y_max = ba.iter().chain(&bb).map(|(_, q)| q[2]).fold(1.0, f64::max) * 1.08;
    let title = "People home: A against B".to_string();
    let start = a.scenario().start;
    let alt = format!("People home over time in A ({label_a}) and B ({label_b}), median and 90% band of each.");
    let (png, svg) = render(&alt, &|area| {
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
            let mut legend = Vec::new();
            let mut tips = Vec::new();
            for (bands, side_label, name, color) in [
                (&ba, "A", label_a, palette::SIDE_A),
                (&bb, "B", label_b, palette::SIDE_B),
            ] {
                let shown: Vec<&(f64, [f64; 3])> = bands.iter().filter(|(d, _)| *d <= x_max).collect();
                let mut pts: Vec<(f64, f64)> = shown.iter().map(|(d, q)| (*d, q[2])).collect();
                pts.extend(shown.iter().rev().map(|(d, q)| (*d, q[0])));
                chart.draw_series(std::iter::once(Polygon::new(pts, color.mix(0.2).filled())))?;
                let steps: Vec<(f64, f64)> = shown
                    .windows(2)
                    .flat_map(|w| [(w[0].0, w[0].1[1]), (w[1].0, w[0].1[1])])
                    .collect();
                chart.draw_series(LineSeries::new(steps, color.stroke_width(2)))?;
                legend.push((format!("{side_label}: {name} (median)"), Mark::Line(color, 2)));
                legend.push((format!("{side_label}: 90% of replications"), Mark::Fill(color, 0.2)));
                for (d, q) in shown.iter().step_by((shown.len() / 150).max(1)) {
                    let (x, y) = chart.backend_coord(&(*d, q[1]));
                    tips.push(Tip {
                        x0: x - 3,
                        y0: y - 3,
                        x1: x + 3,
                        y1: y + 3,
                        text: format!("{side_label}, day {}: median {} home", day_label(start, *d), axis(q[1])),
                    });
                }
            }
            draw_legend(&side, &legend)?;
            root.present()?;
            Ok(tips)
        })
    })?;
    Ok(Chart {
        name: "compare-people-home".into(),
        title,
        caption: format!("People home over time in A ({label_a}) and B ({label_b}), on the same replications."),
        alt,
        png,
        svg,
    })
}

/// A file stem from a metric id.
fn stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// What a statistic that is not a number means on a sweep's chart: +inf is a
/// percentile of the makespan among replications that did not get everyone home
/// within the horizon; NaN a mean those leave unknown (or no replication with a value).
fn off_axis(v: f64) -> &'static str {
    if v == f64::INFINITY {
        "beyond the horizon"
    } else {
        "unknown"
    }
}

/// A statistic as a chart's text shows it: its value, or what it means if not a number.
fn shown(v: f64, unit: Unit) -> String {
    if v.is_finite() {
        fmt_value(v, unit)
    } else {
        off_axis(v).to_string()
    }
}

/// A statistic of a metric (`stat`: "mean", "p90") with its 95% CI against one swept
/// parameter, with a target line if given. A point whose statistic is unknown is marked
/// at the top edge, labelled; one beyond the horizon (`horizons`: each point's, for the
/// makespan) is marked above the horizon, which is drawn: a marker at the top of an
/// axis that ends below the horizon read as a value before it.
pub fn sweep_chart(
    axis_x: &crate::experiment::sweep::Axis,
    metric: &MetricInfo,
    stat: &str,
    unit_name: &str,
    points: &[(f64, Estimate)],
    target: Option<f64>,
    horizons: Option<&[f64]>,
) -> Result<Chart, Box<dyn Error>> {
    let parameter = axis_x.path.as_str();
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let (x0, x1) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let whole_xs = xs.iter().all(|x| x.fract() == 0.0);
    // Half a step of room for whole values (vehicles, booths); 5% of the range for
    // fractions, whose whole range may be 0.0006 (a hazard per hour), not a fixed 0.5
    // that squeezed such a sweep into one vertical line.
    let pad = if whole_xs {
        ((x1 - x0) * 0.05).max(0.5)
    } else if x1 > x0 {
        (x1 - x0) * 0.05
    } else {
        (x0.abs() * 0.05).max(1e-9)
    };
    let finite = |x: f64| x.is_finite().then_some(x);
    let values = points
        .iter()
        .flat_map(|p| {
            [
                finite(p.1.ci95_low).or(finite(p.1.value)),
                finite(p.1.ci95_high).or(finite(p.1.value)),
            ]
        })
        .flatten()
        .chain(target);
    // The horizon of each point beyond it (none without `horizons`).
    let beyond: Vec<f64> = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.1.value == f64::INFINITY)
        .filter_map(|(i, _)| horizons.and_then(|h| h.get(i).copied()))
        .collect();
    let values = values.chain(beyond.iter().copied());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    // Nothing to scale the axis by (every statistic unknown): no numbers on it, and
    // the marks in the middle (an axis of 0 to 1 day with marks at its top read as a
    // makespan of a day).
    let no_scale = !lo.is_finite();
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let span = (hi - lo).max(hi.abs() * 0.02).max(1e-6);
    let title = format!("{} ({stat}) against {parameter}", metric.label);
    let unit = metric.unit;
    let alt = format!(
        "{} ({stat}, with its 95% CI) for each value of {parameter}: {}.",
        metric.label,
        points
            .iter()
            .map(|p| format!("{} at {}", shown(p.1.value, unit), axis_x.label(p.0)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let y_desc = format!("{} ({unit_name})", metric.label);
    let top = hi + span * 0.1;
    let (png, svg) = render(&alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(root, side, &title, 80, (x0 - pad)..(x1 + pad), (lo - span * 0.1)..top);
            chart
                .configure_mesh()
                .x_desc(parameter)
                .y_desc(&y_desc)
                .x_labels(if axis_x.is_choice() { points.len() } else { 10 })
                .x_label_formatter(&|v| {
                    if axis_x.is_choice() {
                        axis_x.label(*v)
                    } else if whole_xs && v.fract() != 0.0 {
                        String::new() // no 2.5 booths between 2 and 3
                    } else {
                        crate::metrics::fmt_param(*v)
                    }
                })
                .y_label_formatter(&|v| if no_scale { String::new() } else { fmt_value(*v, unit) })
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            let ok: Vec<&(f64, Estimate)> = points.iter().filter(|p| p.1.value.is_finite()).collect();
            // A bound beyond the horizon (a censored makespan) runs to the top edge; one
            // the replications cannot give (too few for a percentile) to its side's edge:
            // unknown is not the same as no uncertainty.
            let bottom = lo - span * 0.1;
            let edge = |x: f64, open: f64| {
                if x.is_finite() {
                    x
                } else if x == f64::INFINITY {
                    top
                } else {
                    open
                }
            };
            let mut band: Vec<(f64, f64)> = ok.iter().map(|p| (p.0, edge(p.1.ci95_high, top))).collect();
            band.extend(ok.iter().rev().map(|p| (p.0, edge(p.1.ci95_low, bottom))));
            chart.draw_series(std::iter::once(Polygon::new(band, palette::SPREAD.mix(0.25).filled())))?;
            chart.draw_series(LineSeries::new(
                ok.iter().map(|p| (p.0, p.1.value)),
                palette::TYPICAL.stroke_width(2),
            ))?;
            chart.draw_series(
                ok.iter()
                    .map(|p| Circle::new((p.0, p.1.value), 4, palette::TYPICAL.filled())),
            )?;
            // Points whose statistic has no place on the axis are marked with what they
            // are, never left out in silence: beyond the horizon above it (drawn), an
            // unknown at the top edge.
            let off: Vec<(usize, &(f64, Estimate))> = points
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.1.value.is_finite())
                .collect();
            let horizon_of = |i: usize| horizons.and_then(|h| h.get(i).copied());
            let marker_y = if no_scale { (lo + hi) / 2.0 } else { top - span * 0.05 };
            // Beyond the horizon: at the top, on a stem rising from the point's horizon
            // ("> 20 days"; a mark just above a horizon of 20 sat below the 28 days of
            // the other points when the horizon was swept).
            let marker_at = |_: usize, _: f64| marker_y;
            for (i, p) in &off {
                if let (Some(h), true) = (horizon_of(*i), p.1.value == f64::INFINITY) {
                    let half = pad.min(0.5 * (x1 - x0 + 2.0 * pad) / points.len().max(1) as f64);
                    chart.draw_series(DashedLineSeries::new(
                        [(p.0 - half, h), (p.0 + half, h)],
                        6,
                        4,
                        palette::CAPACITY.stroke_width(2),
                    ))?;
                    chart.draw_series(DashedLineSeries::new(
                        [(p.0, h), (p.0, marker_y)],
                        3,
                        3,
                        palette::TYPICAL.stroke_width(1),
                    ))?;
                }
            }
            let label_style =
                TextStyle::from(("sans-serif", 13).into_font()).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Left,
                    plotters::style::text_anchor::VPos::Center,
                ));
            // Labels of points in the right half go to their left, so that they stay
            // inside the plot (one at the right edge ran into the legend).
            let left_style =
                TextStyle::from(("sans-serif", 13).into_font()).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Right,
                    plotters::style::text_anchor::VPos::Center,
                ));
            let middle = (x0 + x1) / 2.0;
            // Marks above the drawn horizon are explained by the legend; the others are
            // labelled, each while there are few, else the first (labels of neighbours
            // ran into each other).
            let labelled: Vec<usize> = off
                .iter()
                .filter(|(i, p)| !(p.1.value == f64::INFINITY && horizon_of(*i).is_some()))
                .map(|(i, _)| *i)
                .collect();
            let labelled: Vec<usize> = if labelled.len() > 4 {
                labelled[..1].to_vec()
            } else {
                labelled
            };
            chart.draw_series(off.iter().map(|(i, p)| {
                let (dx, style) = if p.0 > middle && x1 > x0 {
                    (-10, left_style.clone())
                } else {
                    (10, label_style.clone())
                };
                let text = if labelled.contains(i) { off_axis(p.1.value) } else { "" };
                EmptyElement::at((p.0, marker_at(*i, p.1.value)))
                    + TriangleMarker::new((0, 0), 6, palette::TYPICAL.filled())
                    + Text::new(text.to_string(), (dx, 0), style)
            }))?;
            let open = ok.iter().any(|p| p.1.ci95_low.is_nan() || p.1.ci95_high.is_nan());
            let mut legend = vec![
                (format!("{stat} over replications"), Mark::Line(palette::TYPICAL, 2)),
                (
                    if open {
                        format!("95% CI of the {stat} (to the edge: too few replications to bound it)")
                    } else {
                        format!("95% CI of the {stat}")
                    },
                    Mark::Fill(palette::SPREAD, 0.25),
                ),
            ];
            if !beyond.is_empty() {
                let days: Vec<f64> = {
                    let mut d = beyond.clone();
                    d.sort_by(f64::total_cmp);
                    d.dedup();
                    d
                };
                let words: Vec<String> = days.iter().map(|d| fmt_value(*d, unit)).collect();
                legend.push((
                    format!("horizon ({})", words.join(", ")),
                    Mark::Dashed(palette::CAPACITY),
                ));
                legend.push((
                    format!("{stat} beyond the horizon (its stem rises from the horizon)"),
                    Mark::Triangle(palette::TYPICAL),
                ));
            }
            if off.iter().any(|(_, p)| p.1.value.is_nan()) {
                legend.push((
                    format!("{stat} unknown (no place on the axis)"),
                    Mark::Triangle(palette::TYPICAL),
                ));
            }
            if let Some(t) = target {
                chart.draw_series(LineSeries::new(
                    [(x0 - pad, t), (x1 + pad, t)],
                    palette::TARGET.stroke_width(2),
                ))?;
                legend.push((
                    format!("target: {}", fmt_value(t, unit)),
                    Mark::Line(palette::TARGET, 2),
                ));
            }
            draw_legend(&side, &legend)?;
            let tips = points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let y = if p.1.value.is_finite() {
                        p.1.value
                    } else {
                        marker_at(i, p.1.value)
                    };
                    let (x, y) = chart.backend_coord(&(p.0, y));
                    Tip {
                        x0: x - 5,
                        y0: y - 5,
                        x1: x + 5,
                        y1: y + 5,
                        text: format!(
                            "{parameter} = {}: {} (95% CI {} to {})",
                            axis_x.label(p.0),
                            shown(p.1.value, unit),
                            shown(p.1.ci95_low, unit),
                            shown(p.1.ci95_high, unit)
                        ),
                    }
                })
                .collect();
            root.present()?;
            Ok(tips)
        })
    })?;
    Ok(Chart {
        name: format!("sweep-{}-{stat}", stem(&metric.id)),
        title: title.clone(),
        caption: format!(
            "{} ({stat}) and its 95% CI for each value of {parameter}, on the same replications.{}",
            metric.label,
            match (points.iter().any(|p| p.1.value.is_nan()), horizons.is_some()) {
                (true, true) => format!(
                    " \"unknown\": some replications did not get everyone home within the horizon, so the {stat} of the makespan is not known."
                ),
                (true, false) => format!(" \"unknown\": no replication gave a value to take the {stat} of."),
                _ => String::new(),
            }
        ),
        alt,
        png,
        svg,
    })
}

/// A statistic (`stat`) of a metric over a grid of two swept parameters: coloured
/// cells with their values, a colour bar, and the cells that meet `target` outlined
/// (its contour).
pub fn heatmap(
    ax: &crate::experiment::sweep::Axis,
    ay: &crate::experiment::sweep::Axis,
    metric: &MetricInfo,
    stat: &str,
    cells: &[(f64, f64, f64)],
    target: Option<&crate::experiment::Target>,
) -> Result<Chart, Box<dyn Error>> {
    let (px, py) = (ax.path.as_str(), ay.path.as_str());
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
    let unit = metric.unit;
    let t_of = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
    let meets = |v: f64| target.is_some_and(|t| t.met(v));
    let title = format!("{} ({stat})", metric.label);
    let alt = format!(
        "Heatmap of the {stat} of {} for every pair of {px} and {py}, from {} to {}{}.",
        metric.label.to_lowercase(),
        fmt_value(lo, unit),
        fmt_value(hi, unit),
        target.map_or(String::new(), |t| format!("; outlined cells meet {t}"))
    );
    let (nx, ny) = (xs.len() as i32, ys.len() as i32);
    let (png, svg) = render(&alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(
                root,
                side,
                &title,
                80,
                (0..(nx - 1).max(1)).into_segmented(),
                (0..(ny - 1).max(1)).into_segmented()
            );
            let centre = |v: &SegmentValue<i32>, vals: &[f64], a: &crate::experiment::sweep::Axis| match v {
                SegmentValue::CenterOf(i) => vals.get(*i as usize).map_or(String::new(), |x| {
                    if a.is_choice() {
                        a.label(*x)
                    } else {
                        crate::metrics::fmt_param(*x)
                    }
                }),
                _ => String::new(),
            };
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(px)
                .y_desc(py)
                .x_labels(xs.len() * 2 + 1)
                .y_labels(ys.len() * 2 + 1)
                .x_label_formatter(&|v| centre(v, &xs, ax))
                .y_label_formatter(&|v| centre(v, &ys, ay))
                .draw()?;
            let at = |x: f64, y: f64| {
                (
                    xs.iter().position(|&a| a == x).unwrap_or(0) as i32,
                    ys.iter().position(|&b| b == y).unwrap_or(0) as i32,
                )
            };
            let mut tips = Vec::new();
            for &(x, y, v) in cells {
                let (i, j) = at(x, y);
                let color = if v.is_finite() {
                    palette::scale(t_of(v))
                } else {
                    RGBColor(220, 220, 220)
                };
                let corners = [
                    (SegmentValue::Exact(i), SegmentValue::Exact(j)),
                    (SegmentValue::Exact(i + 1), SegmentValue::Exact(j + 1)),
                ];
                chart.draw_series(std::iter::once(Rectangle::new(corners.clone(), color.filled())))?;
                if meets(v) {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        corners.clone(),
                        palette::TARGET.stroke_width(3),
                    )))?;
                }
                let text_color = if v.is_finite() && t_of(v) > 0.55 { WHITE } else { BLACK };
                chart.draw_series(std::iter::once(Text::new(
                    if v == f64::INFINITY {
                        "> horizon".to_string()
                    } else {
                        shown(v, unit)
                    },
                    (SegmentValue::CenterOf(i), SegmentValue::CenterOf(j)),
                    ("sans-serif", 13).into_font().color(&text_color),
                )))?;
                let (a, b) = (chart.backend_coord(&corners[0]), chart.backend_coord(&corners[1]));
                tips.push(Tip {
                    x0: a.0,
                    y0: a.1,
                    x1: b.0,
                    y1: b.1,
                    text: format!("{px} = {}, {py} = {}: {}", ax.label(x), ay.label(y), shown(v, unit)),
                });
            }
            colour_bar(&side, stat, lo, hi, unit, target.map(|t| t.to_string()))?;
            root.present()?;
            Ok(tips)
        })
    })?;
    Ok(Chart {
        name: format!("sweep-heatmap-{}-{stat}", stem(&metric.id)),
        title: title.clone(),
        caption: format!(
            "{} ({stat}) for each pair of {px} and {py} (light low, dark high), on the same replications{}.",
            metric.label,
            target.map_or(String::new(), |t| format!(
                "; cells outlined in black meet the target {t}"
            ))
        ),
        alt,
        png,
        svg,
    })
}

/// A vertical colour bar from `lo` (bottom) to `hi` (top) in the legend panel.
fn colour_bar<DB: DrawingBackend>(
    side: &DrawingArea<DB, Shift>,
    stat: &str,
    lo: f64,
    hi: f64,
    unit: Unit,
    target: Option<String>,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let (top, bottom, x0, x1) = (80, 460, 20, 50);
    let steps = 60;
    for s in 0..steps {
        let t = 1.0 - s as f64 / steps as f64;
        let y = top + (bottom - top) * s / steps;
        let y2 = top + (bottom - top) * (s + 1) / steps;
        side.draw(&Rectangle::new([(x0, y), (x1, y2)], palette::scale(t).filled()))?;
    }
    let style = ("sans-serif", 14).into_font().color(&BLACK);
    if lo.is_finite() && hi.is_finite() {
        side.draw(&Text::new(fmt_value(hi, unit), (x1 + 8, top - 6), style.clone()))?;
        side.draw(&Text::new(fmt_value(lo, unit), (x1 + 8, bottom - 8), style.clone()))?;
    } else {
        // No cell has a value: the bar has no scale to give ("-inf" at its top).
        side.draw(&Text::new(
            "no cell has a value".to_string(),
            (x1 + 8, top - 6),
            style.clone(),
        ))?;
    }
    side.draw(&Text::new(stat.to_string(), (x0, top - 30), style.clone()))?;
    if let Some(t) = target {
        side.draw(&Rectangle::new(
            [(x0, bottom + 30), (x1, bottom + 50)],
            palette::TARGET.stroke_width(3),
        ))?;
        side.draw(&Text::new(
            "meets the target:".to_string(),
            (x1 + 8, bottom + 32),
            style.clone(),
        ))?;
        for (i, line) in super::wrap(&t, 24).into_iter().enumerate() {
            side.draw(&Text::new(line, (x0, bottom + 60 + 17 * i as i32), style.clone()))?;
        }
    }
    Ok(())
}
