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
