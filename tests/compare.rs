//! Comparing, sweeping and planning on common random numbers.

mod common;
use assert_cmd::Command;
use common::*;
use repatsim::experiment::RunOptions;
use repatsim::experiment::compare::{self, Verdict};
use repatsim::experiment::{Target, plan};
use repatsim::scenario::params::Override;

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    for path in [
        "scenarios/first-wave-2023.toml",
        "scenarios/validation/bed-blocking.toml",
    ] {
        let sc = load(path);
        let c = compare::compare(&sc, &sc, &RunOptions::new(0..8).threads(Some(2))).unwrap();
        assert!(!c.metrics.is_empty());
        for m in &c.metrics {
            let d = &m.difference;
            assert!(
                d.n == 0 || (d.min == 0.0 && d.max == 0.0),
                "{path}: {} differs: {d:?}",
                m.metric
            );
            // A makespan no replication has (bed-blocking never empties) is undefined.
            let never = m.metric == "makespan_days" && m.a.mean.is_nan() && m.b.mean.is_nan();
            assert!(
                matches!(m.verdict, Verdict::Same | Verdict::NotEnoughData)
                    || (never && m.verdict == Verdict::Undefined),
                "{}: {:?}",
                m.metric,
                m.verdict
            );
        }
    }
}

const TRAIN: &str = r#"
[scenario]
name = "train"
start = 2024-03-04T06:00:00
horizon_days = 30
seed = 7

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "station"
kind = "transit"
area = "border"

[[site]]
name = "quarantine"
kind = "quarantine"
area = "border"
beds = 100
stay_hours = 48
cost_per_bed_night = 10

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "train"
from = "camp"
to = "station"
mode = "train"
vehicles = 1
seats = 60
travel_hours = 4
return_hours = 4
departure = "timetable"
timetable = ["daily 08:00"]

[[checkpoint]]
name = "control"
site = "station"
servers = 2
service_minutes = 10
open_hours = "09:00-17:00"

[[cohort]]
name = "workers"
origin = "camp"
size = 180
route = ["train", "control", "quarantine", "home"]
"#;

#[test]
fn values_equal_up_to_rounding_are_the_same_and_a_mean_is_compared_as_in_the_table() {
    // A second train changes when people reach the fixed 10-minute service, so the
    // same service times are summed in another order: B's mean service time was
    // 1e-14 away from A's and called "B higher", the quarantine's cost "B better".
    let a = parse(TRAIN);
    let o = [Override::number("leg.train.vehicles", 2.0)];
    let b = parse(&repatsim::scenario::params::apply(TRAIN, &o).unwrap());
    let c = compare::compare(&a, &b, &RunOptions::new(0..20).threads(Some(2))).unwrap();
    let verdict = |id: &str| c.metrics.iter().find(|m| m.metric == id).unwrap().verdict;
    assert_eq!(verdict("checkpoint.control.mean_service_minutes"), Verdict::Same);
    assert_eq!(verdict("site.quarantine.cost"), Verdict::Same);
    // A real change is still one.
    assert_eq!(verdict("leg.train.mean_wait_hours"), Verdict::BBetter);
    // `--metric X@mean` gives the table's paired t interval, not a bootstrap's.
    let specs = [repatsim::stats::target::MetricStat::parse("site.quarantine.mean_occupancy@mean").unwrap()];
    let s = &compare::stat_diffs(&c, &specs, 7).unwrap()[0];
    let table = &c
        .metrics
        .iter()
        .find(|m| m.metric == "site.quarantine.mean_occupancy")
        .unwrap()
        .difference;
    assert_eq!(s.change, [table.mean, table.ci95_low, table.ci95_high]);
    assert_eq!(s.ci_method, "paired_t");
    let p90 = [repatsim::stats::target::MetricStat::parse("makespan_days@p90").unwrap()];
    assert_eq!(
        compare::stat_diffs(&c, &p90, 7).unwrap()[0].ci_method,
        "paired_bootstrap"
    );
    let specs = [repatsim::stats::target::MetricStat::parse("checkpoint.control.mean_service_minutes@mean").unwrap()];
    let s = &compare::stat_diffs(&c, &specs, 7).unwrap()[0];
    assert_eq!((s.change, s.verdict), ([0.0; 3], Verdict::Same));
}

