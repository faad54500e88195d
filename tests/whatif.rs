//! The what-if on the bottleneck: hand-computable effects, the best of the levers that
//! fit, and a JSON round trip that keeps undefined numbers undefined.

mod common;
use common::*;
use repatsim::experiment::whatif::{Lever, WhatIf, what_if};
use repatsim::metrics::Scope;

/// 100 people, one bus of 50 seats: 50 leave at once, 50 wait two hours for its
/// return; everyone is home at hour 1 and hour 3. A second bus takes everyone at once.
const ONE_BUS: &str = r#"
[scenario]
name = "one-bus"
start = 2023-08-28T00:00:00
horizon_days = 10

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "camp"
to = "home"
mode = "bus"
vehicles = 1
seats = 50
travel_hours = 1
return_hours = 1

[[cohort]]
name = "people"
origin = "camp"
size = 100
route = ["bus", "home"]
"#;

#[test]
fn one_more_bus_buys_what_hand_computation_says() {
    let b = run(&parse(ONE_BUS), 20, 2);
    let w = what_if(&b, &[Lever::Vehicles(0)], &[Scope::Leg(0)], "one-bus.toml", Some(2))
        .unwrap()
        .unwrap();
    // Makespan 3 h -> 1 h at every replication: P90 falls by 2/24 days, exactly.
    assert!((w.p90_days_before - 3.0 / 24.0).abs() < 1e-12, "{w:?}");
    assert!((w.p90_days_after - 1.0 / 24.0).abs() < 1e-12, "{w:?}");
    for x in w.p90_days_change {
        assert!((x + 2.0 / 24.0).abs() < 1e-12, "{w:?}");
    }
    // 100 person-hours of waiting (50 people x 2 h) disappear.
    assert!((w.waiting_days_before - 100.0 / 24.0).abs() < 1e-9, "{w:?}");
    assert_eq!(w.waiting_days_after, 0.0);
    assert_eq!(w.change, "one more vehicle on `bus` (1 -> 2)");
    assert_eq!(
        w.command,
        "repatsim compare one-bus.toml --vs-set leg.bus.vehicles=2 -n 20 --seed 0"
            .replace("--seed 0", &format!("--seed {}", b.scenario().seed))
    );
    // Nobody has notice here, so nobody can slip away: undefined, not zero.
    assert!(w.evaded_before.is_nan() || w.evaded_before == 0.0);
}

#[test]
fn the_lever_that_buys_most_is_reported_and_the_other_named() {
    // A timetable with one departure a day at 08:00 and one bus of 50: the second half
    // waits a day. One more bus takes everyone at the first departure; one more weekly
    // departure helps only on one day of the week.
    let text = ONE_BUS.replace(
        "return_hours = 1\n",
        "return_hours = 1\ndeparture = \"timetable\"\ntimetable = [\"daily 08:00\"]\n",
    );
    let b = run(&parse(&text), 20, 2);
    let w = what_if(
        &b,
        &[Lever::Departures(0), Lever::Vehicles(0)],
        &[Scope::Leg(0)],
        "t.toml",
        Some(2),
    )
    .unwrap()
    .unwrap();
    assert_eq!(w.change, "one more vehicle on `bus` (1 -> 2)", "{w:?}");
    assert_eq!(w.also_tried.len(), 1);
    assert!(
        w.also_tried[0].starts_with("one more departure a week on `bus`"),
        "{w:?}"
    );
    assert!(w.p90_days_change[0] < -0.9, "{w:?}");
}

#[test]
fn undefined_numbers_survive_a_json_round_trip() {
    let b = run(&parse(ONE_BUS), 1, 1);
    // One replication: too few to pair; build one by hand instead.
    assert!(
        what_if(&b, &[Lever::Vehicles(0)], &[Scope::Leg(0)], "x", Some(1))
            .unwrap()
            .is_none()
    );
    let w = WhatIf {
        change: "c".into(),
        path: "p".into(),
        value: "v".into(),
        first_replication: 0,
        replications: 5,
        p90_days_before: 1.0,
        p90_days_after: f64::NAN,
        p90_days_change: [0.5, f64::NAN, f64::NAN],
        evaded_before: f64::NAN,
        evaded_after: f64::NAN,
        evaded_change: [f64::NAN; 3],
        waiting_days_before: 2.0,
        waiting_days_after: 1.0,
        waiting_days_change: [-1.0, -1.5, -0.5],
        also_tried: vec!["d".into()],
        command: "cmd".into(),
        waiting_at: None,
    };
    let json = serde_json::to_string(&w).unwrap();
    assert!(json.contains("\"p90_days_after\":null"), "{json}");
    let back: WhatIf = serde_json::from_str(&json).unwrap();
    assert_eq!(format!("{back:?}"), format!("{w:?}"));
}
