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

/// The error `text` (named `name`) is refused with; panics if it is accepted.
fn refused(text: &str, name: &str) -> scenario::error::ScenarioError {
    match scenario::parse(text, name) {
        Err(e) => e,
        Ok(_) => panic!("accepted"),
    }
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
            Err(LoadError::Invalid(e)) => e,
            Err(e) => panic!("{}: {e}", path.display()),
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

/// Every value of the wrong type is reported at once, in the order of the file, each
/// with what to write instead (the reader stopped at the first); a field of an inline
/// table (as Python writes a dict) is named by its path, not "scenario file".
#[test]
fn every_type_error_is_reported_at_once_and_located() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/validation/hand-computed.toml"
    ))
    .unwrap();
    let sc = scenario::parse(&text, "x").unwrap().scenario;
    let leg = &sc.legs[0].name;
    let broken = text
        .replacen(&format!("seats = {}", sc.legs[0].seats), "seats = \"20\"", 1)
        .replacen(&format!("vehicles = {}", sc.legs[0].vehicles), "vehicles = 2.5", 1);
    assert_ne!(broken, text, "the test's edits did not apply");
    let err = refused(&broken, "broken.toml");
    let fields: Vec<&str> = err.diagnostics.iter().map(|d| d.field.as_str()).collect();
    let seats = format!("leg.{leg}.seats");
    let vehicles = format!("leg.{leg}.vehicles");
    assert!(
        fields.contains(&seats.as_str()) && fields.contains(&vehicles.as_str()),
        "{fields:?}"
    );
    let starts: Vec<usize> = err.diagnostics.iter().map(|d| d.span.clone().unwrap().start).collect();
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "not in the file's order: {starts:?}"
    );
    let seats_help = err.diagnostics.iter().find(|d| d.field == seats).unwrap().help.clone();
    assert!(seats_help.unwrap().contains("remove the quotes"));

    let inline = "site = [{ name = \"camp\", kind = \"origin\" }, { name = \"home\", kind = \"home\" }]\n\
                  checkpoint = [{ name = \"booth\", servers = 2.5, service_minutes = 6 }]\n\n\
                  [scenario]\nname = \"x\"\nstart = 2024-01-01T00:00:00\nhorizon_days = 2\n";
    let err = refused(inline, "inline.toml");
    assert_eq!(err.diagnostics[0].field, "checkpoint.booth.servers", "{err}");

    // A required field of the wrong type stood in for, not blanked: the problems after
    // it are found too (blanking `size` stopped the reading at "missing field").
    let text = "[scenario]\nname = \"t\"\nstart = 2024-01-01T00:00:00\nhorizon_days = 10\n\n\
                [[site]]\nname = \"origin\"\nkind = \"origin\"\n\n[[site]]\nname = \"home\"\nkind = \"home\"\n\n\
                [[cohort]]\nname = \"people\"\norigin = \"origin\"\nsize = \"200\"\nroute = [\"home\"]\n\n\
                [[target]]\nmetric = \"makespan_days\"\nop = \"<=\"\nvalue = \"3\"\n";
    let err = refused(text, "t.toml");
    let fields: Vec<&str> = err.diagnostics.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["cohort.people.size", "target[0].value"], "{err}");
}

