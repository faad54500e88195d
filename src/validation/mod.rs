//! The simulator checked against queueing theory and hand computation.
//!
//! Each case is a shipped scenario under `scenarios/validation/`, a set of quantities
//! with their theoretical values computed from the scenario's own parameters, and a
//! stated tolerance. A quantity passes when the theory value lies inside the 95%
//! confidence interval of the simulated mean, widened by that tolerance. The table in
//! `docs/VALIDATION.md` is produced by [`markdown_table`] (`repatsim validate-theory`).

use crate::engine::DistSpec;
use crate::experiment::{ExperimentError, RunOptions, map_replications};
use crate::model::{Network, ReplicationResult};
use crate::scenario::{self, Arrival, Scenario};
use crate::stats::Summary;
use crate::stats::queueing::{erlang_c, mmc_mean_wait};
use std::sync::Arc;

/// What to read from each replication.
#[derive(Clone, Copy, Debug)]
pub enum Quantity {
    CheckpointMeanWaitHours(usize),
    CheckpointProbabilityOfWaiting(usize),
    CheckpointUtilization(usize),
    SiteMeanOccupancy(usize),
    SiteOccupancyVariance(usize),
    SiteMeanBedWaitHours(usize),
    SiteProbabilityOfBedWait(usize),
    LegMeanWaitHours(usize),
    LegTrips(usize),
    MakespanHours,
    /// Hours waiting at checkpoints per person of cohort `c` released.
    CohortCheckpointWaitHours(usize),
    /// Share of the people leaving a checkpoint's line who gave up (patience out or line
    /// full) rather than being served.
    CheckpointShareGivingUp(usize),
    CheckpointMeanQueue(usize),
    /// Mean wait in line over everyone served at any checkpoint.
    AllCheckpointsMeanWaitHours,
    /// Share of everyone served at any checkpoint who waited at all.
    AllCheckpointsProbabilityOfWaiting,
    /// Unit-hours in use over units times hours on duty.
    PoolUtilization(usize),
}

impl Quantity {
    fn read(self, r: &ReplicationResult) -> f64 {
        match self {
            Quantity::CheckpointMeanWaitHours(i) => r.checkpoints[i].waits.mean(),
            Quantity::CheckpointProbabilityOfWaiting(i) => r.checkpoints[i].waits.fraction_positive(),
            Quantity::CheckpointUtilization(i) => {
                let k = &r.checkpoints[i];
                k.busy.integral / (k.servers as f64 * k.open_hours)
            }
            Quantity::SiteMeanOccupancy(i) => r.sites[i].occupancy.mean,
            Quantity::SiteOccupancyVariance(i) => r.sites[i].occupancy.variance,
            Quantity::SiteMeanBedWaitHours(i) => r.sites[i].bed_waits.mean(),
            Quantity::SiteProbabilityOfBedWait(i) => r.sites[i].bed_waits.fraction_positive(),
            Quantity::LegMeanWaitHours(i) => r.legs[i].waits.mean(),
            Quantity::LegTrips(i) => r.legs[i].trips as f64,
            Quantity::MakespanHours => r.makespan_hours.unwrap_or(f64::NAN),
            Quantity::CheckpointShareGivingUp(i) => {
                let k = &r.checkpoints[i];
                k.abandoned.count as f64 / (k.abandoned.count + k.waits.count) as f64
            }
            Quantity::CheckpointMeanQueue(i) => r.checkpoints[i].queue.mean,
            Quantity::AllCheckpointsMeanWaitHours => {
                let (sum, n) = r
                    .checkpoints
                    .iter()
                    .fold((0.0, 0u64), |(s, n), k| (s + k.waits.sum, n + k.waits.count));
                sum / n as f64
            }
            Quantity::AllCheckpointsProbabilityOfWaiting => {
                let (waited, n) = r.checkpoints.iter().fold((0.0, 0u64), |(w, n), k| {
                    (
                        w + k.waits.fraction_positive() * k.waits.count as f64,
                        n + k.waits.count,
                    )
                });
                waited / n as f64
            }
            Quantity::PoolUtilization(i) => {
                let p = &r.pools[i];
                p.in_use.integral / p.unit_hours
            }
            Quantity::CohortCheckpointWaitHours(c) => {
                let c = &r.cohorts[c];
                c.time_use_hours[crate::metrics::TimeUse::WaitingAtCheckpoint as usize] / f64::from(c.released)
            }
        }
    }
}

