//! `repatsim sensitivity` on the first wave: the quarantine stays drive the makespan, the
//! hotel's bed count (never binding) has no effect, and only the booths move the wait at
//! customs. (The estimators themselves are checked on the Ishigami function, whose
//! indices are known, in src/stats/sensitivity.rs.)

mod common;
use assert_cmd::Command;
use common::repo;

fn run(extra: &[&str]) -> serde_json::Value {
    let o = Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sensitivity")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args([
            "--vary",
            "site.sinuiju-quarantine.stay_hours=120..216",
            "--vary",
            "site.dandong-hotel.beds=550..700",
            "--vary",
            "checkpoint.dandong-customs.servers=2..10",
            "--metric",
            "makespan_days",
            "--metric",
            "checkpoint.dandong-customs.mean_wait_hours",
            "-n",
            "8",
            "--json",
            "-q",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn effects<'a>(v: &'a serde_json::Value, metric: &str) -> &'a Vec<serde_json::Value> {
    v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == metric)
        .unwrap()["parameters"]
        .as_array()
        .unwrap()
}

#[test]
fn sobol_names_the_quarantine_stay_and_clears_the_hotel_beds() {
    let v = run(&["--samples", "64"]);
    assert_eq!(v["points"], 64 * 5);
    let makespan = effects(&v, "makespan_days@mean");
    // Ranked by total effect: the stay first, clearly above zero; the hotel beds at zero.
    assert_eq!(makespan[0]["path"], "site.sinuiju-quarantine.stay_hours");
    assert!(makespan[0]["total_ci95"][0].as_f64().unwrap() > 0.3, "{makespan:?}");
    assert_eq!(makespan[0]["within_noise"], false);
    let beds = makespan
        .iter()
        .find(|p| p["path"] == "site.dandong-hotel.beds")
        .unwrap();
    assert_eq!(beds["within_noise"], true, "{beds}");
    assert!(beds["total"].as_f64().unwrap().abs() < 1e-9);
    // The wait at customs depends on the booths alone.
    let wait = effects(&v, "checkpoint.dandong-customs.mean_wait_hours@mean");
    assert_eq!(wait[0]["path"], "checkpoint.dandong-customs.servers");
    assert!(wait.iter().skip(1).all(|p| p["within_noise"] == true), "{wait:?}");
    // The same seed gives the same design and numbers; --out writes them and a chart
    // per statistic.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_arg = out.display().to_string();
    assert_eq!(run(&["--samples", "64", "--out", &out_arg]), v);
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    assert_eq!(stored, v);
    for stem in [
        "sensitivity-makespan-days-mean",
        "sensitivity-checkpoint-dandong-customs-mean-wait-hours-mean",
    ] {
        assert!(
            out.join(format!("{stem}.png")).is_file() && out.join(format!("{stem}.svg")).is_file(),
            "{stem}"
        );
    }
}

#[test]
fn morris_screening_agrees() {
    let v = run(&["--method", "morris", "--samples", "20"]);
    assert_eq!(v["points"], 20 * 4);
    let makespan = effects(&v, "makespan_days@mean");
    assert_eq!(makespan[0]["path"], "site.sinuiju-quarantine.stay_hours");
    assert!(
        makespan[0]["mu_star"].as_f64().unwrap() > 1.0,
        "days over the range: {makespan:?}"
    );
    let beds = makespan
        .iter()
        .find(|p| p["path"] == "site.dandong-hotel.beds")
        .unwrap();
    assert_eq!(beds["mu_star"].as_f64().unwrap(), 0.0);
    assert_eq!(beds["within_noise"], true);
}

const INPUTS: &str = r#"
[[uncertain]]
path = "site.sinuiju-quarantine.stay_hours"
dist = { dist = "triangular", min = 120, mode = 168, max = 336 }

[[uncertain]]
path = "checkpoint.dandong-customs.servers"
dist = { dist = "uniform", min = 2, max = 10 }
"#;

