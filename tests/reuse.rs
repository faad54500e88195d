//! A world reused from one replication to the next (as every batch does) gives exactly
//! what a fresh world gives: nothing leaks between replications.

mod common;
use common::*;
use repatsim::experiment::{RunOptions, run_network, run_one};

#[test]
fn reused_worlds_match_fresh_ones_on_every_shipped_scenario() {
    for path in shipped_scenarios() {
        let sc = load(path.strip_prefix(repo("")).unwrap().to_str().unwrap());
        let net = network(&sc);
        let n = 3;
        // One thread: a single world runs replication 0, then 1 after it, then 2.
        let batch = run_network(&net, &RunOptions::new(0..n).threads(Some(1)), None).unwrap();
        for i in 0..n {
            let fresh = run_one(&net, i).metric_values(&net);
            let reused = &batch.rows[i as usize];
            let same = fresh.iter().zip(reused).all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(
                same,
                "{}: replication {i} differs when the world is reused",
                path.display()
            );
        }
    }
}
