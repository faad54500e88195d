//! Robustness: impossible plans are named before the run, stalls during it, oversized
//! runs are refused, and Ctrl-C leaves valid, complete outputs for the replications done.

mod common;
use assert_cmd::Command;
use common::*;
use repatsim::experiment::run_one;
use repatsim::model::{EndReason, Step};
use std::time::{Duration, Instant};

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

const HEAD: &str = r#"
[scenario]
name = "robust"
start = 2024-01-01T00:00:00
horizon_days = 120
seed = 3

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"
"#;

#[test]
fn a_vehicle_that_can_never_fill_is_refused_before_the_run() {
    let text = format!(
        "{HEAD}{}",
        r#"
[[leg]]
name = "bus"
from = "camp"
to = "home"
mode = "bus"
vehicles = 1
seats = 50
travel_hours = 1
departure = "when_full"

[[cohort]]
name = "few"
origin = "camp"
size = 30
route = ["bus", "home"]
"#
    );
    let err = repatsim::scenario::parse(&text, "t.toml").unwrap_err();
    assert!(err.to_string().contains("nobody could ever leave"), "{err}");
}

#[test]
fn a_deadlock_behind_a_timetable_is_named_as_a_stall_not_run_to_the_horizon() {
    // Ten beds; people leave them only on a bus that waits for 50 passengers, which ten
    // can never make; meanwhile the daily convoy into the beds reserves beds that never
    // free. Only the timetable keeps firing: a stall.
    let sc = parse(&format!(
        "{HEAD}{}",
        r#"
[[site]]
name = "ward"
kind = "quarantine"
beds = 10
stay_hours = 24

[[site]]
name = "yard"
kind = "transit"

[[leg]]
name = "convoy"
from = "camp"
to = "ward"
mode = "bus"
vehicles = 1
seats = 10
travel_hours = 1
departure = "timetable"
timetable = ["daily 09:00"]
admission = "reserve"

[[leg]]
name = "out"
from = "ward"
to = "yard"
mode = "bus"
vehicles = 1
seats = 50
travel_hours = 1
departure = "when_full"

[[cohort]]
name = "workers"
origin = "camp"
size = 100
route = ["convoy", "ward", "out", "home"]
"#
    ));
    let r = run_one(&network(&sc), 0);
    assert_eq!(r.end_reason, EndReason::Stalled);
    assert!(
        r.end_hours < 24.0 * 14.0,
        "named within two weeks, not at the 120-day horizon: {}",
        r.end_hours
    );
    let at = |step: Step| {
        r.holdings
            .iter()
            .filter(|h| h.at == step)
            .map(|h| h.people)
            .sum::<u64>()
    };
    assert_eq!(at(Step::Site(2)), 10, "{:?}", r.holdings);
    assert_eq!(at(Step::Origin(0)), 90);
    // The summary says who is stuck where and what they wait for.
    let b = run(&sc, 4, 1);
    assert_eq!(b.end_counts(), (0, 0, 4));
    let text = repatsim::report::summary_table(&b, None, true);
    assert!(text.contains("STALLED"), "{text}");
    assert!(
        text.contains("10.00 people on average at site `ward`, waiting for leg `out`"),
        "{text}"
    );
    assert!(text.contains("it leaves only when all 50 seats are taken"), "{text}");
}

#[test]
fn an_oversized_run_is_refused_with_a_reason() {
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/full-return.toml"))
        .args(["-n", "100000000"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("of memory") && err.contains("--shard"), "{err}");
}

#[test]
fn ctrl_c_leaves_valid_outputs_for_the_completed_replications() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("repatsim"))
        .arg("run")
        .arg(repo("scenarios/full-return.toml"))
        .args(["-n", "20000", "--block", "64", "-q", "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "did not stop after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");

    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["partial"], true);
    let n = summary["replications"].as_u64().unwrap();
    assert!(n > 0 && n < 20000, "{n} replications");
    // Every file is whole and describes exactly the replications reported.
    let csv = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len() as u64, n);
    for (i, row) in rows.iter().enumerate() {
        assert!(
            row.starts_with(&format!("{i},")),
            "row {i}: {}",
            &row[..20.min(row.len())]
        );
    }
    let merge: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("merge-data.json")).unwrap()).unwrap();
    assert_eq!(merge["replications"].as_u64(), Some(n));
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(ts.lines().count() > 100);
    assert_eq!(summary["metrics"]["home"]["n"].as_u64(), Some(n));
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // And the partial directory is a valid part: merging it alone reproduces its rows.
    let merged = tmp.path().join("merged");
    repatsim()
        .arg("merge")
        .arg(&out)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(out.join("replications.csv")).unwrap(),
        std::fs::read(merged.join("replications.csv")).unwrap()
    );
}
