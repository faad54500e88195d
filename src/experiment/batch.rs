//! The outcome of many replications: one row of metrics per replication (columns as in
//! the metric catalogue), time-series histograms, and who was left where.

use super::TimeSeries;
use crate::metrics::{Catalogue, MetricInfo, MetricKey};
use crate::model::{EndReason, Holding, Network, Phase, Samples, SeriesSpec, Step, catalogue};
use crate::scenario::Scenario;
use crate::stats::Summary;
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

/// People left somewhere at the end of unfinished replications, summed over them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
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
    /// What each column of a row is.
    pub catalogue: Arc<Catalogue>,
    pub first_replication: u64,
    /// `rows[i]` belongs to replication `first_replication + i`.
    pub rows: Vec<Vec<f64>>,
    pub end_reasons: Vec<EndReason>,
    /// Sorted: most people first, then by place (a canonical order, whatever the split).
    pub stuck: Vec<StuckGroup>,
    pub timeseries: TimeSeries,
    pub events: u64,
    /// Wall time of the replications run by this process (none for a merged batch).
    pub wall_seconds: f64,
    /// Events of the replications run in `wall_seconds`: fewer than `events` when a
    /// resumed run read some back from disk, so a rate is this over `wall_seconds`.
    pub timed_events: u64,
    pub threads: usize,
    /// True if the run was stopped before all its replications ran: the batch holds the
    /// replications completed without a gap from the first.
    pub interrupted: bool,
    /// The replications the run was asked for (`None` when not known, e.g. a part
    /// written by an older version): an interrupted batch holds a prefix of them.
    pub planned: Option<std::ops::Range<u64>>,
    /// Every metric's summary, computed once for the number of rows held then: the
    /// console, summary.json, the report and the findings read the same summaries
    /// many times. Used only while the number of rows is the same (see
    /// [`Batch::summary_at`]).
    summary_cache: OnceLock<(usize, Arc<[Summary]>)>,
}

/// What one replication hands back to the fold.
pub(crate) struct RepOut {
    pub row: Vec<f64>,
    pub reason: EndReason,
    pub events: u64,
    pub holdings: Vec<Holding>,
    pub samples: Samples,
}

impl Batch {
    /// An empty batch starting at replication `first`.
    pub fn empty(net: &Arc<Network>, first: u64, grid_hours: Option<f64>) -> Self {
        Batch {
            network: Arc::clone(net),
            catalogue: Arc::new(catalogue(net)),
            first_replication: first,
            rows: Vec::new(),
            end_reasons: Vec::new(),
            stuck: Vec::new(),
            timeseries: TimeSeries::new(SeriesSpec::new(net, grid_hours)),
            events: 0,
            wall_seconds: 0.0,
            timed_events: 0,
            threads: 0,
            interrupted: false,
            planned: None,
            summary_cache: OnceLock::new(),
        }
    }

    pub(crate) fn fold(&mut self, out: RepOut) {
        self.summary_cache = OnceLock::new();
        self.rows.push(out.row);
        self.end_reasons.push(out.reason);
        self.events += out.events;
        self.timeseries.add(&out.samples);
        for h in out.holdings {
            self.add_stuck(StuckGroup {
                at: h.at,
                phase: h.phase,
                waiting_for: h.waiting_for,
                replications: 1,
                people: h.people,
            });
        }
    }

    fn add_stuck(&mut self, g: StuckGroup) {
        match self
            .stuck
            .iter_mut()
            .find(|s| s.at == g.at && s.phase == g.phase && s.waiting_for == g.waiting_for)
        {
            Some(s) => {
                s.replications += g.replications;
                s.people += g.people;
            }
            None => self.stuck.push(g),
        }
    }

    pub(crate) fn sort_stuck(&mut self) {
        self.stuck.sort_by(|a, b| {
            b.people
                .cmp(&a.people)
                .then_with(|| (a.at, a.phase, a.waiting_for).cmp(&(b.at, b.phase, b.waiting_for)))
        });
    }

    /// Appends the batch of the replications that follow this one's (for blocks and
    /// shards): the result is what one run over both ranges would have produced.
    pub fn append(&mut self, next: Batch) -> Result<(), String> {
        let end = self.first_replication + self.rows.len() as u64;
        if next.first_replication != end {
            return Err(format!(
                "a part starting at replication {} does not follow {} (the next would start at {end}): a part is missing or overlaps",
                next.first_replication,
                crate::metrics::fmt_replications(self.first_replication, self.rows.len() as u64)
            ));
        }
        if next.catalogue != self.catalogue || next.timeseries.spec != self.timeseries.spec {
            return Err("the parts come from different scenarios or grids".into());
        }
        self.summary_cache = OnceLock::new();
        self.interrupted |= next.interrupted;
        self.planned = match (self.planned.take(), next.planned.clone()) {
            (Some(a), Some(b)) => Some(a.start..a.end.max(b.end)),
            _ => None,
        };
        self.rows.extend(next.rows);
        self.end_reasons.extend(next.end_reasons);
        self.events += next.events;
        self.wall_seconds += next.wall_seconds;
        self.timed_events += next.timed_events;
        self.threads = self.threads.max(next.threads);
        self.timeseries.merge(&next.timeseries);
        for g in next.stuck {
            self.add_stuck(g);
        }
        self.sort_stuck();
        Ok(())
    }

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

