//! Hostile and careless input, class by class (issue 15): every case ends quickly with
//! exit code 2 and a message that says what to do, never a hang, a panic, a huge
//! allocation, an internal error, or output that mixes two runs.

mod common;
use assert_cmd::Command;
use std::time::{Duration, Instant};

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

/// Runs the command, checks it ends within `secs` with exit code 2, and returns stderr.
fn refused(cmd: &mut Command, secs: u64) -> String {
    let started = Instant::now();
    let o = cmd.timeout(Duration::from_secs(secs)).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        o.status.code(),
        Some(2),
        "exit {:?} after {:?}: {err}",
        o.status.code(),
        started.elapsed()
    );
    assert!(!err.contains("panicked") && !err.contains("internal error"), "{err}");
    err
}

const SMALL: &str = r#"
[scenario]
name = "small"
start = 2024-01-01T00:00:00
horizon_days = 10
seed = 1

[[site]]
name = "camp"
kind = "origin"

[[site]]
name = "home"
kind = "home"

[[leg]]
name = "bus"
from = "camp"
to = "home"
mode = "bus"
vehicles = 2
seats = 20
travel_hours = 2

[[cohort]]
name = "workers"
origin = "camp"
size = 100
route = ["bus", "home"]
"#;

fn file_with(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    (tmp, path)
}

#[test]
fn a_search_below_float_resolution_is_refused_not_run_forever() {
    let (_t, f) = file_with(SMALL);
    let err = refused(
        repatsim().arg("plan").arg(&f).args([
            "--vary",
            "leg.bus.travel_hours=1..3",
            "--target",
            "makespan_days@mean<=0.3",
            "--tolerance",
            "1e-300",
            "-n",
            "2",
        ]),
        30,
    );
    assert!(err.contains("--tolerance") && err.contains("use at least"), "{err}");
}

