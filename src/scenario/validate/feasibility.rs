//! Plans that cannot work as written, checked on the assembled scenario: vehicles that
//! leave only when full but can never fill, and bed reservations that cannot be made.

use super::checker::Checker;
use crate::scenario::raw::*;
use crate::scenario::types::*;

/// A leg that leaves only when full strands the remainder of its demand for good, and
/// never leaves at all if its demand is smaller than a vehicle.
pub fn warn_unfillable_vehicles(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, leg) in sc.legs.iter().enumerate() {
        if !matches!(leg.departure, Departure::WhenFull { max_wait_hours: None }) {
            continue;
        }
        let uses = |route: &[Stage]| route.iter().filter(|s| **s == Stage::Leg(LegId(i as u16))).count() as u64;
        // With branches the demand is random: between those on every alternative and
        // those on any; only a certain demand is judged.
        let (mut demand, mut most) = (0u64, 0u64);
        for c in &sc.cohorts {
            for &(cat, n) in &c.mix {
                let routes = c.routes_of(cat);
                demand += u64::from(n) * routes.iter().map(|(_, r)| uses(r)).min().unwrap_or(0);
                most += u64::from(n) * routes.iter().map(|(_, r)| uses(r)).max().unwrap_or(0);
            }
        }
        if demand != most {
            if most > 0 && most < u64::from(leg.seats) {
                let at = raw.leg.get(i).map(|r| r.span());
                ck.error(
                    format!("leg.{}.departure", leg.name),
                    at,
                    format!("at most {most} people could ever use this leg (it is on a branch), which leaves only when all {} seats are taken: nobody could ever leave", leg.seats),
                    Some("set max_wait_hours, use departure = \"when_full_or_empty_queue\", or fewer seats".into()),
                );
            }
            continue;
        }
        let rest = demand % u64::from(leg.seats);
        let at = raw
            .leg
            .get(i)
            .and_then(|r| r.get_ref().departure.as_ref().map(|d| d.span()).or(Some(r.span())));
        if demand > 0 && demand < u64::from(leg.seats) {
            ck.error(
                format!("leg.{}.departure", leg.name),
                at,
                format!("only {demand} people ever use this leg, which leaves only when all {} seats are taken: nobody could ever leave", leg.seats),
                Some("set max_wait_hours, use departure = \"when_full_or_empty_queue\", or fewer seats".into()),
            );
        } else if rest != 0 && demand_is_certain(sc) {
            // Everyone released reaches the leg: the plan can never finish.
            ck.error(
                format!("leg.{}.departure", leg.name),
                at,
                format!("{demand} people use this leg, which leaves only when all {} seats are taken: the last {rest} would wait forever, so the plan could never finish", leg.seats),
                Some("set max_wait_hours, use departure = \"when_full_or_empty_queue\", or a size that fills every vehicle".into()),
            );
        } else if rest == 0 && demand > 0 && !demand_is_certain(sc) {
            ck.warn(
                format!("leg.{}.departure", leg.name),
                at,
                format!("{demand} people use this leg, which leaves only when all {} seats are taken: they fill its vehicles exactly, but if anyone slips away or gives up before it, the last vehicle never fills and those in it wait forever", leg.seats),
                Some("set max_wait_hours, or use departure = \"when_full_or_empty_queue\"".into()),
            );
        } else if rest != 0 {
            ck.warn(
                format!("leg.{}.departure", leg.name),
                at,
                format!("{demand} people use this leg, which leaves only when all {} seats are taken: unless some slip away or give up before it, the last {rest} would wait forever", leg.seats),
                Some("set max_wait_hours, or use departure = \"when_full_or_empty_queue\"".into()),
            );
        }
    }
}

/// True when every person of every cohort reaches every leg on their route: nobody is
/// notified by waves (and so can slip away), turned away at a checkpoint or sent to
/// isolation after a test. Then a count of people on a leg is certain.
fn demand_is_certain(sc: &Scenario) -> bool {
    !sc.cohorts.iter().any(|c| c.has_waves)
        && !sc
            .checkpoints
            .iter()
            .any(|k| (k.patience_hours.is_some() || k.max_line.is_some()) && !matches!(k.give_up, GiveUp::Retry(_)))
        && !sc.sites.iter().any(|s| s.testing.is_some())
}

