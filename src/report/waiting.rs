//! Where people wait: total waiting per stage in person-hours, from the metric means,
//! largest first. A wait before boarding a leg that reserves beds counts as waiting for
//! those beds for the people beyond the beds it could reserve (while the beds, not the
//! fleet's seats, hold them back), and as waiting for transport for the rest (a
//! twice-weekly ferry is waited for, whatever it reserves).

use crate::experiment::Batch;
use crate::metrics::{MetricKey, Scope, Stat, fmt_num};

/// What kind of stage people wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitKind {
    /// Beds at a site.
    Site,
    /// Transport on a leg.
    Leg,
    /// Service at a checkpoint.
    Checkpoint,
    /// A cohort's approvals.
    Approvals,
    /// Units of a pool (escorts, drivers, staff, a shared fleet).
    Pool,
}

impl WaitKind {
    /// The word used in JSON and captions.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitKind::Site => "site",
            WaitKind::Leg => "leg",
            WaitKind::Checkpoint => "checkpoint",
            WaitKind::Approvals => "approvals",
            WaitKind::Pool => "pool",
        }
    }
}

/// Total waiting at one stage, in person-hours (mean over replications).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Wait {
    /// The stage people wait for: a site (beds), a leg (transport), a checkpoint, or a
    /// cohort's approvals.
    pub stage: String,
    #[serde(serialize_with = "kind_str")]
    pub kind: WaitKind,
    /// The element's index in its table of the scenario.
    #[serde(skip)]
    pub index: u16,
    /// What the waiting is, in words.
    pub what: String,
    pub person_hours: f64,
    /// Share of all waiting.
    pub share: f64,
    /// The elements whose waits make up the total (a site and the legs that reserve
    /// its beds), so a table can show where the hours are counted.
    #[serde(skip)]
    pub scopes: Vec<Scope>,
}