#[test]
fn one_replication_gives_no_confidence_interval_and_until_ci_needs_a_minimum() {
    let (_t, f) = file_with(SMALL);
    let o = repatsim()
        .arg("run")
        .arg(&f)
        .args(["-n", "1", "--json", "--no-what-if"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["metrics"]["makespan_days"]["ci95_low"].is_null());
    let o = repatsim()
        .arg("run")
        .arg(&f)
        .args(["-n", "1", "--no-what-if"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("undefined") && !text.contains("95% CI 0."), "{text}");
    let err = refused(
        repatsim()
            .arg("run")
            .arg(&f)
            .args(["--until-ci", "makespan_days=1", "--max-replications", "1"]),
        30,
    );
    assert!(err.contains("at least 10"), "{err}");
}

#[test]
fn names_have_a_length_limit() {
    let long = "a".repeat(65_600);
    let (_t, f) = file_with(&SMALL.replace("name = \"workers\"", &format!("name = \"{long}\"")));
    let err = refused(repatsim().arg("validate").arg(&f), 30);
    assert!(
        err.contains("characters long; at most 64"),
        "{}",
        &err[..err.len().min(500)]
    );
    assert!(err.len() < 20_000, "the message should not repeat the name at length");
}

#[test]
fn a_route_repeating_one_leg_ten_thousand_times_is_answered_quickly_and_briefly() {
    let route = vec!["\"bus\""; 10_000].join(", ");
    let (_t, f) = file_with(&SMALL.replace("route = [\"bus\", \"home\"]", &format!("route = [{route}, \"home\"]")));
    let err = refused(repatsim().arg("validate").arg(&f), 20);
    assert!(err.len() < 50_000, "{} bytes of errors", err.len());
    assert!(
        err.contains("more errors like those above"),
        "{}",
        &err[..err.len().min(2000)]
    );
}

#[test]
fn more_wave_occurrences_than_an_index_holds_are_refused_not_wrapped() {
    let text = SMALL.replace("horizon_days = 10", "horizon_days = 3000")
        + "\n[[wave]]\ncohort = \"workers\"\nat_day = 0\nnotify = 1\nevery_days = 0.01\ncount = 70000\n";
    let (_t, f) = file_with(&text);
    let err = refused(repatsim().arg("validate").arg(&f), 30);
    assert!(err.contains("too many waves"), "{err}");
}

#[test]
fn durations_too_large_to_be_meant_are_refused() {
    let (_t, f) = file_with(&SMALL.replace("travel_hours = 2", "travel_hours = 1e308"));
    let err = refused(repatsim().arg("validate").arg(&f), 30);
    assert!(err.contains("cannot be meant"), "{err}");
}

#[test]
fn files_not_in_utf8_get_a_located_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let latin1 = tmp.path().join("latin1.toml");
    let mut bytes = SMALL.as_bytes().to_vec();
    let at = SMALL.find("name = \"camp\"").unwrap();
    bytes.splice(at + 8..at + 8, [0xE9u8]); // "é" in Latin-1
    std::fs::write(&latin1, &bytes).unwrap();
    let err = refused(repatsim().arg("validate").arg(&latin1), 10);
    assert!(
        err.contains("line 9, column 9") && err.contains("save the file as UTF-8"),
        "{err}"
    );
    let utf16 = tmp.path().join("utf16.toml");
    let mut wide = vec![0xFFu8, 0xFE];
    for u in SMALL.encode_utf16() {
        wide.extend(u.to_le_bytes());
    }
    std::fs::write(&utf16, wide).unwrap();
    let err = refused(repatsim().arg("run").arg(&utf16), 10);
    assert!(err.contains("UTF-16") && err.contains("UTF-8"), "{err}");
}

#[test]
fn output_places_that_cannot_work_are_refused_before_the_run() {
    let (tmp, f) = file_with(SMALL);
    let a_file = tmp.path().join("a-file");
    std::fs::write(&a_file, "x").unwrap();
    let err = refused(repatsim().arg("run").arg(&f).arg("--out").arg(&a_file), 10);
    assert!(err.contains("names a file"), "{err}");
    let err = refused(repatsim().arg("run").arg(&f).arg("--out").arg(a_file.join("sub")), 10);
    assert!(err.contains("cannot"), "{err}");
    let err = refused(
        repatsim()
            .arg("trace")
            .arg(&f)
            .args(["--replication", "0", "--out"])
            .arg(tmp.path()),
        10,
    );
    assert!(err.contains("a directory"), "{err}");
    for dir in [tmp.path().join("missing"), tmp.path().to_path_buf()] {
        let err = refused(repatsim().arg("report").arg(&dir), 10);
        assert!(
            err.contains("repatsim run --out") || err.contains("no such directory"),
            "{err}"
        );
        let err = refused(
            repatsim().arg("merge").arg(&dir).arg("--out").arg(tmp.path().join("m")),
            10,
        );
        assert!(
            err.contains("repatsim run --out") || err.contains("no such directory"),
            "{err}"
        );
    }
}

#[test]
fn a_tampered_part_is_refused_not_allocated() {
    let (tmp, f) = file_with(SMALL);
    let part = tmp.path().join("part");
    repatsim()
        .arg("run")
        .arg(&f)
        .args(["-n", "4", "-q", "--no-what-if", "--out"])
        .arg(&part)
        .assert()
        .success();
    let path = part.join("merge-data.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["grid_hours"] = serde_json::json!(0.0);
    std::fs::write(&path, v.to_string()).unwrap();
    let err = refused(repatsim().arg("report").arg(&part), 10);
    assert!(err.contains("grid_hours"), "{err}");
    let err = refused(
        repatsim()
            .arg("merge")
            .arg(&part)
            .arg("--out")
            .arg(tmp.path().join("m")),
        10,
    );
    assert!(err.contains("grid_hours"), "{err}");
}

#[test]
fn force_leaves_no_file_of_the_previous_run() {
    let (tmp, f) = file_with(SMALL);
    let out = tmp.path().join("out");
    repatsim()
        .arg("run")
        .arg(&f)
        .args(["-n", "4", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    std::fs::write(out.join("occupancy-old-site.png"), "stale").unwrap();
    repatsim()
        .arg("run")
        .arg(&f)
        .args(["-n", "4", "-q", "--no-what-if", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("occupancy-old-site.png").exists());
    assert!(out.join("summary.json").exists());
    // Nothing is left beside it but the lock.
    let siblings: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert_eq!(siblings, vec![".out.lock".to_string()]);
}

#[test]
fn messages_point_at_what_was_typed() {
    // A quoted date-time: "remove the quotes".
    let (_t, f) = file_with(&SMALL.replace("start = 2024-01-01T00:00:00", "start = \"2024-01-01T00:00:00\""));
    let err = refused(repatsim().arg("validate").arg(&f), 10);
    assert!(err.contains("remove the quotes"), "{err}");
    // A bad cohort does not add "no cohort named ..." on its waves.
    let text = SMALL.replace("size = 100", "size = -5") + "\n[[wave]]\ncohort = \"workers\"\nat_day = 0\nnotify = 5\n";
    let (_t2, f2) = file_with(&text);
    let err = refused(repatsim().arg("validate").arg(&f2), 10);
    assert!(!err.contains("no cohort is named"), "{err}");
    // A --set that makes the file invalid says the line is as --set changed it.
    let (_t3, f3) = file_with(SMALL);
    let err = refused(
        repatsim().arg("validate").arg(&f3).args(["--set", "leg.bus.seats=0"]),
        10,
    );
    assert!(err.contains("as changed by leg.bus.seats=0"), "{err}");
    // A --vary value the scenario cannot take names --vary.
    let err = refused(
        repatsim()
            .arg("sweep")
            .arg(&f3)
            .args(["--vary", "leg.bus.seats=0..20:10", "-n", "2", "-q"]),
        10,
    );
    assert!(err.contains("--vary"), "{err}");
}

/// A file that is there already is replaced only with --force: `trace --out` and
/// `check --junit` overwrote anything, a run's summary.json included, leaving a
/// directory that was a mix of two runs.
#[test]
fn trace_and_junit_files_are_not_overwritten_without_force() {
    let (tmp, f) = file_with(SMALL);
    let there = tmp.path().join("summary.json");
    std::fs::write(&there, "{}").unwrap();
    let trace = |force: bool| {
        let mut c = repatsim();
        c.arg("trace").arg(&f).args(["--replication", "0", "--out"]).arg(&there);
        if force {
            c.arg("--force");
        }
        c
    };
    let err = refused(&mut trace(false), 10);
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&there).unwrap(), "{}");
    assert!(
        trace(true)
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(std::fs::read_to_string(&there).unwrap().starts_with("time_hours,"));

    let junit = tmp.path().join("keep.xml");
    std::fs::write(&junit, "mine").unwrap();
    let err = refused(
        repatsim()
            .arg("check")
            .arg(&f)
            .args(["-n", "2", "--target", "home@mean>=1", "--junit"])
            .arg(&junit),
        10,
    );
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&junit).unwrap(), "mine");
}

/// `trace --out` names a pipe, a terminal or a link as often as a file: a tester's
/// `--out /dev/stdout` (as root) replaced the system's /dev/stdout link with a CSV file,
/// a FIFO was replaced by a file nobody read, and `--force` on a link replaced the link
/// and left the file it named unchanged. A stream is written into; a link keeps its
/// target, whose contents are replaced.
#[cfg(unix)]
#[test]
fn trace_out_writes_into_pipes_and_through_links_without_replacing_them() {
    let (tmp, f) = file_with(SMALL);
    let trace = |out: &std::path::Path| {
        let mut c = repatsim();
        c.arg("trace").arg(&f).args(["--replication", "0", "--out"]).arg(out);
        c.timeout(Duration::from_secs(20));
        c
    };
    // A FIFO, read by another thread.
    let fifo = tmp.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    assert!(trace(&fifo).output().unwrap().status.success());
    let read = reader.join().unwrap();
    assert!(read.starts_with("time_hours,") && read.lines().count() > 10, "{read}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // A link to a file: refused without --force, then the file it names is replaced.
    let target = tmp.path().join("target.csv");
    std::fs::write(&target, "mine").unwrap();
    let link = tmp.path().join("link.csv");
    std::os::unix::fs::symlink("target.csv", &link).unwrap();
    let err = refused(&mut trace(&link), 10);
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
    assert!(trace(&link).arg("--force").output().unwrap().status.success());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        read,
        "the same replication, the same trace"
    );
    // A link to a pipe (as /dev/stdout is) is written into, not replaced.
    let to_stdout = tmp.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &to_stdout).unwrap();
    let o = trace(&to_stdout).output().unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), read);
    assert!(std::fs::symlink_metadata(&to_stdout).unwrap().file_type().is_symlink());
    // A dangling link is there too: written through without --force, it created a file
    // wherever it pointed.
    let dangling = tmp.path().join("dangling.csv");
    std::os::unix::fs::symlink("nowhere.csv", &dangling).unwrap();
    let err = refused(&mut trace(&dangling), 10);
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
    assert!(!tmp.path().join("nowhere.csv").exists());
    // A directory that is not there is named as such (not by a temporary file's name).
    let err = refused(&mut trace(&tmp.path().join("nodir").join("t.csv")), 10);
    assert!(
        err.contains("the directory") && err.contains("does not exist") && !err.contains(".tmp-"),
        "{err}"
    );
}

