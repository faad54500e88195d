//! `[[checkpoint]]`: booths, service times, opening hours and days, holidays, quotas,
//! costs.

use super::checker::{Checker, label, merge_windows, span};
use super::header::Header;
use super::names::Names;
use crate::engine::WeeklyHours;
use crate::scenario::clock;
use crate::scenario::raw::*;
use crate::scenario::types::*;

/// Checks every `[[checkpoint]]`.
pub fn check_checkpoints(ck: &mut Checker, raw: &RawFile, names: &Names, header: &Header) -> Vec<Checkpoint> {
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
        let days = match &r.open_days {
            None => Some([true; 7]),
            Some(d) => match clock::parse_days(d.get_ref()) {
                Ok(days) => Some(days),
                Err(m) => {
                    ck.error(format!("{l}.open_days"), span(d), m, None);
                    None
                }
            },
        };
        let daily = match &r.open_hours {
            None => Some(vec![(0.0, 24.0)]),
            Some(h) => match clock::parse_open_hours(h.get_ref()) {
                Ok(v) => Some(v),
                Err(m) => {
                    ck.error(format!("{l}.open_hours"), span(h), m, None);
                    None
                }
            },
        };
        let open = match (days, daily) {
            (Some(days), Some(daily)) => {
                let mut raw_iv = Vec::new();
                for (d, _) in days.iter().enumerate().filter(|(_, on)| **on) {
                    for &(a, b) in &daily {
                        raw_iv.push((d as f64 * 24.0 + a, d as f64 * 24.0 + b));
                    }
                }
                let open = WeeklyHours::new(start_week, raw_iv);
                if open.is_never_open() {
                    let at = r.open_days.as_ref().map(|d| d.span()).or(Some(s.span()));
                    ck.error(
                        format!("{l}.open_days"),
                        at,
                        "this checkpoint is never open, so nobody could ever pass",
                        None,
                    );
                }
                Some(open)
            }
            _ => None,
        };
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
        if let (Some(servers), Some(service_hours), Some(open), Some(quota)) = (servers, service, open, quota) {
            checkpoints.push(Checkpoint {
                name: r.name.get_ref().clone(),
                site,
                servers,
                service_hours,
                open,
                closed: merge_windows(closed),
                quota,
                cost_per_open_hour,
            });
        }
    }
    checkpoints
}
