//! The charts of a run: people home over time, occupancy of every capacity-limited
//! place and border holding, the makespan distribution, where the time goes,
//! utilisation, and evasion.

use super::*;
use crate::experiment::Batch;
use crate::metrics::{MetricKey, SeriesKey, Stat, TimeUse, fmt_num};
use crate::report::waiting::{WaitKind, waiting_by_stage};
use crate::scenario::SiteKind;
use crate::stats::quantile_sorted;
use std::error::Error;

fn mean(batch: &Batch, key: MetricKey) -> f64 {
    batch.mean_of(key)
}

/// One row per cohort for a stacked chart: the mean of the metric `key(cohort, part)`
/// for each part, missing or negative means drawn as zero (`f64::max` drops a NaN).
fn cohort_rows<T>(batch: &Batch, parts: &[T], key: impl Fn(u16, &T) -> MetricKey) -> Vec<(String, Vec<f64>)> {
    batch
        .scenario()
        .cohorts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let values = parts.iter().map(|x| mean(batch, key(i as u16, x)).max(0.0)).collect();
            (c.name.clone(), values)
        })
        .collect()
}

/// Adds a chart to the list.
fn push(out: &mut Vec<Chart>, name: String, title: String, caption: String, (png, svg): (Vec<u8>, String)) {
    out.push(Chart {
        name,
        title,
        caption,
        png,
        svg,
    });
}

/// Every chart for `batch`, in report order.
pub fn charts(batch: &Batch) -> Result<Vec<Chart>, Box<dyn Error>> {
    let mut out = Vec::new();
    people_home(batch, &mut out)?;
    occupancy_and_holding(batch, &mut out)?;
    makespan(batch, &mut out)?;
    time_use(batch, &mut out)?;
    utilization(batch, &mut out)?;
    evasion(batch, &mut out)?;
    Ok(out)
}

/// People home over time, against the target day if one is set.
fn people_home(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let ts = &batch.timeseries;
    if let Some(j) = ts.spec.sources.iter().position(|s| *s == SeriesKey::Home) {
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
            out,
            "people-home".into(),
            title.clone(),
            caption,
            band_chart(&title, "people home", &b, None, sc.target_days)?,
        );
    }
    Ok(())
}

/// Occupancy of every bed-limited site, and people held at borders for beds.
fn occupancy_and_holding(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let ts = &batch.timeseries;
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
            SeriesKey::SiteOccupancy(s) => {
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
            SeriesKey::LegHolding(l) => holding(&sc.legs[l as usize].name, "off"),
            SeriesKey::CheckpointHolding(k) => holding(&sc.checkpoints[k as usize].name, "through"),
            _ => continue,
        };
        let b = bands(ts, j);
        push(
            out,
            name,
            label.clone(),
            caption,
            band_chart(&label, "people", &b, capacity, None)?,
        );
    }
    Ok(())
}

/// The distribution of days until everyone is home.
fn makespan(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    if let Some(i) = batch.catalogue.index(MetricKey::overall(Stat::MakespanDays)) {
        let mut xs: Vec<f64> = batch.column(i).into_iter().filter(|x| x.is_finite()).collect();
        xs.sort_by(f64::total_cmp);
        if !xs.is_empty() {
            let title = format!("{}: days until everyone is home", sc.name);
            let caption = format!(
                "Days until the last person is home, over the {} of {} replications that finished; mean, median and 90th percentile marked.",
                xs.len(),
                batch.len()
            );
            push(
                out,
                "makespan".into(),
                title.clone(),
                caption,
                makespan_chart(&title, &xs)?,
            );
        }
    }
    Ok(())
}

/// Where the time goes, per cohort.
fn time_use(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let uses: Vec<TimeUse> = TimeUse::ALL
        .into_iter()
        .filter(|u| {
            sc.cohorts
                .iter()
                .enumerate()
                .any(|(i, _)| mean(batch, MetricKey::cohort(i as u16, Stat::MeanHours(*u))) > 0.0)
        })
        .collect();
    if !uses.is_empty() {
        let rows = cohort_rows(batch, &uses, |c, u| MetricKey::cohort(c, Stat::MeanHours(*u)));
        let title = format!("{}: where the time goes", sc.name);
        let caption =
            "Mean hours per person of each cohort, by what they were doing, from notice or release until home."
                .to_string();
        let parts: Vec<String> = uses.iter().map(|u| u.as_str().replace('_', " ")).collect();
        push(
            out,
            "time-use".into(),
            title.clone(),
            caption,
            stacked(&title, "hours per person (mean)", &rows, &parts, None, None)?,
        );
    }
    Ok(())
}

/// Utilisation of booths, seats and beds, sorted, the bottleneck highlighted.
fn utilization(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    let mut util: Vec<(String, f64)> = Vec::new();
    for (i, k) in sc.checkpoints.iter().enumerate() {
        util.push((
            format!("checkpoint {}", k.name),
            mean(batch, MetricKey::checkpoint(i as u16, Stat::Utilization)),
        ));
    }
    for (i, l) in sc.legs.iter().enumerate() {
        util.push((
            format!("leg {} (seats)", l.name),
            mean(batch, MetricKey::leg(i as u16, Stat::SeatUtilization)),
        ));
    }
    for (i, s) in sc.sites.iter().enumerate().filter(|(_, s)| s.beds.is_some()) {
        util.push((
            format!("site {} (beds)", s.name),
            mean(batch, MetricKey::site(i as u16, Stat::BedUtilization)),
        ));
    }
    util.retain(|u| u.1.is_finite());
    util.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if !util.is_empty() {
        // The bottleneck: the stage people wait for longest in total.
        let bottleneck = waiting_by_stage(batch).first().and_then(|w| {
            let label = match w.kind {
                WaitKind::Site => format!("site {} (beds)", w.stage),
                WaitKind::Leg => format!("leg {} (seats)", w.stage),
                WaitKind::Checkpoint => format!("checkpoint {}", w.stage),
                WaitKind::Approvals => return None,
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
            out,
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
    Ok(())
}

/// People who slipped away, by cohort and category (when people get notice).
fn evasion(batch: &Batch, out: &mut Vec<Chart>) -> Result<(), Box<dyn Error>> {
    let sc = batch.scenario();
    if batch.catalogue.index(MetricKey::overall(Stat::Evaded)).is_some() {
        let cats: Vec<&str> = sc.categories.iter().map(|c| c.name.as_str()).collect();
        let rows = cohort_rows(batch, &cats, |c, g| {
            let g = sc.categories.iter().position(|x| x.name == *g).unwrap_or(0);
            MetricKey::cohort(c, Stat::EvadedOf(g as u16))
        });
        let title = format!("{}: people who slipped away", sc.name);
        let caption = format!(
            "Mean number of people evading before pickup, by cohort and category ({} on average in all).",
            fmt_num(mean(batch, MetricKey::overall(Stat::Evaded)))
        );
        let parts: Vec<String> = cats.iter().map(|s| s.to_string()).collect();
        push(
            out,
            "evasion".into(),
            title.clone(),
            caption,
            stacked(&title, "people evaded (mean)", &rows, &parts, None, None)?,
        );
    }
    Ok(())
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
