//! `[scenario]`: name, start, horizon, seed, replications, warm-up, currency, target.

use super::checker::{Checker, MAX_HORIZON_DAYS, check_name, local_datetime, span};
use crate::scenario::clock;
use crate::scenario::raw::RawFile;

/// The checked header: what the other tables need (times) and what the scenario keeps.
pub struct Header {
    pub start_dt: chrono::NaiveDateTime,
    /// Hours since Monday 00:00 at the start.
    pub start_week: f64,
    /// `None` when the horizon itself was refused.
    pub horizon_days: Option<f64>,
    pub seed: u64,
    pub replications: u32,
    pub warmup_hours: f64,
    pub target_days: Option<f64>,
}

impl Header {
    /// The horizon in days, or the largest allowed when it was refused (for bounds).
    pub fn horizon_or_max(&self) -> f64 {
        self.horizon_days.unwrap_or(MAX_HORIZON_DAYS)
    }
}

/// Checks `[scenario]`.
pub fn check(ck: &mut Checker, raw: &RawFile) -> Header {
    let header = raw.scenario.get_ref();
    check_name(ck, "scenario.name", &header.name);
    let start = local_datetime(ck, "scenario.start", &header.start);
    let horizon_days = ck.positive("scenario.horizon_days", &header.horizon_days, false, MAX_HORIZON_DAYS);
    let seed = match &header.seed {
        None => Some(1),
        Some(s) if *s.get_ref() >= 0 => Some(*s.get_ref() as u64),
        Some(s) => {
            ck.error(
                "scenario.seed",
                span(s),
                format!("seed must be a whole number >= 0, got {}", s.get_ref()),
                None,
            );
            None
        }
    };
    let replications = match &header.replications {
        None => Some(100),
        Some(r) => ck.count("scenario.replications", r, 1, 100_000_000, "replications"),
    };
    let warmup = match &header.warmup_hours {
        None => Some(0.0),
        Some(w) => {
            let v = ck.positive("scenario.warmup_hours", w, true, MAX_HORIZON_DAYS * 24.0);
            if let (Some(v), Some(h)) = (v, horizon_days)
                && v >= h * 24.0
            {
                ck.error(
                    "scenario.warmup_hours",
                    span(w),
                    format!("the warm-up ({v} h) must end before the horizon ({} h)", h * 24.0),
                    None,
                );
            }
            v
        }
    };
    let start_week = start.map(clock::week_hours).unwrap_or(0.0);
    let start_dt = start.unwrap_or_default();
    let target_days = header
        .target_days
        .as_ref()
        .and_then(|t| ck.positive("scenario.target_days", t, false, MAX_HORIZON_DAYS));
    if let (Some(t), Some(h), Some(raw)) = (target_days, horizon_days, header.target_days.as_ref())
        && t > h
    {
        ck.warn(
            "scenario.target_days",
            span(raw),
            format!(
                "the target ({}) lies beyond the horizon ({}): a replication that ends at the horizon with people still on their way is counted as missing it, though it might not have",
                crate::metrics::fmt_days_span(t),
                crate::metrics::fmt_days_span(h)
            ),
            Some(format!("lengthen horizon_days to at least {t}")),
        );
    }
    Header {
        start_dt,
        start_week,
        horizon_days,
        seed: seed.unwrap_or(1),
        replications: replications.unwrap_or(100),
        warmup_hours: warmup.unwrap_or(0.0),
        target_days,
    }
}
