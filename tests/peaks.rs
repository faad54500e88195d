//! Peaks count what could be seen: the most people waiting (or present) for a positive
//! time, not the momentary count while simultaneous arrivals are being sorted into
//! service. The cases of the issue that found the bug, checked by hand.

mod common;
use common::*;

const DESK: &str = r#"
[scenario]
name = "desk"
start = 2023-08-28T00:00:00
horizon_days = 2

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "desk"
servers = 3
service_minutes = 6

[[cohort]]
name = "ten"
origin = "camp"
size = 10
arrival = { process = "all_at_once", at_hours = 10 }
route = ["desk", "home"]
"#;

/// 3 booths, 6 minutes each, 10 people at 10:00: 3 start at once, 7 wait (the last 3
/// for 12 minutes, one for 18): at most 7 ever waited.
#[test]
fn simultaneous_arrivals_at_a_desk_count_seven_waiting_not_ten() {
    let b = run(&parse(DESK), 3, 1);
    assert_eq!(b.summary("checkpoint.desk.p_wait").unwrap().mean, 0.7);
    assert!((b.summary("checkpoint.desk.max_wait_hours").unwrap().mean - 0.3).abs() < 1e-12);
    assert_eq!(b.summary("checkpoint.desk.peak_queue").unwrap().max, 7.0);
    // (7 * 0.1 + 4 * 0.1 + 1 * 0.1) person-hours over the 24 minutes until the last is home.
    let mean_queue = b.summary("checkpoint.desk.mean_queue").unwrap().mean;
    assert!((mean_queue - 1.2 / (10.4 - 0.0)).abs() < 1e-9, "{mean_queue}");
}

/// Five 2-seat buses and the same 10 people: everyone boards at once, nobody waits.
#[test]
fn people_boarding_at_once_never_queued() {
    let text = DESK
        .replace(
            "[[checkpoint]]\nname = \"desk\"\nservers = 3\nservice_minutes = 6\n",
            "[[leg]]\nname = \"bus\"\nfrom = \"camp\"\nto = \"home\"\nmode = \"bus\"\nvehicles = 5\nseats = 2\ntravel_hours = 1\n",
        )
        .replace("route = [\"desk\", \"home\"]", "route = [\"bus\", \"home\"]");
    let b = run(&parse(&text), 3, 1);
    assert_eq!(b.summary("leg.bus.max_wait_hours").unwrap().max, 0.0);
    assert_eq!(b.summary("leg.bus.peak_queue").unwrap().max, 0.0);
    assert_eq!(b.summary("leg.bus.trips").unwrap().mean, 5.0);
}
