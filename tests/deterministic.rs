//! The hand-computed scenario (scenarios/validation/hand-computed.toml, whose comments
//! show the arithmetic) reproduced exactly, and a blocking case where quarantine beds,
//! not buses, set the pace.

mod common;
use common::*;
use repatsim::experiment::run_one;
use repatsim::model::EndReason;

const EPS: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < EPS
}

#[test]
fn every_figure_matches_the_hand_computation() {
    let sc = load("scenarios/validation/hand-computed.toml");
    let net = network(&sc);
    for rep in 0..3 {
        let r = run_one(&net, rep);
        assert_eq!(r.end_reason, EndReason::AllHome);
        assert!(
            close(r.makespan_hours.unwrap(), 59.25),
            "makespan {:?}",
            r.makespan_hours
        );
        let bus = &r.legs[0];
        assert_eq!((bus.trips, bus.passengers), (5, 100));
        assert!(close(bus.waits.mean(), 3.2) && close(bus.waits.max, 8.0));
        assert!(close(bus.rides.mean(), 2.0));
        let customs = &r.checkpoints[0];
        assert!(
            close(customs.waits.mean(), 5.8),
            "customs wait {}",
            customs.waits.mean()
        );
        assert!(close(customs.waits.max, 8.25));
        assert_eq!(customs.waits.positive, 100);
        assert!(close(customs.services.mean(), 0.25));
        // Served from 08:00 to 14:25: 100 x 0.25 booth-hours over 4 booths; open hours
        // within [0, 59.25] are 08-16 on day 0, 08-16 on day 1, 08-11:15 on day 2.
        assert!(close(customs.busy.integral, 25.0));
        assert!(close(customs.open_hours, 8.0 + 8.0 + 3.25));
        let q = &r.sites[2];
        assert_eq!(q.occupancy.peak, 50);
        assert_eq!(q.bed_waits.count, 100);
        assert!(close(q.bed_waits.mean(), 10.44), "bed wait {}", q.bed_waits.mean());
        assert!(close(q.bed_waits.max, 21.0));
        assert_eq!(q.bed_queue.peak, 50);
        let workers = &r.cohorts[0];
        assert!(
            close(workers.door_to_door_mean_hours, 45.69),
            "{}",
            workers.door_to_door_mean_hours
        );
        assert!(close(workers.door_to_door_max_hours, 59.25));
        // Time use adds up to door-to-door time, person by person, hence in total.
        let used: f64 = workers.time_use_hours.iter().sum();
        assert!((used - 45.69 * 100.0).abs() < 1e-6, "time use {used}");
    }
}

#[test]
fn quarantine_beds_set_the_pace() {
    let text = std::fs::read_to_string(repo("scenarios/validation/hand-computed.toml")).unwrap();
    let unlimited = parse(&text.replace("beds = 50\n", ""));
    let r = run_one(&network(&unlimited), 0);
    // Without the bed limit: last out of customs at 14.25 h, home 24 h later.
    assert!(close(r.makespan_hours.unwrap(), 38.25));
    assert_eq!(r.sites[2].bed_waits.max, 0.0);

    // Doubling the buses changes nothing while beds are short; adding beds does.
    let limited = load("scenarios/validation/hand-computed.toml");
    let more_buses = parse(&text.replace("vehicles = 2", "vehicles = 4"));
    let more_beds = parse(&text.replace("beds = 50", "beds = 75"));
    let m = |sc| run_one(&network(sc), 0).makespan_hours.unwrap();
    assert!(close(m(&limited), 59.25));
    assert!(
        close(m(&more_buses), 59.25),
        "buses are not the bottleneck: {}",
        m(&more_buses)
    );
    assert!(m(&more_beds) < 59.25 - 1.0);
    // With blocked people counted where they wait: holding at the border is positive.
    let r = run_one(&network(&limited), 0);
    assert!(r.sites[2].bed_queue.mean > 0.0);
}

#[test]
fn when_full_leaves_the_remainder_behind_and_says_so() {
    let text = std::fs::read_to_string(repo("scenarios/validation/hand-computed.toml")).unwrap();
    // 110 people, 20 seats, buses only when full: 10 can never leave, so the file is
    // refused before the run.
    let err = repatsim::scenario::parse(&text.replace("size = 100", "size = 110"), "t.toml").unwrap_err();
    assert!(
        err.to_string()
            .contains("the last 10 would wait forever, so the plan could never finish"),
        "{err}"
    );
    // Were it run (a plan changed after validation), the run stalls and says where the
    // ten are: the stall detection stands behind the check.
    let mut sc = repatsim::scenario::parse(&text, "t.toml").unwrap().scenario;
    let c = &mut sc.cohorts[0];
    c.size += 10;
    c.mix[0].1 += 10;
    let r = run_one(&network(&sc), 0);
    assert_eq!(r.end_reason, EndReason::Stalled);
    assert_eq!(r.home, 100);
    let stuck: u64 = r.holdings.iter().map(|h| h.people).sum();
    assert_eq!(stuck, 10);
    assert!(
        r.holdings
            .iter()
            .all(|h| matches!(h.at, repatsim::model::Step::Origin(_)))
    );
}
