//! `repatsim check`: a target passes only when its whole 95% CI meets it, fails when the
//! whole CI misses it, and is undecided otherwise; an unfinished replication counts
//! against a makespan target (never silently left out); exit codes, JUnit XML, JSON and
//! targets in the scenario file.

mod common;
use assert_cmd::Command;
use common::*;
use repatsim::experiment::check::{Verdict, evaluate};
use repatsim::experiment::{StatSpec, Target};

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn target(s: &str) -> Target {
    Target::parse(s).unwrap()
}

#[test]
fn a_certain_makespan_passes_or_fails_by_hand_computation() {
    let b = run(&parse(&desk("60", 2.0, "")), 60, 1);
    let makespan = 20.0 / 24.0;
    let c = evaluate(&b, &target("makespan_days@p90<=0.84"));
    assert_eq!(c.verdict, Verdict::Pass, "{}", c.reason);
    assert!((c.estimate.value - makespan).abs() < 1e-12);
    assert_eq!(evaluate(&b, &target("makespan_days@mean<0.83")).verdict, Verdict::Fail);
    assert_eq!(evaluate(&b, &target("makespan_days@mean>=0.84")).verdict, Verdict::Fail);
    assert_eq!(evaluate(&b, &target("home@mean>=10")).verdict, Verdict::Pass);
    assert_eq!(evaluate(&b, &target("home@mean>10")).verdict, Verdict::Fail);
}

#[test]
fn a_share_that_came_out_the_same_every_time_is_not_a_certainty() {
    // Every replication gets everyone home (deterministic). A t interval on these 0/1
    // values has width zero and passed `all_home@mean>=0.95` from 5 replications;
    // Wilson's interval for k of n ones reaches down to n / (n + 1.96^2) at k = n:
    // 0.566 from 5, 0.949 from 72, 0.950007 from 73.
    let sc = parse(&desk("60", 2.0, ""));
    let five = run(&sc, 5, 1);
    let c = evaluate(&five, &target("all_home@mean>=0.95"));
    assert_eq!(c.verdict, Verdict::Undecided, "{}", c.reason);
    assert!(
        (c.estimate.ci95_low - 5.0 / (5.0 + 1.959_964f64.powi(2))).abs() < 1e-5,
        "{}",
        c.reason
    );
    // The Wilson bound reaches 0.95 at 73 replications (a t rule said 378).
    assert_eq!(c.would_decide, Some(73), "{}", c.reason);
    assert_eq!(
        evaluate(&run(&sc, 72, 1), &target("all_home@mean>=0.95")).verdict,
        Verdict::Undecided
    );
    assert_eq!(
        evaluate(&run(&sc, 73, 1), &target("all_home@mean>=0.95")).verdict,
        Verdict::Pass
    );
    // And the run's own summary says the same interval.
    let s = five.summary("all_home").unwrap();
    assert_eq!((s.mean, s.ci95_high), (1.0, 1.0));
    assert!((s.ci95_low - c.estimate.ci95_low).abs() < 1e-12);
}

/// A count that is mostly zero: its interval is cut at zero for the verdict, but how
/// precise the estimate is, and how many replications would decide, come from the
/// values' spread (the uncut t interval): a cut half-width stopped `--until-ci` early
/// and underestimated the replications needed.
#[test]
fn the_spread_not_the_cut_interval_says_how_many_replications_are_needed() {
    let text = r#"
[scenario]
name = "rare"
start = 2024-01-01T00:00:00
horizon_days = 10
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
seats = 10
travel_hours = 10
return_hours = 10
departure = "timetable"
timetable = ["daily 12:00"]

[[cohort]]
name = "c"
origin = "origin"
size = 10
evasion_per_hour = 0.0005
route = ["bus", "home"]

[[wave]]
cohort = "c"
at_day = 0
notify = 10
"#;
    let b = run(&parse(text), 20, 1);
    let i = b.metric_index("evaded").unwrap();
    let column = b.column(i);
    let raw = StatSpec::Mean.estimate(&column, repatsim::stats::Support::Real);
    assert!(raw.ci95_low < 0.0, "{raw:?}: the test needs a t interval below zero");
    let c = evaluate(&b, &target("evaded@mean>=0.01"));
    assert_eq!(c.estimate.ci95_low, 0.0, "the verdict's interval is cut");
    let gap = raw.value - 0.01;
    let reach = raw.value - raw.ci95_low;
    let want = (20.0 * (reach / gap).powi(2)).ceil() as u64;
    assert_eq!(c.would_decide, Some(want), "{}", c.reason);
    // --until-ci judges the same spread.
    let p = repatsim::experiment::Precision {
        metric: "evaded".into(),
        stat: StatSpec::Mean,
        half_width: (raw.ci95_high - raw.ci95_low) / 2.0 * 0.9,
        max_replications: 100,
    };
    assert!(!p.is_met(&b, i), "a cut interval would have met it");
    assert!((p.half_width_of(&b, i) - (raw.ci95_high - raw.ci95_low) / 2.0).abs() < 1e-12);
}

