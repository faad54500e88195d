//! The findings name one bottleneck, defined once: the stage people wait for longest in
//! total, waits still under way at the end included. A checkpoint closed for all but
//! the last hour of the run, with most people still in its line at the end, is the
//! bottleneck, not the bus before it. (A checkpoint closed for the whole run is refused
//! before the run: tests/bad_scenarios/59-*.)

mod common;
use common::*;
use repatsim::report::waiting::{WaitKind, bottleneck, waiting_by_stage};

const CLOSED: &str = r#"
[scenario]
name = "closed"
start = 2023-08-28T00:00:00
horizon_days = 10

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
seats = 50
travel_hours = 1
return_hours = 1

[[checkpoint]]
name = "customs"
site = "border"
servers = 2
service_minutes = 5

[[closure]]
name = "shut"
applies_to = ["customs"]
from = 2023-08-28T00:00:00
to = 2023-09-06T23:00:00

[[cohort]]
name = "people"
origin = "camp"
size = 100
route = ["bus", "border", "customs", "home"]
"#;

#[test]
fn waits_still_open_at_the_end_make_the_bottleneck() {
    let b = run(&parse(CLOSED), 4, 1);
    // 50 board at once, 50 wait two hours for the bus's second trip: 100 person-hours.
    let bus = mean(&b, "leg.bus.waiting_person_hours");
    assert!((bus - 100.0).abs() < 1e-9, "{bus}");
    // Everyone then waits in the closed checkpoint's line: 50 from hour 1 and 50 from
    // hour 3. It opens at hour 239 for the last hour: two booths of 5 minutes serve 24
    // of the first 50, two at a time at 239 + j/12 (j = 0..11); everyone else is still
    // waiting at the horizon (hour 240).
    let served: f64 = (0..12).map(|j| 2.0 * (238.0 + f64::from(j) / 12.0)).sum();
    let expected = served + 26.0 * 239.0 + 50.0 * 237.0;
    let customs = mean(&b, "checkpoint.customs.waiting_person_hours");
    assert!((customs - expected).abs() < 1e-6, "{customs} vs {expected}");
    // 24 start service; the last two finish at hour 240, the horizon, so 22 complete.
    assert_eq!(mean(&b, "checkpoint.customs.served"), 22.0);
    let w = bottleneck(&b).unwrap();
    assert_eq!((w.kind, w.stage.as_str()), (WaitKind::Checkpoint, "customs"));
    let findings = repatsim::report::findings::findings(&b, None).join("\n");
    assert!(
        findings.contains("The bottleneck, where people wait longest in total, is service at `customs`"),
        "{findings}"
    );
}

const RESERVED: &str = r#"
[scenario]
name = "reserved"
start = 2023-08-28T00:00:00
horizon_days = 30

[[site]]
name = "hotel"
kind = "origin"

[[site]]
name = "ward"
kind = "quarantine"
beds = 10
stay_hours = 48

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "pickup"
from = "hotel"
to = "ward"
mode = "bus"
vehicles = 1
seats = 10
travel_hours = 1
return_hours = 1
admission = "reserve"

[[leg]]
name = "release"
from = "ward"
to = "home"
mode = "bus"
vehicles = 5
seats = 50
travel_hours = 1
return_hours = 1

[[cohort]]
name = "people"
origin = "hotel"
size = 40
route = ["pickup", "ward", "release", "home"]
"#;

