//! Turning a batch into something to read: a summary table for the terminal, the
//! summary as JSON, and the files of an output directory ([`output`]).

pub mod charts;
pub mod html;
pub mod output;

use crate::experiment::{Batch, StuckGroup};
use crate::model::{Network, Phase, Step};
use crate::stats::Summary;
use serde_json::{Map, Value, json};

/// A number shown with precision that suits its size; missing values as "-".
pub fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        return "-".into();
    }
    let a = x.abs();
    if a >= 10_000.0 {
        // Thousands separated, for reading at a glance: 17,981,479.
        let digits = format!("{:.0}", a);
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{}{grouped}", if x < 0.0 { "-" } else { "" })
    } else if a == 0.0 || a >= 1000.0 {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn json_num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// The summary as JSON: `{"scenario", "seed", "replications", "metrics": {NAME: {"mean",
/// "sd", "ci95_low", "ci95_high", "p05", "p50", "p95", "min", "max", "n"}}}` plus how
/// replications ended. Deterministic: no timings or host details.
pub fn summary_json(batch: &Batch) -> Value {
    let sc = batch.scenario();
    let mut metrics = Map::new();
    for (name, s) in batch.summaries() {
        metrics.insert(name, summary_value(&s));
    }
    let (all_home, horizon, stalled) = batch.end_counts();
    json!({
        "scenario": sc.name,
        "seed": sc.seed,
        "replications": batch.len(),
        "first_replication": batch.first_replication,
        "population": sc.population(),
        "repatsim_version": env!("CARGO_PKG_VERSION"),
        "ended": { "all_home": all_home, "horizon": horizon, "stalled": stalled },
        "waiting": waiting_by_stage(batch),
        "left_behind": batch.stuck.iter().map(|g| json!({
            "at": batch.network.step_name(g.at),
            "waiting_for": g.waiting_for.map(|w| batch.network.step_name(w).to_string()),
            "doing": phase_word(g.phase),
            "replications": g.replications,
            "mean_people": g.people as f64 / g.replications as f64,
        })).collect::<Vec<_>>(),
        "metrics": metrics,
    })
}

fn summary_value(s: &Summary) -> Value {
    json!({
        "mean": json_num(s.mean),
        "sd": json_num(s.sd),
        "ci95_low": json_num(s.ci95_low),
        "ci95_high": json_num(s.ci95_high),
        "p05": json_num(s.p05),
        "p50": json_num(s.p50),
        "p95": json_num(s.p95),
        "min": json_num(s.min),
        "max": json_num(s.max),
        "n": s.n,
    })
}

fn phase_word(p: Phase) -> &'static str {
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

/// One line about people left behind, e.g. "45.0 at site `hotel`, waiting for leg `bus`".
pub fn describe_stuck(net: &Network, g: &StuckGroup) -> String {
    let mean = g.people as f64 / g.replications as f64;
    let place = format!("{} `{}`", step_kind(g.at), net.step_name(g.at));
    match g.waiting_for {
        Some(w) if matches!(g.phase, Phase::Done | Phase::NotReleased | Phase::Notified) => format!(
            "{} people on average at {place}, {} {} `{}`{} (in {} replications)",
            fmt_num(mean),
            if g.phase == Phase::NotReleased {
                "not yet released, to go on to"
            } else {
                "waiting for"
            },
            step_kind(w),
            net.step_name(w),
            why(net, w),
            g.replications
        ),
        _ => format!(
            "{} people on average at {place}, {} (in {} replications)",
            fmt_num(mean),
            phase_word(g.phase),
            g.replications
        ),
    }
}

/// What the rules of a step make people wait for, in words (", ..." or "").
fn why(net: &Network, step: Step) -> String {
    let sc = &net.scenario;
    match step {
        Step::Leg(l) => {
            let leg = &sc.legs[l as usize];
            let mut reasons = Vec::new();
            match &leg.departure {
                crate::scenario::Departure::WhenFull { max_wait_hours: None } => {
                    reasons.push(format!("it leaves only when all {} seats are taken", leg.seats))
                }
                crate::scenario::Departure::WhenFull {
                    max_wait_hours: Some(h),
                } => reasons.push(format!(
                    "it leaves when full or {} h after the first boards",
                    fmt_num(*h)
                )),
                crate::scenario::Departure::Timetable(_) => reasons.push("it leaves at timetabled times".to_string()),
                crate::scenario::Departure::WhenFullOrEmptyQueue => {}
            }
            if let Some(t) = net.reserve_target[l as usize] {
                reasons.push(format!("only with beds reserved at `{}`", sc.sites[t as usize].name))
            }
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
        _ => String::new(),
    }
}

/// Total waiting at one stage, in person-hours (mean over replications).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Wait {
    /// The stage people wait for: a site (beds), a leg (transport), a checkpoint, or a
    /// cohort's approvals.
    pub stage: String,
    pub kind: &'static str,
    /// What the waiting is, in words.
    pub what: String,
    pub person_hours: f64,
    /// Share of all waiting.
    pub share: f64,
}

/// Where people wait, largest first: waits for beds (including waits before boarding a
/// leg that reserves them), transport, checkpoints and approvals, from the metric means.
pub fn waiting_by_stage(batch: &Batch) -> Vec<Wait> {
    let sc = batch.scenario();
    let net = &batch.network;
    let mean = |name: String| {
        batch
            .summary(&name)
            .map_or(0.0, |s| if s.mean.is_nan() { 0.0 } else { s.mean })
    };
    let mut waits: Vec<Wait> = Vec::new();
    let mut add = |stage: &str, kind: &'static str, what: String, hours: f64| {
        if hours <= 0.0 {
            return;
        }
        match waits.iter_mut().find(|w| w.stage == stage && w.kind == kind) {
            Some(w) => w.person_hours += hours,
            None => waits.push(Wait {
                stage: stage.to_string(),
                kind,
                what,
                person_hours: hours,
                share: 0.0,
            }),
        }
    };
    for (i, site) in sc.sites.iter().enumerate() {
        let n = &site.name;
        let h = mean(format!("site.{n}.mean_bed_wait_hours")) * mean(format!("site.{n}.admitted"));
        add(n, "site", format!("beds at `{n}`"), h);
        let _ = i;
    }
    for (i, leg) in sc.legs.iter().enumerate() {
        let n = &leg.name;
        let h = mean(format!("leg.{n}.mean_wait_hours")) * mean(format!("leg.{n}.passengers"));
        match net.reserve_target[i] {
            Some(t) => {
                let site = &sc.sites[t as usize].name;
                add(site, "site", format!("beds at `{site}`"), h);
            }
            None => add(n, "leg", format!("transport on `{n}`"), h),
        }
    }
    for k in &sc.checkpoints {
        let n = &k.name;
        let h = mean(format!("checkpoint.{n}.mean_wait_hours")) * mean(format!("checkpoint.{n}.served"));
        add(n, "checkpoint", format!("service at `{n}`"), h);
    }
    for c in sc.cohorts.iter().filter(|c| c.approvals.is_some()) {
        let n = &c.name;
        let h = mean(format!("cohort.{n}.mean_approval_wait_hours")) * mean(format!("cohort.{n}.approved"));
        add(n, "approvals", format!("approvals for `{n}`"), h);
    }
    let total: f64 = waits.iter().map(|w| w.person_hours).sum();
    for w in &mut waits {
        w.share = if total > 0.0 { w.person_hours / total } else { 0.0 };
    }
    waits.sort_by(|a, b| {
        b.person_hours
            .total_cmp(&a.person_hours)
            .then_with(|| a.stage.cmp(&b.stage))
    });
    waits
}

