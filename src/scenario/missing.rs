//! Every missing required field of a scenario file at once. The reader stops at the
//! first table that lacks one ("missing field `start`"), and a field cannot be put in
//! its place without moving every later byte, so a file missing `start`, `horizon_days`
//! and a site's `kind` told of `start` alone. This walks the TOML against the schema
//! derived from the reader's own types ([`super::schema`]), so what it calls required is
//! what the reader requires.

use super::error::Diagnostic;
use serde_json::Value as Json;
use std::ops::Range;
use toml_edit::{Document, Item, Table, Value};

/// A table of the file: a `[table]` / `[[array]]` element (located at its header) or an
/// inline table (located whole).
enum Node<'a> {
    Table(&'a Table),
    Inline(&'a toml_edit::InlineTable),
}

impl<'a> Node<'a> {
    fn has(&self, key: &str) -> bool {
        match self {
            Node::Table(t) => t.contains_key(key),
            Node::Inline(t) => t.contains_key(key),
        }
    }

    fn span(&self) -> Option<Range<usize>> {
        match self {
            Node::Table(t) => t.span(),
            Node::Inline(t) => t.span(),
        }
    }

    /// The tables under `key`: itself, or each element of an array of them, with the
    /// element's name (or index) for its path.
    fn children(&self, key: &str) -> Vec<(Option<String>, Node<'a>)> {
        let named = |name: Option<&str>, i: usize| {
            name.filter(|n| !n.is_empty() && !n.contains(['.', ' ']))
                .map_or(format!("{key}[{i}]"), |n| format!("{key}.{n}"))
        };
        let of_value = |v: &'a Value| -> Vec<(Option<String>, Node<'a>)> {
            match v {
                Value::InlineTable(t) => vec![(Some(key.to_string()), Node::Inline(t))],
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .filter_map(|(i, el)| match el {
                        Value::InlineTable(t) => {
                            Some((Some(named(t.get("name").and_then(Value::as_str), i)), Node::Inline(t)))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        match self {
            Node::Table(t) => match t.get(key) {
                Some(Item::Table(inner)) => vec![(Some(key.to_string()), Node::Table(inner))],
                Some(Item::ArrayOfTables(a)) => a
                    .iter()
                    .enumerate()
                    .map(|(i, el)| (Some(named(el.get("name").and_then(Item::as_str), i)), Node::Table(el)))
                    .collect(),
                Some(Item::Value(v)) => of_value(v),
                _ => Vec::new(),
            },
            Node::Inline(t) => t.get(key).map(of_value).unwrap_or_default(),
        }
    }
}

/// Every required field missing from `text` (valid TOML), in the order of the file, as
/// the reader words it: "missing field `kind`" at the header of the table that lacks it.
/// Empty when the text is not TOML.
pub fn missing_fields(text: &str) -> Vec<Diagnostic> {
    let Ok(doc) = Document::parse(text) else {
        return Vec::new();
    };
    let schema = super::schema::scenario_schema();
    let mut out = Vec::new();
    walk(
        &schema,
        &schema,
        &Node::Table(doc.as_table()),
        &mut Vec::new(),
        &mut out,
    );
    out.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    out
}

/// The object schema `s` stands for: through a `$ref`, the items of an array, or the
/// alternative of an `anyOf` / `oneOf` that is a table (a duration is a number or one).
fn object<'s>(root: &'s Json, s: &'s Json) -> Option<&'s Json> {
    if let Some(r) = s.get("$ref").and_then(Json::as_str) {
        let name = r.rsplit('/').next()?;
        return object(root, root.get("$defs")?.get(name)?);
    }
    if s.get("properties").is_some() {
        return Some(s);
    }
    if let Some(items) = s.get("items") {
        return object(root, items);
    }
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| s.get(*k).and_then(Json::as_array))
        .flatten()
        .find_map(|alt| object(root, alt))
}

fn walk(root: &Json, schema: &Json, node: &Node, path: &mut Vec<String>, out: &mut Vec<Diagnostic>) {
    let Some(obj) = object(root, schema) else {
        return;
    };
    for key in obj.get("required").and_then(Json::as_array).into_iter().flatten() {
        let Some(key) = key.as_str() else { continue };
        if !node.has(key) {
            // A table missing at the top (`[scenario]`) is named itself, at the start.
            let (field, span) = if path.is_empty() {
                (key.to_string(), Some(0..0))
            } else {
                (path.join("."), node.span())
            };
            out.push(
                Diagnostic::new(field, span, format!("missing field `{key}`"))
                    .help("see the scenario field reference in README.md"),
            );
        }
    }
    let Some(props) = obj.get("properties").and_then(Json::as_object) else {
        return;
    };
    for (key, prop) in props {
        if object(root, prop).is_none() {
            continue;
        }
        for (name, child) in node.children(key) {
            path.push(name.unwrap_or_else(|| key.clone()));
            walk(root, prop, &child, path, out);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::missing_fields;

    #[test]
    fn every_missing_field_is_found_where_the_reader_would_say_it() {
        let text = "[scenario]\nname = \"x\"\n\n[[site]]\nname = \"camp\"\n\n[[leg]]\nname = \"bus\"\nfrom = \"camp\"\n\n\
                    [[checkpoint]]\nname = \"desk\"\nservers = 1\nservice_minutes = { mean = 3 }\n";
        let found: Vec<(String, String)> = missing_fields(text).into_iter().map(|d| (d.field, d.message)).collect();
        assert_eq!(found.len(), 8, "{found:?}");
        let want = [
            ("scenario", "start"),
            ("scenario", "horizon_days"),
            ("site.camp", "kind"),
            ("leg.bus", "to"),
            ("leg.bus", "mode"),
            ("leg.bus", "seats"),
            ("leg.bus", "travel_hours"),
            ("checkpoint.desk.service_minutes", "dist"),
        ];
        for (field, key) in want {
            let m = format!("missing field `{key}`");
            assert!(
                found.iter().any(|(f, msg)| f == field && *msg == m),
                "{field} {key}: {found:?}"
            );
        }
    }
}
