//! Output directories: identical for any thread count, a sharded run merged equals the
//! unsharded run byte for byte, existing results are not overwritten by accident, a
//! precision target is met, and a trace reproduces its replication's row.

mod common;
use assert_cmd::Command;
use common::repo;
use std::path::Path;

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

const FILES: [&str; 4] = ["replications.csv", "timeseries.csv", "scenario.toml", "merge-data.json"];

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// summary.json without its timing block (the only part that may differ).
fn summary_without_timing(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(&read(&dir.join("summary.json"))).unwrap();
    v.as_object_mut().unwrap().remove("performance");
    v
}

fn run_into(dir: &Path, extra: &[&str]) {
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-q", "--out"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn outputs_do_not_depend_on_threads_and_shards_merge_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    run_into(&whole, &["-n", "300", "--threads", "1", "--block", "64"]);
    for t in ["2", "4"] {
        let d = tmp.path().join(format!("t{t}"));
        run_into(&d, &["-n", "300", "--threads", t]);
        for f in FILES {
            assert_eq!(read(&whole.join(f)), read(&d.join(f)), "{f} differs with --threads {t}");
        }
        assert_eq!(summary_without_timing(&whole), summary_without_timing(&d));
    }
    let mut parts = Vec::new();
    for i in 1..=3 {
        let d = tmp.path().join(format!("part-{i}"));
        run_into(&d, &["-n", "300", "--shard", &format!("{i}/3")]);
        parts.push(d);
    }
    let merged = tmp.path().join("merged");
    let o = repatsim()
        .arg("merge")
        .args([&parts[2], &parts[0], &parts[1]])
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in FILES {
        assert_eq!(
            read(&whole.join(f)),
            read(&merged.join(f)),
            "merged {f} differs from the unsharded run"
        );
    }
    assert_eq!(summary_without_timing(&whole), summary_without_timing(&merged));
    let part: serde_json::Value = serde_json::from_slice(&read(&parts[1].join("summary.json"))).unwrap();
    assert_eq!(part["shard"]["index"], 2);
    assert_eq!(part["first_replication"], 100);

    // Shards left out are refused, in the middle (a gap) or at the end (the merge
    // would read as the whole run: a tester's 2 of 3 shards became "200 replications").
    for (pair, missing) in [([&parts[0], &parts[2]], "2/3"), ([&parts[0], &parts[1]], "3/3")] {
        let o = repatsim()
            .arg("merge")
            .args(pair)
            .arg("--out")
            .arg(tmp.path().join(format!("without-{}", &missing[..1])))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!(
                "these are 2 of the shards of one run; missing: --shard {missing}"
            )),
            "{err}"
        );
    }
}

/// Shards run with `--people` merge their people.csv into the file the unsharded run
/// writes (a merge dropped them without a word).
#[test]
fn shards_people_records_merge_into_the_unsharded_file() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    run_into(&whole, &["-n", "6", "--no-what-if", "--people", "1,4"]);
    let mut parts = Vec::new();
    for (i, people) in [(1, "1"), (2, "4")] {
        let d = tmp.path().join(format!("part-{i}"));
        run_into(
            &d,
            &[
                "-n",
                "6",
                "--no-what-if",
                "--shard",
                &format!("{i}/2"),
                "--people",
                people,
            ],
        );
        parts.push(d);
    }
    let merged = tmp.path().join("merged");
    let o = repatsim()
        .arg("merge")
        .args([&parts[1], &parts[0]])
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["people.csv", "people-dictionary.csv", "merge-data.json"] {
        assert_eq!(read(&whole.join(f)), read(&merged.join(f)), "{f}");
    }
}

