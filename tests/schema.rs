//! `schema/scenario.schema.json` is the schema derived from the parser's types now
//! (regenerate with `UPDATE_SCHEMA=1 cargo test --test schema`), it names every table and
//! the shipped scenarios' fields, and `taplo.toml` points editors at it.
//! (The shipped scenarios are validated against it by a JSON Schema validator in
//! python/tests/test_schema.py.)

mod common;
use common::repo;

#[test]
fn the_checked_in_schema_is_current() {
    let now = repatsim::scenario::schema::scenario_schema_text();
    let path = repo("schema/scenario.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == now,
        "schema/scenario.schema.json is out of date: run UPDATE_SCHEMA=1 cargo test --test schema"
    );
}

#[test]
fn the_schema_knows_every_table_and_refuses_unknown_fields() {
    let v = repatsim::scenario::schema::scenario_schema();
    let tables = v["properties"].as_object().unwrap();
    for t in [
        "scenario",
        "site",
        "leg",
        "checkpoint",
        "cohort",
        "category",
        "wave",
        "closure",
        "outbreak",
        "change",
        "target",
    ] {
        assert!(tables.contains_key(t), "no `{t}` in the schema");
    }
    assert_eq!(v["additionalProperties"], false);
    // Enumerations come through, e.g. the modes of a leg.
    let text = v.to_string();
    for word in [
        "\"when_full_or_empty_queue\"",
        "\"triangular\"",
        "\"quarantine\"",
        "\"all_at_once\"",
    ] {
        assert!(text.contains(word), "{word} missing");
    }
    let taplo = std::fs::read_to_string(repo("taplo.toml")).unwrap();
    assert!(taplo.contains("schema/scenario.schema.json"), "{taplo}");
}
