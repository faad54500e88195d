//! Little's law on every stage of every shipped scenario: for each count the model keeps
//! (people in a checkpoint queue or booth, in a site or waiting for its beds, waiting for
//! or aboard a vehicle), the time integral of the count equals the sum of the durations
//! recorded for it (including the waits of people who evaded from a line), plus the
//! time of people still inside at the end (at most the final
//! count times the observed span). With L = integral / T, lambda = entries / T and
//! W = sum / entries this is L = lambda W.

mod common;
use common::*;
use repatsim::experiment::run_one;
use repatsim::stats::{LevelSummary, Tally};

/// Durations recorded for a count: completed ones plus those cut short by evasion.
fn both(a: &Tally, b: &Tally) -> Tally {
    Tally {
        count: a.count + b.count,
        sum: a.sum + b.sum,
        sum_sq: a.sum_sq + b.sum_sq,
        max: a.max.max(b.max),
        positive: a.positive + b.positive,
    }
}

fn check(what: &str, level: &LevelSummary, tally: &Tally, failures: &mut Vec<String>) {
    let gap = level.integral - tally.sum;
    let bound = level.final_value as f64 * level.span_hours;
    let eps = 1e-7 * level.integral.max(1.0);
    if gap < -eps || gap > bound + eps {
        failures.push(format!(
            "{what}: integral {} vs sum of durations {} (allowed gap 0..{bound})",
            level.integral, tally.sum
        ));
    }
    if level.final_value == 0 && level.integral > 0.0 {
        // Everyone left: L = lambda W exactly (to rounding).
        let (l, lw) = (
            level.integral / level.span_hours,
            tally.count as f64 / level.span_hours * tally.mean(),
        );
        if (l - lw).abs() > 1e-7 * l.max(1.0) {
            failures.push(format!("{what}: L = {l} but lambda W = {lw}"));
        }
    }
}