#[test]
fn summary_files_hold_what_researchers_need() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("out");
    run_into(&d, &["-n", "50"]);
    let s: serde_json::Value = serde_json::from_slice(&read(&d.join("summary.json"))).unwrap();
    assert_eq!(s["scenario"], "first-wave-2023");
    assert_eq!(s["replications"], 50);
    assert_eq!(s["seed"], 20230828);
    assert_eq!(s["scenario_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(s["repatsim_version"], env!("CARGO_PKG_VERSION"));
    assert!(s["performance"]["events"].as_u64().unwrap() > 0);
    assert_eq!(
        read(&d.join("scenario.toml")),
        read(&repo("scenarios/first-wave-2023.toml"))
    );
    let csv = String::from_utf8(read(&d.join("replications.csv"))).unwrap();
    assert_eq!(csv.lines().count(), 51);
    // Time series bands are ordered at every point and in every window.
    let ts = String::from_utf8(read(&d.join("timeseries.csv"))).unwrap();
    let mut rows = 0;
    for line in ts.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let f = |i: usize| cells[i].parse::<f64>().unwrap_or(f64::NAN);
        // mean, p05, p25, p50, p75, p95 at columns 4..10; window columns after.
        assert!(f(5) <= f(6) && f(6) <= f(7) && f(7) <= f(8) && f(8) <= f(9), "{line}");
        if f(1) > 0.0 {
            assert!(f(11) <= f(12) && f(12) <= f(13) && f(13) <= f(14), "{line}");
        }
        rows += 1;
    }
    assert!(rows > 100);
    // Every series runs over the whole grid, to the 30-day horizon.
    for series in [
        "people_home",
        "site.sinuiju-quarantine.occupancy",
        "site.pyongyang-quarantine.waiting_for_bed",
        "leg.friendship-bridge-bus.holding",
    ] {
        assert!(
            ts.lines().any(|l| l.starts_with(&format!("{series},720,30,"))),
            "{series} reaches the horizon"
        );
    }
}

#[test]
fn an_existing_output_directory_is_not_overwritten_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("out");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("precious.txt"), "keep me").unwrap();
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "5", "--out"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("use --force"));
    assert!(!d.join("summary.json").exists());
    // --force replaces an earlier run as a whole, so it refuses a directory holding
    // anything else, and the file stays.
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "5", "--force", "--out"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("precious.txt"));
    assert_eq!(std::fs::read_to_string(d.join("precious.txt")).unwrap(), "keep me");
    std::fs::remove_file(d.join("precious.txt")).unwrap();
    run_into(&d, &["-n", "5"]);
    run_into(&d, &["-n", "5", "--force"]);
    assert!(d.join("summary.json").exists());
    // An empty directory is fine.
    let e = tmp.path().join("empty");
    std::fs::create_dir(&e).unwrap();
    run_into(&e, &["-n", "5"]);
}

#[test]
fn until_ci_stops_below_the_target_reproducibly() {
    let tmp = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    for i in 0..2 {
        let d = tmp.path().join(format!("ci{i}"));
        run_into(&d, &["--until-ci", "makespan_days=0.002", "--block", "40"]);
        let s: serde_json::Value = serde_json::from_slice(&read(&d.join("summary.json"))).unwrap();
        let m = &s["metrics"]["makespan_days"];
        let half = (m["ci95_high"].as_f64().unwrap() - m["ci95_low"].as_f64().unwrap()) / 2.0;
        assert!(half <= 0.002, "half-width {half}");
        let n = s["replications"].as_u64().unwrap();
        assert_eq!(n % 40, 0, "whole blocks");
        assert!(n > 40, "the target needs more than one block here");
        counts.push(n);
    }
    assert_eq!(counts[0], counts[1]);
    // A cap stops it early, and it says so.
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args([
            "-q",
            "--until-ci",
            "makespan_days=0.0000001",
            "--max-replications",
            "60",
            "--block",
            "20",
            "--json",
        ])
        .output()
        .unwrap();
    // Everything is printed, and exit code 3 tells a script the target was not met.
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["replications"], 60);
    assert_eq!(v["until_ci"]["met"], false);
    assert_eq!(v["until_ci"]["statistic"], "makespan_days@mean");
    assert!(String::from_utf8_lossy(&o.stderr).contains("NOT within"));
    // A percentile's precision, by its order-statistics CI.
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-q", "--until-ci", "makespan_days@p90=0.05", "--block", "50", "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["until_ci"]["met"], true);
    assert!(v["until_ci"]["half_width"].as_f64().unwrap() <= 0.05);
    // -n would be silently replaced: refused.
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["--until-ci", "makespan_days=1", "-n", "10"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["--until-ci", "makespan_dayz=1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `makespan_days`"));
}

