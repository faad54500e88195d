//! `[[leg]]`: transport between two sites (fleet, seats, travel times, the departure
//! rule and its timetable, escorts, reservations, disruptions, costs).

use super::checker::{Checker, MAX_COUNT, MAX_HORIZON_DAYS, label, span};
use super::header::Header;
use super::names::{Named, Names};
use crate::engine::Timetable;
use crate::scenario::clock::{self, TimetableEntry};
use crate::scenario::error::did_you_mean;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use toml::Spanned;

/// Checks every `[[leg]]`.
pub fn check_legs(
    ck: &mut Checker,
    raw: &RawFile,
    names: &Names,
    sites: &[Site],
    header: &Header,
    pools: &super::pools::Pools,
) -> Vec<Leg> {
    let mut legs = Vec::new();
    for (i, s) in raw.leg.iter().enumerate() {
        if let Some(leg) = check_leg(ck, i, s, names, sites, header, pools) {
            legs.push(leg);
        }
    }
    legs
}

/// Checks one leg; `None` if anything in it was refused.
fn check_leg(
    ck: &mut Checker,
    i: usize,
    s: &Spanned<RawLeg>,
    names: &Names,
    sites: &[Site],
    header: &Header,
    pools: &super::pools::Pools,
) -> Option<Leg> {
    let r = s.get_ref();
    let l = label("leg", i, r.name.get_ref());
    let from = names.resolve_site(ck, format!("{l}.from"), &r.from);
    let to = names.resolve_site(ck, format!("{l}.to"), &r.to);
    if let (Some(a), Some(b)) = (from, to) {
        if a == b {
            ck.error(
                format!("{l}.to"),
                span(&r.to),
                "a leg must go somewhere else than where it starts",
                None,
            );
        }
        if sites
            .get(b.0 as usize)
            .is_some_and(|s: &Site| s.kind == SiteKind::Origin)
        {
            ck.error(
                format!("{l}.to"),
                span(&r.to),
                format!("`{}` is an origin; legs cannot lead back to an origin", r.to.get_ref()),
                None,
            );
        }
    }
    let leg_pools = super::pools::check_leg_pools(ck, &l, r, pools);
    let vehicles = match (&r.vehicles, &r.fleet) {
        (Some(v), None) => ck.count(&format!("{l}.vehicles"), v, 1, 100_000, "vehicles"),
        (None, Some(_)) => leg_pools
            .as_ref()
            .and_then(|p| p.fleet)
            .map(|p| pools.valid[p.0 as usize].size),
        (Some(v), Some(_)) => {
            ck.error(
                format!("{l}.vehicles"),
                span(v),
                "a leg has its own vehicles or a shared fleet, not both",
                Some("remove vehicles (the fleet pool's size is the number of vehicles) or fleet".into()),
            );
            None
        }
        (None, None) => {
            ck.error(
                format!("{l}.vehicles"),
                Some(s.span()),
                "missing field `vehicles`",
                Some("give the leg its fleet size (vehicles = 3), or a shared fleet (fleet = \"a pool name\")".into()),
            );
            None
        }
    };
    let seats = ck.count(&format!("{l}.seats"), &r.seats, 1, 100_000, "seats");
    if let (Some(v), Some(n)) = (vehicles, seats)
        && u64::from(v) * u64::from(n) > MAX_COUNT as u64
    {
        ck.error(
            format!("{l}.vehicles"),
            r.vehicles.as_ref().map(|v| v.span()).or(Some(s.span())),
            format!(
                "vehicles x seats = {} is more than the {MAX_COUNT} allowed",
                u64::from(v) * u64::from(n)
            ),
            None,
        );
    }
    let travel = ck.dist(&format!("{l}.travel_hours"), &r.travel_hours, 1.0);
    let ret = match &r.return_hours {
        Some(d) => ck.dist(&format!("{l}.return_hours"), d, 1.0),
        None => travel,
    };
    let rule = r
        .departure
        .as_ref()
        .map_or(RawDeparture::WhenFullOrEmptyQueue, |d| *d.get_ref());
    if let Some(mw) = &r.max_wait_hours
        && rule != RawDeparture::WhenFull
    {
        ck.error(
            format!("{l}.max_wait_hours"),
            span(mw),
            "max_wait_hours applies only to departure = \"when_full\"",
            None,
        );
    }
    if let Some(tt) = &r.timetable
        && rule != RawDeparture::Timetable
    {
        ck.error(
            format!("{l}.timetable"),
            span(tt),
            "a timetable is given but departure is not \"timetable\"",
            Some("add departure = \"timetable\", or remove the timetable".into()),
        );
    }
    let departure = check_departure(ck, &l, s, rule, header);
    let mode = match r.mode.get_ref() {
        RawMode::Bus => Mode::Bus,
        RawMode::Coach => Mode::Coach,
        RawMode::Train => Mode::Train,
        RawMode::Flight => Mode::Flight,
        RawMode::Ship => Mode::Ship,
        RawMode::Ferry => Mode::Ferry,
        RawMode::Truck => Mode::Truck,
        RawMode::Van => Mode::Van,
        RawMode::Car => Mode::Car,
        RawMode::Walk => Mode::Walk,
    };
    if let (
        Some(from),
        Some(to),
        Some(vehicles),
        Some(seats),
        Some(travel_hours),
        Some(return_hours),
        Some(departure),
        Some(leg_pools),
    ) = (from, to, vehicles, seats, travel, ret, departure, leg_pools)
    {
        let cancel_probability = r
            .cancel_probability
            .as_ref()
            .and_then(|p| ck.probability(&format!("{l}.cancel_probability"), p))
            .unwrap_or(0.0);
        if let Some(p) = &r.cancel_probability
            && !matches!(departure, Departure::Timetable(_))
        {
            ck.error(
                format!("{l}.cancel_probability"),
                span(p),
                "cancellations apply to timetabled departures only",
                Some("use departure = \"timetable\", or remove cancel_probability".into()),
            );
        }
        let breakdown_probability = r
            .breakdown_probability
            .as_ref()
            .and_then(|p| ck.probability(&format!("{l}.breakdown_probability"), p))
            .unwrap_or(0.0);
        let repair_hours = match (&r.repair_hours, breakdown_probability > 0.0) {
            (Some(d), _) => ck.dist(&format!("{l}.repair_hours"), d, 1.0),
            (None, true) => {
                ck.error(
                    format!("{l}.repair_hours"),
                    r.breakdown_probability.as_ref().map(|b| b.span()),
                    "a breakdown probability needs repair_hours",
                    Some("e.g. repair_hours = { dist = \"triangular\", min = 2, mode = 4, max = 12 }".into()),
                );
                None
            }
            (None, false) => None,
        };
        return Some(Leg {
            name: r.name.get_ref().clone(),
            from,
            to,
            mode,
            vehicles,
            seats,
            travel_hours,
            return_hours,
            departure,
            escorted: r.escorted.as_ref().is_none_or(|e| *e.get_ref()),
            admission: match r.admission.as_ref().map(|a| *a.get_ref()) {
                Some(RawAdmission::Reserve) => Admission::Reserve,
                _ => Admission::None,
            },
            cancel_probability,
            breakdown_probability,
            repair_hours,
            cost_per_trip: ck.money(&format!("{l}.cost_per_trip"), r.cost_per_trip.as_ref()),
            cost_per_seat: ck.money(&format!("{l}.cost_per_seat"), r.cost_per_seat.as_ref()),
            costed: r.cost_per_trip.is_some() || r.cost_per_seat.is_some(),
            reserve_seats_on: r.reserve_seats_on.as_ref().and_then(|t| trunk_of(ck, &l, names, t, r)),
            fleet: leg_pools.fleet,
            needs: leg_pools.needs,
            pool_priority: leg_pools.pool_priority,
        });
    }
    None
}