    /// Column of a metric given by its id (e.g. `site.hotel.peak_occupancy`).
    pub fn metric_index(&self, id: &str) -> Option<usize> {
        self.catalogue.index_of_id(id)
    }

    /// Values of one metric over replications, in replication order.
    pub fn column(&self, index: usize) -> Vec<f64> {
        self.rows.iter().map(|r| r[index]).collect()
    }

    /// Every metric summarised across replications, in catalogue order. The makespan
    /// counts a replication that did not get everyone home as later than the horizon,
    /// as `check`, `plan` and `sweep` do: with any such, its mean is unknown (NaN) and a
    /// percentile that falls among them is +inf.
    pub fn summaries(&self) -> Vec<(&MetricInfo, Summary)> {
        let all = self.all_summaries();
        self.catalogue.iter().zip(all.iter().copied()).collect()
    }

    /// Summary of one metric given by its id.
    pub fn summary(&self, id: &str) -> Option<Summary> {
        self.metric_index(id).map(|i| self.summary_at(i))
    }

    /// Summary of one metric, if the scenario has it.
    pub fn summary_of(&self, key: MetricKey) -> Option<Summary> {
        self.catalogue.index(key).map(|i| self.summary_at(i))
    }

    /// Summary of column `index` over the rows held now.
    fn summary_at(&self, index: usize) -> Summary {
        match self.summary_cache.get() {
            Some((rows, all)) if *rows == self.rows.len() => all[index],
            // Rows were added since (a batch being built): computed afresh.
            Some(_) => self.fresh_summary(index),
            None => self.all_summaries()[index],
        }
    }

    /// Column `index` summarised over the rows held now; the makespan censored (see
    /// [`super::check::censored_summary`]).
    pub(super) fn fresh_summary(&self, index: usize) -> Summary {
        let support = self.catalogue.get(index).support(self.scenario());
        if super::check::is_censored(self, index) {
            super::check::censored_summary(&self.column(index), support)
        } else {
            Summary::of_on(&self.column(index), support)
        }
    }

    /// Every column's summary over the rows held now: computed once and kept while the
    /// number of rows stays the same. On a rayon pool (the run's, when writing its
    /// output) the metrics are summarised side by side; each summary is the same
    /// whichever thread computes it. Elsewhere one by one, so that no pool other than
    /// the run's (`--threads`) is ever started.
    fn all_summaries(&self) -> Arc<[Summary]> {
        // The makespan as `check`, `plan` and `sweep` count it: an unfinished
        // replication is later than the horizon, not left out.
        let one = |i: usize| self.fresh_summary(i);
        let compute = || -> Arc<[Summary]> {
            let n = self.catalogue.len();
            if rayon::current_thread_index().is_some() {
                (0..n).into_par_iter().map(one).collect::<Vec<_>>().into()
            } else {
                (0..n).map(one).collect::<Vec<_>>().into()
            }
        };
        // Never computed inside the cell's initialisation: the parallel work waits for
        // stolen jobs by running others, and one of those may read the summaries too (the
        // exporters run side by side): a re-entrant `get_or_init` deadlocks (a
        // four-thread run hung so). Two threads may compute them at once; the first set
        // is kept, and both are the same numbers.
        if let Some((rows, all)) = self.summary_cache.get()
            && *rows == self.rows.len()
        {
            return Arc::clone(all);
        }
        let all = compute();
        if self.summary_cache.get().is_none() {
            let _ = self.summary_cache.set((self.rows.len(), Arc::clone(&all)));
        }
        all
    }

    /// Mean of one metric over replications (NaN if the scenario lacks it or it never
    /// had a value).
    pub fn mean_of(&self, key: MetricKey) -> f64 {
        self.summary_of(key).map_or(f64::NAN, |s| s.mean)
    }

    /// How many replications had every journey ended before the warm-up's end (0 without
    /// a warm-up): they observe nothing after it.
    pub fn ended_before_warm_up(&self) -> usize {
        let warmup = self.scenario().warmup_hours;
        if warmup <= 0.0 {
            return 0;
        }
        self.metric_index("makespan_days")
            .map_or(0, |i| self.column(i).iter().filter(|d| **d * 24.0 < warmup).count())
    }

    /// How many replications ended for each reason: (all home, horizon, stalled).
    pub fn end_counts(&self) -> (usize, usize, usize) {
        let c = |r| self.end_reasons.iter().filter(|&&x| x == r).count();
        (c(EndReason::AllHome), c(EndReason::Horizon), c(EndReason::Stalled))
    }
}