/// One person's journey as a trace tells it.
#[derive(Default)]
struct Journey {
    start: Option<f64>,
    boarded: u32,
    alighted: u32,
    home: Option<f64>,
    evaded: bool,
}

/// With replications that never get everyone home, `--until-ci` judges the makespan
/// as the summaries count it: the mean is unknown (the run stops at once and says
/// why), a percentile beyond the horizon is never precise, one within it is.
#[test]
fn until_ci_counts_unfinished_replications() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("desk.toml");
    std::fs::write(&file, common::desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, "")).unwrap();
    let until = |spec: &str| {
        let o = repatsim()
            .arg("run")
            .arg(&file)
            .args([
                "-q",
                "--no-what-if",
                "--json",
                "--block",
                "50",
                "--max-replications",
                "200",
            ])
            .args(["--until-ci", spec])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (o.status.code(), v, String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (code, v, err) = until("makespan_days=0.05");
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(v["replications"], 50, "no more replications make the mean known");
    assert!(
        v["until_ci"]["why_not_met"]
            .as_str()
            .unwrap()
            .contains("the mean of makespan_days is unknown")
    );
    assert!(err.contains("did not get everyone home"), "{err}");
    let (code, v, err) = until("makespan_days@p90=0.05");
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(v["replications"], 200);
    assert!(
        v["until_ci"]["why_not_met"]
            .as_str()
            .unwrap()
            .contains("beyond the horizon")
    );
    assert!(
        v["metrics"]["makespan_days"]["p90"].is_null(),
        "the p90 is beyond the horizon"
    );
    let (code, v, err) = until("makespan_days@p50=0.05");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["until_ci"]["met"], true);
    assert!(v["until_ci"]["why_not_met"].is_null());
}

