//! The simulator agrees with queueing theory and hand computation (see
//! docs/VALIDATION.md), and that document's table is exactly what its command prints.

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
