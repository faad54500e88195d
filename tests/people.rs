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

#[test]
fn the_records_add_up_to_the_replications_metrics() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "4", "--people", "0,3", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = records(&out);
    let mut reps = csv::Reader::from_path(out.join("replications.csv")).unwrap();
    let header: Vec<String> = reps.headers().unwrap().iter().map(String::from).collect();
    let metric_rows: Vec<Vec<String>> = reps
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let metric = |rep: usize, id: &str| -> f64 {
        let i = header.iter().position(|h| h == id).unwrap();
        metric_rows[rep][i].parse().unwrap()
    };
    for rep in [0usize, 3] {
        let mine: Vec<_> = rows.iter().filter(|r| r["replication"] == rep.to_string()).collect();
        let people: std::collections::BTreeMap<&str, &str> = mine
            .iter()
            .map(|r| (r["person"].as_str(), r["outcome"].as_str()))
            .collect();
        assert_eq!(people.len(), 700, "every person of the scenario appears");
        let count = |o: &str| people.values().filter(|v| **v == o).count() as f64;
        assert_eq!(count("home"), metric(rep, "home"));
        assert_eq!(count("evaded"), metric(rep, "evaded"));
        // The waits in line at Dandong customs add up to its person-hours of waiting.
        let waited: f64 = mine
            .iter()
            .filter(|r| r["stage"] == "dandong-customs")
            .map(|r| r["waited_hours"].parse::<f64>().unwrap())
            .sum();
        let want = metric(rep, "checkpoint.dandong-customs.waiting_person_hours");
        assert!(
            (waited - want).abs() < 1e-6 * want.max(1.0),
            "replication {rep}: {waited} vs {want}"
        );
        // So do every leg's and checkpoint's, the waits of those who slipped away while
        // waiting to board included (the replication ends with everyone home or gone).
        for (kind, prefix) in [("leg", "leg."), ("checkpoint", "checkpoint.")] {
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
            }
        }
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