#[test]
fn a_wait_for_reserved_beds_is_named_as_such_and_shown_where_it_is_counted() {
    let b = run(&parse(RESERVED), 4, 1);
    // Nobody waits for a bed inside the ward: the pickup takes only people with one.
    assert_eq!(mean(&b, "site.ward.waiting_person_hours"), 0.0);
    // By hand: groups of ten leave at 0, 49, 98 and 147 h (a 48-hour stay after a
    // 1-hour ride frees the beds): 10 x (49 + 98 + 147) = 2,940 person-hours waited to
    // board. Everyone waiting beyond the 10 beds is waiting for beds: 30 from 0 to 49
    // h, 20 to 98, 10 to 147, the same 2,940 (the bus away for 2 h after each trip
    // keeps nobody who had a bed).
    let pickup = mean(&b, "leg.pickup.waiting_person_hours");
    assert!((pickup - 2940.0).abs() < 1e-9, "{pickup}");
    let held = mean(&b, "leg.pickup.waiting_for_beds_person_hours");
    assert!((held - 2940.0).abs() < 1e-9, "{held}");
    let w = bottleneck(&b).unwrap();
    assert_eq!((w.kind, w.stage.as_str()), (WaitKind::Site, "ward"));
    assert!((w.person_hours - held).abs() < 1e-9);
    assert!(
        !waiting_by_stage(&b)
            .iter()
            .any(|w| w.kind == WaitKind::Leg && w.stage == "pickup"),
        "no wait for the bus itself"
    );
    let text = repatsim::report::console::summary_table(&b, None, false);
    assert!(
        text.contains("is beds at ward (including waits to board pickup beyond them)"),
        "{text}"
    );
    // The table beside the sentence shows the leg's waiting, where the hours are.
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("Person-hours of waiting, Pickup"))
        .unwrap_or_else(|| panic!("no pickup waiting row in\n{text}"));
    assert!(!row.contains(" 0 "), "{row}");
}

#[test]
fn a_leg_that_reserves_plenty_of_beds_is_waited_for_as_transport() {
    // The same pickup with 1,000 beds: no departure is ever held for beds, so its
    // 10 x (2 + 4 + 6) = 120 person-hours (the bus away for 2 h each trip) are a wait
    // for transport, not for the ward (a tester's twice-weekly ferry reserving beds in
    // a quarantine never 1% full was named "beds at quarantine").
    let b = run(&parse(&RESERVED.replace("beds = 10", "beds = 1000")), 2, 1);
    assert_eq!(mean(&b, "leg.pickup.waiting_for_beds_person_hours"), 0.0);
    assert!((mean(&b, "leg.pickup.waiting_person_hours") - 120.0).abs() < 1e-9);
    let w = bottleneck(&b).unwrap();
    assert_eq!((w.kind, w.stage.as_str()), (WaitKind::Leg, "pickup"), "{w:?}");
    assert!(waiting_by_stage(&b).iter().all(|w| w.kind != WaitKind::Site));
}

#[test]
fn a_line_longer_than_the_beds_waits_for_seats_when_the_seats_are_fewer() {
    // A tester's daily 5-seat flight reserving beds in a 10-bed quarantine (1-hour
    // stays) for 40 people: beds never run short (at most 5 in use), yet the 30 beyond
    // the 10 free beds were counted as waiting for beds and the bottleneck named beds,
    // whose what-if bought nothing. By hand: person k flies on day floor(k / 5) at
    // 12:00, so the waits are 5 x sum over d = 0..7 of (12 + 24 d) = 3,840
    // person-hours, all for the flight.
    let text = r#"
[scenario]
name = "flight"
start = 2024-03-04T00:00:00
horizon_days = 20

[[site]]
name = "airfield"
kind = "origin"

[[site]]
name = "q"
kind = "quarantine"
beds = 10
stay_hours = 1

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "flight"
from = "airfield"
to = "q"
mode = "flight"
vehicles = 1
seats = 5
travel_hours = 2
return_hours = 2
departure = "timetable"
timetable = ["daily 12:00"]
admission = "reserve"

[[cohort]]
name = "people"
origin = "airfield"
size = 40
route = ["flight", "q", "home"]
"#;
    let b = run(&parse(text), 2, 1);
    assert!((mean(&b, "leg.flight.waiting_person_hours") - 3840.0).abs() < 1e-9);
    assert_eq!(mean(&b, "leg.flight.waiting_for_beds_person_hours"), 0.0);
    let w = bottleneck(&b).unwrap();
    assert_eq!((w.kind, w.stage.as_str()), (WaitKind::Leg, "flight"), "{w:?}");
    assert!((w.person_hours - 3840.0).abs() < 1e-9, "{w:?}");
    // Four beds (fewer than the five seats) do hold the flight back: the 36 beyond
    // them wait for beds from the start.
    let b = run(&parse(&text.replace("beds = 10", "beds = 4")), 2, 1);
    assert!(mean(&b, "leg.flight.waiting_for_beds_person_hours") > 0.0);
    assert_eq!(bottleneck(&b).unwrap().kind, WaitKind::Site);
}

