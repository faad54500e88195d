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
    // With its own figures, to weigh against the winner's: a ranking of point
    // estimates is no more than that.
    assert!(
        w.also_tried[0].contains(": P90 day ") && w.also_tried[0].contains("waiting everywhere"),
        "{w:?}"
    );
    assert!(w.p90_days_change[0] < -0.9, "{w:?}");
}

/// Levers that buy exactly the same (here nothing: a daily 08:00 departure with seats
/// for everyone) are named as buying as much, not as having bought less.
#[test]
fn levers_that_buy_the_same_are_not_ranked() {
    let text = ONE_BUS.replace("seats = 50", "seats = 200").replace(
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
    assert_eq!(w.p90_days_change[0], 0.0, "{w:?}");
    assert_eq!(w.waiting_days_change[0], 0.0, "{w:?}");
    assert!(w.also_tried.is_empty(), "{w:?}");
    assert_eq!(w.tied.len(), 1, "{w:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(!sentence.contains("bought more"), "{sentence}");
    assert!(sentence.contains("bought exactly as much"), "{sentence}");
}

/// The extra departure tried is one that can run: with an escort on duty 06:00-18:00,
/// not the middle of the night gap (20:00) but the on-duty quarter hour farthest from
/// the 08:00 departure, 17:45.
#[test]
fn an_extra_departure_is_tried_when_its_escort_is_on_duty() {
    let text = ONE_BUS.replace(
        "return_hours = 1\n",
        "return_hours = 1\ndeparture = \"timetable\"\ntimetable = [\"daily 08:00\"]\n\
         needs = [{ pool = \"escort\", units = 1, held = \"round_trip\" }]\n",
    ) + "\n[[pool]]\nname = \"escort\"\nsize = 5\non_duty_hours = \"06:00-18:00\"\n";
    let b = run(&parse(&text), 5, 1);
    let (path, value, words) = repatsim::experiment::whatif::step(&b, Lever::Departures(0)).unwrap();
    assert_eq!(path, "leg.bus.timetable");
    assert!(words.contains("(mon 17:45, when its pools are on duty"), "{words}");
    assert!(format!("{value:?}").contains("mon 17:45"), "{value:?}");
    // Without the escort the middle of the longest gap is taken, as before.
    let free = run(
        &parse(&text.replace(
            "needs = [{ pool = \"escort\", units = 1, held = \"round_trip\" }]\n",
            "",
        )),
        5,
        1,
    );
    let (_, _, words) = repatsim::experiment::whatif::step(&free, Lever::Departures(0)).unwrap();
    assert!(
        words.contains("(mon 20:00, in the longest gap of its timetable)"),
        "{words}"
    );
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
        unfinished_before: 0,
        unfinished_after: 3,
        evaded_before: f64::NAN,
        evaded_after: f64::NAN,
        evaded_change: [f64::NAN; 3],
        turned_away_before: 4.0,
        turned_away_after: f64::NAN,
        turned_away_change: [-1.0, f64::NAN, 0.5],
        waiting_days_before: 2.0,
        waiting_days_after: 1.0,
        waiting_days_change: [-1.0, -1.5, -0.5],
        total_waiting_days_before: 3.0,
        total_waiting_days_after: f64::NAN,
        total_waiting_days_change: [-0.5, f64::NAN, 0.0],
        waiting_moved_to: vec!["f".into()],
        also_tried: vec!["d".into()],
        tied: vec!["e".into()],
        command: "cmd".into(),
        waiting_at: None,
        at_runner_up: None,
    };
    let json = serde_json::to_string(&w).unwrap();
    assert!(json.contains("\"p90_days_after\":null"), "{json}");
    let back: WhatIf = serde_json::from_str(&json).unwrap();
    assert_eq!(format!("{back:?}"), format!("{w:?}"));
}

/// Ten people at one desk (service 1 h on average, exponential) and a 0.9-day horizon:
/// a quarter of the replications never get everyone home. The what-if counts those as
/// later than the horizon: before, the P90 lies beyond it (not the P90 of the finished
/// ones, which would look like a day within it); one more booth brings it within.
#[test]
fn a_p90_beyond_the_horizon_is_said_to_be_so() {
    let text = desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, "");
    let b = run(&parse(&text), 200, 2);
    let column = b.column(b.metric_index("makespan_days").unwrap());
    let unfinished = column.iter().filter(|x| !x.is_finite()).count() as u64;
    assert!(unfinished > 20, "{unfinished} of 200 unfinished");
    let w = what_if(&b, &[Lever::Booths(0)], &[Scope::Checkpoint(0)], "desk.toml", Some(2))
        .unwrap()
        .expect("one more booth");
    assert_eq!(w.unfinished_before, unfinished);
    assert_eq!(w.unfinished_after, 0);
    assert!(w.p90_days_before.is_infinite() && w.p90_days_after.is_finite(), "{w:?}");
    assert_eq!(w.p90_days_change[0], f64::NEG_INFINITY);
    let s = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(
        s.contains(&format!(
            "comes within the horizon: day {} (before, {unfinished} of 200 replications did not end every journey within it)",
            repatsim::metrics::fmt_num(w.p90_days_after)
        )),
        "{s}"
    );
    // Survives summary.json: the counts say what the `null` P90 meant.
    let back: WhatIf = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
    assert_eq!(repatsim::report::findings::what_if_sentence(&back, b.scenario()), s);
    // And the run's own finding does not claim a day for 90% of replications.
    let f = repatsim::report::findings::findings(&b, None);
    assert!(
        f[0].contains("in only") && f[0].contains("lies beyond the horizon"),
        "{}",
        f[0]
    );
    assert!(!f.iter().any(|x| x.contains("90% of replications (")), "{f:?}");
    // The desk is always open: its idle hours come between bunches of arrivals, not
    // from closing (the finding once said people wait "while it is closed").
    let idle = f
        .iter()
        .find(|x| x.contains("`desk` is idle"))
        .expect("an idle finding");
    assert!(
        idle.contains("people arrive in bunches") && !idle.contains("closed"),
        "{idle}"
    );
    assert!(idle.contains("(1 booth)"), "{idle}");
    // The table beside them: the makespan's mean unknown, its P90 beyond the horizon.
    let table = repatsim::report::console::summary_table(&b, None, false);
    let row = table
        .lines()
        .find(|l| l.trim_start().starts_with("Days until everyone is home"))
        .unwrap_or_else(|| panic!("no makespan row in\n{table}"));
    assert!(row.contains("> horizon") && row.contains("undefined"), "{row}");
    // And the makespan chart: the histogram of the finished ones, its P90 said to be
    // beyond the horizon, not drawn at the finished ones' P90.
    // The timeline's replication is the median of all of them, the unfinished ones
    // counting as later (not the median of the finished ones alone).
    let rep = repatsim::report::timeline::representative(&b) as usize;
    let censored: Vec<f64> = column
        .iter()
        .map(|&x| if x.is_finite() { x } else { f64::INFINITY })
        .collect();
    let below = censored.iter().filter(|&&x| x < censored[rep]).count();
    let up_to = censored.iter().filter(|&&x| x <= censored[rep]).count();
    assert!(
        below <= 99 && up_to >= 100,
        "replication {rep}: {below} below, {up_to} up to it"
    );
    let charts = repatsim::report::charts::run::charts(&b).unwrap();
    let chart = charts.iter().find(|c| c.name == "makespan").expect("a makespan chart");
    assert!(
        chart.alt.contains("90th percentile beyond the horizon"),
        "{}",
        chart.alt
    );
    assert!(
        chart.svg.contains("90th percentile: beyond"),
        "legend (wrapped after \"beyond\")"
    );
    assert!(
        chart
            .caption
            .contains(&format!("count the other {unfinished} as later")),
        "{}",
        chart.caption
    );
}

