//! Monte Carlo experiments: many replications of one scenario, in parallel with rayon,
//! with results that depend only on (scenario, seed, replication index), never on the
//! number of threads or how the work was split.

use crate::model::Phase;
use crate::model::{EndReason, Network, ReplicationResult, Step, World, metric_names};
use crate::scenario::Scenario;
use crate::stats::Summary;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Replications `replications.start .. replications.end` are run.
    pub replications: Range<u64>,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

/// People left somewhere at the end of unfinished replications, summed over them.
#[derive(Clone, Debug, PartialEq)]
pub struct StuckGroup {
    pub at: Step,
    pub phase: Phase,
    pub waiting_for: Option<Step>,
    /// Replications in which anyone was left here.
    pub replications: u64,
    /// People left here, summed over those replications.
    pub people: u64,
}

/// The outcome of a batch: one row of metrics per replication, in index order.
#[derive(Clone, Debug)]
pub struct Batch {
    pub network: Arc<Network>,
    pub metric_names: Vec<String>,
    pub first_replication: u64,
    /// `rows[i]` belongs to replication `first_replication + i`.
    pub rows: Vec<Vec<f64>>,
    pub end_reasons: Vec<EndReason>,
    pub stuck: Vec<StuckGroup>,
    pub events: u64,
    pub wall_seconds: f64,
    pub threads: usize,
}

/// Errors running an experiment.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        threads: usize,
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs one replication (for tests, traces and benchmarks).
pub fn run_one(net: &Arc<Network>, replication: u64) -> ReplicationResult {
    World::new(Arc::clone(net)).run(replication)
}

/// Runs the replications in `opts` of `scenario`.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<Batch, ExperimentError> {
    let net = Arc::new(Network::new(Arc::new(scenario.clone())));
    run_network(&net, opts)
}

/// Runs the replications in `opts` and maps each result through `f`, in parallel; the
/// outputs come back in replication order whatever the thread count.
pub fn map_replications<T, F>(net: &Arc<Network>, opts: &RunOptions, f: F) -> Result<(Vec<T>, usize), ExperimentError>
where
    T: Send,
    F: Fn(ReplicationResult) -> T + Sync,
{
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(t) = opts.threads {
            b = b.num_threads(t);
        }
        b.build().map_err(|source| ExperimentError::Threads {
            threads: opts.threads.unwrap_or(0),
            source,
        })?
    };
    let threads = pool.current_num_threads();
    let out = pool.install(|| {
        opts.replications
            .clone()
            .into_par_iter()
            .map_init(|| World::new(Arc::clone(net)), |world, i| f(world.run(i)))
            .collect()
    });
    Ok((out, threads))
}

/// As [`run`], for an already compiled network.
pub fn run_network(net: &Arc<Network>, opts: &RunOptions) -> Result<Batch, ExperimentError> {
    let started = Instant::now();
    let (per_rep, threads) = map_replications(net, opts, |r| {
        let row = r.metric_values(net);
        (row, r.end_reason, r.events, r.holdings)
    })?;
    let mut rows = Vec::with_capacity(per_rep.len());
    let mut end_reasons = Vec::with_capacity(per_rep.len());
    let mut stuck: Vec<StuckGroup> = Vec::new();
    let mut events = 0;
    for (row, reason, ev, holdings) in per_rep {
        rows.push(row);
        end_reasons.push(reason);
        events += ev;
        for h in holdings {
            match stuck
                .iter_mut()
                .find(|g| g.at == h.at && g.phase == h.phase && g.waiting_for == h.waiting_for)
            {
                Some(g) => {
                    g.replications += 1;
                    g.people += h.people;
                }
                None => stuck.push(StuckGroup {
                    at: h.at,
                    phase: h.phase,
                    waiting_for: h.waiting_for,
                    replications: 1,
                    people: h.people,
                }),
            }
        }
    }
    stuck.sort_by_key(|g| std::cmp::Reverse(g.people));
    Ok(Batch {
        network: Arc::clone(net),
        metric_names: metric_names(net),
        first_replication: opts.replications.start,
        rows,
        end_reasons,
        stuck,
        events,
        wall_seconds: started.elapsed().as_secs_f64(),
        threads,
    })
}

impl Batch {
    /// The scenario run.
    pub fn scenario(&self) -> &Scenario {
        &self.network.scenario
    }

    /// Number of replications.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True if no replication was run.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Index of a metric by name.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metric_names.iter().position(|n| n == name)
    }

    /// Values of one metric over replications, in replication order.
    pub fn column(&self, index: usize) -> Vec<f64> {
        self.rows.iter().map(|r| r[index]).collect()
    }

    /// Every metric summarised across replications, in metric order.
    pub fn summaries(&self) -> Vec<(String, Summary)> {
        self.metric_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), Summary::of(&self.column(i))))
            .collect()
    }

    /// Summary of one metric by name.
    pub fn summary(&self, name: &str) -> Option<Summary> {
        self.metric_index(name).map(|i| Summary::of(&self.column(i)))
    }

    /// How many replications ended for each reason: (all home, horizon, stalled).
    pub fn end_counts(&self) -> (usize, usize, usize) {
        let c = |r| self.end_reasons.iter().filter(|&&x| x == r).count();
        (c(EndReason::AllHome), c(EndReason::Horizon), c(EndReason::Stalled))
    }
}