/// One quantity to compare with theory.
#[derive(Clone, Debug)]
pub struct Check {
    pub label: String,
    pub quantity: Quantity,
    pub theory: f64,
    /// Absolute amount by which the confidence interval is widened before comparing.
    pub tolerance: f64,
    /// Why that tolerance (or "exact").
    pub tolerance_reason: &'static str,
}

/// A validation case: a shipped scenario and the checks made on it.
pub struct Case {
    /// File stem under `scenarios/validation/`.
    pub id: &'static str,
    pub text: &'static str,
    /// The model in queueing notation or words.
    pub model: &'static str,
    /// Derives the parameters line and the checks from the scenario.
    pub checks: fn(&Scenario) -> (String, Vec<Check>),
}

/// The outcome of one check.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub case: &'static str,
    pub model: &'static str,
    pub parameters: String,
    pub check: Check,
    pub replications: u64,
    pub estimate: Summary,
    pub passed: bool,
}

/// Errors running the validation.
#[derive(Debug, thiserror::Error)]
pub enum ValidationError {
    #[error("{0}")]
    Scenario(#[from] scenario::ScenarioError),
    #[error("{0}")]
    Experiment(#[from] ExperimentError),
    #[error("validation scenario {0}: {1}")]
    Shape(&'static str, String),
}

const STEADY: &str = "1% of theory: start-up and finite-run bias";
const EXACT: &str = "exact (1e-9)";

fn poisson_rate(sc: &Scenario) -> f64 {
    match sc.cohorts[0].arrival {
        Arrival::Poisson { per_hour } => per_hour,
        _ => f64::NAN,
    }
}

fn rate_of(mean_hours: f64) -> f64 {
    1.0 / mean_hours
}

fn steady(label: String, quantity: Quantity, theory: f64) -> Check {
    Check {
        label,
        quantity,
        theory,
        tolerance: 0.01 * theory.abs(),
        tolerance_reason: STEADY,
    }
}

fn exact(label: String, quantity: Quantity, theory: f64) -> Check {
    Check {
        label,
        quantity,
        theory,
        tolerance: 1e-9,
        tolerance_reason: EXACT,
    }
}

fn mmc_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let lambda = poisson_rate(sc);
    let mut checks = Vec::new();
    let mut params = Vec::new();
    for (i, k) in sc.checkpoints.iter().enumerate() {
        let c = k.servers;
        let mu = rate_of(k.service_hours.mean());
        let rho = lambda / (f64::from(c) * mu);
        params.push(format!(
            "{}: c = {c}, lambda = {lambda}/h, mu = {mu}/h, rho = {rho:.3}",
            k.name
        ));
        checks.push(steady(
            format!("{}: mean wait in queue (h)", k.name),
            Quantity::CheckpointMeanWaitHours(i),
            mmc_mean_wait(c, lambda, mu),
        ));
        checks.push(steady(
            format!("{}: P(wait > 0)", k.name),
            Quantity::CheckpointProbabilityOfWaiting(i),
            erlang_c(c, lambda / mu),
        ));
        checks.push(steady(
            format!("{}: utilisation", k.name),
            Quantity::CheckpointUtilization(i),
            rho,
        ));
    }
    (params.join("; "), checks)
}

/// Non-preemptive priority at one exponential booth, one Poisson cohort per class (in
/// priority order): Cobham's formula, W_k = W0 / ((1 - sigma_{k-1})(1 - sigma_k)) with
/// W0 = sum(lambda_i E[S^2]) / 2 and sigma_k the load of classes 1..=k; the booth's
/// mean wait over everyone is the first-come M/M/1 one (the conservation law).
fn priority_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let k = &sc.checkpoints[0];
    let mean_s = k.service_hours.mean();
    let second_moment = 2.0 * mean_s * mean_s;
    let lambdas: Vec<f64> = sc
        .cohorts
        .iter()
        .map(|c| match c.arrival {
            Arrival::Poisson { per_hour } => per_hour,
            _ => f64::NAN,
        })
        .collect();
    let lambda: f64 = lambdas.iter().sum();
    let w0 = lambda * second_moment / 2.0;
    let mut checks = Vec::new();
    let mut sigma = 0.0;
    for (i, (c, l)) in sc.cohorts.iter().zip(&lambdas).enumerate() {
        let before = sigma;
        sigma += l * mean_s;
        checks.push(steady(
            format!("{}: mean wait in queue (h)", c.name),
            Quantity::CohortCheckpointWaitHours(i),
            w0 / ((1.0 - before) * (1.0 - sigma)),
        ));
    }
    checks.push(steady(
        format!("{}: mean wait over both classes (h)", k.name),
        Quantity::CheckpointMeanWaitHours(0),
        mmc_mean_wait(1, lambda, 1.0 / mean_s),
    ));
    let params = format!(
        "lambda = {} /h by class, mu = {}/h, rho = {:.3}",
        lambdas.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(" and "),
        1.0 / mean_s,
        lambda * mean_s
    );
    (params, checks)
}

/// A checkpoint whose waiting people give up (exponential patience) or whose line is
/// limited (`max_line`): the birth-death chain M/M/c+M (Erlang A) or M/M/c/K. By PASTA an
/// arrival finds the steady state, so the share blocked is P(full); the share giving up
/// is theta E[Q] / lambda (each waiting person leaves at rate theta).
fn abandonment_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let lambda = poisson_rate(sc);
    let k = &sc.checkpoints[0];
    let mu = rate_of(k.service_hours.mean());
    let theta = k.patience_hours.map_or(0.0, |d| rate_of(d.mean()));
    let p = crate::stats::queueing::mmc_abandonment(k.servers, lambda, mu, theta, k.max_line);
    let waiting = crate::stats::queueing::mean_waiting(&p, k.servers);
    let blocked = if k.max_line.is_some() {
        p.last().copied().unwrap_or(0.0)
    } else {
        0.0
    };
    // Of the arrivals, the blocked give up at once; of the rest, theta E[Q] / lambda in all
    // give up after waiting.
    let giving_up = blocked + theta * waiting / lambda;
    let params = format!(
        "c = {}, lambda = {lambda}/h, mu = {mu}/h, {}",
        k.servers,
        match k.max_line {
            Some(m) => format!("room for {m} in line (K = {})", k.servers + m),
            None => format!("patience rate theta = {theta}/h"),
        }
    );
    let checks = vec![
        steady(
            format!("{}: share giving up", k.name),
            Quantity::CheckpointShareGivingUp(0),
            giving_up,
        ),
        steady(
            format!("{}: mean line", k.name),
            Quantity::CheckpointMeanQueue(0),
            waiting,
        ),
    ];
    (params, checks)
}

