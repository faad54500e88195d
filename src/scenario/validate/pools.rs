//! `[[pool]]`: units shared by several stages (escorts, drivers, screeners, vehicles),
//! what legs and checkpoints take from them, and the checks that a plan with pools can
//! finish (no departure needing more units than the pool has, shifts that cover the
//! departures and opening hours that need them).

use super::checker::{Checker, check_name, label, span};
use super::checkpoints::weekly_hours;
use super::header::Header;
use crate::scenario::error::did_you_mean;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use toml::Spanned;

/// Checks every `[[pool]]`.
pub fn check_pools(ck: &mut Checker, raw: &RawFile, header: &Header) -> Vec<Pool> {
    let mut pools: Vec<Pool> = Vec::new();
    if raw.pool.len() >= u16::MAX as usize {
        ck.error(
            "pool",
            raw.pool.last().map(|p| p.span()),
            format!("too many pools ({}); at most {}", raw.pool.len(), u16::MAX - 1),
            None,
        );
        return pools;
    }
    for (i, s) in raw.pool.iter().enumerate() {
        let r = s.get_ref();
        let l = label("pool", i, r.name.get_ref());
        check_name(ck, &format!("{l}.name"), &r.name);
        if raw.pool[..i]
            .iter()
            .any(|o| o.get_ref().name.get_ref() == r.name.get_ref())
        {
            ck.error(
                format!("{l}.name"),
                span(&r.name),
                format!("a pool named `{}` is already declared", r.name.get_ref()),
                Some("give each pool its own name".into()),
            );
        }
        let size = ck.count(&format!("{l}.size"), &r.size, 1, 100_000, "units");
        let on_duty = weekly_hours(
            ck,
            &l,
            ("on_duty_days", r.on_duty_days.as_ref()),
            ("on_duty_hours", r.on_duty_hours.as_ref()),
            header.start_week,
        );
        if let Some(d) = &on_duty
            && d.is_never_open()
        {
            ck.error(
                format!("{l}.on_duty_hours"),
                r.on_duty_hours.as_ref().or(r.on_duty_days.as_ref()).map(|x| x.span()),
                "this pool is never on duty, so nothing needing it could ever happen",
                None,
            );
        }
        let cost_per_unit_hour = ck.money(&format!("{l}.cost_per_unit_hour"), r.cost_per_unit_hour.as_ref());
        if let (Some(size), Some(on_duty)) = (size, on_duty) {
            pools.push(Pool {
                name: r.name.get_ref().clone(),
                size,
                on_duty,
                cost_per_unit_hour,
                costed: r.cost_per_unit_hour.is_some(),
                by_priority: r
                    .dispatch
                    .as_ref()
                    .is_some_and(|d| *d.get_ref() == RawDispatch::Priority),
            });
        }
    }
    pools
}

/// The pool named `name`, or an error at `field` naming the pools there are (none if the
/// pool is declared but was itself refused: its own error says why).
fn resolve(ck: &mut Checker, field: &str, name: &Spanned<String>, pools: &Pools) -> Option<PoolId> {
    if let Some(i) = pools.valid.iter().position(|p| p.name == *name.get_ref()) {
        return Some(PoolId(i as u16));
    }
    if pools.declared.iter().any(|d| d == name.get_ref()) {
        return None;
    }
    let pools = pools.valid;
    let names: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
    let help = match did_you_mean(name.get_ref(), names.iter().copied()) {
        Some(m) => format!("did you mean `{m}`?"),
        None if names.is_empty() => "declare it in a [[pool]] table (name, size)".into(),
        None => format!("the pools are: {}", names.join(", ")),
    };
    ck.error(
        field,
        span(name),
        format!("no pool is named `{}`", name.get_ref()),
        Some(help),
    );
    None
}

/// The pools that passed validation, and the names of every pool declared.
pub struct Pools<'a> {
    pub valid: &'a [Pool],
    pub declared: Vec<String>,
}

impl<'a> Pools<'a> {
    /// The validated `valid` pools of `raw`.
    pub fn new(valid: &'a [Pool], raw: &RawFile) -> Self {
        Pools {
            valid,
            declared: raw.pool.iter().map(|p| p.get_ref().name.get_ref().clone()).collect(),
        }
    }
}

