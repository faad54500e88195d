//! Sentences a planner can act on, each computed from the numbers beside it: when
//! everyone is home (with calendar dates), the one bottleneck (the stage people wait
//! for longest in total, waits still under way at the end included) and what one step
//! more of it (or of the second place people wait, when that buys more) buys, the sites
//! that are full, idle checkpoints, evasion and cost.

use super::waiting::{Wait, WaitKind, bottleneck, waiting_by_stage};
use crate::experiment::Batch;
use crate::experiment::whatif::{Lever, WhatIf};
use crate::metrics::{MetricKey, Scope, Stat, Unit, fmt_num, fmt_quantity, fmt_value};
use crate::scenario::Scenario;

fn pct(x: f64) -> String {
    fmt_value(x, Unit::Fraction)
}

/// The calendar date and clock time `days` after the scenario's start, e.g.
/// "2023-09-05 15:50".
pub fn date(batch: &Batch, days: f64) -> String {
    let start = batch.scenario().start;
    let at = start + chrono::Duration::minutes((days * 1440.0).round() as i64);
    // With the clock time: "by 2024-01-04" reads as the end of that day to some and as
    // its start to others (a target of day 3.00 is its start).
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// The levers a what-if tries for a bottleneck: for a timetabled leg, one more
/// departure a week and one more vehicle; for any other leg, one more vehicle; beds,
/// booths or approvals for the other stages.
pub fn levers(batch: &Batch, w: &Wait) -> Vec<Lever> {
    match w.kind {
        WaitKind::Site => {
            // Positives waiting for an isolation bed keep their bed here, so a full
            // isolation site fills this one: its beds are a lever too.
            let site = &batch.scenario().sites[w.index as usize];
            match site.testing.map(|t| t.on_positive) {
                Some(crate::scenario::OnPositive::Isolate(iso))
                    if batch.scenario().sites[iso.0 as usize].beds.is_some() =>
                {
                    vec![Lever::Beds(w.index), Lever::Beds(iso.0)]
                }
                _ => vec![Lever::Beds(w.index)],
            }
        }
        WaitKind::Leg => {
            let timetabled = matches!(
                batch.scenario().legs[w.index as usize].departure,
                crate::scenario::Departure::Timetable(_)
            );
            // A leg with a shared fleet gets more vehicles by a bigger fleet pool.
            let vehicles = match batch.scenario().legs[w.index as usize].fleet {
                Some(p) => Lever::PoolUnits(p.0),
                None => Lever::Vehicles(w.index),
            };
            if timetabled {
                vec![Lever::Departures(w.index), vehicles]
            } else {
                vec![vehicles]
            }
        }
        WaitKind::Checkpoint => vec![Lever::Booths(w.index)],
        WaitKind::Approvals => vec![Lever::Approvals(w.index)],
        WaitKind::Pool => vec![Lever::PoolUnits(w.index)],
    }
}

/// The paired what-if on the bottleneck of `batch`, if there is one and `options` ask
/// for it; `file` names the scenario in the command that reproduces it.
pub fn what_if_for(
    batch: &Batch,
    options: &super::export::ReportOptions,
    file: &str,
) -> Result<Option<WhatIf>, super::OutputError> {
    let stages = waiting_by_stage(batch);
    match stages.first() {
        // A stopped run writes what it has at once: the what-if (hundreds of paired
        // replications, 9 s of a stopped full return) is left to the resume.
        Some(b) if options.what_if && !batch.is_empty() && !batch.interrupted => {
            // Where people queue longest is not always what holds them up: a tester's
            // feeder bus queued for charter seats held by people stuck at an exit
            // control open one hour a week, and the what-if tried only more flights
            // (nobody could catch them) while a booth more brought everyone home. The
            // runner-up's steps are tried too when it holds a large share.
            let own = levers(batch, b);
            let runner_up = stages.get(1).filter(|w| w.share >= RUNNER_UP_SHARE);
            let mut tried = own.clone();
            for lever in runner_up.map(|r| levers(batch, r)).unwrap_or_default() {
                if !tried.contains(&lever) {
                    tried.push(lever);
                }
            }
            let mut w = crate::experiment::whatif::what_if_until(
                batch,
                &tried,
                &b.scopes,
                file,
                options.threads,
                options.stop.clone(),
            )
            .map_err(|e| match e {
                crate::experiment::compare::CompareError::Stopped => super::OutputError::Stopped,
                e => super::OutputError::Chart(format!("the what-if could not run: {e}")),
            })?;
            if let (Some(w), Some(r)) = (w.as_mut(), runner_up) {
                let own_paths: Vec<String> = own
                    .iter()
                    .filter_map(|&l| crate::experiment::whatif::step(batch, l).map(|s| s.0))
                    .collect();
                if !own_paths.contains(&w.path) {
                    w.at_runner_up = Some(r.what.clone());
                }
            }
            Ok(w)
        }
        _ => Ok(None),
    }
}

/// The share of all waiting at which the second stage of "where people wait" has its
/// steps tried by the what-if beside the bottleneck's.
pub const RUNNER_UP_SHARE: f64 = 0.10;

/// A signed change with its CI, e.g. "-2.5 days (95% CI -3.1 to -1.9)".
fn change(c: [f64; 3], unit: &str) -> String {
    // An end at infinity (replications beyond the horizon on one side) leaves the
    // interval open there; a NaN end means no interval at all.
    let ci = match (c[1], c[2]) {
        (lo, hi) if lo.is_finite() && hi.is_finite() => format!(", 95% CI {} to {}", fmt_num(lo), fmt_num(hi)),
        (lo, hi) if lo == f64::NEG_INFINITY && hi.is_finite() => format!(", 95% CI up to {}", fmt_num(hi)),
        (lo, hi) if lo.is_finite() && hi == f64::INFINITY => format!(", 95% CI from {}", fmt_num(lo)),
        _ => ", CI undefined: too few replications".to_string(),
    };
    format!("{}{ci}", signed(c[0], unit))
}

/// A signed point change with its unit, e.g. "+0.100 days", "0 days".
fn signed(x: f64, unit: &str) -> String {
    let point = if x == 0.0 { "0".to_string() } else { fmt_num(x) };
    format!("{}{point}{unit}", if x > 0.0 { "+" } else { "" })
}

/// True when the change's 95% CI is defined (an end may be infinite) and excludes zero.
fn clear(c: [f64; 3]) -> bool {
    defined(c) && (c[1] > 0.0 || c[2] < 0.0)
}

/// True when the change has a 95% CI, perhaps open at one end.
fn defined(c: [f64; 3]) -> bool {
    !(c[1].is_nan() || c[2].is_nan() || (c[1].is_infinite() && c[2].is_infinite()))
}

/// "changes by -2.5 days (95% CI ...)" when the CI excludes zero, "shows no detectable
/// change (-0.1 days, 95% CI ...)" when it includes it, and without a CI (too few
/// replications) what these replications showed, without claiming more.
fn effect(c: [f64; 3], unit: &str) -> String {
    if !defined(c) {
        let point = signed(c[0], unit);
        if c[0] == 0.0 {
            "does not change on these replications (too few of them for a 95% CI)".to_string()
        } else {
            format!("changes by {point} on these replications (too few of them for a 95% CI)")
        }
    } else if clear(c) {
        format!("changes by {}", change(c, unit))
    } else {
        format!("shows no detectable change ({})", change(c, unit))
    }
}

/// What the what-if did to the day by which 90% of replications have every journey ended,
/// where more than a tenth of them did not end every journey within the horizon before
/// or after (the P90 then lies beyond it).
fn p90_effect(w: &WhatIf) -> String {
    let n = w.replications;
    let beyond = |p: f64, unfinished: u64| !p.is_finite() && unfinished > 0;
    match (
        beyond(w.p90_days_before, w.unfinished_before),
        beyond(w.p90_days_after, w.unfinished_after),
    ) {
        (true, false) if w.p90_days_after.is_finite() => format!(
            "comes within the horizon: day {} (before, {} of {n} replications did not end every journey within it)",
            fmt_num(w.p90_days_after),
            w.unfinished_before
        ),
        (false, true) if w.p90_days_before.is_finite() => format!(
            "moves beyond the horizon, from day {} ({} of {n} replications do not end every journey within it after the change)",
            fmt_num(w.p90_days_before),
            w.unfinished_after
        ),
        (true, true) => format!(
            "stays beyond the horizon ({} of {n} replications did not end every journey within it before, {} after)",
            w.unfinished_before, w.unfinished_after
        ),
        _ => {
            let mut e = effect(w.p90_days_change, " days");
            if w.unfinished_before != w.unfinished_after {
                e.push_str(&format!(
                    " (replications that did not end every journey within the horizon: {} -> {} of {n})",
                    w.unfinished_before, w.unfinished_after
                ));
            }
            e
        }
    }
}

/// `s` with its first letter in upper case.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The what-if in one sentence.
pub fn what_if_sentence(w: &WhatIf, sc: &Scenario) -> String {
    let runner_up = w.at_runner_up.as_ref().map_or(String::new(), |r| {
        format!(" (not at the bottleneck but at the second place people wait, {r}: it ranked above the bottleneck's own steps)")
    });
    let mut s = format!(
        "What to change: with {}{runner_up}, the day by which 90% of replications have {} {}",
        w.change,
        crate::metrics::catalogue::everyone_home(sc),
        p90_effect(w)
    );
    if w.evaded_before.is_finite() && crate::metrics::catalogue::can_slip_away(sc) {
        s.push_str(&format!(
            "; the number of people who slip away {}",
            effect(w.evaded_change, "")
        ));
    }
    if w.turned_away_before.is_finite() {
        s.push_str(&format!(
            "; the number of people turned away {} (from {} on these replications)",
            effect(w.turned_away_change, ""),
            fmt_num(w.turned_away_before)
        ));
    }
    if w.waiting_days_before.is_finite() {
        s.push_str(&format!(
            "; {} {} per replication (from {} on these replications)",
            w.waiting_at.as_deref().unwrap_or("waiting at the bottleneck"),
            effect(w.waiting_days_change, " person-days"),
            fmt_num(w.waiting_days_before)
        ));
    }
    // Waiting that only moves on to another stage is no gain: say where it went and
    // what is left of the change once every stage is counted.
    let t = w.total_waiting_days_change;
    let elsewhere = (t[0] - w.waiting_days_change[0]).abs() > 0.05 * w.waiting_days_change[0].abs();
    if w.total_waiting_days_before.is_finite() && (!w.waiting_moved_to.is_empty() || elsewhere) {
        if !w.waiting_moved_to.is_empty() {
            s.push_str(&format!(
                ", but waiting grows elsewhere, in person-days per replication: {}",
                w.waiting_moved_to.join(", ")
            ));
        }
        s.push_str(&format!(
            "; waiting everywhere (from {} person-days per replication) {}",
            fmt_num(w.total_waiting_days_before),
            effect(t, " person-days")
        ));
    }
    // The gains that apply (evasion only where people get notice), each with a CI.
    let mut gains = vec![w.p90_days_change, t];
    if w.evaded_before.is_finite() {
        gains.push(w.evaded_change);
    }
    if w.turned_away_before.is_finite() {
        gains.push(w.turned_away_change);
    }
    if w.loses_more_people() {
        s.push_str(
            ". Beware: it loses more people (the P90 day counts a journey as ended however it ended, so it can fall while fewer get home)",
        );
    }
    let measured = gains.iter().all(|&c| defined(c));
    if w.total_waiting_days_before.is_finite() && measured && !gains.iter().any(|&c| clear(c)) {
        s.push_str(
            ". Overall it buys no detectable gain: the bottleneck's capacity alone is not what holds people back",
        );
    }
    if !w.tied.is_empty() {
        s.push_str(&format!(
            ". {} bought exactly as much",
            capitalised(&w.tied.join(" or "))
        ));
    }
    if !w.also_tried.is_empty() {
        let losing = w
            .also_tried
            .iter()
            .any(|t| t.ends_with(crate::experiment::whatif::LOSES_MORE_PEOPLE));
        s.push_str(&format!(
            ". Also tried, ranked lower ({}a smaller fall in the P90 day as estimated, then in waiting everywhere): {}",
            if losing {
                "one that loses more people last; the rest by "
            } else {
                ""
            },
            w.also_tried.join("; ")
        ));
    }
    s.push_str(&format!(
        ". Paired on {}; to reproduce: {}",
        crate::metrics::fmt_replications(w.first_replication, w.replications),
        w.command
    ));
    s
}

/// People ever notified or released, on average (the plan's people less those still
/// at their origin unreleased at the end: never notified by a wave, or not yet
/// released by an arrival process; at least 1): what shares of people who slipped away
/// or were turned away are of. (Only the never-notified were taken off: 1,500 turned
/// away of 4,320 released read as 15% of 10,000.)
fn notified_or_released(batch: &Batch) -> f64 {
    let unreleased: u64 = batch
        .stuck
        .iter()
        .filter(|g| g.phase == crate::model::Phase::NotReleased)
        .map(|g| g.people)
        .sum();
    let never = unreleased as f64 / batch.len().max(1) as f64;
    (batch.scenario().population() as f64 - never).max(1.0)
}

/// Sentences a planner can act on, computed from the results.
pub fn findings(batch: &Batch, what_if: Option<&WhatIf>) -> Vec<String> {
    let mut out = Vec::new();
    when_home(batch, &mut out);
    if let Some(b) = bottleneck(batch) {
        let reserving = b.scopes.iter().any(|s| matches!(s, Scope::Leg(_))) && b.kind == WaitKind::Site;
        let feeding = b.kind == WaitKind::Leg && b.scopes.iter().any(|s| *s != Scope::Leg(b.index));
        out.push(format!(
            "The bottleneck, where people wait longest in total, is {}: {} person-days of waiting per replication, {} of all waiting{}.",
            b.what,
            fmt_num(b.person_hours / 24.0),
            pct(b.share),
            if reserving {
                " (the wait to board a leg that reserves these beds counts here for the people beyond the beds it could reserve while the beds were fewer than its fleet could carry, and as waiting for its transport for the rest)"
            } else if feeding {
                " (those legs take only people with a seat on it, so their wait to board is a wait for it)"
            } else {
                ""
            }
        ));
    } else {
        let turned_away = batch.mean_of(MetricKey::overall(Stat::TurnedAway));
        let over_before_warm_up = batch.scenario().warmup_hours > 0.0 && batch.ended_before_warm_up() == batch.len();
        out.push(if over_before_warm_up {
            "No waiting is counted: every replication ended before the warm-up's end.".into()
        } else if turned_away > 0.0 {
            "Nobody waits anywhere, but only because those who find a line full or run out of patience are turned away (see below).".into()
        } else {
            "Nobody waits anywhere: every stage takes people as soon as they are ready.".into()
        });
    }
    if let Some(w) = what_if {
        out.push(what_if_sentence(w, batch.scenario()));
    } else if batch.interrupted && bottleneck(batch).is_some() {
        out.push(if batch.planned.is_some() {
            "What to change: not tried, as the run was stopped (`--resume` tries it with the rest).".into()
        } else {
            "What to change: not tried, as the run was stopped.".into()
        });
    }
    full_sites(batch, &mut out);
    idle_checkpoint(batch, &mut out);
    pool_at_peaks(batch, &mut out);
    evasion_and_cost(batch, &mut out);
    out.extend(super::inputs::finding(batch));
    out.extend(crate::report::charts::run::empty_levels(batch));
    out
}

/// When everyone is home: the P90 with its date (replications that did not get everyone
/// home within the horizon count as later than it, so the sentence never claims a day
/// that fewer than 90% of replications meet), the mean (over all replications when all
/// finished, else said to be over the finished ones), the target, stalls.
fn when_home(batch: &Batch, out: &mut Vec<String>) {
    let sc = batch.scenario();
    let n = batch.len();
    let (_, _, stalled) = batch.end_counts();
    let key = MetricKey::overall(Stat::MakespanDays);
    let column = batch.catalogue.index(key).map(|i| batch.column(i)).unwrap_or_default();
    let done: Vec<f64> = column.iter().copied().filter(|x| x.is_finite()).collect();
    let horizon_days = sc.horizon_hours / 24.0;
    if done.is_empty() {
        let which = if n == 1 {
            "In the one replication, not everyone is".to_string()
        } else {
            format!("In none of {n} replications is everyone")
        };
        out.push(format!(
            "{which} home within the {}-day horizon (by {}).",
            crate::metrics::fmt_days(horizon_days),
            date(batch, horizon_days)
        ));
    } else {
        // The day by which at least 90% of replications have everyone home: the P90
        // of the tables (an order statistic), those not finished counting as later.
        let p90 = crate::experiment::check::censored_value(&column, crate::stats::target::StatSpec::Quantile(0.9));
        // How many meet it (ties included: all 20 when all have the same makespan).
        let k = column.iter().filter(|&&x| x <= p90).count();
        let finished = crate::stats::Summary::of_on(&done, crate::stats::Support::NonNegative);
        let ci = if finished.ci95_low.is_finite() {
            format!(
                " (95% CI {} to {})",
                fmt_num(finished.ci95_low),
                fmt_num(finished.ci95_high)
            )
        } else {
            " (CI undefined from one replication)".to_string()
        };
        let mut s = if p90.is_finite() {
            let share = if n == 1 {
                "the one replication (".to_string()
            } else {
                format!("at least 90% of replications ({k} of {n}; ")
            };
            // Who slipped away or was turned away ended their journey without getting
            // home: the makespan is when the last journey ended.
            let gone = [Stat::Evaded, Stat::TurnedAway]
                .into_iter()
                .any(|stat| batch.mean_of(MetricKey::overall(stat)) > 0.0);
            let subject = match (gone, crate::metrics::catalogue::everyone(sc)) {
                (true, "everyone") => "Every journey has ended (home, or left the return)".to_string(),
                (true, _) => "Every journey of those notified has ended (home, or left the return)".to_string(),
                (false, who) => crate::metrics::catalogue::capitalized(&format!("{who} is home")),
            };
            format!("{subject} by {} in {share}day {}", date(batch, p90), fmt_num(p90))
                + if done.len() < n {
                    ", counting those that did not finish as later)"
                } else {
                    ")"
                }
        } else {
            format!(
                "{} within the {}-day horizon in only {} of {n} replications ({}), so the day by which 90% are lies beyond the horizon ({})",
                crate::metrics::catalogue::capitalized(&crate::metrics::catalogue::everyone_is_home(sc)),
                crate::metrics::fmt_days(horizon_days),
                done.len(),
                pct(done.len() as f64 / n as f64),
                date(batch, horizon_days)
            )
        };
        if done.len() < n {
            s.push_str(&format!(
                "; over the {} of {n} replications that got everyone home, after {} days on average{ci}.",
                done.len(),
                fmt_num(finished.mean)
            ));
        } else {
            s.push_str(&format!(
                "; on average after {} days{ci}, on {}.",
                fmt_num(finished.mean),
                date(batch, finished.mean)
            ));
        }
        out.push(s);
    }
    // The target is answered whether or not any replication finished (none meeting it
    // is the answer a planner most needs).
    if let Some(t) = sc.target_days
        && n > 0
    {
        let met = column.iter().filter(|x| x.is_finite() && **x <= t).count();
        let who = crate::metrics::catalogue::everyone_home(sc);
        out.push(format!(
            "{} of replications have {who} by the target, {} (day {}).",
            pct(met as f64 / n as f64),
            date(batch, t),
            fmt_num(t)
        ));
    }
    if stalled > 0 {
        out.push(format!(
            "{stalled} of {n} replications stall: people are stuck where nothing can move them (see who was left where, under \"Left behind at the end\")."
        ));
    }
}

/// Sites full a large share of the time (every bed taken or promised).
fn full_sites(batch: &Batch, out: &mut Vec<String>) {
    let sc = batch.scenario();
    let mut full: Vec<(String, f64)> = sc
        .sites
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let share = batch.mean_of(MetricKey::site(i as u16, Stat::FullShare));
            (share.is_finite() && share > 0.0).then(|| (s.name.clone(), share))
        })
        .collect();
    full.sort_by(|a, b| b.1.total_cmp(&a.1));
    let listed: Vec<String> = full
        .iter()
        .take(3)
        .filter(|(_, share)| *share >= 0.05)
        .map(|(name, share)| format!("`{name}` {}", pct(*share)))
        .collect();
    if !listed.is_empty() {
        out.push(format!(
            "Share of the run with every bed taken or promised (nobody else gets in): {}.",
            listed.join(", ")
        ));
    }
}