/// A leg with `admission = "reserve"` needs one bed-limited site after it on every route
/// that uses it, and a vehicle that can ever fill with reserved beds.
pub fn check_reservations(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, leg) in sc.legs.iter().enumerate() {
        if leg.admission != Admission::Reserve {
            continue;
        }
        let at = raw
            .leg
            .get(i)
            .and_then(|r| r.get_ref().admission.as_ref().map(|a| a.span()));
        let field = format!("leg.{}.admission", leg.name);
        let mut targets: Vec<SiteId> = Vec::new();
        for c in &sc.cohorts {
            for route in c.all_routes() {
                for (k, st) in route.iter().enumerate() {
                    if *st != Stage::Leg(LegId(i as u16)) {
                        continue;
                    }
                    // The first bed-limited site ahead; the reservation covers the way there.
                    let limited = |s: &Stage| matches!(s, Stage::Site(x) if sc.sites[x.0 as usize].beds.is_some());
                    let ahead = &route[k + 1..];
                    match ahead.iter().position(limited) {
                        Some(j) => {
                            let Stage::Site(s) = ahead[j] else { unreachable!() };
                            if !targets.contains(&s) {
                                targets.push(s);
                            }
                            let twice = ahead[..j].iter().find_map(|x| match x {
                                Stage::Leg(m) if sc.legs[m.0 as usize].admission == Admission::Reserve => Some(&sc.legs[m.0 as usize].name),
                                _ => None,
                            });
                            if let Some(other) = twice {
                                ck.error(
                                    &field,
                                    at.clone(),
                                    format!("on cohort `{}`'s route, leg `{other}` also reserves beds at `{}`, which leg `{}` has already reserved", c.name, sc.sites[s.0 as usize].name, leg.name),
                                    Some("keep `admission = \"reserve\"` on one of them".into()),
                                );
                            }
                        }
                        None => ck.warn(&field, at.clone(), format!("on cohort `{}`'s route no bed-limited site follows leg `{}`, so there is nothing to reserve", c.name, leg.name), None),
                    }
                }
            }
        }
        if targets.len() > 1 {
            let names: Vec<&str> = targets.iter().map(|s| sc.sites[s.0 as usize].name.as_str()).collect();
            ck.error(
                &field,
                at.clone(),
                format!(
                    "passengers of leg `{}` go on to different bed-limited sites ({}); reserve needs one",
                    leg.name,
                    names.join(", ")
                ),
                Some("split the leg in two, one per destination".into()),
            );
        }
        if let (Some(t), Departure::WhenFull { max_wait_hours: None }) = (targets.first(), &leg.departure) {
            let beds = sc.sites[t.0 as usize].beds.unwrap_or(u32::MAX);
            if beds < leg.seats {
                ck.error(
                    &field,
                    at,
                    format!("leg `{}` leaves only when all {} seats are taken and every passenger has a bed reserved, but `{}` has only {beds} beds: it could never leave", leg.name, leg.seats, sc.sites[t.0 as usize].name),
                    Some("set max_wait_hours, use fewer seats or more beds, or another departure rule".into()),
                );
            }
        }
    }
}

/// A feeder leg with `reserve_seats_on` needs its trunk later on every route that uses
/// it (with no other trunk between), and a vehicle that can ever fill with promised
/// seats.
pub fn check_seat_reservations(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    let is_trunk = |m: LegId| sc.legs.iter().any(|x| x.reserve_seats_on == Some(m));
    for (i, leg) in sc.legs.iter().enumerate() {
        let Some(trunk) = leg.reserve_seats_on else {
            continue;
        };
        let at = raw
            .leg
            .get(i)
            .and_then(|r| r.get_ref().reserve_seats_on.as_ref().map(|a| a.span()));
        let field = format!("leg.{}.reserve_seats_on", leg.name);
        let t = &sc.legs[trunk.0 as usize];
        for c in &sc.cohorts {
            for route in c.all_routes() {
                for (k, st) in route.iter().enumerate() {
                    if *st != Stage::Leg(LegId(i as u16)) {
                        continue;
                    }
                    let ahead = &route[k + 1..];
                    let first_trunk = ahead.iter().find_map(|s| match s {
                        Stage::Leg(m) if is_trunk(*m) => Some(*m),
                        _ => None,
                    });
                    if first_trunk != Some(trunk) {
                        let what = match first_trunk {
                            None => format!("leg `{}` does not follow it", t.name),
                            Some(m) => format!(
                                "leg `{}`, on which other legs reserve seats, comes before `{}`",
                                sc.legs[m.0 as usize].name, t.name
                            ),
                        };
                        ck.error(
                            &field,
                            at.clone(),
                            format!("on cohort `{}`'s route, {what}: the seats reserved by `{}` could not be used", c.name, leg.name),
                            Some(format!("reserve seats on the trunk leg this leg's passengers take next, or put `{}` on the route after it", t.name)),
                        );
                    }
                }
            }
        }
        let per_departure = u64::from(t.vehicles) * u64::from(t.seats);
        if matches!(leg.departure, Departure::WhenFull { max_wait_hours: None }) && u64::from(leg.seats) > per_departure
        {
            ck.error(
                &field,
                at,
                format!(
                    "leg `{}` leaves only when all {} seats are taken and each has a seat on `{}`, which carries at most {per_departure} per departure: it could never leave",
                    leg.name, leg.seats, t.name
                ),
                Some("set max_wait_hours, use fewer seats, or another departure rule".into()),
            );
        }
    }
}
