//! Uncertain inputs at run time: the values replication `i` draws, and the scenario it
//! runs with them. A draw comes from its own stream keyed by the seed, the replication
//! and the path, so it is the same whatever the thread count or shard split, and two
//! scenarios declaring the same input draw the same values (common random numbers).
//!
//! A drawn scenario is the file with the draws applied as `--set` overrides, validated
//! again: a draw is checked exactly like a value written in the file. So that no draw can
//! be refused in the middle of a run, [`check_ranges`] validates the scenario at the ends
//! of every range (each input alone, then every corner) before anything runs.

use super::error::{Diagnostic, ScenarioError};
use super::params::{self, Override};
use super::types::{Scenario, Uncertain};
use crate::engine::{StreamKey, stream};
use rand::RngExt;

/// Most inputs whose corners are all tried (2^8 validations); with more, each input's
/// ends are tried alone, and all at their lows and all at their highs.
const MAX_CORNER_INPUTS: usize = 8;

impl Uncertain {
    /// The value at point `u` of the unit interval (rounded for whole-number fields).
    pub fn value_at(&self, u: f64) -> f64 {
        self.dist.value(u, self.whole)
    }

    /// The lowest and highest values it can take (rounded for whole-number fields).
    pub fn range(&self) -> (f64, f64) {
        (self.value_at(0.0), self.value_at(1.0))
    }
}

impl Scenario {
    /// The values replication `replication` draws for the `[[uncertain]]` inputs, in
    /// file order.
    pub fn draws(&self, replication: u64) -> Vec<f64> {
        self.uncertain
            .iter()
            .map(|u| {
                let mut rng = stream(self.seed, replication, StreamKey::new("uncertain", &u.path, "draw"));
                u.value_at(rng.random::<f64>())
            })
            .collect()
    }

    /// The scenario replication `replication` runs: the file with its draws applied.
    pub fn for_replication(&self, replication: u64) -> Result<Scenario, ScenarioError> {
        self.with_inputs(&self.draws(replication))
    }

    /// The scenario with the uncertain inputs set to `values` (file order).
    pub fn with_inputs(&self, values: &[f64]) -> Result<Scenario, ScenarioError> {
        let overrides: Vec<Override> = self
            .uncertain
            .iter()
            .zip(values)
            .map(|(u, &v)| Override::number(&u.path, v))
            .collect();
        let text = params::apply(&self.source_text, &overrides).map_err(|e| ScenarioError {
            file: self.file.clone(),
            text: self.source_text.clone(),
            diagnostics: vec![Diagnostic::new("uncertain", None, e.to_string())],
        })?;
        let mut sc = super::parse_unchecked(&text, &self.file, false)?.scenario;
        sc.uncertain = self
            .uncertain
            .iter()
            .zip(values)
            .map(|(u, &v)| Uncertain { value: v, ..u.clone() })
            .collect();
        Ok(sc)
    }

    /// This scenario with the uncertain inputs that `overrides` set fixed at the value
    /// set: `--set PATH=V` on an input declared uncertain means V, not a draw.
    pub fn fixed_by(self, overrides: &[Override]) -> Scenario {
        let paths: Vec<&str> = overrides.iter().map(|o| o.path.as_str()).collect();
        self.fixing(&paths)
    }

    /// This scenario without the inputs at `paths` among its uncertain ones (they are
    /// then fixed at the file's value, or at a value set by an override).
    pub fn fixing(mut self, paths: &[&str]) -> Scenario {
        self.uncertain.retain(|u| !paths.contains(&u.path.as_str()));
        self
    }
}

/// Validates `sc` at the ends of its uncertain ranges; a problem is reported on the
/// `[[uncertain]]` table whose range causes it.
pub fn check_ranges(sc: &Scenario) -> Vec<Diagnostic> {
    let d = sc.uncertain.len();
    if d == 0 {
        return Vec::new();
    }
    let lows: Vec<f64> = sc.uncertain.iter().map(|u| u.range().0).collect();
    let highs: Vec<f64> = sc.uncertain.iter().map(|u| u.range().1).collect();
    let mut out = Vec::new();
    // Each input alone, the others as the file has them.
    for (i, u) in sc.uncertain.iter().enumerate() {
        for (end, v) in [("lowest", lows[i]), ("highest", highs[i])] {
            let alone = Scenario {
                uncertain: vec![u.clone()],
                ..sc.clone()
            };
            if let Err(e) = alone.with_inputs(&[v]) {
                out.push(range_problem(
                    sc,
                    i,
                    &format!("at its {end} value {} = {v}", u.path),
                    &e,
                ));
                break;
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    // Together: every corner of the box, or for many inputs all lows and all highs.
    let corners: Vec<Vec<f64>> = if d <= MAX_CORNER_INPUTS {
        (0..1u32 << d)
            .map(|m| {
                (0..d)
                    .map(|i| if m >> i & 1 == 1 { highs[i] } else { lows[i] })
                    .collect()
            })
            .collect()
    } else {
        vec![lows.clone(), highs.clone()]
    };
    for c in corners {
        if let Err(e) = sc.with_inputs(&c) {
            let at: Vec<String> = sc
                .uncertain
                .iter()
                .zip(&c)
                .map(|(u, v)| format!("{} = {v}", u.path))
                .collect();
            out.push(range_problem(sc, 0, &format!("with {} together", at.join(", ")), &e));
            break;
        }
    }
    out
}

fn range_problem(sc: &Scenario, i: usize, when: &str, e: &ScenarioError) -> Diagnostic {
    let first = e.diagnostics.first();
    let what = first.map_or_else(|| "invalid".to_string(), |d| format!("{}: {}", d.field, d.message));
    Diagnostic::new(
        format!("uncertain[{i}].dist"),
        Some(sc.uncertain[i].span.clone()),
        format!("{when}, the scenario is not valid ({what})"),
    )
    .help("narrow the range so that every value it can draw makes a valid plan")
}
