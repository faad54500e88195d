//! The summary printed by `repatsim run`: what happened, where people wait, who was
//! left where, and every metric with its confidence interval and percentiles.

use super::waiting::{WaitKind, bottleneck, waiting_by_stage};
use crate::experiment::whatif::WhatIf;
use crate::experiment::{Batch, StuckGroup};
use crate::metrics::{MetricInfo, MetricKey, Scope, Stat, Unit, fmt_count, fmt_num, fmt_quantity, fmt_value};
use crate::model::{Network, Phase, Step};
use crate::stats::Summary;

/// A phase in words.
pub fn phase_word(p: Phase) -> &'static str {
    match p {
        Phase::NotReleased => "not yet released or notified",
        Phase::Notified => "notified, awaiting pickup",
        Phase::Evaded => "evaded",
        Phase::AwaitingApproval => "waiting for approval",
        Phase::Staying => "staying",
        Phase::Done => "waiting to move on",
        Phase::Queued => "queueing",
        Phase::InService => "being served",
        Phase::Travelling => "travelling",
        Phase::Home => "home",
        Phase::TurnedAway => "turned away",
        Phase::Retrying => "away, coming back to the line",
    }
}

fn step_kind(s: Step) -> &'static str {
    match s {
        Step::Origin(_) => "origin",
        Step::Site(_) => "site",
        Step::Leg(_) => "leg",
        Step::Checkpoint(_) => "checkpoint",
        Step::Home(_) => "home",
    }
}

