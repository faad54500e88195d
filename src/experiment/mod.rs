//! Monte Carlo experiments: many replications of one scenario, in parallel with rayon,
//! with results that depend only on (scenario, seed, replication index), never on the
//! number of threads, the block size, or how the work was split across machines.
//!
//! Replications run in index-ordered blocks. Each block runs in parallel; its results
//! are then folded in index order into the batch: one row of metrics per replication,
//! time-series histograms on a fixed grid, and totals of who was left where. Nothing
//! per person outlives its replication.

pub mod batch;
pub mod check;
pub mod compare;
pub mod plan;
pub mod sensitivity;
pub mod sweep;
pub use crate::stats::target;
pub mod timeseries;
pub mod whatif;

pub use batch::{Batch, StuckGroup};
pub use target::{Estimate, MetricStat, StatSpec, Target};
pub use timeseries::TimeSeries;

use crate::model::{Network, ReplicationResult, SeriesSpec, World, catalogue};
use crate::scenario::Scenario;
use batch::RepOut;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Replications `replications.start .. replications.end` are run.
    pub replications: Range<u64>,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// Spacing of the time-series grid, in hours (`None`: the default for the horizon).
    pub grid_hours: Option<f64>,
    /// Replications per block (parallel within a block, folded in order between blocks).
    pub block: u64,
    /// When set (for example by Ctrl-C), no new replication starts; the batch keeps the
    /// replications completed without a gap from the first, and is marked interrupted.
    pub stop: Option<Arc<AtomicBool>>,
    /// Told the number of replications finished so far (for progress bars); the study
    /// commands count across all the runs they make.
    pub progress: Option<Progress>,
}

/// A progress callback: called with the number of replications finished so far.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Progress {
    /// Reports `done` replications.
    pub fn report(&self, done: u64) {
        (self.0)(done)
    }

    /// A callback that reports `offset + done` to this one (for a run that follows
    /// others).
    pub fn shifted(&self, offset: u64) -> Progress {
        let inner = Arc::clone(&self.0);
        Progress(Arc::new(move |d| inner(offset + d)))
    }
}

impl RunOptions {
    /// Replications `range` with defaults for the rest (all cores, the default grid,
    /// blocks of 256).
    pub fn new(range: Range<u64>) -> Self {
        Self {
            replications: range,
            threads: None,
            grid_hours: None,
            block: 256,
            stop: None,
            progress: None,
        }
    }

    /// Sets the thread count.
    pub fn threads(mut self, threads: Option<usize>) -> Self {
        self.threads = threads;
        self
    }
}

/// Keep adding blocks of replications until the 95% CI half-width of `metric` is at most
/// `half_width`, or `max_replications` have run.
#[derive(Clone, Debug)]
pub struct Precision {
    pub metric: String,
    /// The statistic whose CI must be narrow: the mean (Student t) or a percentile
    /// (order statistics).
    pub stat: StatSpec,
    pub half_width: f64,
    pub max_replications: u64,
}

/// The fewest values a `--until-ci` statistic needs before its CI may end the run.
pub const MIN_PRECISION_VALUES: u64 = 10;

impl Precision {
    /// The statistic with its 95% CI over column `index` of `batch`, as `check` gives
    /// it (see [`check::estimate_of`]): the makespan counts replications that did not
    /// finish as later than the horizon (a percentile among them is +inf, the mean
    /// unknown); a mean's CI keeps to the values the metric can take (a 0/1 outcome
    /// gets Wilson's interval, so 10 replications that all got everyone home are not a
    /// CI of width zero).
    pub fn estimate(&self, batch: &Batch, index: usize) -> Estimate {
        check::estimate_of(batch, index, self.stat)
    }

    /// Half the width of the 95% CI of the statistic (NaN while the CI is undefined:
    /// too few values, a percentile too far out for their number, or the mean of a
    /// censored column with unfinished replications; +inf when a bound lies beyond the
    /// horizon).
    pub fn half_width_of(&self, batch: &Batch, index: usize) -> f64 {
        let e = self.spread(batch, index);
        (e.ci95_high - e.ci95_low) / 2.0
    }

    /// The interval whose half-width says how precise the estimate is (see
    /// [`check::spread_of`]).
    fn spread(&self, batch: &Batch, index: usize) -> Estimate {
        check::spread_of(batch, index, self.stat)
    }

    /// True if the CI is as narrow as asked, from at least [`MIN_PRECISION_VALUES`]
    /// values.
    pub fn is_met(&self, batch: &Batch, index: usize) -> bool {
        let e = self.spread(batch, index);
        e.n >= MIN_PRECISION_VALUES && (e.ci95_high - e.ci95_low) / 2.0 <= self.half_width
    }