/// A daily ferry of 100 seats reserving 40 beds (48-hour stays) for 100 people ready at
/// 0 h: its wait to board splits into beds and transport by who could not leave even
/// if the ferry left now. By hand: 60 beyond the 40 beds from 0 to 12 h (720), the 60
/// left behind while no bed is free, 12 to 61 h (2,940), 20 of them beyond the 40 beds
/// freed at 61 h until the ferry at 84 h (460), the last 20 while none is free, 84 to
/// 133 h (980): 5,100 of the 6,960 person-hours; the other 1,860 are waits for the
/// ferry (a tester found a timetabled leg counted almost whole as beds).
#[test]
fn a_timetabled_leg_waits_for_beds_only_beyond_the_beds_it_could_reserve() {
    let text = r#"
[scenario]
name = "ferry"
start = 2024-01-01T00:00:00
horizon_days = 20

[[site]]
name = "origin"
kind = "origin"

[[site]]
name = "q"
kind = "quarantine"
beds = 40
stay_hours = 48

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "ferry"
from = "origin"
to = "q"
mode = "ferry"
vehicles = 1
seats = 100
travel_hours = 1
return_hours = 1
departure = "timetable"
timetable = ["daily 12:00"]
admission = "reserve"

[[leg]]
name = "out"
from = "q"
to = "home"
mode = "bus"
vehicles = 100
seats = 100
travel_hours = 0

[[cohort]]
name = "c"
origin = "origin"
size = 100
route = ["ferry", "q", "out", "home"]
"#;
    let b = run(&parse(text), 2, 1);
    assert!((mean(&b, "leg.ferry.waiting_person_hours") - 6960.0).abs() < 1e-9);
    assert!((mean(&b, "leg.ferry.waiting_for_beds_person_hours") - 5100.0).abs() < 1e-9);
    let transport = waiting_by_stage(&b)
        .into_iter()
        .find(|w| w.kind == WaitKind::Leg && w.stage == "ferry")
        .expect("the ferry's own part");
    assert!((transport.person_hours - 1860.0).abs() < 1e-9, "{transport:?}");
}

#[test]
fn full_beds_that_send_positives_to_an_isolation_ward_try_the_ward_too() {
    // A tenth of the ward's people test positive and wait, in their ward bed, for one
    // of two isolation beds: the ward is full because the isolation site is. The
    // what-if tries both (a tester found one more isolation bed worth 5 days where
    // 10% more ward beds bought nothing).
    let text = RESERVED.replace(
        "stay_hours = 48\n",
        "stay_hours = 48\ntest_positive_probability = 0.3\npositive_isolation_site = \"isolation\"\n",
    ) + "\n[[site]]\nname = \"isolation\"\nkind = \"quarantine\"\nbeds = 1\nstay_hours = 120\n";
    let b = run(&parse(&text), 4, 1);
    let w = bottleneck(&b).unwrap();
    assert_eq!((w.kind, w.stage.as_str()), (WaitKind::Site, "ward"), "{w:?}");
    use repatsim::experiment::whatif::Lever;
    assert_eq!(
        repatsim::report::findings::levers(&b, &w),
        vec![Lever::Beds(1), Lever::Beds(3)]
    );
}

#[test]
fn the_plan_drawing_shows_isolation_sites_and_capacities_that_change() {
    // An isolation site is on no route, yet a full one fills the ward before it: the
    // drawing has it, with the way positives go; a capacity a [[change]] sets again
    // reads "10→20 beds" (a tester's drawing showed only the starting value).
    let text = RESERVED.replace(
        "stay_hours = 48\n",
        "stay_hours = 48\ntest_positive_probability = 0.3\npositive_isolation_site = \"isolation\"\n",
    ) + "\n[[site]]\nname = \"isolation\"\nkind = \"quarantine\"\nbeds = 1\nstay_hours = 120\n"
        + "\n[[change]]\nat = 2023-08-30T00:00:00\nsite = \"ward\"\nbeds = 20\n";
    let b = run(&parse(&text), 2, 1);
    let svg = repatsim::report::network::network_svg(&b);
    assert!(svg.contains(">isolation</text>"), "{svg}");
    assert!(svg.contains(">positives 30%</text>"), "{svg}");
    assert!(svg.contains("stroke-dasharray=\"5 3\""), "{svg}");
    assert!(svg.contains(">10→20 beds, "), "{svg}");
    assert!(
        svg.contains("10 beds: 10 at the start, 20 from 2023-08-30 00:00"),
        "{svg}"
    );
}