/// `run --out LINK` where LINK names a directory writes into that directory (it failed
/// at the end of the run: "internal error: Not a directory", putting the run in place by
/// a rename onto the link); a dangling link is refused before the run.
#[cfg(unix)]
#[test]
fn run_out_through_a_link_to_a_directory_writes_there() {
    let (tmp, f) = file_with(SMALL);
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink("real", &link).unwrap();
    let run = |out: &std::path::Path| {
        let mut c = repatsim();
        c.arg("run")
            .arg(&f)
            .args(["-n", "2", "--no-what-if", "-q", "--out"])
            .arg(out);
        c.timeout(Duration::from_secs(20));
        c
    };
    let o = run(&link).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(real.join("summary.json").is_file());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let dangling = tmp.path().join("dangling");
    std::os::unix::fs::symlink("missing", &dangling).unwrap();
    let err = refused(&mut run(&dangling), 10);
    assert!(
        err.contains("a symbolic link to missing, which does not exist"),
        "{err}"
    );
}

/// `--out DIR/.` is DIR: the run used to go through to its end and then fail renaming
/// its output into place ("internal error: Invalid argument").
#[test]
fn an_out_directory_written_with_a_trailing_dot_is_that_directory() {
    let (tmp, f) = file_with(SMALL);
    let d = tmp.path().join("empty");
    std::fs::create_dir(&d).unwrap();
    let o = repatsim()
        .arg("run")
        .arg(&f)
        .args(["-n", "2", "--no-what-if", "-q", "--out"])
        .arg(d.join("."))
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(d.join("summary.json").is_file());
}

