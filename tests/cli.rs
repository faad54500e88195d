//! The command line as a user drives it: exit codes, determinism across thread counts,
//! readable errors.

mod common;
use assert_cmd::Command;
use common::repo;

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

#[test]
fn same_seed_same_json_whatever_the_thread_count() {
    let file = repo("scenarios/first-wave-2023.toml");
    let out = |threads: &str| {
        let o = repatsim()
            .args(["run"])
            .arg(&file)
            .args(["-n", "64", "--json", "--threads", threads])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let one = out("1");
    assert_eq!(one, out("2"));
    assert_eq!(one, out("3"));
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["replications"], 64);
    // 700 people accounted for in every replication: home or evaded.
    let home = v["metrics"]["home"]["mean"].as_f64().unwrap();
    let evaded = v["metrics"]["evaded"]["mean"].as_f64().unwrap();
    assert!(
        (home + evaded - 700.0).abs() < 1e-9 && evaded > 0.0,
        "home {home}, evaded {evaded}"
    );
    for key in ["mean", "sd", "ci95_low", "ci95_high", "p05", "p50", "p95", "min", "max"] {
        assert!(v["metrics"]["makespan_days"].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn a_different_seed_gives_different_numbers() {
    let file = repo("scenarios/first-wave-2023.toml");
    let run = |seed: &str| {
        repatsim()
            .arg("run")
            .arg(&file)
            .args(["-n", "8", "--json", "--seed", seed])
            .output()
            .unwrap()
            .stdout
    };
    assert_ne!(run("1"), run("2"));
}

#[test]
fn run_prints_a_readable_summary() {
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "20"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains(
            "Every journey ended within the 30-day horizon in 20 of 20 replications (home, or slipped away: "
        ),
        "{text}"
    );
    assert!(text.contains("Days until everyone is home"));
    assert!(text.contains("The bottleneck, where people wait longest in total"));
    assert!(text.lines().count() <= 40, "the brief summary is brief:\n{text}");
    let all = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "20", "--all", "--no-what-if"])
        .output()
        .unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    assert!(all.contains("site.sinuiju-quarantine.peak_occupancy"), "{all}");
    // Every value in its unit, with the unit named: a share of 0.9999 never reads as
    // "1.000" (all of them), and hours are not mistaken for days.
    let row = |id: &str| {
        all.lines()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row {id}:\n{all}"))
            .to_string()
    };
    let share = row("leg.hotel-customs-shuttle.seat_utilization");
    assert!(share.ends_with("  fraction") && share.contains('%'), "{share}");
    assert!(row("leg.hotel-customs-shuttle.mean_wait_hours").ends_with("  hours"));
    assert!(!all.contains("What to change"), "--no-what-if");
}

#[test]
fn bad_input_exits_2_with_file_line_column_and_field() {
    let bad = repo("tests/bad_scenarios/03-zero-seats.toml");
    let o = repatsim().arg("run").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("03-zero-seats.toml:30:9"), "{err}");
    assert!(err.contains("leg.bus.seats"), "{err}");

    let o = repatsim()
        .arg("validate")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("first-wave-2023.toml: ok"));

    let o = repatsim().args(["run", "no/such/file.toml"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read scenario file no/such/file.toml"));

    let o = repatsim()
        .args(["run"])
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "clap usage errors are bad input too");
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    for f in common::shipped_scenarios() {
        repatsim().arg("validate").arg(&f).assert().success();
    }
}

