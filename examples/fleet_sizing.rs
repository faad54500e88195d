//! A scenario written by a program: how many buses does a shuttle need?
//!
//! 300 people wait at an assembly hotel; 45-seat buses take them to a border post one
//! hour away and come back empty in one hour. The program writes the scenario for 1 to
//! 7 buses, runs each on the same random numbers, and checks what a planner can work
//! out by hand: with `n` buses a round trip of 2 hours moves `45 n` people, so the last
//! of 300 people (7 busloads) leaves after `ceil(7 / n) - 1` round trips and is across
//! one hour later.
//!
//!     cargo run --release --example fleet_sizing

use repatsim::experiment::{RunOptions, run};
use repatsim::metrics::{MetricKey, Stat};

fn scenario(buses: u32) -> String {
    format!(
        r#"
[scenario]
name = "shuttle-{buses}"
start = 2023-08-28T06:00:00
horizon_days = 10

[[site]]
name = "hotel"
kind = "origin"

[[site]]
name = "border"
kind = "transit"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "shuttle"
from = "hotel"
to = "border"
mode = "bus"
vehicles = {buses}
seats = 45
travel_hours = 1
return_hours = 1

[[cohort]]
name = "workers"
origin = "hotel"
size = 300
route = ["shuttle", "border", "home"]
"#
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("buses  hours until everyone is across  (by hand)");
    let mut previous = f64::INFINITY;
    for buses in 1..=7u32 {
        let sc = repatsim::scenario::parse(&scenario(buses), "generated.toml")?.scenario;
        let batch = run(&sc, &RunOptions::new(0..10))?;
        let hours = batch.summary_of(MetricKey::overall(Stat::MakespanDays)).unwrap().mean * 24.0;
        let loads = 300u32.div_ceil(45);
        let by_hand = f64::from(2 * (loads.div_ceil(buses) - 1) + 1);
        println!("{buses:>5}  {hours:>30.2}  ({by_hand})");
        assert!(
            (hours - by_hand).abs() < 1e-9,
            "{buses} buses: {hours} h, expected {by_hand} h"
        );
        assert!(hours <= previous, "more buses never take longer");
        previous = hours;
    }
    Ok(())
}