/// What a leg takes from pools: its fleet (if shared), the units each departure needs,
/// and its priority among stages waiting for a pool; `None` if anything was refused.
pub struct LegPools {
    pub fleet: Option<PoolId>,
    pub needs: Vec<Need>,
    pub pool_priority: u32,
}

/// Checks a leg's `fleet`, `needs` and `pool_priority`.
pub fn check_leg_pools(ck: &mut Checker, l: &str, r: &RawLeg, pools: &Pools) -> Option<LegPools> {
    let mut ok = true;
    let mut needs = Vec::new();
    let fleet = match &r.fleet {
        Some(f) => match resolve(ck, &format!("{l}.fleet"), f, pools) {
            Some(p) => {
                needs.push(Need {
                    pool: p,
                    units: 1,
                    outbound_only: false,
                });
                Some(p)
            }
            None => {
                ok = false;
                None
            }
        },
        None => None,
    };
    for (j, n) in r
        .needs
        .as_ref()
        .map_or(&[][..], |v| v.get_ref().as_slice())
        .iter()
        .enumerate()
    {
        let field = format!("{l}.needs[{j}]");
        let nr = n.get_ref();
        let Some(pool) = resolve(ck, &format!("{field}.pool"), &nr.pool, pools) else {
            ok = false;
            continue;
        };
        if needs.iter().any(|x: &Need| x.pool == pool) {
            ck.error(
                format!("{field}.pool"),
                span(&nr.pool),
                format!(
                    "the leg already takes units of `{}`{}",
                    nr.pool.get_ref(),
                    if fleet == Some(pool) { " (its fleet)" } else { "" }
                ),
                Some("state each pool once, with the units a departure needs".into()),
            );
            ok = false;
            continue;
        }
        let size = pools.valid[pool.0 as usize].size;
        let units = match &nr.units {
            Some(u) => ck.count(&format!("{field}.units"), u, 1, 100_000, "units"),
            None => Some(1),
        };
        let Some(units) = units else {
            ok = false;
            continue;
        };
        if units > size {
            ck.error(
                format!("{field}.units"),
                nr.units.as_ref().map(|u| u.span()).or(Some(n.span())),
                format!(
                    "each departure needs {units} units of `{}`, which has {size}: no departure could ever leave",
                    nr.pool.get_ref()
                ),
                Some(format!(
                    "make the pool at least {units} units, or need fewer per departure"
                )),
            );
            ok = false;
            continue;
        }
        needs.push(Need {
            pool,
            units,
            outbound_only: nr.held.as_ref().is_some_and(|h| *h.get_ref() == RawHeld::Outbound),
        });
    }
    let pool_priority = priority(ck, l, r.pool_priority.as_ref())?;
    if let Some(p) = &r.pool_priority
        && needs.is_empty()
    {
        ck.error(
            format!("{l}.pool_priority"),
            span(p),
            "this leg takes nothing from a pool",
            Some("add fleet or needs, or remove pool_priority".into()),
        );
        ok = false;
    }
    ok.then_some(LegPools {
        fleet,
        needs,
        pool_priority,
    })
}

/// Checks a checkpoint's `staff_from` and `pool_priority`: (pool, priority).
pub fn check_checkpoint_pool(
    ck: &mut Checker,
    l: &str,
    r: &RawCheckpoint,
    pools: &Pools,
) -> Option<(Option<PoolId>, u32)> {
    let staff = match &r.staff_from {
        Some(n) => Some(resolve(ck, &format!("{l}.staff_from"), n, pools)?),
        None => None,
    };
    if let Some(p) = &r.pool_priority
        && staff.is_none()
    {
        ck.error(
            format!("{l}.pool_priority"),
            span(p),
            "this checkpoint takes nothing from a pool",
            Some("add staff_from, or remove pool_priority".into()),
        );
        return None;
    }
    Some((staff, priority(ck, l, r.pool_priority.as_ref())?))
}

fn priority(ck: &mut Checker, l: &str, p: Option<&Spanned<i64>>) -> Option<u32> {
    match p {
        Some(p) => ck.count(&format!("{l}.pool_priority"), p, 1, 1_000_000, "priority"),
        None => Some(1),
    }
}

