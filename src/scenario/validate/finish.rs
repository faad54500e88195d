//! Plans that can never finish, refused before the run with the reason: a checkpoint
//! on a route that is never open before the horizon (its days, closed dates and
//! closures together), a timetabled leg on a route none of whose departures can run
//! (all cancelled, or all in closures), a route whose shortest possible journey is
//! longer than the horizon, and isolation sites people could never leave.

use super::checker::Checker;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use toml::Spanned;

/// Is `stage` on any route of any cohort (or category)?
fn used(sc: &Scenario, stage: Stage) -> bool {
    sc.cohorts
        .iter()
        .any(|c| c.all_routes().iter().any(|r| r.contains(&stage)))
}

/// The windows `[from, to)` of every fixed closure of `what`, sorted.
fn closures_of(sc: &Scenario, what: Closable) -> Vec<(f64, f64, &str)> {
    let mut v: Vec<(f64, f64, &str)> = sc
        .closures
        .iter()
        .filter(|c| c.applies_to.contains(&what))
        .map(|c| (c.from_hours, c.to_hours, c.name.as_str()))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v
}

/// What is left of `windows` after removing every `(from, to)` in `gaps`.
fn minus(windows: &[(f64, f64)], gaps: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &(mut a, b) in windows {
        for &(g0, g1) in gaps {
            if g1 <= a || g0 >= b {
                continue;
            }
            if g0 > a {
                out.push((a, g0));
            }
            a = a.max(g1);
            if a >= b {
                break;
            }
        }
        if a < b {
            out.push((a, b));
        }
    }
    out
}

/// `x` to two decimals, without trailing zeros: 33.61, 800, 4.5.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn raw_span<T>(v: Option<&Spanned<T>>) -> Option<std::ops::Range<usize>> {
    v.map(|x| x.span())
}

/// A checkpoint on a route that is never open before the horizon.
pub fn check_checkpoints_open(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, cp) in sc.checkpoints.iter().enumerate() {
        if !used(sc, Stage::Checkpoint(CheckpointId(i as u16))) || cp.open.is_never_open() {
            continue; // unused, or already refused for its open days
        }
        let closures = closures_of(sc, Closable::Checkpoint(CheckpointId(i as u16)));
        let mut gaps: Vec<(f64, f64)> = cp.closed.clone();
        gaps.extend(closures.iter().map(|&(a, b, _)| (a, b)));
        gaps.sort_by(|a, b| a.0.total_cmp(&b.0));
        let open = minus(&cp.open.open_windows(0.0, sc.horizon_hours), &gaps);
        if open.iter().any(|&(a, b)| b - a > 1e-9) {
            continue;
        }
        let mut reasons = vec!["its opening hours".to_string()];
        if !cp.closed.is_empty() {
            reasons.push("its closed_dates".to_string());
        }
        reasons.extend(closures.iter().map(|c| format!("closure `{}`", c.2)));
        let listed = match reasons.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => reasons.join(""),
        };
        let r = raw.checkpoint.get(i).map(|c| c.get_ref());
        let at = r
            .and_then(|r| raw_span(r.closed_dates.as_ref()))
            .or_else(|| raw.checkpoint.get(i).map(|c| c.span()));
        ck.error(
            format!("checkpoint.{}", cp.name),
            at,
            format!(
                "checkpoint `{}` is never open before the horizon ({} days): {listed} leave no open time, so nobody on its routes could pass",
                cp.name,
                sc.horizon_hours / 24.0
            ),
            Some("shorten the closures or closed dates, or lengthen horizon_days".into()),
        );
    }
}

/// The earliest anyone can reach leg `l` (hours from the start): the earliest release
/// of a cohort whose route takes it, plus the shortest possible journey to it (every
/// travel, stay and service at its minimum). `None` if no route takes it.
fn earliest_at_leg(sc: &Scenario, l: usize) -> Option<f64> {
    let stage = Stage::Leg(LegId(l as u16));
    (0..sc.cohorts.len())
        .flat_map(|c| {
            let first = release_span(sc, c).0;
            routes_taken(sc, c).into_iter().filter_map(move |(_, _, r)| {
                let at = r.iter().position(|s| *s == stage)?;
                Some(first + shortest_journey(sc, &r[..at]).0)
            })
        })
        .min_by(f64::total_cmp)
}

