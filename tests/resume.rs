//! Stopped is not lost: a run interrupted at random moments (SIGTERM as a scheduler
//! sends on preemption, SIGINT as Ctrl-C) and resumed with `--resume`, as often as it
//! takes, ends byte for byte as the uninterrupted run (apart from the timings).

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn repatsim() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("repatsim"))
}

/// The shard of the first wave every run here does (a shard, so the range does not start
/// at replication 0 and the shard's bookkeeping is resumed too), with the people of its
/// first and last replications: a run stopped before the last keeps its work (stopped
/// early, a run with `--people` lost all of it), and a resume writes them all.
const RUN: [&str; 9] = [
    "-n",
    "6000",
    "--shard",
    "2/3",
    "--block",
    "16",
    "-q",
    "--people",
    "2000,3999",
];
/// Replications in that shard.
const SHARD_SIZE: u64 = 2000;
/// Time to load the scenario and install the signal handlers, roughly.
const STARTUP_MS: u64 = 20;

fn start(out: &Path, resume: bool) -> std::process::Child {
    let mut c = repatsim();
    c.arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(RUN)
        .arg("-v");
    if resume {
        c.arg("--resume").arg(out);
    } else {
        c.arg("--force").arg("--out").arg(out);
    }
    c.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
}

fn wait(child: &mut std::process::Child) -> (Option<i32>, String) {
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "a run did not stop");
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    (status.code(), err)
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

/// `summary.json` without its `performance` block (wall time differs from run to run).
fn summary_without_timing(dir: &Path) -> serde_json::Value {
    let mut v = summary(dir);
    v.as_object_mut().unwrap().remove("performance");
    v
}

