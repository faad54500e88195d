//! `network.svg`: the plan drawn from the scenario, left to right along the routes:
//! cohorts entering at their origins, sites with their beds, legs with their vehicles,
//! seats and departure rule, checkpoints with their booths and hours, home. Each
//! element is shaded by how hard it was worked in this run (utilisation), the
//! bottleneck is outlined, and every box carries its figures as a tooltip.

use super::charts::escape;
use super::waiting::{WaitKind, bottleneck, waiting_by_stage};
use crate::engine::{Timetable, WeeklyHours};
use crate::experiment::Batch;
use crate::metrics::{MetricKey, Stat, Unit, fmt_num, fmt_quantity, fmt_value};
use crate::model::Step;
use crate::scenario::{ChangeWhat, Departure, OnPositive, Scenario, SiteKind};
use std::fmt::Write;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn clock(h: f64) -> String {
    let m = (h * 60.0).round() as i64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Weekly hours in words: "always open", "Mon-Sat 09:00-17:00", or "48 h a week".
pub fn describe_hours(open: &WeeklyHours) -> String {
    if open.is_always_open() {
        return "always open".into();
    }
    // Group the days that have the same (single) interval.
    let mut by_day: Vec<Option<(f64, f64)>> = vec![None; 7];
    for &(a, b) in open.intervals() {
        let d = (a / 24.0).floor() as usize;
        if d < 7 && b <= (d as f64 + 1.0) * 24.0 + 1e-9 && by_day[d].is_none() {
            by_day[d] = Some((a - d as f64 * 24.0, b - d as f64 * 24.0));
        } else {
            return format!("open {} h a week", fmt_num(open.open_hours_per_week()));
        }
    }
    let mut parts: Vec<String> = Vec::new();
    let mut d = 0;
    while d < 7 {
        let Some(iv) = by_day[d] else {
            d += 1;
            continue;
        };
        let mut e = d;
        while e + 1 < 7 && by_day[e + 1] == Some(iv) {
            e += 1;
        }
        let days = if e == d {
            DAYS[d].to_string()
        } else {
            format!("{}-{}", DAYS[d], DAYS[e])
        };
        parts.push(format!("{days} {}-{}", clock(iv.0), clock(iv.1)));
        d = e + 1;
    }
    parts.join(", ")
}

/// A timetable in words: "daily 08:30 11:00 14:00", "Tue, Fri 10:00", plus dated ones.
pub fn describe_timetable(tt: &Timetable) -> String {
    let mut times: Vec<(String, Vec<usize>)> = Vec::new();
    for &w in tt.weekly() {
        let d = ((w / 24.0).floor() as usize).min(6);
        let t = clock(w - d as f64 * 24.0);
        match times.iter_mut().find(|(x, _)| *x == t) {
            Some((_, days)) => days.push(d),
            None => times.push((t, vec![d])),
        }
    }
    let mut groups: Vec<(Vec<usize>, Vec<String>)> = Vec::new();
    for (t, days) in times {
        match groups.iter_mut().find(|(d, _)| *d == days) {
            Some((_, ts)) => ts.push(t),
            None => groups.push((days, vec![t])),
        }
    }
    let mut parts: Vec<String> = groups
        .into_iter()
        .map(|(days, ts)| {
            let d = if days.len() == 7 {
                "daily".to_string()
            } else {
                days.iter().map(|&d| DAYS[d]).collect::<Vec<_>>().join(", ")
            };
            format!("{d} {}", ts.join(" "))
        })
        .collect();
    if !tt.once().is_empty() {
        parts.push(format!("{} dated", tt.once().len()));
    }
    let per_week = tt.weekly().len() as f64;
    if parts.is_empty() {
        "no departures".into()
    } else if per_week > 0.0 {
        format!("{} ({} a week)", parts.join("; "), tt.weekly().len())
    } else {
        parts.join("; ")
    }
}

/// A capacity as the drawing shows it: "120" or, when `[[change]]`s set it during the
/// run, every value in turn ("120→200"), with when in words for the tooltip (": 120 at
/// the start, 200 from 2024-05-15 00:00"; empty without changes). `of` picks the
/// changes of this capacity.
pub(super) fn capacity(batch: &Batch, from: u32, of: impl Fn(&ChangeWhat) -> Option<u32>) -> (String, String) {
    let mut changes: Vec<(f64, u32)> = batch
        .scenario()
        .changes
        .iter()
        .filter_map(|c| of(&c.what).map(|v| (c.at_hours, v)))
        .collect();
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut shown = from.to_string();
    let mut when = String::new();
    for (at, v) in changes {
        if when.is_empty() {
            let _ = write!(when, ": {from} at the start");
        }
        let _ = write!(shown, "→{v}");
        let _ = write!(when, ", {v} from {}", super::findings::date(batch, at / 24.0));
    }
    (shown, when)
}

/// "LO–HI" when the field at `path` is an `[[uncertain]]` input (each replication has
/// its own value: the file's is none of theirs).
fn drawn(sc: &crate::scenario::Scenario, path: &str) -> Option<String> {
    let n = super::charts::axis;
    sc.drawn_range(path).map(|(lo, hi)| format!("{}–{}", n(lo), n(hi)))
}

/// A quota in words: "at most 4 a day", "at most 100 a week".
pub(super) fn per_period(q: crate::scenario::Quota) -> String {
    format!(
        "at most {} a {}",
        q.count,
        if q.period_hours > 24.0 { "week" } else { "day" }
    )
}

/// A node of the drawing: one route stage.
struct Node {
    step: Step,
    layer: usize,
    row: usize,
    lines: Vec<String>,
    tooltip: String,
    /// How hard it was worked, 0 to 1 (NaN: not applicable).
    load: f64,
    bottleneck: bool,
}

/// The stage of a route step, ignoring whether a site is an origin or home.
fn stage_of(step: Step) -> Step {
    match step {
        Step::Origin(s) | Step::Home(s) => Step::Site(s),
        other => other,
    }
}

fn node_text(batch: &Batch, step: Step) -> (Vec<String>, String, f64) {
    let sc: &Scenario = batch.scenario();
    let m = |key: MetricKey| batch.mean_of(key);
    match step {
        Step::Site(s) | Step::Origin(s) | Step::Home(s) => {
            let site = &sc.sites[s as usize];
            let mut lines = vec![site.name.clone()];
            let cohorts: Vec<String> = sc
                .cohorts
                .iter()
                .filter(|c| c.origin.0 == s)
                .flat_map(|c| {
                    // An approval quota holds people at their origin: it is drawn.
                    let approvals = c.approvals.map(|q| format!("{} approved {}", c.name, per_period(q)));
                    std::iter::once(format!(
                        "{} ({})",
                        crate::metrics::fmt_people(u64::from(c.size)),
                        c.name
                    ))
                    .chain(approvals)
                })
                .collect();
            let (beds, beds_later) = capacity(batch, site.beds.unwrap_or(0), |c| match c {
                ChangeWhat::Beds { site: x, beds } if x.0 == s => Some(*beds),
                _ => None,
            });
            let load = match site.beds {
                Some(b) => {
                    // The share used (as the shading) and the share of time full: "0%
                    // full" beside a box shaded half used read as its occupancy.
                    let used = m(MetricKey::site(s, Stat::BedUtilization));
                    let beds = if beds_later.is_empty() {
                        fmt_value(f64::from(b), Unit::People)
                    } else {
                        beds
                    };
                    let full = fmt_value(m(MetricKey::site(s, Stat::FullShare)), Unit::Fraction);
                    match drawn(sc, &format!("site.{}.beds", site.name)) {
                        Some(range) => {
                            lines.push(format!("{range} beds (drawn)"));
                            lines.push(format!("{} used, full {full}", fmt_value(used, Unit::Fraction)));
                        }
                        None => {
                            lines.push(format!("{beds} beds, {} used", fmt_value(used, Unit::Fraction)));
                            lines.push(format!("full {full} of the time"));
                        }
                    }
                    used
                }
                None => {
                    lines.push(site.kind.as_str().to_string());
                    f64::NAN
                }
            };
            lines.extend(cohorts);
            let mut tip = format!("site {} ({})", site.name, site.kind.as_str());
            if site.kind == SiteKind::Quarantine || !site.stay_hours.is_fixed() || site.stay_hours.mean() > 0.0 {
                let _ = write!(tip, "; stay {} h on average", fmt_num(site.stay_hours.mean()));
            }
            if site.beds.is_some() {
                let _ = write!(
                    tip,
                    "; {} beds{beds_later}; bed utilisation {}, peak {} people, full {} of the time, mean wait for a bed {} h",
                    drawn(sc, &format!("site.{}.beds", site.name)).map_or_else(
                        || fmt_value(f64::from(site.beds.unwrap_or(0)), Unit::People),
                        |r| format!("{r} (drawn per replication)")
                    ),
                    fmt_value(load, Unit::Fraction),
                    fmt_value(m(MetricKey::site(s, Stat::PeakOccupancy)), Unit::People),
                    fmt_value(m(MetricKey::site(s, Stat::FullShare)), Unit::Fraction),
                    fmt_num(m(MetricKey::site(s, Stat::MeanBedWaitHours)))
                );
            }
            (lines, tip, load)
        }
        Step::Leg(l) => {
            let leg = &sc.legs[l as usize];
            let rule = match &leg.departure {
                Departure::WhenFull { max_wait_hours: None } => "when full".to_string(),
                Departure::WhenFull {
                    max_wait_hours: Some(h),
                } => format!("when full or after {} h", fmt_num(*h)),
                Departure::WhenFullOrEmptyQueue => "as soon as anyone waits".to_string(),
                Departure::Timetable(tt) => describe_timetable(tt),
            };
            // Each timetable a change brings, from its date (a line of its own in the box).
            let later: Vec<String> = sc
                .changes
                .iter()
                .filter_map(|c| match &c.what {
                    ChangeWhat::Timetable { leg: x, timetable } if x.0 == l => Some(format!(
                        "from {}: {}",
                        super::charts::date_label(
                            sc.start + chrono::Duration::minutes((c.at_hours * 60.0).round() as i64)
                        ),
                        describe_timetable(timetable)
                    )),
                    _ => None,
                })
                .collect();
            let load = m(MetricKey::leg(l, Stat::SeatUtilization));
            let (vehicles, vehicles_later) = capacity(batch, leg.vehicles, |c| match c {
                ChangeWhat::Vehicles { leg: x, vehicles } if x.0 == l => Some(*vehicles),
                _ => None,
            });
            let vehicles =
                drawn(sc, &format!("leg.{}.vehicles", leg.name)).map_or(vehicles, |r| format!("{r} (drawn)"));
            let seats = drawn(sc, &format!("leg.{}.seats", leg.name)).map_or_else(
                || fmt_quantity(leg.seats.into(), "seat"),
                |r| format!("{r} seats (drawn)"),
            );
            let mut lines = vec![
                leg.name.clone(),
                format!("{vehicles} x {seats}, {} h", fmt_num(leg.travel_hours.mean())),
                rule.clone(),
            ];
            lines.extend(later.iter().cloned());
            let rule = std::iter::once(rule).chain(later).collect::<Vec<_>>().join("; then ");
            let needs: Vec<String> = leg
                .needs
                .iter()
                .map(|n| {
                    let pool = &sc.pools[n.pool.0 as usize].name;
                    if leg.fleet == Some(n.pool) {
                        format!("fleet {pool}")
                    } else {
                        format!("+{} {pool}", n.units)
                    }
                })
                .collect();
            if !needs.is_empty() {
                lines.push(needs.join(", "));
            }
            let mut tip = format!(
                "leg {} ({:?}): {} of {seats}, {} h on average, departs {rule}; seat utilisation {}, {} trips, mean wait to board {} h",
                leg.name,
                leg.mode,
                if vehicles == "1" {
                    "1 vehicle".to_string()
                } else {
                    format!("{vehicles} vehicles")
                },
                fmt_num(leg.travel_hours.mean()),
                fmt_value(load, Unit::Fraction),
                fmt_num(m(MetricKey::leg(l, Stat::Trips))),
                fmt_num(m(MetricKey::leg(l, Stat::MeanWaitHours)))
            );
            if !vehicles_later.is_empty() {
                let _ = write!(tip, "; vehicles{vehicles_later}");
            }
            if !needs.is_empty() {
                let _ = write!(tip, "; each departure takes {} (pools)", needs.join(", "));
            }
            (lines, tip, load)
        }
        Step::Checkpoint(k) => {
            let cp = &sc.checkpoints[k as usize];
            let load = m(MetricKey::checkpoint(k, Stat::Utilization));
            // Open by its hours only while its staff are on duty, and not while closed
            // or in an outbreak: "always open" said otherwise of a post staffed 08:00-20:00.
            let duty = cp
                .staff_from
                .map(|p| &sc.pools[p.0 as usize].on_duty)
                .filter(|d| !d.is_always_open());
            let hours = match (describe_hours(&cp.open), duty) {
                (_, Some(_)) if cp.open.is_always_open() => "open when staffed".to_string(),
                (h, Some(_)) => format!("{h}, when staffed"),
                (h, None) => h,
            };
            let me = crate::scenario::Closable::Checkpoint(crate::scenario::CheckpointId(k));
            let closures: Vec<&str> = sc
                .closures
                .iter()
                .filter(|c| c.applies_to.contains(&me))
                .map(|c| c.name.as_str())
                .collect();
            let outbreaks: Vec<&str> = sc
                .outbreaks
                .iter()
                .filter(|o| o.applies_to.contains(&me))
                .map(|o| o.name.as_str())
                .collect();
            let (booths, booths_later) = capacity(batch, cp.servers, |c| match c {
                ChangeWhat::Servers { checkpoint: x, servers } if x.0 == k => Some(*servers),
                _ => None,
            });
            let booths = if booths_later.is_empty() {
                fmt_quantity(cp.servers.into(), "booth")
            } else {
                format!("{booths} booths")
            };
            let booths =
                drawn(sc, &format!("checkpoint.{}.servers", cp.name)).map_or(booths, |r| format!("{r} booths (drawn)"));
            let mut lines = vec![
                cp.name.clone(),
                format!("{booths}, {} min", fmt_num(cp.service_hours.mean() * 60.0)),
                hours.clone(),
            ];
            if let Some(q) = cp.quota {
                lines.push(format!("serves {}", per_period(q)));
            }
            let staff = cp.staff_from.map(|p| sc.pools[p.0 as usize].name.clone());
            if let Some(pool) = &staff {
                lines.push(format!("staff: {pool}"));
            }
            let mut tip = format!(
                "checkpoint {}: {booths}, {} min per person, {hours}; utilisation {}, mean wait in line {} h",
                cp.name,
                fmt_num(cp.service_hours.mean() * 60.0),
                fmt_value(load, Unit::Fraction),
                fmt_num(m(MetricKey::checkpoint(k, Stat::MeanWaitHours)))
            );
            if !booths_later.is_empty() {
                let _ = write!(tip, "; booths{booths_later}");
            }
            if let Some(pool) = &staff {
                let _ = write!(tip, "; each service takes one unit of pool {pool}");
                if let Some(d) = duty {
                    let _ = write!(tip, ", on duty {}", describe_hours(d));
                }
            }
            if !closures.is_empty() {
                let _ = write!(tip, "; closed by {}", closures.join(", "));
            }
            if !outbreaks.is_empty() {
                let _ = write!(tip, "; outbreaks may close it ({})", outbreaks.join(", "));
            }
            (lines, tip, load)
        }
    }
}

/// The drawing of the network of `batch`'s scenario as an SVG document.
pub fn network_svg(batch: &Batch) -> String {
    let net = &batch.network;
    // Nodes in first-seen order along the routes; layer = longest distance from an origin.
    let mut order: Vec<Step> = Vec::new();
    let mut layer: Vec<usize> = Vec::new();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    // Expected people along each edge: a variant's people, split by branch probability.
    let mut people: Vec<f64> = net.variants.iter().map(|v| f64::from(v.size)).collect();
    for (b, alternatives) in net.branch_alternatives.iter().enumerate() {
        let mut before = 0.0;
        for &(cumulative, alt) in alternatives {
            people[alt as usize] = f64::from(net.variants[b].size) * (cumulative - before);
            before = cumulative;
        }
    }
    let mut flow: Vec<f64> = Vec::new();
    for (vi, v) in net.variants.iter().enumerate() {
        let mut prev: Option<usize> = None;
        let mut k = v.first_step as usize;
        loop {
            let step = stage_of(net.steps[k]);
            let i = order.iter().position(|s| *s == step).unwrap_or_else(|| {
                order.push(step);
                layer.push(0);
                order.len() - 1
            });
            if let Some(p) = prev {
                match edges.iter().position(|e| *e == (p, i)) {
                    Some(e) => flow[e] += people[vi],
                    None => {
                        edges.push((p, i));
                        flow.push(people[vi]);
                    }
                }
            }
            prev = Some(i);
            if matches!(net.steps[k], Step::Home(_)) {
                break;
            }
            k += 1;
        }
    }
    // Isolation sites are on no route: positives of a site go there (a dashed edge
    // with the share who test positive). A full isolation site fills the site before
    // it, so leaving it out hid what holds the plan up.
    let mut side: Vec<(usize, usize, f64)> = Vec::new();
    let sc = batch.scenario();
    for i in 0..order.len() {
        let Step::Site(s) = order[i] else { continue };
        let Some(t) = sc.sites[s as usize].testing else {
            continue;
        };
        let OnPositive::Isolate(iso) = t.on_positive else {
            continue;
        };
        let j = order.iter().position(|x| *x == Step::Site(iso.0)).unwrap_or_else(|| {
            order.push(Step::Site(iso.0));
            layer.push(0);
            order.len() - 1
        });
        side.push((i, j, t.positive_probability));
    }
    // After isolation, positives go on as the others do: from the isolation site to
    // whatever follows the site that sent them (a tester read the isolation site as a
    // dead end).
    let back: Vec<(usize, usize)> = side
        .iter()
        .flat_map(|&(i, j, _)| edges.iter().filter(move |e| e.0 == i).map(move |&(_, n)| (j, n)))
        .collect();
    // Drawn dashed: to isolation with the share who test positive, and back unlabelled.
    let dashed: Vec<(usize, usize, Option<f64>)> = side
        .iter()
        .map(|&(a, b, p)| (a, b, Some(p)))
        .chain(back.iter().map(|&(a, b)| (a, b, None)))
        .collect();
    // Longest-path layering (routes are acyclic; the loop is bounded by the node count).
    for _ in 0..order.len() {
        let mut changed = false;
        for (a, b) in edges
            .iter()
            .copied()
            .chain(side.iter().map(|&(a, b, _)| (a, b)))
            .chain(back.iter().copied())
        {
            if layer[b] < layer[a] + 1 {
                layer[b] = layer[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let layers = layer.iter().max().map_or(1, |m| m + 1);
    let mut rows = vec![0usize; layers];
    let worst = bottleneck(batch);
    let waits = waiting_by_stage(batch);
    let nodes: Vec<Node> = order
        .iter()
        .zip(&layer)
        .map(|(&step, &l)| {
            let (lines, mut tooltip, load) = node_text(batch, step);
            let is_worst = worst.as_ref().is_some_and(|w| match (w.kind, step) {
                (WaitKind::Site, Step::Site(s)) => s == w.index,
                (WaitKind::Leg, Step::Leg(x)) => x == w.index,
                (WaitKind::Checkpoint, Step::Checkpoint(x)) => x == w.index,
                _ => false,
            });
            if let Some(w) = waits.iter().find(|w| match (w.kind, step) {
                (WaitKind::Site, Step::Site(s)) => s == w.index,
                (WaitKind::Leg, Step::Leg(x)) => x == w.index,
                (WaitKind::Checkpoint, Step::Checkpoint(x)) => x == w.index,
                _ => false,
            }) {
                let _ = write!(
                    tooltip,
                    "; {} person-days of waiting ({} of all)",
                    fmt_num(w.person_hours / 24.0),
                    fmt_value(w.share, Unit::Fraction)
                );
            }
            if is_worst {
                tooltip.push_str("; THE BOTTLENECK: where people wait longest in total");
            }
            let row = rows[l];
            rows[l] += 1;
            Node {
                step,
                layer: l,
                row,
                lines,
                tooltip,
                load,
                bottleneck: is_worst,
            }
        })
        .collect();
    // Where people part ways, each edge's share of those leaving its start.
    let shares: Vec<Option<f64>> = edges
        .iter()
        .enumerate()
        .map(|(e, &(a, _))| {
            let out: f64 = edges
                .iter()
                .zip(&flow)
                .filter(|((x, _), _)| *x == a)
                .map(|(_, f)| f)
                .sum();
            (out > 0.0 && flow[e] < out * (1.0 - 1e-9)).then(|| flow[e] / out)
        })
        .collect();
    draw(
        &nodes,
        &edges,
        &shares,
        &dashed,
        layers,
        rows.iter().copied().max().unwrap_or(1),
        batch,
    )
}

/// Fill for a node worked to `load` (0 to 1): from white to a deep blue; grey if none.
fn fill(load: f64) -> String {
    if !load.is_finite() {
        return "#f2f2f2".into();
    }
    let t = load.clamp(0.0, 1.0);
    let c = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", c(247.0, 33.0), c(251.0, 113.0), c(255.0, 181.0))
}

fn draw(
    nodes: &[Node],
    edges: &[(usize, usize)],
    shares: &[Option<f64>],
    dashed: &[(usize, usize, Option<f64>)],
    layers: usize,
    rows: usize,
    batch: &Batch,
) -> String {
    let (w, h, gx, gy) = (200.0, 74.0, 228.0, 96.0);
    let pools = batch.scenario().pools.len();
    // The key runs over two lines of up to about 100 characters (about 680 px at
    // 12 px): never wider than the drawing.
    let width = (40.0 + layers.max(pools) as f64 * gx).max(700.0);
    let top = 96.0;
    let pools_y = top + rows as f64 * gy + 24.0;
    let height = top + 30.0 + rows as f64 * gy + if pools > 0 { gy + 24.0 } else { 0.0 };
    let pos = |n: &Node| (20.0 + n.layer as f64 * gx, top + n.row as f64 * gy);
    let mut s = String::new();
    let name = batch.scenario().name.clone();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"The network of {0}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\
         <title>The network of {0}: every route stage from the origins to home, shaded by utilisation, the bottleneck outlined in orange</title>\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\
         <text x=\"20\" y=\"28\" font-size=\"18\">{0}: the plan</text>\
         <text x=\"20\" y=\"50\" fill=\"#444\">Routes left to right. Shading: how much of the capacity was used (white unused, dark blue fully);</text>\
         <text x=\"20\" y=\"66\" fill=\"#444\">grey: no limit. Orange outline: the bottleneck.</text>",
        escape(&name)
    );
    // Routes' edges solid (with the share going each way where people part), and the
    // way of positives to isolation dashed (with the share who test positive).
    let route = edges.iter().zip(shares).map(|(&(a, b), share)| (a, b, *share, false));
    let positives = dashed.iter().map(|&(a, b, p)| (a, b, p, true));
    for (a, b, share, dashed) in route.chain(positives) {
        let dash = if dashed { " stroke-dasharray=\"5 3\"" } else { "" };
        let (pa, pb) = (pos(&nodes[a]), pos(&nodes[b]));
        let skips = nodes[b].layer > nodes[a].layer + 1;
        let (lx, ly) = if skips {
            // Past the stages between: under them, from bottom to bottom, so the edge is
            // not hidden behind them.
            let (x1, y1, x2, y2) = (pa.0 + w * 0.75, pa.1 + h, pb.0 + w * 0.25, pb.1 + h);
            let dip = gy - h - 4.0;
            let _ = write!(
                s,
                "<path d=\"M {x1} {y1} C {x1} {0}, {x2} {1}, {x2} {y2}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"{dash} marker-end=\"url(#arrow)\"/>",
                y1 + dip * 4.0 / 3.0,
                y2 + dip * 4.0 / 3.0
            );
            ((x1 + x2) / 2.0, y1.max(y2) + dip - 3.0)
        } else {
            let (x1, y1, x2, y2) = (pa.0 + w, pa.1 + h / 2.0, pb.0, pb.1 + h / 2.0);
            let mid = (x1 + x2) / 2.0;
            let _ = write!(
                s,
                "<path d=\"M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.5\"{dash} marker-end=\"url(#arrow)\"/>"
            );
            (mid, (y1 + y2) / 2.0 - 5.0)
        };
        if let Some(f) = share {
            let (tip, label) = if dashed {
                (
                    format!(
                        "{} of the people at {} test positive and move to {} (positives wait in their bed for one there)",
                        fmt_value(f, Unit::Fraction),
                        batch.network.step_name(nodes[a].step),
                        batch.network.step_name(nodes[b].step)
                    ),
                    format!("positives {}", fmt_value(f, Unit::Fraction)),
                )
            } else {
                (
                    format!(
                        "{} of the people leaving {} go this way (expected)",
                        fmt_value(f, Unit::Fraction),
                        batch.network.step_name(nodes[a].step)
                    ),
                    fmt_value(f, Unit::Fraction),
                )
            };
            let _ = write!(
                s,
                "<text x=\"{lx}\" y=\"{ly}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#333\"><title>{}</title>{}</text>",
                escape(&tip),
                escape(&label)
            );
        }
    }
    for n in nodes {
        let (x, y) = pos(n);
        let (stroke, width_px) = if n.bottleneck { ("#e6550d", 4) } else { ("#333", 1) };
        let shape = match n.step {
            Step::Checkpoint(_) => {
                let c = 12.0;
                format!(
                    "<polygon points=\"{},{y} {},{y} {},{} {},{} {},{} {x},{}\" ",
                    x + c,
                    x + w - c,
                    x + w,
                    y + h / 2.0,
                    x + w - c,
                    y + h,
                    x + c,
                    y + h,
                    y + h / 2.0
                )
            }
            Step::Leg(_) => format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"22\" "),
            _ => format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"4\" "),
        };
        let text_color = if n.load.is_finite() && n.load > 0.6 {
            "white"
        } else {
            "black"
        };
        let _ = write!(
            s,
            "<g class=\"node\">{shape}fill=\"{}\" stroke=\"{stroke}\" stroke-width=\"{width_px}\"><title>{}</title></{}>",
            fill(n.load),
            escape(&n.tooltip),
            if matches!(n.step, Step::Checkpoint(_)) {
                "polygon"
            } else {
                "rect"
            }
        );
        for (i, line) in n.lines.iter().take(4).enumerate() {
            let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
            let size = if i == 0 { 12 } else { 11 };
            let shown: String = if line.chars().count() > 31 {
                line.chars().take(30).chain(std::iter::once('…')).collect()
            } else {
                line.clone()
            };
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{size}\" fill=\"{text_color}\"{weight} pointer-events=\"none\">{}</text>",
                x + w / 2.0,
                y + 17.0 + 16.0 * i as f64,
                escape(&shown)
            );
        }
        s.push_str("</g>");
    }
    if pools > 0 {
        draw_pools(&mut s, batch, pools_y, (w, h, gx));
    }
    s.push_str("</svg>\n");
    s
}

/// The pools below the routes, one box each: units, shift, use, shaded by utilisation
/// and outlined in orange when they are the bottleneck.
fn draw_pools(s: &mut String, batch: &Batch, y: f64, (w, h, gx): (f64, f64, f64)) {
    let sc = batch.scenario();
    let worst = bottleneck(batch).filter(|b| b.kind == WaitKind::Pool).map(|b| b.index);
    let _ = write!(
        s,
        "<text x=\"20\" y=\"{}\" fill=\"#444\">Shared pools: units the stages above take (+N per departure, fleet, staff).</text>",
        y - 8.0
    );
    for (i, pool) in sc.pools.iter().enumerate() {
        let key = |stat| MetricKey::new(crate::metrics::Scope::Pool(i as u16), stat);
        let load = batch.mean_of(key(Stat::Utilization));
        let x = 20.0 + i as f64 * gx;
        let is_worst = worst == Some(i as u16);
        let (stroke, width_px) = if is_worst { ("#e6550d", 4) } else { ("#333", 1) };
        let shift = describe_hours(&pool.on_duty).replace("always open", "always on duty");
        let (units, units_later) = capacity(batch, pool.size, |c| match c {
            ChangeWhat::PoolSize { pool: x, size } if x.0 as usize == i => Some(*size),
            _ => None,
        });
        let units = if units_later.is_empty() {
            fmt_quantity(pool.size.into(), "unit")
        } else {
            format!("{units} units")
        };
        let lines = [
            pool.name.clone(),
            format!("{units}, {shift}"),
            format!(
                "{} used, peak {}",
                fmt_value(load, Unit::Fraction),
                fmt_value(batch.mean_of(key(Stat::PeakInUse)), Unit::Units)
            ),
        ];
        let mut tip = format!(
            "pool {}: {}, on duty {shift}; utilisation {}, stages held for it {} h, people waiting meanwhile {} person-days",
            pool.name,
            fmt_quantity(pool.size.into(), "unit"),
            fmt_value(load, Unit::Fraction),
            fmt_num(batch.mean_of(key(Stat::HeldHours))),
            fmt_num(batch.mean_of(key(Stat::WaitingPersonHours)) / 24.0)
        );
        if !units_later.is_empty() {
            let _ = write!(tip, "; units{units_later}");
        }
        if is_worst {
            tip.push_str("; THE BOTTLENECK: where people wait longest in total");
        }
        let text_color = if load.is_finite() && load > 0.6 {
            "white"
        } else {
            "black"
        };
        let _ = write!(
            s,
            "<g class=\"node\"><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"4\" stroke-dasharray=\"6 3\" fill=\"{}\" stroke=\"{stroke}\" stroke-width=\"{width_px}\"><title>{}</title></rect>",
            fill(load),
            escape(&tip)
        );
        for (j, line) in lines.iter().enumerate() {
            let weight = if j == 0 { " font-weight=\"bold\"" } else { "" };
            let shown: String = if line.chars().count() > 31 {
                line.chars().take(30).chain(std::iter::once('…')).collect()
            } else {
                line.clone()
            };
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{text_color}\"{weight} pointer-events=\"none\">{}</text>",
                x + w / 2.0,
                y + 17.0 + 16.0 * j as f64,
                if j == 0 { 12 } else { 11 },
                escape(&shown)
            );
        }
        s.push_str("</g>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_timetables_in_words() {
        let office = WeeklyHours::new(
            0.0,
            (0..6)
                .map(|d| (d as f64 * 24.0 + 9.0, d as f64 * 24.0 + 17.0))
                .collect(),
        );
        assert_eq!(describe_hours(&office), "Mon-Sat 09:00-17:00");
        assert_eq!(describe_hours(&WeeklyHours::always(0.0)), "always open");
        let tt = Timetable::new(0.0, vec![24.0 + 10.0, 4.0 * 24.0 + 10.0], vec![]);
        assert_eq!(describe_timetable(&tt), "Tue, Fri 10:00 (2 a week)");
        let daily = Timetable::new(
            0.0,
            (0..7)
                .flat_map(|d| [d as f64 * 24.0 + 8.5, d as f64 * 24.0 + 14.0])
                .collect(),
            vec![],
        );
        assert_eq!(describe_timetable(&daily), "daily 08:30 14:00 (14 a week)");
    }
}