/// A shard left with no replications (2 split 3 ways) succeeds without writing a folder
/// of findings about nothing (a failed task would stop a cluster's array and the merge
/// waiting on it), and the merge of the others is the whole run.
#[test]
fn an_empty_shard_writes_nothing_and_the_merge_does_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str], out: &std::path::Path| {
        repatsim()
            .arg("run")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args(["-n", "2", "-q", "--no-what-if"])
            .args(args)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let o = run(&["--shard", "1/3"], &tmp.path().join("part-1"));
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--shard 1/3: 2 replications split 3 ways leave this shard none: nothing to run"),
        "{err}"
    );
    assert!(!tmp.path().join("part-1").exists());
    for i in [2, 3] {
        let o = run(&["--shard", &format!("{i}/3")], &tmp.path().join(format!("part-{i}")));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(run(&[], &tmp.path().join("whole")).status.success());
    let merged = tmp.path().join("merged");
    repatsim()
        .arg("merge")
        .arg(tmp.path().join("part-3"))
        .arg(tmp.path().join("part-2"))
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    let read = |d: &std::path::Path| std::fs::read(d.join("replications.csv")).unwrap();
    assert_eq!(read(&merged), read(&tmp.path().join("whole")));
    // A shard that did run is still asked for.
    let o = repatsim()
        .arg("merge")
        .arg(tmp.path().join("part-3"))
        .arg("--out")
        .arg(tmp.path().join("m2"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing: --shard 2/3"));
}

/// `--set` and `plan --vary` on a value a `[[change]]` sets again later warn that only
/// the value before the change moves, and `change.N.FIELD` varies the value after it:
/// a tester's plan over 100..300 beds found nothing while a change set them to 100.
#[test]
fn a_value_a_change_sets_again_is_warned_of_and_the_change_can_be_varied() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("changed.toml");
    let text = r#"
[scenario]
name = "changed"
start = 2024-01-01T00:00:00
horizon_days = 20

[[site]]
name = "origin"
kind = "origin"
area = "town"

[[site]]
name = "ward"
kind = "quarantine"
area = "town"
beds = 10
stay_hours = 24

[[site]]
name = "home"
kind = "home"
area = "town"

[[cohort]]
name = "people"
origin = "origin"
size = 40
route = ["ward", "home"]

[[change]]
at = 2024-01-01T00:00:00
site = "ward"
beds = 5
"#;
    std::fs::write(&file, text).unwrap();
    let o = repatsim()
        .args(["run", "-n", "2", "-q", "--no-what-if", "--set", "site.ward.beds=40"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`site.ward.beds` holds only until 2024-01-01T00:00:00, when [[change]] number 0 sets it to 5"),
        "{err}"
    );
    // Five beds from the start, a day each: 40 people take 8 days whatever the file's
    // beds say; the change's own value is what a plan must vary.
    let o = repatsim()
        .args([
            "plan",
            "--vary",
            "change.0.beds=1..40",
            "--target",
            "makespan_days@p90<=2",
            "-n",
            "2",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("smallest value meeting the target: change.0.beds = 20"),
        "{out}"
    );
    let o = repatsim()
        .args([
            "plan",
            "--vary",
            "site.ward.beds=1..40",
            "--target",
            "makespan_days@p90<=2",
            "-n",
            "2",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds only until"));
    // An uncertain input on it is drawn for the time before the change only: said.
    let uncertain = std::fs::read_to_string(&file).unwrap()
        + "\n[[uncertain]]\npath = \"site.ward.beds\"\ndist = { dist = \"uniform\", min = 5, max = 15 }\n";
    let w = repatsim::scenario::parse(&uncertain, "u.toml").unwrap().warnings;
    assert!(
        w.iter()
            .any(|d| d.field == "uncertain[0].path" && d.message.ends_with("the draws hold only until then")),
        "{w:?}"
    );
}

/// Plans that cannot see everyone home within their horizon are told so before the
/// run, as warnings (a plan or a sweep over the horizon passes through such values on
/// its way to the answer, and must not stop there): released too late for anyone to
/// make it, too late for the last to, and a target beyond the horizon.
#[test]
fn a_horizon_too_short_for_the_last_release_or_the_target_is_warned_of() {
    let text = |at: &str, horizon: &str, target: &str| {
        format!(
            "[scenario]\nname = \"late\"\nstart = 2024-01-01T00:00:00\nhorizon_days = {horizon}\n{target}\n\
             [[site]]\nname = \"camp\"\nkind = \"origin\"\narea = \"x\"\n\
             [[site]]\nname = \"ward\"\nkind = \"quarantine\"\narea = \"x\"\nbeds = 100\nstay_hours = 48\n\
             [[site]]\nname = \"home\"\nkind = \"home\"\narea = \"x\"\n\
             [[cohort]]\nname = \"people\"\norigin = \"camp\"\nsize = 10\n\
             arrival = {{ process = \"batches\", batches = [{at}] }}\nroute = [\"ward\", \"home\"]\n"
        )
    };
    let warnings = |t: &str| -> Vec<String> {
        repatsim::scenario::parse(t, "late.toml")
            .unwrap_or_else(|e| panic!("{e}"))
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.field, w.message))
            .collect()
    };
    // Everyone at day 9 of 10: a 48-hour stay cannot end in time.
    let w = warnings(&text("{ at_hours = 216, people = 10 }", "10", ""));
    assert!(
        w.iter().any(|w| w.starts_with(
            "cohort.people.route: the first of `people` are released after 9 days, and the shortest possible journey on this route takes 2 days (a stay at `ward` at least 48 h): nobody of them can be home within the horizon of 10 days"
        )),
        "{w:?}"
    );
    // Half at hour 0, half at day 9 of 10.
    let w = warnings(&text(
        "{ at_hours = 0, people = 5 }, { at_hours = 216, people = 5 }",
        "10",
        "",
    ));
    assert!(
        w.iter()
            .any(|w| w.starts_with("cohort.people.route: the last of `people` are released after 9 days")),
        "{w:?}"
    );
    let w = warnings(&text("{ at_hours = 0, people = 10 }", "10", "target_days = 12"));
    assert!(
        w.iter()
            .any(|w| w.starts_with("scenario.target_days: the target (12 days) lies beyond the horizon (10 days)")),
        "{w:?}"
    );
    assert!(warnings(&text("{ at_hours = 0, people = 10 }", "10", "target_days = 9")).is_empty());
}

/// A branch only some take, longer than the horizon, is a warning (those cannot get
/// home; the others can), not a refusal of the plan: a tester's 10% screening branch
/// of 100 hours in a 5-day horizon was refused though the plan ran with 90% home.
#[test]
fn a_branch_too_long_for_the_horizon_is_warned_of_not_refused() {
    let text = r#"
[scenario]
name = "branch"
start = 2024-03-04T00:00:00
horizon_days = 5

[[site]]
name = "camp"
kind = "origin"
area = "x"

[[site]]
name = "q"
kind = "quarantine"
area = "x"
stay_hours = 48

[[site]]
name = "home"
kind = "home"
area = "x"

[[checkpoint]]
name = "screen"
site = "q"
servers = 5
service_minutes = 6000

[[cohort]]
name = "w"
origin = "camp"
size = 10
route = ["q", { share = 0.1, via = ["screen"] }, "home"]
"#;
    let loaded = repatsim::scenario::parse(text, "branch.toml").unwrap_or_else(|e| panic!("{e}"));
    let w: Vec<&str> = loaded.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        w.iter()
            .any(|m| m.contains("longer than the horizon of 5 days: the 10% who take this branch cannot get home")),
        "{w:?}"
    );
    // With the branch for everyone, nobody could: refused.
    let all = text.replace("{ share = 0.1, via = [\"screen\"] }", "\"screen\"");
    let e = repatsim::scenario::parse(&all, "all.toml").unwrap_err().to_string();
    assert!(e.contains("nobody could get home"), "{e}");
}

/// Waves that notify fewer than their cohort holds leave the rest where they are: the
/// return "ends" without them. validate warns, and "everyone" reads "everyone notified"
/// in the labels, the headline and the findings (a tester's plan read "Everyone home
/// within the 60-day horizon in 20 of 20 replications" with 400 of 1,000 never told to
/// leave, and blamed the next leg for them).
#[test]
fn people_no_wave_notifies_are_not_called_home_or_blamed_on_the_next_leg() {
    let text = |notify: u32| {
        format!(
            "[scenario]\nname = \"waves\"\nstart = 2024-01-01T00:00:00\nhorizon_days = 10\nseed = 3\n\
             [[site]]\nname = \"camp\"\nkind = \"origin\"\n\
             [[site]]\nname = \"home\"\nkind = \"home\"\n\
             [[pool]]\nname = \"drivers\"\nsize = 2\n\
             [[leg]]\nname = \"bus\"\nfrom = \"camp\"\nto = \"home\"\nmode = \"bus\"\nvehicles = 2\nseats = 50\ntravel_hours = 2\n\
             needs = [{{ pool = \"drivers\", units = 1 }}]\n\
             [[cohort]]\nname = \"people\"\norigin = \"camp\"\nsize = 100\nroute = [\"bus\", \"home\"]\n\
             [[wave]]\ncohort = \"people\"\nat_day = 0\nnotify = {notify}\nlead_hours = 12\nevery_days = 1\ncount = 2\n"
        )
    };
    let loaded = repatsim::scenario::parse(&text(30), "waves.toml").unwrap_or_else(|e| panic!("{e}"));
    let w: Vec<String> = loaded
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.field, w.message))
        .collect();
    assert!(
        w.iter().any(|w| w.starts_with(
            "cohort.people.size: the waves notify 60 of cohort `people`'s 100 people (within the horizon); the other 40 are never notified"
        )),
        "{w:?}"
    );
    let sc = &loaded.scenario;
    assert_eq!(repatsim::metrics::catalogue::never_notified(sc), 40);
    let label = |stat| repatsim::metrics::MetricInfo::of(sc, repatsim::metrics::MetricKey::overall(stat)).label;
    assert_eq!(
        label(repatsim::metrics::Stat::AllHome),
        "Everyone notified home within the horizon"
    );
    assert_eq!(
        label(repatsim::metrics::Stat::MakespanDays),
        "Days until everyone notified is home"
    );

    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("waves.toml");
    std::fs::write(&file, text(30)).unwrap();
    let o = repatsim()
        .arg("run")
        .arg(&file)
        .args(["-n", "4", "-q", "--no-what-if"])
        .output()
        .unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains(
            "Everyone notified home within the 10-day horizon in 4 of 4 replications; 40 people never notified"
        ),
        "{out}"
    );
    assert!(out.contains("- Everyone notified is home by "), "{out}");
    let left = out
        .lines()
        .find(|l| l.contains("not yet released or notified"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        left.ends_with("to go on to leg `bus` (in all 4 replications)"),
        "{left}"
    );
    assert!(!out.contains("Everyone home"), "{out}");

    // Waves for everyone: the words are as before, and nothing is warned of.
    let all = repatsim::scenario::parse(&text(50), "waves.toml").unwrap_or_else(|e| panic!("{e}"));
    assert!(all.warnings.is_empty(), "{:?}", all.warnings);
    let label =
        |stat| repatsim::metrics::MetricInfo::of(&all.scenario, repatsim::metrics::MetricKey::overall(stat)).label;
    assert_eq!(
        label(repatsim::metrics::Stat::AllHome),
        "Everyone home within the horizon"
    );
    assert_eq!(
        label(repatsim::metrics::Stat::MakespanDays),
        "Days until everyone is home"
    );
}

