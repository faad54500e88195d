//! Every malformed scenario in tests/bad_scenarios/ is rejected with the field, line,
//! column and message its header comments expect, and never with a panic.

use repatsim::scenario::{self, LoadError};
use std::path::{Path, PathBuf};

struct Expectation {
    field: String,
    line: usize,
    column: usize,
    message: String,
}

fn expectation(path: &Path) -> Expectation {
    let text = std::fs::read_to_string(path).unwrap();
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("# {key}: ")))
            .unwrap_or_else(|| panic!("{}: no `# {key}:` line", path.display()))
            .to_string()
    };
    let at = get("expect-at");
    let (line, column) = at.split_once(':').unwrap();
    Expectation {
        field: get("expect-field"),
        line: line.parse().unwrap(),
        column: column.parse().unwrap(),
        message: get("expect-message"),
    }
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_is_large_enough() {
    assert!(
        corpus().len() >= 30,
        "the bad-scenario corpus should hold at least 30 files"
    );
}

#[test]
fn every_bad_scenario_is_rejected_where_expected() {
    let mut failures = Vec::new();
    for path in corpus() {
        let want = expectation(&path);
        let err = match scenario::load(&path) {
            Ok(_) => {
                failures.push(format!("{}: accepted, but should be rejected", path.display()));
                continue;
            }
            Err(e @ (LoadError::Io { .. } | LoadError::Override { .. } | LoadError::Encoding { .. })) => {
                panic!("{}: {e}", path.display())
            }
            Err(LoadError::Invalid(e)) => e,
        };
        let locations = err.locations();
        let hit = err.diagnostics.iter().zip(&locations).any(|(d, at)| {
            d.field == want.field
                && at.line == want.line
                && at.column == want.column
                && d.message.contains(&want.message)
        });
        let rendered = err.to_string();
        let located = format!("{}:{}:{}", path.display(), want.line, want.column);
        if !hit || !rendered.contains(&located) || !rendered.contains(&want.field) {
            let got: Vec<String> = err
                .diagnostics
                .iter()
                .zip(&locations)
                .map(|(d, at)| format!("{} at {}:{}: {}", d.field, at.line, at.column, d.message))
                .collect();
            failures.push(format!(
                "{}: wanted `{}` at {}:{} containing {:?}; got {:?}",
                path.display(),
                want.field,
                want.line,
                want.column,
                want.message,
                got
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