/// One sentence on what limits the return.
pub fn limiting_stage(batch: &Batch) -> Option<String> {
    let waits = waiting_by_stage(batch);
    let top = waits.first()?;
    Some(format!(
        "What holds people up most: {} ({} person-days of waiting per replication, {:.0}% of all waiting).",
        top.what,
        fmt_num(top.person_hours / 24.0),
        100.0 * top.share
    ))
}

/// The human-readable summary printed by `repatsim run`.
pub fn summary_table(batch: &Batch) -> String {
    let sc = batch.scenario();
    let n = batch.len();
    let mut out = String::new();
    let rate = if batch.wall_seconds > 0.0 {
        batch.events as f64 / batch.wall_seconds / 1e6
    } else {
        f64::NAN
    };
    out.push_str(&format!(
        "{}: {} replications (seed {}, replications {}..{}), {} people; {} threads, {:.2} s, {:.1} M events/s\n",
        sc.name,
        n,
        sc.seed,
        batch.first_replication,
        batch.first_replication + n as u64,
        sc.population(),
        batch.threads,
        batch.wall_seconds,
        rate
    ));
    if !sc.description.is_empty() {
        out.push_str(&format!("{}\n", sc.description));
    }
    out.push('\n');
    if batch.interrupted {
        out.push_str(&format!(
            "PARTIAL: interrupted after {n} replications; figures cover those only.\n"
        ));
    }
    let (all_home, horizon, stalled) = batch.end_counts();
    out.push_str(&format!(
        "Everyone home within the {:.0}-day horizon in {all_home} of {n} replications",
        sc.horizon_hours / 24.0
    ));
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
    if let Some(m) = batch.summary("makespan_days")
        && m.n > 0
    {
        out.push_str(&format!(
            "Days until everyone is home: {} (95% CI {} to {}; p5 {}, p50 {}, p95 {}){}\n",
            fmt_num(m.mean),
            fmt_num(m.ci95_low),
            fmt_num(m.ci95_high),
            fmt_num(m.p05),
            fmt_num(m.p50),
            fmt_num(m.p95),
            if (m.n as usize) < n {
                format!(" over the {} replications that finished", m.n)
            } else {
                String::new()
            }
        ));
    }
    if let Some(line) = limiting_stage(batch) {
        out.push_str(&line);
        out.push('\n');
        let waits = waiting_by_stage(batch);
        if waits.len() > 1 {
            out.push_str("Where people wait (person-days per replication):");
            for w in waits.iter().take(5) {
                out.push_str(&format!(
                    " {} {} ({:.0}%);",
                    w.what,
                    fmt_num(w.person_hours / 24.0),
                    100.0 * w.share
                ));
            }
            out.pop();
            out.push_str(".\n");
        }
    }
    if !batch.stuck.is_empty() {
        out.push_str("Left behind at the end:\n");
        for g in &batch.stuck {
            out.push_str(&format!("  {}\n", describe_stuck(&batch.network, g)));
        }
    }
    let sections: [(&str, &str); 6] = [
        ("", "Overall"),
        ("cohort.", "Cohorts"),
        ("site.", "Sites"),
        ("checkpoint.", "Checkpoints"),
        ("leg.", "Legs"),
        ("in_stage.", "People not home at the end, by place"),
    ];
    let summaries = batch.summaries();
    let width = summaries.iter().map(|(k, _)| k.len()).max().unwrap_or(10).max(10);
    for (prefix, title) in sections {
        let rows: Vec<&(String, Summary)> = summaries
            .iter()
            .filter(|(k, _)| {
                if prefix.is_empty() {
                    !k.contains('.')
                } else {
                    k.starts_with(prefix)
                }
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n"));
        out.push_str(&format!(
            "  {:<width$} {:>10} {:>23} {:>10} {:>10} {:>10}\n",
            "metric", "mean", "95% CI", "p5", "p50", "p95"
        ));
        for (k, s) in rows {
            let ci = format!("[{}, {}]", fmt_num(s.ci95_low), fmt_num(s.ci95_high));
            out.push_str(&format!(
                "  {:<width$} {:>10} {:>23} {:>10} {:>10} {:>10}\n",
                k,
                fmt_num(s.mean),
                ci,
                fmt_num(s.p05),
                fmt_num(s.p50),
                fmt_num(s.p95)
            ));
        }
    }
    out
}