fn md_inf_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let lambda = poisson_rate(sc);
    let d = sc.sites[1].stay_hours.mean();
    (
        format!("lambda = {lambda}/h, D = {d} h, unlimited beds"),
        vec![
            steady("mean occupancy".into(), Quantity::SiteMeanOccupancy(1), lambda * d),
            steady(
                "variance of occupancy".into(),
                Quantity::SiteOccupancyVariance(1),
                lambda * d,
            ),
        ],
    )
}

fn bed_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let lambda = poisson_rate(sc);
    let site = &sc.sites[1];
    let c = site.beds.unwrap_or(0);
    let mu = rate_of(site.stay_hours.mean());
    (
        format!(
            "c = {c} beds, lambda = {lambda}/h, mean stay {} h, rho = {:.3}",
            1.0 / mu,
            lambda / (f64::from(c) * mu)
        ),
        vec![
            steady(
                "mean wait for a bed (h)".into(),
                Quantity::SiteMeanBedWaitHours(1),
                mmc_mean_wait(c, lambda, mu),
            ),
            steady(
                "P(wait for a bed > 0)".into(),
                Quantity::SiteProbabilityOfBedWait(1),
                erlang_c(c, lambda / mu),
            ),
            steady("mean occupancy".into(), Quantity::SiteMeanOccupancy(1), lambda / mu),
        ],
    )
}

fn fixed(d: &crate::engine::Dist) -> f64 {
    match d.spec() {
        DistSpec::Fixed { value } => value,
        _ => f64::NAN,
    }
}

