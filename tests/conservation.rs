//! Nothing lost: in every replication of every shipped scenario, each person ends in
//! exactly one state (home, evaded, turned away, or still at a named place), and each cohort's time use adds
//! up to its members' door-to-door times.

mod common;
use common::*;
use repatsim::experiment::run_one;
use repatsim::metrics::Scope;
use repatsim::model::{EndReason, Phase};

#[test]
fn everyone_is_accounted_for_in_every_shipped_scenario() {
    let files = shipped_scenarios();
    assert!(files.len() >= 2, "expected shipped scenarios, found {files:?}");
    for path in files {
        let sc = load(path.strip_prefix(repo("")).unwrap().to_str().unwrap());
        // Large scenarios get fewer replications; every one is still checked.
        let n = if sc.population() > 20_000 { 2 } else { 20 };
        let batch = run(&sc, n, 2);
        let home = batch.metric_index("home").unwrap();
        let places: Vec<usize> = (0..batch.catalogue.len())
            .filter(|&i| matches!(batch.catalogue.get(i).key.scope, Scope::InStage(_)))
            .collect();
        assert!(!places.is_empty());
        for (i, row) in batch.rows.iter().enumerate() {
            let evaded = batch.metric_index("evaded").map_or(0.0, |e| row[e]);
            let turned_away = batch.metric_index("turned_away").map_or(0.0, |e| row[e]);
            let counted = row[home] + evaded + turned_away + places.iter().map(|&p| row[p]).sum::<f64>();
            assert_eq!(
                counted,
                sc.population() as f64,
                "{}: replication {i} lost people",
                path.display()
            );
            for c in &sc.cohorts {
                let get = |m: &str| {
                    batch
                        .metric_index(&format!("cohort.{}.{m}", c.name))
                        .map_or(0.0, |i| row[i])
                };
                assert_eq!(
                    get("home") + get("evaded") + get("turned_away") + get("not_home"),
                    f64::from(c.size),
                    "{}: cohort {}",
                    path.display(),
                    c.name
                );
            }
        }
        // Person-level view of the first replication.
        let net = network(&sc);
        let r = run_one(&net, 0);
        let held: u64 = r.holdings.iter().map(|h| h.people).sum();
        assert!(r.holdings.iter().all(|h| h.phase != Phase::Home));
        assert_eq!(
            r.home + r.evaded + r.turned_away + held,
            sc.population(),
            "{}",
            path.display()
        );
        if r.end_reason == EndReason::AllHome {
            // Time use adds up to door-to-door time for cohorts whose members all got
            // home (evaders' time until they left is counted too).
            for c in r
                .cohorts
                .iter()
                .filter(|c| c.evaded.iter().sum::<u32>() == 0 && c.home == c.size)
            {
                let used: f64 = c.time_use_hours.iter().sum();
                let door_to_door = c.door_to_door_mean_hours * f64::from(c.home);
                assert!(
                    (used - door_to_door).abs() <= 1e-6 * door_to_door.max(1.0),
                    "{}: {used} vs {door_to_door}",
                    path.display()
                );
            }
        }
    }
}

/// The makespan is when the last journey ended, whichever way: with customs closed after
/// the first day and an unescorted train, those stuck in its line slip away days after
/// the last arrival home, and the return ends then (it was reported as the last arrival
/// home, day 2.5, while people still waited at the closed border until day 8 or later).
#[test]
fn the_makespan_counts_an_evasion_after_the_last_arrival_home() {
    use repatsim::model::{TraceKind, World};
    let text = r#"
[scenario]
name = "border-shut"
start = 2024-03-04T06:00:00
horizon_days = 40
seed = 7

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "station"
kind = "transit"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "train"
from = "camp"
to = "station"
mode = "train"
vehicles = 1
seats = 40
travel_hours = 2
return_hours = 2
departure = "timetable"
timetable = ["daily 09:00"]
escorted = false

[[checkpoint]]
name = "customs"
site = "station"
servers = 1
service_minutes = 15
open_hours = "08:00-18:00"

[[cohort]]
name = "workers"
origin = "camp"
size = 100
evasion_per_hour = 0.02
route = ["train", "customs", "home"]

[[wave]]
cohort = "workers"
at_day = 0
notify = 100
lead_hours = 1

[[closure]]
name = "border-shut"
applies_to = ["customs"]
from = 2024-03-05T00:00:00
to = 2024-06-30T00:00:00
"#;
    let sc = parse(text);
    let net = network(&sc);
    let mut world = World::new(net);
    let mut later = 0;
    for rep in 0..10 {
        let (r, trace) = world.run_traced(rep);
        assert_eq!(r.end_reason, EndReason::AllHome, "replication {rep}");
        let ended = |k: TraceKind| {
            trace
                .iter()
                .filter(|row| row.kind == k)
                .map(|row| row.time_hours)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let (last_home, last_evasion) = (ended(TraceKind::Home), ended(TraceKind::Evade));
        assert_eq!(r.makespan_hours, Some(last_home.max(last_evasion)), "replication {rep}");
        later += usize::from(last_evasion > last_home + 24.0);
    }
    assert!(
        later >= 5,
        "the closed border should strand people past the last arrival home: {later} of 10"
    );
}
