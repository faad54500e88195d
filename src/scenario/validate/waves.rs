//! `[[wave]]`: notice given to a cohort's people, once or repeated.

use super::checker::{Checker, MAX_COUNT, MAX_HORIZON_DAYS, span};
use crate::scenario::error::did_you_mean;
use crate::scenario::raw::*;
use crate::scenario::types::*;

/// Checks every `[[wave]]`, marks the cohorts that have waves, and returns the waves
/// sorted by time.
pub fn check_waves(ck: &mut Checker, raw: &RawFile, cohorts: &mut [Cohort], horizon_days: Option<f64>) -> Vec<Wave> {
    let mut waves = Vec::new();
    for (i, w) in raw.wave.iter().enumerate() {
        let r = w.get_ref();
        let l = format!("wave[{i}]");
        let cohort = match cohorts.iter().position(|c| c.name == *r.cohort.get_ref()) {
            Some(c) => Some(c),
            // A cohort that is in the file but has errors of its own: they are reported
            // there; its waves add nothing.
            None if raw
                .cohort
                .iter()
                .any(|c| c.get_ref().name.get_ref() == r.cohort.get_ref()) =>
            {
                None
            }
            None => {
                let names: Vec<&str> = cohorts.iter().map(|c| c.name.as_str()).collect();
                let help = did_you_mean(r.cohort.get_ref(), names.iter().copied()).map_or_else(
                    || format!("cohorts are: {}", names.join(", ")),
                    |s| format!("did you mean `{s}`?"),
                );
                ck.error(
                    format!("{l}.cohort"),
                    span(&r.cohort),
                    format!("no cohort is named `{}`", r.cohort.get_ref()),
                    Some(help),
                );
                None
            }
        };
        let at = ck.positive(
            &format!("{l}.at_day"),
            &r.at_day,
            true,
            horizon_days.unwrap_or(MAX_HORIZON_DAYS),
        );
        let notify = ck.count(&format!("{l}.notify"), &r.notify, 1, MAX_COUNT, "notify");
        let lead = match &r.lead_hours {
            Some(x) => ck.positive(&format!("{l}.lead_hours"), x, true, MAX_HORIZON_DAYS * 24.0),
            None => Some(0.0),
        };
        if let Some(c) = cohort {
            if raw
                .cohort
                .iter()
                .find(|rc| *rc.get_ref().name.get_ref() == cohorts[c].name)
                .is_some_and(|rc| rc.get_ref().arrival.is_some())
            {
                ck.error(
                    format!("{l}.cohort"),
                    span(&r.cohort),
                    format!(
                        "cohort `{}` has an arrival process; its people come either by arrival or by waves, not both",
                        cohorts[c].name
                    ),
                    Some("remove the cohort's `arrival`, or these waves".into()),
                );
            }
            cohorts[c].has_waves = true;
            if let Some(n) = notify
                && n > cohorts[c].size
            {
                ck.error(
                    format!("{l}.notify"),
                    span(&r.notify),
                    format!(
                        "this wave notifies {n} people, but cohort `{}` has only {}",
                        cohorts[c].name, cohorts[c].size
                    ),
                    Some(format!("notify at most {} per wave", cohorts[c].size)),
                );
            }
        }
        let repeats = match (&r.count, &r.every_days) {
            (None, None) => Some((1, 0.0)),
            (Some(n), Some(every)) => {
                let n = ck.count(&format!("{l}.count"), n, 1, 100_000, "count");
                let every = ck.positive(&format!("{l}.every_days"), every, false, MAX_HORIZON_DAYS);
                n.zip(every)
            }
            (Some(n), None) => {
                ck.error(
                    format!("{l}.every_days"),
                    span(n),
                    "repeated waves need every_days",
                    Some("e.g. every_days = 7, count = 10".into()),
                );
                None
            }
            (None, Some(every)) => {
                ck.error(
                    format!("{l}.count"),
                    span(every),
                    "repeated waves need a count",
                    Some("e.g. every_days = 7, count = 10".into()),
                );
                None
            }
        };
        if let (Some(c), Some(at), Some(notify), Some(lead), Some((n, every))) = (cohort, at, notify, lead, repeats) {
            for k in 0..n {
                if waves.len() > u16::MAX as usize {
                    break; // refused as too many by the caller; no need to list more
                }
                let at_hours = (at + f64::from(k) * every) * 24.0;
                if at_hours > horizon_days.unwrap_or(MAX_HORIZON_DAYS) * 24.0 {
                    ck.warn(
                        format!("{l}.count"),
                        r.count.as_ref().map(|c| c.span()),
                        format!("waves after the horizon are dropped ({k} of {n} fit)"),
                        None,
                    );
                    break;
                }
                waves.push(Wave {
                    cohort: CohortId(c as u16),
                    at_hours,
                    notify,
                    lead_hours: lead,
                });
            }
        }
    }
    waves.sort_by(|a, b| a.at_hours.total_cmp(&b.at_hours));
    for (c, cohort) in cohorts.iter().enumerate() {
        // A wave that finds nobody left to notify is probably a mistake in the counts.
        let mut notified: u64 = 0;
        for w in waves.iter().filter(|w| w.cohort.0 as usize == c) {
            if notified >= u64::from(cohort.size) {
                let at = raw
                    .wave
                    .iter()
                    .find(|rw| *rw.get_ref().cohort.get_ref() == cohort.name)
                    .map(|rw| rw.span());
                ck.warn(
                    format!("cohort.{}.size", cohort.name),
                    at,
                    format!(
                        "the wave at day {} finds nobody left to notify: cohort `{}` has only {} people",
                        w.at_hours / 24.0,
                        cohort.name,
                        cohort.size
                    ),
                    Some("lower the wave count or the number notified".into()),
                );
                break;
            }
            notified += u64::from(w.notify);
        }
    }
    for (c, cohort) in cohorts.iter().enumerate() {
        // Waves that notify fewer than the cohort holds leave the rest where they are:
        // the return "ends" without them, so say so before the run.
        let notified: u64 = waves
            .iter()
            .filter(|w| w.cohort.0 as usize == c)
            .map(|w| u64::from(w.notify))
            .sum();
        if cohort.has_waves && notified < u64::from(cohort.size) {
            let at = raw
                .cohort
                .iter()
                .find(|r| *r.get_ref().name.get_ref() == cohort.name)
                .map(|r| r.get_ref().size.span());
            ck.warn(
                format!("cohort.{}.size", cohort.name),
                at,
                format!(
                    "the waves notify {notified} of cohort `{}`'s {} people (within the horizon); the other {} are never notified and never set out, and \"everyone home\" then means everyone notified",
                    cohort.name,
                    cohort.size,
                    u64::from(cohort.size) - notified
                ),
                Some("add waves or raise `notify`, or lower the cohort's size".into()),
            );
        }
    }
    for c in cohorts.iter() {
        if !c.has_waves && c.evasion_per_hour > 0.0 {
            let at = raw
                .cohort
                .iter()
                .find(|r| *r.get_ref().name.get_ref() == c.name)
                .and_then(|r| r.get_ref().evasion_per_hour.as_ref().map(|e| e.span()));
            ck.warn(format!("cohort.{}.evasion_per_hour", c.name), at, format!("cohort `{}` has an evasion hazard but no waves: evasion runs from notice, so without waves nobody is notified and nobody evades", c.name), Some("add [[wave]] tables for this cohort".into()));
        }
    }
    waves
}
