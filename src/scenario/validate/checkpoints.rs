//! `[[checkpoint]]`: booths, service times, opening hours and days, holidays, quotas,
//! costs.

use super::checker::{Checker, label, merge_windows, span};
use super::header::Header;
use super::names::Names;
use crate::engine::WeeklyHours;
use crate::scenario::clock;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use toml::Spanned;

/// Checks every `[[checkpoint]]`.
pub fn check_checkpoints(
    ck: &mut Checker,
    raw: &RawFile,
    names: &Names,
    header: &Header,
    legs: &[Leg],
    pools: &super::pools::Pools,
) -> Vec<Checkpoint> {
    let (start_dt, start_week) = (header.start_dt, header.start_week);
    let mut checkpoints = Vec::new();
    for (i, s) in raw.checkpoint.iter().enumerate() {
        let r = s.get_ref();
        let l = label("checkpoint", i, r.name.get_ref());
        let site = r
            .site
            .as_ref()
            .and_then(|n| names.resolve_site(ck, format!("{l}.site"), n));
        let servers = ck.count(&format!("{l}.servers"), &r.servers, 1, 100_000, "servers");
        let service = ck.dist(&format!("{l}.service_minutes"), &r.service_minutes, 1.0 / 60.0);
        let open = weekly_hours(
            ck,
            &l,
            ("open_days", r.open_days.as_ref()),
            ("open_hours", r.open_hours.as_ref()),
            start_week,
        );
        if let Some(open) = &open
            && open.is_never_open()
        {
            let at = r.open_days.as_ref().map(|d| d.span()).or(Some(s.span()));
            ck.error(
                format!("{l}.open_days"),
                at,
                "this checkpoint is never open, so nobody could ever pass",
                None,
            );
        }
        let mut closed = Vec::new();
        for entry in r.closed_dates.as_ref().map_or(&[][..], |v| v.get_ref().as_slice()) {
            match clock::parse_date_range(entry.get_ref()) {
                Ok((a, b)) => {
                    let from = clock::hours_between(start_dt, a.and_hms_opt(0, 0, 0).expect("midnight exists"));
                    let to = clock::hours_between(
                        start_dt,
                        b.succ_opt().unwrap_or(b).and_hms_opt(0, 0, 0).expect("midnight exists"),
                    );
                    if to > 0.0 {
                        closed.push((from.max(0.0), to));
                    }
                }
                Err(m) => ck.error(format!("{l}.closed_dates"), span(entry), m, None),
            }
        }
        let quota = ck.quota(
            &format!("{l}.quota"),
            r.quota_per_day.as_ref(),
            r.quota_per_week.as_ref(),
        );
        let cost_per_open_hour = ck.money(&format!("{l}.cost_per_open_hour"), r.cost_per_open_hour.as_ref());
        let patience = match &r.patience_hours {
            Some(d) => ck.dist(&format!("{l}.patience_hours"), d, 1.0).map(Some),
            None => Some(None),
        };
        let max_line = match &r.max_line {
            Some(m) => ck
                .count(&format!("{l}.max_line"), m, 0, 10_000_000, "places in line")
                .map(Some),
            None => Some(None),
        };
        let give_up = give_up(ck, &l, r);
        let staff = super::pools::check_checkpoint_pool(ck, &l, r, pools);
        let checkin = match &r.checkin {
            Some(c) => check_checkin(ck, &l, c, names, legs, start_week).map(Some),
            None => Some(None),
        };
        if let (
            Some(servers),
            Some(service_hours),
            Some(open),
            Some(quota),
            Some(checkin),
            Some(patience_hours),
            Some(max_line),
            Some(give_up),
            Some((staff_from, pool_priority)),
        ) = (
            servers, service, open, quota, checkin, patience, max_line, give_up, staff,
        ) {
            let open = match &checkin {
                Some((_, windows)) => {
                    let both = open.intersect(windows);
                    if both.is_never_open() {
                        ck.error(
                            format!("{l}.checkin"),
                            r.checkin.as_ref().map(|c| c.span()),
                            "no check-in window falls within the checkpoint's open hours and days, so nobody could ever pass",
                            Some(
                                "widen open_hours or open_days, or move the window (opens_hours_before, closes_hours_before)"
                                    .into(),
                            ),
                        );
                    }
                    both
                }
                None => open,
            };
            checkpoints.push(Checkpoint {
                name: r.name.get_ref().clone(),
                site,
                servers,
                service_hours,
                open,
                closed: merge_windows(closed),
                quota,
                cost_per_open_hour,
                costed: r.cost_per_open_hour.is_some(),
                checkin: checkin.map(|c| c.0),
                by_priority: r.serve.as_ref().is_some_and(|s| *s.get_ref() == RawServe::Priority),
                patience_hours,
                max_line,
                give_up,
                staff_from,
                pool_priority,
            });
        }
    }
    checkpoints
}

