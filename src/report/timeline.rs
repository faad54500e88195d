//! `timeline.svg`: one representative replication (the one with the median makespan) as
//! a Gantt chart: each cohort's span from first notice or release to the last arrival
//! home, every trip of every leg as a bar with its load (lost departures marked), and
//! the opening hours of every checkpoint. This is where a schedule is debugged: a
//! feeder bus that leaves before its people are ready shows at once.

use super::charts::escape;
use super::network::describe_hours;
use crate::experiment::Batch;
use crate::metrics::{fmt_num, fmt_quantity};
use crate::model::{TraceKind, TraceRow, TraceStage, World};
use crate::scenario::ChangeWhat;
use std::fmt::Write;

/// The replication whose makespan is the median (the lower one of an even count), a
/// replication that did not get everyone home counting as later than every one that did
/// (as in the run's figures): with more than half of them unfinished, the first of
/// those. The first replication if there are none.
pub fn representative(batch: &Batch) -> u64 {
    let key = crate::metrics::MetricKey::overall(crate::metrics::Stat::MakespanDays);
    let Some(i) = batch.catalogue.index(key) else {
        return batch.first_replication;
    };
    let mut all: Vec<(f64, usize)> = batch
        .rows
        .iter()
        .enumerate()
        .map(|(k, r)| (if r[i].is_finite() { r[i] } else { f64::INFINITY }, k))
        .collect();
    if all.is_empty() {
        return batch.first_replication;
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let median = all[(all.len() - 1) / 2];
    // Among the unfinished (sorted after every finished one, by index) the first.
    let pick = if median.0.is_finite() {
        median
    } else {
        *all.iter().find(|e| e.0.is_infinite()).unwrap_or(&median)
    };
    batch.first_replication + pick.1 as u64
}

/// True if every journey of `replication` ended within the horizon (it has a makespan).
pub fn finished(batch: &Batch, replication: u64) -> bool {
    let key = crate::metrics::MetricKey::overall(crate::metrics::Stat::MakespanDays);
    let row = replication
        .checked_sub(batch.first_replication)
        .and_then(|k| batch.rows.get(k as usize));
    match (batch.catalogue.index(key), row) {
        (Some(i), Some(r)) => r[i].is_finite(),
        _ => true,
    }
}

/// Longest span drawn, in days; longer runs show their first two weeks.
const MAX_DAYS: f64 = 14.0;

/// One trip of a vehicle.
struct Trip {
    leg: u16,
    vehicle: u32,
    depart: f64,
    arrive: f64,
    load: u64,
}

/// The timeline of `rows`, the trace of `replication` of `batch`'s scenario, run by
/// `world` (whose network and closures are that replication's: drawn capacities with
/// `[[uncertain]]` inputs, its outbreaks).
pub fn timeline_svg(batch: &Batch, replication: u64, rows: &[TraceRow], world: &World) -> String {
    let net = world.network();
    let sc = &net.scenario;
    // A replication in which not every journey ended runs on to the horizon (its books
    // close there): drawn to it, so that what held people (a closure) shows.
    let finished = finished(batch, replication);
    let end_hours = if finished {
        rows.last().map_or(24.0, |r| r.time_hours).max(1.0)
    } else {
        sc.horizon_hours.max(1.0)
    };
    let which = if finished {
        "the median makespan"
    } else {
        "at the median; not every journey ended within the horizon"
    };
    let shown_hours = end_hours.min(MAX_DAYS * 24.0);
    // Trips from departures and arrivals, paired by (leg, vehicle).
    let mut trips: Vec<Trip> = Vec::new();
    let mut open: Vec<(u16, u32, usize)> = Vec::new();
    let mut lost: Vec<(u16, f64, &'static str)> = Vec::new();
    let mut cohort_span: Vec<(f64, f64)> = vec![(f64::INFINITY, f64::NEG_INFINITY); sc.cohorts.len()];
    for r in rows {
        match (r.kind, r.stage) {
            (TraceKind::Depart, TraceStage::Leg(l)) => {
                let v = r.vehicle.unwrap_or(0);
                open.push((l, v, trips.len()));
                trips.push(Trip {
                    leg: l,
                    vehicle: v,
                    depart: r.time_hours,
                    arrive: f64::NAN,
                    load: r.count_after,
                });
            }
            (TraceKind::Arrive, TraceStage::Leg(l)) => {
                let v = r.vehicle.unwrap_or(0);
                if let Some(k) = open.iter().position(|&(a, b, _)| a == l && b == v) {
                    let (_, _, i) = open.remove(k);
                    trips[i].arrive = r.time_hours;
                }
            }
            (TraceKind::DepartureCancelled, TraceStage::Leg(l)) => lost.push((l, r.time_hours, "cancelled")),
            (TraceKind::DepartureClosed, TraceStage::Leg(l)) => lost.push((l, r.time_hours, "lost to a closure")),
            (TraceKind::DepartureMissed, TraceStage::Leg(l)) => lost.push((l, r.time_hours, "no vehicle at hand")),
            (TraceKind::DepartureShortOfUnits, TraceStage::Leg(l)) => {
                lost.push((l, r.time_hours, "too few units of a pool (escorts, drivers...)"))
            }
            (TraceKind::Release | TraceKind::Notify, TraceStage::Cohort(c)) => {
                let s = &mut cohort_span[c as usize];
                s.0 = s.0.min(r.time_hours);
            }
            (TraceKind::Home, _) => {
                if let Some(p) = r.person {
                    let c = net.variants[net.person_variant[p as usize] as usize].cohort as usize;
                    let s = &mut cohort_span[c];
                    s.1 = s.1.max(r.time_hours);
                }
            }
            _ => {}
        }
    }
    // Layout: a label column, then time.
    let (left, right, top) = (290.0, 1180.0, 90.0);
    let x = |t: f64| left + (right - left) * (t / shown_hours).clamp(0.0, 1.0);
    let lane: f64 = 26.0;
    // A leg's lane has a row per vehicle it ever had (changes add some), 4 px at least
    // each: with more vehicles than fit, bars drew over one another.
    let vehicle_rows: Vec<u32> = (0..sc.legs.len())
        .map(|l| {
            let changed = sc.changes.iter().filter_map(|c| match c.what {
                ChangeWhat::Vehicles { leg, vehicles } if leg.0 as usize == l => Some(vehicles),
                _ => None,
            });
            let used = trips.iter().filter(|t| t.leg as usize == l).map(|t| t.vehicle + 1);
            changed.chain(used).fold(sc.legs[l].vehicles, u32::max).max(1)
        })
        .collect();
    // (Up to 60 rows at 4 px; a larger fleet shares 240 px, its rows thinner.)
    let leg_lane = |l: usize| lane.max(6.0 + 4.0 * f64::from(vehicle_rows[l].min(60)));
    let height = top
        + lane * (sc.cohorts.len() + sc.checkpoints.len()) as f64
        + (0..sc.legs.len()).map(leg_lane).sum::<f64>()
        + 60.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Timeline of replication {replication}\" width=\"1200\" height=\"{height}\" viewBox=\"0 0 1200 {height}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">\
         <title>Timeline of replication {replication} ({which}): cohorts, every trip with its load, checkpoint opening hours</title>\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\
         <text x=\"10\" y=\"24\" font-size=\"16\">{}: timeline of replication {replication} ({which})</text>\
         <text x=\"10\" y=\"44\" fill=\"#444\">Bars: cohorts from first notice or release to last arrival home; trips from departure to arrival with their load, a row per vehicle (red x: a departure lost).</text>\
         <text x=\"10\" y=\"60\" fill=\"#444\">{}</text>",
        escape(&sc.name),
        escape(&format!(
            "Green: checkpoint open (by its hours, with its staff on duty, not closed or in an outbreak in this replication).{}",
            if end_hours > shown_hours {
                format!(
                    " The first {} days of {} are shown.",
                    fmt_num(MAX_DAYS),
                    fmt_num(end_hours / 24.0)
                )
            } else {
                String::new()
            }
        ))
    );
    axis(&mut s, sc.start, shown_hours, &x, top - 8.0, height - 50.0);
    let mut y = top;
    for (c, cohort) in sc.cohorts.iter().enumerate() {
        label(&mut s, y, &format!("cohort {}", cohort.name));
        let (a, b) = cohort_span[c];
        if a.is_finite() {
            let b = if b.is_finite() { b } else { end_hours };
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#9ecae1\"><title>{}: first notice or release at hour {}, last home at hour {}</title></rect>",
                x(a),
                y + 5.0,
                (x(b) - x(a)).max(1.0),
                lane - 10.0,
                escape(&cohort.name),
                fmt_num(a),
                fmt_num(b)
            );
        }
        y += lane;
    }
    for (l, leg) in sc.legs.iter().enumerate() {
        // As this replication ran (drawn, with uncertain inputs), with planned changes.
        let (vehicles, _) = super::network::capacity(batch, leg.vehicles, |c| match c {
            ChangeWhat::Vehicles { leg: x, vehicles } if x.0 as usize == l => Some(*vehicles),
            _ => None,
        });
        label(&mut s, y, &format!("leg {} ({vehicles} x {})", leg.name, leg.seats));
        let sub = (leg_lane(l) - 6.0) / f64::from(vehicle_rows[l]);
        for t in trips.iter().filter(|t| t.leg == l as u16 && t.depart < shown_hours) {
            let arrive = if t.arrive.is_finite() { t.arrive } else { end_hours };
            let yy = y + 3.0 + sub * f64::from(t.vehicle);
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{yy}\" width=\"{}\" height=\"{}\" fill=\"#3182bd\"><title>{} vehicle {}: {} aboard, departs hour {}, arrives hour {}</title></rect>",
                x(t.depart),
                (x(arrive) - x(t.depart)).max(1.5),
                (sub - 1.0).max(1.0),
                escape(&leg.name),
                t.vehicle + 1,
                t.load,
                fmt_num(t.depart),
                fmt_num(arrive)
            );
        }
        for &(_, t, why) in lost.iter().filter(|(x, t, _)| *x == l as u16 && *t < shown_hours) {
            let (cx, cy) = (x(t), y + lane / 2.0);
            let _ = write!(
                s,
                "<g stroke=\"#d62728\" stroke-width=\"2\"><title>departure at hour {}: {why}</title><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/></g>",
                fmt_num(t),
                cx - 5.0,
                cy - 5.0,
                cx + 5.0,
                cy + 5.0,
                cx - 5.0,
                cy + 5.0,
                cx + 5.0,
                cy - 5.0
            );
        }
        y += leg_lane(l);
    }
    for (k, cp) in sc.checkpoints.iter().enumerate() {
        let (booths, _) = super::network::capacity(batch, cp.servers, |c| match c {
            ChangeWhat::Servers { checkpoint, servers } if checkpoint.0 as usize == k => Some(*servers),
            _ => None,
        });
        let quota = cp
            .quota
            .map_or(String::new(), |q| format!(", {}", super::network::per_period(q)));
        let booths = if booths.contains('→') {
            format!("{booths} booths")
        } else {
            fmt_quantity(cp.servers.into(), "booth")
        };
        label(&mut s, y, &format!("checkpoint {} ({booths}{quota})", cp.name));
        // Open by its hours, while its staff are on duty, and not closed (this
        // replication's closures and outbreaks).
        let mut open = cp.open.open_windows(0.0, shown_hours);
        let mut hours = describe_hours(&cp.open);
        if let Some(pool) = cp.staff_from {
            let pool = &sc.pools[pool.0 as usize];
            open = intersect(&open, &pool.on_duty.open_windows(0.0, shown_hours));
            hours = format!(
                "{hours}; staff of {} on duty {}",
                pool.name,
                describe_hours(&pool.on_duty)
            );
        }
        if !quota.is_empty() {
            hours.push_str(&format!(
                "; once{quota} are served it serves nobody more until the next"
            ));
        }
        let closed = world.checkpoint_closed(k);
        for (a, b) in open {
            for (a, b) in minus(a, b, closed) {
                let _ = write!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#a1d99b\"><title>{} open from hour {} to {} ({})</title></rect>",
                    x(a),
                    y + 6.0,
                    (x(b) - x(a)).max(1.0),
                    lane - 12.0,
                    escape(&cp.name),
                    fmt_num(a),
                    fmt_num(b),
                    escape(&hours)
                );
            }
        }
        y += lane;
    }
    s.push_str("</svg>\n");
    s
}