    /// True once no number of further replications can meet the target: the mean of a
    /// censored column stays unknown after any replication that did not finish.
    pub fn never_met(&self, batch: &Batch, index: usize) -> bool {
        check::is_censored(batch, index)
            && self.stat == StatSpec::Mean
            && batch.column(index).iter().any(|x| !x.is_finite())
    }
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
    #[error("no metric named `{0}`")]
    UnknownMetric(String),
}

/// Replications of shard `index` (1-based) of `count` when `total` are split into
/// contiguous, nearly equal ranges.
pub fn shard_range(total: u64, index: u64, count: u64) -> Range<u64> {
    let at = |i: u64| ((u128::from(total) * u128::from(i)) / u128::from(count)) as u64;
    at(index - 1)..at(index)
}

/// Worlds kept between blocks and rayon splits, so a large population is allocated
/// once per worker rather than once per split. Reusing a world never changes results:
/// every replication starts from a full reset.
struct WorldPool<'a> {
    net: &'a Arc<Network>,
    series: SeriesSpec,
    free: std::sync::Mutex<Vec<World>>,
}

/// A world borrowed from the pool; it goes back when dropped.
struct Lease<'p, 'a> {
    world: Option<World>,
    pool: &'p WorldPool<'a>,
}

impl WorldPool<'_> {
    fn lease(&self) -> Lease<'_, '_> {
        let reused = self.free.lock().map(|mut v| v.pop()).unwrap_or(None);
        let world = reused.unwrap_or_else(|| World::with_series(Arc::clone(self.net), self.series.clone()));
        Lease {
            world: Some(world),
            pool: self,
        }
    }
}

impl Drop for Lease<'_, '_> {
    fn drop(&mut self) {
        if let (Some(w), Ok(mut free)) = (self.world.take(), self.pool.free.lock()) {
            free.push(w);
        }
    }
}

impl Lease<'_, '_> {
    fn world(&mut self) -> &mut World {
        self.world.as_mut().expect("a lease holds its world until dropped")
    }
}

/// Runs one replication (for tests, traces and benchmarks).
pub fn run_one(net: &Arc<Network>, replication: u64) -> ReplicationResult {
    World::new(Arc::clone(net)).run(replication)
}

/// Runs `work` on a pool of `threads` workers (`None`: every core) and says how many
/// it had; already on a pool's worker (a sweep's points run side by side, each running
/// its replications), on that pool, without starting pools within pools.
pub(crate) fn on_pool<R: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> R + Send,
) -> Result<(R, usize), ExperimentError> {
    if rayon::current_thread_index().is_some() {
        let n = rayon::current_num_threads();
        return Ok((work(), n));
    }
    let pool = pool(threads)?;
    let n = pool.current_num_threads();
    Ok((pool.install(work), n))
}

/// A thread pool of `threads` workers (`None`: every core).
fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, ExperimentError> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build().map_err(|source| ExperimentError::Threads {
        threads: threads.unwrap_or(0),
        source,
    })
}

/// Runs the replications in `opts` and maps each result through `f`, in parallel; the
/// outputs come back in replication order whatever the thread count.
pub fn map_replications<T, F>(net: &Arc<Network>, opts: &RunOptions, f: F) -> Result<(Vec<T>, usize), ExperimentError>
where
    T: Send,
    F: Fn(ReplicationResult) -> T + Sync,
{
    let worlds = WorldPool {
        net,
        series: SeriesSpec::new(net, opts.grid_hours),
        free: Default::default(),
    };
    on_pool(opts.threads, || {
        opts.replications
            .clone()
            .into_par_iter()
            .map_init(|| worlds.lease(), |lease, i| f(lease.world().run(i)))
            .collect()
    })
}

/// Runs the replications in `opts` of `scenario`.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<Batch, ExperimentError> {
    let net = Arc::new(Network::new(Arc::new(scenario.clone())));
    run_network(&net, opts, None)
}

