//! `report.html`: one self-contained page (no external URLs; charts inline as SVG with
//! tooltips and alt text) with a table of contents, the findings, what to change, the
//! plan drawn as a network, a timeline of a representative replication, the headline
//! figures, every metric in a sortable and filterable table, and every chart.

use super::charts::escape;
use super::export::RunReport;
use super::findings::findings;
use crate::metrics::{MetricInfo, Unit, fmt_value};
use crate::stats::Summary;
use std::fmt::Write;

/// The page's style and its script (sorting and filtering the metrics table).
pub(crate) const STYLE: &str = "body{font-family:DejaVu Sans,sans-serif;max-width:1240px;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;font-size:0.88em}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}\
td:first-child,th:first-child,td.l,th.l{text-align:left}th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}\
figure{margin:2em 0}figcaption{color:#444;max-width:1000px}.findings li{margin:0.4em 0}\
.partial{background:#fee;padding:0.5em}nav ol{columns:2}code{font-size:0.85em;color:#555}\
.scroll{overflow-x:auto}.fit svg{max-width:100%;height:auto}.muted{color:#666}input{font-size:1em;padding:4px;width:24em}";

const SCRIPT: &str = "function sortBy(th){const t=th.closest('table'),i=[...th.parentNode.children].indexOf(th),\
b=t.tBodies[0],rows=[...b.rows],asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';\
rows.sort((x,y)=>{const a=x.cells[i].dataset.v??x.cells[i].textContent,c=y.cells[i].dataset.v??y.cells[i].textContent,\
na=parseFloat(a),nc=parseFloat(c);const r=(isNaN(na)||isNaN(nc))?a.localeCompare(c):na-nc;return asc?r:-r;});\
rows.forEach(r=>b.appendChild(r));}\
function filterRows(input){const q=input.value.toLowerCase(),t=document.getElementById(input.dataset.table);\
for(const r of t.tBodies[0].rows){r.style.display=r.textContent.toLowerCase().includes(q)?'':'none';}}\
document.addEventListener('DOMContentLoaded',()=>{document.body.dataset.ready='1';document.querySelectorAll('th[data-sort]').forEach(th=>th.addEventListener('click',()=>sortBy(th)));\
document.querySelectorAll('input[data-table]').forEach(i=>i.addEventListener('input',()=>filterRows(i)));});";

/// A mean, CI or percentile in the metric's unit; counts never below zero, a CI from
/// fewer than two values shown as undefined.
fn cell(x: f64, info: &MetricInfo) -> String {
    let x = if info.unit.is_whole() || info.unit == Unit::Fraction {
        x.max(0.0)
    } else {
        x
    };
    fmt_value(x, info.unit)
}

fn ci(s: &Summary, info: &MetricInfo) -> String {
    if s.n < 2 || !s.ci95_low.is_finite() {
        return "undefined".into();
    }
    let nonnegative = info.unit.is_whole() || info.unit == Unit::Fraction || info.unit == Unit::Hours;
    let lo = if nonnegative { s.ci95_low.max(0.0) } else { s.ci95_low };
    format!("{} to {}", fmt_value(lo, info.unit), fmt_value(s.ci95_high, info.unit))
}

fn num_attr(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { "-1e308".into() }
}

/// The table of metrics (sortable; with an id for the filter box).
fn table(id: &str, rows: &[&(&MetricInfo, Summary)], unit_name: &dyn Fn(&MetricInfo) -> String) -> String {
    let mut t = format!(
        "<div class=\"scroll\"><table id=\"{id}\"><thead><tr><th data-sort class=\"l\">metric</th><th data-sort class=\"l\">unit</th>\
         <th data-sort>mean</th><th data-sort>95% CI of the mean</th><th data-sort>p10</th><th data-sort>p50</th><th data-sort>p90</th>\
         <th data-sort class=\"l\">column</th></tr></thead><tbody>\n"
    );
    for (info, s) in rows {
        let _ = writeln!(
            t,
            "<tr title=\"{}\"><td class=\"l\">{}</td><td class=\"l\">{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td>\
             <td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td class=\"l\"><code>{}</code></td></tr>",
            escape(&info.description),
            escape(&info.label),
            escape(&unit_name(info)),
            num_attr(s.mean),
            cell(s.mean, info),
            num_attr(s.ci95_low),
            ci(s, info),
            num_attr(s.p10),
            cell(s.p10, info),
            num_attr(s.p50),
            cell(s.p50, info),
            num_attr(s.p90),
            cell(s.p90, info),
            escape(&info.id)
        );
    }
    t.push_str("</tbody></table></div>\n");
    t
}