/// Every row of a trace is a real happening, and each person's journey and every trip
/// can be rebuilt from it: the trace's evasions, arrivals home, trips and door-to-door
/// times are the replication's.
#[test]
fn a_trace_rebuilds_every_journey_of_its_replication() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("out");
    run_into(&d, &["-n", "20", "--no-what-if"]);
    let csv = String::from_utf8(read(&d.join("replications.csv"))).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for k in [0u64, 7, 19] {
        let row: Vec<&str> = csv.lines().nth(k as usize + 1).unwrap().split(',').collect();
        let value = |name: &str| row[col(name)].parse::<f64>().unwrap();
        let trace_path = tmp.path().join(format!("trace-{k}.csv"));
        repatsim()
            .arg("trace")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args(["--replication", &k.to_string(), "--out"])
            .arg(&trace_path)
            .assert()
            .success();
        let mut r = csv::Reader::from_path(&trace_path).unwrap();
        let mut people: std::collections::BTreeMap<u32, Journey> = Default::default();
        let mut trips = std::collections::BTreeMap::<String, (u32, u32)>::new();
        let mut aboard = std::collections::BTreeMap::<(String, u32), u64>::new();
        let mut home_at = std::collections::BTreeMap::<String, u64>::new();
        for rec in r.records() {
            let rec = rec.unwrap();
            let (t, kind, stage) = (rec[0].parse::<f64>().unwrap(), &rec[1], rec[2].to_string());
            let person = rec[3].parse::<u32>().ok();
            let vehicle = rec[4].parse::<u32>().ok();
            match kind {
                "release" | "notify" => {
                    let e = people.entry(person.unwrap()).or_default();
                    assert!(e.start.is_none(), "replication {k}: person released twice");
                    e.start = Some(t);
                }
                "board" => {
                    people.entry(person.unwrap()).or_default().boarded += 1;
                    *aboard.entry((stage.clone(), vehicle.unwrap())).or_default() += 1;
                }
                "depart" => {
                    let load = rec[6].parse::<u64>().unwrap();
                    let key = (stage.clone(), vehicle.unwrap());
                    assert_eq!(
                        aboard.remove(&key),
                        Some(load),
                        "replication {k}: a departure's load is who boarded"
                    );
                    trips.entry(stage).or_default().0 += 1;
                }
                "arrive" => trips.entry(stage).or_default().1 += 1,
                "alight" => people.entry(person.unwrap()).or_default().alighted += 1,
                "home" => {
                    let e = people.entry(person.unwrap()).or_default();
                    assert!(
                        e.home.is_none() && !e.evaded,
                        "replication {k}: home twice or after evading"
                    );
                    e.home = Some(t);
                    // count_after: the people home there so far, this one included.
                    let so_far = home_at.entry(stage).or_default();
                    *so_far += 1;
                    assert_eq!(rec[6].parse::<u64>().unwrap(), *so_far, "replication {k}: people home");
                }
                "evade" => {
                    let e = people.entry(person.unwrap()).or_default();
                    assert!(!e.evaded && e.home.is_none(), "replication {k}: a phantom evasion");
                    e.evaded = true;
                }
                _ => {}
            }
        }
        let home: Vec<&Journey> = people.values().filter(|p| p.home.is_some()).collect();
        let evaded = people.values().filter(|p| p.evaded).count();
        assert_eq!(home.len() as f64, value("home"), "replication {k}: people home");
        assert_eq!(evaded as f64, value("evaded"), "replication {k}: evaders");
        for (leg, (departed, arrived)) in &trips {
            assert_eq!(
                f64::from(*departed),
                value(&format!("leg.{leg}.trips")),
                "replication {k}: trips of {leg}"
            );
            assert_eq!(departed, arrived, "replication {k}: every trip of {leg} arrives");
        }
        // Everyone home boarded and alighted the same number of times (three legs for
        // Yanbian, one for Vladivostok), and door-to-door times agree with the metrics.
        for p in &home {
            assert_eq!(
                p.boarded, p.alighted,
                "replication {k}: boardings and alightings pair up"
            );
            assert!(p.boarded == 3 || p.boarded == 1, "replication {k}: {} legs", p.boarded);
        }
        let makespan = home.iter().map(|p| p.home.unwrap()).fold(f64::MIN, f64::max) / 24.0;
        assert!(
            (makespan - value("makespan_days")).abs() < 1e-12,
            "replication {k}: makespan"
        );
        let mean_d2d: f64 =
            home.iter().map(|p| p.home.unwrap() - p.start.unwrap()).sum::<f64>() / home.len() as f64 / 24.0;
        let yanbian = value("cohort.yanbian-workers.mean_door_to_door_days");
        let vladivostok = value("cohort.vladivostok-workers.mean_door_to_door_days");
        let (ny, nv) = (
            value("cohort.yanbian-workers.home"),
            value("cohort.vladivostok-workers.home"),
        );
        let expected = (yanbian * ny + vladivostok * nv) / (ny + nv);
        assert!(
            (mean_d2d - expected).abs() < 1e-9,
            "replication {k}: door-to-door {mean_d2d} vs {expected}"
        );
    }
}

