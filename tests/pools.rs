//! Pools of shared units (`[[pool]]`): escorts a departure needs, shifts, a fleet shared
//! by two legs, staff shared by two checkpoints, dispatch by priority. Every case is
//! deterministic and worked out by hand in its comment.

mod common;
use common::{mean, origin_and_home, parse, run};
use repatsim::report::waiting::{WaitKind, bottleneck};

/// 100 people at `origin`; three 20-seat buses straight home, 2 h each way, leaving as
/// soon as anyone waits; each departure needs `need` from a pool `pool`.
fn convoy(pool: &str, need: &str) -> String {
    format!(
        "{}\n{pool}\n[[leg]]\nname = \"bus\"\nfrom = \"origin\"\nto = \"home\"\nmode = \"bus\"\nvehicles = 3\nseats = 20\n\
         travel_hours = 2\n{need}\n\n[[cohort]]\nname = \"workers\"\norigin = \"origin\"\nsize = 100\nroute = [\"bus\", \"home\"]\n",
        origin_and_home("convoy", 10, 1, "")
    )
}

const ESCORT_NEED: &str = "needs = [{ pool = \"escorts\" }]";

#[test]
fn one_escort_team_sets_the_pace_of_three_buses() {
    // One escort team, held for the round trip (4 h): departures at 0, 4, 8, 12, 16 with
    // 20 each, home at 2, 6, 10, 14, 18. The buses wait for the escort from 0 to 16 with
    // 80, 60, 40, 20 people: 800 person-hours, all of the waiting. Cost 10/h x 18 h.
    let sc = parse(&convoy(
        "[[pool]]\nname = \"escorts\"\nsize = 1\ncost_per_unit_hour = 10\n",
        ESCORT_NEED,
    ));
    let b = run(&sc, 3, 1);
    assert_eq!(mean(&b, "makespan_days"), 18.0 / 24.0);
    assert_eq!(mean(&b, "leg.bus.trips"), 5.0);
    assert_eq!(mean(&b, "pool.escorts.utilization"), 1.0);
    assert_eq!(mean(&b, "pool.escorts.peak_in_use"), 1.0);
    assert_eq!(mean(&b, "pool.escorts.held_hours"), 16.0);
    assert_eq!(mean(&b, "pool.escorts.waiting_person_hours"), 800.0);
    assert_eq!(mean(&b, "leg.bus.waiting_person_hours"), 800.0);
    assert_eq!(mean(&b, "leg.bus.waiting_for_pools_person_hours"), 800.0);
    assert_eq!(mean(&b, "pool.escorts.cost"), 180.0);
    assert_eq!(mean(&b, "cost.total"), 180.0);
    let worst = bottleneck(&b).expect("people wait");
    assert_eq!((worst.kind, worst.stage.as_str()), (WaitKind::Pool, "escorts"));
    assert!((worst.share - 1.0).abs() < 1e-12, "{worst:?}");
}

#[test]
fn a_second_team_halves_the_wait_and_the_buses_bind_again() {
    // Two teams: 2 buses at 0 (40), 2 at 4 (40), 1 at 8 (20): home by 10 h. Held for
    // escorts 0-4 with 60 waiting and 4-8 with 20: 320 person-hours, as the leg's wait.
    let sc = parse(&convoy("[[pool]]\nname = \"escorts\"\nsize = 2\n", ESCORT_NEED));
    let b = run(&sc, 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 10.0 / 24.0);
    assert_eq!(mean(&b, "pool.escorts.waiting_person_hours"), 320.0);
    assert_eq!(mean(&b, "leg.bus.waiting_person_hours"), 320.0);
    // Enough teams for every bus: the pool never binds, the buses do.
    let sc = parse(&convoy("[[pool]]\nname = \"escorts\"\nsize = 3\n", ESCORT_NEED));
    let b = run(&sc, 2, 1);
    assert_eq!(mean(&b, "pool.escorts.held_hours"), 0.0);
    assert_eq!(mean(&b, "pool.escorts.waiting_person_hours"), 0.0);
    let worst = bottleneck(&b).expect("people wait");
    assert_eq!((worst.kind, worst.stage.as_str()), (WaitKind::Leg, "bus"));
}