fn kind_str<S: serde::Serializer>(k: &WaitKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

/// Where people wait, largest first: total person-hours of waiting (waits that ended,
/// waits of people who gave up, and waits still under way at the end) for beds at each
/// site (including waits before boarding a leg that reserves them), for transport on
/// each leg, in each checkpoint's line, and for each cohort's approvals; means over
/// replications.
pub fn waiting_by_stage(batch: &Batch) -> Vec<Wait> {
    let sc = batch.scenario();
    let net = &batch.network;
    let hours = |scope: Scope| {
        let m = batch.mean_of(MetricKey::new(scope, Stat::WaitingPersonHours));
        if m.is_nan() { 0.0 } else { m }
    };
    let mut waits: Vec<Wait> = Vec::new();
    let mut add = |kind: WaitKind, index: u16, stage: &str, what: String, scope: Scope, hours: f64| {
        if hours <= 0.0 {
            return;
        }
        match waits.iter_mut().find(|w| w.kind == kind && w.index == index) {
            Some(w) => {
                w.person_hours += hours;
                w.scopes.push(scope);
            }
            None => waits.push(Wait {
                stage: stage.to_string(),
                kind,
                index,
                what,
                person_hours: hours,
                share: 0.0,
                // Beds waited for only through a leg that reserves them: the site is
                // still where the waiting is (its own scope first).
                scopes: match kind {
                    WaitKind::Site if scope != Scope::Site(index) => vec![Scope::Site(index), scope],
                    _ => vec![scope],
                },
            }),
        }
    };
    for (i, site) in sc.sites.iter().enumerate() {
        let n = &site.name;
        add(
            WaitKind::Site,
            i as u16,
            n,
            format!("beds at `{n}`"),
            Scope::Site(i as u16),
            hours(Scope::Site(i as u16)),
        );
    }
    for (i, leg) in sc.legs.iter().enumerate() {
        let n = &leg.name;
        let scope = Scope::Leg(i as u16);
        match (net.reserve_target[i], leg.reserve_seats_on) {
            (Some(t), _) => {
                let site = &sc.sites[t as usize].name;
                let all = hours(scope);
                let held = batch.mean_of(MetricKey::new(scope, Stat::BedHoldPersonHours));
                let held = if held.is_nan() { 0.0 } else { held.min(all) };
                add(WaitKind::Site, t, site, format!("beds at `{site}`"), scope, held);
                add(
                    WaitKind::Leg,
                    i as u16,
                    n,
                    format!("transport on `{n}`"),
                    scope,
                    all - held,
                );
            }
            // A feeder waits for seats on its trunk: that is waiting for the trunk.
            (None, Some(t)) => {
                let trunk = &sc.legs[t.0 as usize].name;
                add(
                    WaitKind::Leg,
                    t.0,
                    trunk,
                    format!("transport on `{trunk}`"),
                    scope,
                    hours(scope),
                );
            }
            (None, None) => add(
                WaitKind::Leg,
                i as u16,
                n,
                format!("transport on `{n}`"),
                scope,
                hours(scope),
            ),
        }
    }
    for (i, k) in sc.checkpoints.iter().enumerate() {
        let n = &k.name;
        add(
            WaitKind::Checkpoint,
            i as u16,
            n,
            format!("service at `{n}`"),
            Scope::Checkpoint(i as u16),
            hours(Scope::Checkpoint(i as u16)),
        );
    }
    for (i, c) in sc.cohorts.iter().enumerate() {
        let n = &c.name;
        add(
            WaitKind::Approvals,
            i as u16,
            n,
            format!("approvals for `{n}`"),
            Scope::Cohort(i as u16),
            hours(Scope::Cohort(i as u16)),
        );
    }
    take_pool_waits(batch, &mut waits);
    for w in &mut waits {
        let legs: Vec<String> = w
            .scopes
            .iter()
            .filter_map(|s| match s {
                Scope::Leg(l) if w.kind == WaitKind::Site || (w.kind == WaitKind::Leg && *l != w.index) => {
                    Some(format!("`{}`", sc.legs[*l as usize].name))
                }
                _ => None,
            })
            .collect();
        if !legs.is_empty() && w.kind == WaitKind::Site {
            w.what = format!("{} (including waits to board {} beyond them)", w.what, legs.join(", "));
        } else if !legs.is_empty() {
            w.what = format!("{} (including waits to board {})", w.what, legs.join(", "));
        }
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

/// Moves the waiting at legs and checkpoints held for a pool's units from them to the
/// pool: people waiting to board while the bus is there but its escort is not wait for
/// the escorts.
fn take_pool_waits(batch: &Batch, waits: &mut Vec<Wait>) {
    let sc = batch.scenario();
    let mean = |key: MetricKey| {
        let m = batch.mean_of(key);
        if m.is_nan() { 0.0 } else { m }
    };
    let held = sc
        .legs
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.needs.is_empty())
        .map(|(i, _)| Scope::Leg(i as u16))
        .chain(
            sc.checkpoints
                .iter()
                .enumerate()
                .filter(|(_, k)| k.staff_from.is_some())
                .map(|(i, _)| Scope::Checkpoint(i as u16)),
        );
    for scope in held {
        let hours = mean(MetricKey::new(scope, Stat::PoolWaitPersonHours));
        // (A leg that reserves beds has its waiting split between those beds and its
        // transport; a pool's hold is never a hold for beds, so it comes off the
        // transport.)
        let of_scope = |w: &&mut Wait| w.scopes.contains(&scope);
        let transport = waits
            .iter_mut()
            .filter(of_scope)
            .max_by_key(|w| w.kind != WaitKind::Site);
        if let Some(w) = transport {
            w.person_hours -= hours;
        }
    }
    waits.retain(|w| w.person_hours > 1e-9 * (1.0 + w.person_hours.abs()));
    for (i, pool) in sc.pools.iter().enumerate() {
        let scope = Scope::Pool(i as u16);
        let hours = mean(MetricKey::new(scope, Stat::WaitingPersonHours));
        if hours > 0.0 {
            let n = &pool.name;
            let id = crate::scenario::PoolId(i as u16);
            let legs = sc.legs.iter().any(|l| l.needs.iter().any(|x| x.pool == id));
            let checkpoints = sc.checkpoints.iter().any(|k| k.staff_from == Some(id));
            let held = match (legs, checkpoints) {
                (true, true) => "departures and services held for them",
                (true, false) => "departures held for them",
                _ => "services held for them",
            };
            waits.push(Wait {
                stage: n.clone(),
                kind: WaitKind::Pool,
                index: i as u16,
                what: format!("units of pool `{n}` ({held})"),
                person_hours: hours,
                share: 0.0,
                scopes: vec![scope],
            });
        }
    }
}

/// The bottleneck: the stage people wait for longest in total (waits still under way at
/// the end included). Every output that names a bottleneck uses this one.
pub fn bottleneck(batch: &Batch) -> Option<Wait> {
    waiting_by_stage(batch).into_iter().next()
}

/// One sentence on what limits the return.
pub fn limiting_stage(batch: &Batch) -> Option<String> {
    let top = bottleneck(batch)?;
    Some(format!(
        "What holds people up most: {} ({} person-days of waiting per replication, {} of all waiting).",
        top.what,
        fmt_num(top.person_hours / 24.0),
        crate::metrics::fmt_value(top.share, crate::metrics::Unit::Fraction)
    ))
}
