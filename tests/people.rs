//! Per-person records (`run --people`): by hand on a small case, and adding up to the
//! replication's own metrics on the first wave.

mod common;
use assert_cmd::Command;
use common::*;

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

/// One booth open 08:00-09:00, 50 minutes each, three people at 08:00 (see
/// tests/service_rules.rs): waits 0, 50 minutes and 24 hours.
const DESK: &str = r#"
[scenario]
name = "desk"
start = 2024-01-01T00:00:00
horizon_days = 3

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[checkpoint]]
name = "desk"
servers = 1
service_minutes = 50
open_hours = "08:00-09:00"

[[cohort]]
name = "three"
origin = "camp"
size = 3
arrival = { process = "all_at_once", at_hours = 8 }
route = ["desk", "home"]
"#;

fn records(dir: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("people.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn the_records_of_a_hand_computed_case() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("desk.toml");
    std::fs::write(&file, DESK).unwrap();
    let out = tmp.path().join("out");
    repatsim()
        .arg("run")
        .arg(&file)
        .args(["-n", "2", "--people", "1", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = records(&out);
    let desk: Vec<_> = rows.iter().filter(|r| r["kind"] == "checkpoint").collect();
    assert_eq!(desk.len(), 3);
    let h = |r: &std::collections::HashMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    let want = [
        (8.0, 8.0, 8.0 + 50.0 / 60.0),
        (8.0, 8.0 + 50.0 / 60.0, 9.0 + 40.0 / 60.0),
        (8.0, 32.0, 32.0 + 50.0 / 60.0),
    ];
    for (r, (joined, start, end)) in desk.iter().zip(want) {
        assert_eq!(r["replication"], "1");
        assert_eq!(r["stage"], "desk");
        assert_eq!(r["visit"], "1");
        assert!((h(r, "joined_hours") - joined).abs() < 1e-9, "{r:?}");
        assert!((h(r, "start_hours") - start).abs() < 1e-9, "{r:?}");
        assert!((h(r, "end_hours") - end).abs() < 1e-9, "{r:?}");
        assert!((h(r, "waited_hours") - (start - joined)).abs() < 1e-9);
        assert_eq!(r["outcome"], "home");
        assert!((h(r, "outcome_hours") - end).abs() < 1e-9, "home as soon as served");
        assert!((h(r, "released_hours") - 8.0).abs() < 1e-9);
        assert_eq!(r["notified_hours"], "");
    }
    let dictionary = std::fs::read_to_string(out.join("people-dictionary.csv")).unwrap();
    for column in rows[0].keys() {
        assert!(
            dictionary.contains(&format!("\n{column},")),
            "{column} is not in the dictionary"
        );
    }
}

/// Runs `scenario` with records of replications `reps` and checks that they add up to
/// each replication's metrics: who ended how, and the waits at every leg, checkpoint,
/// site and cohort's approvals (the replication ends with everyone home or gone, so no wait is under way).
fn check_records_add_up(scenario: &str, reps: &[usize]) -> Vec<std::collections::HashMap<String, String>> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let n = reps.iter().max().unwrap() + 1;
    let list: Vec<String> = reps.iter().map(|r| r.to_string()).collect();
    repatsim()
        .arg("run")
        .arg(repo(scenario))
        .args([
            "-n",
            &n.to_string(),
            "--people",
            &list.join(","),
            "-q",
            "--no-what-if",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let rows = records(&out);
    let mut replications = csv::Reader::from_path(out.join("replications.csv")).unwrap();
    let header: Vec<String> = replications.headers().unwrap().iter().map(String::from).collect();
    let metric_rows: Vec<Vec<String>> = replications
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let metric = |rep: usize, id: &str| -> f64 {
        let i = header.iter().position(|h| h == id).unwrap();
        metric_rows[rep][i].parse().unwrap()
    };
    for &rep in reps {
        let mine: Vec<_> = rows.iter().filter(|r| r["replication"] == rep.to_string()).collect();
        let people: std::collections::BTreeMap<&str, &str> = mine
            .iter()
            .map(|r| (r["person"].as_str(), r["outcome"].as_str()))
            .collect();
        assert_eq!(people.len() as f64, metric(rep, "home") + metric(rep, "evaded"));
        let count = |o: &str| people.values().filter(|v| **v == o).count() as f64;
        assert_eq!(count("home"), metric(rep, "home"));
        assert_eq!(count("evaded"), metric(rep, "evaded"));
        // The waits at every stage add up to its person-hours of waiting, the waits of
        // those who slipped away included.
        let mut stages = 0;
        for (kind, prefix) in [
            ("leg", "leg."),
            ("checkpoint", "checkpoint."),
            ("site", "site."),
            ("approval", "cohort."),
        ] {
            for id in header
                .iter()
                .filter(|h| h.starts_with(prefix) && h.ends_with(".waiting_person_hours"))
            {
                let stage = &id[prefix.len()..id.len() - ".waiting_person_hours".len()];
                let waited: f64 = mine
                    .iter()
                    .filter(|r| r["kind"] == kind && r["stage"] == stage)
                    .map(|r| r["waited_hours"].parse::<f64>().unwrap())
                    .sum();
                let want = metric(rep, id);
                assert!(
                    (waited - want).abs() < 1e-6 * want.max(1.0),
                    "replication {rep}, {id}: {waited} vs {want}"
                );
                stages += 1;
            }
        }
        assert!(stages >= 3, "{stages} stages checked");
        // Nobody waits a negative time, and a visit ends after it starts.
        for r in &mine {
            if let (Ok(w), Ok(s), Ok(e)) = (
                r["waited_hours"].parse::<f64>(),
                r["start_hours"].parse::<f64>(),
                r["end_hours"].parse::<f64>(),
            ) {
                assert!(w >= 0.0 && e >= s, "{r:?}");
            }
        }
    }
    rows
}

#[test]
fn the_records_add_up_to_the_replications_metrics() {
    let rows = check_records_add_up("scenarios/first-wave-2023.toml", &[0, 3]);
    let people: std::collections::BTreeSet<(&str, &str)> = rows
        .iter()
        .map(|r| (r["replication"].as_str(), r["person"].as_str()))
        .collect();
    assert_eq!(people.len(), 2 * 700, "every person of the scenario appears");
}

#[test]
fn an_evaders_last_wait_is_at_the_stage_they_left() {
    let rows = check_records_add_up("tests/regressions/r10_evaders_everywhere.toml", &[0, 1, 2, 3]);
    // Each evader's last row ends when they slipped away, at a stage where people wait
    // or stay: with no start in a line left, with one at the hotel they stayed at.
    let mut last: std::collections::BTreeMap<(&str, &str), &std::collections::HashMap<String, String>> =
        Default::default();
    for r in rows.iter().filter(|r| r["outcome"] == "evaded") {
        last.insert((r["replication"].as_str(), r["person"].as_str()), r);
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in last.values() {
        assert_eq!(r["end_hours"], r["outcome_hours"], "{r:?}");
        seen.insert((r["stage"].clone(), r["start_hours"].is_empty()));
    }
    for want in [("exit", true), ("hotel", true), ("hotel", false), ("papers", true)] {
        assert!(
            seen.contains(&(want.0.to_string(), want.1)),
            "nobody slipped away at {want:?}: {seen:?}"
        );
    }
}

#[test]
fn people_needs_an_output_directory_and_replications_that_ran() {
    let file = repo("scenarios/first-wave-2023.toml");
    let tmp = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (vec!["-n", "3", "--people", "0"], "add --out"),
        (
            vec!["-n", "3", "--people", "7", "--out", "X"],
            "not among those this command runs",
        ),
        // A range includes its end, as every range of the tool does: 3 did not run.
        (
            vec!["-n", "3", "--people", "1..3", "--out", "X"],
            "not among those this command runs",
        ),
        (
            vec!["-n", "3", "--people", "2..1", "--out", "X"],
            "write replication numbers",
        ),
        (
            vec!["-n", "3", "--people", "a,b", "--out", "X"],
            "write replication numbers",
        ),
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "X" {
                    tmp.path().join("o").display().to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let o = repatsim().arg("run").arg(&file).args(&args).arg("-q").output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(needle),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Giving up and coming back are visits too: one booth, an hour each, room for one in
/// line, three people at hour 0 retrying every half hour. The third finds the line full
/// at 0 and 0.5 and joins it at 1, served 2-3: rows waited 0, 0.5 (away) and 1.5 (away,
/// then in line). With the second's hour, the waits add up to the checkpoint's 3
/// person-hours (tests/abandonment.rs works them out).
#[test]
fn a_try_left_without_service_is_a_visit() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("retry.toml");
    let text = DESK
        .replace(
            "service_minutes = 50\nopen_hours = \"08:00-09:00\"",
            "service_minutes = 60\nmax_line = 1\ngive_up = \"retry\"\nretry_after_hours = 0.5",
        )
        .replace("at_hours = 8", "at_hours = 0");
    assert!(text.contains("max_line"), "{text}");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    repatsim()
        .arg("run")
        .arg(&file)
        .args(["-n", "1", "--people", "0", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = records(&out);
    let third: Vec<(String, String, String)> = rows
        .iter()
        .filter(|r| r["person"] == "2" && r["kind"] == "checkpoint")
        .map(|r| {
            (
                r["start_hours"].clone(),
                r["end_hours"].clone(),
                r["waited_hours"].clone(),
            )
        })
        .collect();
    let row = |s: &str, e: &str, w: &str| (s.to_string(), e.to_string(), w.to_string());
    assert_eq!(
        third,
        vec![row("", "0", "0"), row("", "0.5", "0.5"), row("2", "3", "1.5")]
    );
    let waited: f64 = rows
        .iter()
        .filter(|r| r["kind"] == "checkpoint")
        .map(|r| r["waited_hours"].parse::<f64>().unwrap())
        .sum();
    assert_eq!(waited, 3.0);
}
