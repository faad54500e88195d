//! `[[uncertain]]` inputs: each replication draws its own values and runs exactly the
//! scenario with those values set; draws are reproducible, follow their distributions,
//! are shared by scenarios declaring the same input, and appear in replications.csv.

mod common;

use common::{parse, run};
use repatsim::experiment::run_one;
use repatsim::model::{Network, catalogue};
use repatsim::scenario::params::{self, Override};
use std::sync::Arc;

const FIRST_WAVE: &str = include_str!("../scenarios/first-wave-2023.toml");

const INPUTS: &str = r#"
[[uncertain]]
path = "site.sinuiju-quarantine.stay_hours"
dist = { dist = "triangular", min = 120, mode = 168, max = 336 }

[[uncertain]]
path = "leg.yanji-dandong-coach.vehicles"
dist = { dist = "uniform", min = 8, max = 14 }
"#;

fn uncertain_first_wave() -> String {
    format!("{FIRST_WAVE}\n{INPUTS}")
}

#[test]
fn a_replication_runs_exactly_the_scenario_with_its_draws_set() {
    let sc = parse(&uncertain_first_wave());
    let net = Arc::new(Network::new(Arc::new(sc.clone())));
    let cat = catalogue(&net);
    let inputs: Vec<usize> = (0..cat.len())
        .filter(|&i| cat.get(i).id.starts_with("input."))
        .collect();
    assert_eq!(inputs.len(), 2);
    for rep in [0u64, 1, 7, 123] {
        let draws = sc.draws(rep);
        let overrides: Vec<Override> = sc
            .uncertain
            .iter()
            .zip(&draws)
            .map(|(u, &v)| Override::number(&u.path, v))
            .collect();
        let fixed = parse(&params::apply(FIRST_WAVE, &overrides).unwrap());
        let fixed_net = Arc::new(Network::new(Arc::new(fixed)));
        let drawn = run_one(&net, rep).metric_values(&net);
        let plain = run_one(&fixed_net, rep).metric_values(&fixed_net);
        // The drawn scenario has the plain one's metrics, then one column per input.
        assert_eq!(drawn.len(), plain.len() + 2);
        for (i, (a, b)) in drawn.iter().zip(&plain).enumerate() {
            assert!(
                a.to_bits() == b.to_bits(),
                "replication {rep}, {}: {a} with drawn inputs, {b} with them set",
                cat.get(i).id
            );
        }
        assert_eq!(&drawn[plain.len()..], &draws[..], "the input columns are the draws");
    }
}

#[test]
fn draws_follow_their_distributions() {
    let sc = parse(&uncertain_first_wave());
    let n = 4000u64;
    let draws: Vec<Vec<f64>> = (0..n).map(|r| sc.draws(r)).collect();
    // Triangular(120, 168, 336): mean 208, variance (a²+b²+c²-ab-ac-bc)/18.
    let stays: Vec<f64> = draws.iter().map(|d| d[0]).collect();
    let mean = stays.iter().sum::<f64>() / n as f64;
    let (a, b, c) = (120.0f64, 168.0f64, 336.0f64);
    let var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    let se = (var / n as f64).sqrt();
    assert!(
        (mean - 208.0).abs() < 4.0 * se,
        "mean stay {mean}, expected 208 +- {}",
        4.0 * se
    );
    assert!(stays.iter().all(|&s| (120.0..=336.0).contains(&s)));
    // A whole-number uniform 8..14: each of the 7 values with probability 1/7.
    let mut counts = [0u64; 7];
    for d in &draws {
        assert_eq!(d[1].fract(), 0.0);
        counts[(d[1] - 8.0) as usize] += 1;
    }
    let expected = n as f64 / 7.0;
    let chi2: f64 = counts.iter().map(|&k| (k as f64 - expected).powi(2) / expected).sum();
    // 6 degrees of freedom: P(chi2 > 22.46) = 0.001.
    assert!(chi2 < 22.46, "counts {counts:?}, chi-square {chi2}");
}

#[test]
fn draws_do_not_depend_on_threads_and_are_shared_by_scenarios_declaring_them() {
    let text = uncertain_first_wave();
    let sc = parse(&text);
    let one = run(&sc, 40, 1);
    let two = run(&sc, 40, 2);
    for i in 0..one.catalogue.len() {
        let (a, b) = (one.column(i), two.column(i));
        assert!(
            a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()),
            "{} differs between 1 and 2 threads",
            one.catalogue.get(i).id
        );
    }
    // Another plan (more hotel beds) declaring the same inputs draws the same values:
    // common random numbers for compare.
    let other = parse(&params::apply(&text, &[Override::number("site.dandong-hotel.beds", 900.0)]).unwrap());
    let b = run(&other, 40, 2);
    for id in [
        "input.site.sinuiju-quarantine.stay_hours",
        "input.leg.yanji-dandong-coach.vehicles",
    ] {
        let (i, j) = (
            one.catalogue.index_of_id(id).unwrap(),
            b.catalogue.index_of_id(id).unwrap(),
        );
        assert_eq!(one.column(i), b.column(j), "{id}");
    }
    // And the draws vary the outcome: the makespan follows the quarantine stay.
    let stay = one.column(
        one.catalogue
            .index_of_id("input.site.sinuiju-quarantine.stay_hours")
            .unwrap(),
    );
    let makespan = one.column(one.catalogue.index_of_id("makespan_days").unwrap());
    let longest = stay.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
    let shortest = stay.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
    assert!(
        makespan[longest] > makespan[shortest] + (stay[longest] - stay[shortest]) / 24.0 * 0.5,
        "a stay {} h longer should lengthen the return: {} vs {} days",
        stay[longest] - stay[shortest],
        makespan[longest],
        makespan[shortest]
    );
}

