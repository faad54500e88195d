//! What is still under way at the end counts. A bus too small for the horizon leaves
//! people waiting at its end: their waits count in the cohort's hours per member as in
//! the leg's person-hours (hand-computed). A run that stalls (a bus that leaves only
//! when full, with too few left to fill it) closes its books at the horizon, as the time
//! series do, not at the moment the stall was seen. With everyone home, the hours per
//! member of each use add up to the door-to-door time, replication by replication.

mod common;
use common::*;

/// `size` people at 00:00, one bus of `seats` seats (12 h out, 12 h back, departing
/// `rule`), over `horizon_days`.
fn bus(size: u32, seats: u32, rule: &str, horizon_days: u32) -> String {
    origin_and_home("bus", horizon_days, 1, "")
        + &format!(
            r#"
[[leg]]
name = "bus"
from = "origin"
to = "home"
mode = "bus"
vehicles = 1
seats = {seats}
travel_hours = 12
return_hours = 12
departure = "{rule}"

[[cohort]]
name = "workers"
origin = "origin"
size = {size}
route = ["bus", "home"]
"#
        )
}

#[test]
fn people_waiting_at_the_horizon_count_in_the_hours_per_member() {
    // 100 people, 10 seats, one trip a day at 0, 24, 48, 72, 96 h; horizon 5 days
    // (120 h). Boarded: 10 x (0 + 24 + 48 + 72 + 96) = 2,400 person-hours; the other
    // 50 wait all 120 h: 6,000. In all 8,400, 84 h per member.
    let b = run(&parse(&bus(100, 10, "when_full_or_empty_queue", 5)), 3, 1);
    assert_eq!(mean(&b, "leg.bus.waiting_person_hours"), 8_400.0);
    assert_eq!(mean(&b, "cohort.workers.mean_hours_waiting_for_transport"), 84.0);
    // 50 rode 12 h each; the trip under way at the end (leaving at 96 h) arrived at 108.
    assert_eq!(mean(&b, "cohort.workers.mean_hours_travelling"), 6.0);
    // The mean and longest wait to board count the 50 still waiting, with their 120 h
    // so far: 8,400 / 100, not the 2,400 / 50 of those who boarded.
    assert_eq!(mean(&b, "leg.bus.mean_wait_hours"), 84.0);
    assert_eq!(mean(&b, "leg.bus.max_wait_hours"), 120.0);
}

/// A post closed for good with people in line is not judged by the few it served: five
/// people at 00:00, one booth of an hour, closed from 02:00 past the 2-day horizon.
/// Served: waits 0 and 1 h; three wait 48 h and are still in line. Mean (0 + 1 + 3 x 48)
/// / 5 = 29 h (it was 0.5 h, the two served alone), longest 48 h, 4 of 5 waited.
#[test]
fn people_still_in_line_at_the_end_count_in_the_mean_wait() {
    let text = desk("60", 2.0, "")
        .replace("size = 10", "size = 5")
        .replace("at_hours = 10", "at_hours = 0")
        + "\n[[closure]]\nname = \"shut\"\napplies_to = [\"desk\"]\nfrom = 2023-08-28T02:00:00\nto = 2023-09-30T00:00:00\n";
    let b = run(&parse(&text), 2, 1);
    assert_eq!(mean(&b, "checkpoint.desk.served"), 2.0);
    assert_eq!(mean(&b, "checkpoint.desk.waiting_person_hours"), 145.0);
    assert_eq!(mean(&b, "checkpoint.desk.mean_wait_hours"), 29.0);
    assert_eq!(mean(&b, "checkpoint.desk.max_wait_hours"), 48.0);
    assert_eq!(mean(&b, "checkpoint.desk.p_wait"), 0.8);
}

#[test]
fn a_stalled_run_counts_its_stuck_people_until_the_horizon() {
    // 100 people, 40 seats, leaving only when full: trips at 0 and 24 h, then 20 people
    // can never leave. The run stops when nothing is left to happen (at 24 h), but its
    // books close at the horizon, 120 h: waits 40 x 0 + 40 x 24 + 20 x 120 = 3,360.
    // Such a file is refused before the run; the run's own books are tested on the
    // plan as it would run, changed after validation.
    assert!(repatsim::scenario::parse(&bus(100, 40, "when_full", 5), "t.toml").is_err());
    let mut sc = parse(&bus(80, 40, "when_full", 5));
    sc.cohorts[0].size += 20;
    sc.cohorts[0].mix[0].1 += 20;
    let b = run(&sc, 3, 1);
    assert_eq!(mean(&b, "stalled"), 1.0);
    assert_eq!(mean(&b, "leg.bus.waiting_person_hours"), 3_360.0);
    assert_eq!(mean(&b, "cohort.workers.mean_hours_waiting_for_transport"), 33.6);
    // Seats: 80 seats filled of 80 offered on the two trips.
    assert_eq!(mean(&b, "leg.bus.seat_utilization"), 1.0);
}

#[test]
fn with_everyone_home_the_uses_add_up_to_door_to_door() {
    let b = run(&load("scenarios/russia-return.toml"), 20, 2);
    let sc = b.scenario().clone();
    let uses: Vec<String> = b
        .catalogue
        .iter()
        .map(|m| m.id.clone())
        .filter(|id| id.contains(".mean_hours_"))
        .collect();
    assert!(uses.len() >= 3, "{uses:?}");
    for (c, cohort) in sc.cohorts.iter().enumerate() {
        let prefix = format!("cohort.{}.", cohort.name);
        let d2d = b.column(b.metric_index(&format!("{prefix}mean_door_to_door_days")).unwrap());
        let home = b.column(b.metric_index(&format!("{prefix}home")).unwrap());
        for r in 0..b.len() {
            assert_eq!(
                home[r],
                f64::from(cohort.size),
                "cohort {c}: everyone home in replication {r}"
            );
            let sum: f64 = uses
                .iter()
                .filter(|id| id.starts_with(&prefix))
                .map(|id| b.column(b.metric_index(id).unwrap())[r])
                .sum();
            assert!(
                (sum / 24.0 - d2d[r]).abs() < 1e-9,
                "cohort {}, replication {r}: {sum} h of uses, {} days door to door",
                cohort.name,
                d2d[r]
            );
        }
    }
}