/// A check-in tied to a timetabled leg: the leg, and the weekly windows from
/// `opens_hours_before` to `closes_hours_before` each of its weekly departures.
fn check_checkin(
    ck: &mut Checker,
    l: &str,
    c: &toml::Spanned<RawCheckin>,
    names: &Names,
    legs: &[Leg],
    start_week: f64,
) -> Option<(Checkin, WeeklyHours)> {
    let r = c.get_ref();
    let field = format!("{l}.checkin");
    let leg = match names.get(r.leg.get_ref()) {
        Some(super::names::Named::Leg(_)) => legs.iter().position(|x| x.name == *r.leg.get_ref()),
        _ => {
            ck.error(
                format!("{field}.leg"),
                span(&r.leg),
                format!("no leg is named `{}`", r.leg.get_ref()),
                Some("name the timetabled leg whose departures the check-in serves".into()),
            );
            return None;
        }
    }?;
    let Departure::Timetable(tt) = &legs[leg].departure else {
        ck.error(
            format!("{field}.leg"),
            span(&r.leg),
            format!(
                "leg `{}` is not timetabled; a check-in window needs departure times",
                r.leg.get_ref()
            ),
            Some("give the leg departure = \"timetable\", or drop checkin".into()),
        );
        return None;
    };
    if tt.weekly().is_empty() {
        ck.error(
            format!("{field}.leg"),
            span(&r.leg),
            "check-in windows follow weekly departures; this timetable has only dated ones",
            Some("write the departures as weekly entries, e.g. \"tue,fri 10:00\"".into()),
        );
        return None;
    }
    let opens = ck.positive(
        &format!("{field}.opens_hours_before"),
        &r.opens_hours_before,
        false,
        168.0,
    )?;
    let closes = match &r.closes_hours_before {
        Some(x) => ck.positive(&format!("{field}.closes_hours_before"), x, true, 168.0)?,
        None => 0.0,
    };
    if closes >= opens {
        ck.error(
            format!("{field}.closes_hours_before"),
            r.closes_hours_before.as_ref().map(|x| x.span()),
            format!("the window would close ({closes} h before) no later than it opens ({opens} h before)"),
            Some("closes_hours_before must be smaller than opens_hours_before".into()),
        );
        return None;
    }
    let windows = tt.weekly().iter().map(|&d| (d - opens, d - closes)).collect();
    Some((
        Checkin {
            leg: LegId(leg as u16),
            opens_hours_before: opens,
            closes_hours_before: closes,
        },
        WeeklyHours::new(start_week, windows),
    ))
}

/// The shortest average time away before a retry: one minute.
const MIN_RETRY_HOURS: f64 = 1.0 / 60.0;