#[test]
fn escorts_held_for_the_outbound_trip_only_come_back_sooner() {
    // Held until arrival (2 h): departures at 0, 2, 4, 6, 8 (a bus is always idle: each is
    // back 4 h after leaving), home at 2, 4, 6, 8, 10.
    let sc = parse(&convoy(
        "[[pool]]\nname = \"escorts\"\nsize = 1\n",
        "needs = [{ pool = \"escorts\", held = \"outbound\" }]",
    ));
    let b = run(&sc, 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 10.0 / 24.0);
    assert_eq!(mean(&b, "pool.escorts.utilization"), 1.0);
}

#[test]
fn off_duty_escorts_hold_departures_until_the_next_shift() {
    // On duty 06:00-18:00 from Monday 00:00: departures at 6, 10, 14; at 18 the shift is
    // over, so the next leave at 06:00 Tuesday (30 h) and 34; home at 36 h. Paid for
    // 12 + 6 hours on duty up to the end.
    let sc = parse(&convoy(
        "[[pool]]\nname = \"escorts\"\nsize = 1\non_duty_hours = \"06:00-18:00\"\ncost_per_unit_hour = 10\n",
        ESCORT_NEED,
    ));
    let b = run(&sc, 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 36.0 / 24.0);
    assert_eq!(mean(&b, "pool.escorts.cost"), 180.0);
    assert_eq!(mean(&b, "pool.escorts.utilization"), 1.0);
}

/// 60 people, one bus in a fleet shared by origin->border (`out`) and border->home
/// (`in`), 20 seats, 1 h each way; `extra` goes into the pool's table, `prio_in` and
/// `prio_out` into the legs'.
fn shared_bus(extra: &str, prio_out: &str, prio_in: &str) -> String {
    format!(
        "{}\n[[site]]\nname = \"border\"\nkind = \"transit\"\n\n[[pool]]\nname = \"buses\"\nsize = 1\n{extra}\n\
         [[leg]]\nname = \"out\"\nfrom = \"origin\"\nto = \"border\"\nmode = \"bus\"\nfleet = \"buses\"\nseats = 20\ntravel_hours = 1\n{prio_out}\n\n\
         [[leg]]\nname = \"in\"\nfrom = \"border\"\nto = \"home\"\nmode = \"bus\"\nfleet = \"buses\"\nseats = 20\ntravel_hours = 1\n{prio_in}\n\n\
         [[cohort]]\nname = \"workers\"\norigin = \"origin\"\nsize = 60\nroute = [\"out\", \"border\", \"in\", \"home\"]\n",
        origin_and_home("fleet", 10, 1, "")
    )
}

#[test]
fn two_legs_share_one_bus_first_come_first_served() {
    // First come, person by person: the people at the origin (ready at 0) have waited
    // longer than those at the border (from 1), so the bus fetches them all first: `out`
    // at 0, 2, 4 (border at 1, 3, 5), then `in` at 6, 8, 10: home by 11 h. `in` is held
    // from 1 to 6 with 20, 40, 60 people: 20 x 2 + 40 x 2 + 60 x 1 = 180 person-hours.
    let b = run(&parse(&shared_bus("", "", "")), 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 11.0 / 24.0);
    assert_eq!(mean(&b, "leg.out.trips"), 3.0);
    assert_eq!(mean(&b, "leg.in.trips"), 3.0);
    // The bus is never idle from 0 to 11 (the run ends with the last arrival home).
    assert_eq!(mean(&b, "pool.buses.utilization"), 1.0);
    assert_eq!(mean(&b, "pool.buses.held_hours"), 5.0);
    assert_eq!(mean(&b, "pool.buses.waiting_person_hours"), 180.0);
    assert_eq!(mean(&b, "leg.in.waiting_for_pools_person_hours"), 180.0);
    assert_eq!(mean(&b, "leg.out.waiting_for_pools_person_hours"), 0.0);
    assert_eq!(mean(&b, "cohort.workers.mean_door_to_door_days"), 9.0 / 24.0);
    // The people at the border first (`in` has pool_priority 1): out 0; in 2 (home 3);
    // out 4 (border 5); in 6 (home 7); out 8 (border 9); in 10 (home 11). Held: `in` 1-2,
    // 5-6, 9-10 with 20 each; `out` 2-4 with 40 and 6-8 with 20: 7 h, 180 person-hours.
    let text = shared_bus("dispatch = \"priority\"", "pool_priority = 2", "pool_priority = 1");
    let b = run(&parse(&text), 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 11.0 / 24.0);
    assert_eq!(mean(&b, "pool.buses.held_hours"), 7.0);
    assert_eq!(mean(&b, "pool.buses.waiting_person_hours"), 180.0);
    assert_eq!(mean(&b, "leg.in.waiting_for_pools_person_hours"), 60.0);
    assert_eq!(mean(&b, "leg.out.waiting_for_pools_person_hours"), 120.0);
    // Door to door: home at 3, 7 and 11 h (20 each) instead of 7, 9 and 11.
    assert_eq!(mean(&b, "cohort.workers.mean_door_to_door_days"), 7.0 / 24.0);
}