#[test]
fn an_idle_bottleneck_is_not_offered_as_a_source_of_spare_booths() {
    // At the border post people arrive day and night to a hall open 07:00-19:00, give up
    // and come back the next day: its booths stand idle most of the open hours, yet it is
    // where people wait. "Booths could be moved elsewhere" would contradict the
    // bottleneck finding beside it; the finding says where the waiting happens instead.
    let sc = load("scenarios/examples/border-post.toml");
    let batch = run(&sc, 20, 2);
    let b = bottleneck(&batch).expect("a bottleneck");
    assert_eq!(b.kind, WaitKind::Checkpoint);
    let u = mean(&batch, "checkpoint.customs-hall.utilization");
    assert!(u < 0.5, "utilisation {u}");
    let f = repatsim::report::findings::findings(&batch, None);
    let idle: Vec<&String> = f.iter().filter(|s| s.contains("customs-hall` is idle")).collect();
    assert_eq!(idle.len(), 1, "{f:?}");
    assert!(!idle[0].contains("could be moved"), "{}", idle[0]);
    assert!(
        idle[0].contains("while every booth is busy, while it is closed or while away after giving up"),
        "{}",
        idle[0]
    );
    // The secondary screening, which few need, is idle most of its hours too, but
    // people still queue there when they come in bunches: its idle hours are no booths
    // to spare, and the booth more it names does shorten the waits.
    let waited = mean(&batch, "checkpoint.secondary-screening.waiting_person_hours");
    assert!(waited > 0.0);
    let screening = f
        .iter()
        .find(|s| s.contains("secondary-screening` is idle"))
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(
        screening.contains("not booths to spare: more booths would shorten the waits"),
        "{screening}"
    );
    assert!(!screening.contains("moved elsewhere"), "{screening}");
    let booths = sc
        .checkpoints
        .iter()
        .find(|k| k.name == "secondary-screening")
        .unwrap()
        .servers;
    let lever = format!("--vs-set checkpoint.secondary-screening.servers={}`", booths + 1);
    assert!(screening.contains(&lever), "{screening}");
    let text = std::fs::read_to_string(repo("scenarios/examples/border-post.toml")).unwrap();
    let more =
        repatsim::scenario::params::Override::number("checkpoint.secondary-screening.servers", f64::from(booths + 1));
    let wider = run(
        &parse(&repatsim::scenario::params::apply(&text, &[more]).unwrap()),
        20,
        2,
    );
    let waited_wider = mean(&wider, "checkpoint.secondary-screening.waiting_person_hours");
    assert!(
        waited_wider < 0.8 * waited,
        "{waited} -> {waited_wider} person-hours with a booth more"
    );
}

