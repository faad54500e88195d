//! How checkpoints serve, by hand computation: the closing rule (a service under way at
//! closing is finished; nobody new starts until the booth reopens) and service by
//! category priority (`serve = "priority"`, non-preemptive).

mod common;
use common::*;

const HEAD: &str = r#"
[scenario]
name = "rules"
start = 2024-01-01T00:00:00
horizon_days = 5

[[category]]
name = "urgent"
priority = 1

[[category]]
name = "routine"
priority = 2

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"
"#;

/// One booth open 08:00-09:00, 50 minutes each, three people at 08:00: the first is
/// served 08:00-08:50; the second starts at 08:50, still open, and is finished at 09:40,
/// after closing; the third waits for the next opening and is served 08:00-08:50 the
/// next day. Everyone home at 32 h 50 min.
#[test]
fn a_service_under_way_at_closing_is_finished_and_nobody_new_starts() {
    let text = format!(
        "{HEAD}{}",
        r#"
[[checkpoint]]
name = "desk"
servers = 1
service_minutes = 50
open_hours = "08:00-09:00"

[[cohort]]
name = "three"
origin = "camp"
size = 3
mix = { routine = 1.0 }
arrival = { process = "all_at_once", at_hours = 8 }
route = ["desk", "home"]
"#
    );
    let b = run(&parse(&text), 3, 1);
    let makespan_hours = b.summary("makespan_days").unwrap().mean * 24.0;
    assert!((makespan_hours - (32.0 + 50.0 / 60.0)).abs() < 1e-9, "{makespan_hours}");
    // The longest wait: from 08:00 to 08:00 the next day.
    assert!((b.summary("checkpoint.desk.max_wait_hours").unwrap().mean - 24.0).abs() < 1e-9);
    // The second person's service ran 40 minutes past closing, and was finished.
    let (_, rows) = repatsim::model::World::new(network(&parse(&text))).run_traced(0);
    let ends: Vec<f64> = rows
        .iter()
        .filter(|r| r.kind == repatsim::model::TraceKind::ServiceEnd)
        .map(|r| r.time_hours)
        .collect();
    let want = [8.0 + 50.0 / 60.0, 9.0 + 40.0 / 60.0, 32.0 + 50.0 / 60.0];
    assert_eq!(ends.len(), 3);
    for (got, want) in ends.iter().zip(want) {
        assert!((got - want).abs() < 1e-9, "{ends:?}");
    }
}

/// One booth, an hour each. Two routine people at 08:00, one urgent at 08:30. The first
/// routine is served 08:00-09:00 (nobody is interrupted); at 09:00 the urgent person,
/// though later, is served before the second routine one (09:00-10:00, then
/// 10:00-11:00). Waits: urgent 0.5 h; routine 0 and 2 h. First come would give urgent
/// 1.5 h, routine 0 and 1 h.
#[test]
fn priority_service_takes_the_urgent_first_without_interrupting() {
    let cohorts = r#"
[[cohort]]
name = "routine"
origin = "camp"
size = 2
mix = { routine = 1.0 }
arrival = { process = "all_at_once", at_hours = 8 }
route = ["desk", "home"]

[[cohort]]
name = "urgent"
origin = "camp"
size = 1
mix = { urgent = 1.0 }
arrival = { process = "all_at_once", at_hours = 8.5 }
route = ["desk", "home"]
"#;
    let desk = |serve: &str| {
        format!("{HEAD}\n[[checkpoint]]\nname = \"desk\"\nservers = 1\nservice_minutes = 60\n{serve}\n{cohorts}")
    };
    let waits = |text: &str| {
        let b = run(&parse(text), 2, 1);
        let per_person = |c: &str, size: f64| {
            b.summary(&format!("cohort.{c}.mean_hours_waiting_at_checkpoint"))
                .unwrap()
                .mean
                * size
        };
        (per_person("urgent", 1.0), per_person("routine", 2.0))
    };
    let (urgent, routine) = waits(&desk("serve = \"priority\""));
    assert!(
        (urgent - 0.5).abs() < 1e-9 && (routine - 2.0).abs() < 1e-9,
        "{urgent} {routine}"
    );
    let (urgent, routine) = waits(&desk("serve = \"first_come\""));
    assert!(
        (urgent - 1.5).abs() < 1e-9 && (routine - 1.0).abs() < 1e-9,
        "{urgent} {routine}"
    );
    let (urgent, routine) = waits(&desk(""));
    assert!(
        (urgent - 1.5).abs() < 1e-9 && (routine - 1.0).abs() < 1e-9,
        "default is first come"
    );
}

/// An empirical service time: the booth's mean service is the observations' mean (drawn
/// as listed) or the mean of the gaps' midpoints (interpolated), within the CI over
/// replications.
#[test]
fn empirical_service_times_have_the_mean_of_their_observations() {
    for (interpolate, theory) in [(false, 55.0 / 4.0), (true, (2.5 + 7.5 + 25.0) / 3.0)] {
        let text = format!(
            r#"
[scenario]
name = "empirical"
start = 2024-01-01T00:00:00
horizon_days = 30
seed = 9
replications = 20

[[site]]
name = "origin"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "desk"
servers = 3
service_minutes = {{ dist = "empirical", values = [0, 5, 10, 40], interpolate = {interpolate} }}

[[cohort]]
name = "crowd"
origin = "origin"
size = 2000
arrival = {{ process = "poisson", per_hour = 6 }}
route = ["desk", "home"]
"#
        );
        let sc = parse(&text);
        let batch = run(&sc, 20, 2);
        let i = batch.metric_index("checkpoint.desk.mean_service_minutes").unwrap();
        let s = repatsim::stats::Summary::of(&batch.column(i));
        assert!(
            s.ci95_low - 0.05 <= theory && theory <= s.ci95_high + 0.05,
            "interpolate = {interpolate}: {} [{}, {}] vs {theory}",
            s.mean,
            s.ci95_low,
            s.ci95_high
        );
    }
}

/// A daily quota renews at midnight while opening hours keep the checkpoint shut until
/// 08:00: the trace says it opens at 08:00, when it does, not at midnight (a tester
/// found `checkpoint_opens` rows at hours 24, 48, 72 and 96 with no service before 08:00).
#[test]
fn a_checkpoint_opens_in_the_trace_only_when_it_opens() {
    let text = format!(
        "{HEAD}\n[[checkpoint]]\nname = \"post\"\nsite = \"camp\"\nservers = 1\nservice_minutes = 50\n\
         open_hours = \"08:00-12:00\"\nquota_per_day = 2\n\n\
         [[cohort]]\nname = \"group\"\norigin = \"camp\"\nsize = 10\nroute = [\"post\", \"home\"]\n"
    );
    let sc = parse(&text);
    let (_, rows) = repatsim::model::World::new(network(&sc)).run_traced(0);
    let opens: Vec<f64> = rows
        .iter()
        .filter(|r| r.kind == repatsim::model::TraceKind::CheckpointOpens)
        .map(|r| r.time_hours)
        .collect();
    // Ten people at midnight, two a day: at 08:00 on days 0 to 4, never at midnight.
    assert_eq!(opens, vec![8.0, 32.0, 56.0, 80.0, 104.0], "{opens:?}");
}