/// The whole page.
pub fn report_html(r: &RunReport) -> String {
    let batch = r.batch;
    let sc = batch.scenario();
    let summaries = batch.summaries();
    let unit_name = |m: &MetricInfo| m.unit.name(sc);
    let top: Vec<&(&MetricInfo, Summary)> = summaries.iter().filter(|(m, _)| m.headline).collect();
    let all: Vec<&(&MetricInfo, Summary)> = summaries.iter().collect();
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(h, "<title>repatsim: {}</title>", escape(&sc.name));
    let _ = writeln!(h, "<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>");
    let _ = writeln!(h, "<h1>{}</h1>", escape(&sc.name));
    if !sc.description.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", escape(&sc.description));
    }
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} (seed {}, {}), {}, from {} over a horizon of {}; repatsim {}.</p>",
        crate::metrics::fmt_quantity(batch.len() as u64, "replication"),
        sc.seed,
        crate::metrics::fmt_replications(batch.first_replication, batch.len() as u64),
        crate::metrics::fmt_people(sc.population()),
        sc.start.format("%Y-%m-%d %H:%M"),
        crate::metrics::fmt_days_span(sc.horizon_hours / 24.0),
        env!("CARGO_PKG_VERSION")
    );
    if batch.interrupted {
        h.push_str("<p class=\"partial\">Partial: the run was interrupted; the figures cover the completed replications only.</p>\n");
    }
    if let Some(note) = super::console::warm_up_note(batch) {
        let _ = writeln!(h, "<p>{}</p>", escape(&note));
    }
    h.push_str(
        "<nav><h2>Contents</h2><ol><li><a href=\"#findings\">Findings</a></li><li><a href=\"#plan\">The plan</a></li>",
    );
    if r.timeline_svg.is_some() {
        h.push_str("<li><a href=\"#timeline\">Timeline</a></li>");
    }
    let inputs = super::inputs::input_effects(batch);
    if !inputs.is_empty() {
        h.push_str("<li><a href=\"#inputs\">Uncertain inputs</a></li>");
    }
    h.push_str("<li><a href=\"#summary\">Headline figures</a></li><li><a href=\"#metrics\">Every metric</a></li>");
    for c in &r.charts {
        let _ = write!(h, "<li><a href=\"#{}\">{}</a></li>", escape(&c.name), escape(&c.title));
    }
    h.push_str("</ol></nav>\n<h2 id=\"findings\">Findings</h2>\n<ul class=\"findings\">\n");
    for f in findings(batch, r.what_if.as_ref()) {
        let _ = writeln!(h, "<li>{}</li>", escape(&f).replace('`', ""));
    }
    h.push_str("</ul>\n");
    h.push_str(&waiting_section(batch));
    // Who was left where, and why (a closure, a bus that leaves only when full), as the
    // console lists it: the findings refer to it.
    if !batch.stuck.is_empty() {
        h.push_str("<h3 id=\"left-behind\">Left behind at the end</h3>\n<ul class=\"findings\">\n");
        for g in &batch.stuck {
            let line = super::console::describe_stuck(&batch.network, g, batch.rows.len() as u64);
            let _ = writeln!(h, "<li>{}</li>", escape(&line).replace('`', ""));
        }
        h.push_str("</ul>\n");
    }
    // The plan fits the page (scaled down when wide): a bottleneck scrolled out of
    // sight was missed.
    h.push_str("<h2 id=\"plan\">The plan</h2>\n<figure class=\"scroll fit\">");
    h.push_str(&r.network_svg);
    h.push_str("<figcaption>The network as the scenario defines it, with this run's utilisation; hover over a box for its figures. Also in network.svg.</figcaption></figure>\n");
    if let Some(t) = &r.timeline_svg {
        h.push_str("<h2 id=\"timeline\">Timeline</h2>\n<figure class=\"scroll\">");
        h.push_str(t);
        let k = super::timeline::representative(batch);
        h.push_str(if super::timeline::finished(batch, k) {
            "<figcaption>One replication, the one with the median makespan: hover over a trip for its load and times. Also in timeline.svg.</figcaption></figure>\n"
        } else {
            "<figcaption>One replication at the median: more than half of them did not end every journey within the horizon, and this one is drawn up to it. Hover over a trip for its load and times. Also in timeline.svg.</figcaption></figure>\n"
        });
    }
    if !inputs.is_empty() {
        h.push_str(&inputs_section(&inputs));
    }
    h.push_str("<h2 id=\"summary\">Headline figures</h2>\n");
    h.push_str(&table("headline", &top, &unit_name));
    let _ = writeln!(
        h,
        "<h2 id=\"metrics\">Every metric</h2>\n<p><input type=\"search\" placeholder=\"Filter the {} metrics\" data-table=\"all-metrics\" aria-label=\"Filter metrics\"> Click a column heading to sort; hover over a row for what it means.</p>",
        all.len()
    );
    h.push_str(&table("all-metrics", &all, &unit_name));
    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for c in &r.charts {
        let _ = writeln!(h, "<figure id=\"{0}\" data-chart=\"{0}\">", escape(&c.name));
        h.push_str(&c.svg);
        let _ = write!(
            h,
            "\n<figcaption>{} <a href=\"{1}.png\">{1}.png</a> <a href=\"{1}.svg\">{1}.svg</a></figcaption>\n</figure>\n",
            escape(&c.caption),
            escape(&c.name)
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The uncertain inputs: what was drawn, and how closely each outcome followed it.
/// Where people wait, every stage largest first, as the console's line and
/// `summary.json`'s `waiting` give it (the bottleneck is the first row).
fn waiting_section(batch: &crate::experiment::Batch) -> String {
    let waits = super::waiting::waiting_by_stage(batch);
    if waits.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<h3 id=\"waiting\">Where people wait</h3>\n<table id=\"waiting-table\"><thead><tr><th class=\"l\">waiting for</th><th>person-days per replication</th><th>share of all waiting</th></tr></thead><tbody>\n",
    );
    for w in &waits {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&w.what).replace('`', ""),
            crate::metrics::fmt_num(w.person_hours / 24.0),
            crate::metrics::fmt_value(w.share, crate::metrics::Unit::Fraction)
        );
    }
    h.push_str("</tbody></table>\n");
    h
}