/// `dictionary.csv` describes every metric column and every series exactly once, and
/// `metrics.csv` holds the same numbers as `replications.csv` in long form.
#[test]
fn the_dictionary_and_the_long_metrics_match_the_wide_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    run_into(&dir, &["-n", "5"]);
    let rows = |f: &str| -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_path(dir.join(f)).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let mut out = vec![header];
        out.extend(r.records().map(|x| x.unwrap().iter().map(String::from).collect()));
        out
    };
    let wide = rows("replications.csv");
    let dictionary = rows("dictionary.csv");
    let long = rows("metrics.csv");
    let series: Vec<String> = {
        let mut s: Vec<String> = rows("timeseries.csv")[1..].iter().map(|r| r[0].clone()).collect();
        s.dedup();
        s
    };
    assert_eq!(
        dictionary[0],
        ["metric", "label", "unit", "kind", "better", "description"]
    );
    let described: Vec<&str> = dictionary[1..].iter().map(|r| r[0].as_str()).collect();
    let mut expected: Vec<&str> = wide[0][2..].iter().map(String::as_str).collect();
    expected.extend(series.iter().map(String::as_str));
    assert_eq!(
        described, expected,
        "one dictionary row per column and series, in order"
    );
    // Each id once: a join of metrics.csv on `metric` must not duplicate rows (the
    // series of people home was named `home`, as the count at the end is).
    let mut ids = described.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), described.len(), "an id is in dictionary.csv twice");
    for r in &dictionary[1..] {
        assert!(
            r.iter().all(|f| !f.is_empty()),
            "a dictionary row has an empty field: {r:?}"
        );
        assert!(["count", "duration", "level", "fraction", "money"].contains(&r[3].as_str()));
        assert!(["lower", "higher", "neither"].contains(&r[4].as_str()));
    }
    let makespan = dictionary.iter().find(|r| r[0] == "makespan_days").unwrap();
    assert_eq!((makespan[2].as_str(), makespan[4].as_str()), ("days", "lower"));

    assert_eq!(long[0], ["replication", "metric", "value"]);
    let columns = wide[0].len() - 2;
    assert_eq!(long.len() - 1, (wide.len() - 1) * columns);
    for (i, r) in long[1..].iter().enumerate() {
        let (rep, col) = (i / columns, i % columns);
        assert_eq!(r[0], wide[rep + 1][0]);
        assert_eq!(r[1], wide[0][col + 2]);
        assert_eq!(r[2], wide[rep + 1][col + 2]);
    }
    let summary: serde_json::Value = serde_json::from_slice(&read(&dir.join("summary.json"))).unwrap();
    let m = &summary["metrics"]["makespan_days"];
    assert!(m["p10"].as_f64().unwrap() <= m["p50"].as_f64().unwrap());
    assert!(m["p50"].as_f64().unwrap() <= m["p90"].as_f64().unwrap());
}

/// The README's trace table names every kind of trace row, and no other.
#[test]
fn the_readme_documents_every_trace_event() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let section = readme
        .split("### Trace (`repatsim trace`)")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Trace section in the README");
    let documented: std::collections::BTreeSet<String> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let first = l.split(" | ").next().unwrap_or("");
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let kinds: std::collections::BTreeSet<String> = repatsim::model::TraceKind::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .collect();
    assert_eq!(documented, kinds);
}

/// A makespan percentile beyond the horizon reads so in `run --all` and in `plan`'s
/// trials, never as "inf".
#[test]
fn beyond_the_horizon_is_written_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("desk.toml");
    std::fs::write(&file, common::desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, "")).unwrap();
    let all = repatsim()
        .arg("run")
        .arg(&file)
        .args(["-n", "60", "-q", "--all", "--no-what-if"])
        .output()
        .unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    let row = all
        .lines()
        .find(|l| l.trim_start().starts_with("makespan_days "))
        .unwrap();
    assert!(row.ends_with("> horizon  days"), "{row}");
    let plan = repatsim()
        .arg("plan")
        .arg(&file)
        .args([
            "--vary",
            "checkpoint.desk.servers=1..3",
            "--target",
            "makespan_days@p90<=0.85",
        ])
        .args(["-n", "100"])
        .output()
        .unwrap();
    let plan = String::from_utf8(plan.stdout).unwrap();
    assert!(plan.contains("= 1          -> beyond the horizon (not met)"), "{plan}");
    assert!(!all.contains("inf") && !plan.contains("inf"), "{all}\n{plan}");
}