/// "1 person", "2.50 people": a mean count of people in words.
fn people(mean: f64) -> String {
    let n = fmt_value(mean, Unit::People);
    if n == "1" {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

/// One line about people left behind, e.g. "45.0 at site `hotel`, waiting for leg `bus`".
///
/// The number of people is averaged over all `replications` of the batch, as the
/// `in_stage` metrics are, so the lines add up to those not home; when only some
/// replications left anyone there, the line says in how many and how many in those.
pub fn describe_stuck(net: &Network, g: &StuckGroup, replications: u64) -> String {
    let mean = g.people as f64 / replications.max(1) as f64;
    let in_how_many = if replications == 1 {
        "in the one replication".to_string()
    } else if g.replications >= replications {
        format!("in all {}", fmt_quantity(replications, "replication"))
    } else {
        format!(
            "in {} of {}, {} on average in those",
            g.replications,
            fmt_quantity(replications, "replication"),
            fmt_value(g.people as f64 / g.replications as f64, Unit::People)
        )
    };
    let place = format!("{} `{}`", step_kind(g.at), net.step_name(g.at));
    // At an origin of cohorts with waves, those not released are those no wave notified.
    let waves_here = net
        .scenario
        .cohorts
        .iter()
        .any(|c| c.has_waves && Step::Origin(c.origin.0) == g.at);
    match g.waiting_for {
        Some(w) if matches!(g.phase, Phase::Done | Phase::NotReleased | Phase::Notified) => format!(
            "{} on average at {place}, {} {} `{}`{} ({})",
            people(mean),
            match g.phase {
                Phase::NotReleased if waves_here => "not yet released or notified, to go on to",
                Phase::NotReleased => "not yet released, to go on to",
                _ => "waiting for",
            },
            step_kind(w),
            net.step_name(w),
            // Not released: the next leg's limits did not hold them (a tester was sent
            // after a pool 2.8% used for people no wave had notified).
            if g.phase == Phase::NotReleased {
                String::new()
            } else {
                why(net, w)
            },
            in_how_many
        ),
        _ => format!(
            "{} on average at {place}, {}{} ({})",
            people(mean),
            phase_word(g.phase),
            if g.phase == Phase::Queued {
                why(net, g.at)
            } else {
                String::new()
            },
            in_how_many
        ),
    }
}

/// The closures and outbreaks that can stop `what`, in words: a fixed closure in force
/// at the horizon "until DATE", the others by name.
fn closures(net: &Network, what: crate::scenario::Closable) -> Vec<String> {
    let sc = &net.scenario;
    let mut out = Vec::new();
    for c in sc.closures.iter().filter(|c| c.applies_to.contains(&what)) {
        if c.from_hours <= sc.horizon_hours && c.to_hours >= sc.horizon_hours {
            let until = sc.start + chrono::Duration::minutes((c.to_hours * 60.0).round() as i64);
            out.push(format!(
                "closed by `{}` until {} (past the horizon)",
                c.name,
                until.format("%Y-%m-%d %H:%M")
            ));
        }
    }
    for o in sc.outbreaks.iter().filter(|o| o.applies_to.contains(&what)) {
        out.push(format!("outbreak `{}` closes it at random", o.name));
    }
    out
}

/// "each departure needs 2 of pool `escorts` (3 units, on duty Mon-Fri 08:00-18:00)".
fn pool_words(net: &Network, p: crate::scenario::PoolId, each: &str, units: u32) -> String {
    let pool = &net.scenario.pools[p.0 as usize];
    let shift = if pool.on_duty.is_always_open() {
        String::new()
    } else {
        format!(", on duty {}", super::network::describe_hours(&pool.on_duty))
    };
    let plural = if pool.size == 1 { "unit" } else { "units" };
    format!(
        "{each} needs {units} of pool `{}` ({} {plural}{shift})",
        pool.name, pool.size
    )
}

/// What the rules of a step make people wait for, in words (", ..." or "").
fn why(net: &Network, step: Step) -> String {
    use crate::scenario::Departure;
    let sc = &net.scenario;
    match step {
        Step::Leg(l) => {
            let leg = &sc.legs[l as usize];
            let mut reasons = Vec::new();
            match &leg.departure {
                Departure::WhenFull { max_wait_hours: None } => reasons.push(if leg.seats == 1 {
                    "it leaves only when its one seat is taken".to_string()
                } else {
                    format!("it leaves only when all {} seats are taken", leg.seats)
                }),
                Departure::WhenFull {
                    max_wait_hours: Some(h),
                } => reasons.push(format!(
                    "it leaves when full or {} h after the first boards",
                    fmt_num(*h)
                )),
                Departure::Timetable(_) => reasons.push("it leaves at timetabled times".to_string()),
                Departure::WhenFullOrEmptyQueue => {}
            }
            if let Some(t) = net.reserve_target[l as usize] {
                reasons.push(format!("only with beds reserved at `{}`", sc.sites[t as usize].name))
            }
            if leg.cancel_probability > 0.0 {
                reasons.push(format!(
                    "each departure is cancelled with probability {}",
                    fmt_num(leg.cancel_probability)
                ));
            }
            reasons.extend(closures(net, crate::scenario::Closable::Leg(crate::scenario::LegId(l))));
            reasons.extend(
                leg.needs
                    .iter()
                    .map(|n| pool_words(net, n.pool, "each departure", n.units)),
            );
            if reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", reasons.join(", "))
            }
        }
        Step::Site(s) => match sc.sites[s as usize].beds {
            Some(b) => format!(": all its {b} beds are taken"),
            None => String::new(),
        },
        Step::Checkpoint(k) => {
            let cp = &sc.checkpoints[k as usize];
            let mut reasons = closures(
                net,
                crate::scenario::Closable::Checkpoint(crate::scenario::CheckpointId(k)),
            );
            if cp
                .closed
                .iter()
                .any(|&(a, b)| a <= sc.horizon_hours && b >= sc.horizon_hours)
            {
                reasons.push("closed on its closed_dates at the horizon".to_string());
            }
            if let Some(c) = cp.checkin {
                reasons.push(format!(
                    "it serves only from {} h to {} h before each departure of leg `{}` (a check-in)",
                    c.opens_hours_before, c.closes_hours_before, sc.legs[c.leg.0 as usize].name
                ));
            }
            if let Some(q) = cp.quota {
                reasons.push(format!(
                    "it serves at most {} a {}",
                    fmt_count(u64::from(q.count)),
                    if q.period_hours > 24.0 { "week" } else { "day" }
                ));
            }
            if let Some(p) = cp.staff_from {
                reasons.push(pool_words(net, p, "each service", 1));
            }
            if reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", reasons.join(", "))
            }
        }
        _ => String::new(),
    }
}

/// The sections of the metric table, by scope.
fn section(scope: Scope) -> usize {
    match scope {
        Scope::Overall => 0,
        Scope::Cost => 1,
        Scope::Cohort(_) => 2,
        Scope::Category(_) => 3,
        Scope::Site(_) => 4,
        Scope::Checkpoint(_) => 5,
        Scope::Leg(_) => 6,
        Scope::Pool(_) => 7,
        Scope::InStage(_) => 8,
        Scope::Input(_) => 9,
    }
}

const SECTIONS: [&str; 10] = [
    "Overall",
    "Costs",
    "Cohorts",
    "Categories",
    "Sites",
    "Checkpoints",
    "Legs",
    "Pools (shared units)",
    "People not home at the end, by place",
    "Uncertain inputs (values drawn per replication)",
];

