//! Bugs found by review, each pinned by the scenario that showed it
//! (tests/regressions/*.toml).

mod common;
use common::*;
use repatsim::experiment::run_one;
use repatsim::model::{EndReason, Phase, Step};

fn batch(file: &str, n: u64) -> repatsim::experiment::Batch {
    run(&load(&format!("tests/regressions/{file}")), n, 2)
}

fn mean(b: &repatsim::experiment::Batch, m: &str) -> f64 {
    b.summary(m).unwrap_or_else(|| panic!("no {m}")).mean
}

#[test]
fn a_reserved_bed_comes_back_when_its_passenger_evades() {
    // Ten runners ride an unescorted reserving bus and slip away at a closed customs post;
    // their reservations must be released, or the ten stayers never get a bus.
    let b = batch("r1_reserve_evade.toml", 20);
    assert_eq!(mean(&b, "cohort.stayers.home"), 10.0);
    assert_eq!(b.end_counts().2, 0, "no stall");
}

#[test]
fn passengers_who_need_no_bed_reserve_none() {
    // A reserving bus shared by a cohort going straight home and one going to quarantine.
    let b = batch("r2_reserve_mixed.toml", 20);
    assert_eq!(mean(&b, "home"), 20.0);
    assert_eq!(b.end_counts().0, 20);
}

#[test]
fn people_waiting_for_approval_are_not_overtaken() {
    // Five approvals a day; ten people at 0 h, five more at 24 h: the five left over from
    // day 0 go on day 1, the newcomers on day 2.
    let sc = load("tests/regressions/r3_approval_order.toml");
    let r = run_one(&network(&sc), 0);
    assert!(
        (r.cohorts[0].door_to_door_max_hours - 25.0).abs() < 1e-9,
        "{}",
        r.cohorts[0].door_to_door_max_hours
    );
    assert!((r.makespan_hours.unwrap() - 49.0).abs() < 1e-9);
}

#[test]
fn approvals_go_by_priority_among_people_released_together() {
    // Five approvals a day; ten people released together, one of them a vip placed after
    // others in release order: the vip is approved on day 0 and home at 1 h, and four
    // others go with them.
    let sc = load("tests/regressions/r8_approval_priority.toml");
    let vip = sc.categories.iter().position(|c| c.name == "vip").unwrap();
    let r = run_one(&network(&sc), 0);
    let d = &r.categories[vip].door_to_door;
    assert_eq!(d.count, 1);
    assert!((d.max - 1.0).abs() < 1e-9, "vip home after {} h", d.max);
    assert!((r.makespan_hours.unwrap() - 25.0).abs() < 1e-9);
}

#[test]
fn a_timetabled_departure_waits_for_the_vehicle_back_at_that_instant() {
    // One bus back exactly at each next departure time (r9): 13 trips, none missed,
    // everyone home at 27 h.
    let sc = load("tests/regressions/r9_back_at_departure.toml");
    let r = run_one(&network(&sc), 0);
    assert_eq!((r.legs[0].trips, r.legs[0].missed_departures), (13, 0));
    assert!(
        (r.makespan_hours.unwrap() - 27.0).abs() < 1e-9,
        "{:?}",
        r.makespan_hours
    );
}

#[test]
fn a_long_voyage_after_the_last_dated_sailing_is_not_a_stall() {
    let b = batch("r4_false_stall.toml", 5);
    assert_eq!(b.end_counts(), (5, 0, 0));
    assert_eq!(mean(&b, "home"), 20.0);
}

#[test]
fn isolated_people_are_reported_where_they_are() {
    let sc = load("tests/regressions/r5_isolation_where.toml");
    let r = run_one(&network(&sc), 0);
    let hospital = sc.site_by_name("hospital").unwrap().0;
    let quarantine = sc.site_by_name("quarantine").unwrap().0;
    let at = |s: Step, w: Option<Step>| {
        r.holdings
            .iter()
            .filter(|h| h.at == s && h.waiting_for == w)
            .map(|h| h.people)
            .sum::<u64>()
    };
    assert_eq!(at(Step::Site(hospital), None), 1, "{:?}", r.holdings);
    assert_eq!(
        at(Step::Site(quarantine), Some(Step::Site(hospital))),
        9,
        "{:?}",
        r.holdings
    );
    assert!(r.holdings.iter().all(|h| h.phase != Phase::Home));
    let b = batch("r5_isolation_where.toml", 3);
    // All ten are held up by the hospital's bed: one in it, nine (in quarantine beds)
    // waiting for it.
    assert_eq!(mean(&b, "in_stage.hospital.people"), 10.0);
    assert_eq!(mean(&b, "in_stage.quarantine.people"), 0.0);
    assert!(b.timeseries.spec.names.iter().any(|n| n == "site.hospital.occupancy"));
}