#[test]
fn a_bound_inside_the_interval_is_undecided_and_more_replications_are_estimated() {
    let b = run(&parse(&desk(r#"{ dist = "exponential", mean = 60 }"#, 5.0, "")), 200, 2);
    // The sample mean lies inside its own CI, so a bound there cannot be decided.
    let mean = StatSpec::Mean.of(&b.column(b.metric_index("makespan_days").unwrap()));
    let c = evaluate(&b, &target(&format!("makespan_days@mean<={mean}")));
    assert_eq!(c.verdict, Verdict::Undecided, "{}", c.reason);
    assert!(c.reason.contains("straddles"), "{}", c.reason);
    // A bound a little away: undecided now, with an estimate of the replications that
    // would decide it, beyond those run.
    let e = c.estimate;
    let near = mean + 0.5 * (e.ci95_high - mean);
    let c = evaluate(&b, &target(&format!("makespan_days@mean<={near}")));
    assert_eq!(c.verdict, Verdict::Undecided);
    let m = c.would_decide.unwrap();
    // Half the gap of the CI's reach: about four times the replications.
    assert!((700..=900).contains(&m), "{m}");
    // A percentile with too few values for its CI says how many would give one.
    let few = run(&parse(&desk("60", 2.0, "")), 20, 1);
    let c = evaluate(&few, &target("makespan_days@p99<=1"));
    assert_eq!(c.verdict, Verdict::Undecided);
    assert!(c.would_decide.unwrap() > 20, "{}", c.reason);
}

/// A percentile's CI comes from exact binomial order statistics: 40 replications bound
/// the P90 on both sides (0.9^40 < 2.5%; the normal approximation wanted 41 or more),
/// and where only one side can be bounded it may still decide: every replication beyond
/// the horizon fails a makespan target however few there are.
#[test]
fn percentile_targets_decide_from_exact_order_statistics() {
    let b = run(&parse(&desk("60", 2.0, "")), 40, 1);
    let c = evaluate(&b, &target("makespan_days@p90<=0.84"));
    assert_eq!(c.verdict, Verdict::Pass, "{}", c.reason);
    assert_eq!(c.estimate.ci95_high, 20.0 / 24.0);
    // A ten-hour service: the last of ten is home 100 hours later, beyond a 2-day
    // horizon in every replication. 20 replications give no upper bound on the P90,
    // but the lower one is already beyond the horizon.
    let late = run(&parse(&desk("600", 2.0, "")), 20, 1);
    let c = evaluate(&late, &target("makespan_days@p90<=1.5"));
    assert_eq!(c.verdict, Verdict::Fail, "{}", c.reason);
    assert!(c.reason.contains("give no upper bound"), "{}", c.reason);
    assert!(c.reason.contains("beyond the horizon"), "{}", c.reason);
    // A lower bound beyond the horizon passes an "at least" target; an open side that
    // straddles the bound leaves it undecided, saying why.
    let c = evaluate(&late, &target("makespan_days@p99>=1.5"));
    assert_eq!(
        c.verdict,
        Verdict::Pass,
        "the lower bound is already beyond: {}",
        c.reason
    );
    let c = evaluate(&b, &target("makespan_days@p99<=0.84"));
    assert_eq!(c.verdict, Verdict::Undecided, "{}", c.reason);
    assert!(c.reason.contains("too few"), "{}", c.reason);
}

/// Service of an hour on average (exponential) for 10 people arriving at 10:00, and a
/// horizon of 0.9 days (11.6 hours after they arrive): in about 29% of replications not
/// everyone is home. Leaving those out would make the p90 look fine; counted as later
/// than the horizon, it fails.
#[test]
fn unfinished_replications_count_against_a_makespan_target() {
    let b = run(&parse(&desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, "")), 300, 2);
    let column = b.column(b.metric_index("makespan_days").unwrap());
    let unfinished = column.iter().filter(|x| x.is_nan()).count();
    assert!(unfinished > 50 && unfinished < 130, "{unfinished} of 300 unfinished");
    // Among the finished ones alone, the p90 is within the bound.
    assert!(StatSpec::Quantile(0.9).of(&column) <= 0.9);
    let c = evaluate(&b, &target("makespan_days@p90<=0.9"));
    assert_eq!(c.verdict, Verdict::Fail, "{}", c.reason);
    assert_eq!(c.without_value, unfinished as u64);
    assert!(c.estimate.value.is_infinite());
    // The mean is unknown; a bound beyond the horizon cannot be judged.
    let c = evaluate(&b, &target("makespan_days@mean<=0.9"));
    assert_eq!(c.verdict, Verdict::Undefined);
    assert!(c.reason.contains("percentile"), "{}", c.reason);
    let c = evaluate(&b, &target("makespan_days@p50<=3"));
    assert_eq!(c.verdict, Verdict::Undefined);
    assert!(c.reason.contains("lengthen horizon_days"), "{}", c.reason);
    // A low percentile that the finished replications decide still passes.
    let c = evaluate(&b, &target("makespan_days@p10<=0.9"));
    assert_eq!(c.verdict, Verdict::Pass, "{}", c.reason);
}

#[test]
fn exit_codes_junit_and_json_for_a_folder_of_plans() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(
        &tmp,
        "good.toml",
        &desk(
            "60",
            2.0,
            r#"
[[target]]
metric = "makespan_days"
stat = "p90"
op = "<="
value = 1
description = "everyone home the same day"
"#,
        ),
    );
    let late = write(
        &tmp,
        "late.toml",
        &desk(
            "120",
            2.0,
            r#"
[[target]]
metric = "makespan_days"
op = "<="
value = 1
"#,
        ),
    );
    // All pass: exit 0.
    repatsim().arg("check").arg(&good).args(["-q"]).assert().code(0);
    // One fails (20 hours of service from 10:00 end the next morning): exit 3, and the
    // JUnit file has one failure, in the suite of late.toml.
    let junit = tmp.path().join("report.xml");
    let o = repatsim()
        .arg("check")
        .arg(&good)
        .arg(&late)
        .args(["-q", "--target", "home@mean>=10", "--junit"])
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("4 targets in 2 plans: 3 passed, 1 failed"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut suites) = (0, Vec::new(), Vec::new());
    let mut suite = String::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .unwrap()
                        .map(|a| a.unescape_value().unwrap().into_owned())
                };
                match e.name().as_ref() {
                    b"testsuite" => {
                        suite = attr("name").unwrap();
                        suites.push(suite.clone());
                    }
                    b"testcase" => cases += 1,
                    b"failure" => failures.push((suite.clone(), attr("message").unwrap())),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert_eq!(cases, 4);
    assert_eq!(suites.len(), 2);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].0.ends_with("late.toml"), "{failures:?}");
    assert!(failures[0].1.contains("FAIL: mean 1.25"), "{failures:?}");
    // Undecided: exit 4; --json carries the verdicts and where each target came from.
    let o = repatsim()
        .arg("check")
        .arg(&good)
        .args(["-q", "--json", "-n", "60", "--target", "makespan_days@p99<=1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let targets = v["plans"][0]["targets"].as_array().unwrap();
    assert_eq!(targets[0]["source"], "scenario");
    assert_eq!(targets[0]["description"], "everyone home the same day");
    assert_eq!(targets[0]["verdict"], "pass");
    assert_eq!(targets[1]["source"], "command line");
    assert_eq!(targets[1]["verdict"], "undecided");
    assert!(targets[1]["would_decide"].as_u64().unwrap() > 60);
}

#[test]
fn until_decided_adds_replications_reproducibly() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        &tmp,
        "exp.toml",
        &desk(r#"{ dist = "exponential", mean = 60 }"#, 5.0, ""),
    );
    let check = || {
        let o = repatsim()
            .arg("check")
            .arg(&file)
            .args([
                "-q",
                "--json",
                "-n",
                "20",
                "--until-decided",
                "--target",
                "makespan_days@p99<=1.5",
            ])
            .output()
            .unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["plans"][0].as_object_mut().unwrap().remove("wall_seconds");
        // The verdict came from optional stopping, and the run says what that costs.
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("wrong more often than 5%") && err.contains("another --seed"),
            "{err}"
        );
        (o.status.code(), v)
    };
    let (code, first) = check();
    let n = first["plans"][0]["replications"].as_u64().unwrap();
    assert!(n > 20, "{first}");
    assert_ne!(first["plans"][0]["targets"][0]["verdict"], "undecided", "{first}");
    assert!(code == Some(0) || code == Some(3));
    assert_eq!(check(), (code, first));
}