/// The what-if's command reproduces it: a run with `--set` names the same overrides
/// (without them the compare would run the file's own plan), and `compare` heads each
/// side with every change it runs with.
#[test]
fn the_reproducing_command_carries_the_runs_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("one-bus.toml");
    std::fs::write(&file, ONE_BUS).unwrap();
    let bin = || assert_cmd::Command::cargo_bin("repatsim").unwrap();
    let o = bin()
        .arg("run")
        .arg(&file)
        .args(["-n", "20", "-q", "--set", "leg.bus.seats=40"])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    let command = text
        .split("to reproduce: ")
        .nth(1)
        .and_then(|t| t.lines().next())
        .unwrap_or_else(|| panic!("{text}"));
    let expected = format!("repatsim compare {} --set leg.bus.seats=40 --vs-set ", file.display());
    assert!(command.starts_with(&expected), "{command}");
    // Running it gives the effect the run reported.
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let o = bin().args(&args).output().unwrap();
    let compared = String::from_utf8(o.stdout).unwrap();
    assert!(
        compared.contains("A: ") && compared.contains("with leg.bus.seats=40\n"),
        "{compared}"
    );
    // 40 seats for 100 people: trips at 0, 2 and 4 h, waits 40 x 2 + 20 x 4 = 160
    // person-hours; with two buses 20 x 2 = 40. The run said -5 person-days, and the
    // command it gave finds -120 person-hours.
    assert!(
        text.contains("waiting at the bottleneck changes by -5.00 person-days"),
        "{text}"
    );
    let row = compared
        .lines()
        .find(|l| l.trim_start().starts_with("leg.bus.waiting_person_hours"))
        .unwrap_or_else(|| panic!("{compared}"));
    assert!(
        row.contains("160.0") && row.contains("-120.0 [-120.0, -120.0]"),
        "{row}"
    );
}