/// The scenario at `path` with `site`'s beds set to `beds`.
fn with_beds(text: &str, path: &str, site: &str, beds: f64) -> repatsim::scenario::Scenario {
    let o = [Override::number(format!("site.{site}.beds"), beds)];
    repatsim::scenario::parse(&repatsim::scenario::params::apply(text, &o).unwrap(), path)
        .unwrap()
        .scenario
}

/// More beds at any bed-limited site never make the mean makespan detectably worse. "Never
/// worse" is checked on paired replications (common random numbers): the 95% CI of the
/// increase must reach down to zero, and the mean increase stay under 15 minutes. Exact
/// monotonicity is not a law of such networks (the full return moves by minutes either
/// way when the isolation ward grows, through its shared customs), so it is not asserted.
#[test]
fn more_beds_never_make_the_mean_makespan_worse_on_the_shipped_scenarios() {
    for path in [
        "scenarios/first-wave-2023.toml",
        "scenarios/full-return.toml",
        "scenarios/validation/hand-computed.toml",
    ] {
        let sc = load(path);
        let text = std::fs::read_to_string(repo(path)).unwrap();
        let n = if sc.population() > 10_000 { 4 } else { 20 };
        let opts = RunOptions::new(0..n).threads(Some(2));
        for site in sc.sites.iter().filter(|s| s.beds.is_some()) {
            let beds = f64::from(site.beds.unwrap());
            let levels = [(beds * 0.5).ceil(), beds, beds * 1.5, beds * 2.0];
            for w in levels.windows(2) {
                let (fewer, more) = (
                    with_beds(&text, path, &site.name, w[0]),
                    with_beds(&text, path, &site.name, w[1]),
                );
                let c = compare::compare(&fewer, &more, &opts).unwrap();
                let m = c.metrics.iter().find(|m| m.metric == "makespan_days").unwrap();
                // Replications that got everyone home (the makespan's `n` counts every
                // replication: the unfinished ones count as later than the horizon).
                let finished = |b: &repatsim::experiment::Batch| {
                    let i = b.metric_index("makespan_days").unwrap();
                    b.column(i).iter().filter(|x| x.is_finite()).count() as u64
                };
                let (a_finished, b_finished) = (finished(&c.a), finished(&c.b));
                // A replication that never finishes is the worst outcome: more beds may turn
                // unfinished replications into finished ones, never the reverse.
                assert!(
                    b_finished >= a_finished,
                    "{path}: {} beds at {} finish fewer replications than {}",
                    w[1],
                    site.name,
                    w[0]
                );
                if a_finished == n && b_finished == n {
                    let d = &m.difference;
                    assert!(
                        d.ci95_low <= 0.0 || d.n < 2 || (d.min == d.max && d.max <= 0.0),
                        "{path}: {} -> {} beds at {} is worse: {d:?}",
                        w[0],
                        w[1],
                        site.name
                    );
                    assert!(
                        d.mean <= 15.0 / 60.0 / 24.0,
                        "{path}: {} -> {} beds at {}: makespan up by {} days",
                        w[0],
                        w[1],
                        site.name,
                        d.mean
                    );
                }
            }
        }
    }
}