/// The parts of `a`'s windows inside `b`'s (both sorted and disjoint).
fn intersect(a: &[(f64, f64)], b: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &(p, q) in a {
        for &(r, t) in b {
            let (lo, hi) = (p.max(r), q.min(t));
            if hi > lo {
                out.push((lo, hi));
            }
        }
    }
    out
}

/// `[a, b)` less the closed windows.
fn minus(a: f64, b: f64, closed: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = vec![(a, b)];
    for &(c, d) in closed {
        out = out
            .into_iter()
            .flat_map(|(x, y)| {
                if d <= x || c >= y {
                    vec![(x, y)]
                } else {
                    [(x, c.max(x)), (d.min(y), y)]
                        .into_iter()
                        .filter(|(p, q)| q > p)
                        .collect()
                }
            })
            .collect();
    }
    out
}

fn label(s: &mut String, y: f64, text: &str) {
    let shown: String = text.chars().take(46).collect();
    let _ = write!(
        s,
        "<text x=\"10\" y=\"{}\"><title>{}</title>{}</text>",
        y + 17.0,
        escape(text),
        escape(&shown)
    );
}

/// Day lines with dates, and 6-hour lines when the span is short.
fn axis(s: &mut String, start: chrono::NaiveDateTime, hours: f64, x: &dyn Fn(f64) -> f64, y0: f64, y1: f64) {
    let step = if hours <= 72.0 {
        6.0
    } else if hours <= 24.0 * 8.0 {
        24.0
    } else {
        48.0
    };
    let mut t = 0.0;
    while t <= hours + 1e-9 {
        let at = start + chrono::Duration::minutes((t * 60.0).round() as i64);
        let text = if step < 24.0 {
            at.format("%-d %b %H:%M").to_string()
        } else {
            super::charts::date_label(at)
        };
        let _ = write!(
            s,
            "<line x1=\"{0}\" y1=\"{y0}\" x2=\"{0}\" y2=\"{y1}\" stroke=\"#ddd\"/><text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" fill=\"#444\">{text}</text>",
            x(t),
            y1 + 16.0
        );
        t += step;
    }
}
