//! `[[change]]`: capacities that change on dates: a site's beds, a checkpoint's booths,
//! a leg's vehicles or timetable, from a date on.

use super::checker::{Checker, MAX_COUNT, local_datetime, span};
use super::header::Header;
use super::legs::parse_timetable;
use super::names::{Named, Names};
use crate::scenario::clock;
use crate::scenario::error::did_you_mean;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use toml::Spanned;

/// What a change names: exactly one of a site, a leg or a checkpoint.
fn target(ck: &mut Checker, l: &str, r: &RawChange, c: &Spanned<RawChange>, names: &Names) -> Option<Named> {
    let given: Vec<&Spanned<String>> = [&r.site, &r.leg, &r.checkpoint].into_iter().flatten().collect();
    let [name] = given[..] else {
        ck.error(
            l,
            Some(c.span()),
            "a change names exactly one of site, leg, checkpoint or pool",
            Some(
                "e.g. site = \"field-hospital\" with beds = 500, or leg = \"air-koryo\" with timetable = [...]".into(),
            ),
        );
        return None;
    };
    let want = if r.site.is_some() {
        "site"
    } else if r.leg.is_some() {
        "leg"
    } else {
        "checkpoint"
    };
    let found = names.get(name.get_ref());
    let ok = matches!(
        (want, found),
        ("site", Some(Named::Site(_))) | ("leg", Some(Named::Leg(_))) | ("checkpoint", Some(Named::Checkpoint(_)))
    );
    if !ok {
        let help = did_you_mean(name.get_ref(), names.stages.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"));
        ck.error(
            format!("{l}.{want}"),
            span(name),
            format!("no {want} is named `{}`", name.get_ref()),
            help,
        );
        return None;
    }
    found
}

/// Checks every `[[change]]`; the changes come back sorted by time (file order at one
/// time).
#[allow(clippy::too_many_arguments)]
pub fn check_changes(
    ck: &mut Checker,
    raw: &RawFile,
    names: &Names,
    header: &Header,
    sites: &[Site],
    legs: &[Leg],
    checkpoints: &[Checkpoint],
    pools: &super::pools::Pools,
) -> Vec<Change> {
    let mut changes = Vec::new();
    for (i, c) in raw.change.iter().enumerate() {
        let r = c.get_ref();
        let l = format!("change[{i}]");
        let Some(at) = local_datetime(ck, &format!("{l}.at"), &r.at) else {
            continue;
        };
        let at_hours = clock::hours_between(header.start_dt, at);
        let horizon = header.horizon_days.unwrap_or(0.0) * 24.0;
        if !(0.0..=horizon).contains(&at_hours) {
            ck.error(
                format!("{l}.at"),
                span(&r.at),
                format!(
                    "{at} is outside the run, which goes from {} to {}",
                    header.start_dt,
                    header.start_dt + chrono::Duration::minutes((horizon * 60.0).round() as i64)
                ),
                None,
            );
            continue;
        }
        if r.pool.is_some() {
            if let Some(what) = super::pools::check_pool_change(ck, &l, c, legs, pools) {
                changes.push(Change { at_hours, what });
            }
            continue;
        }
        let Some(what) = target(ck, &l, r, c, names) else {
            continue;
        };
        let fields: [(&str, bool); 5] = [
            ("beds", r.beds.is_some()),
            ("servers", r.servers.is_some()),
            ("vehicles", r.vehicles.is_some()),
            ("timetable", r.timetable.is_some()),
            ("size", r.size.is_some()),
        ];
        let allowed: &[&str] = match what {
            Named::Site(_) => &["beds"],
            Named::Checkpoint(_) => &["servers"],
            Named::Leg(_) => &["vehicles", "timetable"],
        };
        let wrong: Vec<&str> = fields
            .iter()
            .filter(|(f, set)| *set && !allowed.contains(f))
            .map(|f| f.0)
            .collect();
        if !wrong.is_empty() || !fields.iter().any(|(f, set)| *set && allowed.contains(f)) {
            ck.error(
                &l,
                Some(c.span()),
                format!(
                    "this change {}: a site changes `beds`, a checkpoint `servers`, a leg `vehicles` or `timetable`, a pool `size`",
                    if wrong.is_empty() {
                        "changes nothing".to_string()
                    } else {
                        format!("sets {} here", wrong.join(", "))
                    }
                ),
                None,
            );
            continue;
        }
        let mut push = |what: ChangeWhat| changes.push(Change { at_hours, what });
        match what {
            Named::Site(s) => {
                let beds = r.beds.as_ref().expect("checked");
                if sites.get(s).is_some_and(|x| x.beds.is_none()) {
                    ck.error(
                        format!("{l}.beds"),
                        span(beds),
                        "this site has no bed limit to change",
                        Some("give the site `beds` in its [[site]] table (its limit before the change)".into()),
                    );
                } else if let Some(b) = ck.count(&format!("{l}.beds"), beds, 1, MAX_COUNT, "beds") {
                    push(ChangeWhat::Beds {
                        site: SiteId(s as u16),
                        beds: b,
                    });
                }
            }
            Named::Checkpoint(k) => {
                let n = r.servers.as_ref().expect("checked");
                if let Some(n) = ck.count(&format!("{l}.servers"), n, 1, 100_000, "servers") {
                    push(ChangeWhat::Servers {
                        checkpoint: CheckpointId(k as u16),
                        servers: n,
                    });
                }
            }
            Named::Leg(g) => {
                let fleet = legs
                    .iter()
                    .find(|x| Some(&x.name) == r.leg.as_ref().map(|n| n.get_ref()))
                    .and_then(|x| x.fleet);
                if let (Some(v), Some(_)) = (&r.vehicles, fleet) {
                    ck.error(
                        format!("{l}.vehicles"),
                        span(v),
                        "this leg takes its vehicles from a shared fleet pool; its fleet cannot change here",
                        Some(
                            "change the pool's size with --set pool.NAME.size, or give the leg its own vehicles".into(),
                        ),
                    );
                } else if let Some(v) = &r.vehicles
                    && let Some(n) = ck.count(&format!("{l}.vehicles"), v, 1, 100_000, "vehicles")
                {
                    push(ChangeWhat::Vehicles {
                        leg: LegId(g as u16),
                        vehicles: n,
                    });
                }
                if let Some(tt) = &r.timetable {
                    let leg = legs
                        .iter()
                        .find(|x| Some(&x.name) == r.leg.as_ref().map(|n| n.get_ref()));
                    let timetabled = leg.is_some_and(|x| matches!(x.departure, Departure::Timetable(_)));
                    let checked_in = checkpoints
                        .iter()
                        .any(|k| k.checkin.is_some_and(|c| c.leg.0 as usize == g));
                    if leg.is_some() && !timetabled {
                        ck.error(
                            format!("{l}.timetable"),
                            span(tt),
                            "the leg is not timetabled; only a timetable can change",
                            Some("give the leg departure = \"timetable\" in its [[leg]] table".into()),
                        );
                    } else if checked_in {
                        ck.error(
                            format!("{l}.timetable"),
                            span(tt),
                            "a check-in window follows this leg's timetable; changing it is not supported",
                            Some("drop the checkin, or keep the timetable".into()),
                        );
                    } else if let Some(t) = parse_timetable(ck, &format!("{l}.timetable"), tt, header) {
                        push(ChangeWhat::Timetable {
                            leg: LegId(g as u16),
                            timetable: t,
                        });
                    }
                }
            }
        }
    }
    changes.sort_by(|a, b| a.at_hours.total_cmp(&b.at_hours));
    if changes.len() > u16::MAX as usize {
        ck.error(
            "change",
            None,
            format!("too many changes ({}); at most {}", changes.len(), u16::MAX),
            None,
        );
    }
    changes
}