/// A leg on a route whose closures leave it shut from the earliest anyone can reach it
/// until the horizon (a leg that leaves when people wait; a timetabled one is
/// [`check_departures_run`]'s).
pub fn check_legs_open(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, leg) in sc.legs.iter().enumerate() {
        if matches!(leg.departure, Departure::Timetable(_)) {
            continue;
        }
        let closures = closures_of(sc, Closable::Leg(LegId(i as u16)));
        let Some(earliest) = earliest_at_leg(sc, i) else {
            continue;
        };
        if closures.is_empty() || earliest >= sc.horizon_hours {
            continue; // open, or refused for the journey's length
        }
        let gaps: Vec<(f64, f64)> = closures.iter().map(|&(a, b, _)| (a, b)).collect();
        let open = minus(&[(earliest, sc.horizon_hours)], &gaps);
        if open.iter().any(|&(a, b)| b - a > 1e-9) {
            continue;
        }
        let names: Vec<String> = closures.iter().map(|c| format!("`{}`", c.2)).collect();
        ck.error(
            format!("leg.{}", leg.name),
            raw.leg.get(i).map(|l| l.span()),
            format!(
                "leg `{}` is closed by {} from the earliest anyone can reach it ({}: the first release and the shortest journey to it) until the horizon, so nobody on its routes could leave",
                leg.name,
                names.join(", "),
                super::pools::at_time(sc, earliest)
            ),
            Some("shorten the closures, or lengthen horizon_days".into()),
        );
    }
}

/// A timetabled leg on a route none of whose departures before the horizon can run:
/// all cancelled, all in closures, or all before anyone can reach it.
pub fn check_departures_run(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, leg) in sc.legs.iter().enumerate() {
        let Departure::Timetable(tt) = &leg.departure else {
            continue;
        };
        if !used(sc, Stage::Leg(LegId(i as u16))) || tt.is_empty() {
            continue;
        }
        // A [[change]] may give it other departures later: not judged here.
        let retimed = sc
            .changes
            .iter()
            .any(|c| matches!(c.what, ChangeWhat::Timetable { leg, .. } if leg.0 as usize == i));
        let r = raw.leg.get(i).map(|l| l.get_ref());
        if leg.cancel_probability >= 1.0 {
            ck.error(
                format!("leg.{}.cancel_probability", leg.name),
                r.and_then(|r| raw_span(r.cancel_probability.as_ref())),
                format!(
                    "every departure of leg `{}` is cancelled (probability 1), so nobody on its routes could leave",
                    leg.name
                ),
                Some("use a probability below 1".into()),
            );
            continue;
        }
        let closures = closures_of(sc, Closable::Leg(LegId(i as u16)));
        let earliest = earliest_at_leg(sc, i).unwrap_or(0.0);
        let mut t = 0.0;
        let (mut any, mut any_reachable) = (false, false);
        let mut first = true;
        while let Some(d) = tt.next(t, first) {
            first = false;
            if d >= sc.horizon_hours {
                break;
            }
            if !closures.iter().any(|&(a, b, _)| d >= a && d < b) {
                any = true;
                if d >= earliest {
                    any_reachable = true;
                    break;
                }
            }
            t = d;
        }
        if any && !any_reachable && !retimed && earliest < sc.horizon_hours {
            ck.error(
                format!("leg.{}.timetable", leg.name),
                r.and_then(|r| raw_span(r.timetable.as_ref())),
                format!(
                    "every departure of leg `{}` before the horizon leaves before anyone can reach it (at the earliest {}: the first release and the shortest journey to it), so nobody on its routes could leave",
                    leg.name,
                    super::pools::at_time(sc, earliest)
                ),
                Some("add later departures, or lengthen horizon_days".into()),
            );
            continue;
        }
        if !any && !closures.is_empty() {
            let names: Vec<String> = closures.iter().map(|c| format!("`{}`", c.2)).collect();
            ck.error(
                format!("leg.{}.timetable", leg.name),
                r.and_then(|r| raw_span(r.timetable.as_ref())),
                format!(
                    "every departure of leg `{}` before the horizon falls in closure {}, so nobody on its routes could leave",
                    leg.name,
                    names.join(", ")
                ),
                Some("add departures outside the closures, shorten them, or lengthen horizon_days".into()),
            );
        }
    }
}