#[test]
fn plan_finds_the_hand_computed_number_of_booths() {
    // scenarios/validation/opening-hours.toml: 1,000 people, booths of 10 an hour, open
    // 09:00-17:00 on weekdays from Monday 00:00. Three booths clear 240 a day; the last 40
    // take 14 rounds of 6 minutes on Friday: done at 10:24 (106.4 h). Four clear 320 a day;
    // the last 40 take 10 rounds on Thursday: done at 10:00 (82 h). The fewest booths to be
    // done within 100 h: 4.
    let text = std::fs::read_to_string(repo("scenarios/validation/opening-hours.toml")).unwrap();
    let target = Target::parse("makespan_days@mean<=4.1667").unwrap();
    let r = plan::plan(
        &text,
        "opening-hours.toml",
        &[],
        "checkpoint.office.servers",
        1.0,
        10.0,
        &target,
        &RunOptions::new(0..2),
        2,
        0.01,
    )
    .unwrap();
    assert_eq!(r.answer, Some(4.0), "{}", r.message);
    assert_eq!(r.direction, "smallest");
    let three = r.trials.iter().find(|t| t.value == 3.0).expect("3 was tried");
    assert!(
        (three.statistic * 24.0 - (4.0 * 24.0 + 9.0 + 14.0 * 0.1)).abs() < 1e-9,
        "{}",
        three.statistic * 24.0
    );
    assert!(r.confirmation.as_ref().unwrap().met);
    assert_eq!((r.met_on_fresh, r.confirmed), (Some(true), Some(true)));
    // Judged as check judges it: the two fresh replications agree exactly, so the CI of
    // the mean is the point and it confirms. A P90 has no CI from two: met, but the
    // answer is not said to be confirmed.
    assert!(
        r.message
            .contains("(met, confirmed: its whole 95% CI meets the target)"),
        "{}",
        r.message
    );
    let p90 = Target::parse("makespan_days@p90<=4.1667").unwrap();
    let r = plan::plan(
        &text,
        "x",
        &[],
        "checkpoint.office.servers",
        1.0,
        10.0,
        &p90,
        &RunOptions::new(0..2),
        2,
        0.01,
    )
    .unwrap();
    assert_eq!(r.answer, Some(4.0), "{}", r.message);
    assert!(r.message.contains("met, but not with 95% confidence"), "{}", r.message);
    // --json says the same: met on the fresh replications' point value, not confirmed.
    assert_eq!((r.met_on_fresh, r.confirmed), (Some(true), Some(false)));
    // A target the range cannot meet is said so.
    let impossible = Target::parse("makespan_days@mean<=0.5").unwrap();
    let r = plan::plan(
        &text,
        "x",
        &[],
        "checkpoint.office.servers",
        1.0,
        10.0,
        &impossible,
        &RunOptions::new(0..2),
        2,
        0.01,
    )
    .unwrap();
    assert_eq!(r.answer, None);
    assert!(!r.met_everywhere);
    // A range met at both ends holds no boundary: no answer (4 to 10 booths all meet
    // it; answering 10, as before, would buy six booths more than needed).
    let r = plan::plan(
        &text,
        "x",
        &[],
        "checkpoint.office.servers",
        4.0,
        10.0,
        &target,
        &RunOptions::new(0..2),
        2,
        0.01,
    )
    .unwrap();
    assert_eq!(r.answer, None, "{}", r.message);
    assert!(r.met_everywhere);
    assert!(
        r.message.contains("every value tried in 4..10 meets the target"),
        "{}",
        r.message
    );
    assert!(r.confirmation.is_none());
    // A base override changes what is planned around. At 12 minutes a person, six booths
    // clear 240 a day and finish Friday at 10:24 again; seven clear 280 a day, leaving 160
    // for Thursday: 23 rounds of 12 minutes, done at 13:36 (85.6 h). Answer: 7.
    let slow = [Override::number("checkpoint.office.service_minutes", 12.0)];
    let r = plan::plan(
        &text,
        "x",
        &slow,
        "checkpoint.office.servers",
        1.0,
        20.0,
        &target,
        &RunOptions::new(0..2),
        0,
        0.01,
    )
    .unwrap();
    assert_eq!(r.answer, Some(7.0), "{}", r.message);
}