/// Two checkpoints staffed from one screener (60 min per person): `a` (listed first,
/// pool_priority 2) gets two people at 0, `b` (priority 1) two at 0.5 h.
fn two_posts(dispatch: &str) -> String {
    let mut text = origin_and_home("posts", 10, 1, "");
    text.push_str(&format!(
        "\n[[pool]]\nname = \"screeners\"\nsize = 1\ndispatch = \"{dispatch}\"\n"
    ));
    for (k, priority) in [("a", 2), ("b", 1)] {
        text.push_str(&format!(
            "\n[[checkpoint]]\nname = \"{k}\"\nservers = 1\nstaff_from = \"screeners\"\npool_priority = {priority}\nservice_minutes = 60\n"
        ));
    }
    text.push_str(
        "\n[[cohort]]\nname = \"ca\"\norigin = \"origin\"\nsize = 2\nroute = [\"a\", \"home\"]\n\
         \n[[cohort]]\nname = \"cb\"\norigin = \"origin\"\nsize = 2\narrival = { process = \"all_at_once\", at_hours = 0.5 }\nroute = [\"b\", \"home\"]\n",
    );
    text
}

#[test]
fn a_freed_screener_goes_to_the_longest_waiting_post_or_by_priority() {
    // First come: a1 0-1; at 1 `a` has waited since 0, `b` since 0.5: a2 1-2, then b 2-3,
    // 3-4. Cohort ca is home by 2 h, cb by 4 h (door to door 3.5 h).
    let b = run(&parse(&two_posts("first_come")), 2, 1);
    assert_eq!(mean(&b, "cohort.ca.max_door_to_door_days"), 2.0 / 24.0);
    assert_eq!(mean(&b, "cohort.cb.max_door_to_door_days"), 3.5 / 24.0);
    // By priority: at 1 `b` goes first (1-2, 2-3), a2 waits until 3-4.
    let b = run(&parse(&two_posts("priority")), 2, 1);
    assert_eq!(mean(&b, "cohort.ca.max_door_to_door_days"), 4.0 / 24.0);
    assert_eq!(mean(&b, "cohort.cb.max_door_to_door_days"), 2.5 / 24.0);
    assert_eq!(mean(&b, "makespan_days"), 4.0 / 24.0);
}

#[test]
fn pool_size_is_a_parameter_path() {
    use repatsim::scenario::params::{Override, ParamValue, apply};
    let text = convoy("[[pool]]\nname = \"escorts\"\nsize = 1\n", ESCORT_NEED);
    let set = Override {
        path: "pool.escorts.size".into(),
        value: ParamValue::Whole(2),
    };
    let changed = apply(&text, &[set]).unwrap_or_else(|e| panic!("{}", e.message));
    let sc = parse(&changed);
    assert_eq!(sc.pools[0].size, 2);
    let b = run(&sc, 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 10.0 / 24.0);
}

