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
        r.stopped_hours < 24.0 * 14.0,
        "named within two weeks, not at the 120-day horizon: {}",
        r.stopped_hours
    );
    assert_eq!(r.end_hours, 120.0 * 24.0, "its books close at the horizon");
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
        text.contains("10 people on average at site `ward`, waiting for leg `out`"),
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
    // What is done is written at once: the what-if (hundreds of paired replications)
    // is left to the resume, and the report says so.
    assert!(summary.get("what_if").is_none(), "{}", summary["what_if"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("What to change: not tried, as the run was stopped"),
        "no word on the what-if"
    );
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
    // ... and keeps it marked partial, as does a redrawn report.
    let merged_summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(merged.join("summary.json")).unwrap()).unwrap();
    assert_eq!(merged_summary["partial"], true);
}

/// Starts shard `shard` of a long first-wave run into `out` (or resuming it, `resume`)
/// and stops it with Ctrl-C after `after`; the part is left marked partial. Returns
/// what the run said.
fn stopped_shard(shard: &str, out: &std::path::Path, after: Duration, resume: bool) -> String {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("repatsim"))
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "200000", "--shard", shard, "--threads", "1", "-q"])
        .arg(if resume { "--resume" } else { "--out" })
        .arg(out)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Unoptimised, a block takes longer: give it time to finish some replications.
    std::thread::sleep(if cfg!(debug_assertions) { after * 4 } else { after });
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(130), "shard {shard} was not stopped: {err}");
    err
}

/// A stopped run says how to go on: with --resume after --out, and "repeat this
/// command" after a --resume (not "--resume DIR instead of --out").
#[test]
fn a_stopped_resume_says_to_repeat_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("part-1");
    let first = stopped_shard("1/2", &out, Duration::from_millis(1500), false);
    assert!(
        first.contains(&format!(
            "repeat the command with --resume {} instead of --out",
            out.display()
        )),
        "{first}"
    );
    let again = stopped_shard("1/2", &out, Duration::from_millis(1500), true);
    assert!(
        again.contains("repeat this command") && !again.contains("instead of --out"),
        "{again}"
    );
}

/// A merge whose gap is a shard stopped early says so, and how to finish it, instead of
/// only "a part is missing or overlaps".
#[test]
fn a_merge_after_a_stopped_shard_says_to_resume_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("part-1"), tmp.path().join("part-2"));
    stopped_shard("1/2", &a, Duration::from_millis(1500), false);
    stopped_shard("2/2", &b, Duration::from_millis(1500), false);
    let o = repatsim()
        .arg("merge")
        .arg(&b)
        .arg(&a)
        .arg("--out")
        .arg(tmp.path().join("merged"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{} was stopped before its range was done", a.display()))
            && err.contains(&format!("--resume {}", a.display())),
        "{err}"
    );
}

/// SIGTERM (what cluster schedulers send) and SIGHUP stop a run as Ctrl-C does.
#[test]
fn sigterm_and_sighup_stop_a_run_as_ctrl_c_does() {
    for signal in ["-TERM", "-HUP"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("repatsim"))
            .arg("run")
            .arg(repo("scenarios/full-return.toml"))
            .args(["-n", "20000", "--block", "32", "-q", "--no-what-if", "--out"])
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(2000));
        std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "{signal}: did not stop");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.code(), Some(130), "{signal}");
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(summary["partial"], true, "{signal}");
    }
}

/// The files of one output directory, checked to come from one run: the seed in
/// summary.json and merge-data.json, and the rows of replications.csv, agree.
fn one_run(dir: &std::path::Path) -> Result<u64, String> {
    let read = |n: &str| std::fs::read(dir.join(n)).map_err(|e| format!("{n}: {e}"));
    let summary: serde_json::Value = serde_json::from_slice(&read("summary.json")?).map_err(|e| e.to_string())?;
    let merge: serde_json::Value = serde_json::from_slice(&read("merge-data.json")?).map_err(|e| e.to_string())?;
    let seed = summary["seed"].as_u64().ok_or("no seed")?;
    if merge["seed"].as_u64() != Some(seed) {
        return Err(format!("summary seed {seed}, merge-data seed {}", merge["seed"]));
    }
    let rows = String::from_utf8_lossy(&read("replications.csv")?).lines().count() as u64 - 1;
    if Some(rows) != summary["replications"].as_u64() {
        return Err(format!("{rows} rows, summary says {}", summary["replications"]));
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if names.iter().any(|n| n.starts_with('.')) {
        return Err(format!("hidden temporary files: {names:?}"));
    }
    Ok(seed)
}

/// A writer killed at any moment (SIGKILL: nothing runs after it) leaves the output
/// directory as the previous run wrote it, or as the new one did, never a mix; and a
/// second writer on the same directory is refused while the first runs.
#[test]
fn a_writer_killed_at_any_point_never_leaves_a_mixed_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = |seed: u64| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("repatsim"))
            .arg("run")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args([
                "-n",
                "300",
                "-q",
                "--no-what-if",
                "--force",
                "--seed",
                &seed.to_string(),
                "--out",
            ])
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let status = run(1).wait().unwrap();
    assert!(status.success());
    assert_eq!(one_run(&out), Ok(1));
    // How long a whole run takes here, to spread the kills across it.
    let started = Instant::now();
    assert!(run(2).wait().unwrap().success());
    let whole = started.elapsed().as_millis() as u64;
    // After each kill the directory is the last complete run's or this one's: never a
    // mix, never anything else.
    let mut last = 2;
    for k in 0..12u64 {
        let mut child = run(10 + k);
        std::thread::sleep(Duration::from_millis(whole * k / 11));
        let _ = child.kill();
        let _ = child.wait();
        let seed = one_run(&out).unwrap_or_else(|e| panic!("kill {k} after {} ms: {e}", whole * k / 11));
        assert!(
            seed == last || seed == 10 + k,
            "kill {k}: seed {seed}, expected {last} or {}",
            10 + k
        );
        last = seed;
    }
    assert!(run(99).wait().unwrap().success());
    assert_eq!(one_run(&out), Ok(99));

    // Two writers at once: while a long run writes, a second is refused (exit code 2).
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin("repatsim"))
        .arg("run")
        .arg(repo("scenarios/full-return.toml"))
        .args(["-n", "40", "-q", "--no-what-if", "--force", "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let o = std::process::Command::new(assert_cmd::cargo::cargo_bin("repatsim"))
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "10", "-q", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first writer should still be running"
    );
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another repatsim is writing"));
    assert!(first.wait().unwrap().success());
    one_run(&out).unwrap();
}
