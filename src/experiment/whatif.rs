//! "What should I change?": a paired what-if on the bottleneck. The run's own
//! replications are rerun (on common random numbers) with one step more of the
//! bottleneck's capacity: one more vehicle or one more departure a week, 10% more beds,
//! one more booth, or 10% more approvals (every step that fits the element is tried, and
//! the one that buys most is reported); what it buys is reported as the change in the
//! days by which 90% of replications have everyone home, in the people who slip away,
//! and in the waiting at the bottleneck, each with a 95% confidence interval, and with
//! the command that reproduces it.

use super::compare::{CompareError, scenario_with};
use super::{Batch, RunOptions, run_network};
use crate::engine::WEEK_HOURS;
use crate::metrics::{MetricKey, Scope, Stat};
use crate::model::Network;
use crate::scenario::Departure;
use crate::scenario::params::{Override, ParamValue};
use crate::stats::Summary;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The element a what-if changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lever {
    /// Beds at a site (by index).
    Beds(u16),
    /// Vehicles of a leg.
    Vehicles(u16),
    /// One more weekly departure of a timetabled leg.
    Departures(u16),
    /// Booths of a checkpoint.
    Booths(u16),
    /// The approval quota of a cohort.
    Approvals(u16),
    /// The units of a pool (escorts, drivers, staff, a shared fleet).
    PoolUnits(u16),
}

/// A change of one parameter and what it bought, paired replication by replication.
/// Undefined numbers (NaN) are written to JSON as `null` and read back as NaN.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct WhatIf {
    /// The change in words, e.g. "one more vehicle on `hotel-customs-shuttle` (6 -> 7)".
    pub change: String,
    /// The parameter path and its new value (as typed after `--vs-set PATH=`).
    pub path: String,
    pub value: String,
    /// The replications both plans ran on.
    pub first_replication: u64,
    pub replications: u64,
    /// Days by which 90% of replications have everyone home, before and after, and the
    /// change with its 95% CI (bootstrap over the pairs). A replication that did not get
    /// everyone home within the horizon counts as later than it (as in `check`): the
    /// P90 is +inf when more than a tenth of them did not (written as `null`; the counts
    /// below say so), and so is a change to or from it; a CI is undefined (NaN) when too
    /// many resamples have no finite change.
    #[serde(deserialize_with = "nan_if_null")]
    pub p90_days_before: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub p90_days_after: f64,
    #[serde(deserialize_with = "nans_if_null")]
    pub p90_days_change: [f64; 3],
    /// Of the paired replications, those that did not get everyone home within the
    /// horizon, before and after the change.
    #[serde(default)]
    pub unfinished_before: u64,
    #[serde(default)]
    pub unfinished_after: u64,
    /// People who slipped away (mean), before and after, and the paired change with its
    /// 95% CI; NaN when nobody gets notice.
    #[serde(deserialize_with = "nan_if_null")]
    pub evaded_before: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub evaded_after: f64,
    #[serde(deserialize_with = "nans_if_null")]
    pub evaded_change: [f64; 3],
    /// People turned away at checkpoints (mean), before and after, and the paired change
    /// with its 95% CI; NaN when no checkpoint turns people away (and in files from
    /// before it).
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub turned_away_before: f64,
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub turned_away_after: f64,
    #[serde(default = "nans", deserialize_with = "nans_if_null")]
    pub turned_away_change: [f64; 3],
    /// Person-days of waiting at the bottleneck (mean), before and after, and the paired
    /// change with its 95% CI.
    #[serde(deserialize_with = "nan_if_null")]
    pub waiting_days_before: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub waiting_days_after: f64,
    #[serde(deserialize_with = "nans_if_null")]
    pub waiting_days_change: [f64; 3],
    /// Person-days of waiting everywhere (every bed, leg, checkpoint and approval
    /// line; mean), before and after, and the paired change with its 95% CI: waiting
    /// the change only moves to another stage is no gain. NaN in files from before it.
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub total_waiting_days_before: f64,
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub total_waiting_days_after: f64,
    #[serde(default = "nans", deserialize_with = "nans_if_null")]
    pub total_waiting_days_change: [f64; 3],
    /// The stages outside the bottleneck whose waiting grew detectably with the change
    /// (paired 95% CI above zero), most first, in words with the mean growth in
    /// person-days, e.g. "at `customs` (+60)".
    #[serde(default)]
    pub waiting_moved_to: Vec<String>,
    /// The other steps tried on the same element, which bought less, in words.
    pub also_tried: Vec<String>,
    /// The other steps tried on the same element that bought exactly as much (the same
    /// change in the P90 and in the waiting), in words.
    #[serde(default)]
    pub tied: Vec<String>,
    /// Where the waiting compared is, in words, when more than the bottleneck's own row
    /// of "where people wait" (a pool: the stages that take its units, all their
    /// waiting; beds: the legs that reserve them too; a reserving leg: its holds for
    /// beds too).
    #[serde(default)]
    pub waiting_at: Option<String>,
    /// The stage the step is at, in words, when it is not the bottleneck but the
    /// runner-up of "where people wait", whose steps are tried too when it holds a
    /// large share (where people queue is not always what holds them up: a line
    /// upstream of a tighter stage can be the longer one).
    #[serde(default)]
    pub at_runner_up: Option<String>,
    /// The command that reproduces the comparison (run where the scenario file it
    /// names is: the output directory for a run written with `--out`).
    pub command: String,
}