fn inputs_section(inputs: &[super::inputs::InputEffect]) -> String {
    let mut h = String::from(
        "<h2 id=\"inputs\">Uncertain inputs</h2>\n<p>Each replication drew its own value of these <code>[[uncertain]]</code> inputs, so the figures above include the uncertainty of the assumptions. Rank correlation (Spearman, with its 95% CI) of each input with each outcome across replications: near +1, the outcome rises with the input; an interval that includes 0 shows no detectable link. <code>repatsim sensitivity</code> shares the variance out among the inputs.</p>\n<table><thead><tr><th class=\"l\">input</th><th class=\"l\">distribution</th><th>mean drawn</th><th>p5</th><th>p95</th>",
    );
    for (id, _) in inputs.first().map_or(&[][..], |e| &e.correlations[..]) {
        let _ = write!(h, "<th>with {}</th>", escape(id));
    }
    h.push_str("</tr></thead><tbody>\n");
    for e in inputs {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&e.path),
            escape(&e.dist),
            crate::metrics::fmt_num(e.drawn.mean),
            crate::metrics::fmt_num(e.drawn.p05),
            crate::metrics::fmt_num(e.drawn.p95)
        );
        for (_, c) in &e.correlations {
            let _ = write!(h, "<td>{}</td>", super::inputs::correlation_text(c.as_ref()));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    h
}
