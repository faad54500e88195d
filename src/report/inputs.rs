//! Uncertain inputs in a run's outputs: per `[[uncertain]]` input, what was drawn and
//! how closely the headline outcomes followed it across replications (Spearman's rank
//! correlation with its 95% interval). A correlation says which assumptions go with the
//! answer in this run; `repatsim sensitivity` apportions the variance between them.

use crate::experiment::Batch;
use crate::metrics::{MetricKey, Scope, Stat};
use crate::stats::Summary;
use crate::stats::correlation::{Correlation, spearman};

/// One input: its draws and their correlation with each outcome.
#[derive(Clone, Debug)]
pub struct InputEffect {
    pub path: String,
    pub dist: String,
    pub drawn: Summary,
    /// `(outcome id, correlation)` for the outcomes of [`OUTCOMES`] the scenario has.
    pub correlations: Vec<(String, Option<Correlation>)>,
}

/// The outcomes inputs are correlated with: when everyone is home (an unfinished
/// replication ranks after every finished one), who slipped away, the cost.
pub const OUTCOMES: [MetricKey; 3] = [
    MetricKey::overall(Stat::MakespanDays),
    MetricKey::overall(Stat::Evaded),
    MetricKey::new(Scope::Cost, Stat::Total),
];

/// The effects of every uncertain input of the batch's scenario (empty without any).
pub fn input_effects(batch: &Batch) -> Vec<InputEffect> {
    let sc = batch.scenario();
    let outcomes: Vec<(String, Vec<f64>)> = OUTCOMES
        .iter()
        .filter_map(|&k| batch.catalogue.index(k))
        .map(|i| (batch.catalogue.get(i).id.clone(), batch.column(i)))
        .collect();
    sc.uncertain
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            let col = batch
                .catalogue
                .index(MetricKey::new(Scope::Input(i as u16), Stat::Drawn))?;
            let x = batch.column(col);
            Some(InputEffect {
                path: u.path.clone(),
                dist: u.dist.describe(),
                drawn: Summary::of(&x),
                correlations: outcomes.iter().map(|(id, y)| (id.clone(), spearman(&x, y))).collect(),
            })
        })
        .collect()
}

/// "+0.91 (0.88 to 0.93)", or "-" when undefined.
pub fn correlation_text(c: Option<&Correlation>) -> String {
    match c {
        Some(c) => format!("{:+.2} ({:+.2} to {:+.2})", c.rho, c.ci95[0], c.ci95[1]),
        None => "-".into(),
    }
}

/// The finding on uncertain inputs: the one the makespan follows most closely (when the
/// link is detectable), or that none is.
pub fn finding(batch: &Batch) -> Option<String> {
    let effects = input_effects(batch);
    if effects.is_empty() {
        return None;
    }
    let makespan = |e: &InputEffect| {
        e.correlations
            .iter()
            .find(|(id, _)| id == "makespan_days")
            .and_then(|(_, c)| *c)
    };
    let strongest = effects
        .iter()
        .filter_map(|e| makespan(e).filter(Correlation::detectable).map(|c| (e, c)))
        .max_by(|a, b| a.1.rho.abs().total_cmp(&b.1.rho.abs()));
    Some(match strongest {
        Some((e, c)) => format!(
            "{}, when everyone is home follows `{}` most closely: rank correlation {} over {} replications ({} goes with a {} return); `repatsim sensitivity` shares the variance out among them.",
            if effects.len() == 1 {
                "Of the one uncertain input".to_string()
            } else {
                format!("Of the {} uncertain inputs", effects.len())
            },
            e.path,
            correlation_text(Some(&c)),
            c.n,
            if c.rho > 0.0 { "a higher value" } else { "a lower value" },
            "later"
        ),
        None => format!(
            "{} a detectable link with when everyone is home over {} (every rank correlation's 95% CI includes 0).",
            if effects.len() == 1 {
                "The one uncertain input does not show".to_string()
            } else {
                format!("None of the {} uncertain inputs shows", effects.len())
            },
            crate::metrics::fmt_quantity(batch.len() as u64, "replication")
        ),
    })
}