impl WhatIf {
    /// True if the step clearly loses more people than before: more turned away or
    /// slipping away, the 95% CI of the change above zero.
    pub fn loses_more_people(&self) -> bool {
        [self.turned_away_change, self.evaded_change]
            .iter()
            .any(|c| c[1] > 0.0 && c[2].is_finite())
    }

    /// The same what-if with its command naming `file` instead (quoted for a POSIX
    /// shell when it needs it) with the `--set` overrides the run was given, e.g. the
    /// user's own path instead of an output directory's `scenario.toml` (which has
    /// them written in).
    pub fn for_file(mut self, file: &str, sets: &[String]) -> Self {
        let rest = self.command.splitn(4, ' ').nth(3).unwrap_or("").to_string();
        let sets: String = sets.iter().map(|s| format!(" --set {}", shell_word(s))).collect();
        self.command = format!("repatsim compare {}{sets} {rest}", shell_word(file));
        self
    }
}

/// `word` as one POSIX shell word: as is when it is plain, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn nan() -> f64 {
    f64::NAN
}

fn nans() -> [f64; 3] {
    [f64::NAN; 3]
}

fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v: Option<f64> = serde::Deserialize::deserialize(d)?;
    Ok(v.unwrap_or(f64::NAN))
}

fn nans_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[f64; 3], D::Error> {
    let v: [Option<f64>; 3] = serde::Deserialize::deserialize(d)?;
    Ok(v.map(|x| x.unwrap_or(f64::NAN)))
}

/// At most this many of the run's replications are rerun for the what-if.
pub const MAX_REPLICATIONS: u64 = 200;

/// The change one step up from the current value of `lever`: (path, new value, words).
pub fn step(batch: &Batch, lever: Lever) -> Option<(String, ParamValue, String)> {
    let sc = batch.scenario();
    let whole = |x: f64| ParamValue::Whole(x as i64);
    Some(match lever {
        Lever::Departures(l) => {
            let leg = &sc.legs[l as usize];
            let Departure::Timetable(tt) = &leg.departure else {
                return None;
            };
            // A departure needs every pool it takes units from on duty.
            let on_duty = |w: f64| {
                leg.needs.iter().all(|n| {
                    let hours = &sc.pools[n.pool.0 as usize].on_duty;
                    hours.intervals().iter().any(|&(a, b)| w + 1e-9 >= a && w + 1e-9 < b)
                })
            };
            let (added, where_) = extra_departure(tt.weekly(), on_duty)?;
            let mut entries = crate::scenario::clock::timetable_entries(tt, sc.start);
            let day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][((added / 24.0) as usize).min(6)];
            let m = ((added % 24.0) * 60.0).round() as i64;
            let entry = format!("{day} {:02}:{:02}", m / 60, m % 60);
            entries.push(entry.clone());
            (
                format!("leg.{}.timetable", leg.name),
                ParamValue::List(entries),
                format!("one more departure a week on `{}` ({entry}, {where_})", leg.name),
            )
        }
        Lever::Beds(s) => {
            let site = &sc.sites[s as usize];
            let beds = site.beds?;
            let more = ten_percent_more(beds);
            (
                format!("site.{}.beds", site.name),
                whole(more),
                format!(
                    "{} more beds at `{}` ({beds} -> {more})",
                    percent_more(beds, more),
                    site.name
                ),
            )
        }
        Lever::Vehicles(l) => {
            let leg = &sc.legs[l as usize];
            let more = f64::from(leg.vehicles + 1);
            (
                format!("leg.{}.vehicles", leg.name),
                whole(more),
                format!("one more vehicle on `{}` ({} -> {more})", leg.name, leg.vehicles),
            )
        }
        Lever::Booths(k) => {
            let cp = &sc.checkpoints[k as usize];
            let more = f64::from(cp.servers + 1);
            (
                format!("checkpoint.{}.servers", cp.name),
                whole(more),
                format!("one more booth at `{}` ({} -> {more})", cp.name, cp.servers),
            )
        }
        Lever::PoolUnits(p) => {
            let pool = &sc.pools[p as usize];
            let more = f64::from(pool.size + 1);
            (
                format!("pool.{}.size", pool.name),
                whole(more),
                format!("one more unit in pool `{}` ({} -> {more})", pool.name, pool.size),
            )
        }
        Lever::Approvals(c) => {
            let cohort = &sc.cohorts[c as usize];
            let q = cohort.approvals?;
            let field = if q.period_hours < 100.0 {
                "approvals_per_day"
            } else {
                "approvals_per_week"
            };
            let more = ten_percent_more(q.count);
            (
                format!("cohort.{}.{field}", cohort.name),
                whole(more),
                format!(
                    "{} more approvals for `{}` ({} -> {more})",
                    percent_more(q.count, more),
                    cohort.name,
                    q.count
                ),
            )
        }
    })
}