/// The summary printed by `repatsim run`: the run, how it ended, the findings (with the
/// what-if, when run), who was left where, and then either the headline figures (brief,
/// about 40 lines) or, with `all`, every metric.
pub fn summary_table(batch: &Batch, what_if: Option<&WhatIf>, all: bool) -> String {
    let mut out = headline(batch);
    for f in super::findings::findings(batch, what_if) {
        out.push_str(&format!("- {}\n", f.replace('`', "")));
    }
    if !batch.stuck.is_empty() {
        out.push_str("Left behind at the end:\n");
        for g in batch.stuck.iter().take(if all { usize::MAX } else { 5 }) {
            out.push_str(&format!(
                "  {}\n",
                describe_stuck(&batch.network, g, batch.rows.len() as u64)
            ));
        }
        if !all && batch.stuck.len() > 5 {
            out.push_str(&format!(
                "  ... and {} more places (--all lists them)\n",
                batch.stuck.len() - 5
            ));
        }
    }
    let summaries = batch.summaries();
    if all {
        out.push_str(&metric_tables(&summaries, batch.scenario()));
    } else {
        out.push_str(&brief_table(batch, &summaries));
    }
    out
}

/// The figures of the whole return and of the bottleneck, with units.
fn brief_table(batch: &Batch, summaries: &[(&MetricInfo, Summary)]) -> String {
    // The bottleneck's own element and every element whose waits it counts.
    let worst: Vec<Scope> = bottleneck(batch)
        .map(|w| {
            let own = match w.kind {
                WaitKind::Site => Scope::Site(w.index),
                WaitKind::Leg => Scope::Leg(w.index),
                WaitKind::Checkpoint => Scope::Checkpoint(w.index),
                WaitKind::Approvals => Scope::Cohort(w.index),
                WaitKind::Pool => Scope::Pool(w.index),
            };
            let mut s = vec![own];
            s.extend(w.scopes.iter().filter(|&&x| x != own));
            s
        })
        .unwrap_or_default();
    let rows: Vec<&(&MetricInfo, Summary)> = summaries
        .iter()
        .filter(|(m, _)| {
            (m.headline && matches!(m.key.scope, Scope::Overall | Scope::Cost))
                || (worst.contains(&m.key.scope)
                    && (m.headline || matches!(m.key.stat, Stat::WaitingPersonHours | Stat::BedHoldPersonHours)))
        })
        .collect();
    let sc = batch.scenario();
    let width = rows
        .iter()
        .map(|(m, _)| m.label.chars().count())
        .max()
        .unwrap_or(10)
        .max(10);
    let mut out = format!(
        "\n  {:<width$} {:>12} {:>25} {:>12}  unit\n",
        "headline figures (--all for every metric)", "mean", "95% CI", "p90"
    );
    for (m, s) in rows {
        let ci = if s.n >= 2 && s.ci95_low.is_finite() {
            let lo = if m.unit.is_whole() || m.unit == Unit::Fraction {
                s.ci95_low.max(0.0)
            } else {
                s.ci95_low
            };
            format!("{} to {}", fmt_value(lo, m.unit), fmt_value(s.ci95_high, m.unit))
        } else {
            "undefined".to_string()
        };
        out.push_str(&format!(
            "  {:<width$} {:>12} {:>25} {:>12}  {}\n",
            m.label,
            fmt_value(s.mean, m.unit),
            ci,
            fmt_value(s.p90, m.unit),
            m.unit.name(sc)
        ));
    }
    out
}

/// The lines above the findings: the run and how it ended.
/// With a warm-up, what its figures cover, said once where every reader starts.
pub fn warm_up_note(batch: &Batch) -> Option<String> {
    let sc = batch.scenario();
    (sc.warmup_hours > 0.0).then(|| {
        let mut note = format!(
            "Warm-up: waits, occupancy, utilisation and costs are counted from {} (after {} hours); the people home, slipped away and the makespan, over the whole run.",
            super::findings::date(batch, sc.warmup_hours / 24.0),
            sc.warmup_hours
        );
        // Replications over before the warm-up's end observe nothing after it.
        let before = batch.ended_before_warm_up();
        if before > 0 {
            note.push_str(&format!(
                " In {before} of {} replications every journey had ended before it, so they count nothing after it: shorten warmup_hours.",
                batch.len()
            ));
        }
        note
    })
}

