//! `report.html`: one self-contained page (charts inline as SVG, no network needed) with
//! the scenario, plain-language findings computed from the results, a summary table with
//! confidence intervals, and every chart with a caption.

use super::charts::Chart;
use super::{fmt_num, limiting_stage};
use crate::experiment::Batch;
use crate::model::SeriesSource;
use crate::stats::Summary;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Sentences a planner can act on, computed from the results.
pub fn findings(batch: &Batch) -> Vec<String> {
    let sc = batch.scenario();
    let mut out = Vec::new();
    let n = batch.len();
    let (all_home, _, stalled) = batch.end_counts();
    if let Some(m) = batch.summary("makespan_days")
        && m.n > 0
    {
        let mut s = format!(
            "Everyone is home after {} days on average (95% CI {} to {}); in 90% of replications by day {}.",
            fmt_num(m.mean),
            fmt_num(m.ci95_low),
            fmt_num(m.ci95_high),
            fmt_num(quantile_of_metric(batch, "makespan_days", 0.9))
        );
        if all_home < n {
            s.push_str(&format!(
                " (Over the {all_home} of {n} replications that got everyone home.)"
            ));
        }
        out.push(s);
        if let Some(t) = sc.target_days {
            let col = batch.column(batch.metric_index("makespan_days").expect("checked"));
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
        let SeriesSource::SiteOccupancy(s) = *src else { continue };
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
        .filter_map(|k| {
            batch
                .summary(&format!("checkpoint.{}.utilization", k.name))
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
    if let Some(e) = batch.summary("evaded")
        && e.mean > 0.0
    {
        let top = sc
            .categories
            .iter()
            .filter_map(|c| {
                batch
                    .summary(&format!("category.{}.evaded", c.name))
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
    if let (Some(total), Some(per)) = (batch.summary("cost.total"), batch.summary("cost.per_person_home")) {
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

fn quantile_of_metric(batch: &Batch, name: &str, q: f64) -> f64 {
    let mut xs: Vec<f64> = batch
        .metric_index(name)
        .map(|i| batch.column(i))
        .unwrap_or_default()
        .into_iter()
        .filter(|x| x.is_finite())
        .collect();
    xs.sort_by(f64::total_cmp);
    crate::stats::quantile_sorted(&xs, q)
}

/// The metrics of the summary table: the overall ones and each cohort's, site's,
/// checkpoint's and leg's headline figures; every other metric sits in a folded table.
fn headline(name: &str) -> bool {
    !name.contains('.')
        || name.starts_with("cost.")
        || name.ends_with(".mean_door_to_door_days")
        || name.ends_with(".p90_door_to_door_days")
        || name.ends_with(".evaded")
        || name.ends_with(".peak_occupancy")
        || name.ends_with(".bed_utilization")
        || name.ends_with(".mean_bed_wait_hours")
        || name.ends_with(".mean_wait_hours")
        || name.ends_with(".utilization")
        || name.ends_with(".seat_utilization")
        || name.ends_with(".peak_holding")
}

fn table(rows: &[&(String, Summary)]) -> String {
    let mut t = String::from(
        "<table><thead><tr><th>metric</th><th>mean</th><th>95% CI</th><th>p5</th><th>p50</th><th>p95</th></tr></thead><tbody>\n",
    );
    for (name, s) in rows {
        t.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>[{}, {}]</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(name),
            fmt_num(s.mean),
            fmt_num(s.ci95_low),
            fmt_num(s.ci95_high),
            fmt_num(s.p05),
            fmt_num(s.p50),
            fmt_num(s.p95)
        ));
    }
    t.push_str("</tbody></table>\n");
    t
}

/// The whole page.
pub fn report_html(batch: &Batch, charts: &[Chart]) -> String {
    let sc = batch.scenario();
    let summaries = batch.summaries();
    type Rows<'a> = Vec<&'a (String, Summary)>;
    let (top, rest): (Rows, Rows) = summaries.iter().partition(|(n, _)| headline(n));
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(&format!("<title>repatsim: {}</title>\n", escape(&sc.name)));
    h.push_str(
        "<style>body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#222}\
         table{border-collapse:collapse;font-size:0.9em}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}\
         td:first-child,th:first-child{text-align:left}figure{margin:2em 0}figcaption{color:#444}\
         .findings li{margin:0.4em 0}.partial{background:#fee;padding:0.5em}</style>\n</head>\n<body>\n",
    );
    h.push_str(&format!("<h1>{}</h1>\n", escape(&sc.name)));
    if !sc.description.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", escape(&sc.description)));
    }
    h.push_str(&format!(
        "<p>{} replications (seed {}, replications {} to {}), {} people, horizon {} days; repatsim {}.</p>\n",
        batch.len(),
        sc.seed,
        batch.first_replication,
        batch.first_replication + batch.len() as u64,
        sc.population(),
        fmt_num(sc.horizon_hours / 24.0),
        env!("CARGO_PKG_VERSION")
    ));
    if batch.interrupted {
        h.push_str("<p class=\"partial\">Partial: the run was interrupted; the figures cover the completed replications only.</p>\n");
    }
    h.push_str("<h2>Findings</h2>\n<ul class=\"findings\">\n");
    for f in findings(batch) {
        h.push_str(&format!("<li>{}</li>\n", escape(&f).replace('`', "")));
    }
    h.push_str("</ul>\n<h2>Summary</h2>\n");
    h.push_str(&table(&top));
    h.push_str(&format!(
        "<details><summary>All {} metrics</summary>\n{}</details>\n",
        summaries.len(),
        table(&rest)
    ));
    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        h.push_str(&format!("<figure id=\"{0}\" data-chart=\"{0}\">\n", escape(&c.name)));
        h.push_str(&c.svg);
        h.push_str(&format!(
            "\n<figcaption>{} <a href=\"{1}.png\">{1}.png</a> <a href=\"{1}.svg\">{1}.svg</a></figcaption>\n</figure>\n",
            escape(&c.caption),
            escape(&c.name)
        ));
    }
    h.push_str("</body>\n</html>\n");
    h
}
