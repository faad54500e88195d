//! Where people wait: total waiting per stage in person-hours, from the metric means,
//! largest first. A wait before boarding a leg that reserves beds counts as waiting for
//! those beds.

use crate::experiment::Batch;
use crate::metrics::{MetricKey, Stat, fmt_num};

/// What kind of stage people wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitKind {
    /// Beds at a site.
    Site,
    /// Transport on a leg.
    Leg,
    /// Service at a checkpoint.
    Checkpoint,
    /// A cohort's approvals.
    Approvals,
}

impl WaitKind {
    /// The word used in JSON and captions.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitKind::Site => "site",
            WaitKind::Leg => "leg",
            WaitKind::Checkpoint => "checkpoint",
            WaitKind::Approvals => "approvals",
        }
    }
}

/// Total waiting at one stage, in person-hours (mean over replications).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Wait {
    /// The stage people wait for: a site (beds), a leg (transport), a checkpoint, or a
    /// cohort's approvals.
    pub stage: String,
    #[serde(serialize_with = "kind_str")]
    pub kind: WaitKind,
    /// The element's index in its table of the scenario.
    #[serde(skip)]
    pub index: u16,
    /// What the waiting is, in words.
    pub what: String,
    pub person_hours: f64,
    /// Share of all waiting.
    pub share: f64,
}

fn kind_str<S: serde::Serializer>(k: &WaitKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

/// Where people wait, largest first: waits for beds (including waits before boarding a
/// leg that reserves them), transport, checkpoints and approvals, from the metric means.
pub fn waiting_by_stage(batch: &Batch) -> Vec<Wait> {
    let sc = batch.scenario();
    let net = &batch.network;
    let mean = |key: MetricKey| {
        let m = batch.mean_of(key);
        if m.is_nan() { 0.0 } else { m }
    };
    let mut waits: Vec<Wait> = Vec::new();
    let mut add = |kind: WaitKind, index: u16, stage: &str, what: String, hours: f64| {
        if hours <= 0.0 {
            return;
        }
        match waits.iter_mut().find(|w| w.kind == kind && w.index == index) {
            Some(w) => w.person_hours += hours,
            None => waits.push(Wait {
                stage: stage.to_string(),
                kind,
                index,
                what,
                person_hours: hours,
                share: 0.0,
            }),
        }
    };
    for (i, site) in sc.sites.iter().enumerate() {
        let (i, n) = (i as u16, &site.name);
        let h = mean(MetricKey::site(i, Stat::MeanBedWaitHours)) * mean(MetricKey::site(i, Stat::Admitted));
        add(WaitKind::Site, i, n, format!("beds at `{n}`"), h);
    }
    for (i, leg) in sc.legs.iter().enumerate() {
        let n = &leg.name;
        let key = |stat| MetricKey::leg(i as u16, stat);
        let h = mean(key(Stat::MeanWaitHours)) * mean(key(Stat::Passengers));
        match net.reserve_target[i] {
            Some(t) => {
                let site = &sc.sites[t as usize].name;
                add(WaitKind::Site, t, site, format!("beds at `{site}`"), h);
            }
            None => add(WaitKind::Leg, i as u16, n, format!("transport on `{n}`"), h),
        }
    }
    for (i, k) in sc.checkpoints.iter().enumerate() {
        let n = &k.name;
        let key = |stat| MetricKey::checkpoint(i as u16, stat);
        let h = mean(key(Stat::MeanWaitHours)) * mean(key(Stat::Served));
        add(WaitKind::Checkpoint, i as u16, n, format!("service at `{n}`"), h);
    }
    for (i, c) in sc.cohorts.iter().enumerate() {
        if c.approvals.is_none() {
            continue;
        }
        let n = &c.name;
        let key = |stat| MetricKey::cohort(i as u16, stat);
        let h = mean(key(Stat::MeanApprovalWaitHours)) * mean(key(Stat::Approved));
        add(WaitKind::Approvals, i as u16, n, format!("approvals for `{n}`"), h);
    }
    let total: f64 = waits.iter().map(|w| w.person_hours).sum();
    for w in &mut waits {
        w.share = if total > 0.0 { w.person_hours / total } else { 0.0 };
    }
    waits.sort_by(|a, b| {
        b.person_hours
            .total_cmp(&a.person_hours)
            .then_with(|| a.stage.cmp(&b.stage))
    });
    waits
}

/// One sentence on what limits the return.
pub fn limiting_stage(batch: &Batch) -> Option<String> {
    let waits = waiting_by_stage(batch);
    let top = waits.first()?;
    Some(format!(
        "What holds people up most: {} ({} person-days of waiting per replication, {:.0}% of all waiting).",
        top.what,
        fmt_num(top.person_hours / 24.0),
        100.0 * top.share
    ))
}
