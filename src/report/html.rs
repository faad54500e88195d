//! `report.html`: one self-contained page (charts inline as SVG, no network needed) with
//! the scenario, plain-language findings computed from the results, a summary table with
//! confidence intervals, and every chart with a caption.

use super::charts::Chart;
use super::findings::findings;
use crate::experiment::Batch;
use crate::metrics::{MetricInfo, fmt_num};
use crate::stats::Summary;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table(rows: &[&(&MetricInfo, Summary)]) -> String {
    let mut t = String::from(
        "<table><thead><tr><th>metric</th><th>mean</th><th>95% CI</th><th>p5</th><th>p50</th><th>p95</th></tr></thead><tbody>\n",
    );
    for (info, s) in rows {
        t.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>[{}, {}]</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&info.id),
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
    type Rows<'a, 'b> = Vec<&'a (&'b MetricInfo, Summary)>;
    let (top, rest): (Rows, Rows) = summaries.iter().partition(|(m, _)| m.headline);
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