/// As [`run`], for an already compiled network, calling `progress(done)` as
/// replications finish.
pub fn run_network(
    net: &Arc<Network>,
    opts: &RunOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Batch, ExperimentError> {
    let started = Instant::now();
    let mut batch = Batch::empty(net, opts.replications.start, opts.grid_hours);
    let worlds = WorldPool {
        net,
        series: batch.timeseries.spec.clone(),
        free: Default::default(),
    };
    let done = std::sync::atomic::AtomicU64::new(0);
    let block = opts.block.max(1);
    let stopped = || opts.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed));
    let simulate = |range: std::ops::Range<u64>| -> Vec<Option<RepOut>> {
        range
            .into_par_iter()
            .map_init(
                || worlds.lease(),
                |lease, i| {
                    if stopped() {
                        return None;
                    }
                    let world = lease.world();
                    let r = world.run(i);
                    let out = RepOut {
                        row: r.metric_values(net),
                        reason: r.end_reason,
                        events: r.events,
                        holdings: r.holdings,
                        samples: world.samples().clone(),
                    };
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if let Some(p) = progress {
                        p(finished);
                    } else if let Some(p) = &opts.progress {
                        p.report(finished);
                    }
                    Some(out)
                },
            )
            .collect()
    };
    // The previous block's results, folded (in order) while this block runs: folding on
    // one thread between blocks left the other threads idle.
    let ((), threads) = on_pool(opts.threads, || {
        let mut unfolded: Vec<RepOut> = Vec::new();
        let mut start = opts.replications.start;
        while start < opts.replications.end {
            if stopped() {
                batch.interrupted = true;
                break;
            }
            let end = (start + block).min(opts.replications.end);
            let (outs, ()) = rayon::join(
                || simulate(start..end),
                || unfolded.drain(..).for_each(|o| batch.fold(o)),
            );
            // Keep the replications completed without a gap; drop any after a skipped one.
            let complete = outs.iter().take_while(|o| o.is_some()).count();
            if complete < outs.len() {
                batch.interrupted = true;
            }
            unfolded = outs.into_iter().take(complete).flatten().collect();
            if batch.interrupted {
                break;
            }
            start = end;
        }
        unfolded.into_iter().for_each(|o| batch.fold(o));
    })?;
    batch.threads = threads;
    batch.sort_stuck();
    batch.planned = Some(opts.replications.clone());
    batch.wall_seconds = started.elapsed().as_secs_f64();
    batch.timed_events = batch.events;
    Ok(batch)
}

/// Runs blocks of `opts.block` replications from `opts.replications.start` until the
/// precision target is met or the cap is reached. The stopping point depends only on
/// the results, so the same command stops at the same replication every time.
pub fn run_until_precise(
    net: &Arc<Network>,
    opts: &RunOptions,
    target: &Precision,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Batch, ExperimentError> {
    let index = catalogue(net)
        .index_of_id(&target.metric)
        .ok_or_else(|| ExperimentError::UnknownMetric(target.metric.clone()))?;
    let first = opts.replications.start;
    let cap = first + target.max_replications;
    let block = opts.block.max(2);
    let mut batch: Option<Batch> = None;
    let mut next = first;
    let offset = std::sync::atomic::AtomicU64::new(0);
    loop {
        let end = (next + block).min(cap);
        let base = offset.load(Ordering::Relaxed);
        let shifted = |d: u64| {
            if let Some(p) = progress {
                p(base + d)
            }
        };
        let part = run_network(
            net,
            &RunOptions {
                replications: next..end,
                block,
                ..opts.clone()
            },
            Some(&shifted),
        )?;
        offset.store(base + (end - next), Ordering::Relaxed);
        match &mut batch {
            None => batch = Some(part),
            Some(b) => b.append(part).expect("blocks are contiguous"),
        }
        next = end;
        let b = batch.as_ref().expect("at least one block ran");
        if b.interrupted || target.is_met(b, index) || target.never_met(b, index) || next >= cap {
            let mut b = batch.expect("at least one block ran");
            // The number run depended on the results: there is no fixed plan to resume.
            b.planned = None;
            return Ok(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shard_range;

    #[test]
    fn shards_cover_every_replication_once() {
        for total in [0u64, 1, 7, 1000, 1001] {
            for count in 1..=9u64 {
                let mut next = 0;
                for i in 1..=count {
                    let r = shard_range(total, i, count);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }
}

/// What a run is expected to need, estimated before it starts.
#[derive(Clone, Copy, Debug)]
pub struct ResourceEstimate {
    /// Peak memory, in bytes.
    pub bytes: f64,
    /// Of it, the time series' histograms (a fine `--grid-hours` makes them large).
    pub grid_bytes: f64,
    /// Wall time, in seconds (from one timed pilot replication), if measured.
    pub seconds: Option<f64>,
}

/// Estimates memory (a world per thread, one metric row per replication, the
/// time-series histograms) and, when `pilot` is true, wall time from one timed pilot
/// replication. The pilot runs replication 0 in a world of its own and is thrown away:
/// it changes nothing in the results.
pub fn estimate(
    net: &Arc<Network>,
    replications: u64,
    threads: usize,
    grid_hours: Option<f64>,
    pilot: bool,
) -> ResourceEstimate {
    let per_person = 64.0;
    let worlds = threads.max(1) as f64 * f64::from(net.population) * per_person;
    let metrics = catalogue(net).len() as f64;
    let rows = replications as f64 * (metrics * 8.0 + 64.0);
    let series = SeriesSpec::new(net, grid_hours);
    let histograms = (series.points * series.sources.len()) as f64 * 256.0;
    let seconds = pilot.then(|| {
        let started = Instant::now();
        let _ = World::with_series(Arc::clone(net), series.clone()).run(0);
        let one = started.elapsed().as_secs_f64();
        one * replications as f64 / threads.max(1) as f64
    });
    ResourceEstimate {
        bytes: worlds + rows + histograms + 16e6,
        grid_bytes: histograms,
        seconds,
    }
}

/// Memory the system can still give, in bytes (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<f64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}