/// How much more `more` is than `n`, as the lever's words say it: "10%" where rounding
/// up to whole numbers kept it near 10%, else the percentage it is (5 -> 6 beds is 20%
/// more, not "10% more").
fn percent_more(n: u32, more: f64) -> String {
    let pct = 100.0 * (more - f64::from(n)) / f64::from(n.max(1));
    if (pct - 10.0).abs() < 0.5 {
        "10%".into()
    } else {
        format!("{pct:.0}%")
    }
}

/// 10% more than `n`, rounded up, and at least one more: in whole numbers, since 1.1
/// is not exact in binary (50 x 1.1 rounded up would be 56, 600 x 1.1 661).
fn ten_percent_more(n: u32) -> f64 {
    let n = u64::from(n);
    ((n * 11).div_ceil(10)).max(n + 1) as f64
}

/// A weekly departure time (hours since Monday 00:00) in the middle of the longest gap
/// between `weekly` departures, on the quarter hour, with where it lies in words; if
/// that time is not one the leg can depart at (`can_depart`: its pools off duty), the
/// quarter hour it can depart at farthest from every departure. `None` without weekly
/// departures or without any quarter hour it can depart at.
fn extra_departure(weekly: &[f64], can_depart: impl Fn(f64) -> bool) -> Option<(f64, &'static str)> {
    let n = weekly.len();
    if n == 0 {
        return None;
    }
    let (mut gap, mut at) = (0.0, weekly[0]);
    for (i, &t) in weekly.iter().enumerate() {
        let next = if i + 1 < n {
            weekly[i + 1]
        } else {
            weekly[0] + WEEK_HOURS
        };
        if next - t > gap {
            gap = next - t;
            at = t + gap / 2.0;
        }
    }
    let middle = ((at * 4.0).round() / 4.0).rem_euclid(WEEK_HOURS);
    if can_depart(middle) {
        return Some((middle, "in the longest gap of its timetable"));
    }
    let apart = |t: f64| {
        weekly
            .iter()
            .map(|&w| {
                let d = (t - w).rem_euclid(WEEK_HOURS);
                d.min(WEEK_HOURS - d)
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut best: Option<(f64, f64)> = None;
    for q in 0..(WEEK_HOURS * 4.0) as usize {
        let t = q as f64 / 4.0;
        if can_depart(t) && best.is_none_or(|(_, d)| apart(t) > d) {
            best = Some((t, apart(t)));
        }
    }
    best.filter(|&(_, d)| d > 0.0).map(|(t, _)| {
        (
            t,
            "when its pools are on duty, as far as can be from its other departures",
        )
    })
}

/// Finite values of one metric in the first `m` rows of a batch.
fn column(batch: &Batch, key: MetricKey, m: usize) -> Option<Vec<f64>> {
    let i = batch.catalogue.index(key)?;
    Some(batch.rows.iter().take(m).map(|r| r[i]).collect())
}

/// The P90 of makespans as every output gives it (see
/// [`crate::experiment::check::censored_value`]): a replication without one (not
/// everyone home within the horizon) counts as later than every other, and the P90 is
/// the order statistic, +inf when it falls among those.
fn p90(xs: &[f64]) -> f64 {
    super::check::censored_value(xs, crate::stats::target::StatSpec::Quantile(0.9))
}

/// The change in P90 between paired samples `a` and `b` with its 95% bootstrap CI.
fn p90_change(a: &[f64], b: &[f64], seed: u64) -> [f64; 3] {
    crate::stats::paired_change(a, b, seed, &p90)
}

/// The mean of `b - a` over pairs with its 95% CI (Student t), and the means of each.
fn paired(a: &[f64], b: &[f64]) -> (f64, f64, [f64; 3]) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let s = Summary::of(&d);
    (
        Summary::of(a).mean,
        Summary::of(b).mean,
        [s.mean, s.ci95_low, s.ci95_high],
    )
}

/// The stages whose waiting a what-if measures for a bottleneck made of `scopes`: a pool
/// stands for the legs and checkpoints that take its units, and a stage counts all its
/// waiting, whatever for (a change that only moves waiting from one pool to another
/// buys nothing). With a description of where that is, when it is not simply the
/// bottleneck's own waiting.
fn measured_stages(batch: &Batch, scopes: &[Scope]) -> (Vec<Scope>, Option<String>) {
    let sc = batch.scenario();
    let mut out: Vec<Scope> = Vec::new();
    let mut pools = false;
    for &scope in scopes {
        match scope {
            Scope::Pool(p) => {
                pools = true;
                let id = crate::scenario::PoolId(p);
                for (i, l) in sc.legs.iter().enumerate() {
                    if l.needs.iter().any(|n| n.pool == id) && !out.contains(&Scope::Leg(i as u16)) {
                        out.push(Scope::Leg(i as u16));
                    }
                }
                for (k, cp) in sc.checkpoints.iter().enumerate() {
                    if cp.staff_from == Some(id) && !out.contains(&Scope::Checkpoint(k as u16)) {
                        out.push(Scope::Checkpoint(k as u16));
                    }
                }
            }
            s if !out.contains(&s) => out.push(s),
            _ => {}
        }
    }
    // A stage that was held for pool units at all in these replications.
    let takes = |s: &Scope| match *s {
        Scope::Leg(_) | Scope::Checkpoint(_) => batch.mean_of(MetricKey::new(*s, Stat::PoolWaitPersonHours)) > 0.0,
        _ => false,
    };
    // The legs among the measured stages, quoted, in order.
    let leg_names = |out: &[Scope]| -> Vec<String> {
        out.iter()
            .filter_map(|x| match *x {
                Scope::Leg(l) => Some(format!("`{}`", sc.legs[l as usize].name)),
                _ => None,
            })
            .collect()
    };
    let note = if pools {
        let names: Vec<String> = out
            .iter()
            .map(|s| match *s {
                Scope::Leg(l) => format!("`{}`", sc.legs[l as usize].name),
                Scope::Checkpoint(k) => format!("`{}`", sc.checkpoints[k as usize].name),
                _ => String::new(),
            })
            .collect();
        Some(format!(
            "waiting at the stages that take its units ({}, all their waiting, whatever for)",
            names.join(", ")
        ))
    } else if out.iter().any(takes) {
        Some("waiting at the bottleneck (all of it, including waits for pool units)".into())
    } else if let Some(Scope::Site(s)) = out.first()
        && out.iter().any(|x| matches!(x, Scope::Leg(_)))
    {
        // Beds and the legs that reserve them: the legs' waiting counts whole, as the
        // bottleneck's share of it may move to their transport.
        let legs = leg_names(&out);
        Some(format!(
            "waiting for beds at `{}` and to board {} (all of it, also while waiting for transport)",
            sc.sites[*s as usize].name,
            legs.join(", ")
        ))
    } else if let Some((l, t)) = out.iter().find_map(|x| match *x {
        Scope::Leg(l) => batch.network.reserve_target[l as usize]
            .filter(|_| batch.mean_of(MetricKey::new(Scope::Leg(l), Stat::BedHoldPersonHours)) > 0.0)
            .map(|t| (l, t)),
        _ => None,
    }) {
        // A leg that reserves beds (perhaps after the feeders that reserve its seats,
        // which make up the bottleneck with it): the table counts its waits while the
        // beds hold them back at the beds; here they count whole, as that share may
        // move to transport.
        let legs = leg_names(&out);
        let (name, site) = (&sc.legs[l as usize].name, &sc.sites[t as usize].name);
        Some(if legs.len() == 1 {
            format!("waiting to board `{name}` (all of it, also while held back for beds at `{site}`)")
        } else {
            let (last, rest) = legs.split_last().expect("two legs or more");
            format!(
                "waiting to board {} and {last} (all of it, also while `{name}` held people back for beds at `{site}`)",
                rest.join(", ")
            )
        })
    } else {
        None
    };
    (out, note)
}

/// Person-days of waiting per replication at the elements of `scopes` (see
/// [`measured_stages`]), first `m` rows.
fn waiting_days(batch: &Batch, scopes: &[Scope], m: usize) -> Vec<f64> {
    stage_waiting_days(batch, &measured_stages(batch, scopes).0, m)
}

/// Every stage where people wait: beds, legs, checkpoints and approval lines (a pool's
/// waiting is part of its legs' and checkpoints').
fn all_stages(batch: &Batch) -> Vec<Scope> {
    let sc = batch.scenario();
    let n = |len: usize| 0..len as u16;
    n(sc.sites.len())
        .map(Scope::Site)
        .chain(n(sc.legs.len()).map(Scope::Leg))
        .chain(n(sc.checkpoints.len()).map(Scope::Checkpoint))
        .chain(n(sc.cohorts.len()).map(Scope::Cohort))
        .filter(|&s| {
            batch
                .catalogue
                .index(MetricKey::new(s, Stat::WaitingPersonHours))
                .is_some()
        })
        .collect()
}

/// Where people wait at a stage, in words: "for beds at `quarantine`".
fn waiting_place(batch: &Batch, scope: Scope) -> String {
    let name = crate::metrics::catalogue::element_name(batch.scenario(), scope);
    match scope {
        Scope::Site(_) => format!("for beds at `{name}`"),
        Scope::Leg(_) => format!("to board `{name}`"),
        Scope::Checkpoint(_) => format!("at `{name}`"),
        _ => format!("for approval of `{name}`"),
    }
}

/// Sum over `stages` of each replication's person-days of waiting, first `m` rows.
fn stage_waiting_days(batch: &Batch, stages: &[Scope], m: usize) -> Vec<f64> {
    let mut total = vec![0.0; m.min(batch.len())];
    for &scope in stages {
        if let Some(col) = column(batch, MetricKey::new(scope, Stat::WaitingPersonHours), m) {
            for (t, x) in total.iter_mut().zip(col) {
                if x.is_finite() {
                    *t += x / 24.0;
                }
            }
        }
    }
    total
}

/// The stages outside `measured` whose waiting over the first `m` replications grew
/// detectably from `before` to `after` (the paired 95% CI of the change lies above
/// zero), most first, in words with the mean growth in person-days.
fn moved_to(before: &Batch, after: &Batch, measured: &[Scope], m: usize) -> Vec<String> {
    let mut grew: Vec<(f64, Scope)> = all_stages(before)
        .into_iter()
        .filter(|s| !measured.contains(s))
        .filter_map(|s| {
            let (_, _, change) = paired(
                &stage_waiting_days(before, &[s], m),
                &stage_waiting_days(after, &[s], m),
            );
            (change[0] > 0.0 && change[1] > 0.0).then_some((change[0], s))
        })
        .collect();
    grew.sort_by(|a, b| b.0.total_cmp(&a.0));
    grew.into_iter()
        .map(|(d, s)| format!("{} (+{})", waiting_place(before, s), crate::metrics::fmt_num(d)))
        .collect()
}

/// Reruns the first replications of `batch` (at most [`MAX_REPLICATIONS`]) with each of
/// `levers` one step up, on the same random numbers, and reports the one that bought
/// most: the largest fall in P90 days, then in waiting everywhere (a step that only
/// moves waiting on to the next stage buys nothing), then at the bottleneck (`scopes`,
/// the elements whose waits make it up). `file` names the scenario in the reproducing
/// command.
pub fn what_if(
    batch: &Batch,
    levers: &[Lever],
    scopes: &[Scope],
    file: &str,
    threads: Option<usize>,
) -> Result<Option<WhatIf>, CompareError> {
    what_if_until(batch, levers, scopes, file, threads, None)
}

/// [`what_if`], giving up with [`CompareError::Stopped`] once `stop` is raised (Ctrl-C
/// or SIGTERM during a run's what-if: the run's own replications are written at once,
/// not after hundreds more).
pub fn what_if_until(
    batch: &Batch,
    levers: &[Lever],
    scopes: &[Scope],
    file: &str,
    threads: Option<usize>,
    stop: Option<Arc<AtomicBool>>,
) -> Result<Option<WhatIf>, CompareError> {
    // The levers side by side as well as their replications (one pool for all).
    let (runs, _) = super::on_pool(threads, || {
        use rayon::prelude::*;
        levers
            .par_iter()
            .map(|&lever| one_what_if(batch, lever, scopes, file, threads, stop.clone()))
            .collect::<Vec<_>>()
    })?;
    let mut tried: Vec<WhatIf> = Vec::new();
    for run in runs {
        tried.extend(run?);
    }
    // A step that clearly loses more people (turned away or slipped away: the P90
    // counts journeys ended any way, so it can fall while fewer get home) ranks last.
    // Then the largest fall in the P90: bringing it within the horizon (-inf) beats
    // any finite fall; one that stays beyond it (NaN) counts as no change.
    let key = |w: &WhatIf| {
        let p = if w.p90_days_change[0].is_nan() {
            0.0
        } else {
            w.p90_days_change[0]
        };
        (
            w.loses_more_people(),
            p,
            w.total_waiting_days_change[0],
            w.waiting_days_change[0],
        )
    };
    tried.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(ka.2.total_cmp(&kb.2))
            .then(ka.3.total_cmp(&kb.3))
    });
    let mut it = tried.into_iter();
    let Some(mut best) = it.next() else {
        return Ok(None);
    };
    let best_key = key(&best);
    let (tied, less): (Vec<WhatIf>, Vec<WhatIf>) = it.partition(|w| {
        let k = key(w);
        // Tied on what the ranking promises (the P90, then waiting everywhere); the
        // bottleneck's own waiting only orders them, since what it saves may just move.
        k.0 == best_key.0 && k.1.total_cmp(&best_key.1).is_eq() && k.2.total_cmp(&best_key.2).is_eq()
    });
    best.tied = tied.into_iter().map(|w| w.change).collect();
    // With their own figures: "bought less" is a ranking of point estimates, which the
    // reader can only weigh with the intervals (a tester's runner-up had a P90 change
    // within the winner's CI and saved fifty times the waiting).
    best.also_tried = less.into_iter().map(|w| with_figures(&w)).collect();
    Ok(Some(best))
}

