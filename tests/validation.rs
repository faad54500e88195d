//! The simulator agrees with queueing theory and hand computation (see
//! docs/VALIDATION.md), and that document's table is exactly what its command prints.

mod common;
use common::*;
use repatsim::validation::{markdown_table, run_all};

#[test]
fn every_case_agrees_with_theory_and_the_document_is_current() {
    let outcomes = run_all(None).expect("validation cases run");
    assert!(outcomes.len() >= 20);
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| {
            format!(
                "{} / {}: theory {} outside [{}, {}] +/- {}",
                o.case, o.check.label, o.check.theory, o.estimate.ci95_low, o.estimate.ci95_high, o.check.tolerance
            )
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));

    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/VALIDATION.md")).unwrap();
    let start = doc.find("<!-- table:start -->\n").expect("table start marker") + "<!-- table:start -->\n".len();
    let end = doc.find("<!-- table:end -->").expect("table end marker");
    assert_eq!(
        &doc[start..end],
        markdown_table(&outcomes),
        "docs/VALIDATION.md is stale: regenerate it with `cargo run --release -- validate-theory`"
    );
}

/// Hours per person of a cohort are per member who set out: in M/M/1 at utilisation 0.5
/// (mean service 0.1 h) the wait in line is 0.1 h, and the cohort's 100,000 members are
/// far more than the ~48,000 who arrive before the horizon. Dividing by all of them gave
/// less than half of it.
#[test]
fn hours_per_person_count_those_who_set_out() {
    let batch = run(&load("scenarios/validation/mm1-rho050.toml"), 4, 2);
    let home = mean(&batch, "cohort.arrivals.home");
    assert!(home < 60_000.0, "{home}");
    let per_person = mean(&batch, "cohort.arrivals.mean_hours_waiting_at_checkpoint");
    assert!((per_person - 0.1).abs() < 0.01, "{per_person}");
}
