//! The JSON Schema of scenario files, derived from the types the parser reads them into
//! ([`super::raw`]), so it cannot drift from what is accepted. Editors use it to complete
//! and check fields while typing (taplo / "Even Better TOML" in VS Code, through
//! `taplo.toml` or a `#:schema` comment); `schema/scenario.schema.json` is this, checked
//! to be current by `tests/schema.rs`. Dates are TOML local date-times, shown as strings.

use super::raw::RawFile;

/// The schema, as JSON.
pub fn scenario_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(RawFile);
    let mut v = serde_json::to_value(&schema).expect("a schema is JSON");
    if let Some(obj) = v.as_object_mut() {
        obj.insert("title".into(), "repatsim scenario".into());
        obj.insert(
            "description".into(),
            "A repatsim scenario file: sites, legs, checkpoints, cohorts and their routes (README.md, \"Scenario files\").".into(),
        );
    }
    v
}

/// The schema as the text of `schema/scenario.schema.json`.
pub fn scenario_schema_text() -> String {
    serde_json::to_string_pretty(&scenario_schema()).expect("JSON") + "\n"
}