/// A step tried, with its change in the P90 day and in waiting everywhere (95% CIs).
fn with_figures(w: &WhatIf) -> String {
    use crate::metrics::fmt_num;
    let ci = |c: [f64; 3], unit: &str| {
        if c[0].is_nan() {
            "unknown".to_string()
        } else if c[1].is_finite() && c[2].is_finite() {
            format!(
                "{}{unit} (95% CI {} to {})",
                fmt_num(c[0]),
                fmt_num(c[1]),
                fmt_num(c[2])
            )
        } else {
            format!("{}{unit}", fmt_num(c[0]))
        }
    };
    format!(
        "{}: P90 day {}, waiting everywhere {}{}",
        w.change,
        ci(w.p90_days_change, " days"),
        ci(w.total_waiting_days_change, " person-days"),
        if w.loses_more_people() { LOSES_MORE_PEOPLE } else { "" }
    )
}

/// Said of a step tried that clearly loses more people (it ranks last).
pub const LOSES_MORE_PEOPLE: &str = ", but it loses more people (turned away or slipping away)";

/// One lever's what-if.
fn one_what_if(
    batch: &Batch,
    lever: Lever,
    scopes: &[Scope],
    file: &str,
    threads: Option<usize>,
    stop: Option<Arc<AtomicBool>>,
) -> Result<Option<WhatIf>, CompareError> {
    let Some((path, value, mut change)) = step(batch, lever) else {
        return Ok(None);
    };
    let sc = batch.scenario();
    // A [[change]] that sets the same thing later ends the step there: said, so that
    // "no detectable change" is not read as "more beds would not help".
    if let Some(c) = crate::scenario::params::later_changes(&sc.source_text, &path).first() {
        change = format!(
            "{change}, until {} when a [[change]] sets it to {}",
            c.at.replace('T', " "),
            c.value
        );
    }
    // A lever on an input drawn per replication has no one value to step up from
    // ("300 -> 330" would misstate the run): that question is sensitivity's.
    if sc.uncertain.iter().any(|u| u.path == path) {
        return Ok(None);
    }
    let m = (batch.len() as u64).min(MAX_REPLICATIONS);
    if m < 2 {
        return Ok(None);
    }
    let o = Override {
        path: path.clone(),
        value: value.clone(),
    };
    let mut changed = scenario_with(&sc.source_text, &sc.file, &[o])?;
    changed.seed = sc.seed;
    let first = batch.first_replication;
    let mut opts = RunOptions::new(first..first + m).threads(threads);
    opts.stop = stop;
    let after = run_network(&Arc::new(Network::new(Arc::new(changed))), &opts, None)?;
    if after.interrupted {
        return Err(CompareError::Stopped);
    }
    let rows = m as usize;
    let makespan = MetricKey::overall(Stat::MakespanDays);
    let a = column(batch, makespan, rows).unwrap_or_default();
    let b = column(&after, makespan, rows).unwrap_or_default();
    // People who left the return another way than home, where they can.
    let gone = |stat: Stat| match (
        column(batch, MetricKey::overall(stat), rows),
        column(&after, MetricKey::overall(stat), rows),
    ) {
        (Some(ea), Some(eb)) => paired(&ea, &eb),
        _ => (f64::NAN, f64::NAN, [f64::NAN; 3]),
    };
    let (evaded_before, evaded_after, evaded_change) = gone(Stat::Evaded);
    let (turned_away_before, turned_away_after, turned_away_change) = gone(Stat::TurnedAway);
    let (waiting_days_before, waiting_days_after, waiting_days_change) =
        paired(&waiting_days(batch, scopes, rows), &waiting_days(&after, scopes, rows));
    let everywhere = all_stages(batch);
    let (total_waiting_days_before, total_waiting_days_after, total_waiting_days_change) = paired(
        &stage_waiting_days(batch, &everywhere, rows),
        &stage_waiting_days(&after, &everywhere, rows),
    );
    let measured = measured_stages(batch, scopes).0;
    let waiting_moved_to = moved_to(batch, &after, &measured, rows);
    Ok(Some(WhatIf {
        change,
        command: format!(
            "repatsim compare {} --vs-set {} -n {} --seed {}",
            shell_word(file),
            shell_word(&format!("{path}={value}")),
            first + m,
            sc.seed
        ),
        path,
        value: value.to_string(),
        first_replication: first,
        replications: m,
        p90_days_before: p90(&a),
        p90_days_after: p90(&b),
        p90_days_change: p90_change(&a, &b, sc.seed),
        unfinished_before: a.iter().filter(|x| !x.is_finite()).count() as u64,
        unfinished_after: b.iter().filter(|x| !x.is_finite()).count() as u64,
        evaded_before,
        evaded_after,
        evaded_change,
        turned_away_before,
        turned_away_after,
        turned_away_change,
        waiting_days_before,
        waiting_days_after,
        waiting_days_change,
        total_waiting_days_before,
        total_waiting_days_after,
        total_waiting_days_change,
        waiting_moved_to,
        also_tried: Vec::new(),
        tied: Vec::new(),
        waiting_at: measured_stages(batch, scopes).1,
        at_runner_up: None,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ten_percent_more_is_exact() {
        use super::ten_percent_more;
        assert_eq!(ten_percent_more(50), 55.0);
        assert_eq!(ten_percent_more(100), 110.0);
        assert_eq!(ten_percent_more(600), 660.0);
        assert_eq!(ten_percent_more(30), 33.0);
        assert_eq!(ten_percent_more(31), 35.0);
        assert_eq!(ten_percent_more(5), 6.0);
        // Said as what it is: 5 -> 6 is 20% more, not "10% more".
        use super::percent_more;
        assert_eq!(percent_more(600, ten_percent_more(600)), "10%");
        assert_eq!(percent_more(1234, ten_percent_more(1234)), "10%");
        assert_eq!(percent_more(5, ten_percent_more(5)), "20%");
        assert_eq!(percent_more(31, ten_percent_more(31)), "13%");
    }
}