/// When a cohort's first and last people are released at the earliest (hours from the
/// start; for waves, when their lead time ends, counting only waves that find someone
/// left to notify), where that is fixed: a Poisson cohort's last release is random
/// (`None`).
fn release_span(sc: &Scenario, c: usize) -> (f64, Option<f64>) {
    let cohort = &sc.cohorts[c];
    if cohort.has_waves {
        let mut waves: Vec<&Wave> = sc.waves.iter().filter(|w| w.cohort.0 as usize == c).collect();
        waves.sort_by(|a, b| a.at_hours.total_cmp(&b.at_hours));
        let (mut notified, mut first, mut last) = (0u64, f64::INFINITY, 0.0f64);
        for w in waves {
            if notified >= u64::from(cohort.size) || w.notify == 0 {
                continue;
            }
            notified += u64::from(w.notify);
            first = first.min(w.at_hours + w.lead_hours);
            last = last.max(w.at_hours + w.lead_hours);
        }
        return if first.is_finite() {
            (first, Some(last))
        } else {
            (0.0, None)
        };
    }
    match &cohort.arrival {
        Arrival::AllAtOnce { at_hours } => (*at_hours, Some(*at_hours)),
        Arrival::Regular { at_hours, every_hours } => (
            *at_hours,
            Some(at_hours + every_hours * f64::from(cohort.size.saturating_sub(1))),
        ),
        Arrival::Batches(b) => (b.first().map_or(0.0, |x| x.0), Some(b.last().map_or(0.0, |x| x.0))),
        // No one arrives on a day with a rate of zero.
        Arrival::PerDay { per_day } => (
            per_day.iter().position(|&r| r > 0.0).map_or(0.0, |d| 24.0 * d as f64),
            None,
        ),
        Arrival::Poisson { .. } => (0.0, None),
    }
}

/// The routes people of cohort `c` take, with who takes each (empty: everyone not
/// routed otherwise) and its field: the cohort's route (or each of its branches) if
/// anyone is left on it, and the route of each category with members.
fn routes_taken(sc: &Scenario, c: usize) -> Vec<(String, String, &[Stage])> {
    let cohort = &sc.cohorts[c];
    let field = format!("cohort.{}.route", cohort.name);
    let routed = |g: CategoryId| cohort.category_routes.iter().any(|(x, _)| *x == g);
    let members = |g: CategoryId| cohort.mix.iter().any(|&(x, n)| x == g && n > 0);
    let on_route = cohort.mix.is_empty() || cohort.mix.iter().any(|&(g, n)| n > 0 && !routed(g));
    let mut out: Vec<(String, String, &[Stage])> = Vec::new();
    if on_route {
        if cohort.branch_routes.is_empty() {
            out.push((String::new(), field, cohort.route.as_slice()));
        } else {
            for (p, r) in &cohort.branch_routes {
                let who = format!("the {:.0}% who take this branch", 100.0 * p);
                out.push((who, field.clone(), r.as_slice()));
            }
        }
    }
    for (g, r) in &cohort.category_routes {
        if members(*g) {
            let name = &sc.categories[g.0 as usize].name;
            out.push((
                format!("category `{name}`"),
                format!("cohort.{}.category_routes.{name}", cohort.name),
                r.as_slice(),
            ));
        }
    }
    out
}

/// The shortest possible journey on `route` (every travel, stay and service at its
/// minimum), in hours, with its largest parts in words.
fn shortest_journey(sc: &Scenario, route: &[Stage]) -> (f64, String) {
    let mut parts: Vec<(f64, String)> = route
        .iter()
        .map(|st| match *st {
            Stage::Leg(l) => {
                let leg = &sc.legs[l.0 as usize];
                (leg.travel_hours.min(), format!("travel on `{}`", leg.name))
            }
            Stage::Site(s) => {
                let site = &sc.sites[s.0 as usize];
                (site.stay_hours.min(), format!("a stay at `{}`", site.name))
            }
            Stage::Checkpoint(k) => {
                let cp = &sc.checkpoints[k.0 as usize];
                (cp.service_hours.min(), format!("service at `{}`", cp.name))
            }
        })
        .collect();
    let total: f64 = parts.iter().map(|p| p.0).sum();
    parts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let largest: Vec<String> = parts
        .iter()
        .take(3)
        .filter(|p| p.0 > 0.0)
        .map(|p| format!("{} at least {} h", p.1, round2(p.0)))
        .collect();
    (total, largest.join(", "))
}