#[test]
fn drawn_values_are_columns_of_replications_csv_with_their_dictionary_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("u.toml");
    std::fs::write(&file, uncertain_first_wave()).unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_repatsim"))
        .args([
            "run",
            file.to_str().unwrap(),
            "-n",
            "12",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let mut csv = csv::Reader::from_path(out.join("replications.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let col = headers
        .iter()
        .position(|h| h == "input.site.sinuiju-quarantine.stay_hours")
        .expect("a column for the drawn stay");
    let sc = parse(&uncertain_first_wave());
    for (r, row) in csv.records().enumerate() {
        let v: f64 = row.unwrap()[col].parse().unwrap();
        assert!(
            (v - sc.draws(r as u64)[0]).abs() < 1e-9 * v.abs().max(1.0),
            "replication {r}"
        );
    }
    let dict = std::fs::read_to_string(out.join("dictionary.csv")).unwrap();
    let line = dict
        .lines()
        .find(|l| l.starts_with("input.site.sinuiju-quarantine.stay_hours,"))
        .expect("a dictionary row");
    assert!(
        line.contains("triangular(120, 168, 336)") && line.contains("input"),
        "{line}"
    );
}

#[test]
fn the_findings_name_the_input_the_return_follows_and_not_one_without_effect() {
    let sc = parse(&uncertain_first_wave());
    let batch = run(&sc, 120, 2);
    let f = repatsim::report::inputs::finding(&batch).expect("a finding on the inputs");
    assert!(f.contains("`site.sinuiju-quarantine.stay_hours` most closely"), "{f}");
    let effects = repatsim::report::inputs::input_effects(&batch);
    let stay = &effects[0].correlations[0];
    assert_eq!(stay.0, "makespan_days");
    let c = stay.1.unwrap();
    assert!(c.rho > 0.9 && f.contains(&format!("{:+.2}", c.rho)), "{f}");
    // The hotel never fills (600 beds for 700 people passing through in turns): its bed
    // count changes nothing, so every replication is the same whatever it draws.
    let hotel = format!(
        "{FIRST_WAVE}\n[[uncertain]]\npath = \"site.dandong-hotel.beds\"\ndist = {{ dist = \"uniform\", min = 600, max = 900 }}\n"
    );
    let batch = run(&parse(&hotel), 120, 2);
    let plain = run(&parse(FIRST_WAVE), 120, 2);
    let i = plain.catalogue.index_of_id("makespan_days").unwrap();
    assert_eq!(batch.column(i), plain.column(i));
    let f = repatsim::report::inputs::finding(&batch).unwrap();
    assert!(
        f.starts_with("The one uncertain input does not show a detectable link"),
        "{f}"
    );
}

#[test]
fn setting_an_uncertain_input_fixes_it() {
    // `--set` on a declared input means that value in every replication, not a draw.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("u.toml");
    std::fs::write(&file, uncertain_first_wave()).unwrap();
    let set = [Override::number("site.sinuiju-quarantine.stay_hours", 200.0)];
    let sc = repatsim::scenario::load_with(&file, &set).unwrap().scenario;
    assert_eq!(sc.uncertain.len(), 1, "only the coaches are still drawn");
    assert_eq!(sc.uncertain[0].path, "leg.yanji-dandong-coach.vehicles");
    let batch = run(&sc, 10, 2);
    assert!(
        batch
            .catalogue
            .index_of_id("input.site.sinuiju-quarantine.stay_hours")
            .is_none()
    );
    let compared = repatsim::experiment::compare::scenario_with(&uncertain_first_wave(), "u.toml", &set).unwrap();
    assert_eq!(compared.uncertain.len(), 1);
}

#[test]
fn no_what_if_steps_up_an_input_that_is_drawn() {
    // The minimal plan's bottleneck is its quarantine's beds; drawn per replication, they
    // have no one value to step up from, so the what-if is not offered on them.
    let template = std::fs::read_to_string(common::repo("scenarios/templates/minimal.toml")).unwrap();
    let text = format!(
        "{template}\n[[uncertain]]\npath = \"site.quarantine.beds\"\ndist = {{ dist = \"triangular\", min = 250, mode = 300, max = 400 }}\n"
    );
    let batch = run(&parse(&text), 20, 2);
    let b = repatsim::report::waiting::bottleneck(&batch).unwrap();
    assert_eq!(b.kind, repatsim::report::waiting::WaitKind::Site);
    let levers = repatsim::report::findings::levers(&batch, &b);
    let w = repatsim::experiment::whatif::what_if(&batch, &levers, &b.scopes, "t.toml", Some(2)).unwrap();
    assert!(w.is_none(), "{w:?}");
    // Without the declaration the same plan gets its what-if.
    let plain = run(&parse(&template), 20, 2);
    let b = repatsim::report::waiting::bottleneck(&plain).unwrap();
    let levers = repatsim::report::findings::levers(&plain, &b);
    let w = repatsim::experiment::whatif::what_if(&plain, &levers, &b.scopes, "t.toml", Some(2)).unwrap();
    assert!(w.is_some());
}