#[test]
fn a_test_at_a_site_with_no_stay_still_happens() {
    let b = batch("r6_zero_stay_test.toml", 3);
    assert_eq!(mean(&b, "site.border.tested_positive"), 10.0);
    assert!((mean(&b, "cohort.c.mean_door_to_door_days") * 24.0 - 26.0).abs() < 0.01);
}

#[test]
fn statistics_close_at_the_last_event_even_after_the_last_arrival_home() {
    let b = batch("r7_end_before_evasion.toml", 10);
    assert!(b.summary("site.hotel.bed_utilization").unwrap().max <= 1.0);
    assert!(b.summary("site.hotel.mean_occupancy").unwrap().max <= 10.0);
    let sc = load("tests/regressions/r7_end_before_evasion.toml");
    for rep in 0..10 {
        let r = run_one(&network(&sc), rep);
        if r.end_reason == EndReason::AllHome {
            assert!(r.makespan_hours.unwrap() <= r.end_hours);
        }
    }
}

/// Four people, two approvals a day, a 2-seat bus: `arrival` and `wave` lines go in.
fn approvals_scenario(arrival_and_waves: &str) -> String {
    format!(
        "[scenario]\nname = \"q\"\nstart = 2024-01-01T00:00:00\nhorizon_days = 10\nseed = 1\n\n\
         [[site]]\nname = \"origin\"\nkind = \"origin\"\n\n[[site]]\nname = \"home\"\nkind = \"home\"\n\n\
         [[leg]]\nname = \"bus\"\nfrom = \"origin\"\nto = \"home\"\nmode = \"bus\"\nvehicles = 1\nseats = 2\n\
         travel_hours = 1\nreturn_hours = 1\n\n\
         [[cohort]]\nname = \"c\"\norigin = \"origin\"\nsize = 4\napprovals_per_day = 2\nroute = [\"bus\", \"home\"]\n\
         {arrival_and_waves}\n"
    )
}

#[test]
fn a_cohorts_trace_rows_count_who_has_not_set_out() {
    use repatsim::model::World;
    use repatsim::model::timeseries::{TraceKind, TraceStage};
    let cohort_rows = |text: &str| -> Vec<(TraceKind, u64)> {
        let (_, rows) = World::new(network(&parse(text))).run_traced(0);
        rows.iter()
            .filter(|r| matches!(r.stage, TraceStage::Cohort(_)))
            .map(|r| (r.kind, r.queue_after))
            .collect()
    };
    use TraceKind::{Approved as A, Notify as N, Ready as Y, Release as R};
    // One released an hour: each asks for approval in the event that releases them, so
    // the release row counts them (the rows once said 1 after the fourth release, with
    // two waiting); day 0's two approvals go at once, day 1's at midnight.
    let arrivals = approvals_scenario("arrival = { process = \"regular\", every_hours = 1, at_hours = 0 }");
    assert_eq!(
        cohort_rows(&arrivals),
        vec![(R, 4), (A, 3), (R, 3), (A, 2), (R, 2), (R, 2), (A, 1), (A, 0)]
    );
    // Notified at 0 h, ready at 5 h: nobody has set out until approved (the rows once
    // said 4 on notice, then 0, 1, 2, 3 as they became ready).
    let waves = approvals_scenario("\n[[wave]]\ncohort = \"c\"\nat_day = 0\nnotify = 4\nlead_hours = 5");
    assert_eq!(
        cohort_rows(&waves),
        vec![
            (N, 4),
            (N, 4),
            (N, 4),
            (N, 4),
            (Y, 4),
            (Y, 4),
            (Y, 4),
            (Y, 4),
            (A, 3),
            (A, 2),
            (A, 1),
            (A, 0)
        ]
    );
}