/// Journeys that cannot end within the horizon. Refused: every route people take is
/// longer than the horizon itself (nobody could ever get home). Warned of: a route
/// only some take that is (those cannot), and routes that fit the horizon but not what
/// is left of it when the cohort's first or last people are released. Release times
/// are warnings, not refusals: `plan` and `sweep` try short horizons, and uncertain
/// inputs try long stays, on their way to the answer.
pub fn check_journeys_fit(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    let horizon = crate::metrics::fmt_days_span(sc.horizon_hours / 24.0);
    let at = |h: f64| crate::metrics::fmt_days_span(h / 24.0);
    for (c, cohort) in sc.cohorts.iter().enumerate() {
        let span = raw.cohort.get(c).map(|r| r.get_ref().route.span());
        let (first, last) = release_span(sc, c);
        let routes: Vec<(String, String, f64, String)> = routes_taken(sc, c)
            .into_iter()
            .map(|(who, field, r)| {
                let (total, parts) = shortest_journey(sc, r);
                (who, field, total, parts)
            })
            .collect();
        let nobody = routes.iter().all(|r| r.2 > sc.horizon_hours);
        for (who, field, total, parts) in &routes {
            let days = round2(total / 24.0);
            if *total > sc.horizon_hours {
                let message = format!(
                    "the shortest possible journey on this route takes {days} days ({parts}), longer than the horizon of {horizon}: "
                );
                if nobody {
                    ck.error(
                        field,
                        span.clone(),
                        format!("{message}nobody could get home"),
                        Some("lengthen horizon_days, or shorten the durations".into()),
                    );
                } else {
                    ck.warn(
                        field,
                        span.clone(),
                        format!("{message}{who} cannot get home, so not everyone can"),
                        Some("lengthen horizon_days, or shorten the durations".into()),
                    );
                }
                continue;
            }
            let whose = if who.is_empty() {
                format!("`{}`", cohort.name)
            } else {
                format!("`{}` ({who})", cohort.name)
            };
            let fits = |from: f64| from + total <= sc.horizon_hours;
            let (when, reach, from) = if !fits(first) {
                (
                    "first",
                    format!("nobody of them can be home within the horizon of {horizon}"),
                    first,
                )
            } else if let Some(l) = last.filter(|&l| !fits(l)) {
                (
                    "last",
                    format!("they cannot be home within the horizon of {horizon}, so not everyone can"),
                    l,
                )
            } else {
                continue;
            };
            ck.warn(
                field,
                span.clone(),
                format!(
                    "the {when} of {whose} are released after {}, and the shortest possible journey on this route takes {days} days ({parts}): {reach}",
                    at(from)
                ),
                Some(format!(
                    "lengthen horizon_days to at least {} to see them home",
                    round2((from + total) / 24.0).ceil()
                )),
            );
        }
    }
}

/// A positive test sends people to an isolation site: it must be another site with a
/// stay, not the site itself, an origin or home.
pub fn check_isolation_sites(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, site) in sc.sites.iter().enumerate() {
        let Some(Testing {
            on_positive: OnPositive::Isolate(t),
            ..
        }) = &site.testing
        else {
            continue;
        };
        let target = &sc.sites[t.0 as usize];
        let problem = if t.0 as usize == i {
            Some("is the site itself: a positive person would isolate where they already are")
        } else if target.kind == SiteKind::Home {
            Some("is a home site: isolation must be a site with beds and a stay before home")
        } else if target.kind == SiteKind::Origin {
            Some("is an origin: people cannot be sent back to where routes start")
        } else {
            None
        };
        if let Some(p) = problem {
            ck.error(
                format!("site.{}.positive_isolation_site", site.name),
                raw.site
                    .get(i)
                    .and_then(|r| raw_span(r.get_ref().positive_isolation_site.as_ref())),
                format!("`{}` {p}", target.name),
                Some("name an assembly, transit or quarantine site (an isolation ward), or use positive_extra_stay_hours to extend the stay in place".into()),
            );
        }
    }
}
