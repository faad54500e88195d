//! The makespan chart of a run: the distribution of the day everyone is home over the
//! replications, with its mean, median and 90th percentile (the unfinished counted as
//! later than the horizon) and the target day.

use super::palette;
use super::run::push;
use super::*;
use crate::experiment::Batch;
use crate::metrics::{MetricKey, Stat, fmt_quantity};
use crate::stats::quantile_inverted_cdf;

/// The makespan distribution: a histogram with the mean, median, 90th percentile and
/// the target day.
pub(super) fn makespan(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let Some(i) = batch.catalogue.index(MetricKey::overall(Stat::MakespanDays)) else {
        return Ok(());
    };
    let mut xs: Vec<f64> = batch.column(i).into_iter().filter(|x| x.is_finite()).collect();
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        return Ok(());
    }
    // "days until everyone is home or slipped away" where people can slip away (as the
    // table's label says).
    let what = format!("days until {}", crate::metrics::catalogue::everyone_is_home(sc));
    let title = format!("{}: {what}", sc.name);
    // The median and P90 count unfinished replications as later than the horizon (as
    // the table and the findings do): +inf when they fall among them.
    let unfinished = batch.len() - xs.len();
    let (p50, p90) = censored_median_p90(&xs, unfinished);
    let beyond = || "beyond the horizon".to_string();
    let date = |x: f64| if x.is_finite() { date_of(sc.start, x) } else { beyond() };
    let days = |x: f64| {
        if x.is_finite() {
            format!("{} days", crate::metrics::fmt_num(x))
        } else {
            beyond()
        }
    };
    let counted = if unfinished > 0 {
        format!("; the median and 90th percentile count the other {unfinished} as later than the horizon")
    } else {
        String::new()
    };
    let caption = format!(
        "{}, over the {} of {} replications that finished{counted}; mean, median and 90th percentile ({}) marked{}.",
        crate::metrics::catalogue::capitalized(&what),
        xs.len(),
        batch.len(),
        date(p90),
        sc.target_days.map_or(String::new(), |t| format!(
            ", and the target ({})",
            date_of(sc.start, t)
        ))
    );
    let alt = format!(
        "Histogram of {what}: median {}, 90th percentile {}.",
        days(p50),
        days(p90)
    );
    let drawn = makespan_chart(&title, &what, &alt, &xs, unfinished, sc.target_days, sc.start)?;
    push(out, "makespan".into(), title, caption, alt, drawn);
    Ok(())
}

/// The median and 90th percentile of finished makespans `xs` (sorted) and `unfinished`
/// replications counted as later than every one of them (+inf where they fall).
fn censored_median_p90(xs: &[f64], unfinished: usize) -> (f64, f64) {
    let all: Vec<f64> = xs
        .iter()
        .copied()
        .chain(std::iter::repeat_n(f64::INFINITY, unfinished))
        .collect();
    (quantile_inverted_cdf(&all, 0.5), quantile_inverted_cdf(&all, 0.9))
}