#[test]
fn the_escort_example_names_the_escorts_and_tries_one_more_team() {
    let sc = common::load("scenarios/examples/escort-pool.toml");
    let b = run(&sc, 20, 2);
    let worst = bottleneck(&b).expect("people wait");
    assert_eq!((worst.kind, worst.stage.as_str()), (WaitKind::Pool, "dandong-police"));
    // The waiting the pool is charged with is what the legs report as held for it.
    let held = mean(&b, "leg.hotel-customs-shuttle.waiting_for_pools_person_hours")
        + mean(&b, "leg.friendship-bridge-bus.waiting_for_pools_person_hours");
    let pool = mean(&b, "pool.dandong-police.waiting_person_hours");
    assert!((held - pool).abs() < 1e-6 * pool, "{held} vs {pool}");
    assert!((worst.person_hours - pool).abs() < 1e-6 * pool);
    assert!(mean(&b, "pool.dandong-police.missed_departures") > 0.0);
    let levers = repatsim::report::findings::levers(&b, &worst);
    assert_eq!(levers, vec![repatsim::experiment::whatif::Lever::PoolUnits(0)]);
    let (path, value, _) = repatsim::experiment::whatif::step(&b, levers[0]).expect("a step up");
    assert_eq!(
        (path.as_str(), value.to_string()),
        ("pool.dandong-police.size", "4".to_string())
    );
}

#[test]
fn the_first_wave_escorts_never_hold_a_convoy() {
    // Sized not to bind ([assumption] in the scenario): no stretch held in any replication.
    let sc = common::load("scenarios/first-wave-2023.toml");
    let b = run(&sc, 30, 2);
    for metric in [
        "pool.dandong-police.held_hours",
        "pool.dandong-police.missed_departures",
    ] {
        let s = b.summary(metric).unwrap_or_else(|| panic!("no {metric}"));
        assert_eq!((s.min, s.max), (0.0, 0.0), "{metric}");
    }
    assert_eq!(mean(&b, "pool.dandong-police.peak_in_use"), 6.0);
}

#[test]
fn the_trace_records_each_wait_for_a_pool_and_each_departure_lost_to_one() {
    use repatsim::model::World;
    use repatsim::model::timeseries::TraceKind;
    // One escort: after the departures at 0, 4, 8 and 12 the next one waits for it
    // (at 16 nobody is left): four waits begin, at those times.
    let sc = parse(&convoy("[[pool]]\nname = \"escorts\"\nsize = 1\n", ESCORT_NEED));
    let (_, rows) = World::new(common::network(&sc)).run_traced(0);
    let held: Vec<(f64, u64, u64)> = rows
        .iter()
        .filter(|r| r.kind == TraceKind::HeldForPool)
        .map(|r| (r.time_hours, r.queue_after, r.count_after))
        .collect();
    assert_eq!(held, vec![(0.0, 80, 1), (4.0, 60, 1), (8.0, 40, 1), (12.0, 20, 1)]);
    // A timetabled convoy at 09:00 and 12:00 daily with the escorts on duty 08:00-10:00:
    // at 09:00 one bus leaves (the other two are held, but the departure time is not
    // lost); at 12:00 (off duty) no bus leaves: lost. Each lost departure time is a row,
    // as many as the pool counts.
    let sc = parse(&convoy(
        "[[pool]]\nname = \"escorts\"\nsize = 1\non_duty_hours = \"08:00-10:00\"\n",
        "departure = \"timetable\"\ntimetable = [\"daily 09:00 12:00\"]\nneeds = [{ pool = \"escorts\" }]",
    ));
    let net = common::network(&sc);
    let (result, rows) = World::new(net).run_traced(0);
    let lost: Vec<f64> = rows
        .iter()
        .filter(|r| r.kind == TraceKind::DepartureShortOfUnits)
        .map(|r| r.time_hours)
        .collect();
    assert_eq!(lost.len() as u64, result.pools[0].missed_departures);
    assert_eq!(lost[..4], [12.0, 36.0, 60.0, 84.0]);
    let departures: Vec<f64> = rows
        .iter()
        .filter(|r| r.kind == TraceKind::Depart)
        .map(|r| r.time_hours)
        .collect();
    assert!(
        departures.iter().all(|t| (t % 24.0 - 9.0).abs() < 1e-9),
        "{departures:?}"
    );
}

