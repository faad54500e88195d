//! The charts of the study commands: two runs overlaid (`compare`), a metric against a
//! parameter (`sweep`), and a metric over two parameters (a heatmap).

use super::*;
use crate::experiment::Batch;
use crate::metrics::{SeriesKey, fmt_num};
use std::error::Error;

/// People home over time in two runs, overlaid: each median with its 90% band.
pub fn compare_chart(a: &Batch, b: &Batch, label_a: &str, label_b: &str) -> Result<Chart, Box<dyn Error>> {
    let home = |batch: &Batch| {
        let ts = &batch.timeseries;
        ts.spec
            .sources
            .iter()
            .position(|s| *s == SeriesKey::Home)
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