/// 100 people, one bus of 40 seats leaving daily at 08:00 (2 h), then customs with two
/// booths of 30 minutes open 08:00-18:00 (4 people an hour). By hand: the bus wait is
/// 40 x 8 + 40 x 32 + 20 x 56 = 2,720 person-hours; with a second bus, 80 leave on day
/// one, 80 x 8 + 20 x 32 = 1,280. Customs lets the same 4 an hour through either way, so
/// everyone leaves it when they did: the 1,440 person-hours (60 person-days) saved at
/// the bus are spent in the customs line. The what-if says so and claims no gain.
#[test]
fn waiting_that_only_moves_on_is_no_gain() {
    let text = r#"
[scenario]
name = "moves-on"
start = 2024-01-01T00:00:00
horizon_days = 20

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "border"
kind = "transit"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "camp"
to = "border"
mode = "bus"
vehicles = 1
seats = 40
travel_hours = 2
return_hours = 2
departure = "timetable"
timetable = ["daily 08:00"]

[[checkpoint]]
name = "customs"
site = "border"
servers = 2
service_minutes = 30
open_hours = "08:00-18:00"

[[cohort]]
name = "workers"
origin = "camp"
size = 100
route = ["bus", "customs", "home"]
"#;
    let b = run(&parse(text), 20, 2);
    let w = what_if(&b, &[Lever::Vehicles(0)], &[Scope::Leg(0)], "t.toml", Some(2))
        .unwrap()
        .unwrap();
    assert!((w.waiting_days_before - 2720.0 / 24.0).abs() < 1e-9, "{w:?}");
    assert!((w.waiting_days_change[0] + 60.0).abs() < 1e-9, "{w:?}");
    assert!(w.total_waiting_days_change.iter().all(|x| x.abs() < 1e-9), "{w:?}");
    assert_eq!(w.waiting_moved_to, vec!["at `customs` (+60.00)".to_string()], "{w:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(sentence.contains("waiting grows elsewhere"), "{sentence}");
    assert!(sentence.contains("Overall it buys no detectable gain"), "{sentence}");
}

/// Too few replications for a CI: the change seen is stated for these replications,
/// never as "no detectable change".
#[test]
fn a_change_without_a_ci_is_not_called_no_change() {
    let b = run(&parse(ONE_BUS), 3, 2);
    let w = what_if(&b, &[Lever::Vehicles(0)], &[Scope::Leg(0)], "t.toml", Some(2))
        .unwrap()
        .unwrap();
    assert!(w.p90_days_change[1].is_nan(), "{w:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(!sentence.contains("no detectable"), "{sentence}");
    assert!(
        sentence.contains("changes by -0.083 days on these replications (too few of them for a 95% CI)"),
        "{sentence}"
    );
}

/// A daily flight of 10 seats that reserves beds in a quarantine of 22 (48-hour stays):
/// its line waits for the flight every day, and for beds on the days the quarantine has
/// fewer than 10 free. The table counts the second part at the beds; the what-if counts
/// the leg's waiting whole, and must say so beside the number.
#[test]
fn a_reserving_legs_waiting_is_named_whole_beside_the_what_if() {
    let text = r#"
[scenario]
name = "reserving-flight"
start = 2024-01-01T00:00:00
horizon_days = 30

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "quarantine"
kind = "quarantine"
beds = 22
stay_hours = 48

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "flight"
from = "camp"
to = "quarantine"
mode = "flight"
vehicles = 1
seats = 10
travel_hours = 1
departure = "timetable"
timetable = ["daily 08:00"]
admission = "reserve"

[[cohort]]
name = "workers"
origin = "camp"
size = 60
route = ["flight", "quarantine", "home"]
"#;
    let b = run(&parse(text), 10, 2);
    let top = repatsim::report::waiting::bottleneck(&b).unwrap();
    assert_eq!(
        (top.kind, top.stage.as_str()),
        (repatsim::report::waiting::WaitKind::Leg, "flight")
    );
    let whole = b.mean_of(repatsim::metrics::MetricKey::new(
        Scope::Leg(0),
        repatsim::metrics::Stat::WaitingPersonHours,
    ));
    assert!(
        top.person_hours < whole - 1.0,
        "some of it is counted at the beds: {top:?}, {whole}"
    );
    let w = what_if(&b, &[Lever::Vehicles(0)], &top.scopes, "t.toml", Some(2))
        .unwrap()
        .unwrap();
    assert!((w.waiting_days_before - whole / 24.0).abs() < 1e-9, "{w:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(
        sentence.contains("waiting to board `flight` (all of it, also while held back for beds at `quarantine`)"),
        "{sentence}"
    );
}

/// The same flight fed by a bus that reserves its seats: the bottleneck is the flight
/// with the bus's waits, and the what-if counts both legs' waiting whole. It named
/// nothing beside the number (a tester saw 9,000 person-days in the table and "from
/// 13,220" in the what-if, unexplained), as it looked only at the bottleneck's first leg.
#[test]
fn a_reserving_legs_feeders_are_named_with_it_beside_the_what_if() {
    let text = r#"
[scenario]
name = "reserving-flight-fed"
start = 2024-01-01T00:00:00
horizon_days = 30

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "airport"
kind = "transit"

[[site]]
name = "quarantine"
kind = "quarantine"
beds = 22
stay_hours = 48

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "camp"
to = "airport"
mode = "bus"
vehicles = 1
seats = 40
travel_hours = 2
reserve_seats_on = "flight"

[[leg]]
name = "flight"
from = "airport"
to = "quarantine"
mode = "flight"
vehicles = 1
seats = 10
travel_hours = 1
departure = "timetable"
timetable = ["daily 08:00"]
admission = "reserve"

[[cohort]]
name = "workers"
origin = "camp"
size = 60
route = ["bus", "airport", "flight", "quarantine", "home"]
"#;
    let b = run(&parse(text), 10, 2);
    let top = repatsim::report::waiting::bottleneck(&b).unwrap();
    assert_eq!(
        (top.kind, top.stage.as_str(), top.scopes.len()),
        (repatsim::report::waiting::WaitKind::Leg, "flight", 2),
        "{top:?}"
    );
    let whole: f64 = [0, 1]
        .map(|l| {
            b.mean_of(repatsim::metrics::MetricKey::new(
                Scope::Leg(l),
                repatsim::metrics::Stat::WaitingPersonHours,
            ))
        })
        .iter()
        .sum();
    assert!(
        top.person_hours < whole - 1.0,
        "some of it is counted at the beds: {top:?}, {whole}"
    );
    let w = what_if(&b, &[Lever::Vehicles(1)], &top.scopes, "t.toml", Some(2))
        .unwrap()
        .unwrap();
    assert!((w.waiting_days_before - whole / 24.0).abs() < 1e-9, "{w:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(
        sentence.contains(
            "waiting to board `bus` and `flight` (all of it, also while `flight` held people back for beds at `quarantine`)"
        ),
        "{sentence}"
    );
}

/// A desk of 10-minute services that turns people away when five wait, with eight
/// people an hour (load 1.33): one more booth brings most of them home, and the what-if must say so (it once reported a few minutes of P90 only).
#[test]
fn the_what_if_counts_the_people_no_longer_turned_away() {
    let text = r#"
[scenario]
name = "turn-away"
start = 2024-01-01T00:00:00
horizon_days = 5

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "desk"
servers = 1
service_minutes = { dist = "exponential", mean = 10 }
max_line = 5
give_up = "turned_away"

[[cohort]]
name = "people"
origin = "camp"
size = 100
arrival = { process = "poisson", per_hour = 8 }
route = ["desk", "home"]
"#;
    let b = run(&parse(text), 20, 2);
    let w = what_if(&b, &[Lever::Booths(0)], &[Scope::Checkpoint(0)], "t.toml", Some(2))
        .unwrap()
        .unwrap();
    let before = b.mean_of(repatsim::metrics::MetricKey::overall(
        repatsim::metrics::Stat::TurnedAway,
    ));
    assert!((w.turned_away_before - before).abs() < 1e-9, "{w:?}");
    assert!(w.turned_away_change[2] < -10.0, "a clear fall: {w:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(
        sentence.contains("the number of people turned away changes by -"),
        "{sentence}"
    );
    // Where nobody can be turned away, nothing is said of it.
    let b = run(&parse(ONE_BUS), 4, 1);
    let w = what_if(&b, &[Lever::Vehicles(0)], &[Scope::Leg(0)], "t.toml", Some(2))
        .unwrap()
        .unwrap();
    assert!(w.turned_away_before.is_nan(), "{w:?}");
    assert!(!repatsim::report::findings::what_if_sentence(&w, b.scenario()).contains("turned away"));
}

/// One 10-seat bus (4 h round trip) feeding a post of two booths that turns people away
/// when six wait or patience (an hour on average) runs out. A second bus brings them in
/// twice as fast, so more are turned away and the last journey ends sooner: a step
/// that loses people must say so, and rank below any that does not.
#[test]
fn a_step_that_loses_more_people_says_so_and_ranks_last() {
    let text = r#"
[scenario]
name = "turn2"
start = 2024-01-01T00:00:00
horizon_days = 10
seed = 4

[[site]]
name = "origin"
kind = "origin"

[[site]]
name = "border"
kind = "transit"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "origin"
to = "border"
mode = "bus"
vehicles = 1
seats = 10
travel_hours = 2
return_hours = 2

[[checkpoint]]
name = "post"
site = "border"
servers = 2
service_minutes = { dist = "exponential", mean = 20 }
max_line = 6
patience_hours = { dist = "exponential", mean = 1 }
give_up = "turned_away"

[[cohort]]
name = "c"
origin = "origin"
size = 100
route = ["bus", "post", "home"]
"#;
    let b = run(&parse(text), 20, 2);
    let bus = what_if(&b, &[Lever::Vehicles(0)], &[Scope::Leg(0)], "t.toml", Some(2))
        .unwrap()
        .unwrap();
    assert!(bus.p90_days_change[2] < 0.0, "the last journey ends sooner: {bus:?}");
    assert!(bus.loses_more_people(), "{bus:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&bus, b.scenario());
    assert!(sentence.contains("Beware: it loses more people"), "{sentence}");
    // Tried beside a booth more (which turns fewer away), the bus ranks below it
    // although it brings the P90 day further forward.
    let booth = what_if(&b, &[Lever::Booths(0)], &[Scope::Checkpoint(0)], "t.toml", Some(2))
        .unwrap()
        .unwrap();
    assert!(!booth.loses_more_people(), "{booth:?}");
    assert!(bus.p90_days_change[0] < booth.p90_days_change[0], "{bus:?} {booth:?}");
    let both = what_if(
        &b,
        &[Lever::Vehicles(0), Lever::Booths(0)],
        &[Scope::Leg(0)],
        "t.toml",
        Some(2),
    )
    .unwrap()
    .unwrap();
    assert_eq!(both.change, booth.change, "{both:?}");
    let sentence = repatsim::report::findings::what_if_sentence(&both, b.scenario());
    assert!(
        sentence.contains("ranked lower (one that loses more people last; the rest by a smaller fall")
            && sentence.contains("but it loses more people (turned away or slipping away)"),
        "{sentence}"
    );
    // The post is idle most of its hours, but while it turns people away the finding
    // says it lacks booths when they come, not that its idle hours are no booths to spare.
    let f = repatsim::report::findings::findings(&b, None);
    let post = f
        .iter()
        .find(|l| l.starts_with("`post` is idle"))
        .expect("the idle finding");
    assert!(
        post.contains("and it turns away") && !post.contains("booths to spare"),
        "{post}"
    );
}

/// A feeder bus that reserves seats on a weekly charter, and an exit control between
/// them that can serve only in the hour where its opening hours (22:00-06:00) meet the
/// charter's check-in window (05:00-09:00): people queue longest for the bus (their seats
/// are held by those stuck at the control), so the bottleneck is the charter, whose own
/// steps can hardly help (a tester's case: the what-if offered a flight nobody could
/// catch). The runner-up's booth is tried too, ranks first, and the sentence says where.
#[test]
fn the_runner_up_stages_step_is_tried_and_said_to_be_off_the_bottleneck() {
    let text = r#"
[scenario]
name = "one-hour-control"
start = 2024-01-01T00:00:00
horizon_days = 42

[[site]]
name = "embassy"
kind = "origin"

[[site]]
name = "hub"
kind = "transit"
beds = 250

[[site]]
name = "quarantine"
kind = "quarantine"
beds = 200

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "feeder"
from = "embassy"
to = "hub"
mode = "bus"
vehicles = 4
seats = 50
travel_hours = 3
reserve_seats_on = "charter"

[[leg]]
name = "charter"
from = "hub"
to = "quarantine"
mode = "flight"
vehicles = 1
seats = 180
travel_hours = 4
departure = "timetable"
timetable = ["wed 10:00"]
admission = "reserve"

[[checkpoint]]
name = "exit-control"
site = "hub"
servers = 1
service_minutes = 3
open_hours = "22:00-06:00"
checkin = { leg = "charter", opens_hours_before = 5, closes_hours_before = 1 }

[[cohort]]
name = "nationals"
origin = "embassy"
size = 1000
route = ["feeder", "hub", "exit-control", "charter", "quarantine", "home"]

[[wave]]
cohort = "nationals"
at_day = 0
notify = 300
lead_hours = 48
every_days = 7
count = 4
"#;
    let b = run(&parse(text), 10, 2);
    let stages = repatsim::report::waiting::waiting_by_stage(&b);
    assert_eq!(stages[0].stage, "charter", "{stages:?}");
    assert_eq!(stages[1].stage, "exit-control", "{stages:?}");
    assert!(
        stages[1].share >= repatsim::report::findings::RUNNER_UP_SHARE,
        "{stages:?}"
    );
    let options = repatsim::report::ReportOptions {
        threads: Some(2),
        ..Default::default()
    };
    let w = repatsim::report::findings::what_if_for(&b, &options, "t.toml")
        .unwrap()
        .unwrap();
    assert_eq!(w.path, "checkpoint.exit-control.servers", "{w:?}");
    assert_eq!(w.at_runner_up.as_deref(), Some("service at `exit-control`"));
    // It ranked first because it buys more: more people home within the horizon and
    // less waiting everywhere than the charter's steps.
    assert!(w.total_waiting_days_change[2] < 0.0, "{w:?}");
    assert!(
        w.also_tried
            .iter()
            .all(|t| t.contains("on `charter`") || t.contains("on charter")),
        "{:?}",
        w.also_tried
    );
    let sentence = repatsim::report::findings::what_if_sentence(&w, b.scenario());
    assert!(
        sentence.contains(
            "(not at the bottleneck but at the second place people wait, service at `exit-control`: it ranked above the bottleneck's own steps)"
        ),
        "{sentence}"
    );
}