/// The events of the replications after the first `skip` rows of `replications.csv`.
fn events_from(dir: &Path, skip: u64) -> u64 {
    let text = std::fs::read_to_string(dir.join("replications.csv")).unwrap();
    let mut lines = text.lines();
    let column = lines.next().unwrap().split(',').position(|c| c == "events").unwrap();
    lines
        .skip(skip as usize)
        .map(|l| l.split(',').nth(column).unwrap().parse::<u64>().unwrap())
        .sum()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// SplitMix64 seeded from the clock: the moments differ from run to run of the test
/// (printed on failure, so a failure can be replayed by hand).
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Replications a partial directory holds (0 if it holds none yet).
fn done(dir: &Path) -> u64 {
    std::fs::read(dir.join("merge-data.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["replications"].as_u64())
        .unwrap_or(0)
}

#[test]
fn runs_stopped_at_random_moments_resume_to_the_uninterrupted_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let whole_dir = tmp.path().join("whole");
    let mut whole = start(&whole_dir, false);
    let (code, err) = wait(&mut whole);
    assert_eq!(code, Some(0), "{err}");
    // How long the replications take here (-v reports it), to place the stops among them.
    let run_ms = err
        .split(" events in ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse::<f64>().ok())
        .map(|s| (s * 1000.0) as u64)
        .unwrap_or_else(|| panic!("no timing in: {err}"));

    let mut state = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let seed = state;
    let out = tmp.path().join("stopped");
    let mut log = Vec::new();
    // Stops that produced a partial directory since the run was last started afresh.
    let mut partials = 0;
    let mut estimate_ms = run_ms;
    let mut fresh = true;
    for round in 0.. {
        assert!(round < 80, "no end after 80 rounds (seed {seed}): {log:?}");
        let done_at_start = if fresh { 0 } else { done(&out) };
        let mut child = start(&out, !fresh);
        // Stop at a random moment while the replications left would run (after a moment
        // for start-up; a few land before anything is done), until three stops have
        // produced partial directories; then let the last resume finish.
        if partials < 3 {
            let left = SHARD_SIZE - done(&out).min(SHARD_SIZE);
            let window_ms = estimate_ms * left / SHARD_SIZE + 1;
            let delay = STARTUP_MS + next(&mut state) % window_ms;
            let signal = if next(&mut state).is_multiple_of(2) {
                "-TERM"
            } else {
                "-INT"
            };
            std::thread::sleep(Duration::from_millis(delay));
            let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
            log.push(format!(
                "{signal} after {delay} ms ({})",
                if fresh { "start" } else { "resume" }
            ));
        }
        let (code, err) = wait(&mut child);
        match code {
            Some(0) if partials >= 3 => {
                // The timings are of the replications this process ran, not of those
                // it read back from disk.
                let perf = &summary(&out)["performance"];
                assert_eq!(perf["resumed"], done_at_start > 0, "{perf}");
                assert_eq!(
                    perf["events"].as_u64().unwrap(),
                    events_from(&out, done_at_start),
                    "{perf}"
                );
                break;
            }
            // The run was faster than estimated and finished first: start afresh, with
            // stops placed earlier.
            Some(0) => {
                estimate_ms = estimate_ms * 2 / 3;
                partials = 0;
                fresh = true;
                log.push("finished first; start afresh".into());
            }
            // Stopped in time: whatever it wrote is a partial of this run.
            Some(130) => {
                partials += 1;
                fresh = false;
                assert!(err.contains("--resume"), "{err}");
                let s = summary_without_timing(&out);
                assert_eq!(s["partial"], true, "{log:?}");
            }
            // Killed before its signal handler was installed: nothing new was written.
            None => fresh = !out.join("summary.json").is_file(),
            other => panic!("exit {other:?} (seed {seed}, {log:?}): {err}"),
        }
    }
    assert_eq!(files(&out), files(&whole_dir), "seed {seed}: {log:?}");
    for f in files(&whole_dir) {
        if f == "summary.json" {
            assert_eq!(
                summary_without_timing(&out),
                summary_without_timing(&whole_dir),
                "seed {seed}: {log:?}"
            );
        } else {
            assert!(
                std::fs::read(out.join(&f)).unwrap() == std::fs::read(whole_dir.join(&f)).unwrap(),
                "{f} differs (seed {seed}: {log:?})"
            );
        }
    }
    // Resuming a complete directory leaves it alone.
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let (code, err) = wait(&mut start(&out, true));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("nothing to run"), "{err}");
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    eprintln!("{partials} partial runs resumed (seed {seed}): {log:?}");
}

#[test]
fn a_resume_that_does_not_match_the_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut child = start(&out, false);
    assert_eq!(wait(&mut child).0, Some(0));
    let refused = |extra: &[&str], needle: &str| {
        let o = repatsim()
            .arg("run")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args(extra)
            .arg("--resume")
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(needle), "{extra:?}: {err}");
    };
    refused(
        &["-n", "6000", "--shard", "1/3"],
        "replications 2000..4000, this command for 0..2000",
    );
    refused(&["-n", "6000"], "this command for 0..6000");
    refused(&["-n", "6000", "--shard", "2/3", "--seed", "9"], "this command seed 9");
    refused(
        &[
            "-n",
            "6000",
            "--shard",
            "2/3",
            "--set",
            "site.sinuiju-quarantine.beds=100",
        ],
        "another scenario text",
    );
    refused(&["-n", "6000", "--shard", "2/3", "--grid-hours", "1"], "time grid");
    // Anything else asked for differently would leave a directory neither command's
    // uninterrupted run writes.
    refused(
        &["-n", "6000", "--shard", "2/3", "--people", "2000,3999", "--no-what-if"],
        "it was run without --no-what-if, this command with it",
    );
    refused(
        &["-n", "6000", "--shard", "2/3"],
        "it was run with --people 2000,3999, this command with no --people",
    );
    refused(
        &["-n", "6000", "--shard", "2/3", "--people", "2000"],
        "it was run with --people 2000,3999, this command with --people 2000",
    );
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .arg("--resume")
        .arg(tmp.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to resume"));
}

/// A stop that comes during the what-if (after every replication, before the hundreds of
/// paired ones it runs) writes the run at once, marked partial and without the what-if,
/// and exits 130; the resume runs the what-if, and the folder ends as the uninterrupted
/// run's. The what-if used to run on to its end, so a scheduler's kill a few seconds
/// after its SIGTERM lost every replication.
#[test]
fn a_stop_during_the_what_if_writes_the_run_at_once() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let args = ["-n", "3000", "--threads", "1", "-v"];
    let run = |out: &Path, how: &str| {
        let mut c = repatsim();
        c.arg("run")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args(args)
            .arg(how)
            .arg(out);
        c.stdout(Stdio::null()).stderr(Stdio::piped());
        c
    };
    let whole = tmp.path().join("whole");
    assert!(run(&whole, "--out").status().unwrap().success());

    let out = tmp.path().join("stopped");
    let mut child = run(&out, "--out").spawn().unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    // "-v" reports the replications' time once they are done, before the what-if.
    let mut seen = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(" events in ") {
            break;
        }
    }
    let stopped_at = Instant::now();
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let status = child.wait().unwrap();
    let waited = stopped_at.elapsed();
    let err = seen + &rest.join("\n");
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(waited < Duration::from_secs(2), "took {waited:?} to stop: {err}");
    assert!(err.contains("during the what-if") && err.contains("--resume"), "{err}");
    assert_eq!(summary(&out)["partial"], true);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("What to change: not tried"), "the stopped run's report");

    let o = run(&out, "--resume").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(files(&out), files(&whole));
    assert_eq!(summary_without_timing(&out), summary_without_timing(&whole));
    for f in files(&whole).into_iter().filter(|f| f != "summary.json") {
        assert!(
            std::fs::read(out.join(&f)).unwrap() == std::fs::read(whole.join(&f)).unwrap(),
            "{f} differs"
        );
    }
}

/// A run with --until-ci stops where its precision is reached, which its folder does not
/// record: a resume, stopped or complete, is refused rather than continued to -n's
/// count (a stopped one was resumed to the scenario's 1,000 replications where the
/// uninterrupted run stopped at 80, every file different and nothing said).
#[test]
fn a_run_with_until_ci_is_not_resumed_to_another_count() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let mut c = repatsim();
        c.arg("run")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args(["--threads", "2", "--no-what-if", "-q"])
            .args(extra)
            .arg(out);
        c.stdout(Stdio::null()).stderr(Stdio::piped());
        c
    };
    // Complete: precise enough after its first block.
    let done = tmp.path().join("done");
    let o = run(&done, &["--until-ci", "makespan_days@p90=5", "--block", "64", "--out"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Stopped: a precision it would take minutes to reach.
    let stopped = tmp.path().join("stopped");
    let mut child = run(
        &stopped,
        &["--until-ci", "makespan_days=0.00001", "--block", "64", "--out"],
    )
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let (code, err) = wait(&mut child);
    assert_eq!(code, Some(130), "{err}");
    for dir in [&done, &stopped] {
        let o = run(dir, &["--resume"]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", dir.display());
        assert!(err.contains("--until-ci"), "{err}");
    }
}
