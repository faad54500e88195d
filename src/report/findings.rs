//! Sentences a planner can act on, computed from the results.

use super::waiting::limiting_stage;
use crate::experiment::Batch;
use crate::metrics::{MetricKey, Scope, SeriesKey, Stat, fmt_num};

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Sentences a planner can act on, computed from the results.
pub fn findings(batch: &Batch) -> Vec<String> {
    let sc = batch.scenario();
    let mut out = Vec::new();
    let n = batch.len();
    let (all_home, _, stalled) = batch.end_counts();
    if let Some(m) = batch.summary_of(MetricKey::overall(Stat::MakespanDays))
        && m.n > 0
    {
        let mut s = format!(
            "Everyone is home after {} days on average (95% CI {} to {}); in 90% of replications by day {}.",
            fmt_num(m.mean),
            fmt_num(m.ci95_low),
            fmt_num(m.ci95_high),
            fmt_num(quantile_of_metric(batch, MetricKey::overall(Stat::MakespanDays), 0.9))
        );
        if all_home < n {
            s.push_str(&format!(
                " (Over the {all_home} of {n} replications that got everyone home.)"
            ));
        }
        out.push(s);
        if let Some(t) = sc.target_days {
            let col = batch.column(
                batch
                    .catalogue
                    .index(MetricKey::overall(Stat::MakespanDays))
                    .expect("checked"),
            );
            let met = col.iter().filter(|x| x.is_finite() && **x <= t).count();
            out.push(format!(
                "{} of replications finish by the target of day {}.",
                pct(met as f64 / n as f64),
                fmt_num(t)
            ));
        }
    } else {
        out.push(format!(
            "In none of {n} replications is everyone home within the {}-day horizon.",
            fmt_num(sc.horizon_hours / 24.0)
        ));
    }
    if stalled > 0 {
        out.push(format!("{stalled} of {n} replications stall: people are stuck where nothing can move them (see the summary's list)."));
    }
    // The bed-limited site that is full the largest share of the time it is in use.
    let ts = &batch.timeseries;
    let mut best: Option<(String, f64, f64, f64)> = None;
    for (j, src) in ts.spec.sources.iter().enumerate() {
        let SeriesKey::SiteOccupancy(s) = *src else { continue };
        let site = &sc.sites[s as usize];
        let Some(beds) = site.beds else { continue };
        let med: Vec<(f64, f64)> = (0..ts.spec.points)
            .map(|k| (ts.spec.time_hours(k) / 24.0, ts.quantile(k, j, 0.5)))
            .collect();
        let (Some(first), Some(last)) = (med.iter().position(|p| p.1 > 0.0), med.iter().rposition(|p| p.1 > 0.0))
        else {
            continue;
        };
        let window = &med[first..=last];
        let full = window.iter().filter(|p| p.1 >= f64::from(beds)).count() as f64 / window.len() as f64;
        if best.as_ref().is_none_or(|b| full > b.1) {
            best = Some((site.name.clone(), full, window[0].0, window[window.len() - 1].0));
        }
    }
    if let Some((name, full, a, b)) = best {
        if full >= 0.5 {
            out.push(format!(
                "`{name}` is full {} of the time between day {} and day {}: it sets the pace.",
                pct(full),
                fmt_num(a),
                fmt_num(b)
            ));
        } else {
            out.push(format!(
                "No bed-limited site is full most of the time it is in use; the fullest, `{name}`, is full {} of the time between day {} and day {}.",
                pct(full),
                fmt_num(a),
                fmt_num(b)
            ));
        }
    }
    if let Some((name, idle)) = sc
        .checkpoints
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            batch
                .summary_of(MetricKey::checkpoint(i as u16, Stat::Utilization))
                .map(|s| (k.name.clone(), 1.0 - s.mean))
        })
        .filter(|(_, idle)| idle.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))
    {
        out.push(format!(
            "`{name}` is idle {} of its open hours.",
            pct(idle.clamp(0.0, 1.0))
        ));
    }
    if let Some(line) = limiting_stage(batch) {
        out.push(line);
    }
    if let Some(e) = batch.summary_of(MetricKey::overall(Stat::Evaded))
        && e.mean > 0.0
    {
        let top = sc
            .categories
            .iter()
            .enumerate()
            .filter_map(|(g, c)| {
                batch
                    .summary_of(MetricKey::category(g as u16, Stat::Evaded))
                    .map(|s| (c.name.clone(), s.mean))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let mut s = format!(
            "On average {} people ({} of everyone notified) slip away before pickup",
            fmt_num(e.mean),
            pct(e.mean / sc.population() as f64)
        );
        if let Some((cat, m)) = top
            && m > 0.0
        {
            s.push_str(&format!("; most of them `{cat}`"));
        }
        s.push('.');
        out.push(s);
    }
    let cost = |stat| batch.summary_of(MetricKey::new(Scope::Cost, stat));
    if let (Some(total), Some(per)) = (cost(Stat::Total), cost(Stat::PerPersonHome)) {
        let unit = if sc.currency.is_empty() {
            String::new()
        } else {
            format!(" {}", sc.currency)
        };
        out.push(format!(
            "The plan costs {}{unit} on average (95% CI {} to {}), {}{unit} per person home.",
            fmt_num(total.mean),
            fmt_num(total.ci95_low),
            fmt_num(total.ci95_high),
            fmt_num(per.mean)
        ));
    }
    out
}

fn quantile_of_metric(batch: &Batch, key: MetricKey, q: f64) -> f64 {
    let mut xs: Vec<f64> = batch
        .catalogue
        .index(key)
        .map(|i| batch.column(i))
        .unwrap_or_default()
        .into_iter()
        .filter(|x| x.is_finite())
        .collect();
    xs.sort_by(f64::total_cmp);
    crate::stats::quantile_sorted(&xs, q)
}