/// "Everyone is home by DATE in at least 90% of replications" is true for any number of
/// replications: with 5, the day quoted is the latest of the five (an interpolated P90
/// lies below it, met by only 4 of 5), and the date carries its clock time.
#[test]
fn the_day_for_90_percent_is_met_by_90_percent() {
    let text = desk(r#"{ dist = "exponential", mean = 60 }"#, 30.0, "");
    let b = run(&parse(&text), 5, 2);
    let mut days = b.column(b.metric_index("makespan_days").unwrap());
    days.sort_by(f64::total_cmp);
    let f = repatsim::report::findings::findings(&b, None);
    let want = format!(
        "in at least 90% of replications (5 of 5; day {}",
        repatsim::metrics::fmt_num(days[4])
    );
    assert!(f[0].contains(&want), "{want} in {}", f[0]);
    let at = b.scenario().start + chrono::Duration::minutes((days[4] * 1440.0).round() as i64);
    assert!(f[0].contains(&at.format("by %Y-%m-%d %H:%M ").to_string()), "{}", f[0]);
    // The table's P90 (summary.json, metrics.csv, the console) is the same day.
    let p90 = b.summary("makespan_days").unwrap().p90;
    assert_eq!(p90, days[4], "the table's P90 is the finding's day");
}

/// With some replications unfinished, the table's P90 of the makespan, the finding's
/// day and `check`'s statistic are one order statistic: 36 of 40 finished is a P90
/// within the horizon everywhere (an interpolated P90 read "> horizon" in the table
/// beside a finding of "day 8.40 (36 of 40)").
#[test]
fn the_makespan_p90_is_one_day_in_table_finding_and_target() {
    use repatsim::scenario::params::{Override, apply};
    let text = std::fs::read_to_string(repo("scenarios/first-wave-2023.toml")).unwrap();
    // A horizon some replications miss: a few hours after the median makespan.
    let b = run(&parse(&text), 40, 2);
    let mut days = b.column(b.metric_index("makespan_days").unwrap());
    days.sort_by(f64::total_cmp);
    let horizon = (days[35] + days[36]) / 2.0;
    assert!(days[35] < days[36], "two replications apart: {days:?}");
    let short = apply(&text, &[Override::number("scenario.horizon_days", horizon)]).unwrap();
    let b = run(&parse(&short), 40, 2);
    let i = b.metric_index("makespan_days").unwrap();
    let column = b.column(i);
    let finished = column.iter().filter(|x| x.is_finite()).count();
    assert_eq!(finished, 36, "the same replications, 36 within the horizon");
    let mut done: Vec<f64> = column.iter().copied().filter(|x| x.is_finite()).collect();
    done.sort_by(f64::total_cmp);
    let s = b.summary("makespan_days").unwrap();
    assert_eq!(s.p90, done[35], "36 of 40 is 90%: the 36th makespan");
    assert!(s.mean.is_nan(), "the mean is unknown with unfinished replications");
    assert_eq!(s.p95, f64::INFINITY, "95% is beyond the 36 that finished");
    let f = repatsim::report::findings::findings(&b, None);
    let want = format!("(36 of 40; day {}", repatsim::metrics::fmt_num(done[35]));
    assert!(f[0].contains(&want), "{want} in {}", f[0]);
    let target = repatsim::experiment::Target::parse(&format!("makespan_days@p90<={horizon}")).unwrap();
    assert_eq!(
        repatsim::experiment::check::censored_statistic(&b, &target),
        done[35],
        "plan and check see the same P90"
    );
}

/// The starter template: customs (3 booths, open 08:00-18:00) is not the bottleneck and
/// idle most of its open hours, yet people wait there, most of it overnight while it is
/// closed. The finding names its closing among the reasons, never bunching alone.
#[test]
fn an_idle_checkpoint_that_closes_is_said_to_close() {
    let sc = load("scenarios/templates/minimal.toml");
    let batch = run(&sc, 10, 2);
    let f = repatsim::report::findings::findings(&batch, None);
    let customs = f
        .iter()
        .find(|s| s.contains("customs` is idle"))
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(customs.contains("yet people wait in its line"), "{customs}");
    assert!(customs.contains("while it is closed"), "{customs}");
    assert!(!customs.contains("people arrive in bunches"), "{customs}");
}

/// A check-in desk tied to a flight is closed most of the time: when it is the
/// bottleneck, the finding says its waits come from that and points at the flight's
/// departures (a tester's read "while it is closed", and the what-if tried booths).
#[test]
fn a_check_in_bottleneck_points_at_the_departures_it_opens_for() {
    let sc = parse(
        r#"
[scenario]
name = "check-in"
start = 2024-05-01T06:00:00
horizon_days = 40
seed = 11

[[site]]
name = "dorm"
kind = "origin"

[[site]]
name = "airport"
kind = "transit"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "van"
from = "dorm"
to = "airport"
mode = "van"
vehicles = 2
seats = 10
travel_hours = 2
return_hours = 2

[[checkpoint]]
name = "exit"
site = "airport"
servers = 6
service_minutes = 3
checkin = { leg = "flight", opens_hours_before = 4, closes_hours_before = 1 }

[[leg]]
name = "flight"
from = "airport"
to = "home"
mode = "flight"
vehicles = 1
seats = 100
travel_hours = 3
return_hours = 3
departure = "timetable"
timetable = ["mon,thu 14:00"]

[[cohort]]
name = "workers"
origin = "dorm"
size = 100
route = ["van", "exit", "flight", "home"]
"#,
    );
    let b = run(&sc, 10, 1);
    let w = bottleneck(&b).unwrap();
    assert_eq!((w.kind, w.index), (WaitKind::Checkpoint, 0), "{w:?}");
    let f = repatsim::report::findings::findings(&b, None);
    assert!(
        f.iter().any(|s| s.starts_with("`exit` is idle")
            && s.contains(
                "while it is closed (it opens for check-in only from 4 h to 1 h before each departure of `flight`"
            )),
        "{f:#?}"
    );
}

/// "Most of them" only when the category holds more than half of those who slipped
/// away: three categories alike split them about in thirds, and the sentence says which
/// has the largest share, with the share.
#[test]
fn the_evasion_finding_says_most_only_of_a_majority() {
    let text = origin_and_home("slip", 20, 3, "")
        + r#"
[[category]]
name = "a"
[[category]]
name = "b"
[[category]]
name = "c"

[[leg]]
name = "bus"
from = "origin"
to = "home"
mode = "bus"
vehicles = 1
seats = 50
travel_hours = 2
departure = "timetable"
timetable = ["daily 12:00"]

[[cohort]]
name = "people"
origin = "origin"
size = 300
evasion_per_hour = 0.01
mix = { a = 0.34, b = 0.33, c = 0.33 }
route = ["bus", "home"]

[[wave]]
cohort = "people"
at_day = 0
notify = 300
lead_hours = 1
"#;
    let b = run(&parse(&text), 20, 2);
    let f = repatsim::report::findings::findings(&b, None);
    let line = f
        .iter()
        .find(|l| l.contains("slip away before pickup"))
        .expect("an evasion finding");
    assert!(line.contains("the largest share of them ("), "{line}");
    assert!(!line.contains("most of them"), "{line}");
}

/// A checkpoint whose booths a [[change]] adds to is named with every value in turn in
/// the findings ("1→2 booths", not "1 booth", and "every booth is busy") and in the
/// plan's tooltip, which read "booths; 2 from ...".
#[test]
fn booths_added_by_a_change_are_named_with_every_value() {
    let text = desk("15", 3.0, "").replace("size = 10", "size = 60").replace(
        "process = \"all_at_once\", at_hours = 10",
        "process = \"regular\", every_hours = 0.5, at_hours = 0",
    ) + "\n[[change]]\nat = 2023-08-29T00:00:00\ncheckpoint = \"desk\"\nservers = 2\n";
    let b = run(&parse(&text), 4, 2);
    let f = repatsim::report::findings::findings(&b, None);
    let idle = f.iter().find(|l| l.contains("is idle")).expect("an idle finding");
    assert!(idle.contains("(1→2 booths)"), "{idle}");
    assert!(!idle.contains("the booth is busy"), "{idle}");
    let svg = repatsim::report::network::network_svg(&b);
    assert!(svg.contains("booths: 1 at the start, 2 from 2023-08-29 00:00"), "{svg}");
}

/// With a warm-up the costs are of the observed span: the finding says so and per whom
/// (a tester read "The plan costs 180" where the whole plan cost 300), and the summary
/// says once what the warm-up leaves out.
#[test]
fn costs_after_a_warm_up_say_so() {
    let text = origin_and_home("warm-cost", 5, 1, "warmup_hours = 24")
        + r#"
[[leg]]
name = "bus"
from = "origin"
to = "home"
mode = "bus"
vehicles = 1
seats = 10
travel_hours = 2
return_hours = 2
departure = "timetable"
timetable = ["daily 09:00"]
cost_per_trip = 100

[[cohort]]
name = "people"
origin = "origin"
size = 30
route = ["bus", "home"]
"#;
    let b = run(&parse(&text), 2, 1);
    // Trips on days 1 and 2 after the warm-up (day 0's before it): 200, for 20 people.
    assert_eq!(mean(&b, "cost.total"), 200.0);
    let f = repatsim::report::findings::findings(&b, None);
    let cost = f.iter().find(|l| l.contains("costs")).expect("a cost finding");
    assert!(cost.starts_with("After the warm-up (from 2024-01-02 00:00"), "{cost}");
    assert!(cost.contains("per person home since then"), "{cost}");
    let table = repatsim::report::summary_table(&b, None, false);
    assert!(
        table.contains(
            "Warm-up: waits, occupancy, utilisation and costs are counted from 2024-01-02 00:00 (after 24 hours)"
        ),
        "{table}"
    );
}

/// Shares of people turned away (or slipping away) are of those ever released or
/// notified: with an arrival process that releases about 1,200 of 5,000 within the
/// horizon, the people not yet released are not in the denominator (they were: 15% of
/// everyone where it was 35% of those released).
#[test]
fn the_turned_away_share_is_of_those_released() {
    let text = origin_and_home("loss", 10, 5, "")
        + r#"
[[checkpoint]]
name = "booths"
servers = 3
service_minutes = 30
max_line = 0

[[cohort]]
name = "arr"
origin = "origin"
size = 5000
arrival = { process = "poisson", per_hour = 5 }
route = ["booths", "home"]
"#;
    let b = run(&parse(&text), 4, 2);
    let turned = mean(&b, "turned_away");
    let released = mean(&b, "home") + turned;
    assert!(released < 2000.0, "{released} released: the test needs many unreleased");
    let f = repatsim::report::findings::findings(&b, None);
    let line = f
        .iter()
        .find(|l| l.starts_with("Turned away at checkpoints"))
        .expect("a turned-away finding");
    let pct = repatsim::metrics::fmt_value(turned / released, repatsim::metrics::Unit::Fraction);
    let share = format!("({pct} of everyone notified or released");
    assert!(line.contains(&share), "{line} (wanted {share})");
}

/// A checkpoint staffed by a day shift is not drawn "always open": its box says it is
/// open when staffed, and its tooltip names the shift and any closure.
#[test]
fn a_staffed_checkpoint_is_drawn_open_when_staffed() {
    let text = desk("30", 3.0, "").replace(
        "[[checkpoint]]\nname = \"desk\"\nservers = 1\n",
        "[[pool]]\nname = \"clerks\"\nsize = 1\non_duty_hours = \"08:00-20:00\"\n\n[[checkpoint]]\nname = \"desk\"\nservers = 1\nstaff_from = \"clerks\"\n",
    ) + "\n[[closure]]\nname = \"strike\"\napplies_to = [\"desk\"]\nfrom = 2023-08-29T10:00:00\nto = 2023-08-29T12:00:00\n";
    assert!(text.contains("staff_from"), "the test's edit did not apply");
    let b = run(&parse(&text), 2, 1);
    let svg = repatsim::report::network::network_svg(&b);
    assert!(svg.contains(">open when staffed<"), "{svg}");
    assert!(!svg.contains(">always open<"), "{svg}");
    assert!(svg.contains("on duty Mon-Sun 08:00-20:00; closed by strike"), "{svg}");
}

#[test]
fn the_findings_say_when_people_can_slip_away() {
    // First wave: every route boards an escorted leg first.
    let net = common::network(&common::load("scenarios/first-wave-2023.toml"));
    assert_eq!(net.evasion_window(), "before pickup");
    // Unescorted all the way: they may slip away anywhere on it (said as what they can
    // do, not where they did).
    let text = std::fs::read_to_string(common::repo("tests/regressions/r10_evaders_everywhere.toml")).unwrap();
    assert_eq!(
        common::network(&common::parse(&text)).evasion_window(),
        "(they can until they are home: some route has no escorted leg)"
    );
    // An unescorted van, then an escorted bus.
    let escorted = text.replacen(
        "travel_hours = 2\nescorted = false",
        "travel_hours = 2\nescorted = true",
        1,
    );
    assert_ne!(escorted, text);
    assert_eq!(
        common::network(&common::parse(&escorted)).evasion_window(),
        "(they can until they board an escorted leg)"
    );
}

#[test]
fn the_target_is_answered_when_no_replication_finishes() {
    // Ten people at 10:00 through one desk of an hour each: the last is home at 20:00,
    // after the 0.8-day horizon (19:12). None meets the target of day 0.5 either.
    let text = r#"
[scenario]
name = "late"
start = 2023-08-28T00:00:00
horizon_days = 0.8
target_days = 0.5

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "desk"
servers = 1
service_minutes = 60

[[cohort]]
name = "ten"
origin = "camp"
size = 10
arrival = { process = "all_at_once", at_hours = 10 }
route = ["desk", "home"]
"#;
    let b = run(&parse(text), 4, 1);
    let f = repatsim::report::findings::findings(&b, None);
    assert!(f.iter().any(|l| l.starts_with("In none of 4 replications")), "{f:#?}");
    assert!(
        f.iter()
            .any(|l| l.starts_with("0% of replications have everyone home by the target")),
        "{f:#?}"
    );
}

/// Evasion runs from notice: a cohort with an evasion hazard but no waves is never
/// notified, so nobody can slip away (validation warns so), and no label may say they
/// could: a tester's train evacuation read "Days until everyone is home or slipped away"
/// with 0 evaded throughout. With a wave the same hazard does make it possible.
#[test]
fn labels_offer_slipping_away_only_where_someone_can() {
    let head = origin_and_home("no-waves", 10, 1, "");
    let cohort =
        "\n[[cohort]]\nname = \"c\"\norigin = \"origin\"\nsize = 5\nevasion_per_hour = 0.01\nroute = [\"home\"]\n";
    let without = parse(&(head.clone() + cohort));
    assert_eq!(repatsim::metrics::catalogue::ended_otherwise(&without), None);
    assert!(!repatsim::metrics::catalogue::everyone_home(&without).contains("slipped"));
    let wave = "\n[[wave]]\ncohort = \"c\"\nat_day = 0\nnotify = 5\nlead_hours = 24\n";
    let with = parse(&(head + cohort + wave));
    assert_eq!(
        repatsim::metrics::catalogue::ended_otherwise(&with),
        Some("or slipped away")
    );
    let b = run(&without, 5, 1);
    assert_eq!(mean(&b, "evaded"), 0.0);
    // Nor where every category the cohort is made of has an evasion multiplier of 0.
    let unwilling = "\n[[category]]\nname = \"loyal\"\nevasion_multiplier = 0\n";
    let cohort_of = cohort.replace("route = [", "mix = { loyal = 1.0 }\nroute = [");
    let sc = parse(&(origin_and_home("loyal", 10, 1, "") + unwilling + &cohort_of + wave));
    assert!(!repatsim::metrics::catalogue::can_slip_away(&sc));
    assert_eq!(repatsim::metrics::catalogue::ended_otherwise(&sc), None);
}

/// A quarantine that keeps people 0 hours passes them straight through: a tester's
/// validated without a word and then read "Nobody waits anywhere". It is warned of, at
/// the field; a real stay is not.
#[test]
fn a_quarantine_of_no_hours_is_warned_of() {
    let text = |stay: &str| {
        origin_and_home("pass-through", 10, 1, "")
            + &format!("\n[[site]]\nname = \"q\"\nkind = \"quarantine\"\nbeds = 10\nstay_hours = {stay}\n")
            + "\n[[leg]]\nname = \"bus\"\nfrom = \"origin\"\nto = \"q\"\nmode = \"bus\"\nvehicles = 1\nseats = 50\ntravel_hours = 1\n"
            + "\n[[cohort]]\nname = \"c\"\norigin = \"origin\"\nsize = 100\nroute = [\"bus\", \"q\", \"home\"]\n"
    };
    let w = repatsim::scenario::parse(&text("0"), "q.toml").unwrap().warnings;
    let d = w
        .iter()
        .find(|d| d.field == "site.q.stay_hours")
        .unwrap_or_else(|| panic!("{w:?}"));
    assert!(d.message.contains("keeps people 0 hours"), "{d:?}");
    let w = repatsim::scenario::parse(&text("168"), "q.toml").unwrap().warnings;
    assert!(w.iter().all(|d| d.field != "site.q.stay_hours"), "{w:?}");
}

/// A post whose staff come from a pool that serves it alone: its booths wait for staff
/// busy at its own other booths, not "busy elsewhere" (a tester's one-officer pool read
/// "while its staff (a shared pool) are busy elsewhere", with no elsewhere).
#[test]
fn staff_of_a_pool_serving_one_post_are_not_said_to_be_busy_elsewhere() {
    let text = r#"
[scenario]
name = "staff-post"
start = 2024-03-04T06:00:00
horizon_days = 60
seed = 5
replications = 50

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "post"
kind = "transit"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "camp"
to = "post"
mode = "bus"
vehicles = 5
seats = 40
travel_hours = 2

[[checkpoint]]
name = "customs"
site = "post"
servers = 4
service_minutes = { dist = "exponential", mean = 5 }
open_hours = "08:00-18:00"
staff_from = "officers"

[[cohort]]
name = "workers"
origin = "camp"
size = 600
route = ["bus", "customs", "home"]

[[pool]]
name = "officers"
size = 1
"#;
    let f = repatsim::report::findings::findings(&run(&parse(text), 20, 2), None);
    let post = f
        .iter()
        .find(|s| s.contains("`customs` is idle"))
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(post.contains("while every one of its staff (a pool) is busy"), "{post}");
    assert!(!post.contains("elsewhere"), "{post}");
}