#[test]
fn a_target_naming_no_metric_is_a_located_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        &tmp,
        "typo.toml",
        &desk(
            "60",
            2.0,
            r#"
[[target]]
metric = "makespan_day"
op = "<="
value = 1
"#,
        ),
    );
    let o = repatsim().arg("check").arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("typo.toml:29:10"), "{err}");
    assert!(err.contains("did you mean `makespan_days`"), "{err}");
    let o = repatsim()
        .arg("check")
        .arg(&file)
        .args(["--target", "evaded@p90=<3"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let bad_op = write(
        &tmp,
        "op.toml",
        &desk("60", 2.0, "[[target]]\nmetric = \"evaded\"\nop = \"=\"\nvalue = 1\n"),
    );
    let o = repatsim().arg("check").arg(&bad_op).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a comparison"));
    let none = write(&tmp, "none.toml", &desk("60", 2.0, ""));
    let o = repatsim().arg("check").arg(&none).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no targets to check"));
}

/// `plan` uses the same censoring: with one booth about 29% of replications never get
/// everyone home within the horizon, so a p90 deadline at the horizon is not met there
/// (leaving them out, the finished ones' p90 would be within it and plan would answer 1).
#[test]
fn plan_does_not_answer_with_a_capacity_that_often_never_finishes() {
    let text = desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, "");
    let target = target("makespan_days@p90<=0.9");
    let opts = repatsim::experiment::RunOptions::new(0..200);
    let r = repatsim::experiment::plan::plan(
        &text,
        "desk.toml",
        &[],
        "checkpoint.desk.servers",
        1.0,
        4.0,
        &target,
        &opts,
        200,
        0.01,
    )
    .unwrap();
    assert_eq!(r.answer, Some(2.0), "{r:?}");
    let one = r.trials.iter().find(|t| t.value == 1.0).unwrap();
    assert!(!one.met && one.statistic.is_infinite(), "{one:?}");
}