#[test]
fn the_cli_compares_sweeps_and_plans_and_suggests_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let file = repo("scenarios/validation/hand-computed.toml");
    let out = tmp.path().join("cmp");
    let o = repatsim()
        .arg("compare")
        .arg(&file)
        .args(["--vs-set", "site.quarantine.beds=100", "-n", "3", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("makespan_days") && text.contains("B better"), "{text}");
    for f in [
        "compare.json",
        "compare.csv",
        "compare-people-home.png",
        "compare-people-home.svg",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    let m = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "makespan_days")
        .unwrap();
    assert!((m["difference"]["mean"].as_f64().unwrap() * 24.0 - (38.25 - 59.25)).abs() < 1e-9);
    // compare.csv writes the verdict as compare.json does ("B better" and "b_better"
    // before); a --metric statistic has a CSV of its own (it was in the JSON alone).
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("makespan_days,")).unwrap();
    assert!(row.ends_with(",b_better"), "{row}");
    assert_eq!(m["verdict"], "b_better");
    assert!(!out.join("compare-statistics.csv").exists(), "written without --metric");
    let with = tmp.path().join("cmp-p90");
    let o = repatsim()
        .arg("compare")
        .arg(&file)
        .args([
            "--vs-set",
            "site.quarantine.beds=100",
            "-n",
            "12",
            "--metric",
            "makespan_days@p90",
            "--out",
        ])
        .arg(&with)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stats = std::fs::read_to_string(with.join("compare-statistics.csv")).unwrap();
    let mut lines = stats.lines();
    assert_eq!(
        lines.next(),
        Some("metric,stat,a,b,change,change_ci95_low,change_ci95_high,ci_method,verdict")
    );
    let p90: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&p90[..2], ["makespan_days", "p90"]);
    // Deterministic: the P90 moves by 21 hours, as in compare.json.
    let change: f64 = p90[4].parse().unwrap();
    assert!((change * 24.0 + 21.0).abs() < 1e-9, "{stats}");
    assert_eq!((p90[7], p90[8]), ("paired_bootstrap", "b_better"));
    // --force takes back a directory this wrote (compare-statistics.csv was taken for a
    // file repatsim did not write).
    let again = repatsim()
        .arg("compare")
        .arg(&file)
        .args([
            "--vs-set",
            "site.quarantine.beds=100",
            "-n",
            "12",
            "--metric",
            "makespan_days@p90",
            "--force",
            "--out",
        ])
        .arg(&with)
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));

    let sweep = tmp.path().join("sweep");
    repatsim()
        .arg("sweep")
        .arg(&file)
        .args([
            "--vary",
            "site.quarantine.beds=25..100:25",
            "--vary",
            "checkpoint.customs.servers=2..4:1",
            "-n",
            "2",
            "--out",
        ])
        .arg(&sweep)
        .assert()
        .success();
    assert!(sweep.join("sweep-heatmap-makespan_days-mean.png").exists());
    let csv = std::fs::read_to_string(sweep.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4 * 3);

    let o = repatsim()
        .arg("run")
        .arg(&file)
        .args(["--set", "site.quarantne.beds=10"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("did you mean `quarantine`"), "{err}");
    let o = repatsim()
        .arg("sweep")
        .arg(&file)
        .args(["--vary", "site.quarantine.bedz=1..2:1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `beds`"));
    // An override is validated like the file: zero beds is refused with its field.
    let o = repatsim()
        .arg("validate")
        .arg(&file)
        .args(["--set", "site.quarantine.beds=0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("site.quarantine.beds"));
}

/// A timetable swept over a list of alternatives: one Monday flight of 200 seats for
/// 300 people leaves the last 100 a week (they leave at hour 178, home at 180); a second flight on
/// Thursday takes them at hour 82 (home at hour 84). Both exactly, on every replication.
#[test]
fn a_timetable_swept_over_alternatives_gives_the_hand_computed_makespans() {
    let text = r#"
[scenario]
name = "flights"
start = 2024-01-01T00:00:00   # a Monday
horizon_days = 30
seed = 3

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "flight"
from = "camp"
to = "home"
mode = "flight"
vehicles = 1
seats = 200
travel_hours = 2
return_hours = 2
departure = "timetable"
timetable = ["mon 10:00"]

[[cohort]]
name = "workers"
origin = "camp"
size = 300
route = ["flight", "home"]
"#;
    let axis =
        repatsim::experiment::sweep::parse_axis(r#"leg.flight.timetable=["mon 10:00", "mon,thu 10:00"]"#).unwrap();
    assert!(axis.is_choice());
    assert_eq!(axis.label(1.0), "mon,thu 10:00");
    let metrics = [repatsim::stats::target::MetricStat::parse("makespan_days@p90").unwrap()];
    let opts = RunOptions::new(0..4).threads(Some(2));
    let r = repatsim::experiment::sweep::sweep(text, "t.toml", &[], &[axis], &metrics, &opts, None).unwrap();
    let days: Vec<f64> = r.points.iter().map(|p| p.summaries[0].max).collect();
    assert_eq!(days, vec![180.0 / 24.0, 84.0 / 24.0]);
    let mins: Vec<f64> = r.points.iter().map(|p| p.summaries[0].min).collect();
    assert_eq!(mins, days);

    // plan searches numbers only, and says where to go instead.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f.toml");
    std::fs::write(&file, text).unwrap();
    let o = repatsim()
        .arg("plan")
        .arg(&file)
        .args([
            "--vary",
            r#"leg.flight.timetable=["mon 10:00"]"#,
            "--target",
            "makespan_days@mean<=5",
            "-n",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("use sweep --vary"));
}

/// `compare A B --vs-set` changes B (it used to be ignored), the study commands default
/// to the scenario's `replications`, `--metric` compares any statistic, and a target
/// nothing meets exits with 3.
#[test]
fn study_commands_apply_every_flag_they_are_given() {
    let file = repo("scenarios/validation/hand-computed.toml");
    let replications = load("scenarios/validation/hand-computed.toml").replications;
    let o = repatsim()
        .arg("compare")
        .arg(&file)
        .arg(&file)
        .args([
            "--vs-set",
            "site.quarantine.beds=100",
            "--metric",
            "makespan_days@p90",
            "--json",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["replications"], u64::from(replications));
    assert!(json["b"].as_str().unwrap().ends_with("with site.quarantine.beds=100"));
    let m = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "makespan_days")
        .unwrap();
    assert!((m["difference"]["mean"].as_f64().unwrap() * 24.0 - (38.25 - 59.25)).abs() < 1e-9);
    // Three replications are too few for a bootstrap CI: said, not invented.
    assert_eq!(json["statistics"][0]["verdict"], "not_enough_data");
    // Deterministic here: on 12 the P90 moves by the same 21 hours, zero-width CI.
    let o = repatsim()
        .arg("compare")
        .arg(&file)
        .arg(&file)
        .args([
            "--vs-set",
            "site.quarantine.beds=100",
            "--metric",
            "makespan_days@p90",
            "--json",
            "-q",
            "-n",
            "12",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &json["statistics"][0];
    assert_eq!(s["statistic"], "makespan_days@p90");
    for x in s["change"].as_array().unwrap() {
        assert!((x.as_f64().unwrap() * 24.0 + 21.0).abs() < 1e-9, "{s}");
    }
    assert_eq!(s["verdict"], "b_better");

    let o = repatsim()
        .arg("plan")
        .arg(&file)
        .args([
            "--vary",
            "site.quarantine.beds=1..2",
            "--target",
            "makespan_days@mean<=0.01",
            "-n",
            "2",
            "-q",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(json["answer"].is_null());
    assert!(json["confirmed"].is_null());
}

/// Ten people at one desk (1 h exponential service) and a 0.9-day horizon: with one
/// booth a quarter of the replications never get everyone home. `compare` counts those
/// as later than the horizon, as `check` and the run do: the mean makespan (and its
/// difference) is unknown, not the mean of the pairs that both finished, and the P90 of
/// one booth lies beyond the horizon, so two booths bring it within it.
#[test]
fn compare_counts_unfinished_replications_against_the_makespan() {
    let booths = |servers: u32, horizon_days: f64| {
        let mut sc = parse(&desk(r#"{ dist = "exponential", mean = 60 }"#, horizon_days, ""));
        sc.checkpoints[0].servers = servers;
        sc
    };
    let opts = RunOptions::new(0..200).threads(Some(2));
    let specs = [repatsim::stats::target::MetricStat::parse("makespan_days@p90").unwrap()];
    let mut c = compare::compare(&booths(1, 0.9), &booths(2, 0.9), &opts).unwrap();
    let m = c.metrics.iter().find(|m| m.metric == "makespan_days").unwrap();
    assert_eq!(m.verdict, Verdict::Undefined);
    assert!(m.a.mean.is_nan() && m.difference.mean.is_nan() && m.b.mean.is_finite());
    assert!(m.a.p90.is_infinite() && m.b.p90.is_finite());
    c.statistics = compare::stat_diffs(&c, &specs, 1).unwrap();
    let s = &c.statistics[0];
    assert!(s.a.is_infinite() && s.b.is_finite(), "{s:?}");
    assert_eq!(s.change[0], f64::NEG_INFINITY);
    assert_eq!(s.verdict, Verdict::BBetter);
    let table = repatsim::report::study::compare_table(
        &c,
        &repatsim::report::study::CompareLabels {
            a: "a",
            b: "b",
            replications: 200,
            seed: 1,
        },
        false,
    );
    assert!(table.contains("> horizon"), "{table}");
    assert!(table.contains("undefined: unfinished replications"), "{table}");
    // Beyond the horizon in both: no change can be stated.
    let c = compare::compare(&booths(1, 0.9), &booths(1, 0.95), &opts).unwrap();
    let s = &compare::stat_diffs(&c, &specs, 1).unwrap()[0];
    assert!(s.a.is_infinite() && s.b.is_infinite());
    assert_eq!(s.verdict, Verdict::Undefined);
    // Nobody home in any replication of either plan (10 hours of service in 0.8): the mean
    // makespan is undefined for the same reason, not "not enough data".
    let c = compare::compare(&booths(1, 0.45), &booths(2, 0.45), &opts).unwrap();
    let m = c.metrics.iter().find(|m| m.metric == "makespan_days").unwrap();
    assert_eq!(m.verdict, Verdict::Undefined, "{m:?}");
}

/// A sweep's target is drawn on its statistic's chart, so that statistic is swept even
/// when no --metric names it (it was dropped without a word).
#[test]
fn a_sweep_target_sweeps_its_statistic() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let o = assert_cmd::Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sweep")
        .arg(repo("scenarios/validation/opening-hours.toml"))
        .args(["--vary", "checkpoint.office.servers=3..5:1", "-n", "2", "-q"])
        .args(["--target", "checkpoint.office.mean_wait_hours@mean<=20", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(
        csv.lines()
            .filter(|l| l.contains(",checkpoint.office.mean_wait_hours,mean,"))
            .count(),
        3
    );
    assert!(out.join("sweep-checkpoint-office-mean_wait_hours-mean.png").exists());
}

/// A cost only B has (A's file sets none, so A has no cost columns) is compared against
/// zero, not left out.
#[test]
fn a_cost_only_b_has_is_compared_with_zero() {
    let o = assert_cmd::Command::cargo_bin("repatsim")
        .unwrap()
        .arg("compare")
        .arg(repo("scenarios/validation/opening-hours.toml"))
        .args([
            "--vs-set",
            "checkpoint.office.cost_per_open_hour=5",
            "-n",
            "2",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let total = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "cost.total")
        .unwrap_or_else(|| panic!("no cost.total in {v}"));
    assert_eq!(total["a"]["mean"], 0.0, "{total}");
    assert!(total["b"]["mean"].as_f64().unwrap() > 0.0, "{total}");
}

/// 100 people, a bus of 20 every 2 hours, one booth of 6 minutes, 30 beds for 48 hours:
/// with 50 beds the run ends days earlier, and the booth's mean line doubles (the same
/// 95 person-hours of queueing over a shorter run). The comparison says why.
#[test]
fn a_mean_over_a_shorter_run_is_said_to_be_one() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-bus.toml");
    std::fs::write(&file, A_BUS).unwrap();
    let o = repatsim()
        .arg("compare")
        .arg(&file)
        .args(["--vs-set", "site.quarantine.beds=50", "-n", "5"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("checkpoint.customs.mean_queue"), "{out}");
    assert!(
        out.contains("are over each replication's own length, and B's runs are shorter"),
        "{out}"
    );
    // Many metrics at 95% each: the table says how many would differ by chance.
    let o = repatsim()
        .arg("compare")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["--vs-set", "leg.hotel-customs-shuttle.vehicles=7", "-n", "20"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("metrics whose difference varies between replications differ at 95% each; between identical plans about 1 in 20 would by chance"),
        "{out}"
    );
    // A short table with a difference flagged says so too: two plans that differ only in
    // the name of their cohort (so in its random numbers), seeds until one is flagged.
    let a = parse(NULL_PLAN);
    let b = parse(&NULL_PLAN.replace("name = \"y\"", "name = \"z\""));
    let flagged = (1..60).find_map(|seed| {
        let (mut a, mut b) = (a.clone(), b.clone());
        (a.seed, b.seed) = (seed, seed);
        let c = compare::compare(&a, &b, &RunOptions::new(0..20).threads(Some(1))).unwrap();
        let varies = |m: &&compare::MetricDiff| m.difference.ci95_high > m.difference.ci95_low;
        let tested = c.metrics.iter().filter(varies).count();
        let any = c.metrics.iter().filter(varies).any(|m| m.verdict.differs());
        (any && tested < 20).then_some(c)
    });
    let c = flagged.expect("some seed flags a chance difference");
    let labels = repatsim::report::study::CompareLabels {
        a: "a",
        b: "b",
        seed: c.a.scenario().seed,
        replications: 20,
    };
    let table = repatsim::report::study::compare_table(&c, &labels, false);
    assert!(table.contains("would by chance (about 0."), "{table}");
}

/// Two cohorts arriving at random at two booths; renaming one changes its random
/// numbers and nothing else.
const NULL_PLAN: &str = r#"
[scenario]
name = "null"
start = 2024-01-01T00:00:00
horizon_days = 30
seed = 1

[[site]]
name = "o"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "booths"
servers = 2
service_minutes = { dist = "exponential", mean = 15 }

[[cohort]]
name = "x"
origin = "o"
size = 200
arrival = { process = "poisson", per_hour = 3 }
route = ["booths", "home"]

[[cohort]]
name = "y"
origin = "o"
size = 200
arrival = { process = "poisson", per_hour = 3 }
route = ["booths", "home"]
"#;

const A_BUS: &str = r#"
[scenario]
name = "a-bus"
start = 2024-01-01T00:00:00
horizon_days = 20
seed = 1
replications = 5

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "border"
area = "town"
kind = "transit"

[[site]]
name = "quarantine"
area = "town"
kind = "quarantine"
beds = 30
stay_hours = 48

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "camp"
to = "border"
mode = "bus"
vehicles = 1
seats = 20
travel_hours = 1
return_hours = 1

[[checkpoint]]
name = "customs"
site = "border"
servers = 1
service_minutes = 6

[[cohort]]
name = "workers"
origin = "camp"
size = 100
route = ["bus", "customs", "quarantine", "home"]
"#;

/// Shares read as percentages in the comparison table, and their differences in
/// percentage points: a share of 0.9999 printed as "1.000" read as all of them.
#[test]
fn shares_in_the_comparison_table_are_percentages() {
    let o = repatsim()
        .arg("compare")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["--vs-set", "leg.hotel-customs-shuttle.vehicles=1", "-n", "8", "--all"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("site.dandong-hotel.bed_utilization "))
        .unwrap_or_else(|| panic!("{text}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert!(cells[1].ends_with('%') && cells[2].ends_with('%'), "{row}");
    assert!(row.contains("] pp"), "{row}");
    // A count keeps its plain number.
    let row = text.lines().find(|l| l.trim_start().starts_with("home ")).unwrap();
    assert!(!row.contains('%') && !row.contains("pp"), "{row}");
}

/// A bus that leaves only when full, people arriving at 10 an hour: a small bus cannot
/// carry them (seats / 2 an hour round trip), a large one takes seats / 10 hours to
/// fill, so the mean wait to board is about seats / 20 hours once it keeps up, and
/// unbounded below about 20 seats. A target of at most 3 hours is met only from about
/// 21 to 60 seats: failing at both ends of 10..200, which plan used to call "not met
/// anywhere". It now scans the range first, finds the stretch and says the parameter
/// does not move the wait one way.
#[test]
fn plan_scans_the_range_and_finds_a_stretch_between_two_failing_ends() {
    let text = r#"
[scenario]
name = "bus-fill"
start = 2024-01-01T00:00:00
horizon_days = 6
warmup_hours = 48
seed = 3

[[site]]
name = "origin"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "origin"
to = "home"
mode = "bus"
vehicles = 1
seats = 40
travel_hours = 1
return_hours = 1
departure = "when_full"
max_wait_hours = 100

[[cohort]]
name = "all"
origin = "origin"
size = 1400
arrival = { process = "poisson", per_hour = 10 }
route = ["bus", "home"]
"#;
    let target = Target::parse("leg.bus.mean_wait_hours@mean<=3").unwrap();
    let r = plan::plan(
        text,
        "bus-fill.toml",
        &[],
        "leg.bus.seats",
        10.0,
        200.0,
        &target,
        &RunOptions::new(0..4),
        0,
        0.01,
    )
    .unwrap();
    let answer = r.answer.expect(&r.message);
    assert!((20.0..=30.0).contains(&answer), "{}", r.message);
    assert_eq!(r.direction, "smallest");
    let ends: Vec<bool> = [10.0, 200.0]
        .iter()
        .map(|v| r.trials.iter().find(|t| t.value == *v).unwrap().met)
        .collect();
    assert_eq!(ends, [false, false], "{:?}", r.trials);
    assert!(
        r.message.contains("does not move the statistic one way"),
        "{}",
        r.message
    );
    assert!(
        r.message
            .starts_with("smallest value of the first stretch meeting the target"),
        "{}",
        r.message
    );
    assert!(!r.one_way);
    // Every scanned value is a trial, the ends included.
    for v in plan::scan_values(10.0, 200.0, true) {
        assert!(r.trials.iter().any(|t| t.value == v), "{v} not tried");
    }
}

#[test]
fn the_scan_spreads_whole_values_once_each_with_both_ends() {
    assert_eq!(
        plan::scan_values(1.0, 10.0, true),
        [1.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    );
    assert_eq!(plan::scan_values(1.0, 3.0, true), [1.0, 2.0, 3.0]);
    assert_eq!(plan::scan_values(0.0, 1.0, false).len(), plan::SCAN_POINTS);
}

/// A cost written as 0 still has its metrics: a sweep of `cost_per_trip` from 0 failed
/// with "no metric named `cost.total`", as the catalogue at 0 left costs out.
#[test]
fn a_sweep_of_a_cost_from_zero_finds_the_cost_metrics() {
    let text = std::fs::read_to_string(repo("scenarios/validation/hand-computed.toml")).unwrap();
    let leg = repatsim::scenario::parse(&text, "x").unwrap().scenario.legs[0]
        .name
        .clone();
    let axis = repatsim::experiment::sweep::parse_axis(&format!("leg.{leg}.cost_per_trip=0..10:5")).unwrap();
    let metrics = [
        repatsim::experiment::MetricStat::parse("cost.total").unwrap(),
        repatsim::experiment::MetricStat::parse(&format!("leg.{leg}.cost")).unwrap(),
    ];
    let r = repatsim::experiment::sweep::sweep(&text, "x", &[], &[axis], &metrics, &RunOptions::new(0..2), None)
        .expect("the cost metrics exist at 0 too");
    let at0 = &r.points[0];
    assert_eq!(at0.values, [0.0]);
    assert_eq!(at0.estimates[0].value, 0.0);
    // At 5 and 10 a trip, the cost is 5 and 10 times the trips: in proportion.
    let (c5, c10) = (r.points[1].estimates[0].value, r.points[2].estimates[0].value);
    assert!(c5 > 0.0 && (c10 - 2.0 * c5).abs() < 1e-9, "{c5} {c10}");
}

/// A desk that turns people away when five wait, then one 10-seat bus (2 h each way).
const TURN_AWAY: &str = r#"
[scenario]
name = "turn-away"
start = 2024-01-01T00:00:00
horizon_days = 10

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "desk"
site = "camp"
servers = 1
service_minutes = { dist = "exponential", mean = 10 }
max_line = 5
give_up = "turned_away"

[[leg]]
name = "bus"
from = "camp"
to = "home"
mode = "bus"
vehicles = 1
seats = 10
travel_hours = 2

[[cohort]]
name = "people"
origin = "camp"
size = 60
route = ["desk", "bus", "home"]
"#;

#[test]
fn a_plan_that_turns_fewer_away_is_not_called_worse_without_a_word() {
    // A long enough line turns nobody away: all 60 ride the bus, so the last journey
    // ends days later than when 54 were sent away. The makespan says "B worse"; the
    // table says why, and points at `home`.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("turn-away.toml");
    std::fs::write(&file, TURN_AWAY).unwrap();
    let o = repatsim()
        .arg("compare")
        .arg(&file)
        .args(["--vs-set", "checkpoint.desk.max_line=100", "-n", "10"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let makespan = out
        .lines()
        .find(|l| l.trim_start().starts_with("makespan_days"))
        .unwrap();
    assert!(makespan.ends_with("B worse"), "{out}");
    assert!(
        out.contains("`makespan_days` counts a journey as ended when the person is home, slipped away or turned away"),
        "{out}"
    );
    assert!(out.contains("(turned away 54.00 -> 0)"), "{out}");
    assert!(
        out.contains("(home: 6.00 -> 60.00). Judge them on `home` as well."),
        "{out}"
    );
    // The same plan against itself: nothing to say.
    let o = repatsim()
        .arg("compare")
        .arg(&file)
        .args(["--vs-set", "checkpoint.desk.max_line=5", "-n", "10"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("Judge them on `home`"));
}
