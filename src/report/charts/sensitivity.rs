//! The chart of a sensitivity study: per statistic, each parameter's total effect as a
//! bar with its 95% interval, and its first-order index as a narrower bar inside it,
//! most important at the top (Sobol); or mu* with sigma (Morris).

use super::palette;
use super::*;
use crate::experiment::sensitivity::{Method, MetricEffects};

/// One chart for the effects on one statistic.
pub fn sensitivity_chart(method: Method, m: &MetricEffects) -> Result<Chart, Box<dyn Error>> {
    let n = m.parameters.len();
    let sobol = method == Method::Sobol;
    let value = |i: usize| {
        let p = &m.parameters[i];
        if sobol {
            p.total.unwrap_or(0.0)
        } else {
            p.mu_star.unwrap_or(0.0)
        }
    };
    let high = |i: usize| {
        let p = &m.parameters[i];
        if sobol {
            p.total_ci95.map_or(value(i), |c| c[1])
        } else {
            value(i) + p.sigma.unwrap_or(0.0)
        }
    };
    let top = (0..n)
        .map(high)
        .fold(0.0f64, f64::max)
        .max(if sobol { 1.0 } else { 1e-9 });
    let low = if sobol {
        m.parameters
            .iter()
            .flat_map(|p| {
                [
                    p.first_order_ci95.map_or(0.0, |c| c[0]),
                    p.total_ci95.map_or(0.0, |c| c[0]),
                ]
            })
            .fold(0.0f64, f64::min)
    } else {
        0.0
    };
    let beyond_one = sobol
        && m.parameters
            .iter()
            .any(|p| p.total.unwrap_or(0.0) > 1.0 || p.first_order.unwrap_or(0.0) > 1.0);
    let title = if sobol {
        format!("What drives {}: Sobol indices", m.metric)
    } else {
        format!("What drives {}: Morris screening", m.metric)
    };
    let label = |i: usize| {
        let p = &m.parameters[i];
        format!("{}{}", p.path, if p.within_noise { " (within noise)" } else { "" })
    };
    let alt = format!(
        "{title}: {}.{}",
        (0..n)
            .map(|i| format!("{} {}", label(i), fmt_num(value(i))))
            .collect::<Vec<_>>()
            .join(", "),
        if beyond_one {
            " A share cannot pass 1: estimates above it are sampling error of a small design (more --samples narrow them)."
        } else {
            ""
        }
    );
    // Parameters from the top (most important) down: row i is drawn at y = n - 1 - i.
    let y_of = |i: usize| (n - 1 - i) as f64;
    let (png, svg) = render(&alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(
                root,
                side,
                &title,
                330,
                (low.min(0.0))..(top * 1.08),
                -0.6..(n as f64 - 0.4)
            );
            chart
                .configure_mesh()
                .x_desc(if sobol {
                    "share of the statistic's variance"
                } else {
                    "mean absolute change, scaled to the whole range (mu*)"
                })
                .y_labels(n)
                .y_label_formatter(&|y| {
                    let r = y.round();
                    if (y - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < n {
                        label(n - 1 - r as usize)
                    } else {
                        String::new()
                    }
                })
                .x_label_formatter(&|v| fmt_num(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            let mut tips = Vec::new();
            for i in 0..n {
                let p = &m.parameters[i];
                let y = y_of(i);
                let colour = if p.within_noise {
                    palette::OTHER
                } else {
                    palette::SPREAD
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.35), (value(i), y + 0.35)],
                    colour.mix(0.6).filled(),
                )))?;
                if sobol {
                    let f = p.first_order.unwrap_or(0.0);
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - 0.15), (f.max(0.0), y + 0.15)],
                        palette::TYPICAL.filled(),
                    )))?;
                }
                let (lo, hi) = if sobol {
                    p.total_ci95.map_or((value(i), value(i)), |c| (c[0], c[1]))
                } else {
                    (value(i), high(i))
                };
                chart.draw_series(LineSeries::new([(lo, y), (hi, y)], BLACK.stroke_width(2)))?;
                for x in [lo, hi] {
                    chart.draw_series(LineSeries::new([(x, y - 0.12), (x, y + 0.12)], BLACK.stroke_width(2)))?;
                }
                let (x0, y0) = chart.backend_coord(&(0.0, y + 0.35));
                let (x1, y1) = chart.backend_coord(&(value(i).max(hi), y - 0.35));
                tips.push(Tip {
                    x0,
                    y0,
                    x1,
                    y1,
                    text: if sobol {
                        format!(
                            "{}: total {} (95% CI {} to {}), first-order {}",
                            label(i),
                            fmt_num(value(i)),
                            fmt_num(lo),
                            fmt_num(hi),
                            fmt_num(p.first_order.unwrap_or(f64::NAN))
                        )
                    } else {
                        format!(
                            "{}: mu* {}, sigma {}",
                            label(i),
                            fmt_num(value(i)),
                            fmt_num(p.sigma.unwrap_or(f64::NAN))
                        )
                    },
                });
            }
            // A share cannot pass 1: past it, an estimate shows the design's sampling
            // error, said on the chart, not left to read as "more than all of it".
            if beyond_one {
                for k in 0..12 {
                    let (a, b) = (k as f64 / 12.0, (k as f64 + 0.5) / 12.0);
                    let y = |t: f64| -0.6 + t * n as f64;
                    chart.draw_series(LineSeries::new([(1.0, y(a)), (1.0, y(b))], BLACK.stroke_width(1)))?;
                }
            }
            let legend = if sobol {
                let mut l = vec![
                    ("total effect".to_string(), Mark::Fill(palette::SPREAD, 0.6)),
                    ("first-order".to_string(), Mark::Fill(palette::TYPICAL, 1.0)),
                    ("95% CI of the total".to_string(), Mark::Line(BLACK, 2)),
                    ("within noise".to_string(), Mark::Fill(palette::OTHER, 0.6)),
                ];
                if beyond_one {
                    l.push((
                        "1: all of the variance; beyond it, sampling error (more --samples)".to_string(),
                        Mark::Dashed(BLACK),
                    ));
                }
                l
            } else {
                vec![
                    ("mu*".to_string(), Mark::Fill(palette::SPREAD, 0.6)),
                    ("mu* + sigma".to_string(), Mark::Line(BLACK, 2)),
                    ("within noise".to_string(), Mark::Fill(palette::OTHER, 0.6)),
                ]
            };
            draw_legend(&side, &legend)?;
            root.present()?;
            Ok(tips)
        })
    })?;
    let stem: String = m
        .metric
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    Ok(Chart {
        name: format!("sensitivity-{stem}"),
        title: title.clone(),
        caption: if sobol {
            format!(
                "Share of the variance of {} due to each parameter over its range: total effect (with its 95% CI) and first-order.",
                m.metric
            )
        } else {
            format!(
                "Mean absolute change of {} when each parameter moves over its range (mu*), and its spread (sigma).",
                m.metric
            )
        },
        alt,
        png,
        svg,
    })
}
