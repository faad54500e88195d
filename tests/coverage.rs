//! The 95% confidence intervals are honest: over many independent batches (different
//! seeds) of a metric whose true mean is known, about 95% of the intervals contain it.
//! The metric is the number of people released by a Poisson process within a day, whose
//! mean is rate x 24 exactly. Parameters are drawn by proptest from a fixed seed, so the
//! test is reproducible; every draw runs 400 independent batches.

mod common;
use common::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use repatsim::experiment::{RunOptions, run_network};

fn poisson_day(rate: f64) -> repatsim::scenario::Scenario {
    parse(&format!(
        r#"
[scenario]
name = "coverage"
start = 2024-01-01T00:00:00
horizon_days = 1
seed = 0

[[site]]
name = "origin"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[cohort]]
name = "people"
origin = "origin"
size = 5000
arrival = {{ process = "poisson", per_hour = {rate} }}
route = ["home"]
"#
    ))
}

#[test]
fn confidence_intervals_cover_the_true_mean_about_95_percent_of_the_time() {
    let config = Config {
        cases: 4,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    runner
        .run(&(1.0f64..20.0, 8u64..40), |(rate, n)| {
            let mut sc = poisson_day(rate);
            let truth = rate * 24.0;
            let batches = 400;
            let mut covered = 0;
            for seed in 0..batches {
                sc.seed = 1000 + seed;
                let b = run_network(&network(&sc), &RunOptions::new(0..n).threads(Some(1)), None).unwrap();
                let s = b.summary("home").unwrap();
                if s.ci95_low <= truth && truth <= s.ci95_high {
                    covered += 1;
                }
            }
            let share = f64::from(covered) / batches as f64;
            // Binomial(400, 0.95) lies in this band with probability above 99.5%.
            proptest::prop_assert!((0.92..=0.975).contains(&share), "rate {rate}, n {n}: coverage {share}");
            Ok(())
        })
        .unwrap();
}