/// `sweep` counts the unfinished replications as `check` and `plan` do: where a quarter
/// of them never get everyone home, the sweep shows the p90 beyond the horizon and the
/// mean as unknown, not the statistics of the finished ones alone (which would meet a
/// deadline the plan misses), and says how many had no value.
#[test]
fn sweep_counts_unfinished_replications_as_check_does() {
    let tmp = tempfile::tempdir().unwrap();
    let text = desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, "");
    let file = write(&tmp, "desk.toml", &text);
    let o = repatsim()
        .arg("sweep")
        .arg(&file)
        .args(["--vary", "checkpoint.desk.servers=1..2:1"])
        .args(["--metric", "makespan_days@p90", "--metric", "makespan_days@mean"])
        .args(["-n", "300", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = String::from_utf8(o.stdout).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(String::from).collect()).collect();
    let row = |servers: &str, stat: &str| {
        rows.iter()
            .find(|r| r[0] == servers && r[col("stat")] == stat)
            .unwrap_or_else(|| panic!("no row {servers} {stat} in\n{csv}"))
            .clone()
    };
    for servers in [1u32, 2] {
        let mut sc = parse(&text);
        sc.checkpoints[0].servers = servers;
        let b = run(&sc, 300, 2);
        let column = b.column(b.metric_index("makespan_days").unwrap());
        let unfinished = column.iter().filter(|x| !x.is_finite()).count();
        let p90 = row(&servers.to_string(), "p90");
        let mean = row(&servers.to_string(), "mean");
        assert_eq!(p90[col("without_value")], unfinished.to_string());
        assert_eq!(mean[col("without_value")], unfinished.to_string());
        let check = evaluate(&b, &target("makespan_days@p90<=0.9"));
        let shown: f64 = p90[col("value")].parse().unwrap();
        if servers == 1 {
            assert!(unfinished > 50, "{unfinished} unfinished");
            // The finished ones alone would show a p90 within the deadline.
            assert!(StatSpec::Quantile(0.9).of(&column) <= 0.9);
            assert!(shown.is_infinite() && check.estimate.value.is_infinite());
            assert_eq!(mean[col("value")], "", "the mean is unknown");
            assert_eq!(mean[col("mean")], "");
        } else {
            assert_eq!(unfinished, 0);
            assert_eq!(shown, check.estimate.value);
            let m: f64 = mean[col("value")].parse().unwrap();
            assert!((m - b.summary("makespan_days").unwrap().mean).abs() < 1e-12);
        }
    }
    // The charts mark those points at the top edge with what they are, instead of
    // leaving them out.
    let out = tmp.path().join("sweep");
    repatsim()
        .arg("sweep")
        .arg(&file)
        .args(["--vary", "checkpoint.desk.servers=1..2:1"])
        .args(["--metric", "makespan_days@p90", "--metric", "makespan_days@mean"])
        .args(["-n", "300", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = |stat: &str| std::fs::read_to_string(out.join(format!("sweep-makespan_days-{stat}.svg"))).unwrap();
    assert!(svg("p90").contains("beyond the horizon"));
    assert!(svg("mean").contains("unknown"));
}

/// A bound outside the values a metric can take decides the target whatever happens:
/// a share written as a percentage ("utilization<=70", shown as 67% by the console)
/// passed although it never could fail. It is refused, located in the file, by check
/// and validate, and on the command line by check, plan and sweep.
#[test]
fn a_bound_no_share_or_count_can_cross_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let share = "\n[[target]]\nmetric = \"checkpoint.desk.utilization\"\nop = \"<=\"\nvalue = 70\n";
    let file = write(&tmp, "percent.toml", &desk("60", 2.0, share));
    for cmd in ["check", "validate"] {
        let n: &[&str] = if cmd == "check" { &["-n", "2"] } else { &[] };
        let o = repatsim().arg(cmd).arg(&file).args(n).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {err}");
        assert!(
            err.contains("target[0].value") && err.contains("if you meant 70%, write 0.7"),
            "{cmd}: {err}"
        );
        assert!(err.contains("percent.toml:"), "{cmd}: not located: {err}");
    }
    let plain = write(&tmp, "desk.toml", &desk("60", 2.0, ""));
    let refusals: [&[&str]; 4] = [
        &["check", "--target", "checkpoint.desk.p_wait<=10"],
        &["check", "--target", "makespan_days@p90>=-1"],
        &[
            "plan",
            "--vary",
            "checkpoint.desk.servers=1..3",
            "--target",
            "checkpoint.desk.utilization@mean<=70",
        ],
        &[
            "sweep",
            "--vary",
            "checkpoint.desk.servers=1..3:1",
            "--target",
            "checkpoint.desk.p_wait<=50",
        ],
    ];
    for args in refusals {
        let o = repatsim()
            .arg(args[0])
            .arg(&plain)
            .args(&args[1..])
            .args(["-n", "2"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("is met whatever happens") || err.contains("can never be met"),
            "{args:?}: {err}"
        );
    }
    // A bound inside the range is checked as before.
    let o = repatsim()
        .arg("check")
        .arg(&plain)
        .args(["--target", "checkpoint.desk.utilization<=0.7", "-n", "2"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

/// What a study cannot vary, or would vary twice, is refused instead of being run with
/// one value silently in force: sweeping the seed gave three identical rows, a path
/// varied twice kept the last value under both columns, a range without a step ran its
/// two ends alone, and plan ignored a step.
#[test]
fn studies_refuse_paths_they_would_silently_ignore() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = write(&tmp, "desk.toml", &desk("60", 2.0, ""));
    let cases: [(&[&str], &str); 9] = [
        (
            &[
                "sensitivity",
                "--vary",
                "scenario.seed=1..1000",
                "--metric",
                "makespan_days",
            ],
            "does not vary scenario.seed",
        ),
        (
            &[
                "run",
                "--set",
                "checkpoint.desk.servers=1",
                "--set",
                "checkpoint.desk.servers=2",
            ],
            "--set checkpoint.desk.servers is given twice",
        ),
        (
            &["sweep", "--vary", "scenario.seed=1..3:1"],
            "does not vary scenario.seed",
        ),
        (
            &["sweep", "--vary", "scenario.replications=[2, 3]"],
            "set how many with -n",
        ),
        (
            &["plan", "--vary", "scenario.seed=1..9", "--target", "home>=1"],
            "does not vary scenario.seed",
        ),
        (
            &[
                "sweep",
                "--vary",
                "checkpoint.desk.servers=1..2:1",
                "--vary",
                "checkpoint.desk.servers=1..2:1",
            ],
            "given twice",
        ),
        (
            &[
                "sweep",
                "--vary",
                "checkpoint.desk.servers=1..2:1",
                "--set",
                "checkpoint.desk.servers=3",
            ],
            "also set with --set",
        ),
        (
            &["sweep", "--vary", "checkpoint.desk.servers=1..4"],
            "sweep needs a step",
        ),
        (
            &[
                "plan",
                "--vary",
                "checkpoint.desk.servers=1..4:1",
                "--target",
                "home>=1",
            ],
            "drop the ':STEP'",
        ),
    ];
    for (args, want) in cases {
        let o = repatsim()
            .arg(args[0])
            .arg(&plain)
            .args(&args[1..])
            .args(["-n", "2"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let o = repatsim()
        .arg("compare")
        .arg(&plain)
        .args([
            "--vs-set",
            "checkpoint.desk.servers=2",
            "--vs-set",
            "checkpoint.desk.servers=3",
            "-n",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--vs-set checkpoint.desk.servers is given twice"));
    // A step that misses END is run, with a warning naming the last value.
    let o = repatsim()
        .arg("sweep")
        .arg(&plain)
        .args(["--vary", "checkpoint.desk.servers=1..4:2", "-n", "2"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("4 is not on the grid; the last value swept is 3"));
}

/// `sweep --json` names what it holds (it was a bare list of numbers), and a censored
/// mean's `n` counts every replication as its percentile's does (13 against 20).
#[test]
fn sweep_json_names_the_parameters_and_statistics() {
    let tmp = tempfile::tempdir().unwrap();
    let text = desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, "");
    let file = write(&tmp, "desk.toml", &text);
    let o = repatsim()
        .arg("sweep")
        .arg(&file)
        .args(["--vary", "checkpoint.desk.servers=1..2:1"])
        .args(["--metric", "makespan_days@mean", "--metric", "makespan_days@p90"])
        .args(["-n", "40", "-q", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["varied"][0]["path"], "checkpoint.desk.servers");
    assert_eq!(v["varied"][0]["values"], serde_json::json!([1.0, 2.0]));
    let one = &v["points"][0];
    assert_eq!(one["at"]["checkpoint.desk.servers"], 1.0);
    let (mean, p90) = (&one["statistics"][0], &one["statistics"][1]);
    assert_eq!(
        (mean["metric"].as_str(), mean["stat"].as_str()),
        (Some("makespan_days"), Some("mean"))
    );
    assert_eq!(mean["unit"], "days");
    let unfinished = mean["without_value"].as_u64().unwrap();
    assert!(unfinished > 0, "one booth leaves some replications unfinished: {one}");
    assert!(mean["value"].is_null() && !mean["beyond_horizon"].as_bool().unwrap());
    assert!(
        p90["value"].is_null() && p90["beyond_horizon"].as_bool().unwrap(),
        "{p90}"
    );
    assert_eq!(mean["n"], 40);
    assert_eq!(p90["n"], 40);
}