/// `give_up` and `retry_after_hours`: retry needs the time away, and neither means
/// anything without patience or a line limit.
fn give_up(ck: &mut Checker, l: &str, r: &RawCheckpoint) -> Option<GiveUp> {
    let retry = r.give_up.as_ref().is_some_and(|g| *g.get_ref() == RawGiveUp::Retry);
    if r.patience_hours.is_none()
        && r.max_line.is_none()
        && let Some(g) = &r.give_up
    {
        ck.error(
            format!("{l}.give_up"),
            span(g),
            "nobody gives up here: the checkpoint has neither patience_hours nor max_line",
            Some("add patience_hours or max_line, or remove give_up".into()),
        );
        return None;
    }
    match (&r.retry_after_hours, retry) {
        (Some(d), true) => {
            let field = format!("{l}.retry_after_hours");
            let dist = ck.dist(&field, d, 1.0)?;
            // Back at once, a person who gives up at once (patience 0, or a full line)
            // gives up and returns again at the same instant: the run never ends (a
            // tester's `retry_after_hours = 0` hung, growing by 280 MB/s).
            if dist.mean() < MIN_RETRY_HOURS {
                ck.error(
                    field,
                    span(d),
                    "retry_after_hours averages less than a minute: people who give up must stay away at least a minute on average (sooner, giving up and coming back repeat without end while the booths are busy)",
                    Some("e.g. retry_after_hours = 0.5, or { dist = \"exponential\", mean = 4 }".into()),
                );
                return None;
            }
            Some(GiveUp::Retry(dist))
        }
        (None, true) => {
            ck.error(
                format!("{l}.give_up"),
                r.give_up.as_ref().map(|g| g.span()),
                "give_up = \"retry\" needs retry_after_hours: how long people stay away before coming back",
                Some("e.g. retry_after_hours = { dist = \"exponential\", mean = 4 }".into()),
            );
            None
        }
        (Some(d), false) => {
            ck.error(
                format!("{l}.retry_after_hours"),
                span(d),
                "retry_after_hours is only for give_up = \"retry\"",
                Some("set give_up = \"retry\", or remove retry_after_hours".into()),
            );
            None
        }
        (None, false) => Some(GiveUp::TurnedAway),
    }
}

/// Weekly hours from a days field ("daily", "weekdays", "mon-fri", "mon,wed,fri") and an
/// hours field ("08:00-16:00", "22:00-06:00", "always"), each optional (every day, all
/// day); `None` (with the errors recorded) if either cannot be read. Shared by a
/// checkpoint's opening hours and a pool's shifts.
pub(super) fn weekly_hours(
    ck: &mut Checker,
    l: &str,
    (days_field, days): (&str, Option<&Spanned<String>>),
    (hours_field, hours): (&str, Option<&Spanned<String>>),
    start_week: f64,
) -> Option<WeeklyHours> {
    let days = match days {
        None => Some([true; 7]),
        Some(d) => {
            match clock::parse_days(d.get_ref()) {
                Ok(days) => Some(days),
                Err(m) => {
                    ck.error(
                    format!("{l}.{days_field}"),
                    span(d),
                    m,
                    Some("days are \"daily\", \"weekdays\", \"weekends\", a range \"mon-fri\" or a list \"mon,wed,fri\"".into()),
                );
                    None
                }
            }
        }
    };
    let daily = match hours {
        None => Some(vec![(0.0, 24.0)]),
        Some(h) => match clock::parse_open_hours(h.get_ref()) {
            Ok(v) => Some(v),
            Err(m) => {
                ck.error(
                    format!("{l}.{hours_field}"),
                    span(h),
                    m,
                    Some("hours are HH:MM-HH:MM, several separated by commas: \"08:00-16:00\", \"08:00-12:00, 13:00-17:00\", \"22:00-06:00\" (through midnight), or \"00:00-24:00\"".into()),
                );
                None
            }
        },
    };
    let (days, daily) = (days?, daily?);
    let mut raw_iv = Vec::new();
    for (d, _) in days.iter().enumerate().filter(|(_, on)| **on) {
        for &(a, b) in &daily {
            raw_iv.push((d as f64 * 24.0 + a, d as f64 * 24.0 + b));
        }
    }
    Some(WeeklyHours::new(start_week, raw_iv))
}
