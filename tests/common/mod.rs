//! Helpers shared by the integration tests.
#![allow(dead_code)]

use repatsim::experiment::{self, Batch, RunOptions};
use repatsim::model::Network;
use repatsim::scenario::{self, Scenario};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Loads a shipped scenario, panicking with the rendered error if it is invalid.
pub fn load(path: &str) -> Scenario {
    match scenario::load(repo(path)) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

/// Parses scenario text, panicking with the rendered error if it is invalid.
pub fn parse(text: &str) -> Scenario {
    match scenario::parse(text, "test.toml") {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

/// Every `*.toml` under `scenarios/`, recursively, sorted.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    let mut v = Vec::new();
    walk(&repo("scenarios"), &mut v);
    v.sort();
    v
}

/// Runs replications `0..n` on `threads` threads.
pub fn run(sc: &Scenario, n: u64, threads: usize) -> Batch {
    experiment::run(sc, &RunOptions::new(0..n).threads(Some(threads))).unwrap()
}

/// The compiled network of a scenario.
pub fn network(sc: &Scenario) -> Arc<Network> {
    Arc::new(Network::new(Arc::new(sc.clone())))
}

/// Mean of a metric over a batch.
pub fn mean(b: &Batch, metric: &str) -> f64 {
    b.summary(metric).unwrap_or_else(|| panic!("no metric {metric}")).mean
}

/// The head of a small test scenario: `[scenario]` (starting 2024-01-01, with any
/// `extra` header lines) and two sites, `origin` (kind origin) and `home`.
pub fn origin_and_home(name: &str, horizon_days: u32, seed: u64, extra: &str) -> String {
    format!(
        "[scenario]\nname = \"{name}\"\nstart = 2024-01-01T00:00:00\nhorizon_days = {horizon_days}\nseed = {seed}\n{extra}\n\
         [[site]]\nname = \"origin\"\nkind = \"origin\"\n\n[[site]]\nname = \"home\"\nkind = \"home\"\n"
    )
}

/// Ten people at 10:00 at one desk whose service takes `service` minutes (a TOML value),
/// with a horizon of `horizon_days` and `targets` (TOML) after it. With a fixed hour the
/// last is home at 20:00, so the makespan is exactly 20/24 day in every replication;
/// with exponential service of 60 minutes and a 0.9-day horizon about a quarter of the
/// replications never get everyone home.
pub fn desk(service: &str, horizon_days: f64, targets: &str) -> String {
    format!(
        r#"
[scenario]
name = "desk"
start = 2023-08-28T00:00:00
horizon_days = {horizon_days}
replications = 100

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "desk"
servers = 1
service_minutes = {service}

[[cohort]]
name = "ten"
origin = "camp"
size = 10
arrival = {{ process = "all_at_once", at_hours = 10 }}
route = ["desk", "home"]
{targets}"#
    )
}