fn uncertain_file(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/first-wave-2023.toml")).unwrap();
    let file = dir.join("uncertain.toml");
    std::fs::write(&file, format!("{text}\n{INPUTS}")).unwrap();
    file
}

fn sensitivity_cmd(file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sensitivity")
        .arg(file)
        .args(["--samples", "8", "-n", "6", "--metric", "makespan_days", "-q"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn the_design_takes_its_parameters_from_uncertain_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let file = uncertain_file(dir.path());
    let o = sensitivity_cmd(&file, &["--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let params = effects(&v, "makespan_days@mean");
    let dists: Vec<&str> = params.iter().map(|p| p["dist"].as_str().unwrap()).collect();
    assert!(
        dists.contains(&"triangular(120, 168, 336)") && dists.contains(&"uniform(2, 10)"),
        "{dists:?}"
    );
    assert_eq!(v["points"], 8 * 4);
    // A bare --vary PATH takes the declared distribution; the other input keeps being drawn.
    let o = sensitivity_cmd(&file, &["--json", "--vary", "site.sinuiju-quarantine.stay_hours"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        effects(&v, "makespan_days@mean")[0]["dist"],
        "triangular(120, 168, 336)"
    );
    // A bare path nobody declared is refused with the reason.
    let o = sensitivity_cmd(&file, &["--vary", "site.dandong-hotel.beds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("declares no [[uncertain]] input"));
    // And a file without declarations needs --vary.
    let o = sensitivity_cmd(&repo("scenarios/first-wave-2023.toml"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--vary"));
}

#[test]
fn a_design_run_in_parts_gives_the_same_answer_as_in_one_go() {
    let dir = tempfile::tempdir().unwrap();
    let file = uncertain_file(dir.path());
    let d = dir.path();
    let whole = d.join("whole");
    let o = sensitivity_cmd(&file, &["--out", whole.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // 32 points in three uneven parts, put together out of order.
    for (name, range) in [("a", "0..5"), ("b", "5..20"), ("c", "20..32")] {
        let o = sensitivity_cmd(&file, &["--points", range, "--out", d.join(name).to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let joined = d.join("joined");
    let from = |n: &str| d.join(n).to_str().unwrap().to_string();
    let (a, b, c) = (from("a"), from("b"), from("c"));
    let o = sensitivity_cmd(
        &file,
        &[
            "--from",
            &c,
            "--from",
            &a,
            "--from",
            &b,
            "--out",
            joined.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(whole.join("sensitivity.json")).unwrap(),
        std::fs::read(joined.join("sensitivity.json")).unwrap()
    );
    assert!(
        std::fs::read_to_string(joined.join("report.html"))
            .unwrap()
            .contains("makespan_days@mean")
    );
    // A missing part, or a part of another design, is refused with what is wrong.
    let o = sensitivity_cmd(&file, &["--from", &a, "--from", &c]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("do not join up: the parts before hold points 0 to 4 (--points 0..5, the end left out), so the next should start at point 5, not 20 (points are missing)"),
        "{err}"
    );
    let o = sensitivity_cmd(&file, &["--from", &a, "--from", &b, "--from", &c, "--seed", "9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another design"));
}

#[test]
fn a_makespan_unknown_at_some_points_gets_no_indices_and_says_why() {
    // With as few as 5 quarantine beds the return cannot finish within the 60-day
    // horizon: the mean makespan is unknown there (never averaged over the replications
    // that happened to finish), while the share of replications finishing is defined.
    let o = Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sensitivity")
        .arg(repo("scenarios/templates/minimal.toml"))
        .args([
            "--vary",
            "site.quarantine.beds=5..300",
            "--vary",
            "checkpoint.customs.servers=2..4",
        ])
        .args([
            "--metric",
            "makespan_days",
            "--metric",
            "all_home",
            "--samples",
            "8",
            "-n",
            "4",
            "-q",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["metrics"][0];
    assert_eq!(m["metric"], "makespan_days@mean");
    assert!(m["undefined_points"].as_u64().unwrap() > 0, "{m}");
    assert!(m["parameters"].as_array().unwrap().is_empty());
    let all_home = effects(&v, "all_home@mean");
    assert_eq!(all_home[0]["path"], "site.quarantine.beds", "{all_home:?}");
    let o = Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sensitivity")
        .arg(repo("scenarios/templates/minimal.toml"))
        .args([
            "--vary",
            "site.quarantine.beds=5..300",
            "--vary",
            "checkpoint.customs.servers=2..4",
        ])
        .args(["--metric", "makespan_days", "--samples", "8", "-n", "4", "-q"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("never got everyone home within the horizon"), "{text}");
}

#[test]
fn a_range_that_makes_an_invalid_plan_is_refused_before_the_run() {
    let o = Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sensitivity")
        .arg(repo("scenarios/templates/minimal.toml"))
        .args(["--vary", "site.quarantine.beds=0..300", "-q"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("at its lowest value 0 the scenario is not valid") && e.contains("beds must be at least 1"),
        "{e}"
    );
}

/// A cost the file leaves at zero, once varied, adds cost columns to the points where it
/// is above zero: each point's metrics are found by name in its own results, so the
/// wait at customs still follows the booths (it read another column before, and came
/// out "the same at every point").
#[test]
fn varying_a_cost_does_not_shift_the_metrics_read() {
    let o = Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sensitivity")
        .arg(repo("scenarios/first-wave-2023.toml"))
        .args(["--vary", "checkpoint.dandong-customs.servers=2..10"])
        .args(["--vary", "checkpoint.dandong-customs.cost_per_open_hour=0..10"])
        .args(["--metric", "checkpoint.dandong-customs.mean_wait_hours"])
        .args(["--metric", "checkpoint.dandong-customs.utilization"])
        .args(["--samples", "16", "-n", "3", "--json", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for metric in [
        "checkpoint.dandong-customs.mean_wait_hours@mean",
        "checkpoint.dandong-customs.utilization@mean",
    ] {
        let e = effects(&v, metric);
        assert_eq!(e[0]["path"], "checkpoint.dandong-customs.servers", "{metric}: {e:?}");
        assert!(e[0]["total"].as_f64().unwrap() > 0.5, "{metric}: {e:?}");
        assert_eq!(e[1]["total"].as_f64().unwrap(), 0.0, "{metric}: {e:?}");
    }
    let utilization = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "checkpoint.dandong-customs.utilization@mean")
        .unwrap();
    assert!(
        utilization["variance"].as_f64().unwrap() < 0.25,
        "a share's variance: {utilization}"
    );
}

/// A Sobol index estimated above 1 (a share of the variance cannot be) is said to be a
/// small design's sampling error, in the console and on the chart, not left to read as
/// "more than all of it" (a tester's 32-sample design gave 1.35).
#[test]
fn an_index_above_one_is_called_sampling_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sob");
    let o = Command::cargo_bin("repatsim")
        .unwrap()
        .arg("sensitivity")
        .arg(common::repo("scenarios/first-wave-2023.toml"))
        .args(["--vary", "leg.hotel-customs-shuttle.vehicles=3..7"])
        .args(["--vary", "checkpoint.dandong-customs.servers=2..8"])
        .args(["--vary", "cohort.yanbian-workers.evasion_per_hour=0.0005..0.003"])
        .args(["--metric", "evaded@mean", "--samples", "32", "-n", "10", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let console = String::from_utf8_lossy(&o.stdout);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    let above = json.to_string().contains("first_order\":1.") || json.to_string().contains("total\":1.");
    assert!(above, "this design no longer gives an index above 1: pick another");
    assert!(console.contains("a share cannot pass 1"), "{console}");
    assert!(console.contains("0.0005..0.003"), "the range as written: {console}");
    let svg = std::fs::read_to_string(out.join("sensitivity-evaded-mean.svg")).unwrap();
    assert!(svg.contains("A share cannot pass 1"), "no word in the alt text");
}
