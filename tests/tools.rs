//! Scenario tooling: `init` writes templates that validate and run, `metrics` lists the
//! catalogue's ids (the ones `check` and `plan` accept), `paths` lists what `--set`
//! accepts with the values in the file, `completions` prints a script for each shell.

mod common;
use assert_cmd::Command;
use common::repo;

fn repatsim() -> Command {
    Command::cargo_bin("repatsim").unwrap()
}

#[test]
fn every_template_is_written_and_validates() {
    let tmp = tempfile::tempdir().unwrap();
    for t in ["minimal", "first-wave", "full-return"] {
        let dir = tmp.path().join(t);
        repatsim().args(["init", "--template", t]).arg(&dir).assert().success();
        let file = dir.join("scenario.toml");
        repatsim().arg("validate").arg(&file).assert().success();
        // A second init does not overwrite the planner's work without --force.
        let o = repatsim().args(["init", "--template", t]).arg(&dir).output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    }
    // The minimal template runs and meets its own target.
    let file = tmp.path().join("minimal/scenario.toml");
    repatsim()
        .arg("check")
        .arg(&file)
        .args(["-n", "100", "-q"])
        .assert()
        .code(0);
    let o = repatsim()
        .args(["init", "--template", "huge"])
        .arg(tmp.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("minimal, first-wave, full-return"));
}

#[test]
fn metrics_lists_the_ids_check_accepts_and_the_csv_matches_the_dictionary() {
    let file = repo("scenarios/first-wave-2023.toml");
    let o = repatsim().arg("metrics").arg(&file).output().unwrap();
    assert!(o.status.success());
    let table = String::from_utf8_lossy(&o.stdout);
    let ids: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| !w.chars().next().unwrap().is_ascii_digit())
        .collect();
    assert!(ids.contains(&"makespan_days") && ids.contains(&"site.sinuiju-quarantine.peak_occupancy"));
    // Every listed id is one `check` accepts.
    let net = repatsim::model::Network::new(std::sync::Arc::new(common::load("scenarios/first-wave-2023.toml")));
    let cat = repatsim::model::catalogue(&net);
    assert_eq!(ids.len(), cat.len());
    assert!(ids.iter().all(|id| cat.index_of_id(id).is_some()));
    // --csv is dictionary.csv's metric rows.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    repatsim()
        .arg("run")
        .arg(&file)
        .args(["-n", "2", "-q", "--no-what-if", "--out"])
        .arg(&out)
        .assert()
        .success();
    let dictionary = std::fs::read_to_string(out.join("dictionary.csv")).unwrap();
    let csv = String::from_utf8(
        repatsim()
            .arg("metrics")
            .arg(&file)
            .arg("--csv")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        dictionary.starts_with(&csv),
        "metrics --csv is not the head of dictionary.csv"
    );
}

#[test]
fn paths_lists_values_that_set_accepts() {
    let file = repo("scenarios/first-wave-2023.toml");
    let o = repatsim().arg("paths").arg(&file).output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    let line = |p: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(p))
            .unwrap_or_else(|| panic!("{p} not listed"))
            .to_string()
    };
    assert!(line("scenario.seed").contains("20230828"));
    assert!(line("checkpoint.dandong-customs.open_hours").contains("\"09:00-17:00\""));
    assert!(line("site.dandong-hotel.stay_hours").contains("not set"));
    // An origin has neither beds nor a stay, nor bed nights to pay for: --set refuses
    // them there, so not listed.
    for refused in [
        "site.yanbian-worksites.beds",
        "site.home.stay_hours",
        "site.yanbian-worksites.cost_per_bed_night",
    ] {
        assert!(
            !text.lines().any(|l| l.split_whitespace().next() == Some(refused)),
            "{refused}"
        );
        repatsim()
            .args(["validate", "--set", &format!("{refused}=5")])
            .arg(&file)
            .assert()
            .code(2);
    }
    // Every listed path is accepted by --set (numbers with a number, texts with a text).
    for l in text
        .lines()
        .filter(|l| l.contains('.') && !l.contains("paths:") && !l.contains("not set"))
    {
        let path = l.split_whitespace().next().unwrap();
        let value = if path.ends_with("open_hours") {
            "\"08:00-18:00\"".to_string()
        } else if path.ends_with("open_days") {
            "\"daily\"".to_string()
        } else if path.ends_with("timetable") {
            "[\"daily 09:00\"]".to_string()
        } else if path.ends_with("closed_dates") {
            "[]".to_string()
        } else {
            continue;
        };
        repatsim()
            .args(["validate", "--set", &format!("{path}={value}")])
            .arg(&file)
            .assert()
            .success();
    }
    let o = repatsim()
        .arg("paths")
        .arg(repo("tests/bad_scenarios/70-target-with-a-backwards-comparison.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "a broken file's paths would mislead");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = repatsim().args(["completions", shell]).output().unwrap();
        assert!(o.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&o.stdout);
        assert!(script.contains("repatsim") && script.contains("check"), "{shell}");
    }
}