#[test]
fn a_what_if_that_only_moves_the_wait_to_another_pool_buys_nothing() {
    use repatsim::experiment::whatif::{Lever, what_if};
    use repatsim::metrics::Scope;
    // One bus from a fleet pool, one escort team: a second bus is useless without a second
    // team. Its what-if must not count the waiting it moves to the escorts as a gain.
    let text = format!(
        "{}\n[[pool]]\nname = \"buses\"\nsize = 1\n\n[[pool]]\nname = \"escorts\"\nsize = 1\n\n\
         [[leg]]\nname = \"convoy\"\nfrom = \"origin\"\nto = \"home\"\nmode = \"bus\"\nfleet = \"buses\"\nseats = 10\ntravel_hours = 1\n\
         needs = [{{ pool = \"escorts\" }}]\n\n[[cohort]]\nname = \"c\"\norigin = \"origin\"\nsize = 30\nroute = [\"convoy\", \"home\"]\n",
        origin_and_home("two-pools", 10, 1, "")
    );
    let b = run(&parse(&text), 4, 1);
    let w = what_if(&b, &[Lever::PoolUnits(0)], &[Scope::Pool(0)], "x.toml", Some(1))
        .unwrap()
        .expect("a what-if");
    assert_eq!(w.waiting_days_change[0], 0.0, "{w:?}");
    assert_eq!(w.p90_days_change[0], 0.0, "{w:?}");
    assert!(w.waiting_at.as_deref().is_some_and(|s| s.contains("`convoy`")), "{w:?}");
}

#[test]
fn a_change_of_the_pool_size_takes_effect_at_its_time() {
    use repatsim::model::World;
    use repatsim::model::timeseries::TraceKind;
    // One escort until 06:00, three after: departures at 0 and 4 (one team), at 6 the two
    // idle buses (two new teams), at 8 the first bus again (its team back): home at 2, 6,
    // 8, 8, 10. Held 0-6 with 80 then 60 waiting: 440 person-hours. Unit-hours on duty
    // 1 x 6 + 3 x 4 = 18, all in use: utilisation 1, cost 180.
    let pool = "[[pool]]\nname = \"escorts\"\nsize = 1\ncost_per_unit_hour = 10\n";
    let change = "\n[[change]]\nat = 2024-01-01T06:00:00\npool = \"escorts\"\nsize = 3\n";
    let sc = parse(&format!("{}{change}", convoy(pool, ESCORT_NEED)));
    let b = run(&sc, 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 10.0 / 24.0);
    assert_eq!(mean(&b, "pool.escorts.held_hours"), 6.0);
    assert_eq!(mean(&b, "pool.escorts.waiting_person_hours"), 440.0);
    assert_eq!(mean(&b, "pool.escorts.utilization"), 1.0);
    assert_eq!(mean(&b, "pool.escorts.cost"), 180.0);
    assert_eq!(mean(&b, "pool.escorts.peak_in_use"), 3.0);
    let (_, rows) = World::new(common::network(&sc)).run_traced(0);
    let change_at: Vec<f64> = rows
        .iter()
        .filter(|r| r.kind == TraceKind::CapacityChange)
        .map(|r| r.time_hours)
        .collect();
    assert_eq!(change_at, vec![6.0]);
}