/// Every missing field is told at once, each at the header of its table: the reader
/// stops at the first table that lacks one, so a tester's file missing `start` and
/// `horizon_days` was told of `start` alone (and would then have met the rest one by
/// one).
#[test]
fn every_missing_field_is_reported_at_once() {
    let text = "[scenario]\nname = \"t\"\n\n\
                [[site]]\nname = \"origin\"\n\n[[site]]\nname = \"home\"\nkind = \"home\"\n\n\
                [[cohort]]\nname = \"people\"\norigin = \"origin\"\nroute = [\"home\"]\n";
    let err = refused(text, "t.toml");
    let told: Vec<(&str, &str)> = err
        .diagnostics
        .iter()
        .map(|d| (d.field.as_str(), d.message.as_str()))
        .collect();
    for want in [
        ("scenario", "missing field `start`"),
        ("scenario", "missing field `horizon_days`"),
        ("site.origin", "missing field `kind`"),
        ("cohort.people", "missing field `size`"),
    ] {
        assert!(told.contains(&want), "{want:?} in {told:?}");
    }
    assert_eq!(told.len(), 4, "{err}");
    let at = |field: &str| {
        let d = err.diagnostics.iter().find(|d| d.field == field).unwrap();
        &text[d.span.clone().unwrap()]
    };
    assert_eq!(at("site.origin"), "[[site]]");
    assert_eq!(at("cohort.people"), "[[cohort]]");
    // A value of the wrong type may be read only after them (the reader's order is
    // its own): the missing fields are all told even so.
    let typed = text.replace(
        "name = \"t\"\n",
        "name = \"t\"\nstart = 2024-01-01T00:00:00\nhorizon_days = \"10\"\n",
    );
    let err = refused(&typed, "t.toml");
    let fields: Vec<&str> = err.diagnostics.iter().map(|d| d.field.as_str()).collect();
    assert!(fields.ends_with(&["site.origin", "cohort.people"]), "{err}");
}

/// A choice written as a number (`kind = 5`) is answered with the choices, not the
/// reader's "wanted string or table"; an unknown word keeps its "did you mean".
#[test]
fn a_choice_written_as_a_number_lists_the_choices() {
    let text = "[scenario]\nname = \"t\"\nstart = 2024-01-01T00:00:00\nhorizon_days = 10\n\n\
                [[site]]\nname = \"origin\"\nkind = \"origin\"\n\n[[site]]\nname = \"home\"\nkind = 5\n\n\
                [[cohort]]\nname = \"people\"\norigin = \"origin\"\nsize = 20\nroute = [\"home\"]\n";
    let err = refused(text, "t.toml");
    let d = &err.diagnostics[0];
    assert_eq!(d.field, "site.home.kind", "{err}");
    let help = d.help.clone().unwrap_or_default();
    for choice in ["origin", "assembly", "transit", "quarantine", "home"] {
        assert!(help.contains(choice), "{help}");
    }
    assert!(!d.message.contains("wanted string or table"), "{err}");
    let typo = text.replace("kind = 5", "kind = \"hom\"");
    let err = refused(&typo, "t.toml");
    assert_eq!(
        err.diagnostics[0].help.as_deref(),
        Some("did you mean `home`?"),
        "{err}"
    );
}

/// A second tester's files: missing fields behind values of the wrong type were not
/// told; elements of inline arrays were named by the array alone (`checkpoint`, not
/// `checkpoint.c` or `checkpoint[0]`); and a file without `[scenario]` blamed its first
/// site for it.
#[test]
fn missing_fields_are_told_beside_wrong_types_and_named_as_checks_name_them() {
    let text = "checkpoint = [{ name = \"c\", service_minutes = 3 }, { servers = 1, service_minutes = 3 }]\n\n\
                [scenario]\nname = 3\nstart = 2024-01-01T00:00:00\n\n[[site]]\nname = \"a\"\n";
    let err = refused(text, "t.toml");
    let told: Vec<(&str, &str)> = err
        .diagnostics
        .iter()
        .map(|d| (d.field.as_str(), d.message.as_str()))
        .collect();
    assert!(told.iter().any(|(f, _)| *f == "scenario.name"), "{told:?}");
    for want in [
        ("checkpoint.c", "missing field `servers`"),
        ("checkpoint[1]", "missing field `name`"),
        ("scenario", "missing field `horizon_days`"),
        ("site.a", "missing field `kind`"),
    ] {
        assert!(told.contains(&want), "{want:?} in {told:?}");
    }
    let no_header = "[[site]]\nname = \"a\"\nkind = \"origin\"\n";
    let err = refused(no_header, "t.toml");
    let d = &err.diagnostics[0];
    assert_eq!(
        (d.field.as_str(), d.message.as_str()),
        ("scenario", "missing field `scenario`"),
        "{err}"
    );
}