/// The histogram; `what` names the quantity on the x axis.
fn makespan_chart(
    title: &str,
    what: &str,
    alt: &str,
    xs: &[f64],
    unfinished: usize,
    target: Option<f64>,
    start: chrono::NaiveDateTime,
) -> Result<(Vec<u8>, String), Box<dyn Error>> {
    let (lo, hi) = (xs[0], xs[xs.len() - 1]);
    let (lo, hi) = match target {
        Some(t) => (lo.min(t), hi.max(t)),
        None => (lo, hi),
    };
    // At least an hour wide, centred on the values: a makespan the same (or nearly) in
    // every replication is one bar in the middle, on an axis whose ticks differ.
    // (The middle of the window is the middle of a bin, so a single value is not drawn
    // on a bin's edge.)
    const HOUR_DAYS: f64 = 1.0 / 24.0;
    let bins = 30usize;
    let (lo, hi) = if hi - lo < HOUR_DAYS {
        let (mid, w) = ((lo + hi) / 2.0, HOUR_DAYS / bins as f64);
        (mid - 15.5 * w, mid + 14.5 * w)
    } else {
        (lo, hi)
    };
    let span = hi - lo;
    let width = span / bins as f64;
    let mut counts = vec![0u32; bins];
    for &x in xs {
        counts[(((x - lo) / width) as usize).min(bins - 1)] += 1;
    }
    let max_count = *counts.iter().max().unwrap_or(&1);
    let y_max = f64::from(max_count) * 1.15;
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let (p50, p90) = censored_median_p90(xs, unfinished);
    let (x0, x1) = (lo - width, hi + width);
    render(alt, &|area| {
        on_area!(area, |root| {
            let side;
            let mut chart = frame!(root, side, title, 70, x0..x1, 0f64..y_max);
            chart
                .configure_mesh()
                .x_desc(what)
                .y_desc("replications")
                .x_label_formatter(&|v| tick(*v, x1 - x0))
                // Replications are whole: no tick between two counts (with a handful of
                // replications the axis read "0.800 replications").
                .y_labels((max_count as usize + 1).min(10))
                .y_label_formatter(&|v| {
                    if v.fract() == 0.0 { axis(*v) } else { String::new() }
                })
                .light_line_style(WHITE.mix(0.0))
                .draw()?;
            chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let a = lo + i as f64 * width;
                Rectangle::new([(a, 0.0), (a + width, f64::from(c))], palette::SPREAD.mix(0.7).filled())
            }))?;
            let mut legend = vec![("replications per bin".to_string(), Mark::Fill(palette::SPREAD, 0.7))];
            let finished = if unfinished > 0 { " of the finished" } else { "" };
            let mut marks = vec![(
                mean,
                format!("mean{finished}: {}", crate::metrics::fmt_num(mean)),
                palette::TYPICAL,
            )];
            // A percentile beyond the horizon has no place on the axis: said, not drawn.
            let mut beyond = Vec::new();
            for (x, name, color, dated) in [
                (p50, "median", RGBColor(44, 160, 44), false),
                (p90, "90th percentile", palette::CAPACITY, true),
            ] {
                if x.is_finite() {
                    let when = if dated {
                        format!(" ({})", date_of(start, x))
                    } else {
                        String::new()
                    };
                    marks.push((x, format!("{name}: {}{when}", crate::metrics::fmt_num(x)), color));
                } else {
                    beyond.push((
                        format!(
                            "{name}: beyond the horizon ({} unfinished)",
                            fmt_quantity(unfinished as u64, "replication")
                        ),
                        Mark::Fill(WHITE, 0.0),
                    ));
                }
            }
            if let Some(t) = target {
                marks.push((
                    t,
                    format!("target: day {} ({})", crate::metrics::fmt_num(t), date_of(start, t)),
                    palette::TARGET,
                ));
            }
            for (x, label, color) in marks {
                chart.draw_series(LineSeries::new([(x, 0.0), (x, y_max)], color.stroke_width(2)))?;
                legend.push((label, Mark::Line(color, 2)));
            }
            legend.extend(beyond);
            draw_legend(&side, &legend)?;
            let tips = counts
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    let a = lo + i as f64 * width;
                    let (p, q) = (
                        chart.backend_coord(&(a, f64::from(c))),
                        chart.backend_coord(&(a + width, 0.0)),
                    );
                    Tip {
                        x0: p.0,
                        y0: p.1,
                        x1: q.0,
                        y1: q.1,
                        text: format!(
                            "{} to {} days: {}",
                            crate::metrics::fmt_num(a),
                            crate::metrics::fmt_num(a + width),
                            fmt_quantity(c as u64, "replication")
                        ),
                    }
                })
                .collect();
            root.present()?;
            Ok(tips)
        })
    })
}

/// A tick label on an axis `span` wide (about ten ticks): as many decimals as tell the
/// ticks apart (2.445, 2.450, 2.455 on an hour-wide axis, where three significant
/// digits would repeat 2.45), [`crate::metrics::fmt_num`] where that already does.
fn tick(v: f64, span: f64) -> String {
    let needed = (-(span / 10.0).log10()).ceil().max(0.0) as usize;
    let shown = crate::metrics::fmt_num(v);
    let has = shown.split_once('.').map_or(0, |(_, f)| f.len());
    if needed > has && needed <= 6 {
        format!("{v:.needed$}")
    } else {
        shown
    }
}
