//! `arrival`: how a cohort's people become ready at their origin.

use super::checker::{Checker, MAX_COUNT, MAX_HORIZON_DAYS, span};
use crate::scenario::raw::*;
use crate::scenario::types::*;

pub fn check_arrival(
    ck: &mut Checker,
    l: &str,
    r: &RawCohort,
    size: Option<u32>,
    horizon_days: Option<f64>,
) -> Option<Arrival> {
    let Some(a) = &r.arrival else {
        return Some(Arrival::AllAtOnce { at_hours: 0.0 });
    };
    let f = format!("{l}.arrival");
    let a_ref = a.get_ref();
    let process = *a_ref.process.get_ref();
    let allowed: &[&str] = match process {
        RawArrivalProcess::AllAtOnce => &["at_hours"],
        RawArrivalProcess::Poisson => &["per_hour"],
        RawArrivalProcess::PerDay => &["per_day"],
        RawArrivalProcess::Regular => &["every_hours", "at_hours"],
        RawArrivalProcess::Batches => &["batches"],
    };
    let given = [
        ("at_hours", a_ref.at_hours.as_ref().map(|x| x.span())),
        ("per_hour", a_ref.per_hour.as_ref().map(|x| x.span())),
        ("per_day", a_ref.per_day.as_ref().map(|x| x.span())),
        ("every_hours", a_ref.every_hours.as_ref().map(|x| x.span())),
        ("batches", a_ref.batches.as_ref().map(|x| x.span())),
    ];
    let mut ok = true;
    for (k, sp) in given {
        if let Some(sp) = sp
            && !allowed.contains(&k)
        {
            ck.error(
                format!("{f}.{k}"),
                Some(sp),
                format!("`{k}` does not apply to this arrival process"),
                Some(format!("this process takes: {}", allowed.join(", "))),
            );
            ok = false;
        }
    }
    let horizon_h = horizon_days.unwrap_or(MAX_HORIZON_DAYS) * 24.0;
    let arrival = match process {
        RawArrivalProcess::AllAtOnce => {
            let at = match &a_ref.at_hours {
                Some(x) => ck.positive(&format!("{f}.at_hours"), x, true, horizon_h)?,
                None => 0.0,
            };
            Arrival::AllAtOnce { at_hours: at }
        }
        RawArrivalProcess::Poisson => {
            let Some(x) = &a_ref.per_hour else {
                ck.error(
                    format!("{f}.per_hour"),
                    span(a),
                    "a Poisson arrival process needs per_hour",
                    Some("e.g. arrival = { process = \"poisson\", per_hour = 2.5 }".into()),
                );
                return None;
            };
            Arrival::Poisson {
                per_hour: ck.positive(&format!("{f}.per_hour"), x, false, 1e9)?,
            }
        }
        RawArrivalProcess::PerDay => {
            let Some(x) = &a_ref.per_day else {
                ck.error(
                    format!("{f}.per_day"),
                    span(a),
                    "a per-day arrival process needs per_day, a list of people per day",
                    Some("e.g. arrival = { process = \"per_day\", per_day = [100, 250, 250, 50] }".into()),
                );
                return None;
            };
            let v = x.get_ref();
            if v.is_empty() || v.iter().any(|r| !r.is_finite() || *r < 0.0) || v.last().is_some_and(|r| *r <= 0.0) {
                ck.error(
                    format!("{f}.per_day"),
                    span(x),
                    "per_day needs finite rates >= 0, and the last rate (which continues) must be > 0",
                    None,
                );
                return None;
            }
            Arrival::PerDay { per_day: v.clone() }
        }
        RawArrivalProcess::Regular => {
            let Some(x) = &a_ref.every_hours else {
                ck.error(
                    format!("{f}.every_hours"),
                    span(a),
                    "a regular arrival process needs every_hours",
                    Some("e.g. arrival = { process = \"regular\", every_hours = 0.5 }".into()),
                );
                return None;
            };
            let every = ck.positive(&format!("{f}.every_hours"), x, false, horizon_h)?;
            let at = match &a_ref.at_hours {
                Some(x) => ck.positive(&format!("{f}.at_hours"), x, true, horizon_h)?,
                None => 0.0,
            };
            Arrival::Regular {
                at_hours: at,
                every_hours: every,
            }
        }
        RawArrivalProcess::Batches => {
            let Some(x) = &a_ref.batches else {
                ck.error(
                    format!("{f}.batches"),
                    span(a),
                    "a batch arrival process needs batches",
                    Some("e.g. batches = [{ at_hours = 0, people = 100 }, { at_hours = 48, people = 100 }]".into()),
                );
                return None;
            };
            let mut v = Vec::new();
            let mut total: i64 = 0;
            for b in x.get_ref() {
                let br = b.get_ref();
                if !(br.at_hours.is_finite() && br.at_hours >= 0.0) || br.people < 1 || br.people > MAX_COUNT {
                    ck.error(
                        format!("{f}.batches"),
                        span(b),
                        format!("each batch needs at_hours >= 0 and 1 to {MAX_COUNT} people"),
                        None,
                    );
                    ok = false;
                    continue;
                }
                total += br.people;
                v.push((br.at_hours, br.people as u32));
            }
            if let Some(size) = size
                && ok
                && total != i64::from(size)
            {
                ck.error(
                    format!("{f}.batches"),
                    span(x),
                    format!("the batches hold {total} people but the cohort size is {size}"),
                    Some("make the batch sizes add up to the cohort size".into()),
                );
                ok = false;
            }
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            Arrival::Batches(v)
        }
    };
    ok.then_some(arrival)
}