/// Plans pools make impossible: a timetabled leg none of whose departures falls in the
/// shift of a pool it needs (named; departures off duty are warned about), a checkpoint
/// whose opening hours never meet its staff's shift; unused pools are warned about.
pub fn check_pools_usable(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, leg) in sc.legs.iter().enumerate() {
        let Departure::Timetable(tt) = &leg.departure else {
            continue;
        };
        for need in &leg.needs {
            let pool = &sc.pools[need.pool.0 as usize];
            if pool.on_duty.is_always_open() {
                continue;
            }
            let off: Vec<f64> = tt
                .weekly()
                .iter()
                .map(|&w| w - sc.start_week_hours)
                .chain(tt.once().iter().copied())
                .filter(|&t| !pool.on_duty.is_open(t))
                .collect();
            let all = tt.weekly().len() + tt.once().len();
            if off.is_empty() {
                continue;
            }
            let field = format!("leg.{}.timetable", leg.name);
            let at = raw.leg[i].get_ref().timetable.as_ref().map(|t| t.span());
            let times: Vec<String> = off.iter().take(3).map(|&t| describe(sc, t)).collect();
            let more = if off.len() > 3 { ", ..." } else { "" };
            if off.len() == all {
                ck.error(
                    field,
                    at,
                    format!(
                        "no departure of `{}` falls in the shift of pool `{}` ({}{more} are off duty), so it could never leave",
                        leg.name,
                        pool.name,
                        times.join(", ")
                    ),
                    Some("move the timetable into the pool's on_duty_hours/on_duty_days, or widen the shift".into()),
                );
            } else {
                ck.warn(
                    field,
                    at,
                    format!(
                        "{} of the {all} departure times of `{}` fall outside the shift of pool `{}` ({}{more}); no departure leaves at them",
                        off.len(),
                        leg.name,
                        pool.name,
                        times.join(", ")
                    ),
                    None,
                );
            }
        }
    }
    for (k, cp) in sc.checkpoints.iter().enumerate() {
        let Some(p) = cp.staff_from else { continue };
        let pool = &sc.pools[p.0 as usize];
        if cp.open.intersect(&pool.on_duty).is_never_open() {
            ck.error(
                format!("checkpoint.{}.staff_from", cp.name),
                raw.checkpoint[k].get_ref().staff_from.as_ref().map(|s| s.span()),
                format!(
                    "pool `{}` is never on duty while `{}` is open, so nobody could ever pass",
                    pool.name, cp.name
                ),
                Some("make the shift (on_duty_hours, on_duty_days) overlap the opening hours".into()),
            );
        }
    }
    for (i, pool) in sc.pools.iter().enumerate() {
        let first = pool.on_duty.next_open(0.0).unwrap_or(f64::INFINITY);
        if first >= sc.horizon_hours {
            ck.error(
                format!("pool.{}.on_duty_days", pool.name),
                raw.pool[i]
                    .get_ref()
                    .on_duty_days
                    .as_ref()
                    .or(raw.pool[i].get_ref().on_duty_hours.as_ref())
                    .map(|x| x.span()),
                format!(
                    "pool `{}` is first on duty {}, after the horizon ({} days): nothing needing it could happen",
                    pool.name,
                    at_time(sc, first),
                    sc.horizon_hours / 24.0
                ),
                Some("widen the shift or lengthen horizon_days".into()),
            );
        }
    }
    for (k, cp) in sc.checkpoints.iter().enumerate() {
        let Some(p) = cp.staff_from else { continue };
        let both = cp.open.intersect(&sc.pools[p.0 as usize].on_duty);
        if let Some(first) = both.next_open(0.0)
            && first >= sc.horizon_hours
            && sc.pools[p.0 as usize].on_duty.next_open(0.0).unwrap_or(f64::INFINITY) < sc.horizon_hours
        {
            ck.error(
                format!("checkpoint.{}.staff_from", cp.name),
                raw.checkpoint[k].get_ref().staff_from.as_ref().map(|s| s.span()),
                format!(
                    "`{}` is first open with pool `{}` on duty {}, after the horizon: nobody could pass before it",
                    cp.name,
                    sc.pools[p.0 as usize].name,
                    at_time(sc, first)
                ),
                Some("make the shift overlap the opening hours earlier, or lengthen horizon_days".into()),
            );
        }
    }
    for (i, pool) in sc.pools.iter().enumerate() {
        let id = PoolId(i as u16);
        let used = sc.legs.iter().any(|l| l.needs.iter().any(|n| n.pool == id))
            || sc.checkpoints.iter().any(|k| k.staff_from == Some(id));
        if !used {
            ck.warn(
                format!("pool.{}", pool.name),
                Some(raw.pool[i].span()),
                format!("no leg or checkpoint takes units from pool `{}`", pool.name),
                Some("add needs = [{ pool = ... }] to a leg, fleet to a leg or staff_from to a checkpoint".into()),
            );
        }
    }
}