fn bus_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let leg = &sc.legs[0];
    let cohort = &sc.cohorts[0];
    let Arrival::Regular {
        at_hours,
        every_hours: a,
    } = cohort.arrival
    else {
        return (String::new(), vec![]);
    };
    let (s, n) = (f64::from(leg.seats), f64::from(cohort.size));
    let (travel, back) = (fixed(&leg.travel_hours), fixed(&leg.return_hours));
    let fill = s * a;
    let trips = n / s;
    let (wait, makespan) = if leg.vehicles == 1 && travel + back > fill {
        // The bus sets the pace: trip k leaves at first_full + k * round_trip, full.
        let first = at_hours + (s - 1.0) * a;
        let round = travel + back;
        let mean_k = (trips - 1.0) / 2.0;
        let mean_arrival = at_hours + (n - 1.0) / 2.0 * a;
        (
            first + round * mean_k - mean_arrival,
            first + round * (trips - 1.0) + travel,
        )
    } else {
        // Buses are always at hand: each leaves when its last seat fills.
        ((s - 1.0) / 2.0 * a, at_hours + (n - 1.0) * a + travel)
    };
    (
        format!(
            "one person every {a} h, {} seats, {} vehicle(s), {travel} h out and {back} h back, {} people",
            leg.seats, leg.vehicles, cohort.size
        ),
        vec![
            exact("trips".into(), Quantity::LegTrips(0), trips),
            exact("mean wait for the bus (h)".into(), Quantity::LegMeanWaitHours(0), wait),
            exact("makespan (h)".into(), Quantity::MakespanHours, makespan),
        ],
    )
}

fn opening_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let k = &sc.checkpoints[0];
    let n = sc.cohorts[0].size;
    let per_booth_hour = 1.0 / fixed(&k.service_hours);
    // Walk the calendar hour by hour until the load is cleared.
    let per_hour = (f64::from(k.servers) * per_booth_hour).round() as u32;
    let mut left = n;
    let mut t = 0.0;
    while left > 0 {
        if k.open.is_open(t) {
            let served = left.min(per_hour);
            left -= served;
            if left == 0 {
                t += f64::from(served) / f64::from(per_hour);
                break;
            }
        }
        t += 1.0;
    }
    (
        format!(
            "{n} people at Monday 00:00, {} booths, {} min each, open weekdays 09:00-17:00",
            k.servers,
            fixed(&k.service_hours) * 60.0
        ),
        vec![exact("finish = makespan (h)".into(), Quantity::MakespanHours, t)],
    )
}

/// Two checkpoints staffed from one pool of c screeners (each with c booths, so the
/// booths never bind), each fed by its own Poisson cohort: together one M/M/c queue with
/// the summed arrival rate (any dispatch that never leaves a screener idle while someone
/// waits has the same mean wait), against Erlang C.
fn shared_pool_checks(sc: &Scenario) -> (String, Vec<Check>) {
    let lambda: f64 = sc
        .cohorts
        .iter()
        .map(|c| match c.arrival {
            Arrival::Poisson { per_hour } => per_hour,
            _ => f64::NAN,
        })
        .sum();
    let (Some(pool), Some(k)) = (sc.pools.first(), sc.checkpoints.first()) else {
        return (String::new(), Vec::new());
    };
    let c = pool.size;
    let mu = rate_of(k.service_hours.mean());
    let rho = lambda / (f64::from(c) * mu);
    let checks = vec![
        steady(
            "both posts: mean wait in queue (h)".into(),
            Quantity::AllCheckpointsMeanWaitHours,
            mmc_mean_wait(c, lambda, mu),
        ),
        steady(
            "both posts: P(wait > 0)".into(),
            Quantity::AllCheckpointsProbabilityOfWaiting,
            erlang_c(c, lambda / mu),
        ),
        steady(format!("{}: utilisation", pool.name), Quantity::PoolUtilization(0), rho),
    ];
    (
        format!(
            "{} posts sharing {} (c = {c}), lambda = {lambda}/h in all, mu = {mu}/h, rho = {rho:.3}",
            sc.checkpoints.len(),
            pool.name
        ),
        checks,
    )
}