#[test]
fn a_timetabled_bus_short_of_escorts_holds_only_those_it_leaves_behind() {
    // Two 10-seat buses home at 08:00 daily (1 h each way), one escort team held for
    // the round trip: one bus leaves at each departure time, the other is held. 30
    // people at 0 h, 5 more at 12 h. Day 0: 10 leave, 20 are left; the bus held back
    // could have taken 10 of them, who wait for the escorts until day 1 08:00 (10 x 24
    // = 240 person-hours; the other 10 wait for seats, and the 5 who come at noon for
    // the timetable); day 1: 10 leave, 15 left, 10 of them for the escorts (240); day 2:
    // 10 leave, 5 left (120); day 3 (80 h): the last 5 leave, home at 81 h. The leg is
    // held from 8 h to 80 h. No departure time is lost: a bus left at each.
    let text = format!(
        "{}\n[[pool]]\nname = \"escorts\"\nsize = 1\n\n[[leg]]\nname = \"bus\"\nfrom = \"origin\"\nto = \"home\"\n\
         mode = \"bus\"\nvehicles = 2\nseats = 10\ntravel_hours = 1\ndeparture = \"timetable\"\n\
         timetable = [\"daily 08:00\"]\nneeds = [{{ pool = \"escorts\" }}]\n\n\
         [[cohort]]\nname = \"early\"\norigin = \"origin\"\nsize = 30\nroute = [\"bus\", \"home\"]\n\n\
         [[cohort]]\nname = \"late\"\norigin = \"origin\"\nsize = 5\nroute = [\"bus\", \"home\"]\n\
         arrival = {{ process = \"all_at_once\", at_hours = 12 }}\n",
        origin_and_home("left-behind", 10, 1, "")
    );
    let b = run(&parse(&text), 2, 1);
    assert_eq!(mean(&b, "makespan_days"), 81.0 / 24.0);
    assert_eq!(mean(&b, "pool.escorts.missed_departures"), 0.0);
    assert_eq!(mean(&b, "leg.bus.missed_departures"), 0.0);
    assert_eq!(mean(&b, "pool.escorts.held_hours"), 72.0);
    assert_eq!(mean(&b, "pool.escorts.waiting_person_hours"), 600.0);
    assert_eq!(mean(&b, "leg.bus.waiting_for_pools_person_hours"), 600.0);
    // All the waiting to board, first come first served: 10 x 8 h, 10 x 32 h, 10 x 56 h
    // and the late 5 x 68 h.
    assert_eq!(mean(&b, "leg.bus.waiting_person_hours"), 1300.0);
}

/// A pool that a `[[change]]` grows is quoted with every size it has: "up to 2 of its
/// 1→2 units", never "up to 2 of its 1 unit", which read as more in use than it had.
#[test]
fn a_pool_grown_by_a_change_is_quoted_with_every_size() {
    let text = r#"
# C: capacity changes mid-run and an escort pool on a day shift. Everything fixed.
[scenario]
name = "c-change"
start = 2024-01-01T00:00:00   # Monday
horizon_days = 10
seed = 5
replications = 3

[[pool]]
name = "guards"
size = 1
on_duty_hours = "08:00-16:00"
cost_per_unit_hour = 10

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "border"
kind = "transit"
area = "b"

[[site]]
name = "q"
kind = "quarantine"
area = "b"
beds = 20
stay_hours = 24
cost_per_bed_night = 24

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "camp"
to = "border"
mode = "bus"
vehicles = 1
seats = 10
travel_hours = 1
return_hours = 1
needs = [{ pool = "guards", units = 1, held = "round_trip" }]

[[checkpoint]]
name = "post"
site = "border"
servers = 1
service_minutes = 6

[[cohort]]
name = "campers"
origin = "camp"
size = 60
route = ["bus", "post", "q", "home"]

[[change]]
at = 2024-01-01T11:00:00
leg = "bus"
vehicles = 2

[[change]]
at = 2024-01-01T11:00:00
pool = "guards"
size = 2

[[change]]
at = 2024-01-01T12:00:00
checkpoint = "post"
servers = 2

[[change]]
at = 2024-01-02T00:00:00
site = "q"
beds = 60
"#;
    let b = run(&parse(text), 3, 2);
    let f = repatsim::report::findings::findings(&b, None);
    let peaks = f
        .iter()
        .find(|l| l.contains("binds at peaks"))
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(peaks.contains("of its 1→2 units in use at once"), "{peaks}");
    assert!(!peaks.contains("of its 1 unit"), "{peaks}");
}