fn headline(batch: &Batch) -> String {
    let sc = batch.scenario();
    let n = batch.len();
    let mut out = String::new();
    // A batch put together from parts (merge) was timed by its parts, not here.
    let timing = if batch.threads > 0 && batch.wall_seconds > 0.0 {
        // A resumed run timed only the replications it ran itself.
        let part = if batch.timed_events < batch.events {
            " for the part run now (resumed)"
        } else {
            ""
        };
        format!(
            "{}, {:.2} s{part}, {:.1} M events/s",
            fmt_quantity(batch.threads as u64, "thread"),
            batch.wall_seconds,
            batch.timed_events as f64 / batch.wall_seconds / 1e6
        )
    } else {
        "put together from parts run elsewhere".to_string()
    };
    out.push_str(&format!(
        "{}: {} (seed {}, {}), {}; {timing}\n",
        sc.name,
        fmt_quantity(n as u64, "replication"),
        sc.seed,
        crate::metrics::fmt_replications(batch.first_replication, n as u64),
        crate::metrics::fmt_people(sc.population()),
    ));
    if batch.interrupted {
        out.push_str(&format!(
            "PARTIAL: interrupted after {n} replications; figures cover those only.\n"
        ));
    }
    if let Some(note) = warm_up_note(batch) {
        out.push_str(&note);
        out.push('\n');
    }
    let (all_home, horizon, stalled) = batch.end_counts();
    // Those who slipped away or were turned away end their journey without getting
    // home: the line says so rather than call them home.
    let gone: Vec<String> = [(Stat::Evaded, "slipped away"), (Stat::TurnedAway, "turned away")]
        .into_iter()
        .filter_map(|(stat, what)| {
            let m = batch.mean_of(MetricKey::overall(stat));
            (m > 0.0).then(|| format!("{what}: {} on average", crate::metrics::fmt_num(m)))
        })
        .collect();
    let horizon_days = crate::metrics::fmt_days(sc.horizon_hours / 24.0);
    let everyone = crate::metrics::catalogue::everyone(sc);
    out.push_str(&match (gone.is_empty(), everyone) {
        (true, who) => format!(
            "{} home within the {horizon_days}-day horizon in {all_home} of {n} replications",
            crate::metrics::catalogue::capitalized(who)
        ),
        (false, "everyone") => format!(
            "Every journey ended within the {horizon_days}-day horizon in {all_home} of {n} replications (home, or {})",
            gone.join("; or ")
        ),
        (false, _) => format!(
            "Every journey of those notified ended within the {horizon_days}-day horizon in {all_home} of {n} replications (home, or {})",
            gone.join("; or ")
        ),
    });
    let never = crate::metrics::catalogue::never_notified(sc);
    if never > 0 {
        out.push_str(&format!(
            "; {} never notified (the waves notify fewer than their cohorts hold)",
            crate::metrics::fmt_people(never)
        ));
    }
    if horizon > 0 {
        out.push_str(&format!(
            "; {horizon} reached the horizon with people still on their way"
        ));
    }
    if stalled > 0 {
        out.push_str(&format!(
            "; {stalled} STALLED (nothing more could happen, people still waiting)"
        ));
    }
    out.push_str(".\n");
    let waits = waiting_by_stage(batch);
    if waits.len() > 1 {
        out.push_str("Where people wait (person-days per replication):");
        for w in waits.iter().take(4) {
            out.push_str(&format!(
                " {} {} ({});",
                w.what.replace('`', ""),
                fmt_num(w.person_hours / 24.0),
                crate::metrics::fmt_value(w.share, crate::metrics::Unit::Fraction)
            ));
        }
        out.pop();
        out.push_str(".\n");
    }
    out
}

/// Every metric by section: mean, 95% CI, p5, p50, p95.
fn metric_tables(summaries: &[(&MetricInfo, Summary)], sc: &crate::scenario::Scenario) -> String {
    let mut out = String::new();
    let width = summaries.iter().map(|(m, _)| m.id.len()).max().unwrap_or(10).max(10);
    for (k, title) in SECTIONS.iter().enumerate() {
        let rows: Vec<&(&MetricInfo, Summary)> = summaries.iter().filter(|(m, _)| section(m.key.scope) == k).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        out.push_str(&format!(
            "  {:<width$} {:>10} {:>23} {:>10} {:>10} {:>10}  unit\n",
            "metric", "mean", "95% CI", "p5", "p50", "p95"
        ));
        for (m, s) in rows {
            // In the metric's unit, as the brief table writes it: a share of 0.9999 is
            // "99.99%", not "1.000", which reads as all.
            let num = |x: f64| fmt_value(x, m.unit);
            let ci = format!("[{}, {}]", num(s.ci95_low), num(s.ci95_high));
            out.push_str(&format!(
                "  {:<width$} {:>10} {:>23} {:>10} {:>10} {:>10}  {}\n",
                m.id,
                num(s.mean),
                ci,
                num(s.p05),
                num(s.p50),
                num(s.p95),
                m.unit.name(sc)
            ));
        }
    }
    out
}

#[cfg(test)]
mod people_tests {
    /// "1 person", not "1 people"; other means as counts of people.
    #[test]
    fn one_is_a_person() {
        assert_eq!(super::people(1.0), "1 person");
        assert_eq!(super::people(2.0), "2 people");
        assert_eq!(super::people(14.5), "14.50 people");
    }
}