#[test]
fn a_time_grid_finer_than_the_finest_is_refused_not_changed() {
    // Below 1e-6 h the grid used to be quietly widened to 1e-6 h; a scenario with a short
    // horizon then ran on a grid other than the one asked for.
    for bad in ["0.0000005", "0", "-1", "inf"] {
        let o = repatsim()
            .arg("run")
            .arg(repo("scenarios/first-wave-2023.toml"))
            .args(["-n", "2", "-q", "--no-what-if", &format!("--grid-hours={bad}")])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!(
                "--grid-hours {}: must be a number of hours >= 0.000001",
                bad.parse::<f64>().unwrap()
            )),
            "{bad}: {err}"
        );
    }
}

#[test]
fn a_time_grid_that_would_write_gigabytes_is_refused_before_the_run() {
    // 30 days at 0.0005 h: 1.44 M points for each series of the first wave.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "2", "-q", "--no-what-if", "--grid-hours", "0.0005", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--grid-hours 0.0005: 1,440,001 grid points x") && err.contains("or --yes to write them anyway"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    // The grid it suggests is accepted.
    let hours = err
        .split("use --grid-hours ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "2", "-q", "--no-what-if", "--grid-hours", hours, "--out"])
        .arg(&out)
        .assert()
        .success();
    // Without --out the series are built all the same: refused as well, not run for
    // seconds into nothing.
    let o = repatsim()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "2", "-q", "--no-what-if", "--grid-hours", "0.0005"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--grid-hours 0.0005: 1,440,001 grid points x"));
}

/// A closed standard error (`2>&1 | true`) loses the messages, not the exit code:
/// a refused file still exits 2, a run still exits 0 with its files written (both
/// panicked with 101 while printing).
#[test]
fn a_closed_stderr_keeps_the_exit_code() {
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };
    let bin = || std::process::Command::new(assert_cmd::cargo::cargo_bin("repatsim"));
    let bad = bin()
        .arg("validate")
        .arg(repo("tests/bad_scenarios/79-retry-without-time-away.toml"))
        .stdout(closed())
        .stderr(closed())
        .status()
        .unwrap();
    assert_eq!(bad.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let ok = bin()
        .arg("run")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["-n", "4", "--no-what-if", "--out"])
        .arg(&out)
        .stdout(closed())
        .stderr(closed())
        .status()
        .unwrap();
    assert_eq!(ok.code(), Some(0));
    assert!(out.join("summary.json").is_file() && out.join("report.html").is_file());
}