/// A file far larger than any scenario is refused after reading no more than the limit
/// (`/dev/zero` took every byte of memory).
#[test]
fn a_huge_file_is_refused_without_reading_it_all() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.toml");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(repatsim::scenario::MAX_SCENARIO_BYTES + 1).unwrap();
    let err = refused(repatsim().arg("validate").arg(&big), 10);
    assert!(err.contains("larger than 4 MiB"), "{err}");
    if std::path::Path::new("/dev/zero").exists() {
        let err = refused(repatsim().arg("validate").arg("/dev/zero"), 10);
        assert!(err.contains("larger than"), "{err}");
    }
}

/// A part named twice is refused: its replications were taken for another shard's ("3
/// of the shards", one missing), and a merge of the right count would have counted
/// them twice.
#[test]
fn a_part_named_twice_is_refused() {
    let (tmp, f) = file_with(SMALL);
    let part = tmp.path().join("p1");
    let o = repatsim()
        .arg("run")
        .arg(&f)
        .args(["-n", "4", "--shard", "1/2", "-q", "--no-what-if", "--out"])
        .arg(&part)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = tmp.path().join("p1").join(".");
    let err = refused(
        repatsim()
            .arg("merge")
            .arg(&part)
            .arg(&again)
            .arg("--out")
            .arg(tmp.path().join("m")),
        10,
    );
    assert!(err.contains("named twice"), "{err}");
    // Nor may --out (with --force) name a part: the merge would replace it.
    let before = std::fs::read(part.join("replications.csv")).unwrap();
    let err = refused(
        repatsim()
            .arg("merge")
            .arg(&part)
            .arg("--out")
            .arg(&again)
            .arg("--force"),
        10,
    );
    assert!(err.contains("one of the parts being merged"), "{err}");
    assert_eq!(std::fs::read(part.join("replications.csv")).unwrap(), before);
}