/// Every validation case, in the order of the table.
pub fn cases() -> Vec<Case> {
    macro_rules! case {
        ($id:literal, $model:literal, $checks:expr) => {
            Case {
                id: $id,
                text: include_str!(concat!("../../scenarios/validation/", $id, ".toml")),
                model: $model,
                checks: $checks,
            }
        };
    }
    vec![
        case!("mm1-rho050", "M/M/1", mmc_checks),
        case!("mm1-rho090", "M/M/1", mmc_checks),
        case!("mm3-rho070", "M/M/3", mmc_checks),
        case!("mm5-rho090", "M/M/5", mmc_checks),
        case!("jackson-tandem", "M/M/2 then M/M/1 in series", mmc_checks),
        case!("md-infinity", "M/D/inf", md_inf_checks),
        case!("bed-blocking", "M/M/c on beds (arrivals wait)", bed_checks),
        case!("batch-bus", "bus leaves when full, D arrivals", bus_checks),
        case!("batch-bus-bottleneck", "bus leaves when full, D arrivals", bus_checks),
        case!("opening-hours", "office hours, fixed load", opening_checks),
        case!("priority-mm1", "M/M/1, non-preemptive priority", priority_checks),
        case!(
            "erlang-a",
            "M/M/3+M (Erlang A), impatient people turned away",
            abandonment_checks
        ),
        case!("mmck", "M/M/2/5, a line of at most 3", abandonment_checks),
        case!("erlang-b", "M/M/3/3 (Erlang B), no line", abandonment_checks),
        case!(
            "shared-pool",
            "M/M/3: two posts, one pool of screeners",
            shared_pool_checks
        ),
    ]
}

/// Runs every case with its scenario's replications and seed.
pub fn run_all(threads: Option<usize>) -> Result<Vec<Outcome>, ValidationError> {
    let mut out = Vec::new();
    for case in cases() {
        let sc = scenario::parse(case.text, &format!("scenarios/validation/{}.toml", case.id))?.scenario;
        let (parameters, checks) = (case.checks)(&sc);
        if checks.is_empty() {
            return Err(ValidationError::Shape(case.id, "no checks could be derived".into()));
        }
        let n = u64::from(sc.replications);
        let net = Arc::new(Network::new(Arc::new(sc)));
        let quantities: Vec<Quantity> = checks.iter().map(|c| c.quantity).collect();
        let (rows, _) = map_replications(&net, &RunOptions::new(0..n).threads(threads), |r| {
            quantities.iter().map(|q| q.read(&r)).collect::<Vec<f64>>()
        })?;
        for (j, check) in checks.into_iter().enumerate() {
            let values: Vec<f64> = rows.iter().map(|r| r[j]).collect();
            let estimate = Summary::of(&values);
            let (lo, hi) = if estimate.n > 1 {
                (estimate.ci95_low, estimate.ci95_high)
            } else {
                (estimate.mean, estimate.mean)
            };
            let passed =
                estimate.n == n && lo - check.tolerance <= check.theory && check.theory <= hi + check.tolerance;
            out.push(Outcome {
                case: case.id,
                model: case.model,
                parameters: parameters.clone(),
                check,
                replications: n,
                estimate,
                passed,
            });
        }
    }
    Ok(out)
}

/// Four significant digits, for the table.
fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
    format!("{x:.digits$}")
}

/// The validation table in Markdown, one row per check.
pub fn markdown_table(outcomes: &[Outcome]) -> String {
    let mut s = String::from(
        "| case | model | parameters | quantity | theory | simulated mean | 95% CI | tolerance | verdict |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for o in outcomes {
        let e = &o.estimate;
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | [{}, {}] (n = {}) | {} | {} |\n",
            o.case,
            o.model,
            o.parameters,
            o.check.label,
            sig(o.check.theory),
            sig(e.mean),
            sig(e.ci95_low),
            sig(e.ci95_high),
            o.replications,
            if o.check.tolerance_reason == EXACT {
                EXACT.to_string()
            } else {
                format!("+/- {} ({})", sig(o.check.tolerance), o.check.tolerance_reason)
            },
            if o.passed { "pass" } else { "FAIL" }
        ));
    }
    s
}