/// The time series end at the horizon, where the run's figures are taken: a horizon
/// off the grid (0.9 days = 21.6 h on the hourly grid) gets a last point there, with a
/// window of 0.6 h, and its mean count home is the replications' mean of `home`
/// (a tester's series stopped at 112 h of a 112.8-h horizon, 98.9 home against 99.0).
#[test]
fn the_time_series_end_at_the_horizon() {
    let sc = common::parse(&common::desk(r#"{ dist = "exponential", mean = 60 }"#, 0.9, ""));
    let b = common::run(&sc, 40, 2);
    let spec = &b.timeseries.spec;
    assert_eq!(spec.grid_hours, 1.0);
    assert_eq!(spec.points, 23);
    assert_eq!(spec.time_hours(21), 21.0);
    assert!((spec.time_hours(22) - 21.6).abs() < 1e-12);
    assert!((spec.window_hours(22) - 0.6).abs() < 1e-12);
    let home = spec.names.iter().position(|n| n == "people_home").unwrap();
    let (series, metric) = (b.timeseries.mean(22, home), b.summary("home").unwrap().mean);
    assert!((series - metric).abs() < 1e-9, "{series} / {metric}");
    // On the grid, no extra point: 5 days hourly is 121 points.
    let on = common::run(&common::parse(&common::desk("60", 5.0, "")), 2, 1);
    assert_eq!(on.timeseries.spec.points, 121);
}

/// A directory written when the series of people home was named `home` is still read
/// by `report` (it was refused as "not a repatsim output directory part").
#[test]
fn report_reads_a_directory_whose_series_of_people_home_was_named_home() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("old");
    run_into(&dir, &["-n", "3", "--no-what-if"]);
    let path = dir.join("merge-data.json");
    let text = String::from_utf8(read(&path)).unwrap();
    assert!(text.contains("\"people_home\""));
    std::fs::write(&path, text.replace("\"people_home\"", "\"home\"")).unwrap();
    let o = repatsim().arg("report").arg(&dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ts = String::from_utf8(read(&dir.join("timeseries.csv"))).unwrap();
    assert!(
        ts.lines().any(|l| l.starts_with("people_home,")),
        "the series is written as now"
    );
}

/// The report lists who was left where, and why, as the console does (its findings
/// refer to the list, which only the console had), and a timeline of a replication that
/// did not end every journey says so and is drawn to the horizon, not labelled "the
/// median makespan" and cut at the last arrival home.
#[test]
fn the_report_lists_who_was_left_behind_and_the_timeline_says_it_did_not_end() {
    let text = common::desk("60", 2.0, "")
        .replace("size = 10", "size = 5")
        .replace("at_hours = 10", "at_hours = 0")
        + "\n[[closure]]\nname = \"shut\"\napplies_to = [\"desk\"]\nfrom = 2023-08-28T02:00:00\nto = 2023-09-30T00:00:00\n";
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("shut.toml");
    std::fs::write(&file, text).unwrap();
    let d = tmp.path().join("out");
    let o = repatsim()
        .arg("run")
        .arg(&file)
        .args(["-n", "4", "-q", "--no-what-if", "--out"])
        .arg(&d)
        .output()
        .unwrap();
    let console = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(console.contains("Left behind at the end"), "{console}");
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    let listed = html
        .split("Left behind at the end</h3>")
        .nth(1)
        .expect("no list in the report");
    assert!(
        listed.contains("3 people on average at checkpoint desk") && listed.contains("closed by shut"),
        "{listed}"
    );
    let svg = std::fs::read_to_string(d.join("timeline.svg")).unwrap();
    assert!(
        svg.contains("not every journey ended within the horizon"),
        "timeline title"
    );
    assert!(!svg.contains("(the median makespan)"), "timeline title");
}

#[test]
fn the_report_ranks_where_people_wait_as_the_summary_does() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("out");
    repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "10", "-q", "--no-what-if", "--out"])
        .arg(&d)
        .assert()
        .success();
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    let table = html
        .split("<table id=\"waiting-table\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("a table of where people wait");
    let rows: Vec<Vec<String>> = table
        .split("<tr><td class=\"l\">")
        .skip(1)
        .map(|r| {
            r.split("</td>")
                .map(|c| c.trim_start_matches("<td>").to_string())
                .take(2)
                .collect()
        })
        .collect();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    let waiting = summary["waiting"].as_array().unwrap();
    assert_eq!(rows.len(), waiting.len(), "{rows:?}");
    assert!(rows.len() >= 3);
    for (row, w) in rows.iter().zip(waiting) {
        assert_eq!(row[0], w["what"].as_str().unwrap().replace('`', ""));
        let days: f64 = row[1].replace(',', "").parse().unwrap();
        let want = w["person_hours"].as_f64().unwrap() / 24.0;
        assert!((days - want).abs() <= 0.01 * want, "{row:?} vs {want}");
    }
    // The first row is the bottleneck the findings name.
    assert_eq!(summary["bottleneck"]["what"], waiting[0]["what"]);
}
