//! Arrival processes release the number of people their rates imply.

mod common;
use common::*;

fn scenario(arrival: &str, horizon_days: f64, size: u32) -> repatsim::scenario::Scenario {
    parse(&format!(
        r#"
[scenario]
name = "arrivals"
start = 2024-01-01T00:00:00
horizon_days = {horizon_days}
seed = 3

[[site]]
name = "origin"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[cohort]]
name = "people"
origin = "origin"
size = {size}
arrival = {arrival}
route = ["home"]
"#
    ))
}

/// Mean and 95% CI half-width of people released (and so home) by the horizon.
fn released_by(arrival: &str, days: f64) -> (f64, f64) {
    let b = run(&scenario(arrival, days, 100_000), 400, 2);
    let s = b.summary("home").unwrap();
    (s.mean, s.ci95_half_width())
}

#[test]
fn piecewise_daily_rates_release_the_expected_numbers() {
    let a = r#"{ process = "per_day", per_day = [100, 0, 300, 50] }"#;
    for (days, expected) in [(1.0, 100.0), (2.0, 100.0), (2.5, 250.0), (3.0, 400.0), (5.0, 500.0)] {
        let (m, h) = released_by(a, days);
        // Poisson counts: the CI must contain the mean implied by the rates.
        assert!(
            (m - expected).abs() <= h * 1.5 + 1e-9,
            "by day {days}: {m} +/- {h}, expected {expected}"
        );
    }
}

#[test]
fn poisson_rate_and_variance() {
    let b = run(
        &scenario(r#"{ process = "poisson", per_hour = 2.0 }"#, 2.0, 1_000_000),
        2000,
        2,
    );
    let s = b.summary("home").unwrap();
    // 48 hours at 2 per hour: Poisson(96), so the sd across replications is about sqrt(96).
    assert!((s.mean - 96.0).abs() < 3.0 * s.ci95_half_width(), "{s:?}");
    assert!((s.sd - 96f64.sqrt()).abs() < 0.08 * 96f64.sqrt(), "sd {}", s.sd);
}

#[test]
fn batches_and_regular_streams_are_exact() {
    let batches = r#"{ process = "batches", batches = [{ at_hours = 30, people = 7 }, { at_hours = 5, people = 3 }] }"#;
    let b = run(&scenario(batches, 1.0, 10), 3, 1);
    assert_eq!(b.summary("home").unwrap().max, 3.0);
    let b = run(&scenario(batches, 2.0, 10), 3, 1);
    assert_eq!(b.summary("makespan_days").unwrap().mean, 30.0 / 24.0);

    let regular = r#"{ process = "regular", every_hours = 2.0, at_hours = 1.0 }"#;
    let b = run(&scenario(regular, 1.0, 100), 2, 1);
    // Arrivals at 1, 3, ..., 23: twelve in the first day.
    assert_eq!(b.summary("home").unwrap().mean, 12.0);
}