/// The trunk leg a feeder reserves seats on: another leg, by name.
fn trunk_of(ck: &mut Checker, l: &str, names: &Names, t: &Spanned<String>, r: &RawLeg) -> Option<LegId> {
    let field = format!("{l}.reserve_seats_on");
    match names.get(t.get_ref()) {
        Some(Named::Leg(i)) if t.get_ref() != r.name.get_ref() => Some(LegId(i as u16)),
        Some(Named::Leg(_)) => {
            ck.error(
                field,
                span(t),
                "a leg cannot reserve seats on itself",
                Some("name the trunk leg that follows it, e.g. the flight a bus feeds".into()),
            );
            None
        }
        _ => {
            let legs: Vec<&str> = names
                .stages
                .iter()
                .filter(|n| matches!(names.get(n), Some(Named::Leg(_))))
                .map(String::as_str)
                .collect();
            let help = match did_you_mean(t.get_ref(), legs.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name the trunk leg that follows this one, e.g. the flight a bus feeds".into(),
            };
            ck.error(field, span(t), format!("no leg is named `{}`", t.get_ref()), Some(help));
            None
        }
    }
}

/// What a timetable entry may look like, for messages.
pub const TIMETABLE_FORMS: &str = "a timetable entry is days then one or more times: \"daily 09:00\", \"weekdays 08:00 14:00\", \"tue,fri 10:30\", \"mon-wed 07:15\", or a dated one-off \"2023-08-29 10:00\"";