/// The checkpoint idle the largest share of its open hours.
fn idle_checkpoint(batch: &Batch, out: &mut Vec<String>) {
    let sc = batch.scenario();
    let bottleneck_at = bottleneck(batch)
        .filter(|b| b.kind == WaitKind::Checkpoint)
        .map(|b| b.index as usize);
    let idle_of = |i: usize| {
        let u = batch.mean_of(MetricKey::checkpoint(i as u16, Stat::Utilization));
        u.is_finite().then(|| (1.0 - u).clamp(0.0, 1.0))
    };
    // The bottleneck idle most of its open hours: say where its waiting happens.
    if let Some(i) = bottleneck_at
        && let Some(idle) = idle_of(i).filter(|x| *x >= 0.5)
    {
        let k = &sc.checkpoints[i];
        let when = waits_when(batch, i);
        out.push(format!(
            "`{}` is idle {} of its open hours ({}) although people wait there most: in its open hours a free booth takes the next person in line at once, so they wait {when}.",
            k.name,
            pct(idle),
            booths(batch, i).0
        ));
    }
    // The idlest other checkpoint: booths to spare (not where people wait for staff from
    // a pool: there the booths are idle for want of staff, not of work).
    let held_for_staff = |i: usize| batch.mean_of(MetricKey::checkpoint(i as u16, Stat::PoolWaitPersonHours)) > 0.0;
    let idle = (0..sc.checkpoints.len())
        .filter(|&i| Some(i) != bottleneck_at && !held_for_staff(i))
        .filter_map(|i| idle_of(i).map(|x| (i, x)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((i, idle)) = idle.filter(|x| x.1 >= 0.5) {
        let k = &sc.checkpoints[i];
        // The most booths it had at once ([[change]]s may add some during the run).
        let (booths_text, most) = booths(batch, i);
        let waited_days = batch.mean_of(MetricKey::checkpoint(i as u16, Stat::WaitingPersonHours)) / 24.0;
        let turned_away = batch.mean_of(MetricKey::checkpoint(i as u16, Stat::TurnedAway));
        // Idle hours are not spare booths: where people still queue, they came in
        // bunches that needed every booth, and fewer booths would lengthen their waits.
        // Only where nobody waited may a booth be spared (and its only booth never).
        let spare = if waited_days > 0.0 {
            format!(
                ", yet people wait in its line ({} person-days per replication): in its open hours a free booth takes the next person at once, so they wait {}{}",
                fmt_num(waited_days),
                waits_when(batch, i),
                if turned_away > 0.0 {
                    // Idle hours do not make booths to spare where people are lost.
                    format!(
                        "; and it turns away {} people per replication (its line full or patience out): when they come it lacks booths, whatever its idle hours",
                        fmt_num(turned_away)
                    )
                } else {
                    // Idle hours averaged over the run read as slack; a tester added a
                    // booth to a post "idle 88%" and cut its waiting by 39%: the idle
                    // hours were before and after the bunch, which kept every booth busy.
                    format!(
                        "; its idle hours are hours when nobody came, not booths to spare: more booths would shorten the waits while every booth is busy{}, fewer would lengthen them (`compare --vs-set checkpoint.{}.servers={}` shows by how much)",
                        // A tester's post open two hours a day: all of its waiting was
                        // while closed, and a booth more bought nothing.
                        if can_close(batch, i) {
                            " (not those while it is closed)"
                        } else {
                            ""
                        },
                        k.name,
                        k.servers + 1
                    )
                }
            )
        } else if most == 1 {
            ": its only booth has time to spare".to_string()
        } else {
            format!(
                ": nobody waited in its line, so a booth might be moved elsewhere (`compare --vs-set checkpoint.{}.servers={}` shows what it would cost)",
                k.name,
                k.servers - 1
            )
        };
        out.push(format!(
            "`{}` is idle {} of its open hours ({booths_text}){spare}.",
            k.name,
            pct(idle),
        ));
    }
}

/// Checkpoint `i`'s booths in words ("1 booth", or "1→2 booths" when `[[change]]`s
/// set them during the run) and the most it had at once.
fn booths(batch: &Batch, i: usize) -> (String, u32) {
    let k = &batch.scenario().checkpoints[i];
    let of = |c: &crate::scenario::ChangeWhat| match c {
        crate::scenario::ChangeWhat::Servers { checkpoint, servers } if checkpoint.0 as usize == i => Some(*servers),
        _ => None,
    };
    let most = batch
        .scenario()
        .changes
        .iter()
        .filter_map(|c| of(&c.what))
        .fold(k.servers, u32::max);
    let (shown, later) = super::network::capacity(batch, k.servers, of);
    let text = if later.is_empty() {
        fmt_quantity(k.servers.into(), "booth")
    } else {
        format!("{shown} booths")
    };
    (text, most)
}

/// When people wait in the line of checkpoint `i` although it is idle much of its open
/// hours: in its open hours a free booth takes the next person at once, so they wait
/// while every booth is busy (arrivals in bunches, idle hours between them), while it is
/// closed, once its quota is used up, while away after giving up, or for its staff.
fn can_close(batch: &Batch, i: usize) -> bool {
    let sc = batch.scenario();
    let k = &sc.checkpoints[i];
    let me = crate::scenario::Closable::Checkpoint(crate::scenario::CheckpointId(i as u16));
    !k.open.is_always_open()
        || !k.closed.is_empty()
        || k.checkin.is_some()
        || sc.closures.iter().any(|c| c.applies_to.contains(&me))
        || sc.outbreaks.iter().any(|o| o.applies_to.contains(&me))
}

fn waits_when(batch: &Batch, i: usize) -> String {
    let sc = batch.scenario();
    let k = &sc.checkpoints[i];
    // While open with a booth free nobody waits in line, so the waiting happens
    // while every booth is busy (arrivals in bunches, idle hours between them), while
    // it is closed, its quota is used up, or people are away after giving up.
    let can_close = can_close(batch, i);
    let mut when = vec![if booths(batch, i).1 == 1 {
        "while the booth is busy"
    } else {
        "while every booth is busy"
    }];
    // Tied to a leg's departures, it is closed most of the time: the lever is then the
    // leg's timetable, not booths (a tester's check-in was the bottleneck, 77% idle).
    let hours = |h: f64| if h == h.round() { format!("{h:.0}") } else { fmt_num(h) };
    let checkin = k.checkin.map(|c| {
        format!(
            "while it is closed (it opens for check-in only from {} h to {} h before each departure of `{}`: more departures open it more often)",
            hours(c.opens_hours_before),
            hours(c.closes_hours_before),
            sc.legs[c.leg.0 as usize].name
        )
    });
    match &checkin {
        Some(c) => when.push(c.as_str()),
        None if can_close => when.push("while it is closed"),
        None => {}
    }
    if k.quota.is_some() {
        when.push("once its quota is used up");
    }
    if matches!(k.give_up, crate::scenario::GiveUp::Retry(_)) {
        when.push("while away after giving up");
    }
    if let Some(p) = k.staff_from {
        // "Elsewhere" only where the pool serves another stage too.
        let shared = sc
            .checkpoints
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && o.staff_from == Some(p))
            || sc
                .legs
                .iter()
                .any(|l| l.needs.iter().any(|n| n.pool == p) || l.fleet == Some(p));
        let off_duty = !sc.pools[p.0 as usize].on_duty.is_always_open();
        when.push(match (shared, off_duty) {
            (true, false) => "while its staff (a shared pool) are busy elsewhere",
            (true, true) => "while its staff (a shared pool) are busy elsewhere or off duty",
            (false, false) => "while every one of its staff (a pool) is busy",
            (false, true) => "while every one of its staff (a pool) is busy or off duty",
        });
    }
    let idle_between = if k.servers == 1 {
        "the booth stands"
    } else {
        "the booths stand"
    };
    match when.len() {
        1 => format!(
            "{}: people arrive in bunches, and {idle_between} idle between them",
            when[0]
        ),
        n => format!("{} or {}", when[..n - 1].join(", "), when[n - 1]),
    }
}

/// A pool that is the bottleneck while its units are idle most of their hours on duty:
/// it binds at peaks (departures bunched at timetabled times, or a shift that ends).
fn pool_at_peaks(batch: &Batch, out: &mut Vec<String>) {
    let Some(b) = bottleneck(batch).filter(|b| b.kind == WaitKind::Pool) else {
        return;
    };
    let pool = &batch.scenario().pools[b.index as usize];
    let key = |stat| MetricKey::new(Scope::Pool(b.index), stat);
    let used = batch.mean_of(key(Stat::Utilization));
    let peak = batch.mean_of(key(Stat::PeakInUse));
    if used.is_finite() && used < 0.5 {
        let shift = if pool.on_duty.is_always_open() {
            String::new()
        } else {
            let missed = batch.mean_of(key(Stat::MissedDepartures));
            let lost = if missed.is_finite() {
                format!(
                    "; timetabled departures lost for want of its units: {} per replication",
                    fmt_num(missed)
                )
            } else {
                String::new()
            };
            format!(
                ", or when they are needed off duty (its shift: {}{lost})",
                super::network::describe_hours(&pool.on_duty)
            )
        };
        // Its size in words, every value a `[[change]]` gives it ("1→2 units"): the
        // start's alone read "up to 2 of its 1 unit" when a change had added one.
        let of = |c: &crate::scenario::ChangeWhat| match c {
            crate::scenario::ChangeWhat::PoolSize { pool, size } if pool.0 == b.index => Some(*size),
            _ => None,
        };
        let (shown, later) = super::network::capacity(batch, pool.size, of);
        let size = if later.is_empty() {
            fmt_quantity(pool.size.into(), "unit")
        } else {
            format!("{shown} units")
        };
        out.push(format!(
            "`{}` holds people up most although its units are in use only {} of their hours on duty: it binds at peaks (up to {} of its {size} in use at once), when departures or services need more units at the same time than it has{shift}.",
            pool.name,
            pct(used),
            fmt_value(peak, Unit::Units),
        ));
    }
}

/// Evasion (with the category most likely to slip away) and cost.
fn evasion_and_cost(batch: &Batch, out: &mut Vec<String>) {
    let sc = batch.scenario();
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
        let notified = notified_or_released(batch);
        let mut s = format!(
            "On average {} people ({} of everyone notified) slip away {}",
            fmt_value(e.mean, Unit::People),
            pct(e.mean / notified),
            batch.network.evasion_window()
        );
        if let Some((cat, m)) = top
            && m > 0.0
        {
            // "Most" only when it is more than half of them.
            let share = m / e.mean;
            s.push_str(&if share > 0.5 {
                format!("; most of them ({}) `{cat}`", pct(share))
            } else {
                format!("; the largest share of them ({}) `{cat}`", pct(share))
            });
        }
        s.push('.');
        out.push(s);
    }
    // People turned away at checkpoints leave the return for good: every journey may
    // have ended, yet they are not home.
    if let Some(t) = batch.summary_of(MetricKey::overall(Stat::TurnedAway))
        && t.mean > 0.0
    {
        let notified = notified_or_released(batch);
        // (checkpoint, name, turned away there)
        let mut at: Vec<(u16, &str, f64)> = sc
            .checkpoints
            .iter()
            .enumerate()
            .map(|(k, cp)| {
                let k = k as u16;
                (
                    k,
                    cp.name.as_str(),
                    batch.mean_of(MetricKey::checkpoint(k, Stat::TurnedAway)),
                )
            })
            .filter(|(_, _, m)| *m > 0.0)
            .collect();
        at.sort_by(|a, b| b.2.total_cmp(&a.2));
        // At each checkpoint, also as a share of those who came to it (served or turned
        // away): the share of the plan hides an Erlang-loss rate of 35% as 9.9%.
        let places: Vec<String> = at
            .iter()
            .map(|&(k, n, m)| {
                let came = m + batch.mean_of(MetricKey::checkpoint(k, Stat::Served)).max(0.0);
                format!(
                    "`{n}` {} ({} of those who came to it)",
                    fmt_num(m),
                    pct(m / came.max(1e-12))
                )
            })
            .collect();
        // A checkpoint's counts restart with the statistics; people are counted over the
        // whole run (a tester read 3,015 turned away, 2,910 at the only checkpoint).
        let since = if sc.warmup_hours > 0.0 {
            format!(" (counted after the warm-up of {} h)", fmt_num(sc.warmup_hours))
        } else {
            String::new()
        };
        out.push(format!(
            "Turned away at checkpoints (patience out or line full), leaving the return without getting home: {} on average over the whole run ({} of everyone notified or released, as for those who slip away); at {}{since}.",
            fmt_num(t.mean),
            pct(t.mean / notified),
            places.join(", ")
        ));
    }
    let cost = |stat| batch.summary_of(MetricKey::new(Scope::Cost, stat));
    if let (Some(total), Some(per)) = (cost(Stat::Total), cost(Stat::PerPersonHome)) {
        let unit = if sc.currency.is_empty() {
            String::new()
        } else {
            format!(" {}", sc.currency)
        };
        // With a warm-up the costs are of the observed span only, per person home in it
        // (a tester read 180 USD as the plan's cost where the whole plan cost 300).
        let warm = sc.warmup_hours > 0.0;
        let since = if warm { " since then" } else { "" };
        // Nobody home: there is no cost per person home (it printed "-").
        let per_person = if per.mean.is_finite() {
            format!("{}{unit} per person home{since}", fmt_num(per.mean))
        } else {
            format!("and nobody got home{since}, so there is no cost per person home")
        };
        let lead = if warm {
            format!(
                "After the warm-up (from {}, the statistics' start), the plan costs",
                date(batch, sc.warmup_hours / 24.0)
            )
        } else {
            "The plan costs".to_string()
        };
        out.push(format!(
            "{lead} {}{unit} on average (95% CI {} to {}), {per_person}.",
            fmt_value(total.mean, Unit::People),
            fmt_value(total.ci95_low, Unit::People),
            fmt_value(total.ci95_high, Unit::People),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::effect;

    /// A CI open at one end (replications beyond the horizon) still decides when its
    /// finite end excludes zero; only a CI missing altogether is "too few".
    #[test]
    fn an_interval_open_at_one_end_still_decides() {
        let e = effect([-0.522, f64::NEG_INFINITY, -0.028], " days");
        assert_eq!(e, "changes by -0.522 days, 95% CI up to -0.028");
        let e = effect([0.1, -0.2, f64::INFINITY], " days");
        assert!(
            e.starts_with("shows no detectable change (+0.100 days, 95% CI from -0.200"),
            "{e}"
        );
        let e = effect([-0.5, f64::NAN, f64::NAN], " days");
        assert!(
            e.contains("on these replications (too few of them for a 95% CI)"),
            "{e}"
        );
    }
}