/// Simulated time `t` as a day of the week and a clock time.
fn describe(sc: &Scenario, t: f64) -> String {
    let w = (t + sc.start_week_hours).rem_euclid(168.0);
    let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][((w / 24.0) as usize).min(6)];
    let m = ((w % 24.0) * 60.0).round() as i64;
    format!("{day} {:02}:{:02}", m / 60, m % 60)
}

/// Simulated time `t` as a date and clock time ("on 2024-01-06 00:00"), "never" if infinite.
pub(super) fn at_time(sc: &Scenario, t: f64) -> String {
    if !t.is_finite() {
        return "never".into();
    }
    let at = sc.start + chrono::Duration::minutes((t * 60.0).round() as i64);
    format!("on {}", at.format("%Y-%m-%d %H:%M"))
}

/// A `[[change]]` of a pool's size: the pool alone (no site, leg or checkpoint), `size`
/// alone, not a fleet pool (its legs' vehicles are fixed when the file is read), and
/// never below the units a departure of some leg needs.
pub fn check_pool_change(
    ck: &mut Checker,
    l: &str,
    c: &Spanned<RawChange>,
    legs: &[Leg],
    pools: &Pools,
) -> Option<ChangeWhat> {
    let r = c.get_ref();
    let name = r.pool.as_ref().expect("called for a pool change");
    if r.site.is_some() || r.leg.is_some() || r.checkpoint.is_some() {
        ck.error(
            l,
            Some(c.span()),
            "a change names exactly one of site, leg, checkpoint or pool",
            Some("e.g. pool = \"escorts\" with size = 5".into()),
        );
        return None;
    }
    let p = resolve(ck, &format!("{l}.pool"), name, pools)?;
    let other = [
        ("beds", r.beds.is_some()),
        ("servers", r.servers.is_some()),
        ("vehicles", r.vehicles.is_some()),
        ("timetable", r.timetable.is_some()),
    ];
    let wrong: Vec<&str> = other.iter().filter(|(_, set)| *set).map(|(f, _)| *f).collect();
    let Some(size) = r.size.as_ref().filter(|_| wrong.is_empty()) else {
        ck.error(
            l,
            Some(c.span()),
            if wrong.is_empty() {
                "this change changes nothing: a pool changes `size`".to_string()
            } else {
                format!("this change sets {} here: a pool changes `size`", wrong.join(", "))
            },
            None,
        );
        return None;
    };
    let size = ck.count(&format!("{l}.size"), size, 1, 100_000, "units")?;
    if let Some(leg) = legs.iter().find(|x| x.fleet == Some(p)) {
        ck.error(
            format!("{l}.pool"),
            span(name),
            format!(
                "`{}` is the fleet of leg `{}`, whose vehicles are fixed when the file is read; its size cannot change here",
                name.get_ref(),
                leg.name
            ),
            Some("give the pool its size in its [[pool]] table (--set pool.NAME.size for a study)".into()),
        );
        return None;
    }
    if let Some((leg, need)) = legs
        .iter()
        .flat_map(|x| x.needs.iter().map(move |n| (x, n)))
        .find(|(_, n)| n.pool == p && n.units > size)
    {
        ck.error(
            format!("{l}.size"),
            r.size.as_ref().map(|s| s.span()),
            format!(
                "each departure of `{}` needs {} units of `{}`: with {size} none could leave after this change",
                leg.name,
                need.units,
                name.get_ref()
            ),
            Some(format!("keep at least {} units", need.units)),
        );
        return None;
    }
    Some(ChangeWhat::PoolSize { pool: p, size })
}