/// `repatsim fit`: gamma data come back as the best fit with their parameters, the line
/// to paste is a valid scenario value, and bad data are refused with where.
#[test]
fn fit_ranks_the_families_and_prints_a_value_a_scenario_accepts() {
    use rand::SeedableRng;
    use rand_distr::Distribution;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("booth.csv");
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
    let gamma = rand_distr::Gamma::new(4.0, 1.5).unwrap();
    let mut text = String::from("passenger,minutes\n");
    for i in 0..2000 {
        text.push_str(&format!("{i},{:.3}\n", gamma.sample(&mut rng)));
    }
    std::fs::write(&data, text).unwrap();
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("repatsim")
            .unwrap()
            .arg("fit")
            .arg(&data)
            .args(args)
            .output()
            .unwrap()
    };
    // Two numeric columns: the command asks which.
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("choose one with --column"));
    let o = run(&["--column", "minutes", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let best = v["fits"][0]["spec"].as_str().unwrap().to_string();
    assert!(best.starts_with("{ dist = \"gamma\""), "{best}");
    let number = |key: &str| -> f64 {
        let rest = best.split(&format!("{key} = ")).nth(1).unwrap();
        rest.split([',', ' ']).next().unwrap().parse().unwrap()
    };
    assert!(
        (number("shape") - 4.0).abs() < 0.3 && (number("scale") - 1.5).abs() < 0.12,
        "{best}"
    );
    // The pasted value is a valid service time.
    let template = std::fs::read_to_string(repo("scenarios/templates/minimal.toml")).unwrap();
    let with = template.replace(
        "service_minutes = { dist = \"lognormal\", mean = 6, sd = 3 }",
        &format!("service_minutes = {best}"),
    );
    assert_ne!(with, template);
    repatsim::scenario::parse(&with, "pasted.toml").expect("the fitted value validates");
    // The console names the line to paste; --out writes the chart and fit.json.
    let out = dir.path().join("fit");
    let o = run(&["--column", "2", "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(&best));
    for f in ["fit.json", "fit.png", "fit.svg"] {
        assert!(out.join(f).exists(), "{f}");
    }
    // Bad data: a word, a negative duration, too few values, constant, overflowing.
    for (body, expect) in [
        (
            "minutes\n3\n4\nabc\n5\n6\n7\n",
            "line 4, column `minutes`: `abc` is not a number",
        ),
        (
            "minutes\n3\n4\n-2\n5\n6\n7\n",
            "line 4, column `minutes`: -2 is not a duration",
        ),
        ("3\n4\n", "at least 5 are needed"),
        ("5\n5\n5\n5\n5\n5\n", "that is a fixed duration"),
        // Finite values whose sum overflows: no mean, no fit (it printed "mean inf").
        ("1e308\n1.5e308\n1e308\n1.2e308\n1e308\n", "too large to average"),
    ] {
        std::fs::write(&data, body).unwrap();
        let o = run(&[]);
        assert_eq!(o.status.code(), Some(2), "{body}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(expect),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
