//! The chart of `repatsim fit`: the data's histogram as a density, with the density of
//! each of the best fits over it, so the table's ranking can be seen.

use super::palette;
use super::*;
use crate::stats::fit::{Fitted, density, toml_value};

/// The histogram of `xs` (sorted) with the densities of `fits` (best first; the first
/// three are drawn).
pub fn fit_chart(title: &str, xs: &[f64], fits: &[Fitted]) -> Result<Chart, Box<dyn Error>> {
    let n = xs.len();
    let (lo, hi) = (xs[0], xs[n - 1]);
    let span = (hi - lo).max(1e-9);
    let bins = ((n as f64).sqrt().ceil() as usize).clamp(5, 60);
    let width = span / bins as f64;
    let mut counts = vec![0usize; bins];
    for &x in xs {
        counts[(((x - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let heights: Vec<f64> = counts.iter().map(|&c| c as f64 / (n as f64 * width)).collect();
    // Durations: the axis starts at zero or just left of the data, whichever is later.
    let (x0, x1) = ((lo - span * 0.05).max(0.0), hi + span * 0.05);
    let drawn: Vec<&Fitted> = fits.iter().take(3).collect();
    let grid: Vec<f64> = (0..=300).map(|i| x0 + (x1 - x0) * f64::from(i) / 300.0).collect();
    let curves: Vec<Vec<(f64, f64)>> = drawn
        .iter()
        .map(|f| {
            grid.iter()
                .map(|&x| (x, density(&f.spec, x)))
                .filter(|p| p.1.is_finite())
                .collect()
        })
        .collect();
    let top = heights
        .iter()
        .copied()
        .chain(curves.iter().flatten().map(|p| p.1))
        .fold(0.0f64, f64::max)
        .max(1e-12);
    // Densities of a triangular or uniform fit can spike at an end: cap the axis at
    // twice the histogram's top so the data stay readable (the alt text says so).
    let hist_top = heights.iter().copied().fold(0.0f64, f64::max);
    let y_max = top.min(2.0 * hist_top).max(hist_top) * 1.1;
    let colours = [palette::BOTTLENECK, palette::TYPICAL, RGBColor(44, 160, 44)];
    let alt = format!(
        "{title}: histogram of {n} values from {} to {}, with the densities of the best fits by AIC: {}.",
        fmt_num(lo),
        fmt_num(hi),
        drawn
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{}. {} (AIC {})", i + 1, toml_value(&f.spec), fmt_num(f.aic)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let (png, svg) = render(&alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(root, side, title, 70, x0..x1, 0f64..y_max);
            chart
                .configure_mesh()
                .x_desc("value (the data's unit)")
                .y_desc("density")
                .x_label_formatter(&|v| fmt_num(*v))
                .y_label_formatter(&|v| fmt_num(*v))
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            chart.draw_series(heights.iter().enumerate().map(|(i, &h)| {
                let a = lo + i as f64 * width;
                Rectangle::new([(a, 0.0), (a + width, h.min(y_max))], palette::OTHER.mix(0.8).filled())
            }))?;
            let mut legend = vec![(format!("data ({n} values)"), Mark::Fill(palette::OTHER, 0.8))];
            for (i, (f, curve)) in drawn.iter().zip(&curves).enumerate() {
                let c = colours[i % colours.len()];
                chart.draw_series(LineSeries::new(
                    curve.iter().map(|&(x, y)| (x, y.min(y_max))),
                    c.stroke_width(if i == 0 { 3 } else { 2 }),
                ))?;
                legend.push((format!("{}. {}", i + 1, short_name(&f.spec)), Mark::Line(c, 2)));
            }
            draw_legend(&side, &legend)?;
            let tips = counts
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let a = lo + i as f64 * width;
                    let (x0, y0) = chart.backend_coord(&(a, heights[i].min(y_max)));
                    let (x1, y1) = chart.backend_coord(&(a + width, 0.0));
                    Tip {
                        x0,
                        y0,
                        x1,
                        y1,
                        text: format!("{} to {}: {c} values", fmt_num(a), fmt_num(a + width)),
                    }
                })
                .collect();
            root.present()?;
            Ok(tips)
        })
    })?;
    Ok(Chart {
        name: "fit".into(),
        title: title.to_string(),
        caption: "The data as a density histogram, with the densities of the three best fits by AIC (the first drawn thickest).".into(),
        alt,
        png,
        svg,
    })
}

/// The family and parameters in a few words, for the legend.
fn short_name(spec: &crate::engine::DistSpec) -> String {
    toml_value(spec)
        .replace("{ dist = \"", "")
        .replace("\", ", " ")
        .replace(" }", "")
}