/// The departure rule of a leg, with its timetable parsed against the scenario's start.
fn check_departure(
    ck: &mut Checker,
    l: &str,
    s: &Spanned<RawLeg>,
    rule: RawDeparture,
    header: &Header,
) -> Option<Departure> {
    let r = s.get_ref();
    let horizon_days = header.horizon_days;
    match rule {
        RawDeparture::WhenFull => {
            let mw = r
                .max_wait_hours
                .as_ref()
                .and_then(|m| ck.positive(&format!("{l}.max_wait_hours"), m, true, 24.0 * MAX_HORIZON_DAYS));
            Some(Departure::WhenFull { max_wait_hours: mw })
        }
        RawDeparture::WhenFullOrEmptyQueue => Some(Departure::WhenFullOrEmptyQueue),
        RawDeparture::Timetable => match &r.timetable {
            None => {
                let at = r.departure.as_ref().map(|d| d.span()).or(Some(s.span()));
                ck.error(
                    format!("{l}.timetable"),
                    at,
                    "departure = \"timetable\" needs a timetable",
                    Some("e.g. timetable = [\"daily 09:00\"] or [\"tue,fri 10:30\", \"2023-08-29 10:00\"]".into()),
                );
                None
            }
            Some(tt) => {
                let t = parse_timetable(ck, &format!("{l}.timetable"), tt, header)?;
                if let (Some(h), Some(first)) = (horizon_days, t.next(0.0, true))
                    && first > h * 24.0
                {
                    ck.error(
                        format!("{l}.timetable"),
                        span(tt),
                        format!(
                            "the first departure is {:.1} days after the start, beyond the horizon of {}",
                            first / 24.0,
                            crate::metrics::fmt_days_span(h)
                        ),
                        None,
                    );
                }
                Some(Departure::Timetable(t))
            }
        },
    }
}

/// A list of timetable entries, checked and resolved against the scenario's start.
pub fn parse_timetable(
    ck: &mut Checker,
    field: &str,
    tt: &Spanned<Vec<Spanned<String>>>,
    header: &Header,
) -> Option<Timetable> {
    let (start_dt, start_week) = (header.start_dt, header.start_week);
    let before = ck.errors.len();
    let mut weekly = Vec::new();
    let mut once = Vec::new();
    if tt.get_ref().is_empty() {
        ck.error(
            field,
            span(tt),
            "the timetable is empty",
            Some("list at least one departure, e.g. \"daily 09:00\"".into()),
        );
    }
    for e in tt.get_ref() {
        match clock::parse_timetable_entry(e.get_ref()) {
            Ok(TimetableEntry::Weekly(w)) => weekly.extend(w),
            Ok(TimetableEntry::Once(dates)) => {
                for d in dates {
                    let h = clock::hours_between(start_dt, d);
                    if h < 0.0 {
                        ck.error(
                            field,
                            span(e),
                            format!("departure {d} is before the scenario start {start_dt}"),
                            None,
                        );
                    } else {
                        once.push(h);
                    }
                }
            }
            Err(msg) => ck.error(field, span(e), msg, Some(TIMETABLE_FORMS.into())),
        }
    }
    (ck.errors.len() == before).then(|| Timetable::new(start_week, weekly, once))
}