#[test]
fn littles_law_holds_on_every_stage_of_every_shipped_scenario() {
    let mut failures = Vec::new();
    let mut stages = 0;
    for path in shipped_scenarios() {
        let mut sc = load(path.strip_prefix(repo("")).unwrap().to_str().unwrap());
        // A warm-up restart splits the durations of people inside at that moment; the
        // law is about the whole run, so check it without the restart.
        sc.warmup_hours = 0.0;
        let net = network(&sc);
        for rep in 0..3 {
            let r = run_one(&net, rep);
            let p = path.file_name().unwrap().to_string_lossy();
            for (s, spec) in r.sites.iter().zip(&sc.sites) {
                check(
                    &format!("{p} rep {rep} site {} occupancy", spec.name),
                    &s.occupancy,
                    &s.stays,
                    &mut failures,
                );
                check(
                    &format!("{p} rep {rep} site {} bed queue", spec.name),
                    &s.bed_queue,
                    &both(&s.bed_waits, &s.abandoned),
                    &mut failures,
                );
                stages += 2;
            }
            for (l, spec) in r.legs.iter().zip(&sc.legs) {
                check(
                    &format!("{p} rep {rep} leg {} queue", spec.name),
                    &l.queue,
                    &both(&l.waits, &l.abandoned),
                    &mut failures,
                );
                check(
                    &format!("{p} rep {rep} leg {} aboard", spec.name),
                    &l.aboard,
                    &l.rides,
                    &mut failures,
                );
                stages += 2;
            }
            for (k, spec) in r.checkpoints.iter().zip(&sc.checkpoints) {
                // The line counts each try; a wait recorded for one who retried is
                // whole (every try and the time away), so the tries' own durations are
                // the person-hours' (whole without a warm-up).
                let tries = Tally {
                    count: k.waits.count + k.abandoned.count,
                    sum: k.person_hours.through + k.person_hours.abandoned,
                    ..Tally::default()
                };
                check(
                    &format!("{p} rep {rep} checkpoint {} queue", spec.name),
                    &k.queue,
                    &tries,
                    &mut failures,
                );
                check(
                    &format!("{p} rep {rep} checkpoint {} booths", spec.name),
                    &k.busy,
                    &k.services,
                    &mut failures,
                );
                stages += 2;
            }
        }
    }
    assert!(stages > 50, "only {stages} stage checks ran");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// With a warm-up, the person-hours of waiting are counted from its end as the line's
/// length is: the integral of each line over the observed span equals the observed
/// part of every wait that ended (or was given up) plus the waits under way at the end.
/// The whole waits of those who joined before the warm-up's end were counted in full
/// (train 2,100 person-hours where the line held 660).
#[test]
fn waiting_person_hours_after_a_warm_up_are_the_lines_integral() {
    let text = origin_and_home("warm", 12, 5, "warmup_hours = 30")
        + r#"
[[site]]
name = "station"
kind = "transit"
area = "station"

[[site]]
name = "ward"
kind = "quarantine"
area = "station"
beds = 40
stay_hours = { dist = "exponential", mean = 40 }

[[leg]]
name = "train"
from = "origin"
to = "station"
mode = "train"
vehicles = 1
seats = 30
travel_hours = 2
departure = "timetable"
timetable = ["daily 09:00", "daily 21:00"]

[[checkpoint]]
name = "customs"
site = "station"
servers = 1
service_minutes = { dist = "exponential", mean = 40 }

[[cohort]]
name = "people"
origin = "origin"
size = 400
evasion_per_hour = 0.002
arrival = { process = "poisson", per_hour = 2 }
route = ["train", "customs", "ward", "home"]
"#;
    let sc = parse(&text);
    let net = network(&sc);
    let mut checked = 0;
    for rep in 0..5 {
        let r = run_one(&net, rep);
        let lines = r
            .checkpoints
            .iter()
            .map(|k| ("customs", &k.queue, k.person_hours.total() + k.away_hours))
            .chain(r.legs.iter().map(|l| ("train", &l.queue, l.person_hours.total())))
            .chain(r.sites.iter().map(|s| ("beds", &s.bed_queue, s.person_hours.total())));
        for (what, level, counted) in lines {
            assert!(
                (level.integral - counted).abs() <= 1e-7 * level.integral.max(1.0),
                "rep {rep} {what}: integral {} vs person-hours {counted}",
                level.integral
            );
            checked += usize::from(level.integral > 0.0);
        }
    }
    assert!(checked >= 10, "only {checked} lines with waiting were checked");
}

/// Approval waits restart at the warm-up's end as every line's do: ten people at the
/// start of a Monday, two approved a day. After a 30-hour warm-up, those approved at
/// 48, 72 and 96 h (two each) are counted: person-hours 2 x (18 + 42 + 66) = 252, mean
/// wait (48 + 72 + 96) / 3 = 72 h. Counted from the start, the waits of day 1 (all
/// before the warm-up's end) made approvals a warm-up's bottleneck.
#[test]
fn approval_waits_restart_at_the_warm_up() {
    let text = origin_and_home("approvals", 10, 1, "warmup_hours = 30")
        + r#"
[[cohort]]
name = "people"
origin = "origin"
size = 10
approvals_per_day = 2
route = ["home"]
"#;
    let b = run(&parse(&text), 2, 1);
    assert_eq!(mean(&b, "cohort.people.waiting_person_hours"), 252.0);
    assert_eq!(mean(&b, "cohort.people.mean_approval_wait_hours"), 72.0);
    assert_eq!(mean(&b, "cohort.people.approved"), 6.0);
}

/// A replication whose journeys all end before the warm-up's end observes nothing after
/// it: its statistics restart at its end, instead of keeping the whole run's (a 300-hour
/// warm-up on a run over by 202 hours gave the figures of no warm-up at all, averaged
/// with restarted replications as if alike); and the summary says so.
#[test]
fn a_run_over_before_the_warm_up_counts_nothing_after_it() {
    let mut sc = load("scenarios/first-wave-2023.toml");
    sc.warmup_hours = 300.0;
    let b = run(&sc, 4, 2);
    for m in [
        "site.dandong-hotel.peak_occupancy",
        "leg.hotel-customs-shuttle.waiting_person_hours",
        "checkpoint.dandong-customs.served",
    ] {
        assert_eq!(mean(&b, m), 0.0, "{m}");
    }
    // The whole-run counts stay.
    assert!(mean(&b, "home") > 600.0);
    let table = repatsim::report::summary_table(&b, None, false);
    assert!(
        table.contains("In 4 of 4 replications every journey had ended before it"),
        "{table}"
    );
    assert!(table.contains("No waiting is counted"), "{table}");
}
